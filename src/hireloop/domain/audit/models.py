"""Records of API use: one row per call (API logs) and stored idempotent responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hireloop.db import Base, BigId, JSONType, UTCDateTime, utcnow


class ApiLog(Base):
    """One API call: endpoint, status, latency, IP and user agent (Talqo's api_logs)."""

    __tablename__ = "api_logs"
    __table_args__ = (
        Index("ix_api_logs_company_created", "company_id", "created_at"),
        Index("ix_api_logs_created_at", "created_at"),  # the retention sweep
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Unknown when the key was missing or wrong.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    face: Mapped[str] = mapped_column(String(20))  # career | partner | leads | profiles
    method: Mapped[str] = mapped_column(String(10))
    endpoint: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotentRequest(Base):
    """The response given to a request sent with an ``Idempotency-Key`` header, replayed
    for the same key and body.

    ``response_text`` is the body exactly as it was sent, replayed byte for byte (JSONB,
    ``response_body`` on PostgreSQL, reorders the keys); rows written before it existed
    (and the web app's form answers, which keep only the data) have it null and are
    replayed from ``response_body``."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (
        UniqueConstraint("company_id", "key"),
        Index("ix_idempotent_requests_created_at", "created_at"),  # the retention sweep
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    endpoint: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the request body
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    response_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
