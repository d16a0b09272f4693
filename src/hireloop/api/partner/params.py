"""Query parameters of the Partner API, checked the way the request bodies are."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from starlette.datastructures import QueryParams

from hireloop.domain.ids import is_ascii_digits
from hireloop.errors import Invalid

PER_PAGE_VALUES = (10, 20, 40, 80, 100)
# Skills a candidate list may filter on at once (each one is a condition of the query).
MAX_SKILLS_FILTER = 50


def _invalid(field: str, message: str) -> Invalid:
    return Invalid("One or more fields are invalid.", details={field: message})


# The highest page asked for: any real list ends long before, and the row offset
# (pageNumber - 1) * perPage stays far inside what the database can bind.
MAX_PAGE_NUMBER = 1_000_000_000
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _integer(name: str, raw: str) -> int:
    """An integer query value: ASCII digits with an optional sign (no '٣', no '1_000')."""
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        raise _invalid(name, f'"{name}" must be a number')
    if len(text) > 40:  # out of every range anyway; int() of a huge string is slow
        return -(10**40) if text.startswith("-") else 10**40
    return int(text)


def page_params(query: QueryParams) -> tuple[int, int]:
    """``pageNumber`` (1 .. MAX_PAGE_NUMBER, default 1) and ``perPage`` (10, 20, 40, 80 or
    100; default 10)."""
    raw_page = query.get("pageNumber", query.get("page", "1"))
    raw_per_page = query.get("perPage", "10")
    page = _integer("pageNumber", raw_page)
    if page < 1:
        raise _invalid("pageNumber", '"pageNumber" must be greater than or equal to 1')
    if page > MAX_PAGE_NUMBER:
        raise _invalid(
            "pageNumber", f'"pageNumber" must be less than or equal to {MAX_PAGE_NUMBER}'
        )
    per_page = _integer("perPage", raw_per_page)
    if per_page not in PER_PAGE_VALUES:
        allowed = ", ".join(str(v) for v in PER_PAGE_VALUES)
        raise _invalid("perPage", f'"perPage" must be one of [{allowed}]')
    return page, per_page


def optional_int(
    query: QueryParams, name: str, *, low: int = 0, high: int = 2**63 - 1
) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    value = _integer(name, raw)
    if value < low:
        raise _invalid(name, f'"{name}" must be greater than or equal to {low}')
    if value > high:
        raise _invalid(name, f'"{name}" must be less than or equal to {high}')
    return value


def optional_datetime(query: QueryParams, name: str) -> datetime | None:
    """ISO 8601 (``2024-01-15`` or ``2024-01-15T10:00:00Z``) or epoch milliseconds."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        if is_ascii_digits(raw):
            return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        raise _invalid(name, f'"{name}" must be in ISO 8601 date format') from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def one_of(query: QueryParams, name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = query.get(name) or default
    if raw not in allowed:
        raise _invalid(name, f'"{name}" must be one of [{", ".join(allowed)}]')
    return raw


def csv_list(query: QueryParams, name: str, *, max_items: int | None = None) -> list[str]:
    """Comma-separated or repeated values; at most ``max_items`` of them when given."""
    values: list[str] = []
    for raw in query.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
        if max_items is not None and len(values) > max_items:
            raise _invalid(name, f'"{name}" must contain less than or equal to {max_items} items')
    return values
