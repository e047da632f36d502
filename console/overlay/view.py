"""What the overlay pages show, as small JSON-ready dicts built from a session state.

The server rebuilds the view a few times a second and pushes it only when it
changed, so it holds no clock reading: deadlines are sent as they are and the
page counts down against the server clock (`ClockSync`). Money is formatted
here, once, the way the console formats it; text is sent as text and the
pages insert it with `textContent` only.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from console.domain.deals import Deal
from console.domain.events import Event
from console.domain.money import format_money
from console.domain.names import mask_name
from console.domain.state import SessionState

ORDERS_KEPT = 5  # what the ticker shows at most
ORDER_FRESH_MS = 120_000  # an older order is not "just bought"
DEAL_ENDED_SHOWN_MS = 20_000  # how long "sold out" / "ended" stays up

# A product's image field -> the URL a page loads it from, or None when there is no file.
ImageUrl = Callable[[str], str | None]

View = dict[str, Any]


def pick_deal(state: SessionState, now_ms: int) -> Deal | None:
    """The deal the audience should see: live on the presenting product, else any live
    one, else one counting down to its start, else one that ended in the last seconds.

    A deal scheduled for later but not yet counting down is the seller's plan, not
    an announcement, so it is not shown.
    """
    live: Deal | None = None
    counting: Deal | None = None
    ended: Deal | None = None
    for deal in state.deals.values():
        status = deal.status(now_ms)
        if status == "live":
            if deal.product_sku == state.presenting:
                return deal
            if live is None or (deal.started_at_ms or 0) > (live.started_at_ms or 0):
                live = deal
        elif status == "countdown":
            if counting is None or deal.live_at_ms < counting.live_at_ms:
                counting = deal
        elif status == "ended" and deal.ended_at_ms is not None:
            recent = 0 <= now_ms - deal.ended_at_ms < DEAL_ENDED_SHOWN_MS
            if recent and (ended is None or deal.ended_at_ms >= (ended.ended_at_ms or 0)):
                ended = deal
    return live or counting or ended


def _unit_title(state: SessionState, sku: str) -> str:
    """A product's title, with the variant's for one variant ("Cotton tee · M")."""
    unit = state.skus.get(sku)
    product = state.products.get(unit.product_sku if unit else sku)
    if product is None:
        return unit.title if unit else sku
    title = product.product.title
    return f"{title} · {unit.title}" if unit and unit.sku != product.sku else title


def presenting_view(state: SessionState, image_url: ImageUrl) -> View | None:
    sku = state.presenting
    if sku is None or sku not in state.products:
        return None
    product = state.products[sku].product
    units = state.skus_of(sku)
    prices = [state.unit_price(u) for u in units]
    price = min(prices)
    regular = min(u.price_minor for u in units)
    cheapest = min(units, key=lambda u: u.price_minor)
    on_deal = any(u.sku in state.live_deals for u in units)
    was = regular if price < regular else cheapest.compare_at_minor
    cur = state.currency
    return {
        "sku": sku,
        "title": product.title,
        "image": image_url(product.image) if product.image else None,
        "price": format_money(price, cur),
        "from": len(set(prices)) > 1,
        "was": format_money(was, cur) if was is not None and was > price else None,
        "deal": on_deal,
    }


def deal_view(deal: Deal, state: SessionState, now_ms: int) -> View:
    cur = state.currency
    return {
        "id": deal.deal_id,
        "title": _unit_title(state, deal.sku),
        "phase": deal.status(now_ms),
        "price": format_money(deal.deal_price_minor, cur),
        "was": format_money(deal.regular_price_minor, cur),
        "quantity": deal.quantity,
        "sold": deal.sold,
        "left": deal.left,
        "sold_out": deal.left == 0 or deal.end_reason == "sold_out",
        "live_at": deal.live_at_ms,
        "ends_at": deal.ends_at_ms,
    }


def order_view(state: SessionState, event: Event) -> View:
    d = event.data
    return {
        "id": event.seq,
        "buyer": mask_name(str(d.get("buyer", ""))),
        "title": _unit_title(state, str(d.get("sku", ""))),
        "qty": d.get("qty", 1),
    }


def overlay_view(state: SessionState, now_ms: int, orders: Iterable[Event],
                 image_url: ImageUrl) -> View:  # fmt: skip
    """Everything any overlay page shows; each page picks its cards from it."""
    deal = pick_deal(state, now_ms)
    return {
        "type": "state",
        "status": state.status,
        "presenting": presenting_view(state, image_url),
        "deal": deal_view(deal, state, now_ms) if deal is not None else None,
        "orders": [order_view(state, ev) for ev in orders if now_ms - ev.ts_ms < ORDER_FRESH_MS],
    }


def remote_view(state: SessionState, now_ms: int, image_url: ImageUrl) -> View:
    """What the assistant's remote shows: the overlay's cards plus where the queue stands."""
    view = overlay_view(state, now_ms, (), image_url)
    del view["orders"]
    queue = state.queue
    sku = state.presenting
    at = queue.index(sku) if sku in queue else None
    titles = [state.products[s].product.title for s in queue]

    def around(step: int) -> str | None:
        if not queue:
            return None
        if at is None:
            return titles[0] if step > 0 else titles[-1]
        return titles[(at + step) % len(queue)]

    view["queue"] = {
        "position": None if at is None else at + 1,
        "count": len(queue),
        "next": around(+1),
        "previous": around(-1),
    }
    view["prepared"] = sku is not None and sku in state.prepared
    return view


class OrderTicker:
    """The newest orders of a source, read incrementally from its activity.

    A replay can seek backwards, which shows an older state: the ticker
    starts over then instead of keeping orders from the future.
    """

    def __init__(self, keep: int = ORDERS_KEPT) -> None:
        self._orders: deque[Event] = deque(maxlen=keep)
        self._seq = 0

    def update(
        self, state: SessionState, activity_after: Callable[[int], list[Event]]
    ) -> list[Event]:
        if state.last_seq < self._seq:
            self._orders.clear()
            self._seq = 0
        for ev in activity_after(self._seq):
            if ev.kind == "order":
                self._orders.append(ev)
            self._seq = ev.seq
        return list(self._orders)


class ClockSync:
    """Tells pages the source's time, again only when their own reckoning drifts.

    A page extrapolates `now + rate × elapsed` from the last message. Live, the
    rate is 1 and a message is needed every few seconds at most; a paused or
    fast-forwarded replay changes the rate, and a seek moves `now`.
    """

    TOLERANCE_MS = 40
    RESYNC_MS = 5_000

    def __init__(self) -> None:
        self.rate = 1.0
        self._measured = 1.0  # the pace between the last two samples
        self._previous: tuple[int, float] | None = None  # (source ms, wall ms) at the last sample
        self._sent: tuple[int, float, float] | None = None  # (source ms, wall ms, rate) last sent

    @staticmethod
    def _snap(rate: float) -> float:
        """Sampling jitter aside, a source runs at real speed, stands still, or plays faster."""
        if abs(rate - 1) < 0.1:
            return 1.0
        return 0.0 if abs(rate) < 0.05 else round(rate, 2)

    def sample(self, source_ms: int, wall_ms: float) -> View | None:
        """A clock message when the pages need one at `wall_ms` (a monotonic time), else None."""
        if self._previous is not None and wall_ms > self._previous[1]:
            measured = self._snap((source_ms - self._previous[0]) / (wall_ms - self._previous[1]))
            if measured == self._measured:  # twice the same: a new pace, not a seek
                self.rate = measured
            self._measured = measured
        self._previous = (source_ms, wall_ms)
        if self._sent is not None:
            sent_ms, sent_wall, sent_rate = self._sent
            expected = sent_ms + sent_rate * (wall_ms - sent_wall)
            fresh = wall_ms - sent_wall < self.RESYNC_MS
            if fresh and sent_rate == self.rate and abs(source_ms - expected) <= self.TOLERANCE_MS:
                return None
        self._sent = (source_ms, wall_ms, self.rate)
        return self.message(source_ms)

    def message(self, source_ms: int) -> View:
        return {"type": "clock", "now": source_ms, "rate": self.rate}
