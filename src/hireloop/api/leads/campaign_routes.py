"""Talkpush face: campaigns (see docs/campaigns.md).

A campaign is a Job: ``job_title`` is the job's title (shown to candidates),
``campaign_title`` the internal CRM title kept in the campaign settings (the job title
when none was set); ``region`` is the job's state, ``long_description`` its Markdown
description, ``head_count`` its potential hires count."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from hireloop.api.deps import SessionDep
from hireloop.api.leads.auth import PREFIX, LeadsKeyDep, actor_for
from hireloop.api.leads.folder_ids import (
    CUSTOM_OFFSET,
    SYSTEM_FOLDER_IDS,
    SYSTEM_FOLDER_NAMES,
    custom_folder_face_id,
)
from hireloop.api.leads.payload import PayloadDep, UploadedFile, check_values
from hireloop.api.leads.routing import LeadsRouter
from hireloop.domain.applications import folders as folder_service
from hireloop.domain.applications.models import CustomFolder
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.onboarding import career_page_url
from hireloop.domain.files.storage import local_storage
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs import campaigns
from hireloop.domain.jobs.audio import attach_question_audio
from hireloop.domain.jobs.campaign import (
    campaign_settings_of,
    campaign_title_of,
    interview_settings_of,
    messaging_settings_of,
    parse_campaign_fields,
)
from hireloop.domain.jobs.models import CAMPAIGN_TYPES, OPEN_STATUSES, Job
from hireloop.domain.leads import service as leads_service
from hireloop.errors import Invalid, NotFound
from hireloop.web.queries import is_public

router = LeadsRouter(prefix=PREFIX, tags=["Leads (Talkpush): campaigns"])

# Required by the reference's ``campaign`` schema on creation.
REQUIRED_ON_CREATE = (
    "campaign_title",
    "job_title",
    "street",
    "city",
    "region",
    "country",
    "short_description",
)


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _salary(job: Job, settings: dict[str, Any]) -> str | None:
    if settings.get("salary"):
        return str(settings["salary"])
    if job.salary_from is not None:
        low, high = job.salary_from.normalize(), (job.salary_to or job.salary_from).normalize()
        return f"{low:f}" if low == high else f"{low:f}-{high:f}"
    return None


def campaign_json(job: Job, company: Company, base_url: str) -> dict[str, Any]:
    """A campaign as the reference's ``campaign_response_body``."""
    settings = job.campaign_settings or {}
    # The hosted career page only while the career site shows it (a published, open job
    # offer): other campaign types, drafts, paused or closed offers have no page to link.
    page = None
    if is_public(job):
        page = f"{career_page_url(base_url, company.slug)}/jobs/{job.public_id}"
    return {
        "id": job.id,
        "campaign_title": campaign_title_of(job),
        "campaign_type": job.campaign_type,
        "job_title": job.title,
        "street": settings.get("street"),
        "city": job.city,
        "region": job.state,
        "postal_code": settings.get("postal_code"),
        "country": job.country,
        "short_description": settings.get("short_description"),
        "long_description": job.description,
        "ats_external_id": job.ats_external_id,
        "location": job.location,
        "job_type": job.job_type,
        "salary": _salary(job, settings),
        "salary_type": settings.get("salary_type"),
        "salary_currency": job.salary_currency,
        "created_at": timestamp(job.created_at),
        "updated_at": timestamp(job.updated_at),
        "landing_page_url": settings.get("landing_page_url") or page,
        "apply_url": settings.get("apply_url") or (f"{page}/apply" if page else None),
        "head_count": job.potential_hires_count,
        "role_type": settings.get("role_type"),
        "shift_type": settings.get("shift_type"),
        "allow_applications": job.status in OPEN_STATUSES,
    }


def campaign_detail(job: Job, company: Company, base_url: str) -> dict[str, Any]:
    """The campaign plus (hireloop extension) its status and settings documents."""
    interview = interview_settings_of(job).model_dump(mode="json")
    campaign_doc = campaign_settings_of(job).model_dump(mode="json")
    messenger = campaign_doc.pop("messenger")
    return {
        **campaign_json(job, company, base_url),
        "status": job.status,
        "settings": {
            "campaign": campaign_doc,
            "messages": messaging_settings_of(job).model_dump(mode="json"),
            "messenger": messenger,
            "interview": interview,
        },
    }


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.base_url)


def _campaigns_body(jobs: list[Job], company: Company, request: Request) -> dict[str, Any]:
    base = _base_url(request)
    return {"campaigns": [campaign_json(job, company, base) for job in jobs]}


def _campaign_object(payload: dict[str, Any], *, required: bool) -> dict[str, Any] | None:
    data = payload.get("campaign")
    if data is None:
        if required:
            raise Invalid("Parameter campaign is required.", details={"campaign": "is required"})
        return None
    if not isinstance(data, dict):
        raise Invalid(
            "Parameter campaign must be an object.", details={"campaign": "must be an object"}
        )
    return data


def folder_json(folder_id: int, name: str, default: bool) -> dict[str, Any]:
    return {"id": folder_id, "folder_name": name, "default": default}


def system_folders_json() -> list[dict[str, Any]]:
    """The system folders, which every campaign has."""
    return [
        folder_json(SYSTEM_FOLDER_IDS[key], SYSTEM_FOLDER_NAMES[key], True)
        for key in SYSTEM_FOLDER_IDS
    ]


def custom_folder_json(folder: CustomFolder) -> dict[str, Any]:
    return folder_json(custom_folder_face_id(folder.id), folder.name, folder.is_default)


# --- routes (fixed paths before /campaigns/{id}) -----------------------------------------


@router.get("/campaigns", summary="Active campaigns of one type (default job_application)")
def list_campaigns(
    request: Request, key: LeadsKeyDep, session: SessionDep, payload: PayloadDep
) -> dict[str, Any]:
    kind = payload.get("type") or "job_application"
    if not isinstance(kind, str) or kind not in CAMPAIGN_TYPES:
        raise Invalid(
            f"Invalid type {kind!r}. Must be one of: {', '.join(CAMPAIGN_TYPES)}.",
            details={"type": f"must be one of {', '.join(CAMPAIGN_TYPES)}"},
        )
    jobs = campaigns.list_campaigns(session, key.company_id, campaign_type=kind)
    if not jobs:
        raise NotFound("Campaigns not found for this company.")
    return _campaigns_body(jobs, key.company, request)


@router.post("/campaigns", summary="Create a campaign")
def create_campaign(
    request: Request, key: LeadsKeyDep, session: SessionDep, payload: PayloadDep
) -> dict[str, Any]:
    data = _campaign_object(payload, required=True)
    assert data is not None
    missing = [
        name
        for name in REQUIRED_ON_CREATE
        if not isinstance(data.get(name), str | int | float) or not str(data.get(name)).strip()
    ]
    if missing:
        raise Invalid(
            f"Parameter campaign.{missing[0]} is required.",
            details={f"campaign.{name}": "is required" for name in missing},
        )
    fields = parse_campaign_fields(data)
    # long_description reads back as the client sent it: no generated Markdown.
    job = campaigns.create_campaign(
        session,
        key.company,
        fields,
        actor_for(key),
        settings=payload.get("settings"),
        generated_description=False,
    )
    return {
        "message": "Campaign created successfully",
        "campaign": campaign_detail(job, key.company, _base_url(request)),
    }


@router.get("/campaigns/archive", summary="Archived campaigns")
def list_archived(request: Request, key: LeadsKeyDep, session: SessionDep) -> dict[str, Any]:
    jobs = campaigns.list_campaigns(session, key.company_id, archived=True)
    if not jobs:
        raise NotFound("No archive campaigns found for this company.")
    return _campaigns_body(jobs, key.company, request)


@router.get("/campaigns/search/{criteria}", summary="Active campaigns by id, ATS id or title")
def search_campaigns(
    criteria: str, request: Request, key: LeadsKeyDep, session: SessionDep
) -> dict[str, Any]:
    check_values({"criteria": criteria})  # a null character: 400, as in any parameter
    jobs = campaigns.search_campaigns(session, key.company_id, criteria)
    if not jobs:
        raise NotFound("Campaigns not match the criteria.")
    return _campaigns_body(jobs, key.company, request)


@router.get("/campaigns/{campaign_id}", summary="A campaign (with its settings)")
def get_campaign(
    campaign_id: str, request: Request, key: LeadsKeyDep, session: SessionDep
) -> dict[str, Any]:
    job = campaigns.get_campaign(session, key.company_id, campaign_id)
    return campaign_detail(job, key.company, _base_url(request))


@router.put("/campaigns/{campaign_id}", summary="Update a campaign (and its settings)")
def update_campaign(
    campaign_id: str,
    request: Request,
    key: LeadsKeyDep,
    session: SessionDep,
    payload: PayloadDep,
) -> dict[str, Any]:
    job = leads_service.get_campaign(session, key.company_id, campaign_id)
    data = _campaign_object(payload, required=False)
    if data is None and payload.get("settings") is None:
        raise Invalid(
            "Parameter campaign or settings is required.", details={"campaign": "is required"}
        )
    fields = parse_campaign_fields(data) if data is not None else None
    campaigns.update_campaign(
        session, job, fields, actor_for(key), settings=payload.get("settings")
    )
    return {
        "message": "Campaign updated successfully",
        "campaign": campaign_detail(job, key.company, _base_url(request)),
    }


@router.put("/campaigns/{campaign_id}/archive", summary="Archive a campaign")
def archive_campaign(
    campaign_id: str, request: Request, key: LeadsKeyDep, session: SessionDep
) -> dict[str, Any]:
    job = leads_service.get_campaign(session, key.company_id, campaign_id)
    campaigns.archive_campaign(session, job, actor_for(key))
    return {
        "message": "Campaign was archived successfully.",
        "campaign": campaign_json(job, key.company, _base_url(request)),
    }


@router.put("/campaigns/{campaign_id}/activate", summary="Activate an archived campaign")
def activate_campaign(
    campaign_id: str, request: Request, key: LeadsKeyDep, session: SessionDep
) -> dict[str, Any]:
    job = leads_service.get_campaign(session, key.company_id, campaign_id)
    campaigns.activate_campaign(session, job, actor_for(key))
    return {
        "message": "Campaign was activated successfully.",
        "campaign": campaign_json(job, key.company, _base_url(request)),
    }


@router.get("/campaigns/{campaign_id}/questions", summary="Questions of a campaign's interview")
def campaign_questions(campaign_id: str, key: LeadsKeyDep, session: SessionDep) -> dict[str, Any]:
    job = leads_service.get_campaign(session, key.company_id, campaign_id)
    questions = campaigns.campaign_questions(job)
    if not questions:
        raise NotFound("Questions not found for this campaign.")
    return {
        "questions": [
            {
                "id": q.number,
                "type": "multiple_choice" if q.options else q.answer_type,
                "question_text": q.text,
                "data_point": q.data_point,
                "options": q.options,
            }
            for q in questions
        ]
    }


@router.put(
    "/campaigns/{campaign_id}/interview/audio",
    summary="Upload an audio prompt (.wav/.mp3) of the interview script (hireloop extension)",
)
def upload_audio(
    campaign_id: str,
    request: Request,
    key: LeadsKeyDep,
    session: SessionDep,
    payload: PayloadDep,
) -> dict[str, Any]:
    job = campaigns.get_campaign(session, key.company_id, campaign_id)
    upload = payload.get("file")
    if not isinstance(upload, UploadedFile):
        raise Invalid("Parameter file is required (multipart).", details={"file": "is required"})
    segment = payload.get("segment")
    question_id = payload.get("question_id")
    if segment is not None and not isinstance(segment, str):
        raise Invalid(
            "Parameter segment must be a string.", details={"segment": "must be a string"}
        )
    if question_id is not None and not isinstance(question_id, str):
        raise Invalid(
            "Parameter question_id must be a string.", details={"question_id": "must be a string"}
        )
    file = attach_question_audio(
        session,
        job,
        filename=upload.filename,
        data=upload.data,
        storage=local_storage(request.app.state.settings.files_dir),
        segment=segment or None,
        question_id=question_id or None,
    )
    return {
        "message": "Audio prompt uploaded.",
        "audio_file": {
            "id": file.id,
            "name": file.name,
            "content_type": file.media_type,
            "size": file.size,
        },
        "interview": interview_settings_of(job).model_dump(mode="json"),
    }


@router.get("/campaigns/{campaign_id}/folders", summary="Folders of a campaign")
def campaign_folders(campaign_id: str, key: LeadsKeyDep, session: SessionDep) -> dict[str, Any]:
    job = leads_service.get_campaign(session, key.company_id, campaign_id)
    custom = folder_service.campaign_custom_folders(session, job)
    return {"folders": system_folders_json() + [custom_folder_json(f) for f in custom]}


@router.post(
    "/campaigns/{campaign_id}/folders/{folder_id}",
    summary="Associate a custom folder with a campaign",
)
def associate_folder(
    campaign_id: str, folder_id: str, key: LeadsKeyDep, session: SessionDep
) -> dict[str, Any]:
    job = leads_service.get_campaign(session, key.company_id, campaign_id)
    face_id = int(folder_id) if is_ascii_digits(folder_id) and len(folder_id) < 18 else None
    if face_id is None:
        raise NotFound("Folder not found.")
    if face_id in SYSTEM_FOLDER_IDS.values():
        # System folders are part of every campaign already.
        return {"message": "Campaign & Folder associated."}
    if face_id <= CUSTOM_OFFSET:
        raise NotFound("Folder not found.")
    folder = folder_service.get_custom_folder(session, key.company_id, face_id - CUSTOM_OFFSET)
    folder_service.associate_folder(session, job, folder)
    return {"message": "Campaign & Folder associated.", "folder": custom_folder_json(folder)}
