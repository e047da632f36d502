"""Python's cyclic garbage collector, run on the GUI thread only.

A collection can start in whichever thread allocates: the session writer, a
checkpoint builder, the library's integrity checks. If it frees a cycle that
holds the last reference to a Qt window or dialog, Qt destroys that object from
the worker thread ("Timers cannot be stopped from another thread") and may crash
the process. So automatic collection is off and a timer on the GUI thread
collects instead: the young generations every second (cheap), everything every
ten minutes. Objects made during start-up are frozen out of collection, so a full
collection walks only what the session made.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

TICK_MS = 1000
FULL_EVERY = 600  # ticks: a full collection every ten minutes


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ticks = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        gc.collect()
        gc.freeze()
        gc.disable()
        self.timer.start(TICK_MS)

    def tick(self) -> None:
        self.ticks += 1
        gc.collect(2 if self.ticks % FULL_EVERY == 0 else 1)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
