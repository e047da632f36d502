"""An OS lock held while a session is being recorded.

The kernel releases it when the recording process dies, however it dies, so
a reader that can take the lock knows an unfinished session was interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(f: IO[bytes]) -> bool:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


def lock_path(session_path: Path) -> Path:
    return session_path.with_name(session_path.name + ".lock")


class SessionLock:
    def __init__(self, session_path: Path) -> None:
        self.path = lock_path(session_path)
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        f = open(self.path, "a+b")  # noqa: SIM115 - held open for the lock's lifetime
        if not _try_lock(f):
            f.close()
            return False
        self._file = f
        return True

    def release(self, *, remove: bool = True) -> None:
        if self._file is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        self._file.close()
        self._file = None


def is_recording(session_path: Path) -> bool:
    """True while some process holds the session's lock."""
    if not lock_path(session_path).exists():
        return False
    probe = SessionLock(session_path)
    if probe.acquire():
        probe.release(remove=False)
        return False
    return True
