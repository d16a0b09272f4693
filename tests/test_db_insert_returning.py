"""db.insert_returning: one row written and handed back as the session's own object, on
PostgreSQL and SQLite alike."""

from __future__ import annotations

from sqlalchemy import func, select

from hireloop.db import insert_returning
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.files.models import File

IDENTITY = ["company_id", "email", "first_name_key", "last_name_key"]


def _person(company_id: int, **extra: object) -> dict[str, object]:
    return {
        "company_id": company_id,
        "first_name": "Ana",
        "last_name": "Lima",
        "first_name_key": "ana",
        "last_name_key": "lima",
        "email": "ana@example.com",
        **extra,
    }


def test_the_row_comes_back_with_its_defaults_as_the_sessions_object(session, factory):
    company = factory.company()
    candidate = insert_returning(session, Candidate, _person(company.id))
    assert candidate is not None and candidate.id is not None
    # Column defaults applied by the INSERT, read back by RETURNING.
    assert len(candidate.public_id) == 36 and candidate.created_at is not None
    # Persistent in the session: no second read, and later changes are flushed.
    assert session.get(Candidate, candidate.id) is candidate
    candidate.city = "Recife"
    session.flush()
    session.expire_all()
    assert session.get(Candidate, candidate.id).city == "Recife"


def test_an_existing_unique_key_leaves_the_row_alone_and_returns_none(session, factory):
    company = factory.company()
    first = insert_returning(session, Candidate, _person(company.id, city="Recife"))
    again = insert_returning(
        session, Candidate, _person(company.id, city="Natal"), unless_exists=IDENTITY
    )
    assert first is not None and again is None
    session.expire_all()
    rows = session.scalars(select(Candidate).where(Candidate.company_id == company.id)).all()
    assert [(c.id, c.city) for c in rows] == [(first.id, "Recife")]


def test_rows_of_other_tables(session, factory):
    company = factory.company()
    candidate = factory.candidate(company)
    file = insert_returning(
        session,
        File,
        {
            "company_id": company.id,
            "candidate_id": candidate.id,
            "kind": "cv",
            "name": "cv.pdf",
            "media_type": "application/pdf",
            "size": 3,
            "sha256": "0" * 64,
            "storage_key": "company-1/cv/x",
        },
    )
    assert file is not None and file.kind == "cv"
    count = select(func.count()).select_from(File).where(File.candidate_id == candidate.id)
    assert session.scalar(count) == 1


def test_the_object_holds_what_the_database_stored(session, factory):
    """Only the id is read back; every other attribute is what was sent (Python-side
    defaults included) and must equal a fresh read of the row."""
    company = factory.company()
    candidate = insert_returning(
        session,
        Candidate,
        _person(company.id, phone="+5511912345678", links={"linkedin": "https://x.example/a"}),
    )
    assert candidate is not None
    columns = [c.key for c in Candidate.__table__.c]
    held = {name: getattr(candidate, name) for name in columns}
    assert held["city"] is None and held["links"] == {"linkedin": "https://x.example/a"}
    assert candidate in session and not session.dirty  # persistent, nothing pending
    session.expire_all()
    stored = session.get(Candidate, held["id"])
    assert stored is candidate
    assert {name: getattr(stored, name) for name in columns} == held
