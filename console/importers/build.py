"""From parsed rows to products: variants, derived SKUs, untracked stock, refusals.

Shopify and WooCommerce spread one product over several rows, so every
format hands its orderable units here and this module alone decides how they
become a `Product`:

- One unit titled "" or "Default Title" is the product itself (Shopify's
  single-variant products, WooCommerce simple products, simple CSV rows).
- Otherwise the units are variants, and the product carries the lowest
  variant price (with that variant's compare-at price) and the sum of the
  variants' stock: the session's `price_of` ("from ¥99") and `stock_of` do
  the same, and orders name the variants' SKUs.
- A blank stock means the shop does not track it (Shopify's blank inventory,
  WooCommerce without managed stock): such a unit gets `UNTRACKED_STOCK`, a
  number big enough never to refuse a live order yet plainly not a count, and
  its SKU is listed in `ImportResult.untracked` so previews can say so.
- Every SKU in a file is unique, variants included; a clash names the row
  that has it first.
- Bad rows refuse the import unless ``skip_bad_rows``; products left out on
  purpose (archived, grouped, external) are listed but never refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from console.domain.catalog import MAX_SKU, CatalogError, Product, product_from_dict
from console.importers.csv_rows import CatalogImportError, ImportResult, SkippedRow

UNTRACKED_STOCK = 1_000_000
_DEFAULT_TITLES = ("", "default title")
_NOT_SLUG = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Unit:
    """One orderable unit read from a row, before it joins its product."""

    row: int
    sku: str
    title: str  # the option values ("S / Red"), or "" for a product without options
    price_minor: int
    compare_at_minor: int | None
    stock: int | None  # None: the file does not track this unit's stock
    image: str = ""


def derived_sku(*parts: str) -> str:
    """A SKU for a unit the file gives none: the parts slugged, joined by "-", cut to MAX_SKU.

    Case and letters of any script are kept (\\w is Unicode), so "TEE-BASIC"
    stays recognisable and "连衣裙" readable; runs of anything else become "-".
    """
    slugs = [s for s in (_NOT_SLUG.sub("-", p).strip("-") for p in parts) if s]
    return "-".join(slugs)[:MAX_SKU].rstrip("-")


class Outcome:
    """Collects a file's products and refusals, then applies the all-or-nothing rule."""

    def __init__(self, fmt: str, currency: str) -> None:
        self.fmt = fmt
        self.currency = currency
        self._products: list[tuple[int, Product]] = []
        self._bad: list[SkippedRow] = []
        self._left_out: list[SkippedRow] = []
        self._row_of_sku: dict[str, int] = {}
        self._untracked: set[str] = set()

    def bad(self, row: int, reason: str) -> None:
        self._bad.append(SkippedRow(row, reason))

    def leave_out(self, row: int, reason: str) -> None:
        self._left_out.append(SkippedRow(row, reason))

    def add(
        self, row: int, *, sku: str, title: str, image: str, units: Sequence[Unit], lost: int = 0
    ) -> None:
        """Build the product that starts on ``row`` from ``units``; refusals become bad rows.

        ``lost`` counts the product's unit rows already refused: a product
        left with no units because of them is not refused a second time.
        """
        kept = self._unique(sku, row, units)
        lost += len(units) - len(kept)
        if not kept:
            if not lost:
                self.bad(row, "the product has no row with a price")
            return
        try:
            product = product_from_dict(self._fields(sku, title, image, kept))
        except CatalogError as e:
            self.bad(row, str(e))
            return
        clash = self._row_of_sku.get(product.sku)
        if clash is not None:
            self.bad(row, f"SKU {product.sku!r} is already on row {clash}")
            return
        self._row_of_sku[product.sku] = row
        if product.variants:
            self._row_of_sku.update((u.sku, u.row) for u in kept)
        untracked = [u for u in kept if u.stock is None]
        self._untracked.update(product.sku if not product.variants else u.sku for u in untracked)
        self._products.append((row, product))

    def _unique(self, sku: str, row: int, units: Sequence[Unit]) -> list[Unit]:
        """The units whose SKUs are new to the file; the others are bad rows."""
        if _is_plain(units):
            return list(units)
        seen = {sku: row}
        kept = []
        for unit in units:
            clash = self._row_of_sku.get(unit.sku, seen.get(unit.sku))
            if clash is not None:
                self.bad(unit.row, f"SKU {unit.sku!r} is already on row {clash}")
            elif len(unit.sku) > MAX_SKU:
                self.bad(unit.row, f"sku is longer than {MAX_SKU} characters")
            else:
                seen[unit.sku] = unit.row
                kept.append(unit)
        return kept

    def _fields(self, sku: str, title: str, image: str, units: Sequence[Unit]) -> dict[str, Any]:
        """The `product_from_dict` fields for a product and its units."""
        if _is_plain(units):
            (unit,) = units
            return {
                "sku": unit.sku or sku,
                "title": title,
                "price_minor": unit.price_minor,
                "compare_at_minor": unit.compare_at_minor,
                "stock": _stock(unit),
                "image": image or unit.image,
                "currency": self.currency,
            }
        cheapest = min(units, key=lambda u: u.price_minor)
        variants = [
            {
                "sku": u.sku,
                "title": u.title,
                "price_minor": u.price_minor,
                "compare_at_minor": u.compare_at_minor,
                "stock": _stock(u),
                "image": u.image,
            }
            for u in units
        ]
        return {
            "sku": sku,
            "title": title,
            "price_minor": cheapest.price_minor,
            "compare_at_minor": cheapest.compare_at_minor,
            "stock": sum(v["stock"] for v in variants),
            "image": image or units[0].image,
            "currency": self.currency,
            "variants": variants,
        }

    def result(self, *, skip_bad_rows: bool) -> ImportResult:
        """The import, or CatalogImportError naming the first bad row (unless skipping them)."""
        bad = sorted(self._bad, key=lambda s: s.row)
        if bad and not skip_bad_rows:
            more = f" ({len(bad) - 1} more bad rows after it)" if len(bad) > 1 else ""
            raise CatalogImportError(f"row {bad[0].row}: {bad[0].reason}{more}")
        if not self._products:
            detail = ""
            if bad:
                detail = (
                    f"; {len(bad)} bad rows" if self._left_out else f"; all {len(bad)} rows are bad"
                )
            if self._left_out:
                detail += f"; {len(self._left_out)} left out: {self._left_out[0].reason}"
            raise CatalogImportError(f"the file has no products{detail}")
        return ImportResult(
            tuple(p for _, p in sorted(self._products, key=lambda rp: rp[0])),
            tuple(sorted(bad + self._left_out, key=lambda s: s.row)),
            self.fmt,
            frozenset(self._untracked),
        )


def no_options(title: str) -> bool:
    """A unit title that names no option: blank, or Shopify's "Default Title"."""
    return title.lower() in _DEFAULT_TITLES


def _is_plain(units: Sequence[Unit]) -> bool:
    """One unit without options: the product is that unit, with no variants."""
    return len(units) == 1 and no_options(units[0].title)


def _stock(unit: Unit) -> int:
    return UNTRACKED_STOCK if unit.stock is None else unit.stock
