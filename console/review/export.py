"""Making a post-live review and writing it out: shared by `report` and the export dialog.

Qt-free, so the command line and the window give the same figures, the same
refusals and the same plain messages; the window runs it on a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Final

from console.domain.events import OPERATOR_KINDS
from console.review.csv_export import write_csv
from console.review.html_report import render_html
from console.review.review import Review, build_review
from console.store.errors import SessionFileError
from console.store.paths import SUFFIX
from console.store.reader import iter_events, load_state
from console.store.session_file import SessionMeta, open_session
from console.store.summary import summarize
from console.store.verify import verify

PREVIOUS_LIMIT = 10  # the most recent earlier sessions a report compares with

# The review's streamed pass places each order in its moment: which product was
# presenting, which deals were live. Only orders and operator events change that;
# the other audience events (about 99% of a busy log) only move counters it never
# reads, so they are left in the file (tests/unit/review/test_export.py checks
# the review is the same).
MOMENT_KINDS: Final = OPERATOR_KINDS | {"order"}


class ReportRefused(SessionFileError):
    """The log fails verification: figures from an edited log would carry its authority."""


class ExportFailed(Exception):
    """An output file or folder cannot be written; the message says which and why."""


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Turn an OSError while writing `target` into ExportFailed with one plain sentence.

    Files are overwritten, so "File exists" only comes from making a folder where a
    file is: the OS's words for that mislead.
    """
    try:
        yield
    except OSError as e:
        why = "it is a file, not a folder" if isinstance(e, FileExistsError) else e.strerror or e
        raise ExportFailed(f"cannot write {e.filename or target}: {why}") from None


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


def load_review(path: Path, previous_dir: Path) -> Review:
    """Verify, fold and review `path` against the earlier sessions in `previous_dir`.

    SessionFileError for a file that cannot be read, ReportRefused for a broken chain.
    """
    integrity = verify(path)
    if not integrity.intact:
        where = f" at event {integrity.first_bad_seq}" if integrity.first_bad_seq else ""
        raise ReportRefused(
            f"{path.name} fails verification{where}: {integrity.reason}."
            " No report is made from a log that may have been changed."
        )
    meta, state = load_state(path)
    previous = previous_summaries(previous_dir, meta)
    conn, _ = open_session(path)
    with closing(conn):
        moments = iter_events(conn, path, kinds=MOMENT_KINDS)
        return build_review(meta, state, moments, previous=previous, integrity=integrity)


def write_html(review: Review, out: Path) -> Path:
    """The self-contained HTML report; ExportFailed if it cannot be written."""
    with writing(out):
        out.write_text(render_html(review), encoding="utf-8")
    return out


def write_csvs(review: Review, path: Path, folder: Path) -> list[Path]:
    """events, minutes, products and deals CSV files in `folder`, the events read from `path`."""
    conn, _ = open_session(path)
    with closing(conn), writing(folder):
        return write_csv(review, iter_events(conn, path), folder)
