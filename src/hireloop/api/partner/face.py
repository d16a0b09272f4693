"""Registers the Partner API's error format for paths under /v1/partner."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from hireloop.api.faces import Face
from hireloop.api.partner import errors
from hireloop.errors import DomainError

PREFIX = "/v1/partner"


def _domain_error(exc):  # type: ignore[no-untyped-def]
    if exc.kind == "unauthorized":
        return errors.error_response(
            401, "UNAUTHORIZED", "authentication_error", "Missing or invalid API key."
        )
    return errors.domain_error_response(exc)


def _check_credentials(request: Request) -> Response | None:
    from hireloop.api.partner.routes import bearer_key

    session = request.app.state.session_factory()
    try:
        bearer_key(request, session)
    except DomainError as exc:
        return _domain_error(exc)
    finally:
        session.close()
    return None


face = Face(
    prefix=PREFIX,
    domain_error=_domain_error,
    validation_error=lambda errs: errors.validation_error_response(errs, strip=1),
    malformed_body=errors.invalid_request,
    not_found=errors.not_found_route,
    internal_error=errors.internal_error,
    check_credentials=_check_credentials,
)
