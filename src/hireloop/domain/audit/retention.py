"""Rows kept only for a while, deleted by the worker's periodic sweep.

- stored idempotent answers (the career API's ``Idempotency-Key`` and the web app's
  one-time form nonces) after ``HIRELOOP_IDEMPOTENCY_RETENTION_HOURS``: a request sent
  again later than that runs again, as with the payment APIs that made the header common;
- outbox events that were handled (``done``) after ``HIRELOOP_OUTBOX_RETENTION_DAYS``;
  ``dead`` ones stay for whoever looks into why they failed;
- API log rows after ``HIRELOOP_API_LOG_RETENTION_DAYS`` (0 keeps them);
- signed-in sessions and password-reset links once they have expired (they no longer
  open anything).

Each pass deletes up to ``batches`` batches of ``batch`` rows of each kind (100,000 rows
a minute, far more than an installation writes), oldest first, each batch in a short
transaction of its own: a backlog (the first sweep after an upgrade) goes over a few
passes instead of one long lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select

from hireloop.config import Settings
from hireloop.db import Base, Database, utcnow
from hireloop.domain.audit.models import ApiLog, IdempotentRequest
from hireloop.domain.companies.models import PasswordResetToken, UserSession
from hireloop.domain.outbox.models import OutboxEvent

BATCH = 5_000
BATCHES = 20


@dataclass(frozen=True)
class Retention:
    idempotency: timedelta
    outbox: timedelta
    api_logs: timedelta | None  # None: kept

    @classmethod
    def from_settings(cls, settings: Settings) -> Retention:
        days = settings.api_log_retention_days
        return cls(
            idempotency=timedelta(hours=settings.idempotency_retention_hours),
            outbox=timedelta(days=settings.outbox_retention_days),
            api_logs=timedelta(days=days) if days else None,
        )


def sweep_retention(
    db: Database,
    retention: Retention,
    *,
    now: datetime | None = None,
    batch: int = BATCH,
    batches: int = BATCHES,
) -> dict[str, int]:
    """Delete what has outlived its retention; returns how many rows of each table."""
    now = now or utcnow()
    done_before = now - retention.outbox
    kinds: list[tuple[type[Base], ColumnElement[bool], ColumnElement[object]]] = [
        (
            IdempotentRequest,
            IdempotentRequest.created_at < now - retention.idempotency,
            IdempotentRequest.created_at,
        ),
        (
            # Through the (status, available_at) index: an event is handled after it
            # became available, so both are before the cut-off.
            OutboxEvent,
            (OutboxEvent.status == "done")
            & (OutboxEvent.available_at < done_before)
            & (OutboxEvent.processed_at < done_before),
            OutboxEvent.available_at,
        ),
        (UserSession, UserSession.expires_at < now, UserSession.expires_at),
        (PasswordResetToken, PasswordResetToken.expires_at < now, PasswordResetToken.expires_at),
    ]
    if retention.api_logs is not None:
        kinds.append((ApiLog, ApiLog.created_at < now - retention.api_logs, ApiLog.created_at))
    deleted: dict[str, int] = {}
    for model, expired, age in kinds:
        total = 0
        for _ in range(batches):
            with db.unit_of_work() as session:
                ids = session.scalars(
                    select(model.id).where(expired).order_by(age).limit(batch)  # type: ignore[attr-defined]
                ).all()
                if ids:
                    session.execute(
                        delete(model)
                        .where(model.id.in_(ids))  # type: ignore[attr-defined]
                        .execution_options(synchronize_session=False)
                    )
            total += len(ids)
            if len(ids) < batch:
                break
        deleted[model.__tablename__] = total
    return deleted
