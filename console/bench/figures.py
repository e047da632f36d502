"""What every benchmark reports: a figure beside its limit, and the statistics behind it."""

from __future__ import annotations

from typing import Any

Figure = dict[str, Any]
TARGET = "target"  # `limit_is` of a figure whose limit is a target, not a measured floor


class BenchError(RuntimeError):
    """A benchmark found something wrong (an event lost on the way): a failure, not a figure."""


def figure(name: str, value: float, unit: str, *, limit: float | None = None,
           limit_is: str = TARGET, **extra: Any) -> Figure:  # fmt: skip
    """One figure; with a limit also the ratio value / limit, which stays comparable across runs.

    `limit_is` names the raw figure measured in the same run that is the limit,
    or says that the limit is a target.
    """
    out: Figure = {"name": name, "value": value, "unit": unit}
    if limit is not None:
        out.update(limit=limit, ratio=round(value / limit, 3), limit_is=limit_is)
    return out | extra


def percentile(values: list[float], q: float) -> float:
    """The value below which a fraction q of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(seconds: float) -> float:
    """Seconds as milliseconds, to a tenth."""
    return round(seconds * 1000, 1)
