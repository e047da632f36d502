"""Shared fixtures. Qt runs offscreen; warnings fail the run (pyproject)."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")

from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from tests.support import START_MS, small_catalog

# The machines are shared and noisy: judge the properties, not how fast examples are made.
settings.register_profile("shared", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/ui or using qtbot need a QApplication: marked, `-m "not gui"` skips them."""
    for item in items:
        uses_qt = "qtbot" in getattr(item, "fixturenames", ())
        if uses_qt or "tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """As the app does (console/ui/gc_pacer.py): a Qt object freed by a collection that
    started in a worker thread would be destroyed there, and may crash the run."""
    if not request.node.get_closest_marker("gui"):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture(autouse=True)
def _english_numbers(request: pytest.FixtureRequest) -> None:
    """Widgets format for the default QLocale; pin it so "1,234" means the same everywhere."""
    if request.node.get_closest_marker("gui"):
        from PySide6.QtCore import QLocale

        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(START_MS)


@pytest.fixture
def session(tmp_path: Path, clock: VirtualClock) -> Iterator[LiveSession]:
    s = LiveSession.start(
        tmp_path / "t.live.db", title="Test", catalog=small_catalog(), clock=clock, session_id="t1"
    )
    yield s
    s.close()
