"""The feed interface: what every source of audience events offers the engine.

A feed is started with a sink and hands it batches of raw event dicts; the
engine decodes, checks and logs them (`sink.ingest`), so a feed never
validates business rules itself. What a feed receives that is not an event at
all (a garbage frame, a bad signature's body is *not* one: that is refused at
the door) goes to `sink.reject` with the reason, so the session file says
what arrived and why it was refused.

Each feed reports a `FeedStatus` that the window's status bar and `record`
show; listeners hear every change. Network feeds reconnect on their own with
jittered exponential backoff (`Backoff`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from console.domain.events import Event

log = logging.getLogger("console.feeds")


class FeedState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class FeedStatus:
    state: FeedState
    # For people: what it is connected to, or why it is reconnecting or failed.
    detail: str = ""
    # Wall-clock ms of the next connection attempt while reconnecting.
    retry_at_ms: int | None = None


class FeedSink(Protocol):
    """Where a feed delivers: a `LiveSession`, or a list in tests."""

    def ingest(self, raws: list[Any], source: str) -> int:
        """Deliver a batch of raw event dicts; returns how many were accepted."""
        ...

    def reject(self, reason: str, payload: str, source: str) -> None:
        """Record something the source sent that is not an event, with the reason."""
        ...


# (feed label, stream id, last source seq): how far a resumable source has been recorded.
FeedCursor = tuple[str, str, int]


@runtime_checkable
class DurableSink(FeedSink, Protocol):
    """A sink that says what is on disk and when it is full (the `LiveSession`).

    A source that can send again (the ws feed) hands its cursor over with each batch,
    acknowledges only what `saved_cursor` says is on disk, and waits while there is no
    room instead of having its events refused.
    """

    def ingest(self, raws: list[Any], source: str, cursor: FeedCursor | None = None) -> int: ...

    def reject(self, reason: str, payload: str, source: str,
               cursor: FeedCursor | None = None) -> None: ...  # fmt: skip

    def has_room(self) -> bool:
        """False while unsaved events fill the memory bound: input that can wait should."""
        ...

    def saved_cursor(self, feed: str) -> FeedCursor | None:
        """The cursor of `feed` as last committed to disk; None if it never was."""
        ...


StatusListener = Callable[[FeedStatus], None]


class Feed(ABC):
    """A source of audience events with a status; subclasses implement start and stop."""

    #: the `source` column value of everything this feed delivers
    source: str = ""

    def __init__(self, label: str) -> None:
        self.label = label  # for people; never contains a secret token
        self.status = FeedStatus(FeedState.STOPPED)
        self._listeners: list[StatusListener] = []

    def add_listener(self, listener: StatusListener) -> None:
        self._listeners.append(listener)

    def _set_status(
        self, state: FeedState, detail: str = "", retry_at_ms: int | None = None
    ) -> None:
        status = FeedStatus(state, detail, retry_at_ms)
        if status == self.status:
            return
        self.status = status
        for listener in list(self._listeners):
            listener(status)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run the feed's loop; should it die of a bug, the status says so instead of staying live."""
        task = asyncio.get_running_loop().create_task(coro, name=self.label)
        task.add_done_callback(self._loop_ended)
        return task

    def _loop_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("feed %s stopped", self.label, exc_info=error)
            self._set_status(FeedState.FAILED, f"stopped by an internal error: {error!r:.200}")

    @abstractmethod
    async def start(self, sink: FeedSink) -> None:
        """Begin delivering to `sink`; returns once the feed's tasks are running."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop delivering and close connections; the status becomes STOPPED."""

    def send_action(self, event: Event) -> None:
        """An operator event the source may want (a bridge mirrors it to the platform).

        Most sources are read-only and ignore it.
        """
        del event


class Backoff:
    """Delays between reconnection attempts: exponential, capped, with full jitter.

    Full jitter (a uniform draw below the exponential ceiling) keeps a
    thousand consoles that lost the same server from returning in lockstep.
    """

    def __init__(self, initial: float = 0.5, maximum: float = 30.0, factor: float = 2.0,
                 rng: random.Random | None = None) -> None:  # fmt: skip
        if not 0 < initial <= maximum:
            raise ValueError("backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self.attempts = 0
        self._rng = rng or random.Random()

    def next(self) -> float:
        """Seconds to wait before the next attempt."""
        ceiling = min(self.maximum, self.initial * self.factor**self.attempts)
        self.attempts += 1
        return self.initial / 2 + self._rng.random() * (ceiling - self.initial / 2)

    def reset(self) -> None:
        """After a connection that worked: the next failure starts from the bottom again."""
        self.attempts = 0


async def cancel_task(task: asyncio.Task[Any] | None) -> None:
    """Cancel a feed's task and wait for it to finish its cleanup."""
    if task is None or task.done():
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
