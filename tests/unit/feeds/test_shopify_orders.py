"""Shopify webhook signatures (Shopify's published vector) and the order -> event mapping."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.feeds.shopify_orders import SECRET_ENV, order_events, secret_from, verify_signature
from tests.support import realdata

VECTOR = "shopify_webhook_hmac_test_vector.json"
SAMPLE = "shopify_order_webhook_sample_payload.json"


def _load(name: str) -> Any:
    return json.loads(realdata(name).read_text(encoding="utf-8"))


@pytest.fixture
def sample() -> dict[str, Any]:
    data: dict[str, Any] = _load(SAMPLE)
    return data


def _item(sku: Any = "TEA", qty: Any = 1, price: Any = "129.00", **extra: Any) -> dict[str, Any]:
    return {"id": 7, "title": "Shirt", "sku": sku, "quantity": qty, "price": price, **extra}


def _order(*items: Any, currency: str = "CNY") -> dict[str, Any]:
    return {"id": 1001, "name": "#1001", "currency": currency, "line_items": list(items)}


def test_published_vector_verifies() -> None:
    for v in _load(VECTOR)["vectors"]:
        secret, body = v["secret"].encode(), v["raw_body"].encode()
        assert verify_signature(secret, body, v["expected_x_shopify_hmac_sha256"])
        assert not verify_signature(secret, body + b" ", v["expected_x_shopify_hmac_sha256"])
        assert not verify_signature(b"wrong", body, v["expected_x_shopify_hmac_sha256"])


@pytest.mark.parametrize("header", [None, "", "not base64!", "Zm9v", "é", "/Redz4YXHLnSmm"])
def test_missing_or_malformed_signature_is_refused(header: str | None) -> None:
    assert not verify_signature(b"steffi", b'{"foo":"bar"}', header)


def test_secret_comes_from_the_setting_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    assert secret_from(None) is None
    assert secret_from("  ") is None
    monkeypatch.setenv(SECRET_ENV, "from-env\n")
    assert secret_from(None) == "from-env"
    assert secret_from("from-settings") == "from-settings"


def test_sample_payload_maps_to_one_order_event(sample: dict[str, Any]) -> None:
    events, reasons = order_events(sample, "USD")
    assert reasons == []
    assert events == [
        {
            "kind": "order",
            "order_id": "820982911946154508:487817672276298554",
            "buyer": "John",
            "buyer_id": "shopify:115310627314723954",
            "sku": "SKU2006-001",
            "qty": 1,
            "price_minor": 8999,
        }
    ]


def test_sample_in_another_currency_is_refused_per_line(sample: dict[str, Any]) -> None:
    events, reasons = order_events(sample, "CNY")
    assert events == []
    assert reasons == ["order #9999 line 1 'Aviator sunglasses': the order is in 'USD', the session in CNY"]  # fmt: skip


def test_discount_allocations_lower_the_unit_price_rounding_down() -> None:
    allocations = [{"amount": "10.00"}, {"amount": "0.01"}]
    events, _ = order_events(_order(_item(qty=3, discount_allocations=allocations)), "CNY")
    # 3 x 129.00 - 10.01 = 376.99 -> 125.66 a unit (the last fen is not claimed)
    assert events[0]["price_minor"] == 12566


def test_unit_price_follows_the_currency_exponent() -> None:
    events, _ = order_events(_order(_item(price="1500"), currency="JPY"), "JPY")
    assert events[0]["price_minor"] == 1500


def test_order_and_line_ids_fall_back_to_name_and_position() -> None:
    payload = {"name": "#1002", "currency": "CNY", "line_items": [{"sku": "TEA", "quantity": 2, "price": "1"}]}  # fmt: skip
    events, reasons = order_events(payload, "CNY")
    assert reasons == []
    assert events == [{"kind": "order", "order_id": "#1002:1", "buyer": "", "sku": "TEA", "qty": 2, "price_minor": 100}]  # fmt: skip


SHIRT = "order #1001 line 2 'Shirt': "


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (_item(sku=None), SHIRT + "no SKU"),
        (_item(sku=""), SHIRT + "no SKU"),
        (_item(qty=0), SHIRT + "quantity must be 1..10000, got 0"),
        (_item(qty="2"), SHIRT + "quantity must be 1..10000, got '2'"),
        (_item(price="1,299.00"), SHIRT + "price '1,299.00' has a comma"),
        (_item(price=12.5), SHIRT + "12.5 is not a price"),
        (_item(price="1.001"), SHIRT + "price '1.001' has more decimals"),
        (_item(discount_allocations=[{"amount": "200.00"}]), SHIRT + "discounts exceed"),
        (_item(discount_allocations={"amount": "1"}), SHIRT + "discount_allocations is not a list"),
        ("junk", "order #1001 line 2: not an object"),
    ],
)
def test_bad_line_items_give_reasons_and_spare_the_rest(item: Any, reason: str) -> None:
    events, reasons = order_events(_order(_item(sku="MASK"), item), "CNY")
    assert [e["sku"] for e in events] == ["MASK"]
    assert len(reasons) == 1 and reasons[0].startswith(reason), reasons


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "order is not a JSON object"),
        ({"name": "#7", "currency": "CNY", "line_items": []}, "order #7: no line items"),
        ({"id": 7, "currency": "CNY"}, "order 7: no line items"),
    ],
)
def test_an_order_without_line_items_gives_one_reason(payload: Any, reason: str) -> None:
    assert order_events(payload, "CNY") == ([], [reason])


def test_redelivered_order_maps_to_the_same_order_ids(sample: dict[str, Any]) -> None:
    again = copy.deepcopy(sample)
    assert order_events(sample, "USD") == order_events(again, "USD")


def _sign(secret: bytes, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()


@given(secret=st.binary(max_size=64), body=st.binary(max_size=512))
def test_own_signatures_verify(secret: bytes, body: bytes) -> None:
    assert verify_signature(secret, body, _sign(secret, body))
    assert not verify_signature(secret + b"x", body, _sign(secret, body))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
LINE = st.fixed_dictionaries(
    {},
    optional={
        "id": JSON | st.integers(), "title": JSON, "sku": JSON | st.sampled_from(["TEA", ""]),
        "quantity": JSON | st.integers(-2, 20_000), "price": JSON | st.sampled_from(["1.50", "-1", "9"]),
        "discount_allocations": JSON | st.lists(st.fixed_dictionaries({"amount": JSON | st.just("0.5")})),
    },
) | JSON  # fmt: skip
ORDER = st.fixed_dictionaries(
    {"line_items": st.lists(LINE, min_size=1, max_size=5)},
    optional={
        "id": JSON, "name": JSON, "currency": st.sampled_from(["CNY", "USD"]) | JSON,
        "customer": JSON | st.fixed_dictionaries({}, optional={"id": JSON, "first_name": JSON}),
    },
)  # fmt: skip


@settings(max_examples=300)
@given(payload=ORDER)
def test_every_line_item_becomes_one_event_or_one_reason(payload: dict[str, Any]) -> None:
    events, reasons = order_events(payload, "CNY")
    assert len(events) + len(reasons) == len(payload["line_items"])
    for event in events:
        assert type(event["price_minor"]) is int and event["price_minor"] >= 0
        assert type(event["qty"]) is int and event["qty"] >= 1


@given(payload=JSON)
def test_arbitrary_json_never_raises(payload: Any) -> None:
    events, reasons = order_events(payload, "CNY")
    assert events or reasons
