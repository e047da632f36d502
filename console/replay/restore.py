"""Rebuilding the state at a checkpoint: its snapshot plus the buckets it leaves out.

A checkpoint stores the buckets from `buckets_from` on: those changed since the
previous checkpoint. An older bucket has the value `metrics_1s` holds (the
session's final one) unless some later event changed it: a late-stamped event
may land in any past second. `stable[k]` is the first second any event after
checkpoint k touches; below it the final values are the values at k, and those
Bucket objects are shared between states because nothing will change them.
The seconds from there up to `buckets_from` (and any a file lacks in
`metrics_1s`) come from the latest earlier checkpoint that stored them.
"""

from __future__ import annotations

import logging
import sqlite3
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from console.domain.snapshot import SnapshotError, bucket_tail
from console.domain.state import Bucket, SessionState
from console.replay.log import Position
from console.store import checkpoints
from console.store.checkpoints import Checkpoint
from console.store.errors import SessionFileError

log = logging.getLogger("console.replay")


@dataclass(slots=True)
class FinalBuckets:
    """The session's final buckets, made once from the overview when first needed."""

    make: Callable[[], list[Bucket | None]]
    _buckets: list[Bucket | None] | None = None
    first_gap: int = 0

    def get(self) -> list[Bucket | None]:
        if self._buckets is None:
            buckets = self.make()
            self.first_gap = next((i for i, b in enumerate(buckets) if b is None), len(buckets))
            self._buckets = buckets
        return self._buckets


class Restorer:
    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        index: list[Checkpoint],
        trailing_from: int,
        final: FinalBuckets,
        memory: dict[int, str] | None = None,
    ) -> None:
        """`trailing_from`: the first second touched after the last checkpoint.

        `memory` holds snapshots built but not stored in the file, by seq.
        """
        self.conn = conn
        self.path = path
        self.index = index
        self.final = final
        self.memory = memory or {}
        self.arrivals = [c.ts_ms for c in index]
        self.stable = [0] * len(index)
        low = trailing_from
        for k in range(len(index) - 1, -1, -1):
            self.stable[k] = low
            low = min(low, index[k].buckets_from)
        self.bad: set[int] = set()

    def last_at_or_before(self, ts_ms: int) -> int:
        """The position in `index` of the latest usable checkpoint shown by `ts_ms`, or -1."""
        return self._usable(bisect_right(self.arrivals, ts_ms) - 1)

    def _usable(self, k: int) -> int:
        while k >= 0 and k in self.bad:
            k -= 1
        return k

    def position(self, k: int) -> Position:
        """The state at checkpoint k; a damaged one is logged, skipped and an earlier one used."""
        while k >= 0:
            try:
                state = self._restore(k)
            except SessionFileError as e:
                log.warning("%s; replaying from an earlier point", e)
                self.bad.add(k)
                k = self._usable(k - 1)
                continue
            return Position(state, self.index[k].ts_ms, feed_from=state.last_seq)
        return Position()

    def _snapshot(self, seq: int) -> dict[str, Any]:
        text = self.memory.get(seq)
        if text is None:
            return checkpoints.read_snapshot(self.conn, self.path, seq)
        return checkpoints.parse_snapshot(text, self.path, seq)

    def _tail(self, k: int) -> tuple[dict[str, Any], int, list[Bucket]]:
        seq = self.index[k].seq
        data = self._snapshot(seq)
        try:
            start, tail = bucket_tail(data)
        except SnapshotError as e:
            raise SessionFileError(self._bad(k, f"is damaged: {e}")) from None
        if start != self.index[k].buckets_from:
            raise SessionFileError(self._bad(k, "disagrees with its row"))
        return data, start, tail

    def _bad(self, k: int, why: str) -> str:
        return f"{self.path.name}: the checkpoint at event {self.index[k].seq} {why}"

    def _restore(self, k: int) -> SessionState:
        data, start, _ = self._tail(k)
        final = self.final.get()
        if start > len(final):
            raise SessionFileError(self._bad(k, "has more buckets than the session"))
        cut = min(self.stable[k], start)
        prefix: list[Bucket | None] = final[:cut] + [None] * (start - cut)
        missing = list(range(cut, start))
        if cut > self.final.first_gap:
            missing += [s for s in range(cut) if prefix[s] is None]
        if missing:
            self._fill(prefix, missing, k)
        return checkpoints.restore(data, cast(list[Bucket], prefix), self.path, self.index[k].seq)

    def _fill(self, prefix: list[Bucket | None], missing: list[int], k: int) -> None:
        """Take each missing second from the latest earlier checkpoint that stored it."""
        need = set(missing)
        for j in range(k - 1, -1, -1):
            _, start, tail = self._tail(j)
            for sec in [s for s in need if start <= s < start + len(tail)]:
                prefix[sec] = tail[sec - start]
                need.discard(sec)
            if not need:
                return
        raise SessionFileError(self._bad(k, "lacks buckets no earlier checkpoint has"))
