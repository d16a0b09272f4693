"""The vendor's samples, verbatim from the Talemetry "Candidate XML" article (the seed
004_556709deb0546329.txt): the full response and the ``include`` response for Lena Guenis.

Tests compare hireloop's answers to these, changed only where docs/profiles-api.md says
hireloop differs (see ``expected_full`` and ``expected_included`` in the tests)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

LENA_GUID = "fb2270a0-a120-11ef-a2d8-e203fa7852fa"

# The sample request's GUIDs (which the sample response does not answer for).
SAMPLE_REQUEST_IDS = [
    "0290bb50-7113-11ef-9c70-b6a35a531041",
    "902b3f8e-8bd6-11ef-b7ce-b24f8d2e4b83",
    "902f4bfe-8bdd-11ef-b7ce-b24f8d2e4b83",
]

_FULL = r"""{
    "result": {
        "Candidates": [
            {
                "Candidate": {
                    "xmlns": "http://ns.hr-xml.org/2007-04-15",
                    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                    "xsi:schemaLocation": "http://ns.hr-xml.org/2007-04-15Candidate.xsd",
                    "CandidateRecordInfo": {
                        "Id": {
                            "IdValue": "fb2270a0-a120-11ef-a2d8-e203fa7852fa"
                        }
                    },
                    "Resume": {
                        "xmlns:rm": "resumemirror.com",
                        "StructuredXMLResume": {
                            "ContactInfo": {
                                "PersonName": {
                                    "FormattedName": "Lena Guenis",
                                    "GivenName": "Lena",
                                    "FamilyName": "Guenis"
                                },
                                "ContactMethod": {
                                    "Use": "personal",
                                    "Telephone": {
                                        "InternationalCountryCode": "1",
                                        "AreaCityCode": "972",
                                        "SubscriberNumber": "523226650"
                                    },
                                    "Mobile": {
                                        "InternationalCountryCode": "1",
                                        "AreaCityCode": "226",
                                        "SubscriberNumber": "1112222"
                                    },
                                    "InternetEmailAddress": "ikobets+lena_g@talemetry.com",
                                    "PostalAddress": {
                                        "CountryCode": "IL",
                                        "PostalCode": "75293",
                                        "Region": "TX",
                                        "Municipality": "Rishon Lezion,,, Israel",
                                        "DeliveryAddress": {
                                            "AddressLine": null
                                        }
                                    }
                                }
                            },
                            "EmploymentHistory": {
                                "EmployerOrg": [
                                    {
                                        "EmployerOrgName": "Investment Technology Group Brokerage From",
                                        "PositionHistory": {
                                            "Title": "Qa Manager",
                                            "OrgName": {
                                                "OrganizationName": "Investment Technology Group Brokerage From"
                                            },
                                            "OrgInfo": {
                                                "LocationSummary": {
                                                    "CountryCode": "US"
                                                }
                                            },
                                            "Description": "Qa Manager, Israel ITG-and financial technology)· Managing MKD QA in Europe· Responsible for initialization EU MKD QA and managing Automation QA persons, working in an Agile team and doing both manual and automated testing. The role also includes coordination between US QA and EU PM.· Automation QA projects· Responsible for all aspects of automation, includes creating, executing and maintaining tests· Managing the relationship with US and AP Team on daily basis· Managing manual QA person for tests executing and maintaining. The role includes training and follow up the process.· Creating the automation frameworks· Providing training to QA people for their products· Other Activities· Organizing Internal Workshop for(average mark of 85)· Changing ITG Automation tool from QTP to Test Complete-responsible for initialization and implementation by gathering and comparing information and evaluating the tool",
                                            "StartDate": {
                                                "YearMonth": "2006-01"
                                            },
                                            "EndDate": {
                                                "StringDate": "current"
                                            }
                                        }
                                    },
                                    {
                                        "EmployerOrgName": "Investment Technology Group Brokerage From",
                                        "PositionHistory": {
                                            "Title": "Manager of Automation",
                                            "OrgName": {
                                                "OrganizationName": "Investment Technology Group Brokerage From"
                                            },
                                            "Description": "Manager Of Automation",
                                            "StartDate": {
                                                "YearMonth": "2004-01"
                                            },
                                            "EndDate": {
                                                "YearMonth": "2006-01"
                                            }
                                        }
                                    },
                                    {
                                        "EmployerOrgName": "Investment Technology Group Brokerage From",
                                        "PositionHistory": {
                                            "Title": "Team Leader",
                                            "OrgName": {
                                                "OrganizationName": "Investment Technology Group Brokerage From"
                                            },
                                            "Description": "Team Leader, Israel Intelligence Corps Load Responsible for initialization and implementing Load Tests and Automation projects· Managed a team of 2 people(1 QA and 1 developer)",
                                            "StartDate": {
                                                "YearMonth": "2004-01"
                                            },
                                            "EndDate": {
                                                "YearMonth": "2005-01"
                                            }
                                        }
                                    },
                                    {
                                        "EmployerOrgName": "CMSC",
                                        "PositionHistory": {
                                            "Title": "Consultant, Comsec",
                                            "OrgName": {
                                                "OrganizationName": "CMSC"
                                            },
                                            "Description": "Consultant, Comsec(CMSC)-Security Senior Security Consult Responsible for software security consulting to clients: Poland PKO Bank, Israeli Defense Force· Application Modification Security Standards· Planning and Management security tests in Test Director· Laptops Hardening Security Standards· Gathering and Analysis security requirements. Proposing integrative solution, includes security and bank's systems",
                                            "StartDate": {
                                                "YearMonth": "2003-01"
                                            },
                                            "EndDate": {
                                                "YearMonth": "2004-01"
                                            }
                                        }
                                    },
                                    {
                                        "EmployerOrgName": "IDF C4I Branch",
                                        "PositionHistory": {
                                            "Title": "Research Officer, Idf",
                                            "OrgName": {
                                                "OrganizationName": "IDF C4I Branch"
                                            },
                                            "Description": "Research Officer, Managed a team of 4 developers· Management of Security Projects· Integration of DWH with Anti-Virus, Audit, FW, Identity Managers, Vulnerability Scanners· Implementation and Maintenance of Symantec Antivirus and IIS",
                                            "StartDate": {
                                                "YearMonth": "1999-01"
                                            },
                                            "EndDate": {
                                                "YearMonth": "2003-01"
                                            }
                                        }
                                    },
                                    {
                                        "EmployerOrgName": "Ort Braude College IDF C4I Branch",
                                        "PositionHistory": {
                                            "Title": "Teacher",
                                            "OrgName": {
                                                "OrganizationName": "Ort Braude College IDF C4I Branch"
                                            },
                                            "Description": "Teacher",
                                            "StartDate": {
                                                "YearMonth": "2001-01"
                                            },
                                            "EndDate": {
                                                "YearMonth": "2002-01"
                                            }
                                        }
                                    }
                                ]
                            },
                            "EducationHistory": {
                                "SchoolOrInstitution": {
                                    "schoolType": "university",
                                    "School": {
                                        "SchoolName": null
                                    },
                                    "Degree": {
                                        "DegreeName": "M.B.A",
                                        "DegreeDate": {
                                            "Year": "2009"
                                        },
                                        "DegreeMajor": {
                                            "Name": "BUSINESS ADMINISTRATION"
                                        },
                                        "DatesOfAttendance": {
                                            "StartDate": {
                                                "Year": "2008"
                                            },
                                            "EndDate": {
                                                "Year": "2009"
                                            }
                                        }
                                    }
                                }
                            }
                        },
                        "UserArea": {
                            "RelatedPositionPostings": {
                                "RelatedPositionPosting": [
                                    {
                                        "application_date": "2024-11-10",
                                        "DispositionReasonCode": null,
                                        "DispositionReasonName": "New",
                                        "DispositionStatusCode": "020",
                                        "DispositionStatusName": "020 Applied",
                                        "Company": null,
                                        "CompanyName": null,
                                        "Department": null,
                                        "DepartmentName": "HR",
                                        "DispositionDate": "2024-11-11",
                                        "DispositionReasonSearch": null,
                                        "DispositionReasonSearchName": null,
                                        "Interviewed": null,
                                        "Id": "grfammed",
                                        "PostingTitle": "Family Medicine",
                                        "Location": null,
                                        "ManagerID": null,
                                        "Manager": null,
                                        "OpenDate": null,
                                        "RecruiterID": null,
                                        "Recruiter": null,
                                        "RecruitmentId": null,
                                        "WebTrackingId": null,
                                        "ContextId": null,
                                        "app_source_id": "INDEED",
                                        "app_source_name": "INDEED",
                                        "app_subsource_id": null,
                                        "app_subsource_name": null,
                                        "app_subsource_search_id": "INDEED",
                                        "app_subsource_search_name": "INDEED",
                                        "app_source_text": null,
                                        "referral_datetime": null,
                                        "referrer_name": null,
                                        "referrer_family": null,
                                        "employee_email": null,
                                        "previous_employee": null,
                                        "prev_term_date": null,
                                        "company_source": "INDEED",
                                        "talemetry_bid": null,
                                        "TargetCrmStage": null,
                                        "HireStartDate": null,
                                        "JV_ApplicationID": null
                                    },
                                    {
                                        "application_date": "2024-04-19",
                                        "DispositionReasonCode": null,
                                        "DispositionReasonName": "New",
                                        "DispositionStatusCode": "020",
                                        "DispositionStatusName": "020 Applied",
                                        "Company": null,
                                        "CompanyName": null,
                                        "Department": null,
                                        "DepartmentName": null,
                                        "DispositionDate": "2024-06-03",
                                        "DispositionReasonSearch": null,
                                        "DispositionReasonSearchName": null,
                                        "Interviewed": null,
                                        "Id": "15sep",
                                        "PostingTitle": "15sepArraow-edited",
                                        "Location": null,
                                        "ManagerID": null,
                                        "Manager": null,
                                        "OpenDate": null,
                                        "RecruiterID": null,
                                        "Recruiter": null,
                                        "RecruitmentId": null,
                                        "WebTrackingId": null,
                                        "ContextId": null,
                                        "app_source_id": "INDEED",
                                        "app_source_name": "INDEED",
                                        "app_subsource_id": null,
                                        "app_subsource_name": null,
                                        "app_subsource_search_id": "INDEED",
                                        "app_subsource_search_name": "INDEED",
                                        "app_source_text": null,
                                        "referral_datetime": null,
                                        "referrer_name": null,
                                        "referrer_family": null,
                                        "employee_email": null,
                                        "previous_employee": null,
                                        "prev_term_date": null,
                                        "company_source": "INDEED",
                                        "talemetry_bid": null,
                                        "TargetCrmStage": null,
                                        "HireStartDate": null,
                                        "JV_ApplicationID": null
                                    }
                                ]
                            },
                            "Referrals": null
                        }
                    }
                }
            }
        ]
    }
}"""

_INCLUDED = r"""{
    "result": {
        "Candidates": [
            {
                "Candidate": {
                    "xmlns": "http://ns.hr-xml.org/2007-04-15",
                    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
                    "xsi:schemaLocation": "http://ns.hr-xml.org/2007-04-15Candidate.xsd",
                    "CandidateRecordInfo": {
                        "Id": {
                            "IdValue": "fb2270a0-a120-11ef-a2d8-e203fa7852fa"
                        }
                    },
                    "Resume": {
                        "xmlns:rm": "resumemirror.com",
                        "StructuredXMLResume": {
                            "ContactInfo": {
                                "PersonName": {
                                    "FormattedName": "Lena Guenis",
                                    "GivenName": "Lena",
                                    "FamilyName": "Guenis"
                                },
                                "ContactMethod": {
                                    "Use": "personal",
                                    "InternetEmailAddress": "ikobets+lena_g@talemetry.com"
                                }
                            }
                        }
                    },
                    "UserArea": {
                        "Notes": {
                            "Note": [
                                {
                                    "Id": "8a1f12ae-1250-49f5-b8f1-139f43dfef2d",
                                    "Text": "testtt",
                                    "DateTime": "2024-11-13T17:07:36+00:00",
                                    "AuthorEmail": "mauricio.galvao@jobvite-inc.com"
                                },
                                {
                                    "Id": "e0a929c8-ee24-49c9-9ade-e82124a8090d",
                                    "Text": "fgsdfgs fgs",
                                    "DateTime": "2024-11-18T21:51:27+00:00",
                                    "AuthorEmail": "ikobets+source@talemetry.com"
                                }
                            ]
                        },
                        "Tags": {
                            "Tag": [
                                "adsfad fadfadfasdfas",
                                "advertising creative services"
                            ]
                        },
                        "DesiredCompensation": {
                            "Value": "100",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "email_consent": {
                            "Value": "Yes",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "multivalue_list": {
                            "Value": {
                                "Value": [
                                    "Retail",
                                    "Marketing",
                                    "Wholesale"
                                ]
                            },
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "Relocate": {
                            "Value": "Yes",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "sms_consent": {
                            "Value": "Yes",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "Travel": {
                            "Value": "N",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "BusinessUnit": {
                            "Value": "sales",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "Department": {
                            "Value": "KTECH",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "primary_brand": {
                            "Value": "1709",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "primary_locale": {
                            "Value": "es",
                            "UpdatedAt": "2024-11-12 18:07:28 UTC"
                        },
                        "AudienceType": {
                            "AudienceType": [
                                "techstaff",
                                "college"
                            ]
                        },
                        "Lifecycle": {
                            "State": "applicant"
                        }
                    }
                }
            }
        ]
    }
}"""


def full_sample() -> dict[str, Any]:
    """The response of the article's first sample (no ``include``)."""
    return copy.deepcopy(json.loads(_FULL))


def included_sample() -> dict[str, Any]:
    """The response to ``"include": ["notes", "tags", "custom_data"]``."""
    return copy.deepcopy(json.loads(_INCLUDED))


# --- Lena Guenis as hireloop holds her --------------------------------------------------

LENA_UPDATED_AT = datetime(2024, 11, 12, 18, 7, 28, tzinfo=UTC)
TAGS = ["adsfad fadfadfasdfas", "advertising creative services"]
# (text, created at, author's email)
NOTES = [
    ("testtt", datetime(2024, 11, 13, 17, 7, 36, tzinfo=UTC), "mauricio.galvao@jobvite-inc.com"),
    ("fgsdfgs fgs", datetime(2024, 11, 18, 21, 51, 27, tzinfo=UTC), "ikobets+source@talemetry.com"),
]
# Jobs applied to, newest application first: (job public id, title, applied, moved).
POSTINGS = [
    (
        "grfammed",
        "Family Medicine",
        datetime(2024, 11, 10, 14, 30, tzinfo=UTC),
        datetime(2024, 11, 11, 9, 15, tzinfo=UTC),
    ),
    (
        "15sep",
        "15sepArraow-edited",
        datetime(2024, 4, 19, 8, 0, tzinfo=UTC),
        datetime(2024, 6, 3, 16, 45, tzinfo=UTC),
    ),
]
CUSTOM_ATTRIBUTES: dict[str, Any] = {
    "DesiredCompensation": 100,
    "multivalue_list": ["Retail", "Marketing", "Wholesale"],
    "Relocate": True,
    "Travel": "N",
    "BusinessUnit": "sales",
    "Department": "KTECH",
    "primary_brand": 1709,
    "primary_locale": "es",
}
CONSENTS: dict[str, Any] = {"email": True, "sms_consent": "Yes"}


def _employment() -> list[dict[str, Any]]:
    """Her six positions, as the Partner API or the résumé parser store them."""
    sample = full_sample()["result"]["Candidates"][0]["Candidate"]
    orgs = sample["Resume"]["StructuredXMLResume"]["EmploymentHistory"]["EmployerOrg"]
    out = []
    for org in orgs:
        position = org["PositionHistory"]
        out.append(
            {
                "employer": org["EmployerOrgName"],
                "title": position["Title"],
                "location": "US" if "OrgInfo" in position else None,
                "start": position["StartDate"]["YearMonth"],
                "end": position["EndDate"].get("YearMonth"),
                "current": position["EndDate"].get("StringDate") == "current",
                "description": position["Description"],
            }
        )
    return out


def lena_fields() -> dict[str, Any]:
    """CandidateData fields for Lena Guenis."""
    return {
        "first_name": "Lena",
        "last_name": "Guenis",
        "email": "ikobets+lena_g@talemetry.com",
        # One number per candidate: her Telephone (the sample's Mobile has no place here).
        "phone": "+1 972 523226650",
        "city": "Rishon Lezion,,, Israel",
        "state": "TX",
        "country": "Israel",
        "employment": _employment(),
        "education": [
            {
                "school": None,
                "degree": "M.B.A",
                "major": "BUSINESS ADMINISTRATION",
                "start": "2008",
                "end": "2009",
            }
        ],
        "custom_attributes": copy.deepcopy(CUSTOM_ATTRIBUTES),
        "consents": dict(CONSENTS),
        "source": "INDEED",
    }


def expected_full(application_ids: list[str]) -> dict[str, Any]:
    """The full sample, changed where hireloop documents a difference: one phone number
    (no Mobile), no postal code, no departments, and JV_ApplicationID = our application
    GUIDs (newest first)."""
    sample = full_sample()
    candidate = sample["result"]["Candidates"][0]["Candidate"]
    method = candidate["Resume"]["StructuredXMLResume"]["ContactInfo"]["ContactMethod"]
    del method["Mobile"]
    method["PostalAddress"]["PostalCode"] = None
    postings = candidate["Resume"]["UserArea"]["RelatedPositionPostings"]
    for posting, application_id in zip(
        postings["RelatedPositionPosting"], application_ids, strict=True
    ):
        posting["DepartmentName"] = None
        posting["JV_ApplicationID"] = application_id
    return sample


def expected_included(note_ids: list[str]) -> dict[str, Any]:
    """The include sample, changed where hireloop documents a difference: note Ids are
    hireloop's note ids, and there is no AudienceType."""
    sample = included_sample()
    area = sample["result"]["Candidates"][0]["Candidate"]["UserArea"]
    for note, note_id in zip(area["Notes"]["Note"], note_ids, strict=True):
        note["Id"] = note_id
    del area["AudienceType"]
    return sample
