"""The Talqo career-site face: job offers and applications. See docs/careers-api.md.

Every call under these prefixes — success or error, including a refused key, an unknown
sub-path and a 429 — is written to ``api_logs`` (endpoint, status, latency, IP, user agent)
by ``api_log.ApiLogMiddleware``, installed around the whole app (app.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hireloop.api.careers import errors
from hireloop.api.careers.face import APPLICATIONS_PREFIX, OFFERS_PREFIX
from hireloop.api.deps import SessionDep
from hireloop.api.multipart import MultipartError, parse_form
from hireloop.config import Settings
from hireloop.db import insert_for
from hireloop.domain.actor import Actor
from hireloop.domain.audit.models import IdempotentRequest
from hireloop.domain.careers import service
from hireloop.domain.careers.schemas import ApplicationForm
from hireloop.domain.companies.models import ApiKey
from hireloop.domain.companies.service import authenticate_api_key, check_api_key, hash_secret
from hireloop.domain.files.storage import local_storage
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.models import Job
from hireloop.domain.resumes.extract import MAX_CV_BYTES, CVValidationError
from hireloop.errors import DomainError, Unauthorized

log = logging.getLogger(__name__)

Endpoint = Callable[..., Any]

# The whole multipart body: the CV (10 MB) plus room for the text fields and the framing.
MAX_BODY_BYTES = MAX_CV_BYTES + 512 * 1024
MAX_TEXT_FIELD_BYTES = 256 * 1024
MAX_IDEMPOTENCY_KEY = 255
TEXT_FIELDS = (
    "job_offer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "linkedin_url",
    "cover_letter",
)


router = APIRouter(tags=["Career-site API (Talqo)"])


def _get(path: str, **kwargs: Any) -> Callable[[Endpoint], Endpoint]:
    """A GET route that answers HEAD too, as RFC 9110 asks (the same status and headers;
    the server sends no body). HEAD stays out of the OpenAPI document."""

    def register(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(path, endpoint, methods=["GET"], **kwargs)
        router.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)
        return endpoint

    return register


# --- Authentication ---------------------------------------------------------------------


def _raw_key(request: Request) -> str:
    """``X-API-Key`` (recommended), else ``Authorization: Bearer``; "" when neither."""
    key = request.headers.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, value = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    return ""


def _require_key_header(request: Request) -> str:
    raw = _raw_key(request)
    if not raw:
        raise Unauthorized(errors.API_KEY_REQUIRED)
    return raw


def career_key(request: Request, session: Session) -> ApiKey:
    """The active key of scope ``career`` (or ``all``); 401 missing/empty/unknown/disabled,
    403 when the key's company is inactive."""
    raw = _require_key_header(request)
    try:
        api_key = authenticate_api_key(session, raw, scope="career")
    except Unauthorized:
        raise Unauthorized(errors.INVALID_API_KEY) from None
    _remember_key(request, api_key)
    return api_key


def _career_key_with_offer(
    request: Request, session: Session, job_offer_id: str | None
) -> tuple[ApiKey, Job | None]:
    """``career_key`` and, in the same query, the key company's offer ``job_offer_id``
    (None when it has none by that id: the apply then says why)."""
    raw = _require_key_header(request)
    api_key, offer = service.key_with_offer(session, hash_secret(raw), job_offer_id)
    try:
        check_api_key(api_key, scope="career")
    except Unauthorized:
        raise Unauthorized(errors.INVALID_API_KEY) from None
    assert api_key is not None
    _remember_key(request, api_key)
    return api_key, offer


def _remember_key(request: Request, api_key: ApiKey) -> None:
    """For the API log row (api_log.py)."""
    request.state.career_company_id = api_key.company_id
    request.state.career_api_key_id = api_key.id


def _career_key_dep(request: Request, session: SessionDep) -> ApiKey:
    return career_key(request, session)


KeyDep = Annotated[ApiKey, Depends(_career_key_dep)]


def _envelope_doc(example: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"example": example}}}


_ERROR_EXAMPLE = {"status": "error", "data": None, "message": "Job offer not found"}


# --- Job offers -------------------------------------------------------------------------


@_get(
    OFFERS_PREFIX,
    summary="List job offers",
    description="Paginated offers of the key's company. Query: page (≥ 1), per_page (1-100, "
    "capped), status (default open), location (case-insensitive contains), job_type (exact), "
    "published_after / published_before (ISO 8601).",
    responses={401: _envelope_doc({**_ERROR_EXAMPLE, "message": errors.API_KEY_REQUIRED})},
)
def list_job_offers(request: Request, key: KeyDep, session: SessionDep) -> JSONResponse:
    filters = service.job_offer_filters(request.query_params)
    page = service.list_job_offers(session, key.company_id, filters)
    return errors.success(
        [service.job_offer_json(job) for job in page.items],
        pagination={
            "page": page.page,
            "per_page": page.per_page,
            "total": page.total,
            "total_pages": page.total_pages,
        },
    )


@_get(
    OFFERS_PREFIX + "/{job_offer_id}",
    summary="Get a job offer",
    description="The UUID is validated strictly before any database query (400).",
    responses={404: _envelope_doc(_ERROR_EXAMPLE)},
)
def get_job_offer(job_offer_id: str, request: Request, session: SessionDep) -> JSONResponse:
    # Key present → UUID well-formed → key valid → lookup: a malformed id costs no query.
    _require_key_header(request)
    service.strict_uuid(job_offer_id, "job_offer_id")
    key = career_key(request, session)
    job = service.get_job_offer(session, key.company_id, job_offer_id)
    return errors.success(service.job_offer_json(job))


@_get(OFFERS_PREFIX + "/", include_in_schema=False)
def get_job_offer_without_id(request: Request) -> JSONResponse:
    """``/api/job_offers/``: the seed's 400 for a missing UUID, not a redirect to the list."""
    _require_key_header(request)
    raise service.BadRequest(service.JOB_OFFER_ID_REQUIRED)


# --- Applications -----------------------------------------------------------------------


def _boundary(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "boundary":
            value = value.strip().strip('"')
            return value or None
    return None


async def _read_body(request: Request) -> bytes:
    """The request body, refused past MAX_BODY_BYTES (declared or streamed) with the seed's
    'CV too large' message: only the CV can make a career-site body that big."""
    too_large = CVValidationError("CV file too large (maximum 10 MB)")
    declared = request.headers.get("content-length", "")
    if is_ascii_digits(declared) and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_form(request: Request, *, digest: bool) -> tuple[ApplicationForm, str]:
    """The apply form and, with ``digest``, the SHA-256 of its content (for an
    Idempotency-Key; "" otherwise: hashing a 10 MB CV is not free)."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise service.UnsupportedMediaType(errors.UNSUPPORTED_CONTENT_TYPE)
    boundary = _boundary(content_type)
    if not boundary:
        raise service.BadRequest(errors.INVALID_MULTIPART)
    body = await _read_body(request)
    # python-multipart skips what it cannot frame; a body without its closing delimiter is
    # truncated or not multipart at all.
    if b"--" + boundary.encode("latin-1", "replace") + b"--" not in body:
        raise service.BadRequest(errors.INVALID_MULTIPART)
    try:
        parts = parse_form(
            body,
            content_type,
            max_files=10,
            max_fields=100,
            max_field_bytes=MAX_TEXT_FIELD_BYTES,
        )
    except MultipartError:
        raise service.BadRequest(errors.INVALID_MULTIPART) from None
    texts: dict[str, str] = {}
    cv: tuple[str, bytes] | None = None  # the first file named "cv": (its name, content)
    digest_items: list[tuple[str, Any]] = []
    for part in parts:
        if isinstance(part.value, bytes):
            if digest:
                digest_items.append(
                    (part.name, [part.filename, hashlib.sha256(part.value).hexdigest()])
                )
            if part.name == "cv" and cv is None:
                cv = (part.filename or "", part.value)
        else:
            digest_items.append((part.name, part.value))
            texts.setdefault(part.name, part.value)
    parsed = ApplicationForm(
        **{name: texts.get(name) for name in TEXT_FIELDS},
        cv=cv[1] if cv is not None else None,
        # A file's name only labels the stored CV: a null character is dropped from it.
        cv_filename=cv[0].replace("\x00", "") or None if cv is not None else None,
        source=service.detect_source(request.headers.get("origin"), request.headers.get("referer")),
    )
    if not digest:
        return parsed, ""
    content = json.dumps(sorted(digest_items, key=lambda i: i[0]), ensure_ascii=False)
    return parsed, hashlib.sha256(content.encode()).hexdigest()


def _apply_in_turn(
    request: Request,
    session: Session,
    refused: DomainError | None,
    form: ApplicationForm | None,
    *args: Any,
) -> tuple[int, bytes, bool]:
    """The key, then what reading the request found wrong (``refused``), then ``_apply``
    and the commit: in the seed's order, in one worker thread (each hop to one costs
    ~0.1 ms of CPU)."""
    key, offer = _career_key_with_offer(request, session, form.job_offer_id if form else None)
    if refused is not None:
        raise refused
    assert form is not None
    answer = _apply(session, key, offer, form, *args)
    session.commit()
    session.close()
    return answer


def _idempotency_key(request: Request) -> str | None:
    value = request.headers.get("idempotency-key")
    if value is None:
        return None
    value = value.strip()
    if not value or len(value) > MAX_IDEMPOTENCY_KEY:
        raise service.BadRequest(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters")
    return value


def _discard(session: Session) -> None:
    session.rollback()
    session.close()


def _serialize_on_key(session: Session, company_id: int, idempotency_key: str) -> None:
    """Concurrent first uses of one Idempotency-Key wait for each other until commit, so
    the second sees the first's stored answer (a replay, or the 409 for another body)
    instead of running too. PostgreSQL: a transaction-scoped advisory lock; SQLite runs
    one write transaction at a time."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(:company, hashtext(:key))"),
        {"company": company_id, "key": "idempotency:" + idempotency_key},
    )


def _apply(
    session: Session,
    key: ApiKey,
    offer: Job | None,
    form: ApplicationForm,
    settings: Settings,
    idempotency_key: str | None,
    request_hash: str,
) -> tuple[int, bytes, bool]:
    """(status, JSON body, replayed): runs in a worker thread (extraction and scoring are
    CPU). A replay's body is the stored text, the bytes the first request got."""
    if idempotency_key is not None:
        _serialize_on_key(session, key.company_id, idempotency_key)
        stored = session.scalar(
            select(IdempotentRequest).where(
                IdempotentRequest.company_id == key.company_id,
                IdempotentRequest.key == idempotency_key,
            )
        )
        if stored is not None:
            if stored.request_hash != request_hash or stored.endpoint != APPLICATIONS_PREFIX:
                raise service.IdempotencyConflict(
                    "Idempotency-Key has already been used with a different request"
                )
            if stored.response_text is not None:
                return stored.response_status, stored.response_text.encode(), True
            # A row stored before the text was kept (migration 0015): its JSON, in the
            # order the answer was written (JSONB gives the keys back in its own).
            return stored.response_status, _render(_in_answer_order(stored.response_body)), True
    submission = service.submit_application(
        session,
        key.company_id,
        form,
        storage=local_storage(settings.files_dir),
        settings=settings,
        actor=Actor("api_key", key.id),
        offer=offer,
    )
    body: dict[str, Any] = {"status": "success", "data": service.submission_json(submission)}
    status = 201 if submission.created else 200
    if not submission.created:
        body["message"] = "Application already exists"
    content = _render(body)
    if idempotency_key is not None:
        session.execute(
            insert_for(session, IdempotentRequest)
            .values(
                company_id=key.company_id,
                key=idempotency_key,
                endpoint=APPLICATIONS_PREFIX,
                request_hash=request_hash,
                response_status=status,
                response_body=body,
                response_text=content.decode(),
            )
            .on_conflict_do_nothing(index_elements=["company_id", "key"])
        )
    return status, content, False


def _render(body: dict[str, Any]) -> bytes:
    """The body as JSONResponse renders it: compact, UTF-8."""
    return bytes(JSONResponse(body).body)


_ENVELOPE_ORDER = ("status", "data", "message")
_SUBMISSION_ORDER = ("application_id", "candidate_id", "status", "created_at")


def _in_order(values: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {**{name: values[name] for name in order if name in values}, **values}


def _in_answer_order(body: dict[str, Any]) -> dict[str, Any]:
    """A stored apply answer with its keys in the order ``_apply`` writes them."""
    body = _in_order(body, _ENVELOPE_ORDER)
    if isinstance(body.get("data"), dict):
        body["data"] = _in_order(body["data"], _SUBMISSION_ORDER)
    return body


_APPLY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["job_offer_id", "first_name", "last_name", "email", "cv"],
                    "properties": {
                        "job_offer_id": {"type": "string", "format": "uuid"},
                        "first_name": {"type": "string"},
                        "last_name": {"type": "string"},
                        "email": {"type": "string"},
                        "cv": {"type": "string", "format": "binary"},
                        "phone": {"type": "string"},
                        "linkedin_url": {"type": "string"},
                        "cover_letter": {"type": "string"},
                    },
                }
            }
        },
    }
}


@router.post(
    APPLICATIONS_PREFIX,
    status_code=201,
    summary="Create an application (multipart/form-data, CV as a file)",
    description="201 with the new application; 200 with `message: Application already exists` "
    "and the existing one as-is. Optional `Idempotency-Key` header.",
    openapi_extra=_APPLY_DOC,
)
async def create_job_application(request: Request) -> Response:
    # Its own session rather than SessionDep, whose opening and commit are two more hops
    # to a worker thread: the key check, the apply and the commit share one.
    session: Session = request.app.state.session_factory()
    form: ApplicationForm | None = None
    refused: DomainError | None = None
    idempotency_key, request_hash = None, ""
    try:
        # Read first, refuse in order: a bad key is a 401 before anything in the body is
        # judged (a body over the limit is still not read past it).
        idempotency_key = _idempotency_key(request)
        form, request_hash = await _read_form(request, digest=idempotency_key is not None)
    except DomainError as exc:
        refused = exc
    try:
        # One of the process's apply turns (HIRELOOP_CAREER_APPLY_CONCURRENCY), waited for
        # here in the event loop: the worker thread is taken only once it is free.
        status, content, replayed = await anyio.to_thread.run_sync(
            _apply_in_turn,
            request,
            session,
            refused,
            form,
            request.app.state.settings,
            idempotency_key,
            request_hash,
            limiter=request.app.state.apply_limiter,
        )
    except BaseException:
        # Rolled back whatever failed (an error, a failed commit, a client gone), in a
        # worker thread; a task being cancelled cannot wait for one, so it does it here.
        try:
            await run_in_threadpool(_discard, session)
        except BaseException:
            _discard(session)
        raise
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return Response(content, status_code=status, headers=headers, media_type="application/json")


@_get(
    APPLICATIONS_PREFIX + "/{application_id}",
    summary="Get an application's status",
    responses={404: _envelope_doc({**_ERROR_EXAMPLE, "message": "Application not found"})},
)
def get_job_application(application_id: str, request: Request, session: SessionDep) -> JSONResponse:
    _require_key_header(request)
    service.strict_uuid(application_id, "application_id")
    key = career_key(request, session)
    application = service.get_application(session, key.company_id, application_id)
    return errors.success(service.application_json(session, application))


@_get(APPLICATIONS_PREFIX + "/", include_in_schema=False)
def get_job_application_without_id(request: Request) -> JSONResponse:
    """``/api/job_applications/``: the seed's 400 for a missing UUID, not a redirect to
    ``/api/job_applications`` (which has no GET)."""
    _require_key_header(request)
    raise service.BadRequest(service.APPLICATION_ID_REQUIRED)


@router.post(APPLICATIONS_PREFIX + "/", include_in_schema=False)
def redirect_apply_with_slash(request: Request) -> RedirectResponse:
    """``POST /api/job_applications/``: the router's trailing-slash redirect (307, the body
    sent again to ``/api/job_applications``), which the GET route above would otherwise
    turn into a 404 for the path's other methods."""
    return RedirectResponse(request.url.replace(path=APPLICATIONS_PREFIX), status_code=307)
