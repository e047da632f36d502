"""The Twitch feed against a scripted IRC-over-WebSocket server on 127.0.0.1.

The server checks what the client sends (CAP REQ, NICK, JOIN, PONG) and
replays the real sample lines, several to a frame, into a real LiveSession.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from console.domain.clock import RealClock
from console.engine.session import LiveSession
from console.feeds.base import Backoff, FeedState, FeedStatus
from console.feeds.twitch import TwitchFeed
from console.store.reader import iter_events
from console.store.session_file import open_session
from tests.support import REALDATA, small_catalog

SAMPLE = REALDATA / "twitch_irc_sample_lines.txt"
CAP = "CAP REQ :twitch.tv/tags twitch.tv/commands"
ROOMSTATE = "@emote-only=0;followers-only=-1;r9k=0;room-id=1;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #xyz"


class Peer:
    """The server's side of one client connection."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.nick = ""

    async def line(self) -> str:
        msg = await self.ws.receive(timeout=5)
        assert msg.type is WSMsgType.TEXT, msg
        return str(msg.data).removesuffix("\r\n")

    async def send(self, *lines: str) -> None:
        """Several lines in one frame, as Twitch does."""
        await self.ws.send_str("".join(line + "\r\n" for line in lines))

    async def login(self) -> None:
        assert await self.line() == CAP
        nick = await self.line()
        assert re.fullmatch(r"NICK justinfan\d{5}", nick), nick
        self.nick = nick.removeprefix("NICK ")
        await self.send(
            ":tmi.twitch.tv CAP * ACK :twitch.tv/tags twitch.tv/commands",
            f":tmi.twitch.tv 001 {self.nick} :Welcome, GLHF!",
            f":tmi.twitch.tv 376 {self.nick} :>",
        )

    async def join(self) -> None:
        assert await self.line() == "JOIN #xyz"
        n = self.nick
        await self.send(
            f":{n}!{n}@{n}.tmi.twitch.tv JOIN #xyz",
            f":{n}.tmi.twitch.tv 353 {n} = #xyz :{n}",
            f":{n}.tmi.twitch.tv 366 {n} #xyz :End of /NAMES list",
        )
        await self.send(ROOMSTATE)

    async def until_closed(self) -> None:
        async for _ in self.ws:
            pass


Script = Callable[[Peer, int], Awaitable[None]]


@asynccontextmanager
async def twitch_server(script: Script) -> AsyncIterator[str]:
    """Runs `script(peer, n)` for the n-th connection (from 0); yields the ws:// URL."""
    count = 0

    async def endpoint(request: web.Request) -> web.WebSocketResponse:
        nonlocal count
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        count += 1
        peer = Peer(ws)
        await script(peer, count - 1)
        await peer.until_closed()
        return ws

    app = web.Application()
    app.router.add_get("/", endpoint)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"ws://127.0.0.1:{runner.addresses[0][1]}/"
    finally:
        await runner.cleanup()


class ListSink:
    def __init__(self) -> None:
        self.events: list[Any] = []
        self.rejected: list[tuple[str, str]] = []

    def ingest(self, raws: list[Any], source: str) -> int:
        self.events += raws
        return len(raws)

    def reject(self, reason: str, payload: str, source: str) -> None:
        self.rejected.append((reason, payload))


async def _until(feed: TwitchFeed, state: FeedState) -> None:
    while feed.status.state is not state:
        await asyncio.sleep(0.01)


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is absent")
def test_sample_lines_ping_and_reconnect_into_a_live_session(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    done = asyncio.Event()

    async def script(peer: Peer, n: int) -> None:
        await peer.login()
        await peer.join()
        if n == 0:
            for line in lines[:2]:
                await peer.send(line)
            await peer.send(*lines[2:], ":tmi.twitch.tv", "@tags-only")
            await peer.send("PING :tmi.twitch.tv")
            assert await peer.line() == "PONG :tmi.twitch.tv"
            await peer.send(":tmi.twitch.tv RECONNECT")
        else:
            await peer.send(
                ":tmi.twitch.tv CLEARCHAT #xyz",
                ":late!late@late.tmi.twitch.tv PRIVMSG #xyz :\x01ACTION is back\x01",
                "PING :done",
            )
            assert await peer.line() == "PONG :done"
            done.set()

    session = LiveSession.start(
        tmp_path / "tw.live.db", title="Twitch", catalog=small_catalog(), clock=RealClock()
    )
    statuses: list[FeedStatus] = []

    async def main() -> str:
        async with twitch_server(script) as url:
            feed = TwitchFeed("#XYZ", url, backoff=Backoff(0.05, 0.2))
            feed.add_listener(statuses.append)
            await feed.start(session)
            try:
                async with asyncio.timeout(10):
                    await done.wait()
            finally:
                await feed.stop()
        return url

    try:
        url = asyncio.run(main())
        totals = session.state.totals
        assert (totals.comments, totals.gifts, totals.entries) == (6, 5003, 538)
    finally:
        session.close()

    states = [(s.state, s.detail) for s in statuses]
    assert states == [
        (FeedState.CONNECTING, f"connecting to {url}"),
        (FeedState.LIVE, "#xyz on Twitch"),
        (FeedState.RECONNECTING, "Twitch asked to reconnect"),
        (FeedState.LIVE, "#xyz on Twitch"),
        (FeedState.STOPPED, ""),
    ]
    retry_at = statuses[2].retry_at_ms
    assert retry_at is not None and abs(retry_at - RealClock().now_ms()) < 10_000

    path = tmp_path / "tw.live.db"
    conn, _ = open_session(path)
    try:
        got = [(e.kind, e.data) for e in iter_events(conn, path) if e.source == "twitch"]
        rejected = conn.execute(
            "SELECT reason, payload FROM rejected WHERE source = 'twitch' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    assert got == [
        ("comment", {"user": "abc", "text": "HeyGuys"}),
        ("comment", {"user": "abc", "text": "HeyGuys"}),
        ("gift", {"user": "TWITCH_UserName", "gift": "sub", "count": 1, "value_minor": 0}),
        ("comment", {"user": "TWITCH_UserName", "text": "Great stream – keep it up!"}),
        ("gift", {"user": "TWITCH_UserName", "gift": "sub", "count": 1, "value_minor": 0}),
        ("gift", {"user": "FletcherCodes", "gift": "bits", "count": 5000, "value_minor": 0}),
        (
            "comment",
            {
                "user": "FletcherCodes",
                "text": "showlove5000 Chew your food slower... it's healthier",
            },
        ),
        (
            "gift",
            {"user": "FletcherCodes", "gift": "gift sub Tier 1", "count": 1, "value_minor": 0},
        ),
        ("enter", {"user": "FletcherCodes", "count": 538}),
        ("comment", {"user": "FletcherCodes", "text": "SeemsGood"}),
        ("marker", {"text": "Twitch: chat cleared"}),
        ("comment", {"user": "late", "text": "is back"}),
    ]
    assert rejected == [
        ("not an IRC line: source but no command", ":tmi.twitch.tv"),
        ("not an IRC line: tags but no command", "@tags-only"),
    ]


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (":tmi.twitch.tv NOTICE * :Login authentication failed",
         "Twitch refused the login: Login authentication failed"),
        (":tmi.twitch.tv NOTICE * :Improperly formatted auth",
         "Twitch refused the login: Improperly formatted auth"),
        ("JOIN-SUSPENDED", "Twitch refused #xyz: This channel does not exist or has been suspended."),
        ("JOIN-SILENCE", "Twitch did not confirm joining #xyz: does it exist?"),
    ],
)  # fmt: skip
def test_refusals_fail_without_retrying(answer: str, detail: str) -> None:
    connections = 0

    async def script(peer: Peer, n: int) -> None:
        nonlocal connections
        connections += 1
        if answer.startswith(":"):
            assert await peer.line() == CAP
            await peer.line()
            await peer.send(answer)
            await peer.ws.close()
            return
        await peer.login()
        assert await peer.line() == "JOIN #xyz"
        if answer == "JOIN-SUSPENDED":
            await peer.send(
                "@msg-id=msg_channel_suspended :tmi.twitch.tv NOTICE #xyz "
                ":This channel does not exist or has been suspended."
            )

    async def main() -> FeedStatus:
        async with twitch_server(script) as url:
            feed = TwitchFeed("xyz", url, backoff=Backoff(0.01, 0.02))
            feed.JOIN_TIMEOUT_S = 0.3
            await feed.start(ListSink())
            try:
                async with asyncio.timeout(5):
                    await _until(feed, FeedState.FAILED)
                await asyncio.sleep(0.1)  # time enough for a retry, were there one
                return feed.status
            finally:
                await feed.stop()

    status = asyncio.run(main())
    assert status.detail == detail
    assert connections == 1


def test_a_dropped_connection_retries_with_backoff_and_a_join_resets_it() -> None:
    rejoined = asyncio.Event()
    sink = ListSink()

    async def script(peer: Peer, n: int) -> None:
        await peer.login()
        await peer.join()
        if n == 0:
            await peer.ws.close()
        else:
            await peer.send(":a!a@a.tmi.twitch.tv PRIVMSG #xyz :back", "PING :x")
            assert await peer.line() == "PONG :x"
            rejoined.set()

    async def main() -> list[FeedStatus]:
        statuses: list[FeedStatus] = []
        async with twitch_server(script) as url:
            feed = TwitchFeed("xyz", url, backoff=Backoff(0.05, 0.1))
            feed.add_listener(statuses.append)
            await feed.start(sink)
            try:
                async with asyncio.timeout(5):
                    await rejoined.wait()
                assert feed.backoff.attempts == 0
            finally:
                await feed.stop()
        return statuses

    before = RealClock().now_ms()
    statuses = asyncio.run(main())
    assert [s.state for s in statuses] == [
        FeedState.CONNECTING, FeedState.LIVE, FeedState.RECONNECTING, FeedState.LIVE,
        FeedState.STOPPED,
    ]  # fmt: skip
    assert statuses[2].detail == "Twitch closed the connection"
    retry_at = statuses[2].retry_at_ms
    assert retry_at is not None and retry_at >= before + 25  # at least half the initial 50 ms
    assert sink.events == [{"kind": "comment", "user": "a", "text": "back"}]


def test_an_unreachable_server_is_retried() -> None:
    async def main() -> FeedStatus:
        with socket.socket() as bound:  # bound, never listening: connections are refused
            bound.bind(("127.0.0.1", 0))
            port = bound.getsockname()[1]
            feed = TwitchFeed("xyz", f"ws://127.0.0.1:{port}/", backoff=Backoff(0.05, 0.1))
            await feed.start(ListSink())
            try:
                async with asyncio.timeout(5):
                    await _until(feed, FeedState.RECONNECTING)
                return feed.status
            finally:
                await feed.stop()

    status = asyncio.run(main())
    assert status.detail.startswith("connection to ws://127.0.0.1:")
    assert "failed: " in status.detail
    assert status.retry_at_ms is not None
