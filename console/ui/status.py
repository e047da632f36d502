"""The status bar: is the feed up, how busy is it, is the file keeping up."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QWidget

from console.ui.source import ConsoleSource
from console.ui.widgets import plain_label, set_style_state

# (state: connected | reconnecting | offline | ended, detail for the tooltip)
FeedState = Callable[[], tuple[str, str]]
# (write lag in ms, error message or None)
WriterState = Callable[[], tuple[float, str | None]]


class StatusPanel(QWidget):
    def __init__(self, source: ConsoleSource, feed_state: FeedState, writer_state: WriterState,
                 file_name: str, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.source = source
        self.feed_state = feed_state
        self.writer_state = writer_state
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.feed = plain_label(object_name="statusFeed")
        self.rate = plain_label(object_name="statusRate")
        self.lag = plain_label(object_name="statusLag")
        self.file = plain_label(file_name, object_name="statusFile")
        for w in (self.feed, self.rate, self.lag, self.file):
            layout.addWidget(w)
        layout.addStretch(1)
        self._samples: deque[tuple[float, int]] = deque()

    def events_per_second(self) -> float:
        """Over the last second or so of wall time: smooth enough to read, quick to react."""
        now = time.monotonic()
        self._samples.append((now, self.source.state.totals.events))
        while len(self._samples) > 2 and now - self._samples[1][0] >= 1.0:
            self._samples.popleft()
        (t0, n0), (t1, n1) = self._samples[0], self._samples[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0

    def refresh(self) -> None:
        state, detail = self.feed_state()
        names = {
            "connected": self.tr("● Feed connected"),
            "reconnecting": self.tr("◌ Feed reconnecting"),
            "offline": self.tr("○ Feed offline"),
            "ended": self.tr("■ Session ended"),
        }
        text = names.get(state, state)
        if self.feed.text() != text:
            self.feed.setText(text)
        set_style_state(self.feed, "state", state)
        self.feed.setToolTip(detail)
        self.rate.setText(self.tr("{0:,.0f} events/s").format(self.events_per_second()))
        lag, error = self.writer_state()
        if error:
            self.lag.setText(self.tr("⚠ Not saved yet: {0}").format(error))
        else:
            self.lag.setText(self.tr("write lag {0:.0f} ms").format(lag))
        set_style_state(self.lag, "state", "error" if error else "ok")
