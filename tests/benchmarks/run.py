"""`make bench`: run every benchmark in full and write the table into BENCHMARKS.md.

Only the block between the markers is replaced, so notes around it survive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path

from console.bench import BENCHMARKS, machine, run_benchmarks

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def table(figures: list[dict]) -> str:
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()}; medians of repeated runs in one process.",
        "",
        "| figure | value | unit | limit (same run) | ratio |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for f in figures:
        limit = f"{f['limit']:,}" if "limit" in f else ""
        ratio = f"{f['ratio']:.2f}" if "ratio" in f else ""
        lines.append(f"| {f['name']} | {f['value']:,} | {f['unit']} | {limit} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--write", type=Path, help="markdown file to update")
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    figures = run_benchmarks(list(BENCHMARKS), quick=args.quick)
    print(json.dumps(figures, indent=2))
    if args.write:
        block = f"{BEGIN}\n{table(figures)}\n{END}"
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
