"""Opening files: bad ones get a clear message; unfinished ones are marked interrupted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.store.errors import SessionFileError
from console.store.lock import is_recording
from console.store.paths import data_dir, session_filename, slug
from console.store.reader import load_state
from console.store.session_file import open_session
from tests.support import START_MS, small_catalog


def test_not_sqlite(tmp_path: Path) -> None:
    bad = tmp_path / "notes.live.db"
    bad.write_text("just some text, not a database " * 100)
    with pytest.raises(SessionFileError, match="not an SQLite database"):
        open_session(bad)


def test_sqlite_but_not_ours_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    before = other.read_bytes()
    with pytest.raises(SessionFileError, match="not a Live Console session"):
        open_session(other)
    assert other.read_bytes() == before  # not switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal/-shm left


def test_missing(tmp_path: Path) -> None:
    with pytest.raises(SessionFileError, match="does not exist"):
        open_session(tmp_path / "nope.live.db")


def test_newer_schema_is_refused(tmp_path: Path, session: LiveSession) -> None:
    session.close()
    conn = sqlite3.connect(session.path)
    conn.execute("PRAGMA user_version=99")
    conn.close()
    with pytest.raises(SessionFileError, match="newer than this Live Console"):
        open_session(session.path)


def test_truncated_file_gets_a_message(tmp_path: Path, session: LiveSession) -> None:
    session.close()
    data = session.path.read_bytes()
    cut = tmp_path / "cut.live.db"
    cut.write_bytes(data[: len(data) // 2 + 100])
    with pytest.raises(SessionFileError):
        load_state(cut)


def test_live_session_is_not_marked_while_recording(session: LiveSession) -> None:
    session.writer.flush()
    assert is_recording(session.path)
    conn, meta = open_session(session.path)
    conn.close()
    assert meta.status == "live"


def test_abandoned_session_is_marked_interrupted(tmp_path: Path) -> None:
    clock = VirtualClock(START_MS)
    s = LiveSession.start(tmp_path / "a.live.db", title="A", catalog=small_catalog(), clock=clock)
    s.ingest([{"kind": "like", "count": 3}], "sim")
    s.writer.close()
    s._lock.release(remove=False)  # the process "died": the kernel dropped its lock
    conn, meta = open_session(s.path)
    conn.close()
    assert meta.status == "interrupted"
    meta2, state = load_state(s.path)
    assert meta2.status == "interrupted"
    assert state.totals.likes == 3


def test_clean_close_ends_the_session(session: LiveSession) -> None:
    session.close()
    meta, state = load_state(session.path)
    assert meta.status == "ended"
    assert state.status == "ended"
    assert not session.path.with_name(session.path.name + ".lock").exists()


def test_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVE_CONSOLE_DATA_DIR", str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert slug("双11 Big Sale!!") == "双11-big-sale"
    assert slug("???") == "session"
    assert session_filename(START_MS, "Night show").endswith("-night-show.live.db")
    assert len(session_filename(START_MS, "x").split("-")[0]) == 8
