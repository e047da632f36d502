"""The comment and activity feed: what viewers say and do, newest at the bottom.

The panel pulls new events on the window's frame timer and appends them in one
batch. It follows the newest row until the operator scrolls up to read, then
holds still (even as old rows fall off the top) and offers a jump back. Questions
and keywords are highlighted; a comment can be pinned for the whole stream.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.domain.events import Event
from console.domain.state import PinnedComment
from console.engine.source import ConsoleSource
from console.ui.feed_model import KIND_ROLE, FeedModel, one_line, tooltip_html
from console.ui.widgets import plain_label

# Kinds the operator can hide; markers and pins are the operator's own and always show.
FILTER_KINDS = ("comment", "order", "follow", "gift", "share")
ALWAYS_SHOWN = ("marker", "comment_pinned")
BANNER_CHARS = 140  # a pinned 2,000-character comment must not push the feed off screen

# The pin callable's result is ignored: LiveSession.pin returns the logged event.
PinCallable = Callable[[Event | None], object]


class FeedPanel(QWidget):
    """Comments, orders, follows, gifts, shares and markers; `refresh()` once per frame."""

    def __init__(
        self, source: ConsoleSource, pin: PinCallable | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.source = source
        self._pin = pin
        self._last_seq = 0
        self._following = True
        self._unseen = 0
        self._scrolling = False  # our own scroll moves must not count as the operator's
        self._shown_pin: PinnedComment | None = None

        self.model = FeedModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(KIND_ROLE)

        captions = {
            "comment": self.tr("Comments"),
            "order": self.tr("Orders"),
            "follow": self.tr("Follows"),
            "gift": self.tr("Gifts"),
            "share": self.tr("Shares"),
        }
        bar = QHBoxLayout()
        bar.setSpacing(4)
        self.filters: dict[str, QToolButton] = {}
        for kind in FILTER_KINDS:
            button = QToolButton(self)
            button.setText(captions[kind])
            button.setCheckable(True)
            button.setChecked(True)
            button.setObjectName("feedFilter")
            button.toggled.connect(self._apply_filter)
            bar.addWidget(button)
            self.filters[kind] = button
        bar.addStretch(1)
        self.pin_button = QPushButton(self.tr("Pin"), self)
        self.pin_button.setToolTip(self.tr("Pin the selected comment for everyone (P)"))
        self.pin_button.clicked.connect(self.pin_selected)
        bar.addWidget(self.pin_button)

        self.banner = QFrame(self)
        self.banner.setObjectName("feedPinned")
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(6, 4, 6, 4)
        banner_row.addWidget(plain_label("📌", self.banner))
        self.pinned_label = plain_label(parent=self.banner, object_name="feedPinnedText")
        self.pinned_label.setWordWrap(True)
        banner_row.addWidget(self.pinned_label, 1)
        self.unpin_button = QPushButton(self.tr("Unpin"), self.banner)
        self.unpin_button.clicked.connect(self.unpin)
        banner_row.addWidget(self.unpin_button)
        self.banner.hide()

        self.error_label = plain_label(parent=self, object_name="feedError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.view = QListView(self)
        self.view.setObjectName("feedList")
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)  # 2,000 rows lay out without measuring each
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.installEventFilter(self)
        self.view.selectionModel().selectionChanged.connect(self._update_pin_button)
        scroll = self.view.verticalScrollBar()
        scroll.valueChanged.connect(self._on_scrolled)
        scroll.rangeChanged.connect(self._on_range_changed)

        self.context_menu = QMenu(self)
        self.pin_action = self.context_menu.addAction(self.tr("Pin comment"))
        self.pin_action.triggered.connect(self.pin_selected)
        if pin is not None:
            self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.view.customContextMenuRequested.connect(self._show_context_menu)
        else:  # read-only (replay): the feed shows pins but cannot change them
            self.pin_button.hide()
            self.unpin_button.hide()

        self.jump_button = QPushButton(self.view)
        self.jump_button.setObjectName("feedJump")
        self.jump_button.clicked.connect(self.jump_to_latest)
        self.jump_button.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.error_label)
        layout.addWidget(self.view, 1)
        self._apply_filter()
        self._update_pin_button()

    # -- frames ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Pull what happened since the last frame: one model insert, whatever the rate."""
        state = self.source.state
        if state.last_seq < self._last_seq:  # the source went back in time (a replay seek)
            self.model.clear()
            self._last_seq = 0
            self._following = True
            self._set_unseen(0)
        events = self.source.activity_after(self._last_seq)
        if events:
            self._last_seq = events[-1].seq
            self._append(events)
        self._show_pinned(state.pinned)
        self._update_pin_button()

    def _append(self, events: Sequence[Event]) -> None:
        view, scroll = self.view, self.view.verticalScrollBar()
        anchor = QPersistentModelIndex()
        anchor_top = 0
        if not self._following:
            anchor = QPersistentModelIndex(view.indexAt(QPoint(0, 0)))
            anchor_top = view.visualRect(anchor).top()
        self._scrolling = True
        try:
            added = self.model.append(events, self.source.state)
            if self._following:
                view.scrollToBottom()
            elif anchor.isValid():  # hold the rows being read still while old ones drop off
                scroll.setValue(scroll.value() + view.visualRect(anchor).top() - anchor_top)
        finally:
            self._scrolling = False
        if not self._following:
            shown = self._shown_kinds()
            self._set_unseen(self._unseen + sum(ev.kind in shown for ev in events[-added:]))

    # -- following the newest row ---------------------------------------------------------------
    @property
    def following(self) -> bool:
        """True while the view sticks to the newest row."""
        return self._following

    def jump_to_latest(self) -> None:
        self._following = True
        self._set_unseen(0)
        self.view.scrollToBottom()

    def _on_scrolled(self, value: int) -> None:
        if self._scrolling:
            return
        self._following = value >= self.view.verticalScrollBar().maximum()
        if self._following:
            self._set_unseen(0)

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        """Stay on the newest row when the view is resized or re-filtered."""
        if self._following:
            self.view.verticalScrollBar().setValue(maximum)

    def _set_unseen(self, n: int) -> None:
        self._unseen = min(n, self.proxy.rowCount())
        if self._unseen == 0:
            self.jump_button.hide()
            return
        self.jump_button.setText(self.tr("↓ %n new", "", self._unseen))
        self.jump_button.adjustSize()
        self._place_jump_button()
        self.jump_button.show()
        self.jump_button.raise_()

    def _place_jump_button(self) -> None:
        viewport = self.view.viewport().geometry()
        size = self.jump_button.sizeHint()
        self.jump_button.move(
            viewport.center().x() - size.width() // 2, viewport.bottom() - size.height() - 8
        )

    # -- filters and keywords -------------------------------------------------------------------
    def _shown_kinds(self) -> set[str]:
        return {k for k, b in self.filters.items() if b.isChecked()} | set(ALWAYS_SHOWN)

    def _apply_filter(self) -> None:
        pattern = "^(?:" + "|".join(sorted(self._shown_kinds())) + ")$"
        self.proxy.setFilterRegularExpression(QRegularExpression(pattern))
        self._set_unseen(self._unseen)

    def set_keywords(self, keywords: list[str]) -> None:
        """Highlight comments containing any of these (case-insensitive) or a question mark."""
        self.model.set_keywords(keywords)

    def set_cap(self, rows: int) -> None:
        """How many rows the feed keeps (the `feed.cap` setting); the log keeps all."""
        self.model.set_cap(rows)

    # -- pinning --------------------------------------------------------------------------------
    def selected_event(self) -> Event | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isSelected(index):
            return None
        return self.model.event_at(self.proxy.mapToSource(index).row())

    def pin_selected(self) -> None:
        """Pin the selected comment; anything else selected (or nothing) is ignored."""
        event = self.selected_event()
        if event is not None and event.kind == "comment":
            self._call_pin(event)

    def unpin(self) -> None:
        self._call_pin(None)

    def _call_pin(self, event: Event | None) -> None:
        if self._pin is None:
            return
        try:
            self._pin(event)
        except ValueError as e:  # CommandError: the session refused; the reason is for the operator
            self.error_label.setText(str(e))
            self.error_label.show()
            return
        self.error_label.clear()
        self.error_label.hide()
        self._show_pinned(self.source.state.pinned)

    def _show_pinned(self, pinned: PinnedComment | None) -> None:
        if pinned == self._shown_pin:
            return
        self._shown_pin = pinned
        if pinned is None:
            self.banner.hide()
            return
        full = one_line(self.tr("{0}: {1}").format(pinned.user, pinned.text))
        short = full if len(full) <= BANNER_CHARS else full[: BANNER_CHARS - 1] + "…"
        self.pinned_label.setText(short)
        self.pinned_label.setToolTip(tooltip_html(full))
        self.banner.show()

    def _update_pin_button(self) -> None:
        event = self.selected_event()
        self.pin_button.setEnabled(event is not None and event.kind == "comment")

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        self.pin_action.setEnabled(self.pin_button.isEnabled())
        self.context_menu.popup(self.view.viewport().mapToGlobal(pos))

    # -- events ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """P pins from the list; the overlaid jump button follows the list's size."""
        if watched is self.view:
            if event.type() == QEvent.Type.Resize:
                self._place_jump_button()
            elif (
                event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_P
                and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and self._pin is not None
            ):
                self.pin_selected()
                return True
        return super().eventFilter(watched, event)
