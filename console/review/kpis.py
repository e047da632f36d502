"""A session's KPIs and how they compare with the merchant's previous sessions.

Every KPI is read from an `info` summary, so this session and the previous ones
are measured alike, and a comparison needs nothing but their summaries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from console.domain.money import format_money


class Kpi(NamedTuple):
    label: str
    read: Callable[[dict[str, Any]], float]


def _duration_ms(s: dict[str, Any]) -> int:
    return round(s["duration_s"] * 1000)


def _per_entry(s: dict[str, Any], amount: int | float) -> float:
    return amount / s["entries"] if s["entries"] else 0.0


# Keys ending in _minor are money: integers, averaged by integer division.
KPIS: dict[str, Kpi] = {
    "gmv_minor": Kpi("GMV", lambda s: s["gmv_minor"]),
    "orders": Kpi("Orders", lambda s: s["orders"]),
    "units": Kpi("Units", lambda s: s["units"]),
    "aov_minor": Kpi("Average order value", lambda s: s["aov_minor"]),
    "gmv_per_hour_minor": Kpi(
        "GMV per hour",
        lambda s: s["gmv_minor"] * 3_600_000 // _duration_ms(s) if _duration_ms(s) else 0,
    ),
    "peak_viewers": Kpi("Peak viewers online", lambda s: s["peak_viewers"]),
    "entries": Kpi("Entries", lambda s: s["entries"]),
    "conversion": Kpi("Conversion (orders / entries)", lambda s: _per_entry(s, s["orders"])),
    "uv_value_minor": Kpi(
        "UV value (GMV / entry)",
        lambda s: s["gmv_minor"] // s["entries"] if s["entries"] else 0,
    ),
    "comments": Kpi("Comments", lambda s: s["comments"]),
    "follows": Kpi("New followers", lambda s: s["follows"]),
    "duration_s": Kpi("Duration", lambda s: s["duration_s"]),
}


def elapsed(ms: int) -> str:
    """Time since the start as h:mm:ss, the way a merchant reads a replay."""
    s = max(0, ms) // 1000
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def format_kpi(key: str, value: float, currency: str) -> str:
    """A KPI for people: money with its symbol, ratios in percent, durations as h:mm:ss."""
    if key.endswith("_minor"):
        return format_money(int(value), currency)
    if key == "conversion":
        return f"{value:.2%}"
    if key == "duration_s":
        return elapsed(round(value * 1000))
    return f"{value:,.0f}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """One KPI against the previous sessions: rank 1 is the highest of all."""

    key: str
    value: float
    average: float | None  # None without previous sessions
    rank: int
    of: int

    @property
    def difference(self) -> float | None:
        return None if self.average is None else self.value - self.average

    @property
    def change(self) -> float | None:
        """The difference as a part of the average; None when the average is 0 or missing."""
        return (self.value - self.average) / self.average if self.average else None


def compare(summary: dict[str, Any], previous: list[dict[str, Any]]) -> list[Comparison]:
    """This session's KPIs against the previous sessions in the same currency (itself excluded)."""
    others = [
        p
        for p in previous
        if p["currency"] == summary["currency"] and p["session_id"] != summary["session_id"]
    ]
    out = []
    for key, kpi in KPIS.items():
        value = kpi.read(summary)
        values = [kpi.read(p) for p in others]
        average: float | None = None
        if values and key.endswith("_minor"):
            average = sum(values) // len(values)
        elif values:
            average = sum(values) / len(values)
        rank = 1 + sum(v > value for v in values)
        out.append(Comparison(key, value, average, rank, len(values) + 1))
    return out
