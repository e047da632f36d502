"""packaging/icu_data.py: the slimmer ICU data library, opened by ICU itself.

The bundled libicuuc and libicui18n are copied beside the rebuilt libicudata (they
find it through their RUNPATH, $ORIGIN) and driven through ctypes in a fresh
interpreter, where no Qt has loaded the original yet: collation, time-zone names
and character-set converters (what Qt Core asks ICU for) answer as with the
full data, and a dropped converter is gone.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import ctypes, json, sys
from pathlib import Path

folder, version, names = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
uc = ctypes.CDLL(str(folder / f"libicuuc.so.{version}"))
i18n = ctypes.CDLL(str(folder / f"libicui18n.so.{version}"))
P, I, S = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p  # UChar * buffers go as char *


def fn(lib, name, restype, *argtypes):
    f = getattr(lib, f"{name}_{version}")
    f.restype, f.argtypes = restype, list(argtypes)
    return f


status = I(0)
ERR = ctypes.POINTER(I)
ucnv_open = fn(uc, "ucnv_open", P, S, ERR)
ucnv_close = fn(uc, "ucnv_close", None, P)
ucnv_toUChars = fn(uc, "ucnv_toUChars", I, P, S, I, S, I, ERR)
ucol_open = fn(i18n, "ucol_open", P, S, ERR)
ucol_strcoll = fn(i18n, "ucol_strcoll", I, P, S, I, S, I)
ucol_close = fn(i18n, "ucol_close", None, P)
ucal_open = fn(i18n, "ucal_open", P, S, I, S, I, ERR)
ucal_zone_name = fn(i18n, "ucal_getTimeZoneDisplayName", I, P, I, S, S, I, ERR)
ucal_close = fn(i18n, "ucal_close", None, P)


def ok():
    code, status.value = status.value, 0
    return code <= 0  # ICU's warnings are below zero, its errors above


def text(buf, length):
    return buf.raw[: 2 * length].decode("utf-16-le")


def opens(name):
    conv = ucnv_open(name.encode(), ctypes.byref(status))
    if conv:
        ucnv_close(conv)
    return ok()


def decode(name, data):
    conv = ucnv_open(name.encode(), ctypes.byref(status))
    buf = ctypes.create_string_buffer(256)
    length = ucnv_toUChars(conv, buf, 128, data, len(data), ctypes.byref(status))
    ucnv_close(conv)
    return text(buf, length) if ok() else None


def order(locale, a, b):
    coll = ucol_open(locale.encode(), ctypes.byref(status))
    assert ok()
    result = ucol_strcoll(coll, a.encode("utf-16-le"), len(a), b.encode("utf-16-le"), len(b))
    ucol_close(coll)
    return result


def zone_name(zone, locale):
    cal = ucal_open(zone.encode("utf-16-le"), len(zone), locale.encode(), 0, ctypes.byref(status))
    assert ok()
    buf = ctypes.create_string_buffer(256)
    length = ucal_zone_name(cal, 0, locale.encode(), buf, 128, ctypes.byref(status))
    ucal_close(cal)
    return text(buf, length) if ok() else None


print(json.dumps({
    "pinyin": order("zh_CN", "李", "张"),
    "german": order("de_DE", "Äpfel", "Zebra"),
    "zone_zh": zone_name("Asia/Shanghai", "zh_CN"),
    "zone_ja": zone_name("Asia/Tokyo", "ja_JP"),
    "opens": {name: opens(name) for name in names},
    "gbk": decode("GBK", "直播".encode("gbk")),
    "big5": decode("Big5", "直播".encode("big5")),
    "sjis": decode("Shift_JIS", "ライブ".encode("shift_jis")),
}, ensure_ascii=False))
"""

WHATWG = ["IBM866", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5", "ISO-8859-6",
          "ISO-8859-7", "ISO-8859-8", "ISO-8859-10", "ISO-8859-13", "ISO-8859-14",
          "ISO-8859-15", "KOI8-R", "KOI8-U", "macintosh", "windows-874", "windows-1250",
          "windows-1251", "windows-1252", "windows-1253", "windows-1254", "windows-1255",
          "windows-1256", "windows-1257", "windows-1258", "x-mac-cyrillic", "GBK", "GB2312",
          "gb18030", "Big5", "Big5-HKSCS", "EUC-JP", "ISO-2022-JP", "Shift_JIS", "windows-31j",
          "EUC-KR", "windows-949"]  # fmt: skip
DROPPED = ["ibm-37", "ibm-1047", "COMPOUND_TEXT", "EUC-TW"]  # EBCDIC, X11 compound text, CNS


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icu_data", ROOT / "packaging" / "icu_data.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def qt_icu() -> tuple[Path, str]:
    """PySide6's Qt library folder and its ICU major version."""
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None and spec.origin is not None
    lib = Path(spec.origin).parent / "Qt" / "lib"
    found = sorted(lib.glob("libicudata.so.*"))
    if sys.platform != "linux" or not found:
        pytest.skip("PySide6 carries ICU on Linux only")
    return lib, found[0].name.rsplit(".", 1)[1]


def probe(folder: Path, version: str) -> dict[str, object]:
    r = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder), version, json.dumps(WHATWG + DROPPED)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    result: dict[str, object] = json.loads(r.stdout)
    return result


@pytest.fixture(scope="module")
def full_and_slim(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, object], dict[str, object], int, int]:
    if shutil.which("as") is None or shutil.which("ld") is None or shutil.which("objdump") is None:
        pytest.skip("rebuilding the ICU data library needs binutils (as, ld, objdump)")
    lib, version = qt_icu()
    full, slim = tmp_path_factory.mktemp("full"), tmp_path_factory.mktemp("slim")
    for folder in (full, slim):
        for name in ("uc", "i18n", "data"):
            shutil.copy2(lib / f"libicu{name}.so.{version}", folder)
    before, after = load_tool().slim_library(slim / f"libicudata.so.{version}")
    return probe(full, version), probe(slim, version), before, after


def test_qt_gets_the_same_answers_from_the_slim_data(
    full_and_slim: tuple[dict[str, object], dict[str, object], int, int],
) -> None:
    full, slim, before, after = full_and_slim
    assert after < before * 0.5, (before, after)
    assert slim["pinyin"] == full["pinyin"] == -1  # 李 (lǐ) before 张 (zhāng): Chinese collation
    assert slim["german"] == full["german"] == -1
    assert slim["zone_zh"] == full["zone_zh"] == "中国标准时间"
    assert slim["zone_ja"] == full["zone_ja"]
    assert slim["gbk"] == slim["big5"] == "直播" and slim["sjis"] == "ライブ"
    assert full["opens"] == {name: True for name in WHATWG + DROPPED}
    assert slim["opens"] == {name: name in WHATWG for name in WHATWG + DROPPED}


def test_items_keep_their_order_and_alignment() -> None:
    tool = load_tool()
    lib, version = qt_icu()
    _, package = tool.read_library(lib / f"libicudata.so.{version}")
    header, found = tool.items(package)
    kept = [(name, data) for name, data in found if tool.wanted(name)]
    again_header, again = tool.items(tool.slim(package))
    assert again_header == header
    assert [name for name, _ in again] == [name for name, _ in kept]
    assert all(data.startswith(old) for (_, data), (_, old) in zip(again, kept, strict=True))
    assert not [name for name, _ in again if name.split("/")[1] in tool.DROPPED_TREES]
