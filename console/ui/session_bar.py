"""The strip across the top: which session, live or not, for how long, where it is saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from console.engine.source import ConsoleSource
from console.ui.formatting import duration
from console.ui.widgets import plain_label, set_style_state


class SessionBar(QWidget):
    end_clicked = Signal()

    def __init__(self, source: ConsoleSource, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionBar")
        self.source = source
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.pill = plain_label(object_name="livePill")
        self.title = plain_label(source.state.title, object_name="sessionTitle")
        self.elapsed = plain_label(object_name="sessionElapsed")
        # The file name is in the status bar; the full path is a hover away.
        self.title.setToolTip(self.tr("Saved to {0}").format(path))
        self.end_button = QPushButton(self.tr("End session"))
        self.end_button.setProperty("danger", "true")
        self.end_button.clicked.connect(self.end_clicked)
        for w in (self.pill, self.title, self.elapsed):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.end_button)
        self.replay = False

    def set_replay(self) -> None:
        """A replay shows the moment under the cursor; there is nothing to end."""
        self.replay = True
        self.end_button.hide()

    def refresh(self) -> None:
        s = self.source.state
        live = s.status == "live"
        if self.replay:
            pill = self.tr("▶ REPLAY")
        else:
            pill = self.tr("● LIVE") if live else self.tr("ENDED")
        if self.pill.text() != pill:
            self.pill.setText(pill)
        set_style_state(self.pill, "live", "true" if live and not self.replay else "false")
        start = s.started_at_ms or 0
        end = self.source.now_ms() if live else (s.ended_at_ms or start)
        text = duration(end - start)
        if self.elapsed.text() != text:
            self.elapsed.setText(text)
        self.end_button.setEnabled(live)
