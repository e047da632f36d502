"""Product pictures named by URL, fetched once into a local cache.

Catalog files name images by URL; the UI never does network I/O, so after an
import these are fetched here (aiohttp, a few at a time) into files named by
the URL's SHA-256, where `cache_path` finds them again. A picture that cannot
be fetched is reported with the reason and the product keeps its tile: an
image never fails an import.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from console.domain.catalog import Product

if TYPE_CHECKING:  # imported by fetch_images: a window showing cached pictures needs no aiohttp
    import aiohttp

MAX_BYTES = 10 * 1024 * 1024
_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".avif"})
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchReport:
    """Each URL's outcome: its cache file, or why it has none."""

    fetched: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


class _Refused(Exception):
    """A response that is not a usable picture; the message is the reason."""


def is_remote(image: str) -> bool:
    return image.lower().startswith(("http://", "https://"))


def image_urls(products: Iterable[Product]) -> list[str]:
    """The http(s) images of products and their variants, each once, in order."""
    urls = (img for p in products for img in (p.image, *(v.image for v in p.variants)))
    return list(dict.fromkeys(u for u in urls if is_remote(u)))


def cache_path(cache_dir: Path, url: str) -> Path:
    """Where the picture at ``url`` is cached: its SHA-256 plus the URL's image suffix.

    The suffix is kept only when it names an image type, so a URL cannot
    choose an executable-looking file name.
    """
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return cache_dir / (digest + (suffix if suffix in _SUFFIXES else ""))


async def fetch_images(
    urls: Iterable[str],
    cache_dir: Path,
    *,
    timeout_s: float = 10.0,
    max_bytes: int = MAX_BYTES,
    concurrency: int = 4,
) -> FetchReport:
    """Fetch each http(s) URL not yet cached; never raises for one picture's failure.

    Only responses that say they are images (Content-Type image/*) and fit in
    ``max_bytes`` are kept; each is written to a temporary file and renamed,
    so the cache never holds half a picture.
    """
    report = FetchReport()
    todo = []
    for url in dict.fromkeys(urls):
        path = cache_path(cache_dir, url)
        if not is_remote(url):
            report.failed[url] = "only http and https URLs are fetched"
        elif path.is_file():
            report.fetched[url] = path
        else:
            todo.append(url)
    if not todo:
        return report
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        report.failed.update(dict.fromkeys(todo, f"cannot create {cache_dir}: {e.strerror or e}"))
        return report
    import aiohttp

    gate = asyncio.Semaphore(concurrency)
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def one(url: str) -> None:
            async with gate:
                try:
                    data = await _download(session, url, max_bytes)
                    report.fetched[url] = await asyncio.to_thread(_store, cache_dir, url, data)
                except _Refused as e:
                    report.failed[url] = str(e)
                except TimeoutError:
                    report.failed[url] = f"no answer within {timeout_s:g} s"
                except aiohttp.ClientError as e:
                    report.failed[url] = f"cannot fetch it: {str(e) or type(e).__name__}"
                except OSError as e:
                    report.failed[url] = f"cannot save it: {e.strerror or e}"

        await asyncio.gather(*(one(url) for url in todo))
    return report


async def _download(session: aiohttp.ClientSession, url: str, max_bytes: int) -> bytes:
    async with session.get(url) as response:
        if response.status != 200:
            raise _Refused(f"HTTP {response.status} {response.reason or ''}".strip())
        kind = response.content_type
        if not kind.startswith("image/"):
            raise _Refused(f"not an image (the server says {kind})")
        too_big = _Refused(f"larger than {max_bytes:,} bytes")
        if (response.content_length or 0) > max_bytes:
            raise too_big
        data = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK):
            data += chunk
            if len(data) > max_bytes:
                raise too_big
        return bytes(data)


def _store(cache_dir: Path, url: str, data: bytes) -> Path:
    """Write atomically: a reader sees the whole picture or none."""
    path = cache_path(cache_dir, url)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
