"""What is on camera now: the presenting product, big enough to read mid-stream.

The seller glances at this while talking, so it shows only what they say
out loud (price, what it was, how many are left) and how the product is
doing since it went up. Refreshed per frame; labels change only when their
text does, so an idle panel costs a few comparisons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from console.domain.catalog import Product
from console.engine.source import ConsoleSource
from console.ui.formatting import count, duration, money
from console.ui.thumbnails import thumbnail
from console.ui.widgets import idle_or_details, plain_label

IMAGE_SIZE = 160


def _scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    """A bigger copy of `font`, whether it is sized in points or pixels."""
    bigger = QFont(font)
    if font.pointSizeF() > 0:
        bigger.setPointSizeF(font.pointSizeF() * factor)
    else:
        bigger.setPixelSize(round(font.pixelSize() * factor))
    bigger.setBold(bold)
    return bigger


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


class PresentingPanel(QWidget):
    def __init__(self, source: ConsoleSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presentingPanel")
        self.source = source
        self._shown: Product | None = None  # whose picture is on the image label

        self.idle = plain_label(
            self.tr("Nothing presenting.\nSelect a product in the queue and press Enter."),
            object_name="presentingIdle",
        )
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle.setWordWrap(True)

        self.image = QLabel()
        self.image.setObjectName("presentingImage")
        self.image.setFixedSize(IMAGE_SIZE, IMAGE_SIZE)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = plain_label(object_name="presentingTitle")
        self.title.setWordWrap(True)
        self.title.setFont(_scaled(self.font(), 1.6, bold=True))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.price = plain_label(object_name="presentingPrice")
        self.price.setFont(_scaled(self.font(), 2.0, bold=True))
        self.compare_at = plain_label(object_name="presentingCompareAt")
        struck = _scaled(self.font(), 1.3)
        struck.setStrikeOut(True)
        self.compare_at.setFont(struck)
        self.stock = plain_label(object_name="presentingStock")
        self.sold = plain_label(object_name="presentingSold")
        self.elapsed = plain_label(object_name="presentingElapsed")

        details = QWidget()
        grid = QGridLayout(details)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.image, 0, 0, 1, 2, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.title, 1, 0, 1, 2)
        grid.addWidget(self.price, 2, 0, Qt.AlignmentFlag.AlignBaseline)
        grid.addWidget(self.compare_at, 2, 1, Qt.AlignmentFlag.AlignBaseline)
        for row, (caption, value) in enumerate(
            (
                (self.tr("Stock left"), self.stock),
                (self.tr("Sold while presenting"), self.sold),
                (self.tr("Time presented"), self.elapsed),
            ),
            start=3,
        ):
            grid.addWidget(plain_label(caption, object_name="presentingCaption"), row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(6, 1)

        self.pages = idle_or_details(self, self.idle, details)
        self.refresh()

    def presenting(self) -> bool:
        return self.pages.currentIndex() == 1

    def refresh(self) -> None:
        state = self.source.state
        sku = state.presenting
        if sku is None or sku not in state.products:
            self.pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(1)
        ps = state.products[sku]
        product = ps.product
        cur = state.currency
        if product is not self._shown:
            self._shown = product
            self.image.setPixmap(thumbnail(product, IMAGE_SIZE))
        _set(self.title, product.title)
        units = state.skus_of(sku)
        cheapest = min(units, key=lambda u: u.price_minor)
        _set(self.price, money(cheapest.price_minor, cur))
        compare = cheapest.compare_at_minor
        _set(
            self.compare_at,
            money(compare, cur) if compare and compare > cheapest.price_minor else "",
        )
        stock = sum(u.stock for u in units)
        _set(self.stock, count(stock) if stock else self.tr("Sold out"))
        _set(
            self.sold,
            self.tr("{0} sold · {1}").format(
                count(ps.units_while_presenting), money(ps.gmv_while_presenting_minor, cur)
            ),
        )
        _set(self.elapsed, duration(ps.presented_ms_at(self.source.now_ms())))
