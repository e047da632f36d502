"""Without room for unsaved rows the engine refuses what cannot wait, never what can."""

from __future__ import annotations

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession


def test_a_batch_with_a_cursor_is_taken_even_without_room(session: LiveSession) -> None:
    session.writer.max_buffered = 0
    assert not session.has_room()
    cursor = ("ws://h/feed", "s", 2)
    assert session.ingest([{"kind": "like"}, {"kind": "like"}], "ws", cursor) == 2
    assert session.ingest([{"kind": "like"}], "sim") == 0  # the simulator cannot wait
    session.reject("garbage", "?", "ws", ("ws://h/feed", "s", 3))
    assert session.writer.refused_total == 1 and session.rejected_count == 1
    session.writer.max_buffered = 1 << 30
    session.writer.flush()
    assert session.saved_cursor("ws://h/feed") == ("ws://h/feed", "s", 3)
    assert session.state.totals.likes == 2


def test_deal_deadlines_fire_while_input_is_refused(
    session: LiveSession, clock: VirtualClock
) -> None:
    deal = session.schedule_deal(DealSpec("MASK", 3990, quantity=5, duration_s=60))
    session.writer.max_buffered = 0
    clock.advance(61_000)
    assert session.ingest([{"kind": "like"}], "sim") == 0
    ended = session.state.deals[deal.seq]
    assert ended.ended_at_ms is not None and ended.end_reason == "time"
