"""HR-XML 2007-04-15 ``Candidate`` documents rendered as JSON, the way Talemetry's
"Candidate XML" profiles API shows them (``POST /soap/profiles/v1``).

``candidate_document`` is a pure function from domain objects to a dict; ``load_profiles``
reads what it needs for a batch of candidates in a few queries. Every leaf value is a string
(or null), as in the vendor's samples, which are XML converted to JSON.

The shape follows the vendor's samples key for key; where they are silent the choices are
documented in docs/profiles-api.md.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireloop.domain.applications.models import Application, ApplicationEvent, CustomFolder
from hireloop.domain.candidates.identity import name_key
from hireloop.domain.candidates.models import Candidate, Comment
from hireloop.domain.candidates.service import tags_for
from hireloop.domain.companies.models import Company, User
from hireloop.domain.countries import country_code
from hireloop.domain.jobs.models import Job

HR_XML_NAMESPACE = "http://ns.hr-xml.org/2007-04-15"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
# Sic: the vendor's value has no space between the namespace and the schema file.
SCHEMA_LOCATION = "http://ns.hr-xml.org/2007-04-15Candidate.xsd"
RESUME_MIRROR_NAMESPACE = "resumemirror.com"

# The ``include`` options, in the vendor's order.
INCLUDE_OPTIONS = (
    "contact",
    "education",
    "experience",
    "ats_application_histories",
    "donotcontact_info",
    "tags",
    "notes",
    "custom_data",
)
# Blocks of Candidate.UserArea (application histories go in Resume.UserArea).
_CANDIDATE_AREA_OPTIONS = frozenset({"notes", "tags", "custom_data", "donotcontact_info"})
# Blocks of the UserArea that custom data must not overwrite (see custom_data).
RESERVED_USER_AREA_KEYS = frozenset(
    {
        "RelatedPositionPostings",
        "Notes",
        "Tags",
        "DoNotContact",
        "DoNotHire",
        "Lifecycle",
        "Referrals",
    }
)

# Our folders as Talemetry disposition statuses: (code, name). "020 Applied" is the
# vendor's; the others follow the pipeline's order.
DISPOSITION_STATUSES: dict[str, tuple[str, str]] = {
    "no_campaign_invitation": ("010", "Not Invited"),
    "inbox": ("020", "Applied"),
    "no_response": ("025", "No Response"),
    "completed": ("030", "Screening Completed"),
    "shortlisted": ("040", "Shortlisted"),
    "on_hold": ("050", "On Hold"),
    "custom": ("060", "In Review"),
    "hired": ("090", "Hired"),
    "rejected": ("099", "Rejected"),
}


# --- What a document is built from ---------------------------------------------------


@dataclass(frozen=True)
class Posting:
    """One application with its job; ``reason`` is the reason of its latest folder move."""

    application: Application
    job: Job
    reason: str | None = None
    custom_folder: str | None = None


@dataclass(frozen=True)
class Note:
    comment: Comment
    author_email: str | None = None


@dataclass
class Profile:
    """A candidate and what its blocks need. ``postings`` newest first, ``notes`` oldest
    first. ``default_region`` reads a national phone number (the company's country)."""

    candidate: Candidate
    postings: list[Posting] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    default_region: str | None = None


# --- Values --------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A leaf value: stripped text, or None for nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def location_summary(location: str | None) -> dict[str, str] | None:
    """HR-XML LocationSummary of a free-text place ("Haifa, Israel", "Austin, TX, USA",
    "US"): only the parts that are known; None when nothing is."""
    parts = [p.strip() for p in (location or "").split(",") if p.strip()]
    if not parts:
        return None
    code = country_code(parts[-1])
    if code:
        parts = parts[:-1]
    summary: dict[str, str] = {}
    if parts:
        summary["Municipality"] = parts[0]
    if len(parts) > 1:
        summary["Region"] = ", ".join(parts[1:])
    if code:
        summary["CountryCode"] = code
    return summary


_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_CURRENT = frozenset({"current", "present", "now", "today", "ongoing", "to date"})


def hr_date(value: Any) -> dict[str, str] | None:
    """An HR-XML date: ``{"Year"}``, ``{"YearMonth"}``, ``{"AnyDate"}`` (a full date), or
    ``{"StringDate"}`` for text that is not a date ("current", "Summer 2019")."""
    if isinstance(value, datetime):
        return {"AnyDate": value.date().isoformat()}
    if isinstance(value, date):
        return {"AnyDate": value.isoformat()}
    text = _text(value)
    if text is None:
        return None
    if text.lower() in _CURRENT:
        return {"StringDate": "current"}
    if m := _YEAR.match(text):
        return {"Year": m.group(1)}
    if (m := _YEAR_MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        return {"YearMonth": f"{m.group(1)}-{int(m.group(2)):02d}"}
    if (m := _MONTH_YEAR.match(text)) and 1 <= int(m.group(1)) <= 12:
        return {"YearMonth": f"{m.group(2)}-{int(m.group(1)):02d}"}
    if m := _FULL_DATE.match(text):
        try:
            return {"AnyDate": date(*(int(g) for g in m.groups())).isoformat()}
        except ValueError:
            pass
    return {"StringDate": text}


def _year(value: Any) -> str | None:
    parsed = hr_date(value)
    if not parsed:
        return None
    text = next(iter(parsed.values()))
    return text[:4] if text[:4].isdigit() else None


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _updated_at(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def _iso_seconds(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


# --- Phones --------------------------------------------------------------------------


def _ndc_length(number: phonenumbers.PhoneNumber) -> int:
    """Length of the area/destination code; when the number itself does not say (it is
    not a valid number), that of the country's example fixed-line number."""
    length = phonenumbers.length_of_national_destination_code(number)
    if length:
        return length
    region = phonenumbers.region_code_for_country_code(number.country_code)
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.FIXED_LINE)
    return phonenumbers.length_of_national_destination_code(example) if example else 0


def phone_method(
    raw: str | None, e164: str | None, default_region: str | None = None
) -> tuple[str, dict[str, str | None]] | None:
    """(``"Telephone"`` or ``"Mobile"``, the number split into InternationalCountryCode,
    AreaCityCode and SubscriberNumber), or None without a number.

    Mobile when the numbering plan says the number is a mobile one; Telephone otherwise
    (including plans such as North America's that do not tell mobiles apart).
    """
    text = (e164 or raw or "").strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        digits = "".join(ch for ch in text if ch.isdigit())
        if not digits:
            return None
        parts = {"InternationalCountryCode": None, "AreaCityCode": None}
        return "Telephone", {**parts, "SubscriberNumber": digits}
    national = phonenumbers.national_significant_number(number)
    cut = _ndc_length(number)
    if cut >= len(national):
        cut = 0
    kind = (
        "Mobile"
        if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        else "Telephone"
    )
    return kind, {
        "InternationalCountryCode": str(number.country_code),
        "AreaCityCode": national[:cut] or None,
        "SubscriberNumber": national[cut:],
    }


# --- Blocks --------------------------------------------------------------------------


def contact_info(profile: Profile, *, full: bool) -> dict[str, Any]:
    """PersonName and ContactMethod. Without ``full`` (the ``contact`` option not asked),
    ContactMethod holds only Use and InternetEmailAddress, as in the vendor's sample."""
    c = profile.candidate
    method: dict[str, Any] = {"Use": "personal"}
    if full:
        phone = phone_method(c.phone, c.phone_e164, profile.default_region)
        if phone is not None:
            method[phone[0]] = phone[1]
    method["InternetEmailAddress"] = c.email or None
    if full:
        method["PostalAddress"] = {
            "CountryCode": country_code(c.country),
            "PostalCode": None,  # not kept by hireloop
            "Region": _text(c.state),
            "Municipality": _text(c.city),
            "DeliveryAddress": {"AddressLine": None},
        }
    return {
        "PersonName": {
            "FormattedName": c.full_name or None,
            "GivenName": c.first_name or None,
            "FamilyName": c.last_name or None,
        },
        "ContactMethod": method,
    }


def employment_history(candidate: Candidate) -> dict[str, Any]:
    orgs = []
    for item in candidate.employment or []:
        employer = _text(item.get("employer"))
        position: dict[str, Any] = {
            "Title": _text(item.get("title")),
            "OrgName": {"OrganizationName": employer},
        }
        where = location_summary(_text(item.get("location")))
        if where:
            position["OrgInfo"] = {"LocationSummary": where}
        position["Description"] = _text(item.get("description"))
        position["StartDate"] = hr_date(item.get("start"))
        if item.get("current"):
            position["EndDate"] = {"StringDate": "current"}
        else:
            position["EndDate"] = hr_date(item.get("end"))
        orgs.append({"EmployerOrgName": employer, "PositionHistory": position})
    return {"EmployerOrg": orgs}


_SCHOOL_TYPES = (
    ("high school", "highschool"),
    ("highschool", "highschool"),
    ("secondary", "secondary"),
    ("lycee", "secondary"),
    ("community college", "community college"),
    ("vocational", "vocational"),
    ("trade school", "trade"),
    ("polytechnic", "college"),
    ("college", "college"),
)


def _school_type(item: dict[str, Any]) -> str:
    given = _text(item.get("school_type"))
    if given:
        return given
    school = name_key(_text(item.get("school")) or "")
    for marker, kind in _SCHOOL_TYPES:
        if marker in school:
            return kind
    return "university"


def education_history(candidate: Candidate) -> dict[str, Any]:
    """SchoolOrInstitution is one object for one school (as in the vendor's sample) and a
    list for none or several."""
    schools = []
    for item in candidate.education or []:
        end_year = _year(item.get("end"))
        schools.append(
            {
                "schoolType": _school_type(item),
                "School": {"SchoolName": _text(item.get("school"))},
                "Degree": {
                    "DegreeName": _text(item.get("degree")),
                    "DegreeDate": {"Year": end_year} if end_year else None,
                    "DegreeMajor": {"Name": _text(item.get("major"))},
                    "DatesOfAttendance": {
                        "StartDate": hr_date(item.get("start")),
                        "EndDate": hr_date(item.get("end")),
                    },
                },
            }
        )
    return {"SchoolOrInstitution": schools[0] if len(schools) == 1 else schools}


def _split_name(name: str | None) -> tuple[str | None, str | None]:
    words = (name or "").split()
    if not words:
        return None, None
    if len(words) == 1:
        return words[0], None
    return " ".join(words[:-1]), words[-1]


def related_position_posting(posting: Posting, candidate: Candidate) -> dict[str, Any]:
    a, job = posting.application, posting.job
    code, status_name = DISPOSITION_STATUSES.get(a.folder, ("020", "Applied"))
    if a.folder == "custom" and posting.custom_folder:
        status_name = posting.custom_folder
    source = _text(a.source)
    referrer_name, referrer_family = _split_name(candidate.referrer_name)
    return {
        "application_date": _day(a.created_at),
        "DispositionReasonCode": None,
        "DispositionReasonName": _text(posting.reason) or (a.status or "new").capitalize(),
        "DispositionStatusCode": code,
        "DispositionStatusName": f"{code} {status_name}",
        "Company": None,
        "CompanyName": None,
        "Department": None,
        "DepartmentName": None,
        "DispositionDate": _day(a.folder_changed_at or a.created_at),
        "DispositionReasonSearch": None,
        "DispositionReasonSearchName": None,
        "Interviewed": None,
        "Id": job.public_id,
        "PostingTitle": job.title,
        "Location": job.location or None,
        "ManagerID": None,
        "Manager": None,
        "OpenDate": _day(job.published_at),
        "RecruiterID": None,
        "Recruiter": None,
        "RecruitmentId": None,
        "WebTrackingId": None,
        "ContextId": None,
        "app_source_id": source,
        "app_source_name": source,
        "app_subsource_id": None,
        "app_subsource_name": None,
        "app_subsource_search_id": source,
        "app_subsource_search_name": source,
        "app_source_text": None,
        "referral_datetime": None,
        "referrer_name": referrer_name,
        "referrer_family": referrer_family,
        "employee_email": _text(candidate.referrer_email),
        "previous_employee": None,
        "prev_term_date": None,
        "company_source": source,
        "talemetry_bid": None,
        "TargetCrmStage": None,
        "HireStartDate": None,
        "JV_ApplicationID": a.public_id,
    }


def notes_block(notes: Iterable[Note]) -> dict[str, Any]:
    return {
        "Note": [
            {
                "Id": str(n.comment.id),
                "Text": n.comment.body,
                "DateTime": _iso_seconds(n.comment.created_at),
                "AuthorEmail": n.author_email,
            }
            for n in notes
        ]
    }


def _custom_value(value: Any, default_updated_at: str) -> dict[str, Any]:
    updated_at = default_updated_at
    if isinstance(value, dict) and ("value" in value or "Value" in value):
        stamp = next(
            (value[k] for k in ("updated_at", "updatedAt", "UpdatedAt") if value.get(k)), None
        )
        if isinstance(stamp, str):
            try:
                parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                updated_at = _updated_at(parsed) if parsed.tzinfo else stamp
            except ValueError:
                updated_at = stamp
        value = value.get("value", value.get("Value"))
    return {"Value": _leaf(value), "UpdatedAt": updated_at}


def _leaf(value: Any) -> Any:
    """A custom value as the vendor shows it: text, a multi-value list as
    ``{"Value": [...]}``, an object with its members rendered the same way."""
    if isinstance(value, list | tuple):
        return {"Value": [_leaf(v) for v in value]}
    if isinstance(value, dict):
        return {str(k): _leaf(v) for k, v in value.items()}
    return _text(value)


def custom_data(candidate: Candidate) -> dict[str, Any]:
    """Custom attributes then consents (a consent key gets ``_consent`` appended unless it
    ends with it), each as ``{"Value", "UpdatedAt"}``. A name that is one of the UserArea's
    own blocks is prefixed ``custom_``."""
    stamp = _updated_at(candidate.updated_at or candidate.created_at)
    out: dict[str, Any] = {}
    for key, value in (candidate.custom_attributes or {}).items():
        name = str(key)
        out[f"custom_{name}" if name in RESERVED_USER_AREA_KEYS else name] = _custom_value(
            value, stamp
        )
    for key, value in (candidate.consents or {}).items():
        name = str(key)
        if not name.lower().endswith("consent"):
            name += "_consent"
        out[name] = _custom_value(value, stamp)
    return out


def lifecycle_state(postings: Iterable[Posting]) -> str:
    """``hired`` with an application in Hired, ``applicant`` with any application,
    ``lead`` (a person in the CRM who never applied) otherwise."""
    folders = [p.application.folder for p in postings]
    if "hired" in folders:
        return "hired"
    return "applicant" if folders else "lead"


def _yes_no(flag: bool) -> dict[str, str]:
    return {"Value": "Yes" if flag else "No"}


def candidate_document(profile: Profile, include: Collection[str] | None = None) -> dict[str, Any]:
    """``{"Candidate": {...}}`` for one profile. ``include=None`` is every block; otherwise
    ContactInfo plus the asked blocks (see ``INCLUDE_OPTIONS``)."""
    asked = frozenset(INCLUDE_OPTIONS if include is None else include)
    unknown = asked - frozenset(INCLUDE_OPTIONS)
    if unknown:
        raise ValueError(f"unknown include options: {sorted(unknown)}")
    c = profile.candidate

    resume: dict[str, Any] = {"ContactInfo": contact_info(profile, full="contact" in asked)}
    if "experience" in asked:
        resume["EmploymentHistory"] = employment_history(c)
    if "education" in asked:
        resume["EducationHistory"] = education_history(c)
    resume_block: dict[str, Any] = {
        "xmlns:rm": RESUME_MIRROR_NAMESPACE,
        "StructuredXMLResume": resume,
    }
    if "ats_application_histories" in asked:
        # The résumé's own UserArea, as in the vendor's full sample.
        resume_block["UserArea"] = {
            "RelatedPositionPostings": {
                "RelatedPositionPosting": [related_position_posting(p, c) for p in profile.postings]
            },
            "Referrals": None,
        }

    document: dict[str, Any] = {
        "xmlns": HR_XML_NAMESPACE,
        "xmlns:xsi": XSI_NAMESPACE,
        "xsi:schemaLocation": SCHEMA_LOCATION,
        "CandidateRecordInfo": {"Id": {"IdValue": c.public_id}},
        "Resume": resume_block,
    }
    if asked & _CANDIDATE_AREA_OPTIONS:
        # The candidate's UserArea, as in the vendor's include sample.
        area: dict[str, Any] = {}
        if "notes" in asked:
            area["Notes"] = notes_block(profile.notes)
        if "tags" in asked:
            area["Tags"] = {"Tag": list(profile.tags)}
        if "custom_data" in asked:
            area.update(custom_data(c))
        if "donotcontact_info" in asked:
            area["DoNotContact"] = _yes_no(c.do_not_contact)
            area["DoNotHire"] = _yes_no(c.do_not_hire)
        if "custom_data" in asked:
            area["Lifecycle"] = {"State": lifecycle_state(profile.postings)}
        document["UserArea"] = area
    return {"Candidate": document}


# --- Loading -------------------------------------------------------------------------


def load_profiles(
    session: Session,
    company_id: int,
    public_ids: Iterable[str],
    include: Collection[str] | None = None,
) -> list[Profile]:
    """The company's candidates among ``public_ids`` (canonical lower-case GUIDs), in the
    order asked, each once; others (unknown, another company's) are skipped. Only what the
    ``include`` blocks need is read."""
    wanted = list(dict.fromkeys(public_ids))
    if not wanted:
        return []
    asked = frozenset(INCLUDE_OPTIONS if include is None else include)
    rows = session.scalars(
        select(Candidate).where(Candidate.company_id == company_id, Candidate.public_id.in_(wanted))
    )
    by_public = {c.public_id: c for c in rows}
    found = [by_public[p] for p in wanted if p in by_public]
    if not found:
        return []
    company = session.get(Company, company_id)
    region = company.default_country if company else None
    profiles = {c.id: Profile(candidate=c, default_region=region) for c in found}
    ids = list(profiles)

    if asked & {"ats_application_histories", "custom_data"}:
        for posting, candidate_id in _postings(session, company_id, ids):
            profiles[candidate_id].postings.append(posting)
    if "notes" in asked:
        notes = session.execute(
            select(Comment, User.email)
            .outerjoin(User, User.id == Comment.author_user_id)
            .where(Comment.company_id == company_id, Comment.candidate_id.in_(ids))
            .order_by(Comment.created_at, Comment.id)
        )
        for comment, email in notes:
            profiles[comment.candidate_id].notes.append(Note(comment, email))
    if "tags" in asked:
        for candidate_id, names in tags_for(session, ids).items():
            profiles[candidate_id].tags = names
    return [profiles[c.id] for c in found]


def _postings(
    session: Session, company_id: int, candidate_ids: list[int]
) -> list[tuple[Posting, int]]:
    rows = session.execute(
        select(Application, Job)
        .join(Job, Job.id == Application.job_id)
        .where(Application.company_id == company_id, Application.candidate_id.in_(candidate_ids))
        .order_by(Application.created_at.desc(), Application.id.desc())
    ).all()
    if not rows:
        return []
    application_ids = [a.id for a, _ in rows]
    reasons: dict[int, str | None] = {}
    moves = session.execute(
        select(ApplicationEvent.application_id, ApplicationEvent.reason)
        .where(
            ApplicationEvent.application_id.in_(application_ids),
            ApplicationEvent.kind == "moved",
        )
        .order_by(ApplicationEvent.created_at, ApplicationEvent.id)
    )
    for application_id, reason in moves:
        reasons[application_id] = reason  # the latest move wins
    folder_ids = {a.custom_folder_id for a, _ in rows if a.custom_folder_id}
    folders: dict[int, str] = {}
    if folder_ids:
        folders = dict(
            session.execute(
                select(CustomFolder.id, CustomFolder.name).where(CustomFolder.id.in_(folder_ids))
            ).all()
        )
    return [
        (
            Posting(
                application=a,
                job=job,
                reason=reasons.get(a.id),
                custom_folder=folders.get(a.custom_folder_id) if a.custom_folder_id else None,
            ),
            a.candidate_id,
        )
        for a, job in rows
    ]
