"""The `info` summary of a session file: plain data, stable key order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from console.domain.state import SessionState
from console.store.session_file import SessionMeta


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def summarize(meta: SessionMeta, state: SessionState) -> dict[str, Any]:
    t = state.totals
    start = state.started_at_ms or meta.started_at_ms
    end = state.ended_at_ms or state.last_ts_ms or start
    return {
        "session_id": meta.id,
        "title": meta.title,
        "status": meta.status,
        "started_at": iso(start),
        "ended_at": iso(state.ended_at_ms),
        "duration_s": round((end - start) / 1000, 3),
        "events": state.last_seq,
        "chain_head": meta.chain_head,
        "currency": state.currency,
        "orders": t.orders,
        "units": t.units,
        "gmv_minor": t.gmv_minor,
        "aov_minor": t.aov_minor,
        "peak_viewers": t.peak_viewers,
        "entries": t.entries,
        "comments": t.comments,
        "likes": t.likes,
        "follows": t.follows,
        "shares": t.shares,
        "gifts": t.gifts,
        "deals": [deal.summary() for deal in state.deals.values()],
        "products": [
            {
                "sku": p.sku,
                "title": p.product.title,
                "orders": p.orders,
                "units": p.units,
                "gmv_minor": p.gmv_minor,
                "gmv_while_presenting_minor": p.gmv_while_presenting_minor,
                "presented_s": round(p.presented_ms_at(end) / 1000, 3),
            }
            for p in state.products.values()
        ],
    }
