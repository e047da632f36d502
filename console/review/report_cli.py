"""`live-console report FILE`: the post-live review as text, JSON, HTML or CSV.

A report is made only from a log whose hash chain checks out: figures from an
edited log would carry the file's authority without deserving it. Files that
cannot be used give one plain sentence and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from console.domain.money import format_money
from console.review.export import ExportFailed, load_review, write_csvs, write_html
from console.review.kpis import elapsed
from console.review.review import MINUTE_MS, Review, review_json
from console.store.paths import data_dir, sessions_dir

EXIT_OK, EXIT_FAIL = 0, 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the session file (.live.db)")
    p.add_argument("--json", action="store_true", help="print the review as JSON")
    p.add_argument("--html", metavar="OUT.html", help="write a self-contained HTML report")
    p.add_argument(
        "--csv", metavar="DIR", help="write events, minutes, products and deals CSV files"
    )
    p.add_argument(
        "--previous-dir",
        metavar="DIR",
        help="compare with the earlier sessions in this folder (default: the data folder's sessions)",
    )


def _text(r: Review) -> str:
    s = r.summary
    cur = r.currency

    def money(minor: int | None) -> str:
        return "—" if minor is None else format_money(minor, cur)

    def share(part: int) -> str:
        return f"{part / r.gmv_minor:.1%}" if r.gmv_minor else "—"

    def rate(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}"

    present = r.gmv_while_presenting_minor
    lines = [
        f"{s['title']}  [{s['status']}]  intact, {s['events']:,} events",
        f"  started {s['started_at']}  duration {elapsed(r.end_ms - r.started_at_ms)}",
        f"  GMV {money(r.gmv_minor)}  orders {s['orders']:,}  units {s['units']:,}"
        f"  AOV {money(s['aov_minor'])}  peak viewers {s['peak_viewers']:,}",
        f"  while presenting {money(present)} ({share(present)})"
        f"  in flash deals {money(r.gmv_in_deals_minor)} ({share(r.gmv_in_deals_minor)})",
        "Products (by GMV): presented, orders, GMV, share while presenting, GMV/min presenting",
    ]
    for p in sorted(r.products, key=lambda p: -p.gmv_minor):
        share_p = "—" if p.presenting_share is None else f"{p.presenting_share:.0%}"
        lines.append(
            f"  {p.sku:<16} {elapsed(p.presented_ms):>8} {p.orders:>7,} {money(p.gmv_minor):>16}"
            f" {share_p:>5} {money(p.gmv_per_min_presenting_minor):>14}  {p.title}"
        )
    if r.deals:
        lines.append("Flash deals: sold, GMV, orders/min before -> during, end")
    for d in r.deals:
        sell_out = "" if d.sell_out_ms is None else f" in {elapsed(d.sell_out_ms)}"
        lines.append(
            f"  #{d.deal_id} {d.sku} at {money(d.deal_price_minor)}: {d.sold}/{d.quantity}"
            f"{sell_out}  {money(d.gmv_minor)}  {rate(d.orders_per_min_before)} ->"
            f" {rate(d.orders_per_min_during)}  {d.end_reason or 'still live'}"
        )
    lines.append("Peak minutes")
    for peak in r.peaks:
        value = money(peak.value) if peak.metric == "gmv_minor" else f"{peak.value:,}"
        label = "GMV" if peak.metric == "gmv_minor" else "viewers"
        lines.append(
            f"  {label:<8} {elapsed(peak.minute.index * MINUTE_MS)[:-3]:>6}  {value:>16}"
            f"  presenting {', '.join(peak.minute.presenting) or 'nothing'}"
        )
    if r.compared_with:
        lines.append(f"Against the previous {r.compared_with} session(s): rank, change vs average")
        for c in r.comparison:
            change = "—" if c.change is None else f"{c.change:+.0%}"
            lines.append(f"  {c.key:<20} #{c.rank} of {c.of}  {change}")
    lines.append(f"  chain {s['chain_head']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Review, then write what was asked; SessionFileError (ReportRefused) for an unusable file."""
    path = Path(args.file)
    folder = Path(args.previous_dir) if args.previous_dir else sessions_dir(data_dir(args.data_dir))
    review = load_review(path, folder)
    note = sys.stderr if args.json else sys.stdout
    try:
        if args.html:
            print(f"wrote {write_html(review, Path(args.html))}", file=note)
        if args.csv:
            for written in write_csvs(review, path, Path(args.csv)):
                print(f"wrote {written}", file=note)
    except ExportFailed as e:
        print(f"live-console report: {e}", file=sys.stderr)
        return EXIT_FAIL
    if args.json:
        print(json.dumps(review_json(review), ensure_ascii=False, indent=2))
    elif not (args.html or args.csv):
        print(_text(review))
    return EXIT_OK
