"""A session state as plain JSON data, and back: what a checkpoint stores.

Replay starts folding from the nearest checkpoint instead of event 1, so a
snapshot must rebuild the state exactly. Session files come from anywhere,
so `from_snapshot` trusts nothing: every field's type is checked and every
cross-reference (a SKU's product, the queue, a live deal) must resolve, or
it raises `SnapshotError`. JSON only, never pickle.

The per-second buckets grow all session long (43,200 for 12 hours); a
snapshot keeps only those from `bucket_tail_from` on, and the caller passes
the older ones back in (replay reads them from `metrics_1s`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

from console.domain.catalog import CatalogError, product_from_dict
from console.domain.deals import Deal, DealSpec
from console.domain.state import (
    BUCKET_FIELDS,
    Bucket,
    Marker,
    PinnedComment,
    ProductState,
    SessionState,
    SkuState,
    Totals,
)
from console.domain.text import encodable

SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """A stored snapshot that cannot be trusted; the message says what is wrong."""


def _int(v: Any, where: str) -> int:
    if type(v) is not int:
        raise SnapshotError(f"{where} must be a whole number, got {v!r:.40}")
    return v


def _str(v: Any, where: str) -> str:
    if not isinstance(v, str) or not encodable(v):
        raise SnapshotError(f"{where} must be text")
    return v


def _bool(v: Any, where: str) -> bool:
    if type(v) is not bool:
        raise SnapshotError(f"{where} must be true or false")
    return v


def _optional(read: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    return lambda v, where: None if v is None else read(v, where)


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise SnapshotError(f"{where} must be a list")
    return v


def _obj(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise SnapshotError(f"{where} must be an object")
    return v


def _pair(v: Any, where: str, second: Callable[[Any, str], Any]) -> tuple[int, Any]:
    item = _list(v, where)
    if len(item) != 2:
        raise SnapshotError(f"{where} must be a pair")
    return _int(item[0], where), second(item[1], where)


# Field annotations (strings under `from __future__ import annotations`) -> reader. A
# field of another type has to be handled by name, or `_record` fails loudly.
_READERS: dict[str, Callable[[Any, str], Any]] = {
    "int": _int,
    "int | None": _optional(_int),
    "str": _str,
    "str | None": _optional(_str),
    "bool": _bool,
}

T = TypeVar("T")


def _plain(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip}


def _record(cls: type[T], raw: Any, where: str, **given: Any) -> T:
    """Build a dataclass from its plain fields, checking each by its annotation."""
    d = _obj(raw, where)
    kwargs = dict(given)
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name in given:
            continue
        if f.name not in d:
            raise SnapshotError(f"{where}: {f.name} is missing")
        kwargs[f.name] = _READERS[str(f.type)](d[f.name], f"{where}.{f.name}")
    return cls(**kwargs)


def _deal_data(deal: Deal) -> dict[str, Any]:
    return _plain(deal, skip=("units", "buyers")) | {
        "units": list(deal.units),
        "buyers": dict(deal.buyers),
    }


def to_snapshot(state: SessionState, *, bucket_tail_from: int) -> dict[str, Any]:
    """The state as JSON-ready data, with the buckets from `bucket_tail_from` on.

    Everything returned is freshly built, so it may be encoded on another thread
    while the state moves on.
    """
    if not 0 <= bucket_tail_from <= len(state.buckets):
        raise ValueError(f"bucket_tail_from {bucket_tail_from} is outside 0..{len(state.buckets)}")
    return {
        "v": SNAPSHOT_VERSION,
        "session_id": state.session_id,
        "title": state.title,
        "currency": state.currency,
        "started_at_ms": state.started_at_ms,
        "ended_at_ms": state.ended_at_ms,
        "last_seq": state.last_seq,
        "last_ts_ms": state.last_ts_ms,
        "products": [
            _plain(p, skip=("product",)) | {"product": p.product.to_dict()}
            for p in state.products.values()
        ],
        "skus": [_plain(s) for s in state.skus.values()],
        "queue": list(state.queue),
        "presenting": state.presenting,
        "totals": _plain(state.totals),
        "buckets_from": bucket_tail_from,
        "buckets": [list(b.as_tuple()) for b in state.buckets[bucket_tail_from:]],
        "markers": [[m.ts_ms, m.text, m.source] for m in state.markers],
        "presentations": [[ts, sku] for ts, sku in state.presentations],
        "pinned": None if state.pinned is None else _plain(state.pinned),
        "deals": [_deal_data(d) for d in state.deals.values()],
        "live_deals": {unit: deal.deal_id for unit, deal in state.live_deals.items()},
        "prepared": {sku: spec.to_dict() for sku, spec in state.prepared.items()},
        "peaks": [[ts, peak] for ts, peak in state.peaks],
    }


def bucket_tail(data: dict[str, Any]) -> tuple[int, list[Bucket]]:
    """Where a snapshot's buckets start, and those buckets (checked)."""
    start = _int(data.get("buckets_from"), "buckets_from")
    if start < 0:
        raise SnapshotError("buckets_from must not be negative")
    tail = []
    for i, raw in enumerate(_list(data.get("buckets"), "buckets")):
        row = _list(raw, f"buckets[{i}]")
        if len(row) != len(BUCKET_FIELDS):
            raise SnapshotError(f"buckets[{i}] must hold {len(BUCKET_FIELDS)} counts")
        tail.append(Bucket(*(_int(v, f"buckets[{i}]") for v in row)))
    return start, tail


def _marker(raw: Any) -> Marker:
    item = _list(raw, "markers")
    if len(item) != 3:
        raise SnapshotError("each marker must be [ts_ms, text, source]")
    return Marker(_int(item[0], "markers"), _str(item[1], "markers"), _str(item[2], "markers"))


def _products(data: dict[str, Any]) -> dict[str, ProductState]:
    products: dict[str, ProductState] = {}
    for i, raw in enumerate(_list(data.get("products"), "products")):
        where = f"products[{i}]"
        try:
            product = product_from_dict(_obj(_obj(raw, where).get("product"), where + ".product"))
        except CatalogError as e:
            raise SnapshotError(f"{where}: {e}") from None
        if product.sku in products:
            raise SnapshotError(f"{where}: product {product.sku!r} appears twice")
        products[product.sku] = _record(ProductState, raw, where, product=product)
    return products


def _skus(data: dict[str, Any], products: dict[str, ProductState]) -> dict[str, SkuState]:
    skus: dict[str, SkuState] = {}
    for i, raw in enumerate(_list(data.get("skus"), "skus")):
        unit = _record(SkuState, raw, f"skus[{i}]")
        if unit.sku in skus or unit.product_sku not in products:
            raise SnapshotError(f"skus[{i}]: {unit.sku!r} is a duplicate or has no product")
        skus[unit.sku] = unit
    for p in products.values():
        for sku in [v.sku for v in p.product.variants] or [p.sku]:
            if skus.get(sku) is None or skus[sku].product_sku != p.sku:
                raise SnapshotError(f"product {p.sku!r} lacks its unit {sku!r}")
    return skus


def _deals(data: dict[str, Any]) -> dict[int, Deal]:
    deals: dict[int, Deal] = {}
    for i, raw in enumerate(_list(data.get("deals"), "deals")):
        where = f"deals[{i}]"
        d = _obj(raw, where)
        units = tuple(_str(u, where + ".units") for u in _list(d.get("units"), where + ".units"))
        buyers = {
            _str(k, where + ".buyers"): _int(v, where + ".buyers")
            for k, v in _obj(d.get("buyers"), where + ".buyers").items()
        }
        deal = _record(Deal, d, where, units=units, buyers=buyers)
        if deal.deal_id in deals:
            raise SnapshotError(f"{where}: deal {deal.deal_id} appears twice")
        deals[deal.deal_id] = deal
    return deals


def from_snapshot(data: Any, buckets_prefix: list[Bucket]) -> SessionState:
    """Rebuild a state; `buckets_prefix` are its buckets before the snapshot's tail.

    The prefix's Bucket objects are used as they are, not copied, so a caller may
    share ones it knows nothing will change.
    """
    d = _obj(data, "snapshot")
    if d.get("v") != SNAPSHOT_VERSION:
        raise SnapshotError(f"unknown snapshot version {d.get('v')!r:.20}")
    start, tail = bucket_tail(d)
    if len(buckets_prefix) != start:
        raise SnapshotError(f"the snapshot's buckets start at {start}, not {len(buckets_prefix)}")
    products = _products(d)
    skus = _skus(d, products)
    queue = [_str(s, "queue") for s in _list(d.get("queue"), "queue")]
    presenting = _optional(_str)(d.get("presenting"), "presenting")
    if len(set(queue)) != len(queue) or not products.keys() >= {*queue, presenting} - {None}:
        raise SnapshotError("the queue or the presenting product names unknown products")
    deals = _deals(d)
    live_deals = {}
    for unit, deal_id in _obj(d.get("live_deals"), "live_deals").items():
        deal = deals.get(_int(deal_id, "live_deals"))
        if deal is None:
            raise SnapshotError(f"live deal {deal_id} is not among the deals")
        live_deals[_str(unit, "live_deals")] = (
            deal  # the same object as in `deals`, as the reducer expects
        )
    pinned = d.get("pinned")
    return SessionState(
        session_id=_str(d.get("session_id"), "session_id"),
        title=_str(d.get("title"), "title"),
        currency=_str(d.get("currency"), "currency"),
        started_at_ms=_optional(_int)(d.get("started_at_ms"), "started_at_ms"),
        ended_at_ms=_optional(_int)(d.get("ended_at_ms"), "ended_at_ms"),
        last_seq=_int(d.get("last_seq"), "last_seq"),
        last_ts_ms=_int(d.get("last_ts_ms"), "last_ts_ms"),
        products=products,
        skus=skus,
        queue=queue,
        presenting=presenting,
        totals=_record(Totals, d.get("totals"), "totals"),
        buckets=buckets_prefix + tail,
        markers=[_marker(v) for v in _list(d.get("markers"), "markers")],
        presentations=[
            _pair(v, "presentations", _optional(_str))
            for v in _list(d.get("presentations"), "presentations")
        ],
        pinned=None if pinned is None else _record(PinnedComment, pinned, "pinned"),
        deals=deals,
        live_deals=live_deals,
        prepared={
            _str(sku, "prepared"): _record(DealSpec, spec, f"prepared[{sku!r}]")
            for sku, spec in _obj(d.get("prepared"), "prepared").items()
        },
        peaks=[_pair(v, "peaks", _int) for v in _list(d.get("peaks"), "peaks")],
    )
