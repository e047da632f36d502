"""Buyer names as a live screen (the window, the overlay) may show them: 张** or j***n.

The overlay is broadcast and buyers did not agree to be on it, so a name is
reduced to its first character (and, for a long alphabetic name, its last),
with a fixed run of stars that hides how long it was.
"""

from __future__ import annotations

import unicodedata

# Invisible characters a name can carry: bidi overrides would reorder the line on
# screen, zero-width ones would pass for the visible first letter.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def mask_name(name: str) -> str:
    """The shown form of a buyer's name; "" when nothing visible is left.

    CJK names (whose first character is wide) and two-letter names keep the
    first character only, since a surname plus one more character would often
    be the whole name; longer names keep the first and the last.
    """
    composed = unicodedata.normalize("NFC", name)  # an accented last letter is one character
    visible = "".join(c for c in composed if unicodedata.category(c) not in _HIDDEN).strip()
    if len(visible) <= 1:
        return "*" * len(visible)
    first = visible[0]
    if len(visible) == 2 or unicodedata.east_asian_width(first) in ("W", "F"):
        return first + "**"
    return first + "***" + visible[-1]
