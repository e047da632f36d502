"""The session file's writer thread: group commit, one transaction per flush.

The engine hands over finished rows; this thread writes whatever has piled
up, at most every `interval` seconds, as one transaction: the events as one
`INSERT ... SELECT FROM json_each(?)` statement (one statement keeps the GIL
free while SQLite works, see docs/architecture.md), the touched per-second
metrics, rejected input, a checkpoint when the engine sends one, the feeds'
cursors, and the session row's chain head.

A commit that fails (disk full, file locked or read-only) keeps its rows in
memory and is tried again every second on a fresh connection, so a disk that
was remounted or freed is picked up. `submit` never blocks the engine: the
rows waiting are bounded by `max_buffered` bytes, and the engine asks
`has_room` before taking input that could wait (see LiveSession.ingest).
A backlog is written in transactions of at most `CHUNK_ROWS` rows, so a
retry or a catch-up never holds the GIL for long.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path

from console import fastjson
from console.domain.state import BUCKET_FIELDS
from console.store import checkpoints
from console.store.checkpoints import CheckpointRow
from console.store.errors import SessionFileError
from console.store.schema import configure
from console.store.session_file import _describe

log = logging.getLogger("console.store.writer")

EventRow = tuple[int, int, str, str, str, str]  # seq, ts_ms, kind, source, data, hash
MetricRow = tuple[int, ...]  # sec, ts_ms, *BUCKET_FIELDS
RejectedRow = tuple[int, str, str, str]  # ts_ms, source, reason, payload
CursorRow = tuple[str, str, int]  # feed, stream, the last source seq this file holds

# Unsaved rows kept in memory while the file cannot be written (or falls behind):
# about 380,000 typical events, 20 s at 20,000 events/s or 13 minutes at 500/s.
MAX_BUFFERED_BYTES = 128 * 1024 * 1024
# What a waiting row costs beyond its text (measured: about 340 bytes for a typical event).
ROW_BYTES = 320
# Rows per transaction when catching up: a retry or a backlog never holds the GIL for long.
CHUNK_ROWS = 50_000
RETRY_S = 1.0

_DATA = itemgetter(4)  # an event row's data text, the bulk of its size

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
_UPSERT_CURSOR = "INSERT OR REPLACE INTO feed_cursors (feed, stream, seq) VALUES (?, ?, ?)"


@dataclass(frozen=True, slots=True)
class SaveStatus:
    """Saving, as the status bar shows it."""

    lag_ms: float = 0.0  # age of the oldest row not on disk
    error: str | None = None  # why the last write failed; None once one succeeds
    pending: int = 0  # rows (events and rejected input) waiting in memory
    room: bool = True  # False: the buffer is full and input that cannot wait is refused
    refused: int = 0  # inputs refused for want of room during this session


@dataclass(slots=True)
class _Submit:
    events: Sequence[EventRow]
    rejected: Sequence[RejectedRow]
    checkpoint: CheckpointRow | None
    cursor: CursorRow | None
    size: int  # estimated bytes in memory
    at: float  # monotonic time it arrived


@dataclass(slots=True)
class _Batch:
    """One transaction: whole submits in order; metrics and status ride with the last chunk."""

    submits: list[_Submit]
    metrics: dict[int, MetricRow]
    refused: dict[str, list[int]]  # source: [count, first ts_ms, last ts_ms]
    status: tuple[str, int | None] | None
    last: bool  # everything submitted so far is in it


def _refused_row(source: str, count: int, first_ms: int, last_ms: int) -> RejectedRow:
    reason = (
        f"{count:,} inputs from {source} were not recorded: the session file could not keep up"
        " and the memory for unsaved events was full"
    )
    payload = json.dumps({"count": count, "from_ms": first_ms, "to_ms": last_ms})
    return (first_ms, source, reason, payload)


class SessionWriter:
    def __init__(
        self,
        path: Path,
        session_id: str,
        *,
        interval: float = 0.1,
        max_buffered: int = MAX_BUFFERED_BYTES,
    ) -> None:
        self.path = path
        self._uri = path.resolve().as_uri() + "?mode=rw"  # never creates a file on reconnect
        self._session_id = session_id
        self._interval = interval
        self.max_buffered = max_buffered
        self._cond = threading.Condition()
        self._queue: deque[_Submit] = deque()
        self._metrics: dict[int, MetricRow] = {}
        self._refused: dict[str, list[int]] = {}
        self._status: tuple[str, int | None] | None = None
        self._rows = 0
        self._bytes = 0
        self._oldest_pending: float | None = None
        self._submitted = 0
        self._committed = 0
        self._closing = False
        self._flush_now = False
        self.error: str | None = None
        self.refused_total = 0
        self.committed_seq = 0
        self._saved_cursors = self._read_cursors()
        self._thread = threading.Thread(target=self._run, name="session-writer", daemon=True)
        self._thread.start()

    def _read_cursors(self) -> dict[str, CursorRow]:
        """The cursors already in the file: where a resumed session's feeds go on from."""
        try:
            conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                rows = conn.execute("SELECT feed, stream, seq FROM feed_cursors").fetchall()
            finally:
                conn.close()
        except sqlite3.Error:
            return {}  # an older file without the table, or none yet: no feed has a place
        return {feed: (feed, stream, seq) for feed, stream, seq in rows}

    # -- called from the engine's thread ------------------------------------------------
    def submit(
        self,
        events: Sequence[EventRow],
        metrics: Sequence[MetricRow] = (),
        rejected: Sequence[RejectedRow] = (),
        checkpoint: CheckpointRow | None = None,
        cursor: CursorRow | None = None,
    ) -> None:
        """Queue rows for the next commit; never blocks.

        `checkpoint` is the state after the last event; `cursor` says the source's events
        up to its seq are in these rows, and is written in the same transaction.
        """
        size = ROW_BYTES * (len(events) + len(rejected)) + sum(map(len, map(_DATA, events)))
        if rejected:
            size += sum(len(r[2]) + len(r[3]) for r in rejected)
        now = time.monotonic()
        with self._cond:
            if self._oldest_pending is None:
                self._oldest_pending = now
            self._queue.append(_Submit(events, rejected, checkpoint, cursor, size, now))
            self._rows += len(events) + len(rejected)
            self._bytes += size
            for m in metrics:
                self._metrics[m[0]] = m
            # The writer sleeps until its next commit is due; wake it only when it sleeps
            # for want of work or a backlog asks for a commit now, not on every submit.
            if self._submitted == self._committed or self._rows >= CHUNK_ROWS:
                self._cond.notify_all()
            self._submitted += 1

    def refuse(self, source: str, count: int, ts_ms: int) -> None:
        """Account for input refused for want of room: one rejected row per source says so."""
        with self._cond:
            entry = self._refused.setdefault(source, [0, ts_ms, ts_ms])
            entry[0] += count
            entry[2] = ts_ms
            self.refused_total += count
            self._submitted += 1
            self._cond.notify_all()

    def set_status(self, status: str, ended_at_ms: int | None = None) -> None:
        with self._cond:
            self._status = (status, ended_at_ms)
            self._submitted += 1
            self._cond.notify_all()

    def has_room(self) -> bool:
        """Whether the rows waiting in memory are under `max_buffered` bytes."""
        return self._bytes < self.max_buffered

    def wait_for_room(self, bound: int | None = None) -> None:
        """Block until the rows waiting are under `bound` bytes (the memory bound if None):
        for producers with nobody to refuse (`simulate`).

        SessionFileError when the buffer is full because the file cannot be written.
        """
        limit = self.max_buffered if bound is None else min(bound, self.max_buffered)
        with self._cond:
            while self._bytes >= limit:
                if self.error is not None:
                    raise SessionFileError(f"{self.error} ({self._rows:,} events not saved)")
                self._cond.wait(RETRY_S)

    def saved_cursor(self, feed: str) -> CursorRow | None:
        """How far `feed`'s source is on disk (committed, not merely submitted)."""
        return self._saved_cursors.get(feed)

    def lag_ms(self) -> float:
        """Age of the oldest row not yet on disk (0 when all is written)."""
        oldest = self._oldest_pending
        return 0.0 if oldest is None else (time.monotonic() - oldest) * 1000

    def save_status(self) -> SaveStatus:
        return SaveStatus(self.lag_ms(), self.error, self._rows, self.has_room(),
                          self.refused_total)  # fmt: skip

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
        """Write what is left and stop; a disk already failing gets a few more retries, not a minute."""
        try:
            self.flush(timeout=5.0 if self.error else 60.0)
        finally:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            self._thread.join(timeout=30)

    # -- the writer thread ----------------------------------------------------------------
    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        last_commit = time.monotonic()
        try:
            while True:
                with self._cond:
                    while self._submitted == self._committed and not self._closing:
                        self._cond.wait()
                    if self._closing and (self._submitted == self._committed or self.error):
                        return
                    due = last_commit + self._interval
                    while (
                        not (self._flush_now or self._closing or self._rows >= CHUNK_ROWS)
                        and (wait := due - time.monotonic()) > 0
                    ):
                        self._cond.wait(wait)
                    batch = self._take()
                    target = self._submitted
                    if batch.last:
                        self._flush_now = False
                try:
                    if conn is None:
                        conn = sqlite3.connect(self._uri, uri=True, isolation_level=None,
                                               check_same_thread=False)  # fmt: skip
                        configure(conn)
                    self._write(conn, batch)
                except sqlite3.Error as e:
                    if conn is not None:
                        conn.close()  # a fresh connection next time sees a remounted disk
                    conn = None
                    self._failed(batch, e)
                    continue
                self._written(batch, target)
                last_commit = time.monotonic()
        finally:
            if conn is not None:
                conn.close()

    def _take(self) -> _Batch:
        """Whole submits up to CHUNK_ROWS rows; metrics and status only with the last of them.

        The rows count against the memory bound until they are written.
        """
        submits: list[_Submit] = []
        rows = 0
        while self._queue and (not submits or rows < CHUNK_ROWS):
            sub = self._queue.popleft()
            submits.append(sub)
            rows += len(sub.events) + len(sub.rejected)
        refused, self._refused = self._refused, {}
        if self._queue:
            return _Batch(submits, {}, refused, None, last=False)
        metrics, status = self._metrics, self._status
        self._metrics, self._status = {}, None
        return _Batch(submits, metrics, refused, status, last=True)

    def _failed(self, batch: _Batch, e: sqlite3.Error) -> None:
        """Put the batch back in front of what came since, say why, and wait to retry."""
        reason = str(_describe(self.path, e))
        if reason != self.error:
            log.warning("cannot write %s: %s; keeping the rows and retrying", self.path.name, e)
        with self._cond:
            self.error = reason
            self._queue.extendleft(reversed(batch.submits))
            self._metrics = {**batch.metrics, **self._metrics}
            for source, (count, first, last) in batch.refused.items():
                newer = self._refused.get(source)
                self._refused[source] = (
                    [count, first, last] if newer is None else [count + newer[0], first, newer[2]]
                )
            if self._status is None:
                self._status = batch.status
            self._cond.notify_all()
            retry_at = time.monotonic() + RETRY_S  # not sooner: a submit may notify
            while not self._closing and (left := retry_at - time.monotonic()) > 0:
                self._cond.wait(left)

    def _written(self, batch: _Batch, target: int) -> None:
        if self.error is not None:
            log.info("writing %s again", self.path.name)
        with self._cond:
            self.error = None
            for sub in batch.submits:
                self._rows -= len(sub.events) + len(sub.rejected)
                self._bytes -= sub.size
            if batch.last:
                self._committed = target
            self._oldest_pending = self._queue[0].at if self._queue else None
            self._cond.notify_all()

    def _write(self, conn: sqlite3.Connection, batch: _Batch) -> None:
        events = list(chain.from_iterable(sub.events for sub in batch.submits))
        rejected = list(chain.from_iterable(sub.rejected for sub in batch.submits))
        rejected += [_refused_row(src, *counts) for src, counts in batch.refused.items()]
        cursors = {sub.cursor[0]: sub.cursor for sub in batch.submits if sub.cursor is not None}
        conn.execute("BEGIN IMMEDIATE")
        try:
            if events:
                conn.execute(_INSERT_EVENTS, (fastjson.dumps(events),))
                last = events[-1]
                conn.execute(
                    "UPDATE session SET event_count=?, last_ts_ms=?, chain_head=? WHERE id=?",
                    (last[0], last[1], last[5], self._session_id),
                )
            if batch.metrics:
                conn.executemany(_UPSERT_METRICS, list(batch.metrics.values()))
            if rejected:
                conn.executemany(_INSERT_REJECTED, rejected)
            for sub in batch.submits:
                if sub.checkpoint is not None:
                    seq, buckets_from, snapshot = sub.checkpoint
                    ts_ms = checkpoints.arrival_at(conn, seq)
                    checkpoints.insert(conn, seq, ts_ms, buckets_from, checkpoints.encode(snapshot))
            if cursors:
                conn.executemany(_UPSERT_CURSOR, list(cursors.values()))
            if batch.status is not None:
                conn.execute(
                    "UPDATE session SET status=?, ended_at_ms=? WHERE id=?",
                    (*batch.status, self._session_id),
                )
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # the connection is replaced anyway
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            raise
        if events:
            self.committed_seq = events[-1][0]
        if cursors:
            self._saved_cursors = {**self._saved_cursors, **cursors}
