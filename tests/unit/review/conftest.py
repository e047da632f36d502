"""A scripted session with exactly known figures, and hostile text in every field a report shows."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from console.domain.catalog import Product
from console.domain.clock import VirtualClock
from console.domain.script import parse_script
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.review.review import Review, build_review
from console.store.reader import iter_events, load_state
from console.store.session_file import open_session
from console.store.verify import verify
from tests.support import START_MS, small_catalog

SCRIPT_TAG = "<script>alert(1)</script>"
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'
MARKER = "@SUM(A1) 抽奖 giveaway"

# (second, event without ts_ms): orders name their buyer, as deal orders must.
AUDIENCE: list[tuple[int, dict[str, Any]]] = [
    (5, {"kind": "viewers", "online": 100}),
    (8, {"kind": "comment", "user": "=evil", "text": "-1+1 多少钱"}),
    (10, {"kind": "order", "sku": "MASK", "qty": 1}),
    (20, {"kind": "order", "sku": "MASK", "qty": 2}),
    (30, {"kind": "order", "sku": "TEA", "qty": 1}),
    (40, {"kind": "order", "sku": "MASK", "qty": 1}),
    (50, {"kind": "order", "sku": "MASK", "qty": 1}),  # in the deal's "before" stretch
    (65, {"kind": "order", "sku": "MASK", "qty": 1}),  # deal
    (70, {"kind": "viewers", "online": 300}),
    (70, {"kind": "order", "sku": "MASK", "qty": 1}),  # deal
    (75, {"kind": "order", "sku": "MASK", "qty": 1}),  # deal: the last unit, sold out
    (90, {"kind": "order", "sku": "MASK", "qty": 1}),  # regular price again
    (130, {"kind": "viewers", "online": 200}),
    (130, {"kind": "order", "sku": "TEA", "qty": 2}),  # TEA presenting
]
SCRIPT = [
    {"at": 0, "action": "present", "sku": "MASK"},
    {"at": 60, "action": "deal", "sku": "MASK", "price": "39.90", "quantity": 3, "per_buyer": 1,
     "duration_s": 60},
    {"at": 120, "action": "present", "sku": "TEA"},
    {"at": 180, "action": "marker", "text": MARKER},
    {"at": 240, "action": "end"},
]  # fmt: skip


class Audience:
    """Hands over each scripted event in the step that reaches its second."""

    def __init__(self, events: list[tuple[int, dict[str, Any]]]) -> None:
        self.events = events
        self.n = 0

    def step(self, state: Any, now_ms: int, dt_ms: int) -> list[dict[str, Any]]:
        out = []
        for sec, raw in self.events:
            ts = state.started_at_ms + sec * 1000
            if now_ms - dt_ms < ts <= now_ms:
                self.n += 1
                extra = {"order_id": f"o{self.n}", "buyer_id": f"b{self.n}"}
                out.append({**raw, "ts_ms": ts, **(extra if raw["kind"] == "order" else {})})
        return out


def hostile_catalog() -> list[Product]:
    return [
        *small_catalog(),
        Product("-EVIL", SCRIPT_TAG, 1000, 5),
        Product("@FORMULA", FORMULA_TITLE, 1000, 5),
    ]


def record(path: Path, title: str = f"夜场 {SCRIPT_TAG}", session_id: str = "scripted") -> Path:
    clock = VirtualClock(START_MS)
    catalog = hostile_catalog()
    session = LiveSession.start(path, title=title, catalog=catalog, clock=clock,
                                session_id=session_id)  # fmt: skip
    skus = {p.sku for p in catalog} | {v.sku for p in catalog for v in p.variants}
    run_virtual(session, clock, Audience(AUDIENCE), source="sim", duration_ms=300_000,
                actions=parse_script(SCRIPT, skus))  # fmt: skip
    session.close()
    return path


def review_of(path: Path, previous: list[dict[str, Any]] | None = None) -> Review:
    meta, state = load_state(path)
    conn, _ = open_session(path)
    with closing(conn):
        return build_review(meta, state, iter_events(conn, path), previous=previous or [],
                            integrity=verify(path))  # fmt: skip


@pytest.fixture(scope="session")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return record(tmp_path_factory.mktemp("scripted") / "scripted.live.db")


@pytest.fixture(scope="session")
def scripted_review(scripted: Path) -> Review:
    return review_of(scripted)
