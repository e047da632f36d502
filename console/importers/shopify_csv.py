"""Catalog import from Shopify's product CSV, with its old and its 2024 headers.

Shopify writes one row per variant and groups them by handle ("Handle", now
"URL handle"); the first row of a handle carries the product (Title, Status)
and its first variant. Rows of a handle need not be adjacent. Within a group:

- a row with any variant cell (SKU, price, compare-at, inventory, option
  values, variant image) is a variant;
- a row with only an image ("Image Src" / "Product image URL") adds an image:
  the product shows the first image of its rows;
- a row with nothing but the handle is ignored.

Decisions (see console/importers/build.py for variants and blank stock):

- A variant without a SKU gets "handle-option-values"; a lone "Default Title"
  variant makes the product itself, under its SKU or the handle.
- Status active and draft are imported, drafts included because sellers
  prepare live-only products as drafts; archived products are left out with a
  reason (never an error). "Published" is not read: it only says whether the
  online store shows the product.
- Blank inventory means Shopify does not track the variant's stock; a
  negative one (oversold) is 0.
"""

from __future__ import annotations

from console.domain.catalog import CatalogError
from console.domain.money import DEFAULT_CURRENCY
from console.importers.build import Outcome, Unit, derived_sku, no_options
from console.importers.csv_rows import ImportResult, Row, inventory_cell, open_csv, price_cell

COLUMNS = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "status": ("Status",),
    "sku": ("Variant SKU", "SKU"),
    "price": ("Variant Price", "Price"),
    "compare_at": ("Variant Compare At Price", "Compare-at price"),
    "stock": ("Variant Inventory Qty", "Inventory quantity"),
    "image": ("Image Src", "Product image URL"),
    "variant_image": ("Variant Image", "Variant image URL"),
    "option1": ("Option1 Value",),
    "option2": ("Option2 Value",),
    "option3": ("Option3 Value",),
}
_REQUIRED = ("handle", "title", "price")
_OPTIONS = ("option1", "option2", "option3")
_VARIANT = ("sku", "price", "compare_at", "stock", "variant_image", *_OPTIONS)
_STATUSES = ("active", "draft", "archived")


def parse_shopify_csv(
    text: str, currency: str = DEFAULT_CURRENCY, *, skip_bad_rows: bool = False
) -> ImportResult:
    """Parse a Shopify product export into products priced in ``currency``."""
    _, rows = open_csv(text, currency, COLUMNS, _REQUIRED, "a Shopify product CSV")
    outcome = Outcome("shopify", currency)
    groups: dict[str, list[Row]] = {}
    for row in rows:
        try:
            row.check_width()
            handle = row.one_line("handle", "handle")
            if not handle:
                raise CatalogError("handle is empty: every row names its product's handle")
        except CatalogError as e:
            outcome.bad(row.line, str(e))
            continue
        groups.setdefault(handle, []).append(row)
    for handle, group in groups.items():
        _product(outcome, handle, group)
    return outcome.result(skip_bad_rows=skip_bad_rows)


def _product(outcome: Outcome, handle: str, group: list[Row]) -> None:
    head = group[0]
    title = head.get("title")
    status = head.get("status").lower()
    others = f" (with its {len(group) - 1} other rows)" if len(group) > 1 else ""
    if not title:
        outcome.bad(
            head.line, f"title is empty: the first row of {handle!r} names the product{others}"
        )
        return
    if status not in ("", *_STATUSES):
        outcome.bad(head.line, f"status {head.get('status')!r} is not active, draft or archived")
        return
    if status == "archived":
        outcome.leave_out(head.line, f"{handle!r} is archived in Shopify{others}")
        return
    units: list[Unit] = []
    image = ""  # the first of the product's rows
    lost = 0
    for row in group:
        is_variant = any(row.get(key) for key in _VARIANT)
        try:
            src = row.one_line("image", "image")
            if is_variant:
                units.append(_unit(row, handle, outcome.currency))
        except CatalogError as e:
            outcome.bad(row.line, str(e))
            lost += is_variant
            continue
        image = image or src
    sku = derived_sku(handle)
    outcome.add(head.line, sku=sku, title=title, image=image, units=units, lost=lost)


def _unit(row: Row, handle: str, currency: str) -> Unit:
    options = [value for value in map(row.get, _OPTIONS) if value]
    title = " / ".join(options)
    sku = row.one_line("sku", "SKU")
    if not sku:
        sku = derived_sku(handle) if no_options(title) else derived_sku(handle, *options)
    price = row.one_line("price", "price")
    if not price:
        raise CatalogError("price is empty")
    compare_at = row.one_line("compare_at", "compare-at price")
    quantity = row.one_line("stock", "inventory quantity")
    return Unit(
        row=row.line,
        sku=sku,
        title=title,
        price_minor=price_cell(price, currency),
        compare_at_minor=price_cell(compare_at, currency, "compare-at price")
        if compare_at
        else None,
        stock=inventory_cell(quantity),
        image=row.one_line("variant_image", "variant image"),
    )
