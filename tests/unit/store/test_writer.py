"""The writer thread: group commit, metrics beside events, no loss when the disk fills."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from console.engine.session import LiveSession
from console.store.reader import load_state


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
