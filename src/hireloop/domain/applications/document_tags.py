"""Document tags: the kinds of documents attached to leads ("Resume", "NBI Clearance").

A company starts with the standard tags below (category "default"), written the first
time its tags are read; tags it adds itself (also by attaching a document under a new
tag name) are "custom"."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hireloop.db import insert_for
from hireloop.domain.applications.models import DocumentTag

DEFAULT_DOCUMENT_TAGS = (
    "Resume",
    "Government ID",
    "Birth Certificate",
    "Diploma",
    "Transcript of Records",
    "NBI Clearance",
    "Certificate of Employment",
)
_DEFAULT_KEYS = frozenset(t.lower() for t in DEFAULT_DOCUMENT_TAGS)


def category(tag: DocumentTag) -> str:
    return "default" if tag.name.lower() in _DEFAULT_KEYS else "custom"


def ensure_default_tags(session: Session, company_id: int) -> None:
    """Write the standard tags the company does not have (race-safe)."""
    present = {
        n.lower()
        for n in session.scalars(
            select(DocumentTag.name).where(
                DocumentTag.company_id == company_id,
                func.lower(DocumentTag.name).in_(_DEFAULT_KEYS),
            )
        )
    }
    missing = [t for t in DEFAULT_DOCUMENT_TAGS if t.lower() not in present]
    if not missing:
        return
    session.execute(
        insert_for(session, DocumentTag)
        .values([{"company_id": company_id, "name": name} for name in missing])
        .on_conflict_do_nothing(index_elements=["company_id", "name"])
    )


def list_document_tags(
    session: Session, company_id: int, *, include_default: bool = False
) -> list[DocumentTag]:
    """The company's tags by name: custom ones, and the standard ones when asked."""
    ensure_default_tags(session, company_id)
    stmt = select(DocumentTag).where(DocumentTag.company_id == company_id)
    if not include_default:
        stmt = stmt.where(func.lower(DocumentTag.name).not_in(_DEFAULT_KEYS))
    return list(session.scalars(stmt.order_by(DocumentTag.name, DocumentTag.id)))
