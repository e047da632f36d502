"""Replay equivalence: at any moment, the replayed state is the state the live engine had.

A show with deals, switches, a marker, a silent spell and late-stamped events
is recorded on a virtual clock while the live state is kept at random moments
(just before the clock moves on: the engine has applied everything it was
given by then). The file is then replayed, seeking to those moments in random
order, backwards and forwards, and playing between them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from console.replay.player import Replay
from tests.unit.domain.test_snapshot import assert_same
from tests.unit.replay.conftest import record


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    every=st.sampled_from([150, 400, 3000]),
    late=st.booleans(),
    at=st.lists(st.floats(0, 1), min_size=1, max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_seeking_shows_what_the_live_engine_had(
    seed: int, every: int, late: bool, at: list[float], order: st.SearchStrategy
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        show = record(Path(tmp) / "s.live.db", seed=seed, every=every, late=late, at=at)
        moments = list(show.moments)
        order.shuffle(moments)  # type: ignore[attr-defined]
        with Replay.open(show.path) as replay:
            for ts, live, activity in moments:
                replay.seek(ts)
                assert replay.now_ms() == ts
                assert_same(replay.state, live)
                assert replay.activity_after(0) == activity
            replay.seek(replay.end_ms)
            assert_same(replay.state, show.final)


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000), at=st.lists(st.floats(0, 1), min_size=2, max_size=6))
def test_playing_forward_shows_what_the_live_engine_had(seed: int, at: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        show = record(Path(tmp) / "s.live.db", seed=seed, at=at)
        with Replay.open(show.path) as replay:
            seen = 0
            for ts, live, activity in show.moments:
                replay.advance(ts - replay.cursor_ms)
                assert_same(replay.state, live)
                new = replay.activity_after(seen)
                assert new == [ev for ev in activity if ev.seq > seen][-len(new) or len(new) :]
                seen = replay.state.last_seq
