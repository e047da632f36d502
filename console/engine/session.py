"""The live session: every change goes feed -> decode -> check -> reduce -> log.

A `LiveSession` owns the state, the hash chain's head and the writer. Feeds
call `ingest` with batches of raw events; the operator's console, a show
script or a remote call `command`. Both paths share one acceptance routine,
so a show script and a live click produce identical log rows. Asyncio-free
and Qt-free: the app drives it from its loop, `simulate` from a plain loop.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from console import __version__
from console.domain.catalog import Product
from console.domain.clock import Clock
from console.domain.deals import Deal, DealSpec, deal_price
from console.domain.events import AUDIENCE_KINDS, Event
from console.domain.reducer import admit, apply
from console.domain.snapshot import to_snapshot
from console.domain.state import SessionState
from console.engine.source import events_after
from console.store.chain import encode_data, genesis, row_hash
from console.store.checkpoints import CHECKPOINT_EVERY
from console.store.errors import SessionFileError
from console.store.lock import SessionLock
from console.store.session_file import SessionMeta, create_session
from console.store.writer import CursorRow, EventRow, MetricRow, RejectedRow, SessionWriter

log = logging.getLogger("console.engine")

MAX_PAYLOAD = 64 * 1024
# What the comment and activity feed shows; kept in memory for the UI to pull.
ACTIVITY_KINDS = frozenset(
    {"comment", "order", "follow", "share", "gift", "marker", "comment_pinned", "deal_started",
     "deal_ended"}
)  # fmt: skip
ACTIVITY_KEEP = 5000


class CommandError(ValueError):
    """An operator action that cannot be done; the message is for the operator."""


def _payload(raw: Any) -> str:
    try:
        text = json.dumps(raw, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(raw)
    return text[:MAX_PAYLOAD]


def _ended(deal: Deal, reason: str) -> dict[str, Any]:
    """A deal_ended event's fields: the reason, and the counts as they stand, for readers of the log."""
    return {
        "deal_id": deal.deal_id,
        "reason": reason,
        "sold": deal.sold,
        "gmv_minor": deal.gmv_minor,
    }


def _spec_data(spec: DealSpec) -> dict[str, Any]:
    return {k: v for k, v in spec.to_dict().items() if v is not None}


class LiveSession:
    def __init__(self, path: Path, clock: Clock, writer: SessionWriter, lock: SessionLock,
                 head: str) -> None:  # fmt: skip
        self.path = path
        self.clock = clock
        self.state = SessionState()
        self.writer = writer
        self._lock = lock
        self._head = head
        self.rejected_count = 0
        self.activity: deque[Event] = deque(maxlen=ACTIVITY_KEEP)
        # Checkpoints for replay: every `checkpoint_every` events; the last one's seq, and the
        # first bucket changed since. `_metrics_len` buckets have gone to the writer so far.
        self.checkpoint_every = CHECKPOINT_EVERY
        self._checkpoint_seq = 0
        self._dirty_from = 0
        self._metrics_len = 0
        # Hear every operator and console event as it is logged: feeds mirror them to
        # a platform bridge, the runner wakes its deadline timer.
        self.listeners: list[Callable[[Event], None]] = []

    @classmethod
    def start(
        cls,
        path: Path,
        *,
        title: str,
        catalog: Sequence[Product],
        clock: Clock,
        currency: str = "CNY",
        session_id: str | None = None,
        flush_interval: float = 0.1,
    ) -> LiveSession:
        """Create the session file, log the start and the catalog, and go live."""
        sid = session_id or uuid.uuid4().hex
        start = clock.now_ms()
        head = genesis(sid)
        lock = SessionLock(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not lock.acquire():
            raise SessionFileError(f"{path.name} is being recorded by another Live Console")
        try:
            meta = SessionMeta(sid, title, currency, __version__, start, "live", 0, head, head)
            create_session(path, meta, catalog)
        except BaseException:
            lock.release()
            raise
        session = cls(path, clock, SessionWriter(path, sid, interval=flush_interval), lock, head)
        try:
            session.command(
                "session_started",
                {
                    "session_id": sid,
                    "title": title,
                    "currency": currency,
                    "app_version": __version__,
                },
            )
            for product in catalog:
                session.command("product_added", {"product": product.to_dict()})
        except BaseException:
            session.close()
            raise
        return session

    # -- the one way in -----------------------------------------------------------------
    def _accept(self, raw: Any, source: str, now: int, rows: list[EventRow]) -> Event | str:
        """Admit, chain and apply one event; the reason if refused."""
        ev = admit(self.state, raw, source, now)
        if isinstance(ev, str):
            return ev
        seq, ts_ms, kind, _, data = ev
        text = encode_data(data)
        self._head = head = row_hash(self._head, seq, ts_ms, kind, source, text)
        apply(self.state, ev)
        rows.append((seq, ts_ms, kind, source, text, head))
        if kind in ACTIVITY_KINDS:
            self.activity.append(ev)
        if self.listeners and kind not in AUDIENCE_KINDS:
            for listener in self.listeners:
                listener(ev)
        if kind == "order":
            deal = self.state.live_deals.get(data["sku"])
            if deal is not None and deal.left == 0:  # the order that takes the last unit
                # A feed may stamp it a little before the deal went live; the deal still
                # ends after it began.
                self._end_deal(deal, "sold_out", max(ts_ms, deal.started_at_ms or 0), rows)
        return ev

    def _system(self, raw: dict[str, Any], rows: list[EventRow]) -> Event:
        """An event the console decides itself (deal timers); refusing one is a bug."""
        result = self._accept(raw, "console", raw["ts_ms"], rows)
        if isinstance(result, str):
            raise RuntimeError(f"console event refused: {result}: {raw}")
        return result

    def _end_deal(self, deal: Deal, reason: str, ts_ms: int, rows: list[EventRow]) -> None:
        self._system({"kind": "deal_ended", "ts_ms": ts_ms, **_ended(deal, reason)}, rows)

    def _fire_due(self, now: int, rows: list[EventRow]) -> None:
        """Deadlines passed by `now` become events stamped with the deadline itself."""
        while (due := self._next_due()) is not None and due[0] <= now:
            at, deal, what = due
            if what == "start":
                self._system({"kind": "deal_started", "ts_ms": at, "deal_id": deal.deal_id}, rows)
            else:
                self._end_deal(deal, "time", at, rows)

    def _next_due(self) -> tuple[int, Deal, str] | None:
        best: tuple[int, Deal, str] | None = None
        for deal in self.state.deals.values():
            if deal.ended_at_ms is not None:
                continue
            due = (
                (deal.live_at_ms, deal, "start")
                if deal.started_at_ms is None
                else (deal.ends_at_ms, deal, "end")
            )
            if best is None or due[0] < best[0]:
                best = due
        return best

    def next_deadline(self) -> int | None:
        """When a deal next starts or runs out of time; the drivers wake up for it."""
        due = self._next_due()
        return None if due is None else due[0]

    def fire_due(self) -> None:
        rows: list[EventRow] = []
        self._fire_due(self.clock.now_ms(), rows)
        if rows:
            self._submit(rows)

    def activity_after(self, seq: int) -> list[Event]:
        """Feed-worthy events newer than `seq`, oldest first (at most the last 5,000)."""
        return events_after(self.activity, seq)

    def _metric_rows(self, rows: list[EventRow]) -> list[MetricRow]:
        """The buckets these rows touched, and those created since the last call (even empty)."""
        start = self.state.started_at_ms
        if start is None or not rows:
            return []
        buckets = self.state.buckets
        lo = max(0, min((min(r[1] for r in rows) - start) // 1000, self._metrics_len))
        self._metrics_len = len(buckets)
        self._dirty_from = min(self._dirty_from, lo)
        return [
            (sec, start + sec * 1000, *buckets[sec].as_tuple()) for sec in range(lo, len(buckets))
        ]

    def _submit(self, rows: list[EventRow], rejected: list[RejectedRow] | None = None,
                cursor: CursorRow | None = None) -> None:  # fmt: skip
        """Hand rows to the writer, with a checkpoint every `checkpoint_every` events and at the end."""
        metrics = self._metric_rows(rows)
        checkpoint = None
        state = self.state
        due = state.last_seq - self._checkpoint_seq >= self.checkpoint_every
        if rows and (due or state.ended_at_ms is not None):
            tail = min(self._dirty_from, len(state.buckets))
            checkpoint = (state.last_seq, tail, to_snapshot(state, bucket_tail_from=tail))
            self._checkpoint_seq = state.last_seq
            self._dirty_from = len(state.buckets)
        self.writer.submit(rows, metrics, rejected or (), checkpoint, cursor)

    def has_room(self) -> bool:
        """False while unsaved events fill the writer's memory bound (the disk fails or lags)."""
        return self.writer.has_room()

    def saved_cursor(self, feed: str) -> CursorRow | None:
        """How far `feed`'s source is on disk: what it acknowledges, and resumes after."""
        return self.writer.saved_cursor(feed)

    def ingest(self, raws: Iterable[Any], source: str, cursor: CursorRow | None = None) -> int:
        """Take a batch from a feed; refused events go to `rejected`. Returns accepted.

        `cursor` (feed, stream, seq) marks the source's events up to seq as in this
        batch; it is written with them, so a resumed session knows where to go on.
        Without room in memory (the disk has failed for a while), a batch without a
        cursor is refused whole and counted, so the engine never blocks and the count
        lands in `rejected` once the disk is back; a source with a cursor waits for
        room itself (`has_room`), so its batch is always taken, as are operator actions.
        """
        now = self.clock.now_ms()
        if cursor is None and not self.writer.has_room():
            self.fire_due()
            self.writer.refuse(source, sum(1 for _ in raws), now)
            return 0
        rows: list[EventRow] = []
        rejected: list[RejectedRow] = []
        self._fire_due(now, rows)
        for raw in raws:
            result = self._accept(raw, source, now, rows)
            if isinstance(result, str):
                rejected.append((now, source, result, _payload(raw)))
        self.rejected_count += len(rejected)
        if rows or rejected or cursor:
            self._submit(rows, rejected, cursor)
        return len(rows)

    def reject(self, reason: str, payload: str, source: str,
               cursor: CursorRow | None = None) -> None:  # fmt: skip
        """Log something a source sent that is not an event at all (a garbage frame)."""
        self.rejected_count += 1
        now = self.clock.now_ms()
        if cursor is None and not self.writer.has_room():
            self.writer.refuse(source, 1, now)
            return
        self.writer.submit([], [], [(now, source, reason, payload[:MAX_PAYLOAD])], cursor=cursor)

    def command(self, kind: str, data: dict[str, Any], source: str = "operator") -> Event:
        """An operator action, logged like any event; CommandError if not allowed."""
        rows: list[EventRow] = []
        now = self.clock.now_ms()
        self._fire_due(now, rows)
        result = self._accept({"kind": kind, **data}, source, now, rows)
        if isinstance(result, str):
            if rows:
                self._submit(rows)
            raise CommandError(result)
        # A deal launched without a countdown goes live in the same instant, so no one
        # (the window, a replay of this moment) ever sees it waiting for a timer.
        self._fire_due(now, rows)
        self._submit(rows)
        return result

    # -- operator actions -----------------------------------------------------------------
    def present(self, sku: str | None, source: str = "operator") -> Event:
        return self.command("product_presented", {"sku": sku}, source)

    def present_step(self, step: int, source: str = "operator") -> Event:
        """Present the next (+1) or previous (-1) product in the queue, wrapping around."""
        queue = self.state.queue
        if not queue:
            raise CommandError("the queue is empty")
        current = self.state.presenting
        if current is None:
            target = queue[0] if step > 0 else queue[-1]
        else:
            target = queue[(queue.index(current) + step) % len(queue)]
        return self.present(target, source)

    def set_price(self, sku: str, price_minor: int, source: str = "operator") -> Event:
        return self.command("price_changed", {"sku": sku, "price_minor": price_minor}, source)

    def set_stock(self, sku: str, stock: int, source: str = "operator") -> Event:
        return self.command("stock_changed", {"sku": sku, "stock": stock}, source)

    def add_product(self, product: Product, source: str = "operator") -> Event:
        return self.command("product_added", {"product": product.to_dict()}, source)

    def update_product(self, product: Product, source: str = "operator") -> Event:
        return self.command("product_updated", {"product": product.to_dict()}, source)

    def remove_product(self, sku: str, source: str = "operator") -> Event:
        return self.command("product_removed", {"sku": sku}, source)

    def reorder(self, queue: list[str], source: str = "operator") -> Event:
        return self.command("queue_reordered", {"queue": queue}, source)

    def marker(self, text: str, source: str = "operator") -> Event:
        return self.command("marker", {"text": text}, source)

    def pin(self, comment: Event | None, source: str = "operator") -> Event:
        """Pin a comment from the feed (None unpins)."""
        if comment is None:
            return self.command("comment_pinned", {}, source)
        if comment.kind != "comment":
            raise CommandError("only comments can be pinned")
        data = {"seq": comment.seq, "user": comment.data["user"], "text": comment.data["text"]}
        return self.command("comment_pinned", data, source)

    # -- flash deals -------------------------------------------------------------------
    def prepare_deal(self, spec: DealSpec, source: str = "operator") -> Event:
        """Set up a deal to launch later with one key."""
        return self.command("deal_prepared", _spec_data(spec), source)

    def schedule_deal(self, spec: DealSpec, starts_at_ms: int | None = None,
                      source: str = "operator") -> Event:  # fmt: skip
        """Start a deal now (the countdown first, if any) or at `starts_at_ms`."""
        if (spec.deal_price_minor is None) == (spec.percent_off is None):
            raise CommandError("give either a deal price or a percent off")
        unit = self.state.skus.get(spec.sku)
        product = unit.product_sku if unit is not None else spec.sku
        if unit is None and product not in self.state.products:
            raise CommandError(f"unknown product {spec.sku!r}")
        regular = min(u.price_minor for u in ([unit] if unit else self.state.skus_of(product)))
        data = _spec_data(spec)
        data["deal_price_minor"] = deal_price(regular, spec)
        data.pop("percent_off", None)
        data["starts_at_ms"] = self.clock.now_ms() if starts_at_ms is None else starts_at_ms
        return self.command("deal_scheduled", data, source)

    def launch_prepared(self, product_sku: str | None = None, source: str = "operator") -> Event:
        """Launch the prepared deal of a product (the presenting one by default)."""
        sku = product_sku or self.state.presenting
        if sku is None:
            raise CommandError("nothing is presenting")
        spec = self.state.prepared.get(sku)
        if spec is None:
            raise CommandError(f"no deal is prepared for {sku!r}")
        return self.schedule_deal(spec, source=source)

    def stop_deal(self, deal_id: int, source: str = "operator") -> Event:
        deal = self.state.deals.get(deal_id)
        if deal is None:
            raise CommandError(f"there is no deal {deal_id}")
        return self.command("deal_ended", _ended(deal, "stopped"), source)

    def end(self, reason: str = "operator", source: str = "operator") -> Event:
        self.fire_due()  # deals whose time is up end by time, not with the session
        for deal in list(self.state.deals.values()):
            if deal.ended_at_ms is None and not self.ended:
                self.command("deal_ended", _ended(deal, "session_ended"), "console")
        ev = self.command("session_ended", {"reason": reason}, source)
        self.writer.set_status("ended", ev.ts_ms)
        return ev

    def now_ms(self) -> int:
        return self.clock.now_ms()

    @property
    def ended(self) -> bool:
        return self.state.ended_at_ms is not None

    def close(self) -> None:
        """Write everything and release the file. A session still live is ended first."""
        try:
            if not self.ended:
                self.end("closed")
            self.writer.close()
        finally:
            self._lock.release()
