"""Show scripts: a JSON list of timed operator actions for `simulate`.

A script is checked whole before a run starts, so a typo in entry 40 is
reported at once with its index, not after half an hour of simulation.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from console.domain.deals import DealSpec
from console.domain.money import MoneyError, parse_price

MAX_AT_S = 7 * 24 * 3600

# action -> (required fields, optional fields), besides "at" and "action"
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "present": (frozenset({"sku"}), frozenset()),
    "price": (frozenset({"sku", "price"}), frozenset()),
    "stock": (frozenset({"sku", "stock"}), frozenset()),
    "marker": (frozenset({"text"}), frozenset()),
    "end": (frozenset(), frozenset()),
    "deal": (
        frozenset({"sku", "quantity", "per_buyer", "duration_s"}),
        frozenset({"price", "percent_off", "countdown_s"}),
    ),
    "stop_deal": (frozenset({"sku"}), frozenset()),
}


class ScriptError(ValueError):
    """Names the bad entry (1-based, as a person counts) and why it is bad."""

    def __init__(self, index: int | None, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"entry {index}: {reason}" if index is not None else reason)


@dataclass(frozen=True, slots=True)
class ScriptAction:
    index: int
    at_ms: int
    action: str
    fields: dict[str, Any]


def _entry(i: int, raw: Any, skus: Collection[str], currency: str) -> ScriptAction:
    if not isinstance(raw, dict):
        raise ScriptError(i, 'must be an object like {"at": 0, "action": "present", ...}')
    action = raw.get("action")
    if action not in ACTIONS:
        raise ScriptError(i, f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    at = raw.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float) or not 0 <= at <= MAX_AT_S:
        raise ScriptError(i, f'"at" must be seconds from the start (0 to {MAX_AT_S}), got {at!r}')
    required, optional = ACTIONS[action]
    extra = set(raw) - required - optional - {"at", "action"}
    if extra:
        raise ScriptError(i, f"unknown field {sorted(extra)[0]!r} for action {action!r}")
    missing = required - set(raw)
    if missing:
        raise ScriptError(i, f"action {action!r} needs {sorted(missing)[0]!r}")
    fields: dict[str, Any] = {}
    if "sku" in required:
        sku = raw["sku"]
        if not isinstance(sku, str) or sku not in skus:
            raise ScriptError(i, f"unknown SKU {sku!r}")
        fields["sku"] = sku
    if action == "price":
        try:
            fields["price_minor"] = parse_price(raw["price"], currency)
        except MoneyError as e:
            raise ScriptError(i, str(e)) from None
    elif action == "stock":
        stock = raw["stock"]
        if type(stock) is not int or stock < 0:
            raise ScriptError(i, f"stock must be a whole number of at least 0, got {stock!r}")
        fields["stock"] = stock
    elif action == "deal":
        fields["spec"] = _deal_spec(i, raw, fields["sku"], currency)
    elif action == "marker":
        text = raw["text"]
        if not isinstance(text, str) or not 1 <= len(text.strip()) <= 500:
            raise ScriptError(i, "marker text must be 1 to 500 characters")
        fields["text"] = text.strip()
    return ScriptAction(i, round(at * 1000), action, fields)


def _whole(i: int, raw: dict[str, Any], key: str, default: int | None = None) -> int:
    value = raw.get(key, default)
    if type(value) is not int or value < 0:
        raise ScriptError(i, f"{key} must be a whole number, got {value!r}")
    return value


def _deal_spec(i: int, raw: dict[str, Any], sku: str, currency: str) -> DealSpec:
    """The shape of a deal entry; the session checks the rest (price below regular, stock)."""
    if ("price" in raw) == ("percent_off" in raw):
        raise ScriptError(i, 'a deal needs either "price" or "percent_off"')
    price = None
    if "price" in raw:
        try:
            price = parse_price(raw["price"], currency)
        except MoneyError as e:
            raise ScriptError(i, str(e)) from None
    percent = _whole(i, raw, "percent_off", 0) if "percent_off" in raw else None
    if percent is not None and not 1 <= percent <= 99:
        raise ScriptError(i, f"percent_off must be 1 to 99, got {percent}")
    return DealSpec(
        sku, price, percent, _whole(i, raw, "quantity"), _whole(i, raw, "per_buyer"),
        _whole(i, raw, "countdown_s", 0), _whole(i, raw, "duration_s"),
    )  # fmt: skip


def parse_script(obj: Any, skus: Collection[str], currency: str = "CNY") -> list[ScriptAction]:
    """Validate a decoded script; actions sorted by time (stable for equal times)."""
    if not isinstance(obj, list):
        raise ScriptError(None, "a show script is a JSON list of actions")
    actions = [_entry(i, raw, skus, currency) for i, raw in enumerate(obj, start=1)]
    return sorted(actions, key=lambda a: a.at_ms)


def auto_show(
    queue: list[str], duration_ms: int, slot_ms: int = 5 * 60 * 1000
) -> list[ScriptAction]:
    """The run of show used without a script: each product in turn, then round again."""
    if not queue:
        return []
    slot = max(60_000, min(slot_ms, duration_ms // len(queue) or 60_000))
    return [
        ScriptAction(0, at, "present", {"sku": queue[n % len(queue)]})
        for n, at in enumerate(range(0, max(duration_ms, 1), slot))
    ]
