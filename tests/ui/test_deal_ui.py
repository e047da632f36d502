"""Flash deals in the window: the setup dialog and the countdown panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.engine.session import LiveSession
from console.ui.deal_dialog import DealDialog
from console.ui.deal_panel import DealPanel


def make_dialog(qtbot: QtBot, session: LiveSession, sku: str = "MASK") -> DealDialog:
    dialog = DealDialog(session, sku)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def make_panel(qtbot: QtBot, session: LiveSession, *, read_only: bool = False) -> DealPanel:
    panel = DealPanel(session, None if read_only else session)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def launch(session: LiveSession, sku: str = "MASK", *, quantity: int = 5, per_buyer: int = 5,
           countdown_s: int = 0, duration_s: int = 60) -> int:  # fmt: skip
    ev = session.schedule_deal(
        DealSpec(
            sku,
            deal_price_minor=3990,
            quantity=quantity,
            per_buyer=per_buyer,
            countdown_s=countdown_s,
            duration_s=duration_s,
        )
    )
    return ev.seq


def order(n: int, sku: str = "MASK", qty: int = 1) -> dict[str, object]:
    return {"kind": "order", "order_id": f"o{n}", "buyer_id": f"b{n}", "sku": sku, "qty": qty}


# -- the dialog -------------------------------------------------------------------------------
def test_dialog_launches_a_deal(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make_dialog(qtbot, session)
    dialog.price.setText("39.90")
    dialog.quantity.setValue(20)
    dialog.per_buyer.setValue(2)
    dialog.countdown.setCurrentIndex(dialog.countdown.findData(10))
    dialog.duration.setValue(3)
    dialog.launch_button.click()

    assert dialog.result() == DealDialog.DialogCode.Accepted
    assert dialog.error() == ""
    (deal,) = session.state.deals.values()
    assert (deal.sku, deal.deal_price_minor, deal.regular_price_minor) == ("MASK", 3990, 5990)
    assert (deal.quantity, deal.per_buyer, deal.countdown_s, deal.duration_s) == (20, 2, 10, 180)
    assert deal.starts_at_ms == session.now_ms()


def test_percent_off_on_one_variant(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make_dialog(qtbot, session, "TEE")
    assert [dialog.unit.itemData(i) for i in range(dialog.unit.count())] == [
        "TEE",
        "TEE-S",
        "TEE-M",
    ]
    dialog.unit.setCurrentIndex(2)  # TEE-M, stock 20
    assert dialog.quantity.maximum() == 20
    dialog.percent_mode.setChecked(True)
    dialog.percent.setValue(25)
    dialog.quantity.setValue(20)
    dialog.launch_button.click()

    (deal,) = session.state.deals.values()
    assert (deal.sku, deal.units, deal.deal_price_minor) == ("TEE-M", ("TEE-M",), 10900 * 75 // 100)


def test_launch_at_a_later_time(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make_dialog(qtbot, session)
    dialog.price.setText("49")
    dialog.start_later.setChecked(True)
    later = session.now_ms() + 120_000
    dialog.start_at.setDateTime(QDateTime.fromMSecsSinceEpoch(later).toLocalTime())
    dialog.launch_button.click()

    (deal,) = session.state.deals.values()
    assert deal.starts_at_ms == later
    assert deal.status(session.now_ms()) == "scheduled"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"price": "69.00"}, "must be below the regular price"),
        ({"price": "39,90"}, "use a dot for decimals"),
        ({"price": "abc"}, "is not a price"),
        ({"price": ""}, "Enter the deal price"),
        ({"price": "39.90", "stock": 5}, "more than the stock"),
        ({"price": "39.90", "quantity": 3, "per_buyer": 4}, "per-buyer limit"),
    ],
)
def test_refused_input_shows_why_and_changes_nothing(
    qtbot: QtBot, session: LiveSession, setup: dict[str, object], message: str
) -> None:
    dialog = make_dialog(qtbot, session)
    dialog.price.setText(str(setup["price"]))
    if "quantity" in setup:
        dialog.quantity.setValue(int(str(setup["quantity"])))
    if "per_buyer" in setup:
        dialog.per_buyer.setValue(int(str(setup["per_buyer"])))
    if "stock" in setup:  # stock sold while the dialog was open: the spin's cap is stale
        dialog.quantity.setValue(50)
        session.set_stock("MASK", int(str(setup["stock"])))
    seq = session.state.last_seq

    dialog.launch_button.click()
    assert message in dialog.error()
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.isVisible()
    assert dialog.result() != DealDialog.DialogCode.Accepted
    dialog.prepare_button.click()
    assert message in dialog.error()
    assert session.state.last_seq == seq
    assert session.state.deals == {}
    assert session.state.prepared == {}


def test_save_as_prepared_and_prefill(qtbot: QtBot, session: LiveSession) -> None:
    dialog = make_dialog(qtbot, session, "TEA")
    dialog.percent_mode.setChecked(True)
    dialog.percent.setValue(30)
    dialog.quantity.setValue(12)
    dialog.per_buyer.setValue(3)
    dialog.countdown.setCurrentIndex(dialog.countdown.findData(30))
    dialog.duration.setValue(10)
    dialog.prepare_button.click()

    assert dialog.result() == DealDialog.DialogCode.Accepted
    assert session.state.deals == {}
    assert session.state.prepared["TEA"] == DealSpec("TEA", None, 30, 12, 3, 30, 600)

    again = make_dialog(qtbot, session, "TEA")
    assert again.percent_mode.isChecked()
    assert (again.percent.value(), again.quantity.value(), again.per_buyer.value()) == (30, 12, 3)
    assert (again.countdown.currentData(), again.duration.value()) == (30, 10)


def test_prefill_a_prepared_variant_price(qtbot: QtBot, session: LiveSession) -> None:
    session.prepare_deal(DealSpec("TEE-S", deal_price_minor=7900, quantity=4, countdown_s=45))
    dialog = make_dialog(qtbot, session, "TEE")
    assert dialog.selected_sku() == "TEE-S"
    assert dialog.price_mode.isChecked()
    assert dialog.price.text() == "79.00"
    assert dialog.countdown.currentData() == 45  # not a preset: added to the list


# -- the panel --------------------------------------------------------------------------------
def test_idle_hint(qtbot: QtBot, session: LiveSession) -> None:
    panel = make_panel(qtbot, session)
    assert not panel.showing()
    assert "press D" in panel.idle.text()
    assert panel.property("urgent") == "false"


def test_countdown_then_live(qtbot: QtBot, session: LiveSession, clock: VirtualClock) -> None:
    launch(session, countdown_s=10)
    panel = make_panel(qtbot, session)
    assert panel.showing()
    assert panel.findChild(type(panel.countdown), "dealCountdown") is panel.countdown
    assert (panel.phase.text(), panel.countdown.text()) == ("Starts in", "0:10")
    assert panel.title.text() == "保湿面膜 10片"
    assert (panel.price.text(), panel.regular.text()) == ("¥39.90", "¥59.90")
    assert panel.regular.font().strikeOut()
    assert panel.stop_button.isVisible()

    clock.advance(4000)
    panel.refresh()
    assert panel.countdown.text() == "0:06"

    clock.advance(6000)
    session.fire_due()
    panel.refresh()
    assert (panel.phase.text(), panel.countdown.text()) == ("Ends in", "1:00")
    assert panel.sold.text() == "0 / 5 sold"
    assert panel.property("urgent") == "false"


def test_last_ten_seconds_alert_once(
    qtbot: QtBot, session: LiveSession, clock: VirtualClock
) -> None:
    launch(session)
    panel = make_panel(qtbot, session)
    alerts: list[str] = []
    panel.alert.connect(alerts.append)

    clock.advance(49_000)
    session.fire_due()
    panel.refresh()
    assert alerts == []
    clock.advance(2_000)  # 9 s left
    session.fire_due()
    panel.refresh()
    assert panel.countdown.text() == "0:09"
    assert panel.property("urgent") == "true"
    for _ in range(3):
        clock.advance(1_000)
        session.fire_due()
        panel.refresh()
    assert len(alerts) == 1
    assert "last 10 seconds" in alerts[0]

    clock.advance(10_000)  # ends by time
    session.fire_due()
    panel.refresh()
    assert (panel.phase.text(), panel.countdown.text()) == ("Ended", "0:00")
    assert not panel.stop_button.isVisible()
    assert len(alerts) == 1

    clock.advance(10_000)  # an ended deal stays a few seconds only
    panel.refresh()
    assert not panel.showing()


def test_sold_out_alert_once(qtbot: QtBot, session: LiveSession, clock: VirtualClock) -> None:
    launch(session, quantity=3, per_buyer=1)
    panel = make_panel(qtbot, session)
    alerts: list[str] = []
    panel.alert.connect(alerts.append)

    session.ingest([order(1), order(2)], "feed")
    panel.refresh()
    assert panel.sold.text() == "2 / 3 sold"
    assert panel.progress.value() == 2
    assert alerts == []

    session.ingest([order(3)], "feed")
    panel.refresh()
    panel.refresh()
    assert session.state.live_deals == {}
    assert panel.phase.text() == "Sold out!"
    assert panel.property("urgent") == "true"
    assert len(alerts) == 1
    assert "sold out" in alerts[0]


def test_presenting_product_deal_comes_first(
    qtbot: QtBot, session: LiveSession, clock: VirtualClock
) -> None:
    launch(session, "MASK")
    launch(session, "TEA")
    session.fire_due()
    panel = make_panel(qtbot, session)
    assert panel.title.text() == "保湿面膜 10片"
    session.present("TEA")
    panel.refresh()
    assert panel.title.text() == "Oolong tea 乌龙茶"


def test_stop_after_confirmation(qtbot: QtBot, session: LiveSession) -> None:
    deal_id = launch(session)
    panel = make_panel(qtbot, session)

    panel.stop_button.click()
    box = panel.confirm_box
    assert box is not None
    assert box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert session.state.deals[deal_id].ended_at_ms is None

    panel.stop_button.click()
    box = panel.confirm_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    deal = session.state.deals[deal_id]
    assert (deal.ended_at_ms, deal.end_reason) == (session.now_ms(), "stopped")
    assert panel.phase.text() == "Ended"
    assert not panel.stop_button.isVisible()


def test_stop_refused_goes_out_on_error(qtbot: QtBot, session: LiveSession) -> None:
    deal_id = launch(session)
    panel = make_panel(qtbot, session)
    errors: list[str] = []
    panel.error.connect(errors.append)
    panel.stop_button.click()
    session.stop_deal(deal_id)  # stopped elsewhere (a remote) while the box was open
    box = panel.confirm_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    assert errors == [f"deal {deal_id} has already ended"]


def test_read_only_hides_stop(qtbot: QtBot, session: LiveSession) -> None:
    launch(session, countdown_s=10)
    panel = make_panel(qtbot, session, read_only=True)
    assert panel.showing()
    assert not panel.stop_button.isVisible()
    assert "press D" not in panel.idle.text()
