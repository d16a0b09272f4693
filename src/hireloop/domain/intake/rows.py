"""One imported lead row, and the cell rules shared by every intake channel (CSV files,
Google Sheets): formula neutralization, email and phone validation, length limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from hireloop.domain.candidates.identity import (
    clean_name,
    name_key,
    normalize_email,
    normalize_phone,
)
from hireloop.domain.ids import is_ascii_digits

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets
# when the data is exported and opened again (CSV injection). Such cells are stored with
# a leading apostrophe (the OWASP recommendation), which then shows wherever the value
# does; values that start so but cannot compute anything (_INERT) are stored as typed.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALIZER = "'"
# A lone placeholder ("-", "+", "@", "=") or a phone-like value: digits, spaces and
# + - ( ) . / only (at most arithmetic on numbers: no function, no reference, no link).
_INERT = re.compile(r"[-+=@]|[0-9 +\-()./]+")
MAX_NAME = 200  # candidates.first_name / last_name / referrer_name and the name keys
MAX_PHONE = 50  # candidates.phone: a phone that is not a number is kept as typed
MAX_CELL = 2000  # any other stored cell (others[...])


# Names repeat a lot in a file of leads: their keys are computed once per name.
_name_key = lru_cache(maxsize=32_768)(name_key)

# The same (cell, region) always gives the same E.164 form: a number repeated in a file
# (or in the next one) is parsed once. Phone parsing is most of the cost of checking a row.
_normalize_phone = lru_cache(maxsize=16_384)(normalize_phone)


class RowInvalid(ValueError):
    """A row that cannot be imported; the message is shown to the user with the row number.
    ``code`` and ``params`` say the same for a screen that shows it in another language
    (web/app/row_errors.py)."""

    def __init__(self, message: str, code: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(slots=True)
class IntakeRow:
    """A valid row, normalized: what the bulk import inserts. The name keys (identity
    matching) are computed here, where rows are checked, so that a large import computes
    them while earlier rows are being written."""

    row: int  # 1-based row number in the file / sheet (the header row counts)
    first_name: str
    last_name: str
    email: str | None
    phone_e164: str | None
    # candidates.phone: the E.164 form, or the cell as typed when it is not a number but
    # the row has an email (single lead creation keeps it so too).
    phone: str | None = None
    referrer_name: str | None = None
    referrer_email: str | None = None
    referrer_phone: str | None = None
    others: dict[str, Any] = field(default_factory=dict)
    first_name_key: str = field(init=False)
    last_name_key: str = field(init=False)

    def __post_init__(self) -> None:
        self.first_name_key = _name_key(self.first_name)
        self.last_name_key = _name_key(self.last_name)


@dataclass(slots=True)
class RowError:
    row: int
    error: str  # in English, as the API and the CLI show it
    code: str | None = None  # RowInvalid.code: which rule, for translation
    params: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: int, exc: RowInvalid) -> RowError:
        return cls(row, str(exc), exc.code, exc.params or None)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "error": self.error}
        if self.code:
            out["code"] = self.code
            if self.params:
                out["params"] = self.params
        return out


def neutralize(value: str) -> str:
    """``value`` made safe to open in a spreadsheet: a leading apostrophe when it starts
    like a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return), unless it is a lone
    placeholder (``-``) or phone-like (``+63 917 555 0000``), which cannot compute anything."""
    if value.startswith(FORMULA_TRIGGERS) and not _INERT.fullmatch(value):
        return NEUTRALIZER + value
    return value


def text_cell(value: object, label: str, *, limit: int = MAX_CELL) -> str:
    """A free-text cell: whitespace collapsed, NULs dropped, neutralized, length-checked."""
    text = clean_name(str(value or "").replace("\x00", ""))
    text = neutralize(text)
    if len(text) > limit:
        raise RowInvalid(
            f"{label} is longer than {limit} characters", "too_long", field=label, limit=limit
        )
    return text


# The usual ASCII local part (dot-atom): validated here; the domain, usually one of a few,
# by email-validator once per domain. Anything else goes through email-validator whole.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")


@lru_cache(maxsize=4096)
def _domain_error(domain: str) -> str | None:
    """Why email-validator refuses ``domain`` (None when it accepts it)."""
    try:
        validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def clean_email(value: object) -> str | None:
    """The email of a cell as single lead creation stores it (``identity.normalize_email``:
    trimmed, lower-cased, the domain as typed), so that a person matches across channels;
    None when empty; RowInvalid when not an address. Validation is email-validator's
    (syntax only, no DNS)."""
    text = str(value or "").strip()
    if not text:
        return None
    if text.startswith(FORMULA_TRIGGERS):
        raise RowInvalid("Invalid email: it looks like a formula", "email_formula")
    local, at, domain = text.rpartition("@")
    if at and len(text) <= 254 and len(local) <= 64 and _LOCAL.fullmatch(local):
        error = _domain_error(domain.lower())
        if error is not None:
            raise RowInvalid(f"Invalid email: {error}", "email_invalid", detail=error)
        return normalize_email(text)
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise RowInvalid(f"Invalid email: {exc}", "email_invalid", detail=str(exc)) from None
    return normalize_email(text)


def region_for(country_code: object, default_region: str | None) -> str | None:
    """The region (ISO alpha-2) in which a national phone number is read: from a country
    code cell given as a calling code (``63``, ``+63``, ``0063``) or a region (``PH``),
    else ``default_region``. RowInvalid for an unknown code."""
    text = str(country_code or "").strip()
    if not text:
        return default_region
    if text.isalpha() and len(text) == 2:
        region = text.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise _unknown_country(text)
        return region
    digits = text.removeprefix("+")
    if digits.startswith("00"):
        digits = digits[2:]
    if is_ascii_digits(digits) and len(digits) <= 3:
        region = phonenumbers.region_code_for_country_code(int(digits))
        if region != phonenumbers.UNKNOWN_REGION:
            return region
    raise _unknown_country(text)


def _unknown_country(text: str) -> RowInvalid:
    value = repr(text[:40])
    return RowInvalid(f"Unknown country code {value}", "country_unknown", value=value)


def clean_phone(value: object, region: str | None, label: str = "phone number") -> str | None:
    """E.164 form of a phone cell (None when empty); RowInvalid when it is not a number.
    A number written with ``+`` or ``00`` keeps its own country."""
    text = str(value or "").strip()
    if not text:
        return None
    e164 = _normalize_phone(text, region)
    if e164 is None:
        value = repr(text[:40])
        raise RowInvalid(f"Invalid {label} {value}", "invalid_value", field=label, value=value)
    return e164


def build_row(
    row: int,
    *,
    first_name: object,
    last_name: object,
    email: object,
    phone: object,
    region: str | None,
    referrer_name: object = None,
    referrer_email: object = None,
    referrer_phone: object = None,
    others: dict[str, Any] | None = None,
) -> IntakeRow:
    """Validate one lead: a first or last name, and an email or a phone (the rule of single
    lead creation). Raises RowInvalid with the reason. As in single lead creation, a phone
    that is not a number does not refuse a row with an email: it is kept as typed
    (``IntakeRow.phone``), and the person is not matched by it."""
    first = text_cell(first_name, "First name", limit=MAX_NAME)
    last = text_cell(last_name, "Last name", limit=MAX_NAME)
    if not first and not last:
        raise RowInvalid("A first or last name is required", "name_required")
    clean = clean_email(email)
    try:
        e164 = clean_phone(phone, region)
        typed = e164
    except RowInvalid:
        if clean is None:
            raise
        e164, typed = None, text_cell(phone, "Phone number", limit=MAX_PHONE)
    if clean is None and e164 is None:
        raise RowInvalid("An email or a phone number is required", "contact_required")
    referee = text_cell(referrer_name, "Referee", limit=MAX_NAME) or None
    # A referee's contact that does not parse is kept as typed in ``others`` (by the
    # channel) but does not block the lead.
    referee_email = _or_none(clean_email, referrer_email)
    referee_phone = _or_none(clean_phone, referrer_phone, region)
    intake = IntakeRow(
        row=row,
        first_name=first,
        last_name=last,
        email=clean,
        phone_e164=e164,
        phone=typed,
        referrer_name=referee,
        referrer_email=referee_email,
        referrer_phone=referee_phone,
        others=others or {},
    )
    # A name's key can be longer than the name (``ß`` case-folds to ``ss``, ``ﬃ`` to
    # ``ffi``): a key that would not fit its column refuses the row, not the import.
    for label, key in (("First name", intake.first_name_key), ("Last name", intake.last_name_key)):
        if len(key) > MAX_NAME:
            raise RowInvalid(
                f"{label} is longer than {MAX_NAME} characters once normalized",
                "too_long_normalized",
                field=label,
                limit=MAX_NAME,
            )
    return intake


def _or_none(clean: Any, *args: Any) -> str | None:
    try:
        return clean(*args)  # type: ignore[no-any-return]
    except RowInvalid:
        return None
