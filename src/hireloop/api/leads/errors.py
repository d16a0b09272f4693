"""Talkpush's error format: ``{"error": "<code>", "message": "..."}`` (plus ``details``
where the reference documents it, e.g. ``invalid_tokens``)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from hireloop.domain.leads.service import CAMPAIGN_NOT_FOUND, FILE_NOT_FOUND, LEAD_NOT_FOUND
from hireloop.domain.messaging.library import TEMPLATE_NOT_FOUND
from hireloop.errors import DomainError

# DomainError.kind -> (HTTP status, error code).
_STATUS: dict[str, tuple[int, str]] = {
    "invalid": (400, "bad_request"),
    "unauthorized": (401, "unauthorized"),
    "forbidden": (403, "forbidden"),
    "not_found": (404, "not_found"),
    "conflict": (409, "conflict"),
    "unsupported_media_type": (415, "unsupported_media_type"),
    "unprocessable_entity": (422, "unprocessable_entity"),
    "rate_limited": (429, "too_many_requests"),
    "unprocessable": (422, "unprocessable_entity"),
    "server_error": (500, "internal_server_error"),
}


def error_response(
    status: int, error: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "message": message}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status)


def domain_error_response(exc: DomainError) -> JSONResponse:
    status, code = _STATUS.get(exc.kind, (400, "bad_request"))
    code = getattr(exc, "code", None) or code
    details: dict[str, Any] = {}
    details.update(exc.details)
    details.update(getattr(exc, "data", None) or {})
    return error_response(status, code, exc.message, details or None)


# The 404 of each integer id of the face's paths. An id that is not one (``abc``) names
# nothing, as an unknown id does: the same answer (the reference lists only the 404),
# not a 400 about its type. tests/api/leads/test_path_ids.py checks every route's ids.
PATH_NOT_FOUND = {
    "lead_id": LEAD_NOT_FOUND,
    "file_id": FILE_NOT_FOUND,
    "campaign_id": CAMPAIGN_NOT_FOUND,
    "template_id": TEMPLATE_NOT_FOUND,
}


def validation_error(errors: list[dict[str, Any]]) -> JSONResponse:
    """A request FastAPI could not validate: a path id that is not one is the 404 of an
    unknown id (the first one in the path); anything else 400 with the fields."""
    for e in errors:
        loc = tuple(e.get("loc", ()))
        if len(loc) == 2 and loc[0] == "path" and loc[1] in PATH_NOT_FOUND:
            return error_response(404, "not_found", PATH_NOT_FOUND[str(loc[1])])
    fields = {
        ".".join(str(p) for p in e.get("loc", ())[1:]) or "request": str(e.get("msg", "invalid"))
        for e in errors
    }
    first = next(iter(fields.items()))
    return error_response(400, "bad_request", f"Invalid parameter {first[0]}: {first[1]}", fields)


def malformed_body(message: str) -> JSONResponse:
    return error_response(400, "bad_request", message)


def not_found_route() -> JSONResponse:
    return error_response(404, "not_found", "Route not found")


def internal_error() -> JSONResponse:
    return error_response(500, "internal_server_error", "Internal server error")
