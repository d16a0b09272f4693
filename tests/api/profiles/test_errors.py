"""Bad input and the error envelope {"error": {"code", "message"}} for every failure."""

from __future__ import annotations

import json

import pytest

from hireloop.domain.resumes.hrxml import INCLUDE_OPTIONS
from tests.api.profiles.conftest import URL

ALLOWED = ", ".join(INCLUDE_OPTIONS)


def assert_400(r, message: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 400, r.text
    assert r.json() == {"error": {"code": "INVALID_REQUEST", "message": message}}


def post_raw(client, auth, content: bytes):  # type: ignore[no-untyped-def]
    return client.post(URL, content=content, headers={**auth, "Content-Type": "application/json"})


def test_malformed_json_is_400(client, auth):
    for content in (b"{not json", b'{"ids": [}', b"\xff\xfe"):
        assert_400(post_raw(client, auth, content), "Malformed JSON in request body.")


@pytest.mark.parametrize("content", [b"", b"null", b"[]", b'["a"]', b'"ids"', b"42", b"true"])
def test_a_body_that_is_not_an_object_is_400(client, auth, content):
    assert_400(post_raw(client, auth, content), "Request body must be a JSON object.")


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_the_body_is_json_whatever_the_content_type(client, auth, content_type):
    # The seed's header table lists Authorization and Accept only; curl -d sends a form's.
    headers = {**auth, "Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type
    r = client.post(
        URL, content=b'{"ids": ["721b0d75-0000-4000-8000-000000000000"]}', headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"result": {"Candidates": []}}
    r = client.post(URL, content=b"{not json", headers=headers)
    assert_400(r, "Malformed JSON in request body.")


def test_ids_are_required(client, auth):
    for body in ({}, {"ids": None}, {"include": ["tags"]}):
        assert_400(client.post(URL, json=body, headers=auth), '"ids" is required.')


@pytest.mark.parametrize(
    "ids",
    ["fb2270a0-a120-11ef-a2d8-e203fa7852fa", {"id": "x"}, 5, True, [1, 2], ["ok", None], [["x"]]],
)
def test_ids_must_be_a_list_of_strings(client, auth, ids):
    r = client.post(URL, json={"ids": ids}, headers=auth)
    assert_400(r, '"ids" must be an array of candidate GUIDs.')


def test_more_than_a_hundred_ids_is_400(client, auth):
    ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(101)]
    assert_400(
        client.post(URL, json={"ids": ids}, headers=auth), '"ids" must contain at most 100 GUIDs.'
    )


@pytest.mark.parametrize("include", ["tags", {"tags": True}, [1], ["tags", None], 3])
def test_include_must_be_a_list_of_strings(client, auth, include):
    r = client.post(URL, json={"ids": [], "include": include}, headers=auth)
    assert_400(r, '"include" must be an array of strings.')


@pytest.mark.parametrize("option", ["resume", "Contacts", "", "attachments"])
def test_an_unknown_include_option_is_400(client, auth, option):
    r = client.post(URL, json={"ids": [], "include": ["tags", option]}, headers=auth)
    name = option.strip().lower()
    assert_400(r, f'Unknown include option "{name}". Allowed: {ALLOWED}.')


def test_unknown_paths_and_methods_answer_in_the_face_format(client, auth):
    for method, path in (
        ("GET", URL),
        ("PUT", URL),
        ("POST", URL + "/nope"),
        ("GET", URL + "/oauth/token"),
    ):
        r = client.request(method, path, headers=auth)
        assert r.status_code == 404, (method, path)
        assert r.json() == {"error": {"code": "NOT_FOUND", "message": "Resource not found."}}


def test_an_oversized_body_is_400(client, auth):
    huge = json.dumps({"ids": [], "pad": "x" * 1_100_000}).encode()
    r = post_raw(client, auth, huge)
    assert_400(r, "Request body must not exceed 1 MB.")
    r = client.post(URL, content=huge, headers={"Content-Type": "application/json"})
    assert r.status_code == 401


def test_an_unexpected_failure_is_500(client, auth, monkeypatch):
    from hireloop.api.profiles import routes

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(routes, "load_profiles", boom)
    r = client.post(URL, json={"ids": []}, headers=auth)
    assert r.status_code == 500
    assert r.json() == {
        "error": {"code": "INTERNAL_ERROR", "message": "An unexpected error occurred."}
    }


def test_openapi_lists_the_profiles_api(client):
    spec = client.get("/openapi.json").json()
    assert "post" in spec["paths"]["/soap/profiles/v1"]
    token_call = spec["paths"]["/soap/profiles/v1/oauth/token"]["post"]
    assert set(token_call["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert "get" in spec["paths"]["/v1/partner/candidates/{candidate_id}/resume.json"]


@pytest.mark.parametrize(
    "content",
    [b'{"ids": ["Caf\xe9"]}', b"[" * 5000 + b"]" * 5000, b'{"a":' * 5000 + b"1" + b"}" * 5000],
    ids=["not-utf8", "deep-array", "deep-object"],
)
def test_an_undecodable_body_is_malformed_json(client, auth, content):
    """Bytes that are not UTF-8, or JSON nested past the parser, are malformed JSON in this
    face's envelope (not the framework's {"detail": ...}), after the token check."""
    assert_400(post_raw(client, auth, content), "Malformed JSON in request body.")
    r = client.post(URL, content=content, headers={"Content-Type": "application/json"})
    assert r.status_code == 401, r.text
    assert set(r.json()) == {"error"}
