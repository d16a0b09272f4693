"""A campaign's AI settings: the screening criteria the scorer reads (``Job.criteria``,
Must Have / Nice to Have / Bonus, see screening/criteria.py) and the auto-reject
threshold (``Job.ai_settings["auto_reject_threshold"]``, 0-100, None = off)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hireloop.db import utcnow
from hireloop.domain.actor import Actor
from hireloop.domain.jobs.campaign import NULL_CHARACTER
from hireloop.domain.jobs.models import Job
from hireloop.domain.outbox.service import emit
from hireloop.domain.screening.criteria import BONUS, MUST, NICE, normalize_criteria
from hireloop.errors import Invalid

MAX_CRITERIA = 30  # per category
MAX_CRITERION_LENGTH = 300
_KEYS = {MUST: "mustHave", NICE: "niceToHave", BONUS: "bonus"}


def criteria_of(job: Job) -> dict[str, list[str]]:
    """The job's criteria by category (must_have, nice_to_have, bonus), whatever shape
    the face that wrote them used."""
    normalized = normalize_criteria(job.criteria)
    return {c: [item.text for item in normalized.by_category(c)] for c in (MUST, NICE, BONUS)}


def threshold_of(job: Job) -> int | None:
    value = (job.ai_settings or {}).get("auto_reject_threshold")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def update_ai_settings(
    session: Session,
    job: Job,
    *,
    criteria: dict[str, list[str]],
    auto_reject_threshold: Any,
    actor: Actor,
) -> Job:
    """Replace the criteria (``{"must_have": [...], "nice_to_have": [...], "bonus": [...]}``)
    and set the auto-reject threshold (an integer 0-100, or None / "" for off). Invalid,
    naming the field, before anything changes (too many or too long criteria, a null
    character, a threshold out of range)."""
    details: dict[str, str] = {}
    doc: dict[str, list[str]] = {}
    for category in (MUST, NICE, BONUS):
        lines = [" ".join(str(t).split()) for t in criteria.get(category, [])]
        lines = [t for t in lines if t]
        if len(lines) > MAX_CRITERIA:
            details[f"criteria.{category}"] = f"at most {MAX_CRITERIA} criteria"
        elif any(len(t) > MAX_CRITERION_LENGTH for t in lines):
            details[f"criteria.{category}"] = (
                f"each criterion has at most {MAX_CRITERION_LENGTH} characters"
            )
        elif any("\x00" in t for t in lines):  # jsonb cannot hold one
            details[f"criteria.{category}"] = NULL_CHARACTER
        doc[_KEYS[category]] = list(dict.fromkeys(lines))
    threshold: int | None = None
    raw = auto_reject_threshold
    if isinstance(raw, str):
        raw = raw.strip()
    if raw not in (None, ""):
        try:
            threshold = int(str(raw)) if not isinstance(raw, bool) else -1
        except ValueError:
            threshold = -1
        if not 0 <= threshold <= 100:
            details["auto_reject_threshold"] = "must be a whole number from 0 to 100"
    if details:
        field, message = next(iter(details.items()))
        raise Invalid(f"Invalid {field}: {message}", details=details)
    job.criteria = doc
    job.ai_settings = {**(job.ai_settings or {}), "auto_reject_threshold": threshold}
    job.updated_at = utcnow()
    session.flush()
    emit(
        session,
        job.company_id,
        "job.updated",
        {"jobId": job.id, "changed": ["criteria", "ai_settings"], "actor": [actor.type, actor.id]},
    )
    return job
