"""The installed PySide6 must not be one that corrupts None's refcount (see docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import SHARED

CHECK = SHARED / "checks" / "pyside6_none_refcount.py"


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/checks is not beside this checkout")
def test_installed_pyside6_keeps_none_alive() -> None:
    r = subprocess.run([sys.executable, str(CHECK)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
