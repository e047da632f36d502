"""The replay window driven like a merchant reviewing a show: keys, play, jumps, the overview."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from pytestqt.qtbot import QtBot

from console.replay import build, player
from console.replay.player import Replay
from console.ui.replay_window import STEP_MS, ReplayWindow
from console.ui.settings import Settings
from tests.support import START_MS
from tests.unit.replay.conftest import DURATION_MS, Recorded, record
from tests.unit.store.test_checkpoints import as_v1


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record(tmp_path_factory.mktemp("show") / "show.live.db", seed=3, late=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def open_window(qtbot: QtBot, path: Path, settings: Settings) -> ReplayWindow:
    w = ReplayWindow(Replay.open(path), settings)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


@pytest.fixture
def window(qtbot: QtBot, show: Recorded, settings: Settings) -> Iterator[ReplayWindow]:
    w = open_window(qtbot, show.path, settings)
    yield w
    w.close()


def at(window: ReplayWindow) -> int:
    """Seconds since the start under the cursor."""
    return (window.replay.cursor_ms - START_MS) // 1000


def test_opens_read_only_at_the_start(window: ReplayWindow) -> None:
    assert window.session_bar.pill.text() == "▶ REPLAY"
    assert window.session_bar.end_button.isHidden()
    assert "show.live.db" in window.file_label.text()
    assert window.controls.position.text() == "0:00 / 1:30"
    assert window.replay.state.totals.orders == 0


def test_arrow_keys_home_and_end_move_the_cursor(qtbot: QtBot, window: ReplayWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert at(window) == STEP_MS // 1000
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert at(window) == 7 * STEP_MS // 1000
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert at(window) == 6 * STEP_MS // 1000
    assert window.controls.position.text() == "1:00 / 1:30"
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert window.replay.cursor_ms == window.replay.end_ms
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert window.replay.cursor_ms == START_MS


def test_panels_show_the_moment_under_the_cursor(
    qtbot: QtBot, window: ReplayWindow, show: Recorded
) -> None:
    """At 25 s the TEE deal counts down (launched at 22 s with a 10 s countdown)."""
    window.controls.seek(START_MS + 25_000)
    qtbot.waitUntil(lambda: window.deal.countdown.text() != "")
    assert window.presenting.title.text() == "Cotton tee"
    assert window.deal.countdown.text().endswith("7")  # 0:07 to go
    window.controls.seek(window.replay.end_ms)
    assert window.replay.state.totals.orders == show.final.totals.orders
    tile = window.kpis.tiles["orders"].value
    qtbot.waitUntil(lambda: tile.text().replace(",", "") == str(show.final.totals.orders))


def test_play_runs_at_the_chosen_speed_and_stops_at_the_end(
    qtbot: QtBot, window: ReplayWindow
) -> None:
    controls = window.controls
    controls.speed_box.setCurrentIndex(controls.speed_box.findData(64))
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert controls.playing and controls.play_button.text() == "⏸"
    qtbot.waitUntil(lambda: at(window) >= 10, timeout=3000)
    qtbot.waitUntil(lambda: not controls.playing, timeout=5000)
    assert window.replay.cursor_ms == window.replay.end_ms
    assert controls.play_button.text() == "▶"
    qtbot.keyClick(window, Qt.Key.Key_Space)  # at the end, play starts again from the top
    assert controls.playing and at(window) < 5
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not controls.playing


def test_jumps_to_markers_switches_and_deals(qtbot: QtBot, window: ReplayWindow) -> None:
    box = window.controls.jump_box
    labels = [box.itemText(i) for i in range(box.count())]
    marker = next(i for i, text in enumerate(labels) if "抽奖 giveaway" in text)
    assert labels[marker].startswith("0:15")
    box.activated.emit(marker)
    assert at(window) == 15
    assert box.currentIndex() == 0  # ready for the next choice
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert at(window) == 20  # presenting TEE
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert at(window) == 15
    window.controls.next_button.click()
    assert at(window) == 20


def test_clicking_the_overview_seeks_there(qtbot: QtBot, window: ReplayWindow) -> None:
    overview = window.controls.overview
    scene_point = overview.getPlotItem().vb.mapViewToScene(QPointF(0.75, 0))
    point = overview.mapFromScene(scene_point)
    qtbot.mouseClick(
        overview.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y() - 20)
    )
    assert abs(at(window) - 45) <= 2
    assert abs(overview.cursor.value() - 0.75) < 0.05


def test_an_old_file_gets_checkpoints_in_the_background(
    qtbot: QtBot, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.live.db"
    record(path, seed=4, late=False)
    as_v1(path)
    monkeypatch.setattr(player, "CHECKPOINT_EVERY", 100)  # "far": more than 200 events
    w = open_window(qtbot, path, settings)
    qtbot.waitUntil(
        lambda: w.statusBar().currentMessage() == "Fast seeking is ready", timeout=20_000
    )
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0] > 0
    w.controls.seek(START_MS + DURATION_MS // 2)
    assert at(w) == DURATION_MS // 2000
    w.close()


def test_closing_while_checkpoints_are_built_stops_the_builder(
    qtbot: QtBot, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.live.db"
    record(path, seed=5, late=False)
    as_v1(path)
    monkeypatch.setattr(player, "CHECKPOINT_EVERY", 100)
    closed = threading.Event()
    real_build = build.build

    def build_after_close(path: Path, **kwargs: Any) -> build.Built:
        closed.wait(10)
        return real_build(path, every=100, **kwargs)

    monkeypatch.setattr(build, "build", build_after_close)
    w = open_window(qtbot, path, settings)
    job = w._building
    assert job is not None
    w.close()
    closed.set()
    qtbot.waitUntil(job.done, timeout=20_000)
    assert job.exception() is not None  # stopped at its first progress report
    with closing(sqlite3.connect(path)) as conn:
        assert "checkpoints" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
