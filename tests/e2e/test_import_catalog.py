"""`import-catalog` as a user runs it on real Shopify templates and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import cli
from tests.support import realdata


@pytest.fixture
def legacy() -> Path:
    return realdata("product_template_legacy_2019.csv")


def test_dry_run_json_prints_products_and_saves_nothing(legacy: Path, tmp_path: Path) -> None:
    r = cli("--data-dir", tmp_path, "import-catalog", legacy, "--dry-run", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"products", "skipped"}
    product = data["products"][0]
    assert set(product) == {"sku", "title", "price_minor", "compare_at_minor", "currency",
                            "stock", "image", "variants"}  # fmt: skip
    assert not (tmp_path / "catalogs").exists()


def test_import_saves_a_catalog_that_sessions_use(legacy: Path, tmp_path: Path) -> None:
    r = cli("--data-dir", tmp_path, "import-catalog", legacy)
    assert r.returncode == 0, r.stderr
    saved = tmp_path / "catalogs" / "product_template_legacy_2019.json"
    assert f"saved to {saved}" in r.stdout
    out = tmp_path / "s.live.db"
    r = cli("simulate", "--duration", "30", "--catalog", saved, "--out", out, "--quiet")
    assert r.returncode == 0, r.stderr
    info = json.loads(cli("info", out, "--json").stdout)
    expected = json.loads(saved.read_text(encoding="utf-8"))["products"]
    assert [p["sku"] for p in info["products"]] == [p["sku"] for p in expected]


def test_a_bad_file_is_refused_with_the_row_and_nothing_saved(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('sku,title,price,stock\nA,Apple,"12,50",3\n', encoding="utf-8")
    r = cli("--data-dir", tmp_path, "import-catalog", bad)
    assert r.returncode == 2
    assert "row 2" in r.stderr and "comma" in r.stderr
    assert not (tmp_path / "catalogs").exists()
