"""An uncaught exception becomes a message and a log entry, not a dead console.

Qt calls slots from its event loop: an exception escaping one reaches
`sys.excepthook` (asyncio tasks reach the loop's handler), and the default
hook would only print it. The session and its writer thread live outside the
failing slot, so recording goes on; the operator is told, once per burst,
where the details are.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger("console.crash")


class CrashReporter:
    """Logs every uncaught exception; shows one dialog at a time naming the log file."""

    def __init__(self, log_path: Path, parent: Callable[[], QWidget | None]) -> None:
        self.log_path = log_path
        self.parent = parent
        self.box: QMessageBox | None = None
        self.count = 0

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_exception)

    def excepthook(self, kind: type[BaseException], value: BaseException,
                   tb: TracebackType | None) -> None:  # fmt: skip
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("uncaught exception", exc_info=(kind, value, tb))
        self.report(value)

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        if isinstance(error, BaseException):
            log.error("uncaught in asyncio: %s", context.get("message"), exc_info=error)
            self.report(error)
        else:
            log.error("asyncio: %s", context.get("message"))

    def report(self, error: BaseException) -> None:
        self.count += 1
        if self.box is not None and self.box.isVisible():
            return  # one dialog for a burst; every one is in the log
        text = QCoreApplication.translate(
            "CrashReporter",
            "Something went wrong in the console: {0}\n\nThe session goes on recording. "
            "The details are in the log file:\n{1}",
        ).format(error or type(error).__name__, self.log_path)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Live Console", text,
            QMessageBox.StandardButton.Ok, self.parent(),
        )  # fmt: skip
        box.setModal(False)
        box.show()
        self.box = box
