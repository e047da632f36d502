"""Checkpoints written while recording: cadence, exact content, determinism, migration."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from console.domain.clock import VirtualClock
from console.domain.reducer import apply
from console.domain.snapshot import from_snapshot
from console.domain.state import SessionState
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.simulator import Simulator
from console.store.reader import iter_events
from console.store.schema import SCHEMA_VERSION, migrate
from console.store.session_file import open_session
from tests.support import START_MS, small_catalog


def record(path: Path, every: int, *, quiet: tuple[int, int] = (0, 0)) -> LiveSession:
    """A simulated session checkpointed every `every` events; the feed falls silent in `quiet`."""
    clock = VirtualClock(START_MS)
    session = LiveSession.start(path, title="T", catalog=small_catalog(), clock=clock,
                                session_id="cp")  # fmt: skip
    session.checkpoint_every = every
    sim = Simulator("small", seed=7, rate=300)

    class Feed:
        def step(self, state: SessionState, now_ms: int, dt_ms: int) -> list[dict]:
            events = sim.step(state, now_ms, dt_ms)
            return [] if quiet[0] <= now_ms - START_MS < quiet[1] else events

    run_virtual(session, clock, Feed(), source="sim", duration_ms=60_000, actions=[])
    session.close()
    return session


def rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> LiveSession:
    return record(tmp_path_factory.mktemp("cp") / "s.live.db", 1000, quiet=(20_000, 26_500))


def test_a_checkpoint_every_n_events_and_one_at_the_end(recorded: LiveSession) -> None:
    seqs = [r[0] for r in rows(recorded.path, "SELECT seq FROM checkpoints ORDER BY seq")]
    assert len(seqs) >= 10
    gaps = [b - a for a, b in zip([0, *seqs], seqs, strict=False)]
    assert all(1000 <= g < 1000 + 200 for g in gaps[:-1])  # at the first batch end past N
    assert seqs[-1] == recorded.state.last_seq  # the final state, for opening at the end


def test_each_checkpoint_is_the_fold_of_the_log_up_to_it(recorded: LiveSession) -> None:
    """Snapshot + older buckets from the fold == the fold; ts_ms is the latest event time so far."""
    stored = {seq: (ts, start, json.loads(text)) for seq, ts, start, text in
              rows(recorded.path, "SELECT seq, ts_ms, buckets_from, state FROM checkpoints")}  # fmt: skip
    conn, _ = open_session(recorded.path)
    with closing(conn):
        state, latest, since_last = SessionState(), 0, 0
        previous_len = 0
        for ev in iter_events(conn, recorded.path):
            apply(state, ev)
            latest = max(latest, ev.ts_ms)
            if ev.seq not in stored:
                continue
            ts, start, data = stored.pop(ev.seq)
            assert ts == latest
            assert start == data["buckets_from"] <= previous_len  # new buckets are in the tail
            assert from_snapshot(data, state.copy().buckets[:start]) == state
            previous_len = len(state.buckets)
            since_last += 1
    assert not stored and since_last >= 10


def test_metrics_have_every_second_even_silent_ones(recorded: LiveSession) -> None:
    """A silent spell creates empty seconds; they are stored too, so charts have no holes."""
    secs = [r[0] for r in rows(recorded.path, "SELECT sec FROM metrics_1s ORDER BY sec")]
    assert secs == list(range(len(recorded.state.buckets)))
    quiet = rows(recorded.path, "SELECT events, viewers FROM metrics_1s WHERE sec = 22")
    assert quiet[0][0] == 0 and quiet[0][1] > 0


def test_checkpoints_are_deterministic(tmp_path: Path, recorded: LiveSession) -> None:
    again = record(tmp_path / "again.live.db", 1000, quiet=(20_000, 26_500))
    sql = "SELECT seq, ts_ms, buckets_from, state FROM checkpoints ORDER BY seq"
    assert rows(again.path, sql) == rows(recorded.path, sql)


def as_v1(path: Path) -> None:
    """Turn a file into what the first release wrote: no checkpoints or feed cursors."""
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DROP TABLE checkpoints")
        conn.execute("DROP TABLE feed_cursors")
        conn.execute("PRAGMA user_version=1")


def test_an_old_file_is_migrated_when_opened_for_writing(tmp_path: Path) -> None:
    path = record(tmp_path / "old.live.db", 1000).path
    as_v1(path)
    conn, meta = open_session(path)
    conn.close()
    assert meta.status == "ended"
    assert rows(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows(path, "SELECT count(*) FROM checkpoints") == [(0,)]


def test_a_read_only_old_file_is_left_as_it_is(tmp_path: Path) -> None:
    path = record(tmp_path / "old.live.db", 1000).path
    as_v1(path)
    with closing(sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)) as conn:
        migrate(conn)  # no error: readers do without the newer tables
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
