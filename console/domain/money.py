"""Money as integer minor units plus an ISO 4217 code.

Floats never touch money: prices are parsed from decimal text digit by digit,
so "0.10" + "0.20" is exactly 30 fen.
"""

from __future__ import annotations

import re

DEFAULT_CURRENCY = "CNY"

# Minor-unit exponents for the currencies live sellers use; ISO 4217 default is 2.
_EXPONENTS: dict[str, int] = {"JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "KWD": 3, "BHD": 3}
_SYMBOLS: dict[str, str] = {
    "CNY": "¥",
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "HKD": "HK$",
    "TWD": "NT$",
    "KRW": "₩",
    "SGD": "S$",
    "MYR": "RM",
    "THB": "฿",
    "VND": "₫",
    "IDR": "Rp",
    "PHP": "₱",
}
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_PRICE_RE = re.compile(r"^(\d{1,15})(?:\.(\d{1,15}))?$")
MAX_PRICE_MINOR = 10**12


class MoneyError(ValueError):
    """A price or currency the user or a feed gave cannot be read exactly."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def check_currency(code: str) -> str:
    if not isinstance(code, str) or not _CURRENCY_RE.match(code):
        raise MoneyError(f"{code!r} is not a currency code (use three capital letters such as CNY)")
    return code


def parse_price(text: str | int, currency: str = DEFAULT_CURRENCY) -> int:
    """Parse "129.00", "129" or an int of major units into minor units, exactly.

    A comma is refused rather than guessed at: "1,299" is a thousands
    separator in one locale and a decimal point in another.
    """
    if isinstance(text, bool):
        raise MoneyError(f"{text!r} is not a price")
    if isinstance(text, int):
        if text < 0:
            raise MoneyError(f"price {text} is negative")
        return text * 10 ** exponent(currency)
    if not isinstance(text, str):
        raise MoneyError(f'{text!r} is not a price (write it as text such as "129.00")')
    raw = text.strip()
    if "," in raw:
        raise MoneyError(
            f"price {text!r} has a comma: use a dot for decimals and no thousands separator"
        )
    if raw.startswith("-"):
        raise MoneyError(f"price {text!r} is negative")
    m = _PRICE_RE.match(raw)
    if not m:
        raise MoneyError(f"{text!r} is not a price (expected digits such as 129.00)")
    whole, frac = m.group(1), m.group(2) or ""
    exp = exponent(currency)
    if len(frac) > exp and frac[exp:].strip("0"):
        raise MoneyError(f"price {text!r} has more decimals than {currency} allows ({exp})")
    frac = (frac + "0" * exp)[:exp]
    value = int(whole) * 10**exp + (int(frac) if frac else 0)
    if value > MAX_PRICE_MINOR:
        raise MoneyError(f"price {text!r} is too large")
    return value


def to_decimal_text(minor: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Minor units as plain decimal text ("1299.00"), for files and scripts."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"


def format_money(minor: int, currency: str = DEFAULT_CURRENCY) -> str:
    """Minor units for people: ¥1,299.00, with the currency's symbol."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp)
    symbol = _SYMBOLS.get(currency, currency + " ")
    body = f"{whole:,}" + (f".{frac:0{exp}d}" if exp else "")
    return f"{sign}{symbol}{body}"
