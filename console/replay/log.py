"""Reading a session file for replay: read-only, every row treated as untrusted.

The connection is opened with `mode=ro`, so replaying never changes the file
(not even marking an abandoned session interrupted: the status is only
reported). A log that cannot be folded (edited into nonsense) gives a
SessionFileError that names the event, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from console.domain.events import Event
from console.domain.reducer import apply
from console.domain.state import SessionState
from console.engine.session import ACTIVITY_KEEP, ACTIVITY_KINDS
from console.store.errors import SessionFileError
from console.store.lock import is_recording
from console.store.schema import check_version
from console.store.session_file import SessionMeta, _describe, read_meta

READ_BATCH = 4096
# Full batches an EventLog keeps: about 32,000 events, more than one checkpoint's reach
# (CHECKPOINT_EVERY); about 13 MB on the 12-hour benchmark session, decoded.
KEEP_BATCHES = 8
# What `apply` raises on data it was never meant to see; anything else is a bug.
_DAMAGE = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)
_COLUMNS = "seq, ts_ms, kind, source, data"
_ACTIVITY_IN = ", ".join(f"'{k}'" for k in sorted(ACTIVITY_KINDS))


def open_readonly(path: Path) -> tuple[sqlite3.Connection, SessionMeta]:
    """A read-only connection and the session record; SessionFileError for a bad file."""
    if not path.is_file():
        raise SessionFileError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    try:
        check_version(conn)
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='session'"
        ).fetchone():
            raise SessionFileError(f"{path.name} is an SQLite file but not a Live Console session")
        meta = read_meta(conn, path)
        if type(meta.started_at_ms) is not int or type(meta.event_count) is not int:
            raise SessionFileError(f"{path.name} is damaged: its session record is unreadable")
    except sqlite3.Error as e:
        conn.close()
        raise _describe(path, e) from None
    except BaseException:
        conn.close()
        raise
    if meta.status == "live" and not is_recording(path):
        meta = replace(meta, status="interrupted")
    return conn, meta


# The decoder's own scanner: what `raw_decode` calls, without its Python frame. It skips
# `loads`' checks, at half the cost, and raises StopIteration where there is no value.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_NOT_SCANNED = (StopIteration, TypeError, ValueError, AttributeError)
_new_event = tuple.__new__  # builds an Event without the Python-level `Event.__new__`


def _decode(text: Any) -> Any:
    """An event's data column."""
    try:
        return _scan(text, 0)[0]
    except _NOT_SCANNED:
        return json.loads(text)  # the exact error, or leading whitespace after all


def _select(conn: sqlite3.Connection, path: Path, sql: str, args: tuple[int, ...]) -> list[Any]:
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.Error as e:
        raise _describe(path, e) from None


def read_rows(conn: sqlite3.Connection, path: Path, after_seq: int, limit: int) -> list[Any]:
    """Event rows as stored (seq, ts_ms, kind, source, data text), in seq order."""
    sql = f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?"
    return _select(conn, path, sql, (after_seq, limit))


def read_activity(conn: sqlite3.Connection, path: Path, up_to_seq: int, limit: int) -> list[Event]:
    """The feed's events up to `up_to_seq`: the newest `limit`, oldest first."""
    rows = _select(
        conn, path,
        f"SELECT {_COLUMNS} FROM events WHERE seq <= ? AND kind IN ({_ACTIVITY_IN})"
        " ORDER BY seq DESC LIMIT ?",
        (up_to_seq, limit),
    )  # fmt: skip
    out: list[Event] = []
    for seq, ts, kind, source, data in reversed(rows):
        try:
            out.append(Event(seq, ts, kind, source, _decode(data)))
        except (TypeError, ValueError, RecursionError):
            raise SessionFileError(f"{path.name} is damaged: event {seq} cannot be read") from None
    return out


@dataclass(slots=True)
class Batch:
    """Up to READ_BATCH rows as stored, and, once they are read again, the events decoded.

    `events` holds the first rows decoded, as far as any fold from the batch's start
    got. A batch read once keeps none: keeping every event a seek decodes made
    folding slower (memory not reused, more garbage collection) for a cache most
    random seeks never use.
    """

    rows: list[Any] = field(default_factory=list)
    events: list[Event] | None = None


class EventLog:
    """The events of one open file, read in batches, with what was read lately kept.

    Scrubbing seeks back and forth within one checkpoint's reach, restoring the same
    checkpoint and folding the same events again: the last `keep` full batches stay
    (decoded once folded twice), and the last feed read before a checkpoint stays,
    so they are not read and decoded again. Both are safe to keep while the file is
    still recorded: a full batch, and the events up to a given seq, never change
    (recording only appends later events).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, keep: int = KEEP_BATCHES) -> None:
        self.conn = conn
        self.path = path
        self._keep = keep
        self._batches: OrderedDict[int, Batch] = OrderedDict()
        self._feed: tuple[int, bool, list[Event]] | None = None  # up to seq, all there is, events

    def batch(self, after_seq: int) -> Batch:
        """The rows after `after_seq`, in seq order."""
        batch = self._batches.get(after_seq)
        if batch is not None:
            self._batches.move_to_end(after_seq)
            if batch.events is None:
                batch.events = []
            return batch
        batch = Batch(read_rows(self.conn, self.path, after_seq, READ_BATCH))
        if self._keep and len(batch.rows) == READ_BATCH:
            self._batches[after_seq] = batch
            if len(self._batches) > self._keep:
                self._batches.popitem(last=False)
        return batch

    def activity(self, up_to_seq: int, count: int) -> list[Event]:
        """The newest `count` feed events up to `up_to_seq` (fewer near the start), oldest first.

        Asked again for the same seq (seeking back near one checkpoint) but for more,
        it reads all a seek from there could need, once.
        """
        kept = self._feed
        if kept is None or kept[0] != up_to_seq or (len(kept[2]) < count and not kept[1]):
            want = ACTIVITY_KEEP if kept is not None and kept[0] == up_to_seq else count
            events = read_activity(self.conn, self.path, up_to_seq, want)
            kept = self._feed = (up_to_seq, len(events) < want, events)
        return kept[2][max(0, len(kept[2]) - count) :]


def _no_feed() -> deque[Any]:
    return deque(maxlen=ACTIVITY_KEEP)


@dataclass(slots=True)
class Position:
    """A state folded from the log, how far, and the events read beyond it.

    `arrival` is the latest event time among those folded: the first moment at
    which a replay shows this state. The fold keeps the newest ACTIVITY_KEEP feed
    events it applies as rows and decoded data, which the garbage collector skips
    (keeping Events made seeks a fifth slower); `feed` makes Events of them and
    reads from the log only the older ones still needed, up to `feed_from` (the
    seq the state was restored at). Building checkpoints wants no feed: empty
    `feed_kinds` keep none (keeping it slowed that fold by a tenth). After a
    SessionFileError the position is spoiled: start again from a checkpoint.
    """

    state: SessionState = field(default_factory=SessionState)
    arrival: int = 0
    feed_from: int = 0
    feed_kinds: frozenset[str] = ACTIVITY_KINDS
    _feed: deque[Event] = field(default_factory=_no_feed)
    _rows: deque[Any] = field(default_factory=_no_feed)  # feed events folded since, as stored
    _data: deque[Any] = field(default_factory=_no_feed)  # and their data, decoded
    _ahead: Batch = field(default_factory=Batch)  # the batch being folded, up to `_next`
    _next: int = 0

    def feed(self, log: EventLog) -> deque[Event]:
        """The newest ACTIVITY_KEEP feed events up to the state, oldest first."""
        feed = self._feed
        if self._rows:
            feed.extend(
                _new_event(Event, (seq, ts, kind, source, data))
                for (seq, ts, kind, source, _), data in zip(self._rows, self._data, strict=True)
            )
            self._rows.clear()
            self._data.clear()
        missing = ACTIVITY_KEEP - len(feed)
        if self.feed_from and missing:
            feed.extendleft(reversed(log.activity(self.feed_from, missing)))
        self.feed_from = 0
        return feed

    def fold(self, log: EventLog, *, until_ts: int, until_seq: int | None = None) -> None:
        """Apply the following events while they are stamped at or before `until_ts`.

        A batch read again keeps its rows decoded, for the next fold of it to find.
        """
        state, feed_rows, feed_data, kinds = self.state, self._rows, self._data, self.feed_kinds
        top = self.arrival
        last_seq = until_seq if until_seq is not None else 1 << 62
        seq = 0
        try:
            while True:
                if self._next >= len(self._ahead.rows):
                    self._ahead = log.batch(state.last_seq)
                    self._next = 0
                    if not self._ahead.rows:
                        break
                rows, done, i = self._ahead.rows, self._ahead.events, self._next
                n = len(rows)
                while i < n:
                    seq, ts, kind, source, data = rows[i]
                    if ts > until_ts or seq > last_seq:
                        break
                    if done is not None and i < len(done):
                        ev = done[i]
                    else:
                        ev = _new_event(Event, (seq, ts, kind, source, _decode(data)))
                        if done is not None and i == len(done):  # a prefix, never a gap
                            done.append(ev)
                    apply(state, ev)
                    if ts > top:
                        top = ts
                    if kind in kinds:
                        feed_rows.append(rows[i])
                        feed_data.append(ev[4])
                    i += 1
                self._next = i
                if i < n:
                    break
        except _DAMAGE as e:
            raise SessionFileError(
                f"{log.path.name} is damaged: event {seq} cannot be replayed"
                f" ({type(e).__name__}: {e})"
            ) from None
        finally:
            self.arrival = top
