"""The window driven like a user: keys, clicks, what the labels say."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.domain.catalog import Product
from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.ui.main_window import MainWindow


def test_hotkeys_present_next_and_previous(qtbot: QtBot, session: LiveSession) -> None:
    w = MainWindow(session)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    assert session.state.presenting == "MASK"
    qtbot.keyClick(w, Qt.Key.Key_PageDown)
    qtbot.keyClick(w, Qt.Key.Key_PageUp)
    assert session.state.presenting == "MASK"
    assert w.presenting.text() == "保湿面膜 10片"
    assert w.queue.item(0).text().startswith("▶ ")


def test_kpis_follow_the_state_on_the_frame_timer(qtbot: QtBot, session: LiveSession) -> None:
    w = MainWindow(session)
    qtbot.addWidget(w)
    session.ingest([{"kind": "order", "order_id": "1", "sku": "TEA", "qty": 2},
                    {"kind": "viewers", "online": 1234}], "sim")  # fmt: skip
    qtbot.waitUntil(lambda: w.kpis["gmv"].text() == "¥258.00", timeout=2000)
    assert w.kpis["viewers"].text() == "1,234"


def test_titles_are_plain_text(qtbot: QtBot, tmp_path: Path) -> None:
    evil = "<img src=x onerror=alert(1)>"
    s = LiveSession.start(tmp_path / "x.live.db", title="X", clock=VirtualClock(1_764_316_800_000),
                          catalog=[Product("EVIL", evil, 100, 5)])  # fmt: skip
    w = MainWindow(s)
    qtbot.addWidget(w)
    s.present("EVIL")
    w.refresh()
    assert w.presenting.text() == evil
    assert w.presenting.textFormat() == Qt.TextFormat.PlainText
    s.close()
