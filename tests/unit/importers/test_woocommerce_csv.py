"""WooCommerce product export import: product types, sale prices, stock states, edge cases."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from console.domain.catalog import Product, Variant
from console.importers.build import UNTRACKED_STOCK
from console.importers.csv_rows import read_text
from console.importers.simple_csv import CatalogImportError, SkippedRow
from console.importers.woocommerce_csv import parse_woocommerce_csv

EXPORT = Path(__file__).resolve().parents[2] / "data" / "woocommerce_export.csv"
IMG = "https://shop.example.com/wp-content/uploads/2025/11/"
HEADER = [
    "ID",
    "Type",
    "SKU",
    "Name",
    "Published",
    "Description",
    "In stock?",
    "Stock",
    "Sale price",
    "Regular price",
    "Images",
    "Parent",
    "Attribute 1 name",
    "Attribute 1 value(s)",
    "Attribute 2 name",
    "Attribute 2 value(s)",
]


def woo(*rows: dict[str, str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows([row.get(name, "") for name in HEADER] for row in rows)
    return buf.getvalue()


def simple(**cells: str) -> dict[str, str]:
    return {"Type": "simple", "Name": "Mug", "Regular price": "10", "Stock": "5", **cells}


def variable(**cells: str) -> dict[str, str]:
    return {"ID": "10", "Type": "variable", "SKU": "TEE", "Name": "Tee", **cells}


def variation(**cells: str) -> dict[str, str]:
    return {"Type": "variation", "Parent": "id:10", "Regular price": "10", "Stock": "1", **cells}


def test_export_fixture() -> None:
    result = parse_woocommerce_csv(read_text(EXPORT))
    assert result.format == "woocommerce"
    mask, tee, course, tea = result.products
    # Sale price sells, regular price is the compare-at price; the first image counts.
    assert mask == Product(
        "MASK-10",
        "【直播专享】玻尿酸保湿面膜 10片装",
        5990,
        2000,
        compare_at_minor=9900,
        image=IMG + "mask-1.jpg",
    )
    assert tee.variants == (
        Variant("TEE-BASIC-BLK-S", "Black / S", 9900, 12),
        Variant(
            "TEE-BASIC-White-M", "White / M", 8900, UNTRACKED_STOCK, 10900, IMG + "tee-white.jpg"
        ),
        Variant("TEE-BASIC-WHT-L", "White / L", 10900, 0),  # out of stock, stock not managed
    )
    assert (tee.sku, tee.price_minor, tee.compare_at_minor) == ("TEE-BASIC", 8900, 10900)
    assert tee.stock == 12 + UNTRACKED_STOCK
    assert tee.image == IMG + "tee.jpg"
    assert (course.sku, course.stock) == ("COURSE-LIVE", UNTRACKED_STOCK)  # a draft, imported
    assert (tea.sku, tea.stock) == ("TEA-OOLONG", 0)  # oversold to -2
    assert result.untracked == {"TEE-BASIC-White-M", "COURSE-LIVE"}
    # Grouped and external products are left out with a reason, never as errors.
    assert result.skipped == (
        SkippedRow(
            12,
            "'Gift set 礼盒组合' is a grouped product: the products it groups have "
            "rows of their own",
        ),
        SkippedRow(13, "'Pennant' is an external product, sold on another site"),
    )


def test_variations_find_their_parent_by_id_or_sku_anywhere_in_the_file() -> None:
    text = woo(
        variation(SKU="TEE-S", **{"Attribute 1 value(s)": "S"}),
        simple(SKU="MUG"),
        variable(),
        variation(SKU="TEE-M", Parent="TEE", **{"Attribute 1 value(s)": "M"}),
    )
    mug, tee = parse_woocommerce_csv(text).products  # in the order products start
    assert mug.sku == "MUG"
    assert [(v.sku, v.title) for v in tee.variants] == [("TEE-S", "S"), ("TEE-M", "M")]


def test_variation_titles_and_derived_skus() -> None:
    text = woo(
        variable(),
        variation(
            ID="11",
            Name="Tee - Red, L",
            **{"Attribute 1 value(s)": "Red", "Attribute 2 value(s)": "L"},
        ),
        variation(ID="12", Name="Tee - any size"),
    )
    (tee,) = parse_woocommerce_csv(text).products
    assert [(v.sku, v.title) for v in tee.variants] == [
        ("TEE-Red-L", "Red / L"),
        ("TEE-12", "Tee - any size"),
    ]


def test_products_without_sku_get_one_from_their_name() -> None:
    text = woo(
        simple(Name="Oolong tea 乌龙茶 250g"),
        variable(SKU="", Name="Tee shirt"),
        variation(**{"Attribute 1 value(s)": "S"}),
    )
    tea, tee = parse_woocommerce_csv(text).products
    assert tea.sku == "Oolong-tea-乌龙茶-250g"
    assert tee.sku == "Tee-shirt"
    assert tee.variants[0].sku == "Tee-shirt-S"


@pytest.mark.parametrize(
    ("sale", "regular", "price", "compare_at"),
    [("", "99.00", 9900, None), ("79.5", "99", 7950, 9900), ("79", "", 7900, None)],
)
def test_sale_price_is_the_selling_price(
    sale: str, regular: str, price: int, compare_at: int | None
) -> None:
    row = simple(**{"Sale price": sale, "Regular price": regular})
    (product,) = parse_woocommerce_csv(woo(row)).products
    assert (product.price_minor, product.compare_at_minor) == (price, compare_at)


@pytest.mark.parametrize(
    ("in_stock", "stock"),
    [
        ("1", UNTRACKED_STOCK),
        ("TRUE", UNTRACKED_STOCK),
        ("true", UNTRACKED_STOCK),
        ("yes", UNTRACKED_STOCK),
        ("backorder", UNTRACKED_STOCK),
        ("", UNTRACKED_STOCK),
        ("0", 0),
        ("FALSE", 0),
        ("false", 0),
    ],
)
def test_in_stock_decides_when_stock_is_not_managed(in_stock: str, stock: int) -> None:
    result = parse_woocommerce_csv(woo(simple(SKU="M", Stock="", **{"In stock?": in_stock})))
    assert result.products[0].stock == stock
    assert result.untracked == ({"M"} if stock else set())


def test_a_stock_count_wins_over_in_stock() -> None:
    (product,) = parse_woocommerce_csv(woo(simple(Stock="7", **{"In stock?": "0"}))).products
    assert product.stock == 7


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Regular price": "12,50"}, "regular price: price '12,50' has a comma: use a dot"),
        ({"Sale price": "9,9"}, "sale price: price '9,9' has a comma"),
        ({"Regular price": ""}, "regular price is empty"),
        ({"Stock": "", "In stock?": "maybe"}, "In stock\\? 'maybe' is not TRUE or FALSE"),
        ({"Stock": "2.5"}, "stock '2.5' is not a whole number"),
        (
            {"Type": "bundle"},
            "type 'bundle' is not simple, variable, variation, grouped or external",
        ),
        ({"Name": ""}, "name is empty"),
    ],
)
def test_bad_cells_are_refused_with_a_reason(cells: dict[str, str], reason: str) -> None:
    with pytest.raises(CatalogImportError, match=f"^row 2: {reason}"):
        parse_woocommerce_csv(woo(simple(**cells)))


def test_type_lists_count_their_known_kind() -> None:
    text = woo(simple(SKU="ALBUM", Type="simple, downloadable, virtual"))
    assert parse_woocommerce_csv(text).products[0].sku == "ALBUM"


def test_multiline_html_description_keeps_row_numbers() -> None:
    description = '<p>Line one,\nline two</p>\n<ul><li>"quoted"</li></ul>'
    text = woo(simple(SKU="A", Description=description), simple(SKU="B", Stock="-x"))
    with pytest.raises(CatalogImportError, match=r"^row 5: stock '-x' is not a whole number"):
        parse_woocommerce_csv(text)


@pytest.mark.parametrize(
    ("parent", "reason"),
    [("id:99", "parent 'id:99' is not a variable product in this file"), ("", "parent is empty")],
)
def test_variation_needs_its_parent(parent: str, reason: str) -> None:
    text = woo(simple(SKU="MUG"), variation(SKU="X", Parent=parent))
    with pytest.raises(CatalogImportError, match=f"^row 3: {reason}"):
        parse_woocommerce_csv(text)


def test_variable_product_without_variations_is_refused() -> None:
    with pytest.raises(CatalogImportError, match=r"^row 2: the product has no row with a price"):
        parse_woocommerce_csv(woo(variable()))


def test_skip_bad_rows_keeps_the_good_variations() -> None:
    text = woo(
        variable(),
        variation(SKU="TEE-S", **{"Attribute 1 value(s)": "S"}),
        variation(SKU="TEE-M", **{"Regular price": "1,5"}),
        variation(SKU="TEE-S", **{"Attribute 1 value(s)": "S again"}),
        simple(SKU="TEE-S"),
    )
    with pytest.raises(CatalogImportError, match=r"^row 4: .*\(2 more bad rows after it\)$"):
        parse_woocommerce_csv(text)
    result = parse_woocommerce_csv(text, skip_bad_rows=True)
    (tee,) = result.products
    assert [v.sku for v in tee.variants] == ["TEE-S"]
    assert [s.row for s in result.skipped] == [4, 5, 6]
    assert result.skipped[1:] == (
        SkippedRow(5, "SKU 'TEE-S' is already on row 3"),
        SkippedRow(6, "SKU 'TEE-S' is already on row 3"),
    )


def test_only_left_out_products_is_no_catalog() -> None:
    text = woo({"Type": "grouped", "Name": "Set", "Regular price": ""})
    with pytest.raises(CatalogImportError, match="no products; 1 left out: 'Set' is a grouped"):
        parse_woocommerce_csv(text)


def test_header_needs_type_name_and_regular_price() -> None:
    with pytest.raises(CatalogImportError, match="lacks columns 'Type', 'Regular price'"):
        parse_woocommerce_csv("ID,Name\n1,Mug\n")
