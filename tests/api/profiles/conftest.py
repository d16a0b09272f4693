from __future__ import annotations

from dataclasses import dataclass

import pytest

from hireloop.domain.companies.models import ApiKey, Company
from hireloop.domain.companies.service import create_api_key
from hireloop.domain.companies.tokens import issue_access_token
from tests.factories import Factory

URL = "/soap/profiles/v1"
TOKEN_URL = URL + "/oauth/token"


@dataclass
class ApiUser:
    company: Company
    api_key: ApiKey
    client_id: str
    client_secret: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"OAUTH {self.token}"}


def make_api_user(factory: Factory, company: Company, scope: str = "profiles") -> ApiUser:
    issued = create_api_key(
        factory.session, company.id, name="profiles", scope=scope, with_secret=True
    )
    token = issue_access_token(factory.session, issued.api_key)
    factory.session.commit()
    assert issued.secret is not None
    return ApiUser(company, issued.api_key, issued.key, issued.secret, token)


@pytest.fixture
def company(factory: Factory) -> Company:
    return factory.company("Acme")


@pytest.fixture
def api_user(factory: Factory, company: Company) -> ApiUser:
    return make_api_user(factory, company)


@pytest.fixture
def auth(api_user: ApiUser) -> dict[str, str]:
    return api_user.auth
