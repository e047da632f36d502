"""Operator commands: logged like audience events; refused ones change nothing."""

from __future__ import annotations

import pytest

from console.domain.catalog import Product
from console.domain.clock import VirtualClock
from console.domain.events import Event
from console.domain.script import parse_script
from console.engine.session import CommandError, LiveSession
from console.engine.virtual_run import run_virtual
from console.store.reader import iter_events, load_state
from console.store.session_file import open_session
from console.store.verify import verify


def test_keyboard_style_navigation(session: LiveSession) -> None:
    assert session.present_step(+1).data == {"sku": "MASK"}
    assert session.present_step(+1).data == {"sku": "TEA"}
    session.present_step(-1)
    session.present_step(-1)
    assert session.state.presenting == "TEE"  # wraps around
    session.present(None)
    assert session.state.presenting is None


def test_commands_are_logged_with_their_source(session: LiveSession, clock: VirtualClock) -> None:
    session.set_price("MASK", 4990)
    session.set_stock("TEA", 7, source="remote")
    session.reorder(["TEE", "TEA", "MASK"])
    session.add_product(Product("NEW", "新品", 100, 5))
    session.remove_product("NEW")
    clock.advance(1000)
    session.marker("抽奖 giveaway")
    session.close()
    _, state = load_state(session.path)
    assert state.skus["MASK"].price_minor == 4990
    assert state.skus["TEA"].stock == 7
    assert state.queue == ["TEE", "TEA", "MASK"]
    assert state.markers[0].text == "抽奖 giveaway"
    assert state.markers[0].source == "operator"
    assert verify(session.path).intact


@pytest.mark.parametrize(
    ("action", "needle"),
    [
        (lambda s: s.present("NOPE"), "not in the queue"),
        (lambda s: s.set_price("MASK", -1), "out of range"),
        (lambda s: s.set_stock("GHOST", 1), "unknown product"),
        (lambda s: s.add_product(Product("MASK", "dup", 1, 1)), "already in the session"),
        (lambda s: s.add_product(Product("X", "  ", 1, 1)), "title is empty"),
        (lambda s: s.reorder(["MASK"]), "exactly the products"),
        (lambda s: s.marker(""), "length"),
    ],
)
def test_refused_commands_change_nothing(session: LiveSession, action, needle: str) -> None:
    before = session.state.copy()
    with pytest.raises(CommandError, match=needle):
        action(session)
    assert session.state == before


def test_empty_queue_has_no_next(tmp_path, clock: VirtualClock) -> None:
    s = LiveSession.start(tmp_path / "e.live.db", title="E", catalog=[], clock=clock)
    with pytest.raises(CommandError, match="queue is empty"):
        s.present_step(+1)
    s.close()


class Quiet:
    """A feed with a fixed pattern, for exact timing checks."""

    def step(self, state, now_ms: int, dt_ms: int) -> list[dict]:
        return [{"kind": "like", "ts_ms": now_ms, "count": 1}]


def test_script_actions_happen_exactly_at_their_time(
    session: LiveSession, clock: VirtualClock
) -> None:
    start = clock.now_ms()
    actions = parse_script(
        [{"at": 1.25, "action": "present", "sku": "TEA"}, {"at": 2, "action": "end"}],
        {"TEA"},
    )
    run_virtual(session, clock, Quiet(), source="sim", duration_ms=60_000, actions=actions)
    events = {e.kind: e for e in _events(session)}
    assert events["product_presented"].ts_ms == start + 1250
    assert events["session_ended"].ts_ms == start + 2000
    assert events["session_ended"].data == {"reason": "script"}


def _events(session: LiveSession) -> list[Event]:
    session.close()
    conn, _ = open_session(session.path)
    try:
        return list(iter_events(conn, session.path))
    finally:
        conn.close()


def test_activity_feed_and_pinning(session: LiveSession) -> None:
    session.ingest([{"kind": "like", "count": 9},
                    {"kind": "comment", "user": "小鱼", "text": "有链接吗"},
                    {"kind": "order", "order_id": "1", "sku": "TEA", "qty": 1}], "sim")  # fmt: skip
    feed = session.activity_after(0)
    assert [e.kind for e in feed] == ["comment", "order"]  # likes are counted, not listed
    assert session.activity_after(feed[0].seq) == feed[1:]
    session.pin(feed[0])
    assert session.state.pinned is not None
    assert (session.state.pinned.user, session.state.pinned.text) == ("小鱼", "有链接吗")
    with pytest.raises(CommandError, match="only comments"):
        session.pin(feed[1])
    session.pin(None)
    assert session.state.pinned is None
    with pytest.raises(CommandError, match="no event 999"):
        session.command("comment_pinned", {"seq": 999, "text": "x"})
