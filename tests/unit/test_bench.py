"""The benchmarks' machinery on tiny inputs: figures, the zero-loss check, memory and replay."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from console.bench import child_command, ingest, long, replay, startup
from console.bench.figures import TARGET, BenchError, figure, percentile
from console.engine.session import LiveSession
from console.feeds.ws_server import FeedServer


def test_a_figure_with_a_limit_carries_its_ratio_and_what_the_limit_is() -> None:
    assert figure("a.b", 40, "ms") == {"name": "a.b", "value": 40, "unit": "ms"}
    f = figure("a.b", 40, "ms", limit=50.0, runs=3)
    assert f == {"name": "a.b", "value": 40, "unit": "ms", "limit": 50.0, "ratio": 0.8,
                 "limit_is": TARGET, "runs": 3}  # fmt: skip
    assert figure("a.c", 1, "events/s", limit=4, limit_is="a.raw")["limit_is"] == "a.raw"


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 51.0  # nearest rank of 49.5 rounds to the even 50th index
    assert percentile(values, 0.99) == 99.0
    assert percentile([3.0], 0.99) == 3.0


def test_a_pool_stream_cycles_the_pool_to_exactly_its_count() -> None:
    pool = [{"kind": "like", "count": n} for n in range(1, 4)]
    events = list(ingest.PoolStream(pool, 7, rate=1000.0).events())
    assert [e["count"] for _, e in events] == [1, 2, 3, 1, 2, 3, 1]
    assert [due for due, _ in events] == list(range(7))  # one a millisecond at 1,000/s


@pytest.fixture(scope="module")
def pool() -> list[dict[str, Any]]:
    return ingest.event_pool(400)


async def _served(pool: list[dict[str, Any]], count: int, batch: int, body: Any) -> float:
    server = FeedServer(ingest.PoolStream(pool, count, 1e6), batch=batch)
    port = await server.start()
    try:
        rate: float = await body(f"ws://127.0.0.1:{port}/feed")
    finally:
        await server.close()
    return rate


@pytest.mark.parametrize("batch", [1, 50])
def test_end_to_end_stores_every_event_of_the_stream(
    tmp_path: Path, pool: list[dict[str, Any]], batch: int
) -> None:
    path = tmp_path / "ws.live.db"
    catalog = ingest.bench_catalog()
    rate = asyncio.run(
        _served(pool, 1500, batch, lambda url: ingest._end_to_end(url, 1500, path, catalog))
    )
    assert rate > 0
    conn = sqlite3.connect(path)
    kinds = [k for (k,) in conn.execute("SELECT kind FROM events WHERE source = 'ws' ORDER BY seq")]
    conn.close()
    assert kinds == [e["kind"] for e in (pool * 4)[:1500]]


def test_receive_and_decode_counts_the_events_of_the_frames(pool: list[dict[str, Any]]) -> None:
    rate = asyncio.run(_served(pool, 1000, 7, lambda url: ingest._receive_decode(url, 1000)))
    assert rate > 0


def test_a_file_missing_events_fails_the_benchmark(session: LiveSession) -> None:
    session.writer.flush()
    ingest._check_file(session.path, 0, 0)
    with pytest.raises(BenchError, match="the stream had 1 events; the file holds 0"):
        ingest._check_file(session.path, 1, 0)
    with pytest.raises(BenchError, match="2 were refused"):
        ingest._check_file(session.path, 0, 2)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("long")
    (folder / "stale.live.db").write_text("an older format's session")
    samples = long.record(180, folder)
    return folder, samples


def test_the_long_session_reports_its_memory_from_its_own_process(
    recorded: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, samples = recorded
    path = long.session_path(180, folder)
    assert [p.name for p in folder.iterdir()] == [path.name]  # the stale file is gone
    assert [s["at_s"] for s in samples] == [60, 120, 180, 180]
    assert samples[-1]["events"] > 80_000  # 500 events/s for three minutes, with the set-up
    figures = {f["name"]: f for f in long.figures(samples, 180, path.stat().st_size)}
    assert figures["long.file_size"]["events"] == samples[-1]["events"]
    if Path("/proc/self/status").exists():
        assert 20 < figures["long.peak_rss"]["value"] < 1000
        assert figures["long.peak_rss"]["limit"] == long.RSS_TARGET_MB
        assert figures["long.rss_after_warmup"]["at_s"] == 60
        assert figures["long.rss_end"]["at_s"] == 180
        assert figures["long.rss_growth"]["unit"] == "MiB/h"


def test_memory_growth_is_the_least_squares_slope() -> None:
    assert long._slope([(0.0, 100.0), (1.0, 102.0), (2.0, 104.0)]) == pytest.approx(2.0)
    assert long._slope([(1.0, 5.0)]) == 0.0


def test_replay_opens_and_seeks_the_long_session(
    recorded: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, samples = recorded
    figures = replay.measure(long.session_path(180, folder), opens=1, seeks=5)
    assert [f["name"] for f in figures] == [
        "replay.open_to_overview", "replay.seek_median", "replay.seek_p95"
    ]  # fmt: skip
    assert all(f["unit"] == "ms" and f["limit_is"] == TARGET for f in figures)
    assert figures[0]["events"] == samples[-1]["events"]


def test_startup_times_a_process_until_its_window_is_up() -> None:
    nap = [sys.executable, "-c", "import time; time.sleep(0.3)"]
    assert startup._seconds(nap, until_shown=False) >= 0.3  # timed to its exit
    assert startup._seconds(child_command("startup", "QWidget"), until_shown=True) > 0
    with pytest.raises(BenchError, match="exited 3"):
        startup._seconds([sys.executable, "-c", "raise SystemExit(3)"], until_shown=False)
