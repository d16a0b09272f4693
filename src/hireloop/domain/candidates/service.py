"""Candidates: create with dedupe, read, list, fetch in bulk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_, select, text
from sqlalchemy.orm import Session

from hireloop.db import LIKE_ESCAPE, contains_pattern, fold_case, insert_returning
from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.identity import (
    clean_name,
    name_key,
    normalize_email,
    normalize_phone,
    skills_index,
)
from hireloop.domain.candidates.models import TEXT_LIMITS, Candidate, CandidateTag, Tag
from hireloop.domain.candidates.schemas import CandidateData, CandidateFilters
from hireloop.domain.companies.models import Company
from hireloop.domain.ids import is_ascii_digits, parse_id
from hireloop.domain.outbox.service import emit
from hireloop.domain.pagination import Page
from hireloop.errors import Invalid, NotFound


def find_by_email(session: Session, company_id: int, email: str | None) -> Candidate | None:
    """The company's oldest candidate with this (normalized) email."""
    email = normalize_email(email)
    if not email:
        return None
    return session.scalar(
        select(Candidate)
        .where(Candidate.company_id == company_id, Candidate.email == email)
        .order_by(Candidate.id)
        .limit(1)
    )


def find_by_identity(
    session: Session, company_id: int, email: str | None, first_name: str, last_name: str
) -> Candidate | None:
    """The candidate with the same email and the same names (accent- and case-insensitive)."""
    email = normalize_email(email)
    if not email:
        return None
    return session.scalar(
        select(Candidate).where(
            Candidate.company_id == company_id,
            Candidate.email == email,
            Candidate.first_name_key == name_key(first_name),
            Candidate.last_name_key == name_key(last_name),
        )
    )


def check_lengths(values: Mapping[str, Any], *, names: Mapping[str, str] | None = None) -> None:
    """Invalid, naming the field (as ``names`` maps it, for a face that calls it something
    else), when a text value is longer than its candidates column holds."""
    for field, value in values.items():
        limit = TEXT_LIMITS.get(field)
        if limit is None or not isinstance(value, str):
            continue
        problem = None
        if len(value) > limit:
            problem = f"is too long (at most {limit} characters)"
        elif field in _KEYED_NAMES and len(name_key(value)) > limit:
            # Its matching key (name_key) has a column of the same size, and folding can
            # lengthen a name: "ß" is "ss", "ﬃ" is "ffi".
            problem = f"is too long (at most {limit} characters once case is folded)"
        if problem is not None:
            name = (names or {}).get(field, field)
            raise Invalid(f"{name} {problem}", details={name: problem})


# Names stored with a matching key of the same length (first_name_key, last_name_key).
_KEYED_NAMES = frozenset({"first_name", "last_name"})


def _apply(candidate: Candidate, data: CandidateData, default_region: str | None) -> None:
    values = data.model_dump()
    values["first_name"] = clean_name(data.first_name)
    values["last_name"] = clean_name(data.last_name)
    values["email"] = normalize_email(data.email)
    values["phone"] = data.phone.strip() if data.phone and data.phone.strip() else None
    values["skills"] = _unique([s.strip() for s in data.skills if s and s.strip()])
    check_lengths(values)
    for field, value in values.items():
        setattr(candidate, field, value)
    candidate.first_name_key = name_key(candidate.first_name)
    candidate.last_name_key = name_key(candidate.last_name)
    candidate.phone_e164 = normalize_phone(candidate.phone, default_region)
    candidate.skills_index = skills_index(candidate.skills)


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(name_key(item), item)
    return list(seen.values())


def serialize_on_email(session: Session, company_id: int, email: str | None) -> None:
    """Make concurrent creations with one email wait for each other until commit, so the
    email lookup that follows sees the winner's row. The unique key covers email + names,
    so without this two requests with one email and different names could both insert.
    PostgreSQL: a transaction-scoped advisory lock on (company, email). SQLite already runs
    one write transaction at a time."""
    email = normalize_email(email)
    if not email or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(:company, hashtext(:email))"),
        {"company": company_id, "email": email},
    )


def create_candidate(
    session: Session,
    company_id: int,
    data: CandidateData,
    *,
    match: str = "email",
    prepare: Callable[[Candidate], None] | None = None,
) -> tuple[Candidate, bool]:
    """Create a candidate unless the company already has this person.

    ``match="email"`` (Partner API): same normalized email. ``match="identity"`` (career
    site): same email and same first and last names. Returns ``(candidate, created)``.
    ``prepare`` fills a new candidate further before its INSERT (the career site: what the
    CV says), so that its row is written once; an existing candidate is returned as is.
    """
    if match == "email":
        serialize_on_email(session, company_id, data.email)
        existing = find_by_email(session, company_id, data.email)
        if existing is not None:
            return existing, False
    # match="identity" needs no lookup first: the INSERT below does nothing when the
    # identity key (company, email, names) is taken, and the lookup after it finds the row.
    company = session.get(Company, company_id)  # usually already loaded with the API key
    draft = Candidate(company_id=company_id)
    _apply(draft, data, company.default_country if company else None)
    if prepare is not None:
        prepare(draft)
    values = {
        column.key: getattr(draft, column.key)
        for column in Candidate.__table__.columns
        if getattr(draft, column.key) is not None
    }
    # Losing a race with an identical insert is not an error: the unique identity key
    # turns the second insert into nothing, and the first one's candidate is returned.
    candidate = insert_returning(
        session,
        Candidate,
        values,
        unless_exists=["company_id", "email", "first_name_key", "last_name_key"],
    )
    if candidate is None:
        existing = find_by_identity(
            session, company_id, data.email, data.first_name, data.last_name
        )
        assert existing is not None  # the row that won the race
        return existing, False
    emit(session, company_id, "candidate.created", {"candidateId": candidate.id})
    return candidate, True


def get_candidate(session: Session, company_id: int, candidate_id: int) -> Candidate:
    candidate = session.scalar(
        select(Candidate).where(Candidate.company_id == company_id, Candidate.id == candidate_id)
    )
    if candidate is None:
        raise NotFound("Candidate not found.")
    return candidate


def get_candidates(session: Session, company_id: int, ids: list[int]) -> list[Candidate]:
    """The company's candidates among ``ids``, in the order asked; unknown ids are skipped."""
    if not ids:
        return []
    found = {
        c.id: c
        for c in session.scalars(
            select(Candidate).where(Candidate.company_id == company_id, Candidate.id.in_(ids))
        )
    }
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def search_condition(term: str) -> ColumnElement[bool]:
    """Candidates whose name (accent- and case-insensitive), email, phone or id match
    ``term``: the one definition of "search" used by every candidate list."""
    term = term.strip()
    key = contains_pattern(name_key(term))
    conditions = [
        Candidate.first_name_key.like(key, escape=LIKE_ESCAPE),
        Candidate.last_name_key.like(key, escape=LIKE_ESCAPE),
        (Candidate.first_name_key + " " + Candidate.last_name_key).like(key, escape=LIKE_ESCAPE),
        Candidate.email.like(contains_pattern(term.lower()), escape=LIKE_ESCAPE),
    ]
    digits = "".join(ch for ch in term if is_ascii_digits(ch))
    if len(digits) >= 4:
        conditions.append(Candidate.phone_e164.like(contains_pattern(digits), escape=LIKE_ESCAPE))
    term_id = parse_id(term)
    if term_id is not None:
        conditions.append(Candidate.id == term_id)
    return or_(*conditions)


def list_candidates(
    session: Session, company_id: int, filters: CandidateFilters, *, page: int, per_page: int
) -> Page[Candidate]:
    where = [Candidate.company_id == company_id]
    if filters.search:
        where.append(search_condition(filters.search))
    if filters.email:
        where.append(Candidate.email == normalize_email(filters.email))
    if filters.job_id is not None:
        where.append(
            exists().where(
                Application.candidate_id == Candidate.id, Application.job_id == filters.job_id
            )
        )
    for skill in filters.skill:
        where.append(
            Candidate.skills_index.like(
                contains_pattern("," + name_key(skill) + ","), escape=LIKE_ESCAPE
            )
        )
    if filters.city:
        where.append(func.lower(Candidate.city) == fold_case(filters.city.strip()))
    if filters.country:
        where.append(func.lower(Candidate.country) == fold_case(filters.country.strip()))
    if filters.source:
        where.append(Candidate.source == filters.source)
    if filters.created_after is not None:
        where.append(Candidate.created_at >= filters.created_after)
    if filters.created_before is not None:
        where.append(Candidate.created_at <= filters.created_before)

    order_col = {
        "created_at": Candidate.created_at,
        "updated_at": Candidate.updated_at,
        "name": Candidate.last_name_key,
    }[filters.sort_by]
    order = [order_col.asc(), Candidate.id.asc()]
    if filters.sort_order == "desc":
        order = [order_col.desc(), Candidate.id.desc()]
    total = session.scalar(select(func.count()).select_from(Candidate).where(*where)) or 0
    items = list(
        session.scalars(
            select(Candidate)
            .where(*where)
            .order_by(*order)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def tags_for(session: Session, candidate_ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {cid: [] for cid in candidate_ids}
    if not candidate_ids:
        return tags
    rows = session.execute(
        select(CandidateTag.candidate_id, Tag.name)
        .join(Tag, Tag.id == CandidateTag.tag_id)
        .where(CandidateTag.candidate_id.in_(candidate_ids))
        .order_by(Tag.name)
    )
    for cid, name in rows:
        tags[cid].append(name)
    return tags


def job_ids_for(session: Session, candidate_ids: list[int]) -> dict[int, list[int]]:
    jobs: dict[int, list[int]] = {cid: [] for cid in candidate_ids}
    if not candidate_ids:
        return jobs
    rows = session.execute(
        select(Application.candidate_id, Application.job_id)
        .where(Application.candidate_id.in_(candidate_ids))
        .order_by(Application.id)
    )
    for cid, job_id in rows:
        jobs[cid].append(job_id)
    return jobs
