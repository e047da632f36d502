"""The reducer: `state = fold(apply, events)`.

`check` decides whether an event may enter the log (it needs the session:
unknown SKUs, stock, time); `apply` folds an accepted event into the state.
Both are deterministic and free of I/O, so the live engine, replay, reports
and tests all see the same session. `apply` mutates the state it is given:
copying per event would cost more than the rest of the pipeline together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from console.domain.catalog import CatalogError, Product, product_from_dict
from console.domain.decode import DecodeError, decode
from console.domain.events import Event
from console.domain.state import (
    Bucket,
    Marker,
    PinnedComment,
    ProductState,
    SessionState,
    SkuState,
)

# How far an event's own timestamp may stray from the session's clock.
TS_TOLERANCE_MS = 5 * 60 * 1000


def _order_check(state: SessionState, data: dict[str, Any]) -> str | None:
    sku = state.skus.get(data["sku"])
    if sku is None:
        if data["sku"] in state.products:
            return f"order names product {data['sku']!r}, which has variants: name a variant SKU"
        return f"unknown SKU {data['sku']!r}"
    if state.products[sku.product_sku].removed:
        return f"SKU {sku.sku!r} was removed from the session"
    if data["qty"] > sku.stock:
        return f"order for {data['qty']} of {sku.sku!r} exceeds stock {sku.stock}"
    data.setdefault("price_minor", sku.price_minor)
    return None


def _product_check(state: SessionState, data: dict[str, Any], *, new: bool) -> str | None:
    try:
        product = product_from_dict(data["product"])
    except CatalogError as e:
        return f"invalid product: {e}"
    if product.currency != state.currency:
        return f"product currency {product.currency} differs from the session's {state.currency}"
    existing = state.products.get(product.sku)
    if new and existing is not None and not existing.removed:
        return f"product {product.sku!r} is already in the session"
    if not new and (existing is None or existing.removed):
        return f"unknown product {product.sku!r}"
    own = {product.sku, *(s.sku for s in state.skus_of(product.sku))} if existing else set()
    for unit in (product.sku, *(v.sku for v in product.variants)):
        if unit not in own and (unit in state.skus or unit in state.products):
            return f"SKU {unit!r} is already used by another product"
    data["product"] = product.to_dict()
    return None


def _live_product(state: SessionState, sku: str) -> str | None:
    p = state.products.get(sku)
    return None if p is not None and not p.removed else f"unknown product {sku!r}"


def _unit_check(state: SessionState, data: dict[str, Any]) -> str | None:
    """price_changed/stock_changed name a unit, or a product for all its units."""
    sku = data["sku"]
    unit = state.skus.get(sku)
    if unit is not None:
        return _live_product(state, unit.product_sku)
    if sku in state.products and "stock" in data:
        return f"product {sku!r} has variants: set the stock of a variant SKU"
    return _live_product(state, sku)


def check(
    state: SessionState, kind: str, data: dict[str, Any], ts_ms: int, now_ms: int
) -> str | None:
    """Why this decoded event cannot enter the log, or None. May complete `data`."""
    if kind == "session_started":
        return "session already started" if state.started_at_ms is not None else None
    if state.started_at_ms is None:
        return "session has not started"
    if state.ended_at_ms is not None:
        return "session has ended"
    if ts_ms < state.started_at_ms - TS_TOLERANCE_MS:
        return f"ts_ms {ts_ms} is before the session started"
    if ts_ms > now_ms + TS_TOLERANCE_MS:
        return f"ts_ms {ts_ms} is in the future"
    if kind == "order":
        return _order_check(state, data)
    if kind == "product_added":
        return _product_check(state, data, new=True)
    if kind == "product_updated":
        return _product_check(state, data, new=False)
    if kind == "product_removed":
        return _live_product(state, data["sku"])
    if kind == "product_presented":
        sku = data.get("sku")
        if sku is not None and sku not in state.queue:
            return f"product {sku!r} is not in the queue"
        return None
    if kind == "queue_reordered":
        if sorted(map(str, data["queue"])) != sorted(state.queue) or not all(
            isinstance(s, str) for s in data["queue"]
        ):
            return "queue_reordered must list exactly the products in the queue"
        return None
    if kind in ("price_changed", "stock_changed"):
        return _unit_check(state, data)
    if kind == "comment_pinned" and "seq" in data:
        if data["seq"] > state.last_seq:
            return f"there is no event {data['seq']} to pin"
        if "text" not in data:
            return "comment_pinned needs the comment's text"
    return None


def admit(state: SessionState, raw: Any, source: str, now_ms: int) -> Event | str:
    """The next event built from untrusted input, or the reason it is refused.

    Not yet applied: the caller logs it, then applies it.
    """
    try:
        kind, ts, data = decode(raw)
    except DecodeError as e:
        return str(e)
    if ts is None:
        ts = now_ms
    reason = check(state, kind, data, ts, now_ms)
    if reason is not None:
        return reason
    return Event(state.last_seq + 1, ts, kind, source, data)


def _bucket(state: SessionState, ts_ms: int) -> Bucket:
    sec = (ts_ms - (state.started_at_ms or ts_ms)) // 1000
    buckets = state.buckets
    if 0 <= sec < len(buckets):
        return buckets[sec]
    if sec < 0:
        sec = 0
    while len(buckets) <= sec:
        buckets.append(Bucket(viewers=state.totals.viewers))
    return buckets[sec]


def _order(state: SessionState, ev: Event, b: Bucket) -> None:
    d = ev.data
    qty: int = d["qty"]
    amount = qty * d["price_minor"]
    unit = state.skus[d["sku"]]
    unit.stock -= qty
    unit.units += qty
    unit.gmv_minor += amount
    p = state.products[unit.product_sku]
    p.orders += 1
    p.units += qty
    p.gmv_minor += amount
    if state.presenting == unit.product_sku:
        p.units_while_presenting += qty
        p.gmv_while_presenting_minor += amount
    t = state.totals
    t.orders += 1
    t.units += qty
    t.gmv_minor += amount
    b.orders += 1
    b.units += qty
    b.gmv_minor += amount


def _comment(state: SessionState, ev: Event, b: Bucket) -> None:
    state.totals.comments += 1
    b.comments += 1


def _like(state: SessionState, ev: Event, b: Bucket) -> None:
    n: int = ev.data["count"]
    state.totals.likes += n
    b.likes += n


def _follow(state: SessionState, ev: Event, b: Bucket) -> None:
    state.totals.follows += 1
    b.follows += 1


def _share(state: SessionState, ev: Event, b: Bucket) -> None:
    state.totals.shares += 1
    b.shares += 1


def _gift(state: SessionState, ev: Event, b: Bucket) -> None:
    n: int = ev.data["count"]
    state.totals.gifts += n
    state.totals.gift_value_minor += n * ev.data["value_minor"]
    b.gifts += n


def _viewers(state: SessionState, ev: Event, b: Bucket) -> None:
    online: int = ev.data["online"]
    t = state.totals
    t.viewers = online
    if online > t.peak_viewers:
        t.peak_viewers = online
        state.peaks.append((ev.ts_ms, online))
    b.viewers = online


def _enter(state: SessionState, ev: Event, b: Bucket) -> None:
    n: int = ev.data["count"]
    state.totals.entries += n
    b.entries += n


def _session_started(state: SessionState, ev: Event) -> None:
    d = ev.data
    state.session_id = d["session_id"]
    state.title = d["title"]
    state.currency = d["currency"]
    state.started_at_ms = ev.ts_ms


def _stop_presenting(state: SessionState, ts_ms: int) -> None:
    if state.presenting is None:
        return
    p = state.products[state.presenting]
    if p.presented_since_ms is not None:
        p.presented_ms += max(0, ts_ms - p.presented_since_ms)
        p.presented_since_ms = None
    state.presenting = None


def _session_ended(state: SessionState, ev: Event) -> None:
    _stop_presenting(state, ev.ts_ms)
    state.ended_at_ms = ev.ts_ms


def _install_units(state: SessionState, product: Product, old: dict[str, SkuState]) -> None:
    """(Re)build a product's orderable units, keeping sales already made."""
    units = [(v.sku, v.title, v.price_minor, v.compare_at_minor, v.stock) for v in product.variants]
    if not units:
        units = [
            (
                product.sku,
                product.title,
                product.price_minor,
                product.compare_at_minor,
                product.stock,
            )
        ]
    for sku, title, price, compare_at, stock in units:
        prev = old.get(sku)
        state.skus[sku] = SkuState(
            sku, product.sku, title, price, compare_at, stock,
            prev.units if prev else 0, prev.gmv_minor if prev else 0,
        )  # fmt: skip


def _product_added(state: SessionState, ev: Event) -> None:
    product = product_from_dict(ev.data["product"])
    prev = state.products.get(product.sku)
    old: dict[str, SkuState] = {}
    if prev is not None:  # re-added after removal: keep its history
        old = {s.sku: state.skus.pop(s.sku) for s in state.skus_of(product.sku)}
        prev.product = product
        prev.removed = False
    else:
        state.products[product.sku] = ProductState(product)
    _install_units(state, product, old)
    state.queue.append(product.sku)


def _product_updated(state: SessionState, ev: Event) -> None:
    product = product_from_dict(ev.data["product"])
    ps = state.products[product.sku]
    old = {s.sku: state.skus.pop(s.sku) for s in state.skus_of(product.sku)}
    ps.product = product
    _install_units(state, product, old)


def _product_removed(state: SessionState, ev: Event) -> None:
    sku = ev.data["sku"]
    if state.presenting == sku:
        _stop_presenting(state, ev.ts_ms)
        state.presentations.append((ev.ts_ms, None))
    state.products[sku].removed = True
    state.queue.remove(sku)


def _queue_reordered(state: SessionState, ev: Event) -> None:
    state.queue = list(ev.data["queue"])


def _product_presented(state: SessionState, ev: Event) -> None:
    _stop_presenting(state, ev.ts_ms)
    sku = ev.data.get("sku")
    if sku is not None:
        state.presenting = sku
        state.products[sku].presented_since_ms = ev.ts_ms
    state.presentations.append((ev.ts_ms, sku))


def _units_named(state: SessionState, sku: str) -> list[SkuState]:
    unit = state.skus.get(sku)
    return [unit] if unit is not None else state.skus_of(sku)


def _price_changed(state: SessionState, ev: Event) -> None:
    for unit in _units_named(state, ev.data["sku"]):
        unit.price_minor = ev.data["price_minor"]


def _stock_changed(state: SessionState, ev: Event) -> None:
    for unit in _units_named(state, ev.data["sku"]):
        unit.stock = ev.data["stock"]


def _marker(state: SessionState, ev: Event) -> None:
    state.markers.append(Marker(ev.ts_ms, ev.data["text"], ev.source))


def _comment_pinned(state: SessionState, ev: Event) -> None:
    d = ev.data
    state.pinned = PinnedComment(d["seq"], d.get("user", ""), d["text"]) if "seq" in d else None


_AUDIENCE: dict[str, Callable[[SessionState, Event, Bucket], None]] = {
    "order": _order,
    "comment": _comment,
    "like": _like,
    "follow": _follow,
    "share": _share,
    "gift": _gift,
    "viewers": _viewers,
    "enter": _enter,
}
_OPERATOR: dict[str, Callable[[SessionState, Event], None]] = {
    "session_started": _session_started,
    "session_ended": _session_ended,
    "product_added": _product_added,
    "product_updated": _product_updated,
    "product_removed": _product_removed,
    "queue_reordered": _queue_reordered,
    "product_presented": _product_presented,
    "price_changed": _price_changed,
    "stock_changed": _stock_changed,
    "marker": _marker,
    "comment_pinned": _comment_pinned,
}


def apply(state: SessionState, ev: Event) -> None:
    """Fold one accepted event into the state."""
    audience = _AUDIENCE.get(ev.kind)
    if audience is not None:
        b = _bucket(state, ev.ts_ms)
        audience(state, ev, b)
        b.events += 1
    else:
        _OPERATOR[ev.kind](state, ev)
        if state.started_at_ms is not None:
            _bucket(state, ev.ts_ms).events += 1
    state.last_seq = ev.seq
    state.last_ts_ms = ev.ts_ms
    state.totals.events += 1


def apply_batch(state: SessionState, events: Iterable[Event]) -> None:
    for ev in events:
        apply(state, ev)


def fold(events: Iterable[Event]) -> SessionState:
    state = SessionState()
    apply_batch(state, events)
    return state
