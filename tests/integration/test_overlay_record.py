"""`record --overlay-port`: a headless recording serves the overlays and prints their URLs."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from console.overlay.security import new_token
from console.overlay.server import OVERLAYS

pytestmark = pytest.mark.slow


def record(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONUTF8": "1", "LIVE_CONSOLE_DATA_DIR": str(tmp_path), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "console", "record", "--feed", "sim:small?seed=1&rate=50",
         "--out", str(tmp_path / "rec.live.db"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip


def lines_until(proc: subprocess.Popen[str], last: str) -> list[str]:
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line.rstrip("\n"))
        if line.startswith(last):
            return seen
    raise AssertionError(f"no {last!r} line in {seen}; exit {proc.wait()}")


def test_record_prints_each_overlay_and_serves_it(tmp_path: Path) -> None:
    token, remote_token = new_token(), new_token()
    with record(tmp_path, "--overlay-port", "0", "--overlay-remote",
                LIVE_CONSOLE_OVERLAY_TOKEN=token,
                LIVE_CONSOLE_OVERLAY_REMOTE_TOKEN=remote_token) as proc:  # fmt: skip
        lines = lines_until(proc, "remote ")
        overlays = [line for line in lines if line.startswith("overlay ")]
        urls = {}
        for line in overlays:
            m = re.fullmatch(r"overlay (\w+) (http://127\.0\.0\.1:(\d+)/o/(\S+)/(\w+))", line)
            assert m is not None, line
            assert (m.group(4), m.group(5)) == (token, m.group(1))
            urls[m.group(1)] = m.group(2)
        assert list(urls) == list(OVERLAYS)
        for url in urls.values():
            with urllib.request.urlopen(url, timeout=10) as r:
                assert r.status == 200
        remote = lines[-1].removeprefix("remote ")
        assert remote.endswith(f"/r/{remote_token}/")
        origin = remote.split("/r/")[0]
        request = urllib.request.Request(
            remote + "action", data=json.dumps({"action": "marker", "text": "from the phone"}).encode(),
            headers={"Content-Type": "application/json", "Origin": origin},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as r:
            assert json.load(r) == {"ok": True}
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    with sqlite3.connect(tmp_path / "rec.live.db") as db:
        rows = db.execute("SELECT kind, data FROM events WHERE source = 'remote'").fetchall()
    assert rows == [("marker", '{"text":"from the phone"}')]


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    with record(tmp_path, "--duration", "1", *args, **env) as proc:
        out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--overlay-port", "0"], {"LIVE_CONSOLE_OVERLAY_TOKEN": "short"},
         "the overlay token must be 22 to 128"),
        (["--overlay-remote"], {}, "need an --overlay-port"),
        (["--overlay-port", "70000"], {}, "is not a port"),
    ],
)  # fmt: skip
def test_bad_overlay_options_are_refused_before_recording(tmp_path: Path, args: list[str],
                                                          env: dict[str, str], says: str) -> None:  # fmt: skip
    r = run(tmp_path, *args, **env)
    assert r.returncode == 2
    assert says in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "rec.live.db").exists()


def test_an_overlay_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run(tmp_path, "--overlay-port", str(port))
    assert r.returncode == 2
    assert f"cannot listen on port {port} for the overlay" in r.stderr
    assert "Traceback" not in r.stderr
