"""The log file: where it goes, that it rotates, that setting it up twice adds nothing."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from console.logs import BACKUPS, MAX_BYTES, log_dir, setup_logging


def test_the_log_goes_to_the_data_folder_and_rotates(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    assert path == log_dir(tmp_path) / "live-console.log"
    logging.getLogger("console.test").warning("夜场 %s", "started")
    handlers = [h for h in logging.getLogger().handlers if h.get_name() == "live-console-file"]
    assert len(handlers) == 1
    handler = handlers[0]
    assert isinstance(handler, RotatingFileHandler)
    assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, BACKUPS)
    handler.flush()
    assert "WARNING console.test: 夜场 started" in path.read_text(encoding="utf-8")
    assert (log_dir(tmp_path) / "faults.log").exists()


def test_setting_up_again_replaces_the_handler(tmp_path: Path) -> None:
    setup_logging(tmp_path / "a")
    second = setup_logging(tmp_path / "b")
    handlers = [h for h in logging.getLogger().handlers if h.get_name() == "live-console-file"]
    assert len(handlers) == 1
    assert isinstance(handlers[0], RotatingFileHandler)
    assert Path(handlers[0].baseFilename) == second
