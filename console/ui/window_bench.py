"""`bench ui`: the live window under load, measured the way a user feels it.

Event-loop lag is how late a 10 ms asyncio timer fires while the simulator
pours events in and the window redraws: the delay a key press would see.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from console.bench.figures import Figure, figure, percentile

LAG_TARGET_MS = 50.0  # p99: a key press answered within a 20 Hz frame or so


def bench_window(quick: bool) -> list[Figure]:
    """Loop lag, frame times and events taken: the live window on the simulator, 30 s (5 quick)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.domain.clock import RealClock
    from console.engine.runner import SessionRunner
    from console.engine.session import LiveSession
    from console.feeds.sim_feed import SimulatorFeed
    from console.feeds.simulator import Simulator
    from console.importers.sample import sample_catalog_path
    from console.importers.simple_csv import load_catalog
    from console.ui.gc_pacer import GuiThreadCollector
    from console.ui.main_window import MainWindow
    from console.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    seconds = 5.0 if quick else 30.0
    rate = 20_000.0
    lags: list[float] = []
    frames: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalog = list(load_catalog(sample_catalog_path()).products)
        session = LiveSession.start(
            folder / "ui.live.db", title="bench", catalog=catalog, clock=RealClock()
        )
        settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        sim = SimulatorFeed(
            Simulator("mid", seed=1, rate=rate), lambda: session.state, session.clock
        )
        runner = SessionRunner(session, [sim])
        window = MainWindow(session, settings, runner.feeds)
        window.confirm_close = False
        window.show()
        collector = GuiThreadCollector(app)
        collector.start()

        async def measure() -> None:
            await runner.start()
            session.present_step(+1)
            await asyncio.sleep(1.0)  # first frames load fonts and draw thumbnails: not load
            end = time.perf_counter() + seconds
            frames_seen = window.frames
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                await asyncio.sleep(0.01)
                lags.append((time.perf_counter() - t0 - 0.01) * 1000)
                if window.frames != frames_seen:
                    frames_seen = window.frames
                    frames.append(window.last_frame_ms)
            await runner.stop()

        qasync.run(measure())
        events = session.state.totals.events / (seconds + 1.0)
        window.close()
        session.close()
        collector.stop()
    assert isinstance(app, QApplication)
    return [
        figure("ui.loop_lag_p50", round(statistics.median(lags), 2), "ms"),
        figure("ui.loop_lag_p99", round(percentile(lags, 0.99), 2), "ms", limit=LAG_TARGET_MS),
        figure("ui.frame_median", round(statistics.median(frames), 2), "ms"),
        figure("ui.frame_p99", round(percentile(frames, 0.99), 2), "ms"),
        figure("ui.events_per_second", round(events), "events/s", limit=rate),
    ]
