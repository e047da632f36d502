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
from console.domain.deals import (
    COUNTDOWN_MAX_S,
    COUNTDOWN_MIN_S,
    DURATION_MAX_S,
    DURATION_MIN_S,
    END_REASONS,
    Deal,
    DealSpec,
)
from console.domain.decode import DecodeError, decode
from console.domain.events import AUDIENCE_KINDS, Event
from console.domain.money import format_money
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
    deal = state.live_deals.get(sku.sku)
    if deal is None:
        data.setdefault("price_minor", sku.price_minor)
        return None
    if data["qty"] > deal.left:
        return f"the flash deal on {sku.sku!r} has only {deal.left} left"
    buyer = buyer_key(data)
    if not buyer:
        return "a flash-deal order must name its buyer"
    if deal.buyers.get(buyer, 0) + data["qty"] > deal.per_buyer:
        return f"buyer {buyer!r} would pass the deal's limit of {deal.per_buyer} per buyer"
    data.setdefault("price_minor", deal.deal_price_minor)
    return None


def buyer_key(data: dict[str, Any]) -> str:
    """Who bought: the platform's buyer id when the feed gives one, else the name."""
    return str(data.get("buyer_id") or data.get("buyer") or "")


def _deal_check(
    state: SessionState, data: dict[str, Any], now_ms: int, *, schedule: bool
) -> str | None:
    """Every rule a deal setup must meet; the message says which and why."""
    unit = state.skus.get(data["sku"])
    product_sku = unit.product_sku if unit is not None else data["sku"]
    reason = _live_product(state, product_sku)
    if reason is not None:
        return reason
    units = [unit] if unit is not None else state.skus_of(product_sku)
    regular = min(u.price_minor for u in units)
    given: Any = data.get("deal_price_minor")
    percent: Any = data.get("percent_off")
    if (given is None) == (percent is None):
        return "give either a deal price or a percent off"
    price: int = given if percent is None else regular * (100 - percent) // 100
    cur = state.currency
    if price <= 0:
        return "the deal price must be above zero"
    if price >= regular:
        return f"the deal price {format_money(price, cur)} must be below the regular price {format_money(regular, cur)}"
    stock = sum(u.stock for u in units)
    quantity, per_buyer = data["quantity"], data["per_buyer"]
    if quantity > stock:
        return f"the deal quantity {quantity} is more than the stock ({stock})"
    if not 1 <= per_buyer <= quantity:
        return f"the per-buyer limit must be between 1 and the quantity ({quantity})"
    countdown, duration = data["countdown_s"], data["duration_s"]
    if countdown and not COUNTDOWN_MIN_S <= countdown <= COUNTDOWN_MAX_S:
        return f"the countdown must be 0 or {COUNTDOWN_MIN_S} to {COUNTDOWN_MAX_S} seconds"
    if not DURATION_MIN_S <= duration <= DURATION_MAX_S:
        return f"the deal must last {DURATION_MIN_S // 60} to {DURATION_MAX_S // 60} minutes"
    if not schedule:
        return None
    start = data["starts_at_ms"]
    if start < now_ms - TS_TOLERANCE_MS:
        return "the deal's start time is in the past"
    end = start + (countdown + duration) * 1000
    for other in state.deals_of(product_sku):
        if other.ended_at_ms is None and start < other.ends_at_ms and other.starts_at_ms < end:
            return f"it overlaps deal {other.deal_id} on this product"
    return None


def _deal_event_check(
    state: SessionState, kind: str, data: dict[str, Any], ts_ms: int
) -> str | None:
    deal = state.deals.get(data["deal_id"])
    if deal is None:
        return f"there is no deal {data['deal_id']}"
    if deal.ended_at_ms is not None:
        return f"deal {deal.deal_id} has already ended"
    if kind == "deal_started":
        if deal.started_at_ms is not None:
            return f"deal {deal.deal_id} is already live"
        if ts_ms < deal.live_at_ms:
            return f"deal {deal.deal_id} is still counting down"
        return None
    if data["reason"] not in END_REASONS:
        return f"unknown end reason {data['reason']!r}"
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
    if kind in AUDIENCE_KINDS:  # the rest of the audience asks nothing more of the session
        return None
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
    if kind in ("deal_prepared", "deal_scheduled"):
        return _deal_check(state, data, now_ms, schedule=kind == "deal_scheduled")
    if kind in ("deal_started", "deal_ended"):
        return _deal_event_check(state, kind, data, ts_ms)
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
    deal = state.live_deals.get(unit.sku)
    if deal is not None:
        deal.sold += qty
        deal.orders += 1
        deal.gmv_minor += amount
        buyer = buyer_key(d)
        deal.buyers[buyer] = deal.buyers.get(buyer, 0) + qty


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


def _session_resumed(state: SessionState, ev: Event) -> None:
    """Nothing to change: the event is the log's record of the gap, found by its kind.

    Presented time and deal clocks run on through the gap, as they would have live.
    """


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


def _deal_prepared(state: SessionState, ev: Event) -> None:
    d = ev.data
    unit = state.skus.get(d["sku"])
    product_sku = unit.product_sku if unit is not None else d["sku"]
    state.prepared[product_sku] = DealSpec(
        d["sku"], d.get("deal_price_minor"), d.get("percent_off"), d["quantity"],
        d["per_buyer"], d["countdown_s"], d["duration_s"],
    )  # fmt: skip


def _deal_scheduled(state: SessionState, ev: Event) -> None:
    d = ev.data
    unit = state.skus.get(d["sku"])
    product_sku = unit.product_sku if unit is not None else d["sku"]
    units = [unit] if unit is not None else state.skus_of(product_sku)
    state.prepared.pop(product_sku, None)  # launching uses up the prepared deal
    state.deals[ev.seq] = Deal(
        ev.seq, d["sku"], product_sku, tuple(u.sku for u in units), d["deal_price_minor"],
        min(u.price_minor for u in units), d["quantity"], d["per_buyer"], d["countdown_s"],
        d["duration_s"], d["starts_at_ms"],
    )  # fmt: skip


def _deal_started(state: SessionState, ev: Event) -> None:
    deal = state.deals[ev.data["deal_id"]]
    deal.started_at_ms = ev.ts_ms
    for unit in deal.units:
        state.live_deals[unit] = deal


def _deal_ended(state: SessionState, ev: Event) -> None:
    deal = state.deals[ev.data["deal_id"]]
    deal.ended_at_ms = ev.ts_ms
    deal.end_reason = ev.data["reason"]
    for unit in deal.units:
        if state.live_deals.get(unit) is deal:
            del state.live_deals[unit]


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
    "session_resumed": _session_resumed,
    "product_added": _product_added,
    "product_updated": _product_updated,
    "product_removed": _product_removed,
    "queue_reordered": _queue_reordered,
    "product_presented": _product_presented,
    "price_changed": _price_changed,
    "stock_changed": _stock_changed,
    "marker": _marker,
    "comment_pinned": _comment_pinned,
    "deal_prepared": _deal_prepared,
    "deal_scheduled": _deal_scheduled,
    "deal_started": _deal_started,
    "deal_ended": _deal_ended,
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
