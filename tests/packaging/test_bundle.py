"""The Linux installers, built and run for real.

`make dist` builds the PyInstaller bundle, the tarball and the .deb (Make skips what
the same sources already built); the bundled app then passes its --self-test
offscreen, and so does the .deb unpacked into a temporary root with `dpkg -x`.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from console import __version__

ROOT = Path(__file__).resolve().parents[2]
NAME = "live-console"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Qt modules that must stay out of the bundle (each would add megabytes and start-up time).
UNWANTED_QT = re.compile(r"Qt6(Quick|Qml|Designer|WebEngine|Pdf|3D|Multimedia|Charts|Sql|Test)")
# Libraries left to the system (the spec's LEFT_TO_SYSTEM; the .deb depends on them).
SYSTEM_ONLY = re.compile(r"lib(X11|xcb-|xkbcommon|glib-2|dbus-1|systemd|fontconfig|freetype|krb5)")
SIZE_TARGET = 150e6  # bytes unpacked (issue 8; BENCHMARKS.md, Bundle)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]


@dataclass(frozen=True)
class Dist:
    bundle: Path
    tarball: Path
    deb: Path

    @property
    def internal(self) -> Path:
        return self.bundle / "_internal"


def tools_missing() -> list[str]:
    missing = [] if importlib.util.find_spec("PyInstaller") else ["PyInstaller (`make dist-tools`)"]
    return missing + [
        tool
        for tool in ("make", "dpkg-deb", "objdump", "strip", "desktop-file-validate")
        if shutil.which(tool) is None
    ]


@pytest.fixture(scope="module")
def dist() -> Dist:
    if sys.platform != "linux":
        pytest.skip("the tarball and .deb are built on Linux")
    missing = tools_missing()
    if missing:
        reason = f"cannot build the Linux packages without {', '.join(missing)}"
        if os.environ.get("CI"):  # CI must run this test: .ci/run installs them
            pytest.fail(reason)
        pytest.skip(reason)
    r = subprocess.run(
        ["make", "--no-print-directory", "dist"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    return Dist(
        bundle=ROOT / "dist" / NAME,
        tarball=ROOT / "dist" / f"{NAME}-{__version__}-linux-x86_64.tar.gz",
        deb=ROOT / "dist" / f"{NAME}_{__version__}_amd64.deb",
    )


@pytest.fixture(scope="module")
def deb_root(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb installed into a temporary root, as dpkg would lay it out."""
    root = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(dist.deb), str(root)], check=True, timeout=120)
    return root


def is_elf(path: Path) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def desktop_entry(path: Path) -> dict[str, str]:
    """The keys of a .desktop file's [Desktop Entry] group, case kept."""
    group, entry = "", {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            group = line
        elif group == "[Desktop Entry]" and "=" in line:
            key, value = line.split("=", 1)
            entry[key] = value
    return entry


def run_app(executable: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run a packaged binary the way a desktop would: no venv, no Python variables, a fresh home."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "LD_", "QT_"))
    }
    env.update(
        PATH="/usr/local/bin:/usr/bin:/bin",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    return subprocess.run(
        [str(executable), *args], capture_output=True, text=True, timeout=180, env=env, cwd=home
    )


def assert_self_test_passes(executable: Path, home: Path) -> None:
    data = home / "data"
    r = run_app(executable, "--data-dir", str(data), "--self-test", home=home)
    log = data / "logs" / "live-console.log"
    assert r.returncode == 0, (
        r.stdout + r.stderr + (log.read_text()[-4000:] if log.exists() else "")
    )
    assert "self-test passed" in r.stdout


def test_bundle_passes_its_self_test(dist: Dist, tmp_path: Path) -> None:
    assert_self_test_passes(dist.bundle / NAME, tmp_path)
    version = run_app(dist.bundle / NAME, "--version", home=tmp_path)
    assert version.stdout.strip() == f"{NAME} {__version__}"


def test_bundle_carries_every_resource(dist: Dist) -> None:
    source = ROOT / "resources"
    for path in source.rglob("*"):
        if path.is_file():
            bundled = dist.internal / "resources" / path.relative_to(source)
            assert bundled.read_bytes() == path.read_bytes(), bundled
    # Qt needs a plugin for each picture format the themes draw with (PNG is built in),
    # and loads a sheet's `image: url(...)` as an icon, through the SVG icon engine for SVG.
    plugins = dist.internal / "PySide6" / "Qt" / "plugins"
    formats = {p.name for p in (plugins / "imageformats").iterdir()}
    for suffix in {p.suffix.lstrip(".") for p in (source / "themes").iterdir()} - {"qss", "png"}:
        assert f"libq{suffix}.so" in formats, suffix
        if suffix == "svg":
            assert (plugins / "iconengines" / "libqsvgicon.so").exists()


def test_bundle_leaves_unused_qt_out(dist: Dist) -> None:
    libraries = [p.name for p in dist.internal.rglob("*.so*")]
    assert not [name for name in libraries if UNWANTED_QT.search(name)]
    assert not [name for name in libraries if name.startswith("libgtk")]  # the GTK theme plugin's
    # pyqtgraph's OpenGL binding (packaging/rthook_qtopengl.py stands in) and its logo
    assert not list(dist.internal.glob("PySide6/QtOpenGL.*"))
    assert (dist.internal / "PySide6" / "QtOpenGLWidgets.abi3.so").exists()
    assert not (dist.internal / "pyqtgraph" / "icons" / "peegee").exists()
    assert not [name for name in libraries if SYSTEM_ONLY.match(name)]
    icu = [p for p in dist.internal.rglob("libicudata.so.*") if not p.is_symlink()]
    assert icu and all(p.stat().st_size < 16e6 for p in icu)  # cut down by icu_data.py
    size = sum(
        p.stat().st_size for p in dist.bundle.rglob("*") if p.is_file() and not p.is_symlink()
    )
    assert size < SIZE_TARGET, f"the bundle grew to {size / 1e6:.1f} MB (BENCHMARKS.md: Bundle)"


def test_tarball_unpacks_to_a_working_app(dist: Dist, tmp_path: Path) -> None:
    with tarfile.open(dist.tarball) as tar:
        assert {m.name.split("/")[0] for m in tar.getmembers()} == {f"{NAME}-{__version__}"}
        tar.extractall(tmp_path, filter="data")
    # It names the system packages it needs: all the .deb's Depends (the first of alternatives).
    readme = (tmp_path / f"{NAME}-{__version__}" / "README.txt").read_text()
    depends = deb_field(dist.deb, "Depends")
    for package in re.split(r",\s*", depends):
        name = re.sub(r"\s*\(.*\)", "", package.split(" | ")[0]).strip()
        assert name == "libc6" or name in readme, name
    version = run_app(tmp_path / f"{NAME}-{__version__}" / NAME, "--version", home=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"{NAME} {__version__}"


def test_deb_installs_and_runs(deb_root: Path, tmp_path: Path) -> None:
    link = deb_root / "usr" / "bin" / NAME
    assert link.is_symlink() and os.readlink(link) == f"/opt/{NAME}/{NAME}"
    installed = deb_root / "opt" / NAME / NAME
    version = run_app(installed, "--version", home=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"{NAME} {__version__}"
    assert_self_test_passes(installed, tmp_path)


def test_deb_desktop_entry_and_icons(deb_root: Path) -> None:
    desktop = deb_root / "usr" / "share" / "applications" / f"{NAME}.desktop"
    r = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert r.returncode == 0 and not r.stdout.strip(), r.stdout + r.stderr
    entry = desktop_entry(desktop)
    assert entry["Exec"] == NAME and entry["Icon"] == NAME and entry["Name[zh_CN]"]
    assert entry["StartupWMClass"] == "Live Console"  # Qt's X11 window class: app.py's app name
    for size in ICON_SIZES:
        png = (
            deb_root
            / "usr"
            / "share"
            / "icons"
            / "hicolor"
            / f"{size}x{size}"
            / "apps"
            / f"{NAME}.png"
        )
        header = png.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (
            size,
            size,
        )


def deb_field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_deb_declares_what_the_bundle_lacks(dist: Dist) -> None:
    """Every library the bundle needs but does not carry comes from a package in Depends."""
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(dist.deb), "Package", "Version", "Depends"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    control = dict(line.split(": ", 1) for line in fields.splitlines())
    assert control["Package"] == NAME and control["Version"] == __version__
    depends = {
        re.sub(r"\s*\(.*\)", "", alt).strip() for alt in re.split(r"[,|]", control["Depends"])
    }
    shipped = {p.name for p in dist.bundle.rglob("*")}
    lacking: set[str] = set()
    for path in dist.internal.rglob("*"):
        if is_elf(path):
            dynamic = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True)
            lacking |= set(re.findall(r"NEEDED\s+(\S+)", dynamic.stdout)) - shipped
    assert lacking, "the bundle should leave at least the C library to the system"
    for library in sorted(lacking):
        owners = subprocess.run(["dpkg", "-S", f"*/{library}"], capture_output=True, text=True)
        packages = {
            package.split(":")[0].strip()
            for line in owners.stdout.splitlines()
            if not line.startswith("diversion")
            for package in line.split(": ")[0].split(",")
        }
        assert packages & depends, f"{library} (from {packages or 'no package'}) is not in Depends"
