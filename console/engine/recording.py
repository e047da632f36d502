"""Headless recording: a live session on real feeds until a duration or a signal.

`record` runs this; it reports each feed's status changes as lines a script
can follow, and ends the session cleanly on SIGINT or SIGTERM, so stopping
a recording from a terminal or a service manager leaves an `ended` file.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from functools import partial

from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.feeds.base import Feed, FeedStatus


def status_line(feed: Feed, status: FeedStatus) -> str:
    """`feed <label> <state>[ <detail>]`: one line per change, for people and scripts."""
    detail = f" {status.detail}" if status.detail and status.detail != feed.label else ""
    return f"feed {feed.label} {status.state.value}{detail}"


def _report(report: Callable[[str], None], feed: Feed, status: FeedStatus) -> None:
    report(status_line(feed, status))


async def run_recording(session: LiveSession, feeds: Sequence[Feed], *,
                        duration_s: float | None, report: Callable[[str], None]) -> str:  # fmt: skip
    """Record until `duration_s` passes or a signal arrives; returns why it ended."""
    for feed in feeds:
        feed.add_listener(partial(_report, report, feed))
    runner = SessionRunner(session, feeds)
    stop = asyncio.Event()
    reason = "duration"
    loop = asyncio.get_running_loop()

    def on_signal(name: str) -> None:
        nonlocal reason
        reason = name
        stop.set()

    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows, or not main thread
            loop.add_signal_handler(sig, on_signal, sig.name)
            handled.append(sig)
    try:
        await runner.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), duration_s)
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        await runner.stop()
    return reason
