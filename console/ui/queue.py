"""The run of show: the product queue, with the presenting product marked.

The model mirrors `state.queue` and never changes it: a drag, Ctrl+Up/Down
or a button becomes a session command, the log records it, and the next
frame's `refresh` shows the result. Refresh touches only what changed, so a
busy room (stock and sold counts moving every frame) repaints a few cells.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFocusEvent, QFont, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.domain.catalog import Product
from console.domain.money import DEFAULT_CURRENCY
from console.domain.state import SessionState
from console.engine.session import CommandError, LiveSession
from console.engine.source import ConsoleSource
from console.ui.formatting import count, money
from console.ui.product_dialog import Mode, ProductDialog, duplicate
from console.ui.thumbnails import thumbnail

COL_THUMB, COL_TITLE, COL_SKU, COL_PRICE, COL_STOCK, COL_SOLD = range(6)
FIT_COLUMNS_EVERY_S = 1.0
COLUMNS = 6
SKU_ROLE = Qt.ItemDataRole.UserRole
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1  # title and SKU, what the filter box matches
MIME_TYPE = "application/x-live-console-skus"
THUMB_SIZE = 32
PRESENTING_MARK = "▶ "
PRESENTING_ALPHA = 64  # the theme's accent, translucent so the row's text keeps its contrast
_ROOT = QModelIndex()
_NUMERIC = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

Index = QModelIndex | QPersistentModelIndex


class _Row(NamedTuple):
    """What one row shows; compared frame to frame to find the cells that changed."""

    product: Product
    price_minor: int
    stock: int
    sold: int
    presenting: bool


def _row(state: SessionState, sku: str) -> _Row:
    ps = state.products[sku]
    return _Row(
        ps.product, state.price_of(sku), state.stock_of(sku), ps.units, state.presenting == sku
    )


def _catalog_price(product: Product) -> int:
    """The price the product was listed at, the baseline a changed price is shown against."""
    if product.variants:
        return min(v.price_minor for v in product.variants)
    return product.price_minor


def _changed_columns(old: _Row, new: _Row) -> tuple[int, int]:
    if old.product != new.product or old.presenting != new.presenting:
        return 0, COLUMNS - 1
    cols = [
        col
        for col, a, b in (
            (COL_PRICE, old.price_minor, new.price_minor),
            (COL_STOCK, old.stock, new.stock),
            (COL_SOLD, old.sold, new.sold),
        )
        if a != b
    ]
    return min(cols), max(cols)


def _removed_at(old: list[str], new: list[str]) -> int | None:
    """The row whose removal turns `old` into `new`, if one removal does."""
    i = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
    return i if old[:i] + old[i + 1 :] == new else None


class QueueModel(QAbstractTableModel):
    """The queue as table rows; `refresh(state)` per frame, `reorder` for every move."""

    def __init__(
        self, reorder: Callable[[list[str]], object] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._reorder = reorder
        self._skus: list[str] = []
        self._rows: list[_Row] = []
        self._currency = DEFAULT_CURRENCY
        self._bold = QFont()
        self._bold.setBold(True)

    # -- following the state --------------------------------------------------------------
    def refresh(self, state: SessionState) -> None:
        if state.queue != self._skus or state.currency != self._currency:
            self._restructure(state)
        # Sales change a few numbers in many rows every frame: announce them as one
        # display-only change, so the filter proxy does not re-filter (that cost ~2 ms a row).
        numbers: list[tuple[int, int, int]] = []  # row, first and last changed column
        for i, sku in enumerate(self._skus):
            new = _row(state, sku)
            old = self._rows[i]
            if new != old:
                self._rows[i] = new
                first, last = _changed_columns(old, new)
                if first >= COL_PRICE:
                    numbers.append((i, first, last))
                else:
                    self.dataChanged.emit(self.index(i, first), self.index(i, last))
        if numbers:
            self.dataChanged.emit(
                self.index(numbers[0][0], min(n[1] for n in numbers)),
                self.index(numbers[-1][0], max(n[2] for n in numbers)),
                [Qt.ItemDataRole.DisplayRole],
            )

    def _restructure(self, state: SessionState) -> None:
        """Follow a changed queue with the smallest change views understand.

        Appends, single removals and reorders keep the views' selection and
        scroll position; anything else resets.
        """
        old, new = self._skus, list(state.queue)
        n = len(old)
        if state.currency != self._currency:
            self._reset(state)
        elif len(new) > n and new[:n] == old:
            self.beginInsertRows(_ROOT, n, len(new) - 1)
            self._skus = new
            self._rows.extend(_row(state, sku) for sku in new[n:])
            self.endInsertRows()
        elif len(new) == n - 1 and (gone := _removed_at(old, new)) is not None:
            self.beginRemoveRows(_ROOT, gone, gone)
            self._skus = new
            del self._rows[gone]
            self.endRemoveRows()
        elif sorted(new) == sorted(old):
            self.layoutAboutToBeChanged.emit()
            position = {sku: i for i, sku in enumerate(new)}
            persistent = self.persistentIndexList()
            moved = [self.index(position[old[p.row()]], p.column()) for p in persistent]
            self.changePersistentIndexList(persistent, moved)
            by_sku = dict(zip(old, self._rows, strict=True))
            self._skus = new
            self._rows = [by_sku[sku] for sku in new]
            self.layoutChanged.emit()
        else:
            self._reset(state)

    def _reset(self, state: SessionState) -> None:
        self.beginResetModel()
        self._skus = list(state.queue)
        self._rows = [_row(state, sku) for sku in self._skus]
        self._currency = state.currency
        self.endResetModel()

    def skus(self) -> list[str]:
        """The queue as last refreshed."""
        return list(self._skus)

    def row_of(self, sku: str) -> int:
        return self._skus.index(sku) if sku in self._skus else -1

    # -- reading --------------------------------------------------------------------------
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        product = row.product
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_THUMB:
            return thumbnail(product, THUMB_SIZE)
        if role == Qt.ItemDataRole.FontRole and row.presenting:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole and row.presenting:
            # Read per paint, not cached: the theme (and so the palette) can change live.
            accent = QGuiApplication.palette().color(QPalette.ColorRole.Accent)
            accent.setAlpha(PRESENTING_ALPHA)
            return QBrush(accent)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_PRICE, COL_STOCK, COL_SOLD):
            return int(_NUMERIC)
        if role == Qt.ItemDataRole.AccessibleTextRole and col == COL_TITLE and row.presenting:
            return self.tr("Presenting: {0}").format(product.title)
        if role == SKU_ROLE:
            return product.sku
        if role == SEARCH_ROLE:
            return f"{product.title}\n{product.sku}"
        return None

    def _display(self, row: _Row, col: int) -> str | None:
        product = row.product
        if col == COL_TITLE:
            return PRESENTING_MARK + product.title if row.presenting else product.title
        if col == COL_SKU:
            return product.sku
        if col == COL_PRICE:
            text = money(row.price_minor, self._currency)
            listed = _catalog_price(product)
            if listed != row.price_minor:
                text += f" ({money(listed, self._currency)})"
            return text
        if col == COL_STOCK:
            return count(row.stock)
        if col == COL_SOLD:
            return count(row.sold)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMNS:
            return super().headerData(section, orientation, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                "",
                self.tr("Product"),
                self.tr("SKU"),
                self.tr("Price"),
                self.tr("Stock"),
                self.tr("Sold"),
            )[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                self.tr("Picture"),
                self.tr("Title; ▶ marks the product being presented"),
                self.tr("Stock keeping unit"),
                self.tr("Current price (listed price in brackets when it differs)"),
                self.tr("Units left"),
                self.tr("Units sold this session"),
            )[section]
        return None

    # -- moving ---------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        movable = self._reorder is not None
        if not index.isValid():
            # Drops land between rows, never on one: rows are not containers.
            return Qt.ItemFlag.ItemIsDropEnabled if movable else Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        return flags | Qt.ItemFlag.ItemIsDragEnabled if movable else flags

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(MIME_TYPE, json.dumps([self._skus[r] for r in rows]).encode())
        return data

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Ask for the new order; the rows move when the logged reorder comes back."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        if self._reorder is None or action != Qt.DropAction.MoveAction:
            return False
        try:
            dragged = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        except ValueError:
            return False
        if (
            not isinstance(dragged, list)
            or not dragged
            or not all(isinstance(s, str) and s in self._skus for s in dragged)
        ):
            return False
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._skus)
        moving = set(dragged)
        block = [s for s in self._skus if s in moving]
        rest = [s for s in self._skus if s not in moving]
        at = row - sum(1 for s in self._skus[:row] if s in moving)
        new = rest[:at] + block + rest[at:]
        if new != self._skus:
            self._reorder(new)
        return True

    def move(self, row: int, delta: int) -> None:
        """Move one product up (delta < 0) or down the queue, stopping at the ends."""
        target = row + delta
        n = len(self._skus)
        if self._reorder is None or not (0 <= row < n and 0 <= target < n) or delta == 0:
            return
        new = list(self._skus)
        new.insert(target, new.pop(row))
        self._reorder(new)


class QueueView(QTableView):
    """The table, plus the keys that act on the queue rather than move the cursor."""

    present_requested = Signal()
    move_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods == Qt.KeyboardModifier.NoModifier:
            self.present_requested.emit()
        elif (
            key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and mods == Qt.KeyboardModifier.ControlModifier
        ):
            self.move_requested.emit(-1 if key == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbing in selects the cursor's row, so Enter presents what the operator sees."""
        super().focusInEvent(event)
        current = self.currentIndex()
        if current.isValid() and not self.selectionModel().hasSelection():
            self.selectRow(current.row())


def taken_skus(state: SessionState) -> set[str]:
    """SKUs a new product may not use; a removed product may come back under its own."""
    removed = {sku for sku, p in state.products.items() if p.removed}
    return (set(state.products) | set(state.skus)) - removed


def current_product(state: SessionState, sku: str) -> Product:
    """The product with its units' current price and stock.

    `product_updated` reinstalls the units from the product, so editing the
    title with the listed stock would undo every sale: start from the present.
    """
    product = state.products[sku].product
    if product.variants:
        variants = tuple(
            replace(v, price_minor=state.skus[v.sku].price_minor, stock=state.skus[v.sku].stock)
            for v in product.variants
        )
        return product.with_changes(variants=variants)
    unit = state.skus[sku]
    return product.with_changes(price_minor=unit.price_minor, stock=unit.stock)


class QueuePanel(QWidget):
    """Filter, table and buttons; every change is an operator command on the session.

    With `session` None (replay) the queue is read-only: no buttons, no drags.
    CommandError messages go out on `error` for the window to show.
    """

    error = Signal(str)

    def __init__(
        self, source: ConsoleSource, session: LiveSession | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("queuePanel")
        self.source = source
        self.session = session
        self.model = QueueModel(self._reorder if session is not None else None, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterKeyColumn(COL_TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("queueFilter")
        self.filter.setPlaceholderText(self.tr("Filter by title or SKU"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setToolTip(self.tr("Reordering is off while a filter is set."))
        self.filter.textChanged.connect(self._filter_changed)

        self.view = QueueView(self)
        self.view.setObjectName("queueView")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(THUMB_SIZE + 6)
        self.view.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        # ResizeToContents would measure every row on every sale (milliseconds per
        # frame at peak): columns are fitted on a slow clock in refresh() instead.
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_THUMB, THUMB_SIZE + 10)
        # SKUs can be long; the title is what the operator reads, so it gets the room.
        header.resizeSection(COL_SKU, 84)
        self._fitted_at = -FIT_COLUMNS_EVERY_S
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setMinimumWidth(400)
        self.view.doubleClicked.connect(self._present_index)
        self.view.present_requested.connect(self.present_selected)
        self.view.move_requested.connect(self.move_selected)
        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.setFocusProxy(self.view)

        self.present_button = self._button(self.tr("Present"), self.present_selected)
        self.add_button = self._button(self.tr("Add…"), self.add)
        self.edit_button = self._button(self.tr("Edit…"), self.edit_selected)
        self.duplicate_button = self._button(self.tr("Duplicate…"), self.duplicate_selected)
        self.remove_button = self._button(self.tr("Remove…"), self.remove_selected)
        self.remove_button.setProperty("danger", "true")
        self.buttons = QWidget(self)
        row = QHBoxLayout(self.buttons)
        row.setContentsMargins(0, 0, 0, 0)
        for b in (
            self.present_button,
            self.add_button,
            self.edit_button,
            self.duplicate_button,
            self.remove_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        self.buttons.setVisible(session is not None)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self._filter_changed("")
        self.refresh()

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        return button

    # -- frames ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.refresh(self.source.state)
        now = time.monotonic()
        if now - self._fitted_at >= FIT_COLUMNS_EVERY_S:
            self._fitted_at = now
            for col in (COL_PRICE, COL_STOCK, COL_SOLD):
                self.view.resizeColumnToContents(col)
        self._update_actions()

    def _update_actions(self) -> None:
        live = self.session is not None and self.source.state.status == "live"
        chosen = live and self.selected_sku() is not None
        self.add_button.setEnabled(live)
        for b in (self.present_button, self.edit_button, self.duplicate_button, self.remove_button):
            b.setEnabled(chosen)

    # -- selection and filter -------------------------------------------------------------
    def selected_sku(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return str(rows[0].data(SKU_ROLE)) if rows else None

    def select(self, sku: str) -> None:
        row = self.model.row_of(sku)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, COL_TITLE))
        if index.isValid():
            self.view.selectRow(index.row())
            self.view.scrollTo(index)

    def filtering(self) -> bool:
        return bool(self.filter.text().strip())

    def _filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        movable = self.session is not None and not self.filtering()
        self.view.setDragEnabled(movable)
        self.view.setAcceptDrops(movable)
        self.view.setDropIndicatorShown(movable)
        self.view.setDragDropMode(
            QAbstractItemView.DragDropMode.InternalMove
            if movable
            else QAbstractItemView.DragDropMode.NoDragDrop
        )
        if self.session is None:
            self.view.setToolTip("")
        elif movable:
            self.view.setToolTip(self.tr("Drag a row, or press Ctrl+Up / Ctrl+Down, to reorder."))
        else:
            self.view.setToolTip(self.tr("Clear the filter to reorder the queue."))
        self._update_actions()

    # -- commands -------------------------------------------------------------------------
    def _command(self, action: Callable[[], object]) -> bool:
        """Run one session command; a refusal becomes an `error` message, never an exception."""
        try:
            action()
        except CommandError as e:
            self.error.emit(str(e))
            return False
        self.refresh()
        return True

    def _reorder(self, queue: list[str]) -> None:
        if self.session is not None:
            self._command(partial(self.session.reorder, queue))

    def _present_index(self, index: QModelIndex) -> None:
        if self.session is not None and index.isValid():
            self._command(partial(self.session.present, str(index.data(SKU_ROLE))))

    def _need_selection(self) -> str | None:
        sku = self.selected_sku()
        if sku is None:
            self.error.emit(self.tr("Select a product in the queue first."))
        return sku

    def present_selected(self) -> None:
        if self.session is None:
            return
        sku = self._need_selection()
        if sku is not None:
            self._command(partial(self.session.present, sku))

    def present_next(self) -> None:
        self._step(1)

    def present_previous(self) -> None:
        self._step(-1)

    def _step(self, step: int) -> None:
        if self.session is not None and self._command(partial(self.session.present_step, step)):
            presenting = self.source.state.presenting
            row = self.model.row_of(presenting) if presenting else -1
            if row >= 0:
                self.view.scrollTo(self.proxy.mapFromSource(self.model.index(row, COL_TITLE)))

    def move_selected(self, delta: int) -> None:
        """Ctrl+Up / Ctrl+Down: move the selected product one place in the queue."""
        if self.session is None:
            return
        if self.filtering():
            self.error.emit(self.tr("Clear the filter to reorder the queue."))
            return
        sku = self._need_selection()
        if sku is None:
            return
        self.refresh()  # reorder what the log has, not what the last frame showed
        self.model.move(self.model.row_of(sku), delta)

    def _open(self, mode: Mode, product: Product | None, submit: Callable[[Product], None]) -> None:
        state = self.source.state
        dialog = ProductDialog(
            state.currency, taken_skus(state), product, mode=mode, submit=submit, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _saved(self, command: Callable[[Product], object], product: Product) -> None:
        """Run the dialog's command (a refusal stays in the dialog) and select the result."""
        command(product)
        self.refresh()
        self.select(product.sku)

    def add(self) -> None:
        if self.session is not None:
            self._open("add", None, partial(self._saved, self.session.add_product))

    def edit_selected(self) -> None:
        if self.session is None:
            return
        sku = self._need_selection()
        if sku is not None:
            product = current_product(self.source.state, sku)
            self._open("edit", product, partial(self._saved, self.session.update_product))

    def duplicate_selected(self) -> None:
        if self.session is None:
            return
        sku = self._need_selection()
        if sku is not None:
            state = self.source.state
            used = set(state.products) | set(state.skus)  # never revive a removed product's history
            copy = duplicate(current_product(state, sku), used)
            self._open("duplicate", copy, partial(self._saved, self.session.add_product))

    def remove_selected(self) -> None:
        """Ask first (non-blocking, safe under qasync); the sales so far stay in the log."""
        if self.session is None:
            return
        sku = self._need_selection()
        if sku is None:
            return
        title = self.source.state.products[sku].product.title
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Remove product"),
            self.tr(
                "Remove “{0}” ({1}) from the queue? Its sales so far stay in the session."
            ).format(title, sku),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the title is untrusted text
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(partial(self._remove_answered, box, sku))
        box.open()

    def _remove_answered(self, box: QMessageBox, sku: str, _result: int) -> None:
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            session = self.session
            if session is not None:
                self._command(partial(session.remove_product, sku))
