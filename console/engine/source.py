"""What the console's views read: a live session or a replay, the same way.

The window's widgets and the overlay server never hold the engine; they get a
`ConsoleSource` to read (each frame, each push) and, where editing is allowed,
a `LiveSession` to send commands to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from console.domain.events import Event
from console.domain.state import SessionState


class ConsoleSource(Protocol):
    @property
    def state(self) -> SessionState: ...

    def activity_after(self, seq: int) -> list[Event]:
        """Feed-worthy events (comments, orders, follows, gifts, shares, markers) after `seq`."""
        ...

    def now_ms(self) -> int:
        """The moment being shown: the clock when live, the cursor in a replay."""
        ...


def events_after(recent: Sequence[Event], seq: int) -> list[Event]:
    """The events of `recent` (oldest first) newer than `seq`: a walk back from the newest."""
    out: list[Event] = []
    for ev in reversed(recent):
        if ev.seq <= seq:
            break
        out.append(ev)
    out.reverse()
    return out
