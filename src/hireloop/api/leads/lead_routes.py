"""Talkpush face: campaign invitations (leads). See docs/leads-api.md.

Parameters come from the query string and the body alike (JSON, form-encoded or
multipart, with Rails-style nested keys); the routes read them from the one nested
payload, turn them into the leads services' inputs and format the answers.
"""

from __future__ import annotations

import json
import mimetypes
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from hireloop.api.deps import SessionDep
from hireloop.api.leads.auth import PREFIX, LeadsCreateKeyDep, LeadsKeyDep, actor_for
from hireloop.api.leads.folder_ids import parse_folder_id
from hireloop.api.leads.lead_format import (
    answers_json,
    attachments_json,
    created_lead_json,
    documents_json,
    file_json,
    iso,
    lead_json,
)
from hireloop.api.leads.payload import Payload, PayloadDep, UploadedFile, no_files
from hireloop.api.leads.payload import text_value as _text
from hireloop.api.leads.routing import LeadsRouter
from hireloop.config import Settings
from hireloop.domain.applications.pins import refresh_pins
from hireloop.domain.files.storage import FileStorage, local_storage
from hireloop.domain.ids import MAX_ID, is_ascii_digits
from hireloop.domain.leads import service
from hireloop.domain.leads.schemas import CvUpload, LeadFilters, LeadInput, LeadUpdate
from hireloop.domain.leads.search import PER_PAGE, search_leads
from hireloop.errors import Invalid, NotFound
from hireloop.integrations.fetch import FetchError, fetch_url

router = LeadsRouter(tags=["Leads (Talkpush): campaign invitations"])

CREATED = "Candidate has been successfully created"
DUPLICATE = "Duplicate Candidate already exists"
UPDATED = "Candidate has been successfully updated"
# campaign_invitation[...] keys with a meaning of their own; any other key (nested ones
# too: address[city], skills[]) is kept in the lead's others, like
# campaign_invitation[others][...].
LEAD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "user_phone_number",
    "source",
    "others",
    "labels",
    "temporary_cv",
)
_TRUE = ("", "1", "true", "yes", "on")
MAX_PAGE = 1_000_000_000  # a page past the last is empty; a far larger one overflows OFFSET


# --- Parameter helpers ----------------------------------------------------------------------


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _storage(request: Request) -> FileStorage:
    return local_storage(_settings(request).files_dir)


def _int(value: Any, name: str) -> int | None:
    """An integer parameter (one optional leading minus); beyond what the database can
    bind, 400 too."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and is_ascii_digits(value.strip().removeprefix("-")):
        number = int(value.strip())
    else:
        raise Invalid(f"{name} must be an integer.", details={name: "must be an integer"})
    if abs(number) > MAX_ID:
        raise Invalid(f"{name} is out of range.", details={name: "out of range"})
    return number


def _bool(value: Any, name: str, *, empty: bool = True) -> bool:
    """A boolean parameter; a bare ``include_answers`` (empty value) is true."""
    if isinstance(value, bool):
        return value
    if value is None or (value == "" and not empty):
        return False
    no_files(value, name)
    return str(value).strip().lower() in _TRUE


def _section(payload: Payload, *names: str, required: bool = True) -> dict[str, Any]:
    for name in names:
        if name in payload:
            value = payload[name]
            if not isinstance(value, dict):
                raise Invalid(f"{name} must be an object.", details={name: "must be an object"})
            return value
    if required:
        raise Invalid(f"Missing required parameter {names[0]}.", details={names[0]: "is required"})
    return {}


def _upload(
    value: Any, name: str, *, raw_text: bool = True, url_too: bool = False
) -> CvUpload | None:
    """An uploaded file; with ``raw_text`` (temporary_cv), a plain field is the seed's "RAW
    file" too. ``url_too``: the error says an http(s) URL is accepted as well."""
    if value is None or value == "":
        return None
    if isinstance(value, UploadedFile):
        return CvUpload(value.filename, value.content_type, value.data)
    if raw_text and isinstance(value, str):  # the seed's "RAW file" sent as a plain field
        return CvUpload(f"{name}.txt", "text/plain", value.encode())
    if url_too:
        raise Invalid(
            f"{name} must be a file or an http(s) URL.",
            details={name: "must be a file or an http(s) URL"},
        )
    raise Invalid(f"{name} must be a file.", details={name: "must be a file"})


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().startswith(("http://", "https://"))


def _fetch_document(request: Request, session: Session, url: str) -> CvUpload:
    """The file at ``url``, fetched through the SSRF guard (integrations/fetch.py: public
    addresses only, every redirect hop checked) with the documents' 10 MB cap and the
    configured timeout; Invalid (400, ``details.file``) when it cannot be had.

    The request's transaction is committed first (it has only read the key and the lead):
    no database lock is held while a remote server answers (SQLite transactions hold the
    write lock from their start)."""
    settings = _settings(request)
    session.commit()
    try:
        fetched = fetch_url(
            url,
            max_bytes=service.MAX_DOCUMENT_BYTES,
            timeout=settings.fetch_timeout_seconds,
            allow_loopback=settings.fetch_allow_loopback,
        )
    except FetchError as exc:
        reason = (
            "File is larger than 10 MB." if exc.message == "File is too large." else exc.message
        )
        raise Invalid(
            f"The file URL could not be fetched: {reason}",
            details={"file": f"could not be fetched: {reason}"},
        ) from None
    name = fetched.filename or "document"
    content_type = (fetched.content_type or "").split(";", 1)[0].strip().lower()
    if not content_type or content_type == "application/octet-stream":
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return CvUpload(name, content_type, fetched.data)


def _ids(value: Any, name: str) -> list[int]:
    """``1``, ``"1,2,3"``, ``["1", "2"]`` (``name[]``) or ``["1,2"]`` (``name[]=1,2``) as
    a list of ints."""
    if value is None or value == "":
        return []
    items: list[Any] = []
    for item in value if isinstance(value, list) else [str(value)]:
        items.extend(item.split(",") if isinstance(item, str) else [item])
    ids = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        number = _int(item.strip() if isinstance(item, str) else item, name)
        if number is not None:
            ids.append(number)
    return ids


def _day(value: Any, name: str, *, end: bool) -> datetime | None:
    """A ``DD-MM-YYYY`` day (UTC): its start, or for an end bound the next day's start
    (so the day is included)."""
    text = _text(value, f"filter[{name}]")
    if not text or not text.strip():
        return None
    try:
        day = datetime.strptime(text.strip(), "%d-%m-%Y").replace(tzinfo=UTC)
    except ValueError:
        raise Invalid(
            f"Invalid date for filter[{name}]: {text!r} (expected DD-MM-YYYY).",
            details={f"filter[{name}]": "expected DD-MM-YYYY"},
        ) from None
    if end and day.date() == date.max:
        return None  # through 31-12-9999: no end at all (the next day does not exist)
    return day + timedelta(days=1) if end else day


def _json(body: dict[str, Any]) -> Response:
    """A JSON response serialized by orjson (no response-model pass: searches return 12
    leads with free-form others, and FastAPI's encoder would cost more than the query);
    by the standard library's encoder when others holds an integer beyond 64 bits, which
    orjson does not write (kept exact, as docs/leads-api.md promises)."""
    try:
        content = orjson.dumps(body)
    except orjson.JSONEncodeError:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(content, media_type="application/json")


def _lead_response(message: str, lead: dict[str, Any], **extra: Any) -> Response:
    return _json({"message": message, "campaign_invitation": lead, **extra})


# --- Create -------------------------------------------------------------------------------


@router.post(
    f"{PREFIX}/campaigns/{{campaign_id}}/campaign_invitations",
    summary="Create a new lead",
)
def create_campaign_invitation(
    campaign_id: str,
    request: Request,
    session: SessionDep,
    key: LeadsCreateKeyDep,
    payload: PayloadDep,
) -> Response:
    """The lead with its id and PIN; a person already in the campaign gets
    ``Duplicate Candidate already exists`` and their existing lead."""
    lead = _section(payload, "campaign_invitation")
    raw_others = lead.get("others")
    if raw_others is not None and raw_others != "" and not isinstance(raw_others, dict):
        raise Invalid("others must be an object.", details={"others": "must be an object"})
    others = dict(raw_others or {})
    for name, value in lead.items():
        if name != "temporary_cv":
            no_files(value, name)
        if name not in LEAD_FIELDS and name not in others:
            others[name] = value
    data = LeadInput(
        first_name=_text(lead.get("first_name"), "first_name") or "",
        last_name=_text(lead.get("last_name"), "last_name") or "",
        email=_text(lead.get("email"), "email"),
        phone=_text(lead.get("user_phone_number"), "user_phone_number"),
        source=_text(lead.get("source"), "source") or _text(payload.get("source"), "source"),
        others=others,
        labels=service.label_change(lead.get("labels")),
        cv=_upload(lead.get("temporary_cv"), "temporary_cv"),
    )
    result = service.create_lead(
        session,
        key.company,
        campaign_id,
        data,
        actor_for(key),
        storage=_storage(request),
        pin_ttl_hours=_settings(request).pin_ttl_hours,
    )
    return _lead_response(CREATED if result.created else DUPLICATE, created_lead_json(result.lead))


# --- Search -------------------------------------------------------------------------------


@router.get(f"{PREFIX}/campaign_invitations", summary="Search leads")
def list_campaign_invitations(
    request: Request, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    """12 leads per page: ``{total, current_page, pages, candidates}``."""
    raw = _section(payload, "filter", required=False)

    def text(name: str) -> str | None:
        value = _text(raw.get(name), f"filter[{name}]")
        return value.strip() if value and value.strip() else None

    others = raw.get("others") or {}
    if not isinstance(others, dict) or any(isinstance(v, dict | list) for v in others.values()):
        raise Invalid("filter[others] must map attribute names to values.")
    campaign = raw.get("campaign_id")
    filters = LeadFilters(
        query=text("query"),
        campaign_ids=_ids(campaign, "filter[campaign_id]"),
        status=text("status_selected"),
        created_from=_day(raw.get("creation_start_date"), "creation_start_date", end=False),
        created_to=_day(raw.get("creation_end_date"), "creation_end_date", end=True),
        updated_from=_day(raw.get("updated_start_date"), "updated_start_date", end=False),
        updated_to=_day(raw.get("updated_end_date"), "updated_end_date", end=True),
        scheduled_from=_day(
            raw.get("scheduled_at_start_date"), "scheduled_at_start_date", end=False
        ),
        scheduled_to=_day(raw.get("scheduled_at_end_date"), "scheduled_at_end_date", end=True),
        source=text("source_selected"),
        label=text("label_selected"),
        location=text("location_selected"),
        resume=text("resume_selected"),
        completion_method=text("completion_method_selected"),
        others={str(k): str(v) for k, v in others.items() if str(v).strip()},
        sort_by=text("sort_by_selected") or "created_at",
    )
    page = _int(payload.get("page"), "page")
    page = 1 if page is None else page
    if not 1 <= page <= MAX_PAGE:
        raise Invalid(
            f"page must be 1 to {MAX_PAGE}.", details={"page": f"must be 1 to {MAX_PAGE}"}
        )
    with_answers = _bool(payload.get("include_answers"), "include_answers")
    result = search_leads(
        session, key.company_id, filters, page=page, per_page=PER_PAGE, with_answers=with_answers
    )
    views = service.lead_views(session, [(r.application, r.candidate, r.job) for r in result.items])
    candidates = [lead_json(v) for v in views]
    with_docs = _bool(payload.get("include_documents"), "include_documents")
    with_attachments = _bool(payload.get("include_attachments"), "include_attachments")
    if with_docs or with_attachments or with_answers:
        base_url = _settings(request).base_url
        files = service.files_by_lead(session, [v.application.id for v in views])
        for item, view in zip(candidates, views, strict=True):
            mine = files.get(view.application.id, [])
            if with_docs:
                item["documents"] = documents_json(base_url, mine)
            if with_attachments:
                item["attachments"] = attachments_json(base_url, mine)
            if with_answers:
                item["answers"] = answers_json(view, base_url, {f.id for f, _ in mine})
    return _json(
        {
            "total": result.total,
            "current_page": page,
            "pages": result.total_pages,
            "candidates": candidates,
        }
    )


# --- PINs (hireloop extension) --------------------------------------------------------------


@router.post(f"{PREFIX}/campaign_invitations/refresh_pins", summary="Refresh interview PINs")
def refresh_campaign_invitation_pins(
    request: Request, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    """New PINs for the leads ``campaign_invitation_ids`` (a list or ``1,2,3``); leads in
    No Response go back to the Inbox."""
    ids = _ids(payload.get("campaign_invitation_ids"), "campaign_invitation_ids")
    if not ids:
        raise Invalid(
            "campaign_invitation_ids is required.",
            details={"campaign_invitation_ids": "is required"},
        )
    if len(ids) > 1000:
        raise Invalid("At most 1000 leads at a time.")
    refreshed = refresh_pins(
        session, key.company_id, ids, _settings(request).pin_ttl_hours, actor_for(key)
    )
    if not refreshed:
        raise NotFound(service.LEAD_NOT_FOUND)
    return _json(
        {
            "message": "PIN refreshed",
            "campaign_invitations": [
                {"id": a.id, "pin": a.pin, "pin_expires_at": iso(a.pin_expires_at)}
                for a in sorted(refreshed, key=lambda a: a.id)
            ],
            "not_found": sorted(set(ids) - {a.id for a in refreshed}),
        }
    )


# --- One lead -------------------------------------------------------------------------------


@router.patch(f"{PREFIX}/campaign_invitations/{{lead_id}}", summary="Update a lead's details")
def update_campaign_invitation(
    lead_id: int, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    """Names, email, phone, source, others (merged) and labels; all or nothing."""
    fields = _section(payload, "candidate", "campaign_invitation")
    for name, value in fields.items():
        no_files(value, name)  # as on create: no field of a lead's details is a file
    data = LeadUpdate(
        first_name=_text(fields.get("first_name"), "first_name"),
        last_name=_text(fields.get("last_name"), "last_name"),
        email=_text(fields.get("email"), "email"),
        phone=_text(fields.get("user_phone_number"), "user_phone_number"),
        source=_text(fields.get("source"), "source"),
        others=fields.get("others"),
        labels=service.label_change(fields.get("labels")),
    )
    view = service.update_lead(session, key.company, lead_id, data, actor_for(key))
    return _lead_response(UPDATED, lead_json(view))


@router.post(
    f"{PREFIX}/campaign_invitations/{{lead_id}}/comments", summary="Create a comment for a lead"
)
def comment_campaign_invitation(
    lead_id: int, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    fields = _section(payload, "comment", required=False) or payload
    comment = service.add_comment(
        session,
        key.company_id,
        lead_id,
        _text(fields.get("manager_email"), "manager_email"),
        _text(fields.get("content"), "content"),
    )
    return _json(
        {
            "message": "Comment was created.",
            "comment": {
                "id": comment.id,
                "campaign_invitation_id": comment.application_id,
                "candidate_id": comment.candidate_id,
                # The manager's address as stored (the lookup ignores case and spaces).
                "manager_email": (fields.get("manager_email") or "").strip().lower(),
                "author_name": comment.author_name,
                "content": comment.body,
                "created_at": iso(comment.created_at),
            },
        }
    )


@router.put(
    f"{PREFIX}/campaign_invitations/{{lead_id}}/move",
    summary="Move a lead to a folder of this or another campaign",
)
def move_campaign_invitation(
    lead_id: int, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    folder_id = _int(payload.get("folder_id"), "folder_id")
    if folder_id is None:
        raise Invalid("folder_id is required.", details={"folder_id": "is required"})
    try:
        folder, custom_folder_id = parse_folder_id(folder_id)
    except KeyError:
        service.get_lead(session, key.company_id, lead_id)  # an unknown lead is 404 first
        raise NotFound(service.FOLDER_NOT_FOUND) from None
    # An id or a campaign's UUID, as elsewhere; anything else is an unknown campaign (404).
    campaign_id = _text(payload.get("campaign_id"), "campaign_id")
    view = service.move_lead(
        session,
        key.company_id,
        lead_id,
        actor_for(key),
        folder=folder,
        custom_folder_id=custom_folder_id,
        campaign_id=campaign_id.strip() if campaign_id and campaign_id.strip() else None,
        reason=_text(payload.get("reason"), "reason"),
    )
    return _lead_response("Candidate was moved to campaign.", lead_json(view))


@router.put(
    f"{PREFIX}/campaign_invitations/{{lead_id}}/reassign",
    summary="Reassign a lead to another user",
)
def reassign_campaign_invitation(
    lead_id: int, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    """``assignee_email`` of a manager, or ``automatic`` (round robin)."""
    view, user = service.reassign_lead(
        session,
        key.company_id,
        lead_id,
        _text(payload.get("assignee_email"), "assignee_email"),
        actor_for(key),
    )
    return _lead_response(
        "Campaign Invitation reassigned successfully.",
        lead_json(view),
        assignee={"id": user.id, "email": user.email, "name": user.name},
    )


@router.put(
    f"{PREFIX}/campaign_invitations/{{lead_id}}/documents",
    summary="Attach a document to a lead",
)
def attach_campaign_invitation_document(
    lead_id: int,
    request: Request,
    session: SessionDep,
    key: LeadsKeyDep,
    payload: PayloadDep,
) -> Response:
    """Multipart ``file``, or an http(s) URL fetched by the server; ``document_tag_id``
    (wins) or ``document_tag_name`` (created when missing)."""
    value = payload.get("file")
    if _is_url(value):
        service.get_lead(session, key.company_id, lead_id)  # an unknown lead is 404 first
        upload = _fetch_document(request, session, value.strip())
    else:
        upload = _upload(value, "file", raw_text=False, url_too=True)
    file, tag = service.attach_document(
        session,
        key.company_id,
        lead_id,
        upload,
        storage=_storage(request),
        tag_id=_int(payload.get("document_tag_id"), "document_tag_id"),
        tag_name=_text(payload.get("document_tag_name"), "document_tag_name"),
    )
    return _json(
        {
            "message": "Document attached successfully to candidate",
            "document": {
                "id": tag.id,
                "created_at": iso(tag.created_at),
                "tag": tag.name,
                "files": [file_json(_settings(request).base_url, file)],
            },
        }
    )


@router.get(
    f"{PREFIX}/campaign_invitations/{{lead_id}}/files/{{file_id}}",
    summary="Download a file of a lead",
)
def download_campaign_invitation_file(
    lead_id: int, file_id: int, request: Request, session: SessionDep, key: LeadsKeyDep
) -> Response:
    """The bytes of a lead's CV or document (the ``url`` of documents and attachments)."""
    file = service.lead_file(session, key.company_id, lead_id, file_id)
    try:
        data = _storage(request).get(file.storage_key)
    except FileNotFoundError:
        raise NotFound(service.FILE_NOT_FOUND) from None
    return Response(
        data,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.put(
    f"{PREFIX}/campaign_invitations/{{lead_id}}/{{status}}", summary="Change a lead's status"
)
def change_campaign_invitation_status(
    lead_id: int, status: str, session: SessionDep, key: LeadsKeyDep, payload: PayloadDep
) -> Response:
    """complete, shortlist, on_hold, reject, hire, or custom with ``folder=<name>`` (or
    ``name=<name>``);
    optional ``reason`` and ``notify`` (send the campaign's message for the folder)."""
    view = service.change_status(
        session,
        key.company_id,
        lead_id,
        status,
        actor_for(key),
        # The reference's parameter list says ``folder``, its description ``name``: both
        # are read, ``folder`` winning when both are sent.
        folder_name=_folder_name(payload),
        reason=_text(payload.get("reason"), "reason"),
        notify=_bool(payload.get("notify"), "notify", empty=False),
    )
    return _lead_response(UPDATED, lead_json(view))


def _folder_name(payload: Payload) -> str | None:
    folder = _text(payload.get("folder"), "folder")
    if folder is not None and folder.strip():
        return folder
    return _text(payload.get("name"), "name") or folder
