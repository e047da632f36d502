"""`live-console report` as a user runs it: real processes, real files, broken files."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

TITLE = "夜场 <script>alert(1)</script>"
SCRIPT = [
    {"at": 0, "action": "present", "sku": "MASK-10"},
    {"at": 40, "action": "marker", "text": "=抽奖 giveaway"},
    {"at": 60, "action": "deal", "sku": "MASK-10", "price": "39.90", "quantity": 30,
     "per_buyer": 1, "countdown_s": 10, "duration_s": 60},
    {"at": 150, "action": "present", "sku": "EARBUD-PRO"},
    {"at": 230, "action": "end"},
]  # fmt: skip


def run(args: list[str | Path], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1", "LIVE_CONSOLE_DATA_DIR": str(data_dir)}
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)


def report(*args: str | Path, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "console", "report", *args], data_dir)


def simulate(out: Path, start: str, seed: int, data_dir: Path, script: Path) -> None:
    r = run([sys.executable, "-m", "console", "simulate", "--duration", "240", "--seed", str(seed),
             "--start", start, "--out", out, "--quiet", "--title", TITLE, "--script", script],
            data_dir)  # fmt: skip
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding tonight's session and two earlier ones."""
    root = tmp_path_factory.mktemp("data")
    sessions = root / "sessions"
    script = root / "show.json"
    script.write_text(json.dumps(SCRIPT), encoding="utf-8")
    simulate(sessions / "tonight.live.db", "2026-11-28T20:00:00+08:00", 1, root, script)
    simulate(sessions / "monday.live.db", "2026-11-23T20:00:00+08:00", 2, root, script)
    simulate(sessions / "tuesday.live.db", "2026-11-24T20:00:00+08:00", 3, root, script)
    return root


@pytest.fixture(scope="module")
def session(data_dir: Path) -> Path:
    return data_dir / "sessions" / "tonight.live.db"


def test_json_matches_info_and_adds_up(session: Path, data_dir: Path) -> None:
    r = report(session, "--json", data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    info = run([sys.executable, "-m", "console", "info", session, "--json"], data_dir)
    assert data["session"] == json.loads(info.stdout)
    gmv = data["session"]["gmv_minor"]
    assert gmv > 0 and gmv == sum(p["gmv_minor"] for p in data["products"])
    att = data["attribution"]
    assert att["gmv_in_deals_minor"] + att["gmv_outside_deals_minor"] == gmv
    for p in data["products"]:
        assert {"sku", "title", "presented_s", "orders", "units", "gmv_minor",
                "gmv_while_presenting_minor"} <= set(p)  # fmt: skip
    (deal,) = data["deals"]
    assert deal["sku"] == "MASK-10" and deal["before_s"] == deal["live_s"] > 0
    assert {p["metric"] for p in data["peaks"]} == {"gmv_minor", "viewers"}
    # Compared with the two earlier sessions in the data folder, found by default.
    assert data["comparison"]["sessions"] == 2
    assert data["integrity"]["intact"] is True


def test_text_summary(session: Path, data_dir: Path) -> None:
    r = report(session, data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(TITLE + "  [ended]  intact")
    for needle in ("Products (by GMV)", "Flash deals", "Peak minutes", "MASK-10",
                   "Against the previous 2 session(s)"):  # fmt: skip
        assert needle in r.stdout


def test_html_and_csv_files(session: Path, data_dir: Path, tmp_path: Path) -> None:
    out, folder = tmp_path / "report.html", tmp_path / "csv"
    r = report(session, "--html", out, "--csv", folder, "--previous-dir", tmp_path,
               data_dir=data_dir)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"wrote {out}" in r.stdout
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script" not in html
    assert "No previous sessions" in html  # --previous-dir named an empty folder
    with (folder / "events.csv").open(encoding="utf-8-sig", newline="") as f:
        events = list(csv.DictReader(f))
    with closing(sqlite3.connect(session)) as conn:
        assert len(events) == conn.execute("SELECT count(*) FROM events").fetchone()[0]
    assert any(e["kind"] == "marker" and "=抽奖" in e["data"] for e in events)


def test_previous_sessions_skip_broken_files_and_the_session_itself(
    session: Path, data_dir: Path, tmp_path: Path
) -> None:
    shutil.copy(data_dir / "sessions" / "monday.live.db", tmp_path / "monday.live.db")
    shutil.copy(session, tmp_path / "copy-of-tonight.live.db")
    (tmp_path / "notes.live.db").write_text("not a session")
    tampered = tmp_path / "tuesday.live.db"
    shutil.copy(data_dir / "sessions" / "tuesday.live.db", tampered)
    edit_first_order(tampered)
    r = report(session, "--json", "--previous-dir", tmp_path, data_dir=data_dir)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["comparison"]["sessions"] == 1


def edit_first_order(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE events SET data = replace(data, '\"qty\":1', '\"qty\":2') WHERE seq ="
                     " (SELECT min(seq) FROM events WHERE kind = 'order'"
                     " AND data LIKE '%\"qty\":1%')")  # fmt: skip


def truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)


@pytest.mark.parametrize(
    ("damage", "needle"),
    [
        (edit_first_order, "fails verification at event"),
        (truncate, "is damaged"),
        (lambda p: p.write_text("hello, not a database"), "is not a session file"),
        (lambda p: p.unlink(), "does not exist"),
    ],
    ids=["bad-chain", "truncated", "text-file", "missing"],
)
def test_broken_files_give_a_clear_message(
    session: Path, data_dir: Path, tmp_path: Path, damage: Callable[[Path], object], needle: str
) -> None:
    path = tmp_path / "broken.live.db"
    shutil.copy(session, path)
    damage(path)
    out = tmp_path / "report.html"
    r = report(path, "--html", out, data_dir=data_dir)
    assert r.returncode == 1
    assert r.stderr.startswith("live-console report: ") and needle in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_an_unwritable_output_is_a_clear_error(
    session: Path, data_dir: Path, tmp_path: Path
) -> None:
    r = report(session, "--html", tmp_path / "missing" / "r.html", data_dir=data_dir)
    assert r.returncode == 1
    assert "cannot write" in r.stderr and "Traceback" not in r.stderr
