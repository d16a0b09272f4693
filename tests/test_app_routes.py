"""The app's routers are included by traffic (app.create_app): that order may only change
how many routes a request passes, never which route answers it."""

from __future__ import annotations

import re

from fastapi import APIRouter
from starlette.routing import BaseRoute

from hireloop import app as app_module


def _routes(router: APIRouter) -> list[BaseRoute]:
    """Every route of ``router``, nested included routers too."""
    found: list[BaseRoute] = []
    for route in router.routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            found.extend(_routes(nested))
        elif hasattr(route, "path_regex"):
            found.append(route)
    return found


def _sample(path: str) -> str:
    """A concrete path for a route template: each parameter replaced by a plausible value."""
    return re.sub(
        r"\{[^}:]+(?::([a-z]+))?\}",
        lambda m: "a/b" if m.group(1) == "path" else "1",
        path,
    )


def test_no_two_routers_answer_the_same_request():
    routers = {
        name: value
        for name, value in vars(app_module).items()
        if name.endswith("_router") and isinstance(value, APIRouter)
    }
    assert len(routers) >= 10
    routes = {name: _routes(router) for name, router in routers.items()}
    clashes = []
    for name, own in routes.items():
        for route in own:
            methods = set(getattr(route, "methods", None) or ())
            path = _sample(route.path)  # type: ignore[attr-defined]
            for other, theirs in routes.items():
                if other == name:
                    continue
                for candidate in theirs:
                    if candidate.path_regex.match(path) and (  # type: ignore[attr-defined]
                        methods & set(getattr(candidate, "methods", None) or ())
                    ):
                        clashes.append((name, route.path, other, candidate.path))  # type: ignore[attr-defined]
    assert clashes == []


def test_health_check_and_static_files_come_before_the_faces(app, client):
    paths = [getattr(route, "path", None) for route in app.router.routes]
    first_router = next(
        i for i, route in enumerate(app.router.routes) if hasattr(route, "original_router")
    )
    assert paths.index("/healthz") < first_router
    assert paths.index("/static/web") < first_router
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/static/web/app.css").status_code == 200
    assert client.get("/static/web/missing.css").status_code == 404
