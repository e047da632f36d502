"""The console's settings as one table: storage, validation and the dialog all come from it.

Each `Setting` names its key, kind, default, section, label and description;
`validate` turns any input into the canonical value or says what is wrong, in
the operator's language. `Settings` keeps the values in a QSettings file,
validates what it reads back (a hand-edited bad value falls back to the
default and is listed in `problems()`), and writes only values that differ
from the default, so a default improved in a later release reaches everyone
who never changed it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal, overload
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QSettings, Signal
from PySide6.QtGui import QKeySequence

from console.domain.money import DEFAULT_CURRENCY, MoneyError, check_currency
from console.feeds.uri import DEFAULT_TWITCH_URL
from console.overlay import DEFAULT_PORT as DEFAULT_OVERLAY_PORT
from console.overlay.security import valid_token
from console.ui.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger("console.ui.settings")

# lupdate reads calls spelled `translate("Context", "literal")`.
translate = QCoreApplication.translate

Value = str | int | list[str]
StrKey = Literal[
    "data_dir", "currency", "language", "theme", "hotkeys.next", "hotkeys.previous",
    "hotkeys.present", "hotkeys.pin", "hotkeys.marker", "hotkeys.deal", "charts.window",
    "connections.twitch_url", "connections.shopify_secret", "overlay.token", "overlay.remote_token",
]  # fmt: skip
IntKey = Literal["feed.cap", "connections.webhook_port", "library.retention_years", "overlay.port"]
ListKey = Literal["feed.keywords"]
BoolKey = Literal["overlay.lan", "overlay.remote"]

PORTABLE = QKeySequence.SequenceFormat.PortableText


class Kind(StrEnum):
    """What a value is; the dialog picks its editor by kind."""

    PATH = "path"
    CURRENCY = "currency"
    CHOICE = "choice"
    HOTKEY = "hotkey"
    LIST = "list"
    INT = "int"
    PORT = "port"
    WS_URL = "ws_url"
    SECRET = "secret"
    BOOL = "bool"
    TOKEN = "token"  # a URL secret; empty until one is made (console/ui/overlay_panel.py)


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    label: str  # marked for lupdate; translate where shown

    def title(self) -> str:
        return QCoreApplication.translate("Settings", self.label)


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    kind: Kind
    default: Value
    section: str
    label: str  # marked for lupdate; translate where shown
    description: str  # marked for lupdate
    choices: tuple[tuple[str, str], ...] = ()  # (value, label marked for lupdate)
    minimum: int = 0
    maximum: int = 0
    step: int = 1  # what the spin box's arrows add

    def title(self) -> str:
        return QCoreApplication.translate("Settings", self.label)

    def hint(self) -> str:
        return QCoreApplication.translate("Settings", self.description)

    @property
    def storage_key(self) -> str:
        """`hotkeys.next` is stored as `next` in the INI's `[hotkeys]` group: easy to hand-edit."""
        return self.key.replace(".", "/")


SECTIONS = (
    Section("general", QT_TRANSLATE_NOOP("Settings", "General")),
    Section("appearance", QT_TRANSLATE_NOOP("Settings", "Appearance")),
    Section("hotkeys", QT_TRANSLATE_NOOP("Settings", "Hotkeys")),
    Section("feed", QT_TRANSLATE_NOOP("Settings", "Feed")),
    Section("charts", QT_TRANSLATE_NOOP("Settings", "Charts")),
    Section("connections", QT_TRANSLATE_NOOP("Settings", "Connections")),
    Section("library", QT_TRANSLATE_NOOP("Settings", "Library")),
    Section("overlay", QT_TRANSLATE_NOOP("Settings", "Overlay")),
)


def _hotkey(key: str, default: str, label: str, description: str) -> Setting:
    return Setting(f"hotkeys.{key}", Kind.HOTKEY, default, "hotkeys", label, description)


SCHEMA: tuple[Setting, ...] = (
    Setting(
        "data_dir", Kind.PATH, "", "general",
        QT_TRANSLATE_NOOP("Settings", "Data folder"),
        QT_TRANSLATE_NOOP("Settings", "Where sessions are saved. Leave empty for the standard folder."),
    ),
    Setting(
        "currency", Kind.CURRENCY, DEFAULT_CURRENCY, "general",
        QT_TRANSLATE_NOOP("Settings", "Currency"),
        QT_TRANSLATE_NOOP("Settings", "ISO 4217 code for prices in new sessions, such as CNY or USD."),
    ),
    Setting(
        "language", Kind.CHOICE, "system", "general",
        QT_TRANSLATE_NOOP("Settings", "Language"),
        QT_TRANSLATE_NOOP("Settings", "Language of the console's menus, labels and messages."),
        choices=(
            ("system", QT_TRANSLATE_NOOP("Settings", "Same as the system")),
            ("en", QT_TRANSLATE_NOOP("Settings", "English")),
            ("zh_CN", QT_TRANSLATE_NOOP("Settings", "简体中文")),
        ),
    ),
    Setting(
        "theme", Kind.CHOICE, "dark", "appearance",
        QT_TRANSLATE_NOOP("Settings", "Theme"),
        QT_TRANSLATE_NOOP("Settings", "Dark suits a dim studio; light suits a bright room."),
        choices=(
            ("dark", QT_TRANSLATE_NOOP("Settings", "Dark")),
            ("light", QT_TRANSLATE_NOOP("Settings", "Light")),
        ),
    ),
    _hotkey("next", "PgDown", QT_TRANSLATE_NOOP("Settings", "Next product"),
            QT_TRANSLATE_NOOP("Settings", "Present the next product in the queue.")),
    _hotkey("previous", "PgUp", QT_TRANSLATE_NOOP("Settings", "Previous product"),
            QT_TRANSLATE_NOOP("Settings", "Present the previous product in the queue.")),
    _hotkey("present", "Return", QT_TRANSLATE_NOOP("Settings", "Present selected"),
            QT_TRANSLATE_NOOP("Settings", "Present the product selected in the queue.")),
    _hotkey("pin", "P", QT_TRANSLATE_NOOP("Settings", "Pin comment"),
            QT_TRANSLATE_NOOP("Settings", "Pin the comment selected in the feed.")),
    _hotkey("marker", "M", QT_TRANSLATE_NOOP("Settings", "Add marker"),
            QT_TRANSLATE_NOOP("Settings", "Mark a moment on the charts and in the review.")),
    _hotkey("deal", "D", QT_TRANSLATE_NOOP("Settings", "Launch prepared deal"),
            QT_TRANSLATE_NOOP("Settings", "Launch the flash deal prepared for the presenting product.")),
    Setting(
        "feed.keywords", Kind.LIST, ["价格", "多少钱", "链接", "尺码", "size", "how much", "link"], "feed",
        QT_TRANSLATE_NOOP("Settings", "Highlight keywords"),
        QT_TRANSLATE_NOOP("Settings", "Comments containing any of these words are highlighted. One per line."),
    ),
    Setting(
        "feed.cap", Kind.INT, 2000, "feed",
        QT_TRANSLATE_NOOP("Settings", "Comments kept in the feed"),
        QT_TRANSLATE_NOOP("Settings", "Older comments leave the feed; the session file keeps them all."),
        minimum=200, maximum=20_000, step=100,
    ),
    Setting(
        "charts.window", Kind.CHOICE, "30min", "charts",
        QT_TRANSLATE_NOOP("Settings", "Chart time span"),
        QT_TRANSLATE_NOOP("Settings", "How much of the session the live charts show."),
        choices=(
            ("30min", QT_TRANSLATE_NOOP("Settings", "Last 30 minutes")),
            ("all", QT_TRANSLATE_NOOP("Settings", "Whole session")),
        ),
    ),
    Setting(
        "connections.twitch_url", Kind.WS_URL, DEFAULT_TWITCH_URL, "connections",
        QT_TRANSLATE_NOOP("Settings", "Twitch chat server"),
        QT_TRANSLATE_NOOP("Settings", "IRC-over-WebSocket address for twitch: feeds. Change it only for a proxy or a test server."),
    ),
    Setting(
        "connections.shopify_secret", Kind.SECRET, "", "connections",
        QT_TRANSLATE_NOOP("Settings", "Shopify webhook secret"),
        QT_TRANSLATE_NOOP("Settings", "Signs order webhooks; from the Shopify admin's Notifications page. Empty: the LIVE_CONSOLE_SHOPIFY_SECRET environment variable."),
    ),
    Setting(
        "connections.webhook_port", Kind.PORT, 8787, "connections",
        QT_TRANSLATE_NOOP("Settings", "Webhook port"),
        QT_TRANSLATE_NOOP("Settings", "Local port for Shopify order webhooks (on 127.0.0.1; reach it through a tunnel)."),
        minimum=1024, maximum=65535,
    ),
    Setting(
        "library.retention_years", Kind.INT, 3, "library",
        QT_TRANSLATE_NOOP("Settings", "Keep sessions for (years)"),
        QT_TRANSLATE_NOOP("Settings", "Deleting a younger session asks twice. Merchants in China must keep live-sales records for three years."),
        minimum=1, maximum=30,
    ),
    Setting(
        "overlay.port", Kind.PORT, DEFAULT_OVERLAY_PORT, "overlay",
        QT_TRANSLATE_NOOP("Settings", "Overlay port"),
        QT_TRANSLATE_NOOP("Settings", "Local port of the OBS overlay pages and the remote. Changing it changes every overlay URL."),
        minimum=1024, maximum=65535,
    ),
    Setting(
        "overlay.lan", Kind.BOOL, False, "overlay",
        QT_TRANSLATE_NOOP("Settings", "Reachable on the local network"),
        QT_TRANSLATE_NOOP("Settings", "Also answer on this computer's private network address, for a second streaming PC or the remote on a phone. Plain HTTP: only on a network you trust."),
    ),
    Setting(
        "overlay.remote", Kind.BOOL, False, "overlay",
        QT_TRANSLATE_NOOP("Settings", "Remote page"),
        QT_TRANSLATE_NOOP("Settings", "A page for an assistant's phone: next or previous product, launch the prepared deal, add a marker. Every tap is logged."),
    ),
    Setting(
        "overlay.token", Kind.TOKEN, "", "overlay",
        QT_TRANSLATE_NOOP("Settings", "Overlay token"),
        QT_TRANSLATE_NOOP("Settings", "The secret in every overlay URL. Regenerate it if a URL got out; each OBS browser source then needs the new URL."),
    ),
    Setting(
        "overlay.remote_token", Kind.TOKEN, "", "overlay",
        QT_TRANSLATE_NOOP("Settings", "Remote token"),
        QT_TRANSLATE_NOOP("Settings", "The secret in the remote page's URL. It differs from the overlay token, so an overlay URL cannot control the show."),
    ),
)  # fmt: skip
BY_KEY: dict[str, Setting] = {s.key: s for s in SCHEMA}
HOTKEYS = tuple(s for s in SCHEMA if s.kind is Kind.HOTKEY)


class SettingError(ValueError):
    """A value a setting cannot take; the message is translated and names the setting."""

    def __init__(self, message: str, key: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.key = key


def setting(key: str) -> Setting:
    try:
        return BY_KEY[key]
    except KeyError:
        raise SettingError(
            translate("Settings", "There is no setting “{0}”").format(key), key
        ) from None


def _display(value: Value) -> str:
    """A value as the operator would type it, for messages."""
    return ", ".join(value) if isinstance(value, list) else str(value)


# -- validation (pure; QtCore for translation, QtGui only to parse key names) -------------------


def validate(s: Setting, value: object) -> Value:
    """The canonical form of `value` for `s`, or SettingError saying what is wrong."""
    check = _CHECKS[s.kind]
    try:
        return check(s, value)
    except _Invalid as e:
        message = translate("Settings", "{0}: {1}").format(s.title(), e.reason)
        raise SettingError(message, s.key) from None


def validate_all(values: Mapping[str, object]) -> tuple[dict[str, Value], dict[str, str]]:
    """Canonical values and, per key, what is wrong; also refuses one key for two hotkeys."""
    good: dict[str, Value] = {}
    errors: dict[str, str] = {}
    for key, value in values.items():
        try:
            good[key] = validate(setting(key), value)
        except SettingError as e:
            errors[key] = e.message
    for key, other in _clashes(good):
        errors.setdefault(
            key,
            translate("Settings", "{0}: {1} is also the key for “{2}”").format(
                BY_KEY[key].title(), good[key], BY_KEY[other].title()
            ),
        )
    tokens = ("overlay.token", "overlay.remote_token")
    if all(good.get(k) for k in tokens) and good[tokens[0]] == good[tokens[1]]:
        for key in tokens:  # on both, so whichever one is being changed is refused
            errors.setdefault(
                key,
                translate("Settings", "{0}: the overlay and remote tokens must differ").format(
                    BY_KEY[key].title()
                ),
            )
    return {k: v for k, v in good.items() if k not in errors}, errors


def _clashes(values: Mapping[str, Value]) -> list[tuple[str, str]]:
    """Every (hotkey, other hotkey) pair among `values` that share a key, both ways round."""
    keys = [s.key for s in HOTKEYS if s.key in values]
    return [(a, b) for a in keys for b in keys if a != b and values[a] == values[b]]


class _Invalid(Exception):
    """Why a value is refused; `validate` prefixes the setting's name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid(translate("Settings", "expected text, not “{0}”").format(value))
    return value.strip()


def _check_path(_s: Setting, value: object) -> Value:
    text = _text(value)
    if not text:
        return ""
    path = Path(text).expanduser()
    if not path.is_absolute():
        raise _Invalid(
            translate("Settings", "use a full path, such as {0}").format(
                Path.home() / "LiveConsole"
            )
        )
    if path.exists() and not path.is_dir():
        raise _Invalid(translate("Settings", "{0} is a file, not a folder").format(path))
    return str(path)


def _check_currency(_s: Setting, value: object) -> Value:
    text = _text(value)
    try:
        return check_currency(text.upper())
    except MoneyError:
        raise _Invalid(
            translate(
                "Settings", "“{0}” is not a currency code; use three letters, such as CNY"
            ).format(text)
        ) from None


def _check_choice(s: Setting, value: object) -> Value:
    text = _text(value)
    allowed = [v for v, _label in s.choices]
    if text not in allowed:
        raise _Invalid(
            translate("Settings", "“{0}” is not one of {1}").format(text, ", ".join(allowed))
        )
    return text


def _check_hotkey(_s: Setting, value: object) -> Value:
    text = _text(value)
    if not text:
        raise _Invalid(translate("Settings", "choose a key"))
    seq = QKeySequence.fromString(text, PORTABLE)
    canonical = seq.toString(PORTABLE)  # empty for a name Qt does not know, such as "Ctrl+"
    if seq.count() != 1 or not canonical:
        raise _Invalid(
            translate("Settings", "“{0}” is not a single key or key combination").format(text)
        )
    return canonical


def _check_list(_s: Setting, value: object) -> Value:
    """Blank entries and repeats are dropped: they are slips, not intent."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _Invalid(translate("Settings", "expected a list of words, not “{0}”").format(value))
    return list(dict.fromkeys(v.strip() for v in value if v.strip()))


def _check_ws_url(_s: Setting, value: object) -> Value:
    text = _text(value)
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise _Invalid(translate("Settings", "“{0}” is not a ws:// or wss:// address").format(text))
    return text


def _check_secret(_s: Setting, value: object) -> Value:
    if not isinstance(value, str):
        raise _Invalid(translate("Settings", "expected text"))
    return value.strip()


def _check_bool(_s: Setting, value: object) -> Value:
    if not isinstance(value, bool):
        raise _Invalid(translate("Settings", "expected on or off, not “{0}”").format(value))
    return value


def _check_token(_s: Setting, value: object) -> Value:
    """Empty means "make one"; a typed or pasted token must be as strong as a made one."""
    text = _text(value)
    if text and not valid_token(text):
        raise _Invalid(
            translate(
                "Settings", "use 22 to 128 letters, digits, - or _, or leave it empty for a new one"
            )
        )
    return text


def _check_int(s: Setting, value: object) -> Value:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(translate("Settings", "expected a whole number, not “{0}”").format(value))
    if not s.minimum <= value <= s.maximum:
        raise _Invalid(
            translate("Settings", "{0} is outside {1}–{2}").format(
                *(QLocale().toString(n) for n in (value, s.minimum, s.maximum))
            )
        )
    return value


_CHECKS = {
    Kind.PATH: _check_path,
    Kind.CURRENCY: _check_currency,
    Kind.CHOICE: _check_choice,
    Kind.HOTKEY: _check_hotkey,
    Kind.LIST: _check_list,
    Kind.INT: _check_int,
    Kind.PORT: _check_int,
    Kind.WS_URL: _check_ws_url,
    Kind.SECRET: _check_secret,
    Kind.BOOL: _check_bool,
    Kind.TOKEN: _check_token,
}


# -- storage ---------------------------------------------------------------------------------


def _from_storage(s: Setting, raw: object) -> object:
    """Undo what an INI file does to types: ints come back as text, a one-item list as a string."""
    if s.kind in (Kind.INT, Kind.PORT) and isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            return raw
    if s.kind is Kind.LIST and isinstance(raw, str):
        return [raw] if raw.strip() else []
    if s.kind is Kind.BOOL and isinstance(raw, str):
        return {"true": True, "false": False}.get(raw.strip().lower(), raw)
    return raw


def _fresh(default: Value) -> Value:
    """A copy of a list default, so a caller changing what `get` returned cannot change the schema."""
    return list(default) if isinstance(default, list) else default


def _fallback(message: str, default: Value) -> str:
    shown = _display(default) or translate("Settings", "empty")
    return translate("Settings", "{0}; using the default ({1})").format(message, shown)


def _to_storage(value: Value) -> object:
    """An empty list would be written as `@Invalid()` and read back as missing: store ""."""
    return value if value != [] else ""


class Settings(QObject):
    """The settings in one QSettings file; every read is validated, every write checked first."""

    changed = Signal(str)  # key

    def __init__(self, qsettings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.qsettings = qsettings
        for problem in self.problems():
            log.warning("settings file %s: %s", qsettings.fileName(), problem)

    @overload
    def get(self, key: StrKey) -> str: ...
    @overload
    def get(self, key: IntKey) -> int: ...
    @overload
    def get(self, key: ListKey) -> list[str]: ...
    @overload
    def get(self, key: BoolKey) -> bool: ...
    @overload
    def get(self, key: str) -> Value: ...
    def get(self, key: str) -> Value:
        setting(key)
        return self._load()[0][key]

    def values(self) -> dict[str, Value]:
        return self._load()[0]

    def problems(self) -> list[str]:
        """Stored values that could not be used, each with the default used instead."""
        return list(self._load()[1].values())

    def set(self, key: str, value: object) -> None:
        self.update({key: value})

    def update(self, values: Mapping[str, object]) -> None:
        """Check every value (hotkeys against each other too), then store them all or none."""
        current = self.values()
        good, errors = validate_all({**current, **values})
        for key in values:
            if key in errors:
                raise SettingError(errors[key], key)
        self._store({k: good[k] for k in values}, current)

    def reset(self, key: str) -> None:
        """Back to the default; refused if another hotkey has taken this one's default key."""
        self.update({key: setting(key).default})

    def _store(self, values: Mapping[str, Value], before: Mapping[str, Value]) -> None:
        for key, value in values.items():
            s = BY_KEY[key]
            if value == s.default:
                self.qsettings.remove(s.storage_key)
            else:
                self.qsettings.setValue(s.storage_key, _to_storage(value))
        self.qsettings.sync()
        for key, value in values.items():
            if value != before[key]:
                self.changed.emit(key)

    def _load(self) -> tuple[dict[str, Value], dict[str, str]]:
        values: dict[str, Value] = {}
        problems: dict[str, str] = {}
        explicit: set[str] = set()
        for s in SCHEMA:
            values[s.key] = _fresh(s.default)
            raw = self.qsettings.value(s.storage_key)
            if raw is None:
                continue
            try:
                values[s.key] = validate(s, _from_storage(s, raw))
                explicit.add(s.key)
            except SettingError as e:
                problems[s.key] = _fallback(e.message, s.default)
        _resolve_hotkeys(values, explicit, problems)
        return values, problems


def _resolve_hotkeys(
    values: dict[str, Value], explicit: set[str], problems: dict[str, str]
) -> None:
    """Make stored hotkeys distinct: one that repeats another falls back to its default.

    Hotkeys left at their default claim their keys first, so the stored one is
    the one dropped. If its default is taken as well, every hotkey falls back.
    """
    used: dict[str, Setting] = {}
    for s in sorted(HOTKEYS, key=lambda h: h.key in explicit):
        value = str(values[s.key])
        if value in used:
            message = translate("Settings", "{0}: {1} is also the key for “{2}”").format(
                s.title(), value, used[value].title()
            )
            problems[s.key] = _fallback(message, s.default)
            value = str(s.default)
            values[s.key] = value
            if value in used:
                for h in HOTKEYS:
                    values[h.key] = h.default
                return
        used[value] = s
