"""Reading a session back: events in order, and the state they fold into."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterator
from pathlib import Path

from console.domain.events import Event
from console.domain.reducer import apply
from console.domain.state import SessionState
from console.store.session_file import SessionMeta, _describe, open_session


def iter_events(
    conn: sqlite3.Connection,
    path: Path,
    *,
    after_seq: int = 0,
    kinds: Collection[str] | None = None,
    batch: int = 20_000,
) -> Iterator[Event]:
    """The log in `seq` order after `after_seq`; only `kinds` if given.

    The kind filter runs in SQLite, so a pass that needs a few kinds never
    decodes the rest (likes and comments are most of a busy log).
    """
    loads = json.loads
    last = after_seq
    only = () if kinds is None else tuple(sorted(kinds))
    where = "" if kinds is None else f" AND kind IN ({', '.join('?' * len(only))})"
    sql = (
        f"SELECT seq, ts_ms, kind, source, data FROM events WHERE seq > ?{where}"
        " ORDER BY seq LIMIT ?"
    )
    try:
        while True:
            rows = conn.execute(sql, (last, *only, batch)).fetchall()
            if not rows:
                return
            for seq, ts, kind, source, data in rows:
                yield Event(seq, ts, kind, source, loads(data))
            last = rows[-1][0]
    except sqlite3.Error as e:
        raise _describe(path, e) from None


def load_state(path: Path) -> tuple[SessionMeta, SessionState]:
    """Open a session file and fold its whole log with the live reducer."""
    conn, meta = open_session(path)
    try:
        state = SessionState()
        for ev in iter_events(conn, path):
            apply(state, ev)
    finally:
        conn.close()
    return meta, state
