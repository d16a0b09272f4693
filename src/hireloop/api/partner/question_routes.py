"""Interview / assessment questions on the Partner API: from one of the company's jobs, or
from a role and a purpose. Local templates over the job's skills and responsibilities, or
the LLM when one is configured (falling back to the templates, with a warning)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import ConfigDict, Field, StringConstraints

from hireloop.api.deps import SessionDep
from hireloop.api.partner.routes import KeyDep
from hireloop.api.partner.schemas import Integer, PartnerBody
from hireloop.domain.jobs import service as jobs
from hireloop.domain.screening.questions import MAX_QUESTIONS, QuestionSet
from hireloop.domain.screening.service import questions

router = APIRouter(prefix="/v1/partner", tags=["Partner API (Taptalent)"])


class JobQuestionsBody(PartnerBody):
    model_config = ConfigDict(extra="ignore")

    count: Integer = Field(default=5, ge=1, le=MAX_QUESTIONS)
    purpose: str | None = Field(default=None, max_length=300)


class RoleQuestionsBody(JobQuestionsBody):
    # Trimmed like Joi's .trim(): a blank role is "not allowed to be empty".
    role: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    skills: list[str] = Field(default_factory=list, max_length=50)


def _questions_json(result: QuestionSet) -> dict[str, Any]:
    return {
        "questions": [
            {**q.to_taptalent(), "kind": q.kind, "skill": q.skill} for q in result.questions
        ],
        "source": result.source,
        "warnings": result.warnings,
    }


@router.post(
    "/jobs/{job_id}/questions",
    summary="Generate interview questions for a job",
    description=f"Questions from the job's title, description, criteria and skills. Body "
    f"(optional): `count` (1-{MAX_QUESTIONS}, default 5), `purpose` (e.g. 'phone screen', "
    "'technical assessment'). Each item is a Taptalent `screeningQuestion` (`type`, "
    "`question`) plus `kind` and `skill`; `source` is `local` or `llm`.",
)
def job_questions(
    job_id: str,
    key: KeyDep,
    session: SessionDep,
    request: Request,
    body: JobQuestionsBody | None = None,
) -> dict[str, Any]:
    body = body or JobQuestionsBody()
    job = jobs.get_job(session, key.company_id, job_id)
    result = questions(request.app.state.settings, job=job, purpose=body.purpose, n=body.count)
    return _questions_json(result)


@router.post(
    "/questions",
    summary="Generate interview questions for a role and a purpose",
    description="No job needed: `role` (required), `purpose`, `skills` (list), `count`.",
)
def role_questions(body: RoleQuestionsBody, key: KeyDep, request: Request) -> dict[str, Any]:
    result = questions(
        request.app.state.settings,
        role=body.role,
        purpose=body.purpose,
        skills=[s for s in body.skills if isinstance(s, str) and s.strip()],
        n=body.count,
    )
    return _questions_json(result)
