"""A recording process killed with SIGKILL leaves a file that opens, verifies and says interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.store.reader import load_state
from console.store.verify import verify


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_session(tmp_path: Path) -> None:
    out = tmp_path / "killed.live.db"
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "console", "simulate", "--preset", "mega", "--rate", "20000",
             "--duration", "36000", "--out", str(out), "--quiet"],
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        committed = 0
        while committed < 20_000 and time.monotonic() < deadline:
            time.sleep(0.2)
            if out.exists():
                try:
                    conn = sqlite3.connect(out)
                    committed = conn.execute("SELECT count(*) FROM events").fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    committed = 0
        assert proc.poll() is None, log.read_text()
        assert committed >= 20_000
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    result = verify(out)
    assert result.intact, result.reason
    assert result.events >= committed
    meta, state = load_state(out)
    assert meta.status == "interrupted"
    assert state.last_seq == result.events
    assert state.totals.events == result.events
