"""Row errors of an import (CSV preview and result) in the recruiter's language.

The domain keeps each row error in English (what the API and the CLI show) with the rule
that refused the row (``code``) and its values (``params``, ``domain/intake/rows.py``); a
screen translates the rule and fills in the values. An error recorded before rules had
codes, or of a rule this table does not know, is shown as recorded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hireloop.domain.intake.rows import RowError
from hireloop.web.app.i18n import N_

MESSAGES = {
    "too_long": N_("%(field)s is longer than %(limit)s characters"),
    "too_long_normalized": N_("%(field)s is longer than %(limit)s characters once normalized"),
    "email_formula": N_("Invalid email: it looks like a formula"),
    # The detail is email-validator's own explanation, in English.
    "email_invalid": N_("Invalid email: %(detail)s"),
    "country_unknown": N_("Unknown country code %(value)s"),
    "invalid_value": N_("Invalid %(field)s %(value)s"),
    "name_required": N_("A first or last name is required"),
    "contact_required": N_("An email or a phone number is required"),
    "column_count": N_("Expected %(expected)s columns (%(format)s), found %(found)s"),
    "timestamp_column": N_("The first column must hold the form's timestamp or be empty"),
}
# The columns the rules name (as rows.py names them); any other (a sheet's extra column)
# is shown as its header.
FIELDS = {
    "First name": N_("First name"),
    "Last name": N_("Last name"),
    "Phone number": N_("Phone number"),
    "phone number": N_("phone number"),
    "Referee": N_("Referee"),
}


def row_error_text(error: RowError | Mapping[str, Any], gettext: Callable[[str], str]) -> str:
    """The error of one row, translated with ``gettext`` when its rule is known."""
    if isinstance(error, RowError):
        code, params, text = error.code, error.params or {}, error.error
    else:
        code, params, text = error.get("code"), error.get("params") or {}, error.get("error")
    message = MESSAGES.get(code or "")
    if message is None:
        return str(text or "")
    values = dict(params)
    if isinstance(values.get("field"), str):
        field = values["field"]
        values["field"] = gettext(FIELDS[field]) if field in FIELDS else field
    try:
        return gettext(message) % values
    except (KeyError, TypeError, ValueError):  # values that do not fit: as recorded
        return str(text or "")
