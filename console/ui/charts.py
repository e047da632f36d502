"""The live charts: orders and GMV, viewers online, engagement, with product switches.

Three stacked pyqtgraph plots share one X axis in minutes since the session
started; product switches draw as lines, flash deals as shaded bands. The
main window's frame timer calls `refresh()`; it catches the numpy cache up
with the state (`ChartSeries`) and calls `setData` only for series that
changed, so a 12-hour session (43,200 seconds) still draws in a few
milliseconds. Ranges are set here, never auto-ranged, so the view does
not rescan the data each frame.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLocale, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsItem,
    QHBoxLayout,
    QStyleOptionGraphicsItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.domain.deals import Deal
from console.domain.money import exponent
from console.domain.state import SessionState
from console.engine.source import ConsoleSource
from console.ui.chart_series import ChartSeries
from console.ui.formatting import count, duration, money
from console.ui.widgets import plain_label

WINDOW_MODES = ("30min", "all")
WINDOW_MINUTES = 30.0
AXIS_WIDTH = 64
LABEL_CHARS = 32  # longer titles are cut on the chart; the readout shows them whole
LABEL_GAP_PX = 18  # about a line of text: closer switch labels would overlap
_MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440)
# Series colours, readable on both themes.
_COLORS = {
    "orders": "#f28e2b", "gmv": "#59a14f", "viewers": "#4e79a7",
    "comments": "#af7aa1", "follows": "#76b7b2", "likes": "#e15759",
}  # fmt: skip
_THEMES = {False: ("#ffffff", "#3c4043"), True: ("#1e1f24", "#c9ccd1")}  # background, foreground
_ACCENT = {False: "#D1103C", True: "#FE2C55"}  # the QSS themes' accent: flash deals
DEAL_ALPHA = 40  # a deal's band: the accent at this alpha over the background
_FAR_MINUTES = 7 * 24 * 60.0  # to the right of a session's end (or of the bands, if later)


@dataclass(slots=True)
class _Series:
    item: pg.PlotDataItem
    field: str  # a ChartSeries field
    per_minute: bool
    drawn: tuple[int, int] = (-1, 0)  # (cache version, GMV scale) last handed to setData


@dataclass(slots=True, eq=False)
class _YGroup:
    view: pg.ViewBox
    fields: tuple[str, ...]
    per_minute: bool
    money: bool
    top: float = 0.0


@dataclass(slots=True)
class _DealBand:
    """A flash deal's live window, and its title on the top plot."""

    x: tuple[float, float]  # minutes since the start, as drawn
    label: pg.TextItem
    ended_ms: int | None = None  # the deal's end once drawn there; None while live


@dataclass(slots=True)
class _Switch:
    x: float  # minutes since the start
    title: str | None  # None: nothing presented from here on
    label: pg.TextItem | None  # beside the line on the top plot


class _TimeAxis(pg.AxisItem):
    """Minutes since the start shown as h:mm, with ticks on whole minutes."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return []
        wanted = span * 80.0 / size  # a label every 80 px or so
        major = next((s for s in _MINUTE_STEPS if s >= wanted), _MINUTE_STEPS[-1])
        return [(float(major), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{int(m) // 60}:{int(m) % 60:02d}" for m in (round(v * scale) for v in values)]


class _CountAxis(pg.AxisItem):
    """Whole numbers with the locale's grouping (12,000, not 1.2e+04)."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing * scale < 1:
            strings: list[str] = super().tickStrings(values, scale, spacing)
            return strings
        locale = QLocale()
        return [locale.toString(round(v * scale)) for v in values]


def _shorten(title: str) -> str:
    """A title cut to LABEL_CHARS for a label on the chart."""
    return title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…"


def _bands(spans: Sequence[tuple[float, float]], top: float) -> list[QRectF]:
    """A rectangle from 0 to `top` for each (left, right) span."""
    return [QRectF(lo, 0.0, hi - lo, top) for lo, hi in spans]


def _over(color: str, alpha: int, background: str) -> QColor:
    """`color` at `alpha` composited over `background`, as one opaque colour."""
    a = alpha / 255.0
    fg, bg = QColor(color), QColor(background)

    def mix(f: int, b: int) -> int:
        return round(f * a + b * (1.0 - a))

    return QColor(mix(fg.red(), bg.red()), mix(fg.green(), bg.green()), mix(fg.blue(), bg.blue()))


class DealBands(QGraphicsItem):
    """All flash-deal bands of one plot: rectangles in view coordinates, one brush, no pen.

    Qt's raster engine fills opaque rectangles with a plain memory fill, but
    blends a translucent brush span by span: with 24 deals in `bench ui`, a
    translucent path, or a rectangle item per band, cost 1-3 ms a frame, and
    more with more shaded area. The bands lie under every curve and line, on the plain background,
    so the accent at low alpha is drawn as that colour mixed with the
    background: the same pixels.

    The bounds reach far to the right, so a live band grows with no geometry
    change and only the strip it gained is repainted, not the whole plot.
    """

    def __init__(self) -> None:
        super().__init__()
        self._done: list[QRectF] = []
        self._live: list[QRectF] = []
        self._bounds = QRectF()
        self._brush = QBrush()

    def set_rects(self, live: list[QRectF], done: list[QRectF] | None = None) -> None:
        """Replace the live bands, and the finished ones if given."""
        if done is not None:
            self._done = done
        bounds = _reach(self._done + live)
        if done is not None or bounds != self._bounds or len(live) != len(self._live):
            self.prepareGeometryChange()
            self._bounds = bounds
            self.update()
        else:
            for old, new in zip(self._live, live, strict=True):
                if old.left() == new.left() and old.height() == new.height():
                    lo, hi = sorted((old.right(), new.right()))  # only the right edge moved
                    self.update(QRectF(lo, 0.0, hi - lo, new.height()))
                elif old != new:
                    self.update(old.united(new))
        self._live = live

    def rects(self) -> list[QRectF]:
        return self._done + self._live

    def brush(self) -> QBrush:
        return self._brush

    def setBrush(self, brush: QBrush) -> None:  # as QAbstractGraphicsShapeItem's
        self._brush = brush
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:  # fmt: skip
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._brush)
        painter.drawRects(self._done)
        painter.drawRects(self._live)


def _reach(rects: list[QRectF]) -> QRectF:
    """From the leftmost rectangle's left, far to the right, as high as the highest."""
    if not rects:
        return QRectF()
    left = min(r.left() for r in rects)
    right = max(_FAR_MINUTES, max(r.right() for r in rects))
    return QRectF(left, 0.0, right - left, max(r.bottom() for r in rects))


def _nice_top(peak: float, least: float) -> float:
    """A round upper bound a little above `peak`, so the Y range changes rarely."""
    target = max(peak * 1.1, least)
    base = 10.0 ** math.floor(math.log10(target))
    return next(m * base for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * base >= target)


class LiveCharts(QWidget):
    """Orders/GMV, viewers and engagement per minute, following the session live."""

    window_changed = Signal(str)  # the operator picked a window mode (for settings)

    def __init__(self, source: ConsoleSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._cache = ChartSeries()
        self._mode = "30min"
        self._dark = False
        self._x_range: tuple[float, float] | None = None
        self._gmv_scale = 100
        self._switches: list[_Switch] = []
        self._switch_key: tuple[str, int | None] | None = None
        self._switch_x: list[float] = []  # for bisecting: what was presented at a moment
        self._cursor: float | None = None  # the crosshair's X while the pointer is on a plot
        self._deals: dict[int, _DealBand] = {}  # by deal_id, for deals that have gone live
        self._deal_key: tuple[str, int | None] | None = None
        self._deal_font = QFont()
        if self._deal_font.pointSizeF() > 0:
            self._deal_font.setPointSizeF(self._deal_font.pointSizeF() * 0.85)

        self.readout = plain_label(object_name="chartReadout")
        self._buttons = QButtonGroup(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.readout, 1)
        for mode, text in (("30min", self.tr("Last 30 min")), ("all", self.tr("Whole session"))):
            button = QToolButton(self)
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(mode == self._mode)
            button.setObjectName(f"chartWindow_{mode}")
            button.clicked.connect(lambda _=False, m=mode: self._pick_window(m))
            self._buttons.addButton(button)
            row.addWidget(button)

        self._view = pg.GraphicsLayoutWidget(self)
        self._view.setAntialiasing(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self._view, 1)

        self.plots: tuple[pg.PlotItem, ...] = tuple(self._add_plot(i) for i in range(3))
        # (plot, its right-hand view, the colour of that axis's text)
        self._right_views: list[tuple[pg.PlotItem, pg.ViewBox, str]] = []
        top, middle, bottom = self.plots
        gmv_view = self._right_view(top, _COLORS["gmv"])
        likes_view = self._right_view(bottom, _COLORS["likes"])
        self._series: dict[str, _Series] = {
            "orders": self._add_series(top, None, "orders", "orders", self.tr("Orders / min")),
            "gmv": self._add_series(top, gmv_view, "gmv", "gmv_minor", self.tr("GMV / min")),
            "viewers": self._add_series(middle, None, "viewers", "viewers", self.tr("Viewers online"), per_minute=False),
            "comments": self._add_series(bottom, None, "comments", "comments", self.tr("Comments / min")),
            "follows": self._add_series(bottom, None, "follows", "follows", self.tr("Follows / min")),
            "likes": self._add_series(bottom, likes_view, "likes", "likes", self.tr("Likes / min")),
        }  # fmt: skip
        self._y_groups = [
            _YGroup(top.vb, ("orders",), True, False),
            _YGroup(gmv_view, ("gmv_minor",), True, True),
            _YGroup(middle.vb, ("viewers",), False, False),
            _YGroup(bottom.vb, ("comments", "follows"), True, False),
            _YGroup(likes_view, ("likes",), True, False),
        ]
        middle.getAxis("right").setStyle(showValues=False)
        for plot in (top, middle):
            plot.getAxis("bottom").setStyle(showValues=False)
        for plot in (middle, bottom):
            plot.setXLink(top)
        # The Y groups that own each plot's left axis: switch lines reach their top.
        self._plot_groups = [self._y_groups[0], self._y_groups[2], self._y_groups[3]]
        # All switch lines of a plot are one curve of vertical segments: dozens of
        # InfiniteLines cost milliseconds per repaint in Python bounding-rect code.
        self._switch_curves = [
            pg.PlotCurveItem(connect="pairs", antialias=False) for _ in self.plots
        ]
        for plot, curve in zip(self.plots, self._switch_curves, strict=True):
            plot.addItem(curve, ignoreBounds=True)
        # Likewise all deal bands of a plot are one item, under the curves.
        self._deal_fills = [DealBands() for _ in self.plots]
        for plot, fill in zip(self.plots, self._deal_fills, strict=True):
            plot.addItem(fill, ignoreBounds=True)
            fill.setZValue(-10)
        self._cross = [pg.InfiniteLine(angle=90, movable=False) for _ in self.plots]
        for plot, line in zip(self.plots, self._cross, strict=True):
            line.hide()
            plot.addItem(line, ignoreBounds=True)
        self._view.scene().sigMouseMoved.connect(self.on_mouse_moved)
        for plot in self.plots:  # they resize together; a resize is rare, not per frame
            plot.vb.sigResized.connect(self._on_resized)
        self.set_dark(False)
        self._follow(self._source.state)

    # -- construction -----------------------------------------------------------------------
    def _add_plot(self, row: int) -> pg.PlotItem:
        axes = {
            "bottom": _TimeAxis("bottom"),
            "left": _CountAxis("left"),
            "right": _CountAxis("right"),
        }
        plot: pg.PlotItem = self._view.addPlot(row=row, col=0, axisItems=axes)
        plot.showAxis("right")
        plot.getAxis("left").setWidth(AXIS_WIDTH)
        plot.getAxis("right").setWidth(AXIS_WIDTH)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.disableAutoRange()
        legend = plot.addLegend(offset=(8, 4))
        legend.setZValue(1000)  # over the switch titles and deal labels, behind its veil
        return plot

    def _right_view(self, plot: pg.PlotItem, color: str) -> pg.ViewBox:
        """A second Y scale on the right, sharing the plot's X (pyqtgraph has no twin axes)."""
        view = pg.ViewBox(enableMenu=False)
        view.setMouseEnabled(x=False, y=False)
        view.disableAutoRange()
        plot.scene().addItem(view)
        plot.getAxis("right").linkToView(view)
        view.setXLink(plot.vb)
        self._right_views.append((plot, view, color))
        return view

    def _on_resized(self, *_: object) -> None:
        for plot, view, _color in self._right_views:
            view.setGeometry(plot.vb.sceneBoundingRect())
        self._declutter()

    def _add_series(self, plot: pg.PlotItem, view: pg.ViewBox | None, key: str, field: str,
                    name: str, per_minute: bool = True) -> _Series:  # fmt: skip
        """Per-minute sums draw as steps (a minute's total across that minute); they are few,
        so no clipping (which would also break step mode). Per-second series are long: peak
        downsampling and clip-to-view."""
        item = pg.PlotDataItem(
            name=name, pen=pg.mkPen(_COLORS[key], width=1), antialias=False, connect="all",
            skipFiniteCheck=True, stepMode="center" if per_minute else None,
        )  # fmt: skip
        if not per_minute:
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        if view is None:
            plot.addItem(item)
        else:
            view.addItem(item)
            plot.legend.addItem(item, name)
        return _Series(item, field, per_minute)

    # -- the frame ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """One frame: catch up with the state and touch only what changed."""
        state = self._source.state
        changed = self._cache.update(state)
        self._gmv_scale = 10 ** exponent(state.currency)
        for series in self._series.values():
            self._draw(series)
        self._draw_switches(state)
        self._draw_deals(state)
        if self._follow(state) or changed:
            self._fit_y()
        if changed and self._cursor is not None:
            self.readout.setText(self._describe(self._cursor))  # the minute under it filled up

    def _draw(self, series: _Series) -> None:
        cache = self._cache
        version = (cache.minute_version if series.per_minute else cache.second_version)[
            series.field
        ]
        scale = self._gmv_scale if series.field == "gmv_minor" else 1
        if series.drawn == (version, scale):
            return
        series.drawn = (version, scale)
        if series.per_minute:
            y = cache.per_minute(series.field)
            series.item.setData(x=cache.minute_edges(), y=y / scale if scale != 1 else y)
        else:
            series.item.setData(x=cache.second_x(), y=cache.per_second(series.field))

    def _follow(self, state: SessionState) -> bool:
        """Set the X range for the window mode; True if it moved.

        The range moves in whole steps, not every second: a move re-clips,
        re-downsamples and re-ticks every plot, several times the cost of a
        data update. "30min" ends at the end of the current minute, whose bar
        fills in live; "all" grows in steps of about a twentieth of the session.
        """
        start = state.started_at_ms
        end_s = self._cache.seconds
        if start is not None:
            end_ms = state.ended_at_ms if state.ended_at_ms is not None else self._source.now_ms()
            end_s = max(end_s, -(-(end_ms - start) // 1000))
        end = end_s / 60.0
        if self._mode == "30min":
            hi = max(WINDOW_MINUTES, float(math.ceil(end)))
            x_range = (hi - WINDOW_MINUTES, hi)
        else:
            step = next((m for m in _MINUTE_STEPS if m >= end / 20), _MINUTE_STEPS[-1])
            x_range = (0.0, float(max(1, math.ceil(end / step)) * step))
        if x_range == self._x_range:
            return False
        self._x_range = x_range
        self.plots[0].setXRange(*x_range, padding=0)
        self._declutter()
        return True

    def _fit_y(self) -> None:
        assert self._x_range is not None
        lo, hi = self._x_range
        cache = self._cache
        minutes = slice(max(0, math.floor(lo)), math.ceil(hi))
        seconds = slice(max(0, math.floor(lo * 60)), math.ceil(hi * 60))
        moved = False
        for group in self._y_groups:
            peak = 0.0
            for name in group.fields:
                values = (
                    cache.per_minute(name)[minutes]
                    if group.per_minute
                    else cache.per_second(name)[seconds]
                )
                if values.size:
                    peak = max(peak, float(values.max()))
            # Counts get at least 0..5 so an idle minute shows no fractional ticks.
            top = _nice_top(peak / self._gmv_scale, 1.0) if group.money else _nice_top(peak, 5.0)
            if top != group.top:
                group.top = top
                group.view.setYRange(0.0, top, padding=0)
                moved = moved or group in self._plot_groups
        if moved:
            self._place_switches()
            self._place_deals()

    # -- product switches ------------------------------------------------------------------
    def _draw_switches(self, state: SessionState) -> None:
        """Add lines for new presentations only; start over if the state was replaced."""
        key = (state.session_id, state.started_at_ms)
        shown = state.presentations
        if key != self._switch_key or len(shown) < len(self._switches):
            self._clear_switches()
            self._switch_key = key
        if len(shown) == len(self._switches) or state.started_at_ms is None:
            return
        for ts_ms, sku in shown[len(self._switches) :]:
            product = state.products.get(sku) if sku is not None else None
            title = product.product.title if product is not None else None
            x = (ts_ms - state.started_at_ms) / 60000.0
            self._switches.append(_Switch(x, title, self._switch_label(title) if title else None))
            self._switch_x.append(x)
        self._place_switches()
        self._declutter()

    def _switch_label(self, title: str) -> pg.TextItem:
        """The title up the line. TextItem(text=…) uses setPlainText, so tags stay text."""
        label = pg.TextItem(
            text=_shorten(title), color=_THEMES[self._dark][1], anchor=(1, 1), angle=90
        )
        self.plots[0].addItem(label, ignoreBounds=True)
        return label

    def _place_switches(self) -> None:
        """Segments from 0 to each plot's top; labels at the top plot's top."""
        xs = np.repeat(np.array(self._switch_x), 2)
        for curve, group in zip(self._switch_curves, self._plot_groups, strict=True):
            ys = np.tile(np.array([0.0, group.top]), len(self._switch_x))
            curve.setData(x=xs, y=ys)
        top = self._plot_groups[0].top
        for switch in self._switches:
            if switch.label is not None:
                switch.label.setPos(switch.x, top)

    def _declutter(self) -> None:
        """Show a label only where it clears the next shown one; the newest win.

        A 12-hour show has a hundred switches: in "all" their titles would be a smear.
        """
        width = self.plots[0].vb.width()
        if self._x_range is None or width <= 0:
            return
        lo, hi = self._x_range
        px_per_minute = width / (hi - lo)
        right = math.inf
        for switch in reversed(self._switches):
            if switch.label is None:
                continue
            room = (right - switch.x) * px_per_minute >= LABEL_GAP_PX
            switch.label.setVisible(room)
            if room:
                right = switch.x

    def _clear_switches(self) -> None:
        for switch in self._switches:
            if switch.label is not None:
                self.plots[0].removeItem(switch.label)
        self._switches.clear()
        self._switch_x.clear()
        self._place_switches()

    # -- flash deals -------------------------------------------------------------------------
    def _draw_deals(self, state: SessionState) -> None:
        """Bands for deals that went live; only a live band's right edge moves, to now.

        The edge moves in whole pixels (a second is under one in a long
        window), so most frames touch no item and a finished band costs a dict
        lookup. Start over if the state was replaced.
        """
        key = (state.session_id, state.started_at_ms)
        if key != self._deal_key or len(state.deals) < len(self._deals):
            self._clear_deals()
            self._deal_key = key
        start = state.started_at_ms
        if start is None:
            return
        width = self.plots[0].vb.width()
        x_range = self._x_range
        pixel = (x_range[1] - x_range[0]) / width if x_range is not None and width > 0 else 0.0
        moved = ended = False
        for deal in state.deals.values():
            if deal.started_at_ms is None:
                continue
            band = self._deals.get(deal.deal_id)
            lo = (deal.started_at_ms - start) / 60000.0
            if band is None:
                band = self._deals[deal.deal_id] = self._add_deal(state, deal, lo)
                moved = True
            elif band.ended_ms is not None:
                if band.ended_ms == deal.ended_at_ms:
                    continue  # finished and drawn
                ended = True  # a replaced state moved its end: redraw the finished bands
            final = True
            if deal.ended_at_ms is not None:
                end_ms = deal.ended_at_ms
                ended = True
            elif state.ended_at_ms is not None:
                end_ms = state.ended_at_ms
            else:
                end_ms = self._source.now_ms()  # live: up to now, never the scheduled end
                final = False
            band.ended_ms = deal.ended_at_ms
            x = (lo, max(lo, (end_ms - start) / 60000.0))
            if x != band.x and (final or x[0] != band.x[0] or abs(x[1] - band.x[1]) >= pixel):
                band.x = x
                moved = True
        if ended:
            self._place_deals()
        elif moved:
            self._fill_deals()

    def _add_deal(self, state: SessionState, deal: Deal, lo: float) -> _DealBand:
        """A band starting at `lo`, with no width yet, and its title."""
        product = state.products.get(deal.product_sku)
        title = product.product.title if product is not None else deal.product_sku
        # TextItem(text=…) uses setPlainText: a title with tags shows them as typed.
        label = pg.TextItem(text=_shorten(title), color=_ACCENT[self._dark], anchor=(0, 0))
        label.setFont(self._deal_font)
        self.plots[0].addItem(label, ignoreBounds=True)
        label.setPos(lo, self._plot_groups[0].top)
        return _DealBand((lo, lo), label)

    def _place_deals(self) -> None:
        """All bands to each plot's top (a deal ended, or a top moved); titles at the top."""
        done = [b.x for b in self._deals.values() if b.ended_ms is not None]
        self._fill_deals(done)
        top = self._plot_groups[0].top
        for band in self._deals.values():
            band.label.setPos(band.x[0], top)

    def _fill_deals(self, done: list[tuple[float, float]] | None = None) -> None:
        """The live bands on each plot (their right edge moved), and the finished if given."""
        live = [b.x for b in self._deals.values() if b.ended_ms is None]
        for fill, group in zip(self._deal_fills, self._plot_groups, strict=True):
            fill.set_rects(
                _bands(live, group.top), None if done is None else _bands(done, group.top)
            )

    def _clear_deals(self) -> None:
        for band in self._deals.values():
            self.plots[0].removeItem(band.label)
        self._deals.clear()
        self._place_deals()

    # -- crosshair ---------------------------------------------------------------------------
    def on_mouse_moved(self, scene_pos: QPointF) -> None:
        """Move the crosshair to the pointer and describe that moment."""
        for plot in self.plots:
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                x = plot.vb.mapSceneToView(scene_pos).x()
                break
        else:
            self._cursor = None
            for line in self._cross:
                line.hide()
            self.readout.setText("")
            return
        self._cursor = x
        for line in self._cross:
            line.setPos(x)
            line.show()
        self.readout.setText(self._describe(x))

    def _describe(self, x: float) -> str:
        cache = self._cache
        second = math.floor(x * 60)
        if x < 0 or second >= cache.seconds:
            return duration(max(0, second) * 1000)
        minute = second // 60

        def per_minute(name: str) -> int:
            return int(cache.per_minute(name)[minute])

        text = self.tr(
            "{time} · orders {orders} · GMV {gmv} · viewers {viewers} · "
            "comments {comments} · likes {likes} · follows {follows}"
        ).format(
            time=duration(second * 1000),
            orders=count(per_minute("orders")),
            gmv=money(per_minute("gmv_minor"), self._source.state.currency),
            viewers=count(int(cache.per_second("viewers")[second])),
            comments=count(per_minute("comments")),
            likes=count(per_minute("likes")),
            follows=count(per_minute("follows")),
        )
        i = bisect_right(self._switch_x, x) - 1
        title = self._switches[i].title if i >= 0 else None
        return f"{text} · {title}" if title else text

    # -- window and theme ------------------------------------------------------------------
    def set_window(self, mode: str) -> None:
        """Show the last half hour, following live ("30min"), or the whole session ("all")."""
        if mode not in WINDOW_MODES:
            raise ValueError(f"unknown chart window {mode!r}; use one of {WINDOW_MODES}")
        self._mode = mode
        for button in self._buttons.buttons():
            button.setChecked(button.objectName() == f"chartWindow_{mode}")
        if self._follow(self._source.state):
            self._fit_y()

    def _pick_window(self, mode: str) -> None:
        self.set_window(mode)
        self.window_changed.emit(mode)

    @property
    def window_mode(self) -> str:
        return self._mode

    def set_dark(self, dark: bool) -> None:
        """Match the application's QSS theme; the plots do not read QSS."""
        self._dark = dark
        background, fg = _THEMES[dark]
        self._view.setBackground(background)
        veil = QColor(background)
        veil.setAlpha(190)  # legends stay readable over the curves
        for plot in self.plots:
            for name in ("left", "bottom", "right"):
                axis = plot.getAxis(name)
                axis.setPen(fg)
                axis.setTextPen(fg)
            plot.legend.setLabelTextColor(fg)
            for _sample, label in plot.legend.items:
                label.setText(label.text)  # setLabelTextColor alone does not re-render
            plot.legend.setBrush(veil)
        for plot, _view, color in self._right_views:
            plot.getAxis("right").setTextPen(color)  # which curve the right-hand scale belongs to
        lines = QColor(fg)
        lines.setAlpha(120)
        for curve in self._switch_curves:
            curve.setPen(pg.mkPen(lines, width=1))
        for switch in self._switches:
            if switch.label is not None:
                switch.label.setColor(fg)
        for band in self._deals.values():
            band.label.setColor(_ACCENT[dark])
        tint = QBrush(_over(_ACCENT[dark], DEAL_ALPHA, background))
        for fill in self._deal_fills:
            fill.setBrush(tint)
        cross = QColor(fg)
        cross.setAlpha(160)
        for line in self._cross:
            line.setPen(pg.mkPen(cross, width=1))

    # -- read-only views for tests and tools -------------------------------------------------
    def series_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The arrays last handed to a series' setData (GMV in major units).

        Per-minute series are step curves: x holds the minute edges, one more than y.
        """
        x, y = self._series[name].item.getOriginalDataset()
        if x is None or y is None:
            return np.zeros(0), np.zeros(0)
        return x, y

    def switch_labels(self) -> list[str]:
        """The text shown beside each product-switch line, as the label renders it."""
        return [s.label.toPlainText() if s.label is not None else "" for s in self._switches]

    def deal_regions(self) -> list[tuple[float, float, str]]:
        """Each deal's band (minutes since the start, on all three plots) and its title's text."""
        return [(*band.x, band.label.toPlainText()) for band in self._deals.values()]

    def x_range(self) -> tuple[float, float]:
        """The X range the plots show, in minutes since the start."""
        lo, hi = self.plots[0].vb.viewRange()[0]
        return float(lo), float(hi)
