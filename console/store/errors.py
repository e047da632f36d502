"""Errors a person can act on, kept apart from bugs (which stay tracebacks)."""

from __future__ import annotations


class SessionFileError(Exception):
    """The session file cannot be used; the message says why, in plain words."""
