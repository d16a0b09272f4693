"""The ``Retry-After`` header of a provider's 429 or 503 answer, in seconds.

RFC 9110 allows a number of seconds or an HTTP date; anything else (or a date in the
past) says nothing, and the caller's own backoff applies."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx


def retry_after_seconds(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    value = (response.headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN, infinity
        return None
    return max(0.0, seconds)
