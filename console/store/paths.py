"""Where session files live, following each platform's conventions."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

ENV_DATA_DIR = "LIVE_CONSOLE_DATA_DIR"
APP_DIR = "live-console"
SUFFIX = ".live.db"


def default_data_dir() -> Path:
    """The platform's per-user data folder (what QStandardPaths' AppDataLocation gives)."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "Live Console"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Live Console"
    base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_DIR


def data_dir(override: str | Path | None = None) -> Path:
    """--data-dir wins, then $LIVE_CONSOLE_DATA_DIR, then the platform default."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    return Path(env).expanduser() if env else default_data_dir()


def sessions_dir(root: Path) -> Path:
    return root / "sessions"


def slug(title: str) -> str:
    """A file-name-safe version of a title; keeps letters of any script."""
    s = re.sub(r"[^\w]+", "-", title.strip().lower(), flags=re.UNICODE).strip("-_")
    return s[:40].rstrip("-_") or "session"


def session_filename(started_at_ms: int, title: str) -> str:
    """`yyyymmdd-hhmmss-<slug>.live.db`, in the merchant's local time."""
    local = datetime.fromtimestamp(started_at_ms / 1000, UTC).astimezone()
    return f"{local:%Y%m%d-%H%M%S}-{slug(title)}{SUFFIX}"


def catalogs_dir(root: Path) -> Path:
    """Catalogs `import-catalog` checked and saved, ready for sessions."""
    return root / "catalogs"


def image_cache_dir(root: Path) -> Path:
    """Product pictures fetched from URLs; safe to delete, they are fetched again."""
    return root / "cache" / "images"


def reports_dir(root: Path) -> Path:
    """Where the window's report exports go unless the merchant picks another place."""
    return root / "reports"


def cache_dir(root: Path) -> Path:
    """What the console can rebuild (the library's integrity checks); safe to delete."""
    return root / "cache"
