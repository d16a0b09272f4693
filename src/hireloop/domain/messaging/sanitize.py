"""HTML from recruiters (email templates, comments): cleaned by nh3 to a safe subset, and
refused outright when it carries scripts, so nobody saves a template that silently
changes on the way out. Comments are shown in the recruiter app through the stricter
:func:`clean_comment_html` (no images, no styles)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from hireloop.domain.messaging import tokens
from hireloop.errors import Invalid

# Tags and attributes an email template may use beyond nh3's defaults.
_TAGS = set(nh3.ALLOWED_TAGS) | {"center", "font", "table", "tbody", "thead", "tr", "td", "th"}
_ATTRIBUTES = {
    **{k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"style", "align", "class", "dir", "title"},
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "face", "size"},
    "table": {"width", "cellpadding", "cellspacing", "border", "bgcolor"},
    "td": {"width", "colspan", "rowspan", "bgcolor", "valign"},
    "th": {"width", "colspan", "rowspan", "bgcolor", "valign"},
}
# What check_html refuses: tags that run or embed code, and script URL schemes.
_SCRIPT_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet"}
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# Browsers ignore these inside a URL ("jav&#x09;ascript:" still runs), so they are
# removed before the scheme is compared.
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")


def clean_html(html: str) -> str:
    """``html`` reduced to safe tags and attributes (links get rel=noopener noreferrer)."""
    return nh3.clean(
        html or "",
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


# Comments (notes between recruiters, also posted through the leads API) are shown inside
# the recruiter app: text formatting and links only. No images, so a comment cannot make
# the reader's browser call a third party (a tracking pixel telling when and from where a
# recruiter opened the candidate); no style or class, so it cannot dress up as the app.
_COMMENT_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area", "picture", "source"}
_COMMENT_ATTRIBUTES = {
    tag: {a for a in attrs if a not in {"style", "class", "src", "srcset", "usemap"}}
    for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
    if tag in _COMMENT_TAGS
}
_COMMENT_ATTRIBUTES["a"] = {"href", "title"}


def clean_comment_html(html: str) -> str:
    """A comment's HTML as the recruiter app shows it: :func:`clean_html` without images,
    ``style`` or ``class`` (email templates keep those through :func:`clean_html`)."""
    return nh3.clean(
        html or "",
        tags=_COMMENT_TAGS,
        attributes=_COMMENT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


class _ScriptFinder(HTMLParser):
    """Finds scripts in parsed HTML: looking at tags and attributes (with their entities
    decoded) rather than the raw text, a link such as ``?onboarding=1`` or the words
    "online=welcome" are not mistaken for event handlers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SCRIPT_TAGS:
            self.found = True
        for name, value in attrs:
            url = _URL_IGNORED.sub("", value or "").lower()
            if name.startswith("on") or url.startswith(_SCRIPT_SCHEMES):
                self.found = True


def _has_scripts(html: str) -> bool:
    finder = _ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def check_html(html: str, field: str = "content") -> str:
    """The cleaned HTML of a template; Invalid when it holds scripts, frames, event
    handlers or javascript:/vbscript: URLs (the recruiter is told, rather than the
    content silently stripped)."""
    if _has_scripts(html or ""):
        raise Invalid(
            "HTML must not contain scripts, frames or event handlers.",
            details={field: "scripts are not allowed"},
        )
    return clean_html(html)


_BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"}


class _TextParser(HTMLParser):
    def __init__(self, *, images: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.images = images
        self.parts: list[str] = []
        self._skip = 0
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "img" and self.images and not self._skip:
            alt = " ".join((dict(attrs).get("alt") or "").split())
            if alt:
                self.parts.append(f" {alt} ")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and not href.startswith("mailto:"):
                self._href = href

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip = max(self._skip - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")
        elif tag == "a":
            if self._href and self._href not in "".join(self.parts[-1:]):
                self.parts.append(f" ({self._href})")
            self._href = None

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str, *, images: bool = False) -> str:
    """A plain-text version of an email's HTML (the text/plain part): blocks become lines,
    links keep their address. ``images``: images give their ``alt`` text (for HTML made
    only of images, such as a banner)."""
    parser = _TextParser(images=images)
    parser.feed(html or "")
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_template_html(html: str) -> str:
    """An email template's HTML, cleaned with its tokens kept: they are written
    ``{{name}}`` first, since nh3 would escape ``<%= @name %>``."""
    return clean_html(tokens.to_handlebars(html))


def check_template_html(html: str, field: str = "content") -> str:
    """:func:`check_html` for an email template, keeping its tokens."""
    return check_html(tokens.to_handlebars(html), field)
