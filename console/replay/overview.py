"""The whole session at a glance, for the scrubber: per-second counts and jump points.

The counts come straight from `metrics_1s` (one row per second, no fold), so
even a 10-million-event session draws its overview at once. Jumps are the
moments worth landing on: markers, product switches, deal starts and ends.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from console.domain.state import BUCKET_FIELDS, Bucket, SessionState
from console.store.errors import SessionFileError
from console.store.session_file import _describe

_VIEWERS = BUCKET_FIELDS.index("viewers")


@dataclass(frozen=True, slots=True)
class Jump:
    ts_ms: int
    kind: str  # "marker", "switch" (presenting changed), "deal" (went live), "deal_end"
    label: str  # the marker's text, or the product's title ("" when nothing presents)


@dataclass(frozen=True, slots=True)
class Overview:
    """`counts[sec]` holds BUCKET_FIELDS for each second since the start.

    A second missing from `metrics_1s` (older files skip seconds without events)
    counts zero with the viewers carried over, and is False in `stored`.
    """

    start_ms: int
    counts: np.ndarray  # int64, shape (seconds, len(BUCKET_FIELDS))
    stored: np.ndarray  # bool, shape (seconds,)

    @property
    def seconds(self) -> int:
        return len(self.counts)

    def column(self, name: str) -> np.ndarray:
        return self.counts[:, BUCKET_FIELDS.index(name)]

    def buckets(self) -> list[Bucket | None]:
        """The stored seconds as buckets (None where a second is missing)."""
        rows = self.counts.tolist()
        return [
            Bucket(*row) if ok else None for row, ok in zip(rows, self.stored.tolist(), strict=True)
        ]


def read_overview(conn: sqlite3.Connection, path: Path, start_ms: int, seconds: int) -> Overview:
    """The first `seconds` seconds of `metrics_1s` as arrays."""
    try:
        rows = conn.execute(
            f"SELECT sec, {', '.join(BUCKET_FIELDS)} FROM metrics_1s"
            " WHERE sec >= 0 AND sec < ? ORDER BY sec",
            (seconds,),
        ).fetchall()
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    try:
        table = np.array(rows, dtype=np.int64).reshape(len(rows), len(BUCKET_FIELDS) + 1)
    except (TypeError, ValueError, OverflowError):
        raise SessionFileError(f"{path.name} is damaged: metrics_1s holds non-numbers") from None
    counts = np.zeros((seconds, len(BUCKET_FIELDS)), dtype=np.int64)
    stored = np.zeros(seconds, dtype=bool)
    counts[table[:, 0]] = table[:, 1:]
    stored[table[:, 0]] = True
    if not stored.all():  # carry the viewers over the gaps
        last = np.maximum.accumulate(np.where(stored, np.arange(seconds), 0))
        counts[:, _VIEWERS] = counts[last, _VIEWERS]
    return Overview(start_ms, counts, stored)


def jumps_of(state: SessionState) -> list[Jump]:
    """Markers, switches and deal starts and ends of a (whole) session, in time order."""

    def title(sku: str | None) -> str:
        p = state.products.get(sku) if sku is not None else None
        return p.product.title if p is not None else (sku or "")

    out = [Jump(m.ts_ms, "marker", m.text) for m in state.markers]
    out += [Jump(ts, "switch", title(sku)) for ts, sku in state.presentations]
    for deal in state.deals.values():
        if deal.started_at_ms is not None:
            out.append(Jump(deal.started_at_ms, "deal", title(deal.product_sku)))
        if deal.ended_at_ms is not None:
            out.append(Jump(deal.ended_at_ms, "deal_end", title(deal.product_sku)))
    out.sort(key=lambda j: j.ts_ms)
    return out
