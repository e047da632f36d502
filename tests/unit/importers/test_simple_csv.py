"""Simple CSV catalog import: encodings, row-level refusals, and round trips."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.catalog import MAX_SKU, MAX_TITLE
from console.domain.money import to_decimal_text
from console.importers.sample import sample_catalog_path
from console.importers.simple_csv import (
    CatalogImportError,
    ImportResult,
    SkippedRow,
    load_catalog,
    parse_simple_csv,
    read_text,
)

GOOD = (
    "sku,title,price,stock,image,compare_at\n"
    "MASK-10,【直播专享】玻尿酸保湿面膜 10片装,59.90,2000,,99.00\n"
    "EARBUD-PRO,Wireless earbuds 无线蓝牙耳机 Pro,299.00,300,https://img.example/e.jpg,\n"
)


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_bytes(data)
    return path


def test_good_file(tmp_path: Path) -> None:
    result = load_catalog(write(tmp_path, GOOD.encode()))
    assert result.skipped == ()
    mask, earbuds = result.products
    assert mask.sku == "MASK-10"
    assert mask.title == "【直播专享】玻尿酸保湿面膜 10片装"
    assert (mask.price_minor, mask.compare_at_minor, mask.stock) == (5990, 9900, 2000)
    assert mask.currency == "CNY"
    assert mask.image == ""
    assert earbuds.compare_at_minor is None
    assert earbuds.image == "https://img.example/e.jpg"


def test_header_case_spaces_order_and_unknown_columns() -> None:
    text = " Stock ,备注, PRICE ,Title,SKU\n5,x,1.50,Tea 茶,TEA\n"
    (tea,) = parse_simple_csv(text).products
    assert (tea.sku, tea.title, tea.price_minor, tea.stock) == ("TEA", "Tea 茶", 150, 5)


def test_currency_sets_minor_units() -> None:
    (p,) = parse_simple_csv("sku,title,price,stock\nA,a,1299,1\n", "JPY").products
    assert (p.price_minor, p.currency) == (1299, "JPY")
    with pytest.raises(CatalogImportError, match="currency"):
        parse_simple_csv("sku,title,price,stock\nA,a,1,1\n", "yen")


def test_utf8_bom(tmp_path: Path) -> None:
    result = load_catalog(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode()))
    assert [p.sku for p in result.products] == ["MASK-10", "EARBUD-PRO"]


def test_bom_in_text_is_ignored() -> None:
    assert len(parse_simple_csv("\ufeff" + GOOD).products) == 2


def test_gb18030_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.encode("gb18030"))
    assert read_text(path) == GOOD
    assert load_catalog(path).products[0].title == "【直播专享】玻尿酸保湿面膜 10片装"


def test_undecodable_bytes_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogImportError, match="neither UTF-8 nor GB18030"):
        read_text(write(tmp_path, b"sku,title\n\xff\xfe\x80\n"))


def test_utf16_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogImportError, match="NUL bytes"):
        read_text(write(tmp_path, GOOD.encode("utf-16")))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogImportError, match="cannot read"):
        read_text(tmp_path / "nope.csv")


def test_comma_decimal_refused_naming_row() -> None:
    text = "sku,title,price,stock\n\nA,a,1.00,1\nB,b,12,5,3\n"
    with pytest.raises(CatalogImportError) as e:
        parse_simple_csv(text)
    # Unquoted, "12,5" splits into two cells; quoted, parse_price names the comma.
    assert str(e.value).startswith("row 4: ")
    text = 'sku,title,price,stock\nA,a,1.00,1\nB,b,"12,5",3\n'
    with pytest.raises(CatalogImportError, match=r"^row 3: price '12,5' has a comma"):
        parse_simple_csv(text)


@pytest.mark.parametrize(
    ("stock", "reason"),
    [
        ("-3", "stock '-3' is negative"),
        ("many", "stock 'many' is not a whole number"),
        ("5.0", "stock '5.0' is not a whole number"),
        ("1,000", "stock '1,000' is not a whole number"),
        ("", "stock is empty"),
        ("6901234567892", "stock '6901234567892' is more than"),
        ("9" * 5000, "stock '9+' is more than"),
    ],
)
def test_bad_stock(stock: str, reason: str) -> None:
    with pytest.raises(CatalogImportError, match=f"^row 2: {reason}"):
        parse_simple_csv(f'sku,title,price,stock\nA,a,1.00,"{stock}"\n')


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("A,a,,1", "price is empty"),
        ("A,a,¥59.90,1", "is not a price"),
        ("A,a,-1,1", "negative"),
        ("A,a,1.005,1", "more decimals"),
        (",a,1,1", "sku is empty"),
        ("A,,1,1", "title is empty"),
        ("A" * (MAX_SKU + 1) + ",a,1,1", f"longer than {MAX_SKU}"),
        ("A," + "t" * (MAX_TITLE + 1) + ",1,1", f"longer than {MAX_TITLE}"),
        ("A,a,1,1,extra", "5 cells but the header has 4"),
        ('"A\nB",a,1,1', "sku contains a line break"),
    ],
)
def test_bad_row_reasons(row: str, reason: str) -> None:
    with pytest.raises(CatalogImportError, match=f"^row 2: .*{reason}"):
        parse_simple_csv(f"sku,title,price,stock\n{row}\n")


def test_compare_at_error_names_column() -> None:
    with pytest.raises(CatalogImportError, match=r"^row 2: compare_at: price '9,9'"):
        parse_simple_csv('sku,title,price,stock,compare_at\nA,a,1,1,"9,9"\n')


def test_missing_column_named() -> None:
    with pytest.raises(CatalogImportError, match="lacks column 'price'"):
        parse_simple_csv("sku,title,stock\nA,a,1\n")
    with pytest.raises(CatalogImportError, match="lacks columns 'sku', 'stock'"):
        parse_simple_csv("title,price\na,1\n")


def test_semicolon_header_gets_a_hint() -> None:
    with pytest.raises(CatalogImportError, match="comma-separated"):
        parse_simple_csv("sku;title;price;stock\nA;a;1;1\n")


def test_duplicate_header_column() -> None:
    with pytest.raises(CatalogImportError, match="column 'price' twice"):
        parse_simple_csv("sku,title,price,stock,Price\nA,a,1,1,2\n")


def test_duplicate_sku() -> None:
    text = "sku,title,price,stock\nA,a,1,1\nB,b,1,1\nA,again,2,2\n"
    with pytest.raises(CatalogImportError, match=r"^row 4: SKU 'A' is already on row 2"):
        parse_simple_csv(text)


def test_empty_catalog_refused() -> None:
    with pytest.raises(CatalogImportError, match="empty"):
        parse_simple_csv("")
    with pytest.raises(CatalogImportError, match="no products"):
        parse_simple_csv("sku,title,price,stock\n\n,,,\n")
    with pytest.raises(CatalogImportError, match="no products; all 1 rows are bad"):
        parse_simple_csv("sku,title,price,stock\nA,a,x,1\n", skip_bad_rows=True)


def test_all_or_nothing_counts_further_bad_rows() -> None:
    text = "sku,title,price,stock\nA,a,x,1\nB,b,1,1\nC,c,1,-1\nD,d,1,y\n"
    with pytest.raises(CatalogImportError, match=r"^row 2: .*\(2 more bad rows after it\)$"):
        parse_simple_csv(text)


def test_skip_bad_rows_keeps_good_ones() -> None:
    text = (
        'sku,title,price,stock\nA,a,1.00,1\nB,b,"12,5",1\n\nC,c,2.00,-4\nD,d,3.00,3\nA,dup,4.00,4\n'
    )
    result = parse_simple_csv(text, skip_bad_rows=True)
    assert [p.sku for p in result.products] == ["A", "D"]
    assert [s.row for s in result.skipped] == [3, 5, 7]
    assert "comma" in result.skipped[0].reason
    assert result.skipped[1] == SkippedRow(5, "stock '-4' is negative")
    assert result.skipped[2] == SkippedRow(7, "SKU 'A' is already on row 2")


def test_quoted_multiline_title_and_row_numbers() -> None:
    text = 'sku,title,price,stock\r\nA,"面膜\r\n第二行, with comma",1,1\r\nB,b,x,1\r\n'
    result = parse_simple_csv(text, skip_bad_rows=True)
    assert result.products[0].title == "面膜\r\n第二行, with comma"
    assert result.skipped == (SkippedRow(4, "'x' is not a price (expected digits such as 129.00)"),)


def test_unclosed_quote_refused_even_when_skipping() -> None:
    text = 'sku,title,price,stock\nA,"unclosed,1,1\nB,b,1,1\n'
    with pytest.raises(CatalogImportError, match=r"^row 2: cannot read the CSV"):
        parse_simple_csv(text, skip_bad_rows=True)


def test_hand_written_spaces_after_commas() -> None:
    (p,) = parse_simple_csv('sku, title, price, stock\nA, "Tea, green", 1.00, 2\n').products
    assert (p.title, p.price_minor, p.stock) == ("Tea, green", 100, 2)


@pytest.mark.parametrize("title", ["<img src=x onerror=alert(1)>", "<b>爆款</b> &amp; 秒杀"])
def test_markup_in_title_kept_literally(title: str) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerows([["sku", "title", "price", "stock"], ["X", title, "1", "1"]])
    assert parse_simple_csv(buf.getvalue()).products[0].title == title


def test_sample_catalog_loads() -> None:
    result = load_catalog(sample_catalog_path())
    assert result.skipped == ()
    assert len(result.products) == 12
    assert len({p.sku for p in result.products}) == 12
    with_compare = [p for p in result.products if p.compare_at_minor is not None]
    assert len(with_compare) > len(result.products) // 2
    assert all(p.compare_at_minor > p.price_minor for p in with_compare if p.compare_at_minor)
    assert all(50 <= p.stock <= 5000 for p in result.products)


# -- properties ---------------------------------------------------------------

_clean = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), min_size=1
).filter(lambda s: s == s.strip() and s != "")
_product_rows = st.lists(
    st.tuples(
        _clean.filter(lambda s: len(s) <= MAX_SKU),
        st.text(min_size=1, max_size=MAX_TITLE).filter(lambda s: s == s.strip() and s != ""),
        st.integers(0, 10**12),
        st.integers(0, 10**9),
        st.none() | st.integers(0, 10**12),
    ),
    min_size=1,
    max_size=20,
    unique_by=lambda r: r[0],
)
_COLUMNS = ["sku", "title", "price", "stock", "compare_at", "note"]


# csv.writer quotes a lone "\r" only when it is in lineterminator, so "\n" files quote all.
@given(_product_rows, st.permutations(_COLUMNS), st.sampled_from(["\r\n", "\n"]))
def test_round_trip(rows: list, columns: list[str], newline: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(
        buf,
        lineterminator=newline,
        quoting=csv.QUOTE_MINIMAL if newline == "\r\n" else csv.QUOTE_ALL,
    )
    writer.writerow([c.upper() if i % 2 else c for i, c in enumerate(columns)])
    for sku, title, price, stock, compare_at in rows:
        values = {
            "sku": sku,
            "title": title,
            "price": to_decimal_text(price),
            "stock": str(stock),
            "compare_at": "" if compare_at is None else to_decimal_text(compare_at),
            "note": 'ignored, "really"',
        }
        writer.writerow([values[c] for c in columns])
    result = parse_simple_csv(buf.getvalue())
    assert result.skipped == ()
    got = [(p.sku, p.title, p.price_minor, p.stock, p.compare_at_minor) for p in result.products]
    assert got == [tuple(r) for r in rows]


_csvish = st.text(alphabet=st.sampled_from(list(',"\r\n \t;.-0123456789abAB价\ufeff\x00')))


@given(
    st.one_of(
        st.text(),
        _csvish,
        st.builds(lambda body: "sku,title,price,stock,compare_at,image\n" + body, _csvish),
    ),
    st.booleans(),
)
def test_garbage_never_raises_anything_else(text: str, skip: bool) -> None:
    try:
        result = parse_simple_csv(text, skip_bad_rows=skip)
    except CatalogImportError:
        return
    assert isinstance(result, ImportResult)
    assert result.products
