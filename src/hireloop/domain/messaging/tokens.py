"""Message tokens, rendered in this one place for SMS, emails, quick replies and chat.

Three spellings are understood: ``@candidate_name`` (campaign templates),
``<%= @candidate_name %>`` (quick replies) and ``{{candidate_name}}`` (Talkpush v2
templates). An unknown token is refused when the template is saved (:func:`validate`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any


@dataclass(frozen=True)
class Token:
    id: str
    display_name: str
    description: str


TOKENS: tuple[Token, ...] = (
    Token("candidate_name", "Candidate Name", "The candidate's name."),
    Token("company", "Company", "The company name."),
    Token("access_code", "Access Code", "The candidate's PIN to start the phone interview."),
    Token(
        "messenger_interview_link",
        "Messenger Interview Link",
        "The link that leads the candidate to the chatbot interview.",
    ),
    Token("webdialout", "Web Dial-out", "A link to take the phone interview from the browser."),
    Token(
        "webdialout_skip_confirmation",
        "Web Dial-out (skip confirmation)",
        "The web interview link, going straight to the first question.",
    ),
    Token("referee", "Referee", "The name of the person who referred the candidate."),
    Token("job_title", "Job Title", "The campaign's title."),
)
TOKEN_IDS = frozenset(t.id for t in TOKENS)

# <%= @name %>, {{ name }} and @name — the longest forms first so they are matched whole.
_ERB = r"<%=\s*@(?P<erb>[A-Za-z_][A-Za-z0-9_]*)\s*%>"
_HANDLEBARS = r"\{\{\s*(?P<hb>[A-Za-z_][A-Za-z0-9_]*)\s*\}\}"
# "@name" but not inside an email address (a word character right before the @).
_AT = r"(?<![\w.])@(?P<at>[A-Za-z_][A-Za-z0-9_]*)"
_PATTERN = re.compile(f"{_ERB}|{_HANDLEBARS}|{_AT}")


def find_tokens(text: str) -> list[str]:
    """Token names used in ``text``, in order of first use."""
    names: dict[str, None] = {}
    for match in _PATTERN.finditer(text or ""):
        names[match.group("erb") or match.group("hb") or match.group("at")] = None
    return list(names)


def unknown_tokens(text: str) -> list[str]:
    return [name for name in find_tokens(text) if name not in TOKEN_IDS]


def render(text: str, values: dict[str, Any], *, html: bool = False) -> str:
    """``text`` with every known token replaced by ``values[token]`` ("" when missing);
    unknown tokens are left as written. ``html=True`` escapes the values."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("erb") or match.group("hb") or match.group("at")
        if name not in TOKEN_IDS:
            return match.group(0)
        value = "" if values.get(name) is None else str(values[name])
        return escape(value) if html else value

    return _PATTERN.sub(replace, text or "")


def to_handlebars(text: str) -> str:
    """``text`` with every token written ``{{name}}`` (the form the templates API returns,
    and the one that survives HTML sanitizing: ``<%= %>`` would be escaped)."""

    def replace(match: re.Match[str]) -> str:
        return "{{" + (match.group("erb") or match.group("hb") or match.group("at")) + "}}"

    return _PATTERN.sub(replace, text or "")
