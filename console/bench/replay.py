"""`bench replay`: open the long benchmark's session to its overview, then seek at random.

Issue 5's targets are the limits: open to overview under a second, a seek
under 200 ms, on a session of 10 million events; the full run uses the
12-hour session of `bench long` (21.6 million), the quick one its 20 minutes.
The file is dropped from the OS page cache before each open where the OS
allows it, as after a reboot. Garbage collection runs as in the app
(console/ui/gc_pacer.py): not automatically, inside a seek, but the young
generations between seeks, as the app's timer does between a user's actions.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
from pathlib import Path

from console.bench.figures import Figure, figure, ms, percentile
from console.bench.long import session_file
from console.replay.player import Replay

OPEN_TARGET_MS = 1000.0
SEEK_TARGET_MS = 200.0


def _evict(path: Path) -> bool:
    """Drop the file from the OS page cache where the OS allows it."""
    if not hasattr(os, "posix_fadvise"):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    return True


def run(quick: bool) -> list[Figure]:
    return measure(session_file(quick), *((3, 100) if quick else (5, 300)))


def measure(path: Path, opens: int, seeks: int) -> list[Figure]:
    """Median open to overview (and jumps) of `opens`, and `seeks` seeks to random moments."""
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
    automatic = gc.isenabled()
    gc.disable()
    try:
        with Replay.open(path) as replay:
            for _ in range(seeks):
                target = rng.randint(replay.start_ms, replay.end_ms)
                began = time.perf_counter()
                replay.seek(target)
                replay.activity_after(0)  # the feed is part of what a seek shows
                seek_times.append(time.perf_counter() - began)
                gc.collect(1)
            replay.seek(replay.end_ms)
            events = replay.state.last_seq
    finally:
        if automatic:
            gc.enable()
    return [
        figure("replay.open_to_overview", ms(statistics.median(open_times)), "ms",
               limit=OPEN_TARGET_MS, events=events, jumps=jumps,
               page_cache="evicted" if cold else "warm"),
        figure("replay.seek_median", ms(statistics.median(seek_times)), "ms",
               limit=SEEK_TARGET_MS, events=events, seeks=seeks),
        figure("replay.seek_p95", ms(percentile(seek_times, 0.95)), "ms", limit=SEEK_TARGET_MS,
               events=events, seeks=seeks),
    ]  # fmt: skip
