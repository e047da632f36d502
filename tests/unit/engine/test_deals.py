"""Flash deals on the virtual clock: exact times, exact quantities, exact prices."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import CommandError, LiveSession
from console.engine.virtual_run import run_virtual
from console.store.reader import load_state
from console.store.summary import summarize
from console.store.verify import verify


class Buyers:
    """A feed of scripted orders: (second, buyer, qty) on one SKU."""

    def __init__(self, sku: str, orders: list[tuple[int, str, int]]) -> None:
        self.sku = sku
        self.orders = orders
        self.n = 0

    def step(self, state: Any, now_ms: int, dt_ms: int) -> list[dict[str, Any]]:
        out = []
        start = state.started_at_ms
        for sec, buyer, qty in self.orders:
            ts = start + sec * 1000
            if now_ms - dt_ms < ts <= now_ms:
                self.n += 1
                out.append({"kind": "order", "ts_ms": ts, "order_id": f"o{self.n}",
                            "buyer": buyer, "buyer_id": buyer, "sku": self.sku, "qty": qty})  # fmt: skip
        return out


def spec(**kw: Any) -> DealSpec:
    base = {"sku": "MASK", "deal_price_minor": 3990, "quantity": 10, "per_buyer": 2,
            "countdown_s": 10, "duration_s": 120}  # fmt: skip
    return DealSpec(**{**base, **kw})


def test_a_deal_that_does_not_sell_out_ends_exactly_on_time(
    session: LiveSession, clock: VirtualClock
) -> None:
    t = clock.now_ms()
    deal = session.state.deals[session.schedule_deal(spec(countdown_s=30, duration_s=300)).seq]
    assert deal.status(t) == "countdown"
    assert deal.seconds_left(t + 12_500) == 17.5
    run_virtual(
        session,
        clock,
        Buyers("MASK", [(100, "a", 1)]),
        source="sim",
        duration_ms=900_000,
        actions=[],
    )
    assert deal.started_at_ms == t + 30_000
    assert deal.ended_at_ms == t + 30_000 + 300_000
    assert deal.end_reason == "time"


def test_sell_out_ends_on_the_last_unit_and_no_unit_more(
    session: LiveSession, clock: VirtualClock
) -> None:
    t = clock.now_ms()
    deal = session.state.deals[
        session.schedule_deal(spec(quantity=5, per_buyer=2, countdown_s=0)).seq
    ]
    orders = [(1, "a", 2), (2, "b", 2), (3, "c", 2), (4, "d", 1), (5, "e", 1)]
    run_virtual(
        session, clock, Buyers("MASK", orders), source="sim", duration_ms=60_000, actions=[]
    )
    assert deal.sold == 5
    assert deal.end_reason == "sold_out"
    assert deal.ended_at_ms == t + 4000  # the order that took the last unit
    assert deal.gmv_minor == 5 * 3990
    # c asked for 2 with 1 left: refused; e came after the end and paid the regular price.
    assert session.state.totals.gmv_minor == 5 * 3990 + 5990


def test_a_last_order_stamped_before_the_start_ends_the_deal_after_it(
    session: LiveSession, clock: VirtualClock
) -> None:
    """Feeds stamp their own events, up to a few seconds behind the console's clock."""
    deal = session.state.deals[
        session.schedule_deal(spec(quantity=2, per_buyer=2, countdown_s=0)).seq
    ]
    started = deal.started_at_ms
    assert started is not None
    clock.advance(200)
    late = {"kind": "order", "ts_ms": started - 500, "order_id": "late", "buyer_id": "a",
            "sku": "MASK", "qty": 2}  # fmt: skip
    session.ingest([late], "ws")
    assert deal.end_reason == "sold_out"
    assert deal.ended_at_ms == started


def test_per_buyer_limit_and_prices_before_during_after(
    session: LiveSession, clock: VirtualClock
) -> None:
    assert session.state.price_of("MASK") == 5990
    session.schedule_deal(spec(countdown_s=10, duration_s=60, per_buyer=2))
    clock.advance(5_000)
    session.fire_due()
    assert session.state.price_of("MASK") == 5990  # still counting down
    clock.advance(6_000)
    session.ingest([{"kind": "order", "order_id": "1", "buyer_id": "u1", "sku": "MASK", "qty": 2},
                    {"kind": "order", "order_id": "2", "buyer_id": "u1", "sku": "MASK", "qty": 1},
                    {"kind": "order", "order_id": "3", "sku": "MASK", "qty": 1}], "sim")  # fmt: skip
    assert session.state.price_of("MASK") == 3990
    deal = next(iter(session.state.deals.values()))
    assert (deal.sold, deal.buyers) == (2, {"u1": 2})
    assert session.rejected_count == 2  # over the limit, and no buyer named
    clock.advance(60_000)
    session.fire_due()
    assert session.state.price_of("MASK") == 5990
    assert session.state.skus["MASK"].price_minor == 5990


def test_percent_off_variants_stop_and_session_end(
    session: LiveSession, clock: VirtualClock
) -> None:
    tee = session.schedule_deal(
        DealSpec("TEE", percent_off=30, quantity=20, per_buyer=1, duration_s=60)
    )
    deal = session.state.deals[tee.seq]
    assert deal.deal_price_minor == 9900 * 70 // 100
    assert deal.units == ("TEE-S", "TEE-M")
    session.stop_deal(deal.deal_id)
    assert deal.end_reason == "stopped"
    other = session.state.deals[session.schedule_deal(spec(countdown_s=0)).seq]
    session.close()
    assert other.end_reason == "session_ended"
    _, state = load_state(session.path)
    assert [d.end_reason for d in state.deals.values()] == ["stopped", "session_ended"]
    assert verify(session.path).intact
    keys = {"sku", "deal_price_minor", "quantity", "per_buyer", "sold", "started_at_ms",
            "ended_at_ms", "end_reason", "gmv_minor"}  # fmt: skip
    assert all(set(d) == keys for d in summarize(*load_state(session.path))["deals"])


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"deal_price_minor": 0}, "out of range"),
        ({"deal_price_minor": 5990}, "below the regular price ¥59.90"),
        ({"deal_price_minor": None}, "either a deal price or a percent off"),
        ({"percent_off": 20}, "either a deal price or a percent off"),
        ({"quantity": 0}, "out of range"),
        ({"quantity": 101}, "more than the stock (100)"),
        ({"per_buyer": 11}, "between 1 and the quantity"),
        ({"countdown_s": 5}, "0 or 10 to 300 seconds"),
        ({"countdown_s": 301}, "out of range"),
        ({"duration_s": 30}, "1 to 60 minutes"),
        ({"duration_s": 3601}, "out of range"),
        ({"sku": "NOPE"}, "unknown product"),
    ],
)
def test_invalid_setups_are_refused_and_change_nothing(
    session: LiveSession, changes: dict[str, Any], needle: str
) -> None:
    before = session.state.copy()
    with pytest.raises(CommandError, match=re.escape(needle)):
        session.schedule_deal(spec(**changes))
    assert session.state == before


def test_overlaps_and_past_starts_are_refused(session: LiveSession, clock: VirtualClock) -> None:
    session.schedule_deal(spec(countdown_s=0, duration_s=600))
    with pytest.raises(CommandError, match="overlaps deal"):
        session.schedule_deal(spec(), starts_at_ms=clock.now_ms() + 300_000)
    session.schedule_deal(spec(sku="TEA", deal_price_minor=9900))  # another product is fine
    with pytest.raises(CommandError, match="in the past"):
        session.schedule_deal(
            spec(sku="TEE-S", deal_price_minor=100), starts_at_ms=clock.now_ms() - 3_600_000
        )


def test_prepared_deal_launches_on_the_presenting_product(session: LiveSession) -> None:
    session.prepare_deal(spec(countdown_s=0))
    with pytest.raises(CommandError, match="nothing is presenting"):
        session.launch_prepared()
    session.present("MASK")
    ev = session.launch_prepared()
    assert session.state.deals[ev.seq].deal_price_minor == 3990
    assert "MASK" not in session.state.prepared
    with pytest.raises(CommandError, match="no deal is prepared"):
        session.launch_prepared()


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 600),
            st.sampled_from(["MASK", "TEA", "TEE-S", "TEE-M"]),
            st.integers(1, 30),
            st.integers(1, 4),
            st.sampled_from([0, 10, 60]),
            st.integers(60, 240),
        ),
        max_size=5,
    ),
    st.integers(0, 10_000),
)
def test_random_deal_scripts_never_oversell_and_gmv_adds_up(
    tmp_path_factory: pytest.TempPathFactory,
    deals: list[tuple[int, str, int, int, int, int]],
    seed: int,
) -> None:
    from console.domain.script import ScriptError, parse_script
    from console.feeds.simulator import Simulator
    from tests.support import START_MS, small_catalog

    path = tmp_path_factory.mktemp("p") / "r.live.db"
    clock = VirtualClock(START_MS)
    session = LiveSession.start(path, title="P", catalog=small_catalog(), clock=clock)
    raw = [{"at": 0, "action": "present", "sku": "MASK"}] + [
        {"at": at, "action": "deal", "sku": sku, "percent_off": 30, "quantity": q, "per_buyer": pb,
         "countdown_s": c, "duration_s": d}
        for at, sku, q, pb, c, d in deals
    ]  # fmt: skip
    actions = parse_script(raw, {"MASK", "TEA", "TEE", "TEE-S", "TEE-M"})
    # A deal the session refuses (overlap, more than the stock) stops the run; what ran adds up.
    with contextlib.suppress(ScriptError):
        run_virtual(
            session,
            clock,
            Simulator("mid", seed, rate=200),
            source="sim",
            duration_ms=600_000,
            actions=actions,
        )
    session.close()
    _, state = load_state(path)
    for deal in state.deals.values():
        assert deal.sold <= deal.quantity
        assert all(n <= deal.per_buyer for n in deal.buyers.values())
    in_deals = sum(d.gmv_minor for d in state.deals.values())
    outside = state.totals.gmv_minor - in_deals
    assert outside >= 0
    assert in_deals + outside == sum(b.gmv_minor for b in state.buckets) == state.totals.gmv_minor
