"""Authentication of the Talkpush face: ``api_key`` (and ``api_secret``) in the query string
or in the body.

The seed's create call marks both mandatory: creating a lead with a key that was issued
with a secret needs the secret too. A key issued without one (for Talkpush's v2 clients,
which send ``api_key`` alone) works by itself. Every other call checks the secret only when
the client sends one."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from hireloop.api.deps import SessionDep
from hireloop.api.leads.payload import Payload, PayloadDep
from hireloop.domain.actor import Actor
from hireloop.domain.companies.models import ApiKey
from hireloop.domain.companies.service import authenticate_api_key
from hireloop.errors import Unauthorized

PREFIX = "/api/talkpush_services"


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def leads_key(
    request: Request,
    session: Session,
    payload: Payload | None = None,
    *,
    secret_required: bool = False,
) -> ApiKey:
    """The active key of scope ``leads`` (or ``all``); 401 when missing or wrong, 403 when
    its company is inactive. With ``secret_required``, a key that has a secret must come
    with it."""
    raw = _text(request.query_params.get("api_key"))
    secret = _text(request.query_params.get("api_secret"))
    if payload is not None:
        raw = _text(payload.get("api_key")) or raw
        secret = _text(payload.get("api_secret")) or secret
    if raw is None:
        raise Unauthorized("Missing api_key.")
    key = authenticate_api_key(session, raw, scope="leads", secret=secret)
    if secret_required and secret is None and key.secret_hash is not None:
        raise Unauthorized("Missing api_secret.")
    return key


def _leads_key_dep(request: Request, session: SessionDep, payload: PayloadDep) -> ApiKey:
    return leads_key(request, session, payload)


def _leads_key_with_secret_dep(
    request: Request, session: SessionDep, payload: PayloadDep
) -> ApiKey:
    return leads_key(request, session, payload, secret_required=True)


LeadsKeyDep = Annotated[ApiKey, Depends(_leads_key_dep)]
# Lead creation: the seed lists api_key and api_secret as mandatory.
LeadsCreateKeyDep = Annotated[ApiKey, Depends(_leads_key_with_secret_dep)]


def actor_for(key: ApiKey) -> Actor:
    return Actor("api_key", key.id)
