"""The reducer on its own: no store, no engine, no Qt."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.events import Event
from console.domain.reducer import admit, apply, fold
from console.domain.state import SessionState
from tests.support import START_MS, small_catalog


class Log:
    """Feeds raw events through admit+apply, keeping what was accepted."""

    def __init__(self) -> None:
        self.state = SessionState()
        self.events: list[Event] = []
        self.now = START_MS

    def send(self, raw: dict[str, Any], source: str = "sim") -> Event | str:
        ev = admit(self.state, {"ts_ms": self.now, **raw}, source, self.now)
        if isinstance(ev, Event):
            apply(self.state, ev)
            self.events.append(ev)
        return ev

    def ok(self, raw: dict[str, Any]) -> Event:
        ev = self.send(raw)
        assert isinstance(ev, Event), ev
        return ev

    def refused(self, raw: dict[str, Any]) -> str:
        reason = self.send(raw)
        assert isinstance(reason, str), reason
        return reason


def started() -> Log:
    log = Log()
    log.ok(
        {
            "kind": "session_started",
            "session_id": "s",
            "title": "T",
            "currency": "CNY",
            "app_version": "0",
        }
    )
    for p in small_catalog():
        log.ok({"kind": "product_added", "product": p.to_dict()})
    return log


def order(sku: str, qty: int = 1, n: int = 0) -> dict[str, Any]:
    return {"kind": "order", "order_id": f"o{n}", "buyer": "b", "sku": sku, "qty": qty}


def test_orders_count_gmv_stock_and_attribution() -> None:
    log = started()
    log.ok({"kind": "product_presented", "sku": "MASK"})
    log.ok(order("MASK", 2))
    log.ok(order("TEA", 1))
    log.now += 1500
    log.ok({"kind": "enter", "count": 10})
    s = log.state
    assert s.totals.orders == 2
    assert s.totals.gmv_minor == 2 * 5990 + 12900
    assert s.skus["MASK"].stock == 98
    mask, tea = s.products["MASK"], s.products["TEA"]
    assert (mask.units_while_presenting, mask.gmv_while_presenting_minor) == (2, 11980)
    assert (tea.units, tea.units_while_presenting) == (1, 0)
    assert s.totals.aov_minor == (11980 + 12900) // 2
    assert s.totals.conversion == pytest.approx(0.2)
    assert s.totals.gpm_minor == (11980 + 12900) * 1000 // 10
    assert s.buckets[0].orders == 2
    assert s.buckets[1].entries == 10


def test_order_price_is_the_current_price() -> None:
    log = started()
    log.ok({"kind": "price_changed", "sku": "MASK", "price_minor": 4990})
    assert log.ok(order("MASK")).data["price_minor"] == 4990
    assert log.state.totals.gmv_minor == 4990


def test_variants_are_ordered_by_their_own_sku() -> None:
    log = started()
    assert "variants" in log.refused(order("TEE"))
    log.ok(order("TEE-M", 3))
    assert log.state.skus["TEE-M"].stock == 17
    assert log.state.products["TEE"].gmv_minor == 3 * 10900
    assert log.state.stock_of("TEE") == 27
    assert log.state.price_of("TEE") == 9900
    log.ok({"kind": "price_changed", "sku": "TEE", "price_minor": 8800})  # all variants at once
    assert {u.price_minor for u in log.state.skus_of("TEE")} == {8800}
    assert "variant" in log.refused({"kind": "stock_changed", "sku": "TEE", "stock": 5})


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (order("NOPE"), "unknown SKU"),
        (order("TEA", 51), "exceeds stock 50"),
        ({"kind": "product_presented", "sku": "NOPE"}, "not in the queue"),
        ({"kind": "price_changed", "sku": "NOPE", "price_minor": 1}, "unknown product"),
        ({"kind": "queue_reordered", "queue": ["TEA", "MASK"]}, "exactly the products"),
        (
            {"kind": "product_added", "product": small_catalog()[0].to_dict()},
            "already in the session",
        ),
        (
            {
                "kind": "product_added",
                "product": {"sku": "X", "title": "", "price_minor": 1, "stock": 1},
            },
            "title is empty",
        ),
        (
            {
                "kind": "product_added",
                "product": {"sku": "TEE-S", "title": "x", "price_minor": 1, "stock": 1},
            },
            "already used",
        ),
        ({"kind": "product_removed", "sku": "NOPE"}, "unknown product"),
        ({"kind": "like", "ts_ms": START_MS - 3_600_000}, "before the session started"),
        ({"kind": "like", "ts_ms": START_MS + 3_600_000}, "in the future"),
        (
            {
                "kind": "session_started",
                "session_id": "x",
                "title": "t",
                "currency": "CNY",
                "app_version": "0",
            },
            "already started",
        ),
    ],
)
def test_semantic_rejections_change_nothing(raw: dict[str, Any], needle: str) -> None:
    log = started()
    before = log.state.copy()
    assert needle in log.refused(raw)
    assert log.state == before


def test_events_before_start_and_after_end_are_refused() -> None:
    assert "not started" in Log().refused({"kind": "like"})
    log = started()
    log.ok({"kind": "session_ended", "reason": "operator"})
    assert "ended" in log.refused({"kind": "like"})


def test_presenting_time_and_queue_operations() -> None:
    log = started()
    log.ok({"kind": "product_presented", "sku": "MASK"})
    log.now += 10_000
    log.ok({"kind": "product_presented", "sku": "TEA"})
    log.now += 5_000
    log.ok({"kind": "queue_reordered", "queue": ["TEE", "TEA", "MASK"]})
    log.ok({"kind": "product_removed", "sku": "TEA"})
    s = log.state
    assert s.presenting is None
    assert s.queue == ["TEE", "MASK"]
    assert s.products["MASK"].presented_ms == 10_000
    assert s.products["TEA"].presented_ms == 5_000
    assert "removed" in log.refused(order("TEA"))
    readd = small_catalog()[1].to_dict() | {"stock": 7}
    log.ok({"kind": "product_added", "product": readd})
    assert s.queue == ["TEE", "MASK", "TEA"]
    assert s.skus["TEA"].stock == 7


def test_product_update_keeps_sales() -> None:
    log = started()
    log.ok(order("MASK", 4))
    updated = small_catalog()[0].to_dict() | {"title": "New title", "stock": 500}
    log.ok({"kind": "product_updated", "product": updated})
    p = log.state.products["MASK"]
    assert (
        p.product.title,
        p.units,
        log.state.skus["MASK"].units,
        log.state.skus["MASK"].stock,
    ) == ("New title", 4, 4, 500)


def test_viewers_peak_and_markers() -> None:
    log = started()
    for n in (100, 250, 180):
        log.ok({"kind": "viewers", "online": n})
    log.ok({"kind": "marker", "text": "giveaway"})
    assert (log.state.totals.viewers, log.state.totals.peak_viewers) == (180, 250)
    assert log.state.markers[0].text == "giveaway"


# -- properties over random sessions ---------------------------------------------------------

SKUS = ["MASK", "TEA", "TEE", "TEE-S", "TEE-M", "NOPE"]
raw_events = st.one_of(
    st.builds(lambda s, q: order(s, q), st.sampled_from(SKUS), st.integers(-2, 40)),
    st.builds(lambda n: {"kind": "like", "count": n}, st.integers(0, 50)),
    st.builds(lambda n: {"kind": "enter", "count": n}, st.integers(1, 50)),
    st.builds(lambda n: {"kind": "viewers", "online": n}, st.integers(-1, 10_000)),
    st.builds(lambda u: {"kind": "comment", "user": u, "text": "多少钱"}, st.text(max_size=5)),
    st.builds(lambda s: {"kind": "product_presented", "sku": s}, st.sampled_from([*SKUS, None])),
    st.builds(
        lambda s, p: {"kind": "price_changed", "sku": s, "price_minor": p},
        st.sampled_from(SKUS),
        st.integers(-1, 20_000),
    ),
    st.builds(
        lambda s, n: {"kind": "stock_changed", "sku": s, "stock": n},
        st.sampled_from(SKUS),
        st.integers(-1, 60),
    ),
    st.builds(lambda s: {"kind": "product_removed", "sku": s}, st.sampled_from(SKUS)),
    st.just({"kind": "teleport"}),
)
steps = st.lists(st.tuples(raw_events, st.integers(0, 3000)), max_size=80)


@settings(max_examples=150, deadline=None)
@given(steps)
def test_random_sessions_keep_the_books_balanced(script: list[tuple[dict[str, Any], int]]) -> None:
    log = started()
    for raw, dt in script:
        log.now += dt
        log.send(raw)
    s = log.state
    t = s.totals
    assert t.gmv_minor == sum(p.gmv_minor for p in s.products.values())
    assert t.gmv_minor == sum(b.gmv_minor for b in s.buckets)
    assert t.gmv_minor == sum(u.gmv_minor for u in s.skus.values())
    assert t.units == sum(b.units for b in s.buckets) == sum(p.units for p in s.products.values())
    assert t.events == len(log.events) == sum(b.events for b in s.buckets)
    assert all(u.stock >= 0 for u in s.skus.values())
    assert all(p.gmv_while_presenting_minor <= p.gmv_minor for p in s.products.values())
    assert [e.seq for e in log.events] == list(range(1, len(log.events) + 1))
    # Replaying the accepted log gives the same state: replay shows what live showed.
    assert fold(log.events) == s
