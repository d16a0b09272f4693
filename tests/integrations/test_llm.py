"""The OpenAI-compatible LLM client against a real local server speaking chat-completions,
and the fallbacks of ``screen()`` and question generation when the LLM fails."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import pytest

from hireloop.config import Settings
from hireloop.domain.screening.questions import generate_questions
from hireloop.domain.screening.schemas import JobProfile, ScreeningProfile
from hireloop.domain.screening.service import questions, screen
from hireloop.integrations.llm import LLMClient, LLMError, parse_json_object
from tests.fakes.llm import FakeLLM, Reply

TODAY = date(2026, 1, 15)
KEY = "sk-test-123"


def client(server: FakeLLM, **kw: Any) -> LLMClient:
    kw.setdefault("backoff_initial", 0.01)
    kw.setdefault("backoff_max", 0.05)
    return LLMClient(
        server.url, api_key=KEY, model="test-model", timeout=kw.pop("timeout", 2.0), **kw
    )


def settings(server: FakeLLM, timeout: float = 2.0) -> Settings:
    return Settings(
        llm_base_url=server.url,
        llm_api_key=KEY,
        llm_model="test-model",
        llm_timeout_seconds=timeout,
    )


JOB = JobProfile.build(
    "Backend Engineer",
    "- Build REST APIs in Python",
    criteria={"mustHave": ["Python", "PostgreSQL"]},
    years_of_experience=2,
)
PROFILE = ScreeningProfile.model_validate(
    {
        "positions": [
            {"title": "Backend Developer", "employer": "Acme", "start": "2020-01", "current": True}
        ],
        "skills": ["Python", "PostgreSQL"],
        "text": "Backend developer. Python and PostgreSQL.",
    }
)
GOOD = json.dumps(
    {
        "AI_resume_summary": "Backend developer with 6 years of Python.",
        "first_impression_text": "Strong fit: all must-haves.",
    }
)


# ------------------------------------------------------------------ the client


def test_success_sends_the_openai_request(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(content="  Hello there.  "))
    with client(llm_server) as c:
        assert c.chat([{"role": "user", "content": "Hi"}], temperature=0.3) == "Hello there."
    req = llm_server.requests[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["Authorization"] == f"Bearer {KEY}"
    assert req["json"] == {
        "model": "test-model",
        "messages": [{"role": "user", "content": "Hi"}],
        "temperature": 0.3,
    }


def test_json_mode_asks_for_a_json_object_and_parses_it(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(content='```json\n{"a": 1}\n```'))
    with client(llm_server) as c:
        assert c.chat_json([{"role": "user", "content": "x"}]) == {"a": 1}
    assert llm_server.requests[0]["json"]["response_format"] == {"type": "json_object"}


def test_500_then_success_is_retried(llm_server: FakeLLM) -> None:
    llm_server.script(
        Reply(status=500, body='{"error": "boom"}'),
        Reply(status=503, body="x"),
        Reply(content="fine"),
    )
    with client(llm_server) as c:
        assert c.chat([{"role": "user", "content": "x"}]) == "fine"
    assert len(llm_server.requests) == 3


def test_429_honours_retry_after(llm_server: FakeLLM) -> None:
    llm_server.script(
        Reply(status=429, body="{}", headers={"Retry-After": "0.3"}), Reply(content="ok")
    )
    t0 = time.monotonic()
    with client(llm_server, backoff_max=1.0) as c:
        assert c.chat([{"role": "user", "content": "x"}]) == "ok"
    assert time.monotonic() - t0 >= 0.3


def test_retries_give_up_after_max_attempts(llm_server: FakeLLM) -> None:
    llm_server.script(*[Reply(status=502, body="bad gateway")] * 5)
    with client(llm_server, max_attempts=3) as c, pytest.raises(LLMError) as err:
        c.chat([{"role": "user", "content": "x"}])
    assert err.value.status == 502 and err.value.kind == "http"
    assert len(llm_server.requests) == 3


def test_client_errors_are_not_retried_and_hide_the_key(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(status=401, body='{"error": {"message": "bad key"}}'))
    with client(llm_server) as c, pytest.raises(LLMError) as err:
        c.chat([{"role": "user", "content": "x"}])
    assert err.value.status == 401 and len(llm_server.requests) == 1
    assert KEY not in str(err.value)


def test_timeout(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(content="late", delay=1.0))
    with client(llm_server, timeout=0.2) as c, pytest.raises(LLMError) as err:
        c.chat([{"role": "user", "content": "x"}])
    assert err.value.kind == "timeout"
    assert len(llm_server.requests) == 1  # a timeout is not retried


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body="not json"),
        Reply(body='{"choices": []}'),
        Reply(body='{"choices": [{"message": {}}]}'),
        Reply(content=""),
        Reply(body="[1, 2]"),
    ],
    ids=["not-json", "no-choices", "no-content", "empty", "array"],
)
def test_malformed_bodies_raise(llm_server: FakeLLM, reply: Reply) -> None:
    llm_server.script(reply)
    with client(llm_server) as c, pytest.raises(LLMError) as err:
        c.chat([{"role": "user", "content": "x"}])
    assert err.value.kind == "response"


def test_connection_refused_is_an_llm_error() -> None:
    with (
        LLMClient("http://127.0.0.1:9/v1", max_attempts=2, backoff_initial=0.01) as c,
        pytest.raises(LLMError) as err,
    ):
        c.chat([{"role": "user", "content": "x"}])
    assert err.value.kind == "connection"


@pytest.mark.parametrize("text", ['{"a": 1}', '```json\n{"a": 1}\n```', 'Sure! {"a": 1} Done.'])
def test_parse_json_object(text: str) -> None:
    assert parse_json_object(text) == {"a": 1}


# ------------------------------------------------------------------ screen() with the LLM


def test_screen_uses_the_llm_texts_when_configured(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(content=GOOD))
    r = screen(PROFILE, JOB, settings(llm_server), today=TODAY)
    assert r.summary == "Backend developer with 6 years of Python."
    assert r.first_impression == "Strong fit: all must-haves."
    assert r.warnings == []
    sent = json.loads(llm_server.requests[0]["json"]["messages"][1]["content"])
    assert sent["job"]["title"] == "Backend Engineer"
    assert not {"name", "gender", "nationality", "date_of_birth", "email"} & set(sent["candidate"])


def test_screen_retries_a_500_then_uses_the_llm(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(status=500, body="{}"), Reply(content=GOOD))
    r = screen(PROFILE, JOB, settings(llm_server), today=TODAY, llm=client(llm_server))
    assert r.summary.startswith("Backend developer with 6 years") and r.warnings == []


@pytest.mark.parametrize(
    ("replies", "timeout"),
    [
        ([Reply(content=GOOD, delay=1.0)], 0.2),
        ([Reply(body="<html>oops</html>")], 2.0),
        ([Reply(content='{"AI_resume_summary": "only one"}')], 2.0),
        ([Reply(content="I cannot help with that.")], 2.0),
        ([Reply(status=500, body="{}")] * 3, 2.0),
    ],
    ids=["timeout", "malformed-body", "missing-key", "not-json", "500s"],
)
def test_screen_falls_back_to_local_texts(
    llm_server: FakeLLM, replies: list[Reply], timeout: float
) -> None:
    llm_server.script(*replies)
    local = screen(PROFILE, JOB, Settings(), today=TODAY)
    r = screen(
        PROFILE,
        JOB,
        settings(llm_server, timeout),
        today=TODAY,
        llm=client(llm_server, timeout=timeout),
    )
    assert r.summary == local.summary and r.first_impression == local.first_impression
    assert r.score == local.score
    assert len(r.warnings) == 1 and r.warnings[0].startswith("LLM summary failed (")
    assert KEY not in r.warnings[0]


# ------------------------------------------------------------------ questions with the LLM


def test_llm_questions_deduplicated_and_completed_locally(llm_server: FakeLLM) -> None:
    llm_server.script(
        Reply(
            content=json.dumps(
                {
                    "questions": [
                        "1. How do you design a REST API?",
                        "How do you design a REST API?",
                        {"question": "How do you tune PostgreSQL queries?"},
                        "",
                        3,
                    ]
                }
            )
        )
    )
    with client(llm_server) as c:
        qs = generate_questions(job=JOB, n=4, llm=c)
    assert qs.source == "llm"
    assert qs.texts[:2] == ["How do you design a REST API?", "How do you tune PostgreSQL queries?"]
    assert len(qs.questions) == 4 and len(set(qs.texts)) == 4
    assert qs.warnings == ["LLM gave 2 usable questions of 4; completed locally"]
    system = llm_server.requests[0]["json"]["messages"][0]["content"]
    assert "exactly 4" in system and "protected characteristic" in system


def test_questions_through_settings_fall_back_on_llm_errors(llm_server: FakeLLM) -> None:
    llm_server.script(Reply(body="garbage"))
    qs = questions(settings(llm_server), role="Warehouse supervisor", purpose="first screen", n=3)
    assert qs.source == "local" and len(qs.questions) == 3
    assert qs.warnings[0].startswith("LLM unavailable (")
