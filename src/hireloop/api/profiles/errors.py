"""The profiles face's error format. Talemetry documents none, so hireloop uses one small
envelope for every failure: ``{"error": {"code": "...", "message": "..."}}``."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from hireloop.errors import DomainError

# kind -> (HTTP status, code)
_KINDS: dict[str, tuple[int, str]] = {
    "invalid": (400, "INVALID_REQUEST"),
    "conflict": (400, "INVALID_REQUEST"),
    "unauthorized": (401, "UNAUTHORIZED"),
    "forbidden": (403, "FORBIDDEN"),
    "not_found": (404, "NOT_FOUND"),
    "rate_limited": (429, "RATE_LIMITED"),
}


def error_response(status: int, code: str, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "OAUTH"} if status == 401 else None
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def domain_error_response(exc: DomainError) -> JSONResponse:
    status, code = _KINDS.get(exc.kind, (400, "INVALID_REQUEST"))
    return error_response(status, code, exc.message)


def invalid_request(message: str) -> JSONResponse:
    return error_response(400, "INVALID_REQUEST", message)


def body_required(_errors: object = None) -> JSONResponse:
    """The framework's own validation can only fail on a missing body."""
    return invalid_request("Request body must be a JSON object.")


def not_found_route() -> JSONResponse:
    return error_response(404, "NOT_FOUND", "Resource not found.")


def internal_error() -> JSONResponse:
    return error_response(500, "INTERNAL_ERROR", "An unexpected error occurred.")
