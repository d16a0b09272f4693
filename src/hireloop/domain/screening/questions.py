"""Interview / assessment questions from a job, or from a role and a purpose (Taptalent's
"auto-generate from job or role/purpose").

Locally: templates over the job's skills (must-haves first) and responsibilities (the bullets
under "What you'll do", "Responsibilities", ...), then behavioural and motivation questions;
the purpose ("technical screen", "culture fit", "first call", ...) sets the mix. Always
``n`` questions when ``n`` ≤ what the templates can make, never the same one twice, and the
same input gives the same questions. With an LLM client, it writes them instead, from the
same facts; a reply that is unusable (or short) is completed by the local questions.
Questions never touch age, gender, family, nationality, religion or health.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hireloop.domain.screening.schemas import JobProfile
from hireloop.domain.screening.text import LEXICON
from hireloop.integrations.llm import LLMClient, LLMError

MAX_QUESTIONS = 50
MAX_QUESTION_CHARS = 3000  # Taptalent's screeningQuestion limit

_SKILL_TEMPLATES = (
    "Tell me about a recent project where you used {skill}. What was your part, and what was the result?",
    "What is the hardest problem you have solved with {skill}, and how did you approach it?",
    "When something you did with {skill} did not go as planned, what did you check first?",
    "How have you kept your {skill} knowledge up to date over the past year?",
    "Describe a mistake you made with {skill} and what you do differently since.",
    "How would you explain your approach to {skill} to a new colleague?",
)
_RESPONSIBILITY_TEMPLATES = (
    'This role involves "{resp}". Tell me about a time you did something similar: the situation, what you did, and the outcome.',
    'How would you approach "{resp}" in your first three months here?',
    'What does doing "{resp}" well look like to you, and how would you measure it?',
)
_BEHAVIOURAL = (
    "Tell me about a time you had to deliver under a tight deadline. What did you prioritise, and why?",
    "Describe a disagreement with a colleague or a manager and how it was resolved.",
    "Tell me about a mistake you made at work and what you learned from it.",
    "Describe a situation where you had to learn something new quickly.",
    "Tell me about feedback you received that changed the way you work.",
    "Describe a time you went beyond what was asked of you. What made you do it?",
    "Tell me about a time you had to handle several priorities at once. How did you organise yourself?",
    "Describe a time you helped a colleague or a customer through a difficult situation.",
)
_MOTIVATION = (
    "What interests you in this {role} position?",
    "Which part of your experience prepares you best for the {role} role?",
    "What would you want to achieve in your first six months as {role}?",
    "What kind of team and way of working help you do your best work?",
)
_PURPOSE_FAMILIES = {
    "technical": re.compile(r"technic|skill|coding|engineer|hard skill|expertise|knowledge", re.I),
    "behavioural": re.compile(r"behavio|culture|soft|values|team ?fit|personality|attitude", re.I),
    "screening": re.compile(r"screen|first|initial|intro|phone|pre-?qualif|motivation", re.I),
}
# Order of the question families for each purpose; the first is asked first.
_MIX = {
    "technical": ("skill", "responsibility", "skill", "skill", "behavioural"),
    "behavioural": ("behavioural", "behavioural", "responsibility", "motivation", "skill"),
    "screening": ("motivation", "skill", "responsibility", "behavioural", "skill"),
    "general": ("motivation", "skill", "responsibility", "skill", "behavioural"),
}
# Skills named like common nouns, written in lower case inside a sentence.
_COMMON_NOUN_SKILLS = frozenset(
    [
        "accounting",
        "audit",
        "bookkeeping",
        "budgeting",
        "conduit",
        "cooking",
        "forecasting",
        "forklift",
        "interviewing",
        "lean",
        "logistics",
        "mathematics",
        "microservices",
        "monitoring",
        "negotiation",
        "onboarding",
        "payroll",
        "phlebotomy",
        "prospecting",
        "recruiting",
        "sourcing",
        "statistics",
        "tax",
        "triage",
        "troubleshooting",
        "tutoring",
        "wireframing",
        "scheduling",
        "copywriting",
        "accessibility",
    ]
)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    kind: str  # skill, responsibility, behavioural, motivation
    skill: str | None = None

    def to_taptalent(self) -> dict[str, str]:
        """Taptalent's ``screeningQuestion`` item."""
        return {"type": "text", "question": self.text}


@dataclass(slots=True)
class QuestionSet:
    questions: list[Question]
    source: str = "local"  # or "llm"
    warnings: list[str] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [q.text for q in self.questions]


def _skill_phrase(name: str) -> str:
    if name.lower() in _COMMON_NOUN_SKILLS:
        return name.lower()
    words = name.split()
    if len(words) > 1 and words[0][1:].islower() and all(w.islower() for w in words[1:]):
        return name[0].lower() + name[1:]  # "Patient care" -> "patient care"
    return name


def purpose_family(purpose: str | None) -> str:
    if not purpose:
        return "general"
    for family, pattern in _PURPOSE_FAMILIES.items():
        if pattern.search(purpose):
            return family
    return "general"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _job_skills(
    job: JobProfile | None, role: str | None, purpose: str | None, extra: Sequence[str]
) -> list[str]:
    ordered: list[str] = []
    if job is not None:
        for c in job.criteria.must_have:
            ordered += sorted(c.skills)
        for c in job.criteria.nice_to_have + job.criteria.bonus:
            ordered += sorted(c.skills)
        ordered += job.skills
    for text in (role or "", purpose or ""):
        ordered += sorted(LEXICON.extract(text, short=True))
    ordered += [s.strip() for s in extra if s and s.strip()]
    # Spoken languages make poor skill questions.
    languages = {
        "English",
        "French",
        "Spanish",
        "German",
        "Portuguese",
        "Italian",
        "Mandarin",
        "Arabic",
        "Hindi",
        "Japanese",
        "Tagalog",
    }
    return [s for s in dict.fromkeys(ordered) if s not in languages]


def _responsibilities(job: JobProfile | None) -> list[str]:
    if job is None:
        return []
    items = job.responsibilities or job.requirements
    out = []
    for item in items:
        item = item.strip().rstrip(".")
        if 8 <= len(item) <= 200:
            out.append(item[0].lower() + item[1:] if item[:2].istitle() else item)
    return out


def local_questions(
    *,
    job: JobProfile | None = None,
    role: str | None = None,
    purpose: str | None = None,
    skills: Sequence[str] = (),
    n: int = 5,
) -> list[Question]:
    """``n`` distinct questions from templates (fewer only if the templates run out)."""
    n = max(0, min(n, MAX_QUESTIONS))
    role_name = (job.title if job else None) or (role or "").strip() or "this"
    role_name = role_name[:120]
    family = purpose_family(purpose)
    skill_list = _job_skills(job, role, purpose, skills)
    resp_list = _responsibilities(job)

    def skill_questions() -> Iterator[Question]:
        # Each skill once with the first template, then again with the next ones.
        for round_ in range(len(_SKILL_TEMPLATES)):
            for i, s in enumerate(skill_list):
                template = _SKILL_TEMPLATES[(i + round_) % len(_SKILL_TEMPLATES)]
                yield Question(template.format(skill=_skill_phrase(s)), "skill", s)

    def responsibility_questions() -> Iterator[Question]:
        for round_ in range(len(_RESPONSIBILITY_TEMPLATES)):
            for i, r in enumerate(resp_list):
                template = _RESPONSIBILITY_TEMPLATES[(i + round_) % len(_RESPONSIBILITY_TEMPLATES)]
                yield Question(template.format(resp=r), "responsibility")

    def behavioural_questions() -> Iterator[Question]:
        for text in _BEHAVIOURAL:
            yield Question(text, "behavioural")

    def motivation_questions() -> Iterator[Question]:
        for text in _MOTIVATION:
            yield Question(text.format(role=role_name).replace("this this", "this"), "motivation")

    sources = {
        "skill": skill_questions(),
        "responsibility": responsibility_questions(),
        "behavioural": behavioural_questions(),
        "motivation": motivation_questions(),
    }
    out: list[Question] = []
    seen: set[str] = set()
    mix = _MIX[family]
    exhausted: set[str] = set()
    i = 0
    while len(out) < n and len(exhausted) < len(sources):
        kind = mix[i % len(mix)]
        i += 1
        if kind in exhausted:
            kind = next(
                (
                    k
                    for k in ("skill", "responsibility", "behavioural", "motivation")
                    if k not in exhausted
                ),
                None,
            )
            if kind is None:
                break
        q = next(sources[kind], None)
        if q is None:
            exhausted.add(kind)
            continue
        key = _norm(q.text)
        if key in seen:
            continue
        seen.add(key)
        out.append(q)
    return out


_SYSTEM = (
    "You write interview questions for recruiters. Write exactly {n} distinct, open questions "
    "for the role described, about the skills and responsibilities given and the interview's "
    "purpose. One question per item, at most 300 characters each, no numbering. Never ask "
    "about age, gender, family, pregnancy, nationality, ethnicity, religion, health, "
    "disability or any other protected characteristic. Reply with a JSON object: "
    '{{"questions": ["...", "..."]}}.'
)


def _llm_items(data: dict[str, Any]) -> list[str]:
    items = data.get("questions")
    if not isinstance(items, list):
        raise LLMError("LLM reply has no questions list", kind="response")
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("question") or item.get("text")
        if isinstance(item, str) and item.strip():
            text = re.sub(r"^\s*(?:\d+[.)]|[-*•])\s*", "", item.strip())
            out.append(text[:MAX_QUESTION_CHARS])
    return out


def generate_questions(
    *,
    job: JobProfile | None = None,
    role: str | None = None,
    purpose: str | None = None,
    skills: Sequence[str] = (),
    n: int = 5,
    llm: LLMClient | None = None,
) -> QuestionSet:
    """Questions from a job, or from a role and a purpose; by the LLM when a client is
    given, locally otherwise or when the LLM fails (with a warning)."""
    if job is None and not (role and role.strip()):
        raise ValueError("give a job, or a role (and a purpose)")
    n = max(1, min(n, MAX_QUESTIONS))
    local = local_questions(job=job, role=role, purpose=purpose, skills=skills, n=n)
    if llm is None:
        return QuestionSet(local)
    facts = {
        "role": job.title if job else role,
        "purpose": purpose or "general interview",
        "skills": _job_skills(job, role, purpose, skills)[:20],
        "responsibilities": _responsibilities(job)[:10],
        "must_have": [c.text for c in job.criteria.must_have] if job else [],
    }
    try:
        data = llm.chat_json(
            [
                {"role": "system", "content": _SYSTEM.format(n=n)},
                {"role": "user", "content": json.dumps(facts, ensure_ascii=False)},
            ],
            temperature=0.4,
        )
        texts = _llm_items(data)
    except LLMError as e:
        return QuestionSet(local, "local", [f"LLM unavailable ({e}); used local questions"])
    out: list[Question] = []
    seen: set[str] = set()
    for text in texts:
        key = _norm(text)
        if key and key not in seen:
            seen.add(key)
            out.append(Question(text, "llm"))
        if len(out) == n:
            break
    warnings: list[str] = []
    if len(out) < n:
        warnings.append(f"LLM gave {len(out)} usable questions of {n}; completed locally")
        for q in local:
            if len(out) == n:
                break
            key = _norm(q.text)
            if key not in seen:
                seen.add(key)
                out.append(q)
    return QuestionSet(out, "llm", warnings)
