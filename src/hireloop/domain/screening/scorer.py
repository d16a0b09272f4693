"""The default scorer: a candidate against a job, 0-100, with a breakdown and reasons.

No model is needed: skills come from a lexicon (``text.LEXICON``), the rest from token
overlap. Components (weights before renormalisation; a component that does not apply — no
must-haves, no stated years, no skills named — gets weight 0 and the others share its part):

==============  ======  ==============================================================
must_have        0.30   share of the Must Have criteria met (partly met counts partly)
nice_to_have     0.08   same for Nice to Have
bonus            0.04   same for Bonus
skills           0.15   share of the skills the job names (title, description, criteria)
experience       0.13   years in related positions vs the years asked (overlaps merged)
education        0.07   highest degree vs the level asked, and the field of study
title            0.13   best match of a recent position's title with the job title
semantic         0.10   lexical coverage of the job's terms (default), or embedding
                        similarity of the CV chunks with the job (``semantic`` given)
==============  ======  ==============================================================

With a semantic model (the ``ml`` scorer) the weights are ``ML_WEIGHTS``: semantic 0.16,
skills 0.12, title 0.10, the others unchanged.

Then a must-have gate: the total is multiplied by ``0.55 + 0.45 × must_have`` so that a
candidate without the must-haves cannot rank high on everything else.

Only the ``ScreeningProfile`` is read, which has no name, gender, age, nationality or photo:
none of them can move the score. Over-qualification is never penalised (more years or a
higher degree than asked score 100), since that would penalise age.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from hireloop.domain.screening.criteria import (
    BONUS,
    CATEGORY_LABELS,
    MUST,
    NICE,
    Criterion,
)
from hireloop.domain.screening.schemas import (
    Component,
    JobProfile,
    ProfilePosition,
    ScreeningProfile,
    ScreeningResult,
    months_worked,
)
from hireloop.domain.screening.text import DEGREE_NAMES, content_stems

WEIGHTS: dict[str, float] = {
    "must_have": 0.30,
    "nice_to_have": 0.08,
    "bonus": 0.04,
    "skills": 0.15,
    "experience": 0.13,
    "education": 0.07,
    "title": 0.13,
    "semantic": 0.10,
}
# Weights of the components when a semantic model gives the similarity.
ML_WEIGHTS: dict[str, float] = {**WEIGHTS, "semantic": 0.16, "skills": 0.12, "title": 0.10}
GATE_FLOOR = 0.55
# Lexical coverage of the job's weighted terms that counts as a full match.
LEXICAL_FULL = 0.45
# Years that count as full experience when the job states none.
DEFAULT_YEARS = 2
_GENERIC_FIELD = frozenset(
    content_stems(
        "science sciences studies arts art bachelor master "
        "degree honours honors general program diploma"
    )
)


@runtime_checkable
class SemanticModel(Protocol):
    """Something that rates how close a CV is to a job, 0-1 (calibrated)."""

    name: str

    def similarity(self, profile: ScreeningProfile, job: JobProfile) -> float: ...


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _fmt_years(y: float) -> str:
    return f"{y:.0f}" if abs(y - round(y)) < 0.05 else f"{y:.1f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _short_list(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


class _Facts:
    """What the criteria checks need, computed once per score."""

    def __init__(self, profile: ScreeningProfile, job: JobProfile, today: date) -> None:
        self.profile = profile
        self.skills = profile.skill_names
        self.stems = profile.stems
        self.total_years = profile.experience_years(today)
        self.degree = profile.highest_degree
        self.edu_stems = frozenset(
            content_stems(" ".join(f"{e.degree or ''} {e.major or ''}" for e in profile.education))
        )
        # Title similarity of each position (most recent first).
        self.title_sims: list[float] = []
        job_sets = [s for s in (job.title_tokens, job.role_tokens) if s]
        for tokens in profile.title_token_sets:
            self.title_sims.append(max((_dice(tokens, js) for js in job_sets), default=0.0))
        self.relevant_years = self._relevant_years(job, today)

    def _relevant_years(self, job: JobProfile, today: date) -> float:
        """Years in positions related to the job: a similar title, or a description that
        names the job's skills. Unrelated positions count for nothing, half-related half."""
        job_skills = set(job.skills)
        positions = self.profile.positions
        full: list[ProfilePosition] = []
        both: list[ProfilePosition] = []
        sims = iter(self.title_sims)
        for p, named_skills in zip(positions, self.profile.position_skills, strict=True):
            sim = next(sims) if p.title else 0.0
            named = len(named_skills & job_skills)
            share = named / len(job_skills) if job_skills else 0.0
            if sim >= 0.5 or named >= 3 or share >= 0.3:
                full.append(p)
                both.append(p)
            elif sim > 0 or named >= 1:
                both.append(p)
        if not both:
            return 0.0
        f = months_worked(full, today)
        b = months_worked(both, today)
        return round((f + 0.5 * (b - f)) / 12, 1)


def _criterion_credit(c: Criterion, facts: _Facts) -> float | None:
    """0-1: how far the candidate meets one criterion; None when it cannot be checked."""
    credit: float | None = None
    if c.skills:
        present = [s in facts.skills for s in c.skills]
        credit = (1.0 if any(present) else 0.0) if c.any_of else sum(present) / len(present)
    if c.min_years:
        years = facts.total_years
        part = 1.0 if years >= c.min_years else 0.8 * years / c.min_years
        credit = part if credit is None else credit * part
    if c.degree_level:
        level = facts.degree
        if level is not None and level >= c.degree_level:
            part = 1.0
        elif level is not None and level == c.degree_level - 1:
            part = 0.5
        else:
            part = 0.0
        field = [k for k in c.keywords if k not in _GENERIC_FIELD]
        if field and part > 0:
            matched = sum(1 for k in field if k in facts.edu_stems or k in facts.stems)
            part *= 0.5 + 0.5 * (matched / len(field))
        credit = part if credit is None else credit * part
    if credit is None and c.keywords:
        matched = sum(1 for k in c.keywords if k in facts.stems)
        credit = min(1.0, matched / len(c.keywords) / 0.75)
    return credit


def _criteria_component(
    criteria: tuple[Criterion, ...], category: str, facts: _Facts
) -> tuple[int, str] | None:
    checked = [(c, cr) for c in criteria if (cr := _criterion_credit(c, facts)) is not None]
    if not checked:
        return None
    score = round(100 * sum(cr for _, cr in checked) / len(checked))
    label = CATEGORY_LABELS[category]
    met = [c for c, cr in checked if cr >= 0.99]
    unmet = [c for c, cr in checked if cr < 0.99]
    if all(c.is_skill_only and not c.any_of for c, _ in checked):
        wanted = sorted({s for c, _ in checked for s in c.skills})
        missing = [s for s in wanted if s not in facts.skills]
        reason = f"Has {len(wanted) - len(missing)} of {len(wanted)} {label} skills"
        if missing:
            reason += f" (missing: {_short_list(missing)})"
    else:
        reason = f"Meets {len(met)} of {_plural(len(checked), label + ' criterion')}".replace(
            "criterions", "criteria"
        )
        if unmet:
            reason += f" (not met: {_short_list([_describe_unmet(c, facts) for c in unmet], 3)})"
    return score, reason


def _describe_unmet(c: Criterion, facts: _Facts) -> str:
    missing = [s for s in sorted(c.skills) if s not in facts.skills]
    if c.skills and missing and not (c.any_of and len(missing) < len(c.skills)):
        if c.min_years:
            return f"{c.text} — no {' / '.join(missing)}"
        return c.text if len(c.skills) == 1 else f"{c.text} — missing {', '.join(missing)}"
    if c.min_years and facts.total_years < c.min_years:
        return f"{c.text} — {_fmt_years(facts.total_years)} years"
    return c.text


def score_candidate(
    profile: ScreeningProfile,
    job: JobProfile,
    *,
    semantic: SemanticModel | None = None,
    today: date | None = None,
) -> ScreeningResult:
    """Score ``profile`` against ``job``. ``semantic`` replaces the lexical similarity by a
    model's (the ``ml`` scorer); ``today`` ends current positions (tests pass a fixed date)."""
    today = today or date.today()
    facts = _Facts(profile, job, today)
    weights = dict(ML_WEIGHTS if semantic is not None else WEIGHTS)
    scores: dict[str, int] = {}
    details: dict[str, str] = {}
    reasons: list[str] = []
    warnings: list[str] = []

    # Criteria: must have, nice to have, bonus.
    for category, key in ((MUST, "must_have"), (NICE, "nice_to_have"), (BONUS, "bonus")):
        got = _criteria_component(job.criteria.by_category(category), category, facts)
        if got is None:
            continue
        scores[key], details[key] = got
        reasons.append(got[1])

    # Skills the job names anywhere.
    matched = sorted(s for s in job.skills if s in facts.skills)
    missing = sorted(s for s in job.skills if s not in facts.skills)
    if job.skills:
        scores["skills"] = round(100 * len(matched) / len(job.skills))
        detail = f"Shows {len(matched)} of {len(job.skills)} skills the job names"
        if missing:
            detail += f" (missing: {_short_list(missing, 5)})"
        details["skills"] = detail
        reasons.append(detail)

    # Experience.
    total, relevant = facts.total_years, facts.relevant_years
    wanted = job.years_required
    target = wanted or DEFAULT_YEARS
    scores["experience"] = round(100 * min(1.0, relevant / target)) if target else 100
    exp = f"{_fmt_years(total)} years of experience"
    if profile.positions and relevant < total - 0.05:
        exp += f", {_fmt_years(relevant)} in related roles"
    exp += f" (job asks {wanted}+)" if wanted else " (job states no minimum)"
    details["experience"] = exp
    reasons.append(exp)
    undated = profile.undated_positions()
    if undated:
        warnings.append(
            f"{_plural(undated, 'position')} without full dates: experience may be undercounted"
        )
    if not wanted:
        weights["experience"] *= 0.6

    # Education.
    level = facts.degree
    field_stems = {s for s in facts.edu_stems if s not in _GENERIC_FIELD}
    field_match = bool(field_stems & job.term_weights.keys())
    if job.degree_required:
        if level is not None and level >= job.degree_required:
            part = 1.0
        elif level is not None and level == job.degree_required - 1:
            part = 0.6
        else:
            part = 0.3 if level is None else 0.2
        scores["education"] = round(100 * (0.75 * part + 0.25 * field_match))
        asked = DEGREE_NAMES[job.degree_required]
        have = DEGREE_NAMES[level] if level else "no degree found"
        edu = f"Education: {have} (job asks {asked})"
    else:
        scores["education"] = (70 + 30 * field_match) if profile.education else 50
        edu = f"Education: {DEGREE_NAMES[level] if level else 'no degree found'}"
        weights["education"] *= 0.5
    if field_match:
        edu += ", in a related field"
    details["education"] = edu
    reasons.append(edu)

    # Title.
    if facts.title_sims:
        recency = [1.0, 0.9] + [0.8] * max(0, len(facts.title_sims) - 2)
        best_i = max(range(len(facts.title_sims)), key=lambda i: facts.title_sims[i] * recency[i])
        scores["title"] = round(100 * facts.title_sims[best_i] * recency[best_i])
        titles = profile.titles
        if scores["title"] >= 50:
            details["title"] = f"Has worked as {titles[best_i]} (similar to {job.title})"
        elif scores["title"] > 0:
            details["title"] = f"Closest past title: {titles[best_i]}"
        else:
            details["title"] = f"No past title close to {job.title}"
    else:
        scores["title"] = 0
        details["title"] = "No job titles found"
    reasons.append(details["title"])

    # Semantic similarity.
    if semantic is not None:
        sim = max(0.0, min(1.0, semantic.similarity(profile, job)))
        details["semantic"] = f"Semantic similarity with the job: {round(100 * sim)}/100"
    else:
        tw = job.term_weights
        total_w = sum(tw.values())
        covered = sum(w for t, w in tw.items() if t in facts.stems)
        sim = min(1.0, covered / total_w / LEXICAL_FULL) if total_w else 0.0
        details["semantic"] = (
            f"CV covers {round(100 * covered / total_w) if total_w else 0}% of the job's terms"
        )
    scores["semantic"] = round(100 * sim)
    if not profile.full_text.strip():
        warnings.append("The CV has no text to compare with the job")

    # Combine.
    active = {k: w for k, w in weights.items() if k in scores}
    norm = sum(active.values())
    raw = sum(scores[k] * w for k, w in active.items()) / norm
    must = scores.get("must_have")
    gate = GATE_FLOOR + (1 - GATE_FLOOR) * (must / 100) if must is not None else 1.0
    score = max(0, min(100, round(raw * gate)))
    if gate < 0.995:
        reasons.append(f"Missing must-haves lower the overall score by {round(100 * (1 - gate))}%")
    breakdown = {
        k: Component(
            score=scores.get(k, 0),
            weight=round(active.get(k, 0.0) / norm, 3),
            detail=details.get(k, ""),
        )
        for k in WEIGHTS
    }
    criteria_matches = {
        "skills": scores.get("skills", must if must is not None else scores["semantic"]),
        "experience": scores["experience"],
        "education": scores["education"],
        "title": scores["title"],
    }
    for key, camel in (
        ("must_have", "mustHave"),
        ("nice_to_have", "niceToHave"),
        ("bonus", "bonus"),
    ):
        if key in scores:
            criteria_matches[camel] = scores[key]
    recommend = score >= job.recommend_threshold and (must is None or must >= 80)
    return ScreeningResult(
        score=score,
        breakdown=breakdown,
        criteria_matches=criteria_matches,
        reasons=reasons,
        recommend=recommend,
        scorer=semantic.name if semantic is not None else "default",
        warnings=warnings,
        experience_years=total,
        matched_skills=matched,
        missing_skills=missing,
    )
