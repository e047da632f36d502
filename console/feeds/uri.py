"""Feed sources named by URI, as `record --feed` and the start screen take them.

    sim:mid?seed=7&rate=5000      the built-in simulator (preset, seed, events/s)
    ws://host:port/feed?token=T   a bridge speaking docs/feed-protocol.md (wss:// too)
    twitch:CHANNEL                a Twitch channel's chat, read anonymously

Parsing is strict: a typo in a URI is an error naming it, never a silently
different feed. The label shown to people hides a token.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from console.feeds.simulator import PRESETS

DEFAULT_TWITCH_URL = "wss://irc-ws.chat.twitch.tv:443"
_CHANNEL = re.compile(r"[a-z0-9_]{1,25}")


def twitch_channel(name: str) -> str:
    """A channel's login name, lower-cased and without '#'; ValueError if it cannot be one."""
    channel = name.strip().removeprefix("#").lower()
    if not _CHANNEL.fullmatch(channel):
        raise ValueError(
            f"{name!r} is not a Twitch channel name: 1 to 25 letters, digits or underscores"
        )
    return channel


class FeedUriError(ValueError):
    """A feed URI that names no feed we can open; the message says why."""


@dataclass(frozen=True, slots=True)
class SimUri:
    preset: str
    seed: int | None = None
    rate: float | None = None

    @property
    def label(self) -> str:
        return f"sim:{self.preset}"


@dataclass(frozen=True, slots=True)
class WsUri:
    url: str  # as given, token included: only the client sees it

    @property
    def label(self) -> str:
        parts = urlsplit(self.url)
        query = [(k, "***" if k == "token" else v) for k, v in parse_qsl(parts.query)]
        return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


@dataclass(frozen=True, slots=True)
class TwitchUri:
    channel: str

    @property
    def label(self) -> str:
        return f"twitch:{self.channel}"


FeedUri = SimUri | WsUri | TwitchUri


def parse_feed_uri(text: str) -> FeedUri:
    text = text.strip()
    scheme, sep, rest = text.partition(":")
    if not sep:
        raise FeedUriError(
            f"{text!r} is not a feed URI: use sim:PRESET, ws://HOST:PORT/PATH or twitch:CHANNEL"
        )
    match scheme.lower():
        case "sim":
            return _sim(text, rest)
        case "ws" | "wss":
            return _ws(text)
        case "twitch":
            try:
                return TwitchUri(twitch_channel(rest))
            except ValueError as e:
                raise FeedUriError(str(e)) from None
    raise FeedUriError(
        f"unknown feed type {scheme!r} in {text!r}: use sim:, ws://, wss:// or twitch:"
    )


def _sim(text: str, rest: str) -> SimUri:
    preset, _, query = rest.partition("?")
    if preset not in PRESETS:
        raise FeedUriError(
            f"{text!r}: unknown audience {preset!r}; choose from {', '.join(sorted(PRESETS))}"
        )
    seed: int | None = None
    rate: float | None = None
    try:
        options = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise FeedUriError(f"{text!r}: options must look like ?seed=7&rate=5000") from None
    for key, value in options:
        if key == "seed":
            if not re.fullmatch(r"-?\d{1,18}", value):
                raise FeedUriError(f"{text!r}: seed {value!r} is not a whole number")
            seed = int(value)
        elif key == "rate":
            try:
                rate = float(value)
            except ValueError:
                rate = math.nan
            if not (math.isfinite(rate) and rate > 0):
                raise FeedUriError(
                    f"{text!r}: rate {value!r} must be a number of events/s above zero"
                )
        else:
            raise FeedUriError(f"{text!r}: unknown option {key!r} (sim takes seed and rate)")
    return SimUri(preset, seed, rate)


def _ws(text: str) -> WsUri:
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as e:
        raise FeedUriError(f"{text!r} is not a valid URL: {e}") from None
    if not parts.hostname:
        raise FeedUriError(f"{text!r} has no host")
    del port
    return WsUri(text)
