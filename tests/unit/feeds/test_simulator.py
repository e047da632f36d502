"""The built-in simulator: wire format, determinism, audience size, orders and rate."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.catalog import Product, Variant
from console.domain.state import ProductState, SessionState, SkuState
from console.feeds.simulator import PRESETS, Simulator

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
    "order": {"order_id": (str, 0), "buyer": (str, 0), "sku": (str, 0), "qty": (int, 1)},
}


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
    state = SessionState(session_id="t", currency="CNY", started_at_ms=0)
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
                state.skus[e["sku"]].stock -= e["qty"]
        events += batch
    return events


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
