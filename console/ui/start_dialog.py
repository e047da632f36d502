"""The start screen: what to call the session, which audience, which catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.importers.simple_csv import CatalogImportError, load_catalog
from console.ui.widgets import PathField, plain_label


@dataclass(frozen=True)
class SessionPlan:
    title: str
    preset: str = "mid"
    rate: float | None = None
    warmup_min: float = 0.0
    catalog: Path | None = None  # None: the bundled sample catalog


class StartDialog(QDialog):
    def __init__(self, default_catalog: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Start a session — Live Console"))
        self.setMinimumWidth(520)
        self.title = QLineEdit(self.tr("Practice"))
        self.title.setMaxLength(300)
        self.source = QComboBox()
        for preset, label in (
            ("small", self.tr("Practice: small room (tens of viewers)")),
            ("mid", self.tr("Practice: busy room (about 2,000 online)")),
            ("mega", self.tr("Practice: mega stream (300,000 online)")),
        ):
            self.source.addItem(label, preset)
        self.source.setCurrentIndex(1)
        self.catalog = QLineEdit(str(default_catalog) if default_catalog else "")
        self.catalog.setPlaceholderText(self.tr("Sample catalog (12 products)"))
        row = PathField(self.catalog, self.tr("Choose a catalog CSV"), self.tr("CSV files (*.csv)"))
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Audience"), self.source)
        form.addRow(self.tr("Catalog CSV"), row)
        self.error = plain_label(object_name="formError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        start = buttons.addButton(self.tr("Start session"), QDialogButtonBox.ButtonRole.AcceptRole)
        start.setProperty("primary", "true")
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        dialog = QFileDialog(
            self, self.tr("Choose a catalog CSV"), filter=self.tr("CSV files (*.csv)")
        )
        dialog.fileSelected.connect(self.catalog.setText)
        dialog.open()

    def _try_accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText(self.tr("Give the session a title."))
            return
        path = self.catalog.text().strip()
        if path:
            try:
                load_catalog(Path(path))
            except CatalogImportError as e:
                self.error.setText(self.tr("The catalog cannot be used: {0}").format(e))
                return
        self.accept()

    def plan(self) -> SessionPlan | None:
        if self.result() != QDialog.DialogCode.Accepted:
            return None
        path = self.catalog.text().strip()
        return SessionPlan(self.title.text().strip(), str(self.source.currentData()),
                           catalog=Path(path) if path else None)  # fmt: skip
