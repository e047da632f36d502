from __future__ import annotations

from console.domain.metrics import Kpis, minute_change
from tests.unit.domain.test_reducer import order, started


def test_change_over_the_last_minute() -> None:
    log = started()
    log.ok({"kind": "enter", "count": 100})
    log.ok({"kind": "viewers", "online": 80})
    log.ok(order("TEA", 1))
    log.now += 90_000
    log.ok({"kind": "enter", "count": 100})
    log.ok({"kind": "viewers", "online": 120})
    log.ok(order("TEA", 2))
    log.ok({"kind": "like", "count": 30})
    change = minute_change(log.state, log.now)
    assert change["gmv_minor"] == 2 * 12900
    assert change["orders"] == 1
    assert change["units"] == 2
    assert change["likes"] == 30
    assert change["entries"] == 100
    assert change["viewers"] == 40
    assert change["peak_viewers"] == 40
    assert change["conversion"] == 2 / 200 - 1 / 100
    assert Kpis.of(log.state.totals).aov_minor == (12900 * 3) // 2


def test_no_change_without_activity() -> None:
    log = started()
    log.ok({"kind": "viewers", "online": 50})
    log.now += 120_000
    log.ok({"kind": "marker", "text": "quiet"})
    assert all(v == 0 for v in minute_change(log.state, log.now).values())
