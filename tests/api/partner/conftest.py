from __future__ import annotations

import pytest

from tests.factories import Factory


@pytest.fixture
def company(factory: Factory):  # type: ignore[no-untyped-def]
    return factory.company("Acme")


@pytest.fixture
def key(factory: Factory, company) -> str:  # type: ignore[no-untyped-def]
    return factory.api_key(company)


@pytest.fixture
def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
