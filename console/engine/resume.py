"""Resume an interrupted session: the same file, the same chain, and the gap on record.

A crash or a power cut leaves a session unfinished. Resuming checks the chain,
folds the log back into the state the console had, takes the recording lock and
logs `session_resumed` with the time since the last event, so the record says
plainly that recording stopped and when it went on.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

from console.domain.clock import Clock
from console.domain.events import Event
from console.domain.reducer import apply
from console.domain.state import SessionState
from console.engine.session import ACTIVITY_KEEP, ACTIVITY_KINDS, LiveSession
from console.store.errors import SessionFileError
from console.store.library import LibraryEntry, describe
from console.store.lock import SessionLock
from console.store.paths import SUFFIX
from console.store.reader import iter_events
from console.store.session_file import open_session
from console.store.verify import verify
from console.store.writer import SessionWriter

# A show goes on after a crash or a power cut, not days later: every second of a
# session has its metrics row, so a week's gap would be 600,000 empty seconds.
MAX_GAP_MS = 12 * 3600 * 1000


def resume_session(path: Path, clock: Clock, flush_interval: float = 0.1) -> LiveSession:
    """Go live again in an interrupted session's file; SessionFileError says why not."""
    if not path.is_file():
        raise SessionFileError(f"{path} does not exist")
    if not os.access(path, os.W_OK):
        raise SessionFileError(f"{path.name} is read-only; it can be viewed but not recorded to")
    lock = SessionLock(path)
    if not lock.acquire():
        raise SessionFileError(f"{path.name} is being recorded by another Live Console")
    try:
        session_id, head, state, activity = _fold(path)
        gap_ms = max(0, clock.now_ms() - state.last_ts_ms)
        if gap_ms > MAX_GAP_MS:
            hours = gap_ms // 3_600_000
            raise SessionFileError(
                f"{path.name} stopped recording {hours} hours ago; a session can be resumed "
                f"within {MAX_GAP_MS // 3_600_000} hours. Start a new session instead"
            )
        writer = SessionWriter(path, session_id, interval=flush_interval)
    except BaseException:
        lock.release()
        raise
    session = LiveSession(path, clock, writer, lock, head)
    session.state = state
    session.activity.extend(activity)
    try:
        writer.set_status("live")
        session.command("session_resumed", {"gap_ms": gap_ms})
    except BaseException:
        # Not session.close(): that would end the session the operator asked to go on with.
        try:
            writer.close()
        finally:
            lock.release()
        raise
    return session


def _fold(path: Path) -> tuple[str, str, SessionState, deque[Event]]:
    """The session id, the chain head, the state and the recent activity, from a sound log."""
    conn, meta = open_session(path)
    try:
        if meta.status == "ended":
            raise SessionFileError(f"{path.name} has ended; an ended session cannot be resumed")
        result = verify(path)
        if not result.intact:
            raise SessionFileError(f"{path.name} cannot be resumed: {result.reason}")
        state = SessionState()
        activity: deque[Event] = deque(maxlen=ACTIVITY_KEEP)
        for ev in iter_events(conn, path):
            apply(state, ev)
            if ev.kind in ACTIVITY_KINDS:
                activity.append(ev)
    finally:
        conn.close()
    if state.started_at_ms is None:
        raise SessionFileError(f"{path.name} holds no events; start a new session instead")
    if state.ended_at_ms is not None:  # the end was logged, the status not yet updated
        raise SessionFileError(f"{path.name} has ended; an ended session cannot be resumed")
    return meta.id, result.chain_head, state, activity


def resumable(sessions_dir: Path, now_ms: int) -> list[LibraryEntry]:
    """Interrupted sessions touched within MAX_GAP_MS, newest first: what to offer at start.

    Only recent files are opened, so a library of years costs a directory listing.
    """
    found = []
    for path in sessions_dir.glob(f"*{SUFFIX}") if sessions_dir.is_dir() else []:
        try:
            recent = now_ms - path.stat().st_mtime * 1000 <= MAX_GAP_MS
        except OSError:
            continue
        if recent and (entry := describe(path)).status == "interrupted":
            found.append(entry)
    return sorted(found, key=lambda e: e.modified_ms, reverse=True)
