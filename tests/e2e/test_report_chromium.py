"""The HTML report in a real browser: headless Chromium renders, dumps and prints it."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium on PATH (apt install chromium)"),
]  # fmt: skip

TITLE = "<script>alert(1)</script> 夜场"
SCRIPT = [
    {"at": 0, "action": "present", "sku": "MASK-10"},
    {"at": 90, "action": "deal", "sku": "MASK-10", "price": "39.90", "quantity": 40,
     "per_buyer": 1, "countdown_s": 10, "duration_s": 120},
    {"at": 300, "action": "present", "sku": "EARBUD-PRO"},
    {"at": 420, "action": "marker", "text": "<img src=x onerror=alert(2)> 抽奖"},
    {"at": 600, "action": "present", "sku": "HOODIE-OS"},
]  # fmt: skip


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    r = subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=180,
                       env=env, cwd=cwd)  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    return r


def chromium(tmp: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return run(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               f"--user-data-dir={tmp / 'profile'}", *args, cwd=tmp)  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("chromium")
    script = tmp / "show.json"
    script.write_text(json.dumps(SCRIPT), encoding="utf-8")
    session = tmp / "s.live.db"
    run(sys.executable, "-m", "console", "simulate", "--duration", "900", "--seed", "5",
        "--start", "2026-11-28T12:00:00Z", "--out", session, "--quiet", "--title", TITLE,
        "--script", script)  # fmt: skip
    out = tmp / "report.html"
    run(sys.executable, "-m", "console", "report", session, "--html", out,
        "--previous-dir", tmp / "none")  # fmt: skip
    return out


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = self._in_h1 and tag != "h1"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data


def test_untrusted_text_is_text_in_the_rendered_dom(report: Path) -> None:
    dom = chromium(report.parent, "--dump-dom", report.as_uri()).stdout
    parsed = _Dom()
    parsed.feed(dom)
    assert parsed.h1 == TITLE  # the title is shown as the characters it is
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "&lt;img src=x onerror=alert(2)&gt; 抽奖" in dom
    assert parsed.tags.count("svg") == 4


def test_screenshot_renders_the_report(report: Path) -> None:
    png = report.parent / "report.png"
    chromium(report.parent, f"--screenshot={png}", "--window-size=1280,2400", report.as_uri())
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2400)
    assert len(data) > 50_000  # charts and text, not a blank page


def test_print_gives_a_page_per_section(report: Path) -> None:
    pdf = report.parent / "report.pdf"
    chromium(report.parent, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 6 <= pages <= 10  # overview, charts, products, deals, peaks, comparison
