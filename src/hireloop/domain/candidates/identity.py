"""Identity rules, in one place: how emails, names and phones are normalized and matched."""

from __future__ import annotations

import unicodedata

import phonenumbers


def normalize_email(value: str | None) -> str | None:
    """Trim and lower-case; an empty value is no email."""
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


def clean_name(value: str | None) -> str:
    """A name as displayed: trimmed, inner whitespace collapsed."""
    return " ".join((value or "").split())


def name_key(value: str | None) -> str:
    """A name as matched: trimmed, lower-cased, accents stripped (``Éloïse`` -> ``eloise``)."""
    decomposed = unicodedata.normalize("NFKD", clean_name(value).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_phone(raw: str | None, default_region: str | None = None) -> str | None:
    """E.164 form of ``raw`` (``+33123456789``), or None when it is not a possible number.

    A national number (no ``+``) is read in ``default_region`` (ISO 3166 alpha-2).
    """
    if not raw or not raw.strip():
        return None
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def skills_index(skills: list[str]) -> str:
    """``",python,sql,"``: lets both databases filter by one skill with LIKE."""
    keys = [name_key(s) for s in skills if s and s.strip()]
    return "," + ",".join(keys) + "," if keys else ""
