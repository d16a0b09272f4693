"""Screening entry points: ``screen`` a profile against a job, ``auto_reject``, and
``questions`` — with the scorer and the LLM chosen by the settings.

``settings.scorer``: ``default`` (no model) or ``ml`` (sentence embeddings; falls back to
``default`` with a warning in the result when the ``ml`` extra is missing or fails).
``settings.llm_base_url`` set: the summary and first impression (and questions) are written
by that OpenAI-compatible endpoint; on any LLM error the local texts are used and the
result carries a warning. The score itself never depends on the LLM.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.config import Settings, get_settings
from hireloop.domain.screening import semantic as semantic_mod
from hireloop.domain.screening.questions import QuestionSet, generate_questions
from hireloop.domain.screening.schemas import (
    JobProfile,
    ScreeningProfile,
    ScreeningResult,
    parse_threshold,
)
from hireloop.domain.screening.scorer import SemanticModel, score_candidate
from hireloop.domain.screening.summary import first_impression, llm_texts, resume_summary
from hireloop.integrations.llm import LLMClient, LLMError

log = logging.getLogger(__name__)

_clients: dict[tuple[Any, ...], LLMClient] = {}
_clients_lock = threading.Lock()


def llm_client(settings: Settings) -> LLMClient | None:
    """A shared client for the configured endpoint; None when no LLM is configured."""
    if not settings.llm_base_url:
        return None
    key = (
        settings.llm_base_url,
        settings.llm_api_key,
        settings.llm_model,
        settings.llm_timeout_seconds,
    )
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = LLMClient.from_settings(settings)
    return client


def semantic_model(settings: Settings) -> tuple[SemanticModel | None, list[str]]:
    """The semantic model ``settings.scorer`` asks for, and warnings when it is unusable."""
    scorer = (settings.scorer or "default").strip().lower()
    if scorer == "default":
        return None, []
    if scorer != "ml":
        return None, [f"Unknown scorer {settings.scorer!r}; used the default scorer"]
    if not semantic_mod.is_available():
        return None, [
            f"ml scorer unavailable: {semantic_mod.MISSING_REASON}; used the default scorer"
        ]
    try:
        model = semantic_mod.get_semantic_model(settings.ml_threads)
        _ = model.model  # load now, so a broken install is caught here
    except Exception as e:  # a broken torch install must not break an apply
        log.warning("ml scorer failed to load: %s", e)
        return None, [f"ml scorer failed to load ({type(e).__name__}); used the default scorer"]
    return model, []


@lru_cache(maxsize=256)
def _cached_job_profile(
    title: str,
    description: str,
    criteria: str,
    years: int | None,
    degree: str | None,
    ai_settings: str,
    job_role: str | None,
) -> JobProfile:
    return JobProfile.build(
        title,
        description,
        criteria=json.loads(criteria),
        years_of_experience=years,
        degree_level=degree,
        ai_settings=json.loads(ai_settings),
        job_role=job_role,
    )


def warm_up(settings: Settings) -> list[str]:
    """Load what ``settings.scorer`` needs now (the ml model takes seconds to load), so the
    first application does not wait for it. Returns the warnings, if any."""
    _, warnings = semantic_model(settings)
    return warnings


def job_profile(job: Any) -> JobProfile:
    """``JobProfile.from_job(job)``, cached by the job's content (a job is analysed once,
    whichever the number of candidates, and again as soon as it changes)."""
    if isinstance(job, JobProfile):
        return job
    try:
        return _cached_job_profile(
            getattr(job, "title", "") or "",
            getattr(job, "description", "") or "",
            json.dumps(getattr(job, "criteria", None), sort_keys=True, default=str),
            getattr(job, "years_of_experience", None),
            getattr(job, "degree_level", None),
            json.dumps(getattr(job, "ai_settings", None) or {}, sort_keys=True, default=str),
            getattr(job, "job_role", None),
        )
    except TypeError:  # an unhashable oddity: analyse without the cache
        return JobProfile.from_job(job)


def screen(
    profile: ScreeningProfile,
    job: Any,
    settings: Settings | None = None,
    *,
    today: date | None = None,
    llm: LLMClient | None = None,
) -> ScreeningResult:
    """Score ``profile`` against ``job`` (a ``Job`` row — analysed once and cached by
    content — or a ``JobProfile``) and write the summary and first impression."""
    settings = settings or get_settings()
    jp = job_profile(job)
    semantic, warnings = semantic_model(settings)
    try:
        result = score_candidate(profile, jp, semantic=semantic, today=today)
    except Exception as e:
        if semantic is None:
            raise
        log.warning("ml scoring failed, using the default scorer: %s", e)
        warnings.append(f"ml scoring failed ({type(e).__name__}); used the default scorer")
        result = score_candidate(profile, jp, today=today)
    summary = resume_summary(profile, today)
    impression = first_impression(profile, jp, result)
    client = llm if llm is not None else llm_client(settings)
    if client is not None:
        try:
            summary, impression = llm_texts(client, profile, jp, result)
        except LLMError as e:
            log.warning("LLM summary failed, using the local one: %s", e)
            warnings.append(f"LLM summary failed ({e}); used the local summary")
    return result.model_copy(
        update={
            "summary": summary,
            "first_impression": impression,
            "warnings": [*warnings, *result.warnings],
        }
    )


def auto_reject_threshold(job: Any) -> int | None:
    if isinstance(job, JobProfile):
        return job.auto_reject_threshold
    ai = getattr(job, "ai_settings", None) or {}
    return parse_threshold(ai.get("auto_reject_threshold")) if isinstance(ai, dict) else None


def auto_reject(result: ScreeningResult, job: Any) -> bool:
    """True when the job's ``ai_settings["auto_reject_threshold"]`` (0-100; None = off) is set
    and the score is below it (Talqo: ``rating < auto_reject_threshold``)."""
    threshold = auto_reject_threshold(job)
    return threshold is not None and result.score < threshold


def questions(
    settings: Settings | None = None,
    *,
    job: Any = None,
    role: str | None = None,
    purpose: str | None = None,
    skills: tuple[str, ...] | list[str] = (),
    n: int = 5,
) -> QuestionSet:
    """Interview questions from a job (``Job`` or ``JobProfile``), or a role and a purpose."""
    settings = settings or get_settings()
    return generate_questions(
        job=job_profile(job) if job is not None else None,
        role=role,
        purpose=purpose,
        skills=skills,
        n=n,
        llm=llm_client(settings),
    )


def screen_application(
    session: Session, application_id: int, settings: Settings | None = None
) -> ScreeningResult | None:
    """Score an application's candidate against its job and store the result on the
    application (``ai_score``, ``ai_breakdown``, ``ai_summary``, ...). None when the
    application no longer exists."""
    from hireloop.domain.applications.models import Application
    from hireloop.domain.candidates.models import Candidate
    from hireloop.domain.jobs.models import Job

    application = session.get(Application, application_id)
    if application is None:
        return None
    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    if candidate is None or job is None:
        return None
    result = screen(ScreeningProfile.from_candidate(candidate), job, settings)
    for field, value in result.application_fields().items():
        setattr(application, field, value)
    return result


def screen_applications(
    session: Session,
    company_id: int,
    application_ids: list[int],
    settings: Settings | None = None,
) -> int:
    """``screen_application`` for many applications of the company (a bulk import's
    chunk): applications, candidates and jobs loaded in three statements, the results
    written by one flush. Applications that already have a score are left alone. Returns
    how many were scored."""
    from hireloop.domain.applications.models import Application
    from hireloop.domain.candidates.models import Candidate
    from hireloop.domain.jobs.models import Job

    if not application_ids:
        return 0
    applications = [
        a
        for a in session.scalars(
            select(Application).where(
                Application.id.in_(application_ids), Application.company_id == company_id
            )
        )
        if a.ai_score is None
    ]
    # Held here: the session keeps loaded objects only while something refers to them.
    candidates = {
        c.id: c
        for c in session.scalars(
            select(Candidate).where(Candidate.id.in_({a.candidate_id for a in applications}))
        )
    }
    jobs = {
        j.id: j
        for j in session.scalars(select(Job).where(Job.id.in_({a.job_id for a in applications})))
    }
    scored = 0
    with session.no_autoflush:
        for application in applications:
            candidate = candidates.get(application.candidate_id)
            job = jobs.get(application.job_id)
            if candidate is None or job is None:
                continue
            result = screen(ScreeningProfile.from_candidate(candidate), job, settings)
            for field, value in result.application_fields().items():
                setattr(application, field, value)
            scored += 1
    session.flush()
    return scored
