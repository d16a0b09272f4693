"""A lead as the Talkpush face shows it (``GET /campaign_invitations`` items, and the
``campaign_invitation`` of every lead response)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hireloop.api.leads.auth import PREFIX
from hireloop.api.leads.folder_ids import (
    SYSTEM_FOLDER_NAMES,
    custom_folder_face_id,
    system_folder_id,
)
from hireloop.domain.applications.models import DocumentTag
from hireloop.domain.files.models import File
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.campaign import campaign_title_of
from hireloop.domain.leads.service import LeadView


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def state_of(view: LeadView) -> str:
    """The status filter value of the lead's folder: ``pending`` for the Inbox, the
    folder's own name for a custom folder."""
    folder = view.application.folder
    if folder == "custom":
        return view.custom_folder.name if view.custom_folder else "custom"
    return "pending" if folder == "inbox" else folder


def folder_of(view: LeadView) -> tuple[str, int | None]:
    """(display name, face folder id) of the lead's folder."""
    app = view.application
    if app.folder == "custom":
        if view.custom_folder is None:
            return "Custom", None
        return view.custom_folder.name, custom_folder_face_id(view.custom_folder.id)
    return SYSTEM_FOLDER_NAMES[app.folder], system_folder_id(app.folder)


def lead_json(view: LeadView) -> dict[str, Any]:
    app, cand, job = view.application, view.candidate, view.job
    folder, folder_id = folder_of(view)
    education = [e for e in (cand.education or []) if isinstance(e, dict)]
    first_school = education[0] if education else {}
    return {
        "id": app.id,
        "candidate_id": cand.id,
        # The candidate's GUID: what the CRM profiles API (/soap/profiles/v1) is asked for.
        "candidate_guid": cand.public_id,
        "state": state_of(view),
        "folder": folder,
        "folder_id": folder_id,
        "campaign_id": job.id,
        "campaign_ats_external_id": job.ats_external_id,
        "campaign_title": campaign_title_of(job),
        "first_name": cand.first_name,
        "last_name": cand.last_name,
        "email": cand.email,
        "user_phone_number": cand.phone or cand.phone_e164,
        "school_name": first_school.get("school"),
        "education": first_school.get("degree"),
        "gender": cand.gender,
        "source": app.source,
        "scheduled_at": iso(app.scheduled_at),
        "completed_at": iso(app.completed_at),
        "created_at": iso(app.created_at),
        "updated_at": iso(app.updated_at),
        "others": app.others or {},
        "labels": view.labels,
        "employment": [_position(p) for p in cand.employment or [] if isinstance(p, dict)],
        "links": [{"url": url} for url in (cand.links or {}).values() if url],
    }


def _position(position: dict[str, Any]) -> dict[str, Any]:
    """One job in the seed's ATS JSON shape (``company``, ``organisation_name``,
    ``description``, ``start_date``, ``end_date``: ``"notApplicable"`` for a current job;
    dates ``YYYY-MM`` or ``YYYY``), with the job ``title`` as well."""
    employer = position.get("employer") or ""
    return {
        "company": employer,
        "organisation_name": employer,
        "title": position.get("title") or "",
        "description": position.get("description") or "",
        "start_date": position.get("start") or "",
        "end_date": "notApplicable" if position.get("current") else position.get("end") or "",
    }


def created_lead_json(view: LeadView) -> dict[str, Any]:
    """The lead with its interview PIN (the create response: "the lead ID and PIN")."""
    return {
        **lead_json(view),
        "pin": view.application.pin,
        "pin_expires_at": iso(view.application.pin_expires_at),
    }


def file_url(base_url: str, lead_id: int, file_id: int) -> str:
    return f"{base_url.rstrip('/')}{PREFIX}/campaign_invitations/{lead_id}/files/{file_id}"


def file_json(base_url: str, file: File) -> dict[str, Any]:
    assert file.application_id is not None
    return {
        "id": file.id,
        "name": file.name,
        "content_type": file.media_type,
        "url": file_url(base_url, file.application_id, file.id),
    }


def documents_json(
    base_url: str, files: list[tuple[File, DocumentTag | None]]
) -> list[dict[str, Any]]:
    """Documents grouped by tag: ``[{id, created_at, tag, files: [...]}]``."""
    groups: dict[int, dict[str, Any]] = {}
    for file, tag in files:
        if file.kind != "document" or tag is None:
            continue
        group = groups.setdefault(
            tag.id, {"id": tag.id, "created_at": iso(tag.created_at), "tag": tag.name, "files": []}
        )
        group["files"].append(file_json(base_url, file))
    return list(groups.values())


def attachments_json(
    base_url: str, files: list[tuple[File, DocumentTag | None]]
) -> list[dict[str, Any]]:
    """Files attached to the lead outside document tags (its CV): ``[{id, name, url}]``."""
    return [
        {k: v for k, v in file_json(base_url, file).items() if k != "content_type"}
        for file, tag in files
        if file.kind != "document" or tag is None
    ]


def _answer_file_id(value: dict[str, Any]) -> int | None:
    """The file of an answer: ``file`` or ``audio_file_id``, an id (number or digits) or
    an object with ``id``/``file_id`` (as the candidate panel reads it)."""
    for raw in (value.get("file"), value.get("audio_file_id")):
        if isinstance(raw, dict):
            raw = raw.get("id") or raw.get("file_id")
        if isinstance(raw, str) and is_ascii_digits(raw) and len(raw) < 19:
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
            return raw
    return None


def answers_json(view: LeadView, base_url: str, file_ids: set[int]) -> list[dict[str, Any]]:
    """The interview answers (``application.answers``: question id -> an answer text or
    ``{transcript|answer|text, file|audio_file_id}``) in the order of the campaign's
    interview script (other keys after, by key), with the script's question texts.
    ``file`` is the download URL of the answer's recording when it is one of the lead's
    files (``file_ids``), else null."""
    questions = {
        str(q.get("id")): q.get("text")
        for q in (view.job.interview_settings or {}).get("questions", [])
        if isinstance(q, dict)
    }
    order = {key: index for index, key in enumerate(questions)}
    items = [(str(k), v) for k, v in (view.application.answers or {}).items()]
    items.sort(key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    out = []
    for key, value in items:
        if key == "completion_method":
            continue
        file = None
        if isinstance(value, dict):
            transcript = value.get("transcript") or value.get("answer") or value.get("text")
            question = value.get("question") or questions.get(key)
            file_id = _answer_file_id(value)
            if file_id in file_ids:
                file = file_url(base_url, view.application.id, file_id)
        else:
            transcript, question = value, questions.get(key)
        out.append({"question": question or key, "transcript": transcript, "file": file})
    return out
