"""The overlay's view of a session: which deal, which prices, which orders, which clock."""

from __future__ import annotations

from typing import Any

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession
from console.overlay.view import (
    DEAL_ENDED_SHOWN_MS,
    ORDER_FRESH_MS,
    ClockSync,
    OrderTicker,
    overlay_view,
    pick_deal,
    remote_view,
)


def no_image(image: str) -> str | None:
    return None


def view(session: LiveSession, ticker: OrderTicker | None = None) -> dict[str, Any]:
    orders = (ticker or OrderTicker()).update(session.state, session.activity_after)
    return overlay_view(session.state, session.now_ms(), orders, no_image)


def order(
    session: LiveSession, n: int, buyer: str = "张三", sku: str = "MASK", qty: int = 1
) -> None:
    session.ingest([{"kind": "order", "order_id": str(n), "buyer": buyer, "sku": sku, "qty": qty}], "sim")  # fmt: skip


def spec(sku: str = "MASK", countdown_s: int = 0, quantity: int = 10, **kw: Any) -> DealSpec:
    return DealSpec(sku, deal_price_minor=kw.pop("price", 3990), quantity=quantity,
                    per_buyer=quantity, countdown_s=countdown_s, duration_s=60, **kw)  # fmt: skip


def test_nothing_presenting_nothing_shown(session: LiveSession) -> None:
    assert view(session) == {
        "type": "state", "status": "live", "presenting": None, "deal": None, "orders": [],
    }  # fmt: skip


def test_presenting_shows_the_compare_at_price_struck(session: LiveSession) -> None:
    session.present("MASK")
    assert view(session)["presenting"] == {
        "sku": "MASK", "title": "保湿面膜 10片", "image": None, "price": "¥59.90",
        "from": False, "was": "¥99.00", "deal": False,
    }  # fmt: skip


def test_a_live_deal_switches_the_price_and_strikes_the_regular_one(session: LiveSession) -> None:
    session.present("MASK")
    session.schedule_deal(spec())
    p = view(session)["presenting"]
    assert (p["price"], p["was"], p["deal"]) == ("¥39.90", "¥59.90", True)


def test_variants_show_a_from_price(session: LiveSession) -> None:
    session.present("TEE")
    p = view(session)["presenting"]
    assert (p["price"], p["from"], p["was"]) == ("¥99.00", True, None)
    session.schedule_deal(spec("TEE-M", price=5000))
    p = view(session)["presenting"]
    assert (p["price"], p["from"], p["was"], p["deal"]) == ("¥50.00", True, "¥99.00", True)


def test_images_go_through_the_servers_url(session: LiveSession) -> None:
    product = session.state.products["TEA"].product.with_changes(image="/pics/tea.png")
    session.update_product(product)
    session.present("TEA")
    seen: list[str] = []

    def url(image: str) -> str | None:
        seen.append(image)
        return "img/abc"

    assert (
        overlay_view(session.state, session.now_ms(), [], url)["presenting"]["image"] == "img/abc"
    )
    assert seen == ["/pics/tea.png"]


def test_deal_phases_from_countdown_to_sold_out(session: LiveSession, clock: VirtualClock) -> None:
    session.present("MASK")
    session.schedule_deal(spec(countdown_s=10, quantity=2))
    d = view(session)["deal"]
    start = session.now_ms()
    assert d == {
        "id": d["id"], "title": "保湿面膜 10片", "phase": "countdown", "price": "¥39.90",
        "was": "¥59.90", "quantity": 2, "sold": 0, "left": 2, "sold_out": False,
        "live_at": start + 10_000, "ends_at": start + 70_000,
    }  # fmt: skip
    clock.advance(10_000)
    session.fire_due()
    assert view(session)["deal"]["phase"] == "live"
    order(session, 1, qty=2)
    d = view(session)["deal"]
    assert (d["phase"], d["sold_out"], d["left"], d["sold"]) == ("ended", True, 0, 2)
    clock.advance(DEAL_ENDED_SHOWN_MS - 1)
    assert view(session)["deal"] is not None
    clock.advance(1)
    assert view(session)["deal"] is None


def test_pick_deal_prefers_the_presenting_product(
    session: LiveSession, clock: VirtualClock
) -> None:
    def picked() -> str | None:
        deal = pick_deal(session.state, session.now_ms())
        return None if deal is None else deal.sku

    session.present("MASK")
    session.schedule_deal(spec("TEA"))
    clock.advance(1000)
    assert picked() == "TEA"
    session.schedule_deal(spec("MASK"))
    clock.advance(1000)
    assert picked() == "MASK"


def test_a_deal_scheduled_for_later_is_not_announced(
    session: LiveSession, clock: VirtualClock
) -> None:
    session.schedule_deal(spec(countdown_s=10), starts_at_ms=session.now_ms() + 60_000)
    assert view(session)["deal"] is None
    clock.advance(60_000)
    assert view(session)["deal"]["phase"] == "countdown"


def test_a_deal_on_one_variant_names_it(session: LiveSession) -> None:
    session.schedule_deal(spec("TEE-M"))
    assert view(session)["deal"]["title"] == "Cotton tee · M"


def test_orders_are_masked_recent_and_few(session: LiveSession, clock: VirtualClock) -> None:
    ticker = OrderTicker()
    for n, buyer in enumerate(["张三", "jason", "", "a", "Bo", "王小二"]):
        order(session, n, buyer, sku="TEE-S")
        session.ingest([{"kind": "comment", "user": "x", "text": "hi"}], "sim")
    orders = view(session, ticker)["orders"]
    assert len(orders) == 5  # the oldest left the ticker
    assert [o["buyer"] for o in orders] == ["j***n", "", "*", "B**", "王**"]
    assert orders[-1] == {"id": orders[-1]["id"], "buyer": "王**", "title": "Cotton tee · S", "qty": 1}  # fmt: skip
    clock.advance(ORDER_FRESH_MS)
    assert view(session, ticker)["orders"] == []  # not "just bought" any more


def test_the_ticker_starts_over_when_a_replay_seeks_back(session: LiveSession) -> None:
    ticker = OrderTicker()
    order(session, 1)
    order(session, 2)
    assert len(ticker.update(session.state, session.activity_after)) == 2
    earlier = session.state.copy()
    earlier.last_seq -= 2
    assert ticker.update(earlier, lambda seq: [e for e in session.activity_after(seq)
                                                 if e.seq <= earlier.last_seq]) == []  # fmt: skip
    assert len(ticker.update(session.state, session.activity_after)) == 2


def test_remote_view_shows_where_the_queue_stands(session: LiveSession) -> None:
    r = remote_view(session.state, session.now_ms(), no_image)
    assert "orders" not in r
    assert r["queue"] == {"position": None, "count": 3, "next": "保湿面膜 10片", "previous": "Cotton tee"}  # fmt: skip
    assert r["prepared"] is False
    session.present("TEE")
    session.prepare_deal(spec("TEE"))
    r = remote_view(session.state, session.now_ms(), no_image)
    assert r["queue"] == {"position": 3, "count": 3, "next": "保湿面膜 10片", "previous": "Oolong tea 乌龙茶"}  # fmt: skip
    assert r["prepared"] is True


# -- the clock ------------------------------------------------------------------------------


def test_a_live_clock_is_sent_once_then_only_every_few_seconds() -> None:
    sync = ClockSync()
    assert sync.sample(1_000_000, 0.0) == {"type": "clock", "now": 1_000_000, "rate": 1.0}
    sent = [sync.sample(1_000_000 + t, float(t)) for t in range(100, ClockSync.RESYNC_MS, 100)]
    assert sent == [None] * len(sent)
    assert sync.sample(1_000_000 + ClockSync.RESYNC_MS, float(ClockSync.RESYNC_MS)) is not None


def test_jitter_in_the_samples_is_not_a_new_rate() -> None:
    sync = ClockSync()
    sync.sample(0, 0.0)
    assert sync.sample(103, 100.0) is None  # a late wake-up: both clocks moved on together
    assert sync.rate == 1.0


def test_a_paused_replay_stops_the_pages_clock_and_a_seek_moves_it() -> None:
    sync = ClockSync()
    sync.sample(5_000, 0.0)
    assert sync.sample(5_100, 100.0) is None
    assert sync.sample(5_100, 200.0) == {"type": "clock", "now": 5_100, "rate": 1.0}  # behind
    assert sync.sample(5_100, 300.0) == {"type": "clock", "now": 5_100, "rate": 0.0}  # paused
    assert sync.sample(5_100, 400.0) is None
    # A seek is one big step, not a pace: the time moves, the rate stays.
    assert sync.sample(60_000, 500.0) == {"type": "clock", "now": 60_000, "rate": 0.0}
    assert sync.sample(60_000, 600.0) is None
    sync.sample(60_400, 700.0)
    assert sync.sample(60_800, 800.0) == {"type": "clock", "now": 60_800, "rate": 4.0}  # 4x
