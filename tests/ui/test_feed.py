"""The comment and activity feed: batching, cap, filters, highlights, scrolling, pinning."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from console.domain.clock import VirtualClock
from console.domain.events import Event
from console.domain.names import mask_name
from console.domain.state import SessionState
from console.engine.session import CommandError, LiveSession
from console.ui.feed import FeedPanel
from console.ui.feed_model import (
    HIGHLIGHT_ROLE,
    KIND_ROLE,
    SEQ_ROLE,
    TEXT_ROLE,
    USER_ROLE,
    FeedModel,
)

XSS = "<img src=x onerror=alert(1)>"


def comment(user: str, text: str) -> dict[str, Any]:
    return {"kind": "comment", "user": user, "text": text}


def comments(n: int, prefix: str = "c") -> list[dict[str, Any]]:
    return [comment(f"u{i}", f"{prefix}{i}") for i in range(n)]


def stamp(ts_ms: int) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts_ms // 1000))


def lines(model: Any) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def texts(model: Any) -> list[str]:
    return [model.index(r, 0).data(TEXT_ROLE) for r in range(model.rowCount())]


@pytest.fixture
def panel(qtbot: QtBot, session: LiveSession) -> FeedPanel:
    p = FeedPanel(session, pin=session.pin)
    qtbot.addWidget(p)
    return p


@pytest.fixture
def shown(qtbot: QtBot, panel: FeedPanel) -> FeedPanel:
    """A visible panel a few rows tall, so the list can scroll."""
    panel.resize(420, 260)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


# -- the model ---------------------------------------------------------------------------------
def test_rows_appear_in_order_with_plain_lines(
    qtmodeltester: Any, panel: FeedPanel, session: LiveSession, clock: VirtualClock
) -> None:
    session.ingest([comment("小鱼儿", "有链接吗")], "sim")
    clock.advance(1500)
    session.ingest(
        [
            {"kind": "order", "order_id": "o1", "buyer": "jason", "sku": "TEA", "qty": 2},
            {"kind": "order", "order_id": "o2", "buyer": "张三丰", "sku": "TEE-M", "qty": 1},
            {"kind": "order", "order_id": "o3", "sku": "MASK", "qty": 1},
            {"kind": "follow", "user": "Lily"},
            {"kind": "share", "user": "Tom"},
            {"kind": "gift", "user": "Ann", "gift": "rose", "count": 3, "value_minor": 100},
            {"kind": "like", "user": "x"},  # not feed-worthy
        ],
        "sim",
    )
    session.marker("抽奖开始")
    panel.refresh()
    model = panel.model
    qtmodeltester.check(model)
    t0, t1 = stamp(clock.now_ms() - 1500), stamp(clock.now_ms())
    assert lines(model) == [
        f"{t0}  小鱼儿: 有链接吗",
        f"{t1}  🛒 j***n bought 2 × Oolong tea 乌龙茶 ¥258.00",
        f"{t1}  🛒 张** bought 1 × Cotton tee · M ¥109.00",
        f"{t1}  🛒 Someone bought 1 × 保湿面膜 10片 ¥59.90",
        f"{t1}  ➕ Lily followed",
        f"{t1}  ↗ Tom shared the stream",
        f"{t1}  🎁 Ann sent 3 × rose (¥3.00)",
        f"{t1}  📍 Marker: 抽奖开始",
    ]
    kinds = [model.index(r, 0).data(KIND_ROLE) for r in range(model.rowCount())]
    assert kinds == ["comment", "order", "order", "order", "follow", "share", "gift", "marker"]
    first = model.index(0, 0)
    assert first.data(USER_ROLE) == "小鱼儿"
    assert first.data(SEQ_ROLE) == model.event_at(0).seq
    assert model.index(1, 0).data(USER_ROLE) == "j***n"  # the shown name, never the buyer's
    assert model.index(3, 0).data(USER_ROLE) == ""


def test_multi_line_comments_show_on_one_line(panel: FeedPanel, session: LiveSession) -> None:
    session.ingest([comment("a\nb", "line one\nline two\u2028three")], "sim")
    panel.refresh()
    assert panel.model.index(0, 0).data().endswith("a b: line one line two three")
    assert panel.model.index(0, 0).data(TEXT_ROLE) == "line one\nline two\u2028three"


def test_bidi_controls_cannot_reorder_a_line(panel: FeedPanel, session: LiveSession) -> None:
    """A name ending in RIGHT-TO-LEFT OVERRIDE would show the comment after it backwards."""
    spoof = comment("bob\u202e", "\u2066I sold it to you\u2069 for \u200f¥1")
    session.ingest([spoof], "sim")
    panel.refresh()
    assert panel.model.index(0, 0).data().endswith("bob: I sold it to you for ¥1")
    assert panel.model.index(0, 0).data(TEXT_ROLE) == spoof["text"]  # the log keeps it all
    session.pin(panel.model.event_at(0))
    panel.refresh()
    assert panel.pinned_label.text() == "bob: I sold it to you for ¥1"


def test_one_insert_per_refresh(panel: FeedPanel, session: LiveSession) -> None:
    inserts: list[tuple[int, int]] = []
    panel.model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    session.ingest(comments(300), "sim")
    session.ingest([{"kind": "follow", "user": "f"}], "sim")
    panel.refresh()
    assert inserts == [(0, 300)]
    panel.refresh()  # nothing new: no signal at all
    assert inserts == [(0, 300)]
    session.ingest(comments(5, "d"), "sim")
    panel.refresh()
    assert inserts == [(0, 300), (301, 305)]


def test_cap_drops_the_oldest_rows_not_the_log(
    qtmodeltester: Any, qtbot: QtBot, panel: FeedPanel, session: LiveSession
) -> None:
    panel.set_cap(5)
    session.ingest(comments(3, "a"), "sim")
    panel.refresh()
    removed: list[tuple[int, int]] = []
    panel.model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    session.ingest(comments(4, "b"), "sim")
    with qtbot.waitSignal(panel.model.rowsInserted, timeout=0):
        panel.refresh()
    assert removed == [(0, 1)]
    assert texts(panel.model) == ["a2", "b0", "b1", "b2", "b3"]
    session.ingest(comments(12, "c"), "sim")  # more than the cap in one frame
    panel.refresh()
    assert texts(panel.model) == ["c7", "c8", "c9", "c10", "c11"]
    assert len(session.activity_after(0)) == 19  # the session keeps everything
    panel.set_cap(2)
    assert texts(panel.model) == ["c10", "c11"]
    qtmodeltester.check(panel.model)
    with pytest.raises(ValueError, match="at least one"):
        panel.model.set_cap(0)


def test_default_cap() -> None:
    assert FeedModel().cap == 2000


def test_type_filters_hide_kinds_but_never_markers(
    qtmodeltester: Any, panel: FeedPanel, session: LiveSession
) -> None:
    session.ingest(
        [
            comment("a", "hi"),
            {"kind": "order", "order_id": "1", "sku": "TEA", "qty": 1},
            {"kind": "follow", "user": "f"},
            {"kind": "gift", "user": "g", "gift": "rose"},
            {"kind": "share", "user": "s"},
        ],
        "sim",
    )
    session.marker("m")
    panel.refresh()

    def kinds() -> list[str]:
        return [panel.proxy.index(r, 0).data(KIND_ROLE) for r in range(panel.proxy.rowCount())]

    assert kinds() == ["comment", "order", "follow", "gift", "share", "marker"]
    panel.filters["comment"].click()
    panel.filters["gift"].click()
    assert kinds() == ["order", "follow", "share", "marker"]
    for button in panel.filters.values():
        button.setChecked(False)
    assert kinds() == ["marker"]
    session.ingest([comment("b", "later")], "sim")
    panel.refresh()
    assert kinds() == ["marker"]
    panel.filters["comment"].click()
    assert kinds() == ["comment", "marker", "comment"]
    qtmodeltester.check(panel.proxy)


# -- keywords ----------------------------------------------------------------------------------
def highlights(panel: FeedPanel) -> dict[str, bool]:
    m = panel.model
    return {
        m.index(r, 0).data(TEXT_ROLE): m.index(r, 0).data(HIGHLIGHT_ROLE)
        for r in range(m.rowCount())
    }


def test_keywords_highlight_questions(panel: FeedPanel, session: LiveSession) -> None:
    said = [
        "有链接吗",
        "what size?",
        "HOW MUCH is it",
        "真的吗？",
        "in stock?",
        "好看",
        "hello",
        "抽奖吗",
    ]
    session.ingest([comment("u", t) for t in said], "sim")
    session.ingest([{"kind": "follow", "user": "link"}], "sim")
    session.marker("price link?")  # the operator's own marker is not a question
    panel.refresh()
    hits = highlights(panel)
    assert hits == {
        "有链接吗": True,
        "what size?": True,
        "HOW MUCH is it": True,
        "真的吗？": True,
        "in stock?": True,
        "好看": False,
        "hello": False,
        "抽奖吗": False,
        "": False,
        "price link?": False,
    }
    row = panel.model.index(0, 0)
    assert isinstance(row.data(Qt.ItemDataRole.BackgroundRole), QBrush)
    assert panel.model.index(5, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_set_keywords_remarks_every_row_in_one_signal(
    panel: FeedPanel, session: LiveSession
) -> None:
    session.ingest([comment("u", t) for t in ("有链接吗", "what size", "抽奖吗", "why?")], "sim")
    panel.refresh()
    changed: list[tuple[int, int, list[int]]] = []
    panel.model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row(), roles)))
    panel.set_keywords(["抽奖", "  ", ""])
    assert changed == [(0, 3, [HIGHLIGHT_ROLE, int(Qt.ItemDataRole.BackgroundRole)])]
    assert highlights(panel) == {
        "有链接吗": False,
        "what size": False,
        "抽奖吗": True,
        "why?": True,
    }
    session.ingest([comment("u", "还有抽奖")], "sim")
    panel.refresh()
    assert highlights(panel)["还有抽奖"] is True
    panel.set_keywords([])  # questions still stand out
    assert [t for t, hit in highlights(panel).items() if hit] == ["why?"]
    panel.set_keywords(["a.b"])  # a keyword is text, not a pattern
    session.ingest([comment("u", "axb"), comment("u", "A.B!")], "sim")
    panel.refresh()
    assert highlights(panel)["axb"] is False
    assert highlights(panel)["A.B!"] is True


# -- untrusted text ----------------------------------------------------------------------------
def test_markup_from_viewers_stays_literal(
    qtbot: QtBot, shown: FeedPanel, session: LiveSession
) -> None:
    session.ingest(
        [comment("<b>bold</b>", XSS), comment("x", '<a href="https://evil">link</a>')], "sim"
    )
    shown.refresh()
    first = shown.model.index(0, 0)
    assert first.data(TEXT_ROLE) == XSS
    assert first.data().endswith(f"  <b>bold</b>: {XSS}")
    tip = first.data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img src=x onerror=alert(1)&gt;" in tip
    assert "<img" not in tip and "<b>" not in tip
    shown.view.setCurrentIndex(shown.proxy.index(0, 0))
    shown.pin_button.click()
    assert shown.pinned_label.textFormat() == Qt.TextFormat.PlainText
    assert shown.pinned_label.text() == f"<b>bold</b>: {XSS}"
    assert "<img" not in shown.pinned_label.toolTip()


# -- following the newest row ------------------------------------------------------------------
def at_bottom(panel: FeedPanel) -> bool:
    bar = panel.view.verticalScrollBar()
    return bar.maximum() > 0 and bar.value() == bar.maximum()


def test_auto_scroll_pauses_when_scrolled_up_and_resumes(
    qtbot: QtBot, shown: FeedPanel, session: LiveSession
) -> None:
    session.ingest(comments(100), "sim")
    shown.refresh()
    assert at_bottom(shown)
    assert shown.following
    bar = shown.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)  # the operator scrolls up to read
    assert not shown.following
    top = shown.view.indexAt(QPoint(0, 0)).data(TEXT_ROLE)

    session.ingest(comments(5, "n"), "sim")
    shown.refresh()
    assert not at_bottom(shown)
    assert shown.view.indexAt(QPoint(0, 0)).data(TEXT_ROLE) == top
    assert not shown.jump_button.isHidden()
    assert shown.jump_button.text() == "↓ 5 new"
    session.ingest([comment("z", "zz"), {"kind": "follow", "user": "f"}], "sim")
    shown.filters["follow"].click()  # hidden kinds are not "new" to the operator
    shown.refresh()
    assert shown.jump_button.text() == "↓ 6 new"

    shown.jump_button.click()
    assert at_bottom(shown)
    assert shown.following
    assert shown.jump_button.isHidden()
    session.ingest(comments(10, "m"), "sim")
    shown.refresh()
    assert at_bottom(shown)


def test_scrolling_back_to_the_bottom_resumes(
    qtbot: QtBot, shown: FeedPanel, session: LiveSession
) -> None:
    session.ingest(comments(100), "sim")
    shown.refresh()
    bar = shown.view.verticalScrollBar()
    bar.setValue(0)
    session.ingest(comments(3, "n"), "sim")
    shown.refresh()
    assert shown.jump_button.text() == "↓ 3 new"
    bar.setValue(bar.maximum())
    assert shown.following
    assert shown.jump_button.isHidden()


def test_paused_view_holds_still_while_old_rows_drop_off(
    qtbot: QtBot, shown: FeedPanel, session: LiveSession
) -> None:
    shown.model.set_cap(60)
    session.ingest(comments(60), "sim")
    shown.refresh()
    shown.view.verticalScrollBar().setValue(shown.view.verticalScrollBar().maximum() // 2)
    top = shown.view.indexAt(QPoint(0, 0)).data(TEXT_ROLE)
    session.ingest(comments(10, "n"), "sim")
    shown.refresh()
    assert shown.model.index(0, 0).data(TEXT_ROLE) == "c10"
    assert shown.view.indexAt(QPoint(0, 0)).data(TEXT_ROLE) == top


# -- pinning -----------------------------------------------------------------------------------
def select_row(panel: FeedPanel, row: int) -> None:
    panel.view.setCurrentIndex(panel.proxy.index(row, 0))


def test_pin_and_unpin_through_the_session(
    qtbot: QtBot, shown: FeedPanel, session: LiveSession
) -> None:
    session.ingest([comment("小鱼儿", "有链接吗"), {"kind": "follow", "user": "f"}], "sim")
    shown.refresh()
    assert shown.banner.isHidden()
    assert not shown.pin_button.isEnabled()  # nothing selected
    select_row(shown, 1)
    assert not shown.pin_button.isEnabled()  # a follow cannot be pinned
    select_row(shown, 0)
    assert shown.pin_button.isEnabled()
    shown.pin_button.click()
    pinned = session.state.pinned
    assert pinned is not None
    assert (pinned.user, pinned.text) == ("小鱼儿", "有链接吗")
    assert pinned.seq == shown.model.event_at(0).seq
    assert not shown.banner.isHidden()
    assert shown.pinned_label.text() == "小鱼儿: 有链接吗"
    shown.refresh()  # the pin is in the feed too
    assert shown.model.index(2, 0).data().endswith("📌 Pinned 小鱼儿: 有链接吗")

    shown.unpin_button.click()
    assert session.state.pinned is None
    assert shown.banner.isHidden()
    shown.refresh()
    assert shown.model.index(3, 0).data().endswith("📌 Unpinned the comment")


def test_pin_with_the_p_key_and_the_context_menu(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, shown: FeedPanel, session: LiveSession
) -> None:
    session.ingest([comment("a", "first"), comment("b", "second")], "sim")
    shown.refresh()
    select_row(shown, 0)
    shown.view.setFocus()
    qtbot.keyClick(shown.view, Qt.Key.Key_P)
    assert session.state.pinned is not None and session.state.pinned.text == "first"

    popups: list[QPoint] = []  # offscreen Qt cannot grab the keyboard for a real popup
    monkeypatch.setattr(shown.context_menu, "popup", popups.append)
    shown.view.customContextMenuRequested.emit(QPoint(2, shown.view.height() - 4))  # no row
    assert popups == []
    shown.view.customContextMenuRequested.emit(QPoint(2, 2))  # the first row
    assert shown.pin_action.isEnabled()
    row = shown.view.visualRect(shown.proxy.index(1, 0)).center()
    shown.view.customContextMenuRequested.emit(row)
    assert len(popups) == 2
    assert shown.pin_action.isEnabled()
    shown.pin_action.trigger()
    assert session.state.pinned is not None and session.state.pinned.text == "second"


def test_banner_shows_pins_made_elsewhere_and_shortens_long_ones(
    panel: FeedPanel, session: LiveSession
) -> None:
    session.ingest([comment("u", "长" * 2000)], "sim")
    session.pin(session.activity_after(0)[0])
    panel.refresh()
    assert not panel.banner.isHidden()
    text = panel.pinned_label.text()
    assert text.startswith("u: 长") and text.endswith("…") and len(text) == 140
    assert "长" * 2000 in panel.pinned_label.toolTip()


def test_a_refused_pin_shows_the_reason(panel: FeedPanel, session: LiveSession) -> None:
    session.ingest([comment("a", "hi")], "sim")
    panel.refresh()
    session.end()
    select_row(panel, 0)
    panel.pin_selected()
    assert not panel.error_label.isHidden()
    assert panel.error_label.textFormat() == Qt.TextFormat.PlainText
    assert panel.error_label.text()
    assert session.state.pinned is None


def test_error_clears_after_a_successful_pin(qtbot: QtBot, session: LiveSession) -> None:
    calls: list[Event | None] = []

    def flaky(event: Event | None) -> None:
        calls.append(event)
        if len(calls) == 1:
            raise CommandError("<b>the feed is busy</b>")

    p = FeedPanel(session, pin=flaky)
    qtbot.addWidget(p)
    p.unpin()
    assert p.error_label.text() == "<b>the feed is busy</b>"
    p.unpin()
    assert p.error_label.isHidden()
    assert calls == [None, None]


def test_read_only_hides_pin_controls(qtbot: QtBot, session: LiveSession) -> None:
    session.ingest([comment("a", "hi")], "sim")
    session.pin(session.activity_after(0)[0])
    p = FeedPanel(session)
    qtbot.addWidget(p)
    p.show()
    p.refresh()
    assert p.pin_button.isHidden()
    assert p.unpin_button.isHidden()
    assert not p.banner.isHidden()  # a replay still shows what was pinned
    select_row(p, 0)
    p.view.setFocus()
    qtbot.keyClick(p.view, Qt.Key.Key_P)
    p.pin_selected()
    assert p.view.contextMenuPolicy() != Qt.ContextMenuPolicy.CustomContextMenu
    assert session.state.pinned is not None and session.state.pinned.text == "hi"
    assert len(session.activity_after(0)) == 2  # nothing new was logged


# -- sources -----------------------------------------------------------------------------------
class FakeReplay:
    """A source whose cursor can move back, as a replay's does."""

    def __init__(self) -> None:
        self.state = SessionState()
        self.events: list[Event] = []

    def activity_after(self, seq: int) -> list[Event]:
        return [e for e in self.events if seq < e.seq <= self.state.last_seq]

    def now_ms(self) -> int:
        return self.state.last_ts_ms


def test_a_replay_seeking_back_starts_the_feed_again(qtbot: QtBot) -> None:
    source = FakeReplay()
    source.events = [
        Event(s, 1_764_316_800_000, "comment", "sim", {"user": "u", "text": f"t{s}"})
        for s in range(1, 6)
    ]
    p = FeedPanel(source)
    qtbot.addWidget(p)
    source.state.last_seq = 5
    p.refresh()
    assert texts(p.model) == ["t1", "t2", "t3", "t4", "t5"]
    source.state.last_seq = 2
    p.refresh()
    assert texts(p.model) == ["t1", "t2"]


# -- masking -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张**"),
        ("张", "*"),
        ("jason", "j***n"),
        ("Bob", "B***b"),
        ("jo", "j**"),
        ("j", "*"),
        ("", ""),
        ("   ", ""),
        (" jason ", "j***n"),
        ("小鱼儿 fish", "小**"),
        ("ｊａｓｏｎ", "ｊ**"),  # full-width letters read like CJK
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_deal_start_and_end_show_in_the_feed(
    qtbot: QtBot, session: LiveSession, clock: VirtualClock
) -> None:
    from console.domain.deals import DealSpec

    panel = FeedPanel(session)
    qtbot.addWidget(panel)
    deal = session.schedule_deal(DealSpec("MASK", 3990, quantity=5, per_buyer=5, duration_s=60))
    clock.advance(61_000)
    session.fire_due()
    panel.refresh()
    lines = [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]
    assert any("Flash deal live: 保湿面膜 10片 at ¥39.90" in line for line in lines)
    assert any("Flash deal over: 保湿面膜 10片, 0 sold (time is up)" in line for line in lines)
    assert session.state.deals[deal.seq].end_reason == "time"
