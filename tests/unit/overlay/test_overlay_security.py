"""The overlay's guards on their own: tokens, Host and Origin checks, the rate limit, the config."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.overlay.security import (
    RateLimit,
    allowed_hosts,
    host_allowed,
    lan_address,
    new_token,
    origin_allowed,
    same_token,
    valid_token,
)
from console.overlay.server import OverlayConfig, OverlayError

HOSTS = allowed_hosts(8790, ["127.0.0.1", "localhost"])


def test_new_tokens_carry_at_least_128_random_bits() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert valid_token(token)
        assert len(token) * 6 >= 128  # base64url: six bits a character


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("a" * 22, True),
        ("A-b_0" * 10, True),
        ("a" * 21, False),  # 126 bits
        ("a" * 129, False),
        ("a" * 21 + "/", False),
        ("a" * 21 + "é", False),
        ("", False),
    ],
)
def test_valid_token(text: str, ok: bool) -> None:
    assert valid_token(text) is ok


@given(st.text())
def test_same_token_takes_any_text_from_a_url(given_text: str) -> None:
    token = new_token()
    assert same_token(given_text, token) is (given_text == token)
    assert same_token(token, token)


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1:8790", True),
        ("localhost:8790", True),
        ("LOCALHOST:8790", True),
        ("127.0.0.1", False),  # port 80 is another server
        ("127.0.0.1:8791", False),
        ("evil.example:8790", False),  # DNS rebinding: the name is the attacker's
        ("127.0.0.1.evil.example:8790", False),
        ("[::1]:8790", False),  # not listened on
        ("", False),
        (None, False),
    ],
)
def test_host_allowlist(host: str | None, ok: bool) -> None:
    assert host_allowed(host, HOSTS) is ok


def test_the_lan_address_is_allowed_only_when_listed() -> None:
    assert not host_allowed("192.168.1.20:8790", HOSTS)
    with_lan = allowed_hosts(8790, ["127.0.0.1", "localhost", "192.168.1.20"])
    assert host_allowed("192.168.1.20:8790", with_lan)


@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        ("http://127.0.0.1:8790", True),
        ("http://localhost:8790", True),
        ("https://127.0.0.1:8790", False),
        ("http://evil.example", False),
        ("http://127.0.0.1:8790.evil.example", False),
        ("null", False),  # a sandboxed frame or a file:// page
        ("", False),
        (None, False),  # browsers always send one on a WebSocket
    ],
)
def test_origin_check(origin: str | None, ok: bool) -> None:
    assert origin_allowed(origin, HOSTS) is ok


def test_rate_limit_allows_a_burst_then_a_steady_pace() -> None:
    limit = RateLimit(burst=3, interval_s=0.5)
    assert [limit.take(10.0) for _ in range(4)] == [True, True, True, False]
    assert not limit.take(10.4)
    assert limit.take(10.5)
    assert not limit.take(10.6)
    assert [limit.take(100.0) for _ in range(4)] == [True, True, True, False]  # refilled, capped


def test_rate_limit_is_not_fooled_by_time_going_backwards() -> None:
    limit = RateLimit(burst=1, interval_s=1.0)
    assert limit.take(5.0)
    assert not limit.take(4.0)
    assert not limit.take(5.5)
    assert limit.take(6.0)


def test_lan_address_is_private_or_none() -> None:
    address = lan_address()
    if address is not None:
        ip = ipaddress.ip_address(address)
        assert ip.version == 4 and ip.is_private and not ip.is_loopback


def test_config_refuses_weak_or_shared_tokens() -> None:
    token = new_token()
    with pytest.raises(OverlayError, match="overlay token"):
        OverlayConfig("short", new_token())
    with pytest.raises(OverlayError, match="remote token must be"):
        OverlayConfig(token, "x" * 10)
    with pytest.raises(OverlayError, match="differ"):
        OverlayConfig(token, token)
    assert OverlayConfig(token, new_token()).remote_enabled is False  # off by default
    assert OverlayConfig(token, new_token()).lan is False
