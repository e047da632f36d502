"""Signed Shopify order webhooks over a real loopback server into a real session file."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import io
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from console.domain.catalog import Product
from console.domain.clock import RealClock
from console.engine.session import LiveSession
from console.feeds import shopify_webhook
from console.feeds.base import FeedState
from console.feeds.shopify_webhook import MAX_BODY, ShopifyWebhookFeed
from tests.support import realdata

SECRET = "hush-its-a-secret"
SAMPLE = "shopify_order_webhook_sample_payload.json"
VECTOR = "shopify_webhook_hmac_test_vector.json"

Post = Callable[..., Awaitable[tuple[int, Any]]]


def _load(name: str) -> Any:
    return json.loads(realdata(name).read_text(encoding="utf-8"))


@pytest.fixture
def sample() -> dict[str, Any]:
    data: dict[str, Any] = _load(SAMPLE)
    return data


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSession]:
    catalog = [Product("SKU2006-001", "Aviator sunglasses", 8999, 50, currency="USD")]
    session = LiveSession.start(
        tmp_path / "shop.live.db", title="Shop", catalog=catalog, clock=RealClock(), currency="USD"
    )
    yield session
    session.close()


def _sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _headers(body: bytes, webhook_id: str = "d-1", **extra: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": _sign(body),
        "X-Shopify-Webhook-Id": webhook_id,
        **extra,
    }


def _serve(session: LiveSession, test: Callable[[ShopifyWebhookFeed, Post], Awaitable[None]],
           secret: str = SECRET) -> None:  # fmt: skip
    """Run `test` against a started feed with a `post(body, headers, path=...)` helper."""

    async def main() -> None:
        async with asyncio.timeout(30):
            feed = ShopifyWebhookFeed(secret, "USD")
            await feed.start(session)
            try:
                async with aiohttp.ClientSession() as http:

                    async def post(body: bytes, headers: dict[str, str], path: str = feed.path,
                                   method: str = "POST") -> tuple[int, Any]:  # fmt: skip
                        url = f"http://127.0.0.1:{feed.port}{path}"
                        async with http.request(
                            method, url, data=io.BytesIO(body), headers=headers
                        ) as r:
                            text = await r.text()
                            return r.status, json.loads(text) if r.content_type == "application/json" else text  # fmt: skip

                    await test(feed, post)
            finally:
                await feed.stop()
            assert feed.status.state is FeedState.STOPPED

    asyncio.run(main())


def _rows(session: LiveSession, sql: str) -> list[tuple[Any, ...]]:
    session.writer.flush()
    with closing(sqlite3.connect(session.path)) as conn:
        return conn.execute(sql).fetchall()


def _orders(session: LiveSession) -> list[tuple[str, dict[str, Any]]]:
    rows = _rows(session, "SELECT source, data FROM events WHERE kind = 'order' ORDER BY seq")
    return [(source, json.loads(data)) for source, data in rows]


def _rejected(session: LiveSession) -> list[tuple[str, str, str]]:
    return [
        (r[0], r[1], r[2])
        for r in _rows(session, "SELECT source, reason, payload FROM rejected ORDER BY id")
    ]


def test_signed_order_is_ingested(live: LiveSession, sample: dict[str, Any]) -> None:
    body = json.dumps(sample).encode()

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert feed.port != 0
        assert feed.status.state is FeedState.LIVE
        assert feed.status.detail == f"listening on http://127.0.0.1:{feed.port}/webhooks/shopify/orders"  # fmt: skip
        assert await post(body, _headers(body)) == (200, {"accepted": 1, "rejected": 0})

    _serve(live, test)
    [(source, data)] = _orders(live)
    assert source == "shopify"
    assert data["order_id"] == "820982911946154508:487817672276298554"
    assert (data["sku"], data["qty"], data["price_minor"]) == ("SKU2006-001", 1, 8999)
    assert data["buyer_id"] == "shopify:115310627314723954"
    assert _rejected(live) == []


def test_unsigned_or_tampered_deliveries_are_401_and_leave_no_trace(
    live: LiveSession, sample: dict[str, Any]
) -> None:
    body = json.dumps(sample).encode()
    tampered = body.replace(b'"quantity": 1', b'"quantity": 9')
    assert tampered != body

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        no_header = _headers(body)
        del no_header["X-Shopify-Hmac-Sha256"]
        attempts = [
            (tampered, _headers(body)),
            (body, {**_headers(body), "X-Shopify-Hmac-Sha256": _sign(body, "wrong-secret")}),
            (body, no_header),
            (body, {**_headers(body), "X-Shopify-Hmac-Sha256": "%%not-base64%%"}),
        ]
        for attempt_body, headers in attempts:
            assert (await post(attempt_body, headers))[0] == 401

    _serve(live, test)
    assert _orders(live) == []
    assert _rejected(live) == []


def test_same_webhook_id_counts_once(live: LiveSession, sample: dict[str, Any]) -> None:
    body = json.dumps(sample).encode()

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert await post(body, _headers(body, "d-7")) == (200, {"accepted": 1, "rejected": 0})
        assert await post(body, _headers(body, "d-7")) == (200, {"duplicate": True})

    _serve(live, test)
    assert len(_orders(live)) == 1


def test_only_the_latest_ids_are_remembered(
    live: LiveSession, sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shopify_webhook, "REMEMBER_IDS", 2)
    body = json.dumps(sample).encode()

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        for delivery in ("d-1", "d-2", "d-3", "d-1", "d-3"):
            await post(body, _headers(body, delivery))

    _serve(live, test)
    assert len(_orders(live)) == 4  # d-1 was forgotten when d-3 came; d-3 was not


def test_a_refused_delivery_is_processed_when_retried(
    live: LiveSession, sample: dict[str, Any]
) -> None:
    """A 4xx is not remembered: Shopify's retry under the same id still counts."""
    body = json.dumps(sample).encode()
    garbage = b'{"id": 1, "line_items": ['

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert (await post(garbage, _headers(garbage, "d-9")))[0] == 400
        assert await post(body, _headers(body, "d-9")) == (200, {"accepted": 1, "rejected": 0})

    _serve(live, test)
    assert len(_orders(live)) == 1
    [(source, reason, payload)] = _rejected(live)
    assert source == "shopify" and reason.startswith("Shopify webhook is not JSON")
    assert payload == garbage.decode()


def test_unknown_sku_is_recorded_with_its_reason(live: LiveSession, sample: dict[str, Any]) -> None:
    order = copy.deepcopy(sample)
    extra = {**order["line_items"][0], "id": 2, "sku": "NOPE-404", "title": "Mystery"}
    no_sku = {**order["line_items"][0], "id": 3, "sku": None, "title": "Gift wrap"}
    order["line_items"] += [extra, no_sku]
    body = json.dumps(order).encode()

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert await post(body, _headers(body)) == (200, {"accepted": 1, "rejected": 2})

    _serve(live, test)
    assert [d["sku"] for _, d in _orders(live)] == ["SKU2006-001"]
    rejected = _rejected(live)
    assert [(s, r) for s, r, _ in rejected] == [
        ("shopify", "unknown SKU 'NOPE-404'"),
        ("shopify", "order #9999 line 3 'Gift wrap': no SKU"),
    ]
    assert json.loads(rejected[0][2])["order_id"] == "820982911946154508:2"


def test_oversize_body_is_413(live: LiveSession) -> None:
    body = b"x" * (MAX_BODY + 1)

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert (await post(body, _headers(body)))[0] == 413
        at_limit = b" " * (MAX_BODY - 2) + b"{}"
        assert (await post(at_limit, _headers(at_limit, "d-2")))[0] == 200

    _serve(live, test)
    assert _orders(live) == []


def test_oversize_chunked_body_is_413_without_reading_it_all(live: LiveSession) -> None:
    sent = 0

    async def chunks() -> Any:
        nonlocal sent
        for _ in range(64):
            sent += 64 * 1024
            yield b"x" * (64 * 1024)
            await asyncio.sleep(0)

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        url = f"http://127.0.0.1:{feed.port}{feed.path}"
        async with aiohttp.ClientSession() as http:
            try:
                async with http.post(url, data=chunks(), headers=_headers(b"")) as r:
                    assert r.status == 413
            except aiohttp.ClientError:
                pass  # the server may close the connection before the client stops sending
        assert sent < 64 * 64 * 1024

    _serve(live, test)


def test_other_topics_are_acknowledged_and_ignored(live: LiveSession) -> None:
    """Shopify's published vector (a products/update delivery) is accepted as signed, then ignored."""
    v = _load(VECTOR)["vectors"][0]
    body = v["raw_body"].encode()
    headers = {
        "X-Shopify-Topic": v["topic"],
        "X-Shopify-Hmac-Sha256": v["expected_x_shopify_hmac_sha256"],
        "X-Shopify-Shop-Domain": v["shop_domain"],
    }

    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert await post(body, headers) == (200, {"ignored": "products/update"})
        assert (await post(body + b" ", headers))[0] == 401

    _serve(live, test, secret=v["secret"])
    assert _orders(live) == [] and _rejected(live) == []


def test_wrong_method_and_path(live: LiveSession) -> None:
    async def test(feed: ShopifyWebhookFeed, post: Post) -> None:
        assert (await post(b"{}", _headers(b"{}"), method="GET"))[0] == 405
        assert (await post(b"{}", _headers(b"{}"), path="/webhooks/other"))[0] == 404

    _serve(live, test)


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="LIVE_CONSOLE_SHOPIFY_SECRET"):
        ShopifyWebhookFeed("", "USD")


def test_port_in_use_fails_with_a_reason(live: LiveSession) -> None:
    async def main() -> None:
        async with asyncio.timeout(10):
            first = ShopifyWebhookFeed(SECRET, "USD")
            await first.start(live)
            try:
                second = ShopifyWebhookFeed(SECRET, "USD", port=first.port)
                with pytest.raises(OSError, match=str(first.port)):
                    await second.start(live)
                assert second.status.state is FeedState.FAILED
                assert str(first.port) in second.status.detail
            finally:
                await first.stop()

    asyncio.run(main())
