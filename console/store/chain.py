"""The hash chain that makes the event log tamper-evident.

Each row's hash covers the previous row's hash and every column of the row,
so editing, deleting, inserting or reordering rows breaks the chain at the
first row touched. The chain starts from the session id, so rows copied from
another session do not fit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from console import fastjson

CHAIN_VERSION = "live-console chain v1"


def genesis(session_id: str) -> str:
    return hashlib.sha256(f"{CHAIN_VERSION}\n{session_id}".encode()).hexdigest()


# The exact text stored in `events.data` and covered by the hash. The hash covers the
# stored text, not the values, so a file stays valid whatever encoder wrote it; this
# one writes compact JSON with characters as themselves. (An alias: it runs per event.)
encode_data: Callable[[dict[str, Any]], str] = fastjson.dumps


def row_hash(prev: str, seq: int, ts_ms: int, kind: str, source: str, data: str) -> str:
    # kind and source never contain a newline (both come from fixed sets),
    # and data is last, so the joined text is unambiguous.
    return _sha256(f"{prev}\n{seq}\n{ts_ms}\n{kind}\n{source}\n{data}".encode()).hexdigest()


_sha256 = hashlib.sha256
