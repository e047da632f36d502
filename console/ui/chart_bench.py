"""`bench ui`: one chart frame at the end of a 12-hour session (43,200 seconds).

The state is built from Bucket objects directly (folding 12 hours of events
would take minutes); each frame then changes the current second the way the
reducer would, and every few frames a new second begins, as when live. The
frame is `refresh()`; "paint" adds the repaint Qt does right after it.
"""

from __future__ import annotations

import os
import random
import statistics
import time

from console.bench.figures import Figure, figure, percentile
from console.domain.catalog import Product
from console.domain.events import Event
from console.domain.state import Bucket, ProductState, SessionState

START_MS = 1_764_300_000_000
SECONDS = 12 * 3600
FRAME_MS = 50.0  # 20 Hz, as the main window
FRAME_LIMIT_MS = 16.0  # one 60 Hz display refresh
SECOND_EVERY = 4  # frames per new second: five times as many new seconds as live at 20 Hz


class _Source:
    """A ConsoleSource over a hand-built state."""

    def __init__(self, state: SessionState) -> None:
        self.state = state
        self.now = START_MS + len(state.buckets) * 1000

    def activity_after(self, seq: int) -> list[Event]:
        return []

    def now_ms(self) -> int:
        return self.now


def _session(rng: random.Random) -> SessionState:
    state = SessionState(session_id="bench", title="bench", started_at_ms=START_MS)
    viewers = 20_000
    for _ in range(SECONDS):
        viewers = max(0, viewers + rng.randint(-60, 60))
        orders = rng.random() < 0.3
        b = Bucket(orders=int(orders), units=int(orders), gmv_minor=9900 * orders,
                   comments=rng.randint(0, 8), likes=rng.randint(0, 40),
                   follows=int(rng.random() < 0.1), viewers=viewers)  # fmt: skip
        b.events = 1 + b.orders + b.comments + b.likes + b.follows
        state.buckets.append(b)
        state.totals.events += b.events
    for i in range(12):
        sku = f"P{i}"
        state.products[sku] = ProductState(Product(sku, f"<b>Product {i}</b> 商品", 9900, 10**6))
        state.presentations.append((START_MS + i * 3600_000 + 5000, sku))
    return state


def _live_second(state: SessionState, source: _Source, rng: random.Random, new: bool) -> None:
    """What the reducer does to the current second between two frames."""
    if new:
        state.buckets.append(Bucket(viewers=state.buckets[-1].viewers))
        source.now += 1000
    b = state.buckets[-1]
    n = rng.randint(1, 6)
    b.comments += n
    b.likes += 3 * n
    b.viewers += rng.randint(-20, 20)
    b.events += 4 * n + 1
    state.totals.events += 4 * n + 1


def _figures(name: str, values: list[float]) -> list[Figure]:
    median, p99 = statistics.median(values), percentile(values, 0.99)
    return [
        figure(f"{name}_median", round(median, 3), "ms", limit=FRAME_LIMIT_MS),
        figure(f"{name}_p99", round(p99, 3), "ms", limit=FRAME_LIMIT_MS),
    ]


def bench_chart_frame(quick: bool) -> list[Figure]:
    """Median and p99 of a chart frame, in the "all" window (every point in view)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from console.ui.charts import LiveCharts

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    rng = random.Random(7)
    state = _session(rng)
    source = _Source(state)
    charts = LiveCharts(source)
    charts.resize(1366, 560)
    charts.set_window("all")
    charts.show()
    charts.refresh()
    app.processEvents()
    frames = 200 if quick else 2000
    refresh_ms: list[float] = []
    paint_ms: list[float] = []
    for frame in range(frames):
        _live_second(state, source, rng, new=frame % SECOND_EVERY == 0)
        t0 = time.perf_counter()
        charts.refresh()
        t1 = time.perf_counter()
        app.processEvents()
        t2 = time.perf_counter()
        refresh_ms.append((t1 - t0) * 1000)
        paint_ms.append((t2 - t0) * 1000)
    charts.close()
    charts.deleteLater()
    return _figures("ui.chart_frame_12h", refresh_ms) + _figures("ui.chart_paint_12h", paint_ms)
