"""Hosted career pages — the "zero technical integration" path of the career site.

``/careers/{slug}`` lists a company's published offers, ``/careers/{slug}/jobs/{uuid}``
shows one with an apply form that posts to the same careers service as the Talqo API
(``submit_application``). Plain links and forms: no JavaScript anywhere. See
docs/career-pages.md.

Applications made here have the source ``careers_page`` (the API's header-derived
hostname would be our own host, which says nothing).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import anyio.to_thread
from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.types import Receive, Scope, Send

from hireloop.api.deps import SessionDep
from hireloop.config import Settings
from hireloop.domain.careers import service
from hireloop.domain.careers.schemas import ApplicationForm
from hireloop.domain.companies.models import Company
from hireloop.domain.files.storage import local_storage
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.models import Job
from hireloop.domain.resumes.extract import (
    MAX_CV_BYTES,
    CVValidationError,
    ExtractionError,
    detect_format,
)
from hireloop.errors import DomainError
from hireloop.web import queries
from hireloop.web.markdown import plain_text, render_markdown
from hireloop.web.security import (
    CSRF_CAREERS,
    CSRF_FIELD,
    add_security_headers,
    cookie_nonce,
    csrf_nonce,
    csrf_token,
    csrf_valid,
    request_secret,
    set_csrf_cookie,
    sign,
    unsign,
)

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
STATIC_PREFIX = "/static/web"  # where app.py mounts STATIC_DIR

SOURCE = "careers_page"
PER_PAGE = 20
# The whole multipart body: the CV (10 MB) plus the text fields and the framing.
MAX_BODY_BYTES = MAX_CV_BYTES + 256 * 1024
MAX_FIELD_BYTES = 64 * 1024
TEXT_FIELDS = ("first_name", "last_name", "email", "phone", "linkedin_url", "cover_letter")
# The fields in the order of the form (and of the error summary); "form" is about them all.
FORM_ORDER = ("form", *TEXT_FIELDS[:5], "cv", "cover_letter")
FIELD_MAX_CHARS = {
    "first_name": 200,
    "last_name": 200,
    "email": 320,
    "phone": 50,
    "linkedin_url": 500,
    "cover_letter": 10_000,
}
CV_FORMATS = ("pdf", "docx")
ACCEPTED_CV = ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PHONE = re.compile(r"^[0-9+().\-\s/]{4,50}$")
# The form's target (the only POST under /careers/, which the rate limit counts).
_APPLY_PATH = re.compile(r"^/careers/([^/]+)/jobs/([^/]+)/apply$")

# Messages shown to people (the API's technical ones are rewritten, as the seed advises).
MSG = {
    "first_name": "Please enter your first name.",
    "last_name": "Please enter your last name.",
    "email": "Please enter your email address.",
    "email_invalid": "Please enter a valid email address, like name@example.com.",
    "phone": "Please enter a valid phone number (digits, spaces and + ( ) - only), or leave it empty.",
    "linkedin_url": "Please enter a full web address starting with https://, or leave it empty.",
    "too_long": "This is too long: please keep it to at most {n} characters.",
    "null_character": "This must not contain null characters. Please type it again.",
    "invalid_field": "This cannot be accepted. Please check it and try again.",
    "invalid": "Some of your details cannot be accepted. Please check them and try again.",
    "cv_missing": "Please attach your CV (PDF or Word .docx, up to 10 MB).",
    "cv_empty": "The CV file you attached is empty. Please choose another file.",
    "cv_too_large": "Your CV is larger than 10 MB. Please attach a smaller file (a PDF export is usually much smaller).",
    "cv_doc": "Old Word .doc files are not supported. Please save your CV as PDF or .docx and attach it again.",
    "cv_format": "Your CV must be a PDF or a Word (.docx) file.",
    "cv_unreadable": "We could not read the text of your CV. Please attach a PDF or .docx file that contains selectable text (not a scan or a password-protected file).",
    "csrf": "For your security this form has expired. Please check your details, attach your CV again and send the form again. (Cookies must be enabled for this site.)",
    "bad_form": "We could not read the form you sent. Please fill it in and try again.",
    "closed": "Sorry, this job offer has just closed and no longer accepts applications.",
    "too_many": "Too many attempts from your network; please try again in {seconds}. "
    "What you typed is kept below, but you will need to attach your CV again.",
    "too_many_no_form": "Too many attempts from your network; please try again in {seconds}.",
    "server": "Something went wrong on our side and your application was not saved. Please try again in a few minutes.",
}


# --- Templates ----------------------------------------------------------------------------


def _format_date(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


@cache
def _static_version(name: str) -> str:
    try:
        return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(name: str) -> str:
    """The URL of a file of ``web/static``, with a content hash against stale caches."""
    return f"{STATIC_PREFIX}/{name}?v={_static_version(name)}"


@lru_cache(maxsize=1)
def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static_url"] = static_url
    env.filters["date"] = _format_date
    return env


@dataclass
class Meta:
    """What goes into ``<title>``, the meta description and the OpenGraph tags."""

    title: str
    description: str = ""
    url: str = ""
    type: str = "website"
    site_name: str = ""
    robots: str = "index, follow"


def _base_url(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return settings.base_url.rstrip("/")


def _render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    no_store: bool = False,
) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    response = HTMLResponse(html, status_code=status)
    return add_security_headers(response, no_store=no_store)  # type: ignore[return-value]


def _list_url(company: Company) -> str:
    return f"/careers/{company.slug}"


def _job_url(company: Company, job: Job) -> str:
    return f"/careers/{company.slug}/jobs/{job.public_id}"


def _not_found(
    request: Request,
    company: Company | None = None,
    *,
    message: str | None = None,
    heading: str = "Page not found",
    status: int = 404,
) -> HTMLResponse:
    return _render(
        request,
        "careers/not_found.html",
        {
            "company": company,
            "list_url": _list_url(company) if company else None,
            "heading": heading,
            "message": message,
            "meta": Meta(title=heading, robots="noindex"),
        },
        status=status,
    )


def server_error_page(request: Request) -> HTMLResponse:
    """The 500 page of a career page that failed unexpectedly (the app's
    ``UnexpectedErrorMiddleware``): the career site's page, not a JSON body."""
    return _not_found(
        request,
        heading="Something went wrong",
        message="This page could not be shown because of an error on our side. Please try "
        "again in a moment.",
        status=500,
    )


def _canonical_redirect(request: Request, session: Session, slug: str) -> Response | None:
    """A redirect to the same address with the company's slug in lower case (slugs are
    lower case; ``/careers/ACME-RECRUITING`` is a hand-typed or reformatted link), or None
    when there is no such company."""
    canonical = slug.lower()
    if canonical == slug or queries.active_company(session, canonical) is None:
        return None
    prefix = f"/careers/{slug}"
    path = request.url.path
    rest = path[len(prefix) :] if path.startswith(prefix) else ""
    location = f"/careers/{canonical}{quote(rest, safe='/')}"
    if request.url.query:
        location += f"?{request.url.query}"
    return RedirectResponse(location, status_code=308)


def _missing(request: Request, session: Session, slug: str, company: Company | None) -> Response:
    """The answer when the company or the job was not found: a redirect to the lower-case
    slug when that is the company's, else the 404 page."""
    if company is None:
        redirect = _canonical_redirect(request, session, slug)
        if redirect is not None:
            return redirect
    return _not_found(request, company)


def _closed(request: Request, company: Company, job: Job) -> HTMLResponse:
    return _render(
        request,
        "careers/closed.html",
        {
            "company": company,
            "job": job,
            "list_url": _list_url(company),
            "meta": Meta(
                title=f"{job.title} — {company.name}", site_name=company.name, robots="noindex"
            ),
        },
        status=410,
    )


# --- Lookups ------------------------------------------------------------------------------


@dataclass
class _Target:
    company: Company | None = None
    job: Job | None = None
    closed: bool = False


def _target(session: Session, slug: str, job_uuid: str) -> _Target:
    company = queries.active_company(session, slug)
    if company is None:
        return _Target()
    if not service.is_strict_uuid(job_uuid):
        return _Target(company)
    found = queries.company_job(session, company.id, str(uuid.UUID(job_uuid)))
    return _Target(company, found.job, found.closed)


def _page_number(raw: str | None) -> int:
    if raw and is_ascii_digits(raw) and len(raw) < 7:
        return max(int(raw), 1)
    return 1


# --- The apply form -----------------------------------------------------------------------


@dataclass
class FormState:
    """What the person typed (never the file) and what is wrong with it."""

    values: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TEXT_FIELDS, ""))
    errors: dict[str, str] = field(default_factory=dict)  # field -> message; "form" for all
    resubmitted: bool = False  # shown after an error: the CV must be attached again
    closed: bool = False  # the offer closed while the form was open: no send button


def _job_page(
    request: Request,
    company: Company,
    job: Job,
    form: FormState | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """The job page with its apply form (a fresh CSRF token, the cookie set alongside)."""
    form = form or FormState()
    secret = request_secret(request)
    nonce = csrf_nonce(request, secret, CSRF_CAREERS)
    job_url = _job_url(company, job)
    title = f"{job.title} — {company.name}"
    if form.errors:
        title = f"Error: {title}"
    response = _render(
        request,
        "careers/job.html",
        {
            "company": company,
            "job": job,
            "description_html": Markup(render_markdown(job.description)),  # noqa: S704 - rendered by markdown.py, raw HTML off
            "list_url": _list_url(company),
            "apply_url": job_url + "/apply",
            "csrf_field": CSRF_FIELD,
            "csrf_token": csrf_token(secret, nonce, scope=CSRF_CAREERS),
            "form": form,
            "accept": ACCEPTED_CV,
            "meta": Meta(
                title=title,
                description=plain_text(job.description)
                or f"{job.title} at {company.name}. Apply online.",
                url=_base_url(request) + job_url,
                type="article",
                site_name=company.name,
            ),
        },
        status=status,
        no_store=True,
    )
    set_csrf_cookie(response, request, nonce, scope=CSRF_CAREERS)
    return response


class _BodyTooLarge(Exception):
    pass


class _BadForm(Exception):
    pass


@dataclass
class _Posted:
    values: dict[str, str]
    token: str | None
    cv: bytes | None
    cv_filename: str | None


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if is_ascii_digits(declared) and int(declared) > MAX_BODY_BYTES:
        raise _BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_posted(request: Request) -> _Posted:
    """The posted form; the body is read once, capped at MAX_BODY_BYTES."""
    body = await _read_body(request)
    request._body = body  # request.form() parses the body already read
    try:
        form = await request.form(max_files=2, max_fields=20, max_part_size=MAX_FIELD_BYTES)
    except Exception:  # a broken multipart body, too many parts, a field too large
        raise _BadForm from None
    try:
        values = dict.fromkeys(TEXT_FIELDS, "")
        token: str | None = None
        cv: bytes | None = None
        cv_filename: str | None = None
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name == "cv" and cv is None and value.filename:
                    cv = await value.read()
                    # The name only labels the stored CV: a null character is dropped
                    # (PostgreSQL's text cannot hold one), as the API does.
                    cv_filename = value.filename.replace("\x00", "") or None
            elif name == CSRF_FIELD:
                token = value
            elif name in values and not values[name]:
                values[name] = _normalise_newlines(value)
    finally:
        await form.close()
    return _Posted(values=values, token=token, cv=cv, cv_filename=cv_filename)


def _normalise_newlines(value: str) -> str:
    """Line breaks as ``\n``. Browsers send a textarea's line breaks as CRLF, but its
    ``maxlength`` counts each as one character: the length checks (``_check``) and the
    stored text must count them the same way."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _valid_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


def _in_form_order(errors: dict[str, str]) -> dict[str, str]:
    return dict(sorted(errors.items(), key=lambda item: FORM_ORDER.index(item[0])))


def _check(posted: _Posted) -> dict[str, str]:
    """Field errors, in the order of the form; ``{}`` when the form can be sent on. The
    values' line breaks are ``\n`` already (``_read_posted``), so a length counts them
    as the textarea's ``maxlength`` does."""
    errors: dict[str, str] = {}
    values = {k: v.strip() for k, v in posted.values.items()}
    for name in TEXT_FIELDS:  # PostgreSQL's text cannot hold one (the API refuses it too)
        if "\x00" in values[name]:
            errors[name] = MSG["null_character"]
    for name in ("first_name", "last_name", "email"):
        if name not in errors and not values[name]:
            errors[name] = MSG[name]
    for name, limit in FIELD_MAX_CHARS.items():
        if name not in errors and len(values[name]) > limit:
            errors[name] = MSG["too_long"].format(n=limit)
    if "email" not in errors:
        try:
            validate_email(values["email"], check_deliverability=False)
        except EmailNotValidError:
            errors["email"] = MSG["email_invalid"]
    if "phone" not in errors and values["phone"] and not _PHONE.fullmatch(values["phone"]):
        errors["phone"] = MSG["phone"]
    if (
        "linkedin_url" not in errors
        and values["linkedin_url"]
        and not _valid_url(values["linkedin_url"])
    ):
        errors["linkedin_url"] = MSG["linkedin_url"]
    cv = posted.cv
    if cv is None:
        errors["cv"] = MSG["cv_missing"]
    elif not cv:
        errors["cv"] = MSG["cv_empty"]
    elif len(cv) > MAX_CV_BYTES:
        errors["cv"] = MSG["cv_too_large"]
    else:
        fmt = detect_format(cv)
        if fmt == "doc":
            errors["cv"] = MSG["cv_doc"]
        elif fmt == "encrypted":  # a password-protected .docx: not an old .doc
            errors["cv"] = MSG["cv_unreadable"]
        elif fmt not in CV_FORMATS:
            errors["cv"] = MSG["cv_format"]
    return _in_form_order(errors)


def _service_error(exc: DomainError) -> tuple[int, dict[str, str]]:
    """(status, errors) for an error of the careers service, in words for people."""
    if isinstance(exc, CVValidationError):
        if "too large" in exc.reason:
            return 400, {"cv": MSG["cv_too_large"]}
        if "empty" in exc.reason:
            return 400, {"cv": MSG["cv_empty"]}
        if ".doc" in exc.reason:
            return 400, {"cv": MSG["cv_doc"]}
        return 400, {"cv": MSG["cv_format"]}
    if isinstance(exc, ExtractionError):
        return 400, {"cv": MSG["cv_unreadable"]}
    if exc.message == service.JOB_NOT_OPEN:
        return 409, {"form": MSG["closed"]}
    if exc.message == service.CANDIDATE_FIELDS_REQUIRED:
        return 400, {
            "first_name": MSG["first_name"],
            "last_name": MSG["last_name"],
            "email": MSG["email"],
        }
    if exc.message == service.CV_REQUIRED:
        return 400, {"cv": MSG["cv_missing"]}
    if exc.message == service.EMAIL_INVALID:
        return 400, {"email": MSG["email_invalid"]}
    if exc.kind == "invalid":  # input the page's own checks let through: still a 400
        log.info("career page apply refused: %s", exc.message)
        for name in TEXT_FIELDS:
            if exc.message.startswith(f"{name} ") or name in exc.details:
                return 400, {name: MSG["invalid_field"]}
        return 400, {"form": MSG["invalid"]}
    log.warning("career page apply failed: %s (%s)", exc.message, exc.kind)
    return 500, {"form": MSG["server"]}


def _submit(
    session: Session,
    company_id: int,
    form: ApplicationForm,
    settings: Settings,
) -> Any:
    """The careers service in a worker thread, in one of the process's apply turns (shared
    with the career-site API); on any error the unit of work is rolled back
    here, since the page answers the error itself (and the session dependency would
    otherwise commit)."""
    try:
        return service.submit_application(
            session,
            company_id,
            form,
            storage=local_storage(settings.files_dir),
            settings=settings,
        )
    except BaseException:
        session.rollback()
        raise


# --- Routes -------------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


@router.api_route("/careers", methods=["GET", "HEAD"], response_class=HTMLResponse)
@router.api_route("/careers/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def careers_root(request: Request) -> Response:
    """There is no page listing the companies: the not-found page, not a JSON error."""
    return _not_found(request)


@router.api_route("/careers/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def job_list(slug: str, request: Request, session: SessionDep) -> Response:
    company = queries.active_company(session, slug)
    if company is None:
        return _missing(request, session, slug, None)
    page = queries.published_jobs(
        session, company.id, _page_number(request.query_params.get("page")), PER_PAGE
    )
    list_url = _list_url(company)
    return _render(
        request,
        "careers/list.html",
        {
            "company": company,
            "page": page,
            "jobs": page.items,
            "list_url": list_url,
            "job_url": lambda job: _job_url(company, job),
            "meta": Meta(
                title=f"Careers at {company.name}",
                description=f"Open positions at {company.name}: "
                f"{page.total} job offer{'s' if page.total != 1 else ''}. Apply online.",
                url=_base_url(request) + list_url,
                site_name=company.name,
            ),
        },
    )


def _with_query(request: Request, path: str) -> str:
    """``path`` with the request's query string (UTM tags, ``?page=``) kept."""
    return f"{path}?{request.url.query}" if request.url.query else path


@router.api_route("/careers/{slug}/jobs", methods=["GET", "HEAD"])
def jobs_index(slug: str, request: Request) -> RedirectResponse:
    return RedirectResponse(_with_query(request, f"/careers/{slug}"), status_code=308)


@router.api_route(
    "/careers/{slug}/jobs/{job_uuid}", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def job_page(slug: str, job_uuid: str, request: Request, session: SessionDep) -> Response:
    target = _target(session, slug, job_uuid)
    if target.company is None or target.job is None:
        return _missing(request, session, slug, target.company)
    if target.closed:
        return _closed(request, target.company, target.job)
    return _job_page(request, target.company, target.job)


@router.api_route("/careers/{slug}/jobs/{job_uuid}/apply", methods=["GET", "HEAD"])
def apply_get(slug: str, job_uuid: str) -> RedirectResponse:
    """A reload or a shared link of the form's address: back to the job page."""
    return RedirectResponse(f"/careers/{slug}/jobs/{job_uuid}", status_code=303)


@router.post("/careers/{slug}/jobs/{job_uuid}/apply", response_class=HTMLResponse)
async def apply(slug: str, job_uuid: str, request: Request, session: SessionDep) -> Response:
    """Validate, then hand the application to the careers service; on success redirect
    (POST/redirect/GET) to the confirmation page, on any error show the form again with
    the message and what was typed."""
    target = await run_in_threadpool(_target, session, slug, job_uuid)
    company, job = target.company, target.job
    if company is None or job is None:
        return await run_in_threadpool(_missing, request, session, slug, company)

    try:
        posted = await _read_posted(request)
    except _BodyTooLarge:
        state = FormState(errors={"cv": MSG["cv_too_large"]}, resubmitted=True)
        return _job_page(request, company, job, state, status=413)
    except _BadForm:
        state = FormState(errors={"form": MSG["bad_form"]}, resubmitted=True)
        return _job_page(request, company, job, state, status=400)

    state = FormState(values=posted.values, resubmitted=True)
    if target.closed:  # closed while the form was open: say so next to what was typed
        state.errors, state.closed = {"form": MSG["closed"]}, True
        return _job_page(request, company, job, state, status=409)
    secret = request_secret(request)
    nonce = cookie_nonce(request, secret, CSRF_CAREERS)
    if not csrf_valid(secret, nonce, posted.token, scope=CSRF_CAREERS):
        state.errors = {"form": MSG["csrf"]}
        return _job_page(request, company, job, state, status=403)
    state.errors = _check(posted)
    if state.errors:
        return _job_page(request, company, job, state, status=400)

    values = {k: v.strip() for k, v in posted.values.items()}
    form = ApplicationForm(
        job_offer_id=job.public_id,
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=values["email"],
        phone=values["phone"] or None,
        linkedin_url=values["linkedin_url"] or None,
        cover_letter=posted.values["cover_letter"],
        cv=posted.cv,
        cv_filename=posted.cv_filename,
        source=SOURCE,
    )
    settings: Settings = request.app.state.settings
    try:
        submission = await anyio.to_thread.run_sync(
            _submit,
            session,
            company.id,
            form,
            settings,
            limiter=request.app.state.apply_limiter,
        )
    except DomainError as exc:
        if exc.kind in ("not_found", "forbidden"):  # the offer went away meanwhile
            return _not_found(request, company)
        status, state.errors = _service_error(exc)
        state.closed = state.errors.get("form") == MSG["closed"]
        return _job_page(request, company, job, state, status=status)
    except Exception:
        log.exception("career page apply failed on %s", request.url.path)
        state.errors = {"form": MSG["server"]}
        return _job_page(request, company, job, state, status=500)

    outcome = "new" if submission.created else "existing"
    mail = "mail" if submission.confirmation_queued else "nomail"
    ref = sign(
        secret,
        "applied",
        "~".join((submission.application.public_id, outcome, mail, _encode(values["first_name"]))),
    )
    return RedirectResponse(f"{_job_url(company, job)}/applied?ref={ref}", status_code=303)


def _encode(text: str) -> str:
    """``text`` for a signed reference in a URL (base64url, no padding)."""
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _decode(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except ValueError:  # not base64 or not UTF-8
        return None


@router.api_route(
    "/careers/{slug}/jobs/{job_uuid}/applied", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def applied(slug: str, job_uuid: str, request: Request, session: SessionDep) -> Response:
    """The confirmation (or "you already applied") page the apply form redirects to.

    The signed ``ref`` holds the application, whether it was new, whether a confirmation
    email was queued, and the first name typed in the form: the page greets with that,
    never with the name stored for the candidate (whoever sends a person's name and
    email must not learn how that person spelled their name)."""
    target = _target(session, slug, job_uuid)
    company, job = target.company, target.job
    if company is None or job is None:
        return _missing(request, session, slug, company)
    value = unsign(request_secret(request), "applied", request.query_params.get("ref"))
    parts = (value or "").split("~")
    application_id, outcome, mail, name = parts if len(parts) == 4 else ("", "", "", "")
    first_name = _decode(name)
    view = (
        queries.application_for_job(session, company.id, job, application_id)
        if service.is_strict_uuid(application_id)
        and outcome in ("new", "existing")
        and mail in ("mail", "nomail")
        and first_name is not None
        else None
    )
    if view is None:
        return _not_found(
            request, company, message="This confirmation link is not valid or has expired."
        )
    existing = outcome == "existing"
    return _render(
        request,
        "careers/applied.html",
        {
            "company": company,
            "job": job,
            "existing": existing,
            "first_name": first_name,
            "applied_on": view.application.created_at,
            "rejected": service.application_status(view.application) == "rejected",
            "confirmation_sent": mail == "mail",
            "job_url": _job_url(company, job),
            "list_url": _list_url(company),
            "meta": Meta(
                title=(
                    f"You already applied — {job.title}"
                    if existing
                    else f"Application received — {job.title}"
                ),
                site_name=company.name,
                robots="noindex",
            ),
        },
        no_store=True,
    )


@router.api_route("/careers/{slug}/{rest:path}", methods=["GET", "HEAD"])
def other_page(slug: str, rest: str, request: Request, session: SessionDep) -> Response:
    """Any other address under a career site: the not-found page, not a JSON error. A
    trailing slash is dropped by a redirect (``/careers/acme/`` is the list)."""
    if rest == "" or rest.endswith("/"):
        path = f"/careers/{slug}/{rest}".rstrip("/")
        return RedirectResponse(_with_query(request, path), status_code=308)
    return _missing(request, session, slug, queries.active_company(session, slug))


# Every method the routes above do not take (the form's POST is the only other one).
OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@router.api_route("/careers", methods=OTHER_METHODS, response_class=HTMLResponse)
@router.api_route("/careers/{rest:path}", methods=OTHER_METHODS, response_class=HTMLResponse)
def other_method(request: Request, session: SessionDep, rest: str = "") -> Response:
    """Another method on a page's address (a POST to the job page, a PUT to the form's
    target): the HTML 405 page, not the framework's JSON. Every address under
    ``/careers/`` answers GET (a page, a redirect or the 404 page)."""
    slug = rest.split("/", 1)[0]
    company = queries.active_company(session, slug) if slug else None
    response = _not_found(
        request,
        company,
        heading="This page cannot do that",
        message="This address is a page to open in a browser, not a form to send.",
        status=405,
    )
    allowed = "GET, HEAD, POST" if _APPLY_PATH.fullmatch(request.url.path) else "GET, HEAD"
    response.headers["Allow"] = allowed
    return response


# --- Past the rate limit ------------------------------------------------------------------


def _seconds(n: int) -> str:
    return f"{n} second{'s' if n != 1 else ''}"


def _too_many_attempts_page(request: Request, retry_after: int, posted: _Posted | None) -> Response:
    """The job page with the form as it was sent and the rate limit's message (429); any
    other address: a page with the message. The careers service is never called."""
    match = _APPLY_PATH.fullmatch(request.url.path)
    session: Session = request.app.state.session_factory()
    try:
        target = _target(session, *match.groups()) if match else _Target()
        company, job = target.company, target.job
        if company is None or job is None:  # no form below: the message alone
            message = MSG["too_many_no_form"].format(seconds=_seconds(retry_after))
            return _not_found(
                request, company, heading="Too many attempts", message=message, status=429
            )
        state = FormState(
            values=posted.values if posted else dict.fromkeys(TEXT_FIELDS, ""),
            errors={"form": MSG["too_many"].format(seconds=_seconds(retry_after))},
            resubmitted=True,
        )
        if target.closed:  # trying again would not help: say the offer has closed
            state.errors, state.closed = {"form": MSG["closed"]}, True
        return _job_page(request, company, job, state, status=429)
    finally:
        session.rollback()  # read only
        session.close()


class TooManyAttempts(Response):
    """The rate limit's answer to a POST under ``/careers/`` (``response_for`` of
    ``RateLimitMiddleware`` in app.py): the job page, HTML with the pages' headers, status
    429, the typed values given back and the message next to the form, instead of the
    career-site API's JSON body.

    The middleware calls ``response_for`` synchronously and sets ``Retry-After`` and the
    ``X-RateLimit-*`` headers on what it returns; as an ASGI app this response reads the
    posted form (capped like any post), looks the job up and sends the page with those
    headers. Nothing is validated or stored: the service is not called."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(status_code=429)
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        posted: _Posted | None = None
        try:
            if _APPLY_PATH.fullmatch(request.url.path):
                try:
                    posted = await _read_posted(request)
                except (_BodyTooLarge, _BadForm):
                    posted = None
            page = await run_in_threadpool(
                _too_many_attempts_page, request, self.retry_after, posted
            )
        except Exception:
            log.exception("career page 429 failed on %s", request.url.path)
            message = MSG["too_many_no_form"].format(seconds=_seconds(self.retry_after))
            page = add_security_headers(HTMLResponse(f"<p>{message}</p>", status_code=429))
        for name, value in self.headers.items():  # Retry-After, X-RateLimit-*
            if name not in ("content-length", "content-type"):
                page.headers[name] = value
        await page(scope, receive, send)
