"""The Partner API face (Taptalent format), mounted at /v1/partner."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from hireloop.api.deps import SessionDep
from hireloop.api.partner import params
from hireloop.api.partner.schemas import (
    CandidateBulkFetchBody,
    CandidateCreateBody,
    JobCandidateBulkFetchBody,
    JobCreateBody,
)
from hireloop.api.partner.serializers import (
    JOB_STATUS_FILTER,
    candidate_json,
    job_candidate_json,
    job_json,
    pagination_json,
)
from hireloop.domain.actor import Actor
from hireloop.domain.applications import service as applications
from hireloop.domain.applications.models import FOLDERS
from hireloop.domain.applications.schemas import ApplicationFilters
from hireloop.domain.candidates import service as candidates
from hireloop.domain.candidates.schemas import CandidateFilters
from hireloop.domain.companies.models import ApiKey
from hireloop.domain.companies.service import authenticate_api_key
from hireloop.domain.ids import parse_id
from hireloop.domain.jobs import service as jobs
from hireloop.domain.outbox.service import emit
from hireloop.errors import Invalid, NotFound, Unauthorized


def _no_nul_in_query(request: Request) -> None:
    """Query text with NUL characters is refused: PostgreSQL cannot compare it."""
    for name, value in request.query_params.multi_items():
        if "\x00" in value or "\x00" in name:
            raise Invalid(
                "One or more fields are invalid.",
                details={name: f'"{name}" must not contain null characters'},
            )


def bearer_key(request: Request, session: Session) -> ApiKey:
    """The Partner API key of the ``Authorization: Bearer`` header, or a DomainError."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing or invalid API key.")
    return authenticate_api_key(session, token, scope="partner")


def partner_key(request: Request, session: SessionDep) -> ApiKey:
    api_key = bearer_key(request, session)
    _no_nul_in_query(request)
    return api_key


KeyDep = Annotated[ApiKey, Depends(partner_key)]

router = APIRouter(prefix="/v1/partner", tags=["Partner API (Taptalent)"])


def _actor(key: ApiKey) -> Actor:
    return Actor("api_key", key.id)


# --- Jobs -----------------------------------------------------------------------------


@router.get("/jobs", summary="List jobs")
def list_jobs(request: Request, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    page, per_page = params.page_params(request.query_params)
    statuses: list[str] = []
    for status in params.csv_list(request.query_params, "status"):
        if status.upper() not in JOB_STATUS_FILTER:
            allowed = ", ".join(JOB_STATUS_FILTER)
            raise Invalid(
                "One or more fields are invalid.",
                details={"status": f'"status" must be one of [{allowed}]'},
            )
        statuses += JOB_STATUS_FILTER[status.upper()]
    result = jobs.list_jobs(
        session, key.company_id, page=page, per_page=per_page, statuses=statuses or None
    )
    counts = applications.folder_totals(session, [j.id for j in result.items])
    return {
        "jobs": [job_json(j, counts[j.id]) for j in result.items],
        "totalJobs": result.total,
    }


@router.get("/jobs/{job_id}", summary="Get a job")
def get_job(job_id: str, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    job = jobs.get_job(session, key.company_id, job_id)
    return job_json(job, applications.folder_totals(session, [job.id])[job.id])


@router.post("/jobs", summary="Create a job")
def create_job(body: JobCreateBody, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    job = jobs.create_job(session, key.company_id, body.to_domain(), _actor(key))
    return job_json(job)


# --- Candidates -----------------------------------------------------------------------


@router.post("/candidates", summary="Add a candidate (deduplicated on email)")
def create_candidate(body: CandidateCreateBody, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    # The job is checked first, so an unknown job leaves nothing written.
    job = jobs.get_job(session, key.company_id, body.jobId) if body.jobId is not None else None
    candidate, created = candidates.create_candidate(
        session, key.company_id, body.to_domain(), match="email"
    )
    if created and body.resume and body.shouldParseResume:
        # Fetched and parsed by the worker (through the SSRF guard), not in the request.
        emit(
            session,
            key.company_id,
            "candidate.resume_submitted",
            {"candidateId": candidate.id, "url": body.resume},
        )
    job_candidate = None
    if job is not None:
        application, _ = applications.create_application(
            session,
            job,
            candidate,
            _actor(key),
            source=candidate.source if created else (body.source or "partner_api"),
            cover_letter=body.coverLetter or "",
        )
        job_candidate = job_candidate_json(application)
    if created:  # nothing to look up: a new candidate has no tags and only this job
        tags, job_ids = [], [job.id] if job is not None else []
    else:
        tags = candidates.tags_for(session, [candidate.id])[candidate.id]
        job_ids = candidates.job_ids_for(session, [candidate.id])[candidate.id]
    data = candidate_json(candidate, tags=tags, job_ids=job_ids)
    data["isExistingCandidate"] = not created
    data["jobCandidate"] = job_candidate
    return {"status": "success", "data": data}


@router.get("/candidates/list", summary="List candidates with filters")
def list_candidates(request: Request, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    q = request.query_params
    page, per_page = params.page_params(q)
    filters = CandidateFilters(
        search=q.get("search") or None,
        email=q.get("email") or None,
        job_id=params.optional_int(q, "jobId", low=1),
        skill=params.csv_list(q, "skills", max_items=params.MAX_SKILLS_FILTER),
        city=q.get("city") or None,
        country=q.get("country") or None,
        source=q.get("source") or None,
        created_after=params.optional_datetime(q, "createdAfter"),
        created_before=params.optional_datetime(q, "createdBefore"),
        sort_by={"createdAt": "created_at", "updatedAt": "updated_at", "name": "name"}[
            params.one_of(q, "sortBy", ("createdAt", "updatedAt", "name"), "createdAt")
        ],
        sort_order=params.one_of(q, "sortOrder", ("asc", "desc"), "desc"),
    )
    result = candidates.list_candidates(
        session, key.company_id, filters, page=page, per_page=per_page
    )
    ids = [c.id for c in result.items]
    tags = candidates.tags_for(session, ids)
    job_ids = candidates.job_ids_for(session, ids)
    return {
        "status": "success",
        "data": {
            "candidates": [
                candidate_json(c, tags=tags[c.id], job_ids=job_ids[c.id]) for c in result.items
            ],
            "pagination": pagination_json(page, per_page, result.total, result.total_pages),
        },
    }


@router.post("/candidates/bulk-fetch", summary="Fetch up to 100 candidates by id")
def bulk_fetch_candidates(
    body: CandidateBulkFetchBody, key: KeyDep, session: SessionDep
) -> dict[str, Any]:
    found = candidates.get_candidates(session, key.company_id, body.candidateIds)
    ids = [c.id for c in found]
    tags = candidates.tags_for(session, ids)
    job_ids = candidates.job_ids_for(session, ids)
    return {
        "status": "success",
        "data": [candidate_json(c, tags=tags[c.id], job_ids=job_ids[c.id]) for c in found],
    }


@router.get("/candidates/{candidate_id}", summary="Get a candidate")
def get_candidate(candidate_id: str, key: KeyDep, session: SessionDep) -> dict[str, Any]:
    candidate = candidates.get_candidate(
        session, key.company_id, _int_id(candidate_id, "Candidate")
    )
    return {
        "status": "success",
        "data": candidate_json(
            candidate,
            tags=candidates.tags_for(session, [candidate.id])[candidate.id],
            job_ids=candidates.job_ids_for(session, [candidate.id])[candidate.id],
        ),
    }


# --- Job candidates -------------------------------------------------------------------


@router.get("/job-candidates/job/{job_id}/candidates", summary="List a job's candidates")
def list_job_candidates(
    job_id: str, request: Request, key: KeyDep, session: SessionDep
) -> dict[str, Any]:
    q = request.query_params
    page, per_page = params.page_params(q)
    job = jobs.get_job(session, key.company_id, job_id)
    folders = [f.lower() for f in params.csv_list(q, "status")]
    for folder in folders:
        if folder not in FOLDERS:
            allowed = ", ".join(f.upper() for f in FOLDERS)
            raise Invalid(
                "One or more fields are invalid.",
                details={"status": f'"status" must be one of [{allowed}]'},
            )
    evaluation = q.get("evaluationStatus") or None
    if evaluation is not None:
        evaluation = params.one_of(q, "evaluationStatus", ("PENDING", "APPROVED", "REJECTED"), "")
    filters = ApplicationFilters(
        folders=folders,
        evaluation_status=evaluation,
        min_score=params.optional_int(q, "minScore", high=100),
        max_score=params.optional_int(q, "maxScore", high=100),
        source=q.get("source") or None,
        search=q.get("search") or None,
        created_after=params.optional_datetime(q, "createdAfter"),
        created_before=params.optional_datetime(q, "createdBefore"),
        sort_by={"createdAt": "created_at", "profileMatchScore": "score"}[
            params.one_of(q, "sortBy", ("createdAt", "profileMatchScore"), "createdAt")
        ],
        sort_order=params.one_of(q, "sortOrder", ("asc", "desc"), "desc"),
    )
    result = applications.list_job_applications(session, job, filters, page=page, per_page=per_page)
    return {
        "status": "success",
        "data": {
            "jobCandidates": [job_candidate_json(a, c) for a, c in result.items],
            "pagination": pagination_json(page, per_page, result.total, result.total_pages),
        },
    }


@router.post("/job-candidates/bulk-fetch", summary="Fetch up to 100 job candidates by id")
def bulk_fetch_job_candidates(
    body: JobCandidateBulkFetchBody, key: KeyDep, session: SessionDep
) -> dict[str, Any]:
    rows = applications.get_applications(session, key.company_id, body.jobCandidateIds)
    return {"status": "success", "data": [job_candidate_json(a, c) for a, c in rows]}


def _int_id(raw: str, what: str) -> int:
    value = parse_id(raw)
    if value is None:
        raise NotFound(f"{what} not found.")
    return value
