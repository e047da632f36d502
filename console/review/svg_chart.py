"""A small SVG chart of one per-minute series, for reports that must stand alone.

No plotting library and no script: the report is one file a browser opens and
prints offline. Every label is escaped, since SKUs and titles come from feeds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 960, 244
TOP, BOTTOM, RIGHT = 40, 24, 12  # switch labels sit above the plot, clear of the data
MIN_LEFT = 84  # px: charts of a report line up unless a label needs more
CHAR_PX = 6.6  # average width of an 11 px label character, for the left margin
LABEL_GAP_PX = 70  # switch labels closer than this to the last one are left off
LABEL_CHARS = 12
X_STEPS_MIN = (1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440)


@dataclass(frozen=True, slots=True)
class Mark:
    """A vertical line at `x` minutes (a product switch); the label names it."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded stretch from `x0` to `x1` minutes (a deal window)."""

    x0: float
    x1: float
    label: str


def y_ticks(top: int, count: int = 4) -> list[int]:
    """Round integer ticks from 0 that cover `top`: steps of 1, 2 or 5 times a power of ten."""
    raw = max(1, -(-top // count))
    power = 1
    while power * 10 <= raw:
        power *= 10
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return list(range(0, max(step, -(-top // step) * step) + 1, step))


def _x_step(minutes: float) -> int:
    return next((s for s in X_STEPS_MIN if minutes / s <= 10), X_STEPS_MIN[-1])


def chart(
    title: str,
    values: Sequence[int],
    *,
    bars: bool,
    color: str,
    y_label: Callable[[int], str],
    x_label: Callable[[int], str],
    marks: Sequence[Mark] = (),
    bands: Sequence[Band] = (),
) -> str:
    """An inline <svg>: value i covers minute [i, i+1); `x_label` names a tick in minutes."""
    n = max(1, len(values))
    ticks = y_ticks(max(values, default=0))
    left = max(MIN_LEFT, 10 + CHAR_PX * max(len(y_label(t)) for t in ticks))
    plot_w, plot_h = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM
    top = ticks[-1]

    def px(minute: float) -> float:
        return left + plot_w * minute / n

    def py(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-label="{escape(title)}">',
        f'<text class="title" x="{left:.1f}" y="15">{escape(title)}</text>',
    ]
    for b in bands:
        x0, x1 = px(b.x0), px(b.x1)
        out.append(
            f'<rect class="band" x="{x0:.1f}" y="{TOP}" width="{max(x1 - x0, 1.5):.1f}"'
            f' height="{plot_h}"><title>{escape(b.label)}</title></rect>'
        )
    for t in ticks:
        y = py(t)
        out.append(
            f'<line class="grid" x1="{left:.1f}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="ytick" x="{left - 6:.1f}" y="{y + 4:.1f}">{escape(y_label(t))}</text>'
        )
    step = _x_step(n)
    for m in range(0, n + 1, step):
        x = px(m)
        out.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}"/>'
        )
        out.append(f'<text class="xtick" x="{x:.1f}" y="{HEIGHT - 6}">{escape(x_label(m))}</text>')
    out.append(_series(values, bars=bars, color=color, px=px, py=py, plot_w=plot_w / n))
    last_label = -float("inf")
    for mark in marks:
        x = px(mark.x)
        out.append(
            f'<line class="switch" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 14}" y2="{TOP + plot_h}">'
            f"<title>{escape(mark.label)}</title></line>"
        )
        if mark.label and x - last_label >= LABEL_GAP_PX and x < WIDTH - RIGHT - 20:
            short = (
                mark.label
                if len(mark.label) <= LABEL_CHARS
                else mark.label[: LABEL_CHARS - 1] + "…"
            )
            out.append(
                f'<text class="switch-label" x="{x + 3:.1f}" y="{TOP - 5}">{escape(short)}</text>'
            )
            last_label = x
    out.append(
        f'<line class="axis" x1="{left:.1f}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
    )
    out.append("</svg>")
    return "\n".join(out)


def _series(
    values: Sequence[int],
    *,
    bars: bool,
    color: str,
    px: Callable[[float], float],
    py: Callable[[float], float],
    plot_w: float,
) -> str:
    if bars:
        gap = 0.15 * plot_w if plot_w >= 4 else 0.0
        base = py(0)
        rects = "".join(
            f'<rect x="{px(i) + gap / 2:.1f}" y="{py(v):.1f}" width="{max(plot_w - gap, 0.6):.2f}"'
            f' height="{base - py(v):.1f}"/>'
            for i, v in enumerate(values)
            if v
        )
        return f'<g class="bars" fill="{escape(color)}">{rects}</g>'
    points = " ".join(f"{px(i + 0.5):.1f},{py(v):.1f}" for i, v in enumerate(values))
    return f'<polyline class="line" fill="none" stroke="{escape(color)}" points="{points}"/>'
