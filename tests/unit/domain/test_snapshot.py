"""Snapshots: a state survives JSON exactly, and a damaged snapshot is refused, never trusted."""

from __future__ import annotations

import copy
import json
from dataclasses import fields
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.deals import Deal
from console.domain.events import Event
from console.domain.reducer import admit, apply
from console.domain.snapshot import SnapshotError, from_snapshot, to_snapshot
from console.domain.state import SessionState
from tests.support import START_MS, small_catalog

SKUS = ["MASK", "TEA", "TEE", "TEE-S", "TEE-M"]
BUYERS = ["a", "b", "小红"]

raw_events = st.one_of(
    st.builds(
        lambda s, q, b: {"kind": "order", "order_id": "o", "buyer_id": b, "sku": s, "qty": q},
        st.sampled_from(SKUS), st.integers(1, 3), st.sampled_from(BUYERS),
    ),
    st.builds(lambda n: {"kind": "viewers", "online": n}, st.integers(0, 500)),
    st.builds(lambda n: {"kind": "gift", "user": "u", "gift": "rose", "count": n, "value_minor": 10},
              st.integers(1, 5)),
    st.just({"kind": "comment", "user": "u", "text": "多少钱"}),
    st.builds(lambda s: {"kind": "product_presented", "sku": s}, st.sampled_from([*SKUS, None])),
    st.builds(lambda s: {"kind": "product_removed", "sku": s}, st.sampled_from(SKUS)),
    st.builds(lambda t: {"kind": "marker", "text": t}, st.text(min_size=1, max_size=8)),
    st.builds(lambda q: {"kind": "comment_pinned", "seq": q, "user": "u", "text": "置顶"},
              st.integers(1, 5)),
    st.just({"kind": "comment_pinned"}),
    st.builds(
        lambda s, p, c: {"kind": "deal_scheduled", "sku": s, "deal_price_minor": p, "quantity": 5,
                         "per_buyer": 2, "countdown_s": c, "duration_s": 60},
        st.sampled_from(["MASK", "TEE", "TEE-M"]), st.integers(100, 3000), st.sampled_from([0, 10]),
    ),
    st.builds(
        lambda s: {"kind": "deal_prepared", "sku": s, "percent_off": 10, "quantity": 3,
                   "per_buyer": 1, "countdown_s": 0, "duration_s": 120},
        st.sampled_from(["MASK", "TEA"]),
    ),
    st.builds(lambda d: {"kind": "deal_started", "deal_id": d}, st.integers(1, 40)),
    st.builds(lambda d: {"kind": "deal_ended", "deal_id": d, "reason": "stopped"},
              st.integers(1, 40)),
)  # fmt: skip
steps = st.lists(st.tuples(st.integers(0, 3000), raw_events), max_size=40)


def folded(script: list[tuple[int, dict[str, Any]]]) -> SessionState:
    """A session folded from random (mostly valid) input, as the engine would."""
    state = SessionState()
    now = START_MS
    start = {"kind": "session_started", "session_id": "s", "title": "T", "currency": "CNY",
             "app_version": "0"}  # fmt: skip
    first = [start] + [{"kind": "product_added", "product": p.to_dict()} for p in small_catalog()]
    for dt, raw in [(0, r) for r in first] + script:
        now += dt
        starts = {"starts_at_ms": now} if raw["kind"] == "deal_scheduled" else {}
        ev = admit(state, {"ts_ms": now, **starts, **raw}, "sim", now)
        if isinstance(ev, Event):
            apply(state, ev)
    return state


def assert_same(a: SessionState, b: SessionState) -> None:
    """Equal, with dicts in the same order (the window lists them in that order)."""
    assert a == b
    for name in ("products", "skus", "deals", "live_deals", "prepared"):
        assert list(getattr(a, name)) == list(getattr(b, name)), name
    for unit, deal in b.live_deals.items():
        assert deal is b.deals[deal.deal_id], unit  # one Deal object, as the reducer expects


@settings(max_examples=150, deadline=None)
@given(steps, st.floats(0, 1))
def test_round_trip_through_json(script: list[tuple[int, dict[str, Any]]], cut: float) -> None:
    state = folded(script)
    k = round(cut * len(state.buckets))
    data = json.loads(json.dumps(to_snapshot(state, bucket_tail_from=k), ensure_ascii=False))
    restored = from_snapshot(data, copy.deepcopy(state.buckets[:k]))
    assert_same(restored, state)


def test_a_session_with_deals_pins_and_markers_round_trips() -> None:
    data, state = good()
    assert state.live_deals and state.markers and state.presenting and state.pinned
    assert_same(from_snapshot(data, state.buckets[:1]), state)


def test_the_snapshot_covers_every_field_of_the_state() -> None:
    """A new SessionState or Deal field must be added to the snapshot too."""
    data, _ = good()
    assert set(data) - {"v", "buckets_from"} == {f.name for f in fields(SessionState)}
    assert set(data["deals"][0]) == {f.name for f in fields(Deal)}


def test_the_snapshot_is_independent_of_the_state() -> None:
    """The writer encodes it on its own thread while the state moves on."""
    state = folded([(0, {"kind": "deal_scheduled", "sku": "MASK", "deal_price_minor": 100,
                         "quantity": 5, "per_buyer": 2, "countdown_s": 0, "duration_s": 60}),
                    (0, {"kind": "deal_started", "deal_id": 5}),
                    (0, {"kind": "order", "order_id": "1", "buyer_id": "a", "sku": "MASK",
                         "qty": 1})])  # fmt: skip
    snapshot = to_snapshot(state, bucket_tail_from=0)
    before = json.dumps(snapshot)
    state.deals[5].buyers["b"] = 1
    state.queue.append("X")
    state.buckets[0].orders += 1
    assert json.dumps(snapshot) == before


def good() -> tuple[dict[str, Any], SessionState]:
    state = folded([(0, {"kind": "product_presented", "sku": "MASK"}),
                    (0, {"kind": "deal_scheduled", "sku": "MASK", "deal_price_minor": 100,
                         "quantity": 5, "per_buyer": 2, "countdown_s": 0, "duration_s": 60}),
                    (0, {"kind": "deal_started", "deal_id": 6}),
                    (0, {"kind": "order", "order_id": "1", "buyer_id": "a", "sku": "MASK",
                         "qty": 1}),
                    (0, {"kind": "comment_pinned", "seq": 2, "user": "u", "text": "置顶"}),
                    (1500, {"kind": "marker", "text": "m"})])  # fmt: skip
    return json.loads(json.dumps(to_snapshot(state, bucket_tail_from=1))), state


def damage(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = data
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if value is KeyError:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


@pytest.mark.parametrize(
    ("path", "value", "needle"),
    [
        ("v", 2, "version"),
        ("last_seq", "7", "whole number"),
        ("last_seq", True, "whole number"),
        ("last_seq", 7.0, "whole number"),
        ("title", "\ud800", "text"),
        ("totals.orders", KeyError, "orders is missing"),
        ("products.0.product.price_minor", -1, "price_minor"),
        ("products.0.removed", 0, "true or false"),
        ("products", {}, "must be a list"),
        ("skus.0.product_sku", "GHOST", "no product"),
        ("skus.3", {"sku": "X"}, "missing"),
        ("queue", ["MASK", "MASK", "TEA"], "unknown products"),
        ("presenting", "GHOST", "unknown products"),
        ("live_deals.MASK", 99, "not among the deals"),
        ("deals.0.buyers", [], "must be an object"),
        ("deals.0.units", "MASK", "must be a list"),
        ("buckets.0", [1, 2, 3], "counts"),
        ("buckets_from", 0, "start at 0"),
        ("markers.0", [1, "m"], "marker"),
        ("peaks", [[1]], "pair"),
        ("prepared", [], "must be an object"),
    ],
)
def test_damaged_snapshots_are_refused(path: str, value: Any, needle: str) -> None:
    data, state = good()
    prefix = state.buckets[:1]
    from_snapshot(copy.deepcopy(data), prefix)  # the undamaged one is fine
    damage(data, path, value)
    with pytest.raises(SnapshotError, match=needle):
        from_snapshot(data, prefix)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_damage_is_a_snapshot_error_or_harmless(data: st.DataObject) -> None:
    """Replace one value anywhere with anything: a clear refusal or a valid state, nothing else."""
    snapshot, state = good()
    node: Any = snapshot
    while True:
        keys = list(range(len(node))) if isinstance(node, list) else list(node)
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if not isinstance(child, dict | list) or data.draw(st.booleans()):
            node[key] = data.draw(json_values)
            break
        node = child
    try:
        restored = from_snapshot(snapshot, state.buckets[:1])
    except SnapshotError:
        return
    assert isinstance(restored, SessionState)
