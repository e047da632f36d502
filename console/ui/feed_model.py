"""The comment and activity feed as a capped list model, filled in batches.

The feed is the busiest thing on screen (thousands of comments a minute in a
big stream), so the model never grows past its cap and takes each frame's new
events in one insert. Everything shown here comes from viewers: it is plain
text, and the only rich text (tooltips, which Qt auto-detects) is escaped.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from console.domain.events import Event
from console.domain.names import mask_name
from console.domain.state import SessionState
from console.ui.formatting import money

_ROLE = int(Qt.ItemDataRole.UserRole)
KIND_ROLE = _ROLE + 1
SEQ_ROLE = _ROLE + 2
USER_ROLE = _ROLE + 3  # the name as shown: order buyers are masked
TEXT_ROLE = _ROLE + 4  # the comment or marker text, untouched
HIGHLIGHT_ROLE = _ROLE + 5  # a comment with a keyword or a question mark: one to answer

DEFAULT_CAP = 2000
# What viewers ask that sellers answer on air; matching is case-insensitive.
DEFAULT_KEYWORDS = ("价格", "多少钱", "链接", "尺码", "size", "how much", "link")
# Any comment with a question mark is a question, whatever the keywords are set to.
_QUESTION = re.compile("[?？]")
# Amber at low alpha reads as "look here" on both the light and the dark theme.
HIGHLIGHT_BRUSH = QBrush(QColor(255, 193, 7, 70))

# A feed line is one line: every line break a viewer can type becomes a space. Bidi
# controls go: typed into a name or a comment they would reorder the rest of the line
# (and pass one viewer's words off as another's); Arabic and Hebrew read right without.
_BREAKS = "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ONE_LINE = str.maketrans({**dict.fromkeys(_BREAKS, " "), **dict.fromkeys(_BIDI)})

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the list's only parent; never modified


def one_line(text: str) -> str:
    """Untrusted text as a line shows it: line breaks as spaces, no bidi controls."""
    return text if text.isprintable() else text.translate(_ONE_LINE)  # cheap test first


def tooltip_html(text: str) -> str:
    """Untrusted text as rich text that shows it literally (Qt guesses tooltips are HTML)."""
    return "<p>" + html.escape(text) + "</p>"


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive alternation: a single C-level search per comment."""
    words = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(map(re.escape, words)), re.IGNORECASE)


class _Row(NamedTuple):
    event: Event
    line: str
    user: str
    text: str
    hit: bool


class FeedModel(QAbstractListModel):
    """Feed rows, oldest first, at most `cap`; the session log keeps everything."""

    def __init__(self, cap: int = DEFAULT_CAP, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if cap < 1:
            raise ValueError("the feed must keep at least one row")
        self._cap = cap
        self._rows: list[_Row] = []
        self._pattern = keyword_pattern(DEFAULT_KEYWORDS)
        self._stamp_sec = -1
        self._stamp_text = ""

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.line
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip_html(row.line)
        if role == Qt.ItemDataRole.BackgroundRole:
            return HIGHLIGHT_BRUSH if row.hit else None
        if role == KIND_ROLE:
            return row.event.kind
        if role == SEQ_ROLE:
            return row.event.seq
        if role == USER_ROLE:
            return row.user
        if role == TEXT_ROLE:
            return row.text
        if role == HIGHLIGHT_ROLE:
            return row.hit
        return None

    # -- feeding -----------------------------------------------------------------------------
    @property
    def cap(self) -> int:
        return self._cap

    def set_cap(self, cap: int) -> None:
        """Change how many rows the feed keeps, dropping the oldest at once if it shrinks."""
        if cap < 1:
            raise ValueError("the feed must keep at least one row")
        self._cap = cap
        self._drop_oldest(len(self._rows) - cap)

    def append(self, events: Sequence[Event], state: SessionState) -> int:
        """Add a frame's events in one insert; returns how many rows were added.

        Events the cap would drop straight away are never formatted: a burst of
        5,000 events costs no more than the cap.
        """
        if not events:
            return 0
        tpl = self._templates()
        rows = [self._row(ev, state, tpl) for ev in events[-self._cap :]]
        self._drop_oldest(len(self._rows) + len(rows) - self._cap)
        first = len(self._rows)
        self.beginInsertRows(_ROOT, first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        return len(rows)

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self.endResetModel()

    def event_at(self, row: int) -> Event:
        return self._rows[row].event

    def _drop_oldest(self, n: int) -> None:
        if n <= 0:
            return
        self.beginRemoveRows(_ROOT, 0, n - 1)
        del self._rows[:n]
        self.endRemoveRows()

    # -- keywords ----------------------------------------------------------------------------
    def set_keywords(self, keywords: Iterable[str]) -> None:
        """Re-mark every row against new keywords; one dataChanged for the lot."""
        self._pattern = keyword_pattern(keywords)
        self._rows = [r._replace(hit=self._matches(r.event.kind, r.text)) for r in self._rows]
        if self._rows:
            roles = [HIGHLIGHT_ROLE, int(Qt.ItemDataRole.BackgroundRole)]
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), roles)

    def _matches(self, kind: str, text: str) -> bool:
        if kind != "comment":
            return False
        if _QUESTION.search(text):
            return True
        return self._pattern is not None and self._pattern.search(text) is not None

    # -- lines -------------------------------------------------------------------------------
    def _templates(self) -> dict[str, str]:
        """This batch's translated lines: one `tr` per kind per frame, not per event."""
        return {
            "comment": self.tr("{0}: {1}"),
            "order": self.tr("🛒 {0} bought {1} × {2} {3}"),
            "someone": self.tr("Someone"),
            "follow": self.tr("➕ {0} followed"),
            "share": self.tr("↗ {0} shared the stream"),
            "gift": self.tr("🎁 {0} sent {1} × {2}"),
            "marker": self.tr("📍 Marker: {0}"),
            "pinned": self.tr("📌 Pinned {0}: {1}"),
            "unpinned": self.tr("📌 Unpinned the comment"),
            "deal_started": self.tr("⚡ Flash deal live: {0} at {1}"),
            "deal_ended": self.tr("⚡ Flash deal over: {0}, {1} sold ({2})"),
            "time": self.tr("time is up"),
            "sold_out": self.tr("sold out"),
            "stopped": self.tr("stopped"),
            "session_ended": self.tr("session ended"),
        }

    def _stamp(self, ts_ms: int) -> str:
        """Local HH:MM:SS; a burst shares its second, so the last one is kept."""
        sec = ts_ms // 1000
        if sec != self._stamp_sec:
            self._stamp_sec = sec
            self._stamp_text = time.strftime("%H:%M:%S", time.localtime(sec))
        return self._stamp_text

    def _row(self, ev: Event, state: SessionState, tpl: dict[str, str]) -> _Row:
        d = ev.data
        kind = ev.kind
        user = str(d.get("user", ""))
        text = ""
        if kind == "comment":
            text = d["text"]
            body = tpl["comment"].format(user, text)
        elif kind == "order":
            user = mask_name(d.get("buyer", ""))
            amount = money(d["qty"] * d["price_minor"], state.currency)
            title = self._title(d["sku"], state)
            body = tpl["order"].format(user or tpl["someone"], d["qty"], title, amount)
        elif kind in ("follow", "share"):
            body = tpl[kind].format(user)
        elif kind == "gift":
            body = tpl["gift"].format(user, d["count"], d["gift"])
            if d["value_minor"]:
                body += " (" + money(d["count"] * d["value_minor"], state.currency) + ")"
        elif kind == "marker":
            text = d["text"]
            body = tpl["marker"].format(text)
        elif kind == "comment_pinned" and "seq" in d:
            text = d["text"]
            body = tpl["pinned"].format(user, text)
        elif kind == "comment_pinned":
            body = tpl["unpinned"]
        elif kind in ("deal_started", "deal_ended") and d["deal_id"] in state.deals:
            deal = state.deals[d["deal_id"]]
            title = self._title(deal.sku, state)
            if kind == "deal_started":
                body = tpl[kind].format(title, money(deal.deal_price_minor, state.currency))
            else:
                body = tpl[kind].format(
                    title, d.get("sold", deal.sold), tpl.get(d["reason"], d["reason"])
                )
        else:
            body = kind
        line = self._stamp(ev.ts_ms) + "  " + one_line(body)
        return _Row(ev, line, user, text, self._matches(kind, text))

    def _title(self, sku: str, state: SessionState) -> str:
        """What was bought: the product's title, and the variant's if it has variants."""
        unit = state.skus.get(sku)
        if unit is None:
            return sku
        product = state.products[unit.product_sku].product
        return product.title if unit.sku == product.sku else f"{product.title} · {unit.title}"
