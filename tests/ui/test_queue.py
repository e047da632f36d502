"""The product queue: the model follows the log, the panel turns keys and clicks into commands."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QAbstractItemView, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from console.domain.catalog import Product
from console.engine.session import LiveSession
from console.ui.product_dialog import ProductDialog
from console.ui.queue import (
    COL_PRICE,
    COL_SKU,
    COL_SOLD,
    COL_STOCK,
    COL_THUMB,
    COL_TITLE,
    COLUMNS,
    QueueModel,
    QueuePanel,
)

pytestmark = pytest.mark.usefixtures("qapp")  # pictures (QPixmap) need a QGuiApplication

EVIL = "<img src=x onerror=alert(1)>"
DISPLAY = Qt.ItemDataRole.DisplayRole


def text(model: QueueModel, row: int, col: int) -> str:
    return str(model.data(model.index(row, col), DISPLAY))


@pytest.fixture
def panel(qtbot: QtBot, session: LiveSession) -> QueuePanel:
    p = QueuePanel(session, session)
    qtbot.addWidget(p)
    p.show()
    p.activateWindow()
    qtbot.waitUntil(p.isActiveWindow)
    return p


def open_dialog(panel: QueuePanel) -> ProductDialog:
    dialogs = [d for d in panel.findChildren(ProductDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def answer_box(panel: QueuePanel, button: QMessageBox.StandardButton) -> QMessageBox:
    boxes = [b for b in panel.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    boxes[0].button(button).click()
    return boxes[0]


# -- the model ----------------------------------------------------------------------------
def test_model_tester_through_every_kind_of_change(
    qtmodeltester: ModelTester, session: LiveSession
) -> None:
    model = QueueModel(session.reorder)
    model.refresh(session.state)
    qtmodeltester.check(model)
    session.present("TEA")
    session.ingest([{"kind": "order", "order_id": "1", "sku": "TEA", "qty": 2}], "sim")
    model.refresh(session.state)
    session.add_product(Product("NEW", "New thing", 100, 5))
    model.refresh(session.state)
    session.reorder(["NEW", "TEE", "MASK", "TEA"])
    model.refresh(session.state)
    session.remove_product("MASK")
    model.refresh(session.state)
    session.add_product(Product("MASK", "Back again", 100, 5))
    session.remove_product("TEE")
    model.refresh(session.state)  # two changes in one frame: a reset
    assert model.skus() == session.state.queue == ["NEW", "TEA", "MASK"]
    assert text(model, 2, COL_TITLE) == "Back again"


def test_columns_show_the_state(session: LiveSession) -> None:
    model = QueueModel()
    model.refresh(session.state)
    assert model.rowCount() == 3
    assert model.columnCount() == COLUMNS
    assert [text(model, r, COL_SKU) for r in range(3)] == ["MASK", "TEA", "TEE"]
    assert text(model, 0, COL_TITLE) == "保湿面膜 10片"
    assert text(model, 0, COL_PRICE) == "¥59.90"
    assert text(model, 0, COL_STOCK) == "100"
    assert text(model, 0, COL_SOLD) == "0"
    assert text(model, 2, COL_STOCK) == "30"  # both variants
    assert not model.data(model.index(0, COL_THUMB), Qt.ItemDataRole.DecorationRole).isNull()


def test_changed_price_shows_the_listed_price_too(session: LiveSession) -> None:
    model = QueueModel()
    session.set_price("MASK", 4990)
    model.refresh(session.state)
    assert text(model, 0, COL_PRICE) == "¥49.90 (¥59.90)"


def test_refresh_signals_only_the_cells_that_changed(session: LiveSession) -> None:
    model = QueueModel()
    model.refresh(session.state)
    changes: list[tuple[int, int, int, int]] = []
    resets: list[bool] = []
    model.dataChanged.connect(
        lambda tl, br, _roles: changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    model.modelReset.connect(lambda: resets.append(True))
    model.refresh(session.state)
    assert changes == []
    session.ingest([{"kind": "order", "order_id": "1", "sku": "TEA", "qty": 2}], "sim")
    model.refresh(session.state)
    assert changes == [(1, COL_STOCK, 1, COL_SOLD)]
    changes.clear()
    session.present("TEE")
    model.refresh(session.state)
    assert changes == [(2, 0, 2, COLUMNS - 1)]
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, _last: inserted.append(first))
    session.add_product(Product("NEW", "New", 100, 1))
    model.refresh(session.state)
    assert inserted == [3]
    assert resets == []


def test_presenting_row_is_marked(session: LiveSession) -> None:
    model = QueueModel()
    session.present("TEA")
    model.refresh(session.state)
    assert text(model, 1, COL_TITLE) == "▶ Oolong tea 乌龙茶"
    font = model.data(model.index(1, COL_SKU), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert isinstance(model.data(model.index(1, COL_SOLD), Qt.ItemDataRole.BackgroundRole), QBrush)
    assert model.data(model.index(0, COL_TITLE), Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(0, COL_TITLE), Qt.ItemDataRole.BackgroundRole) is None
    assert text(model, 0, COL_TITLE) == "保湿面膜 10片"


def test_titles_are_literal_text(session: LiveSession) -> None:
    session.add_product(Product("EVIL", EVIL, 100, 5))
    model = QueueModel()
    model.refresh(session.state)
    assert text(model, 3, COL_TITLE) == EVIL
    session.present("EVIL")
    model.refresh(session.state)
    assert text(model, 3, COL_TITLE) == "▶ " + EVIL


def test_drop_asks_for_the_new_order_and_moves_nothing_itself(session: LiveSession) -> None:
    asked: list[list[str]] = []
    model = QueueModel(asked.append)
    model.refresh(session.state)
    data = model.mimeData([model.index(2, COL_TITLE), model.index(2, COL_SKU)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert asked == [["TEE", "MASK", "TEA"]]
    assert model.skus() == ["MASK", "TEA", "TEE"]  # until the logged reorder comes back
    data = model.mimeData([model.index(0, COL_TITLE)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1, QModelIndex())
    assert asked[-1] == ["TEA", "TEE", "MASK"]  # dropped below the last row


def test_drop_onto_own_place_or_foreign_data_does_nothing(session: LiveSession) -> None:
    asked: list[list[str]] = []
    model = QueueModel(asked.append)
    model.refresh(session.state)
    data = model.mimeData([model.index(1, COL_TITLE)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 1, 0, QModelIndex())
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 2, 0, QModelIndex())
    assert asked == []
    data.setData("application/x-live-console-skus", b'["NOPE"]')
    assert not model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not model.dropMimeData(data, Qt.DropAction.CopyAction, 0, 0, QModelIndex())


def test_read_only_model_offers_no_drags(session: LiveSession) -> None:
    model = QueueModel()
    model.refresh(session.state)
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert not model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    model.move(0, 1)  # nothing to call, nothing raised


def test_move_stops_at_the_ends(session: LiveSession) -> None:
    asked: list[list[str]] = []
    model = QueueModel(asked.append)
    model.refresh(session.state)
    model.move(0, -1)
    model.move(2, 1)
    assert asked == []
    model.move(2, -1)
    assert asked == [["MASK", "TEE", "TEA"]]


# -- the panel ----------------------------------------------------------------------------
def test_keyboard_selects_and_enter_presents(
    qtbot: QtBot, panel: QueuePanel, session: LiveSession
) -> None:
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus)
    assert panel.selected_sku() == "MASK"  # focus lands on a selected row
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert panel.selected_sku() == "TEA"
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert session.state.presenting == "TEA"
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    qtbot.keyClick(panel.view, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert session.state.presenting == "TEE"
    assert panel.model.data(panel.model.index(2, COL_TITLE), DISPLAY).startswith("▶ ")


def test_double_click_presents(qtbot: QtBot, panel: QueuePanel, session: LiveSession) -> None:
    index = panel.proxy.index(2, COL_SKU)
    rect = panel.view.visualRect(index)
    viewport = panel.view.viewport()
    # QTest's double click sends no press first; an item view wants the press it pairs with.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.state.presenting is None  # a single click only selects
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert session.state.presenting == "TEE"


def test_present_next_and_previous(panel: QueuePanel, session: LiveSession) -> None:
    panel.present_next()
    assert session.state.presenting == "MASK"
    panel.present_next()
    assert session.state.presenting == "TEA"
    panel.present_previous()
    panel.present_previous()
    assert session.state.presenting == "TEE"  # wraps around
    assert [
        e
        for e in (panel.model.data(panel.model.index(r, COL_TITLE), DISPLAY) for r in range(3))
        if e.startswith("▶")
    ] == ["▶ Cotton tee"]


def test_ctrl_down_moves_the_selected_product_through_a_command(
    qtbot: QtBot, panel: QueuePanel, session: LiveSession
) -> None:
    panel.select("MASK")
    seq = session.state.last_seq
    qtbot.keyClick(panel.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert session.state.queue == ["TEA", "MASK", "TEE"]
    assert session.state.last_seq == seq + 1
    assert panel.model.skus() == ["TEA", "MASK", "TEE"]
    assert panel.selected_sku() == "MASK"  # the selection moved with the product
    qtbot.keyClick(panel.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)  # at the end
    qtbot.keyClick(panel.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert session.state.queue == ["TEA", "MASK", "TEE"]
    assert session.state.last_seq == seq + 3


def test_drop_on_the_panel_reorders_the_session(panel: QueuePanel, session: LiveSession) -> None:
    proxy = panel.proxy
    data = proxy.mimeData([proxy.index(0, COL_TITLE)])
    assert proxy.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert session.state.queue == ["TEA", "TEE", "MASK"]
    assert panel.model.skus() == session.state.queue


def test_filter_matches_title_and_sku_and_stops_reordering(
    qtbot: QtBot, panel: QueuePanel, session: LiveSession
) -> None:
    assert panel.view.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove
    qtbot.keyClicks(panel.filter, "OOLONG")
    assert panel.proxy.rowCount() == 1
    assert panel.proxy.index(0, COL_SKU).data() == "TEA"
    panel.filter.setText("tee-")  # no product SKU or title has it
    assert panel.proxy.rowCount() == 0
    panel.filter.setText("mas")
    assert panel.proxy.index(0, COL_SKU).data() == "MASK"
    assert panel.view.dragDropMode() == QAbstractItemView.DragDropMode.NoDragDrop
    assert "filter" in panel.view.toolTip()
    panel.select("MASK")
    with qtbot.waitSignal(panel.error) as blocker:
        panel.move_selected(1)
    assert "filter" in blocker.args[0]
    assert session.state.queue == ["MASK", "TEA", "TEE"]
    panel.filter.clear()
    assert panel.proxy.rowCount() == 3
    assert panel.view.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove


def test_add_through_the_dialog(panel: QueuePanel, session: LiveSession) -> None:
    panel.add()
    dialog = open_dialog(panel)
    dialog.sku.setText("SOAP")
    dialog.title_edit.setText("Handmade soap")
    dialog.price.setText("19.90")
    dialog.stock.setText("40")
    dialog.accept()
    assert session.state.queue[-1] == "SOAP"
    assert session.state.products["SOAP"].product.price_minor == 1990
    assert panel.selected_sku() == "SOAP"


def test_edit_changes_the_title_and_keeps_sales(panel: QueuePanel, session: LiveSession) -> None:
    session.ingest([{"kind": "order", "order_id": "1", "sku": "MASK", "qty": 3}], "sim")
    session.set_price("MASK", 4990)
    panel.select("MASK")
    panel.edit_selected()
    dialog = open_dialog(panel)
    assert dialog.sku.isReadOnly()
    assert dialog.stock.text() == "97"
    assert dialog.price.text() == "49.90"
    dialog.title_edit.setText("面膜 new")
    dialog.accept()
    product = session.state.products["MASK"].product
    assert product.title == "面膜 new"
    assert session.state.stock_of("MASK") == 97
    assert session.state.products["MASK"].units == 3


def test_edit_keeps_variants(panel: QueuePanel, session: LiveSession) -> None:
    session.ingest([{"kind": "order", "order_id": "1", "sku": "TEE-M", "qty": 2}], "sim")
    panel.select("TEE")
    panel.edit_selected()
    dialog = open_dialog(panel)
    assert not dialog.stock.isEnabled()
    dialog.title_edit.setText("Cotton tee v2")
    dialog.accept()
    product = session.state.products["TEE"].product
    assert [v.sku for v in product.variants] == ["TEE-S", "TEE-M"]
    assert session.state.skus["TEE-M"].stock == 18


def test_duplicate_creates_a_new_sku(panel: QueuePanel, session: LiveSession) -> None:
    panel.select("MASK")
    panel.duplicate_selected()
    dialog = open_dialog(panel)
    assert dialog.sku.text() == "MASK-copy"
    assert not dialog.sku.isReadOnly()
    dialog.accept()
    assert session.state.queue == ["MASK", "TEA", "TEE", "MASK-copy"]
    assert session.state.products["MASK-copy"].product.title == "保湿面膜 10片"
    panel.select("MASK")
    panel.duplicate_selected()
    assert open_dialog(panel).sku.text() == "MASK-copy2"


def test_duplicate_renames_variants(panel: QueuePanel, session: LiveSession) -> None:
    panel.select("TEE")
    panel.duplicate_selected()
    open_dialog(panel).accept()
    assert [v.sku for v in session.state.products["TEE-copy"].product.variants] == [
        "TEE-S-copy",
        "TEE-M-copy",
    ]


def test_remove_asks_first(panel: QueuePanel, session: LiveSession) -> None:
    panel.select("TEA")
    panel.remove_selected()
    answer_box(panel, QMessageBox.StandardButton.Cancel)
    assert "TEA" in session.state.queue
    panel.remove_selected()
    answer_box(panel, QMessageBox.StandardButton.Yes)
    assert session.state.queue == ["MASK", "TEE"]
    assert panel.model.skus() == ["MASK", "TEE"]
    assert session.state.products["TEA"].removed


def test_remove_confirmation_shows_the_title_as_text(
    panel: QueuePanel, session: LiveSession
) -> None:
    session.add_product(Product("EVIL", EVIL, 100, 5))
    panel.refresh()
    panel.select("EVIL")
    panel.remove_selected()
    box = answer_box(panel, QMessageBox.StandardButton.Cancel)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert EVIL in box.text()


def test_refused_commands_become_error_messages(
    qtbot: QtBot, panel: QueuePanel, session: LiveSession
) -> None:
    with qtbot.waitSignal(panel.error) as blocker:
        panel.present_selected()  # nothing selected
    assert "Select" in blocker.args[0]
    session.end()
    panel.refresh()
    assert not panel.add_button.isEnabled()
    with qtbot.waitSignal(panel.error) as blocker:
        panel.present_next()
    assert blocker.args[0] == "session has ended"


def test_buttons_follow_the_selection(panel: QueuePanel) -> None:
    assert panel.add_button.isEnabled()
    assert not panel.edit_button.isEnabled()
    panel.select("TEA")
    assert panel.edit_button.isEnabled()
    panel.present_button.click()
    assert panel.source.state.presenting == "TEA"


def test_read_only_panel_has_no_editing(qtbot: QtBot, session: LiveSession) -> None:
    panel = QueuePanel(session, None)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.buttons.isVisible()
    assert panel.view.dragDropMode() == QAbstractItemView.DragDropMode.NoDragDrop
    seq = session.state.last_seq
    panel.select("TEA")
    for action in (panel.present_selected, panel.present_next, panel.add, panel.remove_selected):
        action()
    panel.move_selected(1)
    assert session.state.last_seq == seq
    assert panel.findChild(ProductDialog) is None
