"""The session file's writer thread: group commit, one transaction per flush.

The engine hands over finished rows; this thread writes whatever has piled
up, at most every `interval` seconds, as one transaction: the events as one
`INSERT ... SELECT FROM json_each(?)` statement (one statement keeps the GIL
free while SQLite works, see docs/architecture.md), the touched per-second
metrics, rejected input, a checkpoint when the engine sends one, and the session
row's chain head.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from console.domain.state import BUCKET_FIELDS
from console.store import checkpoints
from console.store.checkpoints import CheckpointRow
from console.store.errors import SessionFileError
from console.store.schema import configure

log = logging.getLogger("console.store.writer")

EventRow = tuple[int, int, str, str, str, str]  # seq, ts_ms, kind, source, data, hash
MetricRow = tuple[int, ...]  # sec, ts_ms, *BUCKET_FIELDS
RejectedRow = tuple[int, str, str, str]  # ts_ms, source, reason, payload

_INSERT_EVENTS = (
    "INSERT INTO events (seq, ts_ms, kind, source, data, hash) SELECT"
    " json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
    " json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')"
    " FROM json_each(?)"
)
_UPSERT_METRICS = (
    f"INSERT OR REPLACE INTO metrics_1s (sec, ts_ms, {', '.join(BUCKET_FIELDS)})"
    f" VALUES ({', '.join('?' * (len(BUCKET_FIELDS) + 2))})"
)
_INSERT_REJECTED = "INSERT INTO rejected (ts_ms, source, reason, payload) VALUES (?, ?, ?, ?)"


class SessionWriter:
    def __init__(
        self, path: Path, session_id: str, *, interval: float = 0.1, max_pending: int = 400_000
    ) -> None:
        self.path = path
        self._session_id = session_id
        self._interval = interval
        self._max_pending = max_pending
        self._cond = threading.Condition()
        self._events: list[EventRow] = []
        self._metrics: dict[int, MetricRow] = {}
        self._rejected: list[RejectedRow] = []
        self._checkpoints: list[CheckpointRow] = []
        self._status: str | None = None
        self._ended_at_ms: int | None = None
        self._oldest_pending: float | None = None
        self._submitted = 0
        self._committed = 0
        self._closing = False
        self._flush_now = False
        self.error: str | None = None
        self.committed_seq = 0
        self._thread = threading.Thread(target=self._run, name="session-writer", daemon=True)
        self._thread.start()

    # -- called from the engine's thread ------------------------------------------------
    def submit(
        self,
        events: Sequence[EventRow],
        metrics: Sequence[MetricRow] = (),
        rejected: Sequence[RejectedRow] = (),
        checkpoint: CheckpointRow | None = None,
    ) -> None:
        """Queue rows for the next commit; `checkpoint` is the state after the last event."""
        with self._cond:
            while len(self._events) > self._max_pending and not self._closing:
                self._cond.wait(1.0)  # backpressure: the producer waits for the disk
            if self._oldest_pending is None:
                self._oldest_pending = time.monotonic()
            self._events += events
            for m in metrics:
                self._metrics[m[0]] = m
            self._rejected += rejected
            if checkpoint is not None:
                self._checkpoints.append(checkpoint)
            self._submitted += 1
            self._cond.notify_all()

    def set_status(self, status: str, ended_at_ms: int | None = None) -> None:
        with self._cond:
            self._status = status
            self._ended_at_ms = ended_at_ms
            self._submitted += 1
            self._cond.notify_all()

    def lag_ms(self) -> float:
        """Age of the oldest row not yet on disk (0 when all is written)."""
        oldest = self._oldest_pending
        return 0.0 if oldest is None else (time.monotonic() - oldest) * 1000

    def flush(self, timeout: float = 60.0) -> None:
        """Block until everything submitted so far is committed."""
        with self._cond:
            target = self._submitted
            self._flush_now = True
            self._cond.notify_all()
            if not self._cond.wait_for(lambda: self._committed >= target, timeout):
                reason = self.error or f"writing {self.path.name} did not finish in {timeout:.0f} s"
                raise SessionFileError(reason)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            self._thread.join(timeout=30)

    # -- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        configure(conn)
        last_commit = time.monotonic()
        try:
            while True:
                with self._cond:
                    while self._submitted == self._committed and not self._closing:
                        self._cond.wait()
                    if self._closing and (self._submitted == self._committed or self.error):
                        return
                    wait = self._interval - (time.monotonic() - last_commit)
                    if wait > 0 and not self._flush_now and not self._closing:
                        self._cond.wait(wait)
                    batch = _Batch(self._events, self._metrics, self._rejected,
                                   self._checkpoints, self._status, self._ended_at_ms)  # fmt: skip
                    self._events, self._metrics, self._rejected = [], {}, []
                    self._checkpoints = []
                    self._status = None
                    target = self._submitted
                    self._flush_now = False
                self._commit(conn, batch, target)
                last_commit = time.monotonic()
        finally:
            conn.close()

    def _commit(self, conn: sqlite3.Connection, batch: _Batch, target: int) -> None:
        """Write one batch; on failure keep it and retry, so nothing is dropped."""
        try:
            self._write(conn, batch)
        except sqlite3.Error as e:
            log.warning("cannot write %s: %s; will retry", self.path.name, e)
            with self._cond:
                self.error = f"cannot write {self.path.name}: {e}"
                self._events[:0] = batch.events
                self._metrics = {**batch.metrics, **self._metrics}
                self._rejected[:0] = batch.rejected
                self._checkpoints[:0] = batch.checkpoints
                if self._status is None:
                    self._status, self._ended_at_ms = batch.status, batch.ended_at_ms
                self._cond.notify_all()
                self._cond.wait(self._interval * 10)
            return
        with self._cond:
            self.error = None
            self._committed = target
            self._oldest_pending = time.monotonic() if self._events else None
            self._cond.notify_all()

    def _write(self, conn: sqlite3.Connection, batch: _Batch) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if batch.events:
                conn.execute(_INSERT_EVENTS, (json.dumps(batch.events),))
                last = batch.events[-1]
                conn.execute(
                    "UPDATE session SET event_count=?, last_ts_ms=?, chain_head=? WHERE id=?",
                    (last[0], last[1], last[5], self._session_id),
                )
            if batch.metrics:
                conn.executemany(_UPSERT_METRICS, list(batch.metrics.values()))
            if batch.rejected:
                conn.executemany(_INSERT_REJECTED, batch.rejected)
            for seq, buckets_from, snapshot in batch.checkpoints:
                ts_ms = checkpoints.arrival_at(conn, seq)
                checkpoints.insert(conn, seq, ts_ms, buckets_from, checkpoints.encode(snapshot))
            if batch.status is not None:
                conn.execute(
                    "UPDATE session SET status=?, ended_at_ms=? WHERE id=?",
                    (batch.status, batch.ended_at_ms, self._session_id),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if batch.events:
            self.committed_seq = batch.events[-1][0]


@dataclass(slots=True)
class _Batch:
    events: list[EventRow]
    metrics: dict[int, MetricRow]
    rejected: list[RejectedRow]
    checkpoints: list[CheckpointRow]
    status: str | None
    ended_at_ms: int | None
