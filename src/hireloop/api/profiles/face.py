"""Registers the profiles face's error format for paths under /soap/profiles/v1."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from hireloop.api.faces import Face
from hireloop.api.profiles import errors
from hireloop.errors import DomainError

PREFIX = "/soap/profiles/v1"
TOKEN_PATH = PREFIX + "/oauth/token"


def _check_credentials(request: Request) -> Response | None:
    """A bad ``OAUTH`` token is reported before a bad body. The token call itself takes
    client credentials in its body, so it has nothing to check here."""
    if request.url.path.rstrip("/") == TOKEN_PATH:
        return None
    from hireloop.api.profiles.routes import oauth_token

    session = request.app.state.session_factory()
    try:
        oauth_token(request, session)
    except DomainError as exc:
        return errors.domain_error_response(exc)
    finally:
        session.close()
    return None


face = Face(
    prefix=PREFIX,
    domain_error=errors.domain_error_response,
    validation_error=errors.body_required,
    malformed_body=errors.invalid_request,
    not_found=errors.not_found_route,
    internal_error=errors.internal_error,
    check_credentials=_check_credentials,
)
