"""Checks for untrusted text before it reaches the log."""

from __future__ import annotations


def encodable(value: str) -> bool:
    """False for text holding lone surrogates, which no UTF-8 file can store."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
