"""The session file's tables, versioned with PRAGMA user_version.

Names are plain words so a merchant can open the file in the sqlite3 shell or
sqlite-utils and read it; docs/session-file.md describes every column.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.domain.state import BUCKET_FIELDS
from console.store.errors import SessionFileError

if TYPE_CHECKING:  # imported when a file is made or migrated: it costs 0.3 s at start-up
    import sqlite_utils

APPLICATION_ID = 0x4C495645  # "LIVE": marks the file as ours for `file(1)` and readers


def _v1(db: sqlite_utils.Database) -> None:
    db.table("session").create(
        {
            "id": str,
            "title": str,
            "currency": str,
            "app_version": str,
            "started_at_ms": int,
            "ended_at_ms": int,
            "last_ts_ms": int,
            "status": str,
            "event_count": int,
            "chain_head": str,
            "genesis": str,
        },
        pk="id",
        not_null={"title", "currency", "status", "started_at_ms", "event_count", "chain_head"},
    )
    db.table("catalog").create(
        {
            "position": int,
            "sku": str,
            "title": str,
            "price_minor": int,
            "compare_at_minor": int,
            "currency": str,
            "stock": int,
            "image": str,
            "variants": str,
        },
        pk="sku",
    )
    db.table("events").create(
        {"seq": int, "ts_ms": int, "kind": str, "source": str, "data": str, "hash": str},
        pk="seq",
        not_null={"ts_ms", "kind", "source", "data", "hash"},
    )
    db.table("metrics_1s").create(
        {"sec": int, "ts_ms": int, **dict.fromkeys(BUCKET_FIELDS, int)},
        pk="sec",
        not_null={"ts_ms", *BUCKET_FIELDS},
    )
    db.table("rejected").create(
        {"id": int, "ts_ms": int, "source": str, "reason": str, "payload": str},
        pk="id",
        not_null={"ts_ms", "source", "reason", "payload"},
    )


def _v2(db: sqlite_utils.Database) -> None:
    """Checkpoints: the state every so many events, for replay (console/store/checkpoints.py)."""
    db.table("checkpoints").create(
        {"seq": int, "ts_ms": int, "buckets_from": int, "state": str},
        pk="seq",
        not_null={"ts_ms", "buckets_from", "state"},
    )


def _v3(db: sqlite_utils.Database) -> None:
    """Feed cursors: how far each resumable source is on disk, so a resumed session asks
    the source for what follows instead of taking its stream again from the start."""
    db.table("feed_cursors").create(
        {"feed": str, "stream": str, "seq": int}, pk="feed", not_null={"stream", "seq"}
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3]
SCHEMA_VERSION = len(MIGRATIONS)


def configure(conn: sqlite3.Connection) -> None:
    """WAL + synchronous=NORMAL: a process crash loses nothing committed."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")


def check_version(conn: sqlite3.Connection) -> int:
    """The file's schema version; SessionFileError if this app is too old for it."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SessionFileError(
            f"this session file has schema {version}, newer than this Live Console "
            f"understands ({SCHEMA_VERSION}): update the app to open it"
        )
    return version


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the file to this schema; a read-only file is left as it is.

    Every migration after v1 only adds what readers can do without (v2: checkpoints,
    v3: feed cursors), so an older file on a read-only disk still opens.
    """
    version = check_version(conn)
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    for step in range(version, SCHEMA_VERSION):
        try:
            with conn:
                MIGRATIONS[step](db)
                conn.execute(f"PRAGMA user_version={step + 1}")
        except sqlite3.OperationalError as e:
            if version == 0 or "readonly" not in str(e):
                raise
            return
    if version == 0:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
