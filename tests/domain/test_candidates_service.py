"""Candidate dedupe within a company."""

from __future__ import annotations

from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate


def test_email_match_finds_the_same_person_whatever_the_case(factory, session):
    company = factory.company()
    first, created = create_candidate(
        session, company.id, CandidateData(first_name="Jean", last_name="Dupont", email="J@X.io")
    )
    again, created_again = create_candidate(
        session, company.id, CandidateData(first_name="J", last_name="D", email=" j@x.io ")
    )
    assert created and not created_again and again.id == first.id


def test_identity_match_needs_email_and_names_accent_insensitive(factory, session):
    company = factory.company()
    eloise, _ = create_candidate(
        session,
        company.id,
        CandidateData(first_name="Éloïse", last_name="Martin", email="em@example.com"),
        match="identity",
    )
    same, created = create_candidate(
        session,
        company.id,
        CandidateData(first_name=" eloise ", last_name="MARTIN", email="EM@example.com"),
        match="identity",
    )
    assert not created and same.id == eloise.id
    other, created = create_candidate(
        session,
        company.id,
        CandidateData(first_name="Paul", last_name="Martin", email="em@example.com"),
        match="identity",
    )
    assert created and other.id != eloise.id


def test_dedupe_never_crosses_companies(factory, session):
    a, b = factory.company(), factory.company()
    data = CandidateData(first_name="Ana", last_name="Cruz", email="ana@example.com")
    in_a, _ = create_candidate(session, a.id, data)
    in_b, created = create_candidate(session, b.id, data)
    assert created and in_b.id != in_a.id


def test_phone_is_normalized_with_the_company_country(factory, session):
    company = factory.company(default_country="PH")
    candidate, _ = create_candidate(
        session,
        company.id,
        CandidateData(first_name="Maria", last_name="Santos", phone="0917 123 4567"),
    )
    assert candidate.phone == "0917 123 4567"
    assert candidate.phone_e164 == "+639171234567"
