"""Registers the Talqo error format for paths under /api/job_offers and
/api/job_applications (two prefixes, one format)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from hireloop.api.careers import errors
from hireloop.api.faces import Face
from hireloop.errors import DomainError

OFFERS_PREFIX = "/api/job_offers"
APPLICATIONS_PREFIX = "/api/job_applications"


def _check_credentials(request: Request) -> Response | None:
    from hireloop.api.careers.routes import career_key

    session = request.app.state.session_factory()
    try:
        career_key(request, session)
    except DomainError as exc:
        return errors.domain_error_response(exc)
    finally:
        session.close()
    return None


def _face(prefix: str) -> Face:
    return Face(
        prefix=prefix,
        domain_error=errors.domain_error_response,
        validation_error=errors.validation_error,
        malformed_body=errors.invalid_request,
        not_found=errors.not_found_route,
        internal_error=errors.internal_error,
        check_credentials=_check_credentials,
    )


offers_face = _face(OFFERS_PREFIX)
applications_face = _face(APPLICATIONS_PREFIX)
faces = (offers_face, applications_face)
