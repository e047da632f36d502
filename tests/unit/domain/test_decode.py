from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.decode import SPEC, DecodeError, decode

TS = 1_764_316_800_000


def test_valid_order_is_normalised() -> None:
    d = decode({"kind": "order", "ts_ms": TS, "order_id": "A1", "sku": "MASK", "qty": 2, "x": 1})
    assert d.kind == "order"
    assert d.ts_ms == TS
    assert d.data == {"order_id": "A1", "buyer": "", "sku": "MASK", "qty": 2}


def test_defaults_fill_counts() -> None:
    assert decode({"kind": "like"}).data == {"count": 1}
    assert decode({"kind": "gift", "user": "u", "gift": "rose"}).data["value_minor"] == 0


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ([], "must be an object"),
        ({}, "missing kind"),
        ({"kind": "teleport"}, "unknown kind"),
        ({"kind": 5}, "unknown kind"),
        ({"kind": "order", "order_id": "A", "sku": "S", "qty": -1}, "out of range"),
        ({"kind": "order", "order_id": "A", "sku": "S", "qty": 0}, "out of range"),
        ({"kind": "order", "order_id": "A", "sku": "S", "qty": True}, "must be int"),
        ({"kind": "order", "order_id": "A", "sku": "S", "qty": "2"}, "must be int"),
        ({"kind": "order", "order_id": "A", "sku": "S", "qty": 1.0}, "must be int"),
        ({"kind": "order", "order_id": "A", "qty": 1}, "missing sku"),
        ({"kind": "comment", "user": "u", "text": 7}, "must be str"),
        ({"kind": "comment", "user": "u", "text": ""}, "length"),
        ({"kind": "comment", "user": "u", "text": "x" * 3000}, "length"),
        ({"kind": "comment", "user": "u", "text": "bad \ud800"}, "not valid Unicode"),
        ({"kind": "viewers", "online": -5}, "out of range"),
        ({"kind": "like", "ts_ms": 5}, "plausible time"),
        ({"kind": "like", "ts_ms": "now"}, "plausible time"),
        ({"kind": "like", "ts_ms": 10**15}, "plausible time"),
        ({"kind": "product_added", "product": "MASK"}, "must be dict"),
        ({"kind": "queue_reordered", "queue": "A,B"}, "must be list"),
    ],
)
def test_rejects_with_reason(raw: Any, needle: str) -> None:
    with pytest.raises(DecodeError, match=needle):
        decode(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    st.sampled_from(sorted(SPEC)),
    st.dictionaries(
        st.sampled_from(
            [
                "user",
                "text",
                "sku",
                "qty",
                "count",
                "online",
                "ts_ms",
                "order_id",
                "gift",
                "price_minor",
            ]
        ),
        json_values,
    ),
)
def test_arbitrary_input_decodes_or_gives_a_reason(kind: str, fields: dict[str, Any]) -> None:
    try:
        draft = decode({"kind": kind, **fields})
    except DecodeError as e:
        assert str(e)
        return
    # Accepted data holds only fields the spec names, each of the spec's type.
    spec = {f[0]: f[1] for f in SPEC[kind]}
    for name, value in draft.data.items():
        assert type(value) is spec[name]


@given(
    user=st.text(min_size=1, max_size=100).filter(
        lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)
    ),
    text=st.text(min_size=1, max_size=2000).filter(
        lambda s: not any(0xD800 <= ord(c) <= 0xDFFF for c in s)
    ),
)
def test_any_valid_comment_is_kept_verbatim(user: str, text: str) -> None:
    assert decode({"kind": "comment", "user": user, "text": text}).data == {
        "user": user,
        "text": text,
    }
