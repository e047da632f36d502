"""The live charts' numbers as numpy arrays, grown from the state's buckets a few at a time.

A 12-hour session has 43,200 one-second buckets. Rebuilding arrays from them
every frame would cost tens of milliseconds, so this cache reads only the
seconds that can have changed: the new ones plus a short tail (the current
second keeps filling). It needs no Qt, so it is tested without a display.

A feed may send an event with an old timestamp that lands in an older
bucket. Every applied event counts in its bucket's `events`, so the sum of
that column equals `totals.events`; when they disagree the cache re-reads
the reducer's tolerance window and, failing that, everything.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from console.domain.reducer import TS_TOLERANCE_MS
from console.domain.state import SessionState

# The bucket fields the charts draw, plus `events` for spotting late changes.
FIELDS: tuple[str, ...] = (
    "orders",
    "gmv_minor",
    "comments",
    "likes",
    "follows",
    "viewers",
    "events",
)
TAIL_SECONDS = 3
LATE_SECONDS = TS_TOLERANCE_MS // 1000 + 60
_INDEX = {name: i for i, name in enumerate(FIELDS)}
_EVENTS = _INDEX["events"]
_READ = attrgetter(*FIELDS)
_CHUNK = 3600  # capacity grows in whole hours, always a whole number of minutes


class ChartSeries:
    """Per-second and per-minute sums of the charted bucket fields.

    Values are float64, ready for plotting: integers stay exact below 2**53,
    and an absurd GMV cannot overflow as int64 would. `second_version` and
    `minute_version` change when a field's array (or its length) changes, so
    the widget calls `setData` only for series that moved.
    """

    def __init__(self) -> None:
        self._key: tuple[str, int | None] | None = None
        self._sec = np.zeros((len(FIELDS), 0))
        self._min = np.zeros((len(FIELDS), 0))
        self._x_sec = np.zeros(0)
        self._x_min = np.zeros(1)
        self.seconds = 0
        self.minutes = 0
        self._events = 0
        self._events_offset = 0
        self.second_version = dict.fromkeys(FIELDS, 0)
        self.minute_version = dict.fromkeys(FIELDS, 0)

    # -- reading ----------------------------------------------------------------------------
    def per_second(self, field: str) -> np.ndarray:
        """One value per second since the start (read-only view)."""
        return _frozen(self._sec[_INDEX[field], : self.seconds])

    def per_minute(self, field: str) -> np.ndarray:
        """Sums of 60 seconds; the last minute may be partial (read-only view)."""
        return _frozen(self._min[_INDEX[field], : self.minutes])

    def second_x(self) -> np.ndarray:
        """Each second's start, in minutes since the session started."""
        return _frozen(self._x_sec[: self.seconds])

    def minute_edges(self) -> np.ndarray:
        """Minute boundaries 0..minutes: one more than values, for a step curve."""
        return _frozen(self._x_min[: self.minutes + 1])

    # -- updating ---------------------------------------------------------------------------
    def update(self, state: SessionState) -> bool:
        """Catch up with `state`; True if any array changed."""
        n = len(state.buckets)
        key = (state.session_id, state.started_at_ms)
        changed = False
        if key != self._key or n < self.seconds:
            self._reset(key)
            changed = True
        start = max(0, self.seconds - TAIL_SECONDS)
        changed |= self._read(state, start, n)
        full = start == 0
        if not full and self._missing(state):
            late = min(start, max(0, n - LATE_SECONDS))
            changed |= self._read(state, late, start)
            full = late == 0
            if not full and self._missing(state):
                changed |= self._read(state, 0, late)
                full = True
        if full:
            # Everything was just read: whatever still differs is how this state counts.
            self._events_offset = state.totals.events - self._events
        return changed

    def _missing(self, state: SessionState) -> bool:
        """True if an event landed in a bucket the cache did not re-read."""
        return state.totals.events - self._events != self._events_offset

    def _reset(self, key: tuple[str, int | None]) -> None:
        self._key = key
        self._sec[:] = 0
        self._min[:] = 0
        self.seconds = self.minutes = 0
        self._events = self._events_offset = 0
        for versions in (self.second_version, self.minute_version):
            for name in versions:
                versions[name] += 1

    def _grow(self, seconds: int) -> None:
        if seconds <= self._sec.shape[1]:
            return
        cap = max(2 * self._sec.shape[1], -(-seconds // _CHUNK) * _CHUNK)
        sec = np.zeros((len(FIELDS), cap))
        sec[:, : self._sec.shape[1]] = self._sec
        minutes = np.zeros((len(FIELDS), cap // 60))
        minutes[:, : self._min.shape[1]] = self._min
        self._sec, self._min = sec, minutes
        self._x_sec = np.arange(cap) / 60.0
        self._x_min = np.arange(cap // 60 + 1, dtype=np.float64)

    def _read(self, state: SessionState, lo: int, hi: int) -> bool:
        """Re-read buckets [lo, hi) and the minutes they fall in; True if anything changed."""
        if hi <= lo:
            return False
        rows = np.array(list(map(_READ, state.buckets[lo:hi])), dtype=np.float64)
        self._grow(hi)
        block = self._sec[:, lo:hi]
        moved = (block != rows.T).any(axis=1)
        self._events += int(rows[:, _EVENTS].sum() - block[_EVENTS].sum())
        block[:] = rows.T
        longer = hi > self.seconds
        self.seconds = max(self.seconds, hi)
        m_lo, m_hi = lo // 60, -(-hi // 60)
        sums = self._sec[:, m_lo * 60 : m_hi * 60].reshape(len(FIELDS), -1, 60).sum(axis=2)
        old = self._min[:, m_lo:m_hi]
        m_moved = (old != sums).any(axis=1)
        old[:] = sums
        m_longer = m_hi > self.minutes
        self.minutes = max(self.minutes, m_hi)
        changed = longer or m_longer
        for i, name in enumerate(FIELDS):
            if longer or moved[i]:
                self.second_version[name] += 1
                changed = True
            if m_longer or m_moved[i]:
                self.minute_version[name] += 1
                changed = True
        return changed


def _frozen(view: np.ndarray) -> np.ndarray:
    view.flags.writeable = False
    return view
