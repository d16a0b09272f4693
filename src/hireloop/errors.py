"""Domain errors. Services raise these; each API face maps them to its vendor's format."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    kind = "error"

    def __init__(self, message: str, *, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(DomainError):
    kind = "not_found"


class Conflict(DomainError):
    kind = "conflict"


class Invalid(DomainError):
    """Input that breaks a rule; ``details`` maps a field to what is wrong with it."""

    kind = "invalid"


class Forbidden(DomainError):
    kind = "forbidden"


class Unauthorized(DomainError):
    kind = "unauthorized"


class RateLimited(DomainError):
    kind = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, limit: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.limit = limit


class Unprocessable(DomainError):
    """Well-formed input that breaks a rule of the data (422): an unknown label, a template
    with unknown tokens. ``code`` and ``data`` give faces a machine-readable reason."""

    kind = "unprocessable_entity"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        data: dict[str, object] | None = None,
        details: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.code = code
        self.data = data or {}
