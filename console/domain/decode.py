"""Turn untrusted event dicts (feeds, scripts, files) into clean event data.

Decoding checks shape only: the kind is known, each field has the right type
and range. Checks that need the session (unknown SKU, stock) are the
reducer's `check`. Unknown extra fields are dropped, so a bridge may send
platform extras without them reaching the log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from console.domain.deals import COUNTDOWN_MAX_S, DURATION_MAX_S
from console.domain.events import KINDS
from console.domain.text import encodable

MAX_TEXT = 2000
MAX_NAME = 100
MAX_COUNT = 1_000_000
MAX_QTY = 10_000
MAX_MINOR = 10**12
MAX_ONLINE = 10**9
# Any timestamp before 2000-01-01 or after 2100-01-01 is absurd.
MIN_TS_MS = 946_684_800_000
MAX_TS_MS = 4_102_444_800_000


class DecodeError(ValueError):
    """The reason an event was refused; stored in the `rejected` table."""


class Draft(NamedTuple):
    kind: str
    ts_ms: int | None
    data: dict[str, Any]


# (name, type, required, low, high, default). For text, low/high bound the length.
_Field = tuple[str, type, bool, int, int, Any]


def _t(
    name: str, required: bool = True, high: int = MAX_NAME, low: int = 1, default: Any = None
) -> _Field:
    return (name, str, required, low, high, default)


def _i(
    name: str, required: bool = True, low: int = 0, high: int = MAX_MINOR, default: Any = None
) -> _Field:
    return (name, int, required, low, high, default)


SPEC: dict[str, tuple[_Field, ...]] = {
    "order": (
        _t("order_id"),
        _t("buyer", required=False, low=0, default=""),
        _t("buyer_id", required=False),
        _t("sku"),
        _i("qty", low=1, high=MAX_QTY),
        _i("price_minor", required=False),
    ),
    "comment": (_t("user"), _t("text", high=MAX_TEXT)),
    "like": (_t("user", required=False), _i("count", False, 1, MAX_COUNT, 1)),
    "follow": (_t("user"),),
    "share": (_t("user"),),
    "gift": (
        _t("user"),
        _t("gift"),
        _i("count", False, 1, MAX_COUNT, 1),
        _i("value_minor", False, 0, MAX_MINOR, 0),
    ),
    "viewers": (_i("online", high=MAX_ONLINE),),
    "enter": (_t("user", required=False), _i("count", False, 1, MAX_COUNT, 1)),
    "session_started": (
        _t("session_id"),
        _t("title", high=300),
        _t("currency", low=3, high=3),
        _t("app_version", high=40),
    ),
    "session_ended": (_t("reason", high=40),),
    # Recording went on after an interruption; `gap_ms` since the last event logged before it.
    "session_resumed": (_i("gap_ms", high=MAX_TS_MS),),
    "product_added": (("product", dict, True, 0, 0, None),),
    "product_updated": (("product", dict, True, 0, 0, None),),
    "product_removed": (_t("sku"),),
    "queue_reordered": (("queue", list, True, 0, 10_000, None),),
    "product_presented": (_t("sku", required=False),),
    "price_changed": (_t("sku"), _i("price_minor")),
    "stock_changed": (_t("sku"), _i("stock", high=10**9)),
    "marker": (_t("text", high=500),),
    "deal_prepared": (
        _t("sku"),
        _i("deal_price_minor", required=False, low=1),
        _i("percent_off", required=False, low=1, high=99),
        _i("quantity", low=1, high=10**9),
        _i("per_buyer", low=1, high=10**9),
        _i("countdown_s", high=COUNTDOWN_MAX_S),
        _i("duration_s", low=1, high=DURATION_MAX_S),
    ),
    "deal_scheduled": (
        _t("sku"),
        _i("deal_price_minor", low=1),
        _i("quantity", low=1, high=10**9),
        _i("per_buyer", low=1, high=10**9),
        _i("countdown_s", high=COUNTDOWN_MAX_S),
        _i("duration_s", low=1, high=DURATION_MAX_S),
        _i("starts_at_ms", low=MIN_TS_MS, high=MAX_TS_MS),
    ),
    "deal_started": (_i("deal_id", low=1, high=2**62),),
    "deal_ended": (
        _i("deal_id", low=1, high=2**62),
        _t("reason", high=20),
        _i("sold", required=False, high=10**9),
        _i("gmv_minor", required=False),
    ),
    # Pins a comment for everyone to see; without `seq` it unpins.
    "comment_pinned": (
        _i("seq", required=False, low=1, high=2**62),
        _t("user", required=False, low=0),
        _t("text", required=False, high=MAX_TEXT),
    ),
}
assert SPEC.keys() == KINDS


def decode(raw: Any) -> Draft:
    """Validate one raw event. Raises DecodeError naming the first problem."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise DecodeError(f"event must be an object, got {type(raw).__name__}")
    get = raw.get
    kind: Any = get("kind")
    spec = SPEC.get(kind) if type(kind) is str else None
    if spec is None:
        raise DecodeError(f"unknown kind {kind!r:.60}" if kind is not None else "missing kind")
    ts = get("ts_ms")
    if ts is not None and (type(ts) is not int or not MIN_TS_MS <= ts <= MAX_TS_MS):
        raise DecodeError(f"ts_ms must be a plausible time in integer milliseconds, got {ts!r:.60}")
    data: dict[str, Any] = {}
    for name, typ, required, low, high, default in spec:
        value: Any = get(name)
        if value is None:
            if required:
                raise DecodeError(f"{kind}: missing {name}")
            if default is not None:
                data[name] = default
            continue
        if typ is int:
            if type(value) is not int:  # exact: a bool is not a count here
                raise DecodeError(f"{kind}: {name} must be int, got {value!r:.60}")
            if value < low or value > high:
                raise DecodeError(f"{kind}: {name} {value} is out of range {low}..{high}")
        elif typ is str:
            if type(value) is not str:
                raise DecodeError(f"{kind}: {name} must be str, got {value!r:.60}")
            if len(value) < low or len(value) > high:
                raise DecodeError(f"{kind}: {name} length must be {low}..{high}")
            if not value.isascii() and not encodable(value):
                raise DecodeError(f"{kind}: {name} is not valid Unicode text")
        elif type(value) is not typ:
            raise DecodeError(f"{kind}: {name} must be {typ.__name__}, got {value!r:.60}")
        elif isinstance(value, list) and len(value) > high:
            raise DecodeError(f"{kind}: {name} has more than {high} items")
        data[name] = value
    return Draft(kind, ts, data)
