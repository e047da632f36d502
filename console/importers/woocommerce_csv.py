"""Catalog import from WooCommerce's product CSV export (Products > Export).

One row per product or variation, told apart by "Type" (a list such as
"simple, downloadable, virtual"; the first known kind counts):

- simple: a product.
- variable + variation: a variable product's variations name it in "Parent",
  as "id:NN" (its ID) or its SKU, wherever they sit in the file. A variation
  without a SKU gets "parent-SKU-attribute-values"; its title is its
  attribute values ("Red / L"), or its name when it has none.
- grouped: left out with a reason (never an error). It is a container with
  no price or stock of its own; the products it groups are their own rows.
- external: left out with a reason. It is sold on another site, so there is
  no stock here to sell.

Prices follow WooCommerce: a sale price is the selling price and the regular
price becomes the compare-at price (the sale's date columns are not read).
Stock: the "Stock" count when given (negative, i.e. oversold, is 0); blank
means WooCommerce does not manage it, so "In stock?" decides: out of stock is
0, in stock or on backorder is not tracked (see console/importers/build.py).
A variable product's shared parent-level stock is not represented. "Published"
is not read: drafts and private products are imported, as Shopify drafts are.
A product without a SKU gets one from its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from console.domain.catalog import CatalogError
from console.domain.money import DEFAULT_CURRENCY
from console.importers.build import Outcome, Unit, derived_sku
from console.importers.csv_rows import (
    ImportResult,
    Row,
    flag_cell,
    inventory_cell,
    open_csv,
    price_cell,
)

COLUMNS = {
    "id": ("ID",),
    "type": ("Type",),
    "sku": ("SKU",),
    "name": ("Name",),
    "in_stock": ("In stock?",),
    "stock": ("Stock",),
    "sale": ("Sale price",),
    "regular": ("Regular price",),
    "images": ("Images",),
    "parent": ("Parent",),
}
_REQUIRED = ("type", "name", "regular")
_KINDS = ("simple", "variable", "variation", "grouped", "external")
_ATTRIBUTE_VALUE = re.compile(r"attribute \d+ value\(s\)")
_BACKORDER = ("backorder", "onbackorder")
_LEFT_OUT = {
    "grouped": "{0!r} is a grouped product: the products it groups have rows of their own",
    "external": "{0!r} is an external product, sold on another site",
}


@dataclass(slots=True)
class _Product:
    """A simple or variable product; a variable one waits for its variations."""

    row: int
    sku: str
    name: str
    image: str
    units: list[Unit] = field(default_factory=list)
    lost: int = 0


def parse_woocommerce_csv(
    text: str, currency: str = DEFAULT_CURRENCY, *, skip_bad_rows: bool = False
) -> ImportResult:
    """Parse a WooCommerce product export into products priced in ``currency``."""
    header, rows = open_csv(text, currency, COLUMNS, _REQUIRED, "a WooCommerce product CSV")
    attributes = [i for i, name in enumerate(header.names) if _ATTRIBUTE_VALUE.fullmatch(name)]
    outcome = Outcome("woocommerce", currency)
    products: list[_Product] = []  # built in file order once the variations have joined
    parents: dict[str, _Product] = {}  # by "id:NN" and by SKU, as "Parent" names them
    variations: list[Row] = []
    for row in rows:
        try:
            row.check_width()
            kind = _kind(row.get("type"))
            if kind in _LEFT_OUT:
                outcome.leave_out(row.line, _LEFT_OUT[kind].format(row.get("name")))
            elif kind == "variation":
                variations.append(row)
            else:
                products.append(_product(row, kind, parents, currency))
        except CatalogError as e:
            outcome.bad(row.line, str(e))
    for row in variations:
        _variation(row, parents, attributes, outcome)
    for p in products:
        outcome.add(p.row, sku=p.sku, title=p.name, image=p.image, units=p.units, lost=p.lost)
    return outcome.result(skip_bad_rows=skip_bad_rows)


def _product(row: Row, kind: str, parents: dict[str, _Product], currency: str) -> _Product:
    """A simple product with its one unit, or a variable one registered as a parent."""
    name = row.get("name")
    if not name:
        raise CatalogError("name is empty")
    sku = row.one_line("sku", "SKU")
    product = _Product(row.line, sku or derived_sku(name), name, _image(row))
    if kind == "simple":
        product.units.append(_unit(row, product.sku, "", currency))
        return product
    if row.get("id"):
        parents[f"id:{row.get('id')}"] = product
    if sku:
        parents[sku] = product
    return product


def _kind(cell: str) -> str:
    words = [w.strip().lower() for w in cell.split(",")]
    kind = next((w for w in words if w in _KINDS), None)
    if kind is None:
        raise CatalogError(f"type {cell!r} is not simple, variable, variation, grouped or external")
    return kind


def _variation(
    row: Row, parents: dict[str, _Product], attributes: list[int], outcome: Outcome
) -> None:
    """Attach a variation to its variable product, or refuse its row."""
    parent = None
    try:
        ref = row.one_line("parent", "parent")
        if not ref:
            raise CatalogError("parent is empty: a variation names its product (id:NN or its SKU)")
        parent = parents.get(ref)
        if parent is None:
            raise CatalogError(f"parent {ref!r} is not a variable product in this file")
        values = [v for v in map(row.at, attributes) if v]
        sku = row.one_line("sku", "SKU") or derived_sku(
            parent.sku, *(values or [row.get("id") or str(row.line)])
        )
        title = " / ".join(values) or row.get("name")
        parent.units.append(_unit(row, sku, title, outcome.currency))
    except CatalogError as e:
        outcome.bad(row.line, str(e))
        if parent is not None:
            parent.lost += 1


def _unit(row: Row, sku: str, title: str, currency: str) -> Unit:
    regular = row.one_line("regular", "regular price")
    sale = row.one_line("sale", "sale price")
    if not regular and not sale:
        raise CatalogError("regular price is empty")
    price = price_cell(sale or regular, currency, "sale price" if sale else "regular price")
    compare_at = price_cell(regular, currency, "regular price") if sale and regular else None
    return Unit(row.line, sku, title, price, compare_at, _stock(row), _image(row))


def _stock(row: Row) -> int | None:
    count = inventory_cell(row.one_line("stock", "stock"))
    state = row.get("in_stock")
    if count is not None or not state or state.lower() in _BACKORDER:
        return count
    return None if flag_cell(state, "In stock?") else 0


def _image(row: Row) -> str:
    """The first of the row's comma-separated image URLs."""
    return row.one_line("images", "images").split(",")[0].strip()
