"""The overlay server over real loopback sockets: what it serves, pushes and refuses."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import zlib
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.domain.clock import RealClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession
from console.importers.images import cache_path
from console.overlay import server as server_module
from console.overlay.security import new_token
from console.overlay.server import OVERLAYS, OverlayConfig, OverlayError, OverlayServer
from tests.support import small_catalog

TOKEN, REMOTE = new_token(), new_token()
FORBIDDEN = (403, "Forbidden")


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSession]:
    session = LiveSession.start(tmp_path / "o.live.db", title="Overlay", catalog=small_catalog(),
                                clock=RealClock())  # fmt: skip
    session.present("MASK")
    yield session
    session.close()


class Client:
    """Requests to a running server, with our own Host and Origin unless a test says otherwise."""

    def __init__(self, server: OverlayServer, http: aiohttp.ClientSession) -> None:
        self.server = server
        self.http = http
        self.base = f"http://127.0.0.1:{server.port}"
        self.origin = self.base

    async def get(self, path: str, **headers: str) -> tuple[int, str, Any]:
        async with self.http.get(self.base + path, headers=headers) as r:
            return r.status, await r.text(errors="replace"), r.headers

    async def act(self, body: Any, token: str = REMOTE, *, origin: str | None = "ours",
                  raw: bytes | None = None, content_type: str = "application/json") -> tuple[int, Any]:  # fmt: skip
        headers = {"Content-Type": content_type}
        if origin is not None:
            headers["Origin"] = self.origin if origin == "ours" else origin
        data = raw if raw is not None else json.dumps(body).encode()
        async with self.http.post(f"{self.base}/r/{token}/action", data=data, headers=headers) as r:
            text = await r.text()
            return r.status, json.loads(text) if r.content_type == "application/json" else text

    async def socket(self, path: str = f"/o/{TOKEN}/ws",
                     origin: str | None = "ours") -> aiohttp.ClientWebSocketResponse:  # fmt: skip
        chosen = self.origin if origin == "ours" else origin
        return await self.http.ws_connect(self.base + path, origin=chosen)


def serve(session: LiveSession, test: Callable[[Client], Awaitable[None]], **config: Any) -> None:
    async def main() -> None:
        async with asyncio.timeout(30):
            server = OverlayServer(session, session, OverlayConfig(TOKEN, REMOTE, port=0, **config))
            await server.start()
            try:
                async with aiohttp.ClientSession() as http:
                    await test(Client(server, http))
            finally:
                await server.stop()

    asyncio.run(main())


async def state_message(ws: aiohttp.ClientWebSocketResponse,
                        until: Callable[[dict[str, Any]], bool] = lambda m: True) -> dict[str, Any]:  # fmt: skip
    """The next state message that satisfies `until` (clock messages are skipped)."""
    while True:
        message: dict[str, Any] = json.loads(await ws.receive_str(timeout=5))
        if message["type"] == "state" and until(message):
            return message


# -- what needs the token -------------------------------------------------------------------------


def test_pages_and_assets_are_served_under_the_token(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        for name in OVERLAYS:
            status, text, headers = await c.get(f"/o/{TOKEN}/{name}")
            assert status == 200 and '<script type="module" src="overlay.js">' in text
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert "script-src 'self'" in headers["Content-Security-Policy"]
        for name, kind in [("overlay.css", "text/css"), ("live.js", "text/javascript"),
                           ("overlay.js", "text/javascript"), ("theme.css", "text/css")]:  # fmt: skip
            status, _, headers = await c.get(f"/o/{TOKEN}/{name}")
            assert (status, headers["Content-Type"]) == (200, f"{kind}; charset=utf-8")
        assert c.server.urls() == {
            name: f"http://127.0.0.1:{c.server.port}/o/{TOKEN}/{name}" for name in OVERLAYS
        }
        assert (await c.get(f"/o/{TOKEN}/nothing-here"))[0] == 404  # the token holder may know

    serve(live, test)


@pytest.mark.parametrize(
    "path",
    [
        "/", "/o/", f"/o/{TOKEN}", "/o/presenting", "/o/x/presenting",
        f"/o/{TOKEN[:-1]}/presenting", f"/o/{TOKEN}x/presenting", f"/o/{TOKEN.upper()}/overlay.js",
        f"/o/{REMOTE}/presenting", f"/r/{TOKEN}/", f"/r/{REMOTE}/",  # remote is off
        "/o/%E4%B8%AD/presenting", "/favicon.ico", f"/x/{TOKEN}/presenting",
    ],
)  # fmt: skip
def test_anything_without_the_right_token_is_a_bare_403(live: LiveSession, path: str) -> None:
    async def test(c: Client) -> None:
        status, text, headers = await c.get(path)
        assert (status, text) == FORBIDDEN
        assert "Server" not in headers  # not even what serves it
        assert not [h for h in headers if h.lower().startswith("access-control-")]

    serve(live, test)


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "127.0.0.1:{other}", "127.0.0.1", "localhost.evil.example:{port}",
     "192.168.1.5:{port}", ""],
)  # fmt: skip
def test_a_foreign_host_header_is_refused(live: LiveSession, host: str) -> None:
    """DNS rebinding: a hostile name resolving to 127.0.0.1 still sends its own name."""

    async def check(c: Client) -> None:
        port = c.server.port
        status, text, _ = await c.get(f"/o/{TOKEN}/presenting",
                                      Host=host.format(port=port, other=port + 1))  # fmt: skip
        assert (status, text) == FORBIDDEN
        assert (await c.get(f"/o/{TOKEN}/presenting", Host=f"localhost:{port}"))[0] == 200

    serve(live, check)


def test_no_cors_even_when_a_page_elsewhere_asks(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        for method in ("GET", "OPTIONS"):
            async with c.http.request(method, f"{c.base}/o/{TOKEN}/live.js",
                                      headers={"Origin": "http://evil.example",
                                               "Access-Control-Request-Method": "GET"}) as r:  # fmt: skip
                assert not [h for h in r.headers if h.lower().startswith("access-control-")]
                assert r.headers["X-Content-Type-Options"] == "nosniff"

    serve(live, test)


def test_the_lan_address_is_answered_only_when_lan_is_on(live: LiveSession, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # 127.0.0.2 stands in for the LAN address: Linux routes all of 127/8 to loopback.
    monkeypatch.setattr(server_module, "lan_address", lambda: "127.0.0.2")

    async def off(c: Client) -> None:
        status, text, _ = await c.get(f"/o/{TOKEN}/deal", Host=f"127.0.0.2:{c.server.port}")
        assert (status, text) == FORBIDDEN
        assert c.server.lan_address is None

    async def on(c: Client) -> None:
        assert c.server.lan_address == "127.0.0.2"
        async with c.http.get(f"http://127.0.0.2:{c.server.port}/o/{TOKEN}/deal") as r:
            assert r.status == 200
        assert c.server.remote_url() == f"http://127.0.0.2:{c.server.port}/r/{REMOTE}/"
        assert c.server.urls()["deal"].startswith("http://127.0.0.1:")

    serve(live, off)
    serve(live, on, lan=True, remote_enabled=True)


def test_lan_without_a_private_address_refuses_to_start(live: LiveSession, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(server_module, "lan_address", lambda: None)
    server = OverlayServer(live, live, OverlayConfig(TOKEN, REMOTE, port=0, lan=True))
    with pytest.raises(OverlayError, match="no private network address"):
        asyncio.run(server.start())
    assert not server.running


def test_a_port_in_use_is_a_clear_error(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        other = OverlayServer(
            live, live, OverlayConfig(new_token(), new_token(), port=c.server.port)
        )
        with pytest.raises(OverlayError, match=f"cannot listen on port {c.server.port}"):
            await other.start()

    serve(live, test)


# -- the WebSocket ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [None, "http://evil.example", "https://127.0.0.1:{port}", "http://127.0.0.1:{other}", "null"],
)
def test_a_foreign_origin_cannot_open_the_websocket(live: LiveSession, origin: str | None) -> None:
    async def test(c: Client) -> None:
        port = c.server.port
        wrong = None if origin is None else origin.format(port=port, other=port + 1)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await c.socket(origin=wrong)
        assert refused.value.status == 403
        ws = await c.socket(origin=f"http://localhost:{port}")
        await state_message(ws)
        await ws.close()

    serve(live, test)


def test_the_socket_pushes_the_clock_then_every_change(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        ws = await c.socket()
        clock = json.loads(await ws.receive_str(timeout=5))
        assert clock["type"] == "clock" and clock["rate"] == 1.0
        assert abs(clock["now"] - live.now_ms()) < 1000
        first = await state_message(ws)
        assert first["presenting"]["price"] == "¥59.90" and first["deal"] is None
        assert c.server.clients == 1

        live.schedule_deal(DealSpec("MASK", deal_price_minor=3990, quantity=2, per_buyer=2,
                                    duration_s=60))  # fmt: skip
        started = await state_message(ws, lambda m: m["deal"] is not None)
        assert started["presenting"]["price"] == "¥39.90"
        assert started["presenting"]["was"] == "¥59.90"
        deal = started["deal"]
        assert (deal["phase"], deal["left"], deal["price"]) == ("live", 2, "¥39.90")
        assert deal["ends_at"] - deal["live_at"] == 60_000

        live.ingest([{"kind": "order", "order_id": "1", "buyer": "张三丰", "sku": "MASK",
                      "qty": 2}], "sim")  # fmt: skip
        sold = await state_message(ws, lambda m: m["deal"]["sold_out"])
        assert sold["deal"]["phase"] == "ended"
        assert sold["presenting"]["price"] == "¥59.90"  # the regular price is back
        assert [(o["buyer"], o["qty"]) for o in sold["orders"]] == [("张**", 2)]
        assert c.server.view == sold
        await ws.close()

    serve(live, test)


def test_nothing_is_pushed_while_nothing_changes(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        ws = await c.socket()
        await state_message(ws)
        heard: list[str] = []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1.5):
                while True:
                    heard.append(json.loads(await ws.receive_str())["type"])
        assert heard in ([], ["clock"])  # a clock resync at most, every few seconds
        await ws.close()

    serve(live, test)


def test_stopping_closes_every_page_socket(live: LiveSession) -> None:
    async def main() -> None:
        server = OverlayServer(live, live, OverlayConfig(TOKEN, REMOTE, port=0))
        await server.start()
        async with aiohttp.ClientSession() as http:
            c = Client(server, http)
            ws = await c.socket()
            await state_message(ws)
            await server.stop()
            closed = await ws.receive(timeout=5)
            assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert server.clients == 0

    asyncio.run(main())


def test_sockets_are_capped(live: LiveSession, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_module, "MAX_SOCKETS", 2)

    async def test(c: Client) -> None:
        sockets = [await c.socket() for _ in range(2)]
        for ws in sockets:
            await state_message(ws)
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await c.socket()
        assert refused.value.status == 503
        for ws in sockets:
            await ws.close()

    serve(live, test)


# -- pictures -------------------------------------------------------------------------------


def test_product_pictures_are_served_and_nothing_else(live: LiveSession, tmp_path: Path) -> None:
    picture = tmp_path / "mask.png"
    picture.write_bytes(png())
    secret = tmp_path / "secret.png"  # named like a picture, but it is not one
    secret.write_text("password=hunter2")
    cache = tmp_path / "cache"
    cache.mkdir()
    url = "https://shop.example/tea.jpg"
    cache_path(cache, url).write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    state = live.state
    live.update_product(state.products["MASK"].product.with_changes(image=str(picture)))
    live.update_product(state.products["TEA"].product.with_changes(image=str(secret)))
    live.update_product(state.products["TEE"].product.with_changes(image=url))

    async def test(c: Client) -> None:
        ws = await c.socket()
        images = {}
        for sku in ("MASK", "TEA", "TEE"):
            live.present(sku)
            while (m := await state_message(ws))["presenting"]["sku"] != sku:
                pass
            images[sku] = m["presenting"]["image"]
        assert all(isinstance(i, str) and i.startswith("img/") for i in images.values())
        async with c.http.get(f"{c.base}/o/{TOKEN}/{images['MASK']}") as r:
            assert (r.status, r.content_type, await r.read()) == (200, "image/png", png())
        async with c.http.get(f"{c.base}/o/{TOKEN}/{images['TEE']}") as r:
            assert (r.status, r.content_type) == (200, "image/jpeg")
        assert (await c.get(f"/o/{TOKEN}/{images['TEA']}"))[0] == 404  # a text file stays home
        assert (await c.get(f"/o/{TOKEN}/img/{'0' * 32}"))[0] == 404
        assert (await c.get(f"/o/{TOKEN}/img/..%2F..%2Fetc%2Fpasswd"))[0] == 404
        assert (await c.get(f"/o/x/{images['MASK']}"))[:2] == FORBIDDEN
        await ws.close()

    serve(live, test, image_dir=cache)


def test_the_theme_is_the_users_stylesheet(live: LiveSession, tmp_path: Path) -> None:
    theme = tmp_path / "theme.css"

    async def test(c: Client) -> None:
        assert (await c.get(f"/o/{TOKEN}/theme.css"))[:2] == (200, "")
        theme.write_text(":root { --lc-accent: #00a0ff; }", encoding="utf-8")
        assert (await c.get(f"/o/{TOKEN}/theme.css"))[1] == ":root { --lc-accent: #00a0ff; }"

    serve(live, test, theme_css=theme)


# -- the remote ---------------------------------------------------------------------------------


def remote_events(session: LiveSession) -> list[tuple[str, dict[str, Any]]]:
    session.writer.flush()
    with closing(sqlite3.connect(session.path)) as db:
        rows = db.execute("SELECT kind, data FROM events WHERE source = 'remote' ORDER BY seq")
        return [(kind, json.loads(data)) for kind, data in rows]


def test_the_remote_is_off_by_default(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        assert c.server.remote_url() is None
        assert (await c.get(f"/r/{REMOTE}/"))[:2] == FORBIDDEN
        assert await c.act({"action": "next"}) == FORBIDDEN
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await c.socket(f"/r/{REMOTE}/ws")
        assert live.state.presenting == "MASK"

    serve(live, test)
    assert remote_events(live) == []


def test_remote_actions_need_the_remote_token_and_are_logged(live: LiveSession) -> None:
    async def test(c: Client) -> None:
        assert c.server.remote_url() == f"{c.base}/r/{REMOTE}/"
        status, text, _ = await c.get(f"/r/{REMOTE}/")
        assert status == 200 and '<script type="module" src="remote.js">' in text
        assert await c.act({"action": "next"}, token=TOKEN) == FORBIDDEN  # the overlay's token
        async with c.http.post(f"{c.base}/o/{TOKEN}/action", json={"action": "next"},
                               headers={"Origin": c.origin}) as r:  # fmt: skip
            assert r.status == 405
        assert live.state.presenting == "MASK"

        assert await c.act({"action": "next"}) == (200, {"ok": True})
        assert live.state.presenting == "TEA"
        assert await c.act({"action": "previous"}) == (200, {"ok": True})
        assert await c.act({"action": "marker", "text": " 抽奖 giveaway "}) == (200, {"ok": True})
        status, answer = await c.act({"action": "deal"})
        assert (status, answer["ok"]) == (409, False)
        assert "no deal is prepared" in answer["error"]
        live.prepare_deal(DealSpec("MASK", deal_price_minor=3990, quantity=5, per_buyer=1))
        await asyncio.sleep(1.5)  # let the rate limit refill
        assert await c.act({"action": "deal"}) == (200, {"ok": True})
        assert [d.sku for d in live.state.live_deals.values()] == ["MASK"]

        ws = await c.socket(f"/r/{REMOTE}/ws")
        # Launching used the prepared deal up; the view is rebuilt a few times a second,
        # so the first one sent may still predate the launch.
        view = await state_message(ws, until=lambda m: m["prepared"] is False)
        assert view["queue"]["position"] == 1
        assert "orders" not in view
        await ws.close()

    serve(live, test, remote_enabled=True)
    assert [kind for kind, _ in remote_events(live)] == [
        "product_presented", "product_presented", "marker", "deal_scheduled",
    ]  # fmt: skip
    assert remote_events(live)[2][1] == {"text": "抽奖 giveaway"}


@pytest.mark.parametrize("origin", [None, "http://evil.example", "null"])
def test_a_remote_action_from_another_origin_is_refused(live: LiveSession, origin: str | None) -> None:  # fmt: skip
    async def test(c: Client) -> None:
        assert await c.act({"action": "next"}, origin=origin) == FORBIDDEN

    serve(live, test, remote_enabled=True)
    assert remote_events(live) == []


@pytest.mark.parametrize(
    ("body", "raw", "content_type", "status"),
    [
        ({"action": "next", "pad": "x" * 5000}, None, "application/json", 413),
        (None, b"{not json", "application/json", 400),
        (None, b"[1, 2]", "application/json", 400),
        ({"action": "self_destruct"}, None, "application/json", 400),
        ({"action": "marker"}, None, "application/json", 400),
        ({"action": "marker", "text": "   "}, None, "application/json", 400),
        ({"action": "marker", "text": "x" * 501}, None, "application/json", 400),
        ({"action": "marker", "text": 5}, None, "application/json", 400),
        (None, b"action=next", "application/x-www-form-urlencoded", 415),
    ],
)  # fmt: skip
def test_bad_remote_requests_are_refused(live: LiveSession, body: Any, raw: bytes | None,
                                         content_type: str, status: int) -> None:  # fmt: skip
    async def test(c: Client) -> None:
        got, answer = await c.act(body, raw=raw, content_type=content_type)
        assert got == status
        assert answer["ok"] is False

    serve(live, test, remote_enabled=True)
    assert remote_events(live) == []


def test_remote_actions_are_rate_limited(live: LiveSession, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # No refill while a slow machine posts the eight.
    monkeypatch.setattr(server_module, "REMOTE_INTERVAL_S", 2.0)

    async def test(c: Client) -> None:
        answers = [(await c.act({"action": "next"}))[0] for _ in range(8)]
        assert answers == [200] * server_module.REMOTE_BURST + [429] * 3
        await asyncio.sleep(2.1)
        assert (await c.act({"action": "next"}))[0] == 200

    serve(live, test, remote_enabled=True)
    assert len(remote_events(live)) == server_module.REMOTE_BURST + 1
