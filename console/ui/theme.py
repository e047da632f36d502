"""Themes: one QSS file per theme under resources/themes, carrying its own palette.

A theme is a single file so adding one needs no code: the `palette:` block in
the sheet's header comment becomes the application's QPalette, which keeps
widgets the sheet does not style (and the Fusion style's bevels) in the same
colours. Fusion is used because native styles on Windows and macOS ignore
parts of the palette and would mix light chrome into a dark theme.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_PALETTE_BLOCK = re.compile(r"^palette:\s*\n(.*?)\*/", re.MULTILINE | re.DOTALL)
_PALETTE_LINE = re.compile(r"^\s*(?:(\w+):)?(\w+)\s+(#[0-9A-Fa-f]{6})\s*$")


def resources_dir() -> Path:
    """The resources folder: beside the console package in a checkout, inside a frozen build.

    In a PyInstaller bundle sys._MEIPASS is the folder holding its libraries and data
    (`_internal/` beside the executable; `Contents/Frameworks` in a macOS app, which
    links to `Contents/Resources`), where packaging/live-console.spec puts resources/.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


THEMES_TOKEN = "@themes@"  # in a sheet's url(...): the themes folder, wherever it is installed


def themes_dir() -> Path:
    return resources_dir() / "themes"


def available_themes() -> list[str]:
    return sorted(p.stem for p in themes_dir().glob("*.qss"))


def parse_palette(qss: str) -> QPalette:
    """The QPalette described by the sheet's `palette:` block (`[Group:]Role #RRGGBB` lines).

    Roles without a group apply to every group; a group-qualified line (such as
    `Disabled:Text`) then overrides that group only.
    """
    block = _PALETTE_BLOCK.search(qss)
    if block is None:
        raise ValueError("the theme has no palette: block in its header comment")
    palette = QPalette()
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    for line in sorted(lines, key=lambda text: ":" in text):
        match = _PALETTE_LINE.match(line)
        if match is None:
            raise ValueError(f"cannot read palette line {line.strip()!r}")
        group_name, role_name, colour = match.groups()
        try:
            role = QPalette.ColorRole[role_name]
            groups = [QPalette.ColorGroup[group_name]] if group_name else _ALL_GROUPS
        except KeyError:
            raise ValueError(f"unknown palette role or group in {line.strip()!r}") from None
        for group in groups:
            palette.setColor(group, role, QColor(colour))
    return palette


_ALL_GROUPS = [
    QPalette.ColorGroup.Active,
    QPalette.ColorGroup.Inactive,
    QPalette.ColorGroup.Disabled,
]


def apply_theme(app: QApplication, name: str) -> None:
    """Style the whole application; safe to call again to switch themes while running."""
    if name not in available_themes():
        raise ValueError(f"unknown theme {name!r}; available: {', '.join(available_themes())}")
    qss = (themes_dir() / f"{name}.qss").read_text(encoding="utf-8")
    qss = qss.replace(THEMES_TOKEN, themes_dir().as_posix())  # url() is relative to the cwd
    palette = parse_palette(qss)
    app.setStyle("Fusion")
    app.setPalette(palette)
    app.setStyleSheet(qss)
