"""The status bar: is the feed up, how busy is it, is the file keeping up.

Saving problems stay on screen for as long as they last, and a loss (input
refused because the disk failed for long enough to fill the memory buffer)
stays for the rest of the session: a message that scrolls away would be missed
in the middle of a show.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QHBoxLayout, QWidget

from console.engine.source import ConsoleSource
from console.feeds.base import Feed, FeedState
from console.store.writer import SaveStatus
from console.ui.widgets import plain_label, set_style_state

# The light shows the worst feed; the style state colours it.
_WORST_FIRST = (FeedState.FAILED, FeedState.RECONNECTING, FeedState.CONNECTING,
                FeedState.STOPPED, FeedState.LIVE)  # fmt: skip
_STYLE = {FeedState.LIVE: "connected", FeedState.CONNECTING: "reconnecting",
          FeedState.RECONNECTING: "reconnecting", FeedState.FAILED: "offline",
          FeedState.STOPPED: "offline"}  # fmt: skip


class StatusPanel(QWidget):
    def __init__(self, source: ConsoleSource, feeds: Sequence[Feed],
                 save_status: Callable[[], SaveStatus], file_name: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.source = source
        self.feeds = feeds
        self.save_status = save_status
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

    def feed_text(self) -> tuple[str, str, str]:
        """(what the light says, its style state, a tooltip listing every feed)."""
        if self.source.state.ended_at_ms is not None:
            return self.tr("■ Session ended"), "ended", ""
        if not self.feeds:
            return self.tr("○ No feed"), "offline", ""
        lines = [f"{feed.label}: {self._describe(feed)}" for feed in self.feeds]
        worst = min(self.feeds, key=lambda f: _WORST_FIRST.index(f.status.state))
        state = worst.status.state
        if state is FeedState.LIVE:
            text = (
                self.tr("● Feed live")
                if len(self.feeds) == 1
                else self.tr("● {0} feeds live").format(len(self.feeds))
            )
        else:
            text = f"{'○' if state is FeedState.STOPPED else '◌'} {worst.label}: {self._describe(worst)}"
        return text, _STYLE[state], "\n".join(lines)

    def _describe(self, feed: Feed) -> str:
        status = feed.status
        match status.state:
            case FeedState.LIVE:
                return self.tr("live")
            case FeedState.CONNECTING:
                return self.tr("connecting…")
            case FeedState.RECONNECTING:
                wait = 0 if status.retry_at_ms is None else status.retry_at_ms - time.time() * 1000
                return self.tr("reconnecting in {0} s ({1})").format(
                    max(0, round(wait / 1000)), status.detail
                )
            case FeedState.FAILED:
                return self.tr("failed: {0}").format(status.detail)
        return self.tr("stopped")

    def refresh(self) -> None:
        text, state, tip = self.feed_text()
        if self.feed.text() != text:
            self.feed.setText(text)
        set_style_state(self.feed, "state", state)
        self.feed.setToolTip(tip)
        self.rate.setText(self.tr("{0:,.0f} events/s").format(self.events_per_second()))
        saving = self.save_status()
        text = self.saving_text(saving)
        if self.lag.text() != text:
            self.lag.setText(text)
        warn = saving.error is not None or saving.refused > 0 or not saving.room
        set_style_state(self.lag, "state", "error" if warn else "ok")

    def saving_text(self, s: SaveStatus) -> str:
        """The write lag while all is well; else what is wrong, what waits and what was lost."""
        if s.error is not None and s.room:
            return self.tr("⚠ Not saved yet: {0} — {1:,} events wait in memory").format(
                s.error, s.pending
            )
        if s.error is not None:
            return self.tr(
                "⚠ Not saved yet: {0} — memory is full: {1:,} audience events refused, "
                "your own actions are still kept"
            ).format(s.error, s.refused)
        if s.refused:
            return self.tr(
                "⚠ {0:,} audience events were not recorded while the file could not keep up"
            ).format(s.refused)
        if not s.room:
            return self.tr("⚠ The file is behind: write lag {0:.0f} ms").format(s.lag_ms)
        return self.tr("write lag {0:.0f} ms").format(s.lag_ms)
