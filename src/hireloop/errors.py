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
