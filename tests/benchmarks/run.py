"""`make bench`: run every benchmark in full and write the table into BENCHMARKS.md.

Only the block between the markers is replaced, so notes around it survive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from console.bench import BENCHMARKS, Figure, machine, run_benchmarks

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:,}"


def table(figures: list[Figure], quick: bool) -> str:
    runs = "quick runs (--quick)" if quick else "full runs"
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()}; {runs}.",
        "",
        "| figure | value | unit | limit | ratio | limit is | target |",
        "| --- | ---: | --- | ---: | ---: | --- | ---: |",
    ]
    for f in figures:
        ratio = f"{f['ratio']:.2f}" if "ratio" in f else ""
        lines.append(
            f"| {f['name']} | {_number(f['value'])} | {f['unit']} | {_number(f.get('limit'))}"
            f" | {ratio} | {f.get('limit_is', '')} | {_number(f.get('target'))} |"
        )
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--write", type=Path, help="markdown file to update")
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    figures = run_benchmarks(
        list(BENCHMARKS), quick=args.quick,
        progress=lambda name: print(f"bench {name}…", file=sys.stderr, flush=True),
    )  # fmt: skip
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.write:
        block = f"{BEGIN}\n{table(figures, args.quick)}\n{END}"
        text = (
            args.write.read_text(encoding="utf-8")
            if args.write.exists()
            else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
        )
        args.write.write_text(
            re.sub(f"{BEGIN}.*?{END}", lambda _: block, text, flags=re.S), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
