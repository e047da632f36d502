"""Product pictures for the queue and the presenting panel.

Every product gets a picture, so rows line up and the operator recognises a
product at a glance: its local image file when there is a readable one, else
a tile in a colour fixed by the SKU with the title's first character. The UI
thread never does network I/O: a remote URL shows its picture once the
importer has fetched it into the cache set with `set_image_cache`, and a tile
until then.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImageReader, QPainter, QPixmap

from console.domain.catalog import Product
from console.importers.images import cache_path, is_remote

CACHE_LIMIT = 512  # a few sizes of a few hundred products; a 64 px tile is 16 KB
# Families tried in order so a Chinese first character renders on every platform.
TILE_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Micro Hei",
    "sans-serif",
]

_cache: OrderedDict[tuple[str, str, str, int, float, bool], QPixmap] = OrderedDict()
_remote_dir: Path | None = None


def set_image_cache(cache_dir: Path | None) -> None:
    """Where fetched pictures of http(s) images live (see console.importers.images)."""
    global _remote_dir
    _remote_dir = cache_dir


def thumbnail(product: Product, size: int) -> QPixmap:
    """A `size`×`size` (logical pixels) picture of the product, cached.

    Keyed by what the picture shows (SKU, first character, image path), so an
    edited title or image gets a new picture and an unchanged one is reused on
    every paint; a remote image's key also says whether it has been fetched.
    """
    app = QGuiApplication.instance()
    dpr = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    fetched = is_remote(product.image) and _is_file(product.image)
    key = (product.sku, _initial(product.title), product.image, size, dpr, fetched)
    pixmap = _cache.get(key)
    if pixmap is not None:
        _cache.move_to_end(key)
        return pixmap
    pixmap = _from_file(product.image, size, dpr) or _tile(product.sku, key[1], size, dpr)
    _cache[key] = pixmap
    if len(_cache) > CACHE_LIMIT:
        _cache.popitem(last=False)
    return pixmap


def _initial(title: str) -> str:
    stripped = title.strip()
    return stripped[0].upper() if stripped else "?"


def _local_path(image: str) -> Path | None:
    """The file an image field names (a remote URL's cache file), or None."""
    if not image:
        return None
    if _remote_dir is not None and is_remote(image):
        return cache_path(_remote_dir, image)
    if "://" in image:
        url = QUrl(image)
        return Path(url.toLocalFile()) if url.isLocalFile() else None
    return Path(image).expanduser()


def _is_file(image: str) -> bool:
    path = _local_path(image)
    return path is not None and path.is_file()


def _from_file(image: str, size: int, dpr: float) -> QPixmap | None:
    path = _local_path(image)
    if path is None or not path.is_file():
        return None
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # phone photos carry their rotation in EXIF
    source = reader.size()
    side = round(size * dpr)
    if source.isValid() and not source.isEmpty():
        # Decode at the target size: a 4000 px photo is not worth decoding whole.
        reader.setScaledSize(source.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    image_data = reader.read()
    if image_data.isNull():
        return None
    fitted = image_data.scaled(
        side,
        side,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.drawImage((side - fitted.width()) // 2, (side - fitted.height()) // 2, fitted)
    painter.end()
    pixmap.setDevicePixelRatio(dpr)
    return pixmap


def tile_colour(sku: str) -> QColor:
    """A stable colour per SKU (crc32, not hash(): Python salts str hashes per run)."""
    hue = zlib.crc32(sku.encode("utf-8")) % 360
    return QColor.fromHsl(hue, 140, 105)


def _tile(sku: str, initial: str, size: int, dpr: float) -> QPixmap:
    side = round(size * dpr)
    pixmap = QPixmap(side, side)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(tile_colour(sku))
    radius = side * 0.18
    painter.drawRoundedRect(QRectF(0, 0, side, side), radius, radius)
    font = QFont()
    font.setFamilies(TILE_FONTS)
    font.setPixelSize(max(1, round(side * 0.5)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, side, side), Qt.AlignmentFlag.AlignCenter, initial)
    painter.end()
    pixmap.setDevicePixelRatio(dpr)
    return pixmap
