"""A small client for OpenAI-compatible chat-completions APIs (OpenAI, vLLM, llama.cpp,
Ollama, LiteLLM, ...).

``POST {base_url}/chat/completions`` with ``model``, ``messages`` and ``temperature``
(``response_format: {"type": "json_object"}`` in JSON mode), ``Authorization: Bearer <key>``
when a key is set. The answer is ``choices[0].message.content``.

Retries (tenacity): on 429, any 5xx and connection errors, with exponential backoff and
jitter, honouring ``Retry-After`` (capped). A read timeout is not retried: the caller is
usually waiting (a career-site apply) and falls back to local text instead. Every failure
ends as an ``LLMError`` whose message never contains the API key.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from hireloop.integrations.retry_after import retry_after_seconds

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))


class LLMError(Exception):
    """The LLM call failed; ``kind`` says how (http, timeout, connection, response)."""

    def __init__(self, message: str, *, kind: str = "error", status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


class _Retryable(LLMError):
    def __init__(
        self,
        message: str,
        *,
        kind: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, kind=kind, status=status)
        self.retry_after = retry_after


class LLMClient:
    """Synchronous client; one instance can be shared by threads (httpx.Client is)."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        model: str = "gpt-4o-mini",
        timeout: float = 30.0,
        max_attempts: int = 3,
        backoff_initial: float = 0.5,
        backoff_max: float = 8.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(
            headers=headers, timeout=httpx.Timeout(timeout), transport=transport
        )
        self._exp = wait_exponential_jitter(
            multiplier=backoff_initial, max=backoff_max, jitter=backoff_initial
        )

    @classmethod
    def from_settings(cls, settings: Any, **kwargs: Any) -> LLMClient:
        """From ``hireloop.config.Settings`` (``llm_base_url`` must be set)."""
        return cls(
            settings.llm_base_url,
            api_key=settings.llm_api_key,
            model=settings.llm_model,
            timeout=settings.llm_timeout_seconds,
            **kwargs,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ calls
    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float = 0.2,
        json_mode: bool = False,
        max_tokens: int | None = None,
    ) -> str:
        """The assistant's reply text."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
        }
        if json_mode:
            body["response_format"] = {"type": "json_object"}
        if max_tokens:
            body["max_tokens"] = max_tokens
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    data = self._post(body)
        except _Retryable as e:
            raise LLMError(str(e), kind=e.kind, status=e.status) from None
        return self._content(data)

    def chat_json(self, messages: list[dict[str, str]], **kwargs: Any) -> dict[str, Any]:
        """The reply parsed as a JSON object (JSON mode; a Markdown code fence is tolerated)."""
        text = self.chat(messages, json_mode=True, **kwargs)
        return parse_json_object(text)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        delay = self._exp(state)
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        return min(delay, self.backoff_max)

    def _post(self, body: dict[str, Any]) -> Any:
        url = f"{self.base_url}/chat/completions"
        try:
            response = self._client.post(url, json=body)
        except httpx.TimeoutException:
            raise LLMError(
                f"LLM request timed out after {self.timeout:g}s", kind="timeout"
            ) from None
        except httpx.TransportError as e:
            raise _Retryable(
                f"LLM connection failed: {type(e).__name__}", kind="connection"
            ) from None
        if response.status_code in RETRY_STATUSES:
            raise _Retryable(
                f"LLM answered HTTP {response.status_code}",
                kind="http",
                status=response.status_code,
                retry_after=retry_after_seconds(response),
            )
        if response.status_code >= 400:
            raise LLMError(
                f"LLM answered HTTP {response.status_code}: {response.text[:200]}",
                kind="http",
                status=response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise LLMError("LLM answer is not JSON", kind="response") from None

    @staticmethod
    def _content(data: Any) -> str:
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMError(
                "LLM answer has no choices[0].message.content", kind="response"
            ) from None
        if not isinstance(content, str) or not content.strip():
            raise LLMError("LLM answer is empty", kind="response")
        return content.strip()


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S | re.I)


def parse_json_object(text: str) -> dict[str, Any]:
    """A JSON object from a model's reply; ``LLMError`` when it is not one."""
    text = text.strip()
    m = _FENCE.match(text)
    if m:
        text = m.group(1)
    try:
        value = json.loads(text)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            raise LLMError("LLM reply is not a JSON object", kind="response") from None
        try:
            value = json.loads(text[start : end + 1])
        except ValueError:
            raise LLMError("LLM reply is not a JSON object", kind="response") from None
    if not isinstance(value, dict):
        raise LLMError("LLM reply is not a JSON object", kind="response")
    return value
