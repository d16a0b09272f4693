"""Registers the Partner API's error format for paths under /v1/partner."""

from __future__ import annotations

from hireloop.api.faces import Face
from hireloop.api.partner import errors

PREFIX = "/v1/partner"


def _domain_error(exc):  # type: ignore[no-untyped-def]
    if exc.kind == "unauthorized":
        return errors.error_response(
            401, "UNAUTHORIZED", "authentication_error", "Missing or invalid API key."
        )
    return errors.domain_error_response(exc)


face = Face(
    prefix=PREFIX,
    domain_error=_domain_error,
    validation_error=lambda errs: errors.validation_error_response(errs, strip=1),
    malformed_body=errors.invalid_request,
    not_found=errors.not_found_route,
    internal_error=errors.internal_error,
)
