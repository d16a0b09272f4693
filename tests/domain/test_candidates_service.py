"""Candidate dedupe within a company."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.candidates.service import create_candidate
from hireloop.domain.resumes.schemas import ParsedResume
from hireloop.domain.resumes.service import candidate_data
from hireloop.errors import Invalid


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


def test_concurrent_creations_with_one_email_make_one_candidate(tmp_path):
    """Two requests with the same email and different names, at the same time."""
    import os
    import threading

    from hireloop.db import Database
    from hireloop.domain.candidates.models import Candidate
    from hireloop.domain.companies.service import create_company
    from tests.conftest import create_database

    db = Database(create_database(f"hireloop_race_{os.getpid()}"))
    try:
        with db.unit_of_work() as session:
            company_id = create_company(session, "Race Co").id
        barrier = threading.Barrier(6)
        results: list[tuple[int, bool]] = []

        def create(i: int) -> None:
            barrier.wait()
            with db.unit_of_work() as session:
                candidate, created = create_candidate(
                    session,
                    company_id,
                    CandidateData(first_name=f"Name{i}", last_name="X", email="same@example.com"),
                )
                results.append((candidate.id, created))

        threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len({cid for cid, _ in results}) == 1
        assert sum(created for _, created in results) == 1
        with db.unit_of_work() as session:
            from sqlalchemy import func, select

            assert session.scalar(select(func.count()).select_from(Candidate)) == 1
    finally:
        db.dispose()


def test_a_value_longer_than_its_column_is_invalid_and_nothing_is_written(factory, session):
    company = factory.company()
    for field, value in (("first_name", "J" * 201), ("city", "C" * 201), ("phone", "1" * 51)):
        data = CandidateData(first_name="Jean", last_name="Dupont", email="j@x.io")
        setattr(data, field, value)
        with pytest.raises(Invalid, match=f"{field} is too long"):
            create_candidate(session, company.id, data)
    assert session.scalars(select(Candidate)).all() == []


def test_what_a_cv_says_is_cut_to_fit_not_refused():
    parsed = ParsedResume(
        parser_version="test",
        name={"full": "J" * 250 + " Dupont", "first": "J" * 250, "last": "Dupont"},
        email="x" * 600 + "@example.com",
        phone="+33 1 23 45 67 89" + " ext. 1" * 10,
        employment=[{"title": "T" * 400, "employer": "Acme"}],
    )
    data = candidate_data(parsed, source=None)
    assert data.first_name == "J" * 200 and data.current_job_title == "T" * 300
    assert data.email is None and data.phone is None  # a cut one would be wrong
