"""The event: the one record of everything that happens in a session.

Audience events come from feeds; operator events from the console, a show
script or a remote. Both go through the same decoder, reducer and log.
"""

from __future__ import annotations

from typing import Any, Final, NamedTuple

AUDIENCE_KINDS: Final = frozenset(
    {"order", "comment", "like", "follow", "share", "gift", "viewers", "enter"}
)
OPERATOR_KINDS: Final = frozenset(
    {
        "session_started",
        "session_ended",
        "session_resumed",
        "product_added",
        "product_updated",
        "product_removed",
        "queue_reordered",
        "product_presented",
        "price_changed",
        "stock_changed",
        "marker",
        "comment_pinned",
        "deal_prepared",
        "deal_scheduled",
        "deal_started",
        "deal_ended",
    }
)
KINDS: Final = AUDIENCE_KINDS | OPERATOR_KINDS

# Who produced an event; stored in the `source` column.
# "console" marks what the console itself decides: deal timers and sell-outs.
SOURCES: Final = frozenset(
    {"sim", "ws", "shopify", "twitch", "operator", "script", "remote", "console"}
)


class Event(NamedTuple):
    """A logged event. A NamedTuple because the hot path builds millions."""

    seq: int
    ts_ms: int
    kind: str
    source: str
    data: dict[str, Any]
