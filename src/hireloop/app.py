"""create_app(): the API faces, the web app, error handlers and the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from hireloop import __version__
from hireloop.api import access_log
from hireloop.api.body_limit import BodyLimitMiddleware
from hireloop.api.careers.api_log import ApiLogMiddleware
from hireloop.api.careers.face import APPLICATIONS_PREFIX, OFFERS_PREFIX
from hireloop.api.careers.face import faces as careers_faces
from hireloop.api.careers.routes import router as careers_router
from hireloop.api.client_ip import ClientIpMiddleware
from hireloop.api.faces import default_error, face_for, register_face
from hireloop.api.hooks.sms_routes import router as sms_hooks_router
from hireloop.api.leads.campaign_routes import router as leads_campaign_router
from hireloop.api.leads.company_routes import router as leads_company_router
from hireloop.api.leads.face import face as leads_face
from hireloop.api.leads.intake_routes import router as leads_intake_router
from hireloop.api.leads.lead_routes import router as leads_lead_router
from hireloop.api.leads.messaging_routes import router as leads_messaging_router
from hireloop.api.partner.batch_routes import router as partner_batch_router
from hireloop.api.partner.face import face as partner_face
from hireloop.api.partner.question_routes import router as partner_question_router
from hireloop.api.partner.resume_routes import router as partner_resume_router
from hireloop.api.partner.routes import router as partner_router
from hireloop.api.profiles.face import face as profiles_face
from hireloop.api.profiles.routes import router as profiles_router
from hireloop.api.rate_limit import RateLimitMiddleware
from hireloop.config import Settings, get_settings
from hireloop.db import get_database
from hireloop.domain.audit.api_log import ApiLogWriter
from hireloop.errors import DomainError
from hireloop.web.app import router as recruiter_app_router
from hireloop.web.app.pages import APP_PREFIX, not_found_page, server_error_page
from hireloop.web.careers import STATIC_DIR as WEB_STATIC_DIR
from hireloop.web.careers import STATIC_PREFIX as WEB_STATIC_PREFIX
from hireloop.web.careers import TooManyAttempts
from hireloop.web.careers import router as careers_pages_router
from hireloop.web.careers import server_error_page as careers_error_page
from hireloop.web.share_routes import router as share_pages_router

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, session_factory: Any = None) -> FastAPI:
    """Build the ASGI app. ``session_factory`` lets tests bind sessions to one transaction."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        access_log.install()  # uvicorn has configured its loggers by now
        if settings.scorer == "ml":
            from fastapi.concurrency import run_in_threadpool

            from hireloop.domain.screening.service import warm_up

            for warning in await run_in_threadpool(warm_up, settings):
                log.warning(warning)
        yield
        worker = getattr(app.state, "worker", None)
        if worker is not None:
            worker.stop()
        app.state.api_log.close()  # the rows still in memory

    app = FastAPI(
        title="hireloop",
        version=__version__,
        description="Recruitment automation: ATS and candidate CRM with vendor-compatible APIs.",
        lifespan=lifespan,
        docs_url=None,  # served below from packaged assets, never from a CDN
        redoc_url=None,
        # FastAPI's built-in OpenTelemetry hooks cost CPU on every request even with no
        # exporter configured; hireloop does not use them.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    # Career-site applies at once in this process (the API and the career pages share it):
    # the others wait in the event loop, not in a worker thread (docs/careers-api.md).
    app.state.apply_limiter = anyio.CapacityLimiter(settings.career_apply_concurrency)
    app.state.session_factory = (
        session_factory or get_database(settings.resolved_database_url).session_factory
    )
    app.state.api_log = ApiLogWriter(app.state.session_factory, settings.api_log_flush_seconds)

    # Routes are matched in order, and each included router below costs a scan of its
    # routes: the health check and the static files (polled and fetched most often)
    # come first.
    app.mount("/static/swagger-ui", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    app.mount(WEB_STATIC_PREFIX, StaticFiles(directory=str(WEB_STATIC_DIR)), name="web-static")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="hireloop API",
            swagger_js_url="/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/swagger-ui/favicon-32x32.png",
        )

    @app.get("/healthz", tags=["Operations"], summary="Liveness check")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    register_face(partner_face)
    register_face(profiles_face)
    register_face(leads_face)
    for face in careers_faces:  # /api/job_offers and /api/job_applications, one format
        register_face(face)
    # The API faces and the public career pages (most of the traffic) before the recruiters'
    # pages: no two routers share a path, so the order only decides how many routes a
    # request passes on its way.
    app.include_router(careers_router)
    app.include_router(careers_pages_router)
    app.include_router(leads_lead_router)
    app.include_router(leads_campaign_router)
    app.include_router(leads_company_router)
    app.include_router(leads_messaging_router)
    app.include_router(leads_intake_router)
    app.include_router(partner_router)
    app.include_router(partner_batch_router)
    app.include_router(partner_resume_router)
    app.include_router(partner_question_router)
    app.include_router(profiles_router)
    app.include_router(sms_hooks_router)
    app.include_router(share_pages_router)
    app.include_router(recruiter_app_router)
    # Innermost: a crash is answered here, inside the other middlewares (see the class).
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.max_json_body_bytes,
        prefixes=(partner_face.prefix, profiles_face.prefix),
        too_large=_body_too_large,
    )
    # The client address for the companies' IP allow-lists (web app and every API key).
    app.add_middleware(ClientIpMiddleware, trusted_proxies=settings.trusted_proxies)
    # A client over its limit is refused before its key or body is looked at.
    app.add_middleware(
        RateLimitMiddleware,
        prefixes=(OFFERS_PREFIX, APPLICATIONS_PREFIX, "POST /careers/"),
        limit_per_minute=settings.career_rate_limit_per_ip,
        storage_uri=settings.resolved_rate_limit_storage_url,
        trusted_proxies=settings.trusted_proxies,
        response_for=_career_too_many_requests,
    )
    # Outermost: every career-site API call is logged, whoever answers it (the 429 too).
    app.add_middleware(
        ApiLogMiddleware, prefixes=(OFFERS_PREFIX, APPLICATIONS_PREFIX), writer=app.state.api_log
    )
    _install_error_handlers(app)

    return app


def _career_too_many_requests(request: Request, retry_after: int) -> Response:
    """Past the career-site limit: the hosted pages' form gets its page back (HTML, the
    typed values kept, docs/career-pages.md); the career-site API its JSON 429."""
    if request.url.path.startswith("/careers/"):
        return TooManyAttempts(retry_after)
    return JSONResponse(
        {"status": "error", "data": None, "message": "Too many requests. Please retry later."},
        status_code=429,
    )


def _body_too_large(request: Request, limit: int) -> Response:
    message = f"Request body must not exceed {limit / 1_048_576:g} MB."
    face = face_for(request.url.path)
    if face is None:
        return default_error(413, message)
    refused = face.check_credentials(request) if face.check_credentials else None
    return refused or face.malformed_body(message)


# FastAPI's answer when reading a route's body fails for another reason than a JSON syntax
# error (which is a RequestValidationError): bytes that are not UTF-8, JSON nested deeper
# than the parser goes, an unreadable form.
_BODY_PARSE_ERROR = "There was an error parsing the body"


def _malformed_message(request: Request) -> str:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return "Malformed form body."
    return "Malformed JSON in request body."


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        face = face_for(request.url.path)
        if face is not None:
            return face.domain_error(exc)
        status = {"not_found": 404, "unauthorized": 401, "forbidden": 403}.get(exc.kind, 400)
        return default_error(status, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        face = face_for(request.url.path)
        if face is None and _in_web_app(request.url.path) and _on_path(errors):
            # A recruiter-app address whose path value a route refuses (AppRoute already
            # answers for ids): no such page, the app's HTML 404.
            return await run_in_threadpool(not_found_page, request)
        if face is None:
            return JSONResponse({"detail": errors}, status_code=422)
        refused = face.check_credentials(request) if face.check_credentials else None
        if refused is not None:
            return refused
        if any(e.get("type") == "json_invalid" for e in errors):
            return face.malformed_body("Malformed JSON in request body.")
        return face.validation_error(errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        face = face_for(request.url.path)
        if face is not None and exc.status_code in (404, 405):
            return face.not_found()
        if face is not None and exc.status_code == 400 and exc.detail == _BODY_PARSE_ERROR:
            # A body the framework could not decode (not UTF-8, JSON nested past the
            # parser's depth): a malformed body in the face's format, after its
            # credential check like every other body error.
            refused = face.check_credentials(request) if face.check_credentials else None
            return refused or face.malformed_body(_malformed_message(request))
        return default_error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Starlette calls this in ServerErrorMiddleware, outside every middleware, for an
        # exception that escaped them all; UnexpectedErrorMiddleware has already sent the
        # same answer for one raised inside them (this one is then built but not sent).
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return unexpected_error_response(request)


def _in_web_app(path: str) -> bool:
    return path == APP_PREFIX or path.startswith(APP_PREFIX + "/")


def _on_path(errors: list[Any]) -> bool:
    return any(isinstance(e, dict) and (e.get("loc") or ("",))[0] == "path" for e in errors)


def unexpected_error_response(request: Request) -> Response:
    """The 500 of an exception no handler took: the path's face's; for the recruiter app
    and the career pages, their HTML error page; else the default."""
    path = request.url.path
    face = face_for(path)
    if face is not None:
        return face.internal_error()
    for prefix, page in ((APP_PREFIX, server_error_page), ("/careers", careers_error_page)):
        if path == prefix or path.startswith(prefix + "/"):
            try:
                return page(request)
            except Exception:  # noqa: BLE001 - the page itself failed: the plain answer
                log.exception("the error page of %s failed", prefix)
            break
    return default_error(500, "Internal server error.")


class UnexpectedErrorMiddleware:
    """Answers an exception that no handler took, from inside the other middlewares.

    Starlette runs the app's ``Exception`` handler in ``ServerErrorMiddleware``, which sits
    outside every middleware added with ``add_middleware``: its 500 went out past the rate
    limiter (no ``X-RateLimit-*`` headers) and the API log. Installed innermost (just
    outside the routing's ``ExceptionMiddleware``), this sends the same 500
    (``unexpected_error_response``) through all of them, when no response has started,
    then re-raises: ``ServerErrorMiddleware`` logs the exception (the ``Exception``
    handler) and sends nothing more, and the server and a test client still see it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_and_watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        except Exception:
            if not started:
                await unexpected_error_response(Request(scope))(scope, receive, send)
            raise
