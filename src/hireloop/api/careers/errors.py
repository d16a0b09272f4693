"""Talqo's error format: ``{"status": "error", "data": null, "message": "..."}``."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from hireloop.errors import DomainError

# DomainError.kind -> HTTP status. CVValidationError is "invalid" (400); ExtractionError is
# "unprocessable", which the seed answers with 500 ("Failed to extract text from CV: …").
_STATUS: dict[str, int] = {
    "invalid": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "unprocessable": 500,
    "server_error": 500,
}

API_KEY_REQUIRED = "API key is required"
INVALID_API_KEY = "Invalid API key"
INVALID_MULTIPART = "Invalid multipart payload"
UNSUPPORTED_CONTENT_TYPE = (
    'Unsupported Content-Type. Use multipart/form-data with the CV as a file in the "cv" field.'
)
INTERNAL_ERROR = "Internal server error"
ROUTE_NOT_FOUND = "Route not found"


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"status": "error", "data": None, "message": message},
        status_code=status,
        headers=headers,
    )


def domain_error_response(exc: DomainError) -> JSONResponse:
    status = _STATUS.get(exc.kind, 400)
    headers: dict[str, str] | None = None
    if exc.kind == "rate_limited":
        retry_after = getattr(exc, "retry_after", None)
        limit = getattr(exc, "limit", None)
        headers = {"Retry-After": str(retry_after or 60)}
        if limit is not None:
            headers.update({"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0"})
    return error_response(status, exc.message, headers)


def invalid_request(message: str) -> JSONResponse:
    return error_response(400, message)


def validation_error(_errors: list[dict[str, Any]]) -> JSONResponse:
    """The routes parse their own input; a framework validation error is a bad request."""
    return error_response(400, "Invalid request")


def not_found_route() -> JSONResponse:
    return error_response(404, ROUTE_NOT_FOUND)


def internal_error() -> JSONResponse:
    return error_response(500, INTERNAL_ERROR)


def success(data: Any, status: int = 200, **extra: Any) -> JSONResponse:
    return JSONResponse({"status": "success", "data": data, **extra}, status_code=status)
