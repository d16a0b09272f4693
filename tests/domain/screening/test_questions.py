"""Local question generation: from a job, or from a role and a purpose."""

from __future__ import annotations

import re

import pytest

from hireloop.domain.screening.questions import (
    MAX_QUESTIONS,
    generate_questions,
    local_questions,
    purpose_family,
)
from hireloop.domain.screening.schemas import JobProfile

JOB = JobProfile.build(
    "Backend Engineer",
    "## What you'll do\n- Design and build REST APIs\n- Run services in production on AWS\n"
    "- Mentor other engineers\n\n## Requirements\n- Python and PostgreSQL",
    criteria={"mustHave": ["Python", "PostgreSQL"], "niceToHave": ["Docker"], "bonus": ["English"]},
)
PROTECTED = re.compile(
    r"\b(age|old|gender|married|children|pregnan|nationality|religio|health|disab)", re.I
)


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.mark.parametrize("n", [1, 3, 5, 10, 20])
def test_job_gives_n_distinct_questions(n: int) -> None:
    qs = generate_questions(job=JOB, n=n)
    assert qs.source == "local" and qs.warnings == []
    assert len(qs.questions) == n
    assert len({norm(t) for t in qs.texts}) == n


def test_questions_cover_must_have_skills_and_responsibilities_first() -> None:
    qs = local_questions(job=JOB, n=5)
    kinds = [q.kind for q in qs]
    assert kinds == ["motivation", "skill", "responsibility", "skill", "behavioural"]
    assert qs[0].text == "What interests you in this Backend Engineer position?"
    assert qs[1].skill == "Python" and "Python" in qs[1].text
    assert '"design and build REST APIs"' in qs[2].text
    assert qs[3].skill == "PostgreSQL"
    assert not any(q.skill == "English" for q in local_questions(job=JOB, n=30))  # languages: no


def test_same_input_same_questions() -> None:
    assert local_questions(job=JOB, n=8) == local_questions(job=JOB, n=8)


def test_role_and_purpose_without_a_job() -> None:
    qs = generate_questions(
        role="ICU nurse", purpose="technical screen on triage and ventilator management", n=6
    )
    assert len(qs.questions) == 6
    assert qs.questions[0].kind == "skill"
    skills = {q.skill for q in qs.questions if q.skill}
    assert {"Triage", "Ventilator management"} <= skills
    assert any(
        "ventilator management" in q.text for q in qs.questions
    )  # common nouns in lower case


def test_purpose_sets_the_mix() -> None:
    assert purpose_family("Culture fit") == "behavioural"
    assert purpose_family("first phone screen") == "screening"
    assert purpose_family("technical deep dive") == "technical"
    assert purpose_family(None) == purpose_family("chat") == "general"
    behavioural = local_questions(role="Cashier", purpose="culture fit", n=4)
    assert [q.kind for q in behavioural[:2]] == ["behavioural", "behavioural"]


def test_a_role_without_skills_still_gets_n_questions() -> None:
    qs = local_questions(role="Cashier", n=10)
    assert len(qs) == 10 and len({norm(q.text) for q in qs}) == 10


def test_n_is_capped_and_questions_never_repeat() -> None:
    qs = local_questions(job=JOB, n=500)
    assert len(qs) <= MAX_QUESTIONS
    assert len({norm(q.text) for q in qs}) == len(qs)


def test_no_question_touches_protected_characteristics() -> None:
    for q in local_questions(job=JOB, n=MAX_QUESTIONS) + local_questions(
        role="Nurse", n=MAX_QUESTIONS
    ):
        assert not PROTECTED.search(q.text), q.text


def test_taptalent_screening_question_shape() -> None:
    q = local_questions(job=JOB, n=1)[0]
    assert q.to_taptalent() == {"type": "text", "question": q.text}
    assert 1 <= len(q.text) <= 3000


def test_a_job_or_a_role_is_required() -> None:
    with pytest.raises(ValueError):
        generate_questions(purpose="culture fit")
