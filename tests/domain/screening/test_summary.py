"""Local AI_resume_summary and first_impression_text: short, factual, nothing personal."""

from __future__ import annotations

from datetime import date

from hireloop.domain.resumes.schemas import ParsedResume
from hireloop.domain.screening.schemas import JobProfile, ScreeningProfile
from hireloop.domain.screening.scorer import score_candidate
from hireloop.domain.screening.summary import first_impression, resume_summary

TODAY = date(2026, 1, 15)
JOB = JobProfile.build(
    "Registered Nurse - ICU",
    "## Duties\n- Provide patient care in the ICU",
    criteria={"mustHave": ["RN license", "ICU experience", "BLS", "ACLS"]},
    years_of_experience=2,
)


def profile(name: str = "Maria Santos", gender_line: str = "Gender: Female") -> ScreeningProfile:
    parsed = ParsedResume.model_validate(
        {
            "parser_version": "t",
            "name": {"full": name},
            "summary": f"{name} is an ICU nurse. She is calm under pressure.",
            "employment": [
                {
                    "title": "ICU Registered Nurse",
                    "employer": "St Mary's Hospital",
                    "start": "2020-01",
                    "current": True,
                    "description": "Critical care, ventilators.",
                },
                {
                    "title": "Staff Nurse",
                    "employer": "City General",
                    "start": "2018-06",
                    "end": "2019-12",
                },
            ],
            "education": [
                {"school": "University of Michigan", "degree": "BSN", "major": "Nursing"}
            ],
            "skills": ["Patient care", "Critical care", "IV therapy", "Epic"],
            "languages": ["English", "Tagalog"],
            "certifications": ["RN license", "BLS", "ACLS"],
        }
    )
    text = f"{name}\n{gender_line} | Date of birth: 1985-02-03 | Nationality: Filipino\nICU nurse."
    return ScreeningProfile.from_parsed(parsed, text)


def test_summary_is_built_from_the_parsed_facts() -> None:
    s = resume_summary(profile(), TODAY)
    assert s.startswith("Currently ICU Registered Nurse at St Mary's Hospital since January 2020.")
    assert "7.7 years of dated experience across 2 employers." in s
    assert "Earlier roles: Staff Nurse." in s
    assert "Education: BSN in Nursing (University of Michigan)." in s
    assert "Skills: Patient care, Critical care, IV therapy, Epic." in s
    assert "Certifications: RN license, BLS, ACLS." in s
    assert "Languages: English, Tagalog." in s
    assert len(s) < 600


def test_texts_never_mention_name_gender_age_or_nationality() -> None:
    p = profile()
    result = score_candidate(p, JOB, today=TODAY)
    for text in (
        resume_summary(p, TODAY),
        first_impression(p, JOB, result),
        p.text,
        p.summary or "",
    ):
        for word in (
            "Maria",
            "Santos",
            "Female",
            "She ",
            "she ",
            "1985",
            "Filipino",
            "Gender",
            "birth",
        ):
            assert word not in text, (word, text)


def test_texts_are_the_same_whatever_the_name() -> None:
    a, b = profile("Maria Santos"), profile("Kwame Mensah", "Gender: Male")
    assert resume_summary(a, TODAY) == resume_summary(b, TODAY)
    ra, rb = score_candidate(a, JOB, today=TODAY), score_candidate(b, JOB, today=TODAY)
    assert first_impression(a, JOB, ra) == first_impression(b, JOB, rb)


def test_first_impression_gives_a_verdict_a_strength_and_a_gap() -> None:
    p = profile()
    r = score_candidate(p, JOB, today=TODAY)
    text = first_impression(p, JOB, r)
    assert text.startswith(f"Strong match for Registered Nurse - ICU ({r.score}/100).")
    assert "Strength:" in text

    empty = ScreeningProfile()
    r2 = score_candidate(empty, JOB, today=TODAY)
    text2 = first_impression(empty, JOB, r2)
    assert text2.startswith("Weak match for Registered Nurse - ICU")
    assert "Gap:" in text2 and "The CV gave little to assess." in text2


def test_summary_of_an_empty_profile() -> None:
    assert resume_summary(ScreeningProfile(), TODAY) == "No work experience listed."


def test_summary_with_undated_positions() -> None:
    p = ScreeningProfile.model_validate({"positions": [{"title": "Cook"}]})
    assert resume_summary(p, TODAY) == "Most recently Cook. 1 position listed, without full dates."
