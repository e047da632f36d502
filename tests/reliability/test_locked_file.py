"""The session file locked by another process, or read-only: a clear message, no data lost."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import main as cli_main
from console.domain.clock import VirtualClock
from console.engine.resume import resume_session
from console.engine.session import LiveSession
from console.replay.player import Replay
from console.store.errors import SessionFileError
from console.store.reader import load_state
from console.store.session_file import open_session
from console.store.verify import verify
from tests.e2e.test_record import _line, _start
from tests.reliability.faults import Disk
from tests.support import START_MS, small_catalog


def _interrupted(path: Path, comments: int = 50) -> LiveSession:
    """A session whose process 'died': its lock released, its status still live."""
    session = LiveSession.start(path, title="t", catalog=small_catalog(),
                                clock=VirtualClock(START_MS))  # fmt: skip
    session.ingest(
        [{"kind": "comment", "user": f"u{n}", "text": "hi"} for n in range(comments)], "sim"
    )
    session.writer.close()
    session._lock.release()
    return session


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_a_file_another_console_records_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "busy.live.db"
    with _start(["--feed", "sim:small?rate=300", "--out", str(out)], dict(os.environ)) as proc:
        try:
            assert _line(proc, "feed ") == "feed sim:small live"
            time.sleep(0.5)
            with pytest.raises(SessionFileError, match="being recorded by another Live Console"):
                resume_session(out, VirtualClock(START_MS))
            with pytest.raises(SessionFileError, match="being recorded by another Live Console"):
                LiveSession.start(out, title="again", catalog=small_catalog(),
                                  clock=VirtualClock(START_MS))  # fmt: skip
            conn, meta = open_session(out)  # reading while it records is fine ...
            conn.close()
            assert meta.status == "live"  # ... and does not mark it interrupted
            assert verify(out).intact
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
            assert proc.stdout is not None
            tail = proc.stdout.read().splitlines()
        finally:
            proc.kill()
    result = verify(out)
    assert result.intact
    meta, _ = load_state(out)
    assert meta.status == "ended"
    assert f"{result.events} events" in tail[-1]  # what the recorder took is all in the file


_HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@pytest.mark.slow
def test_another_program_holding_the_write_lock_delays_saving_but_loses_nothing(
    tmp_path: Path,
) -> None:
    """Like `sqlite3 FILE` with a transaction left open: the writer says so, keeps rows, retries."""
    clock = VirtualClock(START_MS)
    session = LiveSession.start(tmp_path / "held.live.db", title="t", catalog=small_catalog(),
                                clock=clock)  # fmt: skip
    session.writer.flush()
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(session.path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        deadline = time.monotonic() + 20
        n = 0
        while session.writer.error is None and time.monotonic() < deadline:
            clock.advance(10)
            t = time.perf_counter()
            session.ingest([{"kind": "comment", "user": f"u{n}", "text": "还有货吗"}], "sim")
            assert time.perf_counter() - t < 0.1  # the engine never waits for the lock
            n += 1
            time.sleep(0.01)
        status = session.writer.save_status()
        assert status.error == ("held.live.db is locked by another program; close it and try again")
        assert status.pending > 0 and status.lag_ms > 4000
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.wait(10)
        holder.stdout.close()
    session.close()
    assert verify(session.path).intact
    _, state = load_state(session.path)
    assert state.totals.comments == n


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Make `path` unwritable even for root (chattr +i), or skip where that cannot be done."""
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    immutable = False
    if os.access(path, os.W_OK) and sys.platform.startswith("linux"):
        immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    try:
        if os.access(path, os.W_OK):
            pytest.skip("cannot make a file read-only here (root without chattr)")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_file_is_refused_for_recording_and_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "ro.live.db"
    _interrupted(path)
    checked = verify(path)  # also marks it interrupted, before it becomes read-only
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with _read_only(path):
        with pytest.raises(
            SessionFileError, match=re.escape("ro.live.db is read-only; it can be viewed")
        ):
            resume_session(path, VirtualClock(START_MS + 60_000))
        again = verify(path)
        assert again.intact and again.chain_head == checked.chain_head
        with Replay.open(path) as replay:
            replay.seek(replay.end_ms)
            assert replay.state.totals.comments == 50
        assert cli_main(["info", str(path)]) == 0
        assert cli_main(["report", str(path), "--json"]) == 0
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_file_that_cannot_be_written_keeps_the_rows_until_it_can(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says the file is read-only under a live session; it is writable again later."""
    disk = Disk(monkeypatch)
    disk.read_only = True
    clock = VirtualClock(START_MS)
    session = LiveSession.start(tmp_path / "flip.live.db", title="t", catalog=small_catalog(),
                                clock=clock)  # fmt: skip
    for n in range(200):
        clock.advance(50)
        session.ingest([{"kind": "like", "count": 1}, {"kind": "comment", "user": "u", "text": f"{n}"}], "sim")  # fmt: skip
    deadline = time.monotonic() + 10
    while session.writer.error is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert session.writer.error == "flip.live.db is read-only; it can be viewed but not recorded to"
    assert session.writer.committed_seq == 0
    disk.read_only = False
    session.close()
    result = verify(session.path)
    assert result.intact and result.events == session.state.last_seq
    _, state = load_state(session.path)
    assert (state.totals.likes, state.totals.comments) == (200, 200)
