"""Movement reasons: what a recruiter picks when shortlisting or rejecting a lead.

Stored snake_case (``failed_background_check``) and shown Title Case ("Failed Background
Check"). A company starts with the standard set below, written the first time its
reasons are read; a soft-deleted reason (``deleted_at``) is no longer offered."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import insert_for
from hireloop.domain.applications.models import MovementReason
from hireloop.domain.pagination import Page
from hireloop.errors import Unprocessable

REASON_TYPES = ("rejected", "shortlisted")
DEFAULT_REASONS: dict[str, tuple[str, ...]] = {
    "rejected": (
        "not_qualified",
        "insufficient_experience",
        "failed_assessment",
        "failed_background_check",
        "poor_communication_skills",
        "salary_expectations",
        "no_show",
        "withdrew_application",
        "position_filled",
    ),
    "shortlisted": (
        "meets_requirements",
        "relevant_experience",
        "strong_communication_skills",
        "passed_assessment",
        "referred_candidate",
    ),
}


def display_name(name: str) -> str:
    """``failed_background_check`` -> ``Failed Background Check``."""
    return " ".join(w[:1].upper() + w[1:] for w in name.replace("_", " ").split())


def stored_name(name: str) -> str:
    """``Failed Background Check`` -> ``failed_background_check``."""
    return re.sub(r"[\s_]+", "_", name.strip().lower()).strip("_")


def check_type(value: object) -> str | None:
    """The reason type filter (None = both); Unprocessable for any other value."""
    if value is None or value == "":
        return None
    if value not in REASON_TYPES:
        raise Unprocessable(
            f"Invalid type '{value}'. Must be one of: {', '.join(REASON_TYPES)}.",
            details={"type": f"must be one of {', '.join(REASON_TYPES)}"},
        )
    return str(value)


def ensure_default_reasons(session: Session, company_id: int) -> None:
    """Write the standard reasons for a company that has none yet (race-safe)."""
    has_any = session.scalar(
        select(MovementReason.id).where(MovementReason.company_id == company_id).limit(1)
    )
    if has_any is not None:
        return
    rows = [
        {"company_id": company_id, "type": kind, "name": name}
        for kind, names in DEFAULT_REASONS.items()
        for name in names
    ]
    session.execute(
        insert_for(session, MovementReason)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["company_id", "type", "name"])
    )


def list_reasons(
    session: Session,
    company_id: int,
    *,
    type: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Page[MovementReason]:
    """The company's live reasons (rejected first, then shortlisted; oldest first)."""
    ensure_default_reasons(session, company_id)
    where = [MovementReason.company_id == company_id, MovementReason.deleted_at.is_(None)]
    if type is not None:
        where.append(MovementReason.type == type)
    total = session.scalar(select(func.count()).select_from(MovementReason).where(*where)) or 0
    items = list(
        session.scalars(
            select(MovementReason)
            .where(*where)
            .order_by(MovementReason.type, MovementReason.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def find_reason(session: Session, company_id: int, type: str, name: str) -> MovementReason | None:
    """A live reason by its stored or displayed name, or None."""
    ensure_default_reasons(session, company_id)
    return session.scalar(
        select(MovementReason).where(
            MovementReason.company_id == company_id,
            MovementReason.type == type,
            MovementReason.name == stored_name(name),
            MovementReason.deleted_at.is_(None),
        )
    )
