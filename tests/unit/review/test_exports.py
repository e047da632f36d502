"""CSV and HTML exports: spreadsheet-safe, escaped, self-contained."""

from __future__ import annotations

import csv
import json
import re
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from console.review.csv_export import safe, write_csv
from console.review.html_report import render_html
from console.review.review import Review
from console.review.svg_chart import Band, Mark, chart, y_ticks
from console.store.reader import iter_events
from console.store.session_file import open_session
from tests.unit.review.conftest import FORMULA_TITLE, MARKER, SCRIPT_TAG

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def csv_dir(
    scripted: Path, scripted_review: Review, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("csv") / "new-folder"
    conn, _ = open_session(scripted)
    with closing(conn):
        paths = write_csv(scripted_review, iter_events(conn, scripted), out)
    assert [p.name for p in paths] == ["events.csv", "minutes.csv", "products.csv", "deals.csv"]
    return out


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", ["events", "minutes", "products", "deals"])
def test_csv_files_start_with_a_bom_and_a_header(csv_dir: Path, name: str) -> None:
    raw = (csv_dir / f"{name}.csv").read_bytes()
    assert raw.startswith(BOM) and not raw[3:].startswith(BOM)
    header = raw[3:].split(b"\r\n", 1)[0].decode()
    assert header.split(",")[0] in ("seq", "minute", "sku", "deal_id")


def test_money_is_decimal_text_in_major_units_beside_its_currency(csv_dir: Path) -> None:
    products = {row["sku"]: row for row in read(csv_dir / "products.csv")}
    mask = products["MASK"]
    assert (mask["gmv"], mask["gmv_while_presenting"], mask["currency"]) == (
        "479.10",
        "479.10",
        "CNY",
    )
    assert mask["gmv_per_min_presenting"] == "239.55"
    assert products["TEE"]["gmv_per_min_presenting"] == ""  # never presented
    (deal,) = read(csv_dir / "deals.csv")
    assert (deal["deal_price"], deal["regular_price"], deal["gmv"]) == ("39.90", "59.90", "119.70")
    assert "gmv_minor" not in deal and deal["currency"] == "CNY"
    minutes = read(csv_dir / "minutes.csv")
    assert [m["gmv"] for m in minutes] == ["428.50", "179.60", "258.00", "0.00"]


def test_untrusted_text_cannot_start_a_formula(csv_dir: Path) -> None:
    products = {row["title"]: row for row in read(csv_dir / "products.csv")}
    assert "'" + FORMULA_TITLE in products
    assert products["'" + FORMULA_TITLE]["sku"] == "'@FORMULA"
    assert products[SCRIPT_TAG]["sku"] == "'-EVIL"
    assert products["保湿面膜 10片"]["sku"] == "MASK"  # ordinary text is left alone


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_safe_prefixes_formula_starts(text: str) -> None:
    assert safe(text) == "'" + text
    assert safe("a" + text) == "a" + text


def test_events_csv_holds_every_event_as_logged(csv_dir: Path, scripted: Path) -> None:
    rows = read(csv_dir / "events.csv")
    conn, _ = open_session(scripted)
    with closing(conn):
        stored = conn.execute("SELECT seq, kind, source, data FROM events ORDER BY seq").fetchall()
    assert [(int(r["seq"]), r["kind"], r["source"], r["data"]) for r in rows] == stored
    assert rows[0]["time"] == "2025-11-28T08:00:00.000Z"
    marker = next(r for r in rows if r["kind"] == "marker")
    assert json.loads(marker["data"]) == {"text": MARKER}


def test_deals_csv_has_a_header_without_deals(scripted_review: Review, tmp_path: Path) -> None:
    write_csv(replace(scripted_review, deals=[]), [], tmp_path)
    assert (tmp_path / "deals.csv").read_bytes().startswith(BOM + b"deal_id,sku,")
    assert (tmp_path / "events.csv").read_bytes() == BOM + b"seq,time,kind,source,data\r\n"


@pytest.fixture(scope="module")
def html(scripted_review: Review) -> str:
    return render_html(scripted_review)


def test_html_escapes_every_string_from_the_file(html: str) -> None:
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the session title and a product
    assert "夜场 &lt;script&gt;" in html
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;click&quot;)" in html
    assert "@SUM(A1) 抽奖 giveaway" in html


def test_html_is_self_contained_and_printable(html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei"' in html
    assert "@page { size: A4" in html and "@media print" in html
    assert html.count("<svg") == 4
    for section in ("overview", "charts", "products", "deals", "peaks", "comparison"):
        assert f'<section id="{section}">' in html
    assert "✔ Intact" in html


def test_html_shows_the_figures(html: str, scripted_review: Review) -> None:
    assert "¥866.10" in html  # session GMV
    assert "0:00:15" in html  # the deal sold out in 15 s
    assert "4.0 → 12.0" in html  # orders per minute before → during
    assert "sold out" in html
    assert scripted_review.summary["chain_head"] in html


def test_chart_escapes_labels_and_marks_switches_and_deals() -> None:
    svg = chart("GMV <per> minute", [0, 5, 12, 3], bars=True, color="#123456",
                y_label=str, x_label=lambda m: f"{m} min",
                marks=[Mark(1.5, "<b>SKU</b>")], bands=[Band(2.0, 2.5, "Deal & co")])  # fmt: skip
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;SKU&lt;/b&gt;" in svg
    assert "GMV &lt;per&gt; minute" in svg and "Deal &amp; co" in svg
    assert svg.count('class="switch"') == 1 and svg.count('class="band"') == 1
    assert svg.count("<rect x=") == 3  # one bar per non-zero minute
    line = chart("Viewers", [], bars=False, color="green", y_label=str, x_label=str)
    assert "<polyline" in line  # an empty session still draws its axes


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (12, [0, 5, 10, 15]), (42850, [0, 20000, 40000, 60000]),
     (100, [0, 50, 100])],
)  # fmt: skip
def test_y_ticks_are_round_and_cover_the_top(top: int, ticks: list[int]) -> None:
    assert y_ticks(top) == ticks
