"""Twitch lines -> raw audience events: the real sample lines and the edge cases."""

from __future__ import annotations

from typing import Any

import pytest

from console.domain.decode import DecodeError, decode
from console.feeds.irc import parse_line
from console.feeds.twitch import TwitchFeed, twitch_events
from console.feeds.uri import twitch_channel
from tests.support import REALDATA

SAMPLE = REALDATA / "twitch_irc_sample_lines.txt"


def _comment(user: str, text: str) -> dict[str, Any]:
    return {"kind": "comment", "user": user, "text": text}


def _gift(user: str, gift: str, count: Any = 1) -> dict[str, Any]:
    return {"kind": "gift", "user": user, "gift": gift, "count": count}


# One entry per sample line, in file order.
SAMPLE_EVENTS: list[list[dict[str, Any]]] = [
    [_comment("abc", "HeyGuys")],  # PRIVMSG with tags
    [_comment("abc", "HeyGuys")],  # no tags: the nick names the user
    [_gift("TWITCH_UserName", "sub"), _comment("TWITCH_UserName", "Great stream – keep it up!")],
    [_gift("TWITCH_UserName", "sub")],  # resub without a message; no sub-plan tag
    [
        {**_gift("FletcherCodes", "bits", 5000), "value_minor": 0},
        _comment("FletcherCodes", "showlove5000 Chew your food slower... it's healthier"),
    ],
    [_gift("FletcherCodes", "gift sub Tier 1")],  # subgift: from the gifter
    [{"kind": "enter", "user": "FletcherCodes", "count": 538}],  # raid
    [_comment("FletcherCodes", "SeemsGood")],  # ritual: only the viewer's own words
]


def _events(line: str) -> list[dict[str, Any]]:
    return twitch_events(parse_line(line))


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is absent")
def test_sample_lines_map_to_events_that_decode() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert [_events(line) for line in lines] == SAMPLE_EVENTS
    for events in SAMPLE_EVENTS:
        for raw in events:
            decode(raw)


def _line(tags: dict[str, str], rest: str) -> str:
    return "@" + ";".join(f"{k}={v}" for k, v in tags.items()) + " " + rest


def test_me_action_keeps_its_text() -> None:
    line = ":nick!nick@nick.tmi.twitch.tv PRIVMSG #c :\x01ACTION waves hello\x01"
    assert _events(line) == [_comment("nick", "waves hello")]


def test_display_name_falls_back_to_login_then_nick_and_blank_text_is_no_comment() -> None:
    notice = _line({"display-name": "", "login": "lo"}, ":tmi.twitch.tv USERNOTICE #c :hi")
    assert _events(notice) == [_comment("lo", "hi")]
    trailing_space = _line({"display-name": r"Name\s"}, ":n!n@n PRIVMSG #c :x")
    assert _events(trailing_space) == [_comment("Name", "x")]
    assert _events(":n!n@n PRIVMSG #c :   ") == []


@pytest.mark.parametrize(
    ("plan", "gift"),
    [("Prime", "sub Prime"), ("1000", "sub Tier 1"), ("2000", "sub Tier 2"),
     ("3000", "sub Tier 3"), ("9999", "sub")],
)  # fmt: skip
def test_sub_plans(plan: str, gift: str) -> None:
    line = _line({"msg-id": "sub", "display-name": "S", "msg-param-sub-plan": plan},
                 ":tmi.twitch.tv USERNOTICE #c")  # fmt: skip
    assert _events(line) == [_gift("S", gift)]


def test_mystery_gift_counts_once_and_its_individual_subgifts_are_skipped() -> None:
    mystery = {"msg-id": "submysterygift", "display-name": "G", "msg-param-mass-gift-count": "5",
               "msg-param-sub-plan": "1000", "msg-param-community-gift-id": "123"}  # fmt: skip
    assert _events(_line(mystery, ":tmi.twitch.tv USERNOTICE #c")) == [
        _gift("G", "gift sub Tier 1", 5)
    ]
    part = {**mystery, "msg-id": "subgift"}
    assert _events(_line(part, ":tmi.twitch.tv USERNOTICE #c")) == []


def test_announcement_is_the_moderators_comment_and_system_text_is_not_logged() -> None:
    tags = {"msg-id": "announcement", "display-name": "Mod", "system-msg": r"Announcement"}
    assert _events(_line(tags, ":tmi.twitch.tv USERNOTICE #c :Sale at 8!")) == [
        _comment("Mod", "Sale at 8!")
    ]
    assert (
        _events(_line({**tags, "msg-id": "viewermilestone"}, ":tmi.twitch.tv USERNOTICE #c")) == []
    )


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (":tmi.twitch.tv CLEARCHAT #c", "Twitch: chat cleared"),
        (
            "@ban-duration=600 :tmi.twitch.tv CLEARCHAT #c :troll",
            "Twitch: troll timed out for 600 s",
        ),
        (":tmi.twitch.tv CLEARCHAT #c :troll", "Twitch: troll banned"),
    ],
)
def test_clearchat_is_a_marker(line: str, text: str) -> None:
    assert _events(line) == [{"kind": "marker", "text": text}]


@pytest.mark.parametrize(
    "line",
    [
        "@login=x;target-msg-id=1 :tmi.twitch.tv CLEARMSG #c :bad words",
        "PING :tmi.twitch.tv",
        "@room-id=1 :tmi.twitch.tv ROOMSTATE #c",
        ":tmi.twitch.tv 001 justinfan12345 :Welcome, GLHF!",
    ],
)
def test_control_lines_are_no_events(line: str) -> None:
    assert _events(line) == []


def test_long_names_and_texts_are_cut_to_the_decoder_limits() -> None:
    name = "N" * 150
    events = _events(_line({"display-name": name}, ":n!n@n PRIVMSG #c :" + "x" * 2500))
    assert events == [_comment("N" * 99 + "…", "x" * 1999 + "…")]
    decode(events[0])


def test_a_malformed_count_reaches_the_decoder_which_refuses_it() -> None:
    (gift, _) = _events(_line({"bits": "lots"}, ":n!n@n PRIVMSG #c :cheer"))
    assert gift["count"] == "lots"
    with pytest.raises(DecodeError, match="count must be int"):
        decode(gift)


def test_channel_names() -> None:
    assert twitch_channel(" #Some_Streamer1 ") == "some_streamer1"
    for bad in ["", "#", "a b", "x" * 26, "émile", "#chan;JOIN"]:
        with pytest.raises(ValueError, match="not a Twitch channel name"):
            twitch_channel(bad)


def test_feed_checks_its_settings() -> None:
    feed = TwitchFeed("#XYZ")
    assert (feed.channel, feed.label, feed.source) == ("xyz", "twitch:xyz", "twitch")
    assert feed.nick.startswith("justinfan") and len(feed.nick) == 14
    with pytest.raises(ValueError, match="not a ws:// or wss:// URL"):
        TwitchFeed("xyz", "https://irc-ws.chat.twitch.tv")
