"""The overlay server: pages for OBS browser sources and the optional remote, on the app's loop.

URLs put the secret token in the path (`/o/<token>/deal`), so every relative
asset, picture and WebSocket URL of a page carries it without any script.
Whatever lacks a right token, or comes with a Host header that is not ours,
gets the same bare 403. The remote lives under its own token (`/r/<token>/`)
and answers only when it is switched on.

The server reads a `ConsoleSource` (console/engine/source.py) a few times a second, rebuilds the view, and pushes it to the pages
only when it changed. Remote actions go to a `RemoteActions` object (a
`LiveSession`) with "remote" as their source, so each is an operator event
in the log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from urllib.request import url2pathname

from aiohttp import WSCloseCode, WSMsgType, hdrs, web

from console.domain.events import Event
from console.engine.source import ConsoleSource
from console.feeds.base import cancel_task
from console.importers.images import MAX_BYTES as MAX_IMAGE_BYTES
from console.importers.images import cache_path, is_remote
from console.overlay import DEFAULT_PORT
from console.overlay.security import (
    RateLimit,
    allowed_hosts,
    host_allowed,
    lan_address,
    origin_allowed,
    same_token,
    valid_token,
)
from console.overlay.view import ClockSync, OrderTicker, overlay_view, remote_view

log = logging.getLogger("console.overlay")

# Where headless `record` takes fixed tokens from, so OBS's URLs survive a restart.
TOKEN_ENV = "LIVE_CONSOLE_OVERLAY_TOKEN"
REMOTE_TOKEN_ENV = "LIVE_CONSOLE_OVERLAY_REMOTE_TOKEN"
LOOPBACK = "127.0.0.1"
OVERLAYS = ("presenting", "deal", "orders", "combined")
RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "overlay"
POLL_S = 0.1
MAX_REQUEST = 4096  # bytes of a request body; a remote action is a few dozen
MAX_SOCKETS = 32  # open WebSockets; OBS needs one per browser source
MAX_TEXT_FILE = 256 * 1024  # a page, script or stylesheet (the user's theme too)
MAX_MARKER = 500  # what a marker event takes
REMOTE_BURST, REMOTE_INTERVAL_S = 5, 0.5  # five taps at once, then two a second
REMOTE_ACTIONS = ("next", "previous", "deal", "marker")
SOURCE = "remote"

_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
_OVERLAY_FILES = frozenset({"overlay.css", "live.js", "overlay.js"})
_REMOTE_FILES = frozenset({"remote.css", "live.js", "remote.js"})
# Magic numbers of the pictures a page may load; anything else is never served.
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
_IMAGES_KEPT = 256


def theme_path(data_dir: Path) -> Path:
    """Where a user's overlay stylesheet lives in the data folder (docs/overlay.md)."""
    return data_dir / "overlay" / "theme.css"


class OverlayError(Exception):
    """The server cannot run as configured; the message is for the operator."""


class RemoteActions(Protocol):
    """What the remote page can do; a `LiveSession` is one. Refusals raise ValueError."""

    def present_step(self, step: int, source: str = ...) -> Event: ...

    def launch_prepared(self, product_sku: str | None = None, source: str = ...) -> Event: ...

    def marker(self, text: str, source: str = ...) -> Event: ...


@dataclass(frozen=True, slots=True)
class OverlayConfig:
    token: str
    remote_token: str
    port: int = DEFAULT_PORT  # 0 picks a free one (tests)
    lan: bool = False  # also listen on this machine's private network address
    remote_enabled: bool = False
    theme_css: Path | None = None  # the user's stylesheet, loaded after ours
    image_dir: Path | None = None  # where pictures named by URL were fetched to

    def __post_init__(self) -> None:
        for what, token in (("overlay token", self.token), ("remote token", self.remote_token)):
            if not valid_token(token):
                raise OverlayError(f"the {what} must be 22 to 128 letters, digits, - or _")
        if self.token == self.remote_token:
            raise OverlayError("the remote token must differ from the overlay token")


def _forbidden() -> web.Response:
    """The one answer to anything unauthorised: it says nothing about what exists."""
    return web.Response(status=403, text="Forbidden")


def _dump(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False, separators=(",", ":"))


def _image_type(head: bytes) -> str | None:
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "image/avif"
    return None


def _read_image(path: Path) -> tuple[bytes, str] | None:
    """The picture's bytes and type; None for a file too big or not a picture at all.

    A catalog can name any file, so only what starts like an image leaves the machine.
    """
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    kind = _image_type(data[:16])
    return None if kind is None else (data, kind)


def _read_text(path: Path, limit: int) -> str | None:
    try:
        if path.stat().st_size > limit:
            return None
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


class OverlayServer:
    def __init__(self, source: ConsoleSource, actions: RemoteActions | None,
                 config: OverlayConfig) -> None:  # fmt: skip
        self.source = source
        self.actions = actions
        self.config = config
        self.port = config.port
        self.lan_address: str | None = None
        self.view: dict[str, Any] | None = None  # what the overlay pages show now
        self._hosts: frozenset[str] = frozenset()
        self._runner: web.AppRunner | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self._sockets: dict[web.WebSocketResponse, str] = {}  # -> "overlay" or "remote"
        self._texts: dict[str, str] = {}  # the last view pushed, per scope
        self._ticker = OrderTicker()
        self._clock = ClockSync()
        self._images: dict[str, Path] = {}
        self._rate = RateLimit(REMOTE_BURST, REMOTE_INTERVAL_S)

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        """Listen on 127.0.0.1 (and the LAN address when asked); OverlayError if it cannot."""
        if self._runner is not None:
            return
        config = self.config
        names = [LOOPBACK, "localhost"]
        if config.lan:
            self.lan_address = lan_address()
            if self.lan_address is None:
                raise OverlayError("no private network address was found for LAN access")
            names.append(self.lan_address)
        app = web.Application(middlewares=[self._guard], client_max_size=MAX_REQUEST)
        app.router.add_get("/o/{token}/{name:.*}", self._overlay_get)
        app.router.add_get("/r/{token}/{name:.*}", self._remote_get)
        app.router.add_post("/r/{token}/action", self._remote_action)
        app.on_response_prepare.append(self._headers)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        try:
            for address in [LOOPBACK, self.lan_address] if self.lan_address else [LOOPBACK]:
                await web.TCPSite(runner, address, self.port).start()
                self.port = runner.addresses[0][1]  # the same port on every address
        except OSError as e:
            await runner.cleanup()
            self.port = config.port
            raise OverlayError(
                f"cannot listen on port {self.port} for the overlay: {e.strerror or e}"
            ) from None
        self._runner = runner
        self._hosts = allowed_hosts(self.port, names)
        self._poll_task = asyncio.get_running_loop().create_task(self._poll(), name="overlay")
        log.info("overlay listening on port %d of %s", self.port, ", ".join(names))

    async def stop(self) -> None:
        """Close every page's socket (they retry by themselves) and stop listening."""
        task, self._poll_task = self._poll_task, None
        await cancel_task(task)
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY)
        self._sockets.clear()
        self._texts.clear()
        self.view = None
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def reconfigure(self, config: OverlayConfig) -> None:
        """Apply new settings: a new port, token or LAN choice means listening anew."""
        await self.stop()
        self.config = config
        self.port = config.port
        self.lan_address = None
        await self.start()

    # -- addresses ----------------------------------------------------------------------
    def _base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def urls(self) -> dict[str, str]:
        """Each overlay's URL for a browser source on this machine."""
        return {name: f"{self._base(LOOPBACK)}/o/{self.config.token}/{name}" for name in OVERLAYS}

    def remote_url(self) -> str | None:
        """The remote page's URL, on the LAN address when there is one; None when it is off."""
        if not self.config.remote_enabled:
            return None
        host = self.lan_address or LOOPBACK
        return f"{self._base(host)}/r/{self.config.remote_token}/"

    @property
    def clients(self) -> int:
        """Overlay pages connected now (OBS keeps one per browser source)."""
        return sum(1 for scope in self._sockets.values() if scope == "overlay")

    def now_ms(self) -> int:
        return self.source.now_ms()

    # -- guards ---------------------------------------------------------------------------
    def _scope(self, path: str) -> str | None:
        """Whose token the path carries: the overlay's, the remote's (when on), or none."""
        parts = path.split("/", 3)
        if len(parts) < 4:
            return None
        kind, token = parts[1], parts[2]
        if kind == "o" and same_token(token, self.config.token):
            return "overlay"
        if kind == "r" and self.config.remote_enabled and same_token(token, self.config.remote_token):  # fmt: skip
            return "remote"
        return None

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not host_allowed(request.headers.get(hdrs.HOST), self._hosts):
            return _forbidden()
        if self._scope(request.path) is None:
            return _forbidden()
        response: web.StreamResponse = await handler(request)
        return response

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """No server banner, no caching, no framing, no sniffing, no referrer."""
        headers = response.headers
        headers.pop(hdrs.SERVER, None)
        headers["Cache-Control"] = "no-store"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        if response.content_type == "text/html":
            host = request.headers.get(hdrs.HOST, "")
            headers["Content-Security-Policy"] = (
                "default-src 'none'; script-src 'self'; style-src 'self'; "
                f"img-src 'self' data:; font-src data:; connect-src 'self' ws://{host}; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            )

    # -- pages and files --------------------------------------------------------------------
    async def _overlay_get(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name == "ws":
            return await self._socket(request, "overlay")
        if name in OVERLAYS:
            return await self._file("overlay.html")
        if name in _OVERLAY_FILES:
            return await self._file(name)
        if name == "theme.css":
            return await self._theme()
        if name.startswith("img/"):
            return await self._image(name.removeprefix("img/"))
        raise web.HTTPNotFound()

    async def _remote_get(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name == "ws":
            return await self._socket(request, "remote")
        if name == "":
            return await self._file("remote.html")
        if name in _REMOTE_FILES:
            return await self._file(name)
        raise web.HTTPNotFound()

    async def _file(self, name: str) -> web.Response:
        path = RESOURCES / name
        text = await asyncio.to_thread(_read_text, path, MAX_TEXT_FILE)
        if text is None:
            log.error("overlay resource %s is missing", path)
            raise web.HTTPNotFound()
        return web.Response(text=text, content_type=_TYPES[path.suffix], charset="utf-8")

    async def _theme(self) -> web.Response:
        """The user's stylesheet, read on every load so a page reload shows an edit; else empty."""
        path = self.config.theme_css
        text = await asyncio.to_thread(_read_text, path, MAX_TEXT_FILE) if path else None
        return web.Response(text=text or "", content_type="text/css", charset="utf-8")

    async def _image(self, key: str) -> web.Response:
        path = self._images.get(key)
        found = await asyncio.to_thread(_read_image, path) if path is not None else None
        if found is None:
            raise web.HTTPNotFound()
        data, kind = found
        return web.Response(body=data, content_type=kind)

    def _image_url(self, image: str) -> str | None:
        """A relative URL serving a product's picture, if it is a file here (or fetched to one)."""
        if is_remote(image):
            if self.config.image_dir is None:
                return None
            path = cache_path(self.config.image_dir, image)
        elif image.startswith("file:"):
            path = Path(url2pathname(urlsplit(image).path))
        elif "://" in image:
            return None
        else:
            path = Path(image).expanduser()
        if not path.is_absolute() or not path.is_file():
            return None
        key = hashlib.sha256(image.encode("utf-8")).hexdigest()[:32]
        if key not in self._images:
            self._images[key] = path
            if len(self._images) > _IMAGES_KEPT:
                del self._images[next(iter(self._images))]
        return f"img/{key}"

    # -- live views -------------------------------------------------------------------------
    def _compute(self) -> dict[str, str]:
        """The view per scope as JSON text; `view` keeps the overlay's for the console's preview."""
        source = self.source
        state = source.state
        now = source.now_ms()
        orders = self._ticker.update(state, source.activity_after)
        self.view = overlay_view(state, now, orders, self._image_url)
        texts = {"overlay": _dump(self.view)}
        if self.config.remote_enabled:
            texts["remote"] = _dump(remote_view(state, now, self._image_url))
        return texts

    async def _poll(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await self._publish(loop.time() * 1000)
            except Exception:  # a bug here must not freeze every overlay for the rest of the show
                log.exception("overlay update failed")
            await asyncio.sleep(POLL_S)

    async def _publish(self, wall_ms: float) -> None:
        texts = self._compute()
        now = self.source.now_ms()
        changed = {scope for scope, text in texts.items() if text != self._texts.get(scope)}
        self._texts = texts
        clock = self._clock.sample(now, wall_ms)
        if clock is None and changed:  # every update is also a chance to get the time right
            clock = self._clock.message(now)
        sends: dict[web.WebSocketResponse, list[str]] = {}
        for ws, scope in self._sockets.items():
            out = [_dump(clock)] if clock is not None else []
            if scope in changed:
                out.append(texts[scope])
            if out:
                sends[ws] = out
        await asyncio.gather(*(self._send(ws, out) for ws, out in sends.items()))

    async def _send(self, ws: web.WebSocketResponse, texts: list[str]) -> None:
        """Send in order, or drop a page that cannot keep up: it reconnects and gets it all."""
        try:
            for text in texts:
                await asyncio.wait_for(ws.send_str(text), 2.0)
        except (TimeoutError, ConnectionError, RuntimeError):
            await ws.close(code=WSCloseCode.TRY_AGAIN_LATER)

    async def _socket(self, request: web.Request, scope: str) -> web.StreamResponse:
        if not origin_allowed(request.headers.get(hdrs.ORIGIN), self._hosts):
            return _forbidden()
        if len(self._sockets) >= MAX_SOCKETS:
            return web.Response(status=503, text="Too many connections")
        ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=MAX_REQUEST)
        await ws.prepare(request)
        texts = self._texts or self._compute()
        self._sockets[ws] = scope
        try:
            await ws.send_str(_dump(self._clock.message(self.source.now_ms())))
            await ws.send_str(texts[scope])
            async for msg in ws:  # pages only listen; what they send is dropped
                if msg.type is WSMsgType.ERROR:
                    break
        except ConnectionError:
            pass
        finally:
            self._sockets.pop(ws, None)
        return ws

    # -- the remote ---------------------------------------------------------------------------
    async def _remote_action(self, request: web.Request) -> web.Response:
        if not origin_allowed(request.headers.get(hdrs.ORIGIN), self._hosts):
            return _forbidden()
        if not self._rate.take(asyncio.get_running_loop().time()):
            return web.json_response(
                {"ok": False, "error": "too many actions; wait a moment"},
                status=429, headers={"Retry-After": "1"},
            )  # fmt: skip
        if request.content_type != "application/json":
            return web.json_response({"ok": False, "error": "send JSON"}, status=415)
        try:
            body = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"ok": False, "error": "request too large"}, status=413)
        except (ValueError, RecursionError):
            return web.json_response({"ok": False, "error": "not JSON"}, status=400)
        action = body.get("action") if isinstance(body, dict) else None
        if action not in REMOTE_ACTIONS:
            return web.json_response({"ok": False, "error": "unknown action"}, status=400)
        text = body.get("text", "")
        if action == "marker" and (not isinstance(text, str) or not 0 < len(text.strip()) <= MAX_MARKER):  # fmt: skip
            return web.json_response(
                {"ok": False, "error": f"a marker needs 1 to {MAX_MARKER} characters of text"},
                status=400,
            )
        if self.actions is None:
            return web.json_response({"ok": False, "error": "nothing to control"}, status=409)
        try:
            if action in ("next", "previous"):
                self.actions.present_step(+1 if action == "next" else -1, source=SOURCE)
            elif action == "deal":
                self.actions.launch_prepared(source=SOURCE)
            else:
                self.actions.marker(text.strip(), source=SOURCE)
        except ValueError as e:  # the session's CommandError: said to the assistant as it is
            return web.json_response({"ok": False, "error": str(e)}, status=409)
        log.info("remote action %s", action)
        return web.json_response({"ok": True})
