"""Run a live session in real time on an asyncio loop: its feeds and its deadlines.

The window and `record` both use a `SessionRunner`, so a session recorded
headless and one run from the console behave the same. The runner starts
the feeds with the session as their sink, mirrors operator events to feeds
that accept them, and fires deal deadlines on time: it sleeps until the
next deadline and is woken early when an operator event may have moved it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from console.domain.events import Event
from console.engine.session import LiveSession
from console.feeds.base import Feed, FeedState, cancel_task

log = logging.getLogger("console.engine.runner")

# Longest sleep of the deadline timer when nothing is due: a safety net only.
IDLE_WAKE_S = 1.0


class SessionRunner:
    def __init__(self, session: LiveSession, feeds: Sequence[Feed]) -> None:
        self.session = session
        self.feeds = list(feeds)
        self._wake = asyncio.Event()
        self._timer: asyncio.Task[None] | None = None
        session.listeners.append(self._heard)

    async def start(self) -> None:
        """Start the deadline timer and every feed; a feed that cannot start is stopped again."""
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(
                self._deadlines(), name="deadlines"
            )
        for feed in self.feeds:
            try:
                await feed.start(self.session)
            except BaseException:
                await self.stop()
                raise

    async def stop(self) -> None:
        """Stop the feeds (they deliver nothing more), then the timer."""
        for feed in self.feeds:
            await feed.stop()
        timer, self._timer = self._timer, None
        await cancel_task(timer)

    @property
    def running(self) -> bool:
        return self._timer is not None and not self._timer.done()

    def overall(self) -> FeedState:
        """The worst state among the feeds: what the status bar's light shows."""
        order = [FeedState.FAILED, FeedState.RECONNECTING, FeedState.CONNECTING,
                 FeedState.STOPPED, FeedState.LIVE]  # fmt: skip
        states = {feed.status.state for feed in self.feeds}
        return next((s for s in order if s in states), FeedState.STOPPED)

    def _heard(self, event: Event) -> None:
        self._wake.set()
        for feed in self.feeds:
            feed.send_action(event)

    async def _deadlines(self) -> None:
        session = self.session
        while not session.ended:
            deadline = session.next_deadline()
            wait = IDLE_WAKE_S
            if deadline is not None:
                wait = max(0.0, min(wait, (deadline - session.now_ms()) / 1000))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)
            session.fire_due()
