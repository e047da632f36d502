"""The `checkpoints` table: the session state every so many events, so replay seeks fast.

A row is the state after event `seq` as a JSON snapshot (console/domain/snapshot.py),
`ts_ms` is the latest event time in the log up to `seq` (the first moment a replay
shows that state) and `buckets_from` the first per-second bucket that changed since
the previous checkpoint: older buckets are read from earlier rows or `metrics_1s`.
Checkpoints are a cache, outside the hash chain: readers check them and fall back
to folding the log when one is wrong.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.domain.snapshot import SnapshotError, from_snapshot
from console.domain.state import Bucket, SessionState
from console.store.errors import SessionFileError
from console.store.session_file import _describe

# Accepted events between checkpoints: folding this many takes about 60 ms.
CHECKPOINT_EVERY = 20_000

CheckpointRow = tuple[int, int, dict[str, Any]]  # seq, buckets_from, snapshot

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    ts_ms: int
    buckets_from: int


def encode(snapshot: dict[str, Any]) -> str:
    return _ENCODER.encode(snapshot)


def arrival_at(conn: sqlite3.Connection, seq: int) -> int:
    """The latest event time up to `seq`, from the previous checkpoint's and the rows since."""
    prev = conn.execute(
        "SELECT seq, ts_ms FROM checkpoints WHERE seq < ? ORDER BY seq DESC LIMIT 1", (seq,)
    ).fetchone()
    lo, latest = prev if prev is not None else (0, None)
    (top,) = conn.execute(
        "SELECT max(ts_ms) FROM events WHERE seq > ? AND seq <= ?", (lo, seq)
    ).fetchone()
    return max(v for v in (latest, top, 0) if v is not None)


def insert(conn: sqlite3.Connection, seq: int, ts_ms: int, buckets_from: int, text: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO checkpoints (seq, ts_ms, buckets_from, state) VALUES (?, ?, ?, ?)",
        (seq, ts_ms, buckets_from, text),
    )


def read_index(conn: sqlite3.Connection, path: Path) -> list[Checkpoint]:
    """The checkpoints in seq order; none for a file older than the table.

    Rows that do not fit (not whole numbers, time going backwards) are left out.
    """
    try:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='checkpoints'"
        ).fetchone():
            return []
        rows = conn.execute("SELECT seq, ts_ms, buckets_from FROM checkpoints ORDER BY seq")
        index: list[Checkpoint] = []
        for row in rows:
            fits = all(type(v) is int for v in row) and row[0] > 0 and row[2] >= 0
            if fits and (not index or row[1] >= index[-1].ts_ms):
                index.append(Checkpoint(*row))
        return index
    except sqlite3.Error as e:
        raise _describe(path, e) from None


def read_snapshot(conn: sqlite3.Connection, path: Path, seq: int) -> dict[str, Any]:
    """The stored snapshot after event `seq`, parsed but not yet checked."""
    try:
        row = conn.execute("SELECT state FROM checkpoints WHERE seq = ?", (seq,)).fetchone()
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    if row is None:
        raise SessionFileError(f"{path.name} has no checkpoint at event {seq}")
    return parse_snapshot(row[0], path, seq)


def parse_snapshot(text: Any, path: Path, seq: int) -> dict[str, Any]:
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise SessionFileError(f"{path.name}: the checkpoint at event {seq} is not a JSON object")
    return data


def restore(data: dict[str, Any], prefix: list[Bucket], path: Path, seq: int) -> SessionState:
    """The state a snapshot holds, checked; SessionFileError when it cannot be trusted."""
    try:
        state = from_snapshot(data, prefix)
    except SnapshotError as e:
        raise SessionFileError(
            f"{path.name}: the checkpoint at event {seq} is damaged: {e}"
        ) from None
    if state.last_seq != seq:
        raise SessionFileError(f"{path.name}: the checkpoint at event {seq} holds another event")
    return state
