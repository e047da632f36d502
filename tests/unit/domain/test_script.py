from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.domain.script import ScriptError, auto_show, parse_script

SKUS = {"MASK", "TEA"}


def test_valid_script_is_sorted_and_priced_exactly() -> None:
    actions = parse_script(
        [
            {"at": 60, "action": "marker", "text": " giveaway "},
            {"at": 0, "action": "present", "sku": "MASK"},
            {"at": 5, "action": "price", "sku": "MASK", "price": "129.00"},
            {"at": 5, "action": "stock", "sku": "MASK", "stock": 500},
            {"at": 3600, "action": "end"},
        ],
        SKUS,
    )
    assert [(a.index, a.at_ms, a.action) for a in actions] == [
        (2, 0, "present"), (3, 5000, "price"), (4, 5000, "stock"), (1, 60000, "marker"), (5, 3_600_000, "end"),
    ]  # fmt: skip
    assert actions[1].fields == {"sku": "MASK", "price_minor": 12900}
    assert actions[3].fields == {"text": "giveaway"}


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ({"at": 0, "action": "dance"}, "unknown action"),
        ({"at": -1, "action": "end"}, '"at" must be seconds'),
        ({"at": "5", "action": "end"}, '"at" must be seconds'),
        ({"at": True, "action": "end"}, '"at" must be seconds'),
        ({"at": 0, "action": "present"}, "needs 'sku'"),
        ({"at": 0, "action": "present", "sku": "NOPE"}, "unknown SKU"),
        ({"at": 0, "action": "price", "sku": "MASK", "price": "12,50"}, "comma"),
        ({"at": 0, "action": "price", "sku": "MASK", "price": 12.5}, "not a price"),
        ({"at": 0, "action": "stock", "sku": "MASK", "stock": -1}, "whole number"),
        ({"at": 0, "action": "marker", "text": ""}, "1 to 500"),
        ({"at": 0, "action": "end", "sku": "MASK"}, "unknown field 'sku'"),
        ("present MASK", "must be an object"),
    ],
)
def test_bad_entry_is_named_by_index(entry: Any, needle: str) -> None:
    with pytest.raises(ScriptError, match=needle) as info:
        parse_script([{"at": 0, "action": "present", "sku": "TEA"}, entry], SKUS)
    assert info.value.index == 2
    assert str(info.value).startswith("entry 2: ")


def test_script_must_be_a_list() -> None:
    with pytest.raises(ScriptError, match="JSON list"):
        parse_script({"at": 0}, SKUS)


def test_auto_show_cycles_through_the_queue() -> None:
    actions = auto_show(["A", "B", "C"], 30 * 60 * 1000)
    assert [a.fields["sku"] for a in actions[:4]] == ["A", "B", "C", "A"]
    assert actions[1].at_ms == 5 * 60 * 1000
    assert auto_show([], 1000) == []


@given(st.lists(st.dictionaries(st.sampled_from(["at", "action", "sku", "price", "stock", "text"]),
                                st.one_of(st.integers(-5, 10), st.text(max_size=6), st.sampled_from(["present", "price", "end", "MASK"]))),
                max_size=5))  # fmt: skip
def test_random_scripts_parse_or_name_an_entry(raw: list[dict[str, Any]]) -> None:
    try:
        parse_script(raw, SKUS)
    except ScriptError as e:
        assert e.index is not None and 1 <= e.index <= len(raw)
