"""One console per data folder: the second launch hands its request over and leaves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from console.ui.single_instance import SingleInstance, send_request

SEND = "import sys; from pathlib import Path; from console.ui.single_instance import send_request; " \
       "sys.exit(0 if send_request(Path(sys.argv[1]), sys.argv[2:]) else 3)"  # fmt: skip


def test_the_folder_has_one_owner_until_it_lets_go(qtbot: QtBot, tmp_path: Path) -> None:
    first, second = SingleInstance(tmp_path), SingleInstance(tmp_path)
    assert first.claim()
    assert not second.claim()
    assert second.owner_pid() is not None
    first.release()
    assert second.claim()
    second.release()


def test_other_folders_are_other_consoles(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = SingleInstance(tmp_path / "a"), SingleInstance(tmp_path / "b")
    assert a.claim() and b.claim()
    a.release()
    b.release()


def test_a_second_launch_hands_over_its_request(qtbot: QtBot, tmp_path: Path) -> None:
    owner = SingleInstance(tmp_path)
    assert owner.claim()
    heard: list[list[str]] = []
    owner.requested.connect(heard.append)
    sender = subprocess.Popen(
        [sys.executable, "-c", SEND, str(tmp_path), "replay", "/x/夜场.live.db"]
    )
    qtbot.waitUntil(lambda: sender.poll() is not None, timeout=10_000)
    assert sender.returncode == 0
    assert heard == [["replay", "/x/夜场.live.db"]]
    owner.release()


def test_nobody_listening_is_a_plain_no(qtbot: QtBot, tmp_path: Path) -> None:
    assert not send_request(tmp_path, ["open"])
