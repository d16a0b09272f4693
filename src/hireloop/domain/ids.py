"""IDs as clients send them: a string of ASCII digits.

``str.isdigit()`` must never decide what an ID is: it is also true for '²' or '₁' (which
``int()`` refuses) and for '٣' (Arabic-Indic three, which ``int()`` reads as 3).
"""

from __future__ import annotations

# Ids are positive 64-bit integers (what the database can bind).
MAX_ID = 2**63 - 1


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty string of the digits 0-9 only."""
    return text.isascii() and text.isdigit()


def parse_id(raw: str) -> int | None:
    """The ID a string of ASCII digits (surrounding spaces allowed) names, or None when it
    is anything else or outside 1 .. 2**63 - 1."""
    text = raw.strip()
    if not is_ascii_digits(text) or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
