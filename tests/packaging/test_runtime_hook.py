"""packaging/rthook_child_env.py: what the bundled app's child processes inherit."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

HOOK = Path(__file__).resolve().parents[2] / "packaging" / "rthook_child_env.py"


def test_the_callers_library_path_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/live-console/_internal")
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/usr/local/lib")
    runpy.run_path(str(HOOK))
    assert os.environ["LD_LIBRARY_PATH"] == "/usr/local/lib"
    assert "LD_LIBRARY_PATH_ORIG" not in os.environ


def test_no_library_path_when_the_caller_had_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/live-console/_internal")
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG", raising=False)
    runpy.run_path(str(HOOK))
    assert "LD_LIBRARY_PATH" not in os.environ


QTOPENGL_HOOK = HOOK.with_name("rthook_qtopengl.py")
# In a fresh interpreter: the hook as the bundle runs it, then (with "absent") its finder
# moved ahead of the real ones, as if PySide6.QtOpenGL were not installed.
DRAW_WITHOUT_OPENGL = r"""
import runpy, sys
runpy.run_path(sys.argv[1])
if sys.argv[2] == "absent":
    sys.meta_path.insert(0, sys.meta_path.pop())
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
app = QApplication([])
import pyqtgraph as pg
import PySide6.QtOpenGL as gl
print(type(gl).__name__)
try:
    gl.QOpenGLBuffer
except AttributeError as e:
    print("AttributeError:", e)
widget = pg.PlotWidget()
widget.resize(320, 200)
widget.plot([0, 1, 2, 3], [0, 3, 1, 2], pen=pg.mkPen("#ff0000", width=4))
image = widget.grab().toImage()
red = sum(
    image.pixelColor(x, y) == QColor("#ff0000")
    for x in range(image.width()) for y in range(image.height())
)
print("red pixels:", red)
"""


def draw(mode: str) -> str:
    r = subprocess.run(
        [sys.executable, "-c", DRAW_WITHOUT_OPENGL, str(QTOPENGL_HOOK), mode],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_pyqtgraph_draws_curves_without_the_opengl_binding() -> None:
    out = draw("absent").splitlines()
    assert out[0] == "_Absent"
    assert out[1].startswith("AttributeError: PySide6.QtOpenGL.QOpenGLBuffer: Qt's OpenGL")
    assert int(out[2].removeprefix("red pixels: ")) > 200


def test_the_real_binding_wins_where_it_is_installed() -> None:
    out = draw("installed").splitlines()
    assert out[0] == "module"  # PySide6's own extension module, not the stand-in
    assert not out[1].startswith("AttributeError")
