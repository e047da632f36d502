"""Set up a flash deal for one product: launch it now or later, or keep it prepared.

Prices are read exactly (`parse_price`, so "49,90" is refused rather than
guessed at). Every rule about a deal (below the regular price, within the
stock, a per-buyer limit up to the quantity, no overlap) lives in the
session: the dialog sends the command and, if the session refuses, shows
why beside the fields and stays open, so nothing typed is lost and nothing
is logged.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.domain.deals import DURATION_MAX_S, DURATION_MIN_S, DealSpec
from console.domain.events import Event
from console.domain.money import MoneyError, parse_price, to_decimal_text
from console.engine.session import CommandError, LiveSession
from console.ui.formatting import money
from console.ui.widgets import plain_label

COUNTDOWNS_S = (0, 10, 30, 60, 120, 300)
DEFAULT_QUANTITY = 10
DEFAULT_DURATION_MIN = 5
LATER_DEFAULT_MS = 5 * 60_000  # "at a time" starts out five minutes ahead


class _Refused(Exception):
    """A field the dialog cannot read; the message is for the operator."""


class DealDialog(QDialog):
    """The deal fields for `product_sku`; Launch / Save as prepared run the session command."""

    def __init__(
        self, session: LiveSession, product_sku: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dealDialog")
        self.session = session
        self.product_sku = product_sku
        self._event: Event | None = None
        state = session.state
        product = state.products[product_sku].product
        self._currency = state.currency
        self.setWindowTitle(self.tr("Flash deal"))

        self.product_label = plain_label(product.title, object_name="dealProduct")
        self.product_label.setWordWrap(True)

        self.unit = QComboBox(self)
        self.unit.setObjectName("dealUnit")
        self.unit.addItem(self.tr("All variants"), product_sku)
        for v in product.variants:
            self.unit.addItem(f"{v.sku} · {v.title}", v.sku)
        self.unit.setVisible(bool(product.variants))
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.regular_label = plain_label(object_name="dealRegular")

        self.price_mode = QRadioButton(self.tr("Deal price"), self)
        self.percent_mode = QRadioButton(self.tr("Percent off"), self)
        self._price_group = QButtonGroup(self)
        self._price_group.addButton(self.price_mode)
        self._price_group.addButton(self.percent_mode)
        self.price_mode.setChecked(True)
        self.price = QLineEdit(self)
        self.price.setObjectName("dealPrice")
        self.percent = QSpinBox(self)
        self.percent.setObjectName("dealPercent")
        self.percent.setRange(1, 99)
        self.percent.setValue(20)
        self.percent.setSuffix(" %")
        self.price_mode.toggled.connect(self._mode_changed)

        self.quantity = QSpinBox(self)
        self.quantity.setObjectName("dealQuantity")
        self.per_buyer = QSpinBox(self)
        self.per_buyer.setObjectName("dealPerBuyer")
        self.per_buyer.setRange(1, 10**6)
        self.countdown = QComboBox(self)
        self.countdown.setObjectName("dealCountdownChoice")
        for seconds in COUNTDOWNS_S:
            self._add_countdown(seconds)
        self.duration = QSpinBox(self)
        self.duration.setObjectName("dealDuration")
        self.duration.setRange(DURATION_MIN_S // 60, DURATION_MAX_S // 60)
        self.duration.setValue(DEFAULT_DURATION_MIN)
        self.duration.setSuffix(self.tr(" min"))

        self.start_now = QRadioButton(self.tr("Now"), self)
        self.start_later = QRadioButton(self.tr("At"), self)
        self._start_group = QButtonGroup(self)
        self._start_group.addButton(self.start_now)
        self._start_group.addButton(self.start_later)
        self.start_now.setChecked(True)
        self.start_at = QDateTimeEdit(self)
        self.start_at.setObjectName("dealStartAt")
        self.start_at.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.start_at.setCalendarPopup(True)
        self.start_at.setDateTime(
            QDateTime.fromMSecsSinceEpoch(session.now_ms() + LATER_DEFAULT_MS).toLocalTime()
        )
        self.start_later.toggled.connect(self.start_at.setEnabled)
        self.start_at.setEnabled(False)

        price_row = QHBoxLayout()
        price_row.addWidget(self.price_mode)
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.percent_mode)
        price_row.addWidget(self.percent)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_now)
        start_row.addWidget(self.start_later)
        start_row.addWidget(self.start_at, 1)

        form = QFormLayout()
        form.addRow(self.tr("Product"), self.product_label)
        if product.variants:
            form.addRow(self.tr("Applies to"), self.unit)
        form.addRow(self.tr("Regular price"), self.regular_label)
        form.addRow(self.tr("Price"), price_row)
        form.addRow(self.tr("Quantity"), self.quantity)
        form.addRow(self.tr("Per buyer"), self.per_buyer)
        form.addRow(self.tr("Countdown"), self.countdown)
        form.addRow(self.tr("Duration"), self.duration)
        form.addRow(self.tr("Start"), start_row)

        self.error_label = plain_label(object_name="formError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.launch_button = QPushButton(self.tr("Launch"), self)
        self.launch_button.setDefault(True)
        self.prepare_button = QPushButton(self.tr("Save as prepared"), self)
        self.buttons.addButton(self.launch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.prepare_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.launch_button.clicked.connect(self.launch)
        self.prepare_button.clicked.connect(self.save_prepared)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._unit_changed()
        self.quantity.setValue(min(DEFAULT_QUANTITY, self.quantity.maximum()))
        self._mode_changed()
        prepared = state.prepared.get(product_sku)
        if prepared is not None:
            self._fill(prepared)

    # -- fields ---------------------------------------------------------------------------
    def _add_countdown(self, seconds: int) -> None:
        label = self.tr("None") if seconds == 0 else self.tr("{0} s").format(seconds)
        self.countdown.addItem(label, seconds)

    def _unit_changed(self) -> None:
        """Quantity is capped by the stock of what the deal applies to; the regular price shown."""
        state = self.session.state
        sku = self.selected_sku()
        unit = state.skus.get(sku)
        units = [unit] if unit is not None else state.skus_of(self.product_sku)
        stock = sum(u.stock for u in units)
        regular = min(u.price_minor for u in units)
        self.quantity.setRange(1, max(1, stock))
        self.regular_label.setText(
            self.tr("{0} · {1} in stock").format(money(regular, self._currency), stock)
        )
        self.price.setPlaceholderText(to_decimal_text(regular * 80 // 100, self._currency))

    def _mode_changed(self) -> None:
        by_price = self.price_mode.isChecked()
        self.price.setEnabled(by_price)
        self.percent.setEnabled(not by_price)

    def _fill(self, spec: DealSpec) -> None:
        index = self.unit.findData(spec.sku)
        if index >= 0:
            self.unit.setCurrentIndex(index)
        if spec.percent_off is not None:
            self.percent_mode.setChecked(True)
            self.percent.setValue(spec.percent_off)
        elif spec.deal_price_minor is not None:
            self.price_mode.setChecked(True)
            self.price.setText(to_decimal_text(spec.deal_price_minor, self._currency))
        self.quantity.setValue(spec.quantity)
        self.per_buyer.setValue(spec.per_buyer)
        index = self.countdown.findData(spec.countdown_s)
        if index < 0:  # a prepared deal from a script may use any length
            self._add_countdown(spec.countdown_s)
            index = self.countdown.count() - 1
        self.countdown.setCurrentIndex(index)
        self.duration.setValue(max(1, round(spec.duration_s / 60)))

    def selected_sku(self) -> str:
        """The product (all variants) or the one variant the deal applies to."""
        data = self.unit.currentData()
        return data if isinstance(data, str) else self.product_sku

    def spec(self) -> DealSpec:
        """The deal as typed; raises _Refused for a price that cannot be read."""
        price: int | None = None
        percent: int | None = None
        if self.percent_mode.isChecked():
            percent = self.percent.value()
        else:
            price = self._price()
        return DealSpec(
            sku=self.selected_sku(),
            deal_price_minor=price,
            percent_off=percent,
            quantity=self.quantity.value(),
            per_buyer=self.per_buyer.value(),
            countdown_s=int(self.countdown.currentData()),
            duration_s=self.duration.value() * 60,
        )

    def _price(self) -> int:
        text = self.price.text().strip()
        example = self.price.placeholderText() or to_decimal_text(100, self._currency)
        if not text:
            raise _Refused(self.tr("Enter the deal price, such as {0}.").format(example))
        if "," in text or "，" in text:
            raise _Refused(
                self.tr(
                    "Deal price: use a dot for decimals, such as {0}, and no thousands separator."
                ).format(example)
            )
        try:
            return parse_price(text, self._currency)
        except MoneyError as e:
            raise _Refused(self.tr("Deal price: {0}").format(e)) from None

    def starts_at_ms(self) -> int | None:
        """None for now, else the chosen local time as epoch milliseconds."""
        if self.start_now.isChecked():
            return None
        return self.start_at.dateTime().toMSecsSinceEpoch()

    # -- actions --------------------------------------------------------------------------
    def launch(self) -> None:
        """Schedule the deal (now or at the chosen time); close only if the session took it."""
        try:
            spec = self.spec()
            self._event = self.session.schedule_deal(spec, self.starts_at_ms())
        except _Refused as e:
            self._show_error(str(e))
            return
        except CommandError as e:
            self._show_error(self.tr("The session refused this deal: {0}").format(e))
            return
        self._show_error("")
        self.accept()

    def save_prepared(self) -> None:
        """Keep the deal ready for one-key launch (D); close only if the session took it."""
        try:
            spec = self.spec()
            self._event = self.session.prepare_deal(spec)
        except _Refused as e:
            self._show_error(str(e))
            return
        except CommandError as e:
            self._show_error(self.tr("The session refused this deal: {0}").format(e))
            return
        self._show_error("")
        self.accept()

    def event_logged(self) -> Event | None:
        """The deal_scheduled / deal_prepared event of the action that closed the dialog."""
        return self._event

    def error(self) -> str:
        """The message shown for the last refused action, or ""."""
        return self.error_label.text()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
