"""`live-console bench` as a user runs it before a big broadcast: real processes, JSON out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from console.bench import BENCHMARKS


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", "bench", *args], capture_output=True, text=True,
        timeout=300, env={**os.environ, "PYTHONUTF8": "1"},
    )  # fmt: skip


def test_an_unknown_name_is_a_usage_error_before_anything_runs() -> None:
    r = bench("ingest", "teleport", "--quick", "--json")
    assert r.returncode == 2
    assert "unknown benchmark 'teleport'; choose from ingest, ui, long, replay, startup" in r.stderr
    assert r.stdout == "" and "bench ingest…" not in r.stderr


def test_help_names_every_benchmark() -> None:
    r = bench("--help")
    assert r.returncode == 0
    assert "ingest, ui, long, replay, startup" in " ".join(r.stdout.split())


@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_a_quick_run_prints_its_figures_as_json(name: str) -> None:
    began = time.monotonic()
    r = bench(name, "--quick", "--json")
    elapsed = time.monotonic() - began
    assert r.returncode == 0, r.stderr
    figures = json.loads(r.stdout)
    assert figures and all(f["name"].startswith(f"{name}.") for f in figures)
    for f in figures:
        assert isinstance(f["value"], int | float) and isinstance(f["unit"], str)
        if "limit" in f:
            assert f["ratio"] == pytest.approx(f["value"] / f["limit"], abs=1e-3)
            assert f["limit_is"] == "target" or f["limit_is"] in {g["name"] for g in figures}
    if name == "ingest":
        assert {f["unit"] for f in figures} == {"events/s"}
        assert {f["name"] for f in figures if "target" in f} == {
            "ingest.ws_single_end_to_end", "ingest.ws_batched_end_to_end"
        }  # fmt: skip
    # A minute of measuring, with room for starting processes on a busy shared machine.
    assert elapsed < 120
