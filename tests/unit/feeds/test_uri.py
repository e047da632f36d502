from __future__ import annotations

import pytest

from console.feeds.uri import FeedUriError, SimUri, TwitchUri, WsUri, parse_feed_uri


def test_sim_uri_with_options() -> None:
    assert parse_feed_uri("sim:mid?seed=7&rate=5000") == SimUri("mid", 7, 5000.0)
    assert parse_feed_uri(" sim:small ") == SimUri("small")


def test_ws_uri_keeps_the_token_but_its_label_hides_it() -> None:
    uri = parse_feed_uri("ws://127.0.0.1:8765/feed?token=s3cret&x=1")
    assert isinstance(uri, WsUri)
    assert "s3cret" in uri.url
    assert "s3cret" not in uri.label
    assert uri.label == "ws://127.0.0.1:8765/feed?token=***&x=1"
    assert parse_feed_uri("wss://bridge.example/feed") == WsUri("wss://bridge.example/feed")


def test_twitch_channel_is_lower_cased() -> None:
    assert parse_feed_uri("twitch:#SomeStreamer_1") == TwitchUri("somestreamer_1")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("mid", "not a feed URI"),
        ("sim:huge", "unknown audience 'huge'"),
        ("sim:mid?seed=x", "seed 'x'"),
        ("sim:mid?rate=-5", "rate '-5'"),
        ("sim:mid?rate=nan", "rate 'nan'"),
        ("sim:mid?speed=2", "unknown option 'speed'"),
        ("sim:mid?seed", "options must look like"),
        ("ws:///feed", "has no host"),
        ("ws://host:99999/feed", "not a valid URL"),
        ("twitch:no spaces", "not a Twitch channel"),
        ("twitch:" + "a" * 26, "not a Twitch channel"),
        ("http://example.com", "unknown feed type 'http'"),
    ],
)
def test_bad_uris_say_what_is_wrong(text: str, needle: str) -> None:
    with pytest.raises(FeedUriError, match=needle):
        parse_feed_uri(text)
