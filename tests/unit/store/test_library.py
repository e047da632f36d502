"""The session library: listing every file (broken ones too), integrity, import, delete."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.store import library
from console.store.errors import SessionFileError
from console.store.library import (
    DAY_MS,
    INTEGRITY_CACHE,
    Integrity,
    LibraryEntry,
    RetentionError,
    check_integrity,
    days_in_years,
    delete_session,
    describe,
    import_session,
    scan,
)
from console.store.lock import lock_path
from console.store.verify import verify
from tests.support import START_MS, small_catalog

MINUTE = 60_000


def record(path: Path, *, title: str = "Show", orders: int = 3, start_ms: int = START_MS,
           end: bool = True) -> LiveSession:  # fmt: skip
    """A short session: `orders` masks at ¥59.90, viewers up to 120, then 1 minute of quiet.

    With `end=False` the recording "dies": the writer stops and the lock goes, as when the
    process is killed, leaving status `live` in the file.
    """
    clock = VirtualClock(start_ms)
    s = LiveSession.start(path, title=title, catalog=small_catalog(), clock=clock)
    for n in range(orders):
        clock.advance(1000)
        s.ingest([{"kind": "viewers", "online": 100 + 10 * n},
                  {"kind": "order", "order_id": f"o{n}", "sku": "MASK", "qty": 1}], "sim")  # fmt: skip
    clock.advance(MINUTE)
    s.ingest([{"kind": "viewers", "online": 80}], "sim")
    if end:
        s.close()
    else:
        s.writer.close()
        s._lock.release(remove=False)  # the kernel drops a dead process's lock
    return s


def tamper(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement)
    conn.close()


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """One of each: ended, interrupted, live, broken chain, truncated, not SQLite."""
    d = tmp_path / "sessions"
    record(d / "ended.live.db", title="直播 ended", orders=4)
    record(d / "interrupted.live.db", title="Interrupted", start_ms=START_MS + DAY_MS, end=False)
    live = LiveSession.start(
        d / "recording.live.db", title="Recording", catalog=small_catalog(),
        clock=VirtualClock(START_MS + 3 * DAY_MS),
    )  # fmt: skip
    live.writer.flush()
    shutil.copy(d / "ended.live.db", d / "tampered.live.db")
    tamper(d / "tampered.live.db", "UPDATE events SET data = replace(data, 'o1', 'o9')")
    data = (d / "ended.live.db").read_bytes()
    (d / "truncated.live.db").write_bytes(data[: len(data) // 3])
    (d / "notes.live.db").write_text("not a database " * 200, encoding="utf-8")
    (d / "ignored.txt").write_text("not a session", encoding="utf-8")
    yield d
    live.close()


def by_name(entries: list[LibraryEntry]) -> dict[str, LibraryEntry]:
    return {e.path.name.removesuffix(".live.db"): e for e in entries}


# -- listing ---------------------------------------------------------------------------------


def test_scan_lists_every_session_file_broken_ones_too(folder: Path) -> None:
    entries = by_name(scan(folder))
    assert sorted(entries) == [
        "ended", "interrupted", "notes", "recording", "tampered", "truncated",
    ]  # fmt: skip
    status = {name: e.status for name, e in entries.items() if e.problem is None}
    assert status == {
        "ended": "ended", "tampered": "ended", "interrupted": "interrupted", "recording": "live",
    }  # fmt: skip
    assert "not an SQLite database" in str(entries["notes"].problem)
    assert entries["truncated"].problem is not None
    assert entries["truncated"].problem.startswith("truncated.live.db")
    assert entries["notes"].status == entries["truncated"].status == ""


def test_scan_totals_come_from_the_per_second_metrics(folder: Path) -> None:
    e = by_name(scan(folder))["ended"]
    assert (e.title, e.currency, e.started_at_ms) == ("直播 ended", "CNY", START_MS)
    assert (e.gmv_minor, e.orders, e.peak_viewers) == (4 * 5990, 4, 130)
    assert e.duration_ms == 4000 + MINUTE
    assert e.events == 1 + 3 + 8 + 1 + 1  # started, 3 products, 4 x (viewers, order), viewers, end
    assert e.size_bytes == (folder / "ended.live.db").stat().st_size


def test_scan_is_newest_first_and_counts_the_wal(folder: Path) -> None:
    entries = [e for e in scan(folder) if e.problem is None]
    assert [e.path.name for e in entries][:3] == [
        "recording.live.db", "interrupted.live.db", "ended.live.db",
    ]  # fmt: skip
    recording = entries[0]
    wal = folder / "recording.live.db-wal"
    assert (
        recording.size_bytes == (folder / "recording.live.db").stat().st_size + wal.stat().st_size
    )


def test_scan_changes_no_file(folder: Path) -> None:
    """Listing does not mark the interrupted ones: the file still says what it said."""
    before = {
        p.name: p.read_bytes() for p in folder.glob("*.live.db") if p.name != "recording.live.db"
    }
    scan(folder)
    after = {
        p.name: p.read_bytes() for p in folder.glob("*.live.db") if p.name != "recording.live.db"
    }
    assert before == after


def test_a_missing_folder_lists_nothing(tmp_path: Path) -> None:
    assert scan(tmp_path / "nowhere") == []


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE session SET started_at_ms = 'yesterday'",
        "UPDATE session SET last_ts_ms = 'later'",
        "UPDATE session SET title = x'ff'",
        "UPDATE metrics_1s SET viewers = 'many' WHERE sec = 1",
        "DROP TABLE metrics_1s",
        "DELETE FROM session",
    ],
)
def test_a_hand_edited_file_is_listed_with_its_problem(tmp_path: Path, edit: str) -> None:
    path = tmp_path / "edited.live.db"
    record(path)
    tamper(path, edit)
    entry = describe(path)
    assert entry.problem is not None
    assert entry.problem.startswith("edited.live.db")


# -- integrity -------------------------------------------------------------------------------


def test_integrity_of_good_and_broken_files(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert check_integrity(folder / "ended.live.db", cache) == Integrity(True)
    tampered = check_integrity(folder / "tampered.live.db", cache)
    assert not tampered.intact
    assert "changed or moved" in tampered.reason
    for name in ("truncated", "notes"):
        result = check_integrity(folder / f"{name}.live.db", cache)
        assert not result.intact
        assert result.reason.startswith(f"{name}.live.db")


def test_integrity_is_cached_until_the_file_changes(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    path = folder / "ended.live.db"
    calls: list[Path] = []

    def counting(p: Path) -> object:
        calls.append(p)
        return verify(p)

    monkeypatch.setattr(library, "verify", counting)
    assert check_integrity(path, cache).intact
    assert check_integrity(path, cache).intact
    assert len(calls) == 1
    stored = json.loads((cache / INTEGRITY_CACHE).read_text(encoding="utf-8"))
    assert list(stored) == [str(path.resolve())]
    tamper(path, "UPDATE events SET ts_ms = ts_ms + 1 WHERE seq = 5")
    assert not check_integrity(path, cache).intact
    assert len(calls) == 2


def test_interrupted_file_is_cached_after_the_check_marks_it(folder: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Verifying marks an abandoned session interrupted: the cache keeps the file as it is after."""
    cache = tmp_path / "cache"
    path = folder / "interrupted.live.db"
    assert check_integrity(path, cache).intact
    monkeypatch.setattr(library, "verify", lambda p: pytest.fail("checked again"))
    assert check_integrity(path, cache).intact


def test_a_garbled_cache_is_rebuilt(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / INTEGRITY_CACHE).write_text('{"x": {"stamp": 1}, "y": [', encoding="utf-8")
    assert check_integrity(folder / "ended.live.db", cache).intact
    assert list(json.loads((cache / INTEGRITY_CACHE).read_text(encoding="utf-8"))) == [
        str((folder / "ended.live.db").resolve())
    ]


def test_deleted_files_leave_the_cache(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    check_integrity(folder / "ended.live.db", cache)
    (folder / "ended.live.db").unlink()
    check_integrity(folder / "interrupted.live.db", cache)
    stored = json.loads((cache / INTEGRITY_CACHE).read_text(encoding="utf-8"))
    assert list(stored) == [str((folder / "interrupted.live.db").resolve())]


# -- importing -------------------------------------------------------------------------------


def test_import_copies_and_leaves_the_source_alone(folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "usb" / "ended.live.db"
    src.parent.mkdir()
    shutil.copy(folder / "ended.live.db", src)
    before = src.read_bytes()
    lib = tmp_path / "library"
    dest = import_session(src, lib)
    assert dest == lib / "ended.live.db"
    assert verify(dest).intact
    assert src.read_bytes() == before
    assert sorted(p.name for p in lib.iterdir()) == ["ended.live.db"]  # no work folder left


def test_import_never_overwrites(folder: Path, tmp_path: Path) -> None:
    lib = tmp_path / "library"
    first = import_session(folder / "ended.live.db", lib)
    second = import_session(folder / "ended.live.db", lib)
    third = import_session(folder / "ended.live.db", lib)
    assert [p.name for p in (first, second, third)] == [
        "ended.live.db", "ended-2.live.db", "ended-3.live.db",
    ]  # fmt: skip
    assert all(verify(p).intact for p in (first, second, third))


def test_import_takes_in_a_wal_sidecar(tmp_path: Path) -> None:
    """A copy made while recording has its last commits only in the -wal: they come too."""
    here = tmp_path / "here" / "s.live.db"
    s = LiveSession.start(here, title="S", catalog=small_catalog(), clock=VirtualClock(START_MS))
    s.ingest([{"kind": "like", "count": 5}], "sim")
    s.writer.flush()
    away = tmp_path / "away"
    away.mkdir()
    for name in ("s.live.db", "s.live.db-wal"):
        shutil.copy(here.parent / name, away / name)
    s.close()
    dest = import_session(away / "s.live.db", tmp_path / "library")
    assert verify(dest).events == 5
    assert describe(dest).status == "interrupted"


def test_import_gives_a_session_name_to_another_suffix(folder: Path, tmp_path: Path) -> None:
    src = tmp_path / "backup.sqlite"
    shutil.copy(folder / "ended.live.db", src)
    assert import_session(src, tmp_path / "library").name == "backup.live.db"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("tampered", "tampered.live.db was not imported: event 8 was changed or moved"),
        ("notes", "not an SQLite database"),
        ("truncated", "truncated.live.db"),
        ("recording", "being recorded"),
    ],
)
def test_import_refuses_what_is_not_a_sound_record(folder: Path, tmp_path: Path, name: str,
                                                   says: str) -> None:  # fmt: skip
    lib = tmp_path / "library"
    with pytest.raises(SessionFileError, match=says):
        import_session(folder / f"{name}.live.db", lib)
    assert not lib.exists() or list(lib.iterdir()) == []


def test_import_refuses_a_file_already_in_the_library(folder: Path) -> None:
    with pytest.raises(SessionFileError, match="already in the library"):
        import_session(folder / "ended.live.db", folder)


def test_import_of_a_sqlite_file_that_is_not_a_session(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(SessionFileError, match=r"other\.live\.db is an SQLite file but not a Live"):
        import_session(other, tmp_path / "library")


# -- deleting --------------------------------------------------------------------------------


def test_days_in_years_cover_leap_days() -> None:
    assert days_in_years(1) == 366
    assert days_in_years(3) == 1096
    assert days_in_years(4) == 1461


def test_delete_inside_the_retention_period_needs_force(folder: Path) -> None:
    path = folder / "interrupted.live.db"
    now = START_MS + 10 * DAY_MS
    with pytest.raises(RetentionError, match="younger than the retention period") as caught:
        delete_session(path, retention_days=1096, now_ms=now, force=False)
    assert caught.value.keep_until_ms == START_MS + DAY_MS + 1096 * DAY_MS
    assert path.exists()
    delete_session(path, retention_days=1096, now_ms=now, force=True)
    assert not path.exists()


def test_delete_after_the_retention_period(folder: Path) -> None:
    path = folder / "ended.live.db"
    delete_session(path, retention_days=10, now_ms=START_MS + 10 * DAY_MS, force=False)
    assert not path.exists()


def test_delete_removes_the_sidecars(tmp_path: Path) -> None:
    path = tmp_path / "s.live.db"
    record(path)
    for sidecar in ("-wal", "-shm"):
        path.with_name(path.name + sidecar).write_bytes(b"")
    lock_path(path).write_bytes(b"")
    delete_session(path, retention_days=1, now_ms=START_MS + 2 * DAY_MS, force=False)
    assert list(tmp_path.iterdir()) == []


def test_delete_refuses_a_session_being_recorded(folder: Path) -> None:
    path = folder / "recording.live.db"
    with pytest.raises(SessionFileError, match="being recorded"):
        delete_session(path, retention_days=1, now_ms=START_MS + 100 * DAY_MS, force=True)
    assert path.exists()


def test_an_unreadable_file_ages_by_its_file_time(folder: Path) -> None:
    path = folder / "notes.live.db"
    modified = describe(path).modified_ms
    with pytest.raises(RetentionError):
        delete_session(path, retention_days=1, now_ms=modified + 1000, force=False)
    delete_session(path, retention_days=1, now_ms=modified + DAY_MS, force=False)
    assert not path.exists()
