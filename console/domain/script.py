"""Show scripts: a JSON list of timed operator actions for `simulate`.

A script is checked whole before a run starts, so a typo in entry 40 is
reported at once with its index, not after half an hour of simulation.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from console.domain.money import MoneyError, parse_price

MAX_AT_S = 7 * 24 * 3600

# action -> (required fields, optional fields), besides "at" and "action"
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "present": (frozenset({"sku"}), frozenset()),
    "price": (frozenset({"sku", "price"}), frozenset()),
    "stock": (frozenset({"sku", "stock"}), frozenset()),
    "marker": (frozenset({"text"}), frozenset()),
    "end": (frozenset(), frozenset()),
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
    elif action == "marker":
        text = raw["text"]
        if not isinstance(text, str) or not 1 <= len(text.strip()) <= 500:
            raise ScriptError(i, "marker text must be 1 to 500 characters")
        fields["text"] = text.strip()
    return ScriptAction(i, round(at * 1000), action, fields)


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
