"""`bench ingest`: events per second from a WebSocket feed into the session file.

The feed server (console/feeds/ws_server.py) runs in a child process, as a
bridge would, and serves a stream cycled from a pool of simulated "mega"
audience events. This process is the console: the real feed client,
`SessionRunner` and `LiveSession` (decode, reducer, hash chain, writer thread,
SQLite group commit). Beside each end-to-end figure the same run measures the
raw counterparts: the same frames received and parsed by a bare aiohttp
client, and prebuilt rows inserted into SQLite with `executemany`. The
pipeline cannot beat the slower of the two, so that one is its limit.

A run checks its result: the file must hold exactly the stream's events,
none refused, over one connection; anything else fails the benchmark.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from types import TracebackType
from typing import Any

from console.bench import child_command
from console.bench.figures import BenchError, Figure, figure
from console.domain.catalog import Product
from console.domain.clock import RealClock, VirtualClock
from console.domain.script import auto_show
from console.engine.runner import SessionRunner
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.base import FeedState, FeedStatus
from console.feeds.simulator import Simulator
from console.feeds.ws_client import TRANSPORT_MAX_BYTES, WebSocketFeed
from console.feeds.ws_protocol import Events, encode_hello, parse_server_frame
from console.feeds.ws_server import FeedServer, SimulatedStream
from console.importers.sample import sample_catalog_path
from console.importers.simple_csv import load_catalog
from console.store.chain import encode_data, row_hash
from console.store.schema import configure, migrate

START_MS = 1_764_300_000_000
POOL = 50_000
BATCH = 1000  # events per frame in the batched runs
TARGETS = {1: 50_000, BATCH: 200_000}  # events/s on 2 cores (issue 9)
OFFER = 20  # the server releases events this many times faster than the target
STALL_S = 30.0  # no progress for this long: the run is stuck, not slow
INSERT_ROWS = 10_000  # per transaction in the raw SQLite insert


def bench_catalog() -> list[Product]:
    """The sample catalog with stock no run sells out, so a cycled stream is never refused."""
    return [p.with_changes(stock=10**9) for p in load_catalog(sample_catalog_path()).products]


def event_pool(size: int = POOL) -> list[dict[str, Any]]:
    """The first `size` events of a simulated mega audience: the mix a big room sends."""
    stream = SimulatedStream("mega", seed=1, catalog=bench_catalog())
    return [event for _, event in itertools.islice(stream.events(), size)]


class PoolStream:
    """`count` events cycled from `pool`, released at `rate` events/s.

    The rate is far above what any client takes, so the client sets the pace;
    it only keeps the server's head cursor (which passes every event already
    due when a client connects) from walking the whole stream up front.
    """

    def __init__(self, pool: list[dict[str, Any]], count: int, rate: float) -> None:
        self.stream_id = f"bench-{count}"
        self._pool = pool
        self._count = count
        self._ms_per_event = 1000 / rate

    def events(self) -> Generator[tuple[int, dict[str, Any]], None, None]:
        step = self._ms_per_event
        for i, event in zip(range(self._count), itertools.cycle(self._pool), strict=False):
            yield int(i * step), event


def child() -> None:
    """The feed-server process: each line `COUNT BATCH RATE` on stdin starts a new server.

    It answers with the new server's port, and exits at the end of its input.
    """

    async def main() -> None:
        pool = event_pool()
        loop = asyncio.get_running_loop()
        server: FeedServer | None = None
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            if server is not None:
                await server.close()
            count, batch, rate = line.split()
            server = FeedServer(PoolStream(pool, int(count), float(rate)), batch=int(batch))
            print(await server.start(), flush=True)
        if server is not None:
            await server.close()

    asyncio.run(main())


class FeedProcess:
    """A feed server in its own process, so this one is all console."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            child_command("ingest"), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def __enter__(self) -> FeedProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def url(self, count: int, batch: int) -> str:
        """A new server whose stream is `count` events in frames of `batch`."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(f"{count} {batch} {OFFER * TARGETS[batch]}\n")
        self._proc.stdin.flush()
        port = self._proc.stdout.readline().strip()
        if not port:
            raise BenchError(f"the feed server did not start (exit code {self._proc.poll()})")
        return f"ws://127.0.0.1:{port}/feed"


async def _until(count: int, progress: Callable[[], int], broken: Callable[[], str | None]) -> None:
    """Until `progress()` reaches `count`; BenchError if the link broke or nothing moves."""
    seen, since = -1, time.monotonic()
    while (now := progress()) < count:
        if now != seen:
            seen, since = now, time.monotonic()
        stuck = time.monotonic() - since > STALL_S
        why = broken() or (f"stuck for {STALL_S:g} s" if stuck else None)
        if why is not None:
            raise BenchError(f"end to end: {why} after {now:,} of {count:,} events")
        await asyncio.sleep(0.02)


async def _end_to_end(url: str, count: int, path: Path, catalog: list[Product]) -> float:
    """Feed client -> session -> file: events/s from the welcome until the last is committed."""
    session = LiveSession.start(path, title="bench", catalog=catalog, clock=RealClock())
    feed = WebSocketFeed(url)
    heard: list[tuple[float, FeedStatus]] = []
    feed.add_listener(lambda status: heard.append((time.perf_counter(), status)))

    def broken() -> str | None:
        drops = [s for _, s in heard if s.state in (FeedState.RECONNECTING, FeedState.FAILED)]
        return f"the feed dropped ({drops[0].detail})" if drops else None

    runner = SessionRunner(session, [feed])
    try:
        await runner.start()
        await _until(count, lambda: feed.last_seq, broken)
        session.writer.flush()
        ended = time.perf_counter()
    finally:
        await runner.stop()
        session.close()
    began = next(t for t, status in heard if status.state is FeedState.LIVE)
    _check_file(path, count, session.rejected_count)
    return count / (ended - began)


def _check_file(path: Path, sent: int, refused: int) -> None:
    """Zero loss: the file holds every event of the stream, and the session refused none."""
    conn = sqlite3.connect(path)
    try:
        stored = conn.execute("SELECT count(*) FROM events WHERE source = 'ws'").fetchone()[0]
    finally:
        conn.close()
    if stored != sent or refused:
        raise BenchError(f"{path.name}: the stream had {sent:,} events; the file holds"
                         f" {stored:,} and {refused:,} were refused")  # fmt: skip


async def _receive_decode(url: str, count: int) -> float:
    """The floor under the feed: a bare aiohttp client that only receives and parses frames."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, max_msg_size=TRANSPORT_MAX_BYTES) as ws,
    ):
        await ws.send_str(encode_hello(None, 0))
        parse_server_frame((await ws.receive()).data)  # the welcome
        began = time.perf_counter()
        got = 0
        try:
            async with asyncio.timeout(STALL_S + count / 1000):  # slower than that is stuck
                while got < count:
                    msg = await ws.receive()
                    if msg.type is not aiohttp.WSMsgType.TEXT:
                        raise BenchError(f"receive and decode: the link ended after {got:,} events")
                    frame = parse_server_frame(msg.data)
                    if isinstance(frame, Events):
                        got += len(frame.events)
        except TimeoutError:
            raise BenchError(
                f"receive and decode: stuck after {got:,} of {count:,} events"
            ) from None
        return count / (time.perf_counter() - began)


def _raw_insert(path: Path, rows: int) -> float:
    """The floor under the writer: prebuilt rows, `executemany`, 10,000 per transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    configure(conn)
    migrate(conn)
    data = encode_data({"user": "小鱼儿", "text": "有链接吗？多少钱"})
    prev = "0" * 64
    batch = []
    for seq in range(1, rows + 1):
        prev = row_hash(prev, seq, START_MS + seq, "comment", "sim", data)
        batch.append((seq, START_MS + seq, "comment", "sim", data, prev))
    began = time.perf_counter()
    for i in range(0, rows, INSERT_ROWS):
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO events (seq, ts_ms, kind, source, data, hash) VALUES (?, ?, ?, ?, ?, ?)",
            batch[i : i + INSERT_ROWS],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return rows / elapsed


def _simulated(path: Path, rate: float, seconds: int) -> tuple[float, int]:
    """Simulator -> decode -> reducer -> hash chain -> SQLite on a virtual clock, no sockets."""
    catalog = list(load_catalog(sample_catalog_path()).products)
    clock = VirtualClock(START_MS)
    began = time.perf_counter()
    session = LiveSession.start(path, title="bench", catalog=catalog, clock=clock)
    run_virtual(
        session, clock, Simulator("mega", seed=1, rate=rate), source="sim",
        duration_ms=seconds * 1000, actions=auto_show([p.sku for p in catalog], seconds * 1000),
    )  # fmt: skip
    session.close()
    return session.state.last_seq / (time.perf_counter() - began), session.state.last_seq


def _websocket(feeds: FeedProcess, folder: Path, batch: int, seconds: float,
               raw_insert: float) -> list[Figure]:  # fmt: skip
    """End to end and receive + decode for one frame size, on a stream of about `seconds`."""
    catalog = bench_catalog()
    kind = "single" if batch == 1 else "batched"
    frames = "one event per frame" if batch == 1 else f"{batch} events per frame"
    target = TARGETS[batch]
    # A short probe (also the warm-up) sizes the stream so the real run lasts `seconds`.
    probe = asyncio.run(_end_to_end(feeds.url(target // 2, batch), target // 2,
                                    folder / f"probe-{kind}.live.db", catalog))  # fmt: skip
    count = round(probe * seconds)
    e2e = asyncio.run(_end_to_end(feeds.url(count, batch), count,
                                  folder / f"ws-{kind}.live.db", catalog))  # fmt: skip
    raw = asyncio.run(_receive_decode(feeds.url(count, batch), count))
    raw_name = f"ingest.ws_{kind}_receive_decode"
    limit, limit_is = min((raw, raw_name), (raw_insert, "ingest.sqlite_batched_insert"))
    return [
        figure(f"ingest.ws_{kind}_end_to_end", round(e2e), "events/s", limit=round(limit),
               limit_is=limit_is, target=target, events=count, seconds=round(count / e2e, 1),
               frames=frames),
        figure(raw_name, round(raw), "events/s", events=count, frames=frames),
    ]  # fmt: skip


def run(quick: bool) -> list[Figure]:
    seconds, sim_seconds, rows = (4.0, 2, 300_000) if quick else (60.0, 20, 2_000_000)
    with tempfile.TemporaryDirectory() as tmp, FeedProcess() as feeds:
        folder = Path(tmp)
        raw_insert = _raw_insert(folder / "raw.db", rows)
        sim, sim_events = _simulated(folder / "sim.live.db", 150_000.0, sim_seconds)
        figures = _websocket(feeds, folder, 1, seconds, raw_insert)
        figures += _websocket(feeds, folder, BATCH, seconds, raw_insert)
    return [
        *figures,
        figure("ingest.simulated_end_to_end", round(sim), "events/s", limit=round(raw_insert),
               limit_is="ingest.sqlite_batched_insert", events=sim_events),
        figure("ingest.sqlite_batched_insert", round(raw_insert), "events/s", events=rows),
    ]  # fmt: skip
