"""The built-in simulator as a live feed: practice mode and load for the real-time engine.

The simulator reads what is on screen now (the session state) and answers
with audience events for the wall time that passed since its last step; the
same `step` drives `simulate` on a virtual clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from console.domain.clock import Clock
from console.domain.state import SessionState
from console.feeds.base import Feed, FeedSink, FeedState, cancel_task
from console.feeds.simulator import Simulator

# Events per hand-over: the window's loop runs between them, so a key press waits for
# one chunk (a few ms), not for everything a late tick has piled up.
CHUNK = 500


class SimulatorFeed(Feed):
    source = "sim"

    def __init__(self, simulator: Simulator, state: Callable[[], SessionState], clock: Clock,
                 *, label: str = "sim", tick: float = 0.05) -> None:  # fmt: skip
        super().__init__(label)
        self.simulator = simulator
        self._state = state
        self.clock = clock
        self.tick = tick
        self._task: asyncio.Task[None] | None = None

    async def start(self, sink: FeedSink) -> None:
        if self._task is None:
            self._task = self._spawn(self._run(sink))
            self._set_status(FeedState.LIVE, self.label)

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_task(task)
        self._set_status(FeedState.STOPPED)

    async def _run(self, sink: FeedSink) -> None:
        last = self.clock.now_ms()
        while True:
            await asyncio.sleep(self.tick)
            now = self.clock.now_ms()
            if now > last:
                events = self.simulator.step(self._state(), now, now - last)
                last = now
                for start in range(0, len(events), CHUNK):
                    if start:
                        await asyncio.sleep(0)
                    sink.ingest(events[start : start + CHUNK], self.source)
