"""Scrubbing one open replay: what it keeps between seeks never changes what it shows.

A Replay keeps the event batches it read (decoded once read twice) and the feed
it read before a checkpoint, and a seek's feed is the one its fold saw plus the
older events it still needs. Small batches and a short feed make every seek
here cross batches, evict some, and need older feed events.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.replay import log
from console.replay.player import Replay
from tests.unit.domain.test_snapshot import assert_same
from tests.unit.replay.conftest import Recorded, record

FEED = 40


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """Checkpoints every 3,000 events (about 20 s), live states every 2.25 s."""
    path = tmp_path_factory.mktemp("scrub") / "scrub.live.db"
    return record(path, seed=5, every=3000, at=[i / 40 for i in range(41)])


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight batches (those kept) hold one checkpoint's reach, as 4,096-event ones do for 20,000."""
    monkeypatch.setattr(log, "READ_BATCH", 512)
    monkeypatch.setattr(log, "ACTIVITY_KEEP", FEED)


def arrivals(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as conn:
        return [ts for (ts,) in conn.execute("SELECT ts_ms FROM checkpoints ORDER BY seq")]


@pytest.mark.usefixtures("small")
def test_scrubbing_back_and_forth_shows_what_the_live_engine_and_fresh_opens_show(
    show: Recorded,
) -> None:
    live = {ts: (state, activity[-FEED:]) for ts, state, activity in show.moments}
    times = sorted([*live, *(a + d for a in arrivals(show.path) for d in (50, 250, 700))])
    rng = random.Random(3)
    order = times + times[::-1]
    order += [
        times[max(0, min(len(times) - 1, i + rng.choice([-3, -1, 1, 2])))]
        for i in range(len(times))
    ] * 2
    conn, _ = log.open_readonly(show.path)
    with closing(conn), Replay.open(show.path) as replay:
        for ts in order:
            replay.seek(ts)
            feed = replay.activity_after(0)
            assert feed == log.read_activity(conn, show.path, replay.state.last_seq, FEED)
            if ts in live:
                assert_same(replay.state, live[ts][0])
                assert feed == live[ts][1]
            with Replay.open(show.path) as fresh:
                fresh.seek(ts)
                assert_same(fresh.state, replay.state)


@pytest.mark.usefixtures("small")
def test_seeking_about_near_a_checkpoint_reads_and_decodes_twice_at_most(
    show: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second visit keeps the rows decoded; a second, longer feed read reads all it may need."""
    calls: Counter[str] = Counter()

    def counted(name: str) -> Any:
        real = getattr(log, name)
        return lambda *args: (calls.update([name]), real(*args))[1]

    for name in ("read_rows", "read_activity", "_scan"):
        monkeypatch.setattr(log, name, counted(name))
    first, following = arrivals(show.path)[1:3]
    late, middle, early = (first + (following - first) * f // 8 for f in (7, 4, 1))
    with Replay.open(show.path) as replay:
        for ts in (late, first + 600, first + 200, late):
            replay.seek(ts)
            replay.activity_after(0)
        assert calls["read_rows"] and calls["read_activity"] == 2
        calls.clear()
        for ts in (first + 50, early, late, middle, first + 200, early, first + 600):
            replay.seek(ts)
            replay.activity_after(0)
    assert not calls


def test_a_session_being_recorded_shows_what_was_written_after_a_seek(
    session: LiveSession, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a seek found at the end of the log is not kept: the recording goes on."""
    monkeypatch.setattr(log, "READ_BATCH", 4)
    session.present("MASK")
    clock.advance(5000)
    session.ingest([{"kind": "like", "count": 1}] * 6, "sim")
    session.writer.flush()
    with Replay.open(session.path) as replay:
        replay.seek(replay.end_ms)
        likes = replay.state.totals.likes
        session.ingest([{"kind": "like", "count": 2, "ts_ms": clock.now_ms() - 1000}], "sim")
        session.writer.flush()
        replay.seek(replay.start_ms)
        replay.seek(replay.end_ms)
        assert replay.state.totals.likes == likes + 2
