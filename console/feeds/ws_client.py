"""The WebSocket feed client: a bridge or a feed server's events into the session.

It speaks "live-console-feed/1" (docs/feed-protocol.md). Every event carries
the source's sequence number; the feed remembers the last one it handed to
the session and, after any disconnect, asks to resume after it, dropping what
it already has. So the log holds each source event exactly once, in order,
however often the link drops. A jump in the numbers means events were lost
on the way: the feed reconnects and asks for them again, unless the jump
follows a frame it refused itself (too large, not JSON), whose events cannot
be had again; then it records the missing range once and carries on.

With a `DurableSink` (the live session) the feed's place travels with each
batch into the session file, so the acks it sends name only events on disk and
a resumed session goes on after the last one there. While the session has no
room (its file cannot be written), the feed stops reading: the server's sends
block on TCP and nothing is refused.

The token travels in the hello frame, never in the URL the feed connects to
or shows, so it stays out of proxies' logs and the status bar.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque

import aiohttp
from yarl import URL

from console.domain.clock import Clock, RealClock
from console.domain.events import Event
from console.feeds.base import Backoff, DurableSink, Feed, FeedSink, FeedState, cancel_task
from console.feeds.ws_protocol import (
    FINAL_CLOSE_CODES,
    FINAL_ERRORS,
    PROTOCOL,
    ErrorFrame,
    Events,
    Heartbeat,
    ProtocolError,
    Welcome,
    encode_ack,
    encode_action,
    encode_hello,
    parse_server_frame,
)

log = logging.getLogger("console.feeds.ws")

# aiohttp drops the link above this; frames between the protocol's limit and
# this are refused one by one, and the link goes on.
TRANSPORT_MAX_BYTES = 16 * 1024 * 1024
# Each step of a connection attempt (TCP connect, the WebSocket handshake, the welcome)
# gives up after this: over a path that went dead mid-handshake it would wait forever.
CONNECT_TIMEOUT_S = 10.0
MISSED_HEARTBEATS = 3
ACK_INTERVAL_S = 0.25
ACK_EVERY = 1000
ACTION_BUFFER = 1000
# How often a feed waiting for room in the session looks again.
ROOM_POLL_S = 0.05
# Longest stretch of frames handled without letting the loop's other tasks run.
BUSY_S = 0.02
# Events handed to the session at once, at most (plus one frame): about 10 ms of the
# engine's time, so the window's loop is never held longer by a burst of frames.
HAND_OVER = 1000
# How much of a refused frame the rejected table keeps.
PREVIEW_CHARS = 4096


class _Refused(Exception):
    """The server refused us for good (token, protocol version): retrying cannot help."""


def _public_url(url: URL) -> URL:
    return url.with_user(None).without_query_params("token")


class _Silence:
    """Ends a read loop (through its `asyncio.timeout`) once the server is quiet too long.

    One timer per `timeout`, re-armed from the last frame when it fires: a timeout on
    every receive cost more than the frame itself (about 15 us each). A timer that
    fires late means this loop stalled (a long GC, a slow dialog), not the link: the
    frames are waiting in the socket, so the count starts again.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, deadline: asyncio.Timeout,
                 timeout: float) -> None:  # fmt: skip
        self.heard_at = loop.time()  # the read loop sets it before each receive
        self.paused = False  # not reading on purpose (waiting for room in the session)
        self._loop = loop
        self._deadline = deadline
        self._timeout = timeout
        self._due = self.heard_at + timeout
        self._handle = loop.call_at(self._due, self._check)

    def _check(self) -> None:
        now = self._loop.time()
        if self.paused or now - self._due > self._timeout / 2:
            self.heard_at = now
        if now - self.heard_at >= self._timeout:
            self._deadline.reschedule(now)  # the read loop ends with TimeoutError
            return
        self._due = self.heard_at + self._timeout
        self._handle = self._loop.call_at(self._due, self._check)

    def stop(self) -> None:
        self._handle.cancel()


class WebSocketFeed(Feed):
    """Events from a ws:// or wss:// feed; a token goes in the URL's `token` parameter."""

    source = "ws"

    def __init__(self, url: str, *, backoff: Backoff | None = None,
                 heartbeat_timeout_s: float | None = None, clock: Clock | None = None,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S) -> None:  # fmt: skip
        parsed = URL(url)
        if parsed.scheme not in ("ws", "wss") or not parsed.host:
            raise ValueError("a feed URL looks like ws://host:port/feed or wss://host/feed")
        self._token = parsed.query.get("token") or None
        self._url = _public_url(parsed)
        super().__init__(str(self._url))
        self._backoff = backoff or Backoff()
        self._heartbeat_timeout_s = heartbeat_timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._clock = clock or RealClock()
        self._sink: FeedSink | None = None
        self._durable: DurableSink | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._actions: deque[str] = deque()
        self._takes_actions: bool | None = None  # unknown until the first welcome
        self._acked = 0
        self._refused_frame = False  # the last frame was refused: its events are unknown
        # Events received but not yet handed over: frames that arrive together go to the
        # session as one batch, once the reader has drained what the socket had.
        self._pending: list[object] = []
        self._handover: asyncio.Handle | None = None
        self.stream: str | None = None
        self.last_seq = 0  # the last source seq handed to the sink
        self.room_waits = 0  # times it stopped reading because the session had no room
        self.duplicates = 0
        self.refused_frames = 0
        self.lost = 0  # events recorded as lost in refused frames
        self.connections = 0
        self.actions_dropped = 0

    async def start(self, sink: FeedSink) -> None:
        """Start delivering; a sink with this feed's cursor on disk is resumed after it."""
        self._sink = sink
        self._durable = sink if isinstance(sink, DurableSink) else None
        if self._durable is not None and self.stream is None:
            saved = self._durable.saved_cursor(self.label)
            if saved is not None:
                _feed, self.stream, self.last_seq = saved
                self._acked = self.last_seq
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ws-feed")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_task(task)
        self._set_status(FeedState.STOPPED)

    def send_action(self, event: Event) -> None:
        """Mirror an operator event to the server if it takes them; kept while offline."""
        if self._takes_actions is False:
            return
        if len(self._actions) >= ACTION_BUFFER:
            self._actions.popleft()
            self.actions_dropped += 1
        self._actions.append(encode_action(event))
        self._wake.set()

    # -- the connection loop --------------------------------------------------------
    async def _run(self) -> None:
        # sock_read bounds the handshake's answer only: aiohttp lifts it once upgraded.
        limit = self._connect_timeout_s
        timeout = aiohttp.ClientTimeout(total=None, connect=limit, sock_read=limit)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                self._set_status(FeedState.CONNECTING, self.label)
                try:
                    why = await self._connect(http)
                except _Refused as e:
                    log.warning("feed %s refused: %s", self.label, e)
                    self._set_status(FeedState.FAILED, str(e))
                    return
                delay = self._backoff.next()
                retry_at = self._clock.now_ms() + round(delay * 1000)
                log.info("feed %s: %s; retrying in %.1f s", self.label, why, delay)
                self._set_status(FeedState.RECONNECTING, why, retry_at)
                await asyncio.sleep(delay)

    async def _connect(self, http: aiohttp.ClientSession) -> str:
        """One connection, from handshake to loss; returns why it ended."""
        try:
            ws = await http.ws_connect(
                self._url, max_msg_size=TRANSPORT_MAX_BYTES, autoping=True,
                timeout=aiohttp.ClientWSTimeout(ws_close=2.0),
            )  # fmt: skip
        except aiohttp.WSServerHandshakeError as e:
            if e.status in (401, 403):
                raise _Refused(f"the server refused the connection ({e.status})") from None
            return f"the server refused the WebSocket handshake ({e.status})"
        except aiohttp.ServerTimeoutError:
            return f"no answer from the server within {self._connect_timeout_s:g} s"
        except (aiohttp.ClientError, OSError, TimeoutError) as e:
            return f"cannot connect: {e or type(e).__name__}"
        async with ws:
            try:
                await ws.send_str(encode_hello(self._token, self.last_seq))
                welcome = await self._welcome(ws)
                if isinstance(welcome, str):
                    return welcome
                return await self._live(ws, welcome)
            except ConnectionError as e:
                return f"connection lost: {e}"

    async def _welcome(self, ws: aiohttp.ClientWebSocketResponse) -> Welcome | str:
        try:
            msg = await ws.receive(timeout=self._connect_timeout_s)
        except TimeoutError:
            return f"no welcome within {self._connect_timeout_s:g} s"
        if msg.type is not aiohttp.WSMsgType.TEXT:
            return self._closed(ws, "the server closed the connection before its welcome")
        try:
            frame = parse_server_frame(msg.data)
        except ProtocolError as e:
            return f"bad welcome: {e.reason}"
        if isinstance(frame, ErrorFrame):
            return self._server_error(frame) or f"the server said: {frame.message}"
        if not isinstance(frame, Welcome):
            return f"expected a welcome, got a {type(frame).__name__.lower()} frame"
        if frame.protocol != PROTOCOL:
            raise _Refused(f"the server speaks {frame.protocol!r:.60}, this console {PROTOCOL}")
        return frame

    def _closed(self, ws: aiohttp.ClientWebSocketResponse, why: str) -> str:
        code = ws.close_code
        if code in FINAL_CLOSE_CODES:
            raise _Refused(f"the server refused the connection (close code {code})")
        return f"{why} (close code {code})" if code is not None else why

    def _server_error(self, frame: ErrorFrame) -> str:
        if frame.code in FINAL_ERRORS:
            raise _Refused(f"the server refused: {frame.message} ({frame.code})")
        log.warning("feed %s: server error %s: %s", self.label, frame.code, frame.message)
        return ""

    async def _live(self, ws: aiohttp.ClientWebSocketResponse, welcome: Welcome) -> str:
        if self.stream is not None and welcome.stream != self.stream and self.last_seq:
            # Another stream's numbers say nothing about ours: take it from its start.
            log.warning("feed %s: stream %s replaced %s", self.label, welcome.stream, self.stream)
            self.stream, self.last_seq, self._acked = welcome.stream, 0, 0
            return "the server has a different stream now; starting it from the beginning"
        self.stream = welcome.stream
        self._takes_actions = welcome.actions
        if not welcome.actions:
            self._actions.clear()
        if welcome.first_seq > self.last_seq + 1:
            self._lose(self.last_seq + 1, welcome.first_seq - 1, "the server no longer has them")
        self.connections += 1
        self._backoff.reset()
        self._set_status(FeedState.LIVE, self.label)
        timeout = self._heartbeat_timeout_s or MISSED_HEARTBEATS * welcome.heartbeat_s
        loop = asyncio.get_running_loop()
        writer = loop.create_task(self._write(ws), name="ws-feed-writer")
        yielded = loop.time()
        try:
            async with asyncio.timeout(None) as deadline:
                silence = _Silence(loop, deadline, timeout)
                try:
                    while True:
                        if self._durable is not None and not self._durable.has_room():
                            silence.paused = True
                            await self._wait_for_room()
                            silence.paused = False
                        now = silence.heard_at = loop.time()
                        if now - yielded >= BUSY_S:
                            # Frames already buffered come back without suspending: a
                            # backlog (after a pause, a slow disk) would hold the loop and UI.
                            await asyncio.sleep(0)
                            yielded = now
                        msg = await ws.receive()
                        if msg.type is aiohttp.WSMsgType.TEXT:
                            why = self._frame(msg.data)
                            if why:
                                return why
                        elif msg.type is aiohttp.WSMsgType.BINARY:
                            preview = msg.data[:PREVIEW_CHARS].hex()
                            self._refuse("binary frames are not part of the protocol", preview)
                        elif msg.type is aiohttp.WSMsgType.ERROR:
                            return f"the link failed: {msg.data}"
                        else:
                            return self._closed(ws, "the server closed the connection")
                finally:
                    silence.stop()
        except TimeoutError:
            return f"nothing from the server for {timeout:g} s"
        finally:
            self._hand_over()
            await cancel_task(writer)

    async def _wait_for_room(self) -> None:
        """Leave frames unread until the session has room: TCP holds the server back."""
        assert self._durable is not None
        self.room_waits += 1
        log.debug("feed %s: the session file is behind; pausing", self.label)
        while not self._durable.has_room():
            await asyncio.sleep(ROOM_POLL_S)

    def _frame(self, text: str) -> str:
        """Handle one text frame; a reason to reconnect, or ""."""
        try:
            frame = parse_server_frame(text)
        except ProtocolError as e:
            self._refuse(e.reason, text[:PREVIEW_CHARS])
            return ""
        if isinstance(frame, Events):
            return self._deliver(frame.seq, frame.events)
        if isinstance(frame, Heartbeat):
            return self._check_gap(frame.seq + 1) if frame.seq > self.last_seq else ""
        if isinstance(frame, ErrorFrame):
            return self._server_error(frame)
        self._refuse("a welcome in the middle of the stream", text[:PREVIEW_CHARS])
        return ""

    def _refuse(self, reason: str, payload: str) -> None:
        assert self._sink is not None
        self._hand_over()
        self.refused_frames += 1
        self._refused_frame = True
        self._sink.reject(reason, payload, self.source)

    def _lose(self, first: int, last: int, why: str) -> None:
        """Record, once, a range of events that cannot be had again, and move past it."""
        assert self._sink is not None
        self._hand_over()  # the events before the gap come first, with their own cursor
        count = last - first + 1
        self.lost += count
        self.last_seq = last
        span = f"{first}" if count == 1 else f"{first}..{last}"
        payload = json.dumps({"lost_seq": [first, last]})
        reason = f"events {span} are lost: {why}"
        if self._durable is not None:
            self._durable.reject(reason, payload, self.source, self._cursor())
        else:
            self._sink.reject(reason, payload, self.source)

    def _check_gap(self, seq: int) -> str:
        """`seq` is past the next expected one: explained by a refused frame, or lost on the way."""
        expected = self.last_seq + 1
        if not self._refused_frame:
            return f"events {expected}..{seq - 1} went missing; resuming after {self.last_seq}"
        self._refused_frame = False
        self._lose(expected, seq - 1, "they were in a frame this console refused")
        return ""

    def _deliver(self, seq: int, events: list[object]) -> str:
        assert self._sink is not None
        if seq > self.last_seq + 1:
            why = self._check_gap(seq)
            if why:
                return why
        self._refused_frame = False
        skip = self.last_seq + 1 - seq
        if skip > 0:
            self.duplicates += min(skip, len(events))
            events = events[skip:]
        if events:
            self.last_seq += len(events)
            self._pending += events
            if len(self._pending) >= HAND_OVER:
                self._hand_over()
            elif self._handover is None:
                # Runs when the reader next waits for the socket (or yields after BUSY_S).
                self._handover = asyncio.get_running_loop().call_soon(self._hand_over)
        return ""

    def _hand_over(self) -> None:
        """Give the session the events received since the last hand-over, as one batch."""
        if self._handover is not None:
            self._handover.cancel()
            self._handover = None
        if not self._pending:
            return
        assert self._sink is not None
        events, self._pending = self._pending, []
        if self._durable is not None:
            self._durable.ingest(events, self.source, self._cursor())
        else:
            self._sink.ingest(events, self.source)
            if self.last_seq - self._acked >= ACK_EVERY:
                self._wake.set()  # a durable sink's acks wait for its commits: the timer sends them

    def _cursor(self) -> tuple[str, str, int]:
        assert self.stream is not None
        return (self.label, self.stream, self.last_seq)

    def _recorded(self) -> int:
        """The last seq it may acknowledge: on disk with a durable sink, else handed over."""
        if self._durable is None:
            return self.last_seq
        saved = self._durable.saved_cursor(self.label)
        if saved is None or saved[1] != self.stream:
            return 0
        return min(saved[2], self.last_seq)

    async def _write(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Acks and operator actions; the only task that sends after the hello."""
        with contextlib.suppress(ConnectionError):
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(ACK_INTERVAL_S):
                        await self._wake.wait()
                self._wake.clear()
                while self._actions and self._takes_actions:
                    await ws.send_str(self._actions[0])
                    self._actions.popleft()
                seq = self._recorded()
                if seq > self._acked:
                    await ws.send_str(encode_ack(seq))
                    self._acked = seq
