"""The disk fills up mid-show: the console goes on, says so, keeps what it can, loses nothing valid.

The disk is SQLite's `max_page_count` on the writer's connection (tests/reliability/faults.py):
SQLite fails with SQLITE_FULL as on a real full disk, and the writer's fresh connection
after each failure sees the space come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from console.domain.clock import RealClock, VirtualClock
from console.engine import recording
from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.feeds.sim_feed import SimulatorFeed
from console.feeds.simulator import Simulator
from console.feeds.ws_client import WebSocketFeed
from console.feeds.ws_server import FeedServer, SimulatedStream
from console.store.verify import verify
from console.store.writer import SaveStatus
from console.ui.status import StatusPanel
from tests.integration.test_ws_feed import FAST, first, sample, ws_events
from tests.reliability.faults import Disk, LoopLag, run, until
from tests.support import START_MS, small_catalog

BOUND = 2 * 1024 * 1024  # a small memory bound, reached within a second or two here


def _rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.slow
def test_a_full_disk_keeps_the_console_running_and_loses_nothing_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = Disk(monkeypatch)
    disk.fill()
    stream = SimulatedStream("mid", 5, 3000.0, sample())
    server = FeedServer(stream, heartbeat_s=0.5, batch=20)
    session = LiveSession.start(tmp_path / "full.live.db", title="full", catalog=sample(),
                                clock=RealClock())  # fmt: skip
    session.writer.max_buffered = BOUND
    seen: dict[str, SaveStatus] = {}

    async def show() -> WebSocketFeed:
        port = await server.start()
        ws = WebSocketFeed(f"ws://127.0.0.1:{port}/feed", backoff=FAST)
        sim = SimulatorFeed(Simulator("mid", 3, 3000.0), lambda: session.state, RealClock(),
                            label="sim:mid")  # fmt: skip
        runner = SessionRunner(session, [ws, sim])
        lag = LoopLag()
        lag.start()
        try:
            await runner.start()
            writer = session.writer
            await until(lambda: writer.error is not None, 20, "the disk fills")
            seen["full"] = writer.save_status()
            await until(lambda: not session.has_room(), 20, "the memory bound is reached")
            await until(lambda: writer.refused_total > 1000, 20, "simulated input is refused")
            seen["no room"] = writer.save_status()
            # The operator's own actions are always kept, room or not.
            session.marker("disk full")
            session.present_step(+1)
            assert ws.room_waits >= 1  # the ws feed stopped reading instead of being refused
            saved = session.saved_cursor(ws.label)
            assert server.clients[0].acked <= (saved[2] if saved else 0) < ws.last_seq
            disk.free()
            await until(lambda: writer.error is None and writer.save_status().pending < 5000,
                        20, "everything is written once space returns")  # fmt: skip
            waited = ws.last_seq
            await until(lambda: ws.last_seq > waited + 1000, 20, "the ws feed goes on")
            seen["after"] = writer.save_status()
        finally:
            await runner.stop()
            await lag.stop()
            await server.close()
        assert lag.worst_ms < 500, f"the loop stalled for {lag.worst_ms:.0f} ms"
        return ws

    try:
        ws = run(show)
    finally:
        disk.free()  # a failed run must not leave close() waiting for the disk
        session.close()
    refused = session.writer.refused_total

    assert "full.live.db is full" in (seen["full"].error or "")
    assert seen["full"].room and seen["full"].pending > 0
    assert not seen["no room"].room and seen["no room"].refused > 0
    assert seen["after"].error is None and seen["after"].refused == refused

    path = session.path
    assert _rows(path, "PRAGMA integrity_check") == [("ok",)]
    result = verify(path)
    assert result.intact, result.reason
    assert result.events == session.state.last_seq  # every event the console took is on disk
    got = ws_events(path)
    assert len(got) == ws.last_seq and got == first(stream, len(got))  # the ws feed lost nothing
    kinds = {k for (k,) in _rows(path, "SELECT kind FROM events WHERE source = 'operator'")}
    assert {"marker", "product_presented"} <= kinds
    summary = _rows(path, "SELECT source, reason, payload FROM rejected")
    assert [s for s, *_ in summary] == ["sim"] * len(summary)  # nothing from ws was refused
    assert sum(json.loads(p)["count"] for *_, p in summary) == refused
    assert all("were not recorded: the session file could not keep up" in r for _, r, _ in summary)


@pytest.mark.gui
def test_the_status_bar_says_what_is_wrong_for_as_long_as_it_lasts(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = Disk(monkeypatch)
    disk.fill(headroom_pages=2)
    clock = VirtualClock(START_MS)
    session = LiveSession.start(tmp_path / "bar.live.db", title="bar", catalog=small_catalog(),
                                clock=clock)  # fmt: skip
    panel = StatusPanel(session, [], session.writer.save_status, session.path.name)
    qtbot.addWidget(panel)
    try:
        panel.refresh()
        assert panel.lag.text().startswith("write lag")
        for n in range(300):
            session.ingest([{"kind": "comment", "user": f"u{n}", "text": "x" * 200}], "sim")
        qtbot.waitUntil(lambda: session.writer.error is not None, timeout=10_000)
        panel.refresh()
        assert panel.lag.text().startswith("⚠ Not saved yet: the disk holding bar.live.db is full")
        assert "events wait in memory" in panel.lag.text()
        assert panel.lag.property("state") == "error"
        session.writer.max_buffered = 0
        assert session.ingest([{"kind": "like", "count": 1}], "sim") == 0
        panel.refresh()
        assert "memory is full: 1 audience events refused" in panel.lag.text()
        disk.free()
        qtbot.waitUntil(lambda: session.writer.error is None, timeout=10_000)
        session.writer.max_buffered = BOUND
        panel.refresh()
        # The loss stays on screen for the rest of the session.
        assert panel.lag.text() == (
            "⚠ 1 audience events were not recorded while the file could not keep up"
        )
        assert panel.lag.property("state") == "error"
    finally:
        session.close()
    assert verify(session.path).intact


def test_a_headless_recording_says_when_saving_fails_and_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = Disk(monkeypatch)
    disk.fill(headroom_pages=4)
    monkeypatch.setattr(recording, "SAVE_POLL_S", 0.05)
    session = LiveSession.start(tmp_path / "rec.live.db", title="rec", catalog=sample(),
                                clock=RealClock())  # fmt: skip
    lines: list[str] = []
    sim = SimulatorFeed(Simulator("mid", 3, 2000.0), lambda: session.state, RealClock())

    async def record() -> None:
        task = asyncio.create_task(
            recording.run_recording(session, [sim], duration_s=60, report=lines.append)
        )
        await until(lambda: any(line.startswith("file not saved") for line in lines), 20, "failure")
        disk.free()
        await until(lambda: "file saving again" in lines, 20, "recovery")
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    try:
        run(record)
    finally:
        disk.free()
        session.close()
    said = [line for line in lines if line.startswith("file ")]
    assert said[0].startswith("file not saved: the disk holding rec.live.db is full; ")
    assert said[0].endswith(" events wait in memory")
    assert said[1:] == ["file saving again"]
    assert verify(session.path).intact
