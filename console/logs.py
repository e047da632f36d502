"""The app's log file: rotated, with Python's fault handler writing beside it.

A merchant who hits a bug mid-show cannot paste a traceback from a terminal
they never opened; the log folder keeps the last few megabytes of what the
console did, and a hard crash (a segfault in Qt) still leaves a stack dump.
"""

from __future__ import annotations

import faulthandler
import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

LOG_NAME = "live-console.log"
FAULTS_NAME = "faults.log"
MAX_BYTES = 1_000_000
BACKUPS = 5  # six files of a megabyte: days of normal use, the whole of a bad hour

_faults: TextIO | None = None  # open for the life of the process: faulthandler writes to it


def log_dir(root: Path) -> Path:
    return root / "logs"


def setup_logging(root: Path) -> Path:
    """Log INFO and up to `<data folder>/logs/live-console.log`; return its path.

    Called again (tests, a second Console in one process) it replaces its own
    handler rather than adding another.
    """
    global _faults
    folder = log_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name("live-console-file")
    logger = logging.getLogger()
    for old in [h for h in logger.handlers if h.get_name() == "live-console-file"]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    if _faults is not None:
        _faults.close()
    _faults = open(folder / FAULTS_NAME, "a", encoding="utf-8")  # noqa: SIM115
    faulthandler.enable(_faults)
    return path
