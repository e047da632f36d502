"""Resuming an interrupted session: the same file and chain, the gap logged, refusals clear."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from console import __version__
from console.domain.clock import VirtualClock
from console.domain.deals import DealSpec
from console.domain.reducer import admit
from console.engine.resume import MAX_GAP_MS, resumable, resume_session
from console.engine.session import LiveSession
from console.store.chain import genesis
from console.store.errors import SessionFileError
from console.store.library import describe
from console.store.lock import is_recording, lock_path
from console.store.reader import iter_events, load_state
from console.store.session_file import SessionMeta, create_session, open_session
from console.store.verify import verify
from tests.support import START_MS, small_catalog
from tests.unit.store.test_library import record, tamper

GAP_MS = 5 * 60_000


@pytest.fixture
def interrupted(tmp_path: Path) -> LiveSession:
    """Three orders, then the process dies."""
    return record(tmp_path / "s.live.db", orders=3, end=False)


def kinds(path: Path) -> list[str]:
    conn, _ = open_session(path)
    try:
        return [ev.kind for ev in iter_events(conn, path)]
    finally:
        conn.close()


def test_resume_continues_the_same_file_and_chain(interrupted: LiveSession) -> None:
    path = interrupted.path
    before = verify(path)
    clock = VirtualClock(interrupted.state.last_ts_ms + GAP_MS)
    s = resume_session(path, clock)
    try:
        assert s.state.totals.orders == 3
        assert s.state.last_seq == before.events + 1
        clock.advance(1000)
        s.ingest([{"kind": "order", "order_id": "after", "sku": "MASK", "qty": 2}], "sim")
        s.writer.flush()
        assert is_recording(path)
        assert describe(path).status == "live"
    finally:
        s.close()
    result = verify(path)
    assert result.intact
    assert result.events == before.events + 1 + 1 + 1  # resumed, order, ended
    conn, meta = open_session(path)
    events = list(iter_events(conn, path))
    conn.close()
    assert meta.status == "ended"
    resumed = events[before.events]
    assert (resumed.kind, resumed.source, resumed.data) == (
        "session_resumed", "operator", {"gap_ms": GAP_MS},
    )  # fmt: skip
    _, state = load_state(path)
    assert (state.totals.orders, state.totals.gmv_minor) == (4, 5 * 5990)
    # The per-second totals the library reads agree with the folded log.
    entry = describe(path)
    assert (entry.orders, entry.gmv_minor) == (4, 5 * 5990)


def test_resume_brings_back_what_the_console_showed(tmp_path: Path) -> None:
    clock = VirtualClock(START_MS)
    s = LiveSession.start(tmp_path / "p.live.db", title="P", catalog=small_catalog(), clock=clock)
    s.present("TEA")
    s.ingest([{"kind": "comment", "user": "小红", "text": "多少钱"}], "sim")
    s.writer.close()
    s._lock.release(remove=False)
    again = resume_session(s.path, VirtualClock(START_MS + 1000))
    try:
        assert again.state.presenting == "TEA"
        assert [ev.data.get("text") for ev in again.activity] == ["多少钱"]
        again.writer.flush()
        assert again.state == load_state(s.path)[1]  # the resumed state is the log's fold
    finally:
        again.close()


def test_resume_after_a_second_interruption(interrupted: LiveSession) -> None:
    clock = VirtualClock(interrupted.state.last_ts_ms + GAP_MS)
    first = resume_session(interrupted.path, clock)
    first.ingest([{"kind": "like", "count": 2}], "sim")
    first.writer.close()
    first._lock.release(remove=False)
    clock.advance(GAP_MS)
    second = resume_session(interrupted.path, clock)
    second.close()
    assert verify(interrupted.path).intact
    assert kinds(interrupted.path).count("session_resumed") == 2


def test_a_deal_whose_time_ran_out_in_the_gap_ends_at_its_deadline(tmp_path: Path) -> None:
    clock = VirtualClock(START_MS)
    s = LiveSession.start(tmp_path / "d.live.db", title="D", catalog=small_catalog(), clock=clock)
    deal = s.schedule_deal(DealSpec("MASK", 3990, None, 10, 2, 0, 60))
    s.writer.close()
    s._lock.release(remove=False)
    again = resume_session(s.path, VirtualClock(START_MS + 10 * 60_000))
    again.close()
    _, state = load_state(s.path)
    ended = state.deals[deal.seq]
    assert (ended.end_reason, ended.ended_at_ms) == ("time", START_MS + 60_000)
    assert kinds(s.path)[-3:] == ["deal_ended", "session_resumed", "session_ended"]


def test_a_session_stopped_too_long_ago_is_refused(interrupted: LiveSession) -> None:
    clock = VirtualClock(interrupted.state.last_ts_ms + MAX_GAP_MS + 3_600_000)
    with pytest.raises(SessionFileError, match="stopped recording 13 hours ago"):
        resume_session(interrupted.path, clock)
    assert describe(interrupted.path).status == "interrupted"
    assert not is_recording(interrupted.path)
    s = resume_session(interrupted.path, VirtualClock(interrupted.state.last_ts_ms + MAX_GAP_MS))
    s.close()


def test_recent_interrupted_sessions_are_offered_newest_first(tmp_path: Path) -> None:
    now = START_MS + 3_600_000
    older = record(tmp_path / "a.live.db", title="older", end=False).path
    newer = record(tmp_path / "b.live.db", title="newer", end=False).path
    record(tmp_path / "c.live.db", title="ended")
    stale = record(tmp_path / "d.live.db", title="stale", end=False).path
    for path, age_ms in ((older, 600_000), (newer, 60_000), (stale, MAX_GAP_MS + 60_000)):
        os.utime(path, ((now - age_ms) / 1000, (now - age_ms) / 1000))
    (tmp_path / "junk.live.db").write_text("not a session")
    assert [e.title for e in resumable(tmp_path, now)] == ["newer", "older"]
    assert resumable(tmp_path / "missing", now) == []


def test_a_live_session_is_refused(tmp_path: Path) -> None:
    s = LiveSession.start(tmp_path / "l.live.db", title="L", catalog=small_catalog(),
                          clock=VirtualClock(START_MS))  # fmt: skip
    try:
        with pytest.raises(SessionFileError, match="being recorded by another Live Console"):
            resume_session(s.path, VirtualClock(START_MS))
    finally:
        s.close()


def test_an_ended_session_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.live.db"
    record(path)
    with pytest.raises(SessionFileError, match="has ended"):
        resume_session(path, VirtualClock(START_MS))
    assert not lock_path(path).exists()


def test_an_end_logged_before_the_status_was_written_is_refused(interrupted: LiveSession) -> None:
    """The log is the truth: a session_ended event means it ended, whatever the status says."""
    path = interrupted.path
    clock = VirtualClock(interrupted.state.last_ts_ms)
    s = resume_session(path, clock)
    s.command("session_ended", {"reason": "operator"})
    s.writer.close()
    s._lock.release(remove=False)
    with pytest.raises(SessionFileError, match="has ended"):
        resume_session(path, clock)


def test_a_broken_chain_is_refused(interrupted: LiveSession) -> None:
    tamper(interrupted.path, "UPDATE events SET data = replace(data, 'o1', 'o7')")
    with pytest.raises(SessionFileError, match="cannot be resumed: event 8 was changed or moved"):
        resume_session(interrupted.path, VirtualClock(START_MS))
    assert not is_recording(interrupted.path)
    assert not lock_path(interrupted.path).exists()
    assert "session_resumed" not in kinds(interrupted.path)


def test_a_file_without_events_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.live.db"
    head = genesis("e1")
    create_session(
        path, SessionMeta("e1", "E", "CNY", __version__, START_MS, "live", 0, head, head), []
    )
    with pytest.raises(SessionFileError, match="holds no events"):
        resume_session(path, VirtualClock(START_MS))


@pytest.mark.parametrize("content", [b"", b"not a database" * 100])
def test_what_is_not_a_session_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.live.db"
    path.write_bytes(content)
    with pytest.raises(SessionFileError):
        resume_session(path, VirtualClock(START_MS))
    assert not lock_path(path).exists()


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SessionFileError, match="does not exist"):
        resume_session(tmp_path / "gone.live.db", VirtualClock(START_MS))
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_file_is_refused(
    interrupted: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # root could write anyway
    with pytest.raises(SessionFileError, match="read-only"):
        resume_session(interrupted.path, VirtualClock(START_MS))


def test_session_resumed_is_refused_in_an_ended_session_and_changes_no_state(
    session: LiveSession,
) -> None:
    before = session.state.copy()
    ev = session.command("session_resumed", {"gap_ms": 1500})
    assert (session.state.last_seq, session.state.products) == (ev.seq, before.products)
    assert admit(session.state, {"kind": "session_resumed", "gap_ms": -1}, "operator",
                 START_MS) == "session_resumed: gap_ms -1 is out of range 0..4102444800000"  # fmt: skip
    session.end()
    assert admit(session.state, {"kind": "session_resumed", "gap_ms": 0}, "operator",
                 START_MS) == "session has ended"  # fmt: skip
