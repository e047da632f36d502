"""Shopify `orders/create` webhooks, without the server: signatures and the mapping.

Shopify signs every delivery with `X-Shopify-Hmac-Sha256`, the base64 of an
HMAC-SHA256 of the raw body keyed with the app's secret; anything else is
refused before its body is read as JSON.

An order becomes one raw `order` event per line item. The unit price is what
the buyer paid for the unit: the line's `price` less its `discount_allocations`
(line discounts and its share of order discount codes), divided by the
quantity and rounded down, so the console's GMV counts money taken, as a flash
deal's orders do, and never overstates it (by less than one minor unit per
unit). Shipping, tax and tips are not merchandise and are left out. Amounts are
the shop's currency (`price`, not `price_set.presentment_money`), which must
be the session's.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from typing import Any

from console.domain.decode import MAX_NAME, MAX_QTY
from console.domain.money import MoneyError, parse_price
from console.domain.text import encodable

SECRET_ENV = "LIVE_CONSOLE_SHOPIFY_SECRET"


def secret_from(setting: str | None) -> str | None:
    """The webhook secret: the setting, else the environment, never the command line."""
    for value in (setting, os.environ.get(SECRET_ENV)):
        if value and value.strip():
            return value.strip()
    return None


def verify_signature(secret: bytes, body: bytes, header: str | None) -> bool:
    """True when `header` is the base64 HMAC-SHA256 of `body`; compared in constant time."""
    if not header:
        return False
    try:
        given = base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):  # not base64, or not ASCII at all
        return False
    expected = hmac.new(secret, body, hashlib.sha256).digest()
    return hmac.compare_digest(expected, given)


def _ident(value: Any) -> str | None:
    """An id Shopify gives as a number or text; None when absent or of another type."""
    if type(value) is int or (type(value) is str and value):
        return str(value)
    return None


def _where(label: str, index: int, item: Any) -> str:
    """Names a line item in a reason: "order #9999 line 2 'Shirt'"."""
    title = (item.get("title") or item.get("name")) if isinstance(item, Mapping) else None
    return f"order {label} line {index}" + (f" {title!r:.60}" if type(title) is str else "")


def _line(item: Any, currency: str) -> dict[str, Any] | str:
    """One line item's sku, qty, unit price paid and id; or what is wrong with it."""
    if not isinstance(item, Mapping):
        return "not an object"
    sku = item.get("sku")
    if type(sku) is not str or not sku.strip():
        return "no SKU"
    qty = item.get("quantity")
    if type(qty) is not int or not 1 <= qty <= MAX_QTY:
        return f"quantity must be 1..{MAX_QTY}, got {qty!r:.40}"
    allocations = item.get("discount_allocations") or []
    if not isinstance(allocations, list):
        return "discount_allocations is not a list"
    try:
        price: Any = item.get("price")
        paid = parse_price(price, currency) * qty
        for allocation in allocations:
            amount: Any = allocation.get("amount") if isinstance(allocation, Mapping) else None
            paid -= parse_price(amount, currency)
    except MoneyError as e:
        return str(e)
    if paid < 0:
        return "discounts exceed the line's price"
    return {"sku": sku, "qty": qty, "price_minor": paid // qty, "id": _ident(item.get("id"))}


def order_events(payload: Any, currency: str) -> tuple[list[dict[str, Any]], list[str]]:
    """An `orders/create` payload as raw `order` events, and a reason per line item refused.

    Never raises: the payload is signed but still another program's JSON.
    """
    if not isinstance(payload, Mapping):
        return [], ["order is not a JSON object"]
    oid = _ident(payload.get("id")) or _ident(payload.get("name"))
    name = payload.get("name")
    label = f"{name if type(name) is str and name else (oid or '(no id)'):.40}"
    items = payload.get("line_items")
    if not isinstance(items, list) or not items:
        return [], [f"order {label}: no line items"]
    customer = payload.get("customer")
    customer = customer if isinstance(customer, Mapping) else {}
    first = customer.get("first_name")
    buyer = first[:MAX_NAME] if type(first) is str and encodable(first) else ""
    buyer_id = _ident(customer.get("id"))
    order_currency = payload.get("currency")
    events: list[dict[str, Any]] = []
    reasons: list[str] = []
    for index, item in enumerate(items, 1):
        if order_currency != currency:
            line: dict[str, Any] | str = (
                f"the order is in {order_currency!r:.20}, the session in {currency}"
            )
        elif oid is None:
            line = "the order has neither id nor name"
        else:
            line = _line(item, currency)
        if isinstance(line, str):
            reasons.append(f"{_where(label, index, item)}: {line}")
            continue
        event = {
            "kind": "order",
            "order_id": f"{oid}:{line['id'] or index}",
            "buyer": buyer,
            "sku": line["sku"],
            "qty": line["qty"],
            "price_minor": line["price_minor"],
        }
        if buyer_id is not None:
            event["buyer_id"] = f"shopify:{buyer_id}"
        events.append(event)
    return events, reasons
