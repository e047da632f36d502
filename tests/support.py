"""Test data and helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.domain.catalog import Product, Variant

START_MS = 1_764_316_800_000  # 2025-11-28T08:00:00Z
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REALDATA = SHARED / "realdata"


def realdata(name: str) -> Path:
    """A file from ../shared/realdata, or skip the test saying where it was expected."""
    path = REALDATA / name
    if not path.is_file():
        pytest.skip(f"shared real data {name} is absent (expected in {REALDATA})")
    return path


def small_catalog() -> list[Product]:
    return [
        Product("MASK", "保湿面膜 10片", 5990, 100, compare_at_minor=9900),
        Product("TEA", "Oolong tea 乌龙茶", 12900, 50),
        Product(
            "TEE",
            "Cotton tee",
            9900,
            30,
            variants=(Variant("TEE-S", "S", 9900, 10), Variant("TEE-M", "M", 10900, 20)),
        ),
    ]
