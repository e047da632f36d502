"""Replay: the console's panels, read-only, on any moment of a recorded session.

The window is a `ConsoleWindow` whose source is a `Replay` (console/replay):
the same reducer folds the log up to the cursor, so the queue, KPIs, charts,
deal countdowns and feed show what they showed live at that moment. The
controls play at 1x–64x on the replay's own clock, seek by dragging or
clicking the overview of the whole session, and jump between markers,
product switches and deal starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsSceneMouseEvent,
    QHBoxLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.replay.player import Jump, Replay
from console.ui.console_window import ConsoleWindow
from console.ui.formatting import duration
from console.ui.settings import Settings
from console.ui.widgets import plain_label

log = logging.getLogger("console.replay")

SPEEDS = (1, 2, 4, 8, 16, 32, 64)
STEP_MS = 10_000  # ← / →: ten seconds; with Shift a minute
_OVERVIEW_HEIGHT = 84
_COLORS = {False: ("#ffffff", "#3c4043", "#4e79a7", "#D1103C"),
           True: ("#1e1f24", "#c9ccd1", "#6f9bd1", "#FE2C55")}  # fmt: skip


class ReplaySource(Protocol):
    """What the controls need of a replay (console.replay.player.Replay has it)."""

    start_ms: int
    end_ms: int

    @property
    def cursor_ms(self) -> int: ...

    @property
    def jumps(self) -> Sequence[Jump]: ...

    def seek(self, ts_ms: int) -> None: ...

    def advance(self, dt_ms: int) -> None: ...


class _Overview(pg.PlotWidget):
    """The whole session in one strip: viewers online per minute, and the cursor."""

    clicked = Signal(float)  # minutes since the start

    def __init__(self, minutes: np.ndarray, viewers: np.ndarray, dark: bool) -> None:
        background, foreground, line, accent = _COLORS[dark]
        super().__init__(background=background, enableMenu=False)
        self.setFixedHeight(_OVERVIEW_HEIGHT)
        item = self.getPlotItem()
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showAxis("left", False)
        item.getAxis("bottom").setTextPen(foreground)
        item.getAxis("bottom").setPen(foreground)
        self.curve = pg.PlotDataItem(
            minutes, viewers, pen=pg.mkPen(line, width=1), fillLevel=0,
            brush=pg.mkBrush(line + "55"), stepMode=None,
        )  # fmt: skip
        item.addItem(self.curve)
        self.cursor = pg.InfiniteLine(angle=90, movable=True, pen=pg.mkPen(accent, width=2))
        item.addItem(self.cursor)
        end = float(minutes[-1]) if len(minutes) else 1.0
        item.setXRange(0, max(end, 1.0), padding=0.01)
        top = float(viewers.max()) if len(viewers) else 1.0
        item.setYRange(0, max(top, 1.0) * 1.1, padding=0)
        self.scene().sigMouseClicked.connect(self._click)

    def _click(self, event: QGraphicsSceneMouseEvent) -> None:
        point = self.getPlotItem().vb.mapSceneToView(QPointF(event.scenePos()))
        self.clicked.emit(float(point.x()))


class ReplayControls(QWidget):
    """Play/pause, speed, the scrubber, the position and jumps."""

    def __init__(self, replay: ReplaySource, overview: tuple[np.ndarray, np.ndarray],
                 dark: bool, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("replayControls")
        self.replay = replay
        self.playing = False
        self.speed = 1
        self._last_tick = time.monotonic()
        self.play_button = QToolButton()
        self.play_button.setObjectName("replayPlay")
        self.play_button.clicked.connect(self.toggle)
        self.speed_box = QComboBox()
        for speed in SPEEDS:
            self.speed_box.addItem(f"{speed}×", speed)
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        self.previous_button = QToolButton()
        self.previous_button.setText("⏮")
        self.previous_button.setToolTip(self.tr("Previous marker, switch or deal (Page Up)"))
        self.previous_button.clicked.connect(lambda: self.jump_step(-1))
        self.next_button = QToolButton()
        self.next_button.setText("⏭")
        self.next_button.setToolTip(self.tr("Next marker, switch or deal (Page Down)"))
        self.next_button.clicked.connect(lambda: self.jump_step(+1))
        self.jump_box = QComboBox()
        self.jump_box.setObjectName("replayJumps")
        self.jump_box.setMinimumContentsLength(28)
        self.jump_box.addItem(self.tr("Jump to…"), None)
        for jump in replay.jumps:
            self.jump_box.addItem(self._jump_text(jump), jump.ts_ms)
        self.jump_box.activated.connect(self._jump_chosen)
        self.position = plain_label(object_name="replayPosition")
        self.overview = _Overview(*overview, dark=dark)
        self.overview.cursor.sigDragged.connect(self._dragged)
        self.overview.clicked.connect(self._seek_minutes)
        row = QHBoxLayout()
        for w in (self.play_button, self.speed_box, self.previous_button, self.next_button,
                  self.jump_box, self.position):  # fmt: skip
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(row)
        layout.addWidget(self.overview)
        self.refresh()

    def _jump_text(self, jump: Jump) -> str:
        kinds = {"marker": self.tr("Marker"), "switch": self.tr("Presenting"),
                 "deal": self.tr("Deal"), "deal_end": self.tr("Deal ended")}  # fmt: skip
        when = duration(jump.ts_ms - self.replay.start_ms)
        return f"{when}  {kinds.get(jump.kind, jump.kind)}: {jump.label}"

    # -- actions ----------------------------------------------------------------------------
    def toggle(self) -> None:
        if not self.playing and self.replay.cursor_ms >= self.replay.end_ms:
            self.replay.seek(self.replay.start_ms)  # play again from the start
        self.playing = not self.playing
        self._last_tick = time.monotonic()
        self.refresh()

    def seek(self, ts_ms: int) -> None:
        self.replay.seek(max(self.replay.start_ms, min(ts_ms, self.replay.end_ms)))
        self.refresh()

    def step(self, dt_ms: int) -> None:
        self.seek(self.replay.cursor_ms + dt_ms)

    def jump_step(self, direction: int) -> None:
        """To the next (+1) or previous (-1) jump from the cursor; a second back-press goes further."""
        cursor = self.replay.cursor_ms
        times = [j.ts_ms for j in self.replay.jumps]
        if direction > 0:
            later = [t for t in times if t > cursor]
            if later:
                self.seek(later[0])
        else:
            earlier = [t for t in times if t < cursor - 1000]
            self.seek(earlier[-1] if earlier else self.replay.start_ms)

    def _jump_chosen(self, index: int) -> None:
        ts = self.jump_box.itemData(index)
        if ts is not None:
            self.seek(int(ts))
        self.jump_box.setCurrentIndex(0)

    def _speed_changed(self, index: int) -> None:
        self.speed = int(self.speed_box.itemData(index))

    def _dragged(self) -> None:
        self._seek_minutes(float(self.overview.cursor.value()))

    def _seek_minutes(self, minutes: float) -> None:
        self.seek(self.replay.start_ms + round(minutes * 60_000))

    # -- frames -----------------------------------------------------------------------------
    def tick(self) -> None:
        """Each frame: move the cursor by the wall time that passed, times the speed."""
        now = time.monotonic()
        elapsed_ms = round((now - self._last_tick) * 1000)
        self._last_tick = now
        if self.playing and elapsed_ms > 0:
            left = self.replay.end_ms - self.replay.cursor_ms
            self.replay.advance(min(left, elapsed_ms * self.speed))
            if self.replay.cursor_ms >= self.replay.end_ms:
                self.playing = False
        self.refresh()

    def refresh(self) -> None:
        self.play_button.setText("⏸" if self.playing else "▶")
        self.play_button.setToolTip(
            self.tr("Pause (Space)") if self.playing else self.tr("Play (Space)")
        )
        total = duration(self.replay.end_ms - self.replay.start_ms)
        text = f"{duration(self.replay.cursor_ms - self.replay.start_ms)} / {total}"
        if self.position.text() != text:
            self.position.setText(text)
        x = (self.replay.cursor_ms - self.replay.start_ms) / 60_000
        if not self.overview.cursor.moving and self.overview.cursor.value() != x:
            self.overview.cursor.setValue(x)


class _Cancelled(Exception):
    """Raised in the checkpoint builder's thread when its window has closed."""


class ReplayWindow(ConsoleWindow):
    """A recorded session, read-only, with the replay controls above the KPI tiles.

    A file recorded without checkpoints (an older app) seeks by folding from the
    start; the window builds them on a worker thread and says so meanwhile.
    """

    def __init__(self, replay: Replay, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(replay, None, replay.path, settings, parent)
        self.replay = replay
        self.setObjectName("replayWindow")
        self.setWindowTitle(self.tr("Replay — {0}").format(replay.state.title))
        self.session_bar.set_replay()
        self.controls = ReplayControls(
            replay, replay.overview_viewers(), settings.get("theme") == "dark"
        )
        self.central.insertWidget(1, self.controls)
        self.panels.insert(0, self.controls.tick)
        self.file_label = plain_label(
            self.tr("Read-only replay of {0}").format(replay.path.name), object_name="statusFile"
        )
        self.statusBar().addWidget(self.file_label, 1)
        self._build_menus()
        self._keys()
        self._building: Future[int] | None = None
        self._built_share = 0.0  # written by the worker, read by the frames
        self._cancelled = False
        if replay.needs_checkpoints:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="checkpoints")
            self._building = self._pool.submit(replay.build_checkpoints, self._progress)
            self.panels.append(self._watch_building)
        self.start_frames()

    def _progress(self, done: int, total: int) -> None:
        if self._cancelled:  # the window closed: stop folding, store nothing
            raise _Cancelled
        self._built_share = done / total if total else 1.0

    def _watch_building(self) -> None:
        """Say how far the checkpoints are, then whether seeking is fast now."""
        job = self._building
        if job is None:
            return
        if not job.done():
            text = self.tr("Preparing fast seeking… {0}%").format(round(self._built_share * 100))
        elif job.exception() is not None:
            log.warning("checkpoints for %s: %s", self.replay.path.name, job.exception())
            text = self.tr("Seeking stays slow: {0}").format(job.exception())
            self._building = None
        else:
            text = self.tr("Fast seeking is ready")
            self._building = None
        self.statusBar().showMessage(text, 0 if self._building else 6000)

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Replay"))
        self.add_session_actions(menu)
        menu.addSeparator()
        close = QAction(self.tr("Close"), self)
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        menu.addAction(close)
        self.add_view_menu()

    def _keys(self) -> None:
        c = self.controls
        for key, slot in (
            (Qt.Key.Key_Space, c.toggle),
            (Qt.Key.Key_Left, lambda: c.step(-STEP_MS)),
            (Qt.Key.Key_Right, lambda: c.step(STEP_MS)),
            (Qt.Modifier.SHIFT | Qt.Key.Key_Left, lambda: c.step(-6 * STEP_MS)),
            (Qt.Modifier.SHIFT | Qt.Key.Key_Right, lambda: c.step(6 * STEP_MS)),
            (Qt.Key.Key_Home, lambda: c.seek(self.replay.start_ms)),
            (Qt.Key.Key_End, lambda: c.seek(self.replay.end_ms)),
            (Qt.Key.Key_PageUp, lambda: c.jump_step(-1)),
            (Qt.Key.Key_PageDown, lambda: c.jump_step(+1)),
        ):
            QShortcut(QKeySequence(key), self, slot)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if self._building is not None:  # the worker's connections are its own
            self._cancelled = True
            self._pool.shutdown(wait=False)
        self.replay.close()
