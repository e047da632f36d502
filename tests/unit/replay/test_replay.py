"""Replay around the edges: overview and jumps, read-only, old and damaged files."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession
from console.replay.player import Replay
from console.store.errors import SessionFileError
from console.store.lock import SessionLock
from console.store.schema import SCHEMA_VERSION
from tests.support import START_MS, small_catalog
from tests.unit.domain.test_snapshot import assert_same
from tests.unit.replay.conftest import Recorded, record
from tests.unit.store.test_checkpoints import as_v1

AT = [0.0, 0.05, 0.3, 0.47, 0.6, 0.99]


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return record(tmp_path_factory.mktemp("show") / "show.live.db", every=500, at=AT)


@pytest.fixture
def copy(show: Recorded, tmp_path: Path) -> Path:
    dst = tmp_path / "copy.live.db"
    shutil.copy(show.path, dst)
    return dst


def same_moments(path: Path, show: Recorded) -> None:
    with Replay.open(path) as replay:
        for ts, live, activity in reversed(show.moments):
            replay.seek(ts)
            assert_same(replay.state, live)
            assert replay.activity_after(0) == activity


def sql(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        for st in statements:
            conn.execute(st)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_overview_is_the_stored_metrics_and_jumps_the_shows_moments(show: Recorded) -> None:
    with Replay.open(show.path) as replay:
        assert (replay.start_ms, replay.end_ms) == (START_MS, show.final.ended_at_ms)
        counts = np.array([b.as_tuple() for b in show.final.buckets])
        assert np.array_equal(replay.overview.counts, counts)
        minutes, viewers = replay.overview_viewers()
        assert len(minutes) == len(viewers) == len(show.final.buckets)
        assert minutes[60] == 1.0 and viewers.max() == show.final.totals.peak_viewers
        kinds = [(j.ts_ms - START_MS, j.kind, j.label) for j in replay.jumps]
    assert kinds[:2] == [(0, "switch", "保湿面膜 10片"), (3000, "deal", "保湿面膜 10片")]
    assert (15_000, "marker", "抽奖 giveaway") in kinds
    assert (20_000, "switch", "Cotton tee") in kinds
    assert (32_000, "deal", "Cotton tee") in kinds  # after its 10-second countdown
    assert [k for k in kinds if k[1] == "deal_end"][-1][0] == 58_000  # TEA's, stopped
    assert kinds == sorted(kinds, key=lambda k: k[0])


def test_the_cursor_stays_in_the_session_and_plays_forward_only(show: Recorded) -> None:
    with Replay.open(show.path) as replay:
        assert replay.cursor_ms == replay.now_ms() == START_MS
        assert replay.state.started_at_ms == START_MS and len(replay.state.queue) == 3
        replay.seek(START_MS - 10_000)
        assert replay.cursor_ms == START_MS
        replay.seek(replay.end_ms + 10_000)
        assert replay.cursor_ms == replay.end_ms and replay.state.status == "ended"
        with pytest.raises(ValueError, match="forward"):
            replay.advance(-1)
        assert not replay.needs_checkpoints


def test_replay_never_changes_the_file(copy: Path, show: Recorded) -> None:
    before, mtime = digest(copy), copy.stat().st_mtime_ns
    same_moments(copy, show)
    with Replay.open(copy) as replay:
        assert replay.jumps
    assert (digest(copy), copy.stat().st_mtime_ns) == (before, mtime)


def test_an_abandoned_session_is_reported_interrupted_but_not_marked(tmp_path: Path) -> None:
    clock = VirtualClock(START_MS)
    s = LiveSession.start(tmp_path / "a.live.db", title="A", catalog=small_catalog(), clock=clock)
    clock.advance(1500)
    s.ingest([{"kind": "like", "count": 3}], "sim")
    s.writer.close()
    s._lock.release(remove=False)  # the process "died"
    before = digest(s.path)
    with Replay.open(s.path) as replay:
        assert replay.meta.status == "interrupted"
        replay.seek(replay.end_ms)
        assert replay.state.totals.likes == 3
    assert digest(s.path) == before


def test_a_session_being_recorded_can_be_replayed_so_far(
    session: LiveSession, clock: VirtualClock
) -> None:
    session.present("MASK")
    clock.advance(2000)
    session.ingest([{"kind": "comment", "user": "u", "text": "hi"}], "sim")
    session.writer.flush()
    with Replay.open(session.path) as replay:
        assert replay.meta.status == "live"
        replay.seek(replay.end_ms)
        assert_same(replay.state, session.state)


def test_a_deal_without_countdown_is_live_the_moment_it_is_launched(
    session: LiveSession, clock: VirtualClock
) -> None:
    """No live state shows it waiting for a timer, so replay and live agree at that instant."""
    clock.advance(1000)
    deal = session.state.deals[session.schedule_deal(DealSpec("MASK", 3990, quantity=5)).seq]
    assert deal.status(clock.now_ms()) == "live" and session.state.live_deals["MASK"] is deal
    session.writer.flush()
    with Replay.open(session.path) as replay:
        replay.seek(clock.now_ms())
        assert_same(replay.state, session.state)


def test_an_old_file_without_checkpoints_replays_and_gets_them(copy: Path, show: Recorded) -> None:
    as_v1(copy)
    same_moments(copy, show)  # folding from the start
    progress: list[tuple[int, int]] = []
    with Replay.open(copy) as replay:
        assert replay.build_checkpoints(lambda done, total: progress.append((done, total))) == 1
    assert progress == [(show.final.last_seq, show.final.last_seq)]
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT seq FROM checkpoints").fetchall() == [(show.final.last_seq,)]
    same_moments(copy, show)


def test_checkpoints_for_a_file_being_recorded_stay_in_memory(copy: Path, show: Recorded) -> None:
    as_v1(copy)
    before = digest(copy)
    lock = SessionLock(copy)
    assert lock.acquire()  # someone records it
    try:
        with Replay.open(copy) as replay:
            assert replay.build_checkpoints() == 1
            for ts, live, _ in show.moments:
                replay.seek(ts)
                assert_same(replay.state, live)
    finally:
        lock.release()
    assert digest(copy) == before


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE checkpoints SET state = 'not json' WHERE seq IN (SELECT seq FROM checkpoints"
        " ORDER BY seq LIMIT 6)",
        "UPDATE checkpoints SET state = json_set(state, '$.queue', json_array('GHOST'))",
        "UPDATE checkpoints SET state = json_set(state, '$.totals.orders', 'many')",
        "UPDATE checkpoints SET buckets_from = buckets_from + 1",
        "UPDATE checkpoints SET state = json_set(state, '$.last_seq', 1)",
    ],
)
def test_damaged_checkpoints_fall_back_to_folding(
    copy: Path, show: Recorded, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    sql(copy, damage)
    with caplog.at_level(logging.WARNING, logger="console.replay"):
        same_moments(copy, show)
    assert "checkpoint at event" in caplog.text


def test_seconds_missing_from_the_metrics_come_from_earlier_checkpoints(
    copy: Path, show: Recorded
) -> None:
    """Files from before every second was stored have holes in metrics_1s."""
    sql(copy, "DELETE FROM metrics_1s WHERE sec % 3 = 0")
    same_moments(copy, show)
    with Replay.open(copy) as replay:
        viewers = replay.overview.column("viewers")
        assert not replay.overview.stored[3] and viewers[3] == viewers[2]  # carried over


def test_a_damaged_log_names_the_event(copy: Path, show: Recorded) -> None:
    order_seq = next(ev.seq for ev in show.moments[-1][2] if ev.kind == "order")
    sql(copy, f"UPDATE events SET data = '{{\"qty\": \"x\"}}' WHERE seq = {order_seq}",
        "DELETE FROM checkpoints")  # fmt: skip
    with Replay.open(copy) as replay:
        with pytest.raises(SessionFileError, match=f"event {order_seq} cannot be replayed"):
            replay.seek(replay.end_ms)
        replay.seek(START_MS + 1000)  # the start still replays
        assert replay.state.last_seq < order_seq
        with pytest.raises(SessionFileError, match=f"event {order_seq} cannot be replayed"):
            replay.seek(replay.end_ms)  # again, from the batches kept


@pytest.mark.parametrize(
    ("content", "needle"),
    [(b"just text " * 500, "not an SQLite database"), (None, "not a Live Console session")],
)
def test_files_that_are_not_sessions(tmp_path: Path, content: bytes | None, needle: str) -> None:
    path = tmp_path / "x.live.db"
    if content is None:
        sql(path, "CREATE TABLE t (x)")
    else:
        path.write_bytes(content)
    with pytest.raises(SessionFileError, match=needle):
        Replay.open(path)


def test_a_truncated_file_gives_a_message(tmp_path: Path, show: Recorded) -> None:
    cut = tmp_path / "cut.live.db"
    data = show.path.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SessionFileError), Replay.open(cut) as replay:
        replay.seek(replay.end_ms)


def test_a_newer_file_is_refused(copy: Path) -> None:
    sql(copy, "PRAGMA user_version=99")
    with pytest.raises(SessionFileError, match="newer than this Live Console"):
        Replay.open(copy)
