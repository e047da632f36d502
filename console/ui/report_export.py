"""The post-live report from the window: what `live-console report --html --csv` writes.

The work is console/review/export.py's, run on a worker thread: verifying and
folding a long session takes seconds and must not freeze the window. Files are
listed as written only once complete; a broken log or an unwritable path is
reported in one plain sentence, as the command line does.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.review.export import ExportFailed, load_review, write_csvs, write_html, writing
from console.store.errors import SessionFileError
from console.store.paths import SUFFIX
from console.ui.background import Background
from console.ui.feed_model import tooltip_html
from console.ui.widgets import PathField, plain_label


@dataclass(frozen=True, slots=True)
class Exported:
    """The files written in full, and why the export stopped ("" if it did not)."""

    html: Path | None = None
    csv: tuple[Path, ...] = ()
    problem: str = ""

    @property
    def written(self) -> tuple[Path, ...]:
        return (self.html, *self.csv) if self.html is not None else self.csv


def export_files(session: Path, previous_dir: Path, html: Path | None,
                 csv_dir: Path | None) -> Exported:  # fmt: skip
    """Runs on a worker thread. The first failure ends it; what was complete before it stays."""
    html_done: Path | None = None
    try:
        review = load_review(session, previous_dir)
        if html is not None:
            with writing(html.parent):  # the reports folder may not exist yet
                html.parent.mkdir(parents=True, exist_ok=True)
            html_done = write_html(review, html)
        csv = tuple(write_csvs(review, session, csv_dir)) if csv_dir is not None else ()
    except (SessionFileError, ExportFailed) as e:
        return Exported(html_done, problem=str(e))
    return Exported(html_done, csv)


def shown_folder(written: tuple[Path, ...]) -> Path:
    """The innermost folder holding every written file (the reports folder by default)."""
    try:
        return Path(os.path.commonpath([p.parent for p in written]))
    except ValueError:  # on different drives
        return written[0].parent


class SaveAsField(PathField):
    """Browse… asks where to save: PathField's chooser only picks files that exist."""

    def choose(self) -> None:
        chooser = QFileDialog(self, self.caption, self.line.text().strip(), self.name_filter)
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setDefaultSuffix("html")
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(self.line.setText)
        chooser.open()


class ExportReportDialog(QDialog):
    """Export one session's review as an HTML report and/or CSV files.

    `previous_dir` holds the sessions it is compared with; paths typed without a
    folder go in `reports_dir`. Closing during an export lets it finish unseen.
    """

    def __init__(self, session_path: Path, previous_dir: Path, reports_dir: Path,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("exportReportDialog")
        self.setWindowTitle(self.tr("Export report"))
        self.session_path = session_path
        self.previous_dir = previous_dir
        self.reports_dir = reports_dir
        self.exported = Exported()
        self._busy = False
        self.background = Background(1)
        # A result must not reach a deleted dialog (closed with WA_DeleteOnClose, or its parent).
        self.destroyed.connect(partial(self.background.stop, wait=False))
        name = session_path.name
        stem = name.removesuffix(SUFFIX) if name.endswith(SUFFIX) else session_path.stem

        session = plain_label(self.tr("Session file: {0}").format(name))
        session.setToolTip(tooltip_html(str(session_path)))
        self.html_box = QCheckBox(self.tr("HTML report"), self)
        self.html_box.setChecked(True)
        self.html_edit = QLineEdit(str(reports_dir / f"{stem}.html"), self)
        self.html_edit.setObjectName("reportHtmlPath")
        self.html_field = SaveAsField(
            self.html_edit,
            self.tr("Save the HTML report as"),
            self.tr("HTML files (*.html);;All files (*)"),
        )
        self.csv_box = QCheckBox(self.tr("CSV files"), self)
        self.csv_edit = QLineEdit(str(reports_dir / f"{stem}-csv"), self)
        self.csv_edit.setObjectName("reportCsvFolder")
        self.csv_field = PathField(
            self.csv_edit, self.tr("Choose a folder for the CSV files"), folder=True
        )
        csv_hint = plain_label(
            self.tr("events, minutes, products and deals, for Excel or WPS"),
            object_name="fieldHint",
        )
        form = QFormLayout()
        form.addRow(self.html_box, self.html_field)
        form.addRow(self.csv_box, self.csv_field)
        form.addRow("", csv_hint)

        self.result_label = plain_label(object_name="exportResult")
        self.result_label.setWordWrap(True)
        self.error = plain_label(object_name="formError")
        self.error.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open report"), self)
        self.open_button.clicked.connect(self.open_report)
        self.folder_button = QPushButton(self.tr("Show folder"), self)
        self.folder_button.clicked.connect(self.show_folder)
        result_row = QHBoxLayout()
        result_row.addWidget(self.open_button)
        result_row.addWidget(self.folder_button)
        result_row.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(
            self.tr("Export"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.export_button.setProperty("primary", "true")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(session)
        layout.addLayout(form)
        layout.addWidget(self.result_label)
        layout.addLayout(result_row)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        for box in (self.html_box, self.csv_box):
            box.toggled.connect(self._update)
        for edit in (self.html_edit, self.csv_edit):
            edit.textChanged.connect(self._update)
        self._update()
        self._show_result(Exported())
        self.resize(620, self.sizeHint().height())

    # -- what to write ----------------------------------------------------------------------
    def _target(self, box: QCheckBox, edit: QLineEdit) -> Path | None:
        text = edit.text().strip()
        if not box.isChecked() or not text:
            return None
        return self.reports_dir / Path(text).expanduser()  # a bare name lands in reports_dir

    def html_target(self) -> Path | None:
        """The HTML file to write; None when not ticked or left empty."""
        return self._target(self.html_box, self.html_edit)

    def csv_target(self) -> Path | None:
        """The folder for the CSV files; None when not ticked or left empty."""
        return self._target(self.csv_box, self.csv_edit)

    def _ready(self) -> bool:
        """Something is ticked, and every ticked part has a path."""
        parts = ((self.html_box, self.html_target()), (self.csv_box, self.csv_target()))
        ticked = [target for box, target in parts if box.isChecked()]
        return bool(ticked) and None not in ticked

    def _update(self) -> None:
        idle = not self._busy
        self.html_box.setEnabled(idle)
        self.csv_box.setEnabled(idle)
        self.html_field.setEnabled(idle and self.html_box.isChecked())
        self.csv_field.setEnabled(idle and self.csv_box.isChecked())
        self.export_button.setEnabled(idle and self._ready())
        self.export_button.setText(self.tr("Export") if idle else self.tr("Exporting…"))

    # -- exporting --------------------------------------------------------------------------
    def export(self) -> None:
        """Start writing on a worker thread; the result line says what was written."""
        if self._busy or not self._ready():
            return
        self._show_result(Exported())
        self._busy = True
        self._update()
        self.background.run(
            export_files, self.session_path, self.previous_dir, self.html_target(),
            self.csv_target(), then=self._exported,
        )  # fmt: skip

    def is_busy(self) -> bool:
        return self._busy

    def _exported(self, future: Future[Exported]) -> None:
        self._busy = False
        self._update()
        self._show_result(future.result())

    def _show_result(self, done: Exported) -> None:
        self.exported = done
        names = ", ".join(p.name for p in done.written)
        self.result_label.setText(self.tr("Written: {0}").format(names) if names else "")
        self.result_label.setToolTip("".join(tooltip_html(str(p)) for p in done.written))
        self.error.setText(done.problem)
        self.open_button.setVisible(done.html is not None)
        self.folder_button.setVisible(bool(done.written))

    def open_report(self) -> None:
        if self.exported.html is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.exported.html)))

    def show_folder(self) -> None:
        if self.exported.written:
            folder = shown_folder(self.exported.written)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
