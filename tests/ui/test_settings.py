"""Settings schema, storage and dialog: defaults, round trips, refusals, hand-edited files."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import get_args

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QSpinBox
from pytestqt.qtbot import QtBot

from console.overlay.security import new_token
from console.ui.i18n import SUPPORTED
from console.ui.settings import (
    BY_KEY,
    PORTABLE,
    SCHEMA,
    BoolKey,
    IntKey,
    Kind,
    ListKey,
    SettingError,
    Settings,
    StrKey,
    validate_all,
)
from console.ui.settings_dialog import (
    BoolEditor,
    HotkeyEditor,
    ListEditor,
    SettingsDialog,
    TokenEditor,
)
from console.ui.theme import available_themes

DEFAULTS = {
    "data_dir": "",
    "currency": "CNY",
    "language": "system",
    "theme": "dark",
    "hotkeys.next": "PgDown",
    "hotkeys.previous": "PgUp",
    "hotkeys.present": "Return",
    "hotkeys.pin": "P",
    "hotkeys.marker": "M",
    "hotkeys.deal": "D",
    "feed.keywords": ["价格", "多少钱", "链接", "尺码", "size", "how much", "link"],
    "feed.cap": 2000,
    "charts.window": "30min",
    "connections.twitch_url": "wss://irc-ws.chat.twitch.tv:443",
    "connections.shopify_secret": "",
    "connections.webhook_port": 8787,
    "library.retention_years": 3,
    "overlay.port": 8790,
    "overlay.lan": False,
    "overlay.remote": False,
    "overlay.token": "",
    "overlay.remote_token": "",
}


def open_settings(path: Path) -> Settings:
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def settings(ini: Path) -> Settings:
    return open_settings(ini)


def stored(settings: Settings) -> dict[str, object]:
    qs = settings.qsettings
    return {k: qs.value(k) for k in qs.allKeys()}


# -- schema and defaults -------------------------------------------------------------------------


def test_defaults(settings: Settings) -> None:
    assert settings.values() == DEFAULTS
    assert settings.problems() == []
    assert stored(settings) == {}


def test_typed_keys_cover_the_schema() -> None:
    """`get`'s overloads give precise types; they must name exactly the schema's keys."""
    by_kind = {
        "str": set(get_args(StrKey)),
        "int": set(get_args(IntKey)),
        "list": set(get_args(ListKey)),
        "bool": set(get_args(BoolKey)),
    }
    kinds = {Kind.INT: "int", Kind.PORT: "int", Kind.LIST: "list", Kind.BOOL: "bool"}
    for s in SCHEMA:
        assert s.key in by_kind[kinds.get(s.kind, "str")], s.key
    assert sum(map(len, by_kind.values())) == len(SCHEMA)


def test_choices_match_what_exists() -> None:
    assert [v for v, _ in BY_KEY["theme"].choices] == available_themes()
    assert [v for v, _ in BY_KEY["language"].choices] == ["system", *SUPPORTED]


def test_every_default_is_valid() -> None:
    good, errors = validate_all({s.key: s.default for s in SCHEMA})
    assert errors == {}
    assert good == DEFAULTS


def test_get_returns_a_copy(settings: Settings) -> None:
    settings.get("feed.keywords").append("changed")
    assert settings.get("feed.keywords") == DEFAULTS["feed.keywords"]


# -- storage -------------------------------------------------------------------------------------


def test_round_trip_through_the_ini_file(settings: Settings, ini: Path, tmp_path: Path) -> None:
    values = {
        "data_dir": str(tmp_path / "data"),
        "currency": "USD",
        "language": "zh_CN",
        "theme": "light",
        "hotkeys.next": "F8",
        "hotkeys.pin": "Ctrl+,",
        "feed.keywords": ["价格", "a, b", "how much"],
        "feed.cap": 5000,
        "charts.window": "all",
    }
    for key, value in values.items():
        settings.set(key, value)
    # A copy is parsed from disk (QSettings caches files it already has open in this process).
    copy = tmp_path / "copy.ini"
    shutil.copyfile(ini, copy)
    assert open_settings(copy).values() == {**DEFAULTS, **values}


@pytest.mark.parametrize("keywords", [[], ["only"]])
def test_short_lists_survive_the_ini_file(settings: Settings, ini: Path, tmp_path: Path, keywords: list[str]) -> None:  # fmt: skip
    """INI files read a one-item list back as a string and an empty one as missing."""
    settings.set("feed.keywords", keywords)
    copy = tmp_path / "copy.ini"
    shutil.copyfile(ini, copy)
    assert open_settings(copy).get("feed.keywords") == keywords


def test_defaults_are_not_written(settings: Settings) -> None:
    """So a default improved in a later release reaches everyone who never changed it."""
    settings.set("theme", "light")
    settings.set("theme", "dark")
    assert stored(settings) == {}


def test_values_are_made_canonical(settings: Settings) -> None:
    settings.set("currency", " usd ")
    settings.set("hotkeys.next", "ctrl+pgdown")
    settings.set("feed.keywords", ["  link ", "", "link", "尺码"])
    assert settings.get("currency") == "USD"
    assert settings.get("hotkeys.next") == "Ctrl+PgDown"
    assert settings.get("feed.keywords") == ["link", "尺码"]


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("currency", "CN", "not a currency code"),
        ("currency", "C1Y", "not a currency code"),
        ("currency", 156, "expected text"),
        ("hotkeys.next", "PgUp", "also the key for “Previous product”"),
        ("hotkeys.marker", "p", "also the key for “Pin comment”"),
        ("hotkeys.pin", "Ctrl+K, Ctrl+C", "not a single key"),
        ("hotkeys.pin", "Ctrl+", "not a single key"),
        ("hotkeys.pin", "", "choose a key"),
        ("feed.cap", 199, "is outside 200–"),
        ("feed.cap", 20_001, "is outside 200–"),
        ("feed.cap", "2000", "whole number"),
        ("feed.cap", True, "whole number"),
        ("library.retention_years", 0, "is outside 1–30"),
        ("library.retention_years", 31, "is outside 1–30"),
        ("theme", "blue", "not one of dark, light"),
        ("language", "fr", "not one of system, en, zh_CN"),
        ("charts.window", "1h", "not one of 30min, all"),
        ("feed.keywords", "link", "list of words"),
        ("data_dir", "relative/folder", "full path"),
        ("nonsense", 1, "no setting"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_stored(
    qtbot: QtBot, settings: Settings, key: str, value: object, says: str
) -> None:
    with qtbot.assertNotEmitted(settings.changed), pytest.raises(SettingError) as caught:
        settings.set(key, value)
    assert says in str(caught.value)
    assert caught.value.key == key
    if key in BY_KEY:
        assert str(caught.value).startswith(BY_KEY[key].title() + ": ")
    assert stored(settings) == {}
    assert settings.values() == DEFAULTS


def test_a_file_is_not_a_data_folder(settings: Settings, tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(SettingError, match="not a folder"):
        settings.set("data_dir", str(file))


def test_hotkeys_can_be_swapped_in_one_update(settings: Settings) -> None:
    settings.update({"hotkeys.next": "PgUp", "hotkeys.previous": "PgDown"})
    assert (settings.get("hotkeys.next"), settings.get("hotkeys.previous")) == ("PgUp", "PgDown")


def test_update_stores_all_or_nothing(settings: Settings) -> None:
    with pytest.raises(SettingError, match="Currency"):
        settings.update({"theme": "light", "currency": "nope"})
    assert stored(settings) == {}


def test_changed_is_emitted_for_real_changes_only(qtbot: QtBot, settings: Settings) -> None:
    with qtbot.waitSignal(settings.changed) as signal:
        settings.set("theme", "light")
    assert signal.args == ["theme"]
    with qtbot.assertNotEmitted(settings.changed):
        settings.set("theme", "light")


def test_reset(qtbot: QtBot, settings: Settings) -> None:
    settings.set("feed.cap", 800)
    with qtbot.waitSignal(settings.changed) as signal:
        settings.reset("feed.cap")
    assert signal.args == ["feed.cap"]
    assert settings.get("feed.cap") == 2000
    assert stored(settings) == {}


def test_reset_is_refused_when_another_hotkey_took_the_default(settings: Settings) -> None:
    settings.update({"hotkeys.next": "F8", "hotkeys.previous": "PgDown"})
    with pytest.raises(SettingError, match="also the key for “Previous product”"):
        settings.reset("hotkeys.next")
    assert settings.get("hotkeys.next") == "F8"


# -- hand-edited files ---------------------------------------------------------------------------


def test_hand_edited_bad_values_fall_back_and_are_reported(ini: Path, caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    ini.write_text(
        "[General]\ncurrency=yuan\ntheme=blue\nlanguage=zh_CN\n"
        "[feed]\ncap=lots\nkeywords=价格, 链接\n"
        "[hotkeys]\nnext=PgUp\npin=F9\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="console.ui.settings"):
        settings = open_settings(ini)
    values = settings.values()
    assert values["currency"] == "CNY"
    assert values["theme"] == "dark"
    assert values["feed.cap"] == 2000
    assert values["hotkeys.next"] == "PgDown"  # PgUp is still "previous"'s
    # the good ones are kept
    assert values["language"] == "zh_CN"
    assert values["feed.keywords"] == ["价格", "链接"]
    assert values["hotkeys.pin"] == "F9"
    problems = settings.problems()
    assert len(problems) == 4
    assert any("“yuan” is not a currency code" in p and "CNY" in p for p in problems)
    assert any("Theme" in p and "blue" in p for p in problems)
    assert any("Comments kept in the feed" in p for p in problems)
    assert any("Next product: PgUp is also the key" in p for p in problems)
    assert len(caplog.records) == 4


def test_hand_edited_values_in_range_are_read(ini: Path) -> None:
    ini.write_text("[feed]\ncap=500\nkeywords=\n[General]\ncurrency=usd\n", encoding="utf-8")
    settings = open_settings(ini)
    assert settings.get("feed.cap") == 500
    assert settings.get("feed.keywords") == []
    assert settings.get("currency") == "USD"
    assert settings.problems() == []


def test_clashing_hotkeys_whose_defaults_clash_too_all_fall_back(ini: Path) -> None:
    """marker repeats next, and pin has taken marker's default M: every hotkey falls back."""
    ini.write_text("[hotkeys]\nnext=F9\npin=M\nmarker=F9\n", encoding="utf-8")
    settings = open_settings(ini)
    assert {k: v for k, v in settings.values().items() if k.startswith("hotkeys.")} == {
        k: v for k, v in DEFAULTS.items() if k.startswith("hotkeys.")
    }
    assert len(settings.problems()) == 1


# -- the dialog ----------------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot: QtBot, settings: Settings) -> SettingsDialog:
    d = SettingsDialog(settings)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def press(dialog: SettingsDialog, button: str) -> None:
    dialog.buttons.button(getattr(QDialogButtonBox.StandardButton, button)).click()


def test_dialog_has_an_editor_per_setting_grouped_by_section(dialog: SettingsDialog) -> None:
    assert list(dialog.editors) == [s.key for s in SCHEMA]
    assert {k: e.read() for k, e in dialog.editors.items()} == DEFAULTS


def test_spin_boxes_step_by_what_suits_the_setting(dialog: SettingsDialog) -> None:
    """A hundred comments at a time, but a single year."""
    steps = {k: e.singleStep() for k, e in dialog.editors.items() if isinstance(e, QSpinBox)}
    assert steps == {"feed.cap": 100, "connections.webhook_port": 1, "library.retention_years": 1,
                     "overlay.port": 1}  # fmt: skip


def test_dialog_refuses_invalid_fields_and_saves_nothing(
    qtbot: QtBot, dialog: SettingsDialog, settings: Settings
) -> None:
    dialog.editors["theme"].write("light")
    dialog.editors["currency"].write("元")
    dialog.editors["hotkeys.next"].write("PgUp")
    with qtbot.assertNotEmitted(settings.changed), qtbot.assertNotEmitted(dialog.accepted):
        press(dialog, "Ok")
    assert dialog.isVisible()
    assert dialog.errors["currency"].isVisible()
    assert "not a currency code" in dialog.errors["currency"].text()
    assert "also the key for “Previous product”" in dialog.errors["hotkeys.next"].text()
    assert dialog.errors["hotkeys.previous"].isVisible()
    assert not dialog.errors["theme"].isVisible()
    assert dialog.summary.isVisible()
    assert stored(settings) == {}
    assert settings.values() == DEFAULTS


def test_dialog_ok_saves_valid_changes(
    qtbot: QtBot, dialog: SettingsDialog, settings: Settings
) -> None:
    dialog.editors["theme"].write("light")
    dialog.editors["feed.cap"].write(5000)
    dialog.editors["currency"].write("usd")
    hotkey, keywords = dialog.editors["hotkeys.pin"], dialog.editors["feed.keywords"]
    assert isinstance(hotkey, HotkeyEditor)
    assert isinstance(keywords, ListEditor)
    hotkey.setKeySequence(QKeySequence.fromString("F9", PORTABLE))
    keywords.setPlainText("价格\n\n  包邮吗 \n")
    changed: list[str] = []
    settings.changed.connect(changed.append)
    with qtbot.waitSignal(dialog.accepted):
        press(dialog, "Ok")
    assert settings.get("theme") == "light"
    assert settings.get("feed.cap") == 5000
    assert settings.get("currency") == "USD"
    assert settings.get("hotkeys.pin") == "F9"
    assert settings.get("feed.keywords") == ["价格", "包邮吗"]
    assert sorted(changed) == ["currency", "feed.cap", "feed.keywords", "hotkeys.pin", "theme"]


def test_dialog_restore_defaults_then_ok(qtbot: QtBot, settings: Settings) -> None:
    settings.update({"theme": "light", "feed.cap": 900, "hotkeys.next": "F8"})
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.editors["theme"].read() == "light"
    press(dialog, "RestoreDefaults")
    assert {k: e.read() for k, e in dialog.editors.items()} == DEFAULTS
    assert settings.get("theme") == "light"  # nothing saved before OK
    with qtbot.waitSignal(dialog.accepted):
        press(dialog, "Ok")
    assert settings.values() == DEFAULTS
    assert stored(settings) == {}


def test_dialog_cancel_changes_nothing(
    qtbot: QtBot, dialog: SettingsDialog, settings: Settings
) -> None:
    dialog.editors["theme"].write("light")
    dialog.editors["feed.cap"].write(300)
    with qtbot.assertNotEmitted(settings.changed), qtbot.waitSignal(dialog.rejected):
        press(dialog, "Cancel")
    assert settings.values() == DEFAULTS
    assert stored(settings) == {}


def test_dialog_lists_problems_in_the_file(qtbot: QtBot, ini: Path) -> None:
    ini.write_text("[General]\ncurrency=yuan\n", encoding="utf-8")
    dialog = SettingsDialog(open_settings(ini))
    qtbot.addWidget(dialog)
    notes = [label.text() for label in dialog.findChildren(QLabel, "formError")]
    assert any("“yuan” is not a currency code" in text for text in notes)


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("connections.twitch_url", "http://irc.example", "not a ws:// or wss:// address"),
        ("connections.twitch_url", "ws://host:99999", "not a ws:// or wss:// address"),
        ("connections.webhook_port", 80, "outside"),
    ],
)
def test_connection_settings_refuse_bad_values(settings: Settings, key: str, value: object,
                                               needle: str) -> None:  # fmt: skip
    with pytest.raises(SettingError, match=needle):
        settings.set(key, value)


def test_connection_settings_accept_a_local_twitch_server(settings: Settings) -> None:
    settings.set("connections.twitch_url", " ws://127.0.0.1:6667 ")
    settings.set("connections.webhook_port", 9000)
    assert settings.get("connections.twitch_url") == "ws://127.0.0.1:6667"
    assert (
        open_settings(Path(settings.qsettings.fileName())).get("connections.webhook_port") == 9000
    )


# -- overlay settings ----------------------------------------------------------------------------


def test_overlay_switches_and_tokens_survive_the_ini_file(settings: Settings, ini: Path, tmp_path: Path) -> None:  # fmt: skip
    token, remote = new_token(), new_token()
    values = {"overlay.lan": True, "overlay.remote": True, "overlay.token": token,
              "overlay.remote_token": remote, "overlay.port": 9100}  # fmt: skip
    settings.update(values)
    copy = tmp_path / "copy.ini"
    shutil.copyfile(ini, copy)
    assert open_settings(copy).values() == {**DEFAULTS, **values}
    settings.set("overlay.lan", False)
    assert "overlay/lan" not in stored(settings)  # back to the default: not written


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("overlay.lan", "yes", "expected on or off"),
        ("overlay.lan", 1, "expected on or off"),
        ("overlay.token", "short", "22 to 128 letters"),
        ("overlay.token", "a" * 21 + "!", "22 to 128 letters"),
        ("overlay.remote_token", "x" * 129, "22 to 128 letters"),
        ("overlay.port", 80, "outside 1,024–65,535"),
    ],
)
def test_overlay_settings_refuse_bad_values(settings: Settings, key: str, value: object, says: str) -> None:  # fmt: skip
    with pytest.raises(SettingError, match=says):
        settings.set(key, value)


def test_the_two_tokens_must_differ(settings: Settings) -> None:
    token = new_token()
    settings.set("overlay.token", token)
    with pytest.raises(SettingError, match="must differ"):
        settings.set("overlay.remote_token", token)
    settings.set("overlay.remote_token", new_token())
    with pytest.raises(SettingError, match="must differ"):
        settings.set("overlay.token", settings.get("overlay.remote_token"))
    assert settings.get("overlay.token") == token


def test_a_hand_edited_switch_is_read_or_reported(ini: Path) -> None:
    ini.write_text("[overlay]\nlan=true\nremote=maybe\n", encoding="utf-8")
    settings = open_settings(ini)
    assert settings.get("overlay.lan") is True
    assert settings.get("overlay.remote") is False
    assert any("Remote page" in p and "maybe" in p for p in settings.problems())


def test_dialog_regenerates_a_token_and_keeps_tokens_on_restore_defaults(
    qtbot: QtBot, dialog: SettingsDialog, settings: Settings
) -> None:
    old = new_token()
    settings.set("overlay.token", old)
    dialog.show_values(settings.values())
    editor = dialog.editors["overlay.token"]
    assert isinstance(editor, TokenEditor)
    editor.regenerate.click()
    fresh = editor.read()
    assert isinstance(fresh, str) and fresh != old and len(fresh) >= 22
    switch = dialog.editors["overlay.remote"]
    assert isinstance(switch, BoolEditor)
    switch.setChecked(True)
    press(dialog, "RestoreDefaults")
    assert editor.read() == fresh  # Regenerate's work is not undone by accident
    assert switch.read() is False
    with qtbot.waitSignal(dialog.accepted):
        press(dialog, "Ok")
    assert settings.get("overlay.token") == fresh
