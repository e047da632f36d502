"""The catalog import dialog: preview, refusals, existing SKUs, plain text, picture fetching."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from console.domain.catalog import Product
from console.importers.build import UNTRACKED_STOCK
from console.importers.images import FetchReport, cache_path
from console.ui import thumbnails
from console.ui.import_dialog import ImportDialog
from tests.support import realdata

pytestmark = pytest.mark.gui

SHOPIFY = (
    "Handle,Title,Status,Option1 Value,Variant SKU,Variant Price,Variant Compare At Price,"
    "Variant Inventory Qty,Image Src\n"
    "tee,Cotton tee 纯棉T恤,active,S,TEE-S,19.99,24.99,5,\n"
    "tee,,,M,TEE-M,21.00,,,\n"
    "mug,Mug,draft,Default Title,MUG,9.50,,3,\n"
)
BAD_ROW = 'cap,Cap,active,Default Title,CAP,"12,50",,1,\n'


def write(tmp_path: Path, text: str, name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def make(
    qtbot: QtBot, existing: set[str] | None = None, cache_dir: Path | None = None
) -> ImportDialog:
    dialog = ImportDialog("USD", existing or set(), cache_dir=cache_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def top(dialog: ImportDialog, i: int) -> QTreeWidgetItem:
    item = dialog.preview.topLevelItem(i)
    assert item is not None
    return item


def rows(dialog: ImportDialog) -> list[list[str]]:
    out = []
    for i in range(dialog.preview.topLevelItemCount()):
        item = top(dialog, i)
        out.append([item.text(c) for c in range(5)])
        for j in range(item.childCount()):
            child = item.child(j)
            assert child is not None
            out.append(["  " + child.text(c) for c in range(4)])
    return out


def skipped(dialog: ImportDialog) -> list[str]:
    return [dialog.skipped_list.item(i).text() for i in range(dialog.skipped_list.count())]


def test_picking_a_file_shows_the_preview(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    assert not dialog.import_button.isEnabled()
    assert not dialog.error_label.isVisible()
    dialog.path_edit.setText(str(write(tmp_path, SHOPIFY)))
    assert rows(dialog) == [
        ["tee", "Cotton tee 纯棉T恤", "$19.99", "5 + not tracked", "New"],
        ["  TEE-S", "  S", "  $19.99", "  5"],
        ["  TEE-M", "  M", "  $21.00", "  not tracked"],
        ["MUG", "Mug", "$9.50", "3", "New"],
    ]
    summary = dialog.summary.text()
    assert "Read as Shopify product CSV: 2 products to import, 0 already" in summary
    assert f"set to {UNTRACKED_STOCK:,}" in summary
    assert dialog.import_button.isEnabled()
    assert not dialog.error_label.isVisible()
    assert skipped(dialog) == []


def test_real_shopify_template_preview(qtbot: QtBot) -> None:
    path = realdata("product_template_2024_new_headers.csv")
    dialog = make(qtbot)
    dialog.path_edit.setText(str(path))
    shirt, book = top(dialog, 0), top(dialog, 1)
    assert (shirt.childCount(), shirt.text(3)) == (12, "513")
    assert (book.childCount(), book.text(3), book.text(2)) == (3, "not tracked", "$9.99")


def test_bad_file_shows_why_and_nothing_can_be_imported(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    dialog.path_edit.setText(str(write(tmp_path, SHOPIFY + BAD_ROW)))
    assert dialog.error_label.isVisible()
    error = dialog.error_label.text()
    assert "nothing will change" in error
    assert "row 5: price '12,50' has a comma" in error
    assert dialog.preview.topLevelItemCount() == 0
    assert not dialog.import_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.imported):
        dialog.import_button.click()
        dialog.confirm()


@pytest.mark.parametrize(
    "text", ["", "name,cost\nmug,1\n", 'Handle,Title,Variant Price\ntee,"Tee,1\n', "\x00\x01"]
)
def test_unreadable_files_are_refused(qtbot: QtBot, tmp_path: Path, text: str) -> None:
    dialog = make(qtbot)
    dialog.path_edit.setText(str(write(tmp_path, text)))
    assert dialog.error_label.isVisible()
    assert not dialog.import_button.isEnabled()


def test_missing_file_and_cleared_path(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    dialog.path_edit.setText(str(tmp_path / "nope.csv"))
    assert "cannot read" in dialog.error_label.text()
    dialog.path_edit.setText("")
    assert not dialog.error_label.isVisible()
    assert not dialog.import_button.isEnabled()


def test_skip_bad_rows_lists_them(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    dialog.path_edit.setText(str(write(tmp_path, SHOPIFY + BAD_ROW)))
    dialog.skip_bad.setChecked(True)
    assert not dialog.error_label.isVisible()
    assert dialog.preview.topLevelItemCount() == 2
    assert skipped(dialog) == [
        "Row 5: price '12,50' has a comma: use a dot for decimals and no thousands separator"
    ]
    assert "1 rows left out" in dialog.summary.text()
    assert dialog.import_button.isEnabled()


def test_format_choice(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot)
    dialog.path_edit.setText(str(write(tmp_path, SHOPIFY)))
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("woocommerce"))
    assert "lacks columns 'Type', 'Name'" in dialog.error_label.text()
    assert not dialog.import_button.isEnabled()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("shopify"))
    assert dialog.import_button.isEnabled()
    woo = Path(__file__).resolve().parents[1] / "data" / "woocommerce_export.csv"
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("auto"))
    dialog.path_edit.setText(str(woo))
    assert dialog.summary.text().startswith("Read as WooCommerce product CSV: 4 products")
    assert any("grouped product" in line for line in skipped(dialog))


def test_import_emits_new_products_and_leaves_existing_ones(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot, existing={"TEE-M"})  # a variant SKU already sold in the session
    dialog.path_edit.setText(str(write(tmp_path, SHOPIFY)))
    assert rows(dialog)[0][4] == "In this session already: left as it is"
    assert "1 products to import, 1 already in this session" in dialog.summary.text()
    with qtbot.waitSignal(dialog.imported) as signal:
        dialog.import_button.click()
    (products,) = signal.args
    assert products == [Product("MUG", "Mug", 950, 3, currency="USD")]
    assert dialog.summary.text() == "Imported 1 products."
    assert not dialog.import_button.isEnabled()
    assert not dialog.path_edit.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Close"
    assert not dialog.images_label.isVisible()  # no pictures named by URL
    with qtbot.assertNotEmitted(dialog.imported):
        dialog.confirm()


def test_nothing_new_means_nothing_to_import(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = make(qtbot, existing={"tee", "MUG"})
    dialog.path_edit.setText(str(write(tmp_path, SHOPIFY)))
    assert dialog.preview.topLevelItemCount() == 2
    assert not dialog.import_button.isEnabled()


def test_file_text_is_shown_as_plain_text(qtbot: QtBot, tmp_path: Path) -> None:
    title = "<b>x</b><script>alert(1)</script>"
    text = f'Handle,Title,Variant Price\ntee,"{title}",1\nmug,<i>Mug</i>,1\nbad,Bad,<b>1</b>\n'
    dialog = make(qtbot)
    dialog.path_edit.setText(str(write(tmp_path, text)))
    assert "'<b>1</b>' is not a price" in dialog.error_label.text()
    assert dialog.error_label.textFormat() == Qt.TextFormat.PlainText
    dialog.skip_bad.setChecked(True)
    assert top(dialog, 0).text(1) == title
    assert top(dialog, 1).text(1) == "<i>Mug</i>"
    assert skipped(dialog) == ["Row 4: '<b>1</b>' is not a price (expected digits such as 129.00)"]
    assert dialog.summary.textFormat() == Qt.TextFormat.PlainText


# -- pictures named by URL ------------------------------------------------------------------


@pytest.fixture
def image_cache(tmp_path: Path) -> Iterator[Path]:
    cache = tmp_path / "images"
    thumbnails.set_image_cache(cache)
    yield cache
    thumbnails.set_image_cache(None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_pictures_wait_for_an_event_loop(qtbot: QtBot, tmp_path: Path, image_cache: Path) -> None:
    text = "sku,title,price,stock,image\nA,a,1,1,https://img.example/a.png\n"
    dialog = make(qtbot, cache_dir=image_cache)
    dialog.path_edit.setText(str(write(tmp_path, text)))
    dialog.import_button.click()  # no asyncio loop runs in this test
    assert (
        dialog.images_label.text()
        == "1 pictures named by URL are not fetched now: they show as tiles."
    )


def test_pictures_are_fetched_on_the_running_loop(
    qtbot: QtBot, tmp_path: Path, image_cache: Path
) -> None:
    """The app's qasync loop runs the fetch; the report shows in the dialog and in a signal."""
    cached = "https://img.example/cached.png"
    gone = f"http://127.0.0.1:{free_port()}/gone.png"
    image_cache.mkdir()
    cache_path(image_cache, cached).write_bytes(_png(tmp_path))
    text = f"sku,title,price,stock,image\nA,a,1,1,{cached}\nB,b,1,1,{gone}\n"
    dialog = make(qtbot, cache_dir=image_cache)
    dialog.path_edit.setText(str(write(tmp_path, text)))

    async def scenario() -> FetchReport:
        reported: asyncio.Future[FetchReport] = asyncio.get_running_loop().create_future()
        dialog.images_fetched.connect(reported.set_result)
        dialog.import_button.click()
        assert dialog.images_label.text().startswith("Fetching 2 pictures…")
        async with asyncio.timeout(10):
            return await reported

    loop = qasync.QEventLoop(QApplication.instance())
    try:
        report = loop.run_until_complete(scenario())
    finally:
        loop.close()
    assert list(report.fetched) == [cached]
    assert list(report.failed) == [gone]
    shown = dialog.images_label.text().splitlines()
    assert shown[0] == "1 of 2 pictures fetched."
    assert shown[1].startswith(f"{gone}: cannot fetch it")
    # The queue's thumbnails now show the cached picture instead of a tile.
    with_url = thumbnails.thumbnail(Product("A", "a", 1, 1, image=cached), 32)
    tile = thumbnails.thumbnail(Product("B", "b", 1, 1, image=gone), 32)
    assert with_url.toImage().pixelColor(16, 16).name() == "#00ff00"
    assert tile.toImage().pixelColor(16, 16).name() != "#00ff00"


def _png(tmp_path: Path) -> bytes:
    from PySide6.QtGui import QColor, QImage

    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("#00ff00"))
    path = tmp_path / "green.png"
    assert image.save(str(path))
    return path.read_bytes()
