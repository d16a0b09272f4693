"""Message tokens, rendered in this one place for SMS, emails, quick replies and chat.

Three spellings are understood: ``@candidate_name`` (campaign templates),
``<%= @candidate_name %>`` (quick replies) and ``{{candidate_name}}`` (Talkpush v2
templates). An unknown token is refused when the template is saved
(:func:`unknown_tokens`), and so is anything written like a token that is none of these
spellings (``{{candidate-name}}``, ``<%= candidate_name %>``, ``{{{candidate_name}}}``).

A value placed inside a URL is percent-encoded (see :func:`render`), so it cannot add
query parameters or break the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from typing import Any
from urllib.parse import quote


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
# "@name" but not inside an email address: not right after a character an address's
# local part holds (ASCII letters, digits, ``. _ % + -``). Decided by ASCII, not Unicode
# ``\w``: a token right after CJK text (``您好@candidate_name``) is a token.
_AT = r"(?<![A-Za-z0-9._%+\-])@(?P<at>[A-Za-z_][A-Za-z0-9_]*)"
_PATTERN = re.compile(f"{_ERB}|{_HANDLEBARS}|{_AT}")
# Anything written like a token: {{...}} (with any number of braces) and <%...%>. One that
# is not exactly ``{{name}}`` or ``<%= @name %>`` is a misspelled token.
_TOKEN_LIKE = re.compile(r"\{\{+[^{}\n]*\}\}+|<%.*?%>")
_WELL_FORMED = re.compile(f"{_ERB}|{_HANDLEBARS}")
# Where a value is percent-encoded: a URL written out (http:// or https:// up to the next
# space, non-breaking space (also written ``&nbsp;``, ``&#160;``, ``&#xa0;``), quote or
# angle bracket; tokens count as part of it) and the value of an href or
# src attribute, after its first character (a token opening the value is the link).
_SPELLED = r"<%=\s*@\w+\s*%>|\{\{\s*\w+\s*\}\}"
_NBSP_ENTITY = r"&(?:nbsp|#0*160|#x0*a0);"
_URL_RUN = re.compile(
    rf"https?://(?:{_SPELLED}|(?!{_NBSP_ENTITY})[^\s\u00a0<>\"'])+", re.IGNORECASE
)
_URL_ATTRIBUTE = re.compile(
    r"""\b(?:href|src)\s*=\s*(?:"\s*([^"]*)"|'\s*([^']*)')""", re.IGNORECASE
)


def _name(match: re.Match[str]) -> str:
    return match.group("erb") or match.group("hb") or match.group("at")


def find_tokens(text: str) -> list[str]:
    """Token names used in ``text``, in order of first use."""
    return list(dict.fromkeys(_name(match) for match in _PATTERN.finditer(text or "")))


def written_as(text: str, name: str, *, html: bool = False) -> str:
    """How the token ``name`` is first written in ``text`` (``{{name}}``, ``<%= @name %>``
    or ``@name``); ``name`` itself when no token of that name is (a misspelled token, as
    unknown_tokens gives it, is written so already). ``html``: as in unknown_tokens."""
    text = unescape(text or "") if html else text or ""
    for match in _PATTERN.finditer(text):
        if _name(match) == name:
            return match.group(0)
    return name


def unknown_tokens(text: str, *, html: bool = False) -> list[str]:
    """What a template may not use: the names of unknown tokens (``bogus`` for
    ``{{bogus}}``), then each misspelled token as written (``{{candidate-name}}``,
    ``<%= candidate_name %>``, ``<%= @candidate_name -%>``, ``{{{candidate_name}}}``).
    ``html``: ``text`` is HTML, read with its entities decoded (``&#64;bogus`` is
    ``@bogus``, as the email will show it)."""
    text = unescape(text or "") if html else text or ""
    names = [name for name in find_tokens(text) if name not in TOKEN_IDS]
    misspelled = [
        m.group(0) for m in _TOKEN_LIKE.finditer(text) if not _WELL_FORMED.fullmatch(m.group(0))
    ]
    return list(dict.fromkeys(names + misspelled))


def _url_spans(text: str) -> list[tuple[int, int]]:
    """The parts of ``text`` in which a token starting strictly after the span's start is
    inside a URL."""
    spans = [m.span() for m in _URL_RUN.finditer(text)]
    for m in _URL_ATTRIBUTE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        spans.append(m.span(group))
    return spans


def render(text: str, values: dict[str, Any], *, html: bool = False) -> str:
    """``text`` with every known token replaced by ``values[token]`` ("" when missing);
    unknown tokens are left as written. ``html=True`` escapes the values.

    A value inside a URL is percent-encoded (``Mary Ann&x=1`` → ``Mary%20Ann%26x%3D1``):
    inside a URL written out from ``http://`` or ``https://``, and inside an ``href`` or
    ``src`` attribute value unless the token starts the value (it is the link itself, as
    in ``href="@webdialout"``)."""
    text = text or ""
    spans = _url_spans(text)

    def replace(match: re.Match[str]) -> str:
        name = _name(match)
        if name not in TOKEN_IDS:
            return match.group(0)
        value = "" if values.get(name) is None else str(values[name])
        if any(start < match.start() < end for start, end in spans):
            value = quote(value, safe="")
        return escape(value) if html else value

    return _PATTERN.sub(replace, text)


def to_handlebars(text: str) -> str:
    """``text`` with every known token written ``{{name}}`` (the form the templates API
    returns, and the one that survives HTML sanitizing: ``<%= %>`` would be escaped).
    Anything else, such as ``@handle``, is left as written."""

    def replace(match: re.Match[str]) -> str:
        name = _name(match)
        return "{{" + name + "}}" if name in TOKEN_IDS else match.group(0)

    return _PATTERN.sub(replace, text or "")
