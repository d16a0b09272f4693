"""What screening reads and writes.

``ScreeningProfile`` is the only view of a candidate that a scorer gets. It has NO field for
the name, gender, date of birth or age, nationality, photo, contact details or location, and
it refuses extra fields: bias is kept out by construction. Its free texts (summary, position
descriptions, the full CV text) are redacted on the way in (``text.redact``): the name,
e-mail, phone, links and personal-data fields are removed and pronouns made neutral. Two CVs
that differ only by those facts therefore give the same profile and the same score.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hireloop.domain.resumes.schemas import ParsedResume
from hireloop.domain.screening.criteria import JobCriteria, normalize_criteria
from hireloop.domain.screening.text import (
    LEXICON,
    content_stems,
    degree_level,
    job_degree_level,
    markdown_sections,
    markdown_to_text,
    redact,
    skills_in_list,
    title_tokens,
    years_in,
)

# --------------------------------------------------------------------------- dates


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            "jan january janv janvier",
            "feb february fev fevr fevrier",
            "mar march mars",
            "apr april avr avril",
            "may mai",
            "jun june juin",
            "jul july juil juillet",
            "aug august aout",
            "sep sept september septembre",
            "oct october octobre",
            "nov november novembre",
            "dec december decembre",
        )
    )
    for m in names.split()
}
_PRESENT = re.compile(r"present|current|now|today|ongoing|aujourd|actuel", re.I)


@lru_cache(maxsize=8192)
def parse_month(value: Any, *, end: bool = False) -> tuple[int, int] | None:
    """(year, month) from "2019-03", "2019-03-01", "03/2019", "Mar 2019", "2019", epoch ms.

    A year alone is January as a start and December as an end."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.year, value.month
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value > 10_000:  # epoch milliseconds or seconds
            from datetime import UTC, datetime

            seconds = value / 1000 if value > 10**11 else value
            d = datetime.fromtimestamp(seconds, tz=UTC)
            return d.year, d.month
        year = int(value)
        return (year, 12 if end else 1) if 1950 <= year <= 2100 else None
    text = str(value).strip().lower()
    m = re.match(r"^(\d{4})[-/.](\d{1,2})", text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
    else:
        m = re.match(r"^(\d{1,2})[-/.](\d{4})", text)
        if m:
            month, year = int(m.group(1)), int(m.group(2))
        else:
            m = re.search(r"([a-z]+)\.?\s+(\d{4})", text)
            if m and m.group(1) in _MONTHS:
                month, year = _MONTHS[m.group(1)], int(m.group(2))
            else:
                m = re.search(r"\b(19\d{2}|20\d{2})\b", text)
                if not m:
                    return None
                year, month = int(m.group(1)), 12 if end else 1
    if not (1950 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


# --------------------------------------------------------------------------- profile


class ProfilePosition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = None
    employer: str | None = None
    start: str | None = None  # YYYY-MM or YYYY
    end: str | None = None
    current: bool = False
    description: str | None = None


class ProfileEducation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    school: str | None = None
    degree: str | None = None
    major: str | None = None


def _first(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, ""):
            return v
    return None


def _str(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, list):
        v = ", ".join(str(x) for x in v if x)
    s = str(v).strip()
    return s or None


def _date_str(v: Any, *, end: bool = False) -> str | None:
    """``YYYY-MM``, or ``YYYY`` when only the year is known."""
    ym = parse_month(v, end=end)
    if ym is None:
        return None
    if isinstance(v, int) or (isinstance(v, str) and re.fullmatch(r"\s*\d{4}\s*", v)):
        return f"{ym[0]:04d}"
    return f"{ym[0]:04d}-{ym[1]:02d}"


def months_worked(positions: Iterable[ProfilePosition], today: date) -> int:
    """Months worked in ``positions``, overlaps counted once, each month inclusive (Mar 2019 –
    Jun 2021 is 28 months); a current position runs to ``today``. A position without a start,
    or without an end that is not current, is left out (its length is unknown)."""
    now = today.year * 12 + today.month - 1
    spans: list[tuple[int, int]] = []
    for p in positions:
        start = parse_month(p.start)
        if start is None:
            continue
        s = start[0] * 12 + start[1] - 1
        if p.current:
            e = now
        else:
            end = parse_month(p.end, end=True)
            if end is None:
                continue
            e = end[0] * 12 + end[1] - 1
        e = min(e, now)
        if e >= s:
            spans.append((s, e))
    spans.sort()
    total = 0
    cur: tuple[int, int] | None = None
    for s, e in spans:
        if cur is None or s > cur[1] + 1:
            if cur is not None:
                total += cur[1] - cur[0] + 1
            cur = (s, e)
        else:
            cur = (cur[0], max(cur[1], e))
    if cur is not None:
        total += cur[1] - cur[0] + 1
    return total


class ScreeningProfile(BaseModel):
    """A candidate as screening sees it. See the module docstring: no personal data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    positions: list[ProfilePosition] = Field(default_factory=list)  # most recent first
    education: list[ProfileEducation] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    summary: str | None = None
    text: str = ""  # the whole CV text, redacted

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_parsed(
        cls, parsed: ParsedResume, text: str = "", *, extra_names: tuple[str, ...] = ()
    ) -> ScreeningProfile:
        """From the parser's output and the CV text. The name the parser found (and
        ``extra_names``, e.g. the name typed in an apply form) is redacted from every text."""
        names: list[str] = list(extra_names)
        if parsed.name:
            names += [parsed.name.full, parsed.name.first or "", parsed.name.last or ""]
        return cls._build(
            positions=[p.model_dump() for p in parsed.employment],
            education=[e.model_dump() for e in parsed.education],
            skills=parsed.skills,
            languages=parsed.languages,
            certifications=parsed.certifications,
            summary=parsed.summary,
            text=text,
            names=names,
        )

    @classmethod
    def from_candidate(cls, candidate: Any) -> ScreeningProfile:
        """From a ``Candidate`` row (or any object with its attributes): its parsed résumé
        when there is one, completed by the fields a recruiter or an API client set."""
        names = [
            getattr(candidate, "first_name", "") or "",
            getattr(candidate, "last_name", "") or "",
        ]
        parsed: ParsedResume | None = None
        raw = getattr(candidate, "parsed_resume", None)
        if isinstance(raw, dict) and raw:
            try:
                parsed = ParsedResume.model_validate({"parser_version": "?", **raw})
            except ValidationError:
                parsed = None
        if parsed and parsed.name:
            names += [parsed.name.full]
        positions: list[dict[str, Any]] = list(getattr(candidate, "employment", None) or [])
        if not positions and parsed:
            positions = [p.model_dump() for p in parsed.employment]
        title = getattr(candidate, "current_job_title", None)
        if not positions and title:
            positions = [
                {
                    "title": title,
                    "employer": getattr(candidate, "current_company", None),
                    "current": True,
                }
            ]
        education: list[dict[str, Any]] = list(getattr(candidate, "education", None) or [])
        if not education and parsed:
            education = [e.model_dump() for e in parsed.education]
        majors = getattr(candidate, "majors", None)
        if not education and majors:
            education = [{"major": majors}]
        skills = list(
            dict.fromkeys(
                [*(getattr(candidate, "skills", None) or []), *(parsed.skills if parsed else [])]
            )
        )
        languages = list(
            dict.fromkeys(
                [
                    *(getattr(candidate, "languages", None) or []),
                    *(parsed.languages if parsed else []),
                ]
            )
        )
        return cls._build(
            positions=positions,
            education=education,
            skills=skills,
            languages=languages,
            certifications=parsed.certifications if parsed else [],
            summary=getattr(candidate, "summary", None) or (parsed.summary if parsed else None),
            text=getattr(candidate, "resume_text", None) or "",
            names=names,
        )

    @classmethod
    def _build(
        cls,
        *,
        positions: list[dict[str, Any]],
        education: list[dict[str, Any]],
        skills: list[str],
        languages: list[str],
        certifications: list[str],
        summary: str | None,
        text: str,
        names: list[str],
    ) -> ScreeningProfile:
        names = [n for n in names if n and n.strip()]
        out_positions = []
        for p in positions:
            if not isinstance(p, dict):
                continue
            current = bool(_first(p, "current", "isCurrent", "is_current", "currentlyWorking"))
            end_raw = _first(p, "end", "endDate", "end_date", "to")
            if isinstance(end_raw, str) and _PRESENT.search(end_raw):
                current, end_raw = True, None
            desc = _str(_first(p, "description", "summary", "responsibilities", "details"))
            employer = _str(
                _first(p, "employer", "company", "companyName", "organization", "organisation")
            )
            out_positions.append(
                ProfilePosition(
                    title=_str(_first(p, "title", "jobTitle", "position", "role", "designation")),
                    employer=redact(employer, names) or None if employer else None,
                    start=_date_str(_first(p, "start", "startDate", "start_date", "from")),
                    end=_date_str(end_raw, end=True),
                    current=current,
                    description=redact(desc, names) or None if desc else None,
                )
            )
        # Most recent first: current ones, then by end (or start) date.
        out_positions.sort(
            key=lambda p: (p.current, p.end or p.start or "", p.start or ""), reverse=True
        )
        out_education = [
            ProfileEducation(
                school=_str(
                    _first(
                        e, "school", "institution", "schoolName", "university", "college", "name"
                    )
                ),
                degree=_str(_first(e, "degree", "degreeName", "qualification", "level")),
                major=_str(
                    _first(
                        e, "major", "fieldOfStudy", "field", "specialization", "majors", "subject"
                    )
                ),
            )
            for e in education
            if isinstance(e, dict)
        ]
        clean = [s.strip() for s in skills if isinstance(s, str) and s.strip()]
        return cls(
            positions=out_positions,
            education=out_education,
            skills=list(dict.fromkeys(clean)),
            languages=[x for x in languages if isinstance(x, str) and x.strip()],
            certifications=[x for x in certifications if isinstance(x, str) and x.strip()],
            summary=redact(summary, names) or None if summary else None,
            text=redact(text, names),
        )

    # ------------------------------------------------------------------ derived facts
    @property
    def titles(self) -> list[str]:
        return [p.title for p in self.positions if p.title]

    @property
    def employers(self) -> list[str]:
        return [p.employer for p in self.positions if p.employer]

    @cached_property
    def structured_text(self) -> str:
        """Summary, titles, descriptions, education, skills: the CV when there is no text."""
        parts: list[str] = []
        if self.summary:
            parts.append(self.summary)
        for p in self.positions:
            parts.append(" ".join(x for x in (p.title, p.employer) if x))
            if p.description:
                parts.append(p.description)
        for e in self.education:
            parts.append(" ".join(x for x in (e.degree, e.major, e.school) if x))
        if self.skills:
            parts.append("Skills: " + ", ".join(self.skills))
        if self.certifications:
            parts.append("Certifications: " + ", ".join(self.certifications))
        if self.languages:
            parts.append("Languages: " + ", ".join(self.languages))
        return "\n".join(parts)

    @cached_property
    def full_text(self) -> str:
        """The CV text when there is one (it holds everything), else the structured text."""
        return self.text if len(self.text) >= 200 else "\n".join((self.structured_text, self.text))

    @cached_property
    def skill_names(self) -> frozenset[str]:
        """Canonical skills the candidate shows: listed ones count whatever their case; in
        free text the ambiguous words (Go, React) only with their proper capitalisation."""
        found = skills_in_list(self.skills) | skills_in_list(self.certifications)
        found |= skills_in_list(self.languages)
        found |= LEXICON.extract(self.full_text)
        for p in self.positions:
            if p.title:
                found |= LEXICON.extract(p.title)
        return frozenset(found)

    @cached_property
    def stems(self) -> frozenset[str]:
        return frozenset(content_stems(self.full_text))

    @cached_property
    def title_token_sets(self) -> tuple[frozenset[str], ...]:
        return tuple(title_tokens(p.title) for p in self.positions if p.title)

    @cached_property
    def highest_degree(self) -> int | None:
        levels = [degree_level(e.degree) for e in self.education]
        levels += [degree_level(c) for c in self.certifications if re.search(r"degree", c, re.I)]
        known = [lv for lv in levels if lv]
        return max(known) if known else None

    def experience_months(self, today: date | None = None) -> int:
        """Months worked, overlapping positions counted once (see ``months_worked``)."""
        return months_worked(self.positions, today or date.today())

    @cached_property
    def position_skills(self) -> tuple[frozenset[str], ...]:
        """Skills each position's title and description name (same order as positions)."""
        return tuple(
            frozenset(LEXICON.extract(f"{p.title or ''}\n{p.description or ''}"))
            for p in self.positions
        )

    def experience_years(self, today: date | None = None) -> float:
        return round(self.experience_months(today) / 12, 1)

    def undated_positions(self) -> int:
        return sum(1 for p in self.positions if not p.start or (not p.end and not p.current))


# --------------------------------------------------------------------------- job


class JobProfile(BaseModel):
    """A job as screening sees it, analysed once (reuse it for every candidate)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    title: str
    description: str = ""  # plain text
    responsibilities: list[str] = Field(default_factory=list)
    requirements: list[str] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)  # canonical skills the job names
    years_required: int | None = None
    degree_required: int | None = None  # 1 high school … 5 doctorate
    degree_label: str | None = None
    criteria: JobCriteria = Field(default_factory=JobCriteria)
    job_role: str | None = None
    auto_reject_threshold: int | None = None
    recommend_threshold: int = 70

    @classmethod
    def build(
        cls,
        title: str,
        description: str = "",
        *,
        criteria: Any = None,
        years_of_experience: int | None = None,
        degree_level: str | None = None,
        ai_settings: dict[str, Any] | None = None,
        job_role: str | None = None,
    ) -> JobProfile:
        ai = ai_settings or {}
        crit = normalize_criteria(criteria)
        resp, req, _ = markdown_sections(description)
        text = markdown_to_text(description)
        skills = LEXICON.extract(title, short=True) | LEXICON.extract(text) | crit.skills
        years = years_of_experience
        if years is None:
            years = next((y for c in crit.must_have if (y := c.min_years)), None)
        if years is None:
            years = next(
                (
                    y
                    for line in req + text.splitlines()
                    if "experience" in line.lower() and (y := years_in(line))
                ),
                None,
            )
        return cls(
            title=title.strip(),
            description=text,
            responsibilities=resp,
            requirements=req,
            skills=sorted(skills),
            years_required=years,
            degree_required=job_degree_level(degree_level),
            degree_label=degree_level,
            criteria=crit,
            job_role=job_role,
            auto_reject_threshold=parse_threshold(ai.get("auto_reject_threshold")),
            recommend_threshold=parse_threshold(ai.get("recommend_threshold")) or 70,
        )

    @classmethod
    def from_job(cls, job: Any) -> JobProfile:
        """From a ``Job`` row (or any object with its attributes)."""
        return cls.build(
            getattr(job, "title", "") or "",
            getattr(job, "description", "") or "",
            criteria=getattr(job, "criteria", None),
            years_of_experience=getattr(job, "years_of_experience", None),
            degree_level=getattr(job, "degree_level", None),
            ai_settings=getattr(job, "ai_settings", None),
            job_role=getattr(job, "job_role", None),
        )

    @cached_property
    def key(self) -> str:
        """Identifies the job's text (the semantic model caches embeddings by it)."""
        return hashlib.sha1(self.semantic_text.encode(), usedforsecurity=False).hexdigest()

    @cached_property
    def semantic_text(self) -> str:
        parts = [self.title]
        if self.job_role and self.job_role != self.title:
            parts.append(self.job_role)
        parts.append(self.description)
        parts += [c.text for c in self.criteria.all()]
        return "\n".join(p for p in parts if p)

    @cached_property
    def title_tokens(self) -> frozenset[str]:
        return title_tokens(self.title)

    @cached_property
    def role_tokens(self) -> frozenset[str]:
        return title_tokens(self.job_role) if self.job_role else frozenset()

    @cached_property
    def term_weights(self) -> dict[str, float]:
        """Content stems of the job, weighted: title 3, skills and criteria 2, text 1."""
        weights: dict[str, float] = {}
        for w in content_stems(self.description):
            weights[w] = max(weights.get(w, 0.0), 1.0)
        for c in self.criteria.all():
            for w in content_stems(c.text):
                weights[w] = max(weights.get(w, 0.0), 2.0)
        for s in self.skills:
            for w in content_stems(s):
                weights[w] = max(weights.get(w, 0.0), 2.0)
        for w in content_stems(" ".join((self.title, self.job_role or ""))):
            weights[w] = 3.0
        return weights


def parse_threshold(value: Any) -> int | None:
    """A 0-100 threshold from a JSON setting; None when unset or not a number in range."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or not 0 <= number <= 100:  # NaN or out of range
        return None
    return round(number)


# --------------------------------------------------------------------------- result


class Component(BaseModel):
    score: int  # 0-100
    weight: float  # share of the total, after renormalisation (0 when not applicable)
    detail: str = ""


class ScreeningResult(BaseModel):
    score: int  # 0-100: Taptalent profileMatchScore, Talqo rating
    breakdown: dict[str, Component]
    criteria_matches: dict[str, int]  # Taptalent criteriaMatches: skills, experience, ...
    reasons: list[str]
    summary: str = ""  # Talqo AI_resume_summary, Taptalent aiSummary
    first_impression: str = ""  # Talqo first_impression_text
    recommend: bool = False  # Taptalent recommendToRecruitingFirm
    scorer: str = "default"
    warnings: list[str] = Field(default_factory=list)
    experience_years: float = 0.0
    matched_skills: list[str] = Field(default_factory=list)
    missing_skills: list[str] = Field(default_factory=list)

    def to_taptalent(self) -> dict[str, Any]:
        return {
            "profileMatchScore": self.score,
            "criteriaMatches": dict(self.criteria_matches),
            "recommendToRecruitingFirm": self.recommend,
            "aiSummary": self.summary,
        }

    def to_talqo(self) -> dict[str, Any]:
        return {
            "AI_resume_summary": self.summary,
            "rating": self.score,
            "first_impression_text": self.first_impression,
        }

    def application_fields(self) -> dict[str, Any]:
        """Values for ``Application.ai_*`` (the Partner API reads ``criteriaMatches`` from
        ``ai_breakdown``)."""
        return {
            "ai_score": self.score,
            "ai_breakdown": {
                "criteriaMatches": dict(self.criteria_matches),
                "components": {k: v.model_dump() for k, v in self.breakdown.items()},
                "reasons": list(self.reasons),
                "scorer": self.scorer,
                "warnings": list(self.warnings),
            },
            "ai_summary": self.summary,
            "ai_first_impression": self.first_impression,
            "ai_recommended": self.recommend,
        }
