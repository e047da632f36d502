"""The session library window: rows, sorting, search, broken files, delete, resume, import."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.store import library
from console.store.library import DAY_MS
from console.ui.library import (
    COL_GMV,
    COL_INTEGRITY,
    COL_STATUS,
    COL_TITLE,
    SORT_ROLE,
    LibraryWindow,
)
from console.ui.settings import Settings
from console.ui.theme import apply_theme
from tests.support import START_MS, small_catalog
from tests.unit.store.test_library import record, tamper

pytestmark = pytest.mark.gui
TITLE_HTML = "<b>Big</b> show 大促"


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """Three ended sessions (GMV ¥119.80, ¥539.10, ¥1,078.20), one interrupted, one
    being recorded, one tampered with and one that is not a database."""
    d = tmp_path / "sessions"
    record(d / "small.live.db", title="Small", orders=2)
    record(d / "mid.live.db", title="Mid", orders=9, start_ms=START_MS + DAY_MS)
    record(d / "big.live.db", title=TITLE_HTML, orders=18, start_ms=START_MS + 2 * DAY_MS)
    record(d / "crashed.live.db", title="中断 crashed", start_ms=START_MS + 3 * DAY_MS, end=False)
    shutil.copy(d / "mid.live.db", d / "tampered.live.db")
    tamper(d / "tampered.live.db", "UPDATE events SET data = replace(data, 'o3', 'o4')")
    (d / "notes.live.db").write_text("shopping list " * 100, encoding="utf-8")
    live = LiveSession.start(
        d / "now.live.db", title="Now", catalog=small_catalog(),
        clock=VirtualClock(START_MS + 4 * DAY_MS),
    )  # fmt: skip
    live.writer.flush()
    yield d
    live.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def all_checked(w: LibraryWindow) -> bool:
    return all(w.model.integrity(e) is not None or e.status == "live" for e in w.model.entries())


@pytest.fixture
def window(qtbot: QtBot, folder: Path, settings: Settings, tmp_path: Path) -> Iterator[LibraryWindow]:  # fmt: skip
    w = LibraryWindow(folder, settings, tmp_path / "cache")
    w.clock = VirtualClock(START_MS + 30 * DAY_MS)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: all_checked(w))
    yield w
    w.close()
    w.background.stop(wait=True)


def rows(w: LibraryWindow, col: int = COL_TITLE) -> list[str]:
    return [w.proxy.index(r, col).data() for r in range(w.proxy.rowCount())]


def select(w: LibraryWindow, name: str) -> None:
    w.select(w.sessions_dir / name)
    entry = w.selected_entry()
    assert entry is not None
    assert entry.path.name == name


def boxes(w: LibraryWindow) -> list[QMessageBox]:
    return [b for b in w.findChildren(QMessageBox) if b.isVisible()]


def press(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text() == text)
    button.click()


def test_rows_describe_every_file(window: LibraryWindow, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(window.model)
    titles = rows(window)
    assert sorted(titles) == sorted(
        ["Small", "Mid", TITLE_HTML, "中断 crashed", "Mid", "notes.live.db", "Now"]
    )
    status = dict(zip(titles, rows(window, COL_STATUS), strict=True))
    assert status["中断 crashed"] == "Interrupted"
    assert status["Now"] == "Live"
    assert status["notes.live.db"] == "Unreadable"
    assert status[TITLE_HTML] == "Ended"
    integrity = dict(zip(titles, rows(window, COL_INTEGRITY), strict=False))
    assert integrity["Now"] == "Recording"
    assert integrity["notes.live.db"] == "Broken"
    big = window.model.row_of(window.sessions_dir / "big.live.db")
    assert window.model.index(big, COL_GMV).data() == "¥1,078.20"
    assert window.model.index(big, COL_INTEGRITY).data() == "Intact"


def test_sorting_by_gmv_is_numeric(window: LibraryWindow) -> None:
    window.view.sortByColumn(COL_GMV, Qt.SortOrder.AscendingOrder)
    raw = rows(window, COL_GMV)
    ended = [v for v in raw if v in ("¥119.80", "¥539.10", "¥1,078.20")]
    assert ended == ["¥119.80", "¥539.10", "¥539.10", "¥1,078.20"]  # text order would differ
    keys = [window.proxy.index(r, COL_GMV).data(SORT_ROLE) for r in range(window.proxy.rowCount())]
    assert keys == sorted(keys)
    assert rows(window)[0] == "notes.live.db"  # unknown totals sort below every real one


def test_search_matches_titles_and_file_names(qtbot: QtBot, window: LibraryWindow) -> None:
    window.search.setText("中断")  # QTest types ASCII only
    assert rows(window) == ["中断 crashed"]
    window.search.clear()
    qtbot.keyClicks(window.search, "NOTES")
    assert rows(window) == ["notes.live.db"]
    window.search.clear()
    assert window.proxy.rowCount() == 7


def test_an_unreadable_file_shows_why_and_does_not_open(
    qtbot: QtBot, window: LibraryWindow
) -> None:
    select(window, "notes.live.db")
    assert not window.open_button.isEnabled()
    assert not window.resume_button.isEnabled()
    assert window.delete_button.isEnabled()
    assert (
        "notes.live.db is not a session file (it is not an SQLite database)"
        in window.details.text()
    )
    assert window.details.property("tone") == "error"
    assert window.details.textFormat() == Qt.TextFormat.PlainText
    with qtbot.assertNotEmitted(window.open_requested):
        window.open_button.click()
        window.open_selected()


def test_a_tampered_log_is_found_in_the_background(window: LibraryWindow) -> None:
    row = window.model.row_of(window.sessions_dir / "tampered.live.db")
    assert window.model.index(row, COL_STATUS).data() == "Ended"  # it reads fine
    assert window.model.index(row, COL_INTEGRITY).data() == "Broken"
    tip = window.model.index(row, COL_INTEGRITY).data(Qt.ItemDataRole.ToolTipRole)
    assert "was changed or moved" in tip
    select(window, "tampered.live.db")
    assert not window.open_button.isEnabled()
    assert "changed since it was recorded" in window.details.text()


def test_integrity_is_remembered_between_refreshes(
    qtbot: QtBot, window: LibraryWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = rows(window, COL_INTEGRITY)
    monkeypatch.setattr(library, "verify", lambda path: pytest.fail(f"{path} checked again"))
    window.refresh()
    qtbot.waitUntil(lambda: all_checked(window))
    assert rows(window, COL_INTEGRITY) == before


def test_open_and_double_click_emit_the_path(qtbot: QtBot, window: LibraryWindow) -> None:
    select(window, "big.live.db")
    assert window.open_button.isEnabled()
    with qtbot.waitSignal(window.open_requested) as opened:
        window.open_button.click()
    assert opened.args == [window.sessions_dir / "big.live.db"]
    index = window.view.selectionModel().selectedRows()[0]
    with qtbot.waitSignal(window.open_requested):
        window.view.doubleClicked.emit(index)


def test_resume_is_offered_for_interrupted_sessions_only(
    qtbot: QtBot, window: LibraryWindow
) -> None:
    for entry in window.model.entries():
        select(window, entry.path.name)
        assert window.resume_button.isEnabled() == (entry.path.name == "crashed.live.db")
    select(window, "crashed.live.db")
    assert "Resume goes on in the same file" in window.details.text()
    with qtbot.waitSignal(window.resume_requested) as resumed:
        window.resume_button.click()
    assert resumed.args == [window.sessions_dir / "crashed.live.db"]


def test_a_session_being_recorded_cannot_be_deleted(window: LibraryWindow) -> None:
    select(window, "now.live.db")
    assert not window.delete_button.isEnabled()
    window.confirm_delete()
    assert boxes(window) == []


def test_delete_inside_the_retention_period_asks_twice(qtbot: QtBot, window: LibraryWindow) -> None:
    path = window.sessions_dir / "big.live.db"
    select(window, "big.live.db")
    window.delete_button.click()
    [first] = boxes(window)
    assert first.textFormat() == Qt.TextFormat.PlainText
    assert TITLE_HTML in first.text()
    press(first, "Delete")
    [second] = boxes(window)
    assert "less than 3 years ago" in second.text()
    assert "Settings › Library" in second.text()
    assert second.defaultButton() is second.button(QMessageBox.StandardButton.Cancel)
    second.button(QMessageBox.StandardButton.Cancel).click()
    assert path.exists()
    window.delete_button.click()
    press(boxes(window)[-1], "Delete")
    press(boxes(window)[-1], "Delete anyway")
    assert not path.exists()
    assert window.model.row_of(path) == -1
    assert window.notice.text() == "Deleted big.live.db"


def test_delete_after_the_retention_period_asks_once(
    window: LibraryWindow, settings: Settings
) -> None:
    settings.set("library.retention_years", 1)
    window.clock = VirtualClock(START_MS + 400 * DAY_MS)
    path = window.sessions_dir / "small.live.db"
    select(window, "small.live.db")
    window.delete_button.click()
    press(boxes(window)[-1], "Delete")
    assert boxes(window) == []
    assert not path.exists()


def test_a_one_year_retention_period_reads_as_a_year(
    window: LibraryWindow, settings: Settings
) -> None:
    settings.set("library.retention_years", 1)
    select(window, "small.live.db")
    window.delete_button.click()
    press(boxes(window)[-1], "Delete")
    second = boxes(window)[-1]
    assert "less than a year ago" in second.text()
    assert "must be kept for a year (" in second.text()


def test_cancel_keeps_the_file(window: LibraryWindow) -> None:
    select(window, "small.live.db")
    window.delete_button.click()
    boxes(window)[-1].button(QMessageBox.StandardButton.Cancel).click()
    assert (window.sessions_dir / "small.live.db").exists()
    assert window.notice.text() == ""


def test_import_copies_verifies_and_selects(
    qtbot: QtBot, window: LibraryWindow, tmp_path: Path
) -> None:
    src = tmp_path / "usb" / "small.live.db"
    src.parent.mkdir()
    shutil.copy(window.sessions_dir / "small.live.db", src)
    window.import_file(src)
    qtbot.waitUntil(lambda: window.notice.text() == "Imported as small-2.live.db")
    entry = window.selected_entry()
    assert entry is not None
    assert entry.path == window.sessions_dir / "small-2.live.db"
    qtbot.waitUntil(lambda: all_checked(window))
    assert window.import_button.isEnabled()


def test_a_broken_import_is_reported_in_the_window(qtbot: QtBot, window: LibraryWindow) -> None:
    window.import_file(window.sessions_dir / "tampered.live.db")
    qtbot.waitUntil(lambda: window.notice.property("tone") == "error")
    assert "already in the library" in window.notice.text()
    outside = window.sessions_dir.parent / "outside.live.db"
    shutil.copy(window.sessions_dir / "tampered.live.db", outside)
    window.import_file(outside)
    qtbot.waitUntil(lambda: "was not imported" in window.notice.text())
    assert "event 12 was changed or moved" in window.notice.text()
    assert window.proxy.rowCount() == 7


def test_import_button_opens_a_file_chooser(
    qtbot: QtBot, window: LibraryWindow, tmp_path: Path
) -> None:
    src = tmp_path / "mid.live.db"
    shutil.copy(window.sessions_dir / "mid.live.db", src)
    window.import_button.click()
    chooser = window.findChild(QFileDialog)
    assert chooser is not None
    chooser.fileSelected.emit(str(src))
    qtbot.waitUntil(lambda: window.notice.text() == "Imported as mid-2.live.db")
    chooser.reject()


def test_reveal_opens_the_folder(window: LibraryWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    window.reveal_button.click()
    select(window, "mid.live.db")
    window.reveal_button.click()
    assert [u.toLocalFile() for u in opened] == [str(window.sessions_dir)] * 2


def test_refresh_picks_up_new_files_and_keeps_the_selection(window: LibraryWindow) -> None:
    select(window, "mid.live.db")
    record(window.sessions_dir / "later.live.db", title="Later", start_ms=START_MS + 9 * DAY_MS)
    window.refresh_button.click()
    assert "Later" in rows(window)
    entry = window.selected_entry()
    assert entry is not None
    assert entry.path.name == "mid.live.db"


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    sheet, palette, style = qapp.styleSheet(), qapp.palette(), qapp.style().name() or "fusion"
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)


@pytest.mark.parametrize(("theme", "broken", "intact"), [("dark", "#ff6b81", "#3ddc97"),
                                                         ("light", "#c8102e", "#047857")])  # fmt: skip
def test_the_theme_colours_status_and_integrity(
    themed: QApplication, window: LibraryWindow, theme: str, broken: str, intact: str
) -> None:
    apply_theme(themed, theme)

    def colour(name: str, col: int) -> str:
        row = window.model.row_of(window.sessions_dir / name)
        value = window.model.index(row, col).data(Qt.ItemDataRole.ForegroundRole)
        assert isinstance(value, QColor)
        return value.name()

    assert colour("tampered.live.db", COL_INTEGRITY) == broken
    assert colour("notes.live.db", COL_STATUS) == broken
    assert colour("big.live.db", COL_INTEGRITY) == intact
    assert not window.grab().isNull()


def test_closing_drops_results_and_showing_again_lists_what_landed(
    qtbot: QtBot, window: LibraryWindow, tmp_path: Path
) -> None:
    src = tmp_path / "late.live.db"
    shutil.copy(window.sessions_dir / "small.live.db", src)
    window.import_file(src)
    window.close()
    window.background.stop(wait=True)  # the import finishes; its result goes nowhere
    assert window.notice.text() == "Importing late.live.db…"
    assert window.import_button.isEnabled()
    window.show()
    qtbot.waitUntil(lambda: all_checked(window))
    listed = [e.path.name for e in window.model.entries()]  # unless it was cancelled unstarted
    assert ("late.live.db" in listed) == (window.sessions_dir / "late.live.db").exists()
