"""Talkpush's error format: ``{"error": "<code>", "message": "..."}`` (plus ``details``
where the reference documents it, e.g. ``invalid_tokens``)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

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


def validation_error(errors: list[dict[str, Any]]) -> JSONResponse:
    """A request FastAPI could not validate (path or query types): 400 with the fields."""
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
