"""Fetching product pictures into the cache, against a real local HTTP server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from console.domain.catalog import Product, Variant
from console.importers.images import FetchReport, cache_path, fetch_images, image_urls

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMIT_S = 10


@asynccontextmanager
async def image_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 (a free port) with one route per outcome; yields (base URL, hits)."""
    hits: list[str] = []
    release = asyncio.Event()

    async def image(request: web.Request) -> web.StreamResponse:
        hits.append(request.path)
        return web.Response(body=PNG, content_type="image/png")

    async def page(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<html>not found</html>", content_type="text/html")

    async def big(request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"\x00" * 5000, content_type="image/jpeg")

    async def big_streamed(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(5):
            await response.write(b"\x00" * 1000)
        await response.write_eof()
        return response

    async def slow(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.Response(body=PNG, content_type="image/png")

    app = web.Application()
    app.router.add_get("/ok.png", image)
    app.router.add_get("/other.jpg", image)
    app.router.add_get("/page.png", page)
    app.router.add_get("/big.jpg", big)
    app.router.add_get("/streamed.jpg", big_streamed)
    app.router.add_get("/slow.png", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        release.set()
        await runner.cleanup()


def run(scenario: Callable[[str, list[str]], Coroutine[Any, Any, None]]) -> None:
    async def main() -> None:
        async with asyncio.timeout(LIMIT_S), image_server() as (base, hits):
            await scenario(base, hits)

    asyncio.run(main())


def test_cache_path_is_the_url_digest_with_an_image_suffix(tmp_path: Path) -> None:
    a = cache_path(tmp_path, "https://cdn.example.com/a/shirt.PNG?v=2")
    assert a.parent == tmp_path
    assert a.suffix == ".png" and len(a.stem) == 64
    assert cache_path(tmp_path, "https://cdn.example.com/a/shirt.PNG?v=3") != a
    assert cache_path(tmp_path, "https://x.example/run.exe").suffix == ""
    assert cache_path(tmp_path, "https://x.example/photo").name.isalnum()


def test_image_urls_are_remote_and_unique() -> None:
    products = [
        Product("A", "a", 1, 1, image="https://img.example/a.jpg"),
        Product("B", "b", 1, 1, image="/home/me/b.png", variants=(
            Variant("B-1", "1", 1, 1, image="http://img.example/b1.jpg"),
            Variant("B-2", "2", 1, 1, image="https://img.example/a.jpg"),
        )),
        Product("C", "c", 1, 1, image="file:///c.png"),
    ]  # fmt: skip
    assert image_urls(products) == ["https://img.example/a.jpg", "http://img.example/b1.jpg"]


def test_outcomes(tmp_path: Path) -> None:
    cache = tmp_path / "images"

    async def scenario(base: str, hits: list[str]) -> None:
        urls = [f"{base}/{name}" for name in ("ok.png", "missing.png", "page.png", "big.jpg",
                "streamed.jpg", "slow.png")]  # fmt: skip
        report = await fetch_images(
            [*urls, "ftp://img.example/x.png", urls[0]], cache, timeout_s=0.5, max_bytes=4096
        )
        ok = urls[0]
        assert report.fetched == {ok: cache_path(cache, ok)}
        assert cache_path(cache, ok).read_bytes() == PNG
        assert report.failed == {
            urls[1]: "HTTP 404 Not Found",
            urls[2]: "not an image (the server says text/html)",
            urls[3]: "larger than 4,096 bytes",
            urls[4]: "larger than 4,096 bytes",
            urls[5]: "no answer within 0.5 s",
            "ftp://img.example/x.png": "only http and https URLs are fetched",
        }
        assert hits == ["/ok.png"]  # asked once though named twice
        # Only whole pictures are in the cache: no temporary files are left behind.
        assert [p.name for p in cache.iterdir()] == [cache_path(cache, ok).name]

    run(scenario)


def test_cached_pictures_are_not_fetched_again(tmp_path: Path) -> None:
    async def scenario(base: str, hits: list[str]) -> None:
        first = await fetch_images([f"{base}/ok.png"], tmp_path)
        second = await fetch_images([f"{base}/ok.png", f"{base}/other.jpg"], tmp_path)
        assert first.fetched.keys() < second.fetched.keys()
        assert second.failed == {}
        assert hits == ["/ok.png", "/other.jpg"]

    run(scenario)


def test_unreachable_server_is_reported(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gone = f"http://127.0.0.1:{port}/gone.png"

    async def main() -> FetchReport:
        async with asyncio.timeout(LIMIT_S):
            return await fetch_images([gone], tmp_path, timeout_s=2)

    report = asyncio.run(main())
    assert report.fetched == {}
    assert report.failed[gone].startswith("cannot fetch it: Cannot connect to host")


def test_nothing_to_fetch_needs_no_server(tmp_path: Path) -> None:
    assert asyncio.run(fetch_images([], tmp_path / "never")) == FetchReport()
    assert not (tmp_path / "never").exists()


def test_cache_folder_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    report = asyncio.run(fetch_images(["https://img.example/a.png"], blocker / "images"))
    assert report.failed["https://img.example/a.png"].startswith("cannot create")
