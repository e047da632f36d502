"""`bench ui`: the live window at 20,000 events/s, then a chart frame over a 12-hour session.

The measurements live beside the widgets (console/ui/window_bench.py and
chart_bench.py); this module only imports them, and so Qt, when asked to run.
"""

from __future__ import annotations

from console.bench.figures import Figure


def run(quick: bool) -> list[Figure]:
    from console.ui.chart_bench import bench_chart_frame
    from console.ui.window_bench import bench_window

    return bench_window(quick) + bench_chart_frame(quick)
