"""The campaign documents kept on a Job, and the rules that validate them.

A Talkpush campaign is a Job. Its columns hold what every face shares (title, location,
description, status, campaign type, ATS id, salary bounds); four JSON documents hold the
rest, each validated here before it is written (see docs/campaigns.md):

- ``campaign_settings``: basic settings (campaign title, hotline country, interview
  language, web dial-out, auto-call), permissions (``manager_ids``), Messenger settings
  and the Talkpush attributes that have no column (street, region, ...);
- ``messaging_settings``: invitation / completion / shortlisted / rejection messages;
- ``interview_settings``: the interview script.

Errors: a malformed document is Invalid (400) naming the field; a template using an
unknown token is Unprocessable (422, code ``invalid_tokens``).
"""

from __future__ import annotations

import copy
import re
from typing import Annotated, Any, Literal

import phonenumbers
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from hireloop.domain import countries
from hireloop.domain.ids import MAX_ID
from hireloop.domain.jobs.models import CAMPAIGN_TYPES, JOB_STATUSES, Job
from hireloop.domain.messaging.sanitize import check_template_html
from hireloop.domain.messaging.sms import normalize_newlines
from hireloop.domain.messaging.tokens import unknown_tokens, written_as
from hireloop.errors import Invalid, NotFound, Unprocessable

# Languages the interview transcription supports (ISO 639-1; "tl" is Tagalog).
INTERVIEW_LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "pt": "Portuguese",
    "tl": "Tagalog",
    "id": "Indonesian",
    "ms": "Malay",
    "th": "Thai",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "hi": "Hindi",
    "ar": "Arabic",
    "de": "German",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "tr": "Turkish",
    "ru": "Russian",
}
BOT_INTEGRATIONS = ("disabled", "job_position", "inquiry_type")
MESSAGE_KINDS = ("invitation", "completion", "shortlisted", "rejection")
SEGMENTS = ("introduction", "privacy_statement", "instructions", "closing")
ANSWER_TYPES = ("audio", "text", "audio_text")
# Messenger shows each information line in a card: 80 characters at most (seed).
MESSENGER_FIELD_MAX = 80
SHORT_DESCRIPTION_MAX = 80
MAX_QUESTIONS = 50
QUESTION_TEXT_MAX = 2000
# Kept in ``interview_settings`` beside the script (not part of it: the API neither shows
# nor takes it): the highest question number and ``qN`` id the campaign ever gave, so that
# a removed question's id and number are never given to another question (answers are
# keyed by question id; integrations keep the ids of GET /campaigns/{id}/questions).
ISSUED_QUESTIONS = "issued_questions"
_QUESTION_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if value and (len(value) > 2000 or not _URL.match(value)):
        raise ValueError("must be an http(s) URL")
    return value


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be an integer id, not a boolean")
    return value


# A row id (a user's, a file's) in a document: 1 .. 2**63 - 1, what the database can bind.
# A boolean is refused; a string of digits (form-encoded bodies send strings) is read.
RowId = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=1, le=MAX_ID)]

# What a flag may be sent as besides a JSON boolean (form-encoded bodies send strings; an
# HTML checkbox sends "on").
_FLAG_TEXTS = ("true", "false", "1", "0", "yes", "no", "on", "off")


def _flag_text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip().lower()
        if value not in _FLAG_TEXTS:
            raise ValueError("must be a boolean (true or false)")
    return value


Flag = Annotated[bool, BeforeValidator(_flag_text)]


def country_code(value: str, field: str = "country") -> str:
    """The ISO 3166 alpha-2 code, upper-cased, of a country given by its code (``ph``;
    ``UK`` reads as ``GB``) or its English name (``Philippines``, any case); NotFound
    (Talkpush answers 404 "Country not found" with the list of countries) when it names
    no country phone numbers exist for."""
    code = countries.country_code(value)
    if code is None or code not in phonenumbers.SUPPORTED_REGIONS:
        raise NotFound(
            "Country not found.",
            details={
                field: "must be an ISO 3166 alpha-2 code or a country name",
                "available_countries": ", ".join(sorted(phonenumbers.SUPPORTED_REGIONS - {"001"})),
            },
        )
    return code


# --- campaign_settings ------------------------------------------------------------------


# PostgreSQL's text and jsonb cannot hold a null character: a value with one is refused
# (Invalid naming the field), for every face, before anything is written.
NULL_CHARACTER = "must not contain null characters"


def _no_null_character(value: Any) -> Any:
    """``value`` unchanged; ValueError when it is a text, or a list holding a text, with a
    null character."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(v, str) and "\x00" in v for v in texts):
        raise ValueError(NULL_CHARACTER)
    return value


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_null_characters(cls, value: Any) -> Any:
        return _no_null_character(value)


class MessengerSettings(_Doc):
    bot_integration: Literal["disabled", "job_position", "inquiry_type"] = "disabled"
    info_fields: list[str] = Field(default_factory=list, max_length=10)
    detailed_description: str = Field(default="", max_length=20_000)
    apply_url: str = ""

    @field_validator("info_fields")
    @classmethod
    def _short_lines(cls, value: list[str]) -> list[str]:
        for line in value:
            if len(line) > MESSENGER_FIELD_MAX:
                raise ValueError(
                    f"each information field has at most {MESSENGER_FIELD_MAX} characters"
                )
        return value

    @field_validator("apply_url")
    @classmethod
    def _apply_url(cls, value: str) -> str:
        return _http_url(value) or ""


class CampaignSettings(_Doc):
    """``job.campaign_settings``: basic settings, permissions, Messenger settings and the
    Talkpush attributes without a column."""

    campaign_title: str | None = Field(default=None, max_length=500)
    hotline_country: str | None = None
    interview_language: str = "en"
    web_dialout: Flag = False
    auto_call: Flag = False
    # Managers who see the campaign; owners always see every campaign ([] = owners only).
    manager_ids: list[RowId] = Field(default_factory=list, max_length=1000)
    messenger: MessengerSettings = Field(default_factory=MessengerSettings)
    # Talkpush attributes without a column (region, salary_currency and head_count are
    # the columns state, salary_currency and potential_hires_count).
    street: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=30)
    short_description: str | None = Field(default=None, max_length=SHORT_DESCRIPTION_MAX)
    salary: str | None = Field(default=None, max_length=100)
    salary_type: str | None = Field(default=None, max_length=50)
    role_type: str | None = Field(default=None, max_length=100)
    shift_type: str | None = Field(default=None, max_length=100)
    landing_page_url: str | None = None
    apply_url: str | None = None

    @field_validator("hotline_country")
    @classmethod
    def _hotline(cls, value: str | None) -> str | None:
        if not value:
            return None
        code = value.strip().upper()
        if code not in phonenumbers.SUPPORTED_REGIONS or code == "001":
            raise ValueError("must be an ISO 3166 alpha-2 country code such as PH")
        return code

    @field_validator("interview_language")
    @classmethod
    def _language(cls, value: str) -> str:
        code = value.strip().lower()
        if code not in INTERVIEW_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(INTERVIEW_LANGUAGES)}")
        return code

    @field_validator("manager_ids")
    @classmethod
    def _unique_ids(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))

    @field_validator("landing_page_url", "apply_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return _http_url(value) or None


# --- messaging_settings -----------------------------------------------------------------


class MessageSettings(_Doc):
    enabled: Flag = False
    sms: str = Field(default="", max_length=1600)
    email_subject: str = Field(default="", max_length=300)
    email_html: str = Field(default="", max_length=200_000)

    @field_validator("sms", mode="before")
    @classmethod
    def _sms_newlines(cls, value: Any) -> Any:
        # Stored (and counted) with "\n" line breaks, as the live counter counts them: a
        # browser sends a textarea's line breaks as "\r\n".
        return normalize_newlines(value) if isinstance(value, str) else value


DEFAULT_MESSAGES: dict[str, dict[str, str]] = {
    "invitation": {
        "sms": (
            "Hi @candidate_name, thanks for applying to @job_title at @company! "
            "Your access code is @access_code. Start your interview: @messenger_interview_link"
        ),
        "email_subject": "Your application to @job_title at @company",
        "email_html": (
            "<p>Hi @candidate_name,</p>"
            "<p>Thank you for applying to <strong>@job_title</strong> at @company.</p>"
            "<p>The next step is a short interview that you can take whenever you like:</p>"
            '<p><a href="@messenger_interview_link">Start the interview in Messenger</a>'
            ' or <a href="@webdialout">take it from your browser</a>.</p>'
            "<p>If you prefer the phone, your access code is <strong>@access_code</strong>.</p>"
            "<p>Good luck!<br>The @company recruitment team</p>"
        ),
    },
    "completion": {
        "sms": (
            "Thank you @candidate_name for completing your interview with @company! "
            "Our team will review your answers and get back to you soon."
        ),
        "email_subject": "Thank you for completing your interview",
        "email_html": (
            "<p>Hi @candidate_name,</p>"
            "<p>Thank you for completing your interview for <strong>@job_title</strong>.</p>"
            "<p>Our recruitment team will review your answers and get back to you soon.</p>"
            "<p>The @company recruitment team</p>"
        ),
    },
    "shortlisted": {
        "sms": (
            "Congratulations @candidate_name! You have been shortlisted for @job_title at "
            "@company. We will contact you shortly about the next step."
        ),
        "email_subject": "You have been shortlisted for @job_title",
        "email_html": (
            "<p>Hi @candidate_name,</p>"
            "<p>Good news: you have been shortlisted for <strong>@job_title</strong> at "
            "@company.</p>"
            "<p>We will contact you shortly with the details of the next step.</p>"
            "<p>The @company recruitment team</p>"
        ),
    },
    "rejection": {
        "sms": (
            "Hi @candidate_name, thank you for your interest in @company. We will not move "
            "forward with your application for @job_title at this time. We wish you the best."
        ),
        "email_subject": "Your application to @job_title at @company",
        "email_html": (
            "<p>Hi @candidate_name,</p>"
            "<p>Thank you for your interest in <strong>@job_title</strong> at @company and "
            "for the time you gave us.</p>"
            "<p>After careful review we will not move forward with your application at this "
            "time. We will keep your details and wish you every success.</p>"
            "<p>The @company recruitment team</p>"
        ),
    },
}


def _disabled_default(kind: str) -> Any:
    return lambda: MessageSettings(enabled=False, **DEFAULT_MESSAGES[kind])


class MessagingSettings(_Doc):
    """``job.messaging_settings``. A kind missing from a stored document reads as the
    standard text, disabled (jobs made by other faces send nothing on their own)."""

    invitation: MessageSettings = Field(default_factory=_disabled_default("invitation"))
    completion: MessageSettings = Field(default_factory=_disabled_default("completion"))
    shortlisted: MessageSettings = Field(default_factory=_disabled_default("shortlisted"))
    rejection: MessageSettings = Field(default_factory=_disabled_default("rejection"))


def default_messaging() -> dict[str, Any]:
    """The message settings of a new campaign: the standard texts, every kind enabled
    (shortlisted and rejection still go only when the recruiter chooses to notify)."""
    return {kind: {"enabled": True, **DEFAULT_MESSAGES[kind]} for kind in MESSAGE_KINDS}


# --- interview_settings -----------------------------------------------------------------


class Segment(_Doc):
    text: str = Field(default="", max_length=5000)
    audio_file_id: RowId | None = None


class Question(_Doc):
    id: str | None = None
    # The question's integer id on the Talkpush face (GET /campaigns/{id}/questions):
    # given by hireloop (a number sent is ignored) and kept while the question (its id)
    # stays in the script, wherever it moves.
    number: int | None = Field(default=None, ge=1)
    text: str = Field(min_length=1, max_length=QUESTION_TEXT_MAX)
    audio_file_id: RowId | None = None
    answer_type: Literal["audio", "text", "audio_text"] = "audio_text"
    # Optional extras shown by GET /campaigns/{id}/questions.
    data_point: str | None = Field(default=None, max_length=100)
    options: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _QUESTION_ID.match(value):
            raise ValueError("must be 1-40 letters, digits, '-' or '_'")
        return value


DEFAULT_SEGMENTS: dict[str, str] = {
    "introduction": "Hello, and welcome to our interview! Thank you for your interest.",
    "privacy_statement": (
        "This interview will be recorded and shared with our recruitment team. "
        "Press any key to accept and continue."
    ),
    "instructions": (
        "After each question you will have up to 4 minutes to answer. "
        "When you are done, press any key to go to the next question."
    ),
    "closing": (
        "Thank you for completing the interview. Our recruitment team will review your "
        "answers and get back to you."
    ),
}


def _segment_default(name: str) -> Any:
    return lambda: Segment(text=DEFAULT_SEGMENTS[name])


class InterviewSettings(_Doc):
    """``job.interview_settings``: the interview script."""

    introduction: Segment = Field(default_factory=_segment_default("introduction"))
    privacy_statement: Segment = Field(default_factory=_segment_default("privacy_statement"))
    instructions: Segment = Field(default_factory=_segment_default("instructions"))
    questions: list[Question] = Field(default_factory=list, max_length=MAX_QUESTIONS)
    closing: Segment = Field(default_factory=_segment_default("closing"))

    def audio_file_ids(self) -> set[int]:
        ids = {getattr(self, s).audio_file_id for s in SEGMENTS}
        ids |= {q.audio_file_id for q in self.questions}
        return {i for i in ids if i is not None}


# --- the Talkpush campaign fields -------------------------------------------------------

# Output-only keys a client may send back unchanged (GET then PUT).
READ_ONLY_FIELDS = frozenset({"id", "location", "created_at", "updated_at", "settings"})


class CampaignFields(BaseModel):
    """The campaign attributes of the Talkpush face (``campaign[...]``), all optional
    here: a create checks its required ones, an update changes only what is given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)

    campaign_title: str | None = Field(default=None, max_length=500)
    job_title: str | None = Field(default=None, max_length=500)
    campaign_type: str | None = None
    status: str | None = None
    street: str | None = Field(default=None, max_length=300)
    city: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=30)
    country: str | None = Field(default=None, max_length=200)
    short_description: str | None = Field(default=None, max_length=SHORT_DESCRIPTION_MAX)
    long_description: str | None = Field(default=None, max_length=100_000)
    ats_external_id: str | None = Field(default=None, max_length=100)
    job_type: str | None = Field(default=None, max_length=100)
    salary: str | None = Field(default=None, max_length=100)
    salary_type: str | None = Field(default=None, max_length=50)
    salary_currency: str | None = None
    landing_page_url: str | None = None
    apply_url: str | None = None
    head_count: int | None = Field(default=None, ge=0, le=1_000_000)
    role_type: str | None = Field(default=None, max_length=100)
    shift_type: str | None = Field(default=None, max_length=100)
    allow_applications: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        _no_null_character(value)
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("campaign_type")
    @classmethod
    def _type(cls, value: str | None) -> str | None:
        if value is not None and value not in CAMPAIGN_TYPES:
            raise ValueError(f"must be one of {', '.join(CAMPAIGN_TYPES)}")
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value not in JOB_STATUSES:
            raise ValueError(f"must be one of {', '.join(JOB_STATUSES)}")
        return value

    @field_validator("salary_currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"[A-Za-z]{3}", value):
            raise ValueError("must be a 3-letter ISO 4217 code such as PHP")
        return value.upper()

    @field_validator("landing_page_url", "apply_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return _http_url(value) or None

    def given(self) -> dict[str, Any]:
        """The fields the client sent (an explicit null or "" clears a field)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


# --- validation helpers -----------------------------------------------------------------


def _loc(prefix: str, loc: tuple[int | str, ...]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "request"


def parse(model: type[Any], data: Any, prefix: str) -> Any:
    """``model`` validated from ``data``; Invalid naming every wrong field otherwise."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Invalid(f"{prefix} must be an object.", details={prefix: "must be an object"})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details: dict[str, str] = {}
        for error in exc.errors():
            msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            details.setdefault(_loc(prefix, tuple(error.get("loc", ()))), msg)
        field, msg = next(iter(details.items()))
        raise Invalid(f"Invalid {field}: {msg}", details=details) from None


def parse_campaign_fields(data: Any, prefix: str = "campaign") -> CampaignFields:
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in READ_ONLY_FIELDS}
    fields: CampaignFields = parse(CampaignFields, data, prefix)
    return fields


def check_messages(settings: MessagingSettings, prefix: str = "messages") -> dict[str, Any]:
    """The document to store: HTML cleaned, scripts refused (Invalid), unknown tokens
    refused (Unprocessable ``invalid_tokens``: ``invalid_tokens`` lists the bare names,
    the messages name each token as the client wrote it, ``{{x}}``, ``<%= @x %>`` or
    ``@x``), all checked before anything is kept."""
    doc = settings.model_dump(mode="json")
    bad: dict[str, str] = {}  # name -> as first written
    details: dict[str, str] = {}
    for kind in MESSAGE_KINDS:
        block = doc[kind]
        written = block["email_html"]
        block["email_html"] = check_template_html(written, f"{prefix}.{kind}.email_html")
        for field in ("sms", "email_subject", "email_html"):
            text, html = block[field], False
            if field == "email_html":
                # As written, then as the email shows it (entities decoded: &#64;x is @x).
                text = written
                unknown = unknown_tokens(written)
                if not unknown:
                    text, html = block[field], True
                    unknown = unknown_tokens(text, html=True)
            else:
                unknown = unknown_tokens(text)
            if unknown:
                labels = [written_as(text, t, html=html) for t in unknown]
                details[f"{prefix}.{kind}.{field}"] = "unknown tokens: " + ", ".join(labels)
                for name, label in zip(unknown, labels, strict=True):
                    bad.setdefault(name, label)
    if bad:
        raise Unprocessable(
            "Unknown token(s): " + ", ".join(bad.values()),
            code="invalid_tokens",
            data={"invalid_tokens": list(bad)},
            details=details,
        )
    return doc


def number_questions(
    settings: InterviewSettings, prefix: str = "interview", issued: dict[str, int] | None = None
) -> dict[str, int]:
    """Give every question without an id the next free ``qN``, and without a number the
    next one after the highest (assign_numbers), both above what the campaign ever gave
    (``issued``, see issued_questions); Invalid on duplicate ids. Returns the new
    ``issued`` marks."""
    issued = issued or {}
    seen: set[str] = set()
    for i, question in enumerate(settings.questions):
        if question.id is not None:
            if question.id in seen:
                raise Invalid(
                    f"Duplicate question id {question.id!r}.",
                    details={f"{prefix}.questions[{i}].id": "is already used"},
                )
            seen.add(question.id)
    numbers = [int(q[1:]) for q in seen if re.fullmatch(r"q\d{1,9}", q)]
    n = max([issued.get("id", 0), *numbers])
    for question in settings.questions:
        if question.id is None:
            n += 1
            while f"q{n}" in seen:
                n += 1
            question.id = f"q{n}"
            seen.add(question.id)
    assign_numbers(settings.questions, issued.get("number", 0))
    top = max([issued.get("number", 0), *(q.number or 0 for q in settings.questions)])
    return {"id": n, "number": top}


def assign_numbers(questions: list[Question], issued: int = 0) -> list[Question]:
    """Number the questions that have none (a new question, or a script saved before
    numbers existed), in order, after the highest number in use or ever given
    (``issued``); a repeated number (a script edited by hand) is replaced the same way.
    Returns ``questions``."""
    used: set[int] = set()
    top = max([issued, *(q.number or 0 for q in questions)])
    for question in questions:
        if question.number is None or question.number in used:
            top += 1
            question.number = top
        used.add(question.number)
    return questions


def merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` merged in: objects merge key by key, anything else (lists
    included) replaces."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _question_key(q: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a question sent without id the stored one: its text, answer type and
    options (compared as saved: trimmed, the default answer type when none is sent)."""

    def trim(value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    options = q.get("options") or []
    return (
        trim(q.get("text")),
        trim(q.get("answer_type")) or "audio_text",
        tuple(trim(o) for o in options) if isinstance(options, list) else options,
    )


# What a question sent again (same id) keeps when the key is not sent: a form that edits
# only the text and answer type (the web app's interview creator) must not drop them.
KEPT_WHEN_NOT_SENT = ("audio_file_id", "data_point", "options")


def merge_questions(old: list[dict[str, Any]], new: Any) -> Any:
    """A question sent again (same id) without ``audio_file_id``, ``data_point`` or
    ``options`` keeps its stored ones (its audio prompt, its extras), and keeps its
    number whatever is sent; a new question's number is left to
    number_questions. A question sent without id that is a stored one (same text, answer
    type and options; each stored question taken once, in order, and not one whose id is
    sent) is that question: it keeps its id, number and audio prompt, so sending the same
    script again (a retry) changes nothing."""
    if not isinstance(new, list):
        return new
    stored = {q.get("id"): q for q in old if isinstance(q, dict) and q.get("id") is not None}
    sent_ids = {q.get("id") for q in new if isinstance(q, dict) and isinstance(q.get("id"), str)}
    unclaimed = [q for key, q in stored.items() if key not in sent_ids]
    out = []
    for q in new:
        if isinstance(q, dict):
            key = q.get("id")
            if key is None or key == "":
                match = next((s for s in unclaimed if _question_key(s) == _question_key(q)), None)
                if match is not None:
                    unclaimed.remove(match)
                    q = {**q, "id": match["id"]}
                    key = match["id"]
            before = stored.get(key) if isinstance(key, str) else None
            q = {**q, "number": before.get("number") if before else None}
            if before is not None:
                for name in KEPT_WHEN_NOT_SENT:
                    if name not in q and name in before:
                        q[name] = copy.deepcopy(before[name])
        out.append(q)
    return out


# --- reading the stored documents -------------------------------------------------------


def known(model: type[BaseModel], doc: dict[str, Any] | None) -> dict[str, Any]:
    """The keys of ``doc`` that ``model`` describes (other modules may keep their own keys
    in the same document; they are left alone)."""
    return {k: v for k, v in (doc or {}).items() if k in model.model_fields}


def campaign_settings_of(job: Job) -> CampaignSettings:
    """The job's campaign settings (defaults for what was never set)."""
    return CampaignSettings.model_validate(known(CampaignSettings, job.campaign_settings))


def messaging_settings_of(job: Job) -> MessagingSettings:
    """The job's message settings; a kind never set is the standard text, disabled."""
    return MessagingSettings.model_validate(known(MessagingSettings, job.messaging_settings))


def issued_questions(job: Job) -> dict[str, int]:
    """The highest question ``number`` and ``qN`` ``id`` the campaign ever gave (0 when
    none was recorded: a script saved before the marks existed starts from its own)."""
    raw = (job.interview_settings or {}).get(ISSUED_QUESTIONS)
    raw = raw if isinstance(raw, dict) else {}
    out: dict[str, int] = {}
    for name in ("id", "number"):
        value = raw.get(name)
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        out[name] = value if ok else 0
    return out


def interview_settings_of(job: Job) -> InterviewSettings:
    """The job's interview script (the standard prompts and no questions when unset)."""
    return InterviewSettings.model_validate(known(InterviewSettings, job.interview_settings))


def campaign_title_of(job: Job) -> str:
    """The internal campaign title (CRM); the job title when none was set."""
    return str((job.campaign_settings or {}).get("campaign_title") or job.title)
