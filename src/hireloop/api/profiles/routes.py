"""The profiles face (Talemetry "Candidate XML"), mounted at /soap/profiles/v1.

``POST /soap/profiles/v1/oauth/token`` exchanges an API user's client ID and secret for an
access token; ``POST /soap/profiles/v1`` with ``Authorization: OAUTH <token>`` returns
candidates as HR-XML documents. See docs/profiles-api.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from hireloop.api.deps import SessionDep
from hireloop.api.profiles.face import PREFIX
from hireloop.domain.companies.models import AccessToken
from hireloop.domain.companies.tokens import (
    DEFAULT_LIFETIME,
    authenticate_access_token,
    exchange_client_credentials,
)
from hireloop.domain.resumes.hrxml import INCLUDE_OPTIONS, candidate_document, load_profiles
from hireloop.errors import Invalid, Unauthorized

MAX_IDS = 100
SCHEME = "OAUTH"

router = APIRouter(prefix=PREFIX, tags=["Profiles API (Talemetry)"])


# --- Authentication -------------------------------------------------------------------


def oauth_token(request: Request, session: Session) -> AccessToken:
    """The access token of the ``Authorization: OAUTH <token>`` header, or a DomainError."""
    scheme, _, raw = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.upper() != SCHEME or not raw.strip():
        raise Unauthorized('Missing or malformed Authorization header: send "OAUTH <token>".')
    return authenticate_access_token(session, raw.strip(), scope="profiles")


def profiles_token(request: Request, session: SessionDep) -> AccessToken:
    return oauth_token(request, session)


TokenDep = Annotated[AccessToken, Depends(profiles_token)]


# --- Token call -----------------------------------------------------------------------


async def _token_fields(request: Request) -> dict[str, Any]:
    """client_id / client_secret / grant_type from a JSON or form body, or HTTP Basic."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, Any] = {}
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.form()
        except Exception as exc:  # noqa: BLE001 - any unreadable form is the client's fault
            raise Invalid("Malformed form body.") from exc
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    else:
        raw = await request.body()
        if raw.strip():
            try:
                data = json.loads(raw)
            except (ValueError, RecursionError) as exc:  # also not UTF-8, or nested too deep
                raise Invalid("Malformed JSON in request body.") from exc
            if not isinstance(data, dict):
                raise Invalid("Request body must be a JSON object.")
            fields = data
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Unauthorized("Invalid client credentials.") from exc
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise Unauthorized("Invalid client credentials.")
        fields = {**fields, "client_id": unquote(client_id), "client_secret": unquote(secret)}
    return fields


def _required_text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None or value == "":
        raise Invalid(f'"{name}" is required.')
    if not isinstance(value, str):
        raise Invalid(f'"{name}" must be a string.')
    return value


_TOKEN_REQUEST_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            media: {
                "schema": {
                    "type": "object",
                    "required": ["client_id", "client_secret"],
                    "properties": {
                        "client_id": {
                            "type": "string",
                            "description": "An API key of scope profiles (or all).",
                        },
                        "client_secret": {"type": "string", "description": "That key's secret."},
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                    },
                }
            }
            for media in ("application/json", "application/x-www-form-urlencoded")
        },
    }
}


@router.post(
    "/oauth/token",
    summary="Get an access token (client ID + secret key)",
    description="Exchanges an API user's client ID and secret for an access token to send as "
    "`Authorization: OAUTH <access_token>`. JSON or form body; HTTP Basic also accepted.",
    openapi_extra=_TOKEN_REQUEST_DOC,
)
def issue_token(
    fields: Annotated[dict[str, Any], Depends(_token_fields)], session: SessionDep
) -> JSONResponse:
    grant_type = fields.get("grant_type")
    if grant_type not in (None, "", "client_credentials"):
        raise Invalid('Unsupported "grant_type": use "client_credentials".')
    client_id = _required_text(fields, "client_id")
    client_secret = _required_text(fields, "client_secret")
    token, expires_in = exchange_client_credentials(
        session, client_id, client_secret, DEFAULT_LIFETIME
    )
    return JSONResponse(
        {"access_token": token, "token_type": SCHEME, "expires_in": expires_in},
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


# --- Candidate XML --------------------------------------------------------------------


def _guids(body: dict[str, Any]) -> list[str]:
    """The canonical GUIDs asked for, in order, each once. Values that are strings but not
    GUIDs cannot name a candidate: they are skipped like unknown GUIDs."""
    if "ids" not in body or body["ids"] is None:
        raise Invalid('"ids" is required.')
    ids = body["ids"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Invalid('"ids" must be an array of candidate GUIDs.')
    if len(ids) > MAX_IDS:
        raise Invalid(f'"ids" must contain at most {MAX_IDS} GUIDs.')
    out: list[str] = []
    for raw in ids:
        try:
            out.append(str(uuid.UUID(raw.strip())))
        except ValueError:
            continue
    return list(dict.fromkeys(out))


def _include(body: dict[str, Any]) -> frozenset[str] | None:
    include = body.get("include")
    if include is None:
        return None
    if not isinstance(include, list) or not all(isinstance(i, str) for i in include):
        raise Invalid('"include" must be an array of strings.')
    asked = frozenset(i.strip().lower() for i in include)
    unknown = sorted(asked - frozenset(INCLUDE_OPTIONS))
    if unknown:
        raise Invalid(
            f'Unknown include option "{unknown[0]}". Allowed: {", ".join(INCLUDE_OPTIONS)}.'
        )
    return asked


_EXAMPLE = {
    "ids": ["fb2270a0-a120-11ef-a2d8-e203fa7852fa"],
    "include": ["notes", "tags", "custom_data"],
}


@router.post(
    "",
    summary="Fetch candidates' Candidate XML (HR-XML as JSON) by GUID",
    description="Up to 100 candidate GUIDs. Without `include`, every block; with it, "
    "ContactInfo plus the asked blocks (" + ", ".join(INCLUDE_OPTIONS) + "). "
    "GUIDs that are unknown or belong to another company are left out of `Candidates`.",
)
def fetch_profiles(
    body: Annotated[Any, Body(examples=[_EXAMPLE])], token: TokenDep, session: SessionDep
) -> dict[str, Any]:
    if isinstance(body, bytes):
        # Sent without a JSON content type (the seed's header table lists none; curl -d
        # sends a form's), FastAPI leaves the body unread: it is still JSON.
        try:
            body = json.loads(body) if body.strip() else None
        except (ValueError, RecursionError):
            raise Invalid("Malformed JSON in request body.") from None
    if not isinstance(body, dict):
        raise Invalid("Request body must be a JSON object.")
    ids = _guids(body)
    include = _include(body)
    profiles = load_profiles(session, token.company_id, ids, include)
    return {"result": {"Candidates": [candidate_document(p, include) for p in profiles]}}
