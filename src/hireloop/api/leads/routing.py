"""The routers of the Talkpush face: every GET route answers HEAD too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter


class LeadsRouter(APIRouter):
    """An APIRouter whose GET routes answer HEAD as well, as RFC 9110 asks (the same
    status and headers; the server sends no body) and as the career-site face's
    ``_get`` routes do: a monitor or a proxy probing ``HEAD /campaign_invitations`` finds
    the endpoint instead of ``404 Route not found``. HEAD stays out of the OpenAPI
    document (it is no second operation)."""

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: set[str] | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().add_api_route(path, endpoint, methods=methods, **kwargs)
        if methods is not None and "GET" in {m.upper() for m in methods}:
            kwargs["include_in_schema"] = False
            super().add_api_route(path, endpoint, methods=["HEAD"], **kwargs)
