"""Without room for unsaved rows the engine refuses what cannot wait, never what can."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession


def test_a_batch_with_a_cursor_is_taken_even_without_room(session: LiveSession) -> None:
    session.writer.max_buffered = 0
    assert not session.has_room()
    cursor = ("ws://h/feed", "s", 2)
    assert session.ingest([{"kind": "like"}, {"kind": "like"}], "ws", cursor) == 2
    assert session.ingest([{"kind": "like"}], "sim") == 0  # the simulator cannot wait
    session.reject("garbage", "?", "ws", ("ws://h/feed", "s", 3))
    assert session.writer.refused_total == 1 and session.rejected_count == 1
    session.writer.max_buffered = 1 << 30
    session.writer.flush()
    assert session.saved_cursor("ws://h/feed") == ("ws://h/feed", "s", 3)
    assert session.state.totals.likes == 2


def test_deal_deadlines_fire_while_input_is_refused(
    session: LiveSession, clock: VirtualClock
) -> None:
    deal = session.schedule_deal(DealSpec("MASK", 3990, quantity=5, duration_s=60))
    session.writer.max_buffered = 0
    clock.advance(61_000)
    assert session.ingest([{"kind": "like"}], "sim") == 0
    ended = session.state.deals[deal.seq]
    assert ended.ended_at_ms is not None and ended.end_reason == "time"


def test_a_virtual_run_keeps_only_a_few_mb_ahead_of_a_slow_disk(
    session: LiveSession, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`simulate` runs at the disk's pace without holding the live memory bound of rows."""
    from console.engine import virtual_run
    from console.feeds.simulator import Simulator
    from console.store.writer import SessionWriter

    write = SessionWriter._write

    def slow(self: SessionWriter, conn: sqlite3.Connection, batch: Any) -> None:
        time.sleep(0.05)
        write(self, conn, batch)

    monkeypatch.setattr(SessionWriter, "_write", slow)
    monkeypatch.setattr(virtual_run, "AHEAD_BYTES", 64 * 1024)
    ingest = session.ingest
    waiting: list[int] = []

    def watched(*args: Any, **kwargs: Any) -> int:
        waiting.append(session.writer._bytes)
        return ingest(*args, **kwargs)

    monkeypatch.setattr(session, "ingest", watched)
    virtual_run.run_virtual(session, clock, Simulator("mid", seed=1, rate=5000.0), source="sim",
                            duration_ms=3_000, actions=[])  # fmt: skip
    assert session.state.totals.events > 10_000
    assert max(waiting) < 64 * 1024  # checked before each tick's events go in
