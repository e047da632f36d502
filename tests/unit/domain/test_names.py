"""Buyer names on the broadcast: what any name can give away, and what it looks like."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.names import mask_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张**"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧**"),
        ("jason", "j***n"),
        ("jo", "j**"),
        ("Alexandra Smith", "A***h"),
        ("李", "*"),
        ("", ""),
        ("   ", ""),
        ("  bob  ", "b***b"),
        ("\u202eevil", "e***l"),  # a bidi override cannot flip the line
        ("\u200bzed", "z***d"),  # nor a zero-width space pass for the first letter
        ("jose\u0301", "j***é"),  # a decomposed accent stays on its letter
        ("ｊａｓｏｎ", "ｊ**"),  # fullwidth letters count as wide
    ],
)
def test_examples(name: str, shown: str) -> None:
    assert mask_name(name) == shown


def _visible(name: str) -> str:
    return mask_name(name).replace("*", "")


@given(st.text())
def test_at_most_two_characters_of_a_name_are_shown(name: str) -> None:
    composed = unicodedata.normalize("NFC", name)
    shown = _visible(name)
    assert len(shown) <= 2
    assert all(c in composed for c in shown)


@given(st.text())
def test_the_length_is_hidden(name: str) -> None:
    assert len(mask_name(name)) in (0, 1, 3, 5)


@given(st.text())
def test_nothing_invisible_or_line_breaking_gets_through(name: str) -> None:
    for c in mask_name(name):
        assert unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"), repr(c)


@given(
    st.characters(categories=["Lu", "Ll"]),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=30),
    st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=30),
    st.characters(categories=["Lu", "Ll"]),
)
def test_names_differing_only_inside_look_the_same(first: str, middle: str, other: str,
                                                   last: str) -> None:  # fmt: skip
    a, b = first + middle + last, first + other + last
    assert mask_name(a) == mask_name(b)
