"""Small widget helpers shared by the console's panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


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
