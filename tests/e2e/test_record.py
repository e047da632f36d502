"""`record` as a user runs it: a real process on real feeds, stopped by time or by signal."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.test_cli import cli

pytestmark = pytest.mark.slow


def _sources(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT source, count(*) FROM events GROUP BY source").fetchall())


def test_record_a_simulated_feed_for_a_duration(tmp_path: Path) -> None:
    out = tmp_path / "rec.live.db"
    r = cli("record", "--feed", "sim:small?seed=3&rate=400", "--duration", "2", "--out", out)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "feed sim:small live"
    assert "feed sim:small stopped" in lines
    assert str(out) in lines
    assert _sources(out)["sim"] > 200
    info = json.loads(cli("info", out, "--json").stdout)
    assert info["status"] == "ended"
    assert cli("verify", out).returncode == 0


def test_sigterm_ends_the_session_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "term.live.db"
    with _start(["--feed", "sim:small?rate=200", "--out", str(out)], dict(os.environ)) as proc:
        try:
            assert _line(proc, "feed ") == "feed sim:small live"
            time.sleep(1.0)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill()
    info = json.loads(cli("info", out, "--json").stdout)
    assert info["status"] == "ended"
    with sqlite3.connect(out) as db:
        reason = db.execute(
            "SELECT json_extract(data, '$.reason') FROM events WHERE kind = 'session_ended'"
        ).fetchone()
    assert reason == ("sigterm",)


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "console", "record", *args],
                            stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip


def _line(proc: subprocess.Popen[str], prefix: str) -> str:
    """The first output line starting with `prefix` (status lines come as they change)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(prefix):
            return line.strip()
    raise AssertionError(f"no line starting {prefix!r}; exit {proc.wait()}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_webhooks_are_recorded_with_the_secret_from_the_environment(tmp_path: Path) -> None:
    out, port, secret = tmp_path / "hooks.live.db", _free_port(), "hush"
    env = {**os.environ, "PYTHONUTF8": "1", "LIVE_CONSOLE_SHOPIFY_SECRET": secret}
    with _start(["--webhook-port", str(port), "--out", str(out)], env) as proc:
        try:
            _line(proc, "feed Shopify webhooks live")
            _post_order(port, secret)
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill()
    assert _sources(out).get("shopify") == 1


def _post_order(port: int, secret: str) -> None:
    body = json.dumps({"id": 1, "name": "#1001", "currency": "CNY", "line_items": [
        {"id": 7, "sku": "MASK-10", "quantity": 2, "price": "59.90"}]}).encode()  # fmt: skip
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/shopify/orders", data=body, method="POST",
        headers={"X-Shopify-Hmac-Sha256": digest, "X-Shopify-Webhook-Id": "w1",
                 "X-Shopify-Topic": "orders/create", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response) == {"accepted": 1, "rejected": 0}


def test_bad_input_is_a_usage_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "none.live.db"
    r = cli("record", "--feed", "sim:huge", "--out", out)
    assert r.returncode == 2
    assert "unknown audience 'huge'" in r.stderr
    env_free = {k: v for k, v in os.environ.items() if k != "LIVE_CONSOLE_SHOPIFY_SECRET"}
    r = subprocess.run(
        [sys.executable, "-m", "console", "record", "--webhook-port", "9", "--out", str(out)],
        capture_output=True, text=True, env=env_free, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2
    assert "LIVE_CONSOLE_SHOPIFY_SECRET" in r.stderr
    assert cli("record", "--out", out).returncode == 2
    assert not out.exists()
