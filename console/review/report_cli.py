"""`live-console report FILE`: the post-live review as text, JSON, HTML or CSV.

A report is made only from a log whose hash chain checks out: figures from an
edited log would carry the file's authority without deserving it. Files that
cannot be used give one plain sentence and exit 1, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from console.domain.money import format_money
from console.review.csv_export import write_csv
from console.review.html_report import render_html
from console.review.kpis import elapsed
from console.review.review import MINUTE_MS, Review, build_review, review_json
from console.store.errors import SessionFileError
from console.store.paths import SUFFIX, data_dir, sessions_dir
from console.store.reader import iter_events, load_state
from console.store.session_file import SessionMeta, open_session
from console.store.summary import summarize
from console.store.verify import verify

EXIT_OK, EXIT_FAIL = 0, 1
PREVIOUS_LIMIT = 10  # the most recent earlier sessions a report compares with


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


def previous_summaries(
    folder: Path, current: SessionMeta, limit: int = PREVIOUS_LIMIT
) -> list[dict[str, Any]]:
    """`info` summaries of the latest sessions started before `current`, in its currency.

    Files that cannot be read or fail verification are left out, and so is the
    session itself (by id: a copy under another name is still the same session).
    """
    earlier = []
    for path in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []:
        try:
            conn, meta = open_session(path)
            conn.close()
        except SessionFileError:
            continue
        if (
            meta.id != current.id
            and meta.currency == current.currency
            and meta.started_at_ms < current.started_at_ms
        ):
            earlier.append((meta.started_at_ms, path))
    summaries = []
    for _, path in sorted(earlier)[-limit:]:
        try:
            if verify(path).intact:
                summaries.append(summarize(*load_state(path)))
        except SessionFileError:
            continue
    return summaries


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
    """Verify, fold, review, then write what was asked; SessionFileError for an unusable file."""
    path = Path(args.file)
    integrity = verify(path)
    if not integrity.intact:
        where = f" at event {integrity.first_bad_seq}" if integrity.first_bad_seq else ""
        print(
            f"live-console report: {path.name} fails verification{where}: {integrity.reason}."
            " No report is made from a log that may have been changed.",
            file=sys.stderr,
        )
        return EXIT_FAIL
    meta, state = load_state(path)
    folder = Path(args.previous_dir) if args.previous_dir else sessions_dir(data_dir(args.data_dir))
    previous = previous_summaries(folder, meta)
    conn, _ = open_session(path)
    note = sys.stderr if args.json else sys.stdout
    with closing(conn):
        review = build_review(
            meta, state, iter_events(conn, path), previous=previous, integrity=integrity
        )
        try:
            if args.html:
                out = Path(args.html)
                out.write_text(render_html(review), encoding="utf-8")
                print(f"wrote {out}", file=note)
            if args.csv:
                for written in write_csv(review, iter_events(conn, path), Path(args.csv)):
                    print(f"wrote {written}", file=note)
        except OSError as e:
            print(
                f"live-console report: cannot write {e.filename}: {e.strerror or e}",
                file=sys.stderr,
            )
            return EXIT_FAIL
    if args.json:
        print(json.dumps(review_json(review), ensure_ascii=False, indent=2))
    elif not (args.html or args.csv):
        print(_text(review))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """The subcommand on its own, as `live-console report` runs it."""
    p = argparse.ArgumentParser(prog="live-console report", description="post-live review")
    p.add_argument("--data-dir", help="folder for sessions and settings")
    add_arguments(p)
    args = p.parse_args(argv)
    try:
        return run(args)
    except SessionFileError as e:
        print(f"live-console report: {e}", file=sys.stderr)
        return EXIT_FAIL
