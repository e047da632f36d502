"""The session library window: every recorded session, to open, resume, import or delete.

Listing reads each file's session row and per-second totals (console/store/library.py),
so it is quick; checking each hash chain reads every event, so those checks run on
worker threads and fill in the Integrity column as they finish. A file that cannot
be read is listed with its reason and cannot be opened; the rest list as usual.
Titles come from files anyone may have made: they are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QDesktopServices, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.domain.clock import Clock, RealClock
from console.store.errors import SessionFileError
from console.store.library import (
    Integrity,
    LibraryEntry,
    check_integrity,
    days_in_years,
    delete_session,
    import_session,
    keep_until_ms,
    scan,
)
from console.ui.background import Background
from console.ui.feed_model import tooltip_html
from console.ui.formatting import count, duration, money
from console.ui.settings import Settings
from console.ui.widgets import plain_label, set_style_state

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_NUMERIC = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

(COL_TITLE, COL_DATE, COL_DURATION, COL_GMV, COL_ORDERS, COL_PEAK, COL_STATUS, COL_INTEGRITY,
 COL_SIZE) = range(9)  # fmt: skip
COLUMNS = 9
NUMERIC_COLUMNS = (COL_DURATION, COL_GMV, COL_ORDERS, COL_PEAK, COL_SIZE)
SORT_ROLE = Qt.ItemDataRole.UserRole  # the raw value: numbers sort as numbers
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # title and file name, what the search box matches
TONES = ("live", "ended", "interrupted", "intact", "broken", "checking")
CHECK_WORKERS = 2  # verify hashes in Python: more threads would only queue for the GIL


def shown_title(entry: LibraryEntry) -> str:
    """The session's title, or the file's name when the file cannot be read."""
    return entry.path.name if entry.problem is not None else entry.title


class ToneSwatches:
    """Cell colours the theme sets, e.g. `QLabel#libraryTone[tone="broken"] { color: … }`.

    Style sheets cannot reach single cells of an item view, so one hidden label per
    tone carries the rule and the model reads its colour when painting; switching
    themes repolishes the labels, so the colours follow.
    """

    def __init__(self, parent: QWidget) -> None:
        self._labels: dict[str, QLabel] = {}
        for tone in TONES:
            label = QLabel(parent)
            label.setObjectName("libraryTone")
            label.setProperty("tone", tone)
            label.hide()
            self._labels[tone] = label

    def colour(self, tone: str) -> QColor:
        label = self._labels[tone]
        label.ensurePolished()
        return label.palette().color(QPalette.ColorRole.WindowText)


class LibraryModel(QAbstractTableModel):
    """The files as rows; integrity arrives later, one row at a time."""

    def __init__(self, tone: Callable[[str], QColor], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tone = tone
        self._entries: list[LibraryEntry] = []
        self._integrity: dict[Path, Integrity] = {}

    def set_entries(self, entries: list[LibraryEntry]) -> None:
        """A new listing; a file that did not change keeps its integrity verdict."""
        old = {e.path: e for e in self._entries}
        self.beginResetModel()
        self._integrity = {
            e.path: self._integrity[e.path]
            for e in entries
            if e.path in self._integrity and old.get(e.path) == e
        }
        self._entries = list(entries)
        self.endResetModel()

    def set_integrity(self, path: Path, integrity: Integrity) -> None:
        row = self.row_of(path)
        if row < 0:
            return
        self._integrity[path] = integrity
        self.dataChanged.emit(self.index(row, COL_STATUS), self.index(row, COL_INTEGRITY))

    def entry(self, row: int) -> LibraryEntry:
        return self._entries[row]

    def entries(self) -> list[LibraryEntry]:
        return list(self._entries)

    def row_of(self, path: Path) -> int:
        return next((i for i, e in enumerate(self._entries) if e.path == path), -1)

    def integrity(self, entry: LibraryEntry) -> Integrity | None:
        """The verdict; None while it is being checked or while the session is recorded."""
        if entry.problem is not None:
            return Integrity(False, entry.problem)
        return self._integrity.get(entry.path)

    def needs_check(self, entry: LibraryEntry) -> bool:
        return (
            entry.problem is None and entry.status != "live" and entry.path not in self._integrity
        )

    def is_broken(self, entry: LibraryEntry) -> bool:
        found = self.integrity(entry)
        return found is not None and not found.intact

    # -- reading --------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, col)
        if role == SORT_ROLE:
            return self._sort_key(entry, col)
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_STATUS, COL_INTEGRITY):
            return self._tone(
                self._status_tone(entry) if col == COL_STATUS else self._check_tone(entry)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC_COLUMNS:
            return _NUMERIC
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, col)
        if role == SEARCH_ROLE:
            return f"{entry.title}\n{entry.path.name}"
        return None

    def _display(self, entry: LibraryEntry, col: int) -> str:
        if col == COL_TITLE:
            return shown_title(entry)
        if col == COL_STATUS:
            return self._status_word(entry)
        if col == COL_INTEGRITY:
            return self._check_word(entry)
        if col == COL_SIZE:
            return QLocale().formattedDataSize(
                entry.size_bytes, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat
            )
        if entry.problem is not None or entry.started_at_ms is None:
            return "—"
        if col == COL_DATE:
            when = QDateTime.fromMSecsSinceEpoch(entry.started_at_ms)
            return QLocale().toString(when, QLocale.FormatType.ShortFormat)
        if col == COL_DURATION:
            return duration(entry.duration_ms)
        if col == COL_GMV:
            return money(entry.gmv_minor, entry.currency)
        return count(entry.orders if col == COL_ORDERS else entry.peak_viewers)

    def _sort_key(self, entry: LibraryEntry, col: int) -> Any:
        if col == COL_TITLE:
            return shown_title(entry).casefold()
        if col in (COL_STATUS, COL_INTEGRITY):
            return self._display(entry, col)
        if col == COL_SIZE:
            return entry.size_bytes
        if entry.problem is not None or entry.started_at_ms is None:
            return -1  # unknown numbers sort below every real one
        return {
            COL_DATE: entry.started_at_ms,
            COL_DURATION: entry.duration_ms,
            COL_GMV: entry.gmv_minor,
            COL_ORDERS: entry.orders,
            COL_PEAK: entry.peak_viewers,
        }[col]

    def _status_tone(self, entry: LibraryEntry) -> str:
        return entry.status or "broken"

    def _status_word(self, entry: LibraryEntry) -> str:
        return {
            "live": self.tr("Live"),
            "ended": self.tr("Ended"),
            "interrupted": self.tr("Interrupted"),
        }.get(entry.status, self.tr("Unreadable"))

    def _check_tone(self, entry: LibraryEntry) -> str:
        found = self.integrity(entry)
        if found is None:
            return "checking"
        return "intact" if found.intact else "broken"

    def _check_word(self, entry: LibraryEntry) -> str:
        found = self.integrity(entry)
        if found is None:
            return self.tr("Recording") if entry.status == "live" else self.tr("Checking…")
        return self.tr("Intact") if found.intact else self.tr("Broken")

    def _tooltip(self, entry: LibraryEntry, col: int) -> str | None:
        found = self.integrity(entry)
        if col in (COL_STATUS, COL_INTEGRITY) and found is not None and not found.intact:
            return tooltip_html(found.reason)
        if col == COL_INTEGRITY and entry.status == "live":
            return self.tr("Checked once the session ends")
        if col == COL_TITLE:
            return tooltip_html(str(entry.path))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMNS:
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                self.tr("Title"), self.tr("Date"), self.tr("Duration"), self.tr("GMV"),
                self.tr("Orders"), self.tr("Peak viewers"), self.tr("Status"),
                self.tr("Integrity"), self.tr("Size"),
            )[section]  # fmt: skip
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                COL_PEAK: self.tr("The highest viewers-online reading, taken each second"),
                COL_STATUS: self.tr("Interrupted: recording stopped before the session ended"),
                COL_INTEGRITY: self.tr("Whether the hash chain shows the log as it was recorded"),
                COL_SIZE: self.tr("Space the file takes on disk"),
            }.get(section)
        return None


class LibraryWindow(QWidget):
    """The library of `sessions_dir`; opening and resuming are the application's to do."""

    open_requested = Signal(Path)
    resume_requested = Signal(Path)

    def __init__(self, sessions_dir: Path, settings: Settings, cache_dir: Path,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("libraryWindow")
        self.setWindowTitle(self.tr("Session library"))
        self.sessions_dir = sessions_dir
        self.settings = settings
        self.cache_dir = cache_dir
        self.clock: Clock = RealClock()
        self.background = Background(CHECK_WORKERS)
        # Deleted with its parent, a window gets no closeEvent: results must not reach it.
        self.destroyed.connect(partial(self.background.stop, wait=False))
        self._checks: list[Future[Integrity]] = []

        self.tones = ToneSwatches(self)
        self.model = LibraryModel(self.tones.colour, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(COL_TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.search = QLineEdit(self)
        self.search.setObjectName("librarySearch")
        self.search.setPlaceholderText(self.tr("Search by title or file name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.proxy.setFilterFixedString(text.strip()))

        self.view = QTableView(self)
        self.view.setObjectName("libraryView")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.dataChanged.connect(self._update_actions)

        self.details = plain_label(object_name="libraryDetails")
        self.details.setWordWrap(True)
        self.notice = plain_label(object_name="libraryNotice")
        self.notice.setWordWrap(True)

        self.open_button = self._button(self.tr("Open"), self.open_selected)
        self.open_button.setProperty("primary", "true")
        self.resume_button = self._button(self.tr("Resume"), self.resume_selected)
        self.reveal_button = self._button(self.tr("Show in folder"), self.reveal)
        self.import_button = self._button(self.tr("Import…"), self.choose_import)
        self.delete_button = self._button(self.tr("Delete…"), self.confirm_delete)
        self.delete_button.setProperty("danger", "true")
        self.refresh_button = self._button(self.tr("Refresh"), self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.refresh_button)
        buttons = QHBoxLayout()
        for b in (self.open_button, self.resume_button, self.reveal_button, self.import_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        self.resize(1000, 560)
        self._update_actions()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        return button

    # -- listing --------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Work still running finishes on its own; closing never waits for a disk.

        An import under way still lands in the folder, and the next showing lists it.
        """
        self.background.stop(wait=False)
        self._checks = []
        self.import_button.setEnabled(True)
        super().closeEvent(event)

    def refresh(self) -> None:
        """List the folder again and check the files whose verdict is not known."""
        chosen = self.selected_entry()
        for future in self._checks:
            future.cancel()
        self.model.set_entries(scan(self.sessions_dir))
        self._checks = [
            self.background.run(
                check_integrity, e.path, self.cache_dir, then=partial(self._checked, e.path)
            )
            for e in self.model.entries()
            if self.model.needs_check(e)
        ]
        if chosen is not None:
            self.select(chosen.path)
        self._update_actions()

    def _checked(self, path: Path, future: Future[Integrity]) -> None:
        self.model.set_integrity(path, future.result())

    def checks_running(self) -> bool:
        return any(not f.done() for f in self._checks)

    def selected_entry(self) -> LibraryEntry | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.entry(self.proxy.mapToSource(rows[0]).row())

    def select(self, path: Path) -> None:
        row = self.model.row_of(path)
        index = self.proxy.mapFromSource(self.model.index(row, COL_TITLE)) if row >= 0 else _ROOT
        if index.isValid():
            self.view.selectRow(index.row())
            self.view.scrollTo(index)

    def _update_actions(self) -> None:
        entry = self.selected_entry()
        broken = entry is not None and self.model.is_broken(entry)
        readable = entry is not None and not broken
        self.open_button.setEnabled(readable)
        self.resume_button.setEnabled(
            readable and entry is not None and entry.status == "interrupted"
        )
        self.delete_button.setEnabled(entry is not None and entry.status != "live")
        self.details.setText(self._details(entry))
        set_style_state(self.details, "tone", "error" if broken else "")

    def _details(self, entry: LibraryEntry | None) -> str:
        if entry is None:
            return ""
        found = self.model.integrity(entry)
        if entry.problem is not None:
            return self.tr("This file cannot be opened: {0}").format(entry.problem)
        if found is not None and not found.intact:
            return self.tr("This session's log has been changed since it was recorded: {0}").format(
                found.reason
            )
        if entry.status == "interrupted":
            return self.tr(
                "Recording stopped before the session ended. Resume goes on in the same file."
            )
        if entry.status == "live":
            return self.tr("This session is being recorded now.")
        return ""

    def _say(self, text: str, *, error: bool = False) -> None:
        self.notice.setText(text)
        set_style_state(self.notice, "tone", "error" if error else "")

    # -- actions --------------------------------------------------------------------------
    def open_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and self.open_button.isEnabled():
            self.open_requested.emit(entry.path)

    def resume_selected(self) -> None:
        entry = self.selected_entry()
        if entry is not None and self.resume_button.isEnabled():
            self.resume_requested.emit(entry.path)

    def reveal(self) -> None:
        entry = self.selected_entry()
        folder = entry.path.parent if entry is not None else self.sessions_dir
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def choose_import(self) -> None:
        chooser = QFileDialog(
            self, self.tr("Import a session file"), str(Path.home()),
            self.tr("Live Console sessions (*.live.db);;All files (*)"),
        )  # fmt: skip
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(lambda name: self.import_file(Path(name)))
        chooser.open()

    def import_file(self, path: Path) -> None:
        """Copy and verify off the GUI thread; the result is reported here when done."""
        self.import_button.setEnabled(False)
        self._say(self.tr("Importing {0}…").format(path.name))
        self.background.run(import_session, path, self.sessions_dir, then=self._imported)

    def _imported(self, future: Future[Path]) -> None:
        self.import_button.setEnabled(True)
        try:
            dest = future.result()
        except SessionFileError as e:
            self._say(str(e), error=True)
            return
        self._say(self.tr("Imported as {0}").format(dest.name))
        self.refresh()
        self.select(dest)

    def confirm_delete(self) -> None:
        """Ask once; ask again, naming the retention rule, for a session younger than it."""
        entry = self.selected_entry()
        if entry is None or entry.status == "live":
            return
        years = self.settings.get("library.retention_years")
        days = days_in_years(years)
        young = self.clock.now_ms() < keep_until_ms(entry, days)
        text = self.tr(
            "Delete “{0}” ({1})? The recording and its log are removed from this computer for good."
        )
        then: Callable[[], None] = (
            partial(self._confirm_retention, entry, years, days)
            if young
            else partial(self._delete, entry, days, force=False)
        )
        self._ask(
            self.tr("Delete session"),
            text.format(shown_title(entry), entry.path.name),
            self.tr("Delete"),
            then,
        )

    def _confirm_retention(self, entry: LibraryEntry, years: int, days: int) -> None:
        recorded = QDateTime.fromMSecsSinceEpoch(entry.recorded_at_ms)
        until = QDateTime.fromMSecsSinceEpoch(keep_until_ms(entry, days))
        period = self.tr("a year") if years == 1 else self.tr("{0} years").format(years)
        text = self.tr(
            "This session was recorded on {0}, less than {1} ago. Records of live sales "
            "must be kept for {1} (the retention period in Settings › Library), so it "
            "should stay until {2}. Delete it anyway?"
        ).format(
            QLocale().toString(recorded.date(), QLocale.FormatType.LongFormat),
            period,
            QLocale().toString(until.date(), QLocale.FormatType.LongFormat),
        )
        then = partial(self._delete, entry, days, force=True)
        self._ask(self.tr("Within the retention period"), text, self.tr("Delete anyway"), then)

    def _ask(self, title: str, text: str, action: str, then: Callable[[], None]) -> None:
        """A warning with Cancel as the default; `then` runs only on the destructive button."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, self
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the title came from a file
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: then() if box.clickedButton() is yes else None)
        box.open()

    def _delete(self, entry: LibraryEntry, days: int, *, force: bool) -> None:
        try:
            delete_session(entry.path, retention_days=days, now_ms=self.clock.now_ms(), force=force)
        except SessionFileError as e:
            self._say(str(e), error=True)
        else:
            self._say(self.tr("Deleted {0}").format(entry.path.name))
        self.refresh()
