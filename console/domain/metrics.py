"""KPIs as a merchant reads them, and how each moved over the last minute.

"A minute ago" is derived from the per-second buckets, not from a history the
UI keeps, so the live console and a replay at the same moment agree.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, fields

from console.domain.state import SessionState, Totals

WINDOW_MS = 60_000


@dataclass(frozen=True, slots=True)
class Kpis:
    gmv_minor: int
    orders: int
    units: int
    aov_minor: int
    viewers: int
    peak_viewers: int
    entries: int
    conversion: float
    uv_value_minor: int
    gpm_minor: int
    likes: int
    comments: int
    follows: int

    @classmethod
    def of(cls, t: Totals) -> Kpis:
        return cls(
            t.gmv_minor, t.orders, t.units, t.aov_minor, t.viewers, t.peak_viewers, t.entries,
            t.conversion, t.uv_value_minor, t.gpm_minor, t.likes, t.comments, t.follows,
        )  # fmt: skip

    def minus(self, other: Kpis) -> dict[str, int | float]:
        return {f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}


def kpis_at_window_start(state: SessionState, now_ms: int) -> Kpis:
    """The KPIs as they stood `WINDOW_MS` before `now_ms`."""
    t = state.totals
    start = state.started_at_ms
    if start is None:
        return Kpis.of(t)
    first = max(0, (now_ms - WINDOW_MS - start) // 1000 + 1)
    recent = state.buckets[first:]
    before = Totals(
        orders=t.orders - sum(b.orders for b in recent),
        units=t.units - sum(b.units for b in recent),
        gmv_minor=t.gmv_minor - sum(b.gmv_minor for b in recent),
        comments=t.comments - sum(b.comments for b in recent),
        likes=t.likes - sum(b.likes for b in recent),
        follows=t.follows - sum(b.follows for b in recent),
        entries=t.entries - sum(b.entries for b in recent),
    )
    before.viewers = state.buckets[first - 1].viewers if 0 < first <= len(state.buckets) else 0
    i = bisect_right(state.peaks, (now_ms - WINDOW_MS, 1 << 62))
    before.peak_viewers = state.peaks[i - 1][1] if i else 0
    return Kpis.of(before)


def minute_change(state: SessionState, now_ms: int) -> dict[str, int | float]:
    """Each KPI now minus the same KPI a minute ago."""
    return Kpis.of(state.totals).minus(kpis_at_window_start(state, now_ms))
