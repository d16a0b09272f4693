"""Translations of the recruiter app (gettext catalogs, Babel).

The catalogs are ``web/translations/<lang>/LC_MESSAGES/*.po`` — ``messages.po`` and one
file per screen area (``campaign_view.po``, ...), merged — read and compiled in memory
the first time a language is used: there is no ``.mo`` build output to keep in
step with the sources, and a clean checkout or an installed wheel works as is. English is
the source language (the msgids). See docs/web-app.md for extracting new strings.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from hireloop.domain.companies.accounts import LANGUAGES

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DEFAULT_LANGUAGE = "en"
# Each language in its own name, for the language menu (never translated).
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}


def N_(message: str) -> str:  # noqa: N802 - the gettext marker's usual name
    """Marks a message for extraction; translated later with :func:`gettext_for`."""
    return message


@lru_cache(maxsize=8)
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (English and unknown languages: identity)."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return _gettext.NullTranslations()
    files = sorted((TRANSLATIONS_DIR / language / "LC_MESSAGES").glob("*.po"))
    if not files:
        return _gettext.NullTranslations()
    merged: _gettext.NullTranslations | None = None
    for po in files:
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = Translations(fp=buf)
        if merged is None:
            merged = part
        else:
            merged.add_fallback(part)
    assert merged is not None
    return merged


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(language).gettext


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header (signed-out pages)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return sorted(ranked)[0][2] if ranked else DEFAULT_LANGUAGE
