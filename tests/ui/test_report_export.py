"""The export dialog as a merchant uses it: tick, edit paths, Export, read the result."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from console.review.review import Review
from console.ui import report_export
from console.ui.report_export import ExportReportDialog
from tests.support import START_MS
from tests.unit.review.test_export import DAY_MS, edit_an_order, simulate

pytestmark = pytest.mark.gui
CSV_NAMES = ["events.csv", "minutes.csv", "products.csv", "deals.csv"]
WAIT_MS = 60_000  # reviewing takes a second or two; the machines are shared


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tonight's session and Monday's, which tonight is compared with."""
    folder = tmp_path_factory.mktemp("sessions")
    simulate(folder / "tonight.live.db")
    simulate(folder / "monday.live.db", seed=2, start_ms=START_MS - 4 * DAY_MS)
    return folder


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    return tmp_path / "reports"  # not there yet, as on a first export


@pytest.fixture
def open_dialog(
    qtbot: QtBot, sessions: Path, reports: Path
) -> Iterator[Callable[[Path], ExportReportDialog]]:
    made: list[ExportReportDialog] = []

    def make(session: Path) -> ExportReportDialog:
        dialog = ExportReportDialog(session, sessions, reports)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.background.stop(wait=True)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    urls: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", urls.append)
    return urls


@dataclass
class Held:
    """The review held back until `gate` opens, and the threads that made it."""

    gate: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    hold = Held()
    real = report_export.load_review

    def load_review(*args: Path) -> Review:
        hold.threads.append(threading.current_thread())
        assert hold.gate.wait(WAIT_MS / 1000)
        return real(*args)

    monkeypatch.setattr(report_export, "load_review", load_review)
    yield hold
    hold.gate.set()


def paths(urls: list[QUrl]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls]


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_path(qtbot: QtBot, dialog: ExportReportDialog, which: str, path: Path) -> None:
    """Select all, delete, type: as a user does (QTest types Latin-1 only)."""
    edit = dialog.html_edit if which == "html" else dialog.csv_edit
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, str(path))


def export(qtbot: QtBot, dialog: ExportReportDialog) -> None:
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)


def test_defaults_are_named_after_the_session(
    qtbot: QtBot, open_dialog: Callable[[Path], ExportReportDialog], sessions: Path, reports: Path
) -> None:
    dialog = open_dialog(sessions / "tonight.live.db")
    assert dialog.html_target() == reports / "tonight.html"
    assert dialog.csv_target() is None  # CSV files only when ticked
    assert not dialog.csv_field.isEnabled()
    click(qtbot, dialog.csv_box)
    assert dialog.csv_target() == reports / "tonight-csv"
    assert dialog.csv_field.isEnabled()
    type_path(qtbot, dialog, "html", Path("mine.html"))
    assert dialog.html_target() == reports / "mine.html"  # a bare name goes in the reports folder
    assert dialog.export_button.isEnabled()
    dialog.html_edit.clear()
    assert not dialog.export_button.isEnabled()  # a ticked part needs a path
    click(qtbot, dialog.html_box)
    assert dialog.export_button.isEnabled()
    click(qtbot, dialog.csv_box)
    assert not dialog.export_button.isEnabled()  # nothing ticked
    assert dialog.result_label.text() == dialog.error.text() == ""
    assert not dialog.open_button.isVisible() and not dialog.folder_button.isVisible()


def test_export_writes_html_and_csv_off_the_gui_thread(
    qtbot: QtBot, open_dialog: Callable[[Path], ExportReportDialog], sessions: Path,
    tmp_path: Path, opened: list[QUrl], held: Held,
) -> None:  # fmt: skip
    dialog = open_dialog(sessions / "tonight.live.db")
    html, folder = tmp_path / "out" / "night report.html", tmp_path / "out" / "tables"
    type_path(qtbot, dialog, "html", html)
    click(qtbot, dialog.csv_box)
    type_path(qtbot, dialog, "csv", folder)
    click(qtbot, dialog.export_button)

    assert dialog.is_busy()
    assert not dialog.export_button.isEnabled()
    assert dialog.export_button.text() == "Exporting…"
    assert not dialog.html_field.isEnabled() and not dialog.csv_box.isEnabled()
    held.gate.set()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=WAIT_MS)

    assert held.threads and held.threads[0] is not threading.main_thread()
    assert dialog.exported.html == html
    assert dialog.exported.csv == tuple(folder / n for n in CSV_NAMES)
    assert dialog.error.text() == ""
    assert dialog.result_label.text() == "Written: night report.html, " + ", ".join(CSV_NAMES)
    assert "夜场" in html.read_text(encoding="utf-8")
    assert all((folder / n).stat().st_size > 0 for n in CSV_NAMES)
    assert dialog.export_button.isEnabled() and dialog.export_button.text() == "Export"

    click(qtbot, dialog.open_button)
    click(qtbot, dialog.folder_button)
    assert paths(opened) == [html, tmp_path / "out"]


def test_the_default_reports_folder_is_made_on_first_export(
    qtbot: QtBot, open_dialog: Callable[[Path], ExportReportDialog], sessions: Path, reports: Path,
    opened: list[QUrl],
) -> None:  # fmt: skip
    dialog = open_dialog(sessions / "tonight.live.db")
    click(qtbot, dialog.csv_box)
    export(qtbot, dialog)
    assert dialog.exported.written == (
        reports / "tonight.html",
        *(reports / "tonight-csv" / n for n in CSV_NAMES),
    )
    assert (reports / "tonight.html").is_file()
    click(qtbot, dialog.folder_button)
    assert paths(opened) == [reports]


def test_a_broken_chain_is_reported_and_nothing_written(
    qtbot: QtBot, open_dialog: Callable[[Path], ExportReportDialog], sessions: Path,
    tmp_path: Path, reports: Path,
) -> None:  # fmt: skip
    broken = tmp_path / "broken.live.db"
    shutil.copy(sessions / "tonight.live.db", broken)
    edit_an_order(broken)
    dialog = open_dialog(broken)
    click(qtbot, dialog.csv_box)
    export(qtbot, dialog)
    assert dialog.error.text().startswith("broken.live.db fails verification at event ")
    assert dialog.error.text().endswith("No report is made from a log that may have been changed.")
    assert "Traceback" not in dialog.error.text()
    assert not dialog.exported.written
    assert dialog.result_label.text() == ""
    assert not dialog.open_button.isVisible() and not dialog.folder_button.isVisible()
    assert not reports.exists()
    assert dialog.export_button.isEnabled()


def test_an_unwritable_folder_is_reported_and_only_finished_files_claimed(
    qtbot: QtBot, open_dialog: Callable[[Path], ExportReportDialog], sessions: Path,
    tmp_path: Path, reports: Path,
) -> None:  # fmt: skip
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    dialog = open_dialog(sessions / "tonight.live.db")
    type_path(qtbot, dialog, "html", blocker / "report.html")
    export(qtbot, dialog)
    assert dialog.error.text() == f"cannot write {blocker}: it is a file, not a folder"
    assert not dialog.exported.written
    assert not dialog.open_button.isVisible()

    # The report is written, then the CSV folder fails: the report alone is claimed.
    type_path(qtbot, dialog, "html", reports / "ok.html")
    click(qtbot, dialog.csv_box)
    type_path(qtbot, dialog, "csv", blocker / "csv")
    export(qtbot, dialog)
    assert dialog.error.text() == f"cannot write {blocker / 'csv'}: Not a directory"
    assert dialog.exported.written == (reports / "ok.html",)
    assert dialog.result_label.text() == "Written: ok.html"
    assert dialog.open_button.isVisible() and dialog.folder_button.isVisible()


def test_closing_during_an_export_lets_it_finish_unseen(
    qtbot: QtBot, sessions: Path, reports: Path, held: Held
) -> None:
    """Deleted on close, the dialog must get no result; the report is still written."""
    dialog = ExportReportDialog(sessions / "tonight.live.db", sessions, reports)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    background = dialog.background
    gone: list[bool] = []
    dialog.destroyed.connect(lambda: gone.append(True))
    dialog.show()
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: bool(held.threads))
    dialog.close()
    qtbot.waitUntil(lambda: bool(gone))
    held.gate.set()
    held.threads[0].join(WAIT_MS / 1000)  # the pool was shut down: its thread ends with the work
    qtbot.wait(50)  # a result delivered to the deleted dialog would fail the test here
    assert (reports / "tonight.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    background.stop(wait=True)


def test_browse_asks_where_to_save_the_report(
    qtbot: QtBot, open_dialog: Callable[[Path], ExportReportDialog], sessions: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    dialog = open_dialog(sessions / "tonight.live.db")
    click(qtbot, dialog.html_field.browse)
    chooser = dialog.findChild(QFileDialog)
    assert chooser is not None
    assert chooser.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    chooser.fileSelected.emit(str(tmp_path / "picked.html"))
    chooser.reject()
    assert dialog.html_target() == tmp_path / "picked.html"
