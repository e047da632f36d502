"""Reading a session file for replay: read-only, every row treated as untrusted.

The connection is opened with `mode=ro`, so replaying never changes the file
(not even marking an abandoned session interrupted: the status is only
reported). A log that cannot be folded (edited into nonsense) gives a
SessionFileError that names the event, never a traceback.
"""

from __future__ import annotations

import json
import sqlite3
from collections import deque
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


_raw_decode = json.JSONDecoder().raw_decode


def _decode(text: Any) -> Any:
    """An event's data column. `raw_decode` skips `loads`' checks, at half the cost."""
    try:
        return _raw_decode(text)[0]
    except (TypeError, ValueError, AttributeError):
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


def read_activity(conn: sqlite3.Connection, path: Path, up_to_seq: int) -> deque[Event]:
    """The feed's events up to `up_to_seq`: the newest ACTIVITY_KEEP, oldest first."""
    rows = _select(
        conn, path,
        f"SELECT {_COLUMNS} FROM events WHERE seq <= ? AND kind IN ({_ACTIVITY_IN})"
        " ORDER BY seq DESC LIMIT ?",
        (up_to_seq, ACTIVITY_KEEP),
    )  # fmt: skip
    out: deque[Event] = deque(maxlen=ACTIVITY_KEEP)
    for seq, ts, kind, source, data in reversed(rows):
        try:
            out.append(Event(seq, ts, kind, source, _decode(data)))
        except (TypeError, ValueError, RecursionError):
            raise SessionFileError(f"{path.name} is damaged: event {seq} cannot be read") from None
    return out


@dataclass(slots=True)
class Position:
    """A state folded from the log, how far, and the events read beyond it.

    `arrival` is the latest event time among those folded: the first moment at
    which a replay shows this state. `activity`, when kept, is the feed so far.
    After a SessionFileError the position is spoiled: start again from a checkpoint.
    """

    state: SessionState = field(default_factory=SessionState)
    arrival: int = 0
    activity: deque[Event] | None = None
    _ahead: list[Any] = field(default_factory=list)  # rows read, not yet folded
    _next: int = 0

    def fold(
        self, conn: sqlite3.Connection, path: Path, *, until_ts: int, until_seq: int | None = None
    ) -> None:
        """Apply the following events while they are stamped at or before `until_ts`."""
        state, activity, kinds = self.state, self.activity, ACTIVITY_KINDS
        top = self.arrival
        last_seq = until_seq if until_seq is not None else 1 << 62
        seq = 0
        try:
            while True:
                if self._next >= len(self._ahead):
                    self._ahead = read_rows(conn, path, state.last_seq, READ_BATCH)
                    self._next = 0
                    if not self._ahead:
                        break
                rows, i, n = self._ahead, self._next, len(self._ahead)
                while i < n:
                    seq, ts, kind, source, data = rows[i]
                    if ts > until_ts or seq > last_seq:
                        break
                    ev = Event(seq, ts, kind, source, _decode(data))
                    apply(state, ev)
                    if ts > top:
                        top = ts
                    if activity is not None and kind in kinds:
                        activity.append(ev)
                    i += 1
                self._next = i
                if i < n:
                    break
        except _DAMAGE as e:
            raise SessionFileError(
                f"{path.name} is damaged: event {seq} cannot be replayed ({type(e).__name__}: {e})"
            ) from None
        finally:
            self.arrival = top
