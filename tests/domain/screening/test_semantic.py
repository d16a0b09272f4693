"""The ml scorer (sentence embeddings). Skipped when the ml extra is not installed."""

from __future__ import annotations

from datetime import date

import pytest

from hireloop.config import Settings
from hireloop.domain.screening import semantic as semantic_mod
from hireloop.domain.screening.schemas import JobProfile, ScreeningProfile
from hireloop.domain.screening.scorer import score_candidate
from hireloop.domain.screening.service import screen

pytestmark = pytest.mark.skipif(
    not semantic_mod.is_available(), reason="ml extra not installed (pip install -e '.[ml]')"
)
TODAY = date(2026, 1, 15)
JOB = JobProfile.build(
    "Registered Nurse - ICU",
    "## Duties\n- Provide patient care to critically ill adults\n- Monitor patients on ventilators",
    criteria={"mustHave": ["RN license", "BLS"]},
)
NURSE = ScreeningProfile.model_validate(
    {
        "positions": [
            {
                "title": "ICU Nurse",
                "start": "2019-01",
                "current": True,
                "description": "Care of critically ill patients, ventilators, medication.",
            }
        ],
        "skills": ["Patient care", "BLS"],
        "certifications": ["RN license"],
        "text": "ICU nurse caring for critically ill adults on ventilators in a busy intensive care unit.",
    }
)
DEVELOPER = ScreeningProfile.model_validate(
    {
        "positions": [
            {
                "title": "Backend Developer",
                "start": "2019-01",
                "current": True,
                "description": "Python APIs, PostgreSQL, Kubernetes.",
            }
        ],
        "skills": ["Python"],
        "text": "Backend developer writing Python services and SQL queries for a payments company.",
    }
)


@pytest.fixture(scope="module")
def model() -> semantic_mod.EmbeddingSimilarity:
    return semantic_mod.get_semantic_model()


def test_model_loads_offline_from_the_package(model: semantic_mod.EmbeddingSimilarity) -> None:
    import os

    assert model.model.max_seq_length <= 256
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert model is semantic_mod.get_semantic_model()  # once per process


def test_chunks_fit_the_model(model: semantic_mod.EmbeddingSimilarity) -> None:
    paragraph = " ".join(f"Led project number {i} on payments infrastructure." for i in range(120))
    text = "Short intro.\n\n" + paragraph + "\n\n" + "supercalifragilistic" * 200
    chunks = model.chunks(text)
    assert len(chunks) > 3
    ids = model.model.tokenizer(chunks)["input_ids"]  # with [CLS] and [SEP]
    assert max(len(x) for x in ids) <= 256
    joined = " ".join(chunks)
    assert "number 0 " in joined and "number 119 " in joined  # nothing dropped
    assert model.chunks("") == []


def test_related_cv_is_closer_than_unrelated(model: semantic_mod.EmbeddingSimilarity) -> None:
    assert model.similarity(NURSE, JOB) > model.similarity(DEVELOPER, JOB) + 0.3
    top, mean = model.cosines(NURSE, JOB)
    assert -1 <= mean <= top <= 1


def test_job_embeddings_are_cached(
    model: semantic_mod.EmbeddingSimilarity, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = semantic_mod.EmbeddingSimilarity(model.model, job_cache_size=2)
    calls: list[int] = []
    real = fresh._encode
    monkeypatch.setattr(fresh, "_encode", lambda texts: calls.append(len(texts)) or real(texts))
    for _ in range(3):
        fresh.similarity(NURSE, JOB)
        fresh.similarity(DEVELOPER, JOB)
    assert len(calls) == 3  # the job once, each CV once
    assert fresh.jobs.hits >= 5
    for i in range(3):  # LRU: the oldest job is evicted
        fresh.job_embedding(JobProfile.build(f"Job {i}"))
    assert len(fresh.jobs.data) == 2


def test_ml_scorer_through_the_settings(model: semantic_mod.EmbeddingSimilarity) -> None:
    ml = screen(NURSE, JOB, Settings(scorer="ml"), today=TODAY)
    default = screen(NURSE, JOB, Settings(scorer="default"), today=TODAY)
    assert ml.scorer == "ml" and default.scorer == "default" and ml.warnings == []
    assert ml.breakdown["semantic"].detail.startswith("Semantic similarity")
    assert abs(ml.score - default.score) < 25
    assert screen(DEVELOPER, JOB, Settings(scorer="ml"), today=TODAY).score < ml.score


def test_ml_score_is_name_blind(model: semantic_mod.EmbeddingSimilarity) -> None:
    from hireloop.domain.resumes.schemas import ParsedResume

    def build(name: str, gender: str, pronoun: str) -> ScreeningProfile:
        parsed = ParsedResume.model_validate(
            {"parser_version": "t", "name": {"full": name}, "skills": ["Patient care", "BLS"]}
        )
        text = (
            f"{name}\n{name.split()[0].lower()}@mail.com\nGender: {gender}\n\n"
            f"ICU nurse. {pronoun} cares for critically ill adults on ventilators."
        )
        return ScreeningProfile.from_parsed(parsed, text)

    a = score_candidate(build("Aisha Bello", "Female", "She"), JOB, semantic=model, today=TODAY)
    b = score_candidate(build("Tom Becker", "Male", "He"), JOB, semantic=model, today=TODAY)
    assert a.score == b.score and a.breakdown == b.breakdown


def test_ml_threads_caps_the_models_threads_in_its_process() -> None:
    import subprocess
    import sys

    script = (
        "import torch\n"
        "from hireloop.config import Settings\n"
        "from hireloop.domain.screening.service import semantic_model\n"
        "model, warnings = semantic_model(Settings(scorer='ml', ml_threads=1))\n"
        "assert model is not None and not warnings, warnings\n"
        "print(torch.get_num_threads())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "1"
