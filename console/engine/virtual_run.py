"""Run a whole session on a virtual clock, as fast as the machine allows.

Used by `simulate` and by tests: the feed is stepped in small slices of
virtual time and script actions happen exactly at their time, so a run is a
pure function of its inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from console.domain.clock import VirtualClock
from console.domain.script import ScriptAction, ScriptError
from console.domain.state import SessionState
from console.engine.session import CommandError, LiveSession


class SteppedFeed(Protocol):
    def step(self, state: SessionState, now_ms: int, dt_ms: int) -> list[dict[str, Any]]: ...


def perform(session: LiveSession, action: ScriptAction, source: str = "script") -> None:
    f = action.fields
    try:
        match action.action:
            case "present":
                session.present(f["sku"], source)
            case "price":
                session.set_price(f["sku"], f["price_minor"], source)
            case "stock":
                session.set_stock(f["sku"], f["stock"], source)
            case "marker":
                session.marker(f["text"], source)
            case "end":
                session.end("script", source)
            case _:
                raise CommandError(f"unknown action {action.action!r}")
    except CommandError as e:
        raise ScriptError(action.index, str(e)) from None


def run_virtual(
    session: LiveSession,
    clock: VirtualClock,
    feed: SteppedFeed,
    *,
    source: str,
    duration_ms: int,
    actions: list[ScriptAction],
    tick_ms: int = 100,
    progress: Callable[[int], None] | None = None,
    end: bool = True,
) -> None:
    """Step `feed` until `duration_ms` of virtual time or an `end` action, then end.

    With `end=False` the session stays live: a practice session's warm-up.
    """
    start = clock.now_ms()
    stop = start + duration_ms
    pending = sorted(actions, key=lambda a: a.at_ms)
    i = 0
    last = start
    while not session.ended:
        while i < len(pending) and start + pending[i].at_ms <= clock.now_ms():
            perform(session, pending[i])
            i += 1
            if session.ended:
                return
        now = clock.now_ms()
        if now >= stop:
            break
        nxt = min(now + tick_ms, stop)
        if i < len(pending):
            nxt = min(nxt, start + pending[i].at_ms)
        clock.set(nxt)
        if nxt > last:
            session.ingest(feed.step(session.state, nxt, nxt - last), source)
            last = nxt
            if progress is not None and (nxt - start) % 60_000 < tick_ms:
                progress(nxt - start)
    if end and not session.ended:
        session.end("duration")
