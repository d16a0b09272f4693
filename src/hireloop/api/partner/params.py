"""Query parameters of the Partner API, checked the way the request bodies are."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.datastructures import QueryParams

from hireloop.errors import Invalid

PER_PAGE_VALUES = (10, 20, 40, 80, 100)


def _invalid(field: str, message: str) -> Invalid:
    return Invalid("One or more fields are invalid.", details={field: message})


def page_params(query: QueryParams) -> tuple[int, int]:
    """``pageNumber`` (>= 1, default 1) and ``perPage`` (10, 20, 40, 80 or 100; default 10)."""
    raw_page = query.get("pageNumber", query.get("page", "1"))
    raw_per_page = query.get("perPage", "10")
    try:
        page = int(raw_page)
    except ValueError:
        raise _invalid("pageNumber", '"pageNumber" must be a number') from None
    if page < 1:
        raise _invalid("pageNumber", '"pageNumber" must be greater than or equal to 1')
    try:
        per_page = int(raw_per_page)
    except ValueError:
        raise _invalid("perPage", '"perPage" must be a number') from None
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
    try:
        value = int(raw)
    except ValueError:
        raise _invalid(name, f'"{name}" must be a number') from None
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
        if raw.isdigit():
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


def csv_list(query: QueryParams, name: str) -> list[str]:
    values: list[str] = []
    for raw in query.getlist(name):
        values.extend(part.strip() for part in raw.split(",") if part.strip())
    return values
