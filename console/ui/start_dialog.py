"""The start screen: what to call the session, where its audience comes from, which catalog.

The audience is either the built-in simulator (practice) or live feeds named
by URI (see console/feeds/uri.py), optionally with Shopify order webhooks.
Resuming an interrupted session asks the same question about its audience;
its title and catalog are the file's.
Everything is checked before the dialog closes, so a typo in a feed URI is
a message here, not a session that starts without its feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.feeds.uri import FeedUriError, parse_feed_uri
from console.importers.catalog_import import import_catalog
from console.importers.csv_rows import CatalogImportError
from console.ui.widgets import PathField, plain_label

LIVE = "live"


@dataclass(frozen=True)
class SessionPlan:
    title: str
    preset: str = "mid"
    rate: float | None = None
    warmup_min: float = 0.0
    catalog: Path | None = None  # None: the bundled sample catalog
    feeds: tuple[str, ...] = ()  # feed URIs; none (and no webhooks): practice on the simulator
    webhooks: bool = False  # accept Shopify order webhooks
    resume: Path | None = None  # go on recording this interrupted session's file

    @property
    def live(self) -> bool:
        return bool(self.feeds) or self.webhooks


class StartDialog(QDialog):
    library_requested = Signal()
    resume_requested = Signal(Path)

    def __init__(self, default_catalog: Path | None = None, *, webhook_port: int = 8787,
                 has_secret: bool = False, resume_title: str | None = None,
                 interrupted: Sequence[tuple[Path, str]] = (),
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.has_secret = has_secret
        self.resuming = resume_title is not None
        if resume_title is None:
            self.setWindowTitle(self.tr("Start a session — Live Console"))
        else:
            self.setWindowTitle(self.tr("Resume “{0}” — Live Console").format(resume_title))
        self.setMinimumWidth(560)
        self.title = QLineEdit(resume_title if resume_title is not None else self.tr("Practice"))
        self.title.setMaxLength(300)
        self.source = QComboBox()
        for preset, label in (
            ("small", self.tr("Practice: small room (tens of viewers)")),
            ("mid", self.tr("Practice: busy room (about 2,000 online)")),
            ("mega", self.tr("Practice: mega stream (300,000 online)")),
            (LIVE, self.tr("Live: connect to feeds")),
        ):
            self.source.addItem(label, preset)
        self.source.setCurrentIndex(1)
        self.feeds = QPlainTextEdit()
        self.feeds.setTabChangesFocus(True)
        self.feeds.setPlaceholderText(
            self.tr("One per line, for example:\nws://127.0.0.1:8765/feed?token=…\ntwitch:channel")
        )
        self.feeds.setFixedHeight(self.feeds.fontMetrics().lineSpacing() * 4 + 14)
        self.webhooks = QCheckBox(
            self.tr("Accept Shopify order webhooks on port {0}").format(webhook_port)
        )
        self.catalog = QLineEdit(str(default_catalog) if default_catalog else "")
        self.catalog.setPlaceholderText(self.tr("Sample catalog (12 products)"))
        row = PathField(
            self.catalog,
            self.tr("Choose a catalog (Shopify, WooCommerce or simple CSV)"),
            self.tr("Catalogs (*.csv *.json)"),
        )
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Audience"), self.source)
        form.addRow(self.tr("Feeds"), self.feeds)
        form.addRow("", self.webhooks)
        form.addRow(self.tr("Catalog CSV"), row)
        self._live_rows = (self.feeds, self.webhooks)
        self.form = form
        self.error = plain_label(object_name="formError")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        start = buttons.addButton(
            self.tr("Resume session") if self.resuming else self.tr("Start session"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        start.setProperty("primary", "true")
        if self.resuming:  # the file has its title and products; only the audience is asked
            form.setRowVisible(self.title, False)
            form.setRowVisible(row, False)
        else:
            library = buttons.addButton(
                self.tr("Session library…"), QDialogButtonBox.ButtonRole.ActionRole
            )
            library.clicked.connect(self.library_requested)
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for path, title in interrupted:  # a crash mid-show: offer to go on first
            layout.addWidget(self._resume_offer(path, title))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.source.currentIndexChanged.connect(self._source_changed)
        self._source_changed()

    def _resume_offer(self, path: Path, title: str) -> QWidget:
        box = QFrame(self)
        box.setObjectName("resumeOffer")
        row = QHBoxLayout(box)
        text = plain_label(
            self.tr("“{0}” stopped before it ended. Resume it in the same file?").format(title)
        )
        text.setWordWrap(True)
        button = QPushButton(self.tr("Resume…"), box)
        button.clicked.connect(lambda: self.resume_requested.emit(path))
        row.addWidget(text, 1)
        row.addWidget(button)
        return box

    def _source_changed(self) -> None:
        live = self.source.currentData() == LIVE
        for widget in self._live_rows:
            self.form.setRowVisible(widget, live)
        practice, live_title = self.tr("Practice"), self.tr("Live")
        if not self.resuming and self.title.text() in (practice, live_title):
            self.title.setText(live_title if live else practice)
        self.adjustSize()

    def feed_uris(self) -> list[str]:
        return [line.strip() for line in self.feeds.toPlainText().splitlines() if line.strip()]

    def _problem(self) -> str | None:
        if not self.title.text().strip():
            return self.tr("Give the session a title.")
        if self.source.currentData() == LIVE:
            uris = self.feed_uris()
            if not uris and not self.webhooks.isChecked():
                return self.tr("Name at least one feed, or accept Shopify order webhooks.")
            for uri in uris:
                try:
                    parse_feed_uri(uri)
                except FeedUriError as e:
                    return self.tr("This feed cannot be used: {0}").format(e)
            if self.webhooks.isChecked() and not self.has_secret:
                return self.tr(
                    "Webhooks need the Shopify webhook secret: set it in Settings → Connections."
                )
        path = self.catalog.text().strip()
        if path and not self.resuming:
            try:
                import_catalog(Path(path))
            except CatalogImportError as e:
                return self.tr("The catalog cannot be used: {0}").format(e)
        return None

    def _try_accept(self) -> None:
        problem = self._problem()
        if problem is not None:
            self.error.setText(problem)
            return
        self.accept()

    def plan(self) -> SessionPlan | None:
        if self.result() != QDialog.DialogCode.Accepted:
            return None
        path = self.catalog.text().strip()
        live = self.source.currentData() == LIVE
        return SessionPlan(
            self.title.text().strip(),
            "mid" if live else str(self.source.currentData()),
            catalog=Path(path) if path else None,
            feeds=tuple(self.feed_uris()) if live else (),
            webhooks=live and self.webhooks.isChecked(),
        )
