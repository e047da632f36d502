"""The writer thread: group commit, metrics beside events, cursors, chunks, bounded memory."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.store import writer as writer_module
from console.store.errors import SessionFileError
from console.store.reader import load_state
from console.store.writer import SaveStatus, SessionWriter
from tests.reliability.faults import Disk
from tests.support import START_MS, small_catalog


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_rejected_input_is_kept_with_a_reason_and_the_session_goes_on(session: LiveSession) -> None:
    accepted = session.ingest(
        [
            {"kind": "like", "count": 2},
            {"kind": "order", "order_id": "x", "sku": "GHOST", "qty": 1},
            "not an event",
            {"kind": "order", "order_id": "y", "sku": "MASK", "qty": -3},
            {"kind": "like", "ts_ms": 12},
            {"kind": "comment", "user": "u", "text": "still here"},
        ],
        "ws",
    )
    assert accepted == 2
    session.close()
    got = rows(session.path, "SELECT source, reason, payload FROM rejected ORDER BY id")
    assert [r[1] for r in got] == [
        "unknown SKU 'GHOST'",
        "event must be an object, got str",
        "order: qty -3 is out of range 1..10000",
        "ts_ms must be a plausible time in integer milliseconds, got 12",
    ]
    assert got[0][0] == "ws"
    assert '"GHOST"' in got[0][2]
    _, state = load_state(session.path)
    assert (state.totals.likes, state.totals.comments) == (2, 1)


def test_metrics_are_stored_per_second(session: LiveSession, clock) -> None:
    for _ in range(5):
        session.ingest([{"kind": "like", "count": 1}, {"kind": "viewers", "online": 40}], "sim")
        clock.advance(600)
    session.close()
    got = rows(session.path, "SELECT sec, likes, viewers FROM metrics_1s ORDER BY sec")
    assert got == [(0, 2, 40), (1, 2, 40), (2, 1, 40), (3, 0, 40)]  # 3: session_ended


@pytest.mark.slow
def test_a_locked_file_loses_nothing(session: LiveSession) -> None:
    """Another program holds the file's write lock: the writer reports it, keeps the rows, retries."""
    session.writer.flush()
    other = sqlite3.connect(session.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    for n in range(30):
        session.ingest([{"kind": "comment", "user": f"u{n}", "text": "还有货吗"}], "sim")
    deadline = time.monotonic() + 20
    while session.writer.error is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "locked" in (session.writer.error or "")
    other.execute("ROLLBACK")
    other.close()
    session.close()
    _, state = load_state(session.path)
    assert state.totals.comments == 30


def test_a_feed_cursor_is_saved_with_its_events_and_read_back(session: LiveSession) -> None:
    cursor = ("ws://h/feed", "stream-1", 2)
    session.ingest([{"kind": "like", "count": 1}, {"kind": "like", "count": 2}], "ws", cursor)
    assert session.saved_cursor("ws://h/feed") is None  # submitted is not saved
    session.writer.flush()
    assert session.saved_cursor("ws://h/feed") == cursor
    again = SessionWriter(session.path, "t1")  # what a resumed session's writer sees
    try:
        assert again.saved_cursor("ws://h/feed") == cursor
        assert again.saved_cursor("ws://other/feed") is None
    finally:
        again.close()


def test_a_backlog_is_written_in_chunks_and_flush_waits_for_all(
    session: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "CHUNK_ROWS", 100)
    statements: list[str] = []
    real = writer_module.SessionWriter._write

    def counting(self: SessionWriter, conn: sqlite3.Connection, batch: Any) -> None:
        statements.append(f"{sum(len(s.events) for s in batch.submits)}")
        real(self, conn, batch)

    monkeypatch.setattr(writer_module.SessionWriter, "_write", counting)
    session.writer.flush()
    statements.clear()
    for _ in range(50):
        session.ingest([{"kind": "like", "count": 1}] * 10, "sim")
    session.writer.flush()
    assert len(statements) >= 5  # 500 rows, at most about 100 a transaction
    assert all(int(n) <= 110 for n in statements)
    assert rows(session.path, "SELECT count(*) FROM events WHERE kind = 'like'") == [(500,)]


def test_refused_input_is_summed_up_in_one_rejected_row_per_source(session: LiveSession) -> None:
    session.writer.max_buffered = 0
    assert session.ingest([{"kind": "like"}] * 3, "sim") == 0
    assert session.ingest([{"kind": "like"}] * 2, "sim") == 0
    session.reject("garbage", "x", "twitch")
    marker = session.marker("kept anyway")  # operator actions are never refused
    session.writer.max_buffered = 1 << 30
    session.close()
    got = rows(session.path, "SELECT source, reason, payload FROM rejected ORDER BY source")
    assert [(s, json.loads(p)["count"]) for s, _, p in got] == [("sim", 5), ("twitch", 1)]
    assert got[0][1].startswith(
        "5 inputs from sim were not recorded: the session file could not keep"
    )
    assert session.writer.refused_total == 6
    assert rows(session.path, f"SELECT kind FROM events WHERE seq = {marker.seq}") == [("marker",)]


def test_a_producer_that_can_wait_is_told_when_the_disk_has_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`simulate` has nobody to refuse: with the disk failing and memory full it stops, saying why."""
    disk = Disk(monkeypatch)
    disk.read_only = True
    clock = VirtualClock(START_MS)
    s = LiveSession.start(tmp_path / "ro.live.db", title="t", catalog=small_catalog(), clock=clock)
    s.writer.max_buffered = 1
    with pytest.raises(SessionFileError, match=r"ro\.live\.db is read-only"):
        s.writer.wait_for_room()
    disk.read_only = False
    s.writer.flush()  # the next retry writes it all
    assert s.writer.save_status() == SaveStatus(0.0, None, 0, True, 0)
    s.close()
    assert rows(s.path, "SELECT count(*) FROM events") == [(s.state.last_seq,)]
