"""An exception escaping a slot or a task: logged in full, said once, and the session goes on."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from console.engine.session import LiveSession
from console.logs import setup_logging
from console.ui.crash_dialog import CrashReporter


@pytest.fixture
def reporter(qtbot: QtBot, tmp_path: Path) -> Iterator[CrashReporter]:
    parent = QWidget()
    qtbot.addWidget(parent)
    r = CrashReporter(setup_logging(tmp_path), lambda: parent)
    saved = sys.excepthook
    r.install()
    yield r
    sys.excepthook = saved
    if r.box is not None:
        r.box.close()


def boom() -> None:
    raise ValueError("the price column moved")


def raise_through_hook() -> None:
    try:
        boom()
    except ValueError:
        sys.excepthook(*sys.exc_info())


def test_an_uncaught_exception_is_logged_and_shown_once_per_burst(
    reporter: CrashReporter, session: LiveSession
) -> None:
    raise_through_hook()
    raise_through_hook()
    assert reporter.count == 2
    box = reporter.box
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "the price column moved" in box.text()
    assert str(reporter.log_path) in box.text()
    assert "goes on recording" in box.text()
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = reporter.log_path.read_text(encoding="utf-8")
    assert text.count("Traceback") == 2 and "in boom" in text
    session.marker("still recording")  # nothing about the session was touched
    assert session.state.markers[-1].text == "still recording"


def test_a_failed_task_reaches_the_same_dialog(reporter: CrashReporter) -> None:
    loop = asyncio.new_event_loop()
    try:
        reporter.install(loop)

        async def task() -> None:
            boom()

        t = loop.create_task(task())
        loop.run_until_complete(asyncio.sleep(0.01))
        del t  # never awaited: the loop reports it when the task is collected
        gc.collect()
    finally:
        loop.close()
    assert reporter.count == 1
    assert reporter.box is not None and "the price column moved" in reporter.box.text()


def test_the_next_problem_after_the_dialog_was_closed_shows_again(reporter: CrashReporter) -> None:
    raise_through_hook()
    first = reporter.box
    assert first is not None
    first.close()
    raise_through_hook()
    assert reporter.box is not first and reporter.box is not None and reporter.box.isVisible()
