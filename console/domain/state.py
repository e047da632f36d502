"""What a session looks like at one moment: the reducer's output.

The state is a plain mutable object owned by whoever folds events into it
(the engine, replay, a report). `copy()` gives an independent snapshot.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from console.domain.catalog import Product
from console.domain.deals import Deal, DealSpec

BUCKET_FIELDS = (
    "events", "orders", "units", "gmv_minor", "comments", "likes",
    "follows", "shares", "gifts", "entries", "viewers",
)  # fmt: skip


@dataclass(slots=True)
class Bucket:
    """One second of the session. `viewers` is the last count seen in it."""

    events: int = 0
    orders: int = 0
    units: int = 0
    gmv_minor: int = 0
    comments: int = 0
    likes: int = 0
    follows: int = 0
    shares: int = 0
    gifts: int = 0
    entries: int = 0
    viewers: int = 0

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.events, self.orders, self.units, self.gmv_minor, self.comments,
            self.likes, self.follows, self.shares, self.gifts, self.entries, self.viewers,
        )  # fmt: skip


@dataclass(slots=True)
class Totals(Bucket):
    """The whole session so far: a bucket's counts plus what only totals have."""

    gift_value_minor: int = 0
    peak_viewers: int = 0

    @property
    def aov_minor(self) -> int:
        return self.gmv_minor // self.orders if self.orders else 0

    @property
    def conversion(self) -> float:
        """Orders per entry; a ratio, not money, so a float is fine."""
        return self.orders / self.entries if self.entries else 0.0

    @property
    def uv_value_minor(self) -> int:
        return self.gmv_minor // self.entries if self.entries else 0

    @property
    def gpm_minor(self) -> int:
        """GMV per 1,000 entries."""
        return self.gmv_minor * 1000 // self.entries if self.entries else 0


@dataclass(slots=True)
class SkuState:
    """An orderable unit: a product without variants, or one variant."""

    sku: str
    product_sku: str
    title: str
    price_minor: int
    compare_at_minor: int | None
    stock: int
    units: int = 0
    gmv_minor: int = 0


@dataclass(slots=True)
class ProductState:
    product: Product
    orders: int = 0
    units: int = 0
    gmv_minor: int = 0
    units_while_presenting: int = 0
    gmv_while_presenting_minor: int = 0
    presented_ms: int = 0
    presented_since_ms: int | None = None
    removed: bool = False

    @property
    def sku(self) -> str:
        return self.product.sku

    def presented_ms_at(self, now_ms: int) -> int:
        open_ms = now_ms - self.presented_since_ms if self.presented_since_ms is not None else 0
        return self.presented_ms + max(0, open_ms)


@dataclass(slots=True)
class Marker:
    ts_ms: int
    text: str
    source: str


@dataclass(slots=True)
class PinnedComment:
    seq: int
    user: str
    text: str


@dataclass(slots=True)
class SessionState:
    session_id: str = ""
    title: str = ""
    currency: str = "CNY"
    started_at_ms: int | None = None
    ended_at_ms: int | None = None
    last_seq: int = 0
    last_ts_ms: int = 0
    products: dict[str, ProductState] = field(default_factory=dict)
    skus: dict[str, SkuState] = field(default_factory=dict)
    queue: list[str] = field(default_factory=list)
    presenting: str | None = None
    totals: Totals = field(default_factory=Totals)
    buckets: list[Bucket] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    # (ts_ms, product SKU or None): every change of the presenting product, for charts.
    presentations: list[tuple[int, str | None]] = field(default_factory=list)
    pinned: PinnedComment | None = None
    deals: dict[int, Deal] = field(default_factory=dict)  # by deal_id, in schedule order
    live_deals: dict[str, Deal] = field(default_factory=dict)  # orderable SKU -> its live deal
    prepared: dict[str, DealSpec] = field(default_factory=dict)  # product SKU -> prepared deal
    # (ts_ms, peak): each new peak of viewers online, so "peak a minute ago" is a bisect.
    peaks: list[tuple[int, int]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.started_at_ms is None:
            return "new"
        return "ended" if self.ended_at_ms is not None else "live"

    def skus_of(self, product_sku: str) -> list[SkuState]:
        """The orderable units of a product, in catalog order."""
        p = self.products[product_sku].product
        if not p.variants:
            return [self.skus[p.sku]]
        return [self.skus[v.sku] for v in p.variants]

    def stock_of(self, product_sku: str) -> int:
        return sum(s.stock for s in self.skus_of(product_sku))

    def price_of(self, product_sku: str) -> int:
        """The lowest price a buyer pays now for a product's units ("from ¥99"), deals included."""
        return min(self.unit_price(s) for s in self.skus_of(product_sku))

    def unit_price(self, unit: SkuState) -> int:
        deal = self.live_deals.get(unit.sku)
        return deal.deal_price_minor if deal is not None else unit.price_minor

    def live_deal_for(self, unit_sku: str) -> Deal | None:
        return self.live_deals.get(unit_sku)

    def deals_of(self, product_sku: str) -> list[Deal]:
        return [d for d in self.deals.values() if d.product_sku == product_sku]

    def copy(self) -> SessionState:
        return copy.deepcopy(self)
