"""The campaign view (``/app/campaigns/{id}``, ``/app/campaigns/all`` for Show All): the
candidate list panel — campaign selector, search, folders with their counts, filters,
labels, selection and bulk actions — next to the chat and profile panels of the selected
candidate (``?selected=<application id>``, rendered by ``candidate_panels``).

Every route checks the session, the company (another company's campaign or candidate is a
404) and the manager's permission on the campaign (``campaigns.can_see``: a campaign the
manager may not see is a 404 too). Posts are CSRF-checked and end in a redirect back to
the list with its filters; a service's refusal is an error page in the user's language
(``candidate_panels.refusals_as_pages``). The page loads ``static/campaign_view.js`` (the
"select all" checkbox), so it is sent with ``script-src 'self'``. See
docs/campaign-view.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from hireloop.api.deps import SessionDep
from hireloop.domain.actor import Actor
from hireloop.domain.applications import labels as labels_service
from hireloop.domain.applications.folders import is_campaign_folder
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.pins import refresh_pins, start_pin_clock
from hireloop.domain.applications.service import (
    FolderCountDeltas,
    get_application,
    move_application,
    write_folder_counts,
)
from hireloop.domain.companies import accounts
from hireloop.domain.ids import is_ascii_digits, parse_id
from hireloop.domain.jobs.campaigns import can_see, get_campaign
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.service import record_completion
from hireloop.domain.messaging import automatic
from hireloop.domain.messaging.automatic import send_campaign_message
from hireloop.domain.messaging.library import get_quick_reply, list_quick_replies
from hireloop.domain.messaging.service import send_template
from hireloop.errors import DomainError, NotFound
from hireloop.web.app import campaign_view_queries as queries
from hireloop.web.app import candidate_panels, form_once
from hireloop.web.app.i18n import N_
from hireloop.web.app.pages import (
    APP_PREFIX,
    FLASHES,
    AppRoute,
    CsrfForm,
    PageExit,
    error_page,
    redirect,
    render,
    settings_of,
    signed_in,
    text,
)
from hireloop.web.app.shell_routes import FOLDER_NAMES, STATUS_NAMES, job_link
from hireloop.web.security import CONTENT_SECURITY_POLICY

router = APIRouter(include_in_schema=False, route_class=AppRoute)

# The page loads one script of ours (static/campaign_view.js: the "select all on this
# page" checkbox): static files only, inline script stays refused.
SCRIPT_CSP = CONTENT_SECURITY_POLICY.replace(
    "default-src 'none'; ", "default-src 'none'; script-src 'self'; "
)

CAMPAIGNS = APP_PREFIX + "/campaigns"
ALL = "all"

# The folders the shell does not name (the list shows them all).
LIST_FOLDER_NAMES = {
    **FOLDER_NAMES,
    "no_campaign_invitation": N_("No campaign invitation"),
    "no_response": N_("No response"),
    "all": N_("All folders"),
}
ACTIONS = ("move", "label", "pin", "invite", "quick_reply")

# Flash messages of this screen (pages.FLASHES carries codes; their texts are ours).
FLASHES.update(
    {
        "cv_moved": N_("The selected candidates were moved."),
        "cv_labeled": N_("The label was added."),
        "cv_pins": N_("New PINs were issued to the selected candidates."),
        "cv_invited": N_("The invitation was queued for the selected candidates."),
        "cv_not_invited": N_(
            "No invitation was sent: the campaign's invitation is off, or the candidates "
            "cannot be reached."
        ),
        "cv_replied": N_("The quick reply was queued for the selected candidates."),
        "cv_some_skipped": N_(
            "Done. Some candidates were skipped: they cannot be reached or asked not to be "
            "contacted."
        ),
        "cv_not_replied": N_(
            "No quick reply was sent: the candidates cannot be reached or asked not to be "
            "contacted."
        ),
        "cv_folder_not_in_campaign": N_(
            "Nothing was moved: the campaign of some selected candidates does not have that "
            "folder. Open their campaign to move them."
        ),
        "cv_nothing_selected": N_("Select at least one candidate first."),
        "cv_bad_choice": N_("Choose what to apply to the selected candidates."),
        "cv_bad_label": N_("That label name is not valid (no commas, # or ?)."),
    }
)


# --- Scope: which campaigns a page shows --------------------------------------------------


@dataclass
class Scope:
    who: accounts.Current
    job: Job | None  # None: Show All
    job_ids: list[int] | None  # None: every campaign of the company

    @property
    def ref(self) -> str:
        return str(self.job.id) if self.job is not None else ALL

    @property
    def base(self) -> str:
        return f"{CAMPAIGNS}/{self.ref}"

    def allows(self, session: Session, application: Application) -> bool:
        """Whether ``application`` (already of the user's company) belongs to this page."""
        if self.job is not None:
            return application.job_id == self.job.id
        if self.job_ids is None:
            return True
        return application.job_id in self.job_ids


def _not_found(request: Request, who: accounts.Current) -> PageExit:
    return PageExit(error_page(request, 404, user=who.user, company=who.company))


def _scope(request: Request, session: Session, ref: str) -> Scope:
    who = signed_in(request, session)
    if ref == ALL:
        return Scope(who, None, queries.visible_job_ids(session, who.user))
    if not is_ascii_digits(ref) or len(ref) > 18:
        raise _not_found(request, who)
    try:
        job = get_campaign(session, who.company.id, int(ref))
    except NotFound:
        raise _not_found(request, who) from None
    if not can_see(who.user, job):
        raise _not_found(request, who)
    return Scope(who, job, [job.id])


# --- Reading the address ------------------------------------------------------------------


def _int(raw: str | None, low: int, high: int) -> int | None:
    raw = (raw or "").strip()
    if is_ascii_digits(raw) and len(raw) < 7:
        value = int(raw)
        return value if low <= value <= high else None
    return None


def _id(raw: str | None) -> int | None:
    """An id (application, quick reply, custom folder) by the project's id rules: any
    size the database holds; None for anything else."""
    return parse_id(raw) if isinstance(raw, str) else None


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10]) if raw else None
    except ValueError:
        return None


def _folder(raw: str | None) -> str | None:
    if raw in queries.SYSTEM_FOLDERS or raw == "all":
        return raw
    if raw and raw.startswith("custom:") and _id(raw[7:]) is not None:
        return raw
    return None


def read_filters(params: Any) -> queries.ListFilters:
    """The list's filters from the address (anything unreadable is ignored)."""
    query = " ".join((params.get("q") or "")[:200].split())
    folder = _folder(params.get("folder"))
    return queries.ListFilters(
        query=query,
        # A search looks in every folder unless one is chosen.
        folder=folder or ("all" if query else "inbox"),
        source=(params.get("source") or "").strip()[:200],
        label=(params.get("label") or "").strip()[:100],
        date_from=_day(params.get("from")),
        date_to=_day(params.get("to")),
        score_min=_int(params.get("score_min"), 0, 100),
        score_max=_int(params.get("score_max"), 0, 100),
        location=(params.get("location") or "").strip()[:200],
    )


def _url(base: str, params: dict[str, str]) -> str:
    return f"{base}?{urlencode(params)}" if params else base


# --- The page -----------------------------------------------------------------------------


@dataclass
class ListView:
    """Everything the list panel shows (one template variable: ``campaign_view``)."""

    scope: Scope
    filters: queries.ListFilters
    campaigns: list[Job]
    folders: list[queries.FolderEntry]
    result: queries.CandidateList
    labels: list[str]
    quick_replies: list[Any]
    move_targets: list[tuple[str, str | None]]
    selected: int | None
    panels: bool
    folder_names: dict[str, str] = field(default_factory=lambda: LIST_FOLDER_NAMES)
    status_names: dict[str, str] = field(default_factory=lambda: STATUS_NAMES)

    @property
    def job(self) -> Job | None:
        return self.scope.job

    @property
    def base(self) -> str:
        return self.scope.base

    def url(self, *, page: int | None = None, selected: int | None = None, **changes: Any) -> str:
        """This list's address with ``changes`` to its filters (None removes one)."""
        params = self.filters.params()
        for key, value in changes.items():
            key = {"from_": "from", "to_": "to"}.get(key, key)
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        if changes.get("folder") == ("all" if params.get("q") else "inbox"):
            params.pop("folder", None)  # the default
        if page and page > 1:
            params["page"] = str(page)
        if selected is not None:
            params["selected"] = str(selected)
        return _url(self.base, params)

    def page_url(self, page: int) -> str:
        return self.url(page=page, selected=self.selected)

    def folder_url(self, key: str) -> str:
        return self.url(folder=key)

    def label_url(self, name: str) -> str:
        return self.url(label=name)

    def row_url(self, application_id: int) -> str:
        return self.url(page=self.result.page.page, selected=application_id)

    @property
    def reset_url(self) -> str:
        # The folder stays when it was chosen (not the "all" a search defaults to).
        folder = self.filters.params().get("folder")
        return _url(self.base, {"folder": folder} if folder and folder != "inbox" else {})

    @property
    def back(self) -> str:
        """Where a post returns: this list, same filters, page and selection."""
        return self.url(page=self.result.page.page, selected=self.selected)

    def campaign_url(self, ref: str) -> str:
        return f"{CAMPAIGNS}/{ref}"


def _panel_context(
    request: Request, session: Session, scope: Scope, selected: int
) -> dict[str, Any] | None:
    """The chat and profile panels of the selected candidate (candidate_panels); a
    candidate outside this page's campaigns is a 404."""
    try:
        application = get_application(session, scope.who.company.id, selected)
    except NotFound:
        raise _not_found(request, scope.who) from None
    if not scope.allows(session, application):
        raise _not_found(request, scope.who)
    context: dict[str, Any] = candidate_panels.panel_context(request, session, scope.who, selected)
    return context


def campaign_page(request: Request, session: Session, scope: Scope) -> Response:
    params = request.query_params
    filters = read_filters(params)
    page_number = _int(params.get("page"), 1, 999_999) or 1
    selected = _id(params.get("selected"))
    company_id = scope.who.company.id
    panel = _panel_context(request, session, scope, selected) if selected else None
    result = queries.candidate_list(session, company_id, scope.job_ids, filters, page=page_number)
    folders = queries.folder_entries(session, company_id, scope.job, scope.job_ids)
    view = ListView(
        scope=scope,
        filters=filters,
        campaigns=queries.campaign_choices(session, scope.who.user),
        folders=folders,
        result=result,
        labels=queries.label_names(session, company_id),
        quick_replies=list_quick_replies(session, company_id),
        move_targets=[(e.key, e.name) for e in folders if e.key in queries.MOVE_TARGETS]
        + [(e.key, e.name) for e in folders if e.key.startswith("custom:")],
        selected=selected,
        panels=panel is not None,
    )
    response = render(
        request,
        "app/campaign_view/page.html",
        {
            **(panel or {}),
            "campaign_view": view,
            "job_link": job_link(request, scope.who.company, scope.job) if scope.job else None,
        },
        user=scope.who.user,
        company=scope.who.company,
    )
    response.headers["Content-Security-Policy"] = SCRIPT_CSP
    if panel is not None:
        candidate_panels.forget_new_share(request, response)  # a new share link shows once
    return response


@router.get(CAMPAIGNS + "/" + ALL)
def show_all(request: Request, session: SessionDep) -> Response:
    """Every campaign the user may see; ``?campaign=<id>`` is the campaign selector's
    choice (a plain GET form, no JavaScript needed): it leads to that campaign."""
    choice = request.query_params.get("campaign", "")
    if is_ascii_digits(choice) and len(choice) <= 18:
        scope = _scope(request, session, choice)
        return redirect(request, scope.base)
    return campaign_page(request, session, _scope(request, session, ALL))


@router.get(CAMPAIGNS + "/{campaign_id:int}")
def campaign_view(campaign_id: int, request: Request, session: SessionDep) -> Response:
    return campaign_page(request, session, _scope(request, session, str(campaign_id)))


# --- Posts --------------------------------------------------------------------------------


def _back(form: FormData, scope: Scope) -> str:
    back = text(form, "back", 2000)
    same_list = back == scope.base or back.startswith(scope.base + "?")
    if same_list and all(32 < ord(ch) < 127 for ch in back) and "\\" not in back:
        return back
    return scope.base


def _applications(
    request: Request, session: Session, scope: Scope, raw_ids: list[Any]
) -> list[Application]:
    """The applications posted, all of this page's campaigns (any other id is a 404), in
    the order posted. Their rows are locked for the action and read afresh, in id order
    (two bulk actions on the same leads never wait for each other crosswise): a lead the
    leads API, the PIN sweep or another recruiter moved meanwhile is moved from where it
    is now."""
    ids: list[int] = []
    for raw in raw_ids[: queries.PER_PAGE * 2]:
        value = _id(raw if isinstance(raw, str) else None)
        if value is None:
            raise _not_found(request, scope.who)
        ids.append(value)
    found: dict[int, Application] = {}
    for application_id in sorted(set(ids)):
        try:
            application = get_application(session, scope.who.company.id, application_id, lock=True)
        except NotFound:
            raise _not_found(request, scope.who) from None
        if not scope.allows(session, application):
            raise _not_found(request, scope.who)
        found[application_id] = application
    return [found[i] for i in dict.fromkeys(ids)]


def _job_of(session: Session, scope: Scope, application: Application) -> Job:
    job = scope.job if scope.job is not None else session.get(Job, application.job_id)
    assert job is not None
    return job


def _each(applications: list[Application], send: Callable[[Application], bool]) -> tuple[int, int]:
    """(done, skipped): ``send`` returns whether something went; an ``Invalid`` (a
    candidate who cannot be reached) skips that candidate."""
    done = skipped = 0
    for application in applications:
        try:
            if send(application):
                done += 1
            else:
                skipped += 1
        except DomainError:
            skipped += 1
    return done, skipped


def _label(session: Session, company_id: int, raw: str) -> str | None:
    # The company's label of that name (any case), or a new one: the + menu and the bulk
    # action let the recruiter type one. None for an invalid name.
    try:
        return candidate_panels.label_to_add(session, company_id, raw)
    except DomainError:
        return None


def bulk(request: Request, session: Session, scope: Scope, form: FormData) -> Response:
    back = _back(form, scope)
    action = text(form, "action", 20)
    if action not in ACTIONS:
        return redirect(request, back, flash="cv_bad_choice")
    applications = _applications(request, session, scope, form.getlist("ids"))
    if not applications:
        return redirect(request, back, flash="cv_nothing_selected")
    user = scope.who.user
    company_id = scope.who.company.id
    actor = Actor("user", user.id)
    if action == "move":
        target = text(form, "folder", 40)
        custom_id: int | None = None
        if target.startswith("custom:"):
            custom_id = _id(target[7:])
            if custom_id is None:
                return redirect(request, back, flash="cv_bad_choice")
            if queries.custom_folder_name(session, company_id, custom_id) is None:
                raise _not_found(request, scope.who)  # no such folder in this company
            folder = "custom"
        elif target in queries.MOVE_TARGETS:
            folder = target
        else:  # never into the Inbox
            return redirect(request, back, flash="cv_bad_choice")
        if custom_id is not None:
            # All or nothing: every candidate's campaign must have the folder (Show All
            # offers every folder of the company) before anyone is moved.
            for job_id in {a.job_id for a in applications}:
                job = scope.job or session.get(Job, job_id)
                if job is None or not is_campaign_folder(session, job, custom_id):
                    return redirect(request, back, flash="cv_folder_not_in_campaign")
        # As the leads API's status changes: a move into Completed records the completion
        # (and its message, once); into Shortlisted / Rejected, the message when asked.
        notify = form.get("notify") == "1"
        # The folder counts are written once, sorted: two recruiters moving different
        # leads of one campaign at once would otherwise lock the count rows crosswise.
        counts: FolderCountDeltas = Counter()
        for application in applications:
            moved = (application.folder, application.custom_folder_id) != (folder, custom_id)
            move_application(
                session, application, folder, actor, custom_folder_id=custom_id, counts=counts
            )
            record_completion(session, application)
            if moved:
                automatic.on_moved(session, application, notify=notify)
        write_folder_counts(session, counts)
        return redirect(request, back, flash="cv_moved")
    if action == "label":
        name = _label(session, company_id, text(form, "label", 200))
        if name is None:
            return redirect(request, back, flash="cv_bad_label")
        for application in applications:
            labels_service.apply_labels(session, application, actor, add=[name])
        return redirect(request, back, flash="cv_labeled")
    if action == "pin":
        refresh_pins(
            session,
            company_id,
            [a.id for a in applications],
            settings_of(request).pin_ttl_hours,
            actor,
        )
        return redirect(request, back, flash="cv_pins")
    if action == "invite":
        ttl_hours = settings_of(request).pin_ttl_hours

        def invite(application: Application) -> bool:
            if not send_campaign_message(
                session, application, "invitation", job=_job_of(session, scope, application)
            ):
                return False
            start_pin_clock(application, ttl_hours)  # the PIN's lifetime starts now
            return True

        done, skipped = _each(applications, invite)
        if not done:
            return redirect(request, back, flash="cv_not_invited")
        return redirect(request, back, flash="cv_some_skipped" if skipped else "cv_invited")
    # quick_reply
    reply_id = _id(text(form, "quick_reply", 40))
    if reply_id is None:
        return redirect(request, back, flash="cv_bad_choice")
    try:
        reply = get_quick_reply(session, company_id, reply_id)
    except NotFound:
        raise _not_found(request, scope.who) from None
    done, skipped = _each(
        applications,
        lambda a: bool(send_template(session, a, reply, "last", author_user_id=user.id)),
    )
    if not done:
        return redirect(request, back, flash="cv_not_replied")
    return redirect(request, back, flash="cv_some_skipped" if skipped else "cv_replied")


@router.post(CAMPAIGNS + "/" + ALL + "/bulk")
def bulk_all(request: Request, session: SessionDep, form: CsrfForm) -> Response:
    scope = _scope(request, session, ALL)
    with candidate_panels.refusals_as_pages(request, scope.who):
        return form_once.once(
            request,
            session,
            scope.who.company.id,
            form,
            lambda: bulk(request, session, scope, form),
        )


@router.post(CAMPAIGNS + "/{campaign_id:int}/bulk")
def bulk_campaign(
    campaign_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    scope = _scope(request, session, str(campaign_id))
    with candidate_panels.refusals_as_pages(request, scope.who):
        return form_once.once(
            request,
            session,
            scope.who.company.id,
            form,
            lambda: bulk(request, session, scope, form),
        )


def add_label(
    request: Request, session: Session, scope: Scope, application_id: int, form: FormData
) -> Response:
    """The + of a row: one label on one candidate (an existing name or a new one)."""
    (application,) = _applications(request, session, scope, [str(application_id)])
    back = _back(form, scope)
    name = _label(session, scope.who.company.id, text(form, "label", 200))
    if name is None:
        return redirect(request, back, flash="cv_bad_label")
    labels_service.apply_labels(session, application, Actor("user", scope.who.user.id), add=[name])
    return redirect(request, back, flash="cv_labeled")


@router.post(CAMPAIGNS + "/" + ALL + "/applications/{application_id:int}/labels")
def add_label_all(
    application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    scope = _scope(request, session, ALL)
    with candidate_panels.refusals_as_pages(request, scope.who):
        return add_label(request, session, scope, application_id, form)


@router.post(CAMPAIGNS + "/{campaign_id:int}/applications/{application_id:int}/labels")
def add_label_campaign(
    campaign_id: int, application_id: int, request: Request, session: SessionDep, form: CsrfForm
) -> Response:
    scope = _scope(request, session, str(campaign_id))
    with candidate_panels.refusals_as_pages(request, scope.who):
        return add_label(request, session, scope, application_id, form)
