"""The composition root: QApplication, the qasync loop, the session and the window."""

from __future__ import annotations

import asyncio
import logging
import random
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from console.domain.clock import RealClock
from console.engine.realtime import RealtimeFeed
from console.engine.session import LiveSession
from console.feeds.simulator import Simulator
from console.importers.sample import sample_catalog_path
from console.importers.simple_csv import load_catalog
from console.store.paths import session_filename, sessions_dir
from console.ui.main_window import MainWindow

log = logging.getLogger("console.app")


def start_practice(data_dir: Path) -> tuple[LiveSession, Simulator]:
    clock = RealClock()
    title = "Practice"
    path = sessions_dir(data_dir) / session_filename(clock.now_ms(), title)
    catalog = list(load_catalog(sample_catalog_path()).products)
    session = LiveSession.start(path, title=title, catalog=catalog, clock=clock)
    return session, Simulator("mid", seed=random.randrange(1 << 30))


def run_app(data_dir: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Live Console")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    session, sim = start_practice(data_dir)
    window = MainWindow(session)
    window.show()
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)

    async def main() -> None:
        feed = RealtimeFeed(session, sim, session.clock, source="sim")
        feed.start()
        QTimer.singleShot(0, lambda: session.present_step(+1))
        await quit_event.wait()
        await feed.stop()
        session.close()

    with loop:
        loop.run_until_complete(main())
    return 0
