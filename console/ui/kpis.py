"""KPI tiles: each figure with how it moved over the last minute."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLayout, QSizePolicy, QVBoxLayout, QWidget

from console.domain.metrics import Kpis, minute_change
from console.engine.source import ConsoleSource
from console.ui.formatting import count, money, percent
from console.ui.widgets import plain_label, set_style_state


def _tr(text: str) -> str:
    return QCoreApplication.translate("KpiTiles", text)


@dataclass(frozen=True, slots=True)
class TileSpec:
    key: str  # a Kpis field
    caption: str  # marked for lupdate, translated where shown
    kind: str  # money, count, percent


TILES = (
    TileSpec("gmv_minor", str(QT_TRANSLATE_NOOP("KpiTiles", "GMV")), "money"),
    TileSpec("orders", str(QT_TRANSLATE_NOOP("KpiTiles", "Orders")), "count"),
    TileSpec("units", str(QT_TRANSLATE_NOOP("KpiTiles", "Units")), "count"),
    TileSpec("aov_minor", str(QT_TRANSLATE_NOOP("KpiTiles", "AOV")), "money"),
    TileSpec("viewers", str(QT_TRANSLATE_NOOP("KpiTiles", "Viewers online")), "count"),
    TileSpec("peak_viewers", str(QT_TRANSLATE_NOOP("KpiTiles", "Peak viewers")), "count"),
    TileSpec("entries", str(QT_TRANSLATE_NOOP("KpiTiles", "Entries")), "count"),
    TileSpec("conversion", str(QT_TRANSLATE_NOOP("KpiTiles", "Conversion")), "percent"),
    TileSpec("uv_value_minor", str(QT_TRANSLATE_NOOP("KpiTiles", "UV value")), "money"),
    TileSpec("gpm_minor", str(QT_TRANSLATE_NOOP("KpiTiles", "GPM")), "money"),
    TileSpec("likes", str(QT_TRANSLATE_NOOP("KpiTiles", "Likes")), "count"),
    TileSpec("comments", str(QT_TRANSLATE_NOOP("KpiTiles", "Comments")), "count"),
    TileSpec("follows", str(QT_TRANSLATE_NOOP("KpiTiles", "Follows")), "count"),
)


TILE_WIDTH = 175  # room for ¥1,234,567.89 at the full size
COMPACT_TILE_WIDTH = 118


class KpiTile(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiTile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(0)
        self.setMinimumWidth(COMPACT_TILE_WIDTH - 8)
        self.caption = plain_label(caption, object_name="kpiCaption")
        self.value = plain_label("–", object_name="kpiValue")
        self.delta = plain_label("", object_name="kpiDelta")
        for w in (self.caption, self.value, self.delta):
            # Tiles reflow to fit; a long figure must not push the window off a laptop screen.
            w.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            layout.addWidget(w)

    def show_values(self, value: str, delta: str, trend: str) -> None:
        if self.value.text() != value:
            self.value.setText(value)
        if self.delta.text() != delta:
            self.delta.setText(delta)
        set_style_state(self.delta, "trend", trend)


class KpiTiles(QWidget):
    """Thirteen tiles; `refresh` per frame updates only labels whose text changed."""

    def __init__(self, source: ConsoleSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        # The tiles reflow in resizeEvent, so the layout must not pin the 7-column width.
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.tiles = {spec.key: KpiTile(_tr(spec.caption), self) for spec in TILES}
        self.columns = 0
        self._arrange(7)

    def _arrange(self, columns: int) -> None:
        """As many columns as fit, so a 1366-pixel screen still shows every tile."""
        if columns == self.columns:
            return
        self.columns = columns
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for i, tile in enumerate(self.tiles.values()):
            self.grid.addWidget(tile, i // columns, i % columns)
        rows = -(-len(self.tiles) // columns)
        tile_height = next(iter(self.tiles.values())).sizeHint().height()
        self.setMinimumHeight(rows * tile_height + (rows - 1) * self.grid.spacing())

    def minimumSizeHint(self) -> QSize:
        return QSize(4 * COMPACT_TILE_WIDTH, self.minimumHeight())

    def resizeEvent(self, event: QResizeEvent) -> None:
        width = event.size().width()
        compact = width < 7 * TILE_WIDTH
        for tile in self.tiles.values():
            set_style_state(tile.value, "compact", "true" if compact else "false")
        self._arrange(min(7, max(4, width // (COMPACT_TILE_WIDTH if compact else TILE_WIDTH))))
        super().resizeEvent(event)

    def _formatter(self, kind: str) -> Callable[[int | float], str]:
        currency = self.source.state.currency
        if kind == "money":
            return lambda v: money(int(v), currency)
        if kind == "percent":
            return lambda v: percent(float(v))
        return lambda v: count(int(v))

    def refresh(self) -> None:
        state = self.source.state
        now = Kpis.of(state.totals)
        change = minute_change(state, self.source.now_ms())
        for spec in TILES:
            fmt = self._formatter(spec.kind)
            value = getattr(now, spec.key)
            d = change[spec.key]
            if spec.kind == "percent":
                delta = f"{'+' if d >= 0 else '−'}{abs(d) * 100:.2f} pt"
            else:
                delta = f"{'+' if d >= 0 else '−'}{fmt(abs(d))}"
            trend = "up" if d > 0 else "down" if d < 0 else "flat"
            label = QCoreApplication.translate("KpiTiles", "{0} /min").format(delta)
            self.tiles[spec.key].show_values(fmt(value), label, trend)
