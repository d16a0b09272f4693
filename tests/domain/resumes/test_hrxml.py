"""HR-XML Candidate documents from domain objects (no database): the vendor's samples as
golden output, and the value mappings behind them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hireloop.domain.applications.models import Application
from hireloop.domain.candidates.models import Candidate, Comment
from hireloop.domain.jobs.models import Job
from hireloop.domain.resumes.hrxml import (
    INCLUDE_OPTIONS,
    Note,
    Posting,
    Profile,
    candidate_document,
    country_code,
    custom_data,
    education_history,
    hr_date,
    lifecycle_state,
    location_summary,
    phone_method,
)
from tests.api.profiles.samples import (
    LENA_GUID,
    LENA_UPDATED_AT,
    NOTES,
    POSTINGS,
    TAGS,
    expected_full,
    expected_included,
    lena_fields,
)

SAMPLE_BLOCKS = ["contact", "education", "experience", "ats_application_histories"]
APPLICATION_IDS = ["5b0c7c1e-0000-4000-8000-000000000001", "5b0c7c1e-0000-4000-8000-000000000002"]


def lena_profile() -> Profile:
    candidate = Candidate(**lena_fields(), public_id=LENA_GUID, updated_at=LENA_UPDATED_AT)
    postings = [
        Posting(
            application=Application(
                public_id=application_id,
                folder="inbox",
                status="new",
                source="INDEED",
                created_at=applied,
                folder_changed_at=moved,
            ),
            job=Job(public_id=job_id, title=title),
        )
        for application_id, (job_id, title, applied, moved) in zip(
            APPLICATION_IDS, POSTINGS, strict=True
        )
    ]
    notes = [
        Note(Comment(id=i + 1, body=text, created_at=at), email)
        for i, (text, at, email) in enumerate(NOTES)
    ]
    return Profile(candidate=candidate, postings=postings, notes=notes, tags=list(TAGS))


def document(sample: dict) -> dict:  # type: ignore[type-arg]
    return sample["result"]["Candidates"][0]


def test_golden_full_sample():
    got = candidate_document(lena_profile(), SAMPLE_BLOCKS)
    assert got == document(expected_full(APPLICATION_IDS))


def test_golden_include_sample():
    got = candidate_document(lena_profile(), ["notes", "tags", "custom_data"])
    assert got == document(expected_included(["1", "2"]))


def test_none_is_every_block():
    assert candidate_document(lena_profile()) == candidate_document(lena_profile(), INCLUDE_OPTIONS)


def test_an_unknown_option_is_a_programming_error():
    with pytest.raises(ValueError, match="attachments"):
        candidate_document(lena_profile(), ["tags", "attachments"])


# --- Phones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164", "region", "expected"),
    [
        # Not a valid NANP number (the vendor's own sample): area code from the plan's size.
        ("+1 972 523226650", None, None, ("Telephone", "1", "972", "523226650")),
        ("+1 226 111 2222", "+12261112222", None, ("Telephone", "1", "226", "1112222")),
        ("06 12 34 56 78", "+33612345678", "FR", ("Mobile", "33", "6", "12345678")),
        ("+33 1 23 45 67 89", "+33123456789", None, ("Telephone", "33", "1", "23456789")),
        ("0917 123 4567", None, "PH", ("Mobile", "63", "917", "1234567")),
        ("+44 20 7946 0958", "+442079460958", None, ("Telephone", "44", "20", "79460958")),
        ("0044 20 7946 0958", None, None, ("Telephone", "44", "20", "79460958")),
        ("+49 30 1234567", "+49301234567", None, ("Telephone", "49", "30", "1234567")),
        ("5551234", None, None, ("Telephone", None, None, "5551234")),
    ],
)
def test_phone_split(raw, e164, region, expected):
    kind, parts = phone_method(raw, e164, region)
    assert (kind, *parts.values()) == expected
    assert list(parts) == ["InternationalCountryCode", "AreaCityCode", "SubscriberNumber"]


@pytest.mark.parametrize("raw", [None, "", "   ", "call me"])
def test_no_phone(raw):
    assert phone_method(raw, None) is None


# --- Dates, places, schools ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2006-01", {"YearMonth": "2006-01"}),
        ("2006-1", {"YearMonth": "2006-01"}),
        ("01/2006", {"YearMonth": "2006-01"}),
        ("2009", {"Year": "2009"}),
        (2009, {"Year": "2009"}),
        ("2020-02-29", {"AnyDate": "2020-02-29"}),
        ("2020-02-29T10:00:00Z", {"AnyDate": "2020-02-29"}),
        (datetime(2021, 5, 4, tzinfo=UTC), {"AnyDate": "2021-05-04"}),
        ("Present", {"StringDate": "current"}),
        ("current", {"StringDate": "current"}),
        ("Summer 2019", {"StringDate": "Summer 2019"}),
        ("2006-13", {"StringDate": "2006-13"}),
        ("2021-02-30", {"StringDate": "2021-02-30"}),
        (None, None),
        ("  ", None),
    ],
)
def test_hr_dates(value, expected):
    assert hr_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Israel", "IL"),
        ("il", "IL"),
        ("United States", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("the Philippines", "PH"),
        ("Côte d'Ivoire", "CI"),
        ("cote d ivoire", "CI"),
        ("Türkiye", "TR"),
        ("Atlantis", None),
        ("XX", None),
        (None, None),
    ],
)
def test_country_codes(value, expected):
    assert country_code(value) == expected


def test_location_summaries():
    assert location_summary("US") == {"CountryCode": "US"}
    assert location_summary("Haifa, Israel") == {"Municipality": "Haifa", "CountryCode": "IL"}
    assert location_summary("Austin, TX, USA") == {
        "Municipality": "Austin",
        "Region": "TX",
        "CountryCode": "US",
    }
    assert location_summary("Remote") == {"Municipality": "Remote"}
    assert location_summary(" , ") is None
    assert location_summary(None) is None


def test_one_school_is_an_object_several_a_list_none_an_empty_list():
    one = Candidate(education=[{"school": "Lincoln High School", "end": "2001"}])
    school = education_history(one)["SchoolOrInstitution"]
    assert isinstance(school, dict)
    assert school["schoolType"] == "highschool"
    assert school["Degree"]["DegreeDate"] == {"Year": "2001"}
    two = Candidate(education=[{"school": "A"}, {"school": "B", "school_type": "trade"}])
    schools = education_history(two)["SchoolOrInstitution"]
    assert [s["schoolType"] for s in schools] == ["university", "trade"]
    assert schools[0]["Degree"] == {
        "DegreeName": None,
        "DegreeDate": None,
        "DegreeMajor": {"Name": None},
        "DatesOfAttendance": {"StartDate": None, "EndDate": None},
    }
    assert education_history(Candidate(education=[])) == {"SchoolOrInstitution": []}


# --- Custom data, lifecycle ----------------------------------------------------------


def test_custom_data_values():
    candidate = Candidate(
        updated_at=datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        custom_attributes={
            "Notes": "a custom field named like a block",
            "empty": None,
            "rate": 12.5,
            "whole": 3.0,
            "address": {"city": "Haifa", "zip": 31000},
            "stamped": {"value": "x", "updated_at": "2023-05-06T07:08:09+00:00"},
            "stamped_odd": {"Value": ["a", 1], "UpdatedAt": "yesterday"},
        },
        consents={"sms": False, "marketing_consent": True},
    )
    stamp = "2024-01-02 03:04:05 UTC"
    assert custom_data(candidate) == {
        "custom_Notes": {"Value": "a custom field named like a block", "UpdatedAt": stamp},
        "empty": {"Value": None, "UpdatedAt": stamp},
        "rate": {"Value": "12.5", "UpdatedAt": stamp},
        "whole": {"Value": "3", "UpdatedAt": stamp},
        "address": {"Value": {"city": "Haifa", "zip": "31000"}, "UpdatedAt": stamp},
        "stamped": {"Value": "x", "UpdatedAt": "2023-05-06 07:08:09 UTC"},
        "stamped_odd": {"Value": {"Value": ["a", "1"]}, "UpdatedAt": "yesterday"},
        "sms_consent": {"Value": "No", "UpdatedAt": stamp},
        "marketing_consent": {"Value": "Yes", "UpdatedAt": stamp},
    }


def _posting(folder: str) -> Posting:
    return Posting(application=Application(folder=folder), job=Job(title="x"))


def test_lifecycle_states():
    assert lifecycle_state([]) == "lead"
    assert lifecycle_state([_posting("inbox"), _posting("rejected")]) == "applicant"
    assert lifecycle_state([_posting("rejected"), _posting("hired")]) == "hired"
