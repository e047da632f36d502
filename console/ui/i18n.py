"""Which language the console speaks, and the Qt translators that make it so.

Source strings are English; `resources/translations/live_console_<lang>.qm`
holds the others (built by tools/translations.py). Qt's own dialogs (file
pickers, message box buttons) are translated by the qtbase catalogue that
ships with PySide6.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from console.ui.theme import resources_dir

log = logging.getLogger("console.ui.i18n")

SUPPORTED = ("en", "zh_CN")
SOURCE_LANGUAGE = "en"
CATALOGUE = "live_console"
_TRANSLATOR_NAME = "liveConsoleTranslator"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark `text` for lupdate in `context`; translate it where shown.

    PySide6's own is typed as returning `object`; lupdate finds this one by name too.
    """
    return text


def translations_dir() -> Path:
    return resources_dir() / "translations"


def resolve_language(language: str, ui_languages: Sequence[str] | None = None) -> str:
    """`system` becomes the first supported language in the user's preference list.

    `ui_languages` defaults to QLocale.system().uiLanguages(), which on Linux
    follows $LANGUAGE and $LANG and elsewhere the OS's preferred languages.
    Every Chinese variant gets Simplified Chinese: the only Chinese we have.
    """
    if language in SUPPORTED:
        return language
    if language != "system":
        raise ValueError(f"unknown language {language!r}; use system, {', '.join(SUPPORTED)}")
    for tag in QLocale.system().uiLanguages() if ui_languages is None else ui_languages:
        base = tag.replace("-", "_").split("_")[0].lower()
        if base == "zh":
            return "zh_CN"
        if base == "en":
            return "en"
    return SOURCE_LANGUAGE


def install_translator(app: QCoreApplication, language: str) -> str:
    """Translate the application into `language` (or the system's) and return the one used.

    Calling it again replaces the previous translators. The default QLocale
    (numbers, money, dates) follows: `system` keeps the system's regional
    formats, as does a chosen language the system locale already speaks (en_GB,
    zh_SG); otherwise the chosen language's own formats are used.
    """
    used = resolve_language(language)
    for old in app.findChildren(QTranslator, _TRANSLATOR_NAME):
        app.removeTranslator(old)
        old.setParent(None)  # back to Python, which frees it
    if used != SOURCE_LANGUAGE:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name, folder in (
            (f"{CATALOGUE}_{used}", str(translations_dir())),
            (f"qtbase_{used}", qt_dir),
        ):
            translator = QTranslator()
            if not translator.load(name, folder):
                log.warning("no translation %s in %s", name, folder)
                continue
            translator.setObjectName(_TRANSLATOR_NAME)
            translator.setParent(app)  # the application keeps it alive
            app.installTranslator(translator)
    system = QLocale.system()
    if language == "system" or _language_tag(system) == used:
        QLocale.setDefault(system)
    else:
        QLocale.setDefault(QLocale(used))
    return used


def _language_tag(locale: QLocale) -> str:
    """`en` or `zh_CN` for a locale that speaks a supported language, else its name."""
    if locale.language() == QLocale.Language.English:
        return "en"
    if locale.language() == QLocale.Language.Chinese:
        return "zh_CN"
    return locale.name()
