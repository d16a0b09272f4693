"""JSON Resume (schema v1.0.0) documents from candidates (no database)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hireloop.domain.candidates.models import Candidate
from hireloop.domain.resumes.jsonresume import SCHEMA_URL, iso_date, json_resume
from tests.api.profiles.samples import LENA_UPDATED_AT, lena_fields

# The schema's "iso8601" pattern for dates.
ISO8601 = re.compile(
    r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$"
)
# Members the v1.0.0 schema defines for each section (it allows more; we add none).
SCHEMA_MEMBERS = {
    "basics": {
        "name",
        "label",
        "image",
        "email",
        "phone",
        "url",
        "summary",
        "location",
        "profiles",
    },
    "location": {"address", "postalCode", "city", "countryCode", "region"},
    "profiles": {"network", "username", "url"},
    "work": {
        "name",
        "location",
        "description",
        "position",
        "url",
        "startDate",
        "endDate",
        "summary",
        "highlights",
    },
    "education": {
        "institution",
        "url",
        "area",
        "studyType",
        "startDate",
        "endDate",
        "score",
        "courses",
    },
    "skills": {"name", "level", "keywords"},
    "languages": {"language", "fluency"},
    "meta": {"canonical", "version", "lastModified"},
}


def assert_schema_shaped(resume: dict) -> None:  # type: ignore[type-arg]
    assert set(resume) <= {"$schema", "basics", "work", "education", "skills", "languages", "meta"}
    assert set(resume["basics"]) <= SCHEMA_MEMBERS["basics"]
    assert set(resume["basics"].get("location", {})) <= SCHEMA_MEMBERS["location"]
    for profile in resume["basics"].get("profiles", []):
        assert set(profile) <= SCHEMA_MEMBERS["profiles"]
    for section in ("work", "education", "skills", "languages"):
        for item in resume[section]:
            assert set(item) <= SCHEMA_MEMBERS[section], (section, item)
            for key in ("startDate", "endDate"):
                if key in item:
                    assert ISO8601.match(item[key]), item[key]
            assert all(isinstance(v, str) for v in item.values()), item
    assert set(resume["meta"]) <= SCHEMA_MEMBERS["meta"]


def lena() -> Candidate:
    return Candidate(**lena_fields(), updated_at=LENA_UPDATED_AT, links={}, skills=[], languages=[])


def test_lena_as_json_resume():
    resume = json_resume(lena())
    assert_schema_shaped(resume)
    assert resume["$schema"] == SCHEMA_URL
    assert resume["basics"] == {
        "name": "Lena Guenis",
        "email": "ikobets+lena_g@talemetry.com",
        "phone": "+1 972 523226650",
        "location": {"city": "Rishon Lezion,,, Israel", "region": "TX", "countryCode": "IL"},
    }
    assert len(resume["work"]) == 6
    assert resume["work"][0]["name"] == "Investment Technology Group Brokerage From"
    assert resume["work"][0]["position"] == "Qa Manager"
    assert resume["work"][0]["location"] == "US"
    assert resume["work"][0]["startDate"] == "2006-01"
    assert "endDate" not in resume["work"][0]  # current
    assert resume["work"][1]["endDate"] == "2006-01"
    assert resume["education"] == [
        {
            "area": "BUSINESS ADMINISTRATION",
            "studyType": "M.B.A",
            "startDate": "2008",
            "endDate": "2009",
        }
    ]
    assert resume["meta"] == {"version": "v1.0.0", "lastModified": "2024-11-12T18:07:28+00:00"}


def test_links_become_url_and_profiles():
    candidate = Candidate(
        first_name="A",
        last_name="B",
        links={
            "linkedin": "https://linkedin.com/in/ab",
            "github": "https://github.com/ab",
            "website": "https://ab.example",
            "other": ["https://x.example/ab", ""],
            "mastodon": "https://social.example/@ab",
        },
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    basics = json_resume(candidate)["basics"]
    assert basics["url"] == "https://ab.example"
    assert basics["profiles"] == [
        {"network": "LinkedIn", "url": "https://linkedin.com/in/ab"},
        {"network": "GitHub", "url": "https://github.com/ab"},
        {"network": "Other", "url": "https://x.example/ab"},
        {"network": "mastodon", "url": "https://social.example/@ab"},
    ]


def test_dates_that_are_not_dates_are_left_out():
    assert iso_date("2020-03") == "2020-03"
    assert iso_date("03/2020") == "2020-03"
    assert iso_date("2020-03-04T00:00:00Z") == "2020-03-04"
    assert iso_date("Summer 2019") is None
    assert iso_date("present") is None
    candidate = Candidate(
        first_name="A",
        employment=[{"employer": "X", "start": "Summer 2019", "end": "sometime"}, {}],
        education=[{"school": "Y", "start": "2010", "end": "n/a"}],
        skills=["SQL", " "],
        languages=["French"],
    )
    resume = json_resume(candidate)
    assert_schema_shaped(resume)
    assert resume["work"] == [{"name": "X"}]  # an entry with nothing is dropped
    assert resume["education"] == [{"institution": "Y", "startDate": "2010"}]
    assert resume["skills"] == [{"name": "SQL"}]
    assert resume["languages"] == [{"language": "French"}]
    assert "meta" in resume and "lastModified" not in resume["meta"]
