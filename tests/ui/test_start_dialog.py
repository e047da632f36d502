"""The start screen as a seller fills it in: practice or live feeds, checked before it closes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from console.ui.start_dialog import LIVE, StartDialog

pytestmark = pytest.mark.gui


def _dialog(qtbot: QtBot, *, has_secret: bool = False) -> StartDialog:
    d = StartDialog(webhook_port=9001, has_secret=has_secret)
    qtbot.addWidget(d)
    d.show()
    return d


def test_practice_is_the_default_and_hides_the_feed_rows(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    assert not d.feeds.isVisible()
    d._try_accept()
    plan = d.plan()
    assert plan is not None
    assert (plan.title, plan.preset, plan.live) == ("Practice", "mid", False)


def test_live_feeds_are_checked_and_planned(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    d.source.setCurrentIndex(d.source.findData(LIVE))
    assert d.feeds.isVisible()
    assert d.title.text() == "Live"
    d._try_accept()
    assert "at least one feed" in d.error.text()
    d.feeds.setPlainText("twitch:some channel\n")
    d._try_accept()
    assert "not a Twitch channel" in d.error.text()
    assert d.result() != QDialog.DialogCode.Accepted
    d.feeds.setPlainText("  twitch:shopname \n\nws://127.0.0.1:8765/feed?token=abc\n")
    d._try_accept()
    plan = d.plan()
    assert plan is not None
    assert plan.feeds == ("twitch:shopname", "ws://127.0.0.1:8765/feed?token=abc")
    assert plan.live and not plan.webhooks


def test_webhooks_need_a_secret(qtbot: QtBot) -> None:
    d = _dialog(qtbot)
    d.source.setCurrentIndex(d.source.findData(LIVE))
    assert d.webhooks.text() == "Accept Shopify order webhooks on port 9001"
    d.webhooks.setChecked(True)
    d._try_accept()
    assert "secret" in d.error.text()
    ok = _dialog(qtbot, has_secret=True)
    ok.source.setCurrentIndex(ok.source.findData(LIVE))
    ok.webhooks.setChecked(True)
    ok._try_accept()
    plan = ok.plan()
    assert plan is not None and plan.webhooks and plan.feeds == ()
