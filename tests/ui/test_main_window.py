"""The whole window driven like an operator: keys, menus, dialogs, layout."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.store.writer import SaveStatus
from console.ui.main_window import MainWindow
from console.ui.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot: QtBot, session: LiveSession, settings: Settings) -> MainWindow:
    w = MainWindow(session, settings, [])
    w.confirm_close = False
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_hotkeys_present_next_and_previous(
    qtbot: QtBot, window: MainWindow, session: LiveSession
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert session.state.presenting == "MASK"
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert session.state.presenting == "TEA"
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert session.state.presenting == "MASK"


def test_hotkeys_follow_settings(
    qtbot: QtBot, window: MainWindow, session: LiveSession, settings: Settings
) -> None:
    settings.set("hotkeys.next", "F8")
    window.apply_hotkeys()
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert session.state.presenting == "MASK"


def test_kpis_follow_the_state_on_the_frame_timer(
    qtbot: QtBot, window: MainWindow, session: LiveSession
) -> None:
    session.ingest([{"kind": "order", "order_id": "1", "sku": "TEA", "qty": 2},
                    {"kind": "viewers", "online": 1234}], "sim")  # fmt: skip
    qtbot.waitUntil(lambda: window.kpis.tiles["gmv_minor"].value.text() == "¥258.00", timeout=3000)
    assert window.kpis.tiles["viewers"].value.text() == "1,234"
    assert "+¥258.00" in window.kpis.tiles["gmv_minor"].delta.text()


def test_marker_from_the_keyboard(qtbot: QtBot, window: MainWindow, session: LiveSession) -> None:
    qtbot.keyClick(window, Qt.Key.Key_M)
    dialog = window.findChild(QInputDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.setTextValue("抽奖开始 giveaway")
    dialog.accept()
    assert session.state.markers[-1].text == "抽奖开始 giveaway"


def test_end_session_asks_first(qtbot: QtBot, window: MainWindow, session: LiveSession) -> None:
    window.end_requested.connect(lambda: session.end("operator"))
    window.session_bar.end_button.click()
    box = window.findChild(QMessageBox)
    assert box is not None
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert not session.ended
    window.session_bar.end_button.click()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    boxes[-1].button(QMessageBox.StandardButton.Yes).click()
    assert session.ended
    qtbot.waitUntil(lambda: window.session_bar.pill.text() == "ENDED")
    assert not window.session_bar.end_button.isEnabled()


def test_export_report_waits_for_the_end(
    qtbot: QtBot, window: MainWindow, session: LiveSession
) -> None:
    menu = cast(QMenu, next(a.menu() for a in window.menuBar().actions() if a.text() == "&Session"))
    menu.aboutToShow.emit()
    assert not window.report_action.isEnabled()
    session.end("operator")
    menu.aboutToShow.emit()
    assert window.report_action.isEnabled()
    with qtbot.waitSignal(window.report_requested):
        window.report_action.trigger()


def test_layout_is_saved_and_restored(
    qtbot: QtBot, session: LiveSession, settings: Settings
) -> None:
    first = MainWindow(session, settings, [])
    qtbot.addWidget(first)
    first.confirm_close = False
    first.show()
    first.docks["feed"].hide()
    first.close()
    second = MainWindow(session, settings, [])
    qtbot.addWidget(second)
    second.show()
    assert not second.docks["feed"].isVisible()
    second.reset_layout()
    assert second.docks["feed"].isVisible()
    second.confirm_close = False


def test_titles_stay_plain_text(qtbot: QtBot, tmp_path: Path, settings: Settings) -> None:
    from console.domain.catalog import Product

    evil = "<img src=x onerror=alert(1)>"
    s = LiveSession.start(tmp_path / "x.live.db", title="<b>X</b>", clock=VirtualClock(1_764_316_800_000),
                          catalog=[Product("EVIL", evil, 100, 5)])  # fmt: skip
    w = MainWindow(s, settings, [])
    w.confirm_close = False
    qtbot.addWidget(w)
    s.present("EVIL")
    w.refresh()
    assert w.session_bar.title.text() == "<b>X</b>"
    assert w.session_bar.title.textFormat() == Qt.TextFormat.PlainText
    QApplication.processEvents()
    s.close()


def test_flash_deal_by_hotkey_countdown_alert_and_stop(
    qtbot: QtBot, window: MainWindow, session: LiveSession, clock: VirtualClock
) -> None:
    from console.domain.deals import DealSpec

    session.present("MASK")
    session.prepare_deal(
        DealSpec("MASK", 3990, quantity=10, per_buyer=1, countdown_s=10, duration_s=60)
    )
    qtbot.keyClick(window, Qt.Key.Key_D)
    (deal,) = session.state.deals.values()
    window.refresh()
    assert window.deal.countdown.text() == "0:10"
    clock.advance(10_000 + 51_000)  # live, 9 s left
    session.fire_due()
    window.refresh()
    assert window.deal.countdown.text() == "0:09"
    assert window.notifications and "10" in window.notifications[-1]
    assert window.queue.model.index(0, 3).data().startswith("¥39.90")
    window.deal.stop_button.click()
    box = window.deal.confirm_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    assert deal.end_reason == "stopped"
    window.refresh()
    assert window.queue.model.index(0, 3).data() == "¥59.90"


def test_import_catalog_from_the_products_menu(
    qtbot: QtBot, window: MainWindow, session: LiveSession, tmp_path: Path
) -> None:
    from console.ui.import_dialog import ImportDialog

    csv = tmp_path / "more.csv"
    csv.write_text("sku,title,price,stock\nMASK,dup,1.00,1\nSOAP,Olive soap 橄榄皂,19.90,40\n",
                   encoding="utf-8")  # fmt: skip
    from PySide6.QtGui import QAction

    action = next(a for a in window.findChildren(QAction) if a.text() == "Import catalog…")
    action.trigger()
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    imported: list[list[object]] = []
    dialog.imported.connect(imported.append)
    dialog.path_edit.setText(str(csv))
    dialog.reload()
    dialog.confirm()
    assert [p.sku for p in imported[0]] == ["SOAP"]  # type: ignore[attr-defined]
    assert session.state.queue[-1] == "SOAP"
    assert session.state.products["MASK"].product.title != "dup"  # left as it is


def test_quitting_with_unsaved_events_says_they_would_be_lost(
    qtbot: QtBot, window: MainWindow, session: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = SaveStatus(error="the disk holding x.live.db is full", pending=1234)
    monkeypatch.setattr(session.writer, "save_status", lambda: failing)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]

    def warning(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "warning", warning)
    window.confirm_close = True
    window.close()
    assert window.isVisible()
    assert asked == ["1,234 events are not saved yet: the disk holding x.live.db is full. "
                     "Quit anyway and lose them?"]  # fmt: skip
    answer[0] = QMessageBox.StandardButton.Yes
    window.close()
    assert not window.isVisible()
