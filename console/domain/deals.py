"""Flash deals: a deal price for a limited quantity and time, per-buyer limits.

A deal is scheduled (it may start now), counts down (0 or 10-300 s), goes
live, and ends by time, sell-out, by hand, or with the session. Deadlines are
stored; every countdown is computed from them, so nothing drifts. The
engine turns due deadlines into `deal_started` / `deal_ended` events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

COUNTDOWN_MIN_S, COUNTDOWN_MAX_S = 10, 300
DURATION_MIN_S, DURATION_MAX_S = 60, 60 * 60
END_REASONS = ("time", "sold_out", "stopped", "session_ended")


@dataclass(frozen=True, slots=True)
class DealSpec:
    """What the operator sets up; validated by `check_spec` against the session."""

    sku: str  # a product (all its variants) or one variant
    deal_price_minor: int | None = None
    percent_off: int | None = None
    quantity: int = 1
    per_buyer: int = 1
    countdown_s: int = 0
    duration_s: int = 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku, "deal_price_minor": self.deal_price_minor,
            "percent_off": self.percent_off, "quantity": self.quantity,
            "per_buyer": self.per_buyer, "countdown_s": self.countdown_s,
            "duration_s": self.duration_s,
        }  # fmt: skip


@dataclass(slots=True)
class Deal:
    deal_id: int  # the seq of its deal_scheduled event
    sku: str
    product_sku: str
    units: tuple[str, ...]  # the orderable SKUs the deal price applies to
    deal_price_minor: int
    regular_price_minor: int
    quantity: int
    per_buyer: int
    countdown_s: int
    duration_s: int
    starts_at_ms: int  # when the countdown starts (= live_at when there is none)
    started_at_ms: int | None = None  # when it went live
    ended_at_ms: int | None = None
    end_reason: str | None = None
    sold: int = 0
    orders: int = 0
    gmv_minor: int = 0
    buyers: dict[str, int] = field(default_factory=dict)

    @property
    def live_at_ms(self) -> int:
        return self.starts_at_ms + self.countdown_s * 1000

    @property
    def ends_at_ms(self) -> int:
        """The time limit; a sell-out or a stop may end it sooner."""
        return self.live_at_ms + self.duration_s * 1000

    @property
    def left(self) -> int:
        return self.quantity - self.sold

    def status(self, now_ms: int) -> str:
        """scheduled, countdown, live or ended, at `now_ms`."""
        if self.ended_at_ms is not None:
            return "ended"
        if self.started_at_ms is not None:
            return "live"
        return "countdown" if now_ms >= self.starts_at_ms else "scheduled"

    def seconds_left(self, now_ms: int) -> float:
        """Until going live in the countdown, until the end when live; from deadlines."""
        status = self.status(now_ms)
        if status in ("scheduled", "countdown"):
            return max(0.0, (self.live_at_ms - now_ms) / 1000)
        if status == "live":
            return max(0.0, (self.ends_at_ms - now_ms) / 1000)
        return 0.0

    def summary(self) -> dict[str, Any]:
        """The `info --json` form."""
        return {
            "sku": self.sku,
            "deal_price_minor": self.deal_price_minor,
            "quantity": self.quantity,
            "per_buyer": self.per_buyer,
            "sold": self.sold,
            "started_at_ms": self.started_at_ms,
            "ended_at_ms": self.ended_at_ms,
            "end_reason": self.end_reason,
            "gmv_minor": self.gmv_minor,
        }


def deal_price(regular_minor: int, spec: DealSpec) -> int:
    """The absolute deal price, or from percent off (rounded down to the minor unit)."""
    if spec.deal_price_minor is not None:
        return spec.deal_price_minor
    return regular_minor * (100 - (spec.percent_off or 0)) // 100
