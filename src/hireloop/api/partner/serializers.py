"""Domain objects as Taptalent JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hireloop.api.partner.schemas import epoch_ms
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import evaluation_status
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.jobs.models import Job

# Our job statuses as Taptalent names them (open and active are both ACTIVE there).
JOB_STATUS = {
    "draft": "DRAFT",
    "open": "ACTIVE",
    "active": "ACTIVE",
    "paused": "PAUSED",
    "closed": "CLOSED",
    "archived": "ARCHIVED",
}
JOB_STATUS_FILTER = {
    "DRAFT": ["draft"],
    "ACTIVE": ["open", "active"],
    "PAUSED": ["paused"],
    "CLOSED": ["closed"],
    "ARCHIVED": ["archived"],
}

# Folder -> (stage name, Taptalent stage type), in pipeline order.
PIPELINE = (
    ("inbox", "Applied", "APPLIED"),
    ("completed", "Interview", "INTERVIEW"),
    ("shortlisted", "Shortlisted", "SHORTLISTED"),
    ("on_hold", "On Hold", "ON_HOLD"),
    ("hired", "Hired", "HIRED"),
)


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def job_json(job: Job, counts: dict[str, int] | None = None) -> dict[str, Any]:
    counts = counts or {}
    hired = counts.get("hired", 0)
    return {
        "id": job.id,
        "publicId": job.public_id,
        "title": job.title,
        "description": job.description,
        "city": job.city,
        "state": job.state,
        "country": job.country,
        "status": JOB_STATUS[job.status],
        "workMode": job.work_mode,
        "jobType": job.job_type,
        "contractType": job.contract_type,
        "degreeLevel": job.degree_level,
        "jobRole": job.job_role,
        "teamId": job.team_id,
        "pipelineId": None,
        "pipelineStage": [
            {"name": name, "type": type_, "totalCandidate": counts.get(folder, 0)}
            for folder, name, type_ in PIPELINE
        ],
        "rejectedCandidateCount": counts.get("rejected", 0),
        "runningRevenue": _num(job.potential_amount * hired) if job.potential_amount else 0,
        "salaryRangeFrom": _num(job.salary_from),
        "salaryRangeTo": _num(job.salary_to),
        "salaryCurrency": job.salary_currency,
        "potentialAmount": _num(job.potential_amount),
        "potentialAmountCurrency": job.potential_amount_currency,
        "potentialHiresCount": job.potential_hires_count,
        "yearOfExperience": job.years_of_experience,
        "screeningQuestion": job.screening_questions,
        "criterionDetails": job.criteria.get("items", job.criteria) if job.criteria else None,
        "autoRejectThreshold": (job.ai_settings or {}).get("auto_reject_threshold"),
        "publishedAt": epoch_ms(job.published_at),
        "createdAt": epoch_ms(job.created_at),
        "updatedAt": epoch_ms(job.updated_at),
    }


def candidate_json(
    candidate: Candidate, *, tags: list[str] | None = None, job_ids: list[int] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": candidate.id,
        # The candidate's GUID, as jobs have theirs: what the CRM profiles API is asked for.
        "publicId": candidate.public_id,
        "firstName": candidate.first_name,
        "lastName": candidate.last_name,
        "email": candidate.email,
        "phone": candidate.phone,
        "phoneE164": candidate.phone_e164,
        "currentJobTitle": candidate.current_job_title,
        "currentCompany": candidate.current_company,
        "city": candidate.city,
        "state": candidate.state,
        "country": candidate.country,
        "summary": candidate.summary,
        "skills": candidate.skills,
        "languages": candidate.languages,
        "linkedin": candidate.links.get("linkedin"),
        "links": candidate.links,
        "gender": candidate.gender,
        "dateOfBirth": candidate.date_of_birth.isoformat() if candidate.date_of_birth else None,
        "nationality": candidate.nationality,
        "industry": candidate.industry,
        "category": candidate.category,
        "majors": candidate.majors,
        "educations": [
            {
                "institution": e.get("school"),
                "degree": e.get("degree"),
                "major": e.get("major"),
                "startDate": e.get("start"),
                "endDate": e.get("end"),
            }
            for e in candidate.education
        ],
        "workExperiences": [
            {
                "companyName": w.get("employer"),
                "title": w.get("title"),
                "location": w.get("location"),
                "startDate": w.get("start"),
                "endDate": w.get("end"),
                "isCurrent": bool(w.get("current")),
                "description": w.get("description"),
            }
            for w in candidate.employment
        ],
        "resume": candidate.resume_url,
        "source": candidate.source,
        "referral": {
            "name": candidate.referrer_name,
            "email": candidate.referrer_email,
            "phone": candidate.referrer_phone,
        },
        "customAttributes": candidate.custom_attributes,
        "consents": candidate.consents,
        "doNotContact": candidate.do_not_contact,
        "doNotHire": candidate.do_not_hire,
        "createdAt": epoch_ms(candidate.created_at),
        "updatedAt": epoch_ms(candidate.updated_at),
    }
    if tags is not None:
        data["tags"] = tags
    if job_ids is not None:
        data["jobIds"] = job_ids
    return data


def job_candidate_json(
    application: Application, candidate: Candidate | None = None
) -> dict[str, Any]:
    """A job candidate; with its candidate nested as ``candidate_details`` when given."""
    breakdown = application.ai_breakdown or {}
    data: dict[str, Any] = {
        "id": application.id,
        "jobId": application.job_id,
        "candidateId": application.candidate_id,
        "status": application.folder.upper(),
        "profileMatchScore": application.ai_score,
        "evaluationStatus": evaluation_status(application),
        "criteriaMatches": breakdown.get("criteriaMatches", {}),
        "recommendToRecruitingFirm": bool(application.ai_recommended),
        "aiSummary": application.ai_summary,
        # hireloop additions: what the score is made of, in words.
        "aiReasons": breakdown.get("reasons", []),
        "aiFirstImpression": application.ai_first_impression,
        "source": application.source,
        "coverLetter": application.cover_letter,
        "createdAt": epoch_ms(application.created_at),
        "updatedAt": epoch_ms(application.updated_at),
    }
    if candidate is not None:
        data["candidate_details"] = candidate_json(candidate)
    return data


def pagination_json(page: int, per_page: int, total: int, total_pages: int) -> dict[str, int]:
    return {"page": page, "limit": per_page, "total": total, "totalPages": total_pages}
