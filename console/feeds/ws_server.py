"""The feed server: "live-console-feed/1" over WebSocket, for bridges' authors and tests.

`live-console feed-server` serves a `Stream`: a deterministic source of raw
events numbered from 1, regenerated from its start whenever it is needed.
So a server that was killed and restarted sends the same event under the
same number, and a console resuming after seq N gets exactly what follows N.
Events are released on the stream's own clock, which runs with the wall
clock from the server's start and jumps ahead when a client resumes beyond
it: a restarted server meets a resuming console where it left off instead of
replaying the whole show in real time.

aiohttp is imported inside the functions that serve: building the command
line for any `live-console` command should not pay for it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from console import __version__
from console.domain.catalog import Product
from console.domain.clock import RealClock
from console.domain.events import AUDIENCE_KINDS
from console.domain.reducer import admit, apply
from console.domain.script import auto_show
from console.domain.state import SessionState
from console.feeds.base import cancel_task
from console.feeds.simulator import PRESETS, Simulator
from console.feeds.ws_protocol import (
    CLOSE_AUTH,
    CLOSE_HELLO,
    CLOSE_PROTOCOL,
    ERR_AUTH,
    ERR_FRAME,
    ERR_HELLO,
    ERR_PROTOCOL,
    MAX_BATCH,
    MAX_FRAME_BYTES,
    MAX_HEARTBEAT_S,
    MIN_HEARTBEAT_S,
    PROTOCOL,
    Ack,
    Action,
    Hello,
    ProtocolError,
    encode_batch,
    encode_error,
    encode_event,
    encode_heartbeat,
    encode_welcome,
    frame_size,
    parse_client_frame,
)
from console.importers.catalog_import import import_catalog
from console.importers.csv_rows import CatalogImportError
from console.importers.sample import sample_catalog_path
from console.store.errors import SessionFileError
from console.store.reader import iter_events
from console.store.session_file import open_session

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger("console.feeds.ws_server")

TOKEN_ENV = "LIVE_CONSOLE_FEED_TOKEN"
HELLO_TIMEOUT_S = 5.0
# The simulated show runs on a virtual clock from this instant; events go out
# without ts_ms and the console stamps their arrival.
VIRTUAL_START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
SLICE_MS = 50
SHOW_MS = 7 * 24 * 3600 * 1000
# Events handled between yields to the loop, so one client's catch-up does not stall the rest.
CHUNK = 2000
RECENT_ACTIONS = 100

Due = tuple[int, dict[str, Any]]  # ms after the stream's start when it goes out, raw event


class Stream(Protocol):
    """A deterministic source of raw events; the i-th it yields has seq i."""

    stream_id: str  # stable: equal ids promise equal events under equal numbers

    def events(self) -> Generator[Due, None, None]:
        """The whole stream from seq 1, each event with when it is due."""
        ...


class SimulatedStream:
    """The simulator's audience for a catalog, a function of its arguments alone.

    A shadow session (the catalog added, each product presented in turn as in
    `simulate`) is folded with the real reducer on a virtual clock, and the
    simulator is stepped in fixed slices; events the shadow refuses (an order
    beyond stock) are left out, so a console with the same catalog takes them all.
    """

    def __init__(self, preset: str = "mid", seed: int = 0, rate: float | None = None,
                 catalog: Sequence[Product] = ()) -> None:  # fmt: skip
        Simulator(preset, seed, rate)  # refuses a bad preset or rate now, not at the first client
        if not catalog:
            raise ValueError("a simulated stream needs a catalog")
        if len({p.currency for p in catalog}) > 1:
            raise ValueError("the catalog mixes currencies")
        self.preset, self.seed, self.rate = preset, seed, rate
        self.catalog = tuple(catalog)
        ident = json.dumps([preset, seed, rate, [p.to_dict() for p in self.catalog]],
                           sort_keys=True, ensure_ascii=False)  # fmt: skip
        self.stream_id = "sim-" + sha256(ident.encode()).hexdigest()[:16]

    def events(self) -> Generator[Due, None, None]:
        state = SessionState()
        t0 = VIRTUAL_START_MS

        def fold(raw: dict[str, Any], now: int) -> dict[str, Any] | None:
            ev = admit(state, raw, "ws", t0 + now)
            if isinstance(ev, str):
                return None
            apply(state, ev)
            return {"kind": ev.kind, **ev.data}

        currency = self.catalog[0].currency
        fold({"kind": "session_started", "session_id": self.stream_id, "title": "feed-server",
              "currency": currency, "app_version": __version__}, 0)  # fmt: skip
        for product in self.catalog:
            fold({"kind": "product_added", "product": product.to_dict()}, 0)
        show = auto_show([p.sku for p in self.catalog], SHOW_MS)
        sim = Simulator(self.preset, self.seed, self.rate)
        i = now = 0
        while True:
            while i < len(show) and show[i].at_ms <= now:
                fold({"kind": "product_presented", **show[i].fields}, now)
                i += 1
            now += SLICE_MS
            for raw in sim.step(state, t0 + now, SLICE_MS):
                when = raw["ts_ms"] - t0
                event = fold(raw, now)
                if event is not None:
                    yield when, event


class ReplayStream:
    """The audience events of a recorded session, at their original spacing / speed."""

    def __init__(self, path: Path, speed: float = 1.0) -> None:
        if not (speed > 0 and math.isfinite(speed)):
            raise ValueError(f"speed must be a positive number, got {speed!r}")
        conn, meta = open_session(path)
        conn.close()
        self.path = path
        self.speed = speed
        self.stream_id = "replay-" + meta.id[:64]

    def events(self) -> Generator[Due, None, None]:
        conn, _meta = open_session(self.path)
        try:
            origin: int | None = None
            for ev in iter_events(conn, self.path):
                if origin is None:
                    origin = ev.ts_ms
                if ev.kind in AUDIENCE_KINDS:
                    yield round((ev.ts_ms - origin) / self.speed), {"kind": ev.kind, **ev.data}
        finally:
            conn.close()


class _Pace:
    """A stream's clock: ms since the server started, moved ahead by `catch_up`."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()
        self._shift = 0

    def now_ms(self) -> int:
        return int((time.monotonic() - self._t0) * 1000) + self._shift

    def catch_up(self, ms: int) -> None:
        self._shift += max(0, ms - self.now_ms())


class _Cursor:
    """One reader's place in a stream: `seq` is the last event it has passed."""

    def __init__(self, stream: Stream, pace: _Pace) -> None:
        self._items = stream.events()
        self._pace = pace
        self.seq = 0
        self.due_ms = 0  # when event `seq` was due
        self._next: Due | None = next(self._items, None)

    def _pass(self) -> dict[str, Any]:
        assert self._next is not None
        self.due_ms, event = self._next
        self.seq += 1
        self._next = next(self._items, None)
        return event

    async def skip(
        self, after: int | None = None, alive: Callable[[], bool] = lambda: True
    ) -> None:
        """Pass event `after` whatever its time, or (None) every event due now."""
        while True:
            now = self._pace.now_ms()
            n = 0
            while (
                self._next is not None
                and n < CHUNK
                and (self._next[0] <= now if after is None else self.seq < after)
            ):
                self._pass()
                n += 1
            if n < CHUNK or not alive():
                return
            await asyncio.sleep(0)

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Events due now, at most `limit`."""
        now = self._pace.now_ms()
        out: list[dict[str, Any]] = []
        while self._next is not None and self._next[0] <= now and len(out) < limit:
            out.append(self._pass())
        return out

    def wait_s(self) -> float | None:
        """Seconds until the next event is due; None when the stream has ended."""
        if self._next is None:
            return None
        return max(0.0, (self._next[0] - self._pace.now_ms()) / 1000)

    def close(self) -> None:
        self._items.close()


@dataclass(eq=False, slots=True)
class Client:
    """A connected console, as the server sees it."""

    peer: str
    sent: int = 0  # last seq sent
    acked: int = 0  # last seq it acknowledged


def _wall_ms() -> int:
    return RealClock().now_ms()


class FeedServer:
    """Serves one stream on GET /feed to any number of consoles."""

    def __init__(self, stream: Stream, *, token: str | None = None, heartbeat_s: float = 5.0,
                 batch: int = 1, hello_timeout_s: float = HELLO_TIMEOUT_S) -> None:  # fmt: skip
        if not 1 <= batch <= MAX_BATCH:
            raise ValueError(f"batch must be 1 to {MAX_BATCH}")
        if not MIN_HEARTBEAT_S <= heartbeat_s <= MAX_HEARTBEAT_S:
            raise ValueError(f"heartbeat must be {MIN_HEARTBEAT_S} to {MAX_HEARTBEAT_S:g} s")
        self.stream = stream
        self.heartbeat_s = heartbeat_s
        self.batch = batch
        self.hello_timeout_s = hello_timeout_s
        self._token = token.encode() if token else None
        self._pace = _Pace()
        self._head = _Cursor(stream, self._pace)  # how far the stream has got, for welcomes
        self._sockets: set[web.WebSocketResponse] = set()
        self._runner: web.AppRunner | None = None
        self.clients: list[Client] = []
        self.connections = 0  # hellos accepted
        self.refusals = 0  # hellos refused (token, version, none)
        self.actions = 0
        self.recent_actions: deque[Action] = deque(maxlen=RECENT_ACTIONS)

    def app(self) -> web.Application:
        from aiohttp import web

        app = web.Application()
        app.router.add_get("/feed", self._handle)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen; returns the port (the one picked when `port` is 0)."""
        from aiohttp import web

        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except BaseException:
            await self.close()
            raise
        return int(self._runner.addresses[0][1])

    async def close(self) -> None:
        from aiohttp import WSCloseCode

        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._head.close()

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        from aiohttp import web

        ws = web.WebSocketResponse(max_msg_size=MAX_FRAME_BYTES, timeout=2.0)

        def alive() -> bool:
            """Still connected: a long catch-up stops when the client is gone."""
            transport = request.transport
            return not ws.closed and transport is not None and not transport.is_closing()

        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            hello = await self._hello(ws)
            if hello is not None:
                await self._serve(ws, hello, request.remote or "?", alive)
        finally:
            self._sockets.discard(ws)
            await ws.close()
        return ws

    async def _refuse(self, ws: web.WebSocketResponse, code: str, close: int, why: str) -> None:
        self.refusals += 1
        log.info("feed-server: refused a client: %s", why)
        with contextlib.suppress(ConnectionError):
            await ws.send_str(encode_error(code, why))
        # A close reason is at most 123 bytes of UTF-8: cut, then drop a split character.
        await ws.close(code=close, message=why.encode()[:120].decode(errors="ignore").encode())

    async def _hello(self, ws: web.WebSocketResponse) -> Hello | None:
        from aiohttp import WSMsgType

        try:
            msg = await ws.receive(timeout=self.hello_timeout_s)
        except TimeoutError:
            await self._refuse(ws, ERR_HELLO, CLOSE_HELLO, f"no hello within {self.hello_timeout_s:g} s")  # fmt: skip
            return None
        if msg.type is not WSMsgType.TEXT:
            if not ws.closed:
                await self._refuse(ws, ERR_HELLO, CLOSE_HELLO, "the first frame must be a hello")
            return None
        try:
            hello = parse_client_frame(msg.data)
        except ProtocolError as e:
            await self._refuse(ws, ERR_HELLO, CLOSE_HELLO, f"bad hello: {e.reason}")
            return None
        if not isinstance(hello, Hello):
            await self._refuse(ws, ERR_HELLO, CLOSE_HELLO, "the first frame must be a hello")
            return None
        if hello.protocol != PROTOCOL:
            why = f"this server speaks {PROTOCOL}, not {hello.protocol!r:.60}"
            await self._refuse(ws, ERR_PROTOCOL, CLOSE_PROTOCOL, why)
            return None
        given = (hello.token or "").encode("utf-8", "surrogatepass")
        if self._token is not None and not hmac.compare_digest(given, self._token):
            why = "wrong token" if hello.token else "this server needs a token"
            await self._refuse(ws, ERR_AUTH, CLOSE_AUTH, why)
            return None
        return hello

    async def _serve(self, ws: web.WebSocketResponse, hello: Hello, peer: str,
                     alive: Callable[[], bool]) -> None:  # fmt: skip
        cursor = _Cursor(self.stream, self._pace)
        try:
            await cursor.skip(hello.resume_after, alive)
            if not alive():
                return
            self._pace.catch_up(cursor.due_ms)
            await self._head.skip(alive=alive)
            client = Client(peer, sent=cursor.seq, acked=cursor.seq)
            last = max(self._head.seq, cursor.seq)
            await ws.send_str(
                encode_welcome(self.stream.stream_id, _wall_ms(), self.heartbeat_s, last, 1, True)
            )
            self.connections += 1
            self.clients.append(client)
            log.info("feed-server: %s resumes after %d", peer, cursor.seq)
            sender = asyncio.get_running_loop().create_task(self._send(ws, cursor, client))
            try:
                await self._receive(ws, client)
            finally:
                await cancel_task(sender)
                self.clients.remove(client)
        except ConnectionError:
            pass  # the client went away; nothing is owed to it
        finally:
            cursor.close()

    def _frames(self, seq: int, events: list[dict[str, Any]]) -> list[str]:
        """Frames for consecutive events from `seq`: one each, or batches under the size limit."""
        if self.batch == 1:
            return [encode_event(seq + i, ev) for i, ev in enumerate(events)]
        frames: list[str] = []
        for i in range(0, len(events), self.batch):
            part = events[i : i + self.batch]
            frames += self._fit(seq + i, part)
        return frames

    def _fit(self, seq: int, events: list[dict[str, Any]]) -> list[str]:
        text = encode_batch(seq, events)
        if len(events) == 1 or frame_size(text) <= MAX_FRAME_BYTES:
            return [text]
        half = len(events) // 2
        return self._fit(seq, events[:half]) + self._fit(seq + half, events[half:])

    async def _send(self, ws: web.WebSocketResponse, cursor: _Cursor, client: Client) -> None:
        loop = asyncio.get_running_loop()
        beat_at = loop.time() + self.heartbeat_s
        with contextlib.suppress(ConnectionError):
            while not ws.closed:
                events = cursor.take(max(CHUNK, self.batch))
                if events:
                    seq = client.sent + 1
                    for frame in self._frames(seq, events):
                        await ws.send_str(frame)
                    client.sent = seq + len(events) - 1
                now = loop.time()
                if now >= beat_at:
                    await ws.send_str(encode_heartbeat(client.sent, _wall_ms()))
                    beat_at = now + self.heartbeat_s
                wait = 0.0 if events else cursor.wait_s()
                await asyncio.sleep(beat_at - now if wait is None else min(wait, beat_at - now))

    async def _receive(self, ws: web.WebSocketResponse, client: Client) -> None:
        from aiohttp import WSMsgType

        async for msg in ws:
            if msg.type is WSMsgType.ERROR:
                return
            if msg.type is not WSMsgType.TEXT:
                await ws.send_str(encode_error(ERR_FRAME, "binary frames are not part of the protocol"))  # fmt: skip
                continue
            try:
                frame = parse_client_frame(msg.data)
            except ProtocolError as e:
                await ws.send_str(encode_error(ERR_FRAME, e.reason))
                continue
            if isinstance(frame, Ack):
                if frame.seq > client.sent:
                    why = f"ack for {frame.seq}, but only {client.sent} were sent"
                    await ws.send_str(encode_error(ERR_FRAME, why))
                else:
                    client.acked = max(client.acked, frame.seq)
            elif isinstance(frame, Action):
                self.actions += 1
                self.recent_actions.append(frame)
                log.info("feed-server: action %d %s from %s", frame.seq, frame.kind, client.peer)
            else:
                await ws.send_str(encode_error(ERR_FRAME, "hello was already received"))


# -- the command line -----------------------------------------------------------------
def _number(low: float, high: float, kind: type[int] | type[float]) -> Callable[[str], Any]:
    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not (low <= value <= high):
            raise argparse.ArgumentTypeError(f"{text!r} must be {low:g} to {high:g}")
        return value

    return parse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=_number(0, 65535, int), required=True,
                   help="TCP port; 0 picks a free one, shown in the line printed at start")  # fmt: skip
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")  # fmt: skip
    source = p.add_mutually_exclusive_group()
    source.add_argument("--simulate", metavar="PRESET", choices=sorted(PRESETS),
                        help=f"serve a simulated audience: {', '.join(PRESETS)} (the default, mid)")  # fmt: skip
    source.add_argument("--replay", metavar="FILE",
                        help="serve the audience events of a recorded session file")  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="simulator seed (default 0)")
    p.add_argument("--rate", type=_number(1e-3, 1e6, float),
                   help="simulated events per second, overriding the preset")  # fmt: skip
    p.add_argument("--catalog", help="catalog CSV for the simulated audience (default: the sample)")
    p.add_argument("--speed", type=_number(1e-3, 1e6, float), default=1.0,
                   help="replay speed (default 1: the original spacing)")  # fmt: skip
    p.add_argument("--token", help=f"token clients must send (default: env {TOKEN_ENV}; "
                   "without one only this machine may connect)")  # fmt: skip
    p.add_argument("--batch", type=_number(1, MAX_BATCH, int), default=1,
                   help="events per frame (default 1: single-event frames)")  # fmt: skip
    p.add_argument("--heartbeat", type=_number(MIN_HEARTBEAT_S, MAX_HEARTBEAT_S, float),
                   default=5.0, help="seconds between heartbeats (default 5)")  # fmt: skip


def _stream(args: argparse.Namespace) -> Stream:
    if args.replay:
        return ReplayStream(Path(args.replay), args.speed)
    path = Path(args.catalog) if args.catalog else sample_catalog_path()
    catalog = import_catalog(path).products
    return SimulatedStream(args.simulate or "mid", args.seed, args.rate, catalog)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    return f"ws://[{host}]:{port}/feed" if ":" in host else f"ws://{host}:{port}/feed"


async def _serve_until_signal(server: FeedServer, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises instead
            loop.add_signal_handler(sig, stop.set)
    real_port = await server.start(host, port)
    try:
        # Printed once the signals are handled: a supervisor may stop us as soon as it reads this.
        print(f"feed-server listening on {_url(host, real_port)}", flush=True)
        await stop.wait()
    finally:
        await server.close()


def run(args: argparse.Namespace) -> int:
    """`live-console feed-server`: serve until SIGINT or SIGTERM, then exit 0."""

    def fail(message: str, code: int = 2) -> int:
        print(f"live-console feed-server: {message}", file=sys.stderr)
        return code

    token = args.token or os.environ.get(TOKEN_ENV) or None
    if token is None and not _loopback(args.host):
        return fail(f"--host {args.host} lets other machines connect: give a --token too")
    try:
        stream = _stream(args)
    except (CatalogImportError, SessionFileError, ValueError, OSError) as e:
        return fail(str(e))
    server = FeedServer(stream, token=token, heartbeat_s=args.heartbeat, batch=args.batch)
    try:
        asyncio.run(_serve_until_signal(server, args.host, args.port))
    except OSError as e:
        return fail(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}", 1)
    except KeyboardInterrupt:
        pass
    return 0
