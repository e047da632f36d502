"""The console window: queue, presenting product, KPIs, status.

It never touches the database or a socket: it reads the engine's state on a
frame timer (the UI pulls) and sends operator actions as commands.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.domain.money import format_money
from console.engine.session import CommandError, LiveSession

FRAME_MS = 100


def plain_label(text: str = "") -> QLabel:
    """A label that never interprets viewer- or file-supplied text as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class MainWindow(QMainWindow):
    def __init__(self, session: LiveSession) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle(self.tr("Live Console — {0}").format(session.state.title))
        self.resize(1100, 700)

        self.queue = QListWidget()
        self.queue.itemDoubleClicked.connect(self._present_item)
        self.presenting = plain_label()
        self.presenting.setObjectName("presenting")
        self.presenting.setStyleSheet("font-size: 22px; font-weight: 600;")
        self.presenting.setWordWrap(True)

        self.kpis: dict[str, QLabel] = {}
        grid = QGridLayout()
        names = [("gmv", self.tr("GMV")), ("orders", self.tr("Orders")), ("units", self.tr("Units")),
                 ("aov", self.tr("AOV")), ("viewers", self.tr("Viewers online")),
                 ("peak", self.tr("Peak")), ("entries", self.tr("Entries")),
                 ("likes", self.tr("Likes")), ("comments", self.tr("Comments"))]  # fmt: skip
        for i, (key, caption) in enumerate(names):
            value = plain_label("0")
            value.setObjectName(f"kpi_{key}")
            value.setStyleSheet("font-size: 20px; font-weight: 600;")
            grid.addWidget(plain_label(caption), (i // 3) * 2, i % 3)
            grid.addWidget(value, (i // 3) * 2 + 1, i % 3)
            self.kpis[key] = value

        prev_btn = QPushButton(self.tr("◀ Previous (PgUp)"))
        next_btn = QPushButton(self.tr("Next (PgDown) ▶"))
        prev_btn.clicked.connect(lambda: self.step(-1))
        next_btn.clicked.connect(lambda: self.step(+1))
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self, lambda: self.step(+1))
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self, lambda: self.step(-1))

        buttons = QHBoxLayout()
        buttons.addWidget(prev_btn)
        buttons.addWidget(next_btn)
        right = QVBoxLayout()
        right.addWidget(plain_label(self.tr("Now presenting")))
        right.addWidget(self.presenting)
        right.addLayout(buttons)
        right.addLayout(grid)
        right.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.queue, 2)
        body.addLayout(right, 3)
        central = QWidget()
        central.setLayout(body)
        self.setCentralWidget(central)

        self.status = plain_label()
        self.statusBar().addWidget(self.status)
        self._last_events = 0
        self.frames = 0
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(FRAME_MS)
        self.refresh()

    def step(self, direction: int) -> None:
        try:
            self.session.present_step(direction)
        except CommandError as e:
            QMessageBox.warning(self, self.tr("Cannot present"), str(e))
        self.refresh()

    def _present_item(self, item: QListWidgetItem) -> None:
        try:
            self.session.present(item.data(Qt.ItemDataRole.UserRole))
        except CommandError as e:
            QMessageBox.warning(self, self.tr("Cannot present"), str(e))
        self.refresh()

    def refresh(self) -> None:
        """One frame: read the state, update what changed."""
        self.frames += 1
        s = self.session.state
        t = s.totals
        cur = s.currency
        values = {
            "gmv": format_money(t.gmv_minor, cur), "orders": f"{t.orders:,}", "units": f"{t.units:,}",
            "aov": format_money(t.aov_minor, cur), "viewers": f"{t.viewers:,}",
            "peak": f"{t.peak_viewers:,}", "entries": f"{t.entries:,}",
            "likes": f"{t.likes:,}", "comments": f"{t.comments:,}",
        }  # fmt: skip
        for key, text in values.items():
            if self.kpis[key].text() != text:
                self.kpis[key].setText(text)
        rows = [
            f"{'▶ ' if sku == s.presenting else '   '}{s.products[sku].product.title}   "
            f"{format_money(s.price_of(sku), cur)}   {self.tr('stock')} {s.stock_of(sku)}   "
            f"{self.tr('sold')} {s.products[sku].units}"
            for sku in s.queue
        ]
        if self.queue.count() != len(rows):
            self.queue.clear()
            for sku in s.queue:
                item = QListWidgetItem()
                item.setData(Qt.ItemDataRole.UserRole, sku)
                self.queue.addItem(item)
        for i, (sku, text) in enumerate(zip(s.queue, rows, strict=True)):
            item = self.queue.item(i)
            if item.text() != text:
                item.setText(text)
                item.setData(Qt.ItemDataRole.UserRole, sku)
        title = s.products[s.presenting].product.title if s.presenting else self.tr("(nothing)")
        if self.presenting.text() != title:
            self.presenting.setText(title)
        rate = (t.events - self._last_events) * 1000 // FRAME_MS
        self._last_events = t.events
        self.status.setText(
            self.tr("Simulator live · {0} events/s · write lag {1:.0f} ms · {2}").format(
                rate, self.session.writer.lag_ms(), self.session.path.name
            )
        )
