"""Every capability, headless. `live-console` alone opens the window."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from hashlib import sha256
from pathlib import Path

from console import __version__
from console.domain.catalog import Product
from console.domain.clock import RealClock, VirtualClock
from console.domain.money import DEFAULT_CURRENCY, MoneyError, check_currency, format_money
from console.domain.script import ScriptError, auto_show, parse_script
from console.engine.session import LiveSession
from console.engine.virtual_run import rehearse, run_virtual
from console.feeds import ws_server
from console.feeds.simulator import PRESETS, Simulator
from console.importers.catalog_import import FORMATS, catalog_json, import_catalog
from console.importers.csv_rows import CatalogImportError
from console.importers.sample import sample_catalog_path
from console.review import report_cli
from console.store.errors import SessionFileError
from console.store.paths import catalogs_dir, data_dir, session_filename, sessions_dir, slug
from console.store.reader import load_state
from console.store.summary import summarize
from console.store.verify import verify

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input on the command line: message to stderr, exit 2."""


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be above zero")
    return value


def _start_ms(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"--start {text!r} is not an ISO-8601 time such as 2026-11-28T20:00:00+08:00"
        ) from None
    return (
        int(when.astimezone().timestamp() * 1000)
        if when.tzinfo is None
        else int(when.timestamp() * 1000)
    )


def _catalog(path: str | None, currency: str = DEFAULT_CURRENCY) -> list[Product]:
    catalog_path = Path(path) if path else sample_catalog_path()
    try:
        return list(import_catalog(catalog_path, currency=currency).products)
    except (CatalogImportError, OSError) as e:
        raise UsageError(f"catalog {catalog_path}: {e}") from None


def _import_catalog(args: argparse.Namespace) -> int:
    try:
        check_currency(args.currency)
        result = import_catalog(Path(args.file), args.format, args.currency,
                                skip_bad_rows=args.skip_bad_rows)  # fmt: skip
    except (CatalogImportError, MoneyError) as e:
        raise UsageError(str(e)) from None
    if args.json:
        print(json.dumps(catalog_json(result), ensure_ascii=False, indent=2))
    else:
        for p in result.products:
            stock = "not tracked" if p.sku in result.untracked else f"{p.stock:,}"
            variants = f"  ({len(p.variants)} variants)" if p.variants else ""
            print(f"{p.sku:<24} {format_money(p.price_minor, p.currency):>14}  stock {stock:>11}"
                  f"  {p.title}{variants}")  # fmt: skip
        for row in result.skipped:
            print(f"skipped row {row.row}: {row.reason}")
        print(f"{len(result.products)} products ({result.format} format), "
              f"{len(result.skipped)} rows skipped")  # fmt: skip
    if args.dry_run:
        return EXIT_OK
    out = catalogs_dir(data_dir(args.data_dir)) / f"{slug(Path(args.file).stem)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = {"products": catalog_json(result)["products"]}
    out.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"saved to {out} (use it with --catalog or on the start screen)",
          file=sys.stderr if args.json else sys.stdout)  # fmt: skip
    return EXIT_OK


def _simulate(args: argparse.Namespace) -> int:
    start = _start_ms(args.start)
    if start is None:
        start = RealClock().now_ms() // 1000 * 1000
    catalog = _catalog(args.catalog)
    skus = {p.sku for p in catalog} | {v.sku for p in catalog for v in p.variants}
    duration_ms = round(args.duration * 1000)
    if args.script:
        try:
            raw = json.loads(Path(args.script).read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as e:
            raise UsageError(f"script {args.script}: {e}") from None
        try:
            actions = parse_script(raw, skus)
            rehearse(catalog, actions, start_ms=start, duration_ms=round(args.duration * 1000))
        except ScriptError as e:
            raise UsageError(f"script {args.script}: {e}") from None
    else:
        actions = auto_show([p.sku for p in catalog], duration_ms)
    try:
        feed = Simulator(args.preset, args.seed, args.rate)
    except ValueError as e:
        raise UsageError(str(e)) from None
    title = args.title or f"Practice ({args.preset}, seed {args.seed})"
    out = (
        Path(args.out)
        if args.out
        else sessions_dir(data_dir(args.data_dir)) / session_filename(start, title)
    )
    # The id is a digest of the inputs, so equal inputs give equal chains whatever the file name.
    ident = json.dumps(
        [args.preset, args.seed, args.rate, start, duration_ms, title,
         [p.to_dict() for p in catalog], [(a.at_ms, a.action, a.fields) for a in actions]],
        sort_keys=True, ensure_ascii=False, default=asdict,  # deal specs in script actions
    )  # fmt: skip
    sid = sha256(ident.encode()).hexdigest()[:32]
    clock = VirtualClock(start)
    session = LiveSession.start(out, title=title, catalog=catalog, clock=clock, session_id=sid)
    try:
        progress = (
            None
            if args.quiet
            else lambda ms: print(f"\r  {ms // 60_000} min simulated", end="", file=sys.stderr)
        )
        run_virtual(
            session,
            clock,
            feed,
            source="sim",
            duration_ms=duration_ms,
            actions=actions,
            progress=progress,
        )
    except ScriptError as e:
        session.close()
        raise UsageError(f"script {args.script}: {e}") from None
    session.close()
    if not args.quiet:
        print(file=sys.stderr)
    t = session.state.totals
    print(
        f"{out}\n{session.state.last_seq} events, {t.orders} orders, rejected {session.rejected_count}"
    )
    return EXIT_OK


def _record(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from console.engine.recording import run_recording
    from console.feeds.base import Feed
    from console.feeds.factory import open_feed
    from console.feeds.shopify_orders import secret_from
    from console.feeds.shopify_webhook import ShopifyWebhookFeed
    from console.feeds.uri import FeedUriError, parse_feed_uri
    from console.overlay.security import new_token
    from console.overlay.server import (
        REMOTE_TOKEN_ENV,
        TOKEN_ENV,
        OverlayConfig,
        OverlayError,
        OverlayServer,
        theme_path,
    )
    from console.store.paths import image_cache_dir

    if not args.feed and args.webhook_port is None:
        raise UsageError("name at least one --feed URI or a --webhook-port")
    overlay = None
    if args.overlay_port is not None:
        if not 0 <= args.overlay_port <= 65535:
            raise UsageError(f"--overlay-port {args.overlay_port} is not a port (0-65535)")
        # Per run unless set in the environment: a fixed token keeps OBS's URLs across restarts.
        root = data_dir(args.data_dir)
        try:
            overlay = OverlayConfig(
                os.environ.get(TOKEN_ENV) or new_token(),
                os.environ.get(REMOTE_TOKEN_ENV) or new_token(),
                port=args.overlay_port, lan=args.overlay_lan, remote_enabled=args.overlay_remote,
                theme_css=theme_path(root), image_dir=image_cache_dir(root),
            )  # fmt: skip
        except OverlayError as e:
            raise UsageError(f"{e} ({TOKEN_ENV} and {REMOTE_TOKEN_ENV} set the tokens)") from None
    elif args.overlay_lan or args.overlay_remote:
        raise UsageError("--overlay-lan and --overlay-remote need an --overlay-port")
    try:
        uris = [parse_feed_uri(text) for text in args.feed]
        check_currency(args.currency)
    except (FeedUriError, MoneyError) as e:
        raise UsageError(str(e)) from None
    secret = None
    if args.webhook_port is not None:
        secret = secret_from(None)
        if not secret:
            raise UsageError(
                "--webhook-port needs the Shopify webhook secret in the environment variable "
                "LIVE_CONSOLE_SHOPIFY_SECRET (never on the command line, where others can read it)"
            )
    catalog = _catalog(args.catalog, args.currency)
    clock = RealClock()
    title = args.title or "Recording"
    out = (
        Path(args.out)
        if args.out
        else sessions_dir(data_dir(args.data_dir)) / session_filename(clock.now_ms(), title)
    )
    session = LiveSession.start(
        out, title=title, catalog=catalog, clock=clock, currency=args.currency
    )

    def report(line: str) -> None:
        print(line, flush=True)

    async def run() -> str:
        feeds: list[Feed] = [
            open_feed(uri, state=lambda: session.state, clock=clock) for uri in uris
        ]
        if secret is not None:
            feeds.append(ShopifyWebhookFeed(secret, args.currency, host=args.webhook_host,
                                            port=args.webhook_port))  # fmt: skip
        if session.state.queue:
            session.present_step(+1)
        server = OverlayServer(session, session, overlay) if overlay is not None else None
        if server is not None:
            await server.start()
            for name, url in server.urls().items():
                report(f"overlay {name} {url}")
            if (remote := server.remote_url()) is not None:
                report(f"remote {remote}")
        try:
            return await run_recording(session, feeds, duration_s=args.duration, report=report)
        finally:
            if server is not None:
                await server.stop()

    try:
        reason = asyncio.run(run())
    except OverlayError as e:  # its port in use, no LAN address
        session.close()
        raise UsageError(str(e)) from None
    except OSError as e:  # a port in use, a host that cannot be bound
        session.close()
        raise UsageError(f"cannot listen for webhooks: {e.strerror or e}") from None
    session.end(reason.lower())
    session.close()
    t = session.state.totals
    print(
        f"{out}\n{session.state.last_seq} events, {t.orders} orders, rejected {session.rejected_count}"
    )
    return EXIT_OK


def _info(args: argparse.Namespace) -> int:
    meta, state = load_state(Path(args.file))
    summary = summarize(meta, state)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK
    cur = summary["currency"]
    print(f"{summary['title']}  [{summary['status']}]")
    print(f"  started   {summary['started_at']}   duration {summary['duration_s']:.0f} s")
    print(f"  events    {summary['events']:,}")
    print(f"  GMV       {format_money(summary['gmv_minor'], cur)}  orders {summary['orders']:,}"
          f"  units {summary['units']:,}  peak viewers {summary['peak_viewers']:,}")  # fmt: skip
    for p in summary["products"]:
        print(
            f"  {p['sku']:<16} {p['units']:>7,} units  {format_money(p['gmv_minor'], cur):>16}  {p['title']}"
        )
    print(f"  chain     {summary['chain_head']}")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    result = verify(Path(args.file))
    if result.intact:
        print(f"intact: {result.events} events, chain head {result.chain_head}")
        return EXIT_OK
    where = f" at seq {result.first_bad_seq}" if result.first_bad_seq is not None else ""
    print(f"BROKEN{where}: {result.reason}")
    return EXIT_FAIL


def _bench(args: argparse.Namespace) -> int:
    from console.bench import BENCHMARKS, BenchError, run_benchmarks, run_child

    if args.child:
        run_child(args.child)
        return EXIT_OK
    unknown = [name for name in args.which if name not in BENCHMARKS]
    if unknown:
        raise UsageError(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}")
    try:
        figures = run_benchmarks(
            list(dict.fromkeys(args.which)) or list(BENCHMARKS), quick=args.quick,
            progress=lambda name: print(f"bench {name}…", file=sys.stderr, flush=True),
        )  # fmt: skip
    except BenchError as e:
        print(f"live-console bench: {e}", file=sys.stderr)
        return EXIT_FAIL
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        for f in figures:
            extra = f"  (limit {f['limit']:,}, ratio {f['ratio']:.2f})" if "limit" in f else ""
            print(f"{f['name']:<32} {f['value']:>12,} {f['unit']}{extra}")
    return EXIT_OK


def _window(args: argparse.Namespace) -> int:
    from console.app import AppOptions, run_app
    from console.feeds.uri import FeedUriError, parse_feed_uri

    for text in args.gui_feed:
        try:
            parse_feed_uri(text)
        except FeedUriError as e:
            print(f"live-console: --feed: {e}", file=sys.stderr)
            return EXIT_USAGE

    # A self-test must not leave a practice session in the merchant's library.
    if args.self_test and not args.data_dir:
        root: Path | None = Path(tempfile.mkdtemp(prefix="live-console-self-test-"))
    else:
        root = Path(args.data_dir).expanduser() if args.data_dir else None
    options = AppOptions(
        data_dir=root, demo=args.demo, feeds=tuple(args.gui_feed), webhooks=args.webhooks,
        preset=args.gui_preset, rate=args.gui_rate,
        warmup_min=max(0.0, args.warmup), catalog=Path(args.gui_catalog) if args.gui_catalog else None,
        language=args.lang, theme=args.theme, self_test=args.self_test,
        screenshot=Path(args.screenshot) if args.screenshot else None, after_s=args.after,
        replay=Path(args.file) if args.command == "replay" else None,
        library=args.command == "library", overlay_port=args.overlay_port,
    )  # fmt: skip
    return run_app(options)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="live-console",
        description="Live Console: the control console for live-commerce sellers. "
        "Without a command it opens the window.",
    )
    p.add_argument("--version", action="version", version=f"live-console {__version__}")
    p.add_argument(
        "--data-dir",
        help="folder for sessions and settings (default: the platform's; env LIVE_CONSOLE_DATA_DIR)",
    )
    gui = p.add_argument_group("window options (without a command)")
    gui.add_argument(
        "--demo",
        action="store_true",
        help="skip the start screen: a practice session on the simulator",
    )
    gui.add_argument(
        "--audience",
        dest="gui_preset",
        choices=sorted(PRESETS),
        default="mid",
        help="practice audience size (default mid)",
    )
    gui.add_argument(
        "--rate",
        dest="gui_rate",
        type=_positive,
        help="practice events per second, overriding the audience size",
    )
    gui.add_argument(
        "--warmup",
        type=float,
        default=0.0,
        metavar="MINUTES",
        help="start the practice session with this much simulated history",
    )
    gui.add_argument("--catalog", dest="gui_catalog", help="catalog CSV for the session")
    gui.add_argument(
        "--feed",
        dest="gui_feed",
        action="append",
        default=[],
        metavar="URI",
        help="skip the start screen: a live session on this feed (repeat for several)",
    )
    gui.add_argument(
        "--webhooks",
        action="store_true",
        help="skip the start screen: a live session taking Shopify order webhooks (port and "
        "secret from Settings or LIVE_CONSOLE_SHOPIFY_SECRET)",
    )
    gui.add_argument(
        "--overlay-port",
        type=int,
        metavar="P",
        help="serve the OBS overlays on this port for this run (default: the setting, 8790)",
    )
    gui.add_argument(
        "--lang",
        choices=["system", "en", "zh_CN"],
        help="user-interface language (default: the setting)",
    )
    gui.add_argument(
        "--theme", choices=["dark", "light"], help="colour theme (default: the setting)"
    )
    gui.add_argument(
        "--self-test",
        action="store_true",
        help="open the window on the simulator, check it renders and records, exit 0 or 1",
    )
    gui.add_argument(
        "--screenshot",
        metavar="FILE",
        help="save a PNG of the window after --after seconds, then quit",
    )
    gui.add_argument(
        "--after",
        type=_positive,
        default=3.0,
        metavar="SECONDS",
        help="when to check or take the screenshot (default 3)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser(
        "simulate", help="run a whole simulated session on a virtual clock, as fast as possible"
    )
    s.add_argument(
        "--preset", choices=sorted(PRESETS), default="mid", help="audience size (default mid)"
    )
    s.add_argument(
        "--duration",
        type=_positive,
        default=600.0,
        help="seconds of session to simulate (default 600)",
    )
    s.add_argument(
        "--seed", type=int, default=0, help="random seed; equal inputs give identical files"
    )
    s.add_argument("--out", help="session file to write (default: a new file in the data folder)")
    s.add_argument(
        "--start", help="ISO-8601 start time (default now); without an offset it is local time"
    )
    s.add_argument(
        "--catalog",
        help="catalog CSV: sku,title,price,stock[,image,compare_at] (default: the sample)",
    )
    s.add_argument("--script", help="show script JSON: a list of timed actions (see README)")
    s.add_argument(
        "--rate", type=_positive, help="audience events per second, overriding the preset"
    )
    s.add_argument("--title", help="session title")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(run=_simulate)

    c = sub.add_parser(
        "import-catalog",
        help="check a Shopify, WooCommerce or simple catalog CSV and save it for sessions",
    )
    c.add_argument("file")
    c.add_argument("--format", choices=FORMATS, default="auto", help="file format (default: auto)")
    c.add_argument(
        "--currency", default=DEFAULT_CURRENCY, help="currency of the prices (default CNY)"
    )
    c.add_argument(
        "--skip-bad-rows", action="store_true", help="import the good rows, list the bad"
    )
    c.add_argument("--dry-run", action="store_true", help="check and show, save nothing")
    c.add_argument(
        "--json", action="store_true", help='print {"products": [...], "skipped": [...]}'
    )
    c.set_defaults(run=_import_catalog)

    r = sub.add_parser(
        "record", help="record a live session from real-time feeds (headless, until Ctrl+C)"
    )
    r.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URI",
        help="a source: sim:PRESET?seed=N&rate=R, ws://HOST:PORT/PATH?token=T, wss://..., "
        "twitch:CHANNEL (repeat for several)",
    )
    r.add_argument("--out", help="session file to write (default: a new file in the data folder)")
    r.add_argument("--duration", type=_positive, help="stop after this many seconds")
    r.add_argument(
        "--catalog", help="catalog CSV (Shopify, WooCommerce or simple; default: the sample)"
    )
    r.add_argument("--title", help="session title")
    r.add_argument("--currency", default="CNY", help="the session's currency (default CNY)")
    r.add_argument(
        "--webhook-port",
        type=int,
        metavar="P",
        help="accept Shopify order webhooks on this port (secret: env LIVE_CONSOLE_SHOPIFY_SECRET)",
    )
    r.add_argument(
        "--webhook-host",
        default="127.0.0.1",
        help="address for the webhook listener (default 127.0.0.1; use a tunnel to reach it)",
    )
    r.add_argument(
        "--overlay-port",
        type=int,
        metavar="P",
        help="serve the OBS overlays on 127.0.0.1:P and print their URLs (token: a new one per "
        "run, or env LIVE_CONSOLE_OVERLAY_TOKEN)",
    )
    r.add_argument(
        "--overlay-lan",
        action="store_true",
        help="also serve the overlays on this computer's private network address",
    )
    r.add_argument(
        "--overlay-remote",
        action="store_true",
        help="serve the remote page for an assistant's phone (token: a new one per run, or env "
        "LIVE_CONSOLE_OVERLAY_REMOTE_TOKEN)",
    )
    r.set_defaults(run=_record)

    i = sub.add_parser("info", help="summarize a session file")
    i.add_argument("file")
    i.add_argument("--json", action="store_true", help="machine-readable JSON")
    i.set_defaults(run=_info)

    v = sub.add_parser(
        "verify", help="check a session file's hash chain and integrity (exit 1 if broken)"
    )
    v.add_argument("file")
    v.set_defaults(run=_verify)

    from console.bench import BENCHMARKS  # light: each benchmark is imported when it runs

    b = sub.add_parser(
        "bench", help="measure what this machine can take, each figure beside its limit"
    )
    b.add_argument(
        "which", nargs="*", metavar="NAME",
        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)",
    )  # fmt: skip
    b.add_argument("--quick", action="store_true", help="shorter runs: each under a minute")
    b.add_argument(
        "--json", action="store_true",
        help="print a JSON list of figures: name, value, unit, and limit and ratio where known",
    )  # fmt: skip
    b.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)  # a bench's helper
    b.set_defaults(run=_bench)

    rp = sub.add_parser(
        "report",
        help="post-live review of a session: text, --json, --html OUT.html, --csv DIR",
    )
    report_cli.add_arguments(rp)
    rp.set_defaults(run=report_cli.run)

    pl = sub.add_parser(
        "replay", help="open a recorded session in the window, read-only, to play and seek"
    )
    pl.add_argument("file", help="the session file (.live.db)")
    pl.set_defaults(run=_window)

    lb = sub.add_parser("library", help="open the session library window")
    lb.set_defaults(run=_window)

    f = sub.add_parser(
        "feed-server",
        help="serve the WebSocket event feed (docs/feed-protocol.md) for bridges and tests",
    )
    ws_server.add_arguments(f)
    f.set_defaults(run=ws_server.run)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return _window(args)
    try:
        code: int = args.run(args)
    except UsageError as e:
        print(f"live-console {args.command}: {e}", file=sys.stderr)
        return EXIT_USAGE
    except SessionFileError as e:
        print(f"live-console {args.command}: {e}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
