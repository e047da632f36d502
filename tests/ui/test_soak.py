"""Hours of live use in a few seconds: the window must not abort, leak or drift.

PySide6 6.12.0 on Python 3.11 lowers None's reference count on every Qt
callback until the interpreter aborts (docs/architecture.md); this test
would catch a wheel with that bug coming back.
"""

from __future__ import annotations

import gc
import resource
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.feeds.simulator import Simulator
from console.importers.sample import sample_catalog_path
from console.importers.simple_csv import load_catalog
from console.ui.main_window import MainWindow
from console.ui.settings import Settings
from tests.support import START_MS

FRAMES = 2_000
RSS_GROWTH_LIMIT_MB = 120  # after warm-up; a 2,000-second session's own state is a few MB


def rss_mb() -> float:
    statm = Path("/proc/self/statm")
    if statm.exists():
        return int(statm.read_text().split()[1]) * resource.getpagesize() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.slow
def test_two_thousand_frames_of_a_busy_session(qtbot: QtBot, tmp_path: Path) -> None:
    clock = VirtualClock(START_MS)
    catalog = list(load_catalog(sample_catalog_path()).products)
    session = LiveSession.start(
        tmp_path / "soak.live.db", title="Soak", catalog=catalog, clock=clock
    )
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(session, settings, [])
    window.confirm_close = False
    window.timer.stop()  # the test drives the frames itself
    qtbot.addWidget(window)
    window.show()
    sim = Simulator("mid", seed=3, rate=2_000)
    session.present_step(+1)
    app = QApplication.instance()
    assert app is not None
    none_before = rss_before = 0.0
    for frame in range(FRAMES):
        clock.advance(1000)  # one simulated second per frame: 33 minutes of session
        session.ingest(sim.step(session.state, clock.now_ms(), 1000), "sim")
        if frame % 300 == 299:
            session.present_step(+1)
        window.refresh()
        app.processEvents()
        if frame == 200:
            gc.collect()
            none_before, rss_before = sys.getrefcount(None), rss_mb()
    gc.collect()
    grown = rss_mb() - rss_before
    none_after = sys.getrefcount(None)
    assert window.frames >= FRAMES
    assert grown < RSS_GROWTH_LIMIT_MB, f"RSS grew {grown:.0f} MB over {FRAMES - 200} frames"
    if sys.version_info < (3, 12):
        # The broken wheel loses ~180 references per chart frame; allow normal churn.
        assert none_after > none_before - 5_000, (none_before, none_after)
    session.close()
