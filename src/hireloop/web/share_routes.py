"""The public page of a share link (``/share/{token}``): one candidate's profile with the
fields the recruiter chose, for someone without an account. No session, no form (so no
CSRF); ``noindex``, no-store, the app's security headers, no referrer (the token is in
the URL). An unknown token is 404, a revoked or expired one 410. The CV is served under
the same token when the link shares the résumé, and the audio answers when it shares the
interview responses (only the files those answers name, of that application). See
domain/applications/share.py."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from hireloop.api.deps import SessionDep
from hireloop.domain.applications import share
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.files.storage import local_storage
from hireloop.domain.jobs.models import Job
from hireloop.errors import NotFound
from hireloop.web.app.candidate_panels import (
    SHARE_FIELD_NAMES,
    Panel,
    ai_details,
    application_cv,
    application_file,
    interview_answers,
    parsed_resume,
)
from hireloop.web.app.i18n import N_, negotiate
from hireloop.web.app.pages import settings_of, templates
from hireloop.web.security import add_security_headers

router = APIRouter(include_in_schema=False)

PREFIX = "/share"
GONE_TITLE = N_("This link is no longer valid")
GONE_TEXT = N_("The link has expired or was revoked. Ask the recruiter who sent it for a new one.")
UNKNOWN_TITLE = N_("Link not found")
UNKNOWN_TEXT = N_("Check that you copied the whole link.")


def _headers(response: Response) -> Response:
    add_security_headers(response, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _html(request: Request, name: str, context: dict[str, object], status: int = 200) -> Response:
    language = negotiate(request.headers.get("accept-language"))
    html = templates(language).get_template(name).render(lang=language, **context)
    return _headers(HTMLResponse(html, status_code=status))


def _refused(request: Request, exc: Exception) -> Response:
    gone = isinstance(exc, share.Gone)
    return _html(
        request,
        "app/candidate/share_refused.html",
        {
            "status": 410 if gone else 404,
            "title": GONE_TITLE if gone else UNKNOWN_TITLE,
            "message": GONE_TEXT if gone else UNKNOWN_TEXT,
        },
        status=410 if gone else 404,
    )


@router.get(PREFIX + "/{token}")
def shared_profile(token: str, request: Request, session: SessionDep) -> Response:
    try:
        link, application = share.open_link(session, token)
    except (NotFound, share.Gone) as exc:
        return _refused(request, exc)
    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    company = session.get(Company, application.company_id)
    assert candidate is not None and job is not None and company is not None
    fields = set(link.fields or [])
    reasons, components = ai_details(application) if "score" in fields else ([], [])
    return _html(
        request,
        "app/candidate/share_public.html",
        {
            "token": token,
            "fields": fields,
            "field_names": SHARE_FIELD_NAMES,
            "application": application,
            "candidate": candidate,
            "job": job,
            "company": company,
            "link": link,
            "when": Panel.when,
            "component_names": Panel.component_names,
            "resume": parsed_resume(candidate) if "resume" in fields else None,
            "cv_file": application_cv(session, application, candidate)
            if "resume" in fields
            else None,
            "answers": interview_answers(application, job) if "answers" in fields else [],
            "ai_reasons": reasons,
            "ai_components": components,
        },
    )


def _file(data: bytes, name: str, media_type: str, disposition: str) -> Response:
    return _headers(
        Response(
            data,
            media_type=media_type,
            headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}"},
        )
    )


@router.get(PREFIX + "/{token}/cv")
def shared_cv(token: str, request: Request, session: SessionDep) -> Response:
    """The CV of a link that shares the résumé, as an attachment."""
    try:
        link, application = share.open_link(session, token)
    except (NotFound, share.Gone) as exc:
        return _refused(request, exc)
    candidate = session.get(Candidate, application.candidate_id)
    assert isinstance(application, Application) and candidate is not None
    file = application_cv(session, application, candidate) if "resume" in link.fields else None
    if file is None:
        return _refused(request, NotFound(share.LINK_NOT_FOUND))
    try:
        data = local_storage(settings_of(request).files_dir).get(file.storage_key)
    except (FileNotFoundError, ValueError):
        return _refused(request, NotFound(share.LINK_NOT_FOUND))
    return _file(data, file.name, file.media_type or "application/octet-stream", "attachment")


@router.get(PREFIX + "/{token}/audio/{file_id}")
def shared_audio(token: str, file_id: int, request: Request, session: SessionDep) -> Response:
    """An audio answer, for the page's ``<audio>`` players: only while the link is
    valid, only when it shares the interview responses, and only a file one of this
    application's answers names (an audio file of that application)."""
    try:
        link, application = share.open_link(session, token)
    except (NotFound, share.Gone) as exc:
        return _refused(request, exc)
    job = session.get(Job, application.job_id)
    assert job is not None
    named = (
        {a.audio_file_id for a in interview_answers(application, job)}
        if "answers" in link.fields
        else set()
    )
    file = application_file(session, application, file_id) if file_id in named else None
    if file is None or not (file.media_type or "").startswith("audio/"):
        return _refused(request, NotFound(share.LINK_NOT_FOUND))
    try:
        data = local_storage(settings_of(request).files_dir).get(file.storage_key)
    except (FileNotFoundError, ValueError):
        return _refused(request, NotFound(share.LINK_NOT_FOUND))
    return _file(data, file.name, file.media_type, "inline")
