"""Import a catalog file (Shopify, WooCommerce or simple CSV) after seeing what it holds.

The file is read by `console.importers.catalog_import`, the code behind the
CLI's `import-catalog`, so both import a file alike. Nothing changes until
Import: the preview lists the products with their variants, the rows left out
and why, and stock the file does not track. A file that cannot be imported
shows the reason and leaves Import disabled.

Products whose SKU, or a variant's SKU, is already in the session are left as
they are and the dialog says so: importing over them would reset the stock
and prices the operator set during the show. They are edited in the queue.

After Import the dialog stays open to report the pictures named by URL, which
are fetched into the image cache on the running asyncio loop (qasync in the
app); closing the dialog stops that.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.domain.catalog import Product
from console.importers.build import UNTRACKED_STOCK
from console.importers.catalog_import import import_catalog
from console.importers.csv_rows import CatalogImportError, ImportResult
from console.importers.images import FetchReport, fetch_images, image_urls
from console.ui.formatting import count, money
from console.ui.widgets import PathField, plain_label

SHOWN_FAILURES = 5
MAX_TITLE_WIDTH = 360  # px; longer titles are elided, the rest of the row stays in view


class ImportDialog(QDialog):
    """Pick a file and a format, preview, Import; `imported` carries the new products."""

    imported = Signal(list)  # list[Product], once, when the operator presses Import
    images_fetched = Signal(object)  # FetchReport, when the pictures named by URL are fetched

    def __init__(
        self,
        currency: str,
        existing_skus: set[str],
        parent: QWidget | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import catalog"))
        self._currency = currency
        self._existing = existing_skus
        self._cache_dir = cache_dir
        self._new: list[Product] = []
        self._done = False
        self._fetch: asyncio.Task[FetchReport] | None = None

        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("catalogPath")
        path_row = PathField(
            self.path_edit,
            self.tr("Choose a catalog file"),
            self.tr("CSV files (*.csv *.txt);;All files (*)"),
        )
        self.format_combo = QComboBox(self)
        for fmt, label in (
            ("auto", self.tr("Detect from the header")),
            ("shopify", self.tr("Shopify product CSV")),
            ("woocommerce", self.tr("WooCommerce product CSV")),
            ("simple", self.tr("Simple CSV (sku, title, price, stock, image)")),
        ):
            self.format_combo.addItem(label, fmt)
        self.skip_bad = QCheckBox(self.tr("Skip bad rows and import the rest"), self)
        form = QFormLayout()
        form.addRow(self.tr("File"), path_row)
        form.addRow(self.tr("Format"), self.format_combo)
        form.addRow("", self.skip_bad)

        note = plain_label(
            self.tr(
                "Nothing changes until you press Import. Products whose SKU is already "
                "in this session are left as they are: edit them in the queue."
            )
        )
        note.setWordWrap(True)
        self.error_label = self._wrapped("importError")
        self.summary = self._wrapped("importSummary")
        self.preview = QTreeWidget(self)
        self.preview.setObjectName("importPreview")
        self.preview.setHeaderLabels(
            [self.tr("SKU"), self.tr("Title"), self.tr("Price"), self.tr("Stock"), self.tr("Note")]
        )
        self.skipped_list = QListWidget(self)
        self.skipped_list.setObjectName("skippedRows")
        self.images_label = self._wrapped("imageStatus")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 3)
        layout.addWidget(plain_label(self.tr("Rows left out")))
        layout.addWidget(self.skipped_list, 1)
        layout.addWidget(self.images_label)
        layout.addWidget(self.buttons)

        self.path_edit.textChanged.connect(self.reload)
        self.format_combo.currentIndexChanged.connect(self.reload)
        self.skip_bad.toggled.connect(self.reload)
        self.reload()

    def _wrapped(self, name: str) -> QLabel:
        label = plain_label(object_name=name)
        label.setWordWrap(True)
        label.hide()
        return label

    # -- preview --------------------------------------------------------------------------
    def new_products(self) -> list[Product]:
        """What Import would add: the previewed products not already in the session."""
        return list(self._new)

    def reload(self) -> None:
        """Read the file again with the chosen format and options; show it or why not."""
        self._new = []
        self.preview.clear()
        self.skipped_list.clear()
        self._show(self.summary, "")
        self._show(self.error_label, "")
        path = self.path_edit.text().strip()
        if path:
            try:
                result = import_catalog(
                    Path(path).expanduser(),
                    self.format_combo.currentData(),
                    self._currency,
                    skip_bad_rows=self.skip_bad.isChecked(),
                )
            except CatalogImportError as e:
                self._show(
                    self.error_label,
                    self.tr("This file cannot be imported, so nothing will change: {0}").format(e),
                )
            else:
                self._fill(result)
        self.import_button.setEnabled(bool(self._new) and not self._done)

    def _fill(self, result: ImportResult) -> None:
        known_count = 0
        for product in result.products:
            known = self._known(product)
            note = self.tr("In this session already: left as it is") if known else self.tr("New")
            item = self._item(product.sku, product.title, product.price_minor, note)
            item.setText(3, self._product_stock(product, result.untracked))
            for v in product.variants:
                child = self._item(v.sku, v.title, v.price_minor, "")
                child.setText(3, self._stock(v.stock, v.sku in result.untracked))
                item.addChild(child)
            self.preview.addTopLevelItem(item)
            if not known:
                self._new.append(product)
            known_count += known
        self.preview.expandAll()
        for column in range(self.preview.columnCount()):
            self.preview.resizeColumnToContents(column)
        self.preview.setColumnWidth(1, min(self.preview.columnWidth(1), MAX_TITLE_WIDTH))
        for s in result.skipped:
            self.skipped_list.addItem(self.tr("Row {0}: {1}").format(s.row, s.reason))
        text = self.tr(
            "Read as {0}: {1} products to import, {2} already in this session, {3} rows left out."
        ).format(
            self.format_combo.itemText(self.format_combo.findData(result.format)),
            len(self._new),
            known_count,
            len(result.skipped),
        )
        if result.untracked:
            text += " " + self.tr(
                "Stock shown as “not tracked” is blank in the file: it is set to {0}, "
                "so orders are never refused for it."
            ).format(count(UNTRACKED_STOCK))
        self._show(self.summary, text)

    def _known(self, product: Product) -> bool:
        return any(s in self._existing for s in (product.sku, *(v.sku for v in product.variants)))

    def _item(self, sku: str, title: str, price_minor: int, note: str) -> QTreeWidgetItem:
        # Item views paint their text as plain text: a title "<b>x</b>" stays literal.
        return QTreeWidgetItem([sku, title, money(price_minor, self._currency), "", note])

    def _stock(self, stock: int, untracked: bool) -> str:
        return self.tr("not tracked") if untracked else count(stock)

    def _product_stock(self, product: Product, untracked: frozenset[str]) -> str:
        if not product.variants:
            return self._stock(product.stock, product.sku in untracked)
        tracked = [v.stock for v in product.variants if v.sku not in untracked]
        if len(tracked) == len(product.variants):
            return count(sum(tracked))
        if not tracked:
            return self.tr("not tracked")
        return self.tr("{0} + not tracked").format(count(sum(tracked)))

    @staticmethod
    def _show(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    # -- import ---------------------------------------------------------------------------
    def confirm(self) -> None:
        """Hand the new products over once, then fetch their pictures named by URL."""
        if self._done or not self._new:
            return
        products = list(self._new)
        self._done = True
        for widget in (self.path_edit, self.format_combo, self.skip_bad, self.import_button):
            widget.setEnabled(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Close"))
        self._show(self.summary, self.tr("Imported {0} products.").format(len(products)))
        self.imported.emit(products)
        self._start_fetch(image_urls(products))

    def _start_fetch(self, urls: list[str]) -> None:
        if not urls:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self._cache_dir is None:
            self._show(
                self.images_label,
                self.tr(
                    "{0} pictures named by URL are not fetched now: they show as tiles."
                ).format(len(urls)),
            )
            return
        self._show(
            self.images_label,
            self.tr("Fetching {0} pictures… (closing this window stops it)").format(len(urls)),
        )
        self._fetch = loop.create_task(fetch_images(urls, self._cache_dir))
        self._fetch.add_done_callback(self._fetched)

    def _fetched(self, task: asyncio.Task[FetchReport]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self._show(self.images_label, self.tr("Fetching pictures failed: {0}").format(error))
            return
        report = task.result()
        total = len(report.fetched) + len(report.failed)
        lines = [self.tr("{0} of {1} pictures fetched.").format(len(report.fetched), total)]
        failed = list(report.failed.items())
        lines += [f"{url}: {reason}" for url, reason in failed[:SHOWN_FAILURES]]
        if len(failed) > SHOWN_FAILURES:
            lines.append(self.tr("and {0} more").format(len(failed) - SHOWN_FAILURES))
        self._show(self.images_label, "\n".join(lines))
        self.images_fetched.emit(report)

    def done(self, result: int) -> None:
        """Closing stops fetching pictures; those already fetched stay in the cache."""
        if self._fetch is not None and not self._fetch.done():
            self._fetch.cancel()
        super().done(result)
