"""Interview PINs (access codes): issued on invitation, valid for a configurable time
from the invitation; an invited application whose PIN expires unanswered moves to No
Response (one never sent an invitation stays where it is). Recruiters refresh PINs for one
application or many."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hireloop.db import Database, utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application
from hireloop.domain.applications.service import (
    FolderCountDeltas,
    move_application,
    write_folder_counts,
)
from hireloop.domain.messaging.models import NOT_SENT, Message

PIN_DIGITS = 6
# Folders whose applications still wait for the candidate to take the interview.
WAITING_FOLDERS = ("inbox",)


def new_pin() -> str:
    """A random 6-digit PIN (leading zeros kept)."""
    return f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"


def pin_expiry(ttl_hours: int, now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(hours=ttl_hours)


def issue_pin(application: Application, ttl_hours: int, *, expires: bool = True) -> str:
    """Give ``application`` a fresh PIN valid for ``ttl_hours``; without ``expires``, a PIN
    whose lifetime starts only with the invitation (start_pin_clock)."""
    application.pin = new_pin()
    application.pin_expires_at = pin_expiry(ttl_hours) if expires else None
    return application.pin


def start_pin_clock(application: Application, ttl_hours: int) -> None:
    """An invitation was just sent with the application's PIN: the PIN is valid for
    ``ttl_hours`` from now, unless it already runs (a PIN with no expiry yet, or one that
    ran out before the invitation, gets a full lifetime)."""
    expires = application.pin_expires_at
    if expires is None or expires <= utcnow():
        application.pin_expires_at = pin_expiry(ttl_hours)


def refresh_pins(
    session: Session, company_id: int, application_ids: list[int], ttl_hours: int, actor: Actor
) -> list[Application]:
    """New PINs for the company's applications among ``application_ids``; those in No
    Response go back to the Inbox, since the candidate can take the interview again. The
    rows are locked (in id order) until commit, so a sweep or a move of one of them waits
    for the refresh, or the refresh for them, and none is moved twice."""
    applications = list(
        session.scalars(
            select(Application)
            .where(Application.company_id == company_id, Application.id.in_(application_ids))
            .order_by(Application.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    counts: FolderCountDeltas = Counter()  # written once, sorted (no crosswise row locks)
    for application in applications:
        issue_pin(application, ttl_hours)
        if application.folder == "no_response":
            move_application(
                session, application, "inbox", actor, reason="PIN refreshed", counts=counts
            )
    write_folder_counts(session, counts)
    session.flush()
    return applications


def expire_pins(session: Session, *, now: datetime | None = None, limit: int = 1000) -> int:
    """Move applications whose PIN expired while they waited to No Response; returns how
    many moved. Only applications sent an invitation expire: the candidate had a chance
    to respond. Run periodically by the worker (all companies: a system sweep)."""
    now = now or utcnow()
    due = list(
        session.scalars(
            select(Application)
            .where(
                Application.pin_expires_at.is_not(None),
                Application.pin_expires_at <= now,
                Application.folder.in_(WAITING_FOLDERS),
                exists().where(
                    Message.application_id == Application.id,
                    Message.kind == "invitation",
                    Message.direction == "outbound",
                    Message.status.not_in(NOT_SENT),
                ),
            )
            .order_by(Application.pin_expires_at)
            .limit(limit)
            # Two sweeps at once (two workers) never move one application twice: rows
            # another sweep holds are left to it (PostgreSQL; SQLite has one writer).
            .with_for_update(skip_locked=True)
        )
    )
    counts: FolderCountDeltas = Counter()  # written once, sorted (no crosswise row locks)
    for application in due:
        move_application(
            session,
            application,
            "no_response",
            Actor.system(),
            reason="PIN expired",
            counts=counts,
        )
    write_folder_counts(session, counts)
    session.flush()
    return len(due)


def sweep_expired_pins(db: Database, *, batch: int = 1000) -> int:
    """Run expire_pins in batches, one transaction each, until nothing is due; returns
    how many applications moved to No Response (the worker calls this periodically)."""
    moved = 0
    while True:
        with db.unit_of_work() as session:
            count = expire_pins(session, limit=batch)
        moved += count
        if count < batch:
            return moved
