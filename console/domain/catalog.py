"""Products a seller can put on the queue.

A product may have variants (size, colour); each variant has its own SKU,
price and stock, and orders name the variant's SKU. Values are immutable so
a catalog snapshot can be shared between the engine, the store and the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from console.domain.money import DEFAULT_CURRENCY
from console.domain.text import encodable

MAX_TITLE = 300
MAX_SKU = 64


@dataclass(frozen=True, slots=True)
class Variant:
    sku: str
    title: str
    price_minor: int
    stock: int
    compare_at_minor: int | None = None
    image: str = ""


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    title: str
    price_minor: int
    stock: int
    compare_at_minor: int | None = None
    image: str = ""
    currency: str = DEFAULT_CURRENCY
    variants: tuple[Variant, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "title": self.title,
            "price_minor": self.price_minor,
            "compare_at_minor": self.compare_at_minor,
            "currency": self.currency,
            "stock": self.stock,
            "image": self.image,
            "variants": [
                {
                    "sku": v.sku,
                    "title": v.title,
                    "price_minor": v.price_minor,
                    "compare_at_minor": v.compare_at_minor,
                    "stock": v.stock,
                    "image": v.image,
                }
                for v in self.variants
            ],
        }

    def with_changes(self, **changes: Any) -> Product:
        return replace(self, **changes)


class CatalogError(ValueError):
    """A product description that cannot be accepted, with the reason."""


def _text(d: Mapping[str, Any], key: str, *, required: bool, limit: int) -> str:
    value = d.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or not encodable(value):
        raise CatalogError(f"{key} must be text")
    value = value.strip()
    if required and not value:
        raise CatalogError(f"{key} is empty")
    if len(value) > limit:
        raise CatalogError(f"{key} is longer than {limit} characters")
    return value


def _count(d: Mapping[str, Any], key: str) -> int:
    value = d.get(key)
    if type(value) is not int:
        raise CatalogError(f"{key} must be a whole number, got {value!r}")
    if value < 0:
        raise CatalogError(f"{key} must not be negative, got {value}")
    return value


def _optional_count(d: Mapping[str, Any], key: str) -> int | None:
    return None if d.get(key) is None else _count(d, key)


def product_from_dict(d: Mapping[str, Any]) -> Product:
    """Validate a product as carried in a `product_added` event or a file."""
    if not isinstance(d, Mapping):
        raise CatalogError("product must be an object")
    sku = _text(d, "sku", required=True, limit=MAX_SKU)
    variants_raw = d.get("variants") or []
    if not isinstance(variants_raw, list):
        raise CatalogError("variants must be a list")
    variants = []
    seen = {sku}
    for i, v in enumerate(variants_raw):
        if not isinstance(v, Mapping):
            raise CatalogError(f"variant {i + 1} must be an object")
        try:
            variant = Variant(
                sku=_text(v, "sku", required=True, limit=MAX_SKU),
                title=_text(v, "title", required=False, limit=MAX_TITLE),
                price_minor=_count(v, "price_minor"),
                stock=_count(v, "stock"),
                compare_at_minor=_optional_count(v, "compare_at_minor"),
                image=_text(v, "image", required=False, limit=2000),
            )
        except CatalogError as e:
            raise CatalogError(f"variant {i + 1}: {e}") from None
        if variant.sku in seen:
            raise CatalogError(f"variant SKU {variant.sku!r} appears twice")
        seen.add(variant.sku)
        variants.append(variant)
    currency = d.get("currency", DEFAULT_CURRENCY)
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise CatalogError(f"currency {currency!r} is not a three-letter code")
    return Product(
        sku=sku,
        title=_text(d, "title", required=True, limit=MAX_TITLE),
        price_minor=_count(d, "price_minor"),
        stock=_count(d, "stock"),
        compare_at_minor=_optional_count(d, "compare_at_minor"),
        image=_text(d, "image", required=False, limit=2000),
        currency=currency,
        variants=tuple(variants),
    )
