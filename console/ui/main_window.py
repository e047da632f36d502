"""The live console window: the shared panels plus the operator's menus, keys and alerts.

Keys and buttons become session commands, so everything the operator does is
in the log; the panels and the frame timer are `ConsoleWindow`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QMessageBox,
    QSystemTrayIcon,
    QWidget,
)

from console.domain.catalog import Product
from console.engine.session import CommandError, LiveSession
from console.feeds.base import Feed
from console.ui.console_window import ConsoleWindow
from console.ui.deal_dialog import DealDialog
from console.ui.settings import Settings
from console.ui.status import StatusPanel

if TYPE_CHECKING:  # it imports aiohttp: the window shows before that is imported
    from console.ui.overlay_panel import OverlayPanel

FRAME_MS = 50  # 20 Hz: smooth countdowns, cheap enough at 20,000 events/s
LAYOUT_VERSION = 1


def _flash_icon() -> QIcon:
    """The notification icon: a red tile with a lightning bolt, drawn rather than shipped."""
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#FE2C55"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(4, 4, 56, 56, 12, 12)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setPixelSize(40)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "⚡")
    painter.end()
    return QIcon(pixmap)


class MainWindow(ConsoleWindow):
    end_requested = Signal()
    settings_requested = Signal()

    def __init__(self, session: LiveSession, settings: Settings, feeds: Sequence[Feed],
                 parent: QWidget | None = None, *, image_cache: Path | None = None,
                 overlay_dock: bool = False) -> None:  # fmt: skip
        """With `overlay_dock`, the OBS overlay's dock is there from the start (for the saved
        layout), empty until `set_overlay` fills it once its server is up."""
        super().__init__(session, session, session.path, settings, parent)
        self.session = session
        self.image_cache = image_cache
        self.setObjectName("mainWindow")
        self.notifications: list[str] = []  # what notify() said, newest last
        self.tray: QSystemTrayIcon | None = None  # made on the first notification
        self.setWindowTitle(self.tr("Live Console — {0}").format(session.state.title))
        self.session_bar.end_clicked.connect(self.confirm_end)
        self.queue.error.connect(self.show_error)
        self.deal.alert.connect(self.notify)
        self.deal.error.connect(self.show_error)
        self.status = StatusPanel(session, feeds, session.writer.save_status, session.path.name)
        self.statusBar().addWidget(self.status, 1)
        self.panels.append(self.status.refresh)
        self.overlay_panel: OverlayPanel | None = None
        if overlay_dock:  # beside the comments: both watch what the audience sees
            self.docks["overlay"] = self._dock("overlay", self.tr("OBS overlay"), QWidget(),
                                               Qt.DockWidgetArea.RightDockWidgetArea)  # fmt: skip
            self.tabifyDockWidget(self.docks["feed"], self.docks["overlay"])
            self.docks["feed"].raise_()
            self.panels.append(self._refresh_overlay)
        self._build_menus()
        self.shortcuts: dict[str, QShortcut] = {}
        self.apply_hotkeys()
        self.confirm_close = True
        self.start_frames()

    def set_overlay(self, panel: OverlayPanel) -> None:
        """The overlay's panel, into the dock kept for it (`overlay_dock`)."""
        dock = self.docks["overlay"]
        placeholder = dock.widget()
        dock.setWidget(panel)
        placeholder.deleteLater()
        self.overlay_panel = panel

    def _refresh_overlay(self) -> None:
        if self.overlay_panel is not None:
            self.overlay_panel.refresh()

    # -- layout ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        session_menu = bar.addMenu(self.tr("&Session"))
        self.marker_action = QAction(self.tr("Add marker…"), self)
        self.marker_action.triggered.connect(self.ask_marker)
        session_menu.addAction(self.marker_action)
        end = QAction(self.tr("End session…"), self)
        end.triggered.connect(self.confirm_end)
        session_menu.addAction(end)
        session_menu.addSeparator()
        self.report_action = self.add_session_actions(session_menu)
        self.report_action.setToolTip(self.tr("The post-live review, once the session has ended"))
        session_menu.aboutToShow.connect(lambda: self.report_action.setEnabled(self.session.ended))
        session_menu.addSeparator()
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        session_menu.addAction(quit_action)
        products = bar.addMenu(self.tr("&Products"))
        for text, slot in (
            (self.tr("Add product…"), self.queue.add),
            (self.tr("Edit product…"), self.queue.edit_selected),
            (self.tr("Duplicate product…"), self.queue.duplicate_selected),
            (self.tr("Remove product…"), self.queue.remove_selected),
            (self.tr("Flash deal…"), self.open_deal_dialog),
            (self.tr("Import catalog…"), self.open_import_dialog),
        ):
            action = QAction(text, self)
            action.triggered.connect(slot)
            products.addAction(action)
        self.add_view_menu()
        settings = QAction(self.tr("Settings…"), self)
        settings.setShortcut(QKeySequence.StandardKey.Preferences)
        settings.triggered.connect(self.settings_requested)
        bar.addAction(settings)

    def apply_hotkeys(self) -> None:
        """(Re)bind the operator's keys from settings; they work wherever focus is in the window."""
        actions: dict[str, Callable[[], None]] = {
            "hotkeys.next": self.queue.present_next,
            "hotkeys.previous": self.queue.present_previous,
            "hotkeys.present": self.queue.present_selected,
            "hotkeys.pin": self.feed.pin_selected,
            "hotkeys.marker": self.ask_marker,
            "hotkeys.deal": self.launch_prepared_deal,
        }
        for key, slot in actions.items():
            seq = QKeySequence(str(self.settings.get(key)))
            if key in self.shortcuts:
                self.shortcuts[key].setKey(seq)
            else:
                self.shortcuts[key] = QShortcut(seq, self, slot)

    # -- operator actions -----------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def notify(self, message: str) -> None:
        """A deal's last seconds or sell-out: said in the window and flashed on the taskbar."""
        self.statusBar().showMessage(message, 10_000)
        QApplication.alert(self, 3000)
        self.notifications.append(message)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(_flash_icon(), self)
                self.tray.show()
            self.tray.showMessage(
                self.tr("Flash deal"), message, QSystemTrayIcon.MessageIcon.Information, 8000
            )

    def open_deal_dialog(self) -> None:
        sku = self.queue.selected_sku() or self.session.state.presenting
        if sku is None:
            self.show_error(self.tr("Select a product in the queue first."))
            return
        dialog = DealDialog(self.session, sku, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_import_dialog(self) -> None:
        from console.ui.import_dialog import ImportDialog  # (fetches pictures: aiohttp)

        existing = set(self.session.state.skus) | set(self.session.state.products)
        dialog = ImportDialog(self.session.state.currency, existing, self, self.image_cache)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.imported.connect(self.add_products)
        dialog.open()

    def add_products(self, products: list[Product]) -> None:
        """Put imported products on the queue, each logged; one refused does not stop the rest."""
        refused: list[str] = []
        for product in products:
            try:
                self.session.add_product(product)
            except CommandError as e:
                refused.append(f"{product.sku}: {e}")
        if refused:
            self.show_error("\n".join(refused))

    def launch_prepared_deal(self) -> None:
        try:
            self.session.launch_prepared()
        except CommandError as e:
            self.show_error(str(e))

    def ask_marker(self) -> None:
        if self.session.ended:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Add marker"))
        dialog.setLabelText(self.tr("What happened? (shown on the charts and in the review)"))
        dialog.textValueSelected.connect(self.add_marker)
        dialog.open()

    def add_marker(self, text: str) -> None:
        try:
            self.session.marker(text.strip())
        except CommandError as e:
            self.show_error(str(e))

    def confirm_end(self) -> None:
        if self.session.ended:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("End session"),
            self.tr("End “{0}” now? The session is saved and cannot be resumed.").format(self.session.state.title),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )  # fmt: skip
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(self._end_answered)
        box.open()

    def _end_answered(self, result: int) -> None:
        if result == QMessageBox.StandardButton.Yes:
            self.end_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Quitting mid-stream by accident would end the session: ask first.

        With events still waiting for a failing disk, say that quitting loses them.
        """
        saving = self.session.writer.save_status()
        if self.confirm_close and saving.error and saving.pending:
            answer = QMessageBox.warning(
                self,
                self.tr("Quit Live Console"),
                self.tr("{0:,} events are not saved yet: {1}. Quit anyway and lose them?").format(
                    saving.pending, saving.error
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        elif self.confirm_close and not self.session.ended:
            answer = QMessageBox.question(
                self,
                self.tr("Quit Live Console"),
                self.tr("The session is live. Quit and end it? Everything so far is saved."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        super().closeEvent(event)
