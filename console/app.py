"""The composition root: QApplication, the qasync loop, settings, the session and the window.

Only this module knows every room. It starts a session on a feed, opens the
window on it, and on quit stops the feed and closes the session file cleanly.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import qasync
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from console import __version__
from console.domain.clock import RealClock, VirtualClock
from console.domain.script import auto_show
from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.base import Feed, cancel_task
from console.feeds.factory import open_feed
from console.feeds.shopify_orders import secret_from
from console.feeds.shopify_webhook import ShopifyWebhookFeed
from console.feeds.sim_feed import SimulatorFeed
from console.feeds.simulator import Simulator
from console.feeds.uri import FeedUriError, parse_feed_uri
from console.importers.catalog_import import import_catalog
from console.importers.csv_rows import CatalogImportError
from console.importers.images import FetchReport, fetch_images, image_urls
from console.importers.sample import sample_catalog_path
from console.store.errors import SessionFileError
from console.store.paths import (
    ENV_DATA_DIR,
    data_dir,
    image_cache_dir,
    session_filename,
    sessions_dir,
)
from console.ui.i18n import install_translator
from console.ui.main_window import MainWindow
from console.ui.settings import Settings
from console.ui.settings_dialog import SettingsDialog
from console.ui.start_dialog import SessionPlan, StartDialog
from console.ui.theme import apply_theme
from console.ui.thumbnails import set_image_cache

log = logging.getLogger("console.app")


@dataclass
class AppOptions:
    data_dir: Path | None = None  # --data-dir: sessions and settings.ini both live there
    demo: bool = False
    feeds: tuple[str, ...] = ()  # --feed: skip the start screen, live on these
    webhooks: bool = False  # --webhooks: with Shopify order webhooks
    preset: str = "mid"
    rate: float | None = None
    warmup_min: float = 0.0
    catalog: Path | None = None
    language: str | None = None
    theme: str | None = None
    self_test: bool = False
    screenshot: Path | None = None
    after_s: float = 3.0


class Console:
    """One running console: its session, its feed and its window."""

    def __init__(self, app: QApplication, options: AppOptions, settings: Settings) -> None:
        self.app = app
        self.options = options
        self.settings = settings
        self.session: LiveSession | None = None
        self.runner: SessionRunner | None = None
        self.window: MainWindow | None = None
        self.quit = asyncio.Event()
        self._fetch: asyncio.Task[FetchReport] | None = None

    async def start(self, plan: SessionPlan) -> None:
        currency = str(self.settings.get("currency"))
        catalog = list(
            import_catalog(plan.catalog or sample_catalog_path(), currency=currency).products
        )
        real = RealClock()
        warmup_ms = round(plan.warmup_min * 60_000)
        clock = VirtualClock(real.now_ms() - warmup_ms) if warmup_ms else real
        assert self.options.data_dir is not None
        path = sessions_dir(self.options.data_dir) / session_filename(clock.now_ms(), plan.title)
        session = LiveSession.start(
            path, title=plan.title, catalog=catalog, clock=clock, currency=currency
        )
        self.session = session
        try:
            feeds = self._feeds(plan, session, real)
            sims = [f.simulator for f in feeds if isinstance(f, SimulatorFeed)]
            if isinstance(clock, VirtualClock) and sims:  # practice history, then on in real time
                queue = list(session.state.queue)
                run_virtual(session, clock, sims[0], source="sim", duration_ms=warmup_ms,
                            actions=auto_show(queue, warmup_ms, slot_ms=4 * 60_000), end=False)  # fmt: skip
            session.clock = real
            if not isinstance(clock, VirtualClock) and session.state.queue:
                session.present_step(+1)
            self.runner = SessionRunner(session, feeds)
            await self.runner.start()
        except BaseException:
            session.close()
            self.session = None
            raise
        cache = image_cache_dir(self.options.data_dir)
        set_image_cache(cache)
        urls = image_urls(catalog)
        if urls:  # pictures arrive while the show starts; the queue shows them as they land
            self._fetch = asyncio.get_running_loop().create_task(fetch_images(urls, cache))
        self.window = MainWindow(session, self.settings, self.runner.feeds, image_cache=cache)
        self.window.end_requested.connect(self.end_session)
        self.window.settings_requested.connect(self.open_settings)
        self.window.destroyed.connect(self.quit.set)
        if self.window.restored:
            self.window.show()
        else:  # first start: use the screen; a console beside the camera wants the room
            screen = self.app.primaryScreen()
            if screen is not None:
                self.window.setGeometry(screen.availableGeometry())
            self.window.show()

    def _feeds(self, plan: SessionPlan, session: LiveSession, clock: RealClock) -> list[Feed]:
        """The plan's live feeds and webhooks, or the simulator for practice."""
        if not plan.live:
            label = QApplication.translate("Console", "Built-in simulator (practice mode)")
            sim = Simulator(plan.preset, seed=random.randrange(1 << 30), rate=plan.rate)
            return [SimulatorFeed(sim, lambda: session.state, clock, label=label)]
        twitch_url = self.settings.get("connections.twitch_url")
        feeds = [
            open_feed(parse_feed_uri(text), state=lambda: session.state, clock=clock,
                      twitch_url=twitch_url)
            for text in plan.feeds
        ]  # fmt: skip
        if plan.webhooks:
            secret = secret_from(self.settings.get("connections.shopify_secret") or None)
            if not secret:
                raise FeedUriError("the Shopify webhook secret is not set (Settings → Connections)")
            port = self.settings.get("connections.webhook_port")
            feeds.append(ShopifyWebhookFeed(secret, session.state.currency, port=port))
        return feeds

    def end_session(self) -> None:
        if self.session is not None and not self.session.ended:
            self.session.end("operator")

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self.window)
        dialog.accepted.connect(self.apply_settings)
        dialog.open()

    def apply_settings(self) -> None:
        apply_theme(self.app, str(self.settings.get("theme")))
        if self.window is not None:
            self.window.apply_hotkeys()
            self.window.feed.set_keywords(list(self.settings.get("feed.keywords")))
            self.window.feed.set_cap(int(self.settings.get("feed.cap")))
            self.window.charts.set_window(str(self.settings.get("charts.window")))
            self.window.charts.set_dark(self.settings.get("theme") == "dark")

    async def shutdown(self) -> None:
        await cancel_task(self._fetch)
        if self.runner is not None:
            await self.runner.stop()
        if self.session is not None:
            self.session.close()


def self_check(console: Console) -> str | None:
    """Why the self-test failed, or None: the window drew, events flowed and reached the file."""
    w, s = console.window, console.session
    if w is None or s is None:
        return "the console did not start"
    if w.frames < 5:
        return f"only {w.frames} frames were drawn"
    image = w.grab().toImage()
    if image.isNull() or image.width() < 400:
        return "the window did not render"
    if s.state.totals.events < 10:
        return f"only {s.state.totals.events} events arrived from the simulator"
    s.writer.flush()
    if s.writer.committed_seq < s.state.totals.events // 2:
        return "events did not reach the session file"
    return None


async def _run(app: QApplication, options: AppOptions, settings: Settings) -> int:
    console = Console(app, options, settings)
    if options.feeds or options.webhooks:
        plan = SessionPlan(
            title=QApplication.translate("Console", "Live"), catalog=options.catalog,
            feeds=options.feeds, webhooks=options.webhooks,
        )  # fmt: skip
    elif options.demo or options.self_test or options.screenshot:
        plan = SessionPlan(
            title=QApplication.translate("Console", "Practice"), preset=options.preset,
            rate=options.rate, warmup_min=options.warmup_min, catalog=options.catalog,
        )  # fmt: skip
    else:
        secret = secret_from(settings.get("connections.shopify_secret") or None)
        dialog = StartDialog(
            default_catalog=options.catalog,
            webhook_port=settings.get("connections.webhook_port"),
            has_secret=bool(secret),
        )
        chosen: asyncio.Future[SessionPlan | None] = asyncio.get_running_loop().create_future()

        def picked_plan(_result: int) -> None:
            if not chosen.done():
                chosen.set_result(dialog.plan())

        dialog.finished.connect(picked_plan)
        dialog.open()
        picked = await chosen
        if picked is None:
            return 0
        plan = picked
    try:
        await console.start(plan)
    except (SessionFileError, CatalogImportError, FeedUriError, OSError) as e:
        QMessageBox.critical(None, "Live Console", str(e))
        return 1
    result: list[int] = [0]
    if options.self_test or options.screenshot:

        def finish() -> None:
            if options.screenshot and console.window is not None:
                console.window.grab().save(str(options.screenshot))
                print(f"screenshot saved to {options.screenshot}")
            if options.self_test:
                reason = self_check(console)
                print(
                    f"self-test failed: {reason}" if reason else "self-test passed",
                    file=sys.stderr if reason else sys.stdout,
                )
                result[0] = 1 if reason else 0
            if console.window is not None:
                console.window.confirm_close = False
                console.window.close()
            console.quit.set()

        QTimer.singleShot(round(options.after_s * 1000), finish)
    await console.quit.wait()
    await console.shutdown()
    return result[0]


def tune_gc() -> None:
    """Fewer, cheaper garbage collections while a stream pours in events.

    A full collection walks every object; at 20,000 events/s the default
    thresholds ran one often enough to stall the window for 50 ms. Objects
    made during start-up are frozen out of collection altogether.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def run_app(options: AppOptions) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Live Console")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)
    if options.data_dir is not None:
        qsettings = QSettings(str(options.data_dir / "settings.ini"), QSettings.Format.IniFormat)
    else:  # the platform's config folder, so the data folder itself can be a setting
        qsettings = QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, "live-console", "settings"
        )
    settings = Settings(qsettings)
    if options.data_dir is None:
        chosen = str(settings.get("data_dir"))
        options.data_dir = data_dir(None if os.environ.get(ENV_DATA_DIR) else chosen or None)
    options.data_dir.mkdir(parents=True, exist_ok=True)
    install_translator(app, options.language or str(settings.get("language")))
    apply_theme(app, options.theme or str(settings.get("theme")))
    tune_gc()
    code: int = qasync.run(_run(app, options, settings))
    return code
