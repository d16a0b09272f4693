"""Countries by ISO 3166 alpha-2 code or English name, from phonenumbers' data (the
region names of its geocoder): ``PH``, ``ph``, ``Philippines``, ``the Netherlands``,
``USA``, ``UK`` -> ``GB``. Used for HR-XML and JSON Resume country codes and to check a
campaign's country."""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA

from hireloop.domain.candidates.identity import name_key


def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        name = by_language.get("en")
        for _ in range(5):  # "*xx" means "the same as language xx"
            if not name or not name.startswith("*"):
                break
            name = by_language.get(name[1:])
        if name:
            names[_country_key(name)] = region
    aliases = {
        "usa": "US",
        "us": "US",
        "united states of america": "US",
        "america": "US",
        "uk": "GB",
        "great britain": "GB",
        "britain": "GB",
        "england": "GB",
        "scotland": "GB",
        "wales": "GB",
        "northern ireland": "GB",
        "uae": "AE",
        "korea": "KR",
        "republic of korea": "KR",
        "viet nam": "VN",
        "czechia": "CZ",
        "holland": "NL",
        "turkiye": "TR",
        "ivory coast": "CI",
        "russian federation": "RU",
        "north macedonia": "MK",
        "eswatini": "SZ",
        "macau": "MO",
        "democratic republic of the congo": "CD",
        "dr congo": "CD",
        "republic of the congo": "CG",
        "phl": "PH",
        "ind": "IN",
        "isr": "IL",
        "deu": "DE",
        "fra": "FR",
        "gbr": "GB",
        "sgp": "SG",
        "aus": "AU",
        "can": "CA",
    }
    names.update(aliases)
    return names


def _country_key(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name_key(name).replace(".", "")).split())


_COUNTRY_BY_NAME = _country_names()
# Every region with a name, and those phonenumbers knows without one (XK Kosovo, AC, TA).
_REGIONS = frozenset(LOCALE_DATA) | (frozenset(phonenumbers.SUPPORTED_REGIONS) - {"001"})


def country_code(value: str | None) -> str | None:
    """ISO 3166 alpha-2 code of a country given by code or English name, else None."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha() and text.upper() in _REGIONS:
        return text.upper()
    key = _country_key(text)
    return _COUNTRY_BY_NAME.get(key) or _COUNTRY_BY_NAME.get(key.removeprefix("the "))
