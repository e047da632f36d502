"""The real app in a real process: --self-test and --screenshot, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage


def run(*args: str | Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}
    return subprocess.run([sys.executable, "-m", "console", "--data-dir", str(data), *map(str, args)],
                          capture_output=True, text=True, timeout=180, env=env)  # fmt: skip


@pytest.mark.slow
def test_self_test_passes(tmp_path: Path) -> None:
    r = run("--self-test", "--after", "3", data=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "self-test passed" in r.stdout
    sessions = list((tmp_path / "sessions").glob("*.live.db"))
    assert len(sessions) == 1
    verify = subprocess.run([sys.executable, "-m", "console", "info", str(sessions[0]), "--json"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert '"status": "ended"' in verify.stdout


@pytest.mark.slow
def test_screenshot_of_a_busy_session(tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    r = run(
        "--demo",
        "--warmup",
        "3",
        "--screenshot",
        png,
        "--after",
        "2",
        "--lang",
        "en",
        data=tmp_path,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    image = QImage(str(png))
    assert not image.isNull()
    assert image.width() >= 1000


def test_a_bad_feed_uri_is_refused_before_the_window_opens() -> None:
    r = subprocess.run([sys.executable, "-m", "console", "--feed", "sim:nope"],
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2
    assert "unknown audience 'nope'" in r.stderr


def test_replay_of_a_file_that_is_not_a_session_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "notes.live.db"
    bad.write_text("shopping list")
    r = run("replay", bad, data=tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith("live-console replay: ")
    assert "notes.live.db" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_replay_opens_a_recorded_session(tmp_path: Path) -> None:
    session, png = tmp_path / "show.live.db", tmp_path / "replay.png"
    sim = run(
        "simulate", "--duration", "120", "--seed", "2", "--out", session, "--quiet", data=tmp_path
    )
    assert sim.returncode == 0, sim.stderr
    r = run("--screenshot", png, "--after", "1", "--lang", "en", "replay", session, data=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not QImage(str(png)).isNull()


@pytest.mark.slow
def test_a_second_launch_on_the_same_folder_hands_over_and_leaves(tmp_path: Path) -> None:
    session = tmp_path / "show.live.db"
    sim = run(
        "simulate", "--duration", "60", "--seed", "4", "--out", session, "--quiet", data=tmp_path
    )
    assert sim.returncode == 0, sim.stderr
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUTF8": "1"}
    first = subprocess.Popen([sys.executable, "-m", "console", "--data-dir", str(tmp_path), "library"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    log = tmp_path / "logs" / "live-console.log"
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and "starting on" in log.read_text(encoding="utf-8")):
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.2)
        second = run("replay", session, data=tmp_path)
        assert second.returncode == 0, second.stderr
        assert "already open on this data folder" in second.stdout
        while f"replay of {session}" not in log.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        shot = run("--screenshot", tmp_path / "x.png", "--after", "1", data=tmp_path)
        assert shot.returncode == 1
        assert "another Live Console" in shot.stderr and str(tmp_path) in shot.stderr
    finally:
        first.terminate()  # SIGTERM closes its windows like Quit
        _out, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
