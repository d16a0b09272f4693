"""Talkpush face: company data — custom folders, labels, managers, movement reasons and
document tags (see docs/campaigns.md)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from hireloop.api.deps import SessionDep
from hireloop.api.leads.auth import PREFIX, LeadsKeyDep
from hireloop.api.leads.campaign_routes import (
    custom_folder_json,
    system_folders_json,
    timestamp,
)
from hireloop.api.leads.payload import Payload, PayloadDep, no_files
from hireloop.api.leads.routing import LeadsRouter
from hireloop.domain.applications import document_tags, folders, labels, reasons
from hireloop.domain.companies import managers
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.pagination import Page
from hireloop.errors import Conflict, Invalid

router = LeadsRouter(prefix=PREFIX, tags=["Leads (Talkpush): company"])

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


def _positive_int(payload: Payload, name: str, default: int) -> int:
    raw = payload.get(name)
    if raw is None or raw == "":
        return default
    text = str(raw).strip() if isinstance(raw, str | int) else ""
    if not is_ascii_digits(text) or len(text) > 9 or int(text) < 1:
        raise Invalid(
            f"Parameter '{name}' must be a positive integer.",
            details={name: "must be a positive integer"},
        )
    return int(text)


def paging(payload: Payload) -> tuple[int, int]:
    """``page`` (from 1) and ``per_page`` (default 25, capped at 100); 400 otherwise."""
    page = _positive_int(payload, "page", 1)
    per_page = min(_positive_int(payload, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return page, per_page


def paged(body: dict[str, Any], page: Page[Any]) -> JSONResponse:
    return JSONResponse(
        body,
        headers={"X-Total-Count": str(page.total), "X-Page-Count": str(page.total_pages)},
    )


def _optional_string(payload: Payload, name: str) -> str | None:
    value = payload.get(name)
    if value is not None and not isinstance(value, str):
        raise Invalid(f"Parameter '{name}' must be a string.", details={name: "must be a string"})
    return value.strip() if value and value.strip() else None


def _flag(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", ""):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise Invalid(f"Parameter {name} must be true or false.", details={name: "must be a boolean"})


# --- folders ------------------------------------------------------------------------------


@router.get("/company/folders", summary="The company's folders (system and custom)")
def list_folders(key: LeadsKeyDep, session: SessionDep) -> dict[str, Any]:
    custom = folders.list_custom_folders(session, key.company_id)
    return {"folders": system_folders_json() + [custom_folder_json(f) for f in custom]}


@router.post("/company/folders", summary="Create a custom folder")
def create_folder(key: LeadsKeyDep, session: SessionDep, payload: PayloadDep) -> dict[str, Any]:
    data = payload.get("folder")
    if not isinstance(data, dict):
        raise Invalid("Parameter folder is required.", details={"folder": "is required"})
    # A field of the body: an empty value is no value (false), unlike presence flags.
    raw = data.get("default")
    blank = raw is None or (isinstance(raw, str) and not raw.strip())
    default = False if blank else _flag(raw, "folder.default")
    name = data.get("folder_name")
    no_files(name, "folder.folder_name")
    try:
        # A savepoint: a concurrent create of the same name (any case) fails this insert
        # alone, on the unique index of (company_id, lower(name)), and answers 409 as the
        # check before it does.
        with session.begin_nested():
            folder = folders.create_custom_folder(session, key.company_id, name, default=default)
    except IntegrityError:
        clean = folders.clean_folder_name(name)
        raise Conflict(f"A folder with name {clean} already exists.") from None
    return {
        "message": "Custom Folder was created successfully",
        "folder": custom_folder_json(folder),
    }


# --- labels -------------------------------------------------------------------------------


def _label_json(label: Any) -> dict[str, Any]:
    return {
        "id": label.id,
        "name": label.name,
        "created_at": timestamp(label.created_at),
        "updated_at": timestamp(label.updated_at),
    }


@router.get("/company/labels", summary="The company's labels")
def list_labels(key: LeadsKeyDep, session: SessionDep, payload: PayloadDep) -> JSONResponse:
    name = _optional_string(payload, "name")
    page, per_page = paging(payload)
    result = labels.list_labels(session, key.company_id, name=name, page=page, per_page=per_page)
    return paged({"labels": [_label_json(label) for label in result.items]}, result)


@router.post("/company/labels", summary="Create a label", status_code=201)
def create_label(key: LeadsKeyDep, session: SessionDep, payload: PayloadDep) -> JSONResponse:
    data = payload.get("label")
    name = data.get("name") if isinstance(data, dict) else None
    no_files(name, "label.name")
    if not isinstance(name, str):
        raise Invalid("Parameter label.name is required.", details={"label.name": "is required"})
    label = labels.create_label(session, key.company_id, name)
    return JSONResponse({"label": _label_json(label)}, status_code=201)


# --- managers, movement reasons, document tags ---------------------------------------------


@router.get("/managers", summary="The company's active managers")
def list_managers(key: LeadsKeyDep, session: SessionDep, payload: PayloadDep) -> JSONResponse:
    name = _optional_string(payload, "name")
    role = _optional_string(payload, "role")
    page, per_page = paging(payload)
    result = managers.list_managers(
        session, key.company_id, role=role, name=name, page=page, per_page=per_page
    )
    body = {
        "managers": [
            {
                "id": user.id,
                "name": managers.display_name(user),
                "email": user.email,
                "role": user.role,
            }
            for user in result.items
        ]
    }
    return paged(body, result)


@router.get("/movement_reasons", summary="Shortlist and reject reasons")
def list_movement_reasons(
    key: LeadsKeyDep, session: SessionDep, payload: PayloadDep
) -> JSONResponse:
    kind = reasons.check_type(payload.get("type"))
    page, per_page = paging(payload)
    result = reasons.list_reasons(session, key.company_id, type=kind, page=page, per_page=per_page)
    body = {
        "movement_reasons": [
            {"id": r.id, "name": reasons.display_name(r.name), "type": r.type} for r in result.items
        ]
    }
    return paged(body, result)


@router.get("/document_tags", summary="The company's document tags")
def list_document_tags(
    key: LeadsKeyDep, session: SessionDep, payload: PayloadDep
) -> dict[str, Any]:
    include_default = "include_default" in payload and _flag(
        payload.get("include_default"), "include_default"
    )
    tags = document_tags.list_document_tags(
        session, key.company_id, include_default=include_default
    )
    return {
        "document_tags": [
            {
                "id": tag.id,
                "name": tag.name,
                "category": document_tags.category(tag),
                "instruction": "",
                "created_at": timestamp(tag.created_at),
                "updated_at": timestamp(tag.created_at),
            }
            for tag in tags
        ]
    }
