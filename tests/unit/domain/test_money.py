from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.money import MoneyError, format_money, parse_price, to_decimal_text


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("129.00", "CNY", 12900),
        ("129", "CNY", 12900),
        ("0.1", "CNY", 10),
        (" 59.90 ", "CNY", 5990),
        ("1299.50", "USD", 129950),
        ("500", "JPY", 500),
        ("500.00", "JPY", 500),
        (7, "CNY", 700),
    ],
)
def test_parse_price_exact(text: str | int, currency: str, minor: int) -> None:
    assert parse_price(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("12,50", "comma"),
        ("1,299.00", "comma"),
        ("-5", "negative"),
        ("abc", "not a price"),
        ("1.234", "more decimals"),
        ("", "not a price"),
        ("1e3", "not a price"),
        (True, "not a price"),
        (1.5, "not a price"),
    ],
)
def test_parse_price_rejects_with_reason(text: object, needle: str) -> None:
    with pytest.raises(MoneyError, match=needle):
        parse_price(text, "CNY")  # type: ignore[arg-type]


def test_format_money() -> None:
    assert format_money(129900, "CNY") == "¥1,299.00"
    assert format_money(5, "USD") == "$0.05"
    assert format_money(1500, "JPY") == "¥1,500"
    assert format_money(-250, "CNY") == "-¥2.50"
    assert format_money(100, "XYZ") == "XYZ 1.00"


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["CNY", "USD", "JPY", "KWD"]))
def test_decimal_text_round_trips(minor: int, currency: str) -> None:
    assert parse_price(to_decimal_text(minor, currency), currency) == minor
