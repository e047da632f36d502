"""`live-console bench`: throughput on this machine, beside its physical limit.

Each figure is measured with its raw counterpart in the same process, so
the ratio means something on a shared, noisy machine where absolute numbers
wander. Medians of several repeats.
"""

from __future__ import annotations

import os
import platform
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from console.domain.clock import VirtualClock
from console.domain.script import auto_show
from console.domain.snapshot import SNAPSHOT_VERSION
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.simulator import Simulator
from console.importers.sample import sample_catalog_path
from console.importers.simple_csv import load_catalog
from console.replay.player import Replay
from console.store.chain import encode_data, row_hash
from console.store.checkpoints import CHECKPOINT_EVERY
from console.store.schema import SCHEMA_VERSION, configure, migrate

Figure = dict[str, Any]
START_MS = 1_764_300_000_000


def _end_to_end(folder: Path, rate: float, seconds: int, n: int) -> tuple[float, int]:
    """Simulator -> decode -> reducer -> hash chain -> SQLite, until all is on disk."""
    catalog = list(load_catalog(sample_catalog_path()).products)
    clock = VirtualClock(START_MS)
    path = folder / f"e2e-{n}.live.db"
    began = time.perf_counter()
    session = LiveSession.start(
        path, title="bench", catalog=catalog, clock=clock, session_id=f"b{n}"
    )
    run_virtual(
        session, clock, Simulator("mega", seed=n, rate=rate), source="sim",
        duration_ms=seconds * 1000, actions=auto_show([p.sku for p in catalog], seconds * 1000),
    )  # fmt: skip
    session.close()
    elapsed = time.perf_counter() - began
    return session.state.last_seq / elapsed, session.state.last_seq


def _raw_insert(folder: Path, rows: int, n: int) -> float:
    """The floor under the writer: prebuilt rows, executemany, 10,000 per transaction."""
    conn = sqlite3.connect(folder / f"raw-{n}.db", isolation_level=None)
    configure(conn)
    migrate(conn)
    data = encode_data({"user": "小鱼儿", "text": "有链接吗？多少钱"})
    prev = "0" * 64
    batch = []
    for seq in range(1, rows + 1):
        prev = row_hash(prev, seq, START_MS + seq, "comment", "sim", data)
        batch.append((seq, START_MS + seq, "comment", "sim", data, prev))
    began = time.perf_counter()
    for i in range(0, rows, 10_000):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (seq, ts_ms, kind, source, data, hash) VALUES (?, ?, ?, ?, ?, ?)",
            batch[i : i + 10_000],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return rows / elapsed


def _median(fn: Callable[[int], float], repeats: int) -> float:
    return statistics.median(fn(n) for n in range(repeats))


def bench_ingest(quick: bool) -> list[Figure]:
    seconds, repeats = (5, 1) if quick else (20, 3)
    rate = 150_000.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results = [_end_to_end(folder, rate, seconds, n) for n in range(repeats)]
        e2e = statistics.median(r[0] for r in results)
        events = results[0][1]
        raw = _median(lambda n: _raw_insert(folder, events, n), repeats)
    return [
        {"name": "ingest.simulated_end_to_end", "value": round(e2e), "unit": "events/s",
         "limit": round(raw), "ratio": round(e2e / raw, 3), "events": events},
        {"name": "ingest.sqlite_batched_insert", "value": round(raw), "unit": "rows/s"},
    ]  # fmt: skip


def bench_ui(quick: bool) -> list[Figure]:
    """The live window at 20,000 events/s, then a chart frame over a 12-hour session."""
    from console.ui.chart_bench import bench_chart_frame  # Qt only when asked for
    from console.ui.window_bench import bench_ui as window

    return window(quick) + bench_chart_frame(quick)


# A big stream: 4,000 events/s (about 300,000 viewers), so 10 million events is 42 minutes.
REPLAY_RATE = 4000.0


def _replay_session(events: int) -> Path:
    """A recorded session of about `events` events, built once and kept for later runs.

    It lives in the temp folder under a name that changes with the file format.
    """
    folder = Path(tempfile.gettempdir()) / "live-console-bench"
    path = (
        folder / f"replay-{events}-s{SCHEMA_VERSION}-c{SNAPSHOT_VERSION}-{CHECKPOINT_EVERY}.live.db"
    )
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.unlink(missing_ok=True)
    catalog = list(load_catalog(sample_catalog_path()).products)
    clock = VirtualClock(START_MS)
    session = LiveSession.start(part, title="replay bench", catalog=catalog, clock=clock,
                                session_id=f"replay{events}")  # fmt: skip
    duration_ms = round(events / REPLAY_RATE * 1000)
    run_virtual(
        session, clock, Simulator("mega", seed=1, rate=REPLAY_RATE), source="sim",
        duration_ms=duration_ms, actions=auto_show([p.sku for p in catalog], duration_ms),
    )  # fmt: skip
    session.close()
    part.rename(path)
    return path


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _evict(path: Path) -> bool:
    """Drop the file from the OS page cache where the OS allows it, as after a reboot."""
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def bench_replay(quick: bool) -> list[Figure]:
    """Open a big session (from disk) to its overview and jumps, then seek to random moments."""
    events, opens, seeks = (1_000_000, 3, 100) if quick else (10_000_000, 5, 300)
    path = _replay_session(events)
    open_times = []
    for _ in range(opens):
        cold = _evict(path)
        began = time.perf_counter()
        with Replay.open(path) as replay:
            replay.overview_viewers()
            jumps = len(replay.jumps)
            open_times.append(time.perf_counter() - began)
    rng = random.Random(7)
    seek_times = []
    with Replay.open(path) as replay:
        for _ in range(seeks):
            target = rng.randint(replay.start_ms, replay.end_ms)
            began = time.perf_counter()
            replay.seek(target)
            replay.activity_after(0)  # the feed is part of what a seek shows
            seek_times.append(time.perf_counter() - began)
        replay.seek(replay.end_ms)
        total = replay.state.last_seq
    p95 = statistics.quantiles(seek_times, n=20)[-1]
    return [
        {"name": "replay.open_to_overview", "value": _ms(statistics.median(open_times)),
         "unit": "ms", "events": total, "jumps": jumps, "page_cache": "evicted" if cold else "warm"},
        {"name": "replay.seek_median", "value": _ms(statistics.median(seek_times)), "unit": "ms",
         "events": total, "seeks": seeks},
        {"name": "replay.seek_p95", "value": _ms(p95), "unit": "ms", "events": total,
         "seeks": seeks},
    ]  # fmt: skip


BENCHMARKS: dict[str, Callable[[bool], list[Figure]]] = {
    "ingest": bench_ingest,
    "replay": bench_replay,
    "ui": bench_ui,
}


def machine() -> str:
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}"


def run_benchmarks(which: list[str], *, quick: bool) -> list[Figure]:
    figures: list[Figure] = []
    for name in which:
        figures += BENCHMARKS[name](quick)
    return figures
