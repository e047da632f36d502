"""Draw the app icon and write it in every size and format the installers want.

The icon is drawn here with QPainter (no text, so no fonts are involved and the
result is the same on every machine), so the repository keeps no binary blobs:

    python packaging/make_icons.py build/icons

writes live-console-<N>.png for the hicolor theme (16 to 512 px), live-console.ico
(Windows: 16 to 256 px) and live-console.icns (macOS: 16 to 1024 px), each holding PNGs.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QImageWriter, QLinearGradient, QPainter, QPen

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold a PNG, by edge length (Apple's icns format, macOS 10.7+).
ICNS_TYPES = {
    16: b"icp4",
    32: b"icp5",
    64: b"icp6",
    128: b"ic07",
    256: b"ic08",
    512: b"ic09",
    1024: b"ic10",
}
NAME = "live-console"


def draw(size: int) -> QImage:
    """The icon at `size` px: a red tile, three rising white bars and an "on air" dot."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 100, size / 100)  # draw on a 100 x 100 grid
    tile = QLinearGradient(QPointF(0, 0), QPointF(0, 100))
    tile.setColorAt(0, QColor("#ff6a3d"))
    tile.setColorAt(1, QColor("#d81b60"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(tile))
    painter.drawRoundedRect(QRectF(4, 4, 92, 92), 20, 20)
    painter.setBrush(QColor("#ffffff"))
    for i, height in enumerate((18, 30, 42)):
        painter.drawRoundedRect(QRectF(18 + i * 19, 82 - height, 13, height), 3, 3)
    painter.drawEllipse(QPointF(75, 25), 5.5, 5.5)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor("#ffffff"), 4))
    painter.drawEllipse(QPointF(75, 25), 11, 11)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose images are PNGs (Windows Vista and later read them)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in sorted(pngs.items()):
        edge = size % 256  # 0 means 256
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns: big-endian (type, length) elements, each a PNG."""
    body = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", 8 + len(data)) + data
        for size, data in sorted(pngs.items())
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    pngs = {size: png_bytes(draw(size)) for size in sorted({*PNG_SIZES, *ICO_SIZES, *ICNS_TYPES})}
    for size in PNG_SIZES:
        (out / f"{NAME}-{size}.png").write_bytes(pngs[size])
    (out / f"{NAME}.ico").write_bytes(ico({s: pngs[s] for s in ICO_SIZES}))
    (out / f"{NAME}.icns").write_bytes(icns({s: pngs[s] for s in ICNS_TYPES}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_icons.py OUT_DIR")
    write_icons(Path(sys.argv[1]))
