from __future__ import annotations

import random

import pytest

from console.feeds.base import Backoff, FeedState, FeedStatus
from console.feeds.sim_feed import SimulatorFeed
from console.feeds.simulator import Simulator
from tests.support import START_MS


def test_backoff_grows_to_its_cap_with_jitter_and_resets() -> None:
    b = Backoff(initial=0.5, maximum=8.0, rng=random.Random(1))
    waits = [b.next() for _ in range(12)]
    assert all(0.25 <= w <= 8.0 for w in waits)
    ceilings = [min(8.0, 0.5 * 2**n) for n in range(12)]
    assert all(w <= c for w, c in zip(waits, ceilings, strict=True))
    assert max(waits[6:]) > 4.0  # it does grow
    assert len({round(w, 6) for w in waits}) == len(waits)  # jittered, not lockstep
    b.reset()
    assert b.next() <= 0.5


def test_backoff_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="initial"):
        Backoff(initial=0)


def test_listeners_hear_each_change_once() -> None:
    from console.domain.clock import VirtualClock
    from console.domain.state import SessionState

    feed = SimulatorFeed(Simulator("small"), SessionState, VirtualClock(START_MS))
    heard: list[FeedStatus] = []
    feed.add_listener(heard.append)
    feed._set_status(FeedState.CONNECTING)
    feed._set_status(FeedState.CONNECTING)
    feed._set_status(FeedState.LIVE, "up")
    assert [s.state for s in heard] == [FeedState.CONNECTING, FeedState.LIVE]
    assert feed.status == FeedStatus(FeedState.LIVE, "up")


class _Batches:
    """A sink that notes the size of each batch and expects no rejects."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def ingest(self, raws: list[object], source: str) -> int:
        self.sizes.append(len(raws))
        return len(raws)

    def reject(self, reason: str, payload: str, source: str) -> None:
        raise AssertionError(reason)


def test_a_feed_whose_loop_dies_says_so() -> None:
    import asyncio

    from console.domain.clock import VirtualClock
    from console.domain.state import SessionState

    class Broken(_Batches):
        def ingest(self, raws: list[object], source: str) -> int:
            raise RuntimeError("disk on fire")

    clock = VirtualClock(START_MS)
    feed = SimulatorFeed(Simulator("mid", rate=1000), SessionState, clock, tick=0.001)

    async def run() -> None:
        await feed.start(Broken())
        await asyncio.sleep(0.01)
        clock.advance(1000)
        await asyncio.sleep(0.05)

    asyncio.run(run())
    assert feed.status.state is FeedState.FAILED
    assert "disk on fire" in feed.status.detail


def test_a_late_tick_is_handed_over_in_chunks_with_the_loop_running_between() -> None:
    import asyncio

    from console.domain.clock import VirtualClock
    from console.domain.state import SessionState
    from console.feeds.sim_feed import CHUNK

    sink = _Batches()
    sizes = sink.sizes
    turns: list[int] = []  # how many ingests had happened each time another task ran
    clock = VirtualClock(START_MS)
    feed = SimulatorFeed(Simulator("mega", rate=20_000), SessionState, clock, tick=0.001)

    async def run() -> None:
        await feed.start(sink)
        await asyncio.sleep(0.01)
        clock.advance(2000)  # the tick came two seconds late: about 40,000 events
        loop = asyncio.get_running_loop()
        give_up = loop.time() + 5
        while sum(sizes) <= 20_000 and loop.time() < give_up:  # the feed's next tick, and on
            turns.append(len(sizes))
            await asyncio.sleep(0)
        await feed.stop()

    asyncio.run(run())
    assert sum(sizes) > 20_000 and max(sizes) <= CHUNK
    assert len(set(turns)) > sum(sizes) // CHUNK // 2  # the loop ran between the chunks
