"""The real-time runner: feeds deliver into the session, deadlines fire on time."""

from __future__ import annotations

import asyncio
from contextlib import closing
from pathlib import Path

from console.domain.clock import RealClock, VirtualClock
from console.domain.deals import DealSpec
from console.domain.events import Event
from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.feeds.base import Feed, FeedSink, FeedState
from console.feeds.sim_feed import SimulatorFeed
from console.feeds.simulator import Simulator
from console.store.reader import iter_events
from console.store.session_file import connect
from tests.support import START_MS, small_catalog


class Recording(Feed):
    """A feed that delivers nothing and remembers the operator events it was sent."""

    source = "ws"

    def __init__(self) -> None:
        super().__init__("recording")
        self.sent: list[Event] = []

    async def start(self, sink: FeedSink) -> None:
        self._set_status(FeedState.LIVE)

    async def stop(self) -> None:
        self._set_status(FeedState.STOPPED)

    def send_action(self, event: Event) -> None:
        self.sent.append(event)


def _session(tmp_path: Path) -> LiveSession:
    return LiveSession.start(
        tmp_path / "r.live.db", title="Runner", catalog=small_catalog(), clock=RealClock()
    )


def test_simulator_feed_delivers_in_real_time_with_its_source(tmp_path: Path) -> None:
    session = _session(tmp_path)
    sim = SimulatorFeed(Simulator("mid", seed=2, rate=2000), lambda: session.state, session.clock)
    runner = SessionRunner(session, [sim])

    async def run() -> None:
        await runner.start()
        assert sim.status.state is FeedState.LIVE
        session.present("MASK")
        await asyncio.sleep(0.6)
        await runner.stop()

    asyncio.run(run())
    assert sim.status.state is FeedState.STOPPED
    assert runner.overall() is FeedState.STOPPED
    session.close()
    with closing(connect(session.path)) as db:
        sources = {ev.source for ev in iter_events(db, session.path) if ev.kind == "comment"}
    assert sources == {"sim"}


def test_deadlines_fire_on_time_and_operator_events_reach_feeds(tmp_path: Path) -> None:
    clock = VirtualClock(START_MS)
    session = LiveSession.start(tmp_path / "d.live.db", title="Deadlines", catalog=small_catalog(),
                                clock=clock)  # fmt: skip
    feed = Recording()
    runner = SessionRunner(session, [feed])

    async def run() -> int:
        await runner.start()
        assert runner.overall() is FeedState.LIVE
        session.present("TEA")
        ev = session.schedule_deal(DealSpec("TEA", deal_price_minor=9900, quantity=5,
                                            per_buyer=1, countdown_s=0, duration_s=60))  # fmt: skip
        await asyncio.sleep(0.05)
        assert feed.sent[-1].kind != "deal_ended"
        clock.advance(61_000)  # nothing is ingested: the runner alone ends the deal
        await asyncio.sleep(1.3)
        await runner.stop()
        return ev.ts_ms

    scheduled_at = asyncio.run(run())
    ended = [e for e in feed.sent if e.kind == "deal_ended"]
    assert [e.kind for e in feed.sent] == ["product_presented", "deal_scheduled",
                                            "deal_started", "deal_ended"]  # fmt: skip
    assert ended[0].data["reason"] == "time"
    assert ended[0].ts_ms == scheduled_at + 60_000  # stamped with the deadline itself
    session.close()
