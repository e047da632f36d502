"""The overlay in a real browser: headless Chromium loads it from a running server.

Chromium is driven over its DevTools protocol (a WebSocket, spoken here with
aiohttp): one page stays open while the session changes, so these tests see
what OBS would see: the countdown running, the price switching when a deal
starts, the sell-out, a reconnect after the server restarts, the cards leaving
when the show ends, hostile text shown as text, pictures and every request
staying on the console, and the remote page's buttons logged as remote
operator events. Screenshots go to the test's tmp folder (and to
$OVERLAY_SHOTS when set, for a person to look at).
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import sqlite3
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.domain.catalog import Product
from console.domain.clock import RealClock
from console.domain.deals import DealSpec
from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.overlay.security import new_token
from console.overlay.server import OverlayConfig, OverlayServer
from tests.integration.test_overlay_server import png
from tests.support import small_catalog

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium on PATH (apt install chromium)"),
]  # fmt: skip

HOSTILE = "<img src=x onerror=alert(1)>"
# A mid-grey "video" behind the transparent page, so screenshots show the cards as OBS would.
BACKDROP = {"r": 96, "g": 104, "b": 112, "a": 1}


class Cdp:
    """One page's DevTools session: commands in, results and events out."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        await self.ws.send_json({"id": ident, "method": method, "params": params})
        while True:
            message = await self.ws.receive_json()
            if message.get("id") != ident:
                self.events.append(message)
                continue
            assert "error" not in message, message
            result: dict[str, Any] = message["result"]
            return result

    async def js(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    async def until(self, expression: str, want: Any = True, timeout: float = 10.0) -> Any:
        """Poll until `expression` gives `want` (or, with want=None, anything truthy)."""
        value = None
        async with asyncio.timeout(timeout):
            while True:
                value = await self.js(expression)
                if value if want is None else value == want:
                    return value
                await asyncio.sleep(0.05)

    async def text(self, selector: str) -> str:
        value = await self.js(
            f"document.querySelector({json.dumps(selector)})?.textContent ?? null"
        )
        return str(value)

    async def open(self, url: str, width: int = 1920, height: int = 1080) -> None:
        await self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=False)  # fmt: skip
        await self.call("Page.navigate", url=url)
        await self.until("document.readyState", "complete")

    async def screenshot(self, path: Path) -> Path:
        """A PNG once cards have finished fading and sliding in (an urgent pulse never ends)."""
        await self.until("document.getAnimations().every(a => a.playState !== 'running'"
                         " || a.effect.getTiming().iterations === Infinity)")  # fmt: skip
        await self.call("Emulation.setDefaultBackgroundColorOverride", color=BACKDROP)
        shot = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        shots = os.environ.get("OVERLAY_SHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(shots) / path.name)
        return path


@asynccontextmanager
async def chromium(tmp: Path) -> AsyncIterator[Cdp]:
    assert CHROMIUM is not None
    profile = tmp / "profile"
    proc = await asyncio.create_subprocess_exec(
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        async with asyncio.timeout(30):
            while not port_file.is_file() or not port_file.read_text().strip():
                await asyncio.sleep(0.05)
        port = port_file.read_text().split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as r:
                targets = await r.json()
            page = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                cdp = Cdp(ws)
                await cdp.call("Page.enable")
                await cdp.call("Runtime.enable")
                await cdp.call("Network.enable")
                yield cdp
    finally:
        proc.kill()
        await proc.wait()


@dataclass
class Show:
    session: LiveSession
    server: OverlayServer
    browser: Cdp
    tmp: Path

    def url(self, name: str, query: str = "lang=en") -> str:
        return f"{self.server.urls()[name]}?{query}"


def run_show(tmp_path: Path, test: Callable[[Show], Awaitable[None]], *,
             catalog: list[Product] | None = None, remote: bool = False) -> LiveSession:  # fmt: skip
    """Run `test` with a live session (real clock, deal timers running), a server and a browser."""
    session = LiveSession.start(tmp_path / "show.live.db", title="Show",
                                catalog=catalog or small_catalog(), clock=RealClock())  # fmt: skip

    async def main() -> None:
        config = OverlayConfig(new_token(), new_token(), port=0, remote_enabled=remote)
        server = OverlayServer(session, session, config)
        runner = SessionRunner(session, [])
        await runner.start()
        await server.start()
        try:
            async with asyncio.timeout(120), chromium(tmp_path) as browser:
                await test(Show(session, server, browser, tmp_path))
        finally:
            await server.stop()
            await runner.stop()

    try:
        session.present_step(+1)
        asyncio.run(main())
    finally:
        session.close()
    return session


def deal(countdown_s: int = 0, quantity: int = 5) -> DealSpec:
    return DealSpec("MASK", deal_price_minor=3990, quantity=quantity, per_buyer=quantity,
                    countdown_s=countdown_s, duration_s=120)  # fmt: skip


def seconds(text: str) -> int:
    minutes, secs = text.split(":")
    return int(minutes) * 60 + int(secs)


def clock(total: int) -> str:
    return f"{total // 60:02d}:{total % 60:02d}"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_price_switches_when_a_deal_starts_and_the_countdown_runs(tmp_path: Path) -> None:
    async def test(show: Show) -> None:
        b = show.browser
        await b.open(show.url("combined"))
        await b.until("document.querySelector('.presenting .price')?.textContent", "¥59.90")
        assert await b.text(".presenting .was") == "¥99.00"
        assert await b.text(".presenting .badge") == "Now presenting"
        assert await b.js("document.querySelector('.deal').classList.contains('shown')") is False
        # The page is transparent: OBS composites only the cards over the video.
        assert await b.js("getComputedStyle(document.body).backgroundColor") == "rgba(0, 0, 0, 0)"
        assert await b.js("getComputedStyle(document.documentElement).backgroundColor") == "rgba(0, 0, 0, 0)"  # fmt: skip
        await show.browser.screenshot(show.tmp / "overlay-presenting-1080p.png")

        show.session.schedule_deal(deal())
        await b.until("document.querySelector('.presenting .price').textContent", "¥39.90")
        assert await b.text(".presenting .was") == "¥59.90"
        assert await b.text(".presenting .badge") == "Flash deal price"
        await b.until("document.querySelector('.deal').classList.contains('shown')")
        assert await b.text(".deal .phase") == "Ends in"
        assert await b.text(".deal .price") == "¥39.90"
        assert await b.text(".deal .stock") == "5 of 5 left"
        first = seconds(await b.text(".deal .countdown"))
        assert 110 <= first <= 120  # 02:00 when read at once; a busy machine reads later
        changed = await b.until(
            f"(t => t !== {json.dumps(clock(first))} && t)(document.querySelector('.deal .countdown').textContent)",
            None, timeout=3,
        )  # fmt: skip
        assert first - 2 <= seconds(changed) < first
        shot = await show.browser.screenshot(show.tmp / "overlay-deal-live-1080p.png")
        assert png_size(shot) == (1920, 1080)

    run_show(tmp_path, test)


def test_the_countdown_to_a_deal_then_the_sell_out(tmp_path: Path) -> None:
    async def test(show: Show) -> None:
        b = show.browser
        await b.open(show.url("deal", "lang=zh"))
        await b.until("document.body.classList.contains('offline')", False)
        show.session.schedule_deal(deal(countdown_s=10, quantity=3))
        await b.until("document.querySelector('.deal').dataset.phase", "countdown")
        assert await b.text(".deal .phase") == "距开抢"
        assert 7 <= seconds(await b.text(".deal .countdown")) <= 10
        await b.until(
            "document.querySelector('.deal .countdown').textContent <= '00:06'", timeout=5
        )
        # Nothing else is on this page: just the deal card.
        assert await b.js("document.querySelectorAll('.card').length") == 1

        await b.until("document.querySelector('.deal').dataset.phase", "live", timeout=12)
        assert await b.text(".deal .phase") == "距结束"
        show.session.ingest([{"kind": "order", "order_id": "1", "buyer": "张三丰", "sku": "MASK",
                              "qty": 3}], "sim")  # fmt: skip
        await b.until("document.querySelector('.deal').classList.contains('sold-out')")
        assert await b.text(".deal .stamp") == "已抢光"
        assert await b.text(".deal .stock") == "仅剩 0 件 / 共 3 件"
        assert await b.js("document.querySelector('.deal .bar').style.width") == "100%"
        await show.browser.screenshot(show.tmp / "overlay-deal-sold-out-zh.png")

    run_show(tmp_path, test)


def test_hostile_text_is_shown_as_text(tmp_path: Path) -> None:
    catalog = [Product("EVIL", HOSTILE, 1000, 10), *small_catalog()]

    async def test(show: Show) -> None:
        b = show.browser
        await b.open(show.url("combined"))
        await b.until("document.querySelector('.presenting .title')?.textContent", HOSTILE)
        show.session.ingest([{"kind": "order", "order_id": "1", "buyer": "<b>x</b>", "sku": "EVIL",
                              "qty": 1}], "sim")  # fmt: skip
        await b.until("document.querySelector('.orders .item')?.textContent", HOSTILE)
        assert await b.text(".orders .buyer") == "<***>"
        assert await b.js("document.querySelectorAll('img[src=\"x\"], b').length") == 0
        assert await b.js("document.querySelector('.presenting .tile').textContent") == "<"
        await asyncio.sleep(0.5)  # an onerror handler would have fired by now
        dialogs = [e for e in b.events if e.get("method") == "Page.javascriptDialogOpening"]
        assert dialogs == []
        await show.browser.screenshot(show.tmp / "overlay-hostile-title.png")

    run_show(tmp_path, test, catalog=catalog)


def test_the_picture_comes_from_the_console_and_nothing_from_elsewhere(tmp_path: Path) -> None:
    picture = tmp_path / "mask.png"
    picture.write_bytes(png(64, 64))
    mask, *rest = small_catalog()
    catalog = [mask.with_changes(image=str(picture)), *rest]

    async def test(show: Show) -> None:
        b = show.browser
        await b.open(show.url("presenting"))
        await b.until("document.querySelector('.presenting img')?.naturalWidth", 64)
        assert await b.js("document.querySelector('.picture').classList.contains('no-image')") is False  # fmt: skip
        show.session.present("TEA")  # no picture: the tile with its first letter
        await b.until("document.querySelector('.picture').classList.contains('no-image')")
        assert await b.text(".presenting .tile") == "O"
        base = f"http://127.0.0.1:{show.server.port}/o/{show.server.config.token}/"
        requested = [e["params"]["request"]["url"] for e in b.events
                     if e.get("method") == "Network.requestWillBeSent"]  # fmt: skip
        assert requested and all(url.startswith(base) for url in requested), requested
        assert {url.removeprefix(base).split("/")[0] for url in requested} == {
            "presenting?lang=en", "overlay.css", "theme.css", "overlay.js", "live.js", "img",
        }  # fmt: skip
        sockets = [e["params"]["url"] for e in b.events if e.get("method") == "Network.webSocketCreated"]  # fmt: skip
        assert sockets == [base.replace("http:", "ws:") + "ws"]

    run_show(tmp_path, test, catalog=catalog)


def test_vertical_layout_in_chinese_with_orders(tmp_path: Path) -> None:
    async def test(show: Show) -> None:
        b = show.browser
        show.session.schedule_deal(deal(quantity=50))
        for i, buyer in enumerate(["王小明", "jason", "李", "Alexandra Smith"]):
            show.session.ingest([{"kind": "order", "order_id": str(i), "buyer": buyer,
                                  "sku": "MASK", "qty": 1}], "sim")  # fmt: skip
        await b.open(show.url("combined", "lang=zh"), width=1080, height=1920)
        await b.until("document.querySelectorAll('.orders li').length", 4)
        assert await b.js("document.documentElement.dataset.layout") == "portrait"
        buyers = await b.js(
            "[...document.querySelectorAll('.orders .buyer')].map(e => e.textContent)"
        )
        assert buyers == ["A***h", "*", "j***n", "王**"]  # newest first
        assert await b.text(".orders .verb") == "刚刚下单"
        assert await b.text(".presenting .badge") == "秒杀价"
        # Every card lies inside the canvas, and none overlaps another.
        boxes = await b.js(
            "[...document.querySelectorAll('.card')].map(c => {const r = c.getBoundingClientRect();"
            " return [r.left, r.top, r.right, r.bottom]})"
        )
        for left, top, right, bottom in boxes:
            assert 0 <= left < right <= 1080 and 0 <= top < bottom <= 1920
        for i, a in enumerate(boxes):
            for other in boxes[i + 1 :]:
                assert a[2] <= other[0] or other[2] <= a[0] or a[3] <= other[1] or other[3] <= a[1]
        shot = await show.browser.screenshot(show.tmp / "overlay-combined-vertical-zh.png")
        assert png_size(shot) == (1080, 1920)

    run_show(tmp_path, test)


def test_the_page_reconnects_after_a_restart_and_clears_when_the_show_ends(tmp_path: Path) -> None:
    async def test(show: Show) -> None:
        b = show.browser
        await b.open(show.url("presenting"))
        await b.until("document.querySelector('.presenting .price')?.textContent", "¥59.90")
        port = show.server.port
        await show.server.stop()
        show.session.present_step(+1)  # changes while the console is away
        await show.server.reconfigure(OverlayConfig(show.server.config.token,
                                                    show.server.config.remote_token, port=port))  # fmt: skip
        await b.until(
            "document.querySelector('.presenting .title').textContent", "Oolong tea 乌龙茶"
        )
        assert await b.js("document.body.classList.contains('offline')") is False
        show.session.end("operator")  # the show is over: nothing stays on the stream
        await b.until("getComputedStyle(document.querySelector('.presenting')).opacity", "0")

    run_show(tmp_path, test)


def test_remote_buttons_act_as_logged_remote_events(tmp_path: Path) -> None:
    async def test(show: Show) -> None:
        b = show.browser
        remote = show.server.remote_url()
        assert remote is not None
        await b.open(remote + "?lang=en", width=412, height=915)
        await b.until("document.getElementById('title').textContent", "保湿面膜 10片")
        assert await b.text("#position") == "1 / 3"
        assert await b.text("#next") == "Oolong tea 乌龙茶"
        await b.js("document.querySelector('[data-action=next]').click()")
        await b.until("document.getElementById('title').textContent", "Oolong tea 乌龙茶")
        await b.until("document.getElementById('result').textContent", "Done")
        await b.js("document.querySelector('[data-action=deal]').click()")
        await b.until("document.getElementById('result').textContent.startsWith('Refused: ')")
        await b.js("document.getElementById('marker-text').value = '抽奖 giveaway'")
        await b.js("document.querySelector('[data-action=marker]').click()")
        await b.until("document.getElementById('marker-text').value", "")
        await show.browser.screenshot(show.tmp / "overlay-remote-phone.png")

    session = run_show(tmp_path, test, remote=True)
    with closing(sqlite3.connect(session.path)) as db:
        rows = db.execute(
            "SELECT kind, data FROM events WHERE source = 'remote' ORDER BY seq"
        ).fetchall()
    assert [(kind, json.loads(data)) for kind, data in rows] == [
        ("product_presented", {"sku": "TEA"}),
        ("marker", {"text": "抽奖 giveaway"}),
    ]
