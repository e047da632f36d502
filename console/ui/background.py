"""Slow work (hash checks, report exports) off the GUI thread, results back on it.

Reading a long session file takes seconds: on the GUI thread it would freeze the
window, and widgets may only be touched from the GUI thread (STYLE.md, point 2).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

T = TypeVar("T")


class Background(QObject):
    """Runs slow work on worker threads and hands each finished future back on the GUI thread.

    The hand-over is a queued signal. After `stop` nothing more is delivered, and the
    next `run` starts a fresh pool, so a window closed and shown again still works.
    """

    _finished = Signal(object, object, object)  # pool, callback, future

    def __init__(self, workers: int) -> None:
        super().__init__()
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._finished.connect(self._deliver)

    def run(self, fn: Callable[..., T], *args: Any, then: Callable[[Future[T]], None]) -> Future[T]:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="background")
        pool = self._pool
        future = pool.submit(fn, *args)
        future.add_done_callback(lambda f: self._finished.emit(pool, then, f))
        return future

    def _deliver(self, pool: ThreadPoolExecutor, then: Callable[[Future[Any]], None],
                 future: Future[Any]) -> None:  # fmt: skip
        if pool is self._pool and not future.cancelled():
            then(future)

    def stop(self, *, wait: bool) -> None:
        """Drop queued work; `wait` also waits for the work already running."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=wait, cancel_futures=True)
