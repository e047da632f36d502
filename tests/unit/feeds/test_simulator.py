"""The built-in simulator: wire format, determinism, audience size, orders, rate and deals."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.catalog import Product, Variant
from console.domain.deals import Deal
from console.domain.state import ProductState, SessionState, SkuState
from console.feeds.simulator import MIN_BUYERS, PRESETS, SOLD_OUT_TALK_S, Simulator

Event = dict[str, Any]

# Fields of each raw event kind besides "kind" and "ts_ms", and the smallest value of ints.
WIRE: dict[str, dict[str, tuple[type, int]]] = {
    "viewers": {"online": (int, 0)},
    "enter": {"count": (int, 1)},
    "comment": {"user": (str, 0), "text": (str, 0)},
    "like": {"count": (int, 1)},
    "follow": {"user": (str, 0)},
    "share": {"user": (str, 0)},
    "gift": {"user": (str, 0), "gift": (str, 0), "count": (int, 1), "value_minor": (int, 0)},
    "order": {
        "order_id": (str, 0), "buyer": (str, 0), "buyer_id": (str, 0), "sku": (str, 0),
        "qty": (int, 1),
    },
}  # fmt: skip
BUYER_ID = re.compile(r"b\d{6}")
COUNTDOWN_TALK = ("3、2、1 上链接!", "等秒杀", "waiting for the flash sale", "抢到了吗")
SOLD_OUT_TALK = ("没抢到", "sold out already?", "还能补货吗")


class DealState(SessionState):
    """A session state whose live deals are read from `deals` alone.

    The simulator relies only on `state.deals` and `state.live_deal_for(sku)`;
    deriving the second from the first keeps these tests off the reducer's
    own bookkeeping.
    """

    __slots__ = ()

    def live_deal_for(self, unit_sku: str) -> Deal | None:
        for deal in self.deals.values():
            live = deal.started_at_ms is not None and deal.ended_at_ms is None
            if live and unit_sku in deal.units:
                return deal
        return None


def add_product(state: SessionState, product: Product) -> None:
    state.products[product.sku] = ProductState(product)
    units = product.variants or (product,)
    for u in units:
        state.skus[u.sku] = SkuState(
            u.sku, product.sku, u.title, u.price_minor, u.compare_at_minor, u.stock
        )
    state.queue.append(product.sku)


def make_state(
    *,
    presenting: str | None = "DRESS",
    stock: int = 100_000,
    viewers: int = 0,
    dress_price: int = 12_900,
    dress_compare_at: int | None = 25_900,
) -> SessionState:
    """A three-product queue: a dress in three sizes, a mug and a lamp."""
    state = DealState(session_id="t", currency="CNY", started_at_ms=0)
    sizes = tuple(
        Variant(f"DRESS-{size}", size, dress_price, stock, dress_compare_at) for size in "SML"
    )
    add_product(
        state, Product("DRESS", "碎花连衣裙", dress_price, 0, dress_compare_at, variants=sizes)
    )
    add_product(state, Product("MUG", "Ceramic mug", 4_900, stock))
    add_product(state, Product("LAMP", "护眼台灯", 19_900, stock, 29_900))
    state.presenting = presenting
    state.totals.viewers = viewers
    return state


def run(
    sim: Simulator,
    state: SessionState,
    seconds: float,
    *,
    dt_ms: int = 100,
    start_ms: int = 0,
    apply_orders: bool = False,
) -> list[Event]:
    """Step the simulator, feeding back what a reducer would: viewers and, if asked, stock."""
    events: list[Event] = []
    now = start_ms
    for _ in range(int(seconds * 1000) // dt_ms):
        now += dt_ms
        batch = sim.step(state, now, dt_ms)
        for e in batch:
            if e["kind"] == "viewers":
                state.totals.viewers = e["online"]
            elif e["kind"] == "order" and apply_orders:
                apply_order(state, e)
        events += batch
    return events


def apply_order(state: SessionState, e: Event) -> None:
    """What the reducer and the engine do with an order, asserting that it fits.

    It takes stock; on a live deal it counts the units against the deal and the
    buyer's limit, and the order that takes the last unit ends the deal.
    """
    unit = state.skus[e["sku"]]
    assert e["qty"] <= unit.stock, (e, unit.stock)
    unit.stock -= e["qty"]
    deal = state.live_deal_for(e["sku"])
    if deal is None:
        return
    assert e["qty"] <= deal.left, (e, deal.left)
    bought = deal.buyers.get(e["buyer_id"], 0) + e["qty"]
    assert bought <= deal.per_buyer, (e, bought, deal.per_buyer)
    deal.buyers[e["buyer_id"]] = bought
    deal.sold += e["qty"]
    deal.orders += 1
    if deal.left == 0:
        deal.ended_at_ms, deal.end_reason = e["ts_ms"], "sold_out"


def add_deal(
    state: SessionState,
    sku: str = "DRESS",
    *,
    price: int = 6_900,
    quantity: int = 100_000,
    per_buyer: int = 5,
    starts_at_ms: int = 0,
    countdown_s: int = 0,
    duration_s: int = 600,
    live: bool = True,
) -> Deal:
    """A deal on a product (all its units) or one unit, as `deal_scheduled` makes it."""
    unit = state.skus.get(sku)
    product_sku = unit.product_sku if unit is not None else sku
    units = [unit] if unit is not None else state.skus_of(product_sku)
    deal = Deal(
        len(state.deals) + 1, sku, product_sku, tuple(u.sku for u in units), price,
        min(u.price_minor for u in units), quantity, per_buyer, countdown_s, duration_s,
        starts_at_ms,
    )  # fmt: skip
    state.deals[deal.deal_id] = deal
    if live:
        deal.started_at_ms = deal.live_at_ms
    return deal


def check_wire(e: Event) -> None:
    assert type(e["kind"]) is str
    fields = WIRE[e["kind"]]
    assert set(e) == {"kind", "ts_ms", *fields}, e
    assert type(e["ts_ms"]) is int
    for name, (kind, least) in fields.items():
        assert type(e[name]) is kind, (name, e)
        if kind is int:
            assert e[name] >= least, (name, e)
        else:
            assert e[name], (name, e)
    if e["kind"] == "order":
        assert BUYER_ID.fullmatch(e["buyer_id"]), e


def orders_by_product(state: SessionState, events: list[Event]) -> Counter[str]:
    return Counter(state.skus[e["sku"]].product_sku for e in events if e["kind"] == "order")


def test_same_seed_gives_the_same_events_and_another_seed_differs() -> None:
    first = run(Simulator("mid", seed=7), make_state(viewers=2_000), 30)
    again = run(Simulator("mid", seed=7), make_state(viewers=2_000), 30)
    other = run(Simulator("mid", seed=8), make_state(viewers=2_000), 30)
    assert len(first) > 500
    assert first == again
    assert first != other


@pytest.mark.parametrize(
    ("preset", "low", "high"),
    [("small", 15, 90), ("mid", 1_500, 2_600), ("mega", 220_000, 380_000)],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_online_ramps_up_and_settles_in_the_preset_range(
    preset: str, low: int, high: int, seed: int
) -> None:
    online = [
        e["online"]
        for e in run(Simulator(preset, seed=seed), make_state(), 300)
        if e["kind"] == "viewers"
    ]
    assert len(online) == 300
    assert online[9] < low  # still ramping after 10 s
    assert all(low <= n <= high for n in online[-60:]), (min(online[-60:]), max(online[-60:]))
    assert PRESETS[preset].target_online == pytest.approx(sum(online[-60:]) / 60, rel=0.3)


def test_a_resumed_session_starts_from_the_reported_audience() -> None:
    state = make_state(viewers=2_000)
    state.started_at_ms = -3_600_000
    online = [e["online"] for e in run(Simulator("mid"), state, 5) if e["kind"] == "viewers"]
    assert all(1_700 <= n <= 2_300 for n in online)


def test_viewers_are_reported_once_per_simulated_second_whatever_the_step() -> None:
    for dt_ms in (7, 100, 1_000, 2_500):
        events = run(Simulator("small"), make_state(), 10, dt_ms=dt_ms, start_ms=-300)
        end = -300 + 10_000 // dt_ms * dt_ms
        stamps = [e["ts_ms"] for e in events if e["kind"] == "viewers"]
        assert stamps == list(range(0, end + 1, 1_000))


@pytest.mark.parametrize("dt_ms", [1, 33, 100, 999, 1_000, 4_321])
def test_events_are_sorted_and_inside_the_interval(dt_ms: int) -> None:
    sim = Simulator("mid", seed=3, rate=5_000)
    state = make_state(viewers=2_000)
    now = 1_700_000_000_123
    for _ in range(5):
        now += dt_ms
        batch = sim.step(state, now, dt_ms)
        stamps = [e["ts_ms"] for e in batch]
        assert stamps == sorted(stamps)
        assert all(now - dt_ms < t <= now for t in stamps)
        for e in batch:
            check_wire(e)


def test_a_zero_step_is_empty_and_a_negative_one_is_refused() -> None:
    sim = Simulator("mid")
    assert sim.step(make_state(viewers=2_000), 1_000, 0) == []
    with pytest.raises(ValueError, match="dt_ms"):
        sim.step(make_state(), 1_000, -1)


def test_step_only_reads_the_state() -> None:
    state = make_state(viewers=2_000, stock=3)
    before = state.copy()
    Simulator("mid", rate=50_000).step(state, 2_000, 2_000)
    assert state == before


def test_orders_name_orderable_units_and_never_exceed_stock() -> None:
    state = make_state(stock=4, viewers=2_000)
    orderable = {s.sku for p in state.queue for s in state.skus_of(p)}
    sim = Simulator("mid", seed=5, rate=20_000)
    for step in range(40):
        start = {sku: s.stock for sku, s in state.skus.items()}
        batch = sim.step(state, (step + 1) * 500, 500)
        ordered: Counter[str] = Counter()
        for e in batch:
            if e["kind"] == "order":
                assert e["sku"] in orderable
                ordered[e["sku"]] += e["qty"]
        assert all(ordered[sku] <= start[sku] for sku in ordered), (ordered, start)
        for sku, qty in ordered.items():
            state.skus[sku].stock -= qty
    assert all(s.stock == 0 for s in state.skus.values())  # it sold out, and no further
    ids = [e["order_id"] for e in run(sim, state, 5) if e["kind"] == "order"]
    assert ids == []


def test_order_ids_are_unique_and_name_the_seed() -> None:
    events = run(Simulator("mid", seed=42, rate=10_000), make_state(viewers=2_000), 5)
    ids = [e["order_id"] for e in events if e["kind"] == "order"]
    assert len(ids) > 50
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("S42-") for i in ids)


def test_the_presenting_product_gets_most_orders_and_the_queue_a_trickle() -> None:
    state = make_state(presenting="MUG", viewers=2_000)
    by_product = orders_by_product(state, run(Simulator("mid", seed=1), state, 600))
    assert by_product["MUG"] > 5 * (by_product["DRESS"] + by_product["LAMP"])
    assert by_product["DRESS"] + by_product["LAMP"] > 0


def test_nothing_presented_means_few_orders() -> None:
    presented = make_state(viewers=2_000)
    idle = make_state(presenting=None, viewers=2_000)
    with_product = sum(orders_by_product(presented, run(Simulator("mid"), presented, 300)).values())
    without = sum(orders_by_product(idle, run(Simulator("mid"), idle, 300)).values())
    assert with_product > 100
    assert without < with_product / 10


def count_dress_orders(price: int, compare_at: int | None) -> int:
    state = make_state(viewers=2_000, dress_price=price, dress_compare_at=compare_at)
    return orders_by_product(state, run(Simulator("mid", seed=2), state, 600))["DRESS"]


def test_a_deeper_discount_sells_more() -> None:
    full_price = count_dress_orders(12_900, None)
    half_price = count_dress_orders(12_900, 25_800)
    assert half_price > 2 * full_price > 0


def test_a_higher_price_sells_less() -> None:
    cheap = count_dress_orders(5_900, None)
    dear = count_dress_orders(59_900, None)
    assert cheap > 2 * dear > 0


@pytest.mark.parametrize(
    ("preset", "rate"),
    [("small", 50.0), ("mid", 20_000.0), ("mega", 200_000.0), ("small", 100_000.0)],
)
def test_rate_overrides_the_total_and_keeps_the_mix(preset: str, rate: float) -> None:
    seconds = max(2.0, 3_000 / rate)
    events = run(Simulator(preset, seed=9, rate=rate), make_state(), seconds)
    assert len(events) / seconds == pytest.approx(rate, rel=0.1)
    kinds = Counter(e["kind"] for e in events)
    assert kinds["like"] > kinds["comment"] > kinds["follow"] > 0


@pytest.mark.parametrize("preset", ["", "large", "MID"])
def test_an_unknown_preset_is_refused(preset: str) -> None:
    with pytest.raises(ValueError, match="unknown simulator preset"):
        Simulator(preset)


@pytest.mark.parametrize("rate", [0.0, -5.0, math.nan, math.inf])
def test_a_rate_that_is_not_positive_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="rate must be a positive"):
        Simulator("mid", rate=rate)


def test_comments_mix_chinese_and_english_questions_and_the_product() -> None:
    events = run(Simulator("mid", seed=4), make_state(viewers=2_000), 120)
    texts = Counter(e["text"] for e in events if e["kind"] == "comment")
    for question in ("多少钱", "有链接吗", "什么时候发货", "还有货吗", "what size?", "how much?"):
        assert texts[question] > 0, question
    mentions = sum(n for text, n in texts.items() if "碎花连衣裙" in text)
    assert 0.03 < mentions / sum(texts.values()) < 0.3
    users = {e["user"] for e in events if e["kind"] == "comment"}
    assert any("\u4e00" <= u[0] <= "\u9fff" for u in users)
    assert any(u[0].isascii() and u[0].isalpha() for u in users)


def test_likes_come_in_bursts_and_gifts_carry_value() -> None:
    events = run(Simulator("mid", seed=6), make_state(viewers=2_000), 120)
    likes = [e["count"] for e in events if e["kind"] == "like"]
    assert max(likes) >= 50
    assert sum(likes) > 5 * len(likes)
    assert sum(e["value_minor"] for e in events if e["kind"] == "gift") > 0


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    preset=st.sampled_from(sorted(PRESETS)),
    rate=st.none() | st.floats(1.0, 20_000.0),
    dt_ms=st.integers(1, 2_000),
    start_ms=st.integers(-(10**6), 10**13),
    stocks=st.lists(st.integers(0, 5), min_size=5, max_size=5),
    presenting=st.sampled_from(["DRESS", "MUG", "LAMP", None]),
    viewers=st.integers(0, 400_000),
)
def test_every_event_matches_the_wire_format_and_no_order_exceeds_stock(
    seed: int,
    preset: str,
    rate: float | None,
    dt_ms: int,
    start_ms: int,
    stocks: list[int],
    presenting: str | None,
    viewers: int,
) -> None:
    state = make_state(presenting=presenting, viewers=viewers)
    for sku_state, stock in zip(state.skus.values(), stocks, strict=True):
        sku_state.stock = stock
    orderable = {s.sku for p in state.queue for s in state.skus_of(p)}
    sim = Simulator(preset, seed=seed, rate=rate)
    now = start_ms
    for _ in range(3):
        now += dt_ms
        batch = sim.step(state, now, dt_ms)
        assert [e["ts_ms"] for e in batch] == sorted(e["ts_ms"] for e in batch)
        for e in batch:
            check_wire(e)
            assert now - dt_ms < e["ts_ms"] <= now
            if e["kind"] == "order":
                assert e["sku"] in orderable
                state.skus[e["sku"]].stock -= e["qty"]
                assert state.skus[e["sku"]].stock >= 0
            elif e["kind"] == "viewers":
                state.totals.viewers = e["online"]


# -- buyers and flash deals ---------------------------------------------------------------


def deal_units_ordered(deal: Deal, events: list[Event]) -> int:
    return sum(e["qty"] for e in events if e["kind"] == "order" and e["sku"] in deal.units)


def comments_of(events: list[Event]) -> Counter[str]:
    return Counter(e["text"] for e in events if e["kind"] == "comment")


def test_a_buyer_id_always_shows_the_same_name_and_regulars_come_back() -> None:
    names: dict[str, str] = {}
    ids: Counter[str] = Counter()
    for seed in (1, 2):
        events = run(Simulator("small", seed=seed, rate=2_000), make_state(), 60)
        for e in events:
            if e["kind"] == "order":
                assert names.setdefault(e["buyer_id"], e["buyer"]) == e["buyer"], e
                ids[e["buyer_id"]] += 1
    assert sum(ids.values()) > 1_000
    assert len(ids) <= MIN_BUYERS  # a pool sized to the (small) audience...
    assert ids.most_common(1)[0][1] > 1  # ...so the same people buy again


def test_buyer_ids_come_from_a_pool_sized_to_the_audience() -> None:
    def distinct(preset: str) -> int:
        events = run(Simulator(preset, seed=3, rate=20_000), make_state(), 20)
        return len({e["buyer_id"] for e in events if e["kind"] == "order"})

    assert distinct("small") <= MIN_BUYERS < distinct("mid") <= 2 * PRESETS["mid"].target_online
    assert distinct("mega") > 2 * PRESETS["mid"].target_online


@pytest.mark.parametrize("sku", ["DRESS", "DRESS-M"])
def test_a_live_deal_brings_a_surge_of_orders_on_its_units(sku: str) -> None:
    state = make_state(viewers=2_000)
    sim = Simulator("mid", seed=11)
    before = run(sim, state, 60, apply_orders=True)
    deal = add_deal(state, sku, starts_at_ms=60_000, per_buyer=5)
    during = run(sim, state, 30, start_ms=60_000, apply_orders=True)
    # Units per second: about 7 times as many in the first 30 s (surge and deal price).
    assert deal_units_ordered(deal, during) / 30 > 4 * deal_units_ordered(deal, before) / 60 > 0
    assert deal.sold == deal_units_ordered(deal, during)  # every order on its units counted
    if sku == "DRESS-M":  # the sizes not on the deal still sell
        assert any(e["sku"] in ("DRESS-S", "DRESS-L") for e in during if e["kind"] == "order")


def test_the_surge_fades_after_the_start_and_returns_near_the_end() -> None:
    state = make_state(viewers=2_000)
    deal = add_deal(state, duration_s=120, per_buyer=10)
    events = run(Simulator("mid", seed=12), state, 120, apply_orders=True)

    def per_s(start_s: int, end_s: int) -> float:
        window = [e for e in events if start_s * 1000 < e["ts_ms"] <= end_s * 1000]
        return deal_units_ordered(deal, window) / (end_s - start_s)

    first, middle, last = per_s(0, 10), per_s(40, 100), per_s(106, 120)
    assert first > 3 * middle > 0
    assert last > 2 * middle


@pytest.mark.parametrize(("per_buyer", "dt_ms"), [(1, 100), (2, 100), (3, 2_500)])
def test_no_buyer_passes_the_per_buyer_limit(per_buyer: int, dt_ms: int) -> None:
    # A small room: a hundred buyers at most, so they run into the limit.
    state = make_state()
    deal = add_deal(state, per_buyer=per_buyer)
    events = run(Simulator("small", seed=5, rate=5_000), state, 60, dt_ms=dt_ms, apply_orders=True)
    assert deal.buyers and max(deal.buyers.values()) <= per_buyer  # apply_order checks each
    assert sum(deal.buyers.values()) == deal.sold == deal_units_ordered(deal, events)
    # Nearly every buyer in the pool reached the limit; orders on the deal then dried up.
    assert deal.sold > 0.9 * MIN_BUYERS * per_buyer
    late = [e for e in events if e["ts_ms"] > 50_000]
    assert deal_units_ordered(deal, late) < deal_units_ordered(deal, events) / 10


@pytest.mark.parametrize("dt_ms", [100, 1_000, 5_000])
def test_orders_never_pass_what_the_deal_has_left(dt_ms: int) -> None:
    state = make_state(viewers=2_000)
    deal = add_deal(state, "DRESS-M", quantity=40, per_buyer=3)
    sim = Simulator("mid", seed=6, rate=20_000)
    now = 0
    while deal.ended_at_ms is None:
        assert now < 60_000, "the deal should have sold out"
        left = deal.left
        now += dt_ms
        batch = sim.step(state, now, dt_ms)
        assert deal_units_ordered(deal, batch) <= left
        for e in batch:
            if e["kind"] == "order":
                apply_order(state, e)
    assert (deal.sold, deal.end_reason) == (40, "sold_out")
    # After the sell-out the unit sells again at the regular price.
    after = run(sim, state, 5, start_ms=now, apply_orders=True)
    assert any(e["sku"] == "DRESS-M" for e in after if e["kind"] == "order")


def test_deal_orders_never_pass_the_units_stock() -> None:
    state = make_state(viewers=2_000, stock=3)  # stock cut below the deal's quantity
    deal = add_deal(state, quantity=500, per_buyer=2)
    events = run(Simulator("mid", seed=8, rate=20_000), state, 10, apply_orders=True)
    assert deal_units_ordered(deal, events) == deal.sold == 9
    assert all(state.skus[u].stock == 0 for u in deal.units)


def test_a_countdown_pauses_the_products_orders_and_the_chat_counts_down() -> None:
    state = make_state(viewers=2_000)
    sim = Simulator("mid", seed=9)
    deal = add_deal(state, "DRESS-S", starts_at_ms=30_000, countdown_s=30, live=False)
    # Scheduled, not yet counting down: business as usual. (The step that ends at
    # 30 s is the countdown's first, as a step ending at a deal's start is live.)
    before = run(sim, state, 29.9)
    countdown = run(sim, state, 30.1, start_ms=29_900)
    deal.started_at_ms = deal.live_at_ms
    live = run(sim, state, 30, start_ms=60_000, apply_orders=True)

    dress = {"DRESS-S", "DRESS-M", "DRESS-L"}
    ordered = [
        Counter(e["sku"] in dress for e in part if e["kind"] == "order")
        for part in (before, countdown, live)
    ]
    assert ordered[0][True] > 10
    assert ordered[1][True] == 0  # the whole dress waits, not only the size on the deal
    assert ordered[2][True] > ordered[0][True]
    talk = [sum(comments_of(part)[t] for t in COUNTDOWN_TALK) for part in (before, countdown)]
    assert talk[0] == 0
    assert talk[1] > 0.1 * comments_of(countdown).total()  # these four: ~20%; all the talk: ~50%
    for line in COUNTDOWN_TALK:
        assert comments_of(countdown)[line] > 0, line
    assert comments_of(countdown).total() > 2 * comments_of(before).total()


def test_after_a_sell_out_the_chat_says_so_for_a_while() -> None:
    state = make_state(viewers=2_000)
    sim = Simulator("mid", seed=10)
    before = run(sim, state, 20)
    deal = add_deal(state, quantity=30, per_buyer=1, starts_at_ms=20_000)
    now = 20_000
    while deal.ended_at_ms is None:
        run(sim, state, 1, start_ms=now, apply_orders=True)
        now += 1_000
        assert now < 80_000, "the deal should have sold out"
    talk_s = int(SOLD_OUT_TALK_S)
    after = run(sim, state, talk_s - 5, start_ms=now)
    later = run(sim, state, 30, start_ms=now + (talk_s - 5) * 1000 + 10_000)
    for part, expected in ((before, False), (after, True), (later, False)):
        texts = comments_of(part)
        assert all((texts[line] > 0) is expected for line in SOLD_OUT_TALK), (expected, texts)


def deal_show(seed: int) -> list[Event]:
    """Scheduled, a countdown, live until it sells out, and after: every deal path."""
    state = make_state(viewers=2_000)
    sim = Simulator("mid", seed=seed, rate=3_000)
    deal = add_deal(state, "DRESS-M", starts_at_ms=10_000, countdown_s=10, live=False,
                    quantity=60, per_buyer=2)  # fmt: skip
    events = run(sim, state, 20, apply_orders=True)
    deal.started_at_ms = deal.live_at_ms
    events += run(sim, state, 40, start_ms=20_000, apply_orders=True)
    assert deal.end_reason == "sold_out"
    return events


def test_the_same_seed_replays_a_deal_exactly() -> None:
    first, again, other = deal_show(21), deal_show(21), deal_show(22)
    assert first == again
    assert first != other
    for e in first:
        check_wire(e)


def test_step_only_reads_the_state_during_deals() -> None:
    state = make_state(viewers=2_000, stock=3)
    add_deal(state, "DRESS-M", quantity=3, per_buyer=1)
    state.deals[1].buyers["b000001"] = 1
    add_deal(state, "LAMP", starts_at_ms=1_000, countdown_s=10, live=False)
    before = state.copy()
    Simulator("mid", rate=50_000).step(state, 2_000, 2_000)
    assert state == before


def test_a_countdown_pauses_only_the_deals_product() -> None:
    state = make_state(viewers=2_000)
    add_deal(state, "DRESS", starts_at_ms=0, countdown_s=60, live=False)
    events = run(Simulator("mid", seed=13, rate=2_000), state, 30)  # many orders: the trickle
    ordered = orders_by_product(state, events)
    assert ordered["DRESS"] == 0
    assert ordered["MUG"] > 0 and ordered["LAMP"] > 0


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    preset=st.sampled_from(sorted(PRESETS)),
    rate=st.none() | st.floats(100.0, 20_000.0),
    dt_ms=st.integers(1, 3_000),
    deal_sku=st.sampled_from(["DRESS", "DRESS-M", "MUG", "LAMP"]),
    quantity=st.integers(1, 60),
    per_buyer=st.integers(1, 4),
    bought=st.lists(st.integers(0, 4), max_size=30),
    stocks=st.lists(st.integers(0, 30), min_size=5, max_size=5),
    presenting=st.sampled_from(["DRESS", "MUG", "LAMP", None]),
    since_s=st.integers(0, 600),
)
def test_deal_orders_keep_the_stock_the_quantity_and_every_buyers_limit(
    seed: int,
    preset: str,
    rate: float | None,
    dt_ms: int,
    deal_sku: str,
    quantity: int,
    per_buyer: int,
    bought: list[int],
    stocks: list[int],
    presenting: str | None,
    since_s: int,
) -> None:
    state = make_state(presenting=presenting, viewers=PRESETS[preset].target_online)
    for sku_state, stock in zip(state.skus.values(), stocks, strict=True):
        sku_state.stock = stock
    deal = add_deal(state, deal_sku, quantity=quantity, per_buyer=per_buyer, duration_s=600)
    # Buyers who already bought, some of them up to the limit (the pool starts at b000000).
    for i, n in enumerate(bought):
        if n and deal.left:
            n = min(n, per_buyer, deal.left)
            deal.buyers[f"b{i:06d}"] = n
            deal.sold += n
    if deal.left == 0:
        deal.ended_at_ms, deal.end_reason = 0, "sold_out"
    sim = Simulator(preset, seed=seed, rate=rate)
    now = since_s * 1000
    for _ in range(4):
        now += dt_ms
        for e in sim.step(state, now, dt_ms):
            check_wire(e)
            if e["kind"] == "order":
                apply_order(state, e)  # asserts stock, deal quantity and the buyer's limit
            elif e["kind"] == "viewers":
                state.totals.viewers = e["online"]
    assert deal.sold <= deal.quantity
    assert all(n <= per_buyer for n in deal.buyers.values())
