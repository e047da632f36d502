"""fastjson gives the standard library's values and errors, only faster."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console import fastjson

_STD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson refuses those, the fallback writes them
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),  # lone surrogates too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN (a JSON text may spell it), and an integer beyond 64
    bits equal to the float orjson reads it as (fastjson's one documented difference)."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, float) and type(b) is int and not -(2**63) <= b < 2**64:
        return a == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@given(_values)
def test_dumps_reads_back_as_the_standard_library_reads_its_own(value: Any) -> None:
    text = fastjson.dumps(value)
    assert _same(json.loads(text), json.loads(_STD.encode(value)))


def test_dumps_writes_characters_as_themselves_and_compact() -> None:
    assert fastjson.dumps({"user": "小鱼儿", "n": [1, 2]}) == '{"user":"小鱼儿","n":[1,2]}'
    assert fastjson.dumps({"big": 2**70}) == f'{{"big":{2**70}}}'


@given(st.one_of(_values.map(_STD.encode), st.text(max_size=30)))
def test_loads_gives_the_standard_librarys_value_or_error(text: str) -> None:
    try:
        expected = json.loads(text)
    except ValueError as e:
        with pytest.raises(ValueError, match=re.escape(str(e))):
            fastjson.loads(text)
        return
    assert _same(fastjson.loads(text), expected)


@pytest.mark.parametrize(
    "text", ['"\\ud800"', "[NaN]", "1e400", str(2**70), "[" * 2000 + "]" * 2000]
)
def test_what_orjson_refuses_goes_to_the_fallback(text: str) -> None:
    try:
        expected: Any = json.loads(text)
    except (ValueError, RecursionError) as e:
        with pytest.raises(type(e)):
            fastjson.loads(text)
        return
    assert _same(fastjson.loads(text), expected)
