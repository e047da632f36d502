"""A simulated show for replay tests, recorded while keeping the live state at chosen moments."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.domain.clock import VirtualClock
from console.domain.events import Event
from console.domain.script import parse_script
from console.domain.state import SessionState
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.simulator import Simulator
from tests.support import START_MS, small_catalog

DURATION_MS = 90_000
QUIET_MS = (40_000, 46_500)  # the feed falls silent: seconds with no event at all
SKUS = {"MASK", "TEA", "TEE", "TEE-S", "TEE-M"}
SCRIPT = [
    {"at": 0, "action": "present", "sku": "MASK"},
    {"at": 3, "action": "deal", "sku": "MASK", "price": "39.90", "quantity": 30, "per_buyer": 2,
     "duration_s": 60},
    {"at": 15, "action": "marker", "text": "抽奖 giveaway"},
    {"at": 20, "action": "present", "sku": "TEE"},
    {"at": 22, "action": "deal", "sku": "TEE", "percent_off": 20, "quantity": 8, "per_buyer": 1,
     "countdown_s": 10, "duration_s": 60},
    {"at": 30, "action": "price", "sku": "TEA", "price": "99.00"},
    {"at": 50, "action": "present", "sku": "TEA"},
    {"at": 52, "action": "deal", "sku": "TEA", "price": "88.00", "quantity": 30, "per_buyer": 3,
     "countdown_s": 10, "duration_s": 120},
    {"at": 58, "action": "stop_deal", "sku": "TEA"},
    {"at": 75, "action": "stock", "sku": "MASK", "stock": 500},
]  # fmt: skip


class Audience:
    """The simulator, a silent spell, and now and then a late-stamped event after a batch.

    (Opening a batch, a late stamp would show in replay as soon as the previous
    batch: earlier than live, by design; see docs/architecture.md.)
    """

    def __init__(self, seed: int, late: bool) -> None:
        self.sim = Simulator("small", seed=seed, rate=150)
        self.rng = random.Random(seed)
        self.late = late

    def step(self, state: SessionState, now_ms: int, dt_ms: int) -> list[dict[str, Any]]:
        events = self.sim.step(state, now_ms, dt_ms)
        if QUIET_MS[0] <= now_ms - START_MS < QUIET_MS[1]:
            return []
        if self.late and events and self.rng.random() < 0.05:
            ts = now_ms - self.rng.randint(1_000, 120_000)  # may be before the start: second 0
            events.append({"kind": "comment", "ts_ms": ts, "user": "迟到", "text": "late"})
        return events


@dataclass
class Recorded:
    path: Path
    final: SessionState
    # (clock time, the live state then, the live activity feed then)
    moments: list[tuple[int, SessionState, list[Event]]] = field(default_factory=list)


def record(path: Path, *, seed: int = 1, every: int = 400, late: bool = True,
           at: list[float] | None = None) -> Recorded:  # fmt: skip
    """Run the show; at each fraction in `at` keep the live state.

    The state is kept just before the virtual clock moves on: the engine has
    applied everything it was given up to that moment, as the window would show.
    """
    clock = VirtualClock(START_MS)
    session = LiveSession.start(path, title="Replay test", catalog=small_catalog(), clock=clock,
                                session_id=f"replay{seed}")  # fmt: skip
    session.checkpoint_every = every
    wanted = sorted(START_MS + round(f * DURATION_MS) for f in at or [])
    out = Recorded(path, session.state)
    move = clock.set

    def keep_then_move(now_ms: int) -> None:
        here = clock.now_ms()
        if wanted and wanted[0] < now_ms:
            while wanted and wanted[0] < now_ms:
                wanted.pop(0)
            out.moments.append((here, session.state.copy(), list(session.activity)))
        move(now_ms)

    clock.set = keep_then_move  # type: ignore[method-assign]
    actions = parse_script(SCRIPT, SKUS)
    run_virtual(session, clock, Audience(seed, late), source="sim", duration_ms=DURATION_MS,
                actions=actions)  # fmt: skip
    session.close()
    out.final = session.state
    return out
