"""The catalog entry point: format detection, encodings, the JSON shape, all-or-nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.importers.build import UNTRACKED_STOCK
from console.importers.catalog_import import (
    FORMATS,
    catalog_json,
    detect_format,
    import_catalog,
    parse_catalog,
)
from console.importers.csv_rows import CatalogImportError, ImportResult
from tests.support import realdata

WOO = Path(__file__).resolve().parents[2] / "data" / "woocommerce_export.csv"
SHOPIFY_ZH = (
    "Handle,Title,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Image Src\n"
    "dress,【直播专享】碎花连衣裙,红色 / S,DRESS-R-S,199.00,10,https://img.example/d.jpg\n"
    "dress,,蓝色 / M,DRESS-B-M,189.00,,\n"
)
KEYS = ["sku", "title", "price_minor", "compare_at_minor", "currency", "stock", "image"]


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("header", "fmt"),
    [
        ("Handle,Title,Body (HTML),Variant Price", "shopify"),
        ("Title,URL handle,Description,SKU,Price", "shopify"),
        ('ID,Type,SKU,Name,"Regular price","Sale price"', "woocommerce"),
        ("sku,title,price,stock,image", "simple"),
        (" SKU , Title , Price , Stock ", "simple"),
    ],
)
def test_detect_format(header: str, fmt: str) -> None:
    assert detect_format(next(csv.reader([header]))) == fmt


def test_unknown_header_lists_what_it_saw() -> None:
    with pytest.raises(CatalogImportError, match=r"\('name', 'cost', 'qty'\): expected Shopify"):
        detect_format(["name", "cost", "qty"])
    many = [f"c{i}" for i in range(20)]
    with pytest.raises(CatalogImportError, match="'c11' and 8 more"):
        detect_format(many)


@pytest.mark.parametrize(
    ("name", "products", "units"),
    [("product_template_legacy_2019.csv", 1, 3), ("product_template_2024_new_headers.csv", 2, 15)],
)
def test_real_shopify_templates_are_detected(name: str, products: int, units: int) -> None:
    result = import_catalog(realdata(name), currency="USD")
    assert result.format == "shopify"
    assert len(result.products) == products
    assert sum(len(p.variants) for p in result.products) == units


def test_woocommerce_export_is_detected() -> None:
    assert import_catalog(WOO).format == "woocommerce"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("fmt", ["auto", "shopify"])
def test_encodings(tmp_path: Path, encoding: str, fmt: str) -> None:
    result = import_catalog(write(tmp_path, SHOPIFY_ZH.encode(encoding)), fmt)
    (dress,) = result.products
    assert dress.title == "【直播专享】碎花连衣裙"
    assert [v.title for v in dress.variants] == ["红色 / S", "蓝色 / M"]
    assert result.untracked == {"DRESS-B-M"}


def test_woocommerce_export_saved_by_chinese_excel(tmp_path: Path) -> None:
    text = WOO.read_text(encoding="utf-8")
    result = import_catalog(write(tmp_path, text.encode("gb18030")))
    assert result.products[0].title == "【直播专享】玻尿酸保湿面膜 10片装"


def test_forced_format_that_does_not_fit(tmp_path: Path) -> None:
    path = write(tmp_path, SHOPIFY_ZH.encode())
    with pytest.raises(CatalogImportError, match="lacks columns 'Type', 'Name'"):
        import_catalog(path, "woocommerce")
    with pytest.raises(CatalogImportError, match="unknown format 'excel'"):
        import_catalog(path, "excel")


def test_json_shape() -> None:
    text = SHOPIFY_ZH + "cap,Cap,,CAP,oops,1,\nmug,Mug,Default Title,,25,3,\n"
    result = parse_catalog(text, currency="USD", skip_bad_rows=True)
    data = catalog_json(result)
    assert list(data) == ["products", "skipped"]
    dress, mug = data["products"]
    assert list(dress) == [*KEYS, "variants"]
    assert dress["currency"] == "USD"
    assert [list(v) for v in dress["variants"]] == [KEYS, KEYS]
    assert dress["variants"][1] == {
        "sku": "DRESS-B-M", "title": "蓝色 / M", "price_minor": 18900, "compare_at_minor": None,
        "currency": "USD", "stock": UNTRACKED_STOCK, "image": "",
    }  # fmt: skip
    assert mug == {
        "sku": "mug", "title": "Mug", "price_minor": 2500, "compare_at_minor": None,
        "currency": "USD", "stock": 3, "image": "", "variants": [],
    }  # fmt: skip
    assert data["skipped"] == [
        {"row": 4, "reason": "'oops' is not a price (expected digits such as 129.00)"}
    ]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_malformed_file_changes_nothing(tmp_path: Path) -> None:
    """All or nothing: one bad row refuses the file, which is left exactly as it was."""
    data = (SHOPIFY_ZH + 'dress,,"绿色 / L",DRESS-G-L,"12,5",1,\n').encode("gb18030")
    path = write(tmp_path, data)
    with pytest.raises(CatalogImportError, match=r"^row 4: price '12,5' has a comma"):
        import_catalog(path)
    assert path.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.csv"]
    result = import_catalog(path, skip_bad_rows=True)
    assert [s.row for s in result.skipped] == [4]


def test_unclosed_quote_refuses_even_when_skipping(tmp_path: Path) -> None:
    path = write(tmp_path, b'Handle,Title,Variant Price\ntee,"Tee,1\nmug,Mug,1\n')
    with pytest.raises(CatalogImportError, match=r"^row 2: cannot read the CSV"):
        import_catalog(path, skip_bad_rows=True)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogImportError, match="empty"):
        import_catalog(write(tmp_path, b"\xef\xbb\xbf\r\n\r\n"))


# -- properties ---------------------------------------------------------------------------

_HEADERS = [
    "",
    "Handle,Title,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Image Src,Status\n",
    "URL handle,Title,SKU,Price,Compare-at price,Inventory quantity,Product image URL\n",
    "ID,Type,SKU,Name,In stock?,Stock,Sale price,Regular price,Images,Parent,Attribute 1 value(s)\n",
    "sku,title,price,stock,compare_at,image\n",
]
_cell = st.sampled_from(
    ["", "1", "9.90", "12,5", "-3", "x", "TRUE", "false", "Default Title", "archived",
     "simple", "variable", "variation", "grouped", "external", "id:1", "backorder",
     "https://img.example/a.png", '"a\nb"', '""', "红色", "\ufeff", "tee", "1e5"]
)  # fmt: skip
_csvish = st.text(alphabet=st.sampled_from(list(',"\r\n \t;.-0123456789abAB价\ufeff\x00')))
_rows = st.lists(st.lists(_cell, max_size=12).map(",".join), max_size=8).map("\n".join)


@given(
    st.sampled_from(_HEADERS),
    st.one_of(_rows, _csvish, st.text()),
    st.sampled_from(FORMATS),
    st.booleans(),
)
def test_garbage_never_raises_anything_else(header: str, body: str, fmt: str, skip: bool) -> None:
    try:
        result = parse_catalog(header + body, fmt, skip_bad_rows=skip)
    except CatalogImportError:
        return
    assert isinstance(result, ImportResult)
    assert result.products
    assert result.format in FORMATS
    skus = [s for p in result.products for s in (p.sku, *(v.sku for v in p.variants))]
    assert len(skus) == len(set(skus))
    json.dumps(catalog_json(result))
