"""Small widget helpers shared by the console's panels."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


def plain_label(text: str = "", parent: QWidget | None = None, *, object_name: str = "") -> QLabel:
    """A label that never interprets its text as HTML.

    Qt guesses rich text from a leading tag, so a product titled `<img src=x>`
    would render as an image. Viewer names, comments and titles come from feeds
    and files we do not control: they are always plain text.
    """
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if object_name:
        label.setObjectName(object_name)
    return label


def set_style_state(widget: QWidget, name: str, value: str) -> None:
    """Set a dynamic property that the QSS selects on, and restyle only if it changed."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class PathField(QWidget):
    """A path typed into `line` or picked with Browse….

    The chooser opens with `open()`, never `exec()`: a nested event loop inside
    the qasync loop breaks running tasks (STYLE.md, qasync pitfalls).
    """

    def __init__(self, line: QLineEdit, caption: str, name_filter: str = "", *,
                 folder: bool = False, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.line = line
        self.caption = caption
        self.name_filter = name_filter
        self.folder = folder
        self.browse = QPushButton(QCoreApplication.translate("PathField", "Browse…"), self)
        self.browse.clicked.connect(self.choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line, 1)
        row.addWidget(self.browse)
        self.setFocusProxy(line)

    def choose(self) -> None:
        chooser = QFileDialog(self, self.caption, self.line.text().strip(), self.name_filter)
        if self.folder:
            chooser.setFileMode(QFileDialog.FileMode.Directory)
            chooser.setOption(QFileDialog.Option.ShowDirsOnly)
        else:
            chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(self.line.setText)
        chooser.open()


def idle_or_details(panel: QWidget, idle: QWidget, details: QWidget) -> QStackedWidget:
    """Fill `panel` with two pages: a hint while there is nothing to show (0), the details (1)."""
    pages = QStackedWidget()
    pages.addWidget(idle)
    pages.addWidget(details)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(8, 8, 8, 8)
    layout.addWidget(pages)
    return pages
