"""Tampering with a real session file is detected and located."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.store.verify import verify
from tests.support import START_MS, small_catalog


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rec") / "s.live.db"
    clock = VirtualClock(START_MS)
    s = LiveSession.start(path, title="T", catalog=small_catalog(), clock=clock, session_id="v1")
    s.present("MASK")
    for n in range(40):
        clock.advance(250)
        s.ingest([{"kind": "comment", "user": f"u{n}", "text": "有链接吗"},
                  {"kind": "order", "order_id": f"o{n}", "sku": "MASK", "qty": 1}], "sim")  # fmt: skip
    s.close()
    return path


@pytest.fixture
def copy(recorded: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy.live.db"
    shutil.copy(recorded, dst)
    return dst


def sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for st in statements:
            conn.execute(st)
    assert conn.total_changes > 0, "the tampering must change the file"
    conn.close()


def test_untouched_file_is_intact(recorded: Path) -> None:
    r = verify(recorded)
    assert r.intact
    assert r.events == 3 + 1 + 1 + 80 + 1  # start, 3 products, present, 80 audience, end


@pytest.mark.parametrize(
    "column_edit",
    [
        "UPDATE events SET ts_ms = ts_ms + 1 WHERE seq = 20",
        "UPDATE events SET kind = 'like' WHERE seq = 20",
        "UPDATE events SET source = 'operator' WHERE seq = 20",
        "UPDATE events SET data = replace(data, '有链接吗', '好') WHERE seq = 20",
        "UPDATE events SET data = replace(data, '\"qty\":1', '\"qty\":9') WHERE seq = 21",
        "UPDATE events SET hash = substr(hash, 2) || substr(hash, 1, 1) WHERE seq = 20",
    ],
)
def test_editing_any_column_is_named(copy: Path, column_edit: str) -> None:
    sql(copy, column_edit)
    r = verify(copy)
    assert not r.intact
    assert r.first_bad_seq in (20, 21)  # editing a hash breaks the link to the next row


def test_editing_seq_is_named(copy: Path) -> None:
    sql(copy, "UPDATE events SET seq = 1000 WHERE seq = 20")
    r = verify(copy)
    assert (r.intact, r.first_bad_seq) == (False, 20)
    assert "missing" in r.reason


def test_deleting_a_row_is_named(copy: Path) -> None:
    sql(copy, "DELETE FROM events WHERE seq = 33")
    assert verify(copy).first_bad_seq == 33


def test_deleting_the_last_rows_is_detected(copy: Path) -> None:
    sql(copy, "DELETE FROM events WHERE seq > 80")
    r = verify(copy)
    assert (r.intact, r.first_bad_seq) == (False, 81)


def test_swapping_two_rows_is_named(copy: Path) -> None:
    sql(
        copy,
        "UPDATE events SET seq = -1 WHERE seq = 40",
        "UPDATE events SET seq = 40 WHERE seq = 41",
        "UPDATE events SET seq = 41 WHERE seq = -1",
    )
    assert verify(copy).first_bad_seq == 40


def test_inserting_a_row_is_named(copy: Path) -> None:
    def shift(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE events SET seq = -seq WHERE seq >= 50")
        conn.execute("UPDATE events SET seq = 1 - seq WHERE seq < 0")
        conn.execute("INSERT INTO events VALUES (50, 1, 'like', 'sim', '{\"count\":1}', 'x')")

    conn = sqlite3.connect(copy)
    with conn:
        shift(conn)
    conn.close()
    assert verify(copy).first_bad_seq == 50


def test_rows_from_another_session_do_not_fit(copy: Path) -> None:
    sql(copy, "UPDATE session SET id = 'other'")
    assert not verify(copy).intact
