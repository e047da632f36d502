"""Opening, creating and describing one session file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from console.domain.catalog import Product
from console.store.errors import SessionFileError
from console.store.lock import is_recording
from console.store.schema import configure, migrate


@dataclass(frozen=True, slots=True)
class SessionMeta:
    id: str
    title: str
    currency: str
    app_version: str
    started_at_ms: int
    status: str  # live, ended, interrupted
    event_count: int
    chain_head: str
    genesis: str
    ended_at_ms: int | None = None
    last_ts_ms: int | None = None


def _describe(path: Path, e: sqlite3.Error) -> SessionFileError:
    text = str(e)
    if "not a database" in text:
        return SessionFileError(f"{path.name} is not a session file (it is not an SQLite database)")
    if "malformed" in text or "corrupt" in text:
        return SessionFileError(f"{path.name} is damaged: {text}")
    if "locked" in text or "busy" in text:
        return SessionFileError(f"{path.name} is locked by another program; close it and try again")
    if "readonly" in text or "read-only" in text:
        return SessionFileError(f"{path.name} is read-only; it can be viewed but not recorded to")
    if "disk" in text and "full" in text:
        return SessionFileError(f"the disk holding {path.name} is full")
    return SessionFileError(f"{path.name} cannot be read: {text}")


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """A configured connection; SessionFileError (never a traceback) for a bad file.

    Another program's SQLite file is recognised before anything is changed in it
    (configuring switches the journal to WAL), and no connection is left open.
    """
    if not create and not path.is_file():
        raise SessionFileError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(path, isolation_level="DEFERRED")
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    try:
        ours = "SELECT 1 FROM sqlite_master WHERE type='table' AND name='session'"
        if not create and not conn.execute(ours).fetchone():
            raise SessionFileError(f"{path.name} is an SQLite file but not a Live Console session")
        configure(conn)
        migrate(conn)
    except BaseException as e:
        conn.close()
        if isinstance(e, sqlite3.Error):
            raise _describe(path, e) from None
        raise
    return conn


def read_meta(conn: sqlite3.Connection, path: Path) -> SessionMeta:
    try:
        cur = conn.execute(
            "SELECT id, title, currency, app_version, started_at_ms, status, event_count,"
            " chain_head, genesis, ended_at_ms, last_ts_ms FROM session"
        )
        row = cur.fetchone()
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    if row is None:
        raise SessionFileError(f"{path.name} has no session record")
    return SessionMeta(*row)


def write_meta(conn: sqlite3.Connection, meta: SessionMeta) -> None:
    cols = asdict(meta)
    conn.execute(
        f"INSERT OR REPLACE INTO session ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        tuple(cols.values()),
    )


def open_session(path: Path) -> tuple[sqlite3.Connection, SessionMeta]:
    """Open for reading; an unfinished session nobody is recording is marked interrupted."""
    conn = connect(path)
    meta = read_meta(conn, path)
    if meta.status == "live" and not is_recording(path):
        meta = replace(meta, status="interrupted")
        try:
            with conn:
                conn.execute("UPDATE session SET status='interrupted' WHERE id=?", (meta.id,))
        except sqlite3.Error as e:
            if "readonly" not in str(e):
                raise _describe(path, e) from None
    return conn, meta


def create_session(path: Path, meta: SessionMeta, catalog: Iterable[Product]) -> None:
    if path.exists():
        raise SessionFileError(f"{path} already exists; choose another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path, create=True)
    try:
        with conn:
            write_meta(conn, meta)
            conn.executemany(
                "INSERT INTO catalog (position, sku, title, price_minor, compare_at_minor,"
                " currency, stock, image, variants) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (i, p.sku, p.title, p.price_minor, p.compare_at_minor, p.currency, p.stock,
                     p.image, json.dumps(p.to_dict()["variants"], ensure_ascii=False))
                    for i, p in enumerate(catalog)
                ],
            )  # fmt: skip
    except sqlite3.Error as e:
        raise _describe(path, e) from None
    finally:
        conn.close()
