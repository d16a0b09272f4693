"""Error formats per API face. Each face registers its path prefix and its formatter; the
app-wide handlers pick the face by path, so the core never knows which face called it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from hireloop.errors import DomainError


@dataclass(frozen=True)
class Face:
    prefix: str
    domain_error: Callable[[DomainError], Response]
    validation_error: Callable[[list[dict[str, Any]]], Response]
    malformed_body: Callable[[str], Response]
    not_found: Callable[[], Response]
    internal_error: Callable[[], Response]
    # Answers for a request whose credentials are refused, or None when they are fine.
    # Checked before body errors are reported, so a caller without a valid key learns that
    # first (the framework parses the body before the route's dependencies run).
    check_credentials: Callable[[Request], Response | None] | None = None


_faces: list[Face] = []


def register_face(face: Face) -> None:
    _faces[:] = [f for f in _faces if f.prefix != face.prefix] + [face]
    _faces.sort(key=lambda f: len(f.prefix), reverse=True)


def face_for(path: str) -> Face | None:
    for face in _faces:
        if path == face.prefix or path.startswith(face.prefix + "/"):
            return face
    return None


def default_error(status: int, message: str, details: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"detail": message}
    if details:
        body["errors"] = details
    return JSONResponse(body, status_code=status)
