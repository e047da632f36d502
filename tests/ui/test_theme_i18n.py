"""Themes load cleanly and keep text readable; translations install and stay complete."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QRect, QSettings, QStringListModel, Qt
from PySide6.QtGui import QColor, QPalette, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from console.ui.i18n import install_translator, resolve_language, translations_dir
from console.ui.settings import SettingError, Settings
from console.ui.settings_dialog import SettingsDialog
from console.ui.theme import (
    THEMES_TOKEN,
    apply_theme,
    available_themes,
    parse_palette,
    resources_dir,
    themes_dir,
)

ROOT = Path(__file__).resolve().parents[2]
Role = QPalette.ColorRole

# (foreground, background) pairs that carry normal-size text.
TEXT_PAIRS = [
    (Role.WindowText, Role.Window),
    (Role.Text, Role.Base),
    (Role.Text, Role.AlternateBase),
    (Role.ButtonText, Role.Button),
    (Role.HighlightedText, Role.Highlight),
    (Role.ToolTipText, Role.ToolTipBase),
    (Role.PlaceholderText, Role.Base),
    (Role.Accent, Role.Window),  # the presenting price and alerts
]


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio between two colours."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The application, with its look and language put back afterwards for other tests."""
    sheet, palette, style = qapp.styleSheet(), qapp.palette(), qapp.style().name() or "fusion"
    locale = QLocale()
    yield qapp
    install_translator(qapp, "en")
    QLocale.setDefault(locale)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)


# -- themes --------------------------------------------------------------------------------------


def test_resources_are_found() -> None:
    assert resources_dir() == ROOT / "resources"
    assert available_themes() == ["dark", "light"]
    assert (translations_dir() / "live_console_zh_CN.qm").is_file()


def gallery() -> QMainWindow:
    """One of everything the sheets style, so a parse error or bad property shows up."""
    window = QMainWindow()
    window.setObjectName("mainWindow")
    central = QWidget()
    layout = QVBoxLayout(central)
    tile = QFrame()
    tile.setObjectName("kpiTile")
    tile_layout = QVBoxLayout(tile)
    for name in (
        "kpiCaption",
        "kpiValue",
        "kpiDelta",
        "presentingTitle",
        "presentingPrice",
        "sessionTitle",
    ):
        label = QLabel(name)
        label.setObjectName(name)
        tile_layout.addWidget(label)
        if name == "kpiDelta":
            label.setProperty("trend", "up")
    layout.addWidget(tile)
    for prop in ("", "primary", "danger"):
        button = QPushButton(prop or "plain")
        if prop:
            button.setProperty(prop, "true")
        layout.addWidget(button)
    layout.addWidget(QLineEdit("text"))
    combo = QComboBox()
    combo.addItems(["a", "b"])
    layout.addWidget(combo)
    tabs = QTabBar()
    tabs.addTab("one")
    tabs.addTab("two")
    layout.addWidget(tabs)
    table = QTableView()
    table.setAlternatingRowColors(True)
    model = QStandardItemModel(30, 3, table)
    table.setModel(model)
    table.selectRow(1)
    layout.addWidget(table)
    listing = QListView()
    listing.setModel(QStringListModel(["x", "y"], listing))
    layout.addWidget(listing)
    window.setCentralWidget(central)
    dock = QDockWidget("Dock", window)
    dock.setWidget(QLabel("in a dock"))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.statusBar().showMessage("status")
    window.resize(800, 600)
    return window


@pytest.mark.parametrize("name", ["dark", "light"])
def test_theme_applies_without_qt_warnings(qtbot: QtBot, app: QApplication, name: str) -> None:
    apply_theme(app, name)
    window = gallery()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.grab().isNull()  # paints every widget through the sheet
    palette = parse_palette((themes_dir() / f"{name}.qss").read_text(encoding="utf-8"))
    assert app.palette().color(Role.Window) == palette.color(Role.Window)
    value = window.findChild(QLabel, "kpiValue")
    delta = window.findChild(QLabel, "kpiDelta")
    assert value is not None
    assert delta is not None
    assert value.font().pixelSize() == 22
    up = delta.palette().color(delta.foregroundRole())
    assert up.green() > up.red()  # the dynamic property picked the green rule


def test_theme_dialog_renders(qtbot: QtBot, app: QApplication, tmp_path: Path) -> None:
    apply_theme(app, "dark")
    dialog = SettingsDialog(
        Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.grab().isNull()


@pytest.mark.parametrize("name", ["dark", "light"])
def test_a_ticked_box_shows_its_tick(qtbot: QtBot, app: QApplication, name: str) -> None:
    """The indicator's picture is found wherever the themes folder is (not the cwd)."""
    apply_theme(app, name)
    assert THEMES_TOKEN not in app.styleSheet()
    assert (themes_dir() / "check.svg").is_file()
    box = QCheckBox()
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    box.setChecked(True)
    image = box.grab(QRect(0, 0, 18, 18)).toImage()
    inside = [image.pixelColor(x, y) for x in range(4, 14) for y in range(4, 14)]
    accent = sum(c.red() > 180 and c.green() < 90 for c in inside)
    tick = sum(c.lightness() > 230 for c in inside)
    assert accent > 20 and tick > 8  # a white tick on the accent, not a plain red square


def test_unknown_theme_lists_the_available_ones(app: QApplication) -> None:
    with pytest.raises(ValueError, match="unknown theme 'neon'; available: dark, light"):
        apply_theme(app, "neon")
    with pytest.raises(ValueError, match="unknown theme"):
        apply_theme(app, "../themes/dark")


@pytest.mark.parametrize("name", ["dark", "light"])
def test_text_contrast_meets_wcag_aa(name: str) -> None:
    palette = parse_palette((themes_dir() / f"{name}.qss").read_text(encoding="utf-8"))
    for fg, bg in TEXT_PAIRS:
        ratio = contrast(palette.color(fg), palette.color(bg))
        assert ratio >= 4.5, f"{name}: {fg.name} on {bg.name} is {ratio:.2f}:1"


def test_palette_groups() -> None:
    palette = parse_palette("/*\npalette:\n  Text #101010\n  Disabled:Text #808080\n*/")
    assert palette.color(QPalette.ColorGroup.Active, Role.Text) == QColor("#101010")
    assert palette.color(QPalette.ColorGroup.Disabled, Role.Text) == QColor("#808080")
    with pytest.raises(ValueError, match="Txet"):
        parse_palette("/*\npalette:\n  Txet #101010\n*/")
    with pytest.raises(ValueError, match="no palette"):
        parse_palette("QWidget { color: red; }")


# -- translations --------------------------------------------------------------------------------


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def test_zh_cn_translates_the_console_and_qt(app: QApplication, tmp_path: Path) -> None:
    assert install_translator(app, "zh_CN") == "zh_CN"
    assert tr("SettingsDialog", "Settings") == "设置"
    assert tr("Settings", "Currency") == "货币"
    assert tr("QPlatformTheme", "Cancel") == "取消"  # Qt's own buttons
    assert QLocale().language() == QLocale.Language.Chinese
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    with pytest.raises(SettingError, match="货币"):
        settings.set("currency", "元")


def test_system_language_follows_lang(app: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert install_translator(app, "system") == "zh_CN"
    assert tr("SettingsDialog", "Settings") == "设置"


def test_english_leaves_source_strings(app: QApplication) -> None:
    install_translator(app, "zh_CN")
    assert install_translator(app, "en") == "en"
    assert tr("SettingsDialog", "Settings") == "Settings"
    assert QLocale().language() in (QLocale.Language.English, QLocale.system().language())


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [
        (["zh-Hans-CN", "zh-CN"], "zh_CN"),
        (["zh-Hant-TW"], "zh_CN"),
        (["de-DE", "en-GB", "zh-CN"], "en"),
        (["de-DE", "zh-CN"], "zh_CN"),
        (["fr-FR"], "en"),
        (["C"], "en"),
    ],
)
def test_system_language_picks_the_first_supported(preferred: list[str], expected: str) -> None:
    assert resolve_language("system", preferred) == expected


def test_unknown_language_is_refused(app: QApplication) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        install_translator(app, "fr")


def test_translations_are_complete() -> None:
    """Every message in console/ is translated and the .qm is built from the current .ts."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "translations.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
