"""The application's windows together: start screen, library, replays and resuming a session."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFrame, QLabel, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from console import app as app_module
from console.app import AppOptions, Console
from console.domain.clock import RealClock
from console.store.library import describe
from console.store.paths import sessions_dir
from console.store.reader import iter_events
from console.store.session_file import open_session
from console.ui.library import LibraryWindow
from console.ui.main_window import MainWindow
from console.ui.replay_window import ReplayWindow
from console.ui.report_export import ExportReportDialog
from console.ui.settings import Settings
from console.ui.start_dialog import StartDialog
from tests.unit.store.test_library import record


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)  # as run_app: the console decides when to quit
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    c = Console(app, AppOptions(data_dir=tmp_path), settings)
    yield c
    c.close_all()
    app.setQuitOnLastWindowClosed(True)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the console would have said in a message box (a modal box would block the test)."""
    said: list[str] = []

    def box(_parent: object, _title: str, text: str, *_args: object) -> None:
        said.append(text)

    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(app_module.QMessageBox, name, box)
    return said


def run(coro: Coroutine[Any, Any, None]) -> None:
    loop = qasync.QEventLoop(QApplication.instance())
    try:
        loop.run_until_complete(asyncio.wait_for(coro, 20))
    finally:
        loop.close()


def kinds(path: Path) -> list[str]:
    conn, _ = open_session(path)
    try:
        return [ev.kind for ev in iter_events(conn, path)]
    finally:
        conn.close()


def test_the_library_opens_a_replay_and_closing_the_last_window_quits(
    qtbot: QtBot, console: Console, tmp_path: Path
) -> None:
    path = sessions_dir(tmp_path) / "show.live.db"
    path.parent.mkdir(parents=True)
    record(path)
    console.show_library()
    library = console.library
    assert isinstance(library, LibraryWindow)
    qtbot.waitUntil(lambda: library.model.rowCount() == 1)
    library.select(path)
    library.open_button.click()
    replay = console.front
    assert isinstance(replay, ReplayWindow)
    assert replay.replay.path == path
    replay.library_requested.emit()  # Replay → Session library… brings the same window back
    assert console.library is library
    library.close()
    assert not console.quit.is_set()
    replay.close()
    qtbot.waitUntil(console.quit.is_set)


def test_a_broken_file_is_a_message_not_a_window(
    qtbot: QtBot, console: Console, tmp_path: Path, warnings: list[str]
) -> None:
    bad = tmp_path / "bad.live.db"
    bad.write_text("not a database")
    console.show_library()
    assert console.library is not None
    console.library.open_requested.emit(bad)
    assert len(warnings) == 1 and "bad.live.db" in warnings[0]
    assert not any(isinstance(w, ReplayWindow) for w in QApplication.topLevelWidgets())


def test_the_start_screen_opens_the_library(qtbot: QtBot, console: Console) -> None:
    console.show_start()
    dialog = console.front
    assert isinstance(dialog, StartDialog)
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    library = next(b for b in buttons.findChildren(QPushButton) if b.text() == "Session library…")
    library.click()
    assert isinstance(console.library, LibraryWindow)
    assert dialog.isVisible()  # the start screen waits while the merchant browses


def test_resuming_asks_for_the_audience_then_goes_live_in_the_same_file(
    qtbot: QtBot, console: Console, tmp_path: Path
) -> None:
    path = sessions_dir(tmp_path) / "crashed.live.db"
    path.parent.mkdir(parents=True)
    record(path, title="夜场", end=False, start_ms=RealClock().now_ms() - 5 * 60_000)
    assert describe(path).status == "interrupted"

    async def scenario() -> None:
        console.resume(path)
        dialog = console.front
        assert isinstance(dialog, StartDialog)
        assert dialog.windowTitle().startswith("Resume “夜场”")
        assert not dialog.title.isVisible() and not dialog.catalog.isVisible()
        dialog.source.setCurrentIndex(dialog.source.findData("small"))
        dialog._try_accept()
        while console.window is None:
            await asyncio.sleep(0.05)
        window = console.window
        assert isinstance(window, MainWindow)
        assert console.session is not None and console.session.path == path
        window.confirm_close = False
        window.close()
        await console.quit.wait()
        await console.shutdown()

    run(scenario())
    logged = kinds(path)
    assert "session_resumed" in logged
    assert logged[-1] == "session_ended"
    assert describe(path).status == "ended"


def test_only_one_session_is_live_at_a_time(
    qtbot: QtBot, console: Console, tmp_path: Path, warnings: list[str]
) -> None:
    path = sessions_dir(tmp_path) / "crashed.live.db"
    path.parent.mkdir(parents=True)
    record(path, end=False, start_ms=RealClock().now_ms() - 5 * 60_000)

    async def scenario() -> None:
        console.show_start()
        dialog = console.front
        assert isinstance(dialog, StartDialog)
        dialog.source.setCurrentIndex(dialog.source.findData("small"))
        dialog._try_accept()
        while console.window is None:
            await asyncio.sleep(0.05)
        console.resume(path)
        assert "End it before resuming another session" in warnings[-1]
        assert describe(path).status == "interrupted"
        console.close_all()
        await console.quit.wait()
        await console.shutdown()

    run(scenario())


def test_a_failed_resume_says_why(
    qtbot: QtBot, console: Console, tmp_path: Path, warnings: list[str]
) -> None:
    ended = sessions_dir(tmp_path) / "done.live.db"
    ended.parent.mkdir(parents=True)
    record(ended)

    async def scenario() -> None:
        console.resume(ended)
        dialog = console.front
        assert isinstance(dialog, StartDialog)
        dialog._try_accept()
        while not warnings:
            await asyncio.sleep(0.05)
        await console.quit.wait()  # nothing else was open

    run(scenario())
    assert "cannot be resumed" in warnings[0]
    assert console.session is None


def test_export_report_from_a_replay_writes_into_the_reports_folder(
    qtbot: QtBot, console: Console, tmp_path: Path
) -> None:
    path = sessions_dir(tmp_path) / "show.live.db"
    path.parent.mkdir(parents=True)
    record(path)
    window = console.open_replay(path)
    menu = cast(QMenu, next(a.menu() for a in window.menuBar().actions() if a.text() == "&Replay"))
    next(a for a in menu.actions() if a.text() == "Export report…").trigger()
    dialog = window.findChild(ExportReportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.html_target() == tmp_path / "reports" / "show.html"
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.exported.html is not None, timeout=20_000)
    assert (tmp_path / "reports" / "show.html").is_file()


def test_the_start_screen_offers_what_a_crash_interrupted(
    qtbot: QtBot, console: Console, tmp_path: Path
) -> None:
    path = sessions_dir(tmp_path) / "crashed.live.db"
    path.parent.mkdir(parents=True)
    record(path, title="夜场", end=False, start_ms=RealClock().now_ms() - 5 * 60_000)
    console.show_start()
    first = console.front
    assert isinstance(first, StartDialog)
    offer = first.findChild(QFrame, "resumeOffer")
    assert offer is not None
    label, button = offer.findChild(QLabel), offer.findChild(QPushButton)
    assert label is not None and button is not None
    assert "“夜场” stopped before it ended" in label.text()
    button.click()
    resuming = console.front
    assert isinstance(resuming, StartDialog) and resuming is not first
    assert resuming.resuming and not resuming.findChildren(QFrame, "resumeOffer")
    qtbot.waitUntil(lambda: not first.isVisible())
    assert not console.quit.is_set()
