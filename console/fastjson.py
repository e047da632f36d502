"""JSON on the hot path: orjson where it gives the standard library's answer.

orjson parses and writes an event about ten times faster than the standard
library (BENCHMARKS.md, "Where the time goes"), but refuses some input the
standard library takes (lone surrogates, very deep nesting, infinity): those
fall back to the standard library, so the caller sees the same values and
errors as before. One difference stays: orjson reads an integer beyond 64
bits as a float, as JavaScript would; every reader here refuses a float where
it needs an integer, and no integer field allows such a value anyway, so such
input is refused either way, with "must be an integer" as the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(obj: Any) -> str:
    """Compact JSON text, UTF-8 characters as themselves (not \\u escapes)."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError:  # orjson.JSONEncodeError: a big integer, a non-str key, a surrogate
        return _ENCODER.encode(obj)


def loads(text: str, fallback: Callable[[str], Any] = json.loads) -> Any:
    """Parse `text`; what orjson refuses goes to `fallback`, whose answer or error stands."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return fallback(text)
