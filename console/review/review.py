"""Post-live review: what sold while presenting, what each deal did, the peak minutes.

The folded state gives the totals; one streamed pass over the log adds what only
the moment of each order tells (was its product presenting, was a deal live, did
it come in the stretch before a deal). That pass re-folds the log with the live
reducer beside the tally, so attribution follows the reducer exactly, and it
holds no events: a 10-million-event session is reviewed in bounded memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from console.domain.events import Event
from console.domain.reducer import apply
from console.domain.state import Bucket, Marker, SessionState
from console.review.kpis import KPIS, Comparison, compare
from console.store.session_file import SessionMeta
from console.store.summary import iso, summarize
from console.store.verify import VerifyResult

MINUTE_MS = 60_000
PEAKS_PER_METRIC = 3
MINUTE_FIELDS = (
    "orders", "units", "gmv_minor", "comments", "likes", "follows", "shares", "gifts",
    "entries", "viewers",
)  # fmt: skip


def _per_min(count: int, ms: int) -> float | None:
    return count * MINUTE_MS / ms if ms > 0 else None


@dataclass(frozen=True, slots=True)
class ProductReview:
    sku: str
    title: str
    removed: bool
    presented_ms: int
    orders: int
    units: int
    gmv_minor: int
    orders_while_presenting: int
    units_while_presenting: int
    gmv_while_presenting_minor: int

    @property
    def gmv_per_min_presenting_minor(self) -> int | None:
        """GMV made while presenting, per minute on screen; None if never presented."""
        if not self.presented_ms:
            return None
        return self.gmv_while_presenting_minor * MINUTE_MS // self.presented_ms

    @property
    def presenting_share(self) -> float | None:
        """The part of its GMV made while it was presenting."""
        return self.gmv_while_presenting_minor / self.gmv_minor if self.gmv_minor else None


@dataclass(frozen=True, slots=True)
class DealReview:
    deal_id: int
    sku: str
    product_sku: str
    title: str
    deal_price_minor: int
    regular_price_minor: int
    quantity: int
    per_buyer: int
    sold: int
    orders: int
    gmv_minor: int
    started_at_ms: int | None
    ended_at_ms: int | None
    end_reason: str | None
    live_ms: int  # from going live to its end (or the end of the log)
    before_ms: int  # the "before" stretch: as long as live_ms, cut at the session start
    orders_before: int  # orders on the product in that stretch
    orders_during: int  # orders on the product (any unit) while the deal was live

    @property
    def sell_out_ms(self) -> int | None:
        return self.live_ms if self.end_reason == "sold_out" else None

    @property
    def orders_per_min_before(self) -> float | None:
        return _per_min(self.orders_before, self.before_ms)

    @property
    def orders_per_min_during(self) -> float | None:
        return _per_min(self.orders_during, self.live_ms)


@dataclass(frozen=True, slots=True)
class Minute:
    """One minute of the session; `viewers` is the most online in it."""

    index: int
    start_ms: int
    orders: int
    units: int
    gmv_minor: int
    comments: int
    likes: int
    follows: int
    shares: int
    gifts: int
    entries: int
    viewers: int
    presenting: tuple[str, ...]  # every product on screen at some time in the minute
    deals: tuple[int, ...]  # every deal live at some time in the minute


@dataclass(frozen=True, slots=True)
class Peak:
    metric: str  # "gmv_minor" or "viewers"
    minute: Minute

    @property
    def value(self) -> int:
        value: int = getattr(self.minute, self.metric)
        return value


@dataclass(frozen=True, slots=True)
class Review:
    summary: dict[str, Any]  # the `info` summary
    integrity: VerifyResult | None
    currency: str
    started_at_ms: int
    end_ms: int
    kpis: dict[str, float]
    products: list[ProductReview]
    deals: list[DealReview]
    minutes: list[Minute]
    peaks: list[Peak]
    markers: list[Marker]
    switches: list[tuple[int, str | None]]  # (ts_ms, product SKU or None)
    gmv_in_deals_minor: int
    gmv_outside_deals_minor: int
    comparison: list[Comparison]
    compared_with: int  # how many previous sessions the comparison used

    @property
    def gmv_minor(self) -> int:
        gmv: int = self.summary["gmv_minor"]
        return gmv

    @property
    def gmv_while_presenting_minor(self) -> int:
        return sum(p.gmv_while_presenting_minor for p in self.products)


@dataclass(slots=True)
class _Tally:
    orders_presenting: Counter[str]
    before: Counter[int]
    during: Counter[int]
    outside_deals_minor: int = 0


def _tally(events: Iterable[Event], windows: dict[str, list[tuple[int, int, int]]]) -> _Tally:
    """One pass over the log, re-folded beside the count, so each order is seen in its moment.

    `windows`: product SKU -> (deal id, start of its "before" stretch, when it went live).
    """
    shadow = SessionState()
    t = _Tally(Counter(), Counter(), Counter())
    for ev in events:
        if ev.kind == "order":
            d = ev.data
            unit = d["sku"]
            product = shadow.skus[unit].product_sku
            if shadow.presenting == product:
                t.orders_presenting[product] += 1
            if unit not in shadow.live_deals:
                t.outside_deals_minor += d["qty"] * d["price_minor"]
            for deal_id, before_from, live_at in windows.get(product, ()):
                deal = shadow.deals.get(deal_id)
                if deal is None or deal.started_at_ms is None:
                    if before_from <= ev.ts_ms < live_at:
                        t.before[deal_id] += 1
                elif deal.ended_at_ms is None:
                    t.during[deal_id] += 1
        apply(shadow, ev)
    return t


def _overlapping(spans: list[tuple[int, int, Any]], start_ms: int, n: int) -> list[tuple[Any, ...]]:
    """For each minute, the keys of the spans (from, to, key) that overlap it, in order."""
    out: list[tuple[Any, ...]] = []
    for m in range(n):
        t0 = start_ms + m * MINUTE_MS
        t1 = t0 + MINUTE_MS
        keys = dict.fromkeys(k for a, b, k in spans if a < t1 and b > t0)
        out.append(tuple(keys))
    return out


def _presenting_spans(state: SessionState, end_ms: int) -> list[tuple[int, int, str]]:
    switches = state.presentations
    spans = []
    for i, (ts, sku) in enumerate(switches):
        until = switches[i + 1][0] if i + 1 < len(switches) else end_ms
        if sku is not None and until > ts:
            spans.append((ts, until, sku))
    return spans


def _minutes(state: SessionState, start_ms: int, end_ms: int) -> list[Minute]:
    """The session's minutes; the second the session ends in joins the last one."""
    buckets = state.buckets
    n = max(1, -(-(end_ms - start_ms) // MINUTE_MS))
    deal_spans = [
        (d.started_at_ms, d.ended_at_ms or end_ms, d.deal_id)
        for d in state.deals.values()
        if d.started_at_ms is not None
    ]
    presenting = _overlapping(_presenting_spans(state, end_ms), start_ms, n)
    live = _overlapping(deal_spans, start_ms, n)
    out = []
    for m in range(n):
        chunk = buckets[m * 60 : m * 60 + 60 if m < n - 1 else None] or [Bucket()]
        sums = {f: sum(getattr(b, f) for b in chunk) for f in MINUTE_FIELDS}
        sums["viewers"] = max(b.viewers for b in chunk)
        out.append(
            Minute(m, start_ms + m * MINUTE_MS, **sums, presenting=presenting[m], deals=live[m])
        )
    return out


def _peaks(minutes: list[Minute]) -> list[Peak]:
    """The best minutes for GMV and for viewers (earlier first on ties; none at zero)."""
    peaks = []
    for metric in ("gmv_minor", "viewers"):
        best = sorted(minutes, key=lambda m: (-getattr(m, metric), m.index))
        peaks += [Peak(metric, m) for m in best[:PEAKS_PER_METRIC] if getattr(m, metric) > 0]
    return peaks


def build_review(
    meta: SessionMeta,
    state: SessionState,
    events: Iterable[Event],
    *,
    previous: list[dict[str, Any]],
    integrity: VerifyResult | None = None,
) -> Review:
    """Review a session: `state` is its whole log folded, `events` the same log streamed."""
    summary = summarize(meta, state)
    start = state.started_at_ms or meta.started_at_ms
    end = state.ended_at_ms or state.last_ts_ms or start
    windows: dict[str, list[tuple[int, int, int]]] = {}
    spans: dict[int, tuple[int, int]] = {}  # deal id -> (before, live) lengths
    for d in state.deals.values():
        if d.started_at_ms is None:
            continue
        # max: a feed may stamp the selling-out order a moment before the start it follows
        live_ms = max(0, (d.ended_at_ms or end) - d.started_at_ms)
        before_from = max(start, d.started_at_ms - live_ms)
        spans[d.deal_id] = (d.started_at_ms - before_from, live_ms)
        windows.setdefault(d.product_sku, []).append((d.deal_id, before_from, d.started_at_ms))
    tally = _tally(events, windows)
    products = [
        ProductReview(
            p.sku,
            p.product.title,
            p.removed,
            p.presented_ms_at(end),
            p.orders,
            p.units,
            p.gmv_minor,
            tally.orders_presenting[p.sku],
            p.units_while_presenting,
            p.gmv_while_presenting_minor,
        )
        for p in state.products.values()
    ]
    deals = []
    for d in state.deals.values():
        before_ms, live_ms = spans.get(d.deal_id, (0, 0))
        deals.append(DealReview(
            d.deal_id, d.sku, d.product_sku, state.products[d.product_sku].product.title,
            d.deal_price_minor, d.regular_price_minor, d.quantity, d.per_buyer, d.sold, d.orders,
            d.gmv_minor, d.started_at_ms, d.ended_at_ms, d.end_reason, live_ms, before_ms,
            tally.before[d.deal_id], tally.during[d.deal_id],
        ))  # fmt: skip
    minutes = _minutes(state, start, end)
    comparison = compare(summary, previous)
    return Review(
        summary=summary,
        integrity=integrity,
        currency=state.currency,
        started_at_ms=start,
        end_ms=end,
        kpis={key: kpi.read(summary) for key, kpi in KPIS.items()},
        products=products,
        deals=deals,
        minutes=minutes,
        peaks=_peaks(minutes),
        markers=list(state.markers),
        switches=list(state.presentations),
        gmv_in_deals_minor=sum(d.gmv_minor for d in state.deals.values()),
        gmv_outside_deals_minor=tally.outside_deals_minor,
        comparison=comparison,
        compared_with=comparison[0].of - 1,
    )


def _seconds(ms: int | None) -> float | None:
    return None if ms is None else round(ms / 1000, 3)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda obj: getattr(obj, name)


# The columns of the products, deals and minutes tables, shared by JSON and CSV.
PRODUCT_COLUMNS: tuple[tuple[str, Callable[[ProductReview], Any]], ...] = (
    *((k, _attr(k)) for k in ("sku", "title")),
    ("presented_s", lambda p: _seconds(p.presented_ms)),
    *((k, _attr(k)) for k in ("orders", "units", "gmv_minor", "gmv_while_presenting_minor",
                              "orders_while_presenting", "units_while_presenting",
                              "gmv_per_min_presenting_minor")),
    ("presenting_share", lambda p: _rate(p.presenting_share)),
    ("removed", _attr("removed")),
)  # fmt: skip
DEAL_COLUMNS: tuple[tuple[str, Callable[[DealReview], Any]], ...] = (
    *((k, _attr(k)) for k in ("deal_id", "sku", "product_sku", "title", "deal_price_minor",
                              "regular_price_minor", "quantity", "per_buyer", "sold", "orders",
                              "gmv_minor")),
    ("started_at", lambda d: iso(d.started_at_ms)),
    ("ended_at", lambda d: iso(d.ended_at_ms)),
    ("end_reason", _attr("end_reason")),
    ("live_s", lambda d: _seconds(d.live_ms)),
    ("time_to_sell_out_s", lambda d: _seconds(d.sell_out_ms)),
    ("before_s", lambda d: _seconds(d.before_ms)),
    ("orders_before", _attr("orders_before")),
    ("orders_during", _attr("orders_during")),
    ("orders_per_min_before", lambda d: _rate(d.orders_per_min_before)),
    ("orders_per_min_during", lambda d: _rate(d.orders_per_min_during)),
)  # fmt: skip
MINUTE_COLUMNS: tuple[tuple[str, Callable[[Minute], Any]], ...] = (
    ("minute", _attr("index")),
    ("start", lambda m: iso(m.start_ms)),
    *((k, _attr(k)) for k in MINUTE_FIELDS),
    ("presenting", lambda m: list(m.presenting)),
    ("deals", lambda m: list(m.deals)),
)


def rows(
    columns: tuple[tuple[str, Callable[[Any], Any]], ...], items: Iterable[Any]
) -> list[dict[str, Any]]:
    return [{key: get(item) for key, get in columns} for item in items]


def review_json(r: Review) -> dict[str, Any]:
    """The `report --json` object: the `info` summary plus the review, plain data."""
    v = r.integrity
    return {
        "session": r.summary,
        "integrity": None
        if v is None
        else {
            "intact": v.intact,
            "events": v.events,
            "chain_head": v.chain_head,
            "first_bad_seq": v.first_bad_seq,
            "reason": v.reason,
        },
        "kpis": r.kpis,
        "attribution": {
            "gmv_minor": r.gmv_minor,
            "gmv_while_presenting_minor": r.gmv_while_presenting_minor,
            "gmv_not_presenting_minor": r.gmv_minor - r.gmv_while_presenting_minor,
            "gmv_in_deals_minor": r.gmv_in_deals_minor,
            "gmv_outside_deals_minor": r.gmv_outside_deals_minor,
        },
        "products": rows(PRODUCT_COLUMNS, r.products),
        "deals": rows(DEAL_COLUMNS, r.deals),
        "peaks": [
            {
                "metric": p.metric,
                "minute": p.minute.index,
                "start": iso(p.minute.start_ms),
                "value": p.value,
                "presenting": list(p.minute.presenting),
                "deals": list(p.minute.deals),
            }
            for p in r.peaks
        ],
        "markers": [
            {
                "at": iso(m.ts_ms),
                "offset_s": _seconds(m.ts_ms - r.started_at_ms),
                "text": m.text,
                "source": m.source,
            }
            for m in r.markers
        ],
        "minutes": rows(MINUTE_COLUMNS, r.minutes),
        "comparison": {
            "sessions": r.compared_with,
            "kpis": [
                {
                    "key": c.key,
                    "value": c.value,
                    "average": c.average,
                    "rank": c.rank,
                    "of": c.of,
                    "difference": c.difference,
                    "change": _rate(c.change),
                }
                for c in r.comparison
            ],
        },
    }
