"""What every CSV catalog importer shares: decoding, records, headers, cells.

Each importer names its columns (with the spellings each source uses) and
reads cells by those names, so header order, case and unknown columns never
matter, and every refusal names the file line the record starts on, as Excel
shows it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from console.domain.catalog import CatalogError, Product
from console.domain.money import MoneyError, check_currency, parse_price

# A stock above this is a pasted barcode or a typo; the cap also keeps counts
# far inside SQLite's 64-bit integers.
MAX_STOCK = 10**9
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


class CatalogImportError(ValueError):
    """A catalog file that cannot be imported; the message names the row and the reason."""


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row left out of the import; ``row`` is the file line it starts on (header = 1)."""

    row: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The products read, the rows left out, and which SKUs' stock the file does not track.

    ``untracked`` holds the orderable SKUs (a plain product's, or its
    variants') whose stock column was blank: they carry a placeholder stock
    (see console/importers/build.py) that the preview must say is not real.
    """

    products: tuple[Product, ...]
    skipped: tuple[SkippedRow, ...]
    format: str = "simple"
    untracked: frozenset[str] = field(default_factory=frozenset)


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


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line the record starts on, cells) for each non-blank CSV record.

    Strict mode makes an unclosed quote an error instead of silently
    swallowing the rest of the file into one field; broken quoting always
    refuses the file, since past it nobody can tell where rows begin.
    """
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True, skipinitialspace=True
    )
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


def header_cells(text: str) -> list[str]:
    """The first non-blank record, which every catalog format uses as its header."""
    for _, cells in records(text):
        return cells
    raise CatalogImportError("the file is empty: expected a header row")


@dataclass(frozen=True, slots=True)
class Header:
    """Where each known column sits; ``names`` are all header cells, lower-cased."""

    row: int
    names: tuple[str, ...]
    index: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Row:
    """One record, read by column key; a missing column reads as ""."""

    line: int
    cells: list[str]
    header: Header

    def get(self, key: str) -> str:
        i = self.header.index.get(key)
        return self.at(i) if i is not None else ""

    def at(self, i: int) -> str:
        return self.cells[i].strip() if i < len(self.cells) else ""

    def one_line(self, key: str, name: str) -> str:
        """A cell that must not span lines (SKUs, prices, URLs)."""
        value = self.get(key)
        if "\n" in value or "\r" in value:
            raise CatalogError(f"{name} contains a line break")
        return value

    def check_width(self) -> None:
        """Refuse a record longer than the header: an unquoted comma shifted its cells."""
        width = len(self.header.names)
        if any(cell.strip() for cell in self.cells[width:]):
            raise CatalogError(
                f"the row has {len(self.cells)} cells but the header has {width}: "
                "put a title that contains a comma in double quotes"
            )


def open_csv(
    text: str,
    currency: str,
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    expected: str,
) -> tuple[Header, Iterator[Row]]:
    """Check the currency, read the header and return it with the rows after it.

    ``columns`` maps each key to the header spellings that mean it (any
    case); ``expected`` describes the format for a header that lacks a
    required column.
    """
    try:
        check_currency(currency)
    except MoneyError as e:
        raise CatalogImportError(str(e)) from None
    stream = records(text)
    first = next(stream, None)
    if first is None:
        raise CatalogImportError(f"the file is empty: expected a header row ({expected})")
    header = _header(*first, columns, required, expected)
    return header, (Row(line, cells, header) for line, cells in stream)


def _header(
    row: int,
    cells: list[str],
    columns: Mapping[str, Sequence[str]],
    required: Sequence[str],
    expected: str,
) -> Header:
    key_of = {name.lower(): key for key, names in columns.items() for name in names}
    names = tuple(cell.strip().lower() for cell in cells)
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        key = key_of.get(name)
        if key is None:
            continue
        if key in index:
            other = names[index[key]]
            what = f"column {name!r} twice" if other == name else f"both {other!r} and {name!r}"
            raise CatalogImportError(f"row {row}: the header has {what}")
        index[key] = i
    missing = [key for key in required if key not in index]
    if missing:
        wanted = ", ".join(" or ".join(repr(n) for n in columns[key]) for key in missing)
        plural = "s" if len(missing) > 1 else ""
        hint = ""
        if len(cells) == 1 and (";" in cells[0] or "\t" in cells[0]):
            hint = "; the header has no commas: save the file as comma-separated CSV"
        raise CatalogImportError(
            f"row {row}: the header lacks column{plural} {wanted} (expected {expected}){hint}"
        )
    return Header(row, names, index)


def price_cell(text: str, currency: str, column: str = "") -> int:
    """A price cell in minor units; ``column`` prefixes the reason when it is not "price"."""
    try:
        return parse_price(text, currency)
    except MoneyError as e:
        raise CatalogError(f"{column}: {e}" if column else str(e)) from None


def stock_cell(text: str) -> int:
    """Parse a stock count; digits only, so "1,000", "5.0" and "+5" are refused, not guessed."""
    if not text:
        raise CatalogError("stock is empty")
    if text.startswith("-") and text[1:].isdecimal():
        raise CatalogError(f"stock {text!r} is negative")
    if not text.isdecimal():
        raise CatalogError(f"stock {text!r} is not a whole number")
    # Length check first: int() refuses strings over 4300 digits with a ValueError.
    if len(text.lstrip("0")) > len(str(MAX_STOCK)) or int(text) > MAX_STOCK:
        raise CatalogError(f"stock {text!r} is more than {MAX_STOCK}")
    return int(text)


def flag_cell(text: str, column: str) -> bool:
    """A yes/no cell as Excel and the shops write it: TRUE, true, 1, yes / FALSE, false, 0, no."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise CatalogError(f"{column} {text!r} is not TRUE or FALSE")


def inventory_cell(text: str) -> int | None:
    """A shop's inventory cell: blank means the shop does not track it (None).

    Shopify and WooCommerce let a product oversell into negative stock; none
    of it is left to sell live, so that is 0, not an error.
    """
    if not text:
        return None
    if text.startswith("-") and text[1:].isdecimal():
        return 0
    return stock_cell(text)
