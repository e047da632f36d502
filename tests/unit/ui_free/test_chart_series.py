"""The chart cache grown a few seconds at a time equals one built from scratch."""

from __future__ import annotations

import copy
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.state import Bucket, SessionState
from console.ui.chart_series import FIELDS, LATE_SECONDS, ChartSeries

DRAWN = ("orders", "gmv_minor", "comments", "likes", "follows", "viewers")


def state_of(buckets: list[Bucket], session_id: str = "s") -> SessionState:
    """A state as the reducer leaves it: totals.events is the sum of the buckets' events."""
    state = SessionState(session_id=session_id, started_at_ms=1_000_000, buckets=buckets)
    state.totals.events = sum(b.events for b in buckets)
    return state


def expected(state: SessionState, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-second values and per-minute sums, computed the obvious way."""
    seconds = np.array([getattr(b, name) for b in state.buckets], dtype=np.float64)
    minutes = [
        float(sum(getattr(b, name) for b in state.buckets[m : m + 60]))
        for m in range(0, len(state.buckets), 60)
    ]
    return seconds, np.array(minutes)


def assert_matches(cache: ChartSeries, state: SessionState) -> None:
    n = len(state.buckets)
    assert cache.seconds == n
    assert cache.minutes == -(-n // 60)
    np.testing.assert_array_equal(cache.second_x(), np.arange(n) / 60.0)
    np.testing.assert_array_equal(cache.minute_edges(), np.arange(cache.minutes + 1))
    for name in FIELDS:
        seconds, minutes = expected(state, name)
        np.testing.assert_array_equal(cache.per_second(name), seconds, err_msg=name)
        np.testing.assert_array_equal(cache.per_minute(name), minutes, err_msg=name)


def test_per_minute_sums_include_the_partial_minute() -> None:
    state = state_of([Bucket(events=1, orders=1, gmv_minor=990, viewers=s) for s in range(125)])
    cache = ChartSeries()
    assert cache.update(state)
    np.testing.assert_array_equal(cache.per_minute("orders"), [60, 60, 5])
    np.testing.assert_array_equal(cache.per_minute("gmv_minor"), [59_400, 59_400, 4_950])
    np.testing.assert_array_equal(cache.minute_edges(), [0, 1, 2, 3])
    assert cache.per_second("viewers")[124] == 124
    assert cache.second_x()[61] == 61 / 60


def count_reads(monkeypatch: pytest.MonkeyPatch, cache: ChartSeries) -> list[tuple[int, int]]:
    """Record the bucket ranges the cache re-reads."""
    reads: list[tuple[int, int]] = []
    original = cache._read

    def counting(s: SessionState, lo: int, hi: int) -> bool:
        reads.append((lo, hi))
        return original(s, lo, hi)

    monkeypatch.setattr(cache, "_read", counting)
    return reads


def test_the_current_second_is_reread_and_versions_move_only_for_what_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = state_of([Bucket(events=1, comments=1) for _ in range(90)])
    cache = ChartSeries()
    reads = count_reads(monkeypatch, cache)
    cache.update(state)
    minute, second = dict(cache.minute_version), dict(cache.second_version)
    assert not cache.update(state)
    assert (cache.minute_version, cache.second_version) == (minute, second)

    state.buckets[-1].comments += 2  # a comment lands in the current second
    state.buckets[-1].events += 2
    state.totals.events += 2
    reads.clear()
    assert cache.update(state)
    assert reads == [(87, 90)]  # the tail only: nothing older is rescanned
    assert cache.per_minute("comments")[-1] == 32
    changed = {k for k in FIELDS if cache.minute_version[k] != minute[k]}
    assert changed == {"comments", "events"}
    assert cache.second_version["viewers"] == second["viewers"]


def test_arrays_are_read_only() -> None:
    cache = ChartSeries()
    cache.update(state_of([Bucket(events=1)]))
    view = cache.per_second("orders")
    assert not view.flags.writeable


def test_a_late_event_anywhere_in_the_past_is_found() -> None:
    n = LATE_SECONDS * 3
    state = state_of([Bucket(events=1) for _ in range(n)])
    cache = ChartSeries()
    cache.update(state)
    for index in (n - 50, n - LATE_SECONDS + 5, 10):  # inside the tolerance window, then far back
        state.buckets[index].orders += 1
        state.buckets[index].events += 1
        state.totals.events += 1
        assert cache.update(state)
        assert_matches(cache, state)


def test_a_replaced_or_shorter_state_starts_over() -> None:
    cache = ChartSeries()
    cache.update(state_of([Bucket(events=1, likes=5) for _ in range(200)]))
    other = state_of([Bucket(events=2, likes=1) for _ in range(300)], session_id="other")
    assert cache.update(other)
    assert_matches(cache, other)
    shorter = state_of(
        copy.deepcopy(other.buckets[:30]), session_id="other"
    )  # a replay seeking back
    assert cache.update(shorter)
    assert_matches(cache, shorter)


def test_a_state_whose_totals_disagree_does_not_rescan_every_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hand-built state (totals not kept) is read fully once, then only its tail."""
    state = SessionState(
        session_id="x", started_at_ms=0, buckets=[Bucket(events=3) for _ in range(5000)]
    )
    cache = ChartSeries()
    reads = count_reads(monkeypatch, cache)
    cache.update(state)
    reads.clear()
    state.buckets[-1].likes += 1
    cache.update(state)
    assert reads == [(4997, 5000)]
    assert_matches(cache, state)


VALUES = st.tuples(*[st.integers(0, 10**6)] * len(DRAWN), st.integers(1, 50))
STEP = st.one_of(
    st.tuples(st.just("grow"), st.lists(VALUES, max_size=150)),
    st.tuples(st.just("touch"), st.integers(0, 10**6), VALUES),
    st.tuples(st.just("copy"), st.none()),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("new"), st.lists(VALUES, max_size=150)),
)


def bucket(values: tuple[int, ...]) -> Bucket:
    *drawn, events = values
    return Bucket(events=events, **dict(zip(DRAWN, drawn, strict=True)))


@settings(max_examples=150, deadline=None)
@given(first=st.lists(VALUES, max_size=400), steps=st.lists(STEP, max_size=25))
def test_incremental_equals_from_scratch(first: list[tuple[int, ...]], steps: list[tuple]) -> None:
    state = state_of([bucket(v) for v in first])
    cache = ChartSeries()
    cache.update(state)
    assert_matches(cache, state)
    sessions = 0
    for kind, arg, *rest in steps:
        before = {name: expected(state, name) for name in FIELDS}
        versions = (dict(cache.second_version), dict(cache.minute_version))
        if kind == "grow":
            for v in arg:
                state.buckets.append(bucket(v))
                state.totals.events += v[-1]
        elif kind == "touch" and state.buckets:
            # Mostly the current second, sometimes a late event further back.
            n = len(state.buckets)
            index = n - 1 - (arg % 4) if arg % 3 else arg % n
            b = state.buckets[max(0, index)]
            *drawn, events = rest[0]
            for name, value in zip(DRAWN, drawn, strict=True):
                # Counts add up within a second; viewers is the last count seen.
                setattr(b, name, value if name == "viewers" else getattr(b, name) + value)
            b.events += events
            state.totals.events += events
        elif kind == "copy":
            state = state.copy()
        elif kind == "truncate":
            state = state_of(copy.deepcopy(state.buckets[: arg % (len(state.buckets) + 1)]))
        elif kind == "new":
            sessions += 1
            state = state_of([bucket(v) for v in arg], session_id=f"new{sessions}")
        cache.update(state)
        assert_matches(cache, state)
        for name in FIELDS:
            seconds, minutes = expected(state, name)
            if not np.array_equal(seconds, before[name][0]):
                assert cache.second_version[name] != versions[0][name], name
            if not np.array_equal(minutes, before[name][1]):
                assert cache.minute_version[name] != versions[1][name], name


def test_chart_series_needs_no_qt() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import console.ui.chart_series\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
