"""Replay: any moment of a recorded session, as the live console showed it.

The state at cursor time T is the fold of the longest prefix of the log in
which no event is stamped after T. Feeds stamp events themselves (within
TS_TOLERANCE_MS of the clock), so `ts_ms` is not monotonic by `seq`: an
event's "arrival" is the running maximum of `ts_ms` up to it. Whenever the
live engine had applied a batch and waited for the next, the replay shows
exactly its state, provided no event was stamped after the clock and each
batch opened with an event stamped after the previous batch
(tests/unit/replay/test_replay_equivalence.py); docs/architecture.md says
when it shows an event a batch early, or late.

Seeking loads the latest checkpoint shown by T (or keeps the current state
when moving forward from it is cheaper) and folds the rest with the live
reducer. The file is opened read-only; only `build_checkpoints` writes, and
only when nobody records the file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from console.domain.events import Event
from console.domain.state import SessionState
from console.engine.source import events_after
from console.replay import build
from console.replay.log import EventLog, Position, open_readonly
from console.replay.overview import Jump, Overview, jumps_of, read_overview
from console.replay.restore import FinalBuckets, Restorer
from console.store import checkpoints
from console.store.checkpoints import CHECKPOINT_EVERY
from console.store.errors import SessionFileError
from console.store.session_file import SessionMeta, _describe

_NONE_AFTER = 1 << 62  # "no event after the last checkpoint touched any second"


class Replay:
    """A `ConsoleSource` over a session file, with a cursor that seeks and plays."""

    def __init__(self, path: Path, conn: sqlite3.Connection, meta: SessionMeta, end_ms: int,
                 overview: Overview, restorer: Restorer, trailing: int) -> None:  # fmt: skip
        self.path = path
        self.meta = meta
        self.start_ms = meta.started_at_ms
        self.end_ms = end_ms
        self.overview = overview
        self._conn = conn
        self._log = EventLog(conn, path)  # kept across seeks: scrubbing folds the same events
        self._restorer = restorer
        self._trailing = trailing  # events after the last checkpoint
        self._pos = Position()
        self._spoiled = True  # the position must be rebuilt before it is folded further
        self._cursor = self.start_ms
        self._jumps: list[Jump] | None = None
        self.seek(self.start_ms)

    @classmethod
    def open(cls, path: Path) -> Replay:
        """Open a session file for replay at its start; SessionFileError if it cannot be read."""
        conn, meta = open_readonly(path)
        try:
            conn.execute("BEGIN")  # one snapshot of a file that may still be recorded
            index = checkpoints.read_index(conn, path)
            last = index[-1] if index else None
            count, lowest, latest = conn.execute(
                "SELECT count(*), min(ts_ms), max(ts_ms) FROM events WHERE seq > ?",
                (last.seq if last else 0,),
            ).fetchone()
            if not all(type(v) is int for v in (lowest, latest) if v is not None):
                raise SessionFileError(f"{path.name} is damaged: an event has no valid time")
            start = meta.started_at_ms
            end = max(v for v in (start, latest, last.ts_ms if last else None) if v is not None)
            overview = read_overview(conn, path, start, (end - start) // 1000 + 1)
            conn.execute("COMMIT")
            trailing_from = _NONE_AFTER if lowest is None else max(0, (lowest - start) // 1000)
            final = FinalBuckets(overview.buckets)
            restorer = Restorer(conn, path, index, trailing_from, final)
            return cls(path, conn, meta, end, overview, restorer, count)
        except sqlite3.Error as e:
            conn.close()
            raise _describe(path, e) from None
        except BaseException:
            conn.close()
            raise

    # -- what the window reads (ConsoleSource) ----------------------------------------------
    @property
    def state(self) -> SessionState:
        return self._pos.state

    @property
    def cursor_ms(self) -> int:
        return self._cursor

    def now_ms(self) -> int:
        return self._cursor

    def activity_after(self, seq: int) -> list[Event]:
        """Feed-worthy events up to the cursor newer than `seq`, oldest first (the last 5,000)."""
        return events_after(self._pos.feed(self._log), seq)

    # -- the scrubber -------------------------------------------------------------------------
    @property
    def jumps(self) -> list[Jump]:
        """Markers, switches and deals of the whole session (from its final state)."""
        if self._jumps is None:
            restorer = self._restorer
            end = restorer.position(restorer.last_at_or_before(self.end_ms))
            end.fold(self._log, until_ts=self.end_ms)
            self._jumps = jumps_of(end.state)
        return self._jumps

    def overview_viewers(self) -> tuple[np.ndarray, np.ndarray]:
        """Minutes since the start and viewers online, one point per second."""
        minutes = np.arange(self.overview.seconds, dtype=np.float64) / 60
        return minutes, self.overview.column("viewers")

    @property
    def needs_checkpoints(self) -> bool:
        """True when seeking would fold far: run `build_checkpoints` (in the background)."""
        return self._trailing > 2 * CHECKPOINT_EVERY

    # -- moving the cursor ------------------------------------------------------------------------
    def seek(self, ts_ms: int) -> None:
        """Show the moment `ts_ms` (clamped to the session); SessionFileError if the log is damaged.

        After an error the state shown is left as far as it got, and the next seek
        starts again from a checkpoint.
        """
        t = max(self.start_ms, min(ts_ms, self.end_ms))
        restorer = self._restorer  # read once: build_checkpoints may swap it meanwhile
        k = restorer.last_at_or_before(t)
        pos = self._pos
        if (
            self._spoiled
            or pos.arrival > t
            or (k >= 0 and restorer.index[k].seq > pos.state.last_seq)
        ):
            pos = restorer.position(k)
        self._pos = pos
        self._spoiled = True
        pos.fold(self._log, until_ts=t)
        self._spoiled = False
        self._cursor = t

    def advance(self, dt_ms: int) -> None:
        """Play forward by `dt_ms` of session time."""
        if dt_ms < 0:
            raise ValueError("a replay plays forward; seek to go back")
        self.seek(self._cursor + dt_ms)

    # -- checkpoints for files without them ---------------------------------------------------
    def build_checkpoints(self, progress: build.Progress | None = None) -> int:
        """Fold the whole log once, making a checkpoint every CHECKPOINT_EVERY events.

        Slow (seconds per million events), so run it on a worker thread; it uses its
        own connections, and seeking keeps working meanwhile. The checkpoints are
        stored in the file if nobody records it and it can be written, else kept in
        memory for this replay. Returns how many were made.
        """
        built = build.build(self.path, progress=progress)
        stored = build.store(self.path, built)
        memory = {} if stored else {cp.seq: text for cp, text in built}
        index = [cp for cp, _ in built]
        old = self._restorer
        self._restorer = Restorer(old.conn, self.path, index, _NONE_AFTER, old.final, memory)
        self._trailing = 0
        return len(built)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Replay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
