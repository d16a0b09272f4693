"""Who did something: recorded on every application event."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    type: str  # user | api_key | candidate | system
    id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system")
