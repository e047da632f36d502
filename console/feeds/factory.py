"""Open a feed from its URI: the one place that knows every kind of source."""

from __future__ import annotations

import random
from collections.abc import Callable

from console.domain.clock import Clock
from console.domain.state import SessionState
from console.feeds.base import Feed
from console.feeds.sim_feed import SimulatorFeed
from console.feeds.simulator import Simulator
from console.feeds.twitch import TwitchFeed
from console.feeds.uri import DEFAULT_TWITCH_URL, FeedUri, SimUri, TwitchUri, WsUri
from console.feeds.ws_client import WebSocketFeed


def open_feed(uri: FeedUri, *, state: Callable[[], SessionState], clock: Clock,
              twitch_url: str | None = None) -> Feed:  # fmt: skip
    """A stopped feed for `uri`; `state` lets the simulator read the session it feeds."""
    match uri:
        case SimUri(preset, seed, rate):
            # A fresh seed by default: a resumed or repeated session must not repeat order ids.
            sim = Simulator(preset, random.randrange(1 << 30) if seed is None else seed, rate)
            return SimulatorFeed(sim, state, clock, label=uri.label)
        case WsUri(url):
            return WebSocketFeed(url)
        case TwitchUri(channel):
            return TwitchFeed(channel, twitch_url or DEFAULT_TWITCH_URL)
