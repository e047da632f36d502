"""The bundled sample catalog, so practice mode and the demo work out of the box."""

from __future__ import annotations

from pathlib import Path


def sample_catalog_path() -> Path:
    """Locate resources/sample_catalog.csv, which sits beside console/ in the source tree."""
    return Path(__file__).resolve().parents[2] / "resources" / "sample_catalog.csv"
