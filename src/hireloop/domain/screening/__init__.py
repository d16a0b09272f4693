"""AI screening: score a candidate against a job (0-100, with a breakdown and reasons),
write the résumé summary and first impression, decide auto-rejects, generate interview
questions.

Entry points: ``service.screen``, ``service.auto_reject``, ``service.questions``;
``ScreeningProfile.from_parsed`` / ``from_candidate`` and ``JobProfile.from_job`` build the
inputs. The ``ml`` scorer (``semantic``) is optional and loaded lazily.
"""

from hireloop.domain.screening.criteria import JobCriteria, normalize_criteria
from hireloop.domain.screening.schemas import (
    Component,
    JobProfile,
    ScreeningProfile,
    ScreeningResult,
)
from hireloop.domain.screening.scorer import SemanticModel, score_candidate

__all__ = [
    "Component",
    "JobCriteria",
    "JobProfile",
    "ScreeningProfile",
    "ScreeningResult",
    "SemanticModel",
    "normalize_criteria",
    "score_candidate",
]
