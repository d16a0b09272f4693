"""Partner API: a candidate's résumé as a JSON Resume document (https://jsonresume.org)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.api.deps import SessionDep
from hireloop.api.partner.routes import KeyDep
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.candidates.service import get_candidate
from hireloop.domain.ids import is_ascii_digits, parse_id
from hireloop.domain.resumes.jsonresume import json_resume
from hireloop.errors import NotFound

router = APIRouter(prefix="/v1/partner", tags=["Partner API (Taptalent)"])


@router.get(
    "/candidates/{candidate_id}/resume.json",
    summary="Export a candidate as JSON Resume",
    description="The candidate's contact details, work, education, skills and languages as a "
    "JSON Resume (schema v1.0.0) document. `candidate_id` is the candidate's id or its GUID.",
)
def candidate_json_resume(candidate_id: str, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    return json_resume(_candidate(session, key.company_id, candidate_id))


def _candidate(session: Session, company_id: int, raw: str) -> Candidate:
    text = raw.strip()
    if is_ascii_digits(text):
        number = parse_id(text)
        if number is None:
            raise NotFound("Candidate not found.")
        return get_candidate(session, company_id, number)
    try:
        public_id = str(uuid.UUID(text))
    except ValueError:
        raise NotFound("Candidate not found.") from None
    candidate = session.scalar(
        select(Candidate).where(
            Candidate.company_id == company_id, Candidate.public_id == public_id
        )
    )
    if candidate is None:
        raise NotFound("Candidate not found.")
    return candidate
