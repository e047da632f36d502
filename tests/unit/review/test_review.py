"""The review's figures: exact on a scripted session, adding up on any simulated one."""

from __future__ import annotations

import contextlib
from contextlib import closing
from dataclasses import replace
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.clock import VirtualClock
from console.domain.reducer import fold
from console.domain.script import ScriptError, parse_script
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.simulator import Simulator
from console.review.kpis import compare
from console.review.review import Review, build_review, review_json
from console.store.reader import iter_events, load_state
from console.store.session_file import open_session
from tests.support import START_MS, small_catalog
from tests.unit.review.conftest import MARKER, review_of


def test_products_scripted_session(scripted_review: Review) -> None:
    by_sku = {p.sku: p for p in scripted_review.products}
    mask, tea = by_sku["MASK"], by_sku["TEA"]
    # MASK: 5 units at 59.90 before the deal, 3 at 39.90 in it, 1 at 59.90 after; on screen 0-120 s.
    assert (mask.orders, mask.units, mask.gmv_minor) == (8, 9, 5 * 5990 + 3 * 3990 + 5990)
    assert (mask.presented_ms, mask.orders_while_presenting) == (120_000, 8)
    assert mask.gmv_while_presenting_minor == mask.gmv_minor
    assert mask.presenting_share == 1.0
    assert mask.gmv_per_min_presenting_minor == 47910 // 2
    # TEA: 1 bought while MASK was on screen, 2 while TEA was (120-240 s).
    assert (tea.orders, tea.units, tea.gmv_minor) == (2, 3, 3 * 12900)
    assert (tea.orders_while_presenting, tea.gmv_while_presenting_minor) == (1, 2 * 12900)
    assert tea.presenting_share == pytest.approx(2 / 3)
    assert tea.gmv_per_min_presenting_minor == 12900
    assert by_sku["TEE"].gmv_per_min_presenting_minor is None
    assert by_sku["TEE"].presenting_share is None


def test_deal_scripted_session(scripted_review: Review) -> None:
    (deal,) = scripted_review.deals
    assert deal.started_at_ms == START_MS + 60_000
    assert (deal.sold, deal.orders, deal.gmv_minor, deal.end_reason) == (3, 3, 11970, "sold_out")
    assert deal.live_ms == deal.sell_out_ms == 15_000  # the last unit went at 75 s
    # Before: the 15 s before it went live (45-60 s) held one MASK order, at 50 s.
    assert (deal.before_ms, deal.orders_before, deal.orders_during) == (15_000, 1, 3)
    assert (deal.orders_per_min_before, deal.orders_per_min_during) == (4.0, 12.0)


def test_attribution_and_peaks_scripted_session(scripted_review: Review) -> None:
    r = scripted_review
    assert r.gmv_minor == 86610
    assert (r.gmv_in_deals_minor, r.gmv_outside_deals_minor) == (11970, 86610 - 11970)
    assert r.gmv_while_presenting_minor == 86610 - 12900
    assert [m.gmv_minor for m in r.minutes] == [42850, 17960, 25800, 0]
    assert [m.presenting for m in r.minutes] == [("MASK",), ("MASK",), ("TEA",), ("TEA",)]
    assert [m.deals for m in r.minutes] == [(), (r.deals[0].deal_id,), (), ()]
    gmv_peaks = [(p.minute.index, p.value) for p in r.peaks if p.metric == "gmv_minor"]
    assert gmv_peaks == [(0, 42850), (2, 25800), (1, 17960)]
    viewer_peaks = [(p.minute.index, p.value) for p in r.peaks if p.metric == "viewers"]
    assert viewer_peaks == [(1, 300), (2, 300), (3, 200)]  # ties: the earlier minute first
    assert [(m.ts_ms - START_MS, m.text) for m in r.markers] == [(180_000, MARKER)]


def test_json_shape(scripted_review: Review) -> None:
    data = review_json(scripted_review)
    assert {"session", "products", "deals", "peaks"} <= set(data)
    assert data["session"]["gmv_minor"] == 86610
    for p in data["products"]:
        assert {"sku", "title", "presented_s", "orders", "units", "gmv_minor",
                "gmv_while_presenting_minor"} <= set(p)  # fmt: skip
    assert data["deals"][0]["time_to_sell_out_s"] == 15.0
    assert data["integrity"]["intact"] is True
    att = data["attribution"]
    assert att["gmv_in_deals_minor"] + att["gmv_outside_deals_minor"] == att["gmv_minor"]
    assert data["comparison"] == {"sessions": 0, "kpis": data["comparison"]["kpis"]}


def test_comparison_with_previous_sessions(scripted: Path, scripted_review: Review) -> None:
    base = scripted_review.summary
    previous = [
        {**base, "session_id": "a", "gmv_minor": 50_000, "orders": 4},
        {**base, "session_id": "b", "gmv_minor": 100_001, "orders": 20},
        {**base, "session_id": "c", "currency": "USD", "gmv_minor": 10**9},  # other currency
        {**base, "gmv_minor": 10**9},  # the session itself
    ]
    by_key = {c.key: c for c in review_of(scripted, previous).comparison}
    gmv = by_key["gmv_minor"]
    assert (gmv.value, gmv.average, gmv.rank, gmv.of) == (86610, 75000, 2, 3)
    assert gmv.difference == 11610 and isinstance(gmv.average, int)  # money stays integer
    orders = by_key["orders"]
    assert (orders.average, orders.rank, orders.change) == (12.0, 2, pytest.approx(-1 / 6))
    assert compare(base, [])[0].average is None


def test_deal_still_live_when_the_log_stops_counts_to_the_last_event(scripted: Path) -> None:
    """An interrupted recording: the deal has no end, so it runs to the log's last event."""
    meta, full = load_state(scripted)
    conn, _ = open_session(scripted)
    with closing(conn):
        events = list(iter_events(conn, scripted))
    cut = next(
        i for i, e in enumerate(events) if e.ts_ms == START_MS + 70_000 and e.kind == "order"
    )
    prefix = events[: cut + 1]
    r = build_review(meta, fold(prefix), iter(prefix), previous=[])
    (deal,) = r.deals
    assert (deal.ended_at_ms, deal.end_reason, deal.sell_out_ms) == (None, None, None)
    assert (deal.live_ms, deal.orders_during, deal.orders_before) == (10_000, 2, 1)
    assert r.end_ms == START_MS + 70_000
    assert sum(m.gmv_minor for m in r.minutes) == r.gmv_minor
    assert full.totals.gmv_minor > r.gmv_minor


def test_review_reads_events_once_as_a_stream(scripted: Path) -> None:
    """The log is consumed as an iterator: nothing needs it twice or held whole."""
    meta, state = load_state(scripted)
    conn, _ = open_session(scripted)
    with closing(conn):
        stream = iter_events(conn, scripted, batch=7)
        build_review(meta, state, stream, previous=[])
        assert list(islice(stream, 1)) == []


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 200), st.sampled_from(["MASK", "TEA", "TEE"])), max_size=5),
    st.lists(
        st.tuples(
            st.integers(0, 200),
            st.sampled_from(["MASK", "TEA", "TEE-S", "TEE"]),
            st.integers(1, 20),
            st.sampled_from([0, 10]),
            st.integers(60, 120),
        ),
        max_size=3,
    ),
    st.integers(0, 10_000),
)
def test_attribution_adds_up_on_simulated_sessions(
    tmp_path_factory: pytest.TempPathFactory,
    switches: list[tuple[int, str]],
    deals: list[tuple[int, str, int, int, int]],
    seed: int,
) -> None:
    path = tmp_path_factory.mktemp("h") / "h.live.db"
    clock = VirtualClock(START_MS)
    # Stock enough that the audience never empties a product before a deal on it.
    catalog = [replace(p, stock=5000, variants=tuple(replace(v, stock=5000) for v in p.variants))
               for p in small_catalog()]  # fmt: skip
    session = LiveSession.start(path, title="H", catalog=catalog, clock=clock)
    raw = [{"at": 0, "action": "present", "sku": "MASK"}]
    raw += [{"at": at, "action": "present", "sku": sku} for at, sku in switches]
    raw += [
        {"at": at, "action": "deal", "sku": sku, "percent_off": 30, "quantity": q, "per_buyer": 2,
         "countdown_s": c, "duration_s": d}
        for at, sku, q, c, d in deals
    ]  # fmt: skip
    actions = parse_script(raw, {"MASK", "TEA", "TEE", "TEE-S", "TEE-M"})
    # A deal the session refuses (an overlap) stops the run early; what ran must add up.
    with contextlib.suppress(ScriptError):
        run_virtual(session, clock, Simulator("mid", seed, rate=150), source="sim",
                    duration_ms=240_000, actions=actions)  # fmt: skip
    session.close()
    r = review_of(path)
    total = r.gmv_minor
    assert total == sum(p.gmv_minor for p in r.products) == r.summary["gmv_minor"]
    assert r.gmv_in_deals_minor + r.gmv_outside_deals_minor == total
    assert r.gmv_in_deals_minor == sum(d.gmv_minor for d in r.deals)
    assert sum(m.gmv_minor for m in r.minutes) == total
    assert sum(m.orders for m in r.minutes) == r.summary["orders"]
    assert sum(p.presented_ms for p in r.products) <= r.end_ms - r.started_at_ms
    for p in r.products:
        assert p.gmv_while_presenting_minor <= p.gmv_minor
        assert p.orders_while_presenting <= p.orders
        assert (p.orders_while_presenting == 0) == (p.gmv_while_presenting_minor == 0)
    for d in r.deals:
        assert d.orders <= d.orders_during  # the deal's orders are orders on its product
        assert 0 <= d.before_ms <= d.live_ms
    best = max(m.gmv_minor for m in r.minutes)
    assert [p.value for p in r.peaks if p.metric == "gmv_minor"][:1] == ([best] if best else [])
