"""The OBS overlay in the window: the server run from settings, its URLs, and a preview.

`OverlayService` is the glue between the settings and `console.overlay`: it
makes the tokens on first use, starts the server, and restarts it when an
overlay setting changes (a new port, a regenerated token). A server that
cannot start does not stop the show; its reason is shown in the panel.

`OverlayPanel` lists each overlay's URL with Copy and Open buttons and draws a
miniature of what the overlays show, from the very view the server pushes to
them. The tokens are masked on screen (the console may itself be on stream);
Copy and Open use the real URL.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QLinearGradient,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.domain.catalog import Product
from console.engine.source import ConsoleSource
from console.feeds.base import cancel_task
from console.overlay.security import new_token
from console.overlay.server import (
    OverlayConfig,
    OverlayError,
    OverlayServer,
    RemoteActions,
    theme_path,
)
from console.store.paths import image_cache_dir
from console.ui.i18n import QT_TRANSLATE_NOOP
from console.ui.settings import Settings
from console.ui.thumbnails import TILE_FONTS, thumbnail
from console.ui.widgets import plain_label

log = logging.getLogger("console.ui.overlay")

# The overlays the server offers, with names for people (marked for lupdate).
OVERLAY_NAMES = {
    "presenting": QT_TRANSLATE_NOOP("OverlayPanel", "Now presenting"),
    "deal": QT_TRANSLATE_NOOP("OverlayPanel", "Flash deal"),
    "orders": QT_TRANSLATE_NOOP("OverlayPanel", "Order ticker"),
    "combined": QT_TRANSLATE_NOOP("OverlayPanel", "All in one"),
}
MASK = "••••••"
COPIED_MS = 1500


def ensure_tokens(settings: Settings) -> None:
    """Make the tokens on first use, and a new remote one if a hand-edited file repeats the other."""
    token = settings.get("overlay.token") or new_token()
    remote = settings.get("overlay.remote_token")
    if not remote or remote == token:
        remote = new_token()
    settings.update({"overlay.token": token, "overlay.remote_token": remote})


def masked(url: str, token: str) -> str:
    return url.replace(token, MASK)


class OverlayService(QObject):
    """Runs the overlay server as the settings say, restarting it when they change."""

    changed = Signal()  # (re)started or failed: the URLs or the error changed

    def __init__(self, source: ConsoleSource, actions: RemoteActions | None, settings: Settings,
                 data_dir: Path, *, port: int | None = None,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.source = source
        self.settings = settings
        self.data_dir = data_dir
        self.port = port  # --overlay-port: this run only, whatever the settings say
        self.error = ""
        ensure_tokens(settings)
        self.server = OverlayServer(source, actions, self.config())
        self._dirty = False
        self._task: asyncio.Task[None] | None = None
        settings.changed.connect(self._setting_changed)
        self._listening = True

    def config(self) -> OverlayConfig:
        s = self.settings
        return OverlayConfig(
            token=s.get("overlay.token"),
            remote_token=s.get("overlay.remote_token"),
            port=self.port if self.port is not None else s.get("overlay.port"),
            lan=s.get("overlay.lan"),
            remote_enabled=s.get("overlay.remote"),
            theme_css=theme_path(self.data_dir),
            image_dir=image_cache_dir(self.data_dir),
        )

    async def start(self) -> None:
        """Serve as configured; a failure is kept in `error` instead of raised."""
        try:
            config = self.config()
            if not self.server.running or config != self.server.config:
                await self.server.reconfigure(config)
            self.error = ""
        except OverlayError as e:
            self.error = str(e)
            log.warning("overlay not served: %s", e)
        self.changed.emit()

    async def stop(self) -> None:
        """Stop for good (with the session): later setting changes start nothing."""
        if self._listening:
            self.settings.changed.disconnect(self._setting_changed)
            self._listening = False
        task, self._task = self._task, None
        await cancel_task(task)
        await self.server.stop()

    def _setting_changed(self, key: str) -> None:
        """One restart for a whole dialog's worth of changes, and none lost to a restart under way."""
        if not key.startswith("overlay."):
            return
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._follow())

    async def _follow(self) -> None:
        while self._dirty:
            self._dirty = False
            ensure_tokens(self.settings)  # a token cleared in the dialog is made anew
            await self.start()


def _font(px: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(TILE_FONTS)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


def clock_text(ms: int) -> str:
    """As the overlay shows a countdown: 04:59, rounded up so 00:00 comes at the deadline."""
    total = max(0, math.ceil(ms / 1000))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class OverlayPreview(QWidget):
    """A 16:9 miniature of the combined overlay (1920×1080 layout), drawn natively.

    It is drawn from the view the server pushes, so it shows what the overlays
    show (the browser renders the real thing; this is the console's likeness of it).
    """

    BACKDROP = QColor(96, 104, 112)
    CARD = QColor(14, 14, 20, 214)
    TEXT = QColor("#ffffff")
    MUTED = QColor("#c9c9d2")
    ACCENT = QColor("#fe2c55")
    PRICE = QColor("#ffd84d")

    def __init__(self, picture: Callable[[str], Product | None], parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("overlayPreview")
        self.picture = picture  # product SKU -> the product, for its thumbnail
        self.view: dict[str, Any] | None = None
        self.now_ms = 0
        self._shown: tuple[dict[str, Any] | None, str | None] | None = None
        self.setMinimumSize(320, 180)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width * 9 // 16

    def show_view(self, view: dict[str, Any] | None, now_ms: int) -> None:
        """Repaint only when what is drawn changes: the view, or the countdown's text."""
        self.view, self.now_ms = view, now_ms
        deal = view.get("deal") if view else None
        shown = (view, self._countdown(deal) if deal else None)
        if shown != self._shown:
            self._shown = shown
            self.update()

    def _countdown(self, deal: dict[str, Any]) -> str:
        deadline = deal["live_at"] if deal["phase"] == "countdown" else deal["ends_at"]
        return clock_text(0 if deal["phase"] == "ended" else deadline - self.now_ms)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        width = min(self.width(), self.height() * 16 // 9)
        canvas = QRectF((self.width() - width) / 2, 0, width, width * 9 / 16)
        painter.fillRect(canvas, self.BACKDROP)
        u = canvas.width() / 1920
        painter.translate(canvas.topLeft())
        view = self.view
        if view is not None:
            if view.get("orders"):
                self._orders(painter, u, view["orders"])
            if view.get("presenting"):
                self._presenting(painter, u, view["presenting"])
            if view.get("deal"):
                self._deal(painter, u, view["deal"])
        painter.end()

    def _card(self, painter: QPainter, rect: QRectF, u: float) -> None:
        painter.setPen(QPen(QColor(255, 255, 255, 30), max(1.0, 2 * u)))
        painter.setBrush(self.CARD)
        painter.drawRoundedRect(rect, 24 * u, 24 * u)

    def _text(self, painter: QPainter, x: float, y: float, width: float, text: str,
              font: QFont, colour: QColor, *, strike: bool = False) -> float:  # fmt: skip
        """Draw one elided line with its top at y; returns its width."""
        font.setStrikeOut(strike)
        metrics = QFontMetrics(font)
        line = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, round(width)))
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(QRectF(x, y, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, line)
        return float(metrics.horizontalAdvance(line))

    def _prices(self, painter: QPainter, x: float, y: float, width: float, price: str,
                was: str | None, size: float, u: float) -> None:  # fmt: skip
        big = _font(size, bold=True)
        used = self._text(painter, x, y, width, price, big, self.PRICE)
        if was:
            small = _font(size * 0.55)
            drop = QFontMetrics(big).ascent() - QFontMetrics(small).ascent()
            self._text(painter, x + used + 16 * u, y + drop, width - used - 16 * u, was, small,
                       self.MUTED, strike=True)  # fmt: skip

    def _presenting(self, painter: QPainter, u: float, p: dict[str, Any]) -> None:
        rect = QRectF(48 * u, (1080 - 48 - 232) * u, 780 * u, 232 * u)
        self._card(painter, rect, u)
        square = QRectF(rect.x() + 24 * u, rect.y() + 24 * u, 184 * u, 184 * u)
        product = self.picture(p["sku"])
        if p["image"] and product is not None:  # the page has the picture too
            painter.drawPixmap(square.toRect(), thumbnail(product, max(1, round(square.width()))))
        else:  # the page's tile: the title's first character on its gradient
            gradient = QLinearGradient(square.topLeft(), square.bottomRight())
            gradient.setColorAt(0, QColor("#ff8a00"))
            gradient.setColorAt(1, self.ACCENT)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(gradient)
            painter.drawRoundedRect(square, 18 * u, 18 * u)
            painter.setFont(_font(96 * u, bold=True))
            painter.setPen(self.TEXT)
            painter.drawText(square, Qt.AlignmentFlag.AlignCenter, p["title"].strip()[:1] or "?")
        x, width = rect.x() + 236 * u, rect.width() - 264 * u
        badge = self.tr("Flash deal price") if p["deal"] else self.tr("Now presenting")
        self._text(painter, x, rect.y() + 28 * u, width, badge, _font(22 * u, bold=True),
                   self.ACCENT if p["deal"] else self.MUTED)  # fmt: skip
        self._text(painter, x, rect.y() + 70 * u, width, p["title"], _font(38 * u, bold=True), self.TEXT)  # fmt: skip
        price = self.tr("from {0}").format(p["price"]) if p["from"] else p["price"]
        self._prices(painter, x, rect.y() + 128 * u, width, price, p["was"], 56 * u, u)

    def _deal(self, painter: QPainter, u: float, d: dict[str, Any]) -> None:
        rect = QRectF((1920 - 48 - 520) * u, (1080 - 48 - 400) * u, 520 * u, 400 * u)
        self._card(painter, rect, u)
        x, width, y = rect.x() + 28 * u, rect.width() - 56 * u, rect.y() + 24 * u
        self._text(painter, x, y, width, self.tr("Flash deal"), _font(22 * u, bold=True), self.ACCENT)  # fmt: skip
        phase = {"countdown": self.tr("Starts in"), "live": self.tr("Ends in")}.get(d["phase"], "")
        self._text(painter, x + width / 2, y, width / 2, phase, _font(26 * u), self.MUTED)
        if d["sold_out"] or d["phase"] == "ended":
            stamp = self.tr("Sold out") if d["sold_out"] else self.tr("Deal ended")
            colour = self.ACCENT if d["sold_out"] else self.MUTED
            self._text(painter, x, y + 50 * u, width, stamp, _font(64 * u, bold=True), colour)
        else:
            urgent = d["phase"] == "live" and d["ends_at"] - self.now_ms <= 10_000
            self._text(painter, x, y + 40 * u, width, self._countdown(d), _font(96 * u, bold=True),
                       self.ACCENT if urgent else self.TEXT)  # fmt: skip
        self._text(painter, x, y + 170 * u, width, d["title"], _font(30 * u, bold=True), self.TEXT)
        self._prices(painter, x, y + 215 * u, width, d["price"], d["was"], 52 * u, u)
        bar = QRectF(x, y + 300 * u, width, 14 * u)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 40))
        painter.drawRoundedRect(bar, 7 * u, 7 * u)
        if d["quantity"] and d["sold"]:
            painter.setBrush(self.ACCENT)
            painter.drawRoundedRect(QRectF(x, bar.y(), width * d["sold"] / d["quantity"], bar.height()), 7 * u, 7 * u)  # fmt: skip
        left = self.tr("{0} of {1} left").format(d["left"], d["quantity"])
        self._text(painter, x, y + 328 * u, width, left, _font(24 * u), self.MUTED)

    def _orders(self, painter: QPainter, u: float, orders: list[dict[str, Any]]) -> None:
        row = 56 * u
        rect = QRectF(48 * u, 48 * u, 620 * u, 28 * u + row * len(orders))
        self._card(painter, rect, u)
        for i, order in enumerate(reversed(orders)):  # newest on top
            y = rect.y() + 14 * u + i * row + 12 * u
            x = rect.x() + 30 * u
            width = rect.width() - 60 * u
            used = self._text(painter, x, y, width, order["buyer"] or self.tr("A viewer"),
                              _font(26 * u, bold=True), self.PRICE)  # fmt: skip
            line = self.tr("just bought {0} ×{1}").format(order["title"], order["qty"])
            self._text(painter, x + used + 10 * u, y, width - used - 10 * u, line, _font(26 * u), self.TEXT)  # fmt: skip


class OverlayPanel(QWidget):
    """Each overlay's URL to copy into OBS or open, the remote's when on, and a preview."""

    def __init__(self, service: OverlayService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overlayPanel")
        self.service = service
        self.status = plain_label(object_name="fieldHint")
        self.status.setWordWrap(True)
        self.error = plain_label(object_name="formError")
        self.error.setWordWrap(True)
        hint = plain_label(
            self.tr("In OBS add a Browser source with a URL below, sized 1920×1080 (or 1080×1920 for a vertical stream)."),
            object_name="fieldHint",
        )  # fmt: skip
        hint.setWordWrap(True)
        self.urls: dict[str, QLineEdit] = {}
        self.copy_buttons: dict[str, QPushButton] = {}
        self.open_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        names = {name: self.tr(label) for name, label in OVERLAY_NAMES.items()}
        names["remote"] = self.tr("Remote (phone)")
        for row, (name, label) in enumerate(names.items()):
            caption = plain_label(label)
            field = QLineEdit()
            field.setReadOnly(True)
            field.setObjectName(f"overlayUrl_{name}")
            copy = QPushButton(self.tr("Copy"))
            copy.clicked.connect(partial(self.copy, name))
            open_ = QPushButton(self.tr("Open"))
            open_.setToolTip(self.tr("Open in the web browser"))
            open_.clicked.connect(partial(self.open, name))
            for column, widget in enumerate((caption, field, copy, open_)):
                grid.addWidget(widget, row, column)
            self.urls[name], self.copy_buttons[name], self.open_buttons[name] = field, copy, open_
        self.remote_hint = plain_label(
            self.tr("Only this computer can open the remote: for a phone, turn on “Reachable on the local network” in Settings → Overlay."),
            object_name="fieldHint",
        )  # fmt: skip
        self.remote_hint.setWordWrap(True)
        grid.addWidget(self.remote_hint, len(names), 1, 1, 3)
        grid.setColumnStretch(1, 1)
        self.remote_row: tuple[QWidget, ...] = (caption, field, copy, open_)  # the last row
        self.preview = OverlayPreview(self._product)
        note = plain_label(
            self.tr("Preview (1920×1080), drawn by the console from what the overlays receive:"),
            object_name="fieldHint",
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addWidget(self.preview)
        layout.addStretch(1)
        service.changed.connect(self.show_addresses)
        self.show_addresses()
        self.refresh()

    def _product(self, sku: str) -> Product | None:
        ps = self.service.source.state.products.get(sku)
        return ps.product if ps is not None else None

    def address(self, name: str) -> str | None:
        """The real URL (token included) of an overlay or the remote; None when not served."""
        server = self.service.server
        if not server.running:
            return None
        return server.remote_url() if name == "remote" else server.urls()[name]

    def show_addresses(self) -> None:
        """After a (re)start: the URLs with their tokens masked, or why there are none."""
        server = self.service.server
        config = server.config
        self.error.setText(self.service.error)
        self.error.setVisible(bool(self.service.error))
        for name, field in self.urls.items():
            url = self.address(name)
            token = config.remote_token if name == "remote" else config.token
            field.setText(masked(url, token) if url else "")
            self.copy_buttons[name].setEnabled(url is not None)
            self.open_buttons[name].setEnabled(url is not None)
        remote_on = config.remote_enabled and server.running
        for widget in self.remote_row:
            widget.setVisible(remote_on)
        self.remote_hint.setVisible(remote_on and not config.lan)

    def copy(self, name: str) -> None:
        url = self.address(name)
        if url is None:
            return
        QGuiApplication.clipboard().setText(url)
        button = self.copy_buttons[name]
        button.setText(self.tr("Copied"))
        QTimer.singleShot(COPIED_MS, button, lambda: button.setText(self.tr("Copy")))

    def open(self, name: str) -> None:
        url = self.address(name)
        if url is not None:
            QDesktopServices.openUrl(QUrl(url))

    def refresh(self) -> None:
        """Per frame: who is connected, and the preview (repainted only when it changes)."""
        server = self.service.server
        if server.running:
            where = f"127.0.0.1:{server.port}"
            if server.lan_address:
                where += f", {server.lan_address}:{server.port}"
            text = self.tr("Serving overlays on {0} · browser sources connected: {1}").format(
                where, server.clients
            )
        else:
            text = self.tr("The overlay server is not running.")
        if self.status.text() != text:
            self.status.setText(text)
        self.preview.show_view(server.view, server.now_ms())
