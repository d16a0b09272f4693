"""Identity rules: how emails, names, phones and skills are normalized for matching."""

from __future__ import annotations

import pytest

from hireloop.domain.candidates.identity import (
    clean_name,
    name_key,
    normalize_email,
    normalize_phone,
    skills_index,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ana@example.com", "ana@example.com"),
        ("  Ana.Cruz@Example.COM  ", "ana.cruz@example.com"),
        ("\tANA@EXAMPLE.COM\n", "ana@example.com"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_email_trims_and_lower_cases(raw, expected):
    assert normalize_email(raw) == expected


def test_normalize_email_is_idempotent():
    once = normalize_email("  Ana@Example.com ")
    assert normalize_email(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Éloïse ", "eloise"),
        ("ÉLOÏSE", "eloise"),
        ("eloise", "eloise"),
        ("José  María", "jose maria"),
        ("Straße", "strasse"),
        ("Ñuñez", "nunez"),
        ("  Jean-Pierre  ", "jean-pierre"),
        ("", ""),
        (None, ""),
    ],
)
def test_name_key_strips_accents_case_and_whitespace(raw, expected):
    assert name_key(raw) == expected


def test_names_differing_only_in_accents_and_case_share_a_key():
    assert name_key("Éloïse") == name_key("eloise") == name_key(" ELOISE ")
    assert name_key("Eloise") != name_key("Louise")


def test_clean_name_keeps_accents_and_case_but_collapses_whitespace():
    assert clean_name("  Éloïse   Marie ") == "Éloïse Marie"
    assert clean_name(None) == ""


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+33 1 23 45 67 89", None, "+33123456789"),
        ("+33123456789", None, "+33123456789"),
        ("+33 (0)1 23 45 67 89", None, "+33123456789"),
        ("0033 1 23 45 67 89", None, "+33123456789"),
        ("0033123456789", "PH", "+33123456789"),  # international prefix wins over region
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("01.23.45.67.89", "FR", "+33123456789"),
        ("0917 123 4567", "PH", "+639171234567"),
        ("+63 917 123 4567", "FR", "+639171234567"),  # explicit country code wins
        ("+1 (415) 555-0132", None, "+14155550132"),
        ("  +33 1 23 45 67 89  ", None, "+33123456789"),
    ],
)
def test_normalize_phone_to_e164(raw, region, expected):
    assert normalize_phone(raw, region) == expected


def test_national_number_without_a_region_is_not_guessed():
    assert normalize_phone("01 23 45 67 89") is None
    assert normalize_phone("01 23 45 67 89", None) is None


@pytest.mark.parametrize(
    "raw",
    ["garbage", "call me", "12", "+", "++33", "+999 123", "0033", "", "   ", None],
)
def test_normalize_phone_returns_none_for_garbage(raw):
    assert normalize_phone(raw, "FR") is None


def test_skills_index_is_comma_delimited_lower_case_and_accent_free():
    assert skills_index(["Python", " SQL ", "Éclair"]) == ",python,sql,eclair,"


def test_skills_index_skips_blank_skills():
    assert skills_index(["Python", "", "   "]) == ",python,"
    assert skills_index([]) == ""
    assert skills_index(["", " "]) == ""


def test_skills_index_lets_one_skill_be_found_with_like():
    index = skills_index(["Machine Learning", "Go"])
    assert f",{name_key('machine learning')}," in index
    assert ",go," in index
    # Whole skills only: "Go" must not match a skill that merely starts with "go".
    assert ",go," not in skills_index(["Golang"])
