"""The review as CSV files that Excel and WPS open as they are.

UTF-8 with a byte-order mark, or both read Chinese as mojibake. Money is decimal
text in major units beside a currency column, never a float. Text from the
session that starts like a formula (= + - @, tab, carriage return) gets a
leading quote, as OWASP advises, so a product title cannot run in a spreadsheet.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from console.domain.events import Event
from console.domain.money import to_decimal_text
from console.review.review import DEAL_COLUMNS, MINUTE_COLUMNS, PRODUCT_COLUMNS, Review, rows
from console.store.chain import encode_data
from console.store.summary import iso

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_SUFFIX = "_minor"


def safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return safe(", ".join(map(str, value)))
    return "" if value is None else value


def _table(
    columns: tuple[tuple[str, Callable[[Any], Any]], ...], items: Iterable[Any], currency: str
) -> tuple[list[str], list[list[Any]]]:
    """Money columns lose `_minor` and hold decimal text; a currency column ends each row."""
    keys = [key for key, _ in columns]
    header = [k.removesuffix(MONEY_SUFFIX) for k in keys] + ["currency"]
    body = [
        [
            ("" if v is None else to_decimal_text(v, currency))
            if k.endswith(MONEY_SUFFIX)
            else _cell(v)
            for k, v in row.items()
        ]
        + [currency]
        for row in rows(columns, items)
    ]
    return header, body


def _write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_csv(review: Review, events: Iterable[Event], out_dir: Path) -> list[Path]:
    """events.csv (streamed from `events`), minutes.csv, products.csv, deals.csv in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        _write(
            out_dir / "events.csv",
            ["seq", "time", "kind", "source", "data"],
            (
                [e.seq, iso(e.ts_ms), safe(e.kind), safe(e.source), safe(encode_data(e.data))]
                for e in events
            ),
        )
    ]
    for name, columns, items in (
        ("minutes", MINUTE_COLUMNS, review.minutes),
        ("products", PRODUCT_COLUMNS, review.products),
        ("deals", DEAL_COLUMNS, review.deals),
    ):
        header, body = _table(columns, items, review.currency)
        paths.append(_write(out_dir / f"{name}.csv", header, body))
    return paths
