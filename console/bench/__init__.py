"""`live-console bench`: what this machine can do, each figure beside its limit.

Every benchmark measures its physical limit (a raw counterpart) in the same
run where there is one, so the ratio means something on a shared, noisy
machine whose absolute numbers wander; where there is none the limit is the
target. The modules are imported only when their benchmark runs: `ui` and
`startup` need Qt, `ingest` aiohttp, and building the command line needs none.
"""

from __future__ import annotations

import importlib
import os
import platform
import sqlite3
import sys
from collections.abc import Callable

from console.bench.figures import BenchError, Figure

__all__ = ["BENCHMARKS", "BenchError", "Figure", "child_command", "machine", "run_benchmarks",
           "run_child"]  # fmt: skip

# An installed bundle (PyInstaller): no Python to hand `-c`, its program is the app itself.
FROZEN: bool = getattr(sys, "frozen", False)
# Each is the module under console.bench whose `run(quick)` measures it; `make bench` order.
BENCHMARKS: tuple[str, ...] = ("ingest", "ui", "long", "replay", "startup")


def machine() -> str:
    return (
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs,"
        f" SQLite {sqlite3.sqlite_version}"
    )


def run_benchmarks(which: list[str], *, quick: bool,
                   progress: Callable[[str], None] | None = None) -> list[Figure]:  # fmt: skip
    """Run the named benchmarks in order; `progress` hears each name as it starts."""
    figures: list[Figure] = []
    for name in which:
        if progress is not None:
            progress(name)
        module = importlib.import_module(f"console.bench.{name}")
        figures += module.run(quick)
    return figures


def child_command(module: str, *args: str) -> list[str]:
    """The command that runs `console.bench.MODULE.child(*args)` in a new process.

    It goes through `live-console bench --child`, so it works from an installed
    bundle (where there is no Python to hand `-c`) as from a virtualenv.
    """
    program = [sys.executable] if FROZEN else [sys.executable, "-m", "console"]
    return [*program, "bench", "--child", module, *args]


def run_child(argv: list[str]) -> None:
    """The child side of `child_command`: a feed server, a long session, a window to time."""
    importlib.import_module(f"console.bench.{argv[0]}").child(*argv[1:])
