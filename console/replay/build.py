"""Checkpoints for a file recorded without them (an older app): one fold of the whole log.

The result is stored in the file when that is safe (nobody records it, it can be
written), else kept by the replay in memory. Either way the checkpoints are the
same as a recording would write, so seeking works the same afterwards.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from console.domain.snapshot import to_snapshot
from console.replay.log import EventLog, Position, open_readonly
from console.store import checkpoints
from console.store.checkpoints import CHECKPOINT_EVERY, Checkpoint
from console.store.errors import SessionFileError
from console.store.lock import SessionLock
from console.store.session_file import _describe, connect

log = logging.getLogger("console.replay")

Progress = Callable[[int, int], None]  # events folded, events in the log
Built = list[tuple[Checkpoint, str]]  # each checkpoint with its snapshot's JSON text
_NEVER = 1 << 62


def build(path: Path, *, every: int = CHECKPOINT_EVERY, progress: Progress | None = None) -> Built:
    """Fold the log on a connection of its own (so it may run on another thread)."""
    conn, meta = open_readonly(path)
    built: Built = []
    with closing(conn):
        pos = Position(feed_kinds=frozenset())  # no feed wanted
        events = EventLog(conn, path, keep=0)  # read once: nothing to keep
        tail_from = 0  # the first bucket changed since the previous checkpoint
        while True:
            prev = pos.state.last_seq
            pos.fold(events, until_ts=_NEVER, until_seq=prev + every)
            state = pos.state
            if state.last_seq == prev or state.started_at_ms is None:
                break
            try:
                (lowest,) = conn.execute(
                    "SELECT min(ts_ms) FROM events WHERE seq > ? AND seq <= ?",
                    (prev, state.last_seq),
                ).fetchone()
            except sqlite3.Error as e:
                raise _describe(path, e) from None
            tail = max(0, min((lowest - state.started_at_ms) // 1000, tail_from))
            snapshot = to_snapshot(state, bucket_tail_from=tail)
            built.append(
                (Checkpoint(state.last_seq, pos.arrival, tail), checkpoints.encode(snapshot))
            )
            tail_from = len(state.buckets)
            if progress is not None:
                progress(state.last_seq, meta.event_count)
    return built


def store(path: Path, built: Built) -> bool:
    """Write built checkpoints into the file; False if it is being recorded or read-only."""
    lock = SessionLock(path)
    try:
        if not lock.acquire():
            return False
        with closing(connect(path)) as conn, conn:
            for cp, text in built:
                checkpoints.insert(conn, cp.seq, cp.ts_ms, cp.buckets_from, text)
    except (OSError, SessionFileError, sqlite3.Error) as e:
        log.info("checkpoints for %s kept in memory: %s", path.name, e)
        return False
    finally:
        lock.release()
    return True
