"""The review made and written as `report` and the export dialog do, on simulated sessions."""

from __future__ import annotations

import shutil
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from console.domain.clock import VirtualClock
from console.domain.script import parse_script
from console.engine.session import LiveSession
from console.engine.virtual_run import run_virtual
from console.feeds.simulator import Simulator
from console.review.export import (
    MOMENT_KINDS,
    ExportFailed,
    ReportRefused,
    load_review,
    write_csvs,
    write_html,
    writing,
)
from console.store.errors import SessionFileError
from console.store.reader import iter_events
from console.store.session_file import open_session
from tests.support import START_MS, small_catalog
from tests.unit.review.conftest import review_of
from tests.unit.store.test_library import tamper

DAY_MS = 86_400_000
SHOW = [
    {"at": 0, "action": "present", "sku": "MASK"},
    {"at": 40, "action": "deal", "sku": "MASK", "percent_off": 30, "quantity": 400,
     "per_buyer": 2, "countdown_s": 10, "duration_s": 60},
    {"at": 130, "action": "present", "sku": "TEA"},
    {"at": 150, "action": "marker", "text": "抽奖 giveaway"},
    {"at": 160, "action": "present", "sku": "TEE"},
    {"at": 170, "action": "deal", "sku": "TEE-M", "price": "79.00", "quantity": 60,
     "per_buyer": 1, "duration_s": 60},
]  # fmt: skip


def simulate(path: Path, *, seed: int = 1, start_ms: int = START_MS, title: str = "夜场") -> Path:
    """Four minutes of a simulated audience under SHOW: switches, two deals, a marker."""
    clock = VirtualClock(start_ms)
    # Stock enough that the audience never empties a product before a deal on it.
    catalog = [replace(p, stock=5000, variants=tuple(replace(v, stock=5000) for v in p.variants))
               for p in small_catalog()]  # fmt: skip
    skus = {p.sku for p in catalog} | {v.sku for p in catalog for v in p.variants}
    session = LiveSession.start(path, title=title, catalog=catalog, clock=clock)
    run_virtual(session, clock, Simulator("mid", seed, rate=120), source="sim",
                duration_ms=240_000, actions=parse_script(SHOW, skus))  # fmt: skip
    session.close()
    return path


def edit_an_order(path: Path) -> None:
    tamper(path, "UPDATE events SET data = replace(data, '\"qty\":1', '\"qty\":3')"
                 " WHERE seq = (SELECT min(seq) FROM events WHERE kind = 'order')")  # fmt: skip


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate(tmp_path_factory.mktemp("sim") / "night.live.db")


def test_a_kind_filter_keeps_the_order_across_batches(simulated: Path) -> None:
    conn, _ = open_session(simulated)
    with closing(conn):
        full = list(iter_events(conn, simulated))
        kinds = {"order", "deal_started", "product_presented"}
        assert list(iter_events(conn, simulated, kinds=kinds, batch=7)) == [
            e for e in full if e.kind in kinds
        ]
        assert list(iter_events(conn, simulated, after_seq=50, kinds={"order"})) == [
            e for e in full if e.seq > 50 and e.kind == "order"
        ]
        assert list(iter_events(conn, simulated, kinds=())) == []


@pytest.mark.parametrize("fixture", ["simulated", "scripted"])
def test_the_review_is_the_same_without_the_events_its_pass_skips(
    request: pytest.FixtureRequest, fixture: str, tmp_path: Path
) -> None:
    """load_review streams only MOMENT_KINDS to the order tally; the figures must not move."""
    path: Path = request.getfixturevalue(fixture)
    review = load_review(path, tmp_path)
    assert review == review_of(path)
    if fixture == "simulated":  # the filter has something to skip, and deals to place
        assert review.summary["events"] > 2 * review.summary["orders"]
        assert [d.orders_during > 0 and d.orders_before > 0 for d in review.deals] == [True, True]
        assert not MOMENT_KINDS & {"comment", "like", "viewers", "enter"}


def test_previous_sessions_leave_out_the_session_itself(simulated: Path, tmp_path: Path) -> None:
    simulate(tmp_path / "monday.live.db", seed=2, start_ms=START_MS - DAY_MS)
    shutil.copy(simulated, tmp_path / "copy-of-tonight.live.db")
    assert load_review(simulated, tmp_path).compared_with == 1


def test_a_broken_chain_is_refused_in_the_command_line_words(
    simulated: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.live.db"
    shutil.copy(simulated, broken)
    edit_an_order(broken)
    with pytest.raises(ReportRefused) as refused:
        load_review(broken, tmp_path)
    assert isinstance(refused.value, SessionFileError)
    message = str(refused.value)
    assert message.startswith("broken.live.db fails verification at event ")
    assert message.endswith(" No report is made from a log that may have been changed.")


def test_a_file_that_is_no_session_is_not_a_refusal(tmp_path: Path) -> None:
    notes = tmp_path / "notes.live.db"
    notes.write_text("not a database " * 100, encoding="utf-8")
    with pytest.raises(SessionFileError, match="is not a session file") as error:
        load_review(notes, tmp_path)
    assert not isinstance(error.value, ReportRefused)


def test_html_and_csv_files_are_written_where_asked(simulated: Path, tmp_path: Path) -> None:
    review = load_review(simulated, tmp_path)
    out = tmp_path / "night.html"
    assert write_html(review, out) == out
    assert "夜场" in out.read_text(encoding="utf-8")
    folder = tmp_path / "new" / "csv"
    written = write_csvs(review, simulated, folder)
    assert written == [folder / f"{n}.csv" for n in ("events", "minutes", "products", "deals")]
    assert all(p.stat().st_size > 0 for p in written)


def test_unwritable_outputs_fail_in_one_plain_sentence(simulated: Path, tmp_path: Path) -> None:
    review = load_review(simulated, tmp_path)
    out = tmp_path / "missing" / "r.html"
    with pytest.raises(ExportFailed) as failed:
        write_html(review, out)
    assert str(failed.value) == f"cannot write {out}: No such file or directory"
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(ExportFailed) as failed:
        write_csvs(review, simulated, blocker / "csv")
    assert str(failed.value) == f"cannot write {blocker / 'csv'}: Not a directory"
    with pytest.raises(ExportFailed) as failed:
        write_csvs(review, simulated, blocker)
    assert str(failed.value) == f"cannot write {blocker}: it is a file, not a folder"
    assert not out.exists()


def test_an_error_without_a_file_name_names_the_target() -> None:
    with pytest.raises(ExportFailed) as failed, writing(Path("out.html")):
        raise OSError(28, "No space left on device")
    assert str(failed.value) == "cannot write out.html: No space left on device"
