"""A Twitch channel's chat as an audience feed: IRC over WebSocket, read anonymously.

Connection (see docs/twitch.md): open the WebSocket (`server_url`, a setting so
tests can point it at a local server), send ``CAP REQ :twitch.tv/tags
twitch.tv/commands`` and ``NICK justinfanNNNNN``, and no PASS: Twitch treats a
``justinfan`` nick without a password as an anonymous, read-only login (tmi.js
sends the placeholder ``PASS SCHMOOPIIE``, which the server ignores; we send no
credential at all). ``JOIN #channel`` follows the welcome (001), so a refused
login is not also reported as a failed join. The feed is LIVE on the channel's
ROOMSTATE: Twitch sends it last in the join sequence and only for a channel
that exists (a suspended one gets a NOTICE instead, an unknown one nothing).

PING gets a PONG with the same parameter. RECONNECT (Twitch restarting a
server) reconnects at once; any other loss retries after a `Backoff` delay,
reset by a successful join. A NOTICE before the welcome (a refused login) or
about a suspended channel, and no ROOMSTATE within `JOIN_TIMEOUT_S` of the
JOIN, end the feed as FAILED. Lines that are not IRC go to `sink.reject`.

Mapping (`twitch_events`; user = display-name tag, else login tag, else nick):

- PRIVMSG -> comment {user, text}; emotes are words in the text already; the
  ``/me`` CTCP ACTION wrapper is stripped, its text kept.
- PRIVMSG with a ``bits`` tag -> gift {user, gift "bits", count bits,
  value_minor 0}, plus the comment if there is text. Bits are Twitch's
  currency, bought by the viewer at varying prices and paid to the streamer
  at a rate we cannot see, so no money is booked.
- USERNOTICE sub / resub -> gift "sub Tier 1|2|3" or "sub Prime", count 1.
- USERNOTICE subgift -> gift "gift sub Tier N" from the gifter, count 1;
  skipped when it carries msg-param-community-gift-id, because its
  submysterygift already counted it.
- USERNOTICE submysterygift -> gift "gift sub Tier N" from the gifter,
  count msg-param-mass-gift-count.
- USERNOTICE raid -> enter {user raider, count msg-param-viewerCount}.
- Any USERNOTICE: the viewer's own message (second parameter) -> comment.
  Other msg-ids (ritual, announcement, ...) give only that comment: system-msg
  is Twitch's wording, not the viewer's.
- CLEARCHAT -> marker "Twitch: chat cleared" / "Twitch: USER timed out for
  N s" / "Twitch: USER banned".
- CLEARMSG (one message deleted) is ignored: the log keeps the comment and
  per-message deletions would crowd the chart's markers.

Twitch IRC has no follow notices, so this feed never sends a follow. Events
carry no ts_ms: the session stamps them on arrival, since Twitch's
tmi-sent-ts comes from another clock. Over-long names and texts are cut to
the decoder's limits with an ellipsis rather than refused; a malformed count
is passed through as text so the decoder refuses it loudly.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from console.domain.clock import RealClock
from console.domain.decode import MAX_NAME, MAX_TEXT, SPEC
from console.feeds.base import Backoff, Feed, FeedSink, FeedState, cancel_task
from console.feeds.irc import IrcMessage, IrcParseError, parse_line
from console.feeds.uri import DEFAULT_TWITCH_URL, twitch_channel

CAPABILITIES = "twitch.tv/tags twitch.tv/commands"
# NOTICE msg-ids after which joining again cannot help.
FATAL_NOTICES = frozenset({"msg_channel_suspended", "msg_room_not_found"})

_NUMBER = re.compile(r"[0-9]{1,12}")
_LINES = re.compile(r"\r?\n")
# The decoder's length limit for a marker's text (a field spec's fifth item is its maximum).
_MAX_MARKER = next(f[4] for f in SPEC["marker"] if f[0] == "text")
_RECONNECT = "Twitch asked to reconnect"
_CLOSED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)
_PLANS = {"Prime": "Prime", "1000": "Tier 1", "2000": "Tier 2", "3000": "Tier 3"}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _count(text: str) -> int | str:
    """A count tag as an int; anything else unchanged, for the decoder to refuse with a reason."""
    return int(text) if _NUMBER.fullmatch(text) else text


def _user(msg: IrcMessage) -> str:
    tags = msg.tags
    name = tags.get("display-name", "").strip() or tags.get("login", "") or msg.source.nick
    return _clip(name, MAX_NAME)


def _plan(msg: IrcMessage, what: str) -> str:
    plan = _PLANS.get(msg.tags.get("msg-param-sub-plan", ""))
    return f"{what} {plan}" if plan else what


def _comment(user: str, text: str) -> list[dict[str, Any]]:
    text = text.strip()
    return [{"kind": "comment", "user": user, "text": _clip(text, MAX_TEXT)}] if text else []


def _privmsg(msg: IrcMessage) -> list[dict[str, Any]]:
    user = _user(msg)
    text = msg.params[1] if len(msg.params) > 1 else ""
    if text.startswith("\x01ACTION "):
        text = text.removeprefix("\x01ACTION ").removesuffix("\x01")
    events: list[dict[str, Any]] = []
    bits = msg.tags.get("bits")
    if bits:
        events.append(
            {"kind": "gift", "user": user, "gift": "bits", "count": _count(bits), "value_minor": 0}
        )
    return events + _comment(user, text)


def _usernotice(msg: IrcMessage) -> list[dict[str, Any]]:
    tags = msg.tags
    kind = tags.get("msg-id", "")
    user = _user(msg)
    events: list[dict[str, Any]] = []
    if kind in ("sub", "resub"):
        events.append({"kind": "gift", "user": user, "gift": _plan(msg, "sub"), "count": 1})
    elif kind == "subgift" and "msg-param-community-gift-id" not in tags:
        events.append({"kind": "gift", "user": user, "gift": _plan(msg, "gift sub"), "count": 1})
    elif kind == "submysterygift":
        count = _count(tags.get("msg-param-mass-gift-count", "1"))
        events.append(
            {"kind": "gift", "user": user, "gift": _plan(msg, "gift sub"), "count": count}
        )
    elif kind == "raid":
        raider = _clip(tags.get("msg-param-displayName", "").strip(), MAX_NAME) or user
        count = _count(tags.get("msg-param-viewerCount", "1"))
        events.append({"kind": "enter", "user": raider, "count": count})
    text = msg.params[1] if len(msg.params) > 1 else ""
    return events + _comment(user, text)


def _clearchat(msg: IrcMessage) -> list[dict[str, Any]]:
    target = msg.params[1] if len(msg.params) > 1 else ""
    if not target:
        text = "Twitch: chat cleared"
    elif duration := msg.tags.get("ban-duration"):
        text = f"Twitch: {target} timed out for {duration} s"
    else:
        text = f"Twitch: {target} banned"
    return [{"kind": "marker", "text": _clip(text, _MAX_MARKER)}]


def twitch_events(msg: IrcMessage) -> list[dict[str, Any]]:
    """The raw audience events one Twitch line stands for (none for most control lines)."""
    match msg.command:
        case "PRIVMSG":
            return _privmsg(msg)
        case "USERNOTICE":
            return _usernotice(msg)
        case "CLEARCHAT":
            return _clearchat(msg)
    return []


class _Failed(Exception):
    """Twitch said something after which retrying cannot help; the message says what."""


class TwitchFeed(Feed):
    source = "twitch"
    #: after the welcome, how long Twitch may take to confirm the JOIN
    JOIN_TIMEOUT_S = 20.0
    #: Twitch pings about every 5 minutes; silence for longer means a dead connection
    IDLE_TIMEOUT_S = 360.0

    def __init__(
        self, channel: str, server_url: str = DEFAULT_TWITCH_URL, backoff: Backoff | None = None
    ) -> None:
        self.channel = twitch_channel(channel)
        url = urlsplit(server_url)
        if url.scheme not in ("ws", "wss") or not url.hostname:
            raise ValueError(f"{server_url!r} is not a ws:// or wss:// URL")
        super().__init__(f"twitch:{self.channel}")
        self.server_url = server_url
        self.backoff = backoff or Backoff()
        self.nick = f"justinfan{random.randint(10000, 99999)}"
        self._clock = RealClock()
        self._task: asyncio.Task[None] | None = None
        # Per connection: welcomed yet, and the loop time by which the JOIN must be confirmed.
        self._welcomed = False
        self._join_by: float | None = None

    async def start(self, sink: FeedSink) -> None:
        if self._task is None:
            self._set_status(FeedState.CONNECTING, f"connecting to {self.server_url}")
            self._task = self._spawn(self._run(sink))

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancel_task(task)
        self._set_status(FeedState.STOPPED)

    async def _run(self, sink: FeedSink) -> None:
        timeout = aiohttp.ClientTimeout(total=None, connect=15)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                delay = 0.0
                try:
                    why = await self._connection(http, sink)
                except _Failed as e:
                    self._set_status(FeedState.FAILED, str(e))
                    return
                except (aiohttp.ClientError, OSError, TimeoutError) as e:
                    why = f"connection to {self.server_url} failed: {str(e) or type(e).__name__}"
                if why != _RECONNECT:
                    delay = self.backoff.next()
                retry_at = self._clock.now_ms() + round(delay * 1000)
                self._set_status(FeedState.RECONNECTING, why, retry_at)
                await asyncio.sleep(delay)

    async def _connection(self, http: aiohttp.ClientSession, sink: FeedSink) -> str:
        """One connection, from handshake to loss; returns why it ended."""
        loop = asyncio.get_running_loop()
        async with http.ws_connect(self.server_url) as ws:
            await ws.send_str(f"CAP REQ :{CAPABILITIES}")
            await ws.send_str(f"NICK {self.nick}")
            self._welcomed, self._join_by = False, None
            while True:
                wait = self.IDLE_TIMEOUT_S
                if self._join_by is not None:
                    wait = max(0.0, self._join_by - loop.time())
                try:
                    frame = await ws.receive(timeout=wait)
                except TimeoutError:
                    if self._join_by is not None:
                        raise _Failed(
                            f"Twitch did not confirm joining #{self.channel}: does it exist?"
                        ) from None
                    return f"no word from Twitch for {wait:.0f} s"
                if frame.type in _CLOSED:
                    return "Twitch closed the connection"
                if frame.type is aiohttp.WSMsgType.ERROR:
                    return f"connection error: {ws.exception()}"
                if frame.type is not aiohttp.WSMsgType.TEXT:
                    sink.reject("Twitch sent a binary frame", repr(frame.data)[:200], self.source)
                elif await self._frame(frame.data, ws, sink):
                    return _RECONNECT

    async def _frame(self, data: str, ws: aiohttp.ClientWebSocketResponse, sink: FeedSink) -> bool:
        """A frame's lines (Twitch may pack several), its events as one batch; True on RECONNECT."""
        events: list[dict[str, Any]] = []
        try:
            for line in _LINES.split(data):
                if line and await self._line(line, ws, sink, events):
                    return True
        finally:
            if events:
                sink.ingest(events, self.source)
        return False

    async def _line(self, line: str, ws: aiohttp.ClientWebSocketResponse, sink: FeedSink,
                    events: list[dict[str, Any]]) -> bool:  # fmt: skip
        try:
            msg = parse_line(line)
        except IrcParseError as e:
            sink.reject(f"not an IRC line: {e}", line, self.source)
            return False
        match msg.command:
            case "PING":
                await ws.send_str(f"PONG :{msg.params[-1] if msg.params else ''}")
            case "RECONNECT":
                return True
            case "001":
                self._welcomed = True
                self._join_by = asyncio.get_running_loop().time() + self.JOIN_TIMEOUT_S
                await ws.send_str(f"JOIN #{self.channel}")
            case "ROOMSTATE" if self._join_by is not None and msg.params[:1] == [
                f"#{self.channel}"
            ]:
                self._join_by = None
                self.backoff.reset()
                self._set_status(FeedState.LIVE, f"#{self.channel} on Twitch")
            case "NOTICE":
                self._notice(msg)
            case _:
                events += twitch_events(msg)
        return False

    def _notice(self, msg: IrcMessage) -> None:
        text = msg.params[-1] if msg.params else ""
        if not self._welcomed:
            raise _Failed(f"Twitch refused the login: {text}")
        if msg.tags.get("msg-id") in FATAL_NOTICES:
            raise _Failed(f"Twitch refused #{self.channel}: {text}")
