"""Storing a CV makes it the candidate's current one, whether or not the candidate has
other changes waiting to be written."""

from __future__ import annotations

from sqlalchemy import select

from hireloop.domain.candidates.models import Candidate
from hireloop.domain.files.storage import LocalFileStorage
from hireloop.domain.resumes.service import store_cv


def _row(session, candidate_id: int):  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.execute(
        select(Candidate.resume_file_id, Candidate.phone, Candidate.updated_at).where(
            Candidate.id == candidate_id
        )
    ).one()


def test_a_candidate_with_nothing_else_changed_points_at_the_new_cv(
    session, factory, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    candidate = factory.candidate(factory.company())
    before = _row(session, candidate.id).updated_at
    file = store_cv(session, LocalFileStorage(tmp_path), candidate, b"%PDF-1.4 cv",
                    filename="cv.pdf", media_type="application/pdf")  # fmt: skip
    assert candidate.resume_file_id == file.id
    assert not session.is_modified(candidate)  # written already
    session.commit()
    row = _row(session, candidate.id)
    assert row.resume_file_id == file.id and row.updated_at >= before


def test_a_candidate_with_other_changes_gets_them_written_too(session, factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    candidate = factory.candidate(factory.company())
    candidate.phone = "+33612345678"
    file = store_cv(session, LocalFileStorage(tmp_path), candidate, b"%PDF-1.4 cv",
                    filename="cv.pdf", media_type="application/pdf")  # fmt: skip
    session.commit()
    row = _row(session, candidate.id)
    assert (row.resume_file_id, row.phone) == (file.id, "+33612345678")
