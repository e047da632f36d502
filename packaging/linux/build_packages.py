"""The Linux tarball and Debian package, made from the PyInstaller bundle.

    python packaging/linux/build_packages.py VERSION

reads dist/live-console/ (packaging/live-console.spec) and build/icons/ (make_icons.py)
and writes dist/live-console-VERSION-linux-x86_64.tar.gz and dist/live-console_VERSION_amd64.deb.
The .deb installs the bundle to /opt/live-console with /usr/bin/live-console linking to it,
a desktop entry, and the icon in the hicolor theme. Set DEB_MAINTAINER to sign releases
with a real name and address.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "live-console"
BUNDLE = ROOT / "dist" / NAME
ICONS = ROOT / "build" / "icons"
DESKTOP = Path(__file__).with_name(f"{NAME}.desktop")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

# What the bundle links to but does not carry, by Debian package. PyInstaller leaves
# the C library, the OpenGL dispatch libraries (libglvnd), libxcb and Wayland's client
# libraries to the system; the spec also leaves out what every desktop has (X11 and
# XCB, XKB, GLib, D-Bus, fontconfig, FreeType with Brotli, Kerberos for Qt Network),
# as Debian-packaged programs do, and with them what those pull in. Chinese text needs
# a CJK font. tests/packaging/test_bundle.py checks that every library the bundle needs
# and lacks comes from one of these packages.
DEPENDS = (
    "libgl1",
    "libegl1",
    "libx11-6",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libwayland-client0",
    "libwayland-cursor0",
    "libglib2.0-0",
    "libdbus-1-3",
    "libfontconfig1",
    "libfreetype6",
    "libbrotli1",
    "libgssapi-krb5-2",
    "fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei",
)
RECOMMENDS = (
    "fonts-noto-color-emoji",  # the activity feed's icons
    "xdg-utils",  # "Show in folder" and opening an exported report
)
DESCRIPTION = """\
desktop control console for live-commerce sellers
 Live Console runs the product queue, flash deals and live charts of orders and
 audience beside the camera, and keeps a tamper-evident SQLite log of every
 live-selling session for replay and review. Practice mode runs on a built-in
 audience simulator."""


def tarball_name(version: str) -> str:
    return f"{NAME}-{version}-linux-x86_64.tar.gz"


def deb_name(version: str) -> str:
    return f"{NAME}_{version}_amd64.deb"


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def glibc_needed(folder: Path) -> str:
    """The newest GLIBC symbol version any binary in `folder` asks for, e.g. "2.34"."""
    dump = subprocess.run(
        ["objdump", "-T", *map(str, elf_files(folder))], capture_output=True, text=True, check=True
    ).stdout
    versions = {
        tuple(int(n) for n in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", dump)
    }
    return ".".join(map(str, max(versions)))


def control(version: str, installed_kib: int, glibc: str) -> str:
    maintainer = (
        os.environ.get("DEB_MAINTAINER")
        or "Live Console maintainers <maintainers@live-console.invalid>"
    )
    fields = {
        "Package": NAME,
        "Version": version,
        "Architecture": "amd64",
        "Maintainer": maintainer,
        "Installed-Size": str(installed_kib),
        "Depends": ", ".join((f"libc6 (>= {glibc})", *DEPENDS)),
        "Recommends": ", ".join(RECOMMENDS),
        "Section": "misc",
        "Priority": "optional",
        "Description": DESCRIPTION,
    }
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


def installed_kib(folder: Path) -> int:
    return sum(-(-p.lstat().st_size // 1024) for p in folder.rglob("*") if not p.is_dir())


def check_version(version: str) -> None:
    """Refuse to label a bundle with a version it does not report."""
    said = subprocess.run(
        [str(BUNDLE / NAME), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if said != f"{NAME} {version}":
        sys.exit(f"the bundle says {said!r}, not version {version}: rebuild it")


def tarball_readme(version: str, glibc: str) -> str:
    """What the tarball's README says: how to run it and the system packages it needs."""
    packages = " \\\n        ".join(
        textwrap.wrap(" ".join(alt.split(" | ")[0] for alt in DEPENDS), 70, break_on_hyphens=False)
    )
    return f"""\
Live Console {version} for Linux (x86-64)

Run ./{NAME} in this folder. It needs glibc {glibc} or newer and these system
libraries, which a desktop usually has. On Debian and Ubuntu:

    sudo apt install {packages}

(or install the .deb instead, which brings them). Elsewhere, the same libraries:
libGL and libEGL, X11 with libX11-xcb, libxcb and xcb-util (cursor, icccm, image,
keysyms, render-util), libxkbcommon with its X11 part, the Wayland client
libraries, GLib 2, D-Bus, fontconfig, FreeType, Brotli and MIT Kerberos
(libgssapi_krb5), and a Chinese font such as Noto Sans CJK.
"""


def make_tarball(version: str, out: Path, glibc: str) -> None:
    top = f"{NAME}-{version}"

    def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    readme = tarball_readme(version, glibc).encode()
    partial = out.with_name(out.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(BUNDLE, arcname=top, filter=owned_by_root)
        info = owned_by_root(tarfile.TarInfo(f"{top}/README.txt"))
        info.size, info.mode, info.mtime = len(readme), 0o644, int(BUNDLE.stat().st_mtime)
        tar.addfile(info, io.BytesIO(readme))
    partial.replace(out)


def make_deb(version: str, out: Path, glibc: str) -> None:
    stage = ROOT / "build" / "deb" / out.stem
    shutil.rmtree(stage, ignore_errors=True)
    # Hard links: the bundle's 140-odd MB are not copied, only named a second time.
    shutil.copytree(BUNDLE, stage / "opt" / NAME, symlinks=True, copy_function=os.link)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(DESKTOP, applications / DESKTOP.name)
    for size in ICON_SIZES:
        folder = stage / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True)
        shutil.copy2(ICONS / f"{NAME}-{size}.png", folder / f"{NAME}.png")
    size = installed_kib(stage)
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN" / "control").write_text(control(version, size, glibc))
    # zstd: 1 s here, where the default xz takes a minute for a quarter less.
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "--build", str(stage), str(out)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    shutil.rmtree(stage)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: build_packages.py VERSION")
    version = argv[0]
    check_version(version)
    dist = ROOT / "dist"
    glibc = glibc_needed(BUNDLE)
    make_tarball(version, dist / tarball_name(version), glibc)
    make_deb(version, dist / deb_name(version), glibc)
    for name in (tarball_name(version), deb_name(version)):
        print(f"{dist / name}: {(dist / name).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
