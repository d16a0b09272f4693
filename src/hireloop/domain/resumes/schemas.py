"""What a parsed résumé holds. Absent means not found: the parser never invents data."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PersonName(BaseModel):
    full: str
    first: str | None = None
    last: str | None = None


class Links(BaseModel):
    linkedin: str | None = None
    github: str | None = None
    portfolio: str | None = None
    other: list[str] = Field(default_factory=list)


class Position(BaseModel):
    """One job. Dates are ``YYYY-MM`` (or ``YYYY`` when the month is not given)."""

    employer: str | None = None
    title: str | None = None
    location: str | None = None
    start: str | None = None
    end: str | None = None
    current: bool = False
    description: str | None = None


class Schooling(BaseModel):
    school: str | None = None
    degree: str | None = None
    major: str | None = None
    start: str | None = None
    end: str | None = None


class ParsedResume(BaseModel):
    name: PersonName | None = None
    email: str | None = None
    phone: str | None = None  # as written
    phone_e164: str | None = None
    location: str | None = None
    links: Links = Field(default_factory=Links)
    summary: str | None = None
    employment: list[Position] = Field(default_factory=list)
    education: list[Schooling] = Field(default_factory=list)
    skills: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    # What the parser found unclear, for a person to check.
    warnings: list[str] = Field(default_factory=list)
    parser_version: str
