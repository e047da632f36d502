"""The flash deal the seller is talking about: a big countdown, the price, what is left.

One deal is shown, the most relevant: the live one on the presenting product,
else any live one, else the next to start, else the one that just ended (for
a few seconds), else a hint. The countdown is computed from the deal's
stored deadlines on every frame (`Deal.seconds_left`), never counted down
here, so it cannot drift from the log. Refreshed by the window's frame
timer; labels change only when their text does.

The panel raises two alerts per deal, once each: the last ten seconds and the
sell-out. The window turns `alert` into a system notification.
"""

from __future__ import annotations

import math
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from console.domain.deals import Deal
from console.domain.state import SessionState
from console.engine.session import CommandError, LiveSession
from console.engine.source import ConsoleSource
from console.ui.formatting import count, duration, money
from console.ui.widgets import idle_or_details, plain_label, set_style_state

URGENT_S = 10  # the last seconds of a deal, when the panel turns urgent
ENDED_SHOWN_MS = 10_000  # how long an ended deal stays on the panel
ALERT_FRESH_MS = 10_000  # a sell-out older than this when first seen is not announced


def _scaled(font: QFont, factor: float) -> QFont:
    bigger = QFont(font)
    if font.pointSizeF() > 0:
        bigger.setPointSizeF(font.pointSizeF() * factor)
    else:
        bigger.setPixelSize(round(font.pixelSize() * factor))
    bigger.setBold(True)
    return bigger


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def pick_deal(state: SessionState, now_ms: int) -> Deal | None:
    """The deal most worth showing at `now_ms` (see the module docstring)."""
    live: Deal | None = None
    upcoming: Deal | None = None
    ended: Deal | None = None
    for deal in state.deals.values():
        status = deal.status(now_ms)
        if status == "live":
            if deal.product_sku == state.presenting:
                return deal
            if live is None:
                live = deal
        elif status == "ended":
            end = deal.ended_at_ms
            recent = end is not None and 0 <= now_ms - end < ENDED_SHOWN_MS
            if recent and (ended is None or (end or 0) >= (ended.ended_at_ms or 0)):
                ended = deal
        elif upcoming is None or deal.live_at_ms < upcoming.live_at_ms:
            upcoming = deal
    return live or upcoming or ended


class DealPanel(QWidget):
    """The current flash deal; with a session, a Stop button (after a confirmation)."""

    alert = Signal(str)  # "last 10 seconds" / "sold out", once per deal each
    error = Signal(str)  # a refused command, for the window to show

    def __init__(self, source: ConsoleSource, session: LiveSession | None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("dealPanel")
        self.source = source
        self.session = session
        self.deal: Deal | None = None  # the deal on show
        self.confirm_box: QMessageBox | None = None
        self._alerted_urgent: set[int] = set()
        self._alerted_sold_out: set[int] = set()

        hint = (
            self.tr("No flash deal running — press D to launch the prepared deal")
            if session is not None
            else self.tr("No flash deal running")
        )
        self.idle = plain_label(hint, object_name="dealIdle")
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.idle.setWordWrap(True)

        self.phase = plain_label(object_name="dealPhase")
        self.countdown = plain_label(object_name="dealCountdown")
        self.countdown.setFont(_scaled(self.font(), 3.0))
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = plain_label(object_name="dealTitle")
        self.title.setWordWrap(True)
        self.title.setFont(_scaled(self.font(), 1.3))
        self.price = plain_label(object_name="dealPrice")
        self.price.setFont(_scaled(self.font(), 2.0))
        self.regular = plain_label(object_name="dealRegularPrice")
        struck = QFont(self.font())
        struck.setStrikeOut(True)
        self.regular.setFont(struck)
        self.sold = plain_label(object_name="dealSold")
        self.progress = QProgressBar()
        self.progress.setObjectName("dealProgress")
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton(self.tr("Stop deal"))
        self.stop_button.setObjectName("dealStop")
        self.stop_button.setProperty("danger", "true")
        self.stop_button.clicked.connect(self.confirm_stop)
        self.stop_button.setVisible(False)

        details = QWidget()
        grid = QGridLayout(details)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.phase, 0, 0, 1, 2, Qt.AlignmentFlag.AlignHCenter)
        grid.addWidget(self.countdown, 1, 0, 1, 2)
        grid.addWidget(self.title, 2, 0, 1, 2)
        grid.addWidget(self.price, 3, 0, Qt.AlignmentFlag.AlignBaseline)
        grid.addWidget(self.regular, 3, 1, Qt.AlignmentFlag.AlignBaseline)
        grid.addWidget(self.sold, 4, 0, 1, 2)
        grid.addWidget(self.progress, 5, 0, 1, 2)
        grid.addWidget(self.stop_button, 6, 0, 1, 2, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(7, 1)

        self.pages = idle_or_details(self, self.idle, details)
        self.refresh()

    def showing(self) -> bool:
        return self.pages.currentIndex() == 1

    # -- per frame ------------------------------------------------------------------------
    def refresh(self) -> None:
        state = self.source.state
        now = self.source.now_ms()
        self._raise_alerts(state, now)
        deal = self.deal = pick_deal(state, now)
        if deal is None:
            self.pages.setCurrentIndex(0)
            self.stop_button.setVisible(False)
            set_style_state(self, "urgent", "false")
            return
        self.pages.setCurrentIndex(1)
        status = deal.status(now)
        left_s = math.ceil(deal.seconds_left(now))  # 0:01 until the very end, then 0:00
        sold_out = deal.end_reason == "sold_out" or deal.left <= 0
        if status == "ended":
            phase = self.tr("Sold out!") if sold_out else self.tr("Ended")
        elif status == "live":
            phase = self.tr("Sold out!") if sold_out else self.tr("Ends in")
        else:
            phase = self.tr("Starts in")
        _set(self.phase, phase)
        _set(self.countdown, duration(left_s * 1000))
        _set(self.title, self._title(state, deal))
        cur = state.currency
        _set(self.price, money(deal.deal_price_minor, cur))
        _set(self.regular, money(deal.regular_price_minor, cur))
        _set(self.sold, self.tr("{0} / {1} sold").format(count(deal.sold), count(deal.quantity)))
        if self.progress.maximum() != deal.quantity:
            self.progress.setRange(0, max(1, deal.quantity))
        if self.progress.value() != deal.sold:
            self.progress.setValue(min(deal.sold, deal.quantity))
        urgent = sold_out or (status == "live" and left_s <= URGENT_S)
        set_style_state(self, "urgent", "true" if urgent else "false")
        self.stop_button.setVisible(self.session is not None and status != "ended")

    def _title(self, state: SessionState, deal: Deal) -> str:
        ps = state.products.get(deal.product_sku)
        if ps is None:
            return deal.sku
        product = ps.product
        for v in product.variants:
            if v.sku == deal.sku:
                return f"{product.title} · {v.title}"
        return product.title

    def _raise_alerts(self, state: SessionState, now: int) -> None:
        """Once per deal: its last ten seconds live, and its sell-out."""
        for deal in state.deals.values():
            status = deal.status(now)
            if status == "live" and deal.deal_id not in self._alerted_urgent:
                left = deal.seconds_left(now)
                if 0 < left <= URGENT_S and deal.left > 0:
                    self._alerted_urgent.add(deal.deal_id)
                    self.alert.emit(
                        self.tr("Flash deal on “{0}”: last 10 seconds!").format(
                            self._title(state, deal)
                        )
                    )
            elif (
                status == "ended"
                and deal.end_reason == "sold_out"
                and deal.deal_id not in self._alerted_sold_out
            ):
                self._alerted_sold_out.add(deal.deal_id)
                end = deal.ended_at_ms or 0
                if 0 <= now - end < ALERT_FRESH_MS:
                    self.alert.emit(
                        self.tr("Flash deal on “{0}” sold out: {1} sold.").format(
                            self._title(state, deal), count(deal.sold)
                        )
                    )

    # -- stopping -------------------------------------------------------------------------
    def confirm_stop(self) -> None:
        """Ask before stopping; the box is non-blocking (`open()`, never `exec()`)."""
        deal = self.deal
        if self.session is None or deal is None or deal.ended_at_ms is not None:
            return
        if self.confirm_box is not None:
            self.confirm_box.deleteLater()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Stop flash deal"),
            self.tr("Stop the flash deal on “{0}” now? {1} of {2} sold so far.").format(
                self._title(self.source.state, deal), count(deal.sold), count(deal.quantity)
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(partial(self._stop_answered, deal.deal_id))
        self.confirm_box = box
        box.open()

    def _stop_answered(self, deal_id: int, result: int) -> None:
        if result != QMessageBox.StandardButton.Yes or self.session is None:
            return
        try:
            self.session.stop_deal(deal_id)
        except CommandError as e:
            self.error.emit(str(e))
        self.refresh()
