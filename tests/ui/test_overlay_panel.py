"""The overlay panel and service: tokens made once, URLs to copy, restarts on settings, a preview."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import qasync
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession
from console.overlay.security import new_token, valid_token
from console.overlay.server import theme_path
from console.ui import overlay_panel
from console.ui.overlay_panel import (
    MASK,
    OverlayPanel,
    OverlayService,
    clock_text,
    ensure_tokens,
)
from console.ui.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toString())
        return True

    monkeypatch.setattr(overlay_panel.QDesktopServices, "openUrl", open_url)
    return urls


def run(coro: Coroutine[Any, Any, None]) -> None:
    loop = qasync.QEventLoop(QApplication.instance())
    try:
        loop.run_until_complete(asyncio.wait_for(coro, 20))
    finally:
        loop.close()


async def status_of(url: str) -> int:
    host = url.split("/")[2]
    async with aiohttp.ClientSession() as http, http.get(url, headers={"Host": host}) as r:
        return r.status


def make(qtbot: QtBot, session: LiveSession, settings: Settings, tmp_path: Path,
         port: int | None = 0) -> tuple[OverlayService, OverlayPanel]:  # fmt: skip
    service = OverlayService(session, session, settings, tmp_path, port=port)
    panel = OverlayPanel(service)
    qtbot.addWidget(panel)
    return service, panel


def test_tokens_are_made_once_and_kept(settings: Settings) -> None:
    ensure_tokens(settings)
    token, remote = settings.get("overlay.token"), settings.get("overlay.remote_token")
    assert valid_token(token) and valid_token(remote) and token != remote
    ensure_tokens(settings)
    assert (settings.get("overlay.token"), settings.get("overlay.remote_token")) == (token, remote)


def test_a_hand_edited_file_repeating_a_token_gets_a_new_remote_one(tmp_path: Path) -> None:
    token = new_token()
    ini = tmp_path / "settings.ini"
    ini.write_text(f"[overlay]\ntoken={token}\nremote_token={token}\n", encoding="utf-8")
    settings = Settings(QSettings(str(ini), QSettings.Format.IniFormat))
    ensure_tokens(settings)
    assert settings.get("overlay.token") == token
    assert settings.get("overlay.remote_token") not in ("", token)


def test_the_service_follows_the_settings(settings: Settings, tmp_path: Path) -> None:
    service = OverlayService(object(), None, settings, tmp_path)  # type: ignore[arg-type]
    config = service.config()
    assert config.port == 8790 and not config.lan and not config.remote_enabled
    assert config.token == settings.get("overlay.token")
    assert config.theme_css == theme_path(tmp_path) == tmp_path / "overlay" / "theme.css"
    assert config.image_dir == tmp_path / "cache" / "images"
    assert OverlayService(object(), None, settings, tmp_path, port=9999).config().port == 9999  # type: ignore[arg-type]


def test_urls_are_masked_on_screen_and_copied_or_opened_whole(
    qtbot: QtBot, session: LiveSession, settings: Settings, tmp_path: Path, opened: list[str]
) -> None:
    service, panel = make(qtbot, session, settings, tmp_path)

    async def scenario() -> None:
        await service.start()
        token = settings.get("overlay.token")
        real = service.server.urls()
        for name, url in real.items():
            shown = panel.urls[name].text()
            assert token not in shown and MASK in shown
            assert shown == url.replace(token, MASK)
        panel.copy_buttons["deal"].click()
        assert QGuiApplication.clipboard().text() == real["deal"]
        assert panel.copy_buttons["deal"].text() == "Copied"
        panel.open_buttons["combined"].click()
        assert opened == [real["combined"]]
        assert await status_of(QGuiApplication.clipboard().text()) == 200
        assert panel.remote_row[1].isHidden()  # the remote is off by default
        assert panel.remote_hint.isHidden()
        panel.refresh()
        assert f"127.0.0.1:{service.server.port}" in panel.status.text()
        await service.stop()

    run(scenario())


def test_a_regenerated_token_and_the_remote_apply_at_once(
    qtbot: QtBot, session: LiveSession, settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as probe:  # a fixed port, as in real use: only the token changes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    service, panel = make(qtbot, session, settings, tmp_path, port=port)

    async def scenario() -> None:
        await service.start()
        old = service.server.urls()["presenting"]
        restarted = asyncio.Event()
        service.changed.connect(restarted.set)
        settings.update({"overlay.token": new_token(), "overlay.remote": True})
        await restarted.wait()
        new = service.server.urls()["presenting"]
        assert new != old
        assert await status_of(old) == 403  # the old URL is revoked
        assert await status_of(new) == 200
        assert not panel.remote_row[1].isHidden()
        assert not panel.remote_hint.isHidden()  # on 127.0.0.1 only: no use to a phone yet
        remote = service.server.remote_url()
        assert remote is not None
        assert panel.urls["remote"].text() == remote.replace(settings.get("overlay.remote_token"), MASK)  # fmt: skip
        await service.stop()
        settings.set("overlay.remote", False)  # a stopped service (its session over) stays stopped
        await asyncio.sleep(0.2)
        assert not service.server.running

    run(scenario())


def test_a_port_in_use_is_reported_in_the_panel(
    qtbot: QtBot, session: LiveSession, settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        service, panel = make(qtbot, session, settings, tmp_path, port=port)
        run(service.start())
    assert f"cannot listen on port {port}" in panel.error.text()
    assert not panel.error.isHidden()
    assert not panel.copy_buttons["presenting"].isEnabled()
    assert panel.urls["presenting"].text() == ""
    panel.refresh()
    assert panel.status.text() == "The overlay server is not running."


def test_the_preview_draws_what_the_overlays_show(
    qtbot: QtBot, session: LiveSession, clock: VirtualClock, settings: Settings, tmp_path: Path
) -> None:
    service, panel = make(qtbot, session, settings, tmp_path)
    panel.resize(720, 760)
    panel.show()
    qtbot.waitExposed(panel)
    session.present("MASK")
    session.schedule_deal(DealSpec("MASK", deal_price_minor=3990, quantity=20, per_buyer=5,
                                   duration_s=120))  # fmt: skip
    for n, buyer in enumerate(["张三", "jason"]):
        session.ingest([{"kind": "order", "order_id": str(n), "buyer": buyer, "sku": "MASK",
                         "qty": 2}], "sim")  # fmt: skip
    clock.advance(30_500)

    async def scenario() -> None:
        await service.start()
        while service.server.view is None or service.server.view["deal"] is None:
            await asyncio.sleep(0.05)
        panel.refresh()
        assert panel.preview.view == service.server.view
        assert panel.preview._shown is not None
        assert panel.preview._shown[1] == "01:30"
        await service.stop()

    run(scenario())
    image = panel.preview.grab().toImage()
    path = tmp_path / "overlay-panel-preview.png"
    panel.grab().save(str(path))
    shots = os.environ.get("OVERLAY_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(Path(shots) / path.name))
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}  # fmt: skip
    assert "#606870" in colours  # the backdrop
    assert len(colours) > 20  # cards, text and a picture on it, not an empty canvas


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "00:00"), (1, "00:01"), (1000, "00:01"), (1001, "00:02"), (59_999, "01:00"),
     (3_600_000, "1:00:00"), (-5, "00:00")],
)  # fmt: skip
def test_clock_text_matches_the_pages(ms: int, text: str) -> None:
    assert clock_text(ms) == text
