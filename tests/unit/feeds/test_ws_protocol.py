"""The feed protocol's frames: round trips, refusals with reasons, and fuzzing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.events import Event
from console.feeds.ws_protocol import (
    MAX_BATCH,
    MAX_FRAME_BYTES,
    PROTOCOL,
    Ack,
    Action,
    ErrorFrame,
    Events,
    Heartbeat,
    Hello,
    ProtocolError,
    Welcome,
    encode_ack,
    encode_action,
    encode_batch,
    encode_error,
    encode_event,
    encode_heartbeat,
    encode_hello,
    encode_welcome,
    frame_size,
    parse_client_frame,
    parse_server_frame,
)

NOW = 1_764_316_800_000
Parse = Callable[[str], Any]


def test_server_frames_round_trip() -> None:
    assert parse_server_frame(encode_welcome("sim-1", NOW, 5.0, 42, 1, True)) == Welcome(
        PROTOCOL, "sim-1", NOW, 5.0, 42, 1, True
    )
    event = {"kind": "comment", "user": "小美", "text": "多少钱"}
    assert parse_server_frame(encode_event(7, event)) == Events(7, [event])
    assert parse_server_frame(encode_batch(8, [event, event])) == Events(8, [event, event])
    assert parse_server_frame(encode_heartbeat(9, NOW)) == Heartbeat(9, NOW)
    assert parse_server_frame(encode_error("auth", "wrong token")) == ErrorFrame(
        "auth", "wrong token"
    )


def test_client_frames_round_trip() -> None:
    assert parse_client_frame(encode_hello("abc", 12)) == Hello(PROTOCOL, "abc", 12)
    assert parse_client_frame(encode_hello(None, 0)) == Hello(PROTOCOL, None, 0)
    assert parse_client_frame(encode_ack(3)) == Ack(3)
    ev = Event(5, NOW, "product_presented", "operator", {"sku": "MASK"})
    assert parse_client_frame(encode_action(ev)) == Action(5, NOW, "product_presented", {"sku": "MASK"})  # fmt: skip


def test_a_welcome_may_leave_out_first_seq_and_actions() -> None:
    text = json.dumps({"type": "welcome", "protocol": PROTOCOL, "stream": "s",
                       "server_time_ms": NOW, "heartbeat_s": 2, "last_seq": 0})  # fmt: skip
    assert parse_server_frame(text) == Welcome(PROTOCOL, "s", NOW, 2.0, 0, 1, False)


def test_unknown_fields_are_ignored() -> None:
    assert parse_server_frame('{"type":"heartbeat","seq":1,"server_time_ms":5,"x":[1]}') == (
        Heartbeat(1, 5)
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not JSON: Expecting value"),
        ("{", "not JSON"),
        ('{"type":"heartbeat","seq":NaN,"server_time_ms":1}', "not JSON: NaN is not JSON"),
        ("[" * 100_000, "not JSON: nested too deeply"),
        ("[1, 2]", "a frame must be a JSON object, got list"),
        ('"hi"', "a frame must be a JSON object, got str"),
        ("{}", "frame has no string type: None"),
        ('{"type": {"a": 1}}', "frame has no string type: an object"),
        ('{"type": "party"}', "unknown frame type 'party'"),
        ('{"type": "event", "seq": 1}', "event: missing event"),
        ('{"type": "event", "seq": "1", "event": {}}', "event: seq must be an integer, got '1'"),
        ('{"type": "event", "seq": true, "event": {}}', "event: seq must be an integer, got True"),
        ('{"type": "event", "seq": 1.0, "event": {}}', "event: seq must be an integer, got 1.0"),
        ('{"type": "event", "seq": 0, "event": {}}', "event: seq 0 is out of range"),
        ('{"type": "event", "seq": 9007199254740992, "event": {}}', "out of range"),
        ('{"type": "batch", "seq": 1, "events": []}', "batch: events must be a non-empty list"),
        ('{"type": "batch", "seq": 1, "events": {"a": 1}}', "non-empty list, got an object"),
        ('{"type": "batch", "seq": 9007199254740991, "events": [1, 2]}', "batch: seq runs past"),
        ('{"type": "heartbeat", "seq": -1, "server_time_ms": 1}', "heartbeat: seq -1 is out of range"),
        ('{"type": "error", "code": 4001, "message": "x"}', "error: code must be a string"),
        ('{"type": "error", "code": "auth", "message": ["x"]}', "error: message must be a string, got a list"),
        ('{"type": "welcome", "protocol": "p", "stream": "s", "server_time_ms": 1,'
         ' "heartbeat_s": 0, "last_seq": 0}', "welcome: heartbeat_s must be"),
        ('{"type": "welcome", "protocol": "p", "stream": "s", "server_time_ms": 1,'
         ' "heartbeat_s": 1e999, "last_seq": 0}', "welcome: heartbeat_s must be"),
        ('{"type": "welcome", "protocol": "p", "stream": "", "server_time_ms": 1,'
         ' "heartbeat_s": 1, "last_seq": 0}', "welcome: stream must be 1 to 200 characters"),
        ('{"type": "welcome", "protocol": "p", "stream": "s", "server_time_ms": 1,'
         ' "heartbeat_s": 1, "last_seq": 0, "actions": 1}', "welcome: actions must be true or false"),
    ],
)  # fmt: skip
def test_bad_server_frames_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_server_frame(text)
    assert reason in info.value.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"type": "welcome"}', "unknown frame type 'welcome'"),
        ('{"type": "hello", "resume_after": 0}', "hello: protocol must be a string"),
        ('{"type": "hello", "protocol": "p", "token": 5}', "hello: token must be a string"),
        ('{"type": "hello", "protocol": "p", "token": ""}', "hello: token must be 1 to 1024"),
        ('{"type": "hello", "protocol": "p", "resume_after": -3}', "resume_after -3 is out of range"),
        ('{"type": "ack"}', "ack: seq must be an integer, got None"),
        ('{"type": "action", "event": [1]}', "action: event must be an object, got a list"),
        ('{"type": "action", "event": {"seq": 1, "ts_ms": 1, "kind": "x"}}', "action: data must be an object"),
        ('{"type": "action", "event": {"seq": 1, "ts_ms": 1, "kind": 3, "data": {}}}', "action: kind must be a string"),
    ],
)  # fmt: skip
def test_bad_client_frames_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_client_frame(text)
    assert reason in info.value.reason


def test_a_hello_without_a_token_or_resume_point_starts_from_the_beginning() -> None:
    assert parse_client_frame(f'{{"type":"hello","protocol":"{PROTOCOL}"}}') == Hello(
        PROTOCOL, None, 0
    )


def test_frames_are_measured_in_utf8_bytes() -> None:
    text = encode_event(1, {"kind": "comment", "user": "u", "text": "多" * (MAX_FRAME_BYTES // 3)})
    assert len(text) < MAX_FRAME_BYTES < frame_size(text)
    for parse in (parse_server_frame, parse_client_frame):
        with pytest.raises(ProtocolError, match="over the 1,048,576-byte limit"):
            parse(text)


def test_a_batch_is_limited_in_events() -> None:
    like = {"kind": "like"}
    text = encode_batch(1, [like] * (MAX_BATCH + 1))
    with pytest.raises(ProtocolError, match=f"over the limit of {MAX_BATCH}"):
        parse_server_frame(text)
    assert parse_server_frame(encode_batch(1, [like] * MAX_BATCH)) == Events(1, [like] * MAX_BATCH)


# -- fuzzing -------------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
FIELDS = ("seq", "event", "events", "server_time_ms", "protocol", "stream", "heartbeat_s",
          "last_seq", "first_seq", "actions", "code", "message", "token", "resume_after", "data",
          "ts_ms", "kind")  # fmt: skip
TYPES = ("event", "batch", "heartbeat", "welcome", "error", "hello", "ack", "action", "other")
FRAMES = st.builds(
    lambda kind, fields: {"type": kind, **fields},
    st.sampled_from(TYPES),
    st.dictionaries(st.sampled_from(FIELDS), JSON | st.integers(-2, 2**60), max_size=8),
)


def _refuses_or_parses(parse: Parse, text: str) -> None:
    try:
        parse(text)
    except ProtocolError as e:
        assert e.reason.strip()


@pytest.mark.parametrize("parse", [parse_server_frame, parse_client_frame])
@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_any_text_parses_or_is_refused_with_a_reason(parse: Parse, text: str) -> None:
    _refuses_or_parses(parse, text)


@pytest.mark.parametrize("parse", [parse_server_frame, parse_client_frame])
@settings(max_examples=300, deadline=None)
@given(value=JSON)
def test_any_json_parses_or_is_refused_with_a_reason(parse: Parse, value: Any) -> None:
    _refuses_or_parses(parse, json.dumps(value))


@pytest.mark.parametrize("parse", [parse_server_frame, parse_client_frame])
@settings(max_examples=500, deadline=None)
@given(frame=FRAMES)
def test_frame_shaped_objects_parse_or_are_refused_with_a_reason(parse: Parse, frame: dict[str, Any]) -> None:  # fmt: skip
    _refuses_or_parses(parse, json.dumps(frame))
