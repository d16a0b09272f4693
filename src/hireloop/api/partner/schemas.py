"""Taptalent request bodies (camelCase, Joi-style limits) and their mapping to the domain."""

from __future__ import annotations

import math
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
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hireloop.domain.candidates.schemas import CandidateData
from hireloop.domain.ids import MAX_ID, is_ascii_digits
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
    """IDs come as numbers or as strings of ASCII digits (not '²' or '٣': see
    hireloop.domain.ids); any other string is left for the field's own rule."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "must be a number")
    if isinstance(value, str) and is_ascii_digits(value.strip()):
        text = value.strip()
        # Past 20 digits it is out of range anyway (and int() of a huge string is slow).
        return int(text) if len(text) <= 20 else 10**20
    return value


def _strict_id(value: Any) -> Any:
    value = _id(value)
    if isinstance(value, str):
        raise PydanticCustomError("int_parsing", "must be a number")
    return value


EntityId = Annotated[int, BeforeValidator(_strict_id), Field(ge=1, le=MAX_ID)]


def _number(value: Any) -> Any:
    """Joi's number(): numbers and numeric strings, never a boolean (which Python would
    read as 1 or 0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("number_type", "must be a number")
    number = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value  # the field's own rule says it is not a number
    if isinstance(number, float) and not math.isfinite(number):
        raise PydanticCustomError("number_type", "must be a number")
    return value


# NaN and Infinity (which Python's JSON reader accepts) are not numbers either.
Amount = Annotated[float, BeforeValidator(_number), Field(ge=0, le=MAX_AMOUNT)]
Integer = Annotated[int, BeforeValidator(_number)]


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


# How deep objects and arrays may nest inside a field (customAttributes, criterionDetails,
# …): deeper ones are refused rather than walked, stored and rendered again.
MAX_NESTING = 32


def _is_text(value: str) -> bool:
    """False for a string with a lone surrogate ("\ud800" in JSON), which no database
    column or UTF-8 answer can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_value(value: Any, field: str) -> None:
    """Refuse NUL characters, lone surrogates and nesting deeper than MAX_NESTING anywhere
    in a field's value. Iterative: a deeply nested value cannot exhaust the stack."""
    stack: list[tuple[Any, int, str]] = [(value, 0, field)]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise PydanticCustomError("string_nul", "must not contain null characters")
            if not _is_text(item):
                raise PydanticCustomError(
                    "string_unicode", '"{field}" must be a string', {"field": path}
                )
            continue
        if not isinstance(item, (list, dict)):
            continue
        if depth >= MAX_NESTING:
            raise PydanticCustomError(
                "nesting_depth",
                '"{field}" must not be nested more than {max_depth} levels deep',
                {"field": field, "max_depth": MAX_NESTING},
            )
        if isinstance(item, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(item))
        else:
            for k, v in item.items():
                stack.append((k, depth + 1, path))
                stack.append(
                    (v, depth + 1, f"{path}.{k}" if isinstance(k, str) and _is_text(k) else path)
                )


class PartnerBody(BaseModel):
    """Text PostgreSQL cannot store (NUL characters, lone surrogates) and values nested
    too deep are refused up front, in every field."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        _check_value(value, info.field_name or "value")
        return value


def _trimmed(min_length: int, max_length: int) -> Any:
    """Joi's ``string().trim()``: surrounding spaces do not count (and are not stored), so
    "   " is an empty string (``"x" is not allowed to be empty``)."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
    ]


Title = _trimmed(3, 500)
Place = _trimmed(1, 200)
QuestionText = _trimmed(1, 3000)


class ScreeningQuestion(BaseModel):
    type: Literal["text"] = "text"
    question: QuestionText  # type: ignore[valid-type]


class JobCreateBody(PartnerBody):
    model_config = ConfigDict(extra="ignore")

    title: Title  # type: ignore[valid-type]
    description: str | None = Field(default=None, max_length=10_000)
    city: Place  # type: ignore[valid-type]
    state: Place  # type: ignore[valid-type]
    country: Place  # type: ignore[valid-type]
    status: Literal["DRAFT", "ACTIVE"] = "DRAFT"
    workMode: Literal["ONSITE", "REMOTE", "HYBRID"] = "ONSITE"
    jobType: str | None = Field(default=None, max_length=100)
    screeningQuestion: list[ScreeningQuestion] = Field(default_factory=list, max_length=5)
    teamId: str | None = Field(default=None, max_length=64)
    contractType: Literal[CONTRACT_TYPES] | None = None  # type: ignore[valid-type]
    degreeLevel: Literal[DEGREE_LEVELS] | None = None  # type: ignore[valid-type]
    jobRole: str | None = Field(default=None, max_length=200)
    salaryRangeFrom: Amount | None = None
    salaryRangeTo: Amount | None = None
    salaryCurrency: Literal[tuple(CURRENCIES)] | None = None  # type: ignore[valid-type]
    potentialAmount: Amount | None = None
    potentialAmountCurrency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    potentialHiresCount: Integer | None = Field(default=None, ge=1, le=1_000_000)
    yearOfExperience: Integer | None = Field(default=None, ge=0, le=50)
    criterionDetails: dict[str, Any] | list[Any] | None = None
    # hireloop: applications scoring below this (0-100) are rejected automatically by the
    # faces that apply it (the career site).
    autoRejectThreshold: Integer | None = Field(default=None, ge=0, le=100)

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


MAX_MAJORS_CHARS = 500


def _majors(value: Any) -> Any:
    """A string, or an array of strings stored comma-separated; at most 500 characters."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise PydanticCustomError(
                    "string_type", '"{field}" must be a string', {"field": f"majors[{index}]"}
                )
        value = ", ".join(value)
    if isinstance(value, str) and len(value) > MAX_MAJORS_CHARS:
        raise PydanticCustomError(
            "string_too_long",
            "length must be less than or equal to {max_length} characters long",
            {"max_length": MAX_MAJORS_CHARS},
        )
    return value


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
    majors: Annotated[str, BeforeValidator(_majors)] | None = None
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
