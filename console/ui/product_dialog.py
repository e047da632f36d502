"""Add, edit or duplicate a product.

The dialog reads what the operator typed exactly (prices through
`parse_price`, so "59,90" is refused rather than guessed at), explains what
is wrong beside the fields, and builds the product with `product_from_dict`
so the catalog's rules live in one place. With a `submit` callable, OK also
runs the session command and keeps the dialog open if the session refuses
it: nothing typed is lost to an error shown elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from itertools import count
from typing import Literal

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.domain.catalog import MAX_SKU, MAX_TITLE, CatalogError, Product, product_from_dict
from console.domain.money import MoneyError, parse_price, to_decimal_text
from console.engine.session import CommandError
from console.ui.widgets import PathField, plain_label

Mode = Literal["add", "edit", "duplicate"]
EXAMPLE_PRICE_MINOR = 5990  # shown as "59.90" (or "5990" in a currency without decimals)


def duplicate(product: Product, taken: Collection[str]) -> Product:
    """The product under the first free "-copy" SKU ("MASK-copy", "MASK-copy2", …).

    Variant SKUs get the same suffix, since every orderable SKU in a session
    must be unique and the dialog has no variant editor yet.
    """
    for n in count(1):
        suffix = "-copy" if n == 1 else f"-copy{n}"
        skus = [product.sku + suffix, *(v.sku + suffix for v in product.variants)]
        if not any(s in taken for s in skus):
            break
    variants = tuple(replace(v, sku=v.sku + suffix) for v in product.variants)
    return product.with_changes(sku=product.sku + suffix, variants=variants)


class _FieldError(Exception):
    """What is wrong with one field; the dialog shows the message and focuses the field."""

    def __init__(self, field: QLineEdit, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ProductDialog(QDialog):
    """Fields for one product; OK does nothing until they describe a valid product."""

    def __init__(
        self,
        currency: str,
        taken_skus: Collection[str],
        product: Product | None = None,
        *,
        mode: Mode = "add",
        submit: Callable[[Product], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("productDialog")
        self._currency = currency
        self._taken = taken_skus
        self._mode = mode
        self._submit = submit
        self._base = product
        self._product: Product | None = None
        titles = {
            "add": self.tr("Add product"),
            "edit": self.tr("Edit product"),
            "duplicate": self.tr("Duplicate product"),
        }
        self.setWindowTitle(titles[mode])

        self.sku = self._line("sku", MAX_SKU)
        self.sku.setReadOnly(mode == "edit")
        self.title_edit = self._line("title", MAX_TITLE)
        example = to_decimal_text(EXAMPLE_PRICE_MINOR, currency)
        self.price = self._line("price")
        self.price.setPlaceholderText(example)
        self.compare_at = self._line("compareAt")
        self.compare_at.setPlaceholderText(self.tr("optional, the crossed-out price"))
        self.stock = self._line("stock")
        self.stock.setPlaceholderText("0")
        self.image = self._line("image")
        self.image.setPlaceholderText(self.tr("optional, a picture file"))
        image_row = PathField(
            self.image,
            self.tr("Choose a product image"),
            self.tr("Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp)"),
        )

        form = QFormLayout()
        form.addRow(self.tr("SKU"), self.sku)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Price ({0})").format(currency), self.price)
        form.addRow(self.tr("Compare-at price"), self.compare_at)
        form.addRow(self.tr("Stock"), self.stock)
        form.addRow(self.tr("Image"), image_row)
        self.variants_note = plain_label(object_name="variantsNote")
        self.variants_note.setWordWrap(True)
        self.error_label = plain_label(object_name="formError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.variants_note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._fill(product)

    def _line(self, name: str, limit: int = 0) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        if limit:
            edit.setMaxLength(limit)
        return edit

    def _fill(self, product: Product | None) -> None:
        if product is None:
            self.variants_note.hide()
            return
        cur = self._currency
        self.sku.setText(product.sku)
        self.title_edit.setText(product.title)
        self.price.setText(to_decimal_text(product.price_minor, cur))
        if product.compare_at_minor is not None:
            self.compare_at.setText(to_decimal_text(product.compare_at_minor, cur))
        self.stock.setText(str(product.stock))
        self.image.setText(product.image)
        has_variants = bool(product.variants)
        # Variants carry their own prices and stock; these fields would change nothing sold.
        for field in (self.price, self.compare_at, self.stock):
            field.setEnabled(not has_variants)
        self.variants_note.setVisible(has_variants)
        if has_variants:
            names = ", ".join(v.sku for v in product.variants)
            self.variants_note.setText(
                self.tr("Variants {0} keep their own prices and stock.").format(names)
            )

    # -- reading the fields ---------------------------------------------------------------
    def product(self) -> Product | None:
        """The product accepted with OK; None until the fields were valid (and submitted)."""
        return self._product

    def error(self) -> str:
        """The message shown for the last OK that was refused, or ""."""
        return self.error_label.text()

    def accept(self) -> None:
        """Close only once the fields are valid and the session took the product."""
        try:
            product = self._read()
        except _FieldError as e:
            self._show_error(e.message)
            e.field.setFocus()
            return
        if self._submit is not None:
            try:
                self._submit(product)
            except CommandError as e:
                self._show_error(self.tr("The session refused this product: {0}").format(e))
                return
        self._product = product
        self._show_error("")
        super().accept()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _read(self) -> Product:
        sku = self.sku.text().strip()
        if not sku:
            raise _FieldError(self.sku, self.tr("Enter a SKU."))
        if self._mode != "edit" and sku in self._taken:
            raise _FieldError(
                self.sku, self.tr("SKU “{0}” is already used by another product.").format(sku)
            )
        title = self.title_edit.text().strip()
        if not title:
            raise _FieldError(self.title_edit, self.tr("Enter a title."))
        base = self._base
        price: int | None
        compare_at: int | None
        if base is not None and base.variants:
            price, compare_at, stock = base.price_minor, base.compare_at_minor, base.stock
        else:
            price = self._price(self.price, self.tr("Price"))
            compare_at = self._price(self.compare_at, self.tr("Compare-at price"), optional=True)
            stock = self._stock()
        fields = {
            "sku": sku,
            "title": title,
            "price_minor": price,
            "compare_at_minor": compare_at,
            "stock": stock,
            "image": self.image.text().strip(),
            "currency": self._currency,
            "variants": base.to_dict()["variants"] if base is not None else [],
        }
        try:
            return product_from_dict(fields)
        except CatalogError as e:
            raise _FieldError(
                self.title_edit, self.tr("This product cannot be saved: {0}").format(e)
            ) from None

    def _price(self, field: QLineEdit, name: str, *, optional: bool = False) -> int | None:
        text = field.text().strip()
        example = to_decimal_text(EXAMPLE_PRICE_MINOR, self._currency)
        if not text:
            if optional:
                return None
            raise _FieldError(field, self.tr("Enter the price, such as {0}.").format(example))
        if "," in text or "，" in text:
            raise _FieldError(
                field,
                self.tr(
                    "{0}: use a dot for decimals, such as {1}, and no thousands separator."
                ).format(name, example),
            )
        if text.startswith("-"):
            raise _FieldError(field, self.tr("{0} cannot be negative.").format(name))
        try:
            return parse_price(text, self._currency)
        except MoneyError:
            raise _FieldError(
                field,
                self.tr("{0}: “{1}” is not a price in {2}; write digits such as {3}.").format(
                    name, text, self._currency, example
                ),
            ) from None

    def _stock(self) -> int:
        text = self.stock.text().strip()
        if text.startswith("-") and text[1:].isdecimal():
            raise _FieldError(self.stock, self.tr("Stock cannot be negative."))
        if not text.isdecimal():
            raise _FieldError(self.stock, self.tr("Stock must be a whole number, 0 or more."))
        return int(text)

    # -- image ----------------------------------------------------------------------------
