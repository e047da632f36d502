"""The product dialog: exact parsing, clear messages, nothing saved until the product is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from console.domain.catalog import Product, Variant
from console.engine.session import LiveSession
from console.ui.product_dialog import Mode, ProductDialog, duplicate
from console.ui.queue import taken_skus


def make(
    qtbot: QtBot, session: LiveSession, product: Product | None = None, mode: Mode = "add"
) -> ProductDialog:
    state = session.state
    dialog = ProductDialog(
        state.currency, taken_skus(state), product, mode=mode, submit=session.add_product
    )
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def fill(dialog: ProductDialog, sku: str = "SOAP", title: str = "Soap 香皂", price: str = "19.90",
         stock: str = "40", compare_at: str = "") -> None:  # fmt: skip
    dialog.sku.setText(sku)
    dialog.title_edit.setText(title)
    dialog.price.setText(price)
    dialog.compare_at.setText(compare_at)
    dialog.stock.setText(stock)


def press_ok(dialog: ProductDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price", "-5.00", "Price cannot be negative"),
        ("price", "59,90", "use a dot for decimals"),
        ("price", "59，90", "use a dot for decimals"),
        ("price", "abc", "is not a price"),
        ("price", "5.999", "is not a price"),
        ("price", "", "Enter the price"),
        ("title", "   ", "Enter a title"),
        ("stock", "abc", "whole number"),
        ("stock", "4.5", "whole number"),
        ("stock", "-3", "Stock cannot be negative"),
        ("stock", "", "whole number"),
        ("sku", "", "Enter a SKU"),
        ("sku", "MASK", "already used"),
        ("sku", "TEE-S", "already used"),  # a variant's SKU
        ("compare_at", "ninety", "Compare-at price"),
    ],
)
def test_invalid_input_is_explained_and_nothing_is_saved(
    qtbot: QtBot, session: LiveSession, field: str, value: str, message: str
) -> None:
    dialog = make(qtbot, session)
    fill(dialog, **{field: value})
    before = session.state.last_seq
    press_ok(dialog)
    assert message in dialog.error()
    assert dialog.error_label.isVisible()
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.product() is None
    assert session.state.last_seq == before
    assert "SOAP" not in session.state.products


def test_valid_product_is_added_once_and_returned(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make(qtbot, session)
    fill(dialog, price=" 19.9 ", compare_at="29", stock="40")
    dialog.image.setText("https://cdn.example.com/soap.jpg")
    before = session.state.last_seq
    with qtbot.waitSignal(dialog.accepted):
        press_ok(dialog)
    product = dialog.product()
    assert product == Product("SOAP", "Soap 香皂", 1990, 40, compare_at_minor=2900,
                              image="https://cdn.example.com/soap.jpg", currency="CNY")  # fmt: skip
    assert session.state.last_seq == before + 1
    assert session.state.queue[-1] == "SOAP"


def test_fixing_the_error_clears_the_message(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make(qtbot, session)
    fill(dialog, price="59,90")
    press_ok(dialog)
    assert dialog.error()
    dialog.price.setText("59.90")
    press_ok(dialog)
    assert dialog.error() == ""
    assert "SOAP" in session.state.queue


def test_the_offending_field_gets_focus(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make(qtbot, session)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    fill(dialog, stock="many")
    press_ok(dialog)
    assert dialog.stock.hasFocus()


def test_session_refusal_stays_in_the_dialog(qtbot: QtBot, session: LiveSession) -> None:
    tee = session.state.products["TEE"].product  # its variant SKUs are taken
    dialog = make(qtbot, session, tee.with_changes(sku="TEE2"), mode="duplicate")
    before = session.state.last_seq
    press_ok(dialog)
    assert "refused" in dialog.error() and "TEE-S" in dialog.error()
    assert dialog.isVisible()
    assert dialog.product() is None
    assert session.state.last_seq == before


def test_currency_without_decimals(qtbot: QtBot) -> None:
    dialog = ProductDialog("JPY", set())
    qtbot.addWidget(dialog)
    assert dialog.price.placeholderText() == "5990"
    fill(dialog, price="59.90")
    dialog.accept()
    assert "JPY" in dialog.error()
    dialog.price.setText("5990")
    dialog.accept()
    product = dialog.product()
    assert product is not None
    assert (product.price_minor, product.currency) == (5990, "JPY")


def test_edit_keeps_the_sku_and_the_variants(qtbot: QtBot, session: LiveSession) -> None:
    tee = session.state.products["TEE"].product
    dialog = ProductDialog(
        "CNY", taken_skus(session.state), tee, mode="edit", submit=session.update_product
    )
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Edit product"
    assert dialog.sku.isReadOnly()
    assert not dialog.price.isEnabled()
    assert "TEE-S" in dialog.variants_note.text()
    dialog.title_edit.setText("Tee <b>bold</b>")
    dialog.accept()
    product = session.state.products["TEE"].product
    assert product.title == "Tee <b>bold</b>"
    assert product.variants == tee.variants


def test_browse_fills_the_image_path(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ProductDialog("CNY", set())
    qtbot.addWidget(dialog)
    browse = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Browse…")
    browse.click()
    chooser = dialog.findChild(QFileDialog)
    assert chooser is not None
    chooser.fileSelected.emit(str(tmp_path / "soap.png"))
    assert dialog.image.text() == str(tmp_path / "soap.png")
    chooser.reject()


def test_duplicate_finds_a_free_sku() -> None:
    mask = Product("MASK", "Mask", 100, 1)
    assert duplicate(mask, {"MASK"}).sku == "MASK-copy"
    assert duplicate(mask, {"MASK", "MASK-copy", "MASK-copy2"}).sku == "MASK-copy3"
    tee = Product("TEE", "Tee", 100, 1, variants=(Variant("TEE-S", "S", 100, 1),))
    copy = duplicate(tee, {"TEE", "TEE-S", "TEE-S-copy"})
    assert (copy.sku, copy.variants[0].sku) == ("TEE-copy2", "TEE-S-copy2")
