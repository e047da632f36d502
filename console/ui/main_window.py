"""The console window: the panels in docks, one frame timer, the operator's keys.

The window owns no data. Each frame it asks every panel to `refresh()` from
the session's state (the UI pulls); keys and buttons become session commands,
so everything the operator does is in the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
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
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QSystemTrayIcon,
    QWidget,
)

from console.domain.catalog import Product
from console.engine.session import CommandError, LiveSession
from console.feeds.base import Feed
from console.ui.charts import LiveCharts
from console.ui.deal_dialog import DealDialog
from console.ui.deal_panel import DealPanel
from console.ui.feed import FeedPanel
from console.ui.import_dialog import ImportDialog
from console.ui.kpis import KpiTiles
from console.ui.presenting import PresentingPanel
from console.ui.queue import QueuePanel
from console.ui.session_bar import SessionBar
from console.ui.settings import Settings
from console.ui.status import StatusPanel

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


class MainWindow(QMainWindow):
    end_requested = Signal()
    settings_requested = Signal()

    def __init__(self, session: LiveSession, settings: Settings, feeds: Sequence[Feed],
                 parent: QWidget | None = None, *, image_cache: Path | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.image_cache = image_cache
        self.setObjectName("mainWindow")
        self.notifications: list[str] = []  # what notify() said, newest last
        self.tray: QSystemTrayIcon | None = None  # made on the first notification
        self.setWindowTitle(self.tr("Live Console — {0}").format(session.state.title))
        self.resize(1366, 768)

        self.session_bar = SessionBar(session, session.path)
        self.session_bar.end_clicked.connect(self.confirm_end)
        self.kpis = KpiTiles(session)
        self.charts = LiveCharts(session)
        self.charts.set_window(str(settings.get("charts.window")))
        self.charts.set_dark(settings.get("theme") == "dark")
        self.charts.window_changed.connect(lambda mode: settings.set("charts.window", mode))
        self.queue = QueuePanel(session, session)
        self.queue.error.connect(self.show_error)
        self.presenting = PresentingPanel(session)
        self.feed = FeedPanel(session, pin=session.pin)
        self.deal = DealPanel(session, session)
        self.deal.alert.connect(self.notify)
        self.deal.error.connect(self.show_error)
        self.feed.set_keywords(list(settings.get("feed.keywords")))
        self.feed.set_cap(int(settings.get("feed.cap")))
        self.status = StatusPanel(session, feeds, self._writer_state, session.path.name)
        self.statusBar().addWidget(self.status, 1)

        central = QSplitter(Qt.Orientation.Vertical)
        central.addWidget(self.session_bar)
        central.addWidget(self.kpis)
        central.addWidget(self.charts)
        central.setStretchFactor(2, 1)
        central.setChildrenCollapsible(False)
        self.setCentralWidget(central)
        self.docks = {
            "queue": self._dock("queue", self.tr("Product queue"), self.queue, Qt.DockWidgetArea.LeftDockWidgetArea),
            "presenting": self._dock("presenting", self.tr("Now presenting"), self.presenting, Qt.DockWidgetArea.RightDockWidgetArea),
            "deal": self._dock("deal", self.tr("Flash deal"), self.deal, Qt.DockWidgetArea.RightDockWidgetArea),
            "feed": self._dock("feed", self.tr("Comments and activity"), self.feed, Qt.DockWidgetArea.RightDockWidgetArea),
        }  # fmt: skip
        self.resizeDocks([self.docks["queue"]], [440], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["presenting"]], [400], Qt.Orientation.Horizontal)
        self._build_menus()
        self.shortcuts: dict[str, QShortcut] = {}
        self.apply_hotkeys()
        self._restore_layout()

        self.panels: list[Callable[[], None]] = [
            self.session_bar.refresh, self.kpis.refresh, self.charts.refresh,
            self.queue.refresh, self.presenting.refresh, self.deal.refresh, self.feed.refresh,
            self.status.refresh,
        ]  # fmt: skip
        self.frames = 0
        self.last_frame_ms = 0.0
        self.confirm_close = True
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(FRAME_MS)
        self.refresh()

    # -- layout ---------------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

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
        view = bar.addMenu(self.tr("&View"))
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        reset = QAction(self.tr("Reset layout"), self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
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

    def _layout_settings(self) -> QSettings:
        return self.settings.qsettings

    def _restore_layout(self) -> None:
        self._default_state = self.saveState(LAYOUT_VERSION)
        qs = self._layout_settings()
        geometry, state = qs.value("window/geometry"), qs.value("window/state")
        self.restored = geometry is not None
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        qs = self._layout_settings()
        qs.setValue("window/geometry", self.saveGeometry())
        qs.setValue("window/state", self.saveState(LAYOUT_VERSION))
        qs.sync()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.show()

    # -- frames ---------------------------------------------------------------------------
    def refresh(self) -> None:
        began = time.perf_counter()
        for panel in self.panels:
            panel()
        self.frames += 1
        self.last_frame_ms = (time.perf_counter() - began) * 1000

    # -- operator actions -----------------------------------------------------------------
    def _writer_state(self) -> tuple[float, str | None]:
        return self.session.writer.lag_ms(), self.session.writer.error

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
        """Quitting mid-stream by accident would end the session: ask first."""
        if self.confirm_close and not self.session.ended:
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
        self.save_layout()
        self.timer.stop()
        super().closeEvent(event)
