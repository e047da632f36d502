"""Catalog import from the simple CSV a seller writes in Excel or a text editor.

Columns (header names case-insensitive, any order, unknown ones ignored):
``sku,title,price,stock`` plus optional ``compare_at`` and ``image``. Prices
are read exactly by `parse_price`; product rules (SKU and title limits) are
those of `product_from_dict`, so they live in one place. Import is
all-or-nothing unless the caller asks to skip bad rows, and every refusal
names the file line it starts on, so the seller can find it in Excel.
"""

from __future__ import annotations

from pathlib import Path

from console.domain.catalog import CatalogError
from console.domain.money import DEFAULT_CURRENCY
from console.importers.build import Outcome, Unit
from console.importers.csv_rows import (
    CatalogImportError,
    ImportResult,
    Row,
    SkippedRow,
    open_csv,
    price_cell,
    read_text,
    stock_cell,
)

__all__ = [
    "CatalogImportError",
    "ImportResult",
    "SkippedRow",
    "load_catalog",
    "parse_simple_csv",
    "read_text",
]

_COLUMNS = {name: (name,) for name in ("sku", "title", "price", "stock", "compare_at", "image")}
_REQUIRED = ("sku", "title", "price", "stock")


def load_catalog(
    path: Path, currency: str = DEFAULT_CURRENCY, *, skip_bad_rows: bool = False
) -> ImportResult:
    """Read and parse a simple CSV catalog file; see `parse_simple_csv`."""
    return parse_simple_csv(read_text(path), currency, skip_bad_rows=skip_bad_rows)


def parse_simple_csv(
    text: str, currency: str = DEFAULT_CURRENCY, *, skip_bad_rows: bool = False
) -> ImportResult:
    """Parse catalog text into products priced in ``currency``, one per row.

    A bad row refuses the whole import (a half-imported catalog is worse than
    none mid-stream) unless ``skip_bad_rows``, which keeps the good rows and
    lists the bad ones.
    """
    _, rows = open_csv(text, currency, _COLUMNS, _REQUIRED, "sku,title,price,stock")
    outcome = Outcome("simple", currency)
    for row in rows:
        try:
            unit = _unit(row, currency)
        except CatalogError as e:
            outcome.bad(row.line, str(e))
            continue
        outcome.add(row.line, sku=unit.sku, title=row.get("title"), image="", units=[unit])
    return outcome.result(skip_bad_rows=skip_bad_rows)


def _unit(row: Row, currency: str) -> Unit:
    """The row's product as one unit; raises CatalogError with the reason."""
    row.check_width()
    value = {name: row.one_line(name, name) for name in ("sku", "price", "stock", "compare_at")}
    image = row.one_line("image", "image")
    if not value["price"]:
        raise CatalogError("price is empty")
    compare_at = value["compare_at"]
    return Unit(
        row=row.line,
        sku=value["sku"],
        title="",
        price_minor=price_cell(value["price"], currency),
        compare_at_minor=price_cell(compare_at, currency, "compare_at") if compare_at else None,
        stock=stock_cell(value["stock"]),
        image=image,
    )
