"""POST /soap/profiles/v1: the vendor's samples, include blocks, and tenancy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from hireloop.domain.actor import Actor
from hireloop.domain.applications.models import Application, CustomFolder
from hireloop.domain.applications.service import move_application
from hireloop.domain.candidates.models import Candidate, CandidateTag, Comment, Tag
from hireloop.domain.companies.models import Company
from hireloop.domain.companies.service import create_user
from hireloop.domain.resumes.hrxml import INCLUDE_OPTIONS
from tests.api.profiles.conftest import URL, make_api_user
from tests.api.profiles.samples import (
    LENA_GUID,
    LENA_UPDATED_AT,
    NOTES,
    POSTINGS,
    SAMPLE_REQUEST_IDS,
    TAGS,
    expected_full,
    expected_included,
    lena_fields,
)
from tests.factories import Factory

SAMPLE_BLOCKS = ["contact", "education", "experience", "ats_application_histories"]


@dataclass
class Lena:
    candidate: Candidate
    applications: list[Application]  # newest first
    notes: list[Comment]  # oldest first

    @property
    def application_ids(self) -> list[str]:
        return [a.public_id for a in self.applications]

    @property
    def note_ids(self) -> list[str]:
        return [str(n.id) for n in self.notes]


def add_tags(session: Session, candidate: Candidate, names: list[str]) -> None:
    for name in names:
        tag = Tag(company_id=candidate.company_id, name=name)
        session.add(tag)
        session.flush()
        session.add(CandidateTag(candidate_id=candidate.id, tag_id=tag.id))
    session.flush()


def build_lena(factory: Factory, company: Company) -> Lena:
    session = factory.session
    candidate = factory.candidate(company, **lena_fields())
    applications = []
    for public_id, title, applied, moved in POSTINGS:
        job = factory.job(company, title=title, city=None, country=None)
        job.public_id = public_id
        job.published_at = None
        application = factory.application(job, candidate, source="INDEED")
        application.created_at = applied
        application.folder_changed_at = moved
        applications.append(application)
    add_tags(session, candidate, TAGS)
    notes = []
    for i, (text, at, email) in enumerate(NOTES):
        user = create_user(session, company.id, email=email, name=f"User {i}", password=None)
        note = Comment(
            company_id=company.id,
            candidate_id=candidate.id,
            author_user_id=user.id,
            author_name=user.name,
            body=text,
            created_at=at,
        )
        session.add(note)
        notes.append(note)
    session.flush()
    # Last, in one UPDATE: an explicit updated_at is kept (onupdate only fills it otherwise).
    candidate.public_id = LENA_GUID
    candidate.updated_at = LENA_UPDATED_AT
    session.commit()
    return Lena(candidate, applications, notes)


@pytest.fixture
def lena(factory: Factory, company: Company) -> Lena:
    return build_lena(factory, company)


def fetch(client, auth, body: Any):  # type: ignore[no-untyped-def]
    r = client.post(URL, json=body, headers={**auth, "Accept": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


def only_candidate(data: dict[str, Any]) -> dict[str, Any]:
    candidates = data["result"]["Candidates"]
    assert len(candidates) == 1
    return candidates[0]["Candidate"]


# --- The vendor's samples ------------------------------------------------------------


def test_seed_sample_request_answers_the_sample_response(client, auth, lena):
    """The article's first sample: its three GUIDs are unknown here, so only Lena answers;
    the blocks of the sample are exactly the sample's."""
    body = {"ids": SAMPLE_REQUEST_IDS + [LENA_GUID], "include": SAMPLE_BLOCKS}
    assert fetch(client, auth, body) == expected_full(lena.application_ids)


def test_seed_include_sample(client, auth, lena):
    body = {"ids": [LENA_GUID], "include": ["notes", "tags", "custom_data"]}
    assert fetch(client, auth, body) == expected_included(lena.note_ids)


def test_no_include_is_every_block(client, auth, lena):
    full = expected_full(lena.application_ids)
    area = only_candidate(expected_included(lena.note_ids))["UserArea"]
    area["DoNotContact"] = {"Value": "No"}
    area["DoNotHire"] = {"Value": "No"}
    only_candidate(full)["UserArea"] = area

    data = fetch(client, auth, {"ids": [LENA_GUID]})
    assert data == full
    assert fetch(client, auth, {"ids": [LENA_GUID], "include": None}) == full
    assert fetch(client, auth, {"ids": [LENA_GUID], "include": list(INCLUDE_OPTIONS)}) == full


def test_keys_come_in_the_samples_order(client, auth, lena):
    doc = only_candidate(fetch(client, auth, {"ids": [LENA_GUID]}))
    assert list(doc) == [
        "xmlns",
        "xmlns:xsi",
        "xsi:schemaLocation",
        "CandidateRecordInfo",
        "Resume",
        "UserArea",
    ]
    assert list(doc["Resume"]) == ["xmlns:rm", "StructuredXMLResume", "UserArea"]
    resume = doc["Resume"]["StructuredXMLResume"]
    assert list(resume) == ["ContactInfo", "EmploymentHistory", "EducationHistory"]
    sample = only_candidate(expected_full(lena.application_ids))
    posting = doc["Resume"]["UserArea"]["RelatedPositionPostings"]["RelatedPositionPosting"][0]
    sample_posting = sample["Resume"]["UserArea"]["RelatedPositionPostings"]
    assert list(posting) == list(sample_posting["RelatedPositionPosting"][0])
    method = resume["ContactInfo"]["ContactMethod"]
    assert list(method) == ["Use", "Telephone", "InternetEmailAddress", "PostalAddress"]


# --- Include blocks ------------------------------------------------------------------

# Where each option's block lives: (inside Resume.StructuredXMLResume, Resume.UserArea,
# Candidate.UserArea).
BLOCKS: dict[str, tuple[set[str], set[str], set[str]]] = {
    "contact": (set(), set(), set()),
    "education": ({"EducationHistory"}, set(), set()),
    "experience": ({"EmploymentHistory"}, set(), set()),
    "ats_application_histories": (set(), {"RelatedPositionPostings", "Referrals"}, set()),
    "donotcontact_info": (set(), set(), {"DoNotContact", "DoNotHire"}),
    "tags": (set(), set(), {"Tags"}),
    "notes": (set(), set(), {"Notes"}),
    "custom_data": (
        set(),
        set(),
        {
            "DesiredCompensation",
            "multivalue_list",
            "Relocate",
            "Travel",
            "BusinessUnit",
            "Department",
            "primary_brand",
            "primary_locale",
            "email_consent",
            "sms_consent",
            "Lifecycle",
        },
    ),
}


@pytest.mark.parametrize("option", INCLUDE_OPTIONS)
def test_each_include_option_alone(client, auth, lena, option):
    doc = only_candidate(fetch(client, auth, {"ids": [LENA_GUID], "include": [option]}))
    in_resume, in_resume_area, in_candidate_area = BLOCKS[option]
    assert doc["CandidateRecordInfo"] == {"Id": {"IdValue": LENA_GUID}}
    resume = doc["Resume"]["StructuredXMLResume"]
    assert set(resume) == {"ContactInfo"} | in_resume
    assert set(doc["Resume"].get("UserArea", {})) == in_resume_area
    assert set(doc.get("UserArea", {})) == in_candidate_area
    assert ("UserArea" in doc) == bool(in_candidate_area)
    assert ("UserArea" in doc["Resume"]) == bool(in_resume_area)

    contact = resume["ContactInfo"]
    assert contact["PersonName"] == {
        "FormattedName": "Lena Guenis",
        "GivenName": "Lena",
        "FamilyName": "Guenis",
    }
    method = contact["ContactMethod"]
    if option == "contact":
        assert method["Telephone"] == {
            "InternationalCountryCode": "1",
            "AreaCityCode": "972",
            "SubscriberNumber": "523226650",
        }
        assert method["PostalAddress"]["CountryCode"] == "IL"
    else:
        assert method == {"Use": "personal", "InternetEmailAddress": "ikobets+lena_g@talemetry.com"}


def test_contact_info_is_always_present(client, auth, lena):
    for include in ([], ["tags"], ["notes", "custom_data"], ["education"]):
        doc = only_candidate(fetch(client, auth, {"ids": [LENA_GUID], "include": include}))
        contact = doc["Resume"]["StructuredXMLResume"]["ContactInfo"]
        assert contact["PersonName"]["FormattedName"] == "Lena Guenis"
        assert contact["ContactMethod"]["InternetEmailAddress"] == "ikobets+lena_g@talemetry.com"


def test_empty_include_is_contact_info_only(client, auth, lena):
    doc = only_candidate(fetch(client, auth, {"ids": [LENA_GUID], "include": []}))
    assert "UserArea" not in doc
    assert doc["Resume"] == {
        "xmlns:rm": "resumemirror.com",
        "StructuredXMLResume": {
            "ContactInfo": {
                "PersonName": {
                    "FormattedName": "Lena Guenis",
                    "GivenName": "Lena",
                    "FamilyName": "Guenis",
                },
                "ContactMethod": {
                    "Use": "personal",
                    "InternetEmailAddress": "ikobets+lena_g@talemetry.com",
                },
            }
        },
    }


def test_include_options_are_case_insensitive_and_may_repeat(client, auth, lena):
    a = fetch(client, auth, {"ids": [LENA_GUID], "include": ["Tags", " NOTES ", "tags"]})
    b = fetch(client, auth, {"ids": [LENA_GUID], "include": ["notes", "tags"]})
    assert a == b


def test_do_not_contact_and_do_not_hire(client, auth, session, lena):
    lena.candidate.do_not_contact = True
    session.commit()
    doc = only_candidate(
        fetch(client, auth, {"ids": [LENA_GUID], "include": ["donotcontact_info"]})
    )
    assert doc["UserArea"] == {"DoNotContact": {"Value": "Yes"}, "DoNotHire": {"Value": "No"}}
    lena.candidate.do_not_hire = True
    session.commit()
    doc = only_candidate(
        fetch(client, auth, {"ids": [LENA_GUID], "include": ["donotcontact_info"]})
    )
    assert doc["UserArea"] == {"DoNotContact": {"Value": "Yes"}, "DoNotHire": {"Value": "Yes"}}


def test_a_candidate_with_nothing_but_a_name(client, auth, factory, company):
    bare = factory.candidate(company, first_name="Solo", last_name="Person", email=None)
    doc = only_candidate(fetch(client, auth, {"ids": [bare.public_id]}))
    resume = doc["Resume"]["StructuredXMLResume"]
    assert resume["ContactInfo"]["ContactMethod"] == {
        "Use": "personal",
        "InternetEmailAddress": None,
        "PostalAddress": {
            "CountryCode": None,
            "PostalCode": None,
            "Region": None,
            "Municipality": None,
            "DeliveryAddress": {"AddressLine": None},
        },
    }
    assert resume["EmploymentHistory"] == {"EmployerOrg": []}
    assert resume["EducationHistory"] == {"SchoolOrInstitution": []}
    assert doc["Resume"]["UserArea"] == {
        "RelatedPositionPostings": {"RelatedPositionPosting": []},
        "Referrals": None,
    }
    assert doc["UserArea"] == {
        "Notes": {"Note": []},
        "Tags": {"Tag": []},
        "DoNotContact": {"Value": "No"},
        "DoNotHire": {"Value": "No"},
        "Lifecycle": {"State": "lead"},
    }


def test_several_schools_are_a_list(client, auth, factory, company):
    candidate = factory.candidate(
        company,
        education=[
            {"school": "Tel Aviv University", "degree": "B.Sc", "start": "2001", "end": "2004"},
            {"school": "Ort Braude College", "degree": "M.Sc", "major": "CS", "end": "2007-06"},
        ],
    )
    doc = only_candidate(
        fetch(client, auth, {"ids": [candidate.public_id], "include": ["education"]})
    )
    schools = doc["Resume"]["StructuredXMLResume"]["EducationHistory"]["SchoolOrInstitution"]
    assert isinstance(schools, list) and len(schools) == 2
    assert schools[0]["School"] == {"SchoolName": "Tel Aviv University"}
    assert schools[1]["schoolType"] == "college"
    assert schools[1]["Degree"] == {
        "DegreeName": "M.Sc",
        "DegreeDate": {"Year": "2007"},
        "DegreeMajor": {"Name": "CS"},
        "DatesOfAttendance": {"StartDate": None, "EndDate": {"YearMonth": "2007-06"}},
    }


def test_application_history_follows_the_pipeline(client, auth, factory, session, company):
    candidate = factory.candidate(company, referrer_name="Dana Levi", referrer_email="dana@x.io")
    job = factory.job(company, title="Nurse", city="Haifa", country="Israel")
    application = factory.application(job, candidate, source="career_site")
    move_application(session, application, "rejected", Actor.system(), reason="Not licensed")
    session.commit()
    doc = only_candidate(fetch(client, auth, {"ids": [candidate.public_id]}))
    posting = doc["Resume"]["UserArea"]["RelatedPositionPostings"]["RelatedPositionPosting"][0]
    assert posting["DispositionStatusCode"] == "099"
    assert posting["DispositionStatusName"] == "099 Rejected"
    assert posting["DispositionReasonName"] == "Not licensed"
    assert posting["Id"] == job.public_id
    assert posting["PostingTitle"] == "Nurse"
    assert posting["Location"] == "Haifa, Israel"
    assert posting["OpenDate"] == job.published_at.date().isoformat()
    assert posting["app_source_id"] == posting["company_source"] == "career_site"
    assert (posting["referrer_name"], posting["referrer_family"]) == ("Dana", "Levi")
    assert posting["employee_email"] == "dana@x.io"
    assert posting["JV_ApplicationID"] == application.public_id
    assert doc["UserArea"]["Lifecycle"] == {"State": "applicant"}

    folder = CustomFolder(company_id=company.id, name="Final Interview")
    session.add(folder)
    session.flush()
    move_application(session, application, "custom", Actor.system(), custom_folder_id=folder.id)
    session.commit()
    doc = only_candidate(fetch(client, auth, {"ids": [candidate.public_id]}))
    posting = doc["Resume"]["UserArea"]["RelatedPositionPostings"]["RelatedPositionPosting"][0]
    assert posting["DispositionStatusName"] == "060 Final Interview"
    assert posting["DispositionReasonName"] == "New"  # the latest move gave no reason

    move_application(session, application, "hired", Actor.system())
    session.commit()
    doc = only_candidate(fetch(client, auth, {"ids": [candidate.public_id]}))
    posting = doc["Resume"]["UserArea"]["RelatedPositionPostings"]["RelatedPositionPosting"][0]
    assert posting["DispositionStatusName"] == "090 Hired"
    assert doc["UserArea"]["Lifecycle"] == {"State": "hired"}


def test_lifecycle_comes_with_custom_data_even_without_histories(client, auth, lena):
    doc = only_candidate(fetch(client, auth, {"ids": [LENA_GUID], "include": ["custom_data"]}))
    assert doc["UserArea"]["Lifecycle"] == {"State": "applicant"}
    assert "UserArea" not in doc["Resume"]


# --- Ids -----------------------------------------------------------------------------


def test_candidates_come_in_the_order_asked_once_each(client, auth, factory, company):
    a = factory.candidate(company)
    b = factory.candidate(company)
    ids = [b.public_id, a.public_id.upper(), b.public_id, "not-a-guid", "{" + a.public_id + "}"]
    data = fetch(client, auth, {"ids": ids, "include": []})
    got = [
        c["Candidate"]["CandidateRecordInfo"]["Id"]["IdValue"] for c in data["result"]["Candidates"]
    ]
    assert got == [b.public_id, a.public_id]


def test_empty_ids_is_an_empty_list(client, auth):
    assert fetch(client, auth, {"ids": []}) == {"result": {"Candidates": []}}


def test_a_hundred_ids_are_fine(client, auth, lena):
    ids = [LENA_GUID] + [f"00000000-0000-4000-8000-{i:012d}" for i in range(99)]
    data = fetch(client, auth, {"ids": ids, "include": []})
    assert len(data["result"]["Candidates"]) == 1


def test_unknown_fields_are_ignored(client, auth, lena):
    data = fetch(client, auth, {"ids": [LENA_GUID], "include": [], "PageSize": 4})
    assert len(data["result"]["Candidates"]) == 1


# --- Tenancy -------------------------------------------------------------------------


def test_another_companys_guid_is_absent_and_nothing_leaks(client, factory, lena):
    other_company = factory.company("Globex")
    other = make_api_user(factory, other_company)
    mine = factory.candidate(other_company, first_name="Own", last_name="Candidate")
    r = client.post(URL, json={"ids": [LENA_GUID, mine.public_id]}, headers=other.auth)
    assert r.status_code == 200
    candidates = r.json()["result"]["Candidates"]
    assert [c["Candidate"]["CandidateRecordInfo"]["Id"]["IdValue"] for c in candidates] == [
        mine.public_id
    ]
    text = r.text
    for leaked in (LENA_GUID, "Guenis", "ikobets", "Family Medicine", "testtt", "KTECH"):
        assert leaked not in text

    only = client.post(URL, json={"ids": [LENA_GUID]}, headers=other.auth)
    assert only.status_code == 200
    assert only.json() == {"result": {"Candidates": []}}


def test_other_companies_notes_tags_and_jobs_never_mix_in(client, auth, factory, company, lena):
    other_company = factory.company("Initech")
    stranger = factory.candidate(other_company)
    add_tags(factory.session, stranger, ["secret tag"])
    factory.session.commit()
    data = fetch(client, auth, {"ids": [LENA_GUID, stranger.public_id]})
    assert len(data["result"]["Candidates"]) == 1
    assert "secret tag" not in json.dumps(data)
