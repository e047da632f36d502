"""The composition root: QApplication, the qasync loop, settings, the session and the window.

Only this module knows every room. It starts (or resumes) a session on its
feeds and opens the live window on it, opens replays and the library, and on
quit stops the feeds and closes the session file cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import sys
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from console import __version__
from console.domain.clock import RealClock, VirtualClock
from console.feeds.base import cancel_task
from console.feeds.shopify_orders import secret_from
from console.feeds.uri import FeedUriError, parse_feed_uri
from console.importers.csv_rows import CatalogImportError
from console.logs import setup_logging
from console.store.errors import SessionFileError
from console.store.paths import (
    ENV_DATA_DIR,
    cache_dir,
    data_dir,
    image_cache_dir,
    reports_dir,
    session_filename,
    sessions_dir,
)
from console.store.session_file import open_session
from console.ui.crash_dialog import CrashReporter
from console.ui.gc_pacer import GuiThreadCollector
from console.ui.i18n import install_translator
from console.ui.settings import Settings
from console.ui.settings_dialog import SettingsDialog
from console.ui.single_instance import SingleInstance, send_request
from console.ui.start_dialog import SessionPlan, StartDialog
from console.ui.theme import apply_theme

# The start screen should show in well under a second, so what only a session, a
# replay or the library needs (pyqtgraph, numpy, aiohttp, sqlite-utils) is imported
# where it is first used. The live window shows before its charts (pyqtgraph, numpy:
# ConsoleWindow builds them after its first paint), and its OBS overlay and product
# pictures (aiohttp) start once the charts are in.
if TYPE_CHECKING:
    from console.engine.runner import SessionRunner
    from console.engine.session import LiveSession
    from console.feeds.base import Feed
    from console.importers.images import FetchReport
    from console.ui.console_window import ConsoleWindow
    from console.ui.library import LibraryWindow
    from console.ui.main_window import MainWindow
    from console.ui.overlay_panel import OverlayService
    from console.ui.replay_window import ReplayWindow
    from console.ui.report_export import ExportReportDialog

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
    replay: Path | None = None  # `replay FILE`: open this session read-only
    library: bool = False  # `library`: open the session library
    overlay_port: int | None = None  # --overlay-port: this run only


STARTUP_ERRORS = (SessionFileError, CatalogImportError, FeedUriError, OSError)


class Console:
    """The running application: at most one live session, any number of replays, the library.

    Every top-level window is tracked; the process ends when the last one closes
    (a start dialog that turned into a session hands over to its window).
    """

    def __init__(self, app: QApplication, options: AppOptions, settings: Settings) -> None:
        self.app = app
        self.options = options
        self.settings = settings
        assert options.data_dir is not None
        self.root = options.data_dir
        self.session: LiveSession | None = None
        self.runner: SessionRunner | None = None
        self.window: MainWindow | None = None
        self.library: LibraryWindow | None = None
        self.overlay: OverlayService | None = None
        self.front: QWidget | None = None  # the window opened last (what --screenshot grabs)
        self.crashes: CrashReporter | None = None  # uncaught errors, counted (for --self-test)
        self.quit = asyncio.Event()
        self._fetch: asyncio.Task[FetchReport] | None = None
        self._serving: asyncio.Task[None] | None = None  # the overlay and pictures (_serve)
        self._windows: dict[int, QWidget] = {}
        self._starting = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- windows ----------------------------------------------------------------------------
    def track(self, widget: QWidget) -> None:
        """Keep `widget` until it closes, then let it go; the last one ends the process."""
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = id(widget)
        self._windows[key] = widget
        widget.destroyed.connect(lambda _obj=None, key=key: self._closed(key))
        self.front = widget

    def _closed(self, key: int) -> None:
        widget = self._windows.pop(key, None)
        if widget is self.front:
            self.front = next(reversed(self._windows.values()), None)
        self._maybe_quit()

    def _maybe_quit(self) -> None:
        if not self._windows and not self._starting:
            self.quit.set()

    def close_all(self) -> None:
        if self.window is not None:
            self.window.confirm_close = False
        for widget in list(self._windows.values()):
            widget.close()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- a live session -----------------------------------------------------------------------
    def show_start(self, resume: Path | None = None, title: str | None = None) -> None:
        """The start screen; with `resume`, it asks only where the audience comes from.

        Otherwise it offers first to resume what a crash interrupted in the last hours.
        """
        from console.engine.resume import resumable

        secret = secret_from(self.settings.get("connections.shopify_secret") or None)
        offers = [] if resume else resumable(sessions_dir(self.root), RealClock().now_ms())
        dialog = StartDialog(
            default_catalog=self.options.catalog,
            webhook_port=self.settings.get("connections.webhook_port"),
            has_secret=bool(secret),
            resume_title=title,
            interrupted=[(e.path, e.title) for e in offers],
        )
        dialog.library_requested.connect(self.show_library)
        dialog.resume_requested.connect(partial(self._resume_instead, dialog))
        dialog.finished.connect(lambda _result: self._planned(dialog.plan(), resume))
        self.track(dialog)
        dialog.show()

    def _resume_instead(self, dialog: StartDialog, path: Path) -> None:
        self.resume(path)  # its own start screen opens first: closing this one quits nothing
        dialog.close()

    def _planned(self, plan: SessionPlan | None, resume: Path | None) -> None:
        if plan is None:
            return
        self._starting = True  # the dialog closes now; its session's window is on the way
        self._spawn(self._start_planned(replace(plan, resume=resume)))

    async def _start_planned(self, plan: SessionPlan) -> None:
        try:
            await self.start(plan)
        except STARTUP_ERRORS as e:
            QMessageBox.critical(self.library, "Live Console", str(e))
            if plan.resume is None:  # back to the start screen to put it right
                self.show_start()
        finally:
            self._starting = False
            self._maybe_quit()

    def _open_session(self, plan: SessionPlan, real: RealClock) -> tuple[LiveSession, int]:
        """A new session file, or the interrupted one to resume; with the practice warm-up."""
        from console.engine.resume import resume_session
        from console.engine.session import LiveSession
        from console.importers.catalog_import import import_catalog
        from console.importers.sample import sample_catalog_path

        if plan.resume is not None:
            return resume_session(plan.resume, real), 0
        currency = str(self.settings.get("currency"))
        catalog = list(
            import_catalog(plan.catalog or sample_catalog_path(), currency=currency).products
        )
        warmup_ms = round(plan.warmup_min * 60_000)
        clock = VirtualClock(real.now_ms() - warmup_ms) if warmup_ms else real
        path = sessions_dir(self.root) / session_filename(clock.now_ms(), plan.title)
        session = LiveSession.start(
            path, title=plan.title, catalog=catalog, clock=clock, currency=currency
        )
        return session, warmup_ms

    async def start(self, plan: SessionPlan) -> None:
        from console.domain.script import auto_show
        from console.engine.runner import SessionRunner
        from console.engine.virtual_run import run_virtual
        from console.feeds.sim_feed import SimulatorFeed
        from console.ui.main_window import MainWindow
        from console.ui.thumbnails import set_image_cache

        if self.session is not None:
            raise SessionFileError("a session is already live in this console")
        real = RealClock()
        session, warmup_ms = self._open_session(plan, real)
        self.session = session
        try:
            feeds = self._feeds(plan, session, real)
            sims = [f.simulator for f in feeds if isinstance(f, SimulatorFeed)]
            if isinstance(session.clock, VirtualClock) and sims:  # practice history, then real time
                queue = list(session.state.queue)
                run_virtual(session, session.clock, sims[0], source="sim", duration_ms=warmup_ms,
                            actions=auto_show(queue, warmup_ms, slot_ms=4 * 60_000), end=False)  # fmt: skip
            elif plan.resume is None and session.state.queue:
                session.present_step(+1)
            session.clock = real
            self.runner = SessionRunner(session, feeds)
            await self.runner.start()
        except BaseException:
            session.close()
            self.session = None
            raise
        cache = image_cache_dir(self.root)
        set_image_cache(cache)
        window = MainWindow(session, self.settings, self.runner.feeds, image_cache=cache,
                            overlay_dock=True)  # fmt: skip
        window.built.connect(partial(self._window_built, window, session, cache))
        window.end_requested.connect(self.end_session)
        window.settings_requested.connect(self.open_settings)
        self._connect_window(window, session.path)
        window.destroyed.connect(lambda _obj=None: self._spawn(self._stop_live()))
        self.window = window
        self.track(window)
        if (
            not window.restored
        ):  # first start: use the screen; a console beside the camera wants the room
            screen = self.app.primaryScreen()
            if screen is not None:
                window.setGeometry(screen.availableGeometry())
        window.show()

    def _window_built(self, window: MainWindow, session: LiveSession, cache: Path) -> None:
        log.info("live window complete: charts built")
        if self.window is window and self._serving is None:
            self._serving = asyncio.get_running_loop().create_task(
                self._serve(window, session, cache)
            )

    async def _serve(self, window: MainWindow, session: LiveSession, cache: Path) -> None:
        """Once the live window is up: the product pictures and the OBS overlay's server."""
        from console.importers.images import fetch_images, image_urls
        from console.ui.overlay_panel import OverlayPanel, OverlayService

        if self.window is not window or id(window) not in self._windows:  # closed meanwhile
            return
        urls = image_urls(p.product for p in session.state.products.values())
        if urls:  # pictures arrive while the show starts; the queue shows them as they land
            self._fetch = asyncio.get_running_loop().create_task(fetch_images(urls, cache))
        self.overlay = OverlayService(
            session, session, self.settings, self.root, port=self.options.overlay_port
        )
        window.set_overlay(OverlayPanel(self.overlay))
        await self.overlay.start()  # a port in use shows in the panel; the show goes on

    def _feeds(self, plan: SessionPlan, session: LiveSession, clock: RealClock) -> list[Feed]:
        """The plan's live feeds and webhooks, or the simulator for practice."""
        if not plan.live:
            from console.feeds.sim_feed import SimulatorFeed
            from console.feeds.simulator import Simulator

            label = QApplication.translate("Console", "Built-in simulator (practice mode)")
            sim = Simulator(plan.preset, seed=random.randrange(1 << 30), rate=plan.rate)
            return [SimulatorFeed(sim, lambda: session.state, clock, label=label)]
        from console.feeds.factory import open_feed  # aiohttp: live feeds only
        from console.feeds.shopify_webhook import ShopifyWebhookFeed

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

    async def _stop_live(self) -> None:
        """The live window has closed: stop its feeds and close (and so end) its session."""
        self.window = None
        await cancel_task(self._serving)
        self._serving = None
        overlay, self.overlay = self.overlay, None
        if overlay is not None:
            await overlay.stop()
        await cancel_task(self._fetch)
        self._fetch = None
        runner, session = self.runner, self.session
        self.runner = self.session = None
        if runner is not None:
            await runner.stop()
        if session is not None:
            try:
                session.close()
            except SessionFileError as e:  # the disk never came back: say what was lost
                log.error("closing %s: %s", session.path.name, e)
                QMessageBox.critical(None, "Live Console", str(e))

    # -- the library and replays ------------------------------------------------------------
    def show_library(self) -> None:
        from console.ui.library import LibraryWindow

        if self.library is None:
            library = LibraryWindow(sessions_dir(self.root), self.settings, cache_dir(self.root))
            library.open_requested.connect(self._replay_from_library)
            library.resume_requested.connect(self.resume)
            library.destroyed.connect(lambda _obj=None: setattr(self, "library", None))
            self.library = library
            self.track(library)
        self.library.show()
        self.library.raise_()
        self.library.activateWindow()

    def open_replay(self, path: Path) -> ReplayWindow:
        """A replay window on `path`; SessionFileError if the file cannot be replayed."""
        from console.replay.player import Replay
        from console.ui.replay_window import ReplayWindow

        replay = Replay.open(path)
        log.info("replay of %s", path)
        try:
            window = ReplayWindow(replay, self.settings)
        except BaseException:
            replay.close()
            raise
        self._connect_window(window, path)
        self.track(window)
        window.show()
        return window

    def _connect_window(self, window: ConsoleWindow, path: Path) -> None:
        window.library_requested.connect(self.show_library)
        window.report_requested.connect(lambda: self.export_report(window, path))

    def export_report(self, parent: QWidget, path: Path) -> ExportReportDialog:
        """The export dialog on `path`, compared with the library, into `reports`."""
        from console.ui.report_export import ExportReportDialog

        if self.session is not None and self.session.path == path:
            self.session.writer.flush()  # the report reads the file: all of it
        dialog = ExportReportDialog(path, sessions_dir(self.root), reports_dir(self.root), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _replay_from_library(self, path: Path) -> None:
        try:
            self.open_replay(path)
        except SessionFileError as e:
            QMessageBox.warning(self.library, QApplication.translate("Console", "Replay"), str(e))

    def resume(self, path: Path) -> None:
        """Ask where the audience comes from, then go live again in `path`."""
        parent = self.library
        title = QApplication.translate("Console", "Resume session")
        if self.session is not None:
            QMessageBox.information(parent, title, QApplication.translate(
                "Console", "“{0}” is live in this console. End it before resuming another session."
            ).format(self.session.state.title))  # fmt: skip
            return
        try:
            conn, meta = open_session(path)
            conn.close()
        except SessionFileError as e:
            QMessageBox.warning(parent, title, str(e))
            return
        self.show_start(resume=path, title=meta.title)

    def handle_request(self, request: list[str]) -> None:
        """Another launch on this data folder asked for something: do it here instead."""
        match request:
            case ["replay", file]:
                try:
                    self.open_replay(Path(file))
                except SessionFileError as e:
                    QMessageBox.warning(
                        self.front, QApplication.translate("Console", "Replay"), str(e)
                    )
            case ["library"]:
                self.show_library()
            case _:
                if self.front is not None:
                    self.front.showNormal()
                    self.front.raise_()
                    self.front.activateWindow()

    # -- settings and the end -------------------------------------------------------------------
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
        await self._stop_live()
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def self_check(console: Console) -> str | None:
    """Why the self-test failed, or None: the window and its charts drew, events flowed and
    reached the file, nothing raised uncaught, and what a packaged build leaves out or
    slims down was not needed after all (`runtime_check`)."""
    w, s = console.window, console.session
    if w is None or s is None:
        return "the console did not start"
    if w.frames < 5:
        return f"only {w.frames} frames were drawn"
    try:
        charts = w.charts.grab().toImage()  # pyqtgraph's curves, axes and labels
        image = w.grab().toImage()
    except Exception as e:  # a paint that raised: the error comes back here
        return f"the window did not render: {e}"
    if image.isNull() or image.width() < 400 or charts.isNull() or charts.height() < 100:
        return "the window did not render"
    if len(w.charts.series_data("viewers")[0]) == 0:
        return "the charts have no data"
    if console.crashes is not None and console.crashes.count:
        return f"{console.crashes.count} uncaught error(s), logged in {console.crashes.log_path}"
    if s.state.totals.events < 10:
        return f"only {s.state.totals.events} events arrived from the simulator"
    s.writer.flush()
    if s.writer.committed_seq < s.state.totals.events // 2:
        return "events did not reach the session file"
    return runtime_check()


def runtime_check() -> str | None:
    """Why a library the console relies on does not work, or None.

    A packaged build leaves some out and slims others (packaging/README.md): numpy
    must multiply matrices (its BLAS), TLS must load for wss:// feeds and Shopify,
    and on Linux Qt's ICU data must still sort Chinese, name time zones and decode
    GB18030.
    """
    import ssl

    import aiohttp  # noqa: F401 (the feeds' and the overlay's: it must import)
    import numpy as np

    m = np.arange(64.0).reshape(8, 8)
    if (m @ m.T)[7, 7] != sum(float(v) ** 2 for v in range(56, 64)):
        return "numpy multiplies matrices wrongly"
    try:
        ssl.create_default_context()
    except (ssl.SSLError, OSError) as e:
        return f"TLS does not work: {e}"
    if sys.platform.startswith("linux"):  # Qt's own ICU, cut down in the bundle
        from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QTimeZone

        if QCollator(QLocale("zh_CN")).compare("李", "张") >= 0:  # lǐ before zhāng
            return "Qt cannot sort Chinese (ICU's collation data)"
        shanghai = QTimeZone(b"Asia/Shanghai")  # invalid where tzdata is not installed
        zone = shanghai.displayName(
            QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("zh_CN")
        )
        if shanghai.isValid() and "中国" not in zone:
            return f"Qt names time zones wrongly, {zone!r} (ICU's zone data)"
        if not QStringDecoder("GB18030").isValid():
            return "Qt cannot decode GB18030 (ICU's converters)"
    return None


def _plan(options: AppOptions) -> SessionPlan | None:
    """The session the command line asks for without the start screen, if any."""
    if options.feeds or options.webhooks:
        return SessionPlan(
            title=QApplication.translate("Console", "Live"), catalog=options.catalog,
            feeds=options.feeds, webhooks=options.webhooks,
        )  # fmt: skip
    if options.demo or options.self_test or options.screenshot:
        return SessionPlan(
            title=QApplication.translate("Console", "Practice"), preset=options.preset,
            rate=options.rate, warmup_min=options.warmup_min, catalog=options.catalog,
        )  # fmt: skip
    return None


async def _run(app: QApplication, options: AppOptions, settings: Settings,
               instance: SingleInstance, log_path: Path) -> int:  # fmt: skip
    console = Console(app, options, settings)
    console.crashes = CrashReporter(log_path, lambda: console.front)
    console.crashes.install(asyncio.get_running_loop())
    instance.requested.connect(console.handle_request)
    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C in a terminal: close like Quit
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows' loop has none
            asyncio.get_running_loop().add_signal_handler(sig, console.close_all)
    plan = _plan(options)
    if options.replay is not None:
        try:
            console.open_replay(options.replay)
        except SessionFileError as e:
            print(f"live-console replay: {e}", file=sys.stderr)
            return 1
    elif options.library:
        console.show_library()
    elif plan is not None:
        try:
            await console.start(plan)
        except STARTUP_ERRORS as e:
            QMessageBox.critical(None, "Live Console", str(e))
            return 1
    else:
        console.show_start()
    result: list[int] = [0]
    if options.self_test or options.screenshot:

        def finish() -> None:
            from console.ui.console_window import ConsoleWindow

            if isinstance(console.front, ConsoleWindow):
                console.front.charts  # noqa: B018 (built now if the window has not painted yet)
            if options.screenshot and console.front is not None:
                console.front.grab().save(str(options.screenshot))
                print(f"screenshot saved to {options.screenshot}")
            if options.self_test:
                reason = self_check(console)
                print(
                    f"self-test failed: {reason}" if reason else "self-test passed",
                    file=sys.stderr if reason else sys.stdout,
                )
                result[0] = 1 if reason else 0
            console.close_all()
            console.quit.set()

        QTimer.singleShot(round(options.after_s * 1000), finish)
    await console.quit.wait()
    await console.shutdown()
    return result[0]


def _request(options: AppOptions) -> list[str]:
    """What this launch asks of a console already running on its data folder."""
    if options.replay is not None:
        return ["replay", str(options.replay.resolve())]
    return ["library"] if options.library else ["open"]


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
    instance = SingleInstance(options.data_dir)
    if not instance.claim():
        automated = options.self_test or options.screenshot
        if not automated and send_request(options.data_dir, _request(options)):
            print("Live Console is already open on this data folder: it has your request.")
            return 0
        print(
            f"live-console: another Live Console (process {instance.owner_pid()}) is using "
            f"{options.data_dir}; close it or choose another folder with --data-dir",
            file=sys.stderr,
        )
        return 1
    log_path = setup_logging(options.data_dir)
    log.info("Live Console %s starting on %s", __version__, options.data_dir)
    install_translator(app, options.language or str(settings.get("language")))
    apply_theme(app, options.theme or str(settings.get("theme")))
    collector = GuiThreadCollector(app)
    collector.start()
    try:
        code: int = qasync.run(_run(app, options, settings, instance, log_path))
    finally:
        collector.stop()
        instance.release()
    return code
