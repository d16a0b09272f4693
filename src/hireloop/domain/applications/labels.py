"""Labels on applications: company-wide names, the automatic ones (Duplicate, Attempted,
Completed > 50%), and all-or-nothing adds and removes."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hireloop.db import LIKE_ESCAPE, contains_pattern, fold_case, insert_for
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationLabel,
    Label,
)
from hireloop.domain.pagination import Page
from hireloop.errors import Conflict, Unprocessable

DUPLICATE = "Duplicate"
ATTEMPTED = "Attempted"
COMPLETED_HALF = "Completed > 50%"
AUTOMATIC_LABELS = (DUPLICATE, ATTEMPTED, COMPLETED_HALF)
_FORBIDDEN_CHARS = (",", "#", "?")
MAX_NAME = 100


def clean_label_name(name: object) -> str:
    """The trimmed name; Unprocessable when empty, too long or holding ``,`` ``#`` ``?``."""
    if not isinstance(name, str) or not name.strip():
        raise Unprocessable("Name can't be blank", details={"name": "required"})
    name = " ".join(name.split())
    if len(name) > MAX_NAME or any(c in name for c in _FORBIDDEN_CHARS):
        raise Unprocessable("Name is invalid", details={"name": "invalid"})
    return name


def list_labels(
    session: Session, company_id: int, *, name: str | None = None, page: int = 1, per_page: int = 25
) -> Page[Label]:
    where = [Label.company_id == company_id]
    if name:
        where.append(
            func.lower(Label.name).like(contains_pattern(fold_case(name)), escape=LIKE_ESCAPE)
        )
    total = session.scalar(select(func.count()).select_from(Label).where(*where)) or 0
    items = list(
        session.scalars(
            select(Label)
            .where(*where)
            .order_by(Label.name, Label.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def find_label(session: Session, company_id: int, name: str) -> Label | None:
    return session.scalar(
        select(Label).where(Label.company_id == company_id, Label.name == name.strip())
    )


def create_label(session: Session, company_id: int, name: object) -> Label:
    """A new label; Conflict when the company already has one of that name."""
    clean = clean_label_name(name)
    existing = session.scalar(
        select(Label).where(
            Label.company_id == company_id, func.lower(Label.name) == fold_case(clean)
        )
    )
    if existing is not None:
        raise Conflict(f"A label with name {clean} already exists.")
    label = Label(company_id=company_id, name=clean, automatic=clean in AUTOMATIC_LABELS)
    try:
        # A savepoint: a concurrent create of the same name fails this insert alone.
        with session.begin_nested():
            session.add(label)
    except IntegrityError:
        raise Conflict(f"A label with name {clean} already exists.") from None
    return label


def _find_any_case(session: Session, company_id: int, name: str) -> Label | None:
    """The company's label ``name`` however it is capitalised (names are unique so)."""
    return session.scalar(
        select(Label)
        .where(Label.company_id == company_id, func.lower(Label.name) == fold_case(name))
        .order_by(Label.id)
        .limit(1)
    )


def ensure_label(session: Session, company_id: int, name: str) -> Label:
    """The label ``name``, created when missing (race-safe): for the automatic labels. A
    label the company made with another capitalisation ("duplicate") is that label."""
    label = _find_any_case(session, company_id, name)
    if label is not None:
        return label
    session.execute(
        insert_for(session, Label)
        .values(company_id=company_id, name=name, automatic=name in AUTOMATIC_LABELS)
        .on_conflict_do_nothing(index_elements=["company_id", "name"])
    )
    label = _find_any_case(session, company_id, name)
    assert label is not None
    return label


def _attach(session: Session, application_id: int, label_id: int) -> bool:
    result = session.execute(
        insert_for(session, ApplicationLabel)
        .values(application_id=application_id, label_id=label_id)
        .on_conflict_do_nothing(index_elements=["application_id", "label_id"])
    )
    return bool(result.rowcount)


def add_automatic_label(session: Session, application: Application, name: str) -> None:
    """Put one of AUTOMATIC_LABELS on ``application`` (idempotent)."""
    label = ensure_label(session, application.company_id, name)
    if _attach(session, application.id, label.id):
        _event(session, application, Actor.system(), added=[name], removed=[])


def apply_labels(
    session: Session,
    application: Application,
    actor: Actor,
    *,
    add: Iterable[str] = (),
    remove: Iterable[str] = (),
) -> list[str]:
    """Add and remove labels by name, all or nothing: any name the company does not have
    raises Unprocessable before anything changes. Names are matched as label names are
    kept unique (create_label): case-insensitively (as the database folds case: fold_case,
    on both sides), spaces collapsed. Returns the application's labels."""
    add = [" ".join(n.split()) for n in add if isinstance(n, str)]
    remove = [" ".join(n.split()) for n in remove if isinstance(n, str)]
    wanted = {fold_case(n) for n in (*add, *remove)}
    by_key: dict[str, Label] = {}
    for label in session.scalars(
        select(Label)
        .where(Label.company_id == application.company_id, func.lower(Label.name).in_(wanted))
        .order_by(Label.id)
    ):
        by_key.setdefault(fold_case(label.name), label)  # the oldest, should two differ by case
    unknown = sorted({n for n in (*add, *remove) if fold_case(n) not in by_key})
    if unknown:
        raise Unprocessable(
            f"Label(s) not found: {', '.join(unknown)}",
            code="unprocessable_entity",
            data={"unknown_labels": unknown},
        )
    # The labels' own names from here on (events, response).
    add = [by_key[fold_case(n)].name for n in add]
    remove = [by_key[fold_case(n)].name for n in remove]
    found = {label.name: label for label in by_key.values()}
    added = [n for n in dict.fromkeys(add) if _attach(session, application.id, found[n].id)]
    removed: list[str] = []
    for name in dict.fromkeys(remove):
        result = session.execute(
            delete(ApplicationLabel).where(
                ApplicationLabel.application_id == application.id,
                ApplicationLabel.label_id == found[name].id,
            )
        )
        if result.rowcount:
            removed.append(name)
    if added or removed:
        _event(session, application, actor, added=added, removed=removed)
    return labels_for(session, [application.id]).get(application.id, [])


def labels_for(session: Session, application_ids: list[int]) -> dict[int, list[str]]:
    """Label names of each application, alphabetically: {application_id: [names]}."""
    out: dict[int, list[str]] = {}
    if not application_ids:
        return out
    rows = session.execute(
        select(ApplicationLabel.application_id, Label.name)
        .join(Label, Label.id == ApplicationLabel.label_id)
        .where(ApplicationLabel.application_id.in_(application_ids))
        .order_by(Label.name)
    )
    for app_id, name in rows:
        out.setdefault(app_id, []).append(name)
    return out


def _event(
    session: Session,
    application: Application,
    actor: Actor,
    *,
    added: list[str],
    removed: list[str],
) -> None:
    session.add(
        ApplicationEvent(
            company_id=application.company_id,
            application_id=application.id,
            job_id=application.job_id,
            kind="labeled",
            from_folder=application.folder,
            to_folder=application.folder,
            actor_type=actor.type,
            actor_id=actor.id,
            data={"added": added, "removed": removed},
        )
    )
