"""Network stalls and slow consumers: the ws feed notices, holds back or reconnects, loses nothing.

A killed and restarted feed server is tests/integration/test_ws_feed.py's
`test_killed_and_restarted_server_leaves_no_gap_and_no_duplicate`; these add what it
does not cover: a path that goes silent without closing, a console that cannot keep
up, and a console whose loop stops for longer than the heartbeat timeout.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from console.domain.clock import RealClock
from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.feeds.base import FeedState, FeedStatus
from console.feeds.ws_client import HAND_OVER, WebSocketFeed
from console.feeds.ws_server import FeedServer, SimulatedStream
from console.store.verify import verify
from console.store.writer import ROW_BYTES
from tests.integration.test_ws_feed import FAST, first, sample, ws_events
from tests.reliability.faults import Disk, LoopLag, StallProxy, run, until


def _session(path: Path) -> LiveSession:
    return LiveSession.start(path, title="net", catalog=sample(), clock=RealClock())


def _exact(session: LiveSession, feed: WebSocketFeed, stream: SimulatedStream) -> None:
    """The file holds the stream's events exactly once, in order, and verifies."""
    got = ws_events(session.path)
    assert len(got) == feed.last_seq
    assert got == first(stream, len(got))
    assert session.rejected_count == 0
    assert verify(session.path).intact


@pytest.mark.slow
def test_a_stalled_path_is_noticed_and_the_feed_resumes_after_it(tmp_path: Path) -> None:
    stream = SimulatedStream("small", 7, 500.0, sample())
    server = FeedServer(stream, heartbeat_s=0.1, batch=10)
    session = _session(tmp_path / "stall.live.db")
    statuses: list[FeedStatus] = []

    async def go() -> WebSocketFeed:
        proxy = StallProxy(await server.start())
        feed = WebSocketFeed(f"ws://127.0.0.1:{await proxy.start()}/feed", backoff=FAST,
                             connect_timeout_s=1.0)  # fmt: skip
        feed.add_listener(statuses.append)
        try:
            await feed.start(session)
            await until(lambda: feed.last_seq >= 300, 20, "events through the proxy")
            proxy.stall()
            await until(
                lambda: feed.status.state is FeedState.RECONNECTING, 5, "the dead path noticed"
            )
            stalled_at = feed.last_seq
            await asyncio.sleep(1.5)  # attempts meanwhile reach the proxy and go nowhere
            assert feed.last_seq == stalled_at
            proxy.heal()  # new connections pass; those made during the stall stay dead
            await until(lambda: feed.last_seq >= stalled_at + 500, 30, "the feed recovers")
        finally:
            await feed.stop()
            await proxy.close()
            await server.close()
        assert proxy.accepted >= 3  # the first, at least one lost in the stall, the one that worked
        return feed

    try:
        feed = run(go)
    finally:
        session.close()
    details = [s.detail for s in statuses if s.state is FeedState.RECONNECTING]
    assert details[0] == "nothing from the server for 0.3 s"
    assert "no answer from the server within 1 s" in details[1:], details
    assert feed.duplicates == 0
    _exact(session, feed, stream)


@pytest.mark.slow
def test_a_console_slower_than_its_feed_holds_the_server_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crawling disk: the writer's buffer fills, the feed stops reading, TCP backs the server up."""
    disk = Disk(monkeypatch)
    disk.slow_s = 0.004
    bound = 1024 * 1024
    stream = SimulatedStream("mega", 3, 20_000.0, sample())
    frame = 50
    server = FeedServer(stream, heartbeat_s=0.5, batch=frame)
    session = _session(tmp_path / "slow.live.db")
    session.writer.max_buffered = bound
    peak = 0

    async def go() -> WebSocketFeed:
        nonlocal peak
        feed = WebSocketFeed(f"ws://127.0.0.1:{await server.start()}/feed", backoff=FAST)
        runner = SessionRunner(session, [feed])
        lag = LoopLag()
        lag.start()
        try:
            await runner.start()
            deadline = time.monotonic() + 60
            while feed.last_seq < 40_000 and time.monotonic() < deadline:
                peak = max(peak, session.writer._bytes)
                await asyncio.sleep(0.005)
            assert feed.last_seq >= 40_000
            assert server.clients[0].sent - feed.last_seq > 5_000  # the server was held back
        finally:
            await runner.stop()
            await lag.stop()
            await server.close()
        assert lag.worst_ms < 500, f"the loop stalled for {lag.worst_ms:.0f} ms"
        return feed

    try:
        feed = run(go)
    finally:
        session.close()
    assert feed.room_waits > 0 and feed.connections == 1
    # Over the bound by at most one hand-over: the frames read since the last room check.
    assert peak < bound + (HAND_OVER + frame) * (ROW_BYTES + 400)
    _exact(session, feed, stream)


def test_a_console_whose_loop_stops_longer_than_the_heartbeat_timeout_loses_nothing(
    tmp_path: Path,
) -> None:
    """The loop blocks (a long GC, a slow dialog): frames wait in the socket, nothing reconnects."""
    stream = SimulatedStream("mid", 9, 2000.0, sample())
    server = FeedServer(stream, heartbeat_s=0.2, batch=20)
    session = _session(tmp_path / "busy.live.db")

    async def go() -> WebSocketFeed:
        feed = WebSocketFeed(f"ws://127.0.0.1:{await server.start()}/feed", backoff=FAST)
        try:
            await feed.start(session)
            await until(lambda: feed.last_seq >= 500, 20, "events arrive")
            time.sleep(1.0)  # the whole loop stops: more than 3 heartbeats (0.6 s)
            blocked_at = feed.last_seq
            await until(lambda: feed.last_seq >= blocked_at + 2500, 20, "the backlog is read")
        finally:
            await feed.stop()
            await server.close()
        return feed

    try:
        feed = run(go)
    finally:
        session.close()
    assert feed.connections == 1 and feed.duplicates == 0
    _exact(session, feed, stream)
