"""``AI_resume_summary`` and ``first_impression_text``: short, factual texts for a recruiter.

Built locally from the parsed facts of a ``ScreeningProfile`` (positions, dates, education,
skills, languages, certifications) and the score's reasons — never from anything else, so
they cannot mention a name, gender, age or nationality: the profile has none. With an
LLM configured, ``llm_texts`` asks it for both texts from the same facts (and the redacted
CV text), as JSON; the caller falls back to the local texts when it fails.
"""

from __future__ import annotations

import calendar
import json
from datetime import date
from typing import Any

from hireloop.domain.ids import is_ascii_digits
from hireloop.domain.screening.schemas import JobProfile, ScreeningProfile, ScreeningResult
from hireloop.integrations.llm import LLMClient, LLMError

MAX_LLM_TEXT = 1500
_MONTH_NAMES = list(calendar.month_name)[1:]


def _month(ym: str | None) -> str | None:
    if not ym:
        return None
    parts = ym.split("-")
    if len(parts) >= 2 and is_ascii_digits(parts[1]) and 1 <= int(parts[1]) <= 12:
        return f"{_MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _years(y: float) -> str:
    if y < 1:
        return "less than a year"
    n = f"{y:.0f}" if abs(y - round(y)) < 0.05 else f"{y:.1f}"
    return f"{n} year" if n == "1" else f"{n} years"


def _join(items: list[str], limit: int) -> str:
    items = list(dict.fromkeys(i.strip() for i in items if i and i.strip()))
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def resume_summary(profile: ScreeningProfile, today: date | None = None) -> str:
    """One short paragraph of facts: latest role, experience, education, skills, languages."""
    today = today or date.today()
    sentences: list[str] = []
    latest = next((p for p in profile.positions if p.title), None)
    if latest:
        where = f" at {latest.employer}" if latest.employer else ""
        when = ""
        if latest.current and latest.start:
            when = f" since {_month(latest.start)}"
        elif latest.current:
            when = " (current)"
        elif latest.end:
            when = f" until {_month(latest.end)}"
        verb = "Currently" if latest.current else "Most recently"
        sentences.append(f"{verb} {latest.title}{where}{when}.")
    months = profile.experience_months(today)
    n_pos = len(profile.positions)
    if months:
        employers = len(dict.fromkeys(e.lower() for e in profile.employers))
        across = f" across {employers} employers" if employers > 1 else ""
        sentences.append(f"{_years(months / 12).capitalize()} of dated experience{across}.")
    elif n_pos:
        sentences.append(f"{n_pos} position{'s' if n_pos > 1 else ''} listed, without full dates.")
    else:
        sentences.append("No work experience listed.")
    previous = [p.title for p in profile.positions[1:4] if p.title]
    if previous:
        sentences.append(f"Earlier roles: {_join(previous, 3)}.")
    if profile.education:
        e = profile.education[0]
        what = " ".join(
            x for x in (e.degree, f"in {e.major}" if e.major and e.degree else e.major) if x
        )
        where = f" ({e.school})" if e.school else ""
        if what or where:
            sentences.append(f"Education: {(what or 'studies')}{where}.")
    if profile.skills:
        sentences.append(f"Skills: {_join(profile.skills, 8)}.")
    if profile.certifications:
        sentences.append(f"Certifications: {_join(profile.certifications, 3)}.")
    if profile.languages:
        sentences.append(f"Languages: {_join(profile.languages, 4)}.")
    return " ".join(sentences)


def _tier(score: int) -> str:
    if score >= 80:
        return "Strong match"
    if score >= 65:
        return "Good match"
    if score >= 45:
        return "Partial match"
    return "Weak match"


def first_impression(profile: ScreeningProfile, job: JobProfile, result: ScreeningResult) -> str:
    """The verdict in two or three sentences: tier, the strongest and the weakest point."""
    parts = [f"{_tier(result.score)} for {job.title} ({result.score}/100)."]
    ranked = sorted(
        ((k, c) for k, c in result.breakdown.items() if c.weight > 0 and c.detail),
        key=lambda kc: kc[1].score * kc[1].weight,
        reverse=True,
    )
    if ranked:
        parts.append(f"Strength: {ranked[0][1].detail}.")
        weakest = min(ranked, key=lambda kc: kc[1].score)
        if weakest[1].score < 70 and weakest[0] != ranked[0][0]:
            parts.append(f"Gap: {weakest[1].detail}.")
    if not profile.positions and not profile.full_text.strip():
        parts.append("The CV gave little to assess.")
    return " ".join(p.replace("..", ".") for p in parts)


_SYSTEM = (
    "You assist recruiters. From the facts given, write (1) AI_resume_summary: 2-4 factual "
    "sentences about the candidate's experience, education and skills; (2) "
    "first_impression_text: 1-3 sentences on how the candidate fits the job, naming the main "
    "strength and the main gap. Use only the facts given; do not invent. Never mention or "
    "guess a name, gender, pronouns, age, nationality, ethnicity, religion, family status, "
    "health or appearance: refer to 'the candidate'. Reply with a JSON object with exactly "
    'the keys "AI_resume_summary" and "first_impression_text".'
)


def _facts(profile: ScreeningProfile, job: JobProfile, result: ScreeningResult) -> dict[str, Any]:
    return {
        "job": {
            "title": job.title,
            "must_have": [c.text for c in job.criteria.must_have],
            "nice_to_have": [c.text for c in job.criteria.nice_to_have],
            "bonus": [c.text for c in job.criteria.bonus],
            "years_required": job.years_required,
            "skills": job.skills,
        },
        "candidate": {
            "positions": [
                {k: v for k, v in p.model_dump().items() if v not in (None, "", False)}
                for p in profile.positions[:8]
            ],
            "education": [e.model_dump(exclude_none=True) for e in profile.education[:4]],
            "skills": profile.skills[:40],
            "languages": profile.languages,
            "certifications": profile.certifications,
            "experience_years": result.experience_years,
            "cv_text": profile.full_text[:6000],
        },
        "assessment": {"score": result.score, "reasons": result.reasons},
    }


def llm_texts(
    client: LLMClient, profile: ScreeningProfile, job: JobProfile, result: ScreeningResult
) -> tuple[str, str]:
    """(summary, first impression) written by the LLM; ``LLMError`` when its reply is unusable."""
    data = client.chat_json(
        [
            {"role": "system", "content": _SYSTEM},
            {
                "role": "user",
                "content": json.dumps(_facts(profile, job, result), ensure_ascii=False),
            },
        ],
        temperature=0.2,
    )
    summary = data.get("AI_resume_summary")
    impression = data.get("first_impression_text")
    if not isinstance(summary, str) or not summary.strip():
        raise LLMError("LLM reply has no AI_resume_summary", kind="response")
    if not isinstance(impression, str) or not impression.strip():
        raise LLMError("LLM reply has no first_impression_text", kind="response")
    return summary.strip()[:MAX_LLM_TEXT], impression.strip()[:MAX_LLM_TEXT]
