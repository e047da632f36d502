"""Run a whole session on a virtual clock, as fast as the machine allows.

Used by `simulate` and by tests: the feed is stepped in small slices of
virtual time and script actions happen exactly at their time, so a run is a
pure function of its inputs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from console.domain.catalog import Product
from console.domain.clock import VirtualClock
from console.domain.script import ScriptAction, ScriptError
from console.domain.state import SessionState
from console.engine.session import CommandError, LiveSession

# Unsaved rows a virtual run lets pile up before it waits for the writer: it cannot go
# faster than the disk anyway, and a 12-hour `simulate` should not hold the live
# session's whole memory bound (128 MB) of rows it has yet to write.
AHEAD_BYTES = 8 * 1024 * 1024


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
            case "deal":
                session.schedule_deal(f["spec"], source=source)
            case "stop_deal":
                live = [d for d in session.state.deals_of(f["sku"]) if d.ended_at_ms is None]
                if not live:
                    raise CommandError(f"no deal is running on {f['sku']!r}")
                session.stop_deal(live[0].deal_id, source)
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
        deadline = session.next_deadline()
        if deadline is not None and deadline > now:
            nxt = min(nxt, deadline)  # deals start and end exactly on time
        clock.set(nxt)
        session.fire_due()
        if nxt > last:
            # Nobody to refuse here: run at the disk's pace, a few MB ahead of it at most.
            session.writer.wait_for_room(AHEAD_BYTES)
            session.ingest(feed.step(session.state, nxt, nxt - last), source)
            last = nxt
            if progress is not None and (nxt - start) % 60_000 < tick_ms:
                progress(nxt - start)
    if end and not session.ended:
        session.end("duration")


class _Silence:
    """No audience: a rehearsal runs only the operator's actions."""

    def step(self, state: SessionState, now_ms: int, dt_ms: int) -> list[dict[str, Any]]:
        return []


def rehearse(catalog: list[Product], actions: list[ScriptAction], *, start_ms: int,
             duration_ms: int, currency: str = "CNY") -> None:  # fmt: skip
    """Run a show script without an audience on a scratch file: ScriptError if an entry fails.

    The same code path as the real run, so a deal priced above the regular price
    or an overlap is caught before any session file is written. (Entries that fail
    only because of what the audience bought can still fail during the run.)
    """
    with tempfile.TemporaryDirectory(prefix="live-console-rehearsal-") as tmp:
        clock = VirtualClock(start_ms)
        session = LiveSession.start(Path(tmp) / "rehearsal.live.db", title="rehearsal",
                                    catalog=catalog, clock=clock, currency=currency)  # fmt: skip
        try:
            run_virtual(session, clock, _Silence(), source="sim", duration_ms=duration_ms,
                        actions=actions, tick_ms=60_000)  # fmt: skip
        finally:
            session.close()
