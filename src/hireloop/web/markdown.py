"""Job descriptions (Markdown, CommonMark + GFM) rendered to HTML that is safe to embed.

markdown-it-py's ``commonmark`` preset with the GFM extensions of mdit-py-plugins (tables,
strikethrough, task lists, autolinks, footnotes, alerts). Safety does not rely on a
sanitiser run afterwards but on what the parser is allowed to produce:

- raw HTML is off (``html=False``): ``<script>`` in a description is shown as text;
- links keep their URL only for safe schemes (http, https, mailto, tel, or a
  relative/fragment URL), images only over https (the pages' CSP, ``img-src 'self'
  https:``, would block anything else) or relative; any other link becomes its plain
  text (``[click me](javascript:…)`` is "click me"), any other image loses its URL;
- every link gets ``rel="nofollow noopener"`` (descriptions are written by recruiters,
  but links in them are not an endorsement);
- headings are shifted one level down (``#`` -> ``<h2>``) so the job title stays the
  page's only ``<h1>``;
- each table is wrapped in ``<div class="table-scroll">`` so that a wide one scrolls
  sideways inside the description instead of widening the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
SAFE_IMAGE_SCHEMES = frozenset({"https"})
LINK_REL = "nofollow noopener"

_BLOCK_TAGS = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|t[dhr]|table|thead|tbody|br|hr|pre|blockquote|div|section)\b[^>]*>"
)
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def _scheme_ok(url: str, allowed: frozenset[str]) -> bool:
    """True for a relative URL (no scheme) or one whose scheme is in ``allowed``."""
    # Browsers ignore ASCII control characters and whitespace inside a scheme
    # ("java\tscript:"); strip them before looking at it.
    cleaned = "".join(ch for ch in url if ord(ch) > 0x20 and ord(ch) != 0x7F)
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return False
    if not scheme:
        # "//host/path" (scheme-relative) keeps the page's scheme: fine. Anything with a
        # colon before the first slash that urlsplit did not read as a scheme is refused.
        head = cleaned.split("/", 1)[0]
        return ":" not in head
    return scheme in allowed


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    try:
        from mdit_py_plugins.gfm import gfm_plugin

        md.use(gfm_plugin)
    except (ImportError, RuntimeError):  # older markdown-it-py / mdit-py-plugins
        md.enable(["table", "strikethrough"])
    # Every link is built, whatever its URL: markdown-it's default check leaves a refused
    # link as its Markdown source ("[click me](javascript:alert(1))"). The gate is on the
    # token stream (_harden), which turns an unsafe link into its text and covers
    # autolinks, linkify and reference links alike.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.add_render_rule("table_open", _table_open)
    md.add_render_rule("table_close", _table_close)
    return md


def _table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return '<div class="table-scroll">\n' + self.renderToken(tokens, idx, options, env)


def _table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _walk(tokens: Iterable[Token]) -> Iterable[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _harden(tokens: list[Token]) -> None:
    """Second gate, on the token stream (autolinks and plugins included)."""
    for token in _walk(tokens):
        if token.type == "heading_open" or token.type == "heading_close":
            level = min(int(token.tag[1:]) + 1, 6)
            token.tag = f"h{level}"
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if _scheme_ok(href, SAFE_LINK_SCHEMES):
                token.attrSet("rel", LINK_REL)
            else:  # its text stays, as plain text
                token.attrs.clear()
                token.tag = "span"
        elif token.type == "image":
            src = str(token.attrGet("src") or "")
            if not _scheme_ok(src, SAFE_IMAGE_SCHEMES):
                token.attrs.pop("src", None)
            token.attrSet("loading", "lazy")
    # Close tags of links turned into spans: pair them up in document order.
    _fix_link_closes(tokens)


def _fix_link_closes(tokens: list[Token]) -> None:
    for token in tokens:
        if token.children:
            stack: list[str] = []
            for child in token.children:
                if child.type == "link_open":
                    stack.append(child.tag)
                elif child.type == "link_close" and stack:
                    child.tag = stack.pop()


def render_markdown(text: str | None) -> str:
    """The HTML of a Markdown text; ``""`` for none. The result is safe to mark as such."""
    if not text:
        return ""
    md = _parser()
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    _harden(tokens)
    return md.renderer.render(tokens, md.options, env)


def plain_text(text: str | None, limit: int = 200) -> str:
    """A one-line plain-text excerpt (for meta descriptions and OpenGraph), cut at a word."""
    rendered = html.unescape(_TAGS.sub("", _BLOCK_TAGS.sub(" ", render_markdown(text))))
    flat = _SPACES.sub(" ", rendered).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return cut + "…"
