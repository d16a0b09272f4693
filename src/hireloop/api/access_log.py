"""Credentials out of the server's access log.

The Talkpush face takes ``api_key`` and ``api_secret`` in the query string (the vendor's
format), and password-reset and invitation links carry their ``token`` there: uvicorn's
access log (on at the default log level) wrote every one of them in clear, so anyone
reading the logs, or the place they are shipped to, held working credentials. This
filter replaces those values with ``***`` in each access-log record before it is
formatted; the app installs it when it starts (after uvicorn has configured logging,
however the server was started).

A reverse proxy in front of hireloop logs the same addresses: see docs/operations.md.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
SECRET_PARAMETERS = ("api_key", "api_secret", "token")
MASK = "***"

_SECRET_VALUE = re.compile(
    r"(?P<name>(?:^|[?&;])(?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&;#\s]*", re.IGNORECASE
)


def mask_secrets(path: str) -> str:
    """``path`` (with its query string) with the values of SECRET_PARAMETERS masked."""
    if "?" not in path:
        return path
    return _SECRET_VALUE.sub(lambda m: m.group("name") + MASK, path)


class SecretQueryFilter(logging.Filter):
    """Masks secrets in the path of uvicorn's access-log records (their arguments are
    client, method, path with query, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_secrets(args[2]), *args[3:])
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger (once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, SecretQueryFilter) for f in logger.filters):
        logger.addFilter(SecretQueryFilter())
