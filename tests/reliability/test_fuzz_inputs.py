"""Fuzzing what comes from outside, end to end into a session: no crash, every refusal has a
reason, nothing valid lost.

The parsers' own properties are tested beside them (tests/unit/feeds/test_ws_protocol.py,
test_shopify_orders.py, tests/unit/importers, tests/unit/domain/test_script.py and
test_decode.py). These add the paths from the input to the session file: frames through
the ws feed's handler into a LiveSession, signed webhook bodies through the HTTP
listener, catalog files read from bytes, valid rows among bad ones, and show scripts
through the rehearsal and the run.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import hashlib
import hmac
import io
import json
import sqlite3
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.domain.clock import RealClock, VirtualClock
from console.domain.script import ScriptError, parse_script
from console.engine.session import LiveSession
from console.engine.virtual_run import rehearse, run_virtual
from console.feeds.shopify_webhook import ShopifyWebhookFeed
from console.feeds.ws_client import WebSocketFeed
from console.feeds.ws_protocol import ProtocolError, encode_batch, parse_server_frame
from console.importers.catalog_import import import_catalog
from console.importers.csv_rows import CatalogImportError
from console.importers.simple_csv import parse_simple_csv
from tests.support import START_MS, small_catalog

_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


# -- feed frames -----------------------------------------------------------------------
VALID_EVENTS = st.one_of(
    st.builds(lambda u, t: {"kind": "comment", "user": u, "text": t}, _text, _text),
    st.builds(lambda n: {"kind": "like", "count": n}, st.integers(1, 1000)),
    st.builds(lambda u: {"kind": "follow", "user": u}, _text),
    st.builds(lambda o: {"kind": "order", "order_id": o, "sku": "MASK", "qty": 1}, _text),
)
INVALID_EVENTS = st.one_of(
    st.builds(lambda u: {"kind": "comment", "user": u}, _text),  # no text
    st.builds(lambda s: {"kind": "order", "order_id": "o", "sku": "NOPE" + s, "qty": 1}, _text),
    st.builds(lambda k: {"kind": "x-" + k}, _text),
    st.builds(lambda n: {"kind": "like", "count": n}, st.integers(max_value=0)),
    st.integers() | st.text(max_size=10) | st.lists(st.integers(), max_size=3),
)
_event = st.tuples(st.just(True), VALID_EVENTS) | st.tuples(st.just(False), INVALID_EVENTS)
# A frame: a batch of events (valid or not), or something that is not a frame at all.
FRAMES = st.lists(
    st.tuples(st.just("events"), st.lists(_event, min_size=1, max_size=6))
    | st.tuples(st.just("garbage"), st.text(max_size=60) | _json.map(json.dumps)),
    max_size=12,
)


def _session(folder: Path) -> LiveSession:
    return LiveSession.start(folder / "fuzz.live.db", title="fuzz", catalog=small_catalog(),
                             clock=VirtualClock(START_MS))  # fmt: skip


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _key(event: dict[str, Any]) -> tuple[Any, ...]:
    """What identifies an audience event in the log (the engine adds defaults and prices)."""
    return tuple(event.get(k) for k in ("kind", "user", "text", "count", "order_id"))


@settings(max_examples=60)
@given(frames=FRAMES)
def test_feed_frames_are_recorded_or_refused_with_a_reason(frames: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(Path(tmp))
        # The feed's frame handler without a socket (tests/integration drives the sockets).
        feed = WebSocketFeed("ws://127.0.0.1:9/feed")
        feed._sink = feed._durable = session
        feed.stream = "fuzz"
        valid: list[dict[str, Any]] = []
        refusals = 0

        async def deliver() -> None:
            nonlocal valid, refusals
            for what, body in frames:
                if what == "garbage":
                    try:
                        parse_server_frame(body)
                        continue  # by chance a real frame: not garbage
                    except ProtocolError:
                        refusals += 1
                    assert feed._frame(body) == ""
                else:
                    assert feed._frame(encode_batch(feed.last_seq + 1, [e for _, e in body])) == ""
                    valid += [e for ok, e in body if ok]
                    refusals += sum(not ok for ok, _ in body)
                await asyncio.sleep(0)  # the reader waits for the socket: the feed hands over

        asyncio.run(deliver())
        session.close()
        path = session.path
        logged = _rows(path, "SELECT kind, data FROM events WHERE source = 'ws' ORDER BY seq")
        assert [_key({"kind": k, **json.loads(d)}) for k, d in logged] == [_key(e) for e in valid]
        reasons = [r for (r,) in _rows(path, "SELECT reason FROM rejected ORDER BY id")]
        assert len(reasons) == refusals == session.rejected_count
        assert all(r.strip() for r in reasons)


# -- webhook bodies ----------------------------------------------------------------------
SECRET = "fuzz-secret"
_any_item = st.fixed_dictionaries(
    {
        "id": st.integers(1, 10**6),
        "sku": st.sampled_from(["MASK", "TEA", "TEE-S", "NOPE", ""]) | st.text(max_size=6),
        "quantity": st.integers(-2, 5) | st.text(max_size=3),
        "price": st.sampled_from(["59.90", "0.01", "12,50", "-1", "", "abc"]) | st.integers(),
    }
)
_good_item = st.fixed_dictionaries(
    {
        "id": st.integers(1, 10**6),
        "sku": st.sampled_from(["MASK", "TEA", "TEE-M"]),
        "quantity": st.integers(1, 2),
        "price": st.sampled_from(["59.90", "129.00", "0.01"]),
    }
)
_order = st.fixed_dictionaries(
    {
        "id": st.integers(1, 10**9),
        "name": _text,
        "currency": st.sampled_from(["CNY", "CNY", "CNY", "USD"]),
        "line_items": st.lists(_good_item | _good_item | _any_item, max_size=4),
    }
)
BODIES = st.one_of(
    _order.map(lambda o: json.dumps(o).encode()),
    _json.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.just(b"[" * 100_000),  # nests deeper than the JSON parser goes
)


class _Listener:
    """One session with a webhook listener on a loop in a thread, shared by every example."""

    def __init__(self, folder: Path) -> None:
        self.session = LiveSession.start(folder / "hooks.live.db", title="hooks",
                                         catalog=small_catalog(), clock=RealClock())  # fmt: skip
        self.feed = ShopifyWebhookFeed(SECRET, "CNY")
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.feed.start(self.session), self.loop).result(10)
        self.posts = 0

    def post(self, body: bytes, signed: bool) -> tuple[int, Any]:
        self.posts += 1
        key = SECRET if signed else "wrong"
        digest = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
        request = urllib.request.Request(
            self.feed.url, data=body, method="POST",
            headers={"X-Shopify-Hmac-Sha256": digest, "X-Shopify-Topic": "orders/create",
                     "X-Shopify-Webhook-Id": f"fuzz-{self.posts}"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as e:
            with e:
                return e.code, json.load(e)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.feed.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
        self.session.close()


@pytest.fixture(scope="module")
def listener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Listener]:
    hooks = _Listener(tmp_path_factory.mktemp("hooks"))
    yield hooks
    hooks.close()
    reasons = _rows(hooks.session.path, "SELECT reason FROM rejected")
    assert len(reasons) == hooks.session.rejected_count
    assert all(r.strip() for (r,) in reasons)


@settings(max_examples=80)
@given(body=BODIES, signed=st.booleans())
def test_webhook_bodies_are_booked_or_refused_with_a_reason(
    listener: _Listener, body: bytes, signed: bool
) -> None:
    session = listener.session
    before = (session.state.last_seq, session.rejected_count)
    status, answer = listener.post(body, signed)
    after = (session.state.last_seq, session.rejected_count)
    if not signed:
        assert (status, after) == (401, before)  # unsigned input is not even recorded
    elif status == 400:
        assert answer == {"error": "body is not JSON"}
        assert after == (before[0], before[1] + 1)
    else:
        assert status == 200
        assert after == (before[0] + answer["accepted"], before[1] + answer["rejected"])


# -- catalog files -----------------------------------------------------------------------
@settings(max_examples=100)
@given(
    data=st.binary(max_size=300)
    | _text.map(lambda t: ("sku,title,price,stock\n" + t).encode("gb18030"))
)
def test_any_catalog_file_imports_or_is_refused_with_a_reason(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.csv"
        path.write_bytes(data)
        for skip in (False, True):
            try:
                result = import_catalog(path, skip_bad_rows=skip)
            except CatalogImportError as e:
                assert str(e).strip()
                continue
            assert result.products
            assert all(s.reason.strip() and s.row >= 2 for s in result.skipped)


_BAD_ROWS = [
    lambda sku: [sku, "", "1.00", "5"],  # no title
    lambda sku: [sku, "t", "12,50", "5"],  # a decimal comma
    lambda sku: [sku, "t", "-1.00", "5"],
    lambda sku: [sku, "t", "abc", "5"],
    lambda sku: [sku, "t", "1.00", "-3"],
    lambda sku: ["", "t", "1.00", "5"],
]
_title = _text.filter(lambda t: t == t.strip() and "\r" not in t and "\n" not in t)


@given(
    rows=st.lists(
        st.one_of(
            st.tuples(
                st.just(True), st.tuples(_title, st.integers(0, 10**8), st.integers(0, 10**6))
            ),
            st.tuples(st.just(False), st.integers(0, len(_BAD_ROWS) - 1)),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_good_rows_among_bad_ones_are_all_imported(rows: list[tuple[bool, Any]]) -> None:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["sku", "title", "price", "stock"])
    good: list[tuple[str, str, int, int]] = []
    bad_lines: list[int] = []
    for n, (ok, spec) in enumerate(rows):
        if ok:
            title, price, stock = spec
            good.append((f"OK-{n}", title, price, stock))
            out.writerow([f"OK-{n}", title, f"{price // 100}.{price % 100:02d}", str(stock)])
        else:
            bad_lines.append(n + 2)
            out.writerow(_BAD_ROWS[spec](f"BAD-{n}"))
    if not good:
        with pytest.raises(CatalogImportError):
            parse_simple_csv(buf.getvalue(), skip_bad_rows=True)
        return
    result = parse_simple_csv(buf.getvalue(), skip_bad_rows=True)
    assert [(p.sku, p.title, p.price_minor, p.stock) for p in result.products] == good
    assert [s.row for s in result.skipped] == bad_lines
    assert all(s.reason.strip() for s in result.skipped)


# -- show scripts ------------------------------------------------------------------------
SKUS = [p.sku for p in small_catalog()] + ["TEE-S", "TEE-M", "NOPE"]
_at = st.integers(0, 600)
_sku = st.sampled_from(SKUS[:-1])
_any_entry = st.fixed_dictionaries(
    {
        "at": st.integers(0, 600) | st.floats(0, 600) | st.just(-1),
        "action": st.sampled_from(
            ["present", "price", "stock", "marker", "deal", "stop_deal", "end", "dance"]
        ),
    },
    optional={
        "sku": st.sampled_from(SKUS),
        "price": st.sampled_from(["49.90", "9.99", "0.01", "500.00", "12,50", "-1"]),
        "stock": st.integers(-1, 200),
        "text": st.text(max_size=8),
        "quantity": st.integers(0, 60),
        "per_buyer": st.integers(0, 3),
        "countdown_s": st.sampled_from([0, 5, 10, 60]),
        "duration_s": st.sampled_from([30, 60, 120]),
        "percent_off": st.integers(0, 100),
    },
)
# Entries of the right shape; the rehearsal may still refuse them (a deal on a product
# out of stock, a second deal at once), which is what the property checks.
_good_entry = st.one_of(
    st.builds(lambda at, sku: {"at": at, "action": "present", "sku": sku}, _at, _sku),
    st.builds(
        lambda at, sku, price: {"at": at, "action": "price", "sku": sku, "price": price},
        _at,
        _sku,
        st.sampled_from(["49.90", "9.99", "0.01", "500.00"]),
    ),
    st.builds(
        lambda at, sku, n: {"at": at, "action": "stock", "sku": sku, "stock": n},
        _at,
        _sku,
        st.integers(0, 200),
    ),
    st.builds(
        lambda at, text: {"at": at, "action": "marker", "text": text}, _at, _text.filter(str.strip)
    ),
    st.builds(
        lambda at, off, qty, cd, dur: {
            "at": at,
            "action": "deal",
            "sku": "MASK",
            "percent_off": off,
            "quantity": qty,
            "per_buyer": 1,
            "countdown_s": cd,
            "duration_s": dur,
        },
        _at,
        st.integers(1, 99),
        st.integers(1, 50),
        st.sampled_from([0, 10]),
        st.sampled_from([60, 120]),
    ),
    st.builds(lambda at: {"at": at, "action": "stop_deal", "sku": "MASK"}, _at),
    st.builds(lambda at: {"at": at, "action": "end"}, _at),
)
_entry = _good_entry | _good_entry | _good_entry | _any_entry


@settings(max_examples=60)
@given(raw=st.lists(_entry, max_size=6))
def test_a_script_that_rehearses_runs_every_action_and_one_that_fails_names_its_entry(
    raw: list[dict[str, Any]],
) -> None:
    skus = set(SKUS) - {"NOPE"}
    duration_ms = 700_000
    try:
        actions = parse_script(raw, skus)
        rehearse(small_catalog(), actions, start_ms=START_MS, duration_ms=duration_ms)
    except ScriptError as e:
        assert e.index is None or 1 <= e.index <= len(raw)
        assert e.reason.strip()
        return
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(Path(tmp))
        clock = session.clock
        assert isinstance(clock, VirtualClock)
        run_virtual(session, clock, _Silence(), source="sim", duration_ms=duration_ms,
                    actions=actions)  # fmt: skip
        session.close()
        done = _rows(session.path, "SELECT count(*) FROM events WHERE source = 'script'")
    ends = [i for i, a in enumerate(actions) if a.action == "end"]
    expected = actions[: ends[0] + 1] if ends else actions  # the run stops at its end
    assert done == [(len(expected),)]  # every action the rehearsal passed is in the log


class _Silence:
    def step(self, state: Any, now_ms: int, dt_ms: int) -> list[dict[str, Any]]:
        return []
