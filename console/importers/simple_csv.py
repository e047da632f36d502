"""Catalog import from the simple CSV a seller writes in Excel or a text editor.

Columns (header names case-insensitive, any order, unknown ones ignored):
``sku,title,price,stock`` plus optional ``compare_at`` and ``image``. Prices
are read exactly by `parse_price`; product rules (SKU and title limits) are
those of `product_from_dict`, so they live in one place. Import is
all-or-nothing unless the caller asks to skip bad rows, and every refusal
names the file line it starts on, so the seller can find it in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from console.domain.catalog import CatalogError, Product, product_from_dict
from console.domain.money import DEFAULT_CURRENCY, MoneyError, check_currency, parse_price

_REQUIRED = ("sku", "title", "price", "stock")
_OPTIONAL = ("compare_at", "image")
# A stock above this is a pasted barcode or a typo; the cap also keeps counts
# far inside SQLite's 64-bit integers.
_MAX_STOCK = 10**9


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row left out under ``skip_bad_rows``; ``row`` is the file line it starts on (header = 1)."""

    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    products: tuple[Product, ...]
    skipped: tuple[SkippedRow, ...]


class CatalogImportError(ValueError):
    """A catalog file that cannot be imported; the message names the row and the reason."""


def read_text(path: Path) -> str:
    """Decode a catalog file as Excel saves it: UTF-8 (with or without BOM) or GB18030.

    Chinese Windows Excel writes plain "CSV" in the ANSI code page (GBK, a
    subset of GB18030) and "CSV UTF-8" with a BOM. UTF-8 is tried first
    because GBK text is almost never valid UTF-8, while UTF-8 text often
    decodes as GB18030 mojibake.
    """
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CatalogImportError(f"cannot read {path}: {e.strerror or e}") from e
    if b"\x00" in data:
        raise CatalogImportError(
            f"{path} is not CSV text (it contains NUL bytes, as an Excel workbook or "
            "UTF-16 text does): save it as 'CSV UTF-8'"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CatalogImportError(f"{path} is neither UTF-8 nor GB18030 text: save it as 'CSV UTF-8'")


def load_catalog(
    path: Path, currency: str = DEFAULT_CURRENCY, *, skip_bad_rows: bool = False
) -> ImportResult:
    """Read and parse a simple CSV catalog file; see `parse_simple_csv`."""
    return parse_simple_csv(read_text(path), currency, skip_bad_rows=skip_bad_rows)


def parse_simple_csv(
    text: str, currency: str = DEFAULT_CURRENCY, *, skip_bad_rows: bool = False
) -> ImportResult:
    """Parse catalog text into products priced in ``currency``.

    A bad row refuses the whole import (a half-imported catalog is worse than
    none mid-stream) unless ``skip_bad_rows``, which keeps the good rows and
    lists the bad ones. Broken CSV quoting always refuses: past it, nobody
    can tell where rows begin.
    """
    try:
        check_currency(currency)
    except MoneyError as e:
        raise CatalogImportError(str(e)) from None
    records = _records(text.removeprefix("\ufeff"))
    header = next(records, None)
    if header is None:
        raise CatalogImportError("the file is empty: expected a header row sku,title,price,stock")
    columns = _columns(*header)
    width = len(header[1])
    products: list[Product] = []
    skipped: list[SkippedRow] = []
    row_of_sku: dict[str, int] = {}
    for row, cells in records:
        try:
            product = _product(cells, columns, width, currency)
            if product.sku in row_of_sku:
                raise CatalogError(
                    f"SKU {product.sku!r} is already on row {row_of_sku[product.sku]}"
                )
        except (CatalogError, MoneyError) as e:
            skipped.append(SkippedRow(row, str(e)))
            continue
        row_of_sku[product.sku] = row
        products.append(product)
    if skipped and not skip_bad_rows:
        first = skipped[0]
        more = f" ({len(skipped) - 1} more bad rows after it)" if len(skipped) > 1 else ""
        raise CatalogImportError(f"row {first.row}: {first.reason}{more}")
    if not products:
        detail = f"; all {len(skipped)} rows are bad" if skipped else ""
        raise CatalogImportError(f"the file has no products{detail}")
    return ImportResult(tuple(products), tuple(skipped))


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line the record starts on, cells) for each non-blank CSV record.

    Strict mode makes an unclosed quote an error instead of silently
    swallowing the rest of the file into one field.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, skipinitialspace=True)
    while True:
        row = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            raise CatalogImportError(
                f"row {row}: cannot read the CSV here ({e}): a quoted field must be closed, "
                'with only a comma after its closing quote, and quotes inside it doubled ("")'
            ) from None
        if any(cell.strip() for cell in cells):
            yield row, cells


def _columns(row: int, cells: list[str]) -> dict[str, int]:
    """Map each known column name to its index in the header."""
    index: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = cell.strip().lower()
        if name in _REQUIRED or name in _OPTIONAL:
            if name in index:
                raise CatalogImportError(f"row {row}: the header has column {name!r} twice")
            index[name] = i
    missing = [name for name in _REQUIRED if name not in index]
    if missing:
        names = ", ".join(repr(name) for name in missing)
        plural = "s" if len(missing) > 1 else ""
        hint = ""
        if len(cells) == 1 and (";" in cells[0] or "\t" in cells[0]):
            hint = "; the header has no commas: save the file as comma-separated CSV"
        raise CatalogImportError(
            f"row {row}: the header lacks column{plural} {names} (expected sku,title,price,stock){hint}"
        )
    return index


def _product(cells: list[str], columns: dict[str, int], width: int, currency: str) -> Product:
    """Build one product from a record; raises CatalogError or MoneyError with the reason."""
    if any(cell.strip() for cell in cells[width:]):
        raise CatalogError(
            f"the row has {len(cells)} cells but the header has {width}: "
            "put a title that contains a comma in double quotes"
        )
    value = {name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()}
    for name in ("sku", "price", "stock", "compare_at", "image"):
        if "\n" in value.get(name, "") or "\r" in value.get(name, ""):
            raise CatalogError(f"{name} contains a line break")
    if not value["price"]:
        raise CatalogError("price is empty")
    compare_at = None
    if value.get("compare_at"):
        try:
            compare_at = parse_price(value["compare_at"], currency)
        except MoneyError as e:
            raise CatalogError(f"compare_at: {e}") from None
    return product_from_dict(
        {
            "sku": value["sku"],
            "title": value["title"],
            "price_minor": parse_price(value["price"], currency),
            "compare_at_minor": compare_at,
            "stock": _stock(value["stock"]),
            "image": value.get("image", ""),
            "currency": currency,
        }
    )


def _stock(text: str) -> int:
    """Parse a stock count; digits only, so "1,000", "5.0" and "+5" are refused, not guessed."""
    if not text:
        raise CatalogError("stock is empty")
    if text.startswith("-") and text[1:].isdecimal():
        raise CatalogError(f"stock {text!r} is negative")
    if not text.isdecimal():
        raise CatalogError(f"stock {text!r} is not a whole number")
    # Length check first: int() refuses strings over 4300 digits with a ValueError.
    if len(text.lstrip("0")) > len(str(_MAX_STOCK)) or int(text) > _MAX_STOCK:
        raise CatalogError(f"stock {text!r} is more than {_MAX_STOCK}")
    return int(text)
