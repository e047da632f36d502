"""The presenting panel and the product pictures it shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from console.domain.catalog import Product
from console.domain.clock import VirtualClock
from console.engine.session import LiveSession
from console.ui.presenting import PresentingPanel
from console.ui.thumbnails import thumbnail, tile_colour

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def panel(qtbot: QtBot, session: LiveSession) -> PresentingPanel:
    p = PresentingPanel(session)
    qtbot.addWidget(p)
    p.show()
    return p


def test_nothing_presenting(panel: PresentingPanel, session: LiveSession) -> None:
    assert not panel.presenting()
    assert panel.idle.isVisible()
    session.present("TEA")
    panel.refresh()
    assert panel.presenting()
    session.present(None)
    panel.refresh()
    assert not panel.presenting()
    assert "Nothing presenting" in panel.idle.text()


def test_shows_the_product_and_its_sales_while_presenting(
    panel: PresentingPanel, session: LiveSession
) -> None:
    session.ingest([{"kind": "order", "order_id": "0", "sku": "MASK", "qty": 1}], "sim")
    session.present("MASK")
    session.ingest([{"kind": "order", "order_id": "1", "sku": "MASK", "qty": 2}], "sim")
    panel.refresh()
    assert panel.title.text() == "保湿面膜 10片"
    assert panel.title.wordWrap()
    assert panel.price.text() == "¥59.90"
    assert panel.compare_at.text() == "¥99.00"
    assert panel.compare_at.font().strikeOut()
    assert panel.stock.text() == "97"
    assert panel.sold.text() == "2 sold · ¥119.80"  # the order before presenting does not count
    assert not panel.image.pixmap().isNull()


def test_compare_at_only_when_higher(panel: PresentingPanel, session: LiveSession) -> None:
    session.present("MASK")
    session.set_price("MASK", 12000)
    panel.refresh()
    assert panel.price.text() == "¥120.00"
    assert panel.compare_at.text() == ""
    session.present("TEE")
    panel.refresh()
    assert panel.price.text() == "¥99.00"  # the cheapest variant
    assert panel.stock.text() == "30"


def test_sold_out(panel: PresentingPanel, session: LiveSession) -> None:
    session.present("TEA")
    session.set_stock("TEA", 0)
    panel.refresh()
    assert panel.stock.text() == "Sold out"


def test_time_presented_follows_the_clock(
    panel: PresentingPanel, session: LiveSession, clock: VirtualClock
) -> None:
    session.present("TEA")
    panel.refresh()
    assert panel.elapsed.text() == "0:00"
    clock.advance(65_000)
    panel.refresh()
    assert panel.elapsed.text() == "1:05"
    session.present("MASK")
    clock.advance(10_000)
    session.present("TEA")  # back again: the time adds up
    clock.advance(5_000)
    panel.refresh()
    assert panel.elapsed.text() == "1:10"


def test_title_is_plain_text(panel: PresentingPanel, session: LiveSession) -> None:
    session.add_product(Product("EVIL", EVIL, 100, 5))
    session.present("EVIL")
    panel.refresh()
    assert panel.title.text() == EVIL
    assert panel.title.textFormat() == Qt.TextFormat.PlainText


def test_picture_is_set_once_per_product(panel: PresentingPanel, session: LiveSession) -> None:
    session.present("TEA")
    panel.refresh()
    key = panel.image.pixmap().cacheKey()
    panel.refresh()
    assert panel.image.pixmap().cacheKey() == key
    session.update_product(session.state.products["TEA"].product.with_changes(title="Green tea"))
    panel.refresh()
    assert panel.image.pixmap().cacheKey() != key


# -- thumbnails ---------------------------------------------------------------------------
def centre(product: Product, size: int = 48) -> QColor:
    return thumbnail(product, size).toImage().pixelColor(size // 2, size // 2)


def top_edge(product: Product, size: int = 48) -> QColor:
    return thumbnail(product, size).toImage().pixelColor(size // 2, 2)


@pytest.mark.usefixtures("qapp")
def test_placeholder_for_missing_remote_and_unreadable_images(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    for image in ("", "https://cdn.example.com/a.jpg", str(tmp_path / "missing.png"), str(broken)):
        product = Product("PH-" + image[-5:], "乌龙茶", 100, 1, image=image)
        pixmap = thumbnail(product, 48)
        assert (pixmap.width(), pixmap.height()) == (48, 48)
        assert top_edge(product).rgb() == tile_colour(product.sku).rgb()


@pytest.mark.usefixtures("qapp")
def test_tile_colour_is_stable_and_differs_by_sku() -> None:
    assert tile_colour("MASK") == tile_colour("MASK")
    assert tile_colour("MASK") != tile_colour("TEA")


@pytest.mark.usefixtures("qapp")
def test_local_image_is_scaled_and_cached(tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    product = Product("RED", "Red", 100, 1, image=str(path))
    assert centre(product) == QColor("red")
    assert top_edge(product).alpha() == 0  # wide picture: letterboxed, not stretched
    assert thumbnail(product, 48).cacheKey() == thumbnail(product, 48).cacheKey()
    as_url = Product("RED2", "Red", 100, 1, image=path.as_uri())
    assert centre(as_url) == QColor("red")
