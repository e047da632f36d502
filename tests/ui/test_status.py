"""The status bar's feed light: the worst feed shows, every feed is in the tooltip."""

from __future__ import annotations

import time

import pytest
from pytestqt.qtbot import QtBot

from console.engine.session import LiveSession
from console.feeds.base import Feed, FeedSink, FeedState
from console.store.writer import SaveStatus
from console.ui.status import StatusPanel

pytestmark = pytest.mark.gui


class Fake(Feed):
    async def start(self, sink: FeedSink) -> None:
        raise AssertionError("not started in these tests")

    async def stop(self) -> None:
        raise AssertionError("not stopped in these tests")


def _panel(qtbot: QtBot, session: LiveSession, feeds: list[Feed]) -> StatusPanel:
    panel = StatusPanel(session, feeds, SaveStatus, "x.live.db")
    qtbot.addWidget(panel)
    return panel


def test_all_live_is_green_and_counted(qtbot: QtBot, session: LiveSession) -> None:
    a, b = Fake("sim:mid"), Fake("twitch:shop")
    a._set_status(FeedState.LIVE)
    b._set_status(FeedState.LIVE)
    text, state, tip = _panel(qtbot, session, [a, b]).feed_text()
    assert (text, state) == ("● 2 feeds live", "connected")
    assert tip == "sim:mid: live\ntwitch:shop: live"


def test_the_worst_feed_shows_with_its_reason_and_retry(qtbot: QtBot, session: LiveSession) -> None:
    live, down = Fake("sim:mid"), Fake("ws://127.0.0.1:9/feed?token=***")
    live._set_status(FeedState.LIVE)
    retry = int(time.time() * 1000) + 4_000
    down._set_status(FeedState.RECONNECTING, "connection refused", retry)
    panel = _panel(qtbot, session, [live, down])
    panel.refresh()
    assert (
        panel.feed.text()
        == "◌ ws://127.0.0.1:9/feed?token=***: reconnecting in 4 s (connection refused)"
    )
    assert panel.feed.property("state") == "reconnecting"
    down._set_status(FeedState.FAILED, "the server refused the token")
    panel.refresh()
    assert panel.feed.text().endswith("failed: the server refused the token")
    assert panel.feed.property("state") == "offline"


def test_no_feed_and_ended_session(qtbot: QtBot, session: LiveSession) -> None:
    panel = _panel(qtbot, session, [])
    assert panel.feed_text()[:2] == ("○ No feed", "offline")
    session.end()
    assert panel.feed_text()[:2] == ("■ Session ended", "ended")
