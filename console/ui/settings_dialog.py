"""The settings dialog, generated from the schema in console/ui/settings.py.

Editors hold their own copies of the values: nothing reaches the settings
file until OK, and OK stores everything or nothing. A field that cannot be
saved gets its message right under it, so the operator sees what to fix
without a modal error box in the middle of a stream.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.overlay.security import new_token
from console.store.paths import data_dir
from console.ui.settings import (
    PORTABLE,
    SCHEMA,
    SECTIONS,
    Kind,
    Setting,
    Settings,
    Value,
    validate_all,
)
from console.ui.widgets import PathField, plain_label

translate = QCoreApplication.translate


class PathEditor(PathField):
    """A folder path typed or picked; empty means the standard folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        line = QLineEdit()
        line.setPlaceholderText(
            translate("SettingsDialog", "Standard folder: {0}").format(data_dir())
        )
        caption = translate("SettingsDialog", "Choose the data folder")
        super().__init__(line, caption, folder=True, parent=parent)

    def read(self) -> object:
        return self.line.text()

    def write(self, value: Value) -> None:
        self.line.setText(str(value))


class TextEditor(QLineEdit):
    def read(self) -> object:
        return self.text()

    def write(self, value: Value) -> None:
        self.setText(str(value))


class SecretEditor(TextEditor):
    """Hidden as typed: the console sits beside a camera that may be streaming the screen."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)


class BoolEditor(QCheckBox):
    def read(self) -> object:
        return self.isChecked()

    def write(self, value: Value) -> None:
        self.setChecked(bool(value))


class TokenEditor(QWidget):
    """A URL secret, hidden like a password, with a button that makes a fresh one.

    A new token takes effect on OK and revokes every URL that carried the old one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = QLineEdit()
        self.line.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.line.setPlaceholderText(translate("SettingsDialog", "Made when the overlay starts"))
        self.regenerate = QPushButton(translate("SettingsDialog", "Regenerate"))
        self.regenerate.clicked.connect(lambda: self.write(new_token()))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(self.regenerate)
        self.setFocusProxy(self.line)

    def read(self) -> object:
        return self.line.text()

    def write(self, value: Value) -> None:
        self.line.setText(str(value))
        self.line.setCursorPosition(0)


class ChoiceEditor(QComboBox):
    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for value, label in setting.choices:
            self.addItem(QCoreApplication.translate("Settings", label), value)

    def read(self) -> object:
        return self.currentData()

    def write(self, value: Value) -> None:
        self.setCurrentIndex(max(0, self.findData(value)))


class HotkeyEditor(QKeySequenceEdit):
    """One key or key combination: a live operator presses it blind, so no chords."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumSequenceLength(1)
        self.setClearButtonEnabled(True)

    def read(self) -> object:
        return self.keySequence().toString(PORTABLE)

    def write(self, value: Value) -> None:
        self.setKeySequence(QKeySequence.fromString(str(value), PORTABLE))


class ListEditor(QPlainTextEdit):
    """One entry per line: easier than commas for words that may contain them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(translate("SettingsDialog", "One per line"))
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 6 + 12)

    def read(self) -> object:
        return self.toPlainText().splitlines()

    def write(self, value: Value) -> None:
        self.setPlainText("\n".join(value) if isinstance(value, list) else str(value))


class IntEditor(QSpinBox):
    def __init__(self, setting: Setting, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(setting.minimum, setting.maximum)
        self.setSingleStep(setting.step)
        if setting.kind is Kind.INT:  # a count; a port number is read digit by digit
            self.setGroupSeparatorShown(True)

    def read(self) -> object:
        return self.value()

    def write(self, value: Value) -> None:
        if isinstance(value, int):
            self.setValue(value)


Editor = (
    PathEditor
    | TextEditor
    | SecretEditor
    | ChoiceEditor
    | HotkeyEditor
    | ListEditor
    | IntEditor
    | BoolEditor
    | TokenEditor
)


def make_editor(setting: Setting) -> Editor:
    if setting.kind is Kind.PATH:
        return PathEditor()
    if setting.kind is Kind.CHOICE:
        return ChoiceEditor(setting)
    if setting.kind is Kind.HOTKEY:
        return HotkeyEditor()
    if setting.kind is Kind.LIST:
        return ListEditor()
    if setting.kind in (Kind.INT, Kind.PORT):
        return IntEditor(setting)
    if setting.kind is Kind.SECRET:
        return SecretEditor()
    if setting.kind is Kind.BOOL:
        return BoolEditor()
    if setting.kind is Kind.TOKEN:
        return TokenEditor()
    return TextEditor()


class SettingsDialog(QDialog):
    """Edits every setting in the schema; OK saves all of them or, if any is invalid, none."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(560)
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}

        body = QWidget()
        column = QVBoxLayout(body)
        problems = settings.problems()
        if problems:
            found = plain_label(
                self.tr("Some saved settings could not be used:") + "\n" + "\n".join(problems),
                object_name="formError",
            )
            found.setWordWrap(True)
            column.addWidget(found)
        for section in SECTIONS:
            box = QGroupBox(section.title())
            form = QFormLayout(box)
            for setting in (s for s in SCHEMA if s.section == section.name):
                form.addRow(*self._row(setting))
            if section.name == "general":
                note = plain_label(
                    self.tr(
                        "Language and data folder changes apply the next time Live Console starts."
                    ),
                    object_name="fieldHint",
                )
                note.setWordWrap(True)
                form.addRow(note)
            column.addWidget(box)
        column.addStretch(1)
        # One label column across all sections, so the editors line up.
        labels = [label for label in body.findChildren(QLabel, "settingLabel")]
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)

        self.summary = plain_label(
            self.tr("Nothing was saved: fix the marked settings."), object_name="formError"
        )
        self.summary.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setProperty("primary", "true")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.clicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)
        self.resize(620, 760)
        self.show_values(settings.values())

    def _row(self, setting: Setting) -> tuple[QLabel, QWidget]:
        editor = make_editor(setting)
        editor.setObjectName(f"setting_{setting.key}")
        editor.setToolTip(setting.hint())
        label = plain_label(setting.title(), object_name="settingLabel")
        label.setBuddy(editor)
        label.setToolTip(setting.hint())
        error = plain_label(object_name="fieldError")
        error.setWordWrap(True)
        error.hide()
        cell = QWidget()
        stack = QVBoxLayout(cell)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(2)
        stack.addWidget(editor)
        stack.addWidget(error)
        self.editors[setting.key] = editor
        self.errors[setting.key] = error
        return label, cell

    def show_values(self, values: Mapping[str, Value]) -> None:
        for key, value in values.items():
            self.editors[key].write(value)
        self.show_errors({})

    def show_errors(self, errors: Mapping[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        self.summary.setVisible(bool(errors))

    def restore_defaults(self) -> None:
        """Fill in the defaults; like any edit, they are saved only on OK.

        Tokens are kept: new ones would break every OBS scene, which only Regenerate
        should do, on purpose.
        """
        self.show_values({s.key: s.default for s in SCHEMA if s.kind is not Kind.TOKEN})

    def _clicked(self, button: QAbstractButton) -> None:
        if self.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.ResetRole:
            self.restore_defaults()

    def _try_accept(self) -> None:
        values = {key: editor.read() for key, editor in self.editors.items()}
        good, errors = validate_all(values)
        self.show_errors(errors)
        if errors:
            first = next(s.key for s in SCHEMA if s.key in errors)
            self.scroll_area.ensureWidgetVisible(self.editors[first])
            self.editors[first].setFocus()
            return
        self.settings.update(good)
        self.accept()
