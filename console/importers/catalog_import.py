"""One entry point for every catalog format: detect it, parse it, report it as JSON.

The CLI's `import-catalog` and the GUI's import dialog both come here, so a
file imports the same way in both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from console.domain.catalog import CatalogError, Product, product_from_dict
from console.domain.money import DEFAULT_CURRENCY
from console.importers.csv_rows import (
    CatalogImportError,
    ImportResult,
    SkippedRow,
    header_cells,
    read_text,
)
from console.importers.shopify_csv import parse_shopify_csv
from console.importers.simple_csv import parse_simple_csv
from console.importers.woocommerce_csv import parse_woocommerce_csv

FORMATS = ("auto", "shopify", "woocommerce", "simple", "saved")


def parse_saved(text: str, currency: str = DEFAULT_CURRENCY, *,
                skip_bad_rows: bool = False) -> ImportResult:  # fmt: skip
    """A catalog `import-catalog` saved: its own JSON, read back by the same product rules."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise CatalogImportError(f"the saved catalog is not valid JSON: {e}") from None
    entries = data.get("products") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CatalogImportError('a saved catalog is an object with a "products" list')
    products: list[Product] = []
    skipped: list[SkippedRow] = []
    for n, entry in enumerate(entries, 1):
        try:
            product = product_from_dict(entry)
            if product.currency != currency:
                raise CatalogError(
                    f"its prices are in {product.currency}, the session's in {currency}"
                )
        except CatalogError as e:
            skipped.append(SkippedRow(n, f"product {n}: {e}"))
            continue
        products.append(product)
    if skipped and not skip_bad_rows:
        raise CatalogImportError(skipped[0].reason)
    if not products:
        raise CatalogImportError("the saved catalog has no products")
    return ImportResult(tuple(products), tuple(skipped), format="saved")


_PARSERS: dict[str, Callable[..., ImportResult]] = {
    "shopify": parse_shopify_csv,
    "woocommerce": parse_woocommerce_csv,
    "simple": parse_simple_csv,
    "saved": parse_saved,
}
_SHOWN_COLUMNS = 12


def detect_format(header_cells: Sequence[str]) -> str:
    """The format a header row belongs to, by its column names (any case, any order).

    Shopify has a handle column; a WooCommerce export has Type, Name and
    Regular price; the simple CSV has sku, title, price and stock.
    """
    names = {cell.strip().lower() for cell in header_cells}
    if names & {"handle", "url handle"}:
        return "shopify"
    if {"type", "name", "regular price"} <= names:
        return "woocommerce"
    if {"sku", "title", "price", "stock"} <= names:
        return "simple"
    seen = [cell.strip() for cell in header_cells if cell.strip()]
    shown = ", ".join(repr(c) for c in seen[:_SHOWN_COLUMNS])
    if len(seen) > _SHOWN_COLUMNS:
        shown += f" and {len(seen) - _SHOWN_COLUMNS} more"
    raise CatalogImportError(
        f"cannot tell the catalog format from the header ({shown or 'no column names'}): "
        "expected Shopify (Handle or URL handle), WooCommerce (Type, Name, Regular price) "
        "or simple (sku, title, price, stock)"
    )


def parse_catalog(
    text: str,
    fmt: str = "auto",
    currency: str = DEFAULT_CURRENCY,
    *,
    skip_bad_rows: bool = False,
) -> ImportResult:
    """Parse catalog text in ``fmt`` ("auto" detects it from the header)."""
    if fmt not in FORMATS:
        raise CatalogImportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "auto":
        fmt = (
            "saved"
            if text.lstrip("\ufeff \t\r\n").startswith("{")
            else detect_format(header_cells(text))
        )
    return _PARSERS[fmt](text, currency, skip_bad_rows=skip_bad_rows)


def import_catalog(
    path: Path,
    fmt: str = "auto",
    currency: str = DEFAULT_CURRENCY,
    *,
    skip_bad_rows: bool = False,
) -> ImportResult:
    """Read a catalog file (UTF-8, UTF-8 with BOM or GB18030) and parse it; see `parse_catalog`.

    All or nothing: CatalogImportError names the first bad row unless
    ``skip_bad_rows``; nothing is returned from a file that cannot be imported.
    """
    return parse_catalog(read_text(path), fmt, currency, skip_bad_rows=skip_bad_rows)


def catalog_json(result: ImportResult) -> dict[str, Any]:
    """``{"products": [...], "skipped": [...]}``, as `import-catalog --json` prints it.

    Variants carry the same keys as products (their product's currency), and
    no variants of their own.
    """
    products = []
    for product in result.products:
        entry = product.to_dict()
        entry["variants"] = [
            {
                "sku": v["sku"],
                "title": v["title"],
                "price_minor": v["price_minor"],
                "compare_at_minor": v["compare_at_minor"],
                "currency": product.currency,
                "stock": v["stock"],
                "image": v["image"],
            }
            for v in entry["variants"]
        ]
        products.append(entry)
    skipped = [{"row": s.row, "reason": s.reason} for s in result.skipped]
    return {"products": products, "skipped": skipped}
