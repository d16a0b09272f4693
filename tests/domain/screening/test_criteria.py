"""Job criteria: every accepted shape normalizes to the same Must Have / Nice to Have / Bonus."""

from __future__ import annotations

import pytest

from hireloop.domain.screening.criteria import (
    BONUS,
    MUST,
    NICE,
    JobCriteria,
    analyse,
    category_of,
    normalize_criteria,
)

EXPECTED = {
    "must": ["Python", "3+ years backend"],
    "nice": ["Kubernetes"],
    "bonus": ["Tagalog"],
}


def texts(c: JobCriteria) -> dict[str, list[str]]:
    return {
        "must": [x.text for x in c.must_have],
        "nice": [x.text for x in c.nice_to_have],
        "bonus": [x.text for x in c.bonus],
    }


@pytest.mark.parametrize(
    "raw",
    [
        {
            "mustHave": ["Python", "3+ years backend"],
            "niceToHave": ["Kubernetes"],
            "bonus": ["Tagalog"],
        },
        {
            "must_have": ["Python", "3+ years backend"],
            "nice_to_have": ["Kubernetes"],
            "bonus": ["Tagalog"],
        },
        {
            "Must Have": ["Python", "3+ years backend"],
            "Nice to Have": "Kubernetes",
            "Bonus": ["Tagalog"],
        },
        {
            "MUST_HAVE": "Python\n3+ years backend",
            "NICE_TO_HAVE": ["Kubernetes"],
            "BONUS": "Tagalog",
        },
        [
            {"category": "Must Have", "criterion": "Python"},
            {"category": "Must Have", "criterion": "3+ years backend"},
            {"category": "Nice to Have", "criterion": "Kubernetes"},
            {"category": "Bonus", "criterion": "Tagalog"},
        ],
        {
            "items": [
                {"type": "must have", "text": "Python"},
                {"priority": "MUST_HAVE", "name": "3+ years backend"},
                {"importance": "Nice to Have", "description": "Kubernetes"},
                {"level": "bonus", "value": "Tagalog"},
            ]
        },
        {
            "criterionDetails": [
                "Python",
                {"criterion": "3+ years backend"},
                {"category": "Nice to Have", "criterion": "Kubernetes"},
                {"category": "Bonus", "criterion": "Tagalog"},
            ]
        },
        "Must have: Python; 3+ years backend\nNice to have - Kubernetes\nBonus: Tagalog",
        {
            "required": ["Python", "3+ years backend"],
            "preferred": ["Kubernetes"],
            "plus": ["Tagalog"],
        },
    ],
    ids=[
        "camel",
        "snake",
        "words",
        "upper-strings",
        "taptalent-list",
        "items",
        "criterionDetails",
        "string",
        "synonyms",
    ],
)
def test_every_accepted_shape_normalizes_the_same(raw: object) -> None:
    assert texts(normalize_criteria(raw)) == EXPECTED


@pytest.mark.parametrize(
    "raw", [None, 42, "", [], {}, {"foo": "bar"}, [None, 3, {"x": 1}], {"items": None}]
)
def test_junk_gives_empty_criteria_and_never_raises(raw: object) -> None:
    c = normalize_criteria(raw)
    assert c.is_empty
    assert c.all() == ()


def test_demo_job_criteria_shape() -> None:
    c = normalize_criteria(
        {"mustHave": ["English"], "niceToHave": ["BPO experience"], "bonus": ["Tagalog"]}
    )
    assert [x.text for x in c.must_have] == ["English"]
    assert c.must_have[0].skills == frozenset({"English"})
    assert c.skills == frozenset({"English", "Tagalog"})


def test_unknown_category_is_nice_to_have_and_no_category_is_must() -> None:
    c = normalize_criteria(
        [{"category": "Whatever", "criterion": "Docker"}, {"criterion": "SQL"}, "Git"]
    )
    assert [x.text for x in c.nice_to_have] == ["Docker"]
    assert [x.text for x in c.must_have] == ["SQL", "Git"]


def test_duplicates_are_kept_once_in_the_strongest_category() -> None:
    c = normalize_criteria(
        {"bonus": ["python"], "mustHave": ["Python", "  PYTHON "], "niceToHave": ["Python"]}
    )
    assert [x.text for x in c.must_have] == ["Python"]
    assert c.nice_to_have == () and c.bonus == ()


def test_group_string_splits_on_commas_but_not_numbers() -> None:
    c = normalize_criteria({"mustHave": "Python, SQL, Docker"})
    assert [x.text for x in c.must_have] == ["Python", "SQL", "Docker"]


def test_to_json_is_the_grouped_shape() -> None:
    raw = [
        {"category": "Must Have", "criterion": "Python"},
        {"category": "Bonus", "criterion": "Go"},
    ]
    assert normalize_criteria(raw).to_json() == {
        "mustHave": ["Python"],
        "niceToHave": [],
        "bonus": ["Go"],
    }
    assert texts(normalize_criteria(normalize_criteria(raw).to_json())) == texts(
        normalize_criteria(raw)
    )


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("Must Have", MUST),
        ("mustHave", MUST),
        ("MUST_HAVE", MUST),
        ("Nice to Have", NICE),
        ("niceToHave", NICE),
        ("preferred", NICE),
        ("Bonus", BONUS),
        ("plus", BONUS),
        ("??", None),
        (3, None),
    ],
)
def test_category_labels(label: object, category: str | None) -> None:
    assert category_of(label) == category


def test_analyse_skills_years_degree_and_keywords() -> None:
    c = analyse("3+ years Python", MUST)
    assert c.skills == frozenset({"Python"}) and c.min_years == 3 and c.degree_level is None
    assert c.is_skill_only is False

    either = analyse("Python or Go", MUST)
    assert either.any_of and either.skills == frozenset({"Python", "Go"})
    assert analyse("Django/FastAPI", MUST).any_of

    degree = analyse("Bachelor's degree in Nursing", MUST)
    assert degree.degree_level == 3 and "nurs" in degree.keywords

    free = analyse("Experience leading distributed teams", NICE)
    assert free.skills == frozenset() and "lead" in free.keywords and "distribut" in free.keywords


def test_ambiguous_skill_words_count_in_criteria_whatever_their_case() -> None:
    assert analyse("go", MUST).skills == frozenset({"Go"})
    assert analyse("react", MUST).skills == frozenset({"React"})
