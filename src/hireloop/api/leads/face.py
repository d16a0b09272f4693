"""Registers the Talkpush error format for paths under /api/talkpush_services."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from hireloop.api.faces import Face
from hireloop.api.leads import errors
from hireloop.api.leads.auth import PREFIX, leads_key
from hireloop.errors import DomainError


def _check_credentials(request: Request) -> Response | None:
    # Only the query string is known here (the body may not have been read): a key sent
    # in the body is checked by the route itself.
    if not request.query_params.get("api_key"):
        return None
    session = request.app.state.session_factory()
    try:
        leads_key(request, session)
    except DomainError as exc:
        return errors.domain_error_response(exc)
    finally:
        session.close()
    return None


face = Face(
    prefix=PREFIX,
    domain_error=errors.domain_error_response,
    validation_error=errors.validation_error,
    malformed_body=errors.malformed_body,
    not_found=errors.not_found_route,
    internal_error=errors.internal_error,
    check_credentials=_check_credentials,
)
