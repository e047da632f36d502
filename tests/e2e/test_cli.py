"""The CLI as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

START = "2026-11-28T12:00:00Z"


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "console", *map(str, args)],
        capture_output=True, text=True, timeout=300, cwd=cwd, env=env,
    )  # fmt: skip


def simulate(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli("simulate", "--preset", "mid", "--duration", "120", "--seed", "7",
               "--start", START, "--out", out, "--quiet", *extra)  # fmt: skip


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("s") / "show.json"
    path.write_text(json.dumps([
        {"at": 0, "action": "present", "sku": "MASK-10"},
        {"at": 5, "action": "price", "sku": "MASK-10", "price": "49.90"},
        {"at": 5, "action": "stock", "sku": "MASK-10", "stock": 500},
        {"at": 40, "action": "marker", "text": "抽奖 giveaway"},
        {"at": 60, "action": "present", "sku": "EARBUD-PRO"},
        {"at": 20, "action": "deal", "sku": "MASK-10", "price": "39.90", "quantity": 30,
         "per_buyer": 1, "countdown_s": 10, "duration_s": 60},
        {"at": 110, "action": "end"},
    ]))  # fmt: skip
    return path


def test_same_inputs_give_byte_identical_info_and_chain(tmp_path: Path, script: Path) -> None:
    a, b = tmp_path / "first.live.db", tmp_path / "other-name.live.db"
    assert simulate(a, "--script", str(script)).returncode == 0
    assert simulate(b, "--script", str(script)).returncode == 0
    info_a, info_b = cli("info", a, "--json"), cli("info", b, "--json")
    assert info_a.returncode == 0, info_a.stderr
    assert info_a.stdout == info_b.stdout
    summary = json.loads(info_a.stdout)
    for key in ("events", "orders", "units", "gmv_minor", "currency", "duration_s",
                "peak_viewers", "status", "chain_head", "products"):  # fmt: skip
        assert key in summary
    assert summary["status"] == "ended"
    assert summary["duration_s"] == 110
    assert summary["gmv_minor"] == sum(p["gmv_minor"] for p in summary["products"])
    assert {"sku", "title", "units", "gmv_minor"} <= set(summary["products"][0])
    assert summary["orders"] > 0
    (deal,) = summary["deals"]
    assert set(deal) == {"sku", "deal_price_minor", "quantity", "per_buyer", "sold",
                         "started_at_ms", "ended_at_ms", "end_reason", "gmv_minor"}  # fmt: skip
    assert deal["deal_price_minor"] == 3990
    assert deal["started_at_ms"] - summary_start_ms(summary) == 30_000
    assert deal["end_reason"] in ("time", "sold_out")
    other_seed = cli("simulate", "--duration", "120", "--seed", "8", "--start", START,
                     "--out", tmp_path / "c.live.db", "--quiet", "--script", str(script))  # fmt: skip
    assert other_seed.returncode == 0
    assert (
        json.loads(cli("info", tmp_path / "c.live.db", "--json").stdout)["chain_head"]
        != summary["chain_head"]
    )


def summary_start_ms(summary: dict) -> int:
    from datetime import datetime

    return int(
        datetime.fromisoformat(summary["started_at"].replace("Z", "+00:00")).timestamp() * 1000
    )


def test_verify_intact_then_broken(tmp_path: Path) -> None:
    path = tmp_path / "v.live.db"
    assert simulate(path).returncode == 0
    ok = cli("verify", path)
    assert (ok.returncode, ok.stdout.split(":")[0]) == (0, "intact")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE events SET data = replace(data, '\"qty\":1', '\"qty\":2') WHERE seq = "
                     "(SELECT min(seq) FROM events WHERE kind = 'order')")  # fmt: skip
    conn.close()
    bad = cli("verify", path)
    assert bad.returncode == 1
    assert "BROKEN at seq" in bad.stdout


def test_a_deal_the_session_would_refuse_is_caught_before_the_run(tmp_path: Path) -> None:
    script = tmp_path / "deal.json"
    script.write_text(json.dumps([{"at": 0, "action": "present", "sku": "MASK-10"},
                                  {"at": 30, "action": "deal", "sku": "MASK-10", "price": "99.00",
                                   "quantity": 10, "per_buyer": 1, "duration_s": 60}]))  # fmt: skip
    out = tmp_path / "never.live.db"
    r = simulate(out, "--script", str(script))
    assert r.returncode == 2
    assert "entry 2" in r.stderr and "below the regular price" in r.stderr
    assert not out.exists()


def test_invalid_script_is_refused_before_the_run(tmp_path: Path) -> None:
    script = tmp_path / "bad.json"
    script.write_text(json.dumps([{"at": 0, "action": "present", "sku": "MASK-10"},
                                  {"at": 5, "action": "price", "sku": "MASK-10", "price": "12,50"}]))  # fmt: skip
    out = tmp_path / "never.live.db"
    r = simulate(out, "--script", str(script))
    assert r.returncode == 2
    assert "entry 2" in r.stderr and "comma" in r.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("info", "missing.live.db"), 1, "does not exist"),
        (("verify", "notdb.live.db"), 1, "not an SQLite database"),
        (("simulate", "--preset", "giant"), 2, "invalid choice"),
        (("simulate", "--duration", "-3"), 2, "must be above zero"),
        (("simulate", "--start", "yesterday"), 2, "not an ISO-8601 time"),
        (("simulate", "--catalog", "nope.csv"), 2, "catalog"),
        (("bench", "teleport"), 2, "unknown benchmark"),
    ],
)
def test_clear_errors_no_tracebacks(
    tmp_path: Path, args: tuple[str, ...], code: int, needle: str
) -> None:
    (tmp_path / "notdb.live.db").write_text("hello")
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == code
    assert needle in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("command", ["simulate", "info", "verify", "bench"])
def test_every_command_has_help(command: str) -> None:
    r = cli(command, "--help")
    assert r.returncode == 0
    assert "usage: live-console" in r.stdout


def test_default_output_goes_to_the_data_dir(tmp_path: Path) -> None:
    r = cli("--data-dir", tmp_path, "simulate", "--preset", "small", "--duration", "30", "--quiet",
            "--title", "夜场 Night")  # fmt: skip
    assert r.returncode == 0, r.stderr
    files = list((tmp_path / "sessions").glob("*.live.db"))
    assert len(files) == 1 and files[0].name.endswith("-夜场-night.live.db")
