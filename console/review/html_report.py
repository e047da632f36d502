"""The review as one self-contained HTML file: opens offline, prints on A4.

Charts are inline SVG and the styles are inline, so the file can be mailed or
archived beside the session and still render in ten years. Every string that
came from the session file is escaped: titles and markers are untrusted text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from console import __version__
from console.domain.money import exponent, format_money
from console.review.kpis import KPIS, Comparison, elapsed, format_kpi
from console.review.review import MINUTE_MS, DealReview, Minute, Review
from console.review.svg_chart import Band, Mark, chart

TILES = ("gmv_minor", "orders", "units", "aov_minor", "gmv_per_hour_minor", "peak_viewers",
         "entries", "conversion", "uv_value_minor", "duration_s")  # fmt: skip

END_WORDS = {"time": "time up", "sold_out": "sold out", "stopped": "stopped by hand",
             "session_ended": "with the session"}  # fmt: skip

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; background: #fff;
  color: #1d232a; font: 14px/1.45 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei",
  "Noto Sans", "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 2px solid #e9ecef; }
h3 { font-size: 15px; margin: 18px 0 6px; }
section { margin-top: 36px; }
.meta { color: #495057; margin: 0; }
.integrity { margin: 12px 0 0; padding: 8px 12px; border-radius: 6px; border: 1px solid; }
.integrity.ok { border-color: #8ce99a; background: #ebfbee; }
.integrity.bad { border-color: #ffa8a8; background: #fff5f5; color: #c92a2a; font-weight: 600; }
.integrity.unknown { border-color: #dee2e6; background: #f8f9fa; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; }
.tile { border: 1px solid #dee2e6; border-radius: 8px; padding: 10px 12px; }
.tile .label { color: #495057; font-size: 12px; }
.tile .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .vs { font-size: 12px; color: #495057; }
.tile .rank { float: right; font-size: 11px; color: #868e96; }
.up { color: #2b8a3e; } .down { color: #c92a2a; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e9ecef; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
td.k { white-space: nowrap; }
table.compact { width: auto; min-width: 420px; }
tr.total td { font-weight: 600; border-top: 2px solid #adb5bd; }
td.t { overflow-wrap: anywhere; min-width: 12em; }
.muted { color: #868e96; }
.note { color: #495057; font-size: 12px; }
svg.chart { width: 100%; height: auto; display: block; margin: 6px 0 14px; }
svg .title { font-size: 13px; font-weight: 600; fill: #1d232a; }
svg .ytick { font-size: 11px; fill: #495057; text-anchor: end; }
svg .xtick { font-size: 11px; fill: #495057; text-anchor: middle; }
svg .grid { stroke: #e9ecef; }
svg .axis { stroke: #868e96; }
svg .band { fill: #ffd43b; fill-opacity: 0.28; }
svg .line { stroke-width: 1.6; }
svg .switch { stroke: #495057; stroke-dasharray: 4 3; stroke-width: 1; }
svg .switch-label { font-size: 10px; fill: #343a40; }
.legend { display: flex; gap: 18px; font-size: 12px; color: #495057; }
.swatch { display: inline-block; width: 18px; height: 10px; vertical-align: middle; margin-right: 4px; }
.swatch.band { background: rgba(255, 212, 59, 0.45); }
.swatch.switch { border-left: 2px dashed #495057; width: 2px; height: 14px; }
footer { margin-top: 40px; color: #868e96; font-size: 12px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { margin-top: 0; }
  section + section { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr, .tile, svg.chart { break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 7.5pt; }
  th, td { padding: 3px 4px; }
  td.t { min-width: 7em; }
  .tiles { grid-template-columns: repeat(5, 1fr); gap: 6px; }
  .tile .value { font-size: 14pt; }
}
"""


def _table(
    headers: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[str]],
    *,
    total: Sequence[str] = (),
    compact: bool = False,
) -> str:
    """Cells are HTML already (escaped by the caller). Headers: (text, kind), where kind
    is "n" (a number, right-aligned), "k" (a key such as a SKU, kept on one line) or "t".
    """
    head = "".join(f'<th class="{kind}">{escape(h)}</th>' for h, kind in headers)

    def tr(cells: Sequence[str], cls: str = "") -> str:
        tds = "".join(
            f'<td class="{kind}">{c}</td>' for c, (_, kind) in zip(cells, headers, strict=True)
        )
        return f"<tr{cls}>{tds}</tr>"

    body = "".join(tr(r) for r in rows) + (tr(total, ' class="total"') if total else "")
    cls = ' class="compact"' if compact else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class _Html:
    """Formatting for one review: money in its currency, times from its start."""

    def __init__(self, review: Review) -> None:
        self.r = review
        self.cur = review.currency

    def money(self, minor: int | None) -> str:
        return "—" if minor is None else escape(format_money(minor, self.cur))

    def at(self, ts_ms: int) -> str:
        return elapsed(ts_ms - self.r.started_at_ms)

    def money_tick(self, minor: int) -> str:
        text = format_money(minor, self.cur)
        exp = exponent(self.cur)
        return text[: -exp - 1] if exp and minor % 10**exp == 0 else text

    def minute_at(self, m: int) -> str:
        return elapsed(m * MINUTE_MS)[:-3]  # h:mm

    def products_of(self, minute: Minute) -> str:
        titles = {p.sku: p.title for p in self.r.products}
        return (
            "<br>".join(
                f"<b>{escape(s)}</b> {escape(titles.get(s, ''))}" for s in minute.presenting
            )
            or '<span class="muted">nothing</span>'
        )


def _overview(h: _Html) -> str:
    r = h.r
    s = r.summary
    v = r.integrity
    if v is None:
        integrity = '<p class="integrity unknown">Integrity not checked.</p>'
    elif v.intact:
        integrity = (
            f'<p class="integrity ok">✔ Intact: the hash chain of all {v.events:,} events checks'
            f" out. Chain head <code>{escape(v.chain_head)}</code></p>"
        )
    else:
        where = f" at event {v.first_bad_seq}" if v.first_bad_seq is not None else ""
        integrity = f'<p class="integrity bad">✘ BROKEN{where}: {escape(v.reason)}</p>'
    by_key = {c.key: c for c in r.comparison}
    tiles = "".join(_tile(h, key, r.kpis[key], by_key.get(key)) for key in TILES)
    gmv = r.gmv_minor
    presenting = r.gmv_while_presenting_minor

    def share(part: int) -> str:
        return f" ({part / gmv:.1%})" if gmv else ""

    ended = s["ended_at"] or "not ended"
    return f"""<section id="overview">
<h1>{escape(s["title"])}</h1>
<p class="meta">Session <code>{escape(s["session_id"])}</code> · {escape(s["status"])} ·
started {escape(s["started_at"] or "")} · ended {escape(ended)} (UTC) · {s["events"]:,} events</p>
{integrity}
<h2 style="margin-top:24px">Key figures</h2>
<div class="tiles">{tiles}</div>
<h3>Where the GMV came from</h3>
{_table([("", "t"), ("GMV", "n"), ("", "t")], [
    ["While its product was presenting", h.money(presenting), share(presenting)],
    ["While it was not", h.money(gmv - presenting), share(gmv - presenting)],
    ["In flash deals (deal price)", h.money(r.gmv_in_deals_minor), share(r.gmv_in_deals_minor)],
    ["Outside flash deals", h.money(r.gmv_outside_deals_minor),
     share(r.gmv_outside_deals_minor)],
], total=["Session GMV", h.money(gmv), ""], compact=True)}
</section>"""  # fmt: skip


def _tile(h: _Html, key: str, value: float, c: Comparison | None) -> str:
    rank = vs = ""
    if c is not None and c.average is not None:
        rank = f'<span class="rank">#{c.rank} of {c.of}</span>'
        change = c.change
        arrow = (
            ""
            if change is None
            else f"{'▲' if change > 0 else '▼' if change < 0 else '='} {abs(change):.0%} "
        )
        cls = "" if not change else ("up" if change > 0 else "down")
        vs = (
            f'<div class="vs"><span class="{cls}">{arrow}</span>vs average'
            f" {escape(format_kpi(key, c.average, h.cur))}</div>"
        )
    return (
        f'<div class="tile"><div class="label">{escape(KPIS[key].label)}{rank}</div>'
        f'<div class="value">{escape(format_kpi(key, value, h.cur))}</div>{vs}</div>'
    )


def _charts(h: _Html) -> str:
    r = h.r
    start = r.started_at_ms

    def x(ts: int) -> float:
        return (ts - start) / MINUTE_MS

    marks = [Mark(x(ts), sku or "(nothing)") for ts, sku in r.switches]
    bands = [
        Band(x(d.started_at_ms), x(d.started_at_ms + d.live_ms), _deal_name(h, d))
        for d in r.deals
        if d.started_at_ms is not None
    ]

    def count(n: int) -> str:
        return f"{n:,}"

    def series(attr: str) -> list[int]:
        return [getattr(m, attr) for m in r.minutes]

    specs = [
        ("GMV per minute", "gmv_minor", True, "#e8590c", h.money_tick),
        ("Orders per minute", "orders", True, "#1c7ed6", count),
        ("Viewers online (the most in each minute)", "viewers", False, "#2b8a3e", count),
        ("Comments per minute", "comments", True, "#7048e8", count),
    ]
    charts = "\n".join(
        chart(
            title,
            series(attr),
            bars=bars,
            color=color,
            y_label=fmt,
            x_label=h.minute_at,
            marks=marks,
            bands=bands,
        )
        for title, attr, bars, color, fmt in specs
    )
    return f"""<section id="charts">
<h2>Minute by minute</h2>
<div class="legend"><span><span class="swatch switch"></span>product switch (labelled
with its SKU)</span><span><span class="swatch band"></span>flash deal live</span>
<span>time since the start, h:mm</span></div>
{charts}
</section>"""


def _deal_name(h: _Html, d: DealReview) -> str:
    return f"Deal {d.deal_id}: {d.sku} at {format_money(d.deal_price_minor, h.cur)}"


def _products(h: _Html) -> str:
    r = h.r
    products = sorted(r.products, key=lambda p: -p.gmv_minor)
    headers = [("SKU", "k"), ("Product", "t"), ("Presented", "n"), ("Orders", "n"),
               ("Units", "n"), ("GMV", "n"), ("GMV while presenting", "n"),
               ("Orders while presenting", "n"), ("Share while presenting", "n"),
               ("GMV per minute presenting", "n")]  # fmt: skip
    rows = [
        [
            f"<b>{escape(p.sku)}</b>",
            escape(p.title) + (' <span class="muted">(removed)</span>' if p.removed else ""),
            elapsed(p.presented_ms) if p.presented_ms else "—",
            f"{p.orders:,}",
            f"{p.units:,}",
            h.money(p.gmv_minor),
            h.money(p.gmv_while_presenting_minor),
            f"{p.orders_while_presenting:,}",
            "—" if p.presenting_share is None else f"{p.presenting_share:.1%}",
            h.money(p.gmv_per_min_presenting_minor),
        ]
        for p in products
    ]
    total = ["Total", "", "", f"{sum(p.orders for p in products):,}",
             f"{sum(p.units for p in products):,}", h.money(sum(p.gmv_minor for p in products)),
             h.money(r.gmv_while_presenting_minor),
             f"{sum(p.orders_while_presenting for p in products):,}", "", ""]  # fmt: skip
    return f"""<section id="products">
<h2>Products</h2>
<p class="note">An order counts as “while presenting” when its product was the one
presenting as the order arrived. GMV per minute presenting = GMV while presenting ÷
minutes on screen. Sorted by GMV.</p>
{_table(headers, rows, total=total)}
</section>"""


def _deals(h: _Html) -> str:
    r = h.r
    if not r.deals:
        body = '<p class="muted">No flash deals in this session.</p>'
    else:
        headers = [("Deal", "k"), ("Product", "t"), ("Price", "n"), ("Sold", "n"),
                   ("Live", "k"), ("Sold out in", "n"), ("GMV", "n"), ("Orders", "n"),
                   ("Orders/min before → during", "n"), ("Ended", "k")]  # fmt: skip
        rows = [
            [
                str(d.deal_id),
                f"<b>{escape(d.sku)}</b> {escape(d.title)}",
                f"{h.money(d.deal_price_minor)}<br>"
                f'<span class="muted"><s>{h.money(d.regular_price_minor)}</s></span>',
                f"{d.sold:,} / {d.quantity:,}",
                "never went live"
                if d.started_at_ms is None
                else f"{h.at(d.started_at_ms)} – {h.at(d.started_at_ms + d.live_ms)}",
                "—" if d.sell_out_ms is None else elapsed(d.sell_out_ms),
                h.money(d.gmv_minor),
                f"{d.orders:,}",
                f"{_rate(d.orders_per_min_before)} → {_rate(d.orders_per_min_during)}",
                escape(END_WORDS.get(d.end_reason or "", d.end_reason or "still live")),
            ]
            for d in r.deals
        ]
        body = _table(headers, rows)
    return f"""<section id="deals">
<h2>Flash deals</h2>
<p class="note">“Before” is a stretch as long as the deal was live, ending when it went
live (a countdown falls inside it); both rates count every order on the deal's product.</p>
{body}
</section>"""


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _peaks_and_markers(h: _Html) -> str:
    r = h.r
    parts = []
    for metric, title, column, fmt in (
        ("gmv_minor", "Best minutes for GMV", "GMV", h.money),
        ("viewers", "Most viewers online", "Viewers", lambda n: f"{n:,}"),
    ):
        rows = [
            [
                h.minute_at(p.minute.index),
                fmt(p.value),
                h.products_of(p.minute),
                ", ".join(str(d) for d in p.minute.deals) or "—",
            ]
            for p in r.peaks
            if p.metric == metric
        ]
        headers = [("Minute", "n"), (column, "n"), ("Presenting", "t"),
                   ("Deals live", "t")]  # fmt: skip
        parts.append(
            f"<h3>{escape(title)}</h3>"
            + (_table(headers, rows) if rows else '<p class="muted">None.</p>')
        )
    markers = (
        _table(
            [("Time", "n"), ("Marker", "t"), ("By", "t")],
            [[h.at(m.ts_ms), escape(m.text), escape(m.source)] for m in r.markers],
        )
        if r.markers
        else '<p class="muted">No markers.</p>'
    )
    return f"""<section id="peaks">
<h2>Peak minutes</h2>
{"".join(parts)}
<h3>Markers</h3>
{markers}
</section>"""


def _comparison(h: _Html) -> str:
    r = h.r
    if not r.compared_with:
        body = '<p class="muted">No previous sessions in the same currency to compare with.</p>'
    else:
        rows = []
        for c in r.comparison:
            if c.average is None:
                continue
            diff = c.value - c.average
            sign = "+" if diff > 0 else "−" if diff < 0 else "±"
            change = "" if c.change is None else f" ({c.change:+.0%})"
            rows.append([
                escape(KPIS[c.key].label),
                escape(format_kpi(c.key, c.value, h.cur)),
                escape(format_kpi(c.key, c.average, h.cur)),
                sign + escape(format_kpi(c.key, abs(diff), h.cur)) + change,
                f"{c.rank} of {c.of}",
            ])  # fmt: skip
        body = _table(
            [("", "t"), ("This session", "n"), ("Average before", "n"),
             ("Difference", "n"), ("Rank", "n")],
            rows,
        )  # fmt: skip
    return f"""<section id="comparison">
<h2>Compared with previous sessions</h2>
<p class="note">{r.compared_with} earlier session(s) in {escape(h.cur)}; rank 1 is the
highest of all.</p>
{body}
</section>"""


def render_html(review: Review) -> str:
    """The whole report; nothing in it is fetched from anywhere."""
    h = _Html(review)
    title = escape(review.summary["title"])
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Live Console report</title>
<style>{CSS}</style>
</head>
<body>
{_overview(h)}
{_charts(h)}
{_products(h)}
{_deals(h)}
{_peaks_and_markers(h)}
{_comparison(h)}
<footer>Live Console {escape(__version__)} · post-live report · chain head
<code>{escape(review.summary["chain_head"])}</code></footer>
</body>
</html>
"""
