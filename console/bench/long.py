"""`bench long`: a 12-hour session at 500 events/s on the virtual clock (21.6 million events).

The session runs in a child process that reports its own memory every ten
minutes of session time, so nothing the harness holds counts: the resident
set at each sample and the peak. Memory should rise while the show warms up
(buckets, caches, SQLite's page cache) and then stay flat; the growth per hour
after the warm-up says whether it does. The file is kept in the temp folder
for `bench replay`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from console.bench import child_command
from console.bench.figures import BenchError, Figure, figure

RATE = 500.0  # events/s
FULL_S, QUICK_S = 12 * 3600, 20 * 60  # session seconds
SAMPLES = 72  # memory samples in a session: every ten minutes of 12 hours, at most one a minute
RSS_TARGET_MB = 300.0
START_MS = 1_764_300_000_000
MB = 1024 * 1024
KEPT = Path(tempfile.gettempdir()) / "live-console-bench"


def session_path(seconds: int, folder: Path = KEPT) -> Path:
    """Where the session of this length is kept between runs; the name changes with the format."""
    from console.domain.snapshot import SNAPSHOT_VERSION
    from console.store.checkpoints import CHECKPOINT_EVERY
    from console.store.schema import SCHEMA_VERSION

    return folder / (
        f"long-{seconds}s-{RATE:g}eps-s{SCHEMA_VERSION}-c{SNAPSHOT_VERSION}-{CHECKPOINT_EVERY}.live.db"
    )


def _memory_mb() -> tuple[float | None, float | None]:
    """This process's resident set and its peak in MiB, as far as the OS says."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:  # not Linux: only the peak, from getrusage
        try:
            import resource
        except ImportError:  # Windows
            return None, None
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return None, peak / (MB if sys.platform == "darwin" else 1024)
    kb = {
        k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if v.endswith("kB")
    }
    return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024


def child(path: str, length: str) -> None:
    """The session itself, as `simulate` runs it; a JSON line per memory sample on stdout."""
    from console.domain.clock import VirtualClock
    from console.domain.script import auto_show
    from console.engine.session import LiveSession
    from console.engine.virtual_run import run_virtual
    from console.feeds.simulator import Simulator
    from console.importers.sample import sample_catalog_path
    from console.importers.simple_csv import load_catalog

    seconds = int(length)
    catalog = list(load_catalog(sample_catalog_path()).products)
    clock = VirtualClock(START_MS)
    began = time.perf_counter()
    session = LiveSession.start(Path(path), title="long bench", catalog=catalog, clock=clock)

    every_ms = max(60, seconds // SAMPLES) * 1000  # progress comes once a minute of session

    def sample(at_ms: int) -> None:
        rss, peak = _memory_mb()
        line = {"at_s": at_ms // 1000, "events": session.state.last_seq, "rss_mb": rss,
                "peak_mb": peak, "wall_s": time.perf_counter() - began}  # fmt: skip
        print(json.dumps(line), flush=True)

    run_virtual(
        session, clock, Simulator("mid", seed=1, rate=RATE), source="sim",
        duration_ms=seconds * 1000, actions=auto_show([p.sku for p in catalog], seconds * 1000),
        progress=lambda at_ms: sample(at_ms) if at_ms % every_ms < 60_000 else None,
    )  # fmt: skip
    session.close()
    sample(seconds * 1000)


def record(seconds: int, folder: Path = KEPT) -> list[dict[str, Any]]:
    """Run the session in a child process into its kept file; the child's samples."""
    path = session_path(seconds, folder)
    folder.mkdir(parents=True, exist_ok=True)
    kept = {session_path(s, folder).name for s in (QUICK_S, FULL_S) if s != seconds}
    for old in folder.iterdir():  # this one, half-written ones, older formats' files
        if old.name not in kept:
            old.unlink()
    part = path.with_name(path.name + ".part")
    proc = subprocess.run(child_command("long", str(part), str(seconds)), capture_output=True,
                          text=True, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise BenchError(f"the long session failed: {proc.stderr.strip()[-2000:]}")
    part.replace(path)
    return [json.loads(line) for line in proc.stdout.splitlines()]


def session_file(quick: bool) -> Path:
    """The kept session for `bench replay`, recorded first if it is not there yet."""
    seconds = QUICK_S if quick else FULL_S
    path = session_path(seconds)
    if not path.exists():
        record(seconds)
    return path


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y over x."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


def figures(samples: list[dict[str, Any]], seconds: int, size: int) -> list[Figure]:
    """The file's size, and memory: the peak, after the warm-up, at the end, and its growth."""
    warmup_s = seconds // 12  # an hour of the 12
    end = samples[-1]
    out = [
        figure("long.file_size", round(size / MB, 1), "MiB", events=end["events"],
               bytes_per_event=round(size / end["events"]), session_s=seconds,
               wall_s=round(end["wall_s"], 1)),
    ]  # fmt: skip
    if end["peak_mb"] is not None:
        out.append(figure("long.peak_rss", round(end["peak_mb"], 1), "MiB", limit=RSS_TARGET_MB))
    after = [s for s in samples[:-1] if s["at_s"] >= warmup_s and s["rss_mb"] is not None]
    if after:
        growth = _slope([(s["at_s"] / 3600, s["rss_mb"]) for s in after])
        out += [
            figure("long.rss_after_warmup", round(after[0]["rss_mb"], 1), "MiB",
                   at_s=after[0]["at_s"]),
            figure("long.rss_end", round(after[-1]["rss_mb"], 1), "MiB", at_s=after[-1]["at_s"]),
            figure("long.rss_growth", round(growth, 2), "MiB/h", samples=len(after)),
        ]  # fmt: skip
    return out


def run(quick: bool) -> list[Figure]:
    seconds = QUICK_S if quick else FULL_S
    samples = record(seconds)
    return figures(samples, seconds, session_path(seconds).stat().st_size)
