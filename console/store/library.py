"""The session library: every session file in the data folder, listed, imported, deleted.

A folder of hundreds of multi-gigabyte sessions must list in a blink, so `scan`
reads each file's session row and sums its `metrics_1s` (one row a second) and
never folds the log. Checking the hash chain reads every event, so
`check_integrity` remembers each answer by the file's size and modification
time. A file that cannot be read is listed with the reason, never left out:
a merchant who keeps records for years must see that one has gone bad.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.store.errors import SessionFileError
from console.store.lock import is_recording, lock_path
from console.store.paths import SUFFIX
from console.store.session_file import SessionMeta, _describe, connect, read_meta
from console.store.verify import verify

DAY_MS = 86_400_000
INTEGRITY_CACHE = "integrity.json"
SIDECARS = ("-wal", "-shm", "-journal")  # SQLite's files beside a database
# Per-second readings: `viewers` is the last count in each second, so the peak of an
# instant between two readings is missed; the session's report folds the log for that.
_AGGREGATE = (
    "SELECT COALESCE(SUM(gmv_minor), 0), COALESCE(SUM(orders), 0), COALESCE(MAX(viewers), 0)"
    " FROM metrics_1s"
)
_cache_lock = threading.Lock()  # checks run on several threads; the cache file is one


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One file as the library lists it; `problem` says why it cannot be read."""

    path: Path
    size_bytes: int  # with the -wal sidecar: what the session takes on disk
    modified_ms: int
    title: str = ""
    session_id: str = ""
    currency: str = ""
    started_at_ms: int | None = None
    duration_ms: int = 0
    gmv_minor: int = 0
    orders: int = 0
    peak_viewers: int = 0
    events: int = 0
    status: str = ""  # live (being recorded now), ended or interrupted; "" when unreadable
    problem: str | None = None

    @property
    def recorded_at_ms(self) -> int:
        """When the record was made: its start, or the file's time when the start is unreadable."""
        return self.modified_ms if self.started_at_ms is None else self.started_at_ms


@dataclass(frozen=True, slots=True)
class Integrity:
    intact: bool
    reason: str = ""


class RetentionError(SessionFileError):
    """Deleting would break the retention rule; `keep_until_ms` is when it no longer would."""

    def __init__(self, message: str, keep_until_ms: int) -> None:
        super().__init__(message)
        self.keep_until_ms = keep_until_ms


# -- listing ---------------------------------------------------------------------------------


def scan(sessions_dir: Path) -> list[LibraryEntry]:
    """Every `*.live.db` in the folder, newest first; an unreadable one carries its problem."""
    if not sessions_dir.is_dir():
        return []
    entries = [describe(p) for p in sessions_dir.glob(f"*{SUFFIX}") if p.is_file()]
    entries.sort(key=lambda e: e.recorded_at_ms, reverse=True)
    return entries


def describe(path: Path) -> LibraryEntry:
    """The session row and the per-second totals of one file, without folding its log."""
    try:
        st = path.stat()
        size = st.st_size + _sidecar_size(path, "-wal")
    except OSError as e:
        return LibraryEntry(path, 0, 0, problem=f"{path.name} cannot be read: {e.strerror}")
    entry = LibraryEntry(path, size, st.st_mtime_ns // 1_000_000)
    try:
        conn = connect(path)
    except SessionFileError as e:
        return replace(entry, problem=str(e))
    try:
        meta = read_meta(conn, path)
        totals = conn.execute(_AGGREGATE).fetchone()
    except SessionFileError as e:
        return replace(entry, problem=str(e))
    except sqlite3.Error as e:
        return replace(entry, problem=str(_describe(path, e)))
    finally:
        conn.close()
    problem = _damage(meta, totals)
    if problem:
        return replace(entry, problem=f"{path.name} is damaged: {problem}")
    gmv, orders, peak = totals
    end = meta.ended_at_ms or meta.last_ts_ms or meta.started_at_ms
    status = meta.status
    if status != "ended":  # a file that says live is interrupted unless someone records it
        status = "live" if is_recording(path) else "interrupted"
    return replace(
        entry, title=meta.title, session_id=meta.id, currency=meta.currency,
        started_at_ms=meta.started_at_ms, duration_ms=max(0, end - meta.started_at_ms),
        gmv_minor=gmv, orders=orders, peak_viewers=peak, events=meta.event_count, status=status,
    )  # fmt: skip


def _damage(meta: SessionMeta, totals: tuple[Any, ...]) -> str:
    """What in the session row or totals is not what the console writes (a hand edit)."""
    if not all(type(v) is int for v in (meta.started_at_ms, meta.event_count, *totals)):
        return "its session record or per-second totals hold non-numbers"
    if not all(v is None or type(v) is int for v in (meta.ended_at_ms, meta.last_ts_ms)):
        return "its session record holds a time that is not a number"
    if not isinstance(meta.title, str) or not isinstance(meta.currency, str):
        return "its session record holds a title or currency that is not text"
    return ""


def _sidecar_size(path: Path, suffix: str) -> int:
    try:
        return path.with_name(path.name + suffix).stat().st_size
    except FileNotFoundError:
        return 0


# -- integrity -------------------------------------------------------------------------------


def check_integrity(path: Path, cache_dir: Path) -> Integrity:
    """`verify`'s verdict, remembered in `cache_dir` until the file changes.

    Not for a file being recorded: its record and its log move while they are read.
    A file that cannot be opened at all is broken, and is tried again next time.
    """
    key = str(path.resolve())
    stamp = _stamp(path)
    with _cache_lock:
        known = _read_cache(cache_dir).get(key)
    if known is not None and known.get("stamp") == stamp:
        return Integrity(known["intact"], known["reason"])
    try:
        result = verify(path)
    except SessionFileError as e:
        return Integrity(False, str(e))
    # Opening may have marked the session interrupted or taken in a -wal: stamp it after.
    found = {"stamp": _stamp(path), "intact": result.intact, "reason": result.reason}
    with _cache_lock:
        cache = _read_cache(cache_dir)
        cache[key] = found
        _write_cache(cache_dir, {k: v for k, v in cache.items() if Path(k).exists()})
    return Integrity(result.intact, result.reason)


def _stamp(path: Path) -> list[int]:
    """Size and modification time of the file and of its -wal, which changes first."""
    out: list[int] = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = p.stat()
        except OSError:
            out += [0, 0]
        else:
            out += [st.st_size, st.st_mtime_ns]
    return out


def _read_cache(cache_dir: Path) -> dict[str, dict[str, Any]]:
    """The cache's entries; a missing or garbled file is an empty cache, rebuilt as files are checked."""
    try:
        data = json.loads((cache_dir / INTEGRITY_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: v
        for k, v in data.items()
        if isinstance(v, dict)
        and isinstance(v.get("stamp"), list)
        and type(v.get("intact")) is bool
        and isinstance(v.get("reason"), str)
    }


def _write_cache(cache_dir: Path, cache: dict[str, dict[str, Any]]) -> None:
    """Written whole to a temporary file then renamed, so a reader never sees half of it."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temp = cache_dir / f".{INTEGRITY_CACHE}.{uuid.uuid4().hex}"
        temp.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, cache_dir / INTEGRITY_CACHE)
    except OSError:
        pass  # a cache that cannot be written only costs a check next time


# -- importing -------------------------------------------------------------------------------


def import_session(src: Path, sessions_dir: Path) -> Path:
    """Copy a session file into the library once the copy verifies; the path of the copy.

    A broken file is refused with the reason: the library holds records a merchant
    may have to show, and an untrustworthy copy would sit among them looking like
    one (it can still be opened where it is). SQLite's backup API copies what is
    committed, a -wal sidecar included, without writing to the source. The copy is
    made and verified in a hidden folder and moved in under a name no file has:
    `name.live.db`, else `name-2.live.db`, and so on.
    """
    if not src.is_file():
        raise SessionFileError(f"{src} does not exist")
    if src.resolve().parent == sessions_dir.resolve():
        raise SessionFileError(f"{src.name} is already in the library")
    if is_recording(src):
        raise SessionFileError(f"{src.name} is being recorded; import it once the session ends")
    name = (src.name.removesuffix(SUFFIX) if src.name.endswith(SUFFIX) else src.stem) or "session"
    work = sessions_dir / f".importing-{uuid.uuid4().hex}"
    try:
        work.mkdir(parents=True)
        temp = work / (name + SUFFIX)  # the file's own name, so messages about it name it
        _backup(src, temp)
        result = verify(temp)
        if not result.intact:
            raise SessionFileError(f"{src.name} was not imported: {result.reason}")
        return _move_in(temp, sessions_dir)
    except OSError as e:
        raise SessionFileError(f"{src.name} was not imported: {e.strerror or e}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _backup(src: Path, dest: Path) -> None:
    try:
        source = sqlite3.connect(src.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise _describe(src, e) from None
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
        finally:
            target.close()
    except sqlite3.Error as e:
        raise _describe(src, e) from None
    finally:
        source.close()


def _move_in(temp: Path, sessions_dir: Path) -> Path:
    """Claim a free name with O_EXCL (so nothing is ever overwritten), then move onto it."""
    stem = temp.name.removesuffix(SUFFIX)
    n = 1
    while True:
        dest = sessions_dir / (temp.name if n == 1 else f"{stem}-{n}{SUFFIX}")
        try:
            os.close(os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            n += 1
            continue
        try:
            os.replace(temp, dest)
        except OSError:
            dest.unlink(missing_ok=True)
            raise
        return dest


# -- deleting --------------------------------------------------------------------------------


def days_in_years(years: int) -> int:
    """Whole days that cover `years` calendar years, leap days included."""
    return math.ceil(years * 365.25)


def keep_until_ms(entry: LibraryEntry, retention_days: int) -> int:
    return entry.recorded_at_ms + retention_days * DAY_MS


def delete_session(path: Path, *, retention_days: int, now_ms: int, force: bool) -> None:
    """Delete a session file and its sidecars (-wal, -shm, .lock).

    Refused for a session being recorded, and (RetentionError) for one younger than
    the retention period unless `force`: live-sales records must be kept for years.
    """
    if is_recording(path):
        raise SessionFileError(f"{path.name} is being recorded; end the session before deleting it")
    until = keep_until_ms(describe(path), retention_days)
    if now_ms < until and not force:
        day = datetime.fromtimestamp(until / 1000, UTC).astimezone().date()
        raise RetentionError(
            f"{path.name} is younger than the retention period ({retention_days} days);"
            f" it may be deleted from {day.isoformat()}",
            until,
        )
    # The session first: a -wal deleted beside a session that stays would lose its last commits.
    for p in (path, *(path.with_name(path.name + s) for s in SIDECARS), lock_path(path)):
        try:
            p.unlink(missing_ok=True)
        except OSError as e:
            raise SessionFileError(f"{p.name} cannot be deleted: {e.strerror or e}") from None
