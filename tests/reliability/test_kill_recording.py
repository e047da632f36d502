"""SIGKILL of a `record` process taking 20,000 events/s, then resuming the same file.

"Acknowledged" is what the console told the source: the feed's `ack` frames, which
the server in this test records per connection. The console acknowledges only events
committed to the file (the feed's cursor is written in the same transaction), so the
promise checked here is stronger than "all but the last flush interval": every event
acknowledged at any moment before the kill is in the file, and the cursor on disk
names exactly the events there. Resuming asks the server for what follows the cursor,
so across the kill the log holds the stream exactly once, in order.
"""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from console.domain.clock import RealClock
from console.engine.resume import resume_session
from console.engine.runner import SessionRunner
from console.feeds.ws_client import WebSocketFeed
from console.feeds.ws_server import FeedServer, SimulatedStream
from console.store.reader import load_state
from console.store.verify import verify
from tests.integration.test_ws_feed import FAST, first, sample, ws_events
from tests.reliability.faults import ServerThread, run, until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

RATE = 20_000
BEFORE_KILL = 60_000  # events acknowledged before the kill: three seconds at the rate


def _wait_line(proc: subprocess.Popen[str], text: str, timeout: float) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
            if text in line:
                return
    pytest.fail(f"no line with {text!r} from record (exit {proc.poll()}): {seen}")


def _wait(cond: object, timeout: float, what: str) -> None:
    assert callable(cond)
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:g} s")
        time.sleep(0.01)


def test_sigkill_at_20000_events_per_second_keeps_every_acknowledged_event(tmp_path: Path) -> None:
    stream = SimulatedStream("mega", 11, float(RATE), sample())
    server = FeedServer(stream, heartbeat_s=0.5, batch=50)
    thread = ServerThread(server)
    port = thread.start()
    url = f"ws://127.0.0.1:{port}/feed"
    out = tmp_path / "killed.live.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "record", "--feed", url, "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        _wait_line(proc, "live", 60)
        _wait(lambda: server.clients, 10, "the recording connects")
        client = server.clients[0]
        _wait(lambda: client.acked >= BEFORE_KILL // 3, 60, "the first acks")
        t0, a0 = time.monotonic(), client.acked
        _wait(lambda: client.acked >= BEFORE_KILL, 60, f"{BEFORE_KILL:,} events acknowledged")
        rate = (client.acked - a0) / (time.monotonic() - t0)
        time.sleep(0.137)  # out of step with the acks (every 0.25 s) and commits (0.1 s)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        _wait(lambda: client not in server.clients, 10, "the server sees the console gone")
        acked, sent = client.acked, client.sent
        assert rate > RATE / 4, f"the recording took only {rate:,.0f} events/s"

        result = verify(out)
        assert result.intact, result.reason
        meta, state = load_state(out)
        assert meta.status == "interrupted"
        got = ws_events(out)
        assert acked <= len(got) <= sent
        assert got == first(stream, len(got))
        with closing(sqlite3.connect(out)) as conn:
            cursor = conn.execute("SELECT feed, stream, seq FROM feed_cursors").fetchall()
        assert cursor == [(url, stream.stream_id, len(got))]
        on_disk = len(got)

        async def resume() -> WebSocketFeed:
            session = resume_session(out, RealClock())
            feed = WebSocketFeed(url, backoff=FAST)
            runner = SessionRunner(session, [feed])
            try:
                await runner.start()
                assert feed.last_seq == on_disk  # from the cursor in the file
                await until(lambda: feed.last_seq >= on_disk + 20_000, 60, "the resumed feed")
            finally:
                await runner.stop()
                session.close()
            return feed

        feed = run(resume)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
        thread.stop()
    assert feed.duplicates == 0 and feed.connections == 1
    result = verify(out)
    assert result.intact, result.reason
    meta, state = load_state(out)
    assert meta.status == "ended"
    assert state.last_seq == result.events
    got = ws_events(out)
    assert len(got) == feed.last_seq
    assert got == first(stream, len(got))  # the stream exactly once, across the kill
    with closing(sqlite3.connect(out)) as conn:
        resumed = conn.execute("SELECT count(*) FROM events WHERE kind = 'session_resumed'")
        assert resumed.fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM rejected").fetchone() == (0,)
