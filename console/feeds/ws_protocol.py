"""The WebSocket feed protocol, "live-console-feed/1": frames, limits, parsing.

Pure (no sockets, no aiohttp) so the client, the server and the fuzz tests
share one definition; docs/feed-protocol.md is the spec for bridge authors.
Parsing checks a frame's shape only. The events inside a well-formed frame
are not judged here: they go to the session, whose reducer refuses a bad one
with its own reason, so the log says exactly why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final, NoReturn

from console import fastjson
from console.domain.events import Event

PROTOCOL: Final = "live-console-feed/1"
# Application limits: a bigger frame is refused with a reason and the link goes on.
MAX_FRAME_BYTES: Final = 1024 * 1024
MAX_BATCH: Final = 5000
# Sequence numbers stay exact in every JSON implementation (JavaScript's doubles).
MAX_SEQ: Final = 2**53 - 1
MAX_TOKEN: Final = 1024
MAX_STREAM_ID: Final = 200
MAX_MESSAGE: Final = 1000
MIN_HEARTBEAT_S: Final = 0.05
MAX_HEARTBEAT_S: Final = 3600.0

# Error codes, and the close codes that go with them. Auth and version
# refusals are final: retrying would only be refused again.
ERR_AUTH: Final = "auth"
ERR_PROTOCOL: Final = "protocol"
ERR_HELLO: Final = "hello"
ERR_FRAME: Final = "frame"
CLOSE_HELLO: Final = 4000
CLOSE_AUTH: Final = 4001
CLOSE_PROTOCOL: Final = 4002
FINAL_CLOSE_CODES: Final = frozenset({CLOSE_AUTH, CLOSE_PROTOCOL})
FINAL_ERRORS: Final = frozenset({ERR_AUTH, ERR_PROTOCOL})


class ProtocolError(ValueError):
    """A frame that breaks the protocol; `reason` says how, for the rejected table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- server -> client ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Welcome:
    protocol: str
    stream: str  # stable id of the event stream: another id means other seqs
    server_time_ms: int
    heartbeat_s: float
    last_seq: int  # newest seq the server has
    first_seq: int  # oldest seq it can still send
    actions: bool  # whether it takes operator actions


@dataclass(frozen=True, slots=True)
class Events:
    """An "event" or a "batch" frame: `events[i]` carries seq `seq + i`."""

    seq: int
    events: list[Any]


@dataclass(frozen=True, slots=True)
class Heartbeat:
    seq: int  # the last seq sent before it
    server_time_ms: int


@dataclass(frozen=True, slots=True)
class ErrorFrame:
    code: str
    message: str


# -- client -> server ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Hello:
    protocol: str
    token: str | None
    resume_after: int


@dataclass(frozen=True, slots=True)
class Ack:
    seq: int


@dataclass(frozen=True, slots=True)
class Action:
    seq: int
    ts_ms: int
    kind: str
    data: dict[str, Any]


ServerFrame = Welcome | Events | Heartbeat | ErrorFrame
ClientFrame = Hello | Ack | Action


def frame_size(text: str) -> int:
    """Bytes the text takes on the wire (UTF-8)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _brief(value: Any) -> str:
    """A value for an error message: containers by kind only (their repr can be huge or too deep)."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"{value!r:.60}"


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


# The fallback for what orjson refuses, and the encoder, built once: json.loads and
# json.dumps with options build a new coder on every call,
# which cost more than the parse itself on a single-event frame.
_DECODER: Final = json.JSONDecoder(parse_constant=_no_constant)
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _load(text: str) -> dict[str, Any]:
    size = frame_size(text)
    if size > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {size:,} bytes is over the {MAX_FRAME_BYTES:,}-byte limit")
    try:
        obj = fastjson.loads(text, _DECODER.decode)
    except RecursionError:
        raise ProtocolError("not JSON: nested too deeply") from None
    except ValueError as e:
        raise ProtocolError(f"not JSON: {e}") from None
    if type(obj) is not dict:
        raise ProtocolError(f"a frame must be a JSON object, got {type(obj).__name__}")
    kind = obj.get("type")
    if type(kind) is not str:
        raise ProtocolError(f"frame has no string type: {_brief(kind)}")
    return obj


def _int(obj: dict[str, Any], name: str, low: int, high: int = MAX_SEQ, default: int | None = None) -> int:  # fmt: skip
    value = obj.get(name, default)
    if type(value) is not int:  # exact: True is not a sequence number
        raise ProtocolError(f"{obj['type']}: {name} must be an integer, got {_brief(value)}")
    if not low <= value <= high:
        raise ProtocolError(f"{obj['type']}: {name} {value} is out of range {low}..{high}")
    return value


def _text(obj: dict[str, Any], name: str, high: int) -> str:
    value = obj.get(name)
    if type(value) is not str:
        raise ProtocolError(f"{obj['type']}: {name} must be a string, got {_brief(value)}")
    if not 0 < len(value) <= high:
        raise ProtocolError(f"{obj['type']}: {name} must be 1 to {high} characters")
    return value


def _unknown(kind: str) -> NoReturn:
    raise ProtocolError(f"unknown frame type {_brief(kind)}")


def parse_server_frame(text: str) -> ServerFrame:
    """Decode a frame the client received; ProtocolError names what is wrong."""
    obj = _load(text)
    kind = obj["type"]
    if kind == "event":
        if "event" not in obj:
            raise ProtocolError("event: missing event")
        return Events(_int(obj, "seq", 1), [obj["event"]])
    if kind == "batch":
        seq = _int(obj, "seq", 1)
        events = obj.get("events")
        if type(events) is not list or not events:
            raise ProtocolError(f"batch: events must be a non-empty list, got {_brief(events)}")
        if len(events) > MAX_BATCH:
            raise ProtocolError(f"batch: {len(events)} events is over the limit of {MAX_BATCH}")
        if seq + len(events) - 1 > MAX_SEQ:
            raise ProtocolError(f"batch: seq runs past {MAX_SEQ}")
        return Events(seq, events)
    if kind == "heartbeat":
        return Heartbeat(_int(obj, "seq", 0), _int(obj, "server_time_ms", 0, 2**62))
    if kind == "welcome":
        beat: Any = obj.get("heartbeat_s")
        # NaN and infinity fail the comparison too.
        if type(beat) not in (int, float) or not MIN_HEARTBEAT_S <= beat <= MAX_HEARTBEAT_S:
            raise ProtocolError(
                f"welcome: heartbeat_s must be {MIN_HEARTBEAT_S} to {MAX_HEARTBEAT_S:g} seconds, got {_brief(beat)}"
            )
        actions = obj.get("actions", False)
        if type(actions) is not bool:
            raise ProtocolError(f"welcome: actions must be true or false, got {_brief(actions)}")
        return Welcome(
            _text(obj, "protocol", 100), _text(obj, "stream", MAX_STREAM_ID),
            _int(obj, "server_time_ms", 0, 2**62), float(beat), _int(obj, "last_seq", 0),
            _int(obj, "first_seq", 1, default=1), actions,
        )  # fmt: skip
    if kind == "error":
        message = obj.get("message", "")
        if type(message) is not str:
            raise ProtocolError(f"error: message must be a string, got {_brief(message)}")
        return ErrorFrame(_text(obj, "code", 40), message[:MAX_MESSAGE])
    _unknown(kind)


def parse_client_frame(text: str) -> ClientFrame:
    """Decode a frame the server received; ProtocolError names what is wrong."""
    obj = _load(text)
    kind = obj["type"]
    if kind == "hello":
        token = None if obj.get("token") is None else _text(obj, "token", MAX_TOKEN)
        return Hello(_text(obj, "protocol", 100), token, _int(obj, "resume_after", 0, default=0))
    if kind == "ack":
        return Ack(_int(obj, "seq", 0))
    if kind == "action":
        event = obj.get("event")
        if type(event) is not dict:
            raise ProtocolError(f"action: event must be an object, got {_brief(event)}")
        event = {"type": "action", **event}  # so field errors name the frame
        data = event.get("data")
        if type(data) is not dict:
            raise ProtocolError(f"action: data must be an object, got {_brief(data)}")
        return Action(
            _int(event, "seq", 1), _int(event, "ts_ms", 0, 2**62), _text(event, "kind", 40), data
        )
    _unknown(kind)


# -- encoders -------------------------------------------------------------------------
def _dump(obj: dict[str, Any]) -> str:
    return _ENCODER.encode(obj)


def encode_hello(token: str | None, resume_after: int) -> str:
    return _dump({"type": "hello", "protocol": PROTOCOL, "token": token, "resume_after": resume_after})  # fmt: skip


def encode_welcome(stream: str, server_time_ms: int, heartbeat_s: float, last_seq: int,
                   first_seq: int = 1, actions: bool = False) -> str:  # fmt: skip
    return _dump(
        {"type": "welcome", "protocol": PROTOCOL, "stream": stream,
         "server_time_ms": server_time_ms, "heartbeat_s": heartbeat_s, "last_seq": last_seq,
         "first_seq": first_seq, "actions": actions}
    )  # fmt: skip


def encode_event(seq: int, event: dict[str, Any]) -> str:
    return _dump({"type": "event", "seq": seq, "event": event})


def encode_batch(seq: int, events: list[dict[str, Any]]) -> str:
    return _dump({"type": "batch", "seq": seq, "events": events})


def encode_heartbeat(seq: int, server_time_ms: int) -> str:
    return _dump({"type": "heartbeat", "seq": seq, "server_time_ms": server_time_ms})


def encode_error(code: str, message: str) -> str:
    return _dump({"type": "error", "code": code, "message": message[:MAX_MESSAGE]})


def encode_ack(seq: int) -> str:
    return _dump({"type": "ack", "seq": seq})


def encode_action(event: Event) -> str:
    return _dump(
        {"type": "action",
         "event": {"seq": event.seq, "ts_ms": event.ts_ms, "kind": event.kind, "data": event.data}}
    )  # fmt: skip
