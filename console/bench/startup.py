"""`bench startup`: from starting the process to its first window on screen.

Each run is a new process on a new data folder (a first start), offscreen;
it exits the moment the window is exposed, and the parent times it from
spawning to that word. The console window shows before its charts are built
(console/ui/console_window.py), so it is also timed to `built`: complete.
Beside it, the same way: `python -c pass`, importing PySide6.QtWidgets, and a
bare Qt window, the floor under any Qt app and so the limit of the app's figures.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable

from console.bench import FROZEN, child_command
from console.bench.figures import BenchError, Figure, figure, ms

SHOWN = "shown"
TIMEOUT_S = 60.0


def child(window: str, *args: str) -> None:
    """Run `live-console ARGS` (a bare QWidget without ARGS); exit once a `window` is exposed.

    `window` ending in ":built" waits on from there for the console window's `built`.
    """
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QWindow
    from PySide6.QtWidgets import QApplication, QWidget

    window, _, until = window.partition(":")

    def shown() -> None:
        print(SHOWN, flush=True)
        os._exit(0)  # at once: closing down is not part of starting up

    class Watch(QObject):
        waiting = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Expose
                and isinstance(watched, QWindow)
                and watched.isExposed()
            ):
                for w in QApplication.topLevelWidgets():
                    if type(w).__name__ == window and w.windowHandle() == watched:
                        self.exposed(w)
            return False

        def exposed(self, w: QWidget) -> None:
            if until != "built":
                shown()
            from console.ui.console_window import ConsoleWindow  # loaded by now

            if not isinstance(w, ConsoleWindow) or w.complete:
                shown()
            elif not self.waiting:
                self.waiting = True
                w.built.connect(shown)

    app = QApplication(sys.argv[:1])
    watch = Watch()
    app.installEventFilter(watch)
    if args:
        from console.cli import main

        sys.exit(main(list(args)))
    bare = QWidget()
    bare.show()
    app.exec()


def _seconds(command: list[str], until_shown: bool) -> float:
    """Wall time of `command`, to its exit or to the line saying its window is up."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    began = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=env) as proc:  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        stuck = threading.Timer(TIMEOUT_S, proc.kill)  # a dialog waiting for a click, say
        stuck.start()
        try:
            line = proc.stdout.readline().strip()  # the window's word, or "" at the exit
            elapsed = time.perf_counter() - began
            errors = proc.stderr.read()
        finally:
            stuck.cancel()
        if proc.wait() != 0 or line != (SHOWN if until_shown else ""):
            raise BenchError(f"start-up run {command} exited {proc.returncode}: {errors[-2000:]}")
    return elapsed


def _app(window: str, *args: str) -> float:
    """`live-console ARGS` on a new data folder, to `window` on screen."""
    with tempfile.TemporaryDirectory() as data:
        return _seconds(child_command("startup", window, "--data-dir", data, *args), True)


def run(quick: bool) -> list[Figure]:
    runs = 3 if quick else 7

    def median(measure: Callable[[], float]) -> float:
        return ms(statistics.median(measure() for _ in range(runs)))

    start_screen = median(lambda: _app("StartDialog"))
    console = median(lambda: _app("MainWindow", "--demo"))
    complete = median(lambda: _app("MainWindow:built", "--demo"))
    if FROZEN:  # no Python to run the raw counterparts with
        return [figure("startup.start_screen", start_screen, "ms", runs=runs),
                figure("startup.console_window", console, "ms", runs=runs),
                figure("startup.console_complete", complete, "ms", runs=runs)]  # fmt: skip

    def python(code: str, until_shown: bool = False) -> float:
        return median(lambda: _seconds([sys.executable, "-c", code], until_shown))

    floor = python("from console.bench.startup import child; child('QWidget')", until_shown=True)
    return [
        figure("startup.start_screen", start_screen, "ms", limit=floor,
               limit_is="startup.qt_window", runs=runs),
        figure("startup.console_window", console, "ms", limit=floor,
               limit_is="startup.qt_window", runs=runs),
        figure("startup.console_complete", complete, "ms", limit=floor,
               limit_is="startup.qt_window", runs=runs),
        figure("startup.qt_window", floor, "ms", runs=runs),
        figure("startup.python", python("pass"), "ms", runs=runs),
        figure("startup.import_qtwidgets", python("import PySide6.QtWidgets"), "ms", runs=runs),
    ]  # fmt: skip
