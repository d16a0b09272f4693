"""Searching a company's leads (``GET /campaign_invitations``): free text, campaigns,
folder, date ranges, source, label, location, résumé, custom attributes; 12 per page.

The free-text search matches a lead id (``AP123``), a name, an email or a phone number.
It is built for the trigram indexes of migration 0005 on PostgreSQL: the matching
candidates are found on ``candidates`` alone (one index per kind of value, OR-ed by a
bitmap), then their leads by candidate id (see query_condition for why in two steps)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    any_,
    cast,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, load_only, undefer

from hireloop.db import LIKE_ESCAPE, contains_pattern, fold_case, json_number_text
from hireloop.domain.applications.models import (
    Application,
    ApplicationLabel,
    CustomFolder,
    JobFolderCount,
    Label,
)
from hireloop.domain.candidates.identity import name_key, normalize_phone
from hireloop.domain.candidates.models import Candidate
from hireloop.domain.companies.models import Company
from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.jobs.models import Job
from hireloop.domain.leads.schemas import LeadFilters
from hireloop.domain.leads.service import phone_region
from hireloop.domain.pagination import Page
from hireloop.errors import Invalid

PER_PAGE = 12
# Up to this many people found by a free-text query are listed by id (see query_condition).
MAX_LISTED_CANDIDATES = 2000
SORTS = ("name", "source", "location", "created_at", "completion_date")
RESUME_VALUES = ("attached", "not_attached")
# Talkpush's status filter values for the system folders (custom folders go by name).
STATUS_FOLDERS = {
    "pending": "inbox",
    "inbox": "inbox",
    "completed": "completed",
    "shortlisted": "shortlisted",
    "on_hold": "on_hold",
    "rejected": "rejected",
    "hired": "hired",
    "no_response": "no_response",
    "no_campaign_invitation": "no_campaign_invitation",
}
_LEAD_ID = re.compile(r"(?i)ap\s*-?\s*(\d{1,18})")
_PHONE_LIKE = re.compile(r"[\d\s+().-]+")
# A number as JSON writes it (ASCII digits only), for filter[others].
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# Characters of email local parts that a name holding digits does not have (see
# candidate_match).
_EMAIL_ONLY = frozenset("._+")
# The expression indexed by ix_candidates_name_trgm (a literal ' ', not a bound parameter,
# so that PostgreSQL recognises the indexed expression).
# What a blank city or source is made of (trimmed for sorting).
_BLANKS = " \t\n\r"
FULL_NAME_KEY = Candidate.first_name_key + literal_column("' '", String) + Candidate.last_name_key


_LEAD_COLUMNS = (
    "id", "company_id", "job_id", "candidate_id", "folder", "custom_folder_id", "source",
    "others", "pin", "pin_expires_at", "scheduled_at", "completed_at", "created_at",
    "updated_at", "ai_score",
)  # fmt: skip
_CANDIDATE_COLUMNS = (
    "id", "public_id", "company_id", "first_name", "last_name", "email", "phone", "phone_e164", "gender",
    "education", "employment", "links", "resume_file_id", "city",
)  # fmt: skip
# campaign_settings: for the campaign title (campaign.campaign_title_of).
_CAMPAIGN_COLUMNS = ("id", "company_id", "title", "ats_external_id", "campaign_settings")


@dataclass
class LeadRow:
    application: Application
    candidate: Candidate
    job: Job


def _collapsed(value: str) -> str:
    """``value`` trimmed, inner runs of spaces made one (as folder and label names are)."""
    return " ".join(value.split())


def resolve_status(session: Session, company_id: int, status: str) -> tuple[str, int | None]:
    """``(folder, custom_folder_id)`` for a status filter value: a system folder's value
    (``pending``, ``on_hold``...) or the name of one of the company's custom folders
    (case-insensitive as the database folds case, spaces collapsed)."""
    value = _collapsed(status)
    folder = STATUS_FOLDERS.get(value.lower())
    if folder is not None:
        return folder, None
    custom = session.scalar(
        select(CustomFolder.id)
        .where(
            CustomFolder.company_id == company_id,
            func.lower(CustomFolder.name) == fold_case(value),
        )
        .order_by(CustomFolder.id)
        .limit(1)
    )
    if custom is None:
        raise Invalid(
            f"Unknown status {value!r}: use pending, completed, shortlisted, on_hold, "
            "rejected, hired, no_response or the name of a custom folder.",
            details={"filter[status_selected]": "unknown status"},
        )
    return "custom", custom


def phone_regions(session: Session, company_id: int, campaign_ids: list[int]) -> list[str]:
    """Where a national phone number typed in a search is read, as lead creation reads
    the numbers of a campaign's leads (leads.service.phone_region): the regions of the
    given campaigns, else the company's and those of its campaigns with a hotline country."""
    company = session.get(Company, company_id)
    if company is None:
        return []
    jobs = select(Job).where(Job.company_id == company_id)
    if campaign_ids:
        jobs = jobs.where(Job.id.in_(campaign_ids))
        regions: list[str | None] = []
    else:
        hotline = Job.campaign_settings["hotline_country"].as_string()
        jobs = jobs.where(hotline.is_not(None))
        regions = [company.default_country]
    jobs = jobs.options(load_only(Job.id, Job.company_id, Job.campaign_settings))
    regions += [phone_region(company, job) for job in session.scalars(jobs)]
    return [r for r in dict.fromkeys(regions) if r]


def _is_phone_like(term: str) -> bool:
    return _PHONE_LIKE.fullmatch(term) is not None and sum(ch.isdigit() for ch in term) >= 4


def _folder_filter(
    session: Session, company_id: int, filters: LeadFilters
) -> tuple[str, int | None] | None:
    """``(folder, custom_folder_id)`` the filters ask for, None for any folder."""
    if filters.custom_folder_id is not None:
        return "custom", filters.custom_folder_id
    if filters.status:
        return resolve_status(session, company_id, filters.status)
    return None


def candidate_match(term: str, regions: Collection[str] = ()) -> ColumnElement[bool]:
    """Candidates whose name (accent- and case-insensitive), email or phone contains
    ``term``, or whose id it is; false when the term can be none of them.

    A phone number is looked for as typed (its digits within the E.164 number) and, read
    as a national number of each of ``regions``, as that E.164 number: ``0917 123 4567``
    in the Philippines is ``+639171234567`` (the trunk ``0`` is no digit of it).

    Only the kinds of value the term can be are looked in, each one more index scan
    saved: a name has a letter and no ``@`` (it may hold digits: imported names such as
    "Bulk1"), but a term with a digit and one of ``. _ +`` is taken for a part of an
    email (``maria.garcia.42``); an email has no space; a phone number is digits and
    ``+ ( ) . -``."""
    conditions: list[ColumnElement[bool]] = []
    digits = "".join(ch for ch in term if ch.isdigit())
    if _could_be_name(term, has_digits=bool(digits)):
        key = contains_pattern(name_key(term))
        conditions.append(FULL_NAME_KEY.like(key, escape=LIKE_ESCAPE))
    if not any(ch.isspace() for ch in term):
        conditions.append(Candidate.email.like(contains_pattern(term.lower()), escape=LIKE_ESCAPE))
    if _is_phone_like(term):
        phone_digits = [digits]
        for region in regions:
            e164 = normalize_phone(term, region)
            # Only when it finds more than the digits as typed already do.
            if e164 is not None and not any(d in e164 for d in phone_digits):
                phone_digits.append(e164.removeprefix("+"))
        # LIKE on the column itself, each one a scan of the phone trigram index.
        conditions += [
            Candidate.phone_e164.like(contains_pattern(d), escape=LIKE_ESCAPE) for d in phone_digits
        ]
    if is_ascii_digits(term) and len(term) < 19:
        conditions.append(Candidate.id == int(term))
    # An empty or_() would filter nothing, i.e. find everyone.
    return or_(*conditions) if conditions else false()


def _could_be_name(term: str, *, has_digits: bool) -> bool:
    if "@" in term or not any(ch.isalpha() for ch in term):
        return False
    return not (has_digits and any(ch in _EMAIL_ONLY for ch in term))


def matching_candidates(
    company_id: int, query: str, regions: Collection[str] = ()
) -> Select[tuple[int]] | None:
    """The ids of the company's candidates the free-text ``query`` finds, or None when it
    is a lead id (``AP123``). A plain number is also a lead id: its candidate is found.
    ``regions``: see candidate_match."""
    term = " ".join(query.split())
    if _LEAD_ID.fullmatch(term):
        return None
    candidates = select(Candidate.id).where(
        Candidate.company_id == company_id, candidate_match(term, regions)
    )
    if is_ascii_digits(term) and len(term) < 19:
        by_lead = select(Application.candidate_id).where(
            Application.company_id == company_id, Application.id == int(term)
        )
        return select(union(candidates, by_lead).subquery().c[0])
    return candidates


def query_condition(
    session: Session, company_id: int, query: str, campaign_ids: list[int] | None = None
) -> ColumnElement[bool]:
    """Leads (of ``campaign_ids``, when given: where a national phone number is read)
    matching the free-text ``query``.

    The matching candidates are read first (on PostgreSQL through the trigram indexes),
    and the leads then asked for by candidate id: the planner sees how few they are, where
    an estimate of a LIKE on a name is often a hundred times off and would make it walk
    every lead in date order instead. A query matching more than MAX_LISTED_CANDIDATES
    people (a very common name) stays a subquery: its leads are dense, and walking them
    in date order is then the right plan."""
    term = " ".join(query.split())
    lead_id = _LEAD_ID.fullmatch(term)
    if lead_id:
        return Application.id == int(lead_id.group(1))
    regions: list[str] = []
    if _is_phone_like(term) and not term.startswith("+"):
        regions = phone_regions(session, company_id, campaign_ids or [])
    candidates = matching_candidates(company_id, term, regions)
    assert candidates is not None
    found = list(session.scalars(candidates.limit(MAX_LISTED_CANDIDATES + 1)))
    if len(found) > MAX_LISTED_CANDIDATES:
        return Application.candidate_id.in_(candidates)
    if not found:
        return false()
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter: the statement's text stays the same whatever the number
        # of ids, so it is compiled, converted and prepared once.
        # (Sent as the array's text: psycopg dumps a list of ints element by element.)
        ids = "{" + ",".join(map(str, found)) + "}"
        return Application.candidate_id == any_(cast(literal(ids, String), ARRAY(BigInteger)))
    return Application.candidate_id.in_(found)


def _filters(
    session: Session, company_id: int, filters: LeadFilters
) -> tuple[list[ColumnElement[bool]], bool]:
    """(conditions, needs the candidates joined)."""
    where: list[ColumnElement[bool]] = [Application.company_id == company_id]
    join_candidate = False
    if filters.query and filters.query.strip():
        where.append(query_condition(session, company_id, filters.query, filters.campaign_ids))
    if filters.campaign_ids:
        where.append(Application.job_id.in_(filters.campaign_ids))
    folder = _folder_filter(session, company_id, filters)
    if folder is not None:
        where.append(Application.folder == folder[0])
        if folder[1] is not None:
            where.append(Application.custom_folder_id == folder[1])
    for column, start, end in (
        (Application.created_at, filters.created_from, filters.created_to),
        (Application.updated_at, filters.updated_from, filters.updated_to),
        (Application.scheduled_at, filters.scheduled_from, filters.scheduled_to),
    ):
        if start is not None:
            where.append(column >= start)
        if end is not None:
            where.append(column < end)
    if filters.source:
        # fold_case, not str.lower(): the database's lower() of "İ" is "i" (db.fold_case).
        where.append(func.lower(Application.source) == fold_case(filters.source.strip()))
    if filters.label:
        where.append(
            exists().where(
                ApplicationLabel.application_id == Application.id,
                ApplicationLabel.label_id == Label.id,
                Label.company_id == company_id,
                func.lower(Label.name) == fold_case(_collapsed(filters.label)),
            )
        )
    if filters.location:
        pattern = contains_pattern(fold_case(filters.location.strip()))
        where.append(
            or_(
                func.lower(Candidate.city).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Candidate.state).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Candidate.country).like(pattern, escape=LIKE_ESCAPE),
            )
        )
        join_candidate = True
    if filters.resume:
        if filters.resume not in RESUME_VALUES:
            raise Invalid(
                "filter[resume_selected] must be attached or not_attached.",
                details={"filter[resume_selected]": "must be attached or not_attached"},
            )
        has_resume = Candidate.resume_file_id.is_not(None)
        where.append(has_resume if filters.resume == "attached" else ~has_resume)
        join_candidate = True
    if filters.score_min is not None:
        where.append(Application.ai_score >= filters.score_min)
    if filters.score_max is not None:
        where.append(Application.ai_score <= filters.score_max)
    if filters.completion_method:
        # Recorded by the interview engine in the answers document.
        method = Application.answers["completion_method"].as_string()
        where.append(func.lower(method) == fold_case(filters.completion_method.strip()))
    postgresql = session.get_bind().dialect.name == "postgresql"
    for attr, value in filters.others.items():
        where.append(_other_equals(attr, value, postgresql=postgresql))
    return where, join_candidate


def other_number_text(value: str) -> str | None:
    """The filter value as the text of a JSON number it matches (plain decimal notation,
    the digits after the point as written: ``1e20`` → ``100000000000000000000``, ``2.0``
    → ``2.0``), or None when it is no JSON number."""
    if not _JSON_NUMBER.fullmatch(value):
        return None
    return json_number_text(Decimal(value))


def _other_equals(attr: str, value: str, *, postgresql: bool) -> ColumnElement[bool]:
    """``others[attr]`` equals ``value`` as text: a string as it is, a boolean as
    ``true``/``false``, a number in plain decimal notation with its digits as written
    (other_number_text: ``1e20`` = ``1e+20`` = ``100000000000000000000``; ``2.0`` is not
    ``2``, ``0.3`` not ``0.30000000000000004``); null, objects and arrays never match.

    Both databases compare ``type:text`` of the member: PostgreSQL's jsonb keeps a
    number's exact decimal value and prints it in plain notation; SQLite's
    ``json_member`` (db._json_member) reads the stored JSON text the same way, exactly
    (SQLite's own JSON functions read numbers as 64-bit floats). Any key works, quotes
    and dots included."""
    wanted = [f"string:{value}"]
    if value in ("true", "false"):
        wanted.append(f"boolean:{value}")
    number = other_number_text(value)
    if number is not None:
        wanted.append(f"number:{number}")
    member: ColumnElement[str]
    if postgresql:
        entry = Application.others[attr]
        member = func.jsonb_typeof(entry, type_=String) + literal(":", String) + entry.as_string()
    else:
        member = func.json_member(Application.others, literal(attr, String), type_=String)
    return member.in_(wanted)


def _order(sort_by: str) -> list[ColumnElement[object]]:
    if sort_by not in SORTS:
        raise Invalid(
            f"filter[sort_by_selected] must be one of {', '.join(SORTS)}.",
            details={"filter[sort_by_selected]": "unknown sort"},
        )
    newest = [Application.created_at.desc(), Application.id.desc()]
    if sort_by == "name":
        return [Candidate.last_name_key.asc(), Candidate.first_name_key.asc(), *newest]
    # Sources and cities in any case sort together (as the source filter matches them);
    # a blank one ('' or spaces) is none and sorts last with the missing ones.
    if sort_by == "source":
        return [_sort_key(Application.source).asc().nulls_last(), *newest]
    if sort_by == "location":
        return [_sort_key(Candidate.city).asc().nulls_last(), *newest]
    if sort_by == "completion_date":
        return [Application.completed_at.desc().nulls_last(), *newest]
    return newest


def _sort_key(column: ColumnElement[str | None]) -> ColumnElement[str | None]:
    """lower(trimmed ``column``), NULL when blank."""
    return func.nullif(func.trim(func.lower(column), _BLANKS), "")


def _counted_total(session: Session, company_id: int, filters: LeadFilters) -> int | None:
    """The total from the maintained folder counts, when only campaigns and a folder are
    asked for (no row is counted); None when the filters need the rows."""
    plain = LeadFilters(
        campaign_ids=filters.campaign_ids,
        status=filters.status,
        custom_folder_id=filters.custom_folder_id,
    )
    plain.sort_by = filters.sort_by
    if filters != plain:
        return None
    where = [JobFolderCount.company_id == company_id]
    if filters.campaign_ids:
        where.append(JobFolderCount.job_id.in_(filters.campaign_ids))
    folder = _folder_filter(session, company_id, filters)
    if folder is not None:
        name, custom_id = folder
        where.append(JobFolderCount.folder_key == (f"custom:{custom_id}" if custom_id else name))
    return int(
        session.scalar(select(func.coalesce(func.sum(JobFolderCount.count), 0)).where(*where)) or 0
    )


def search_leads(
    session: Session,
    company_id: int,
    filters: LeadFilters,
    *,
    page: int,
    per_page: int = PER_PAGE,
    with_answers: bool = False,
    count_limit: int | None = None,
) -> Page[LeadRow]:
    """A page of the company's leads matching ``filters``, newest first unless sorted
    otherwise, with their candidates and campaigns.

    The total comes from the maintained folder counts when no row needs to be looked at,
    else from a count (of at most ``offset + count_limit + 1`` rows when given); then the
    page's ids, then their rows."""
    where, join_candidate = _filters(session, company_id, filters)
    order = _order(filters.sort_by)
    join_candidate = join_candidate or filters.sort_by in ("name", "location")
    ids = select(Application.id)
    if join_candidate:
        ids = ids.join(Candidate, Candidate.id == Application.candidate_id)
    ids = ids.where(*where)
    offset = (page - 1) * per_page

    # No window count here: under a LIMIT, PostgreSQL costs a window as if it could
    # stop early, and so prefers walking every lead in date order.
    total = _counted_total(session, company_id, filters)
    if total is None and count_limit is not None:
        # Rows are counted up to count_limit past this page (a broad filter at 1M leads
        # would otherwise count them all): a total above offset + count_limit means "more".
        limited = ids.limit(offset + count_limit + 1).subquery()
        total = int(session.scalar(select(func.count()).select_from(limited)) or 0)
    if total is None:
        total = int(session.scalar(ids.with_only_columns(func.count())) or 0)
    page_ids: list[int] = []
    if total > offset:
        page_ids = list(session.scalars(ids.order_by(*order).offset(offset).limit(per_page)))
    items: list[LeadRow] = []
    if page_ids:
        loaded = {
            app.id: LeadRow(app, cand, job)
            for app, cand, job in session.execute(
                select(Application, Candidate, Job)
                .join(Candidate, Candidate.id == Application.candidate_id)
                .join(Job, Job.id == Application.job_id)
                .where(Application.id.in_(page_ids))
                # What a lead shows; the rest loads on access if ever needed.
                .options(
                    load_only(*(getattr(Application, c) for c in _LEAD_COLUMNS)),
                    load_only(*(getattr(Candidate, c) for c in _CANDIDATE_COLUMNS)),
                    load_only(*(getattr(Job, c) for c in _CAMPAIGN_COLUMNS)),
                    *(
                        [undefer(Application.answers), undefer(Job.interview_settings)]
                        if with_answers
                        else []
                    ),
                )
            ).all()
        }
        items = [loaded[i] for i in page_ids if i in loaded]
    return Page(items=items, page=page, per_page=per_page, total=total)
