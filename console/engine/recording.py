"""Headless recording: a live session on real feeds until a duration or a signal.

`record` runs this; it reports each feed's status changes, and saving that
fails or recovers, as lines a script can follow, and ends the session cleanly
on SIGINT or SIGTERM, so stopping a recording from a terminal or a service
manager leaves an `ended` file.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from functools import partial

from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.feeds.base import Feed, FeedStatus, cancel_task
from console.store.writer import SaveStatus

# How often a headless recording looks at the writer, to say when saving fails or recovers.
SAVE_POLL_S = 0.5


def status_line(feed: Feed, status: FeedStatus) -> str:
    """`feed <label> <state>[ <detail>]`: one line per change, for people and scripts."""
    detail = f" {status.detail}" if status.detail and status.detail != feed.label else ""
    return f"feed {feed.label} {status.state.value}{detail}"


def _report(report: Callable[[str], None], feed: Feed, status: FeedStatus) -> None:
    report(status_line(feed, status))


def save_line(status: SaveStatus) -> str:
    """`file …`: how saving stands, one line per change of (error, room)."""
    full = "memory is full, refusing audience input that cannot wait"
    if status.error is not None:
        waiting = full if not status.room else f"{status.pending:,} events wait in memory"
        return f"file not saved: {status.error}; {waiting}"
    if not status.room:
        return f"file behind: {full}"
    lost = f"; {status.refused:,} inputs were not recorded" if status.refused else ""
    return f"file saving again{lost}"


async def _watch_saving(session: LiveSession, report: Callable[[str], None]) -> None:
    shown: tuple[str | None, bool] = (None, True)
    while True:
        await asyncio.sleep(SAVE_POLL_S)
        status = session.writer.save_status()
        now = (status.error, status.room)
        if now != shown:
            report(save_line(status))
            shown = now


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
    watch = loop.create_task(_watch_saving(session, report), name="saving")
    try:
        await runner.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), duration_s)
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        await cancel_task(watch)
        await runner.stop()
    return reason
