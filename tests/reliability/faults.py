"""Faults to inject: a disk that fills up or crawls, a network path that stalls, a server thread."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import pytest

from console.feeds.ws_server import FeedServer
from console.store import schema, writer

T = TypeVar("T")


class Disk:
    """The session writer's disk: it can fill up, be made read-only, or crawl.

    It works on the writer's SQLite connection (through `configure`, which the writer
    runs on every connection it opens): `PRAGMA max_page_count` stands for a full disk
    and `query_only` for a read-only one; SQLite then fails exactly as it does on a real
    full or read-only disk (SQLITE_FULL, SQLITE_READONLY). The writer opens a fresh
    connection after a failure, so `free()` takes effect at its next retry.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.headroom_pages: int | None = None  # room left when the writer connects
        self.read_only = False
        self.slow_s = 0.0  # a sleep every few thousand SQLite steps: a crawling disk
        self._cap: int | None = None
        self.connections = 0
        monkeypatch.setattr(writer, "configure", self._configure)

    def fill(self, headroom_pages: int = 8) -> None:
        """Leave only this many pages free, counted from the file's size at the next connect."""
        self.headroom_pages = headroom_pages

    def free(self) -> None:
        self.headroom_pages = self._cap = None

    def _configure(self, conn: sqlite3.Connection) -> None:
        schema.configure(conn)
        self.connections += 1
        if self.headroom_pages is not None:
            if self._cap is None:
                (pages,) = conn.execute("PRAGMA page_count").fetchone()
                self._cap = pages + self.headroom_pages
            conn.execute(f"PRAGMA max_page_count={self._cap}")
        if self.read_only:
            conn.execute("PRAGMA query_only=1")
        if self.slow_s:
            delay = self.slow_s

            def crawl() -> int:
                time.sleep(delay)
                return 0  # go on

            conn.set_progress_handler(crawl, 2000)


class StallProxy:
    """A TCP proxy on loopback that can stop forwarding, like a network path gone dead.

    `stall()` blackholes every byte of every connection, open or new, without closing
    anything; `heal()` lets new connections through, while the stalled ones stay dead
    (a path that came back after the NAT forgot them): the client must notice by itself.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.Task[None]] = set()
        self._stalled = False
        self._closing = asyncio.Event()
        self.accepted = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def stall(self) -> None:
        self._stalled = True

    def heal(self) -> None:
        self._stalled = False

    async def close(self) -> None:
        assert self._server is not None
        self._server.close()
        self._closing.set()  # the handlers end by themselves: cancelling them upsets asyncio
        await asyncio.gather(*self._open, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open.add(task)
        self.accepted += 1
        dead = self._stalled  # opened during a stall: it never carries a byte
        try:
            up_reader, upstream = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client.close()
            self._open.discard(task)
            return
        pipes = [
            asyncio.create_task(self._pipe(reader, upstream, dead)),
            asyncio.create_task(self._pipe(up_reader, client, dead)),
        ]
        closing = asyncio.create_task(self._closing.wait())
        try:
            await asyncio.wait([*pipes, closing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing.cancel()
            for pipe in pipes:
                pipe.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            for w in (client, upstream):
                w.close()
            self._open.discard(task)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter, dead: bool) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await src.read(65536):
                if self._stalled:
                    dead = True
                if dead:  # hold the bytes; stop reading, so TCP backs up behind us
                    await self._closing.wait()
                    return
                dst.write(data)
                await dst.drain()


class ServerThread:
    """A FeedServer on its own loop in a thread, so a test can watch it while it runs."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="feed-server", daemon=True
        )

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> int:
        self._thread.start()
        return self.call(self.server.start())

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.call(self.server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


async def until(cond: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait for `cond` on the running loop; fail naming `what` when it does not come."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(0.02)


class LoopLag:
    """The longest the running loop was late for a 10 ms tick: is the console responsive?"""

    def __init__(self) -> None:
        self.worst_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _tick(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst_ms = max(self.worst_ms, (time.perf_counter() - t - 0.01) * 1000)


def run(main: Callable[[], Awaitable[T]], timeout: float = 120) -> T:
    """asyncio.run with an overall bound, so a hang fails the test instead of the suite."""

    async def bounded() -> T:
        async with asyncio.timeout(timeout):
            return await main()

    return asyncio.run(bounded())
