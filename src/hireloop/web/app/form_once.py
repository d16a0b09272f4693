"""One-time form nonces: a double-clicked (or re-sent) form does its work once.

Every page rendered by ``pages.render`` carries a fresh random ``form_nonce`` that the
forms which create or send something post in a hidden field (the manual and CV add
forms, the campaign view's bulk actions). The first post with a nonce stores what it
answered in an ``IdempotentRequest`` row (the API's idempotency table, keyed
``web:<nonce>:<hash of the endpoint and the form>`` for the company); the same post again
finds the row and answers the same thing without doing anything (no second lead, no
Duplicate label, no second invitation). A post without a nonce (an older page) works as
before. On PostgreSQL the key is locked for the transaction, so two posts racing each
other are served one after the other.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from hireloop.db import insert_for
from hireloop.domain.audit.models import IdempotentRequest
from hireloop.web.security import CSRF_FIELD

FIELD = "form_nonce"
_NONCE = re.compile(r"^[0-9a-f]{32}$")


def new_nonce() -> str:
    return uuid.uuid4().hex


def nonce_of(form: FormData) -> str | None:
    value = form.get(FIELD)
    return value if isinstance(value, str) and _NONCE.match(value) else None


def form_hash(endpoint: str, form: FormData) -> str:
    """SHA-256 of the endpoint and the posted fields (files by name and content; the CSRF
    token, which changes with every page, left out)."""
    digest = hashlib.sha256(endpoint.encode())
    for name, value in sorted(
        form.multi_items(), key=lambda item: (item[0], isinstance(item[1], UploadFile))
    ):
        if name in (CSRF_FIELD, FIELD):
            continue
        digest.update(b"\0" + name.encode() + b"\0")
        if isinstance(value, UploadFile):
            digest.update((value.filename or "").encode() + b"\0")
            value.file.seek(0)
            while chunk := value.file.read(1024 * 1024):
                digest.update(chunk)
            value.file.seek(0)
        else:
            digest.update(value.encode())
    return digest.hexdigest()


def _key(nonce: str, request_hash: str) -> str:
    return f"web:{nonce}:{request_hash}"


def replay(
    session: Session, company_id: int, nonce: str, endpoint: str, request_hash: str
) -> tuple[int, dict[str, Any]] | None:
    """(status, body) answered to this very post before, or None for a first post."""
    key = _key(nonce, request_hash)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:company, hashtext(:key))"),
            {"company": company_id, "key": "idempotency:" + key},
        )
    stored = session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.company_id == company_id,
            IdempotentRequest.key == key,
            IdempotentRequest.endpoint == endpoint[:300],
        )
    )
    if stored is None:
        return None
    return stored.response_status, dict(stored.response_body or {})


def remember(
    session: Session,
    company_id: int,
    nonce: str,
    endpoint: str,
    request_hash: str,
    status: int,
    body: dict[str, Any],
) -> None:
    """Store what the first post answered (in the post's own transaction)."""
    session.execute(
        insert_for(session, IdempotentRequest)
        .values(
            company_id=company_id,
            key=_key(nonce, request_hash),
            endpoint=endpoint[:300],
            request_hash=request_hash,
            response_status=status,
            response_body=body,
        )
        .on_conflict_do_nothing(index_elements=["company_id", "key"])
    )


def once(
    request: Request,
    session: Session,
    company_id: int,
    form: FormData,
    work: Callable[[], Response],
) -> Response:
    """``work()`` for a first post; for the same post again (same nonce, endpoint and
    fields) the redirect the first one answered, with its flash message. Only redirects
    are remembered: a refused form (an error page) may be sent again."""
    from hireloop.web.app.pages import redirect  # pages imports this module

    nonce = nonce_of(form)
    if nonce is None:
        return work()
    endpoint = request.url.path
    request_hash = form_hash(endpoint, form)
    stored = replay(session, company_id, nonce, endpoint, request_hash)
    if stored is not None:
        _status, body = stored
        return redirect(request, str(body.get("location") or endpoint), flash=body.get("flash"))
    response = work()
    if response.status_code == 303:
        remember(
            session,
            company_id,
            nonce,
            endpoint,
            request_hash,
            303,
            {
                "location": response.headers.get("location", endpoint),
                "flash": getattr(response, "flash_code", None),
            },
        )
    return response
