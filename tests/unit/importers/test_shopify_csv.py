"""Shopify product CSV import: old and 2024 headers, grouping by handle, and the edge cases."""

from __future__ import annotations

import csv
import io

import pytest

from console.domain.catalog import MAX_SKU, Product, Variant
from console.importers.build import UNTRACKED_STOCK
from console.importers.csv_rows import read_text
from console.importers.shopify_csv import parse_shopify_csv
from console.importers.simple_csv import CatalogImportError, SkippedRow
from tests.support import realdata

OLD = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Published",
    "Status",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Variant SKU",
    "Variant Inventory Qty",
    "Variant Price",
    "Variant Compare At Price",
    "Image Src",
    "Variant Image",
]
NEW_NAMES = {
    "Handle": "URL handle",
    "Body (HTML)": "Description",
    "Published": "Published on online store",
    "Option1 Name": "Option1 name",
    "Option1 Value": "Option1 value",
    "Option2 Name": "Option2 name",
    "Option2 Value": "Option2 value",
    "Variant SKU": "SKU",
    "Variant Inventory Qty": "Inventory quantity",
    "Variant Price": "Price",
    "Variant Compare At Price": "Compare-at price",
    "Image Src": "Product image URL",
    "Variant Image": "Variant image URL",
}


@pytest.fixture(params=["old", "new"])
def style(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def shopify(style: str, *rows: dict[str, str]) -> str:
    """A Shopify CSV with the old or the 2024 header names; rows use the old names."""
    header = OLD if style == "old" else [NEW_NAMES.get(name, name) for name in OLD]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([row.get(name, "") for name in OLD] for row in rows)
    return buf.getvalue()


def realdata_text(name: str) -> str:
    return read_text(realdata(name))


def tee(**cells: str) -> dict[str, str]:
    return {"Handle": "tee", **cells}


# -- the real templates ---------------------------------------------------------------------


def test_legacy_2019_template() -> None:
    result = parse_shopify_csv(realdata_text("product_template_legacy_2019.csv"), "USD")
    assert result.skipped == ()
    assert result.format == "shopify"
    (shirt,) = result.products
    image = "https://cdn.shopify.com/s/images/shopify_shirt.png?e6948ca4d9028f9e734b8202cc472e3b89aae0f3"
    assert (shirt.sku, shirt.title, shirt.currency, shirt.image) == (
        "example-t-shirt",
        "Example T-Shirt",
        "USD",
        image,
    )
    first = 'Lithograph - Height: 9" x Width: 12"'
    assert shirt.variants == (
        Variant("example-t-shirt-Lithograph-Height-9-x-Width-12", first, 2500, UNTRACKED_STOCK),
        Variant("example-shirt-s", "Small", 1999, UNTRACKED_STOCK, compare_at_minor=2499),
        Variant("example-shirt-m", "Medium", 1999, UNTRACKED_STOCK, compare_at_minor=2499),
    )
    # The product shows the cheapest variant's prices and the variants' total stock.
    assert (shirt.price_minor, shirt.compare_at_minor) == (1999, 2499)
    assert shirt.stock == 3 * UNTRACKED_STOCK
    assert result.untracked == {v.sku for v in shirt.variants}


def test_2024_template_with_new_headers() -> None:
    result = parse_shopify_csv(realdata_text("product_template_2024_new_headers.csv"), "USD")
    assert result.skipped == ()
    shirt, book = result.products
    assert shirt.sku == "physical-product-the-band-t-shirt"
    assert shirt.title == "Physical Product “The Band” T-Shirt"
    assert shirt.image == "https://burst.shopifycdn.com/photos/forest-hiker.jpg?width=1000"
    assert len(shirt.variants) == 12
    assert shirt.variants[0] == Variant("TheBandTShirt-SG", "Small / green", 1999, 47, 2499)
    assert shirt.variants[-1] == Variant("TheBandTShirt-XR", "XL / red", 1999, 40, 2499)
    assert shirt.stock == sum(v.stock for v in shirt.variants) == 513
    assert [(v.sku, v.price_minor, v.compare_at_minor) for v in book.variants] == [
        ("HRM-EBK-PDF", 1499, None),
        ("HRM-EBK-AUD", 2199, None),
        ("HRM-EBK-KND", 999, 1499),
    ]
    assert (book.price_minor, book.compare_at_minor) == (999, 1499)
    # A digital product: Shopify tracks no inventory for it.
    assert result.untracked == {"HRM-EBK-PDF", "HRM-EBK-AUD", "HRM-EBK-KND"}
    assert book.image == ""


# -- grouping and variants ------------------------------------------------------------------


def test_rows_group_by_handle_into_variants(style: str) -> None:
    text = shopify(
        style,
        tee(
            Title="Tee",
            **{
                "Option1 Name": "Size",
                "Option1 Value": "S",
                "Option2 Name": "Color",
                "Option2 Value": "Red",
                "Variant SKU": "TEE-S-R",
                "Variant Price": "99.00",
                "Variant Compare At Price": "129",
                "Variant Inventory Qty": "5",
            },
        ),
        tee(
            **{
                "Option1 Value": "M",
                "Option2 Value": "Red",
                "Variant SKU": "TEE-M-R",
                "Variant Price": "89.5",
                "Variant Inventory Qty": "7",
            }
        ),
        {"Handle": "mug", "Title": "Mug", "Variant Price": "20", "Variant Inventory Qty": "3"},
    )
    result = parse_shopify_csv(text)
    tee_product, mug = result.products
    assert tee_product == Product(
        "tee",
        "Tee",
        8950,
        12,
        compare_at_minor=None,
        currency="CNY",
        variants=(
            Variant("TEE-S-R", "S / Red", 9900, 5, 12900),
            Variant("TEE-M-R", "M / Red", 8950, 7),
        ),
    )
    assert mug == Product("mug", "Mug", 2000, 3)
    assert result.untracked == frozenset()


def test_handles_need_not_be_adjacent(style: str) -> None:
    text = shopify(
        style,
        tee(
            Title="Tee",
            **{"Option1 Value": "S", "Variant Price": "1", "Variant Inventory Qty": "1"},
        ),
        {"Handle": "mug", "Title": "Mug", "Variant Price": "2", "Variant Inventory Qty": "1"},
        tee(**{"Option1 Value": "M", "Variant Price": "1", "Variant Inventory Qty": "1"}),
    )
    tee_product, mug = parse_shopify_csv(text).products
    assert [v.title for v in tee_product.variants] == ["S", "M"]
    assert mug.sku == "mug"


@pytest.mark.parametrize(("sku", "expected"), [("MUG-1", "MUG-1"), ("", "mug")])
def test_default_title_variant_is_the_product(style: str, sku: str, expected: str) -> None:
    row = {"Handle": "mug", "Title": "Mug 马克杯", "Option1 Name": "Title",
           "Option1 Value": "Default Title", "Variant SKU": sku, "Variant Price": "39.90",
           "Variant Inventory Qty": "8", "Variant Image": "https://img.example/mug.png"}  # fmt: skip
    (mug,) = parse_shopify_csv(shopify(style, row)).products
    assert mug == Product(expected, "Mug 马克杯", 3990, 8, image="https://img.example/mug.png")


def test_a_single_real_option_stays_a_variant(style: str) -> None:
    row = tee(Title="Tee", **{"Option1 Value": "One size", "Variant Price": "1",
              "Variant Inventory Qty": "1"})  # fmt: skip
    (product,) = parse_shopify_csv(shopify(style, row)).products
    assert product.sku == "tee"
    assert product.variants == (Variant("tee-One-size", "One size", 100, 1),)


def test_variant_skus_derived_from_handle_and_options(style: str) -> None:
    handle = "h" * (MAX_SKU - 3)
    text = shopify(
        style,
        tee(Title="Tee", **{"Option1 Value": "S", "Option2 Value": "红色", "Variant Price": "1"}),
        tee(**{"Option1 Value": "XL", "Option2 Value": "Navy blue", "Variant Price": "1"}),
        {"Handle": handle, "Title": "Long", "Option1 Value": "Alpha", "Variant Price": "1"},
        {"Handle": handle, "Option1 Value": "Beta", "Variant Price": "1"},
    )
    tee_product, long = parse_shopify_csv(text).products
    assert [v.sku for v in tee_product.variants] == ["tee-S-红色", "tee-XL-Navy-blue"]
    # Cut to the catalog's limit; "h…h-Al" and "h…h-Be" still differ.
    assert [v.sku for v in long.variants] == [handle + "-Al", handle + "-Be"]
    assert all(len(v.sku) == MAX_SKU for v in long.variants)


def test_image_only_rows_add_images(style: str) -> None:
    text = shopify(
        style,
        tee(
            Title="Tee",
            **{"Option1 Value": "S", "Variant Price": "1", "Variant Inventory Qty": "1"},
        ),
        tee(**{"Option1 Value": "M", "Variant Price": "1", "Variant Inventory Qty": "1"}),
        tee(**{"Image Src": "https://img.example/tee-front.jpg"}),
        tee(**{"Image Src": "https://img.example/tee-back.jpg"}),
    )
    result = parse_shopify_csv(text)
    (product,) = result.products
    assert product.image == "https://img.example/tee-front.jpg"
    assert [v.title for v in product.variants] == ["S", "M"]
    assert result.skipped == ()


def test_rows_with_only_the_handle_are_ignored(style: str) -> None:
    text = shopify(
        style,
        tee(
            Title="Tee",
            **{"Variant SKU": "TEE", "Variant Price": "1", "Variant Inventory Qty": "2"},
        ),
        tee(),
        tee(Published="TRUE"),
    )
    result = parse_shopify_csv(text)
    assert result.products == (Product("TEE", "Tee", 100, 2),)
    assert result.skipped == ()


def test_multiline_html_body_keeps_row_numbers(style: str) -> None:
    body = '<p>Soft cotton, "pre-shrunk".</p>\r\n<ul>\r\n<li>S, M</li>\r\n</ul>'
    text = shopify(
        style,
        tee(Title="Tee", **{"Body (HTML)": body, "Option1 Value": "S", "Variant Price": "1"}),
        tee(**{"Option1 Value": "M", "Variant Price": "lots"}),
    )
    with pytest.raises(CatalogImportError, match=r"^row 6: 'lots' is not a price"):
        parse_shopify_csv(text)


def test_blank_inventory_is_untracked_and_negative_is_oversold(style: str) -> None:
    text = shopify(
        style,
        tee(
            Title="Tee", **{"Option1 Value": "S", "Variant Price": "1", "Variant Inventory Qty": ""}
        ),
        tee(**{"Option1 Value": "M", "Variant Price": "1", "Variant Inventory Qty": "-4"}),
        tee(**{"Option1 Value": "L", "Variant Price": "1", "Variant Inventory Qty": "0"}),
    )
    result = parse_shopify_csv(text)
    (product,) = result.products
    assert [v.stock for v in product.variants] == [UNTRACKED_STOCK, 0, 0]
    assert result.untracked == {"tee-S"}


# -- status, booleans, prices ---------------------------------------------------------------


@pytest.mark.parametrize("published", ["TRUE", "true", "FALSE", "false", ""])
@pytest.mark.parametrize("status", ["Active", "active", "draft", "DRAFT", ""])
def test_active_and_draft_products_import_whatever_published_says(
    status: str, published: str
) -> None:
    row = tee(Title="Tee", Status=status, Published=published, **{"Variant Price": "1"})
    (product,) = parse_shopify_csv(shopify("old", row)).products
    assert product.sku == "tee"


def test_archived_products_are_left_out_without_failing(style: str) -> None:
    text = shopify(
        style,
        tee(Title="Old tee", Status="archived", **{"Option1 Value": "S", "Variant Price": "1"}),
        tee(**{"Option1 Value": "M", "Variant Price": "1"}),
        {"Handle": "mug", "Title": "Mug", "Status": "active", "Variant Price": "2"},
    )
    result = parse_shopify_csv(text)  # all-or-nothing, yet not refused
    assert [p.sku for p in result.products] == ["mug"]
    assert result.skipped == (
        SkippedRow(2, "'tee' is archived in Shopify (with its 1 other rows)"),
    )


def test_unknown_status_is_refused() -> None:
    row = tee(Title="Tee", Status="sold", **{"Variant Price": "1"})
    with pytest.raises(CatalogImportError, match=r"^row 2: status 'sold' is not active, draft"):
        parse_shopify_csv(shopify("old", row))


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Variant Price": "12,50"}, "price '12,50' has a comma: use a dot"),
        (
            {"Variant Price": "1", "Variant Compare At Price": "1.299,00"},
            "compare-at price: price '1.299,00' has a comma",
        ),
        ({"Variant Price": "", "Variant SKU": "X"}, "price is empty"),
        (
            {"Variant Price": "1", "Variant Inventory Qty": "3.0"},
            "stock '3.0' is not a whole number",
        ),
        ({"Variant Price": "1", "Variant SKU": "A\nB"}, "SKU contains a line break"),
    ],
)
def test_bad_variant_cells_are_refused_with_a_reason(
    style: str, cells: dict[str, str], reason: str
) -> None:
    with pytest.raises(CatalogImportError, match=f"^row 2: {reason}"):
        parse_shopify_csv(shopify(style, tee(Title="Tee", **cells)))


def test_duplicate_sku_names_the_first_row(style: str) -> None:
    text = shopify(
        style,
        tee(Title="Tee", **{"Option1 Value": "S", "Variant SKU": "X-1", "Variant Price": "1"}),
        {
            "Handle": "mug",
            "Title": "Mug",
            "Option1 Value": "Red",
            "Variant SKU": "X-1",
            "Variant Price": "1",
        },
    )
    with pytest.raises(CatalogImportError, match=r"^row 3: SKU 'X-1' is already on row 2"):
        parse_shopify_csv(text)


def test_skip_bad_rows_keeps_the_rest_of_the_product(style: str) -> None:
    text = shopify(
        style,
        tee(Title="Tee", **{"Option1 Value": "S", "Variant Price": "1"}),
        tee(**{"Option1 Value": "M", "Variant Price": "9,90"}),
        tee(**{"Option1 Value": "L", "Variant Price": "3"}),
        {"Handle": "", "Title": "Orphan", "Variant Price": "1"},
        {"Handle": "cap", "Title": "", "Variant Price": "1"},
        {"Handle": "cap", "Option1 Value": "Blue", "Variant Price": "1"},
    )
    with pytest.raises(CatalogImportError, match=r"^row 3: .*\(2 more bad rows after it\)$"):
        parse_shopify_csv(text)
    result = parse_shopify_csv(text, skip_bad_rows=True)
    (product,) = result.products
    assert [v.title for v in product.variants] == ["S", "L"]
    assert [s.row for s in result.skipped] == [3, 5, 6]
    assert "handle is empty" in result.skipped[1].reason
    assert result.skipped[2].reason == (
        "title is empty: the first row of 'cap' names the product (with its 1 other rows)"
    )


def test_product_whose_variant_rows_all_fail_is_not_refused_twice() -> None:
    text = shopify("old", tee(Title="Tee", **{"Variant Price": "x"}))
    with pytest.raises(CatalogImportError, match="no products; all 1 rows are bad"):
        parse_shopify_csv(text, skip_bad_rows=True)


def test_product_without_any_price_row() -> None:
    text = shopify("old", tee(Title="Tee", **{"Image Src": "https://img.example/t.jpg"}))
    with pytest.raises(CatalogImportError, match=r"^row 2: the product has no row with a price"):
        parse_shopify_csv(text)


def test_header_without_a_handle_column() -> None:
    with pytest.raises(CatalogImportError, match="lacks column 'Handle' or 'URL handle'"):
        parse_shopify_csv("Title,Variant Price\nTee,1\n")


def test_header_with_both_spellings_of_a_column() -> None:
    with pytest.raises(CatalogImportError, match="both 'variant price' and 'price'"):
        parse_shopify_csv("Handle,Title,Variant Price,Price\ntee,Tee,1,1\n")


@pytest.mark.parametrize("title", ["<b>x</b><script>alert(1)</script>", "<img src=x> &amp;"])
def test_markup_in_title_kept_literally(title: str) -> None:
    (product,) = parse_shopify_csv(
        shopify("new", tee(Title=title, **{"Variant Price": "1"}))
    ).products
    assert product.title == title
