"""The panels every console window shows, in docks, refreshed by one frame timer.

The live window and the replay window are both a `ConsoleWindow`: the same
session bar, KPI tiles, charts, queue, presenting, deal and feed panels read
a `ConsoleSource` each frame (the UI pulls; no signal per event). Only the
live window hands the panels a `LiveSession` to send commands to.

The charts come last: pyqtgraph and numpy take a good half second to import
and the plots a few tenths more to build, so the window shows without them and
builds them on the turn of the event loop after its first paint (or when
`charts` is first asked for), then says so with `built`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QSplitter, QWidget

from console.engine.session import LiveSession
from console.engine.source import ConsoleSource
from console.ui.deal_panel import DealPanel
from console.ui.feed import FeedPanel
from console.ui.kpis import KpiTiles
from console.ui.presenting import PresentingPanel
from console.ui.queue import QueuePanel
from console.ui.session_bar import SessionBar
from console.ui.settings import Settings

if TYPE_CHECKING:
    from console.ui.charts import LiveCharts

FRAME_MS = 50  # 20 Hz: smooth countdowns, cheap enough at 20,000 events/s
LAYOUT_VERSION = 1
CHARTS_INDEX = 2  # in the central splitter, under the session bar and the KPI tiles


class _ChartsPending(QWidget):
    """The charts' place until they are built; says when the window first painted it."""

    painted = Signal()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()


class ConsoleWindow(QMainWindow):
    library_requested = Signal()
    report_requested = Signal()
    built = Signal()  # the charts are in: the window is complete

    def __init__(self, source: ConsoleSource, session: LiveSession | None, path: Path,
                 settings: Settings, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.settings = settings
        self.resize(1366, 768)
        self.session_bar = SessionBar(source, path)
        self.kpis = KpiTiles(source)
        self._source = source
        self._charts: LiveCharts | None = None
        self._pending = _ChartsPending()
        self._pending.painted.connect(self._after_first_paint)
        self.queue = QueuePanel(source, session)
        self.presenting = PresentingPanel(source)
        self.feed = FeedPanel(source, pin=session.pin if session is not None else None)
        self.deal = DealPanel(source, session)
        self.feed.set_keywords(list(settings.get("feed.keywords")))
        self.feed.set_cap(int(settings.get("feed.cap")))

        self.central = QSplitter(Qt.Orientation.Vertical)
        self.central.addWidget(self.session_bar)
        self.central.addWidget(self.kpis)
        self.central.addWidget(self._pending)
        self.central.setStretchFactor(CHARTS_INDEX, 1)
        self.central.setChildrenCollapsible(False)
        self.setCentralWidget(self.central)
        self.docks = {
            "queue": self._dock("queue", self.tr("Product queue"), self.queue, Qt.DockWidgetArea.LeftDockWidgetArea),
            "presenting": self._dock("presenting", self.tr("Now presenting"), self.presenting, Qt.DockWidgetArea.RightDockWidgetArea),
            "deal": self._dock("deal", self.tr("Flash deal"), self.deal, Qt.DockWidgetArea.RightDockWidgetArea),
            "feed": self._dock("feed", self.tr("Comments and activity"), self.feed, Qt.DockWidgetArea.RightDockWidgetArea),
        }  # fmt: skip
        self.resizeDocks([self.docks["queue"]], [440], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["presenting"]], [400], Qt.Orientation.Horizontal)
        self.panels: list[Callable[[], None]] = [
            self.session_bar.refresh, self.kpis.refresh, self._refresh_charts,
            self.queue.refresh, self.presenting.refresh, self.deal.refresh, self.feed.refresh,
        ]  # fmt: skip
        self.frames = 0
        self.last_frame_ms = 0.0
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.refresh)

    def start_frames(self) -> None:
        """Restore the saved layout and start the frame timer; subclasses call it last."""
        self._restore_layout()
        self.timer.start(FRAME_MS)
        self.refresh()

    # -- the charts, built once the window is up ------------------------------------------------
    @property
    def charts(self) -> LiveCharts:
        """The charts: built after the first paint, or now if asked for before it."""
        if self._charts is None:
            self._build_charts()
        assert self._charts is not None
        return self._charts

    @property
    def complete(self) -> bool:
        """Whether the charts have been built (`built` has been or is being emitted)."""
        return self._charts is not None

    def _after_first_paint(self) -> None:
        self._pending.painted.disconnect(self._after_first_paint)
        QTimer.singleShot(0, self, self._build_charts)  # once this paint is on the screen

    def _build_charts(self) -> None:
        if self._charts is not None:
            return
        from console.ui.charts import LiveCharts

        settings = self.settings
        charts = LiveCharts(self._source)
        charts.set_window(str(settings.get("charts.window")))
        charts.set_dark(settings.get("theme") == "dark")
        charts.window_changed.connect(lambda mode: settings.set("charts.window", mode))
        self._charts = charts
        self.central.replaceWidget(CHARTS_INDEX, charts)
        self.central.setStretchFactor(CHARTS_INDEX, 1)  # the stretch is the widget's own
        self._pending.deleteLater()
        charts.refresh()
        self.built.emit()

    def _refresh_charts(self) -> None:
        if self._charts is not None:
            self._charts.refresh()

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

    def add_session_actions(self, menu: QMenu) -> QAction:
        """Export report… and Session library…, the same in the live and the replay window."""
        report = QAction(self.tr("Export report…"), self)
        report.triggered.connect(self.report_requested)
        menu.addAction(report)
        library = QAction(self.tr("Session library…"), self)
        library.setShortcut(QKeySequence("Ctrl+Shift+L"))
        library.triggered.connect(self.library_requested)
        menu.addAction(library)
        return report

    def add_view_menu(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        reset = QAction(self.tr("Reset layout"), self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)

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

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.timer.stop()
        super().closeEvent(event)
