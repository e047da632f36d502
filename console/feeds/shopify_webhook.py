"""Shopify's signed `orders/create` webhooks, received on a local HTTP server.

Shopify delivers at least once and retries anything but a 2xx for hours, so a
delivery is remembered by its `X-Shopify-Webhook-Id` only once it has been
processed, and a repeat is answered 200 without ingesting it again. While the
session has no room for more (its file cannot be written), a delivery is
answered 503 and not remembered, so Shopify sends it again later. What is
not signed with the secret is refused with 401 before it is parsed and is not
recorded anywhere: unauthenticated input must not fill the session file.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from console.feeds.base import DurableSink, Feed, FeedSink, FeedState
from console.feeds.shopify_orders import SECRET_ENV, order_events, verify_signature

log = logging.getLogger("console.feeds.shopify")

MAX_BODY = 1024 * 1024
# Delivery ids remembered for dedupe: far more than a store gets during its retry window.
REMEMBER_IDS = 100_000
# How much of a refused body the `rejected` table keeps.
EXCERPT = 2000
TOPIC = "orders/create"


class ShopifyWebhookFeed(Feed):
    source = "shopify"

    def __init__(
        self,
        secret: str,
        currency: str,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/webhooks/shopify/orders",
        max_body: int = MAX_BODY,
    ) -> None:
        if not secret:
            raise ValueError(f"set the Shopify webhook secret in Settings or {SECRET_ENV}")
        super().__init__("Shopify webhooks")
        self._secret = secret.encode()
        self.currency = currency
        self.host = host
        self.port = port
        self.path = path
        self.max_body = max_body
        self._seen: dict[str, None] = {}  # insertion-ordered: the oldest id comes first
        self._sink: FeedSink | None = None
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.path}"

    async def start(self, sink: FeedSink) -> None:
        """Bind and serve; OSError (after status FAILED) when the address cannot be bound."""
        if self._runner is not None:
            return
        self._sink = sink
        self._set_status(FeedState.CONNECTING, f"binding {self.host}:{self.port}")
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except OSError as e:
            await runner.cleanup()
            self._set_status(FeedState.FAILED, f"cannot listen on {self.host}:{self.port}: {e}")
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        self._set_status(FeedState.LIVE, f"listening on {self.url}")

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._set_status(FeedState.STOPPED)

    async def _read(self, request: web.Request) -> bytes | None:
        """The body, or None as soon as it is known to pass the limit."""
        if request.content_length is not None and request.content_length > self.max_body:
            return None
        body = bytearray()
        async for chunk in request.content.iter_any():
            body += chunk
            if len(body) > self.max_body:
                return None
        return bytes(body)

    async def _handle(self, request: web.Request) -> web.Response:
        body = await self._read(request)
        if body is None:
            response = web.json_response({"error": "body too large"}, status=413)
            response.force_close()  # the rest of the upload is not read
            return response
        # From here on nothing awaits, so two copies of one delivery cannot interleave.
        if not verify_signature(self._secret, body, request.headers.get("X-Shopify-Hmac-Sha256")):
            return web.json_response({"error": "invalid signature"}, status=401)
        topic = request.headers.get("X-Shopify-Topic")
        if topic is not None and topic != TOPIC:
            return web.json_response({"ignored": topic})
        delivery = request.headers.get("X-Shopify-Webhook-Id")
        if delivery is not None and delivery in self._seen:
            return web.json_response({"duplicate": True})
        assert self._sink is not None
        if isinstance(self._sink, DurableSink) and not self._sink.has_room():
            response = web.json_response({"error": "the session file is behind; retry"}, status=503)
            response.headers["Retry-After"] = "60"
            return response
        excerpt = body[:EXCERPT].decode("utf-8", "replace")
        try:
            payload: Any = json.loads(body)
        except (ValueError, RecursionError) as e:
            self._sink.reject(f"Shopify webhook is not JSON: {e}", excerpt, self.source)
            return web.json_response({"error": "body is not JSON"}, status=400)
        events, reasons = order_events(payload, self.currency)
        accepted = self._sink.ingest(events, self.source) if events else 0
        for reason in reasons:
            self._sink.reject(reason, excerpt, self.source)
        if delivery is not None:
            self._remember(delivery)
        rejected = len(events) - accepted + len(reasons)
        log.info("Shopify delivery %s: %d accepted, %d rejected", delivery, accepted, rejected)
        return web.json_response({"accepted": accepted, "rejected": rejected})

    def _remember(self, delivery: str) -> None:
        self._seen[delivery] = None
        if len(self._seen) > REMEMBER_IDS:
            del self._seen[next(iter(self._seen))]
