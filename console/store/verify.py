"""Check a session file: SQLite's own integrity check, then the hash chain."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from console.store.chain import genesis, row_hash
from console.store.session_file import _describe, open_session


@dataclass(frozen=True, slots=True)
class VerifyResult:
    intact: bool
    events: int
    chain_head: str
    first_bad_seq: int | None = None
    reason: str = ""


def verify(path: Path) -> VerifyResult:
    conn, meta = open_session(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            return VerifyResult(
                False, 0, "", None, "SQLite integrity check: " + "; ".join(problems[:5])
            )
        if meta.genesis != genesis(meta.id):
            return VerifyResult(False, 0, "", 1, "the chain's start does not match the session id")
        prev = meta.genesis
        expected = 1
        cur = conn.execute("SELECT seq, ts_ms, kind, source, data, hash FROM events ORDER BY seq")
        while rows := cur.fetchmany(10_000):
            for seq, ts, kind, source, data, stored in rows:
                if seq != expected:
                    why = f"event {expected} is missing" if seq > expected else "duplicate"
                    return VerifyResult(False, expected - 1, prev, expected, why)
                try:
                    computed = row_hash(prev, seq, ts, kind, source, data)
                except (TypeError, UnicodeEncodeError):
                    computed = ""
                if computed != stored:
                    return VerifyResult(
                        False, seq - 1, prev, seq, f"event {seq} was changed or moved"
                    )
                prev = stored
                expected += 1
        count = expected - 1
        if count != meta.event_count or prev != meta.chain_head:
            return VerifyResult(
                False, count, prev, count + 1,
                f"the log ends at event {count} but the session record says {meta.event_count}",
            )  # fmt: skip
        return VerifyResult(True, count, prev)
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    finally:
        conn.close()
