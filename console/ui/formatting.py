"""Numbers and money for people, in the UI's locale.

Money stays integer: the locale only supplies the separators, the currency
its symbol and decimals, so ¥1,299.00 is never the result of float rounding.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale

from console.domain.money import format_money


def money(minor: int, currency: str, locale: QLocale | None = None) -> str:
    loc = locale or QLocale()
    text = format_money(minor, currency)  # "¥1,299.00" with C separators
    group, point = loc.groupSeparator(), loc.decimalPoint()
    if (group, point) == (",", "."):
        return text
    return text.replace(",", "\x00").replace(".", point).replace("\x00", group)


def count(n: int, locale: QLocale | None = None) -> str:
    return (locale or QLocale()).toString(n)


def percent(ratio: float, locale: QLocale | None = None) -> str:
    return (locale or QLocale()).toString(ratio * 100, "f", 2) + "%"


def duration(ms: int) -> str:
    """h:mm:ss (or m:ss under an hour), for times presented and countdowns."""
    s = max(0, ms) // 1000
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"
