"""Drive a session from a stepped feed in real time, on an asyncio loop.

The simulator in the console is the same `step` as in `simulate`; here the
steps follow the wall clock instead of running ahead of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from console.domain.clock import Clock
from console.engine.session import LiveSession
from console.engine.virtual_run import SteppedFeed

log = logging.getLogger("console.engine.realtime")


class RealtimeFeed:
    """Steps `feed` every `tick` seconds of wall time until stopped."""

    def __init__(self, session: LiveSession, feed: SteppedFeed, clock: Clock, *, source: str,
                 tick: float = 0.05, chunk: int = 500) -> None:  # fmt: skip
        self.session = session
        self.feed = feed
        self.clock = clock
        self.source = source
        self.tick = tick
        self.chunk = chunk
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="realtime-feed")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        last = self.clock.now_ms()
        while not self.session.ended:
            deadline = self.session.next_deadline()
            wait = self.tick
            if deadline is not None:  # wake for a deal's start or end, not a tick later
                wait = max(0.0, min(wait, (deadline - self.clock.now_ms()) / 1000))
            await asyncio.sleep(wait)
            self.session.fire_due()
            now = self.clock.now_ms()
            if now > last:
                self.session.ingest(
                    self.feed.step(self.session.state, now, now - last), self.source
                )
                last = now
