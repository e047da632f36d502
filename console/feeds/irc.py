"""One IRC line (RFC 1459 framing with IRCv3 message tags) split into its parts; no I/O.

Twitch chat speaks IRC, so the Twitch feed needs a parser; this one is pure
so it can be tested against published vectors and fuzzed.

Choices, pinned by tests:

- Atoms are separated by exactly one space, as go-twitch-irc's vectors expect:
  ``MODE #c +n `` has a third, empty parameter. Twitch never sends doubled
  spaces, and keeping every token means a parameter never shifts position.
- Tag values are unescaped one character at a time per the IRCv3
  message-tags spec: ``\\:`` ``;``, ``\\s`` space, ``\\\\`` backslash,
  ``\\r`` CR, ``\\n`` LF; any other escaped character stands for itself and a
  trailing lone backslash is dropped. A tag without a value is ``""`` (the
  spec makes the two equal); of duplicate tags the last wins.
- A source without ``!`` or ``@`` is a host (a server name), as in the vectors.
- A line must have a command of letters or three digits and no NUL, CR or LF;
  anything else raises `IrcParseError`, whose reason goes to the session's
  rejected table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMAND = re.compile(r"[A-Za-z]+|[0-9]{3}")
_ESCAPED = re.compile(r"\\(.?)", re.DOTALL)
_UNESCAPE = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}
_ESCAPE = str.maketrans({"\\": "\\\\", ";": "\\:", " ": "\\s", "\r": "\\r", "\n": "\\n"})


class IrcParseError(ValueError):
    """A line that is not IRC; the message is the reason."""


@dataclass(frozen=True, slots=True)
class IrcSource:
    """Who sent a line: ``nick!user@host``, or only a server's host."""

    nick: str = ""
    user: str = ""
    host: str = ""


@dataclass(frozen=True, slots=True)
class IrcMessage:
    command: str
    params: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    source: IrcSource = IrcSource()


def unescape_tag_value(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _ESCAPED.sub(lambda m: _UNESCAPE.get(m[1], m[1]), raw)


def escape_tag_value(value: str) -> str:
    """The inverse of `unescape_tag_value`, for whoever writes lines (a test server)."""
    return value.translate(_ESCAPE)


def _tags(text: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in text.split(";"):
        key, _, value = item.partition("=")
        if key:
            tags[key] = unescape_tag_value(value)
    return tags


def _source(text: str) -> IrcSource:
    nick, bang, rest = text.partition("!")
    if bang:
        user, _, host = rest.partition("@")
        return IrcSource(nick, user, host)
    nick, at, host = text.partition("@")
    return IrcSource(nick, "", host) if at else IrcSource(host=text)


def parse_line(line: str) -> IrcMessage:
    """Parse one line, with or without its CRLF; IrcParseError says why it is not IRC."""
    line = line.removesuffix("\n").removesuffix("\r")
    if not line:
        raise IrcParseError("empty line")
    if "\0" in line or "\r" in line or "\n" in line:
        raise IrcParseError("NUL, CR or LF inside a line")
    rest = line
    tags: dict[str, str] = {}
    if rest.startswith("@"):
        text, sep, rest = rest[1:].partition(" ")
        if not sep:
            raise IrcParseError("tags but no command")
        tags = _tags(text)
    source = IrcSource()
    if rest.startswith(":"):
        text, sep, rest = rest[1:].partition(" ")
        if not sep:
            raise IrcParseError("source but no command")
        source = _source(text)
    command, sep, rest = rest.partition(" ")
    if not _COMMAND.fullmatch(command):
        raise IrcParseError(f"bad command {command[:40]!r}" if command else "no command")
    params: list[str] = []
    while sep:
        if rest.startswith(":"):
            params.append(rest[1:])
            break
        param, sep, rest = rest.partition(" ")
        params.append(param)
    return IrcMessage(command, params, tags, source)
