"""The WebSocket feed over real loopback sockets: exact resume, refusals, garbage, kills."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from console.cli import main as cli_main
from console.domain.catalog import Product
from console.domain.clock import RealClock, VirtualClock
from console.domain.events import AUDIENCE_KINDS, Event
from console.domain.script import auto_show
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.base import Backoff, FeedState, FeedStatus
from console.feeds.simulator import Simulator
from console.feeds.ws_client import HAND_OVER, WebSocketFeed
from console.feeds.ws_protocol import (
    CLOSE_AUTH,
    CLOSE_HELLO,
    CLOSE_PROTOCOL,
    MAX_FRAME_BYTES,
    PROTOCOL,
    encode_ack,
    encode_batch,
    encode_event,
    encode_heartbeat,
    encode_hello,
    encode_welcome,
)
from console.feeds.ws_server import FeedServer, ReplayStream, SimulatedStream, Stream
from console.importers.sample import sample_catalog_path
from console.importers.simple_csv import load_catalog
from console.store.reader import iter_events
from console.store.session_file import open_session
from console.store.verify import verify
from tests.support import START_MS, small_catalog

FAST = Backoff(0.05, 0.5)


def sample() -> list[Product]:
    return list(load_catalog(sample_catalog_path()).products)


def record(path: Path, catalog: Sequence[Product], clock: Any = None) -> LiveSession:
    return LiveSession.start(path, title="ws", catalog=catalog, clock=clock or RealClock())


def ws_events(path: Path) -> list[dict[str, Any]]:
    conn, _ = open_session(path)
    try:
        return [{"kind": e.kind, **e.data} for e in iter_events(conn, path) if e.source == "ws"]
    finally:
        conn.close()


def rejected(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT reason, payload FROM rejected ORDER BY id").fetchall()
    finally:
        conn.close()


def first(stream: Stream, n: int) -> list[dict[str, Any]]:
    events = stream.events()
    try:
        return [next(events)[1] for _ in range(n)]
    finally:
        events.close()


async def until(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not cond():
            await asyncio.sleep(0.01)


def comment(n: int) -> dict[str, Any]:
    return {"kind": "comment", "user": f"u{n}", "text": f"hello {n}"}


class _Null:
    """A sink for tests about the link, not the events."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.rejects: list[str] = []

    def ingest(self, raws: list[Any], source: str) -> int:
        self.events += raws
        return len(raws)

    def reject(self, reason: str, payload: str, source: str) -> None:
        self.rejects.append(reason)


# -- a server that says exactly what a test tells it -----------------------------------
class Scripted:
    """One script of frames per connection (the last repeats); then idle, reading acks.

    "CLOSE" in a script closes the connection there.
    """

    def __init__(self, *scripts: list[str | bytes]) -> None:
        self.scripts = scripts
        self.hellos: list[dict[str, Any]] = []
        self.queries: list[str] = []
        self.received: list[str] = []
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=32 * 1024 * 1024, timeout=1.0)
        await ws.prepare(request)
        self.queries.append(request.query_string)
        msg = await ws.receive()
        self.hellos.append(json.loads(msg.data))
        script = self.scripts[min(len(self.hellos), len(self.scripts)) - 1]
        for item in script:
            if item == "CLOSE":
                await ws.close()
                return ws
            await (ws.send_bytes(item) if isinstance(item, bytes) else ws.send_str(item))
        async for msg in ws:
            self.received.append(msg.data)
        return ws

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/feed", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return f"ws://127.0.0.1:{self._runner.addresses[0][1]}/feed"

    async def close(self) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


def welcome(stream: str = "s1", heartbeat_s: float = 30.0, **extra: Any) -> str:
    frame = json.loads(encode_welcome(stream, START_MS, heartbeat_s, 0, 1, True))
    return json.dumps({**frame, **extra})


async def scripted_run(
    server: Scripted, feed_of: Callable[[str], WebSocketFeed], body: Callable[[WebSocketFeed], Any]
) -> WebSocketFeed:
    url = await server.start()
    feed = feed_of(url)
    try:
        await body(feed)
    finally:
        await feed.stop()
        await server.close()
    return feed


# -- the real server, in process ------------------------------------------------------
@pytest.mark.parametrize("batch", [1, 50])
def test_a_console_records_the_stream_exactly(tmp_path: Path, batch: int) -> None:
    stream = SimulatedStream("small", 3, 400.0, sample())
    session = record(tmp_path / "ws.live.db", sample())
    server = FeedServer(stream, heartbeat_s=0.2, batch=batch)

    async def go() -> WebSocketFeed:
        port = await server.start()
        feed = WebSocketFeed(f"ws://127.0.0.1:{port}/feed", backoff=FAST)
        try:
            await feed.start(session)
            await until(lambda: feed.last_seq >= 300)
            await until(lambda: server.clients[0].acked >= 300, 5)
        finally:
            await feed.stop()
            await server.close()
        return feed

    feed = asyncio.run(go())
    session.close()
    got = ws_events(session.path)
    assert len(got) == feed.last_seq >= 300
    assert got == first(stream, len(got))
    assert session.rejected_count == 0 and feed.duplicates == 0
    assert verify(session.path).intact


def test_a_wrong_token_is_refused_for_good() -> None:
    server = FeedServer(SimulatedStream("small", 1, 50.0, sample()), token="s3cret")
    statuses: list[FeedStatus] = []

    async def go() -> None:
        port = await server.start()
        bad = WebSocketFeed(f"ws://127.0.0.1:{port}/feed?token=wrong", backoff=FAST)
        good = WebSocketFeed(f"ws://127.0.0.1:{port}/feed?token=s3cret", backoff=FAST)
        bad.add_listener(statuses.append)
        try:
            await bad.start(_Null())
            await until(lambda: bad.status.state is FeedState.FAILED)
            await asyncio.sleep(0.6)  # a retry storm would show here
            assert server.refusals == 1 and server.connections == 0
            await good.start(_Null())
            await until(lambda: good.status.state is FeedState.LIVE)
            assert server.connections == 1
            assert "s3cret" not in good.label and "token" not in good.label
            assert "wrong" not in bad.label
        finally:
            await bad.stop()
            await good.stop()
            await server.close()

    asyncio.run(go())
    failed = [s for s in statuses if s.state is FeedState.FAILED]
    assert len(failed) == 1 and "wrong token" in failed[0].detail
    assert FeedState.RECONNECTING not in {s.state for s in statuses}
    assert all("wrong" not in s.detail for s in statuses if s.state is not FeedState.FAILED)


def test_the_server_refuses_bad_hellos_with_reasons_and_close_codes() -> None:
    server = FeedServer(SimulatedStream("small", 1, 50.0, sample()), token="t", hello_timeout_s=0.3)

    async def attempt(url: str, hello: str | None) -> tuple[dict[str, Any], int | None]:
        async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
            if hello is not None:
                await ws.send_str(hello)
            msg = await ws.receive(timeout=5)
            closing = await ws.receive(timeout=5)
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            return json.loads(msg.data), ws.close_code

    async def go() -> None:
        port = await server.start()
        url = f"ws://127.0.0.1:{port}/feed"
        try:
            cases = [
                (encode_hello("nope", 0), "auth", CLOSE_AUTH, "wrong token"),
                (encode_hello(None, 0), "auth", CLOSE_AUTH, "needs a token"),
                (encode_hello("t", 0).replace(PROTOCOL, "live-console-feed/9"), "protocol",
                 CLOSE_PROTOCOL, "live-console-feed/9"),
                ("not json", "hello", CLOSE_HELLO, "not JSON"),
                (encode_ack(0), "hello", CLOSE_HELLO, "must be a hello"),
                (None, "hello", CLOSE_HELLO, "no hello within"),
            ]  # fmt: skip
            for hello, code, close, words in cases:
                frame, close_code = await attempt(url, hello)
                assert (frame["type"], frame["code"], close_code) == ("error", code, close)
                assert words in frame["message"]
            assert server.refusals == len(cases) and server.connections == 0
        finally:
            await server.close()

    asyncio.run(go())


def test_an_abandoned_resume_far_ahead_neither_busies_nor_moves_the_stream() -> None:
    server = FeedServer(SimulatedStream("small", 1, 50.0, sample()))

    async def go() -> None:
        port = await server.start()
        url = f"ws://127.0.0.1:{port}/feed"
        timeout = aiohttp.ClientWSTimeout(ws_close=0.1)
        try:
            async with aiohttp.ClientSession() as http:
                async with http.ws_connect(url, timeout=timeout) as ws:
                    await ws.send_str(encode_hello(None, 2**53 - 1))
                    await asyncio.sleep(0.3)  # the server regenerates towards it
                await until(lambda: not server._sockets, 5)
                async with http.ws_connect(url) as ws:
                    await ws.send_str(encode_hello(None, 0))
                    welcome = json.loads((await ws.receive(timeout=5)).data)
            assert welcome["type"] == "welcome" and welcome["last_seq"] < 1000
        finally:
            await server.close()

    asyncio.run(go())


def test_actions_reach_the_server_and_wait_for_a_connection() -> None:
    server = FeedServer(SimulatedStream("small", 1, 50.0, sample()))

    async def go() -> None:
        port = await server.start()
        feed = WebSocketFeed(f"ws://127.0.0.1:{port}/feed", backoff=FAST)
        try:
            feed.send_action(Event(7, START_MS, "product_presented", "operator", {"sku": "A"}))
            await feed.start(_Null())
            await until(lambda: server.actions == 1)
            feed.send_action(Event(8, START_MS + 5, "marker", "operator", {"text": "go"}))
            await until(lambda: server.actions == 2)
        finally:
            await feed.stop()
            await server.close()
        assert [(a.seq, a.kind, a.data) for a in server.recent_actions] == [
            (7, "product_presented", {"sku": "A"}),
            (8, "marker", {"text": "go"}),
        ]

    asyncio.run(go())


def test_a_replayed_session_arrives_with_its_audience_events_only(tmp_path: Path) -> None:
    source = tmp_path / "source.live.db"
    clock = VirtualClock(START_MS)
    original = record(source, small_catalog(), clock)
    actions = auto_show([p.sku for p in small_catalog()], 60_000)
    run_virtual(original, clock, Simulator("small", 5, 100.0), source="sim",
                duration_ms=20_000, actions=actions)  # fmt: skip
    original.close()
    stream = ReplayStream(source, speed=1000.0)
    conn, _ = open_session(source)
    audience = [{"kind": e.kind, **e.data} for e in iter_events(conn, source)
                if e.kind in AUDIENCE_KINDS]  # fmt: skip
    conn.close()
    session = record(tmp_path / "ws.live.db", small_catalog(), VirtualClock(START_MS + 60_000))
    server = FeedServer(stream, batch=100)

    async def go() -> None:
        port = await server.start()
        feed = WebSocketFeed(f"ws://127.0.0.1:{port}/feed", backoff=FAST)
        try:
            await feed.start(session)
            await until(lambda: feed.last_seq == len(audience))
        finally:
            await feed.stop()
            await server.close()

    asyncio.run(go())
    session.close()
    assert len(audience) > 1000
    assert ws_events(session.path) == audience
    assert session.rejected_count == 0


# -- what a misbehaving server sends ---------------------------------------------------
def test_garbage_frames_are_rejected_with_reasons_and_the_link_goes_on(tmp_path: Path) -> None:
    big = encode_batch(4, [comment(n) for n in range(4, 4 + MAX_FRAME_BYTES // 40)])
    assert MAX_FRAME_BYTES < len(big) < 16 * 1024 * 1024
    order = {"kind": "order", "order_id": "o1", "sku": "NOPE", "qty": 1}
    mixed = json.dumps({"type": "batch", "seq": 26220, "events": [comment(5), "no event", order]})
    server = Scripted(
        [
            welcome(),
            encode_event(1, comment(1)),
            "this is not JSON",
            "[1, 2, 3]",
            '{"type": "confetti", "seq": 2}',
            '{"type": "event", "seq": "2", "event": {}}',
            encode_event(2, comment(2)),
            b"\x00\x01binary",
            encode_event(3, {"kind": "comment", "user": "x"}),  # well formed, invalid event
            big,  # seqs 4.. refused unseen
            mixed,
            encode_event(26223, comment(6)),
        ]
    )
    session = record(tmp_path / "ws.live.db", small_catalog(), VirtualClock(START_MS))

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(session)
        await until(
            lambda: any(json.loads(r) == {"type": "ack", "seq": 26223} for r in server.received)
        )

    feed = asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    session.close()
    assert feed.connections == 1 and len(server.hellos) == 1
    assert feed.status.state is FeedState.STOPPED
    assert [e["text"] for e in ws_events(session.path)] == ["hello 1", "hello 2", "hello 5", "hello 6"]  # fmt: skip
    reasons = [r for r, _ in rejected(session.path)]
    assert reasons[0].startswith("not JSON")
    assert reasons[1] == "a frame must be a JSON object, got list"
    assert reasons[2] == "unknown frame type 'confetti'"
    assert reasons[3] == "event: seq must be an integer, got '2'"
    assert reasons[4] == "binary frames are not part of the protocol"
    assert reasons[5] == "comment: missing text"
    assert reasons[6].startswith("frame of ") and "1,048,576-byte limit" in reasons[6]
    assert reasons[7] == "events 4..26219 are lost: they were in a frame this console refused"
    assert reasons[8] == "event must be an object, got str"  # "no event"
    assert reasons[9] == "unknown SKU 'NOPE'"
    assert len(reasons) == 10
    assert feed.lost == 26216 and feed.refused_frames == 6


def test_frames_that_arrive_together_reach_the_session_as_one_batch() -> None:
    """Single-event frames are handed over in bursts, in order, none larger than HAND_OVER."""
    n = 3000
    server = Scripted([welcome(), *(encode_event(i, comment(i)) for i in range(1, n + 1))])

    class Counting(_Null):
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[int] = []

        def ingest(self, raws: list[Any], source: str) -> int:
            self.calls.append(len(raws))
            return super().ingest(raws, source)

    sink = Counting()

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(sink)
        await until(lambda: len(sink.events) == n)

    asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    assert sink.events == [comment(i) for i in range(1, n + 1)]
    assert max(sink.calls) <= HAND_OVER
    assert len(sink.calls) < n / 5  # many frames per call, not one each


def test_duplicates_are_dropped_and_counted() -> None:
    server = Scripted(
        [
            welcome(),
            encode_event(1, comment(1)),
            encode_event(2, comment(2)),
            encode_event(2, comment(2)),
            encode_batch(1, [comment(1), comment(2), comment(3)]),
            encode_event(4, comment(4)),
        ]
    )
    sink = _Null()

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(sink)
        await until(lambda: feed.last_seq == 4)

    feed = asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    assert [e["user"] for e in sink.events] == ["u1", "u2", "u3", "u4"]
    assert feed.duplicates == 3 and not sink.rejects


def test_a_gap_means_lost_data_so_the_feed_reconnects_and_resumes() -> None:
    server = Scripted(
        [welcome(), encode_event(1, comment(1)), encode_event(2, comment(2)), encode_event(4, comment(4))],
        [welcome(), encode_event(3, comment(3)), encode_event(4, comment(4)), encode_event(5, comment(5))],
    )  # fmt: skip
    sink = _Null()

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(sink)
        await until(lambda: feed.last_seq == 5)

    feed = asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    assert [h["resume_after"] for h in server.hellos] == [0, 2]
    assert [e["user"] for e in sink.events] == ["u1", "u2", "u3", "u4", "u5"]
    assert feed.connections == 2 and not sink.rejects


def test_a_gap_shown_by_a_heartbeat_is_recovered_too() -> None:
    server = Scripted(
        [welcome(), encode_event(1, comment(1)), encode_heartbeat(2, START_MS)],
        [welcome(), encode_event(2, comment(2))],
    )
    sink = _Null()

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(sink)
        await until(lambda: feed.last_seq == 2)

    asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    assert [h["resume_after"] for h in server.hellos] == [0, 1]


def test_a_silent_server_is_a_dead_link() -> None:
    server = Scripted([welcome(heartbeat_s=0.1), encode_event(1, comment(1))])
    statuses: list[FeedStatus] = []

    def feed_of(url: str) -> WebSocketFeed:
        feed = WebSocketFeed(url, backoff=FAST)
        feed.add_listener(statuses.append)
        return feed

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(_Null())
        await until(lambda: len(server.hellos) >= 2, 5)

    asyncio.run(scripted_run(server, feed_of, body))
    assert [h["resume_after"] for h in server.hellos[:2]] == [0, 1]
    waiting = [s for s in statuses if s.state is FeedState.RECONNECTING]
    assert waiting[0].detail == "nothing from the server for 0.3 s"
    assert waiting[0].retry_at_ms is not None
    assert abs(waiting[0].retry_at_ms - RealClock().now_ms()) < 5_000


def test_a_different_stream_is_taken_from_its_start() -> None:
    server = Scripted(
        [welcome("a"), encode_event(1, comment(1)), encode_event(2, comment(2)), "CLOSE"],
        [welcome("b"), encode_event(3, comment(99))],
        [welcome("b"), encode_event(1, comment(10)), encode_event(2, comment(11))],
    )
    sink = _Null()

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(sink)
        await until(lambda: len(sink.events) == 4)

    feed = asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    assert [h["resume_after"] for h in server.hellos] == [0, 2, 0]
    assert [e["user"] for e in sink.events] == ["u1", "u2", "u10", "u11"]
    assert feed.stream == "b"


def test_a_newer_protocol_is_final() -> None:
    server = Scripted([welcome(protocol="live-console-feed/2")])

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(_Null())
        await until(lambda: feed.status.state is FeedState.FAILED)
        assert "live-console-feed/2" in feed.status.detail
        await asyncio.sleep(0.3)

    asyncio.run(scripted_run(server, lambda url: WebSocketFeed(url, backoff=FAST), body))
    assert len(server.hellos) == 1


def test_the_token_is_not_in_the_url_the_server_sees() -> None:
    server = Scripted([welcome()])

    async def body(feed: WebSocketFeed) -> None:
        await feed.start(_Null())
        await until(lambda: feed.status.state is FeedState.LIVE)

    def feed_of(url: str) -> WebSocketFeed:
        return WebSocketFeed(url + "?room=7&token=abc", backoff=FAST)

    feed = asyncio.run(scripted_run(server, feed_of, body))
    assert server.queries == ["room=7"]
    assert server.hellos[0]["token"] == "abc"
    assert feed.label.endswith("/feed?room=7")


def test_feed_urls_are_checked() -> None:
    for bad in ("http://127.0.0.1/feed", "ws:///feed", "feed"):
        with pytest.raises(ValueError, match="ws://"):
            WebSocketFeed(bad)


# -- the command ------------------------------------------------------------------------
def _serve(*args: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "feed-server", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("feed-server listening on ws://127.0.0.1:"):
        proc.kill()
        raise AssertionError(f"{line!r} {proc.communicate(timeout=10)[1]}")
    return proc, int(line.rsplit(":", 1)[1].split("/")[0])


def _kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL: the server gets no chance to close its connections."""
    proc.kill()
    proc.communicate(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_and_restarted_server_leaves_no_gap_and_no_duplicate(tmp_path: Path) -> None:
    args = ("--simulate", "small", "--rate", "300", "--seed", "3")
    proc, port = _serve("--port", "0", *args)
    session = record(tmp_path / "ws.live.db", sample())
    feed = WebSocketFeed(f"ws://127.0.0.1:{port}/feed", backoff=FAST)
    kills = 0

    def reached(seq: int, connections: int) -> Callable[[], bool]:
        return lambda: feed.last_seq >= seq and feed.connections == connections

    async def go() -> None:
        nonlocal proc, kills
        await feed.start(session)
        try:
            for k in range(1, 4):
                await until(reached(150 * k, k), 15)
                await asyncio.to_thread(_kill, proc)
                kills += 1
                proc, again = await asyncio.to_thread(_serve, "--port", str(port), *args)
                assert again == port
            await until(reached(600, 4), 15)
        finally:
            await feed.stop()

    try:
        asyncio.run(go())
    finally:
        _kill(proc)
    session.close()
    got = ws_events(session.path)
    assert kills == 3
    assert len(got) == feed.last_seq >= 600
    assert got == first(SimulatedStream("small", 3, 300.0, sample()), len(got))
    assert session.rejected_count == 0
    assert verify(session.path).intact


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_feed_server_stops_cleanly_on_sigterm() -> None:
    proc, port = _serve("--port", "0", "--simulate", "small")
    assert port > 0
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err


def test_feed_server_wants_a_token_beyond_this_machine(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIVE_CONSOLE_FEED_TOKEN", raising=False)
    assert cli_main(["feed-server", "--port", "0", "--host", "0.0.0.0"]) == 2
    assert "--token" in capsys.readouterr().err
