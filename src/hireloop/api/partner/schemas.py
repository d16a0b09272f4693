"""Taptalent request bodies (camelCase, Joi-style limits) and their mapping to the domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.jobs.schemas import JobData

CURRENCIES = [
    "USD",
    "PHP",
    "SGD",
    "IDR",
    "EUR",
    "INR",
    "GBP",
    "AED",
    "MYR",
    "AUD",
    "CAD",
    "JPY",
    "CNY",
    "CHF",
    "ZAR",
    "KRW",
    "THB",
    "VND",
    "BRL",
    "MXN",
    "RUB",
    "TRY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "HKD",
    "MAD",
]
CONTRACT_TYPES = (
    "Permanent",
    "Freelance / Consultant",
    "Fixed term contract",
    "Internship",
    "Student",
)
DEGREE_LEVELS = ("Bachelor's", "High School", "M.B.A.", "Master's", "Other", "Ph.D.")
MAX_AMOUNT = 9_999_999_999


def _id(value: Any) -> Any:
    """IDs come as numbers or as strings of digits."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "must be a number")
    return value


EntityId = Annotated[int, BeforeValidator(_id), Field(ge=1, le=2**63 - 1)]


def _email(value: str) -> str:
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise PydanticCustomError("email", "must be a valid email") from None
    return value.strip()


def _http_url(value: str) -> str:
    if not value.strip().lower().startswith(("http://", "https://")):
        raise PydanticCustomError(
            "uri", "must be a valid uri with a scheme matching the http|https pattern"
        )
    return value.strip()


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _gender(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("male", "female", "other"):
        return value.strip().lower()
    return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


class PartnerBody(BaseModel):
    """Text with NUL characters is refused up front: PostgreSQL cannot store it."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise PydanticCustomError("string_nul", "must not contain null characters")
        return value


class ScreeningQuestion(BaseModel):
    type: Literal["text"] = "text"
    question: str = Field(min_length=1, max_length=3000)


class JobCreateBody(PartnerBody):
    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=3, max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    city: str = Field(min_length=1, max_length=200)
    state: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=1, max_length=200)
    status: Literal["DRAFT", "ACTIVE"] = "DRAFT"
    workMode: Literal["ONSITE", "REMOTE", "HYBRID"] = "ONSITE"
    jobType: str | None = Field(default=None, max_length=100)
    screeningQuestion: list[ScreeningQuestion] = Field(default_factory=list, max_length=5)
    teamId: str | None = Field(default=None, max_length=64)
    contractType: Literal[CONTRACT_TYPES] | None = None  # type: ignore[valid-type]
    degreeLevel: Literal[DEGREE_LEVELS] | None = None  # type: ignore[valid-type]
    jobRole: str | None = Field(default=None, max_length=200)
    salaryRangeFrom: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    salaryRangeTo: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    salaryCurrency: Literal[tuple(CURRENCIES)] | None = None  # type: ignore[valid-type]
    potentialAmount: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    potentialAmountCurrency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    potentialHiresCount: int | None = Field(default=None, ge=1, le=1_000_000)
    yearOfExperience: int | None = Field(default=None, ge=0, le=50)
    criterionDetails: dict[str, Any] | list[Any] | None = None
    # hireloop: applications scoring below this (0-100) are rejected automatically by the
    # faces that apply it (the career site).
    autoRejectThreshold: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _conditional_fields(self) -> JobCreateBody:
        salary = {
            "salaryRangeFrom": self.salaryRangeFrom,
            "salaryRangeTo": self.salaryRangeTo,
            "salaryCurrency": self.salaryCurrency,
        }
        given = [k for k, v in salary.items() if v is not None]
        if given and len(given) < 3:
            missing = next(k for k, v in salary.items() if v is None)
            raise PydanticCustomError(
                "salary_together",
                '"{field}" is required when any salary field is given',
                {"field": missing},
            )
        if (
            self.salaryRangeFrom is not None
            and self.salaryRangeTo is not None
            and self.salaryRangeTo < self.salaryRangeFrom
        ):
            raise PydanticCustomError(
                "salary_order",
                '"{field}" must be greater than or equal to "salaryRangeFrom"',
                {"field": "salaryRangeTo"},
            )
        if self.potentialAmount is not None and not self.potentialAmountCurrency:
            raise PydanticCustomError(
                "potential_currency", '"{field}" is required', {"field": "potentialAmountCurrency"}
            )
        return self

    def to_domain(self) -> JobData:
        def dec(v: float | None) -> Decimal | None:
            return None if v is None else Decimal(str(v))

        return JobData(
            title=self.title.strip(),
            description=self.description or "",
            city=self.city.strip(),
            state=self.state.strip(),
            country=self.country.strip(),
            status=self.status.lower(),
            work_mode=self.workMode,
            job_type=self.jobType,
            contract_type=self.contractType,
            degree_level=self.degreeLevel,
            job_role=self.jobRole,
            salary_from=dec(self.salaryRangeFrom),
            salary_to=dec(self.salaryRangeTo),
            salary_currency=self.salaryCurrency,
            potential_amount=dec(self.potentialAmount),
            potential_amount_currency=self.potentialAmountCurrency,
            potential_hires_count=self.potentialHiresCount,
            years_of_experience=self.yearOfExperience,
            team_id=self.teamId,
            screening_questions=[q.model_dump() for q in self.screeningQuestion],
            criteria=_criteria(self.criterionDetails),
            ai_settings=(
                {"auto_reject_threshold": self.autoRejectThreshold}
                if self.autoRejectThreshold is not None
                else {}
            ),
        )


def _criteria(value: dict[str, Any] | list[Any] | None) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, list):
        return {"items": value}
    return value


Skill = Annotated[str, Field(min_length=1, max_length=200)]
# Joi's .trim(): surrounding spaces do not count, so "   " is an empty name.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _join_list(value: Any) -> Any:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


def _first(item: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = item.get(key)
        if value not in (None, ""):
            return value
    return None


def _work_experience(item: dict[str, Any]) -> dict[str, Any]:
    """A Taptalent work experience in our Position shape (several spellings accepted)."""
    current = _first(item, "isCurrent", "current", "currentlyWorking", "isCurrentJob")
    return {
        "employer": _first(item, "companyName", "company", "employer", "organization"),
        "title": _first(item, "title", "jobTitle", "designation", "position", "role"),
        "location": _first(item, "location", "city"),
        "start": _first(item, "startDate", "start", "from"),
        "end": _first(item, "endDate", "end", "to"),
        "current": bool(current) if current is not None else False,
        "description": _first(item, "description", "summary", "responsibilities"),
    }


def _education(item: dict[str, Any]) -> dict[str, Any]:
    """A Taptalent education in our Schooling shape (several spellings accepted)."""
    return {
        "school": _first(item, "institution", "school", "schoolName", "university", "college"),
        "degree": _first(item, "degree", "degreeName", "qualification"),
        "major": _first(item, "major", "fieldOfStudy", "field", "specialization"),
        "start": _first(item, "startDate", "start", "from"),
        "end": _first(item, "endDate", "end", "to", "graduationDate"),
    }


class CandidateCreateBody(PartnerBody):
    model_config = ConfigDict(extra="ignore")

    firstName: Name
    lastName: Name
    email: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_email)]
    phone: str | None = Field(default=None, max_length=50)
    resume: Annotated[str, Field(max_length=2000), AfterValidator(_http_url)] | None = None
    currentJobTitle: str | None = Field(default=None, max_length=300)
    currentCompany: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=200)
    state: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, max_length=200)
    skills: Annotated[list[Skill], BeforeValidator(_split_csv)] = Field(default_factory=list)
    linkedin: str | None = Field(default=None, max_length=500)
    github: str | None = Field(default=None, max_length=500)
    portfolio: str | None = Field(default=None, max_length=500)
    coverLetter: str | None = Field(default=None, max_length=20_000)
    gender: Annotated[Literal["male", "female", "other"], BeforeValidator(_gender)] | None = None
    dateOfBirth: date | None = None
    nationality: str | None = Field(default=None, max_length=100)
    industry: str | None = Field(default=None, max_length=200)
    category: str | None = Field(default=None, max_length=200)
    majors: Annotated[str, BeforeValidator(_join_list), Field(max_length=500)] | None = None
    summary: str | None = Field(default=None, max_length=20_000)
    jobId: Annotated[int | str, BeforeValidator(_id)] | None = None
    shouldParseResume: StrictBool = True
    educations: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    workExperiences: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=50)
    source: str | None = Field(default=None, max_length=100)
    referrerName: str | None = Field(default=None, max_length=200)
    referrerEmail: str | None = Field(default=None, max_length=320)
    referrerPhone: str | None = Field(default=None, max_length=50)
    customAttributes: dict[str, Any] = Field(default_factory=dict)
    consents: dict[str, Any] = Field(default_factory=dict)

    def to_domain(self) -> CandidateData:
        links = {
            k: v
            for k, v in (
                ("linkedin", self.linkedin),
                ("github", self.github),
                ("portfolio", self.portfolio),
            )
            if v
        }
        return CandidateData(
            first_name=self.firstName,
            last_name=self.lastName,
            email=self.email,
            phone=self.phone,
            city=self.city,
            state=self.state,
            country=self.country,
            current_job_title=self.currentJobTitle,
            current_company=self.currentCompany,
            summary=self.summary,
            employment=[_work_experience(w) for w in self.workExperiences],
            education=[_education(e) for e in self.educations],
            skills=self.skills,
            languages=self.languages,
            links=links,
            gender=self.gender,
            date_of_birth=self.dateOfBirth,
            nationality=self.nationality,
            industry=self.industry,
            category=self.category,
            majors=self.majors,
            source=self.source or "partner_api",
            referrer_name=self.referrerName,
            referrer_email=self.referrerEmail,
            referrer_phone=self.referrerPhone,
            custom_attributes=self.customAttributes,
            consents=self.consents,
            resume_url=self.resume,
        )


class CandidateBulkFetchBody(BaseModel):
    candidateIds: list[EntityId] = Field(min_length=1, max_length=100)


class JobCandidateBulkFetchBody(BaseModel):
    jobCandidateIds: list[EntityId] = Field(min_length=1, max_length=100)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def epoch_ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)
