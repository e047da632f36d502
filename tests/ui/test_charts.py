"""The live charts over a real session on a virtual clock."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from console.domain.catalog import Product
from console.domain.clock import VirtualClock
from console.domain.deals import Deal, DealSpec
from console.domain.events import Event
from console.domain.state import Bucket, SessionState
from console.engine.session import LiveSession
from console.ui.charts import DealBands, LiveCharts
from tests.support import START_MS


@pytest.fixture
def charts(qtbot: QtBot, session: LiveSession) -> LiveCharts:
    w = LiveCharts(session)
    qtbot.addWidget(w)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    return w


def at(clock: VirtualClock, session: LiveSession, second: float, *raws: dict[str, Any]) -> None:
    """Ingest events at `second` seconds after the session started."""
    clock.set(START_MS + round(second * 1000))
    session.ingest(list(raws), "sim")


def order(n: int, sku: str, qty: int = 1) -> dict[str, Any]:
    return {"kind": "order", "order_id": f"o{n}", "sku": sku, "qty": qty}


def comment() -> dict[str, Any]:
    return {"kind": "comment", "user": "u", "text": "hi"}


def three_minutes(clock: VirtualClock, session: LiveSession) -> None:
    at(clock, session, 10, order(1, "MASK"), order(2, "TEA", 2), comment(), comment(), comment(),
       {"kind": "viewers", "online": 100}, {"kind": "like", "count": 5},
       {"kind": "follow", "user": "f"})  # fmt: skip
    at(clock, session, 70, order(3, "TEE-M"), comment(), comment(),
       {"kind": "viewers", "online": 150}, {"kind": "like", "count": 3})  # fmt: skip
    at(clock, session, 150, comment(), {"kind": "viewers", "online": 90},
       {"kind": "follow", "user": "g"})  # fmt: skip


def test_plotted_arrays_are_the_per_minute_values(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    three_minutes(clock, session)
    charts.refresh()
    edges = [0, 1, 2, 3]  # step curves: one more edge than values; minute 2 is partial
    for name, values in {
        "orders": [2, 1, 0],
        "gmv": [(5990 + 2 * 12900) / 100, 109.0, 0],  # major units from integer fen
        "comments": [3, 2, 1],
        "likes": [5, 3, 0],
        "follows": [1, 0, 1],
    }.items():
        x, y = charts.series_data(name)
        np.testing.assert_array_equal(x, edges, err_msg=name)
        np.testing.assert_array_equal(y, values, err_msg=name)
    x, y = charts.series_data("viewers")
    np.testing.assert_array_equal(x, np.arange(151) / 60)
    assert (y[:10] == 0).all() and (y[10:70] == 100).all()
    assert (y[70:150] == 150).all() and y[150] == 90


def test_product_switches_are_labelled_with_plain_text_titles(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    session.add_product(Product("BOLD", "<b>bold</b>", 100, 5))
    session.add_product(Product("FMT", "{value} off {0}", 100, 5))
    at(clock, session, 30)
    session.present("BOLD")
    at(clock, session, 90)
    session.present("FMT")
    charts.refresh()
    assert charts.switch_labels() == ["<b>bold</b>", "{value} off {0}"]
    labels = [i for i in charts.plots[0].items if isinstance(i, pg.TextItem)]
    assert "&lt;b&gt;bold&lt;/b&gt;" in labels[0].toHtml()

    at(clock, session, 120)
    session.present(None)
    session.present("MASK")
    charts.refresh()
    assert charts.switch_labels() == ["<b>bold</b>", "{value} off {0}", "", "保湿面膜 10片"]
    after = [i for i in charts.plots[0].items if isinstance(i, pg.TextItem)]
    assert after[:2] == labels  # the earlier labels were kept, not rebuilt
    charts.refresh()
    assert [i for i in charts.plots[0].items if isinstance(i, pg.TextItem)] == after


def test_labels_too_close_together_give_way_to_the_newer(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    for second, sku in ((60, "MASK"), (61, "TEA"), (600, "TEE")):
        at(clock, session, second)
        session.present(sku)
    charts.refresh()
    labels = [i for i in charts.plots[0].items if isinstance(i, pg.TextItem)]
    assert [label.isVisible() for label in labels] == [False, True, True]
    charts.resize(80_000, 700)  # wide enough for a second's gap
    charts.refresh()
    assert all(label.isVisible() for label in labels)


def test_window_modes_set_the_x_range(
    qtbot: QtBot, charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    at(clock, session, 40 * 60 + 30, comment())
    charts.refresh()
    assert charts.x_range() == pytest.approx(
        (11.0, 41.0)
    )  # the last 30 minutes, to the minute's end
    with qtbot.waitSignal(charts.window_changed) as picked:
        button = charts.findChild(QToolButton, "chartWindow_all")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert picked.args == ["all"]
    assert charts.window_mode == "all"
    assert charts.x_range() == pytest.approx((0.0, 45.0))  # the whole session, in 5-minute steps
    charts.set_window("30min")
    assert charts.x_range() == pytest.approx((11.0, 41.0))
    at(clock, session, 41 * 60 + 1, comment())  # live: the window follows
    charts.refresh()
    assert charts.x_range() == pytest.approx((12.0, 42.0))
    with pytest.raises(ValueError, match="unknown chart window"):
        charts.set_window("week")


def test_crosshair_readout_follows_the_mouse(
    qtbot: QtBot, charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    session.present("TEA")
    three_minutes(clock, session)
    charts.refresh()
    view = charts.plots[1].vb
    charts.on_mouse_moved(view.mapViewToScene(QPointF(1.51, 10)))  # 1:30.6
    text = charts.readout.text()
    assert text.startswith("1:30 · orders 1 · GMV ¥109.00 · viewers 150")
    assert "comments 2" in text and text.endswith("Oolong tea 乌龙茶")
    charts.on_mouse_moved(view.mapViewToScene(QPointF(0.26, 10)))
    assert charts.readout.text().startswith("0:15 · orders 2 ")
    charts.on_mouse_moved(QPointF(-50, -50))  # off the plots
    assert charts.readout.text() == ""

    graphics = charts.findChild(pg.GraphicsLayoutWidget)  # a real mouse move reaches the handler
    assert graphics is not None
    point = graphics.mapFromScene(charts.plots[2].vb.mapViewToScene(QPointF(2.45, 0.5)))
    qtbot.mouseMove(graphics.viewport(), point)
    qtbot.waitUntil(lambda: charts.readout.text().startswith("2:2"))
    assert "comments 1 " in charts.readout.text()
    at(clock, session, 150, comment())  # the minute under the pointer fills up
    charts.refresh()
    assert "comments 2 " in charts.readout.text()


def test_an_unchanged_frame_calls_no_set_data(
    monkeypatch: pytest.MonkeyPatch, charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    three_minutes(clock, session)
    calls: list[str] = []
    original = pg.PlotDataItem.setData

    def counting(item: pg.PlotDataItem, *args: Any, **kwargs: Any) -> None:
        calls.append(item.name())
        original(item, *args, **kwargs)

    monkeypatch.setattr(pg.PlotDataItem, "setData", counting)
    charts.refresh()
    assert len(calls) == 6
    calls.clear()
    charts.refresh()
    charts.refresh()
    assert calls == []
    session.ingest([comment()], "sim")  # same second: only the comments change
    charts.refresh()
    assert calls == ["Comments / min"]


MASK_DEAL = DealSpec(
    "MASK", deal_price_minor=3990, quantity=10, per_buyer=2, countdown_s=0, duration_s=120
)


def regions(charts: LiveCharts) -> list[tuple[float, float, str]]:
    """The deal bands, rounded off float noise."""
    return [(round(lo, 9), round(hi, 9), title) for lo, hi, title in charts.deal_regions()]


def deal_fills(charts: LiveCharts) -> list[DealBands]:
    """The one item on each plot that shades all its deals."""
    fills = [[i for i in p.items if isinstance(i, DealBands)] for p in charts.plots]
    assert [len(f) for f in fills] == [1, 1, 1]
    return [f[0] for f in fills]


def shaded(charts: LiveCharts) -> list[list[tuple[float, float]]]:
    """The X spans each plot shades, in minutes, left to right."""
    return [
        sorted((round(r.left(), 9), round(r.right(), 9)) for r in fill.rects())
        for fill in deal_fills(charts)
    ]


def test_a_deal_is_shaded_from_its_start_to_now_then_to_its_end(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    at(clock, session, 60)
    session.schedule_deal(MASK_DEAL)  # live at 1:00, runs out of time at 3:00
    at(clock, session, 90)
    session.fire_due()
    charts.refresh()
    assert regions(charts) == [(1.0, 1.5, "保湿面膜 10片")]
    assert shaded(charts) == [[(1.0, 1.5)]] * 3  # on all three plots
    fills = deal_fills(charts)
    for plot, fill in zip(charts.plots, fills, strict=True):  # the plot's full height
        box = fill.boundingRect()
        assert (box.top(), box.bottom()) == pytest.approx((0.0, plot.vb.viewRange()[1][1]))

    at(clock, session, 150)  # live: the right edge follows now, not the scheduled end
    session.fire_due()
    charts.refresh()
    assert regions(charts)[0][:2] == (1.0, 2.5)
    assert shaded(charts) == [[(1.0, 2.5)]] * 3
    assert deal_fills(charts) == fills  # moved, not rebuilt

    at(clock, session, 200)  # ended by time at 3:00
    session.fire_due()
    charts.refresh()
    assert regions(charts)[0][:2] == (1.0, 3.0)
    at(clock, session, 260)
    charts.refresh()
    assert regions(charts)[0][:2] == (1.0, 3.0)
    assert shaded(charts) == [[(1.0, 3.0)]] * 3
    assert deal_fills(charts) == fills


def test_a_scheduled_deal_is_not_shaded_until_it_goes_live(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    session.schedule_deal(MASK_DEAL, starts_at_ms=START_MS + 60_000)
    at(clock, session, 30)
    session.fire_due()
    charts.refresh()
    assert regions(charts) == []
    assert shaded(charts) == [[]] * 3


def test_deal_titles_are_plain_text(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    session.add_product(Product("BX", "<b>x</b>", 100, 5))
    session.schedule_deal(DealSpec("BX", deal_price_minor=50, quantity=5, duration_s=60))
    at(clock, session, 5)
    session.fire_due()
    charts.refresh()
    assert [title for _lo, _hi, title in charts.deal_regions()] == ["<b>x</b>"]
    labels = [i for i in charts.plots[0].items if isinstance(i, pg.TextItem)]
    assert any("&lt;b&gt;x&lt;/b&gt;" in label.toHtml() for label in labels)
    charts.set_dark(True)  # the title follows the theme's accent too
    assert any(label.color.name() == "#fe2c55" for label in labels)


def test_an_unchanged_frame_touches_no_deal_item(
    monkeypatch: pytest.MonkeyPatch, charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    session.schedule_deal(MASK_DEAL)
    at(clock, session, 30)
    session.fire_due()
    charts.refresh()
    calls: list[str] = []
    set_rects, set_pos = DealBands.set_rects, pg.TextItem.setPos

    def counting_rects(item: DealBands, *args: Any) -> None:
        calls.append("fill")
        set_rects(item, *args)

    def counting_pos(item: pg.TextItem, *args: Any) -> None:
        calls.append("label")
        set_pos(item, *args)

    monkeypatch.setattr(DealBands, "set_rects", counting_rects)
    monkeypatch.setattr(pg.TextItem, "setPos", counting_pos)
    charts.refresh()
    charts.refresh()
    assert calls == []
    at(clock, session, 30.2)  # under a pixel in the 30-minute window: not worth a repaint
    charts.refresh()
    assert calls == []
    at(clock, session, 40)  # the live band's right edge on each plot, nothing else
    charts.refresh()
    assert calls == ["fill"] * 3
    assert regions(charts)[0][:2] == (0.0, round(40 / 60, 9))
    at(clock, session, 130)
    session.fire_due()  # ended at 2:00
    charts.refresh()
    calls.clear()
    at(clock, session, 140)
    charts.refresh()
    assert calls == []


def test_deal_bands_take_the_accent_of_the_theme(
    charts: LiveCharts, session: LiveSession, clock: VirtualClock
) -> None:
    session.schedule_deal(MASK_DEAL)
    at(clock, session, 30)
    session.fire_due()
    charts.refresh()

    def faint(accent: str, background: str) -> bool:
        """Every plot's bands are the accent at a low alpha over the background."""
        tints = {fill.brush().color().name() for fill in deal_fills(charts)}
        assert len(tints) == 1
        tint, x, y = (rgb(QColor(c)) for c in (tints.pop(), accent, background))
        return tint != y and all(
            abs(t - b) <= abs(a - b) / 4 for t, a, b in zip(tint, x, y, strict=True)
        )

    def rgb(c: QColor) -> tuple[int, int, int]:
        return c.red(), c.green(), c.blue()

    assert faint("#D1103C", "#ffffff")
    charts.set_dark(True)
    assert faint("#FE2C55", "#1e1f24")


class FakeSource:
    """A replay-like source whose state can be swapped for another."""

    def __init__(self, state: SessionState) -> None:
        self.state = state

    def activity_after(self, seq: int) -> list[Event]:
        return []

    def now_ms(self) -> int:
        return START_MS + len(self.state.buckets) * 1000


def hand_state(session_id: str, seconds: int, currency: str = "CNY") -> SessionState:
    state = SessionState(session_id=session_id, currency=currency, started_at_ms=START_MS)
    state.buckets = [Bucket(events=1, orders=1, gmv_minor=500, viewers=s) for s in range(seconds)]
    state.totals.events = seconds
    return state


def test_a_replaced_state_is_drawn_from_scratch(qtbot: QtBot) -> None:
    source = FakeSource(hand_state("a", 600))
    charts = LiveCharts(source)
    qtbot.addWidget(charts)
    charts.refresh()
    np.testing.assert_array_equal(charts.series_data("orders")[1], [60] * 10)
    source.state = hand_state("b", 90, currency="JPY")  # no minor units
    charts.refresh()
    np.testing.assert_array_equal(charts.series_data("orders")[1], [60, 30])
    np.testing.assert_array_equal(charts.series_data("gmv")[1], [30_000, 15_000])
    assert charts.x_range() == pytest.approx((0.0, 30.0))


def hand_deal(deal_id: int, start_s: int, end_s: int | None) -> Deal:
    return Deal(
        deal_id=deal_id, sku="P", product_sku="P", units=("P",), deal_price_minor=1,
        regular_price_minor=2, quantity=1, per_buyer=1, countdown_s=0, duration_s=60,
        starts_at_ms=START_MS + start_s * 1000, started_at_ms=START_MS + start_s * 1000,
        ended_at_ms=None if end_s is None else START_MS + end_s * 1000,
    )  # fmt: skip


def test_deal_bands_start_over_with_a_replaced_state(qtbot: QtBot) -> None:
    first = hand_state("a", 600)
    first.deals = {1: hand_deal(1, 60, 120), 2: hand_deal(2, 300, None)}
    source = FakeSource(first)
    charts = LiveCharts(source)
    qtbot.addWidget(charts)
    charts.refresh()
    assert regions(charts) == [
        (1.0, 2.0, "P"),  # no such product: its SKU
        (5.0, 10.0, "P"),  # live until now, the last second
    ]
    second = hand_state("b", 600)
    second.deals = {7: hand_deal(7, 180, 240), 8: hand_deal(8, 210, 270)}  # they overlap
    source.state = second
    charts.refresh()
    assert regions(charts) == [(3.0, 4.0, "P"), (3.5, 4.5, "P")]
    assert shaded(charts) == [[(3.0, 4.0), (3.5, 4.5)]] * 3
    assert len([i for i in charts.plots[0].items if isinstance(i, pg.TextItem)]) == 2


def test_dark_theme_recolours_the_axes(charts: LiveCharts) -> None:
    axis = charts.plots[0].getAxis("left")
    light = axis.textPen().color().name()
    charts.set_dark(True)
    assert axis.textPen().color().name() != light
    charts.set_dark(False)
    assert axis.textPen().color().name() == light
