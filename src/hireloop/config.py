"""Settings, read from the environment (prefix ``HIRELOOP_``) and an optional ``.env`` file."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SMS_SETTINGS = {
    "sms_account_sid": "HIRELOOP_SMS_ACCOUNT_SID",
    "sms_auth_token": "HIRELOOP_SMS_AUTH_TOKEN",
    "sms_from_number": "HIRELOOP_SMS_FROM_NUMBER",
}
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HIRELOOP_",
        env_file=".env",
        extra="ignore",
        validate_by_name=True,
        # A configuration error must not print the secrets it was given (auth tokens).
        hide_input_in_errors=True,
    )

    data_dir: Path = Field(
        default=Path("var"), description="Directory for the SQLite database, files and queue."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL. Default: sqlite:///<data_dir>/hireloop.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL for the task queue. Unset: a SQLite queue file in the data dir.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="Public URL of this server, used in links."
    )
    key_environment: str = Field(
        default="live",
        description="Prefix of new API keys: 'live' (sk_live_) or 'test' (sk_test_).",
    )
    max_json_body_bytes: int = Field(
        default=1_048_576, description="Largest JSON request body accepted by the API faces."
    )
    outbox_poll_seconds: float = Field(
        default=1.0, description="How often the worker looks for new outbox events."
    )
    outbox_max_attempts: int = Field(
        default=10, description="Attempts before an outbox event is marked dead."
    )
    outbox_retention_days: int = Field(
        default=7,
        ge=1,
        le=36_500,
        description="Days handled ('done') outbox events are kept before the worker deletes "
        "them; 'dead' ones are kept.",
    )
    idempotency_retention_hours: int = Field(
        default=24,
        ge=1,
        le=876_000,
        description="Hours a stored Idempotency-Key answer (and a web form's one-time nonce) "
        "is replayed; the worker deletes older ones, and the same request sent later runs "
        "again.",
    )
    api_log_retention_days: int = Field(
        default=90,
        ge=0,
        le=36_500,
        description="Days API log rows are kept before the worker deletes them; 0 keeps them.",
    )
    worker_threads: int = Field(default=2, description="Huey consumers in each worker.")
    worker_type: str = Field(
        default="thread",
        description="'thread' or 'process' (several CPU cores parse résumés in parallel).",
    )
    scorer: str = Field(
        default="default",
        description="AI screening scorer: 'default' (no model) or 'ml' (sentence embeddings; "
        "needs the ml extra).",
    )
    ml_threads: int = Field(
        default=0,
        ge=0,
        description="CPU threads the ml scorer's model may use in each process (0: torch's "
        "default, one per core). With several server processes, cores / processes avoids "
        "threads waiting for each other.",
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible API base URL (e.g. http://127.0.0.1:8080/v1). Unset: "
        "summaries and questions are generated locally.",
    )
    llm_api_key: str | None = Field(default=None, description="API key for the LLM endpoint.")
    llm_model: str = Field(default="gpt-4o-mini", description="Model name sent to the LLM.")
    llm_timeout_seconds: float = Field(default=30.0, description="Timeout of one LLM call.")
    fetch_timeout_seconds: float = Field(
        default=15.0, description="Timeout for fetching a résumé URL."
    )
    fetch_max_bytes: int = Field(
        default=10 * 1024 * 1024, description="Largest file fetched from a résumé URL."
    )
    fetch_allow_loopback: bool = Field(
        default=False,
        description="Let URL fetches reach 127.0.0.1 (tests only; never in production).",
    )
    pdf_memory_limit_mb: int = Field(
        default=1024,
        ge=128,
        le=1_048_576,
        description="Address space (MB) of the process that reads PDF CVs (one per server or "
        "worker process): a PDF that needs more once decompressed is refused. A normal CV "
        "needs ~35 MB.",
    )
    pdf_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        le=3600,
        description="How long one PDF CV may take to read; a slower one is refused and its "
        "reader process killed.",
    )
    log_level: str = Field(default="INFO", description="Logging level.")
    career_rate_limit_per_ip: int = Field(
        default=100,
        ge=1,
        # The seed's own name is read too, so a Talqo deployment's setting carries over.
        validation_alias=AliasChoices(
            "HIRELOOP_CAREER_RATE_LIMIT_PER_IP", "CAREER_API_RATE_LIMIT_PER_IP"
        ),
        description="Requests per minute per client IP across the career-site routes "
        "(fixed window). Also read from CAREER_API_RATE_LIMIT_PER_IP, the seed's name.",
    )
    api_log_flush_seconds: float = Field(
        default=0.25,
        ge=0,
        description="API log rows (the career-site face's api_logs) wait in memory up to this "
        "long and are written in batches by a background thread of each server process; 0 "
        "writes each row at once, in its own transaction.",
    )
    career_apply_concurrency: int = Field(
        default=2,
        ge=1,
        description="Career-site applies (API and career pages) each server process runs "
        "at once; more wait their turn in the event loop, without a thread. More threads "
        "than that only take turns on Python's interpreter lock, which costs CPU.",
    )
    rate_limit_storage_url: str | None = Field(
        default=None,
        description="Where rate-limit counters live: memory:// or a Redis URL. Unset: the "
        "Redis URL when HIRELOOP_REDIS_URL is set (so several processes share one limit), "
        "else memory://.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For is "
        "believed. Empty: the socket peer is the client.",
    )
    smtp_url: str | None = Field(
        default=None,
        description="SMTP server: smtp://user:pass@host:port, smtps:// (implicit TLS) or "
        "smtp+starttls://. Unset: emails are kept in the stored mailbox.",
    )
    smtp_from_address: str = Field(
        default="no-reply@hireloop.local",
        description="Sender address of emails; the company name is the display name.",
    )
    smtp_timeout_seconds: float = Field(default=10.0, description="Timeout of one SMTP session.")
    sms_account_sid: str | None = Field(
        default=None,
        description="Account SID of the Twilio-compatible SMS provider. The account SID, auth "
        "token and from number are set together or not at all (a configuration error "
        "otherwise); unset, SMS are only recorded (the dev channel).",
    )
    sms_auth_token: str | None = Field(
        default=None, description="Auth token of the SMS provider (also verifies its callbacks)."
    )
    sms_from_number: str | None = Field(
        default=None, description="Sender phone number of SMS, in E.164 (+15005550006)."
    )
    sms_base_url: str = Field(
        default="https://api.twilio.com",
        description="Base URL of the Twilio-compatible Messages API.",
    )
    sms_timeout_seconds: float = Field(default=10.0, description="Timeout of one SMS API call.")
    pin_ttl_hours: int = Field(
        default=72,
        # A PIN must outlive its own issue, and a huge value overflows the expiry date.
        ge=1,
        le=87_600,
        description="Hours an interview PIN stays valid (1 to 87600, 10 years); an "
        "application whose PIN expires unanswered moves to No Response.",
    )
    google_sheets_base_url: str = Field(
        default="https://sheets.googleapis.com",
        description="Base URL of the Google Sheets API (v4).",
    )
    google_service_account_file: Path | None = Field(
        default=None,
        description="Service-account JSON key used to read Google Sheets (its token_uri is "
        "where access tokens are requested).",
    )
    sheets_poll_seconds: float = Field(
        default=300.0, description="How often the worker imports new Google Sheet rows."
    )

    @model_validator(mode="after")
    def _check_sms(self) -> Settings:
        """The SMS settings go together: with only some of them, SMS would quietly be
        recorded instead of sent."""
        missing = [env for name, env in _SMS_SETTINGS.items() if not getattr(self, name)]
        if missing and len(missing) < len(_SMS_SETTINGS):
            raise ValueError(
                "SMS settings are incomplete: set HIRELOOP_SMS_ACCOUNT_SID, "
                "HIRELOOP_SMS_AUTH_TOKEN and HIRELOOP_SMS_FROM_NUMBER together, or none of "
                f"them (missing: {', '.join(missing)})"
            )
        if self.sms_from_number and not _E164.fullmatch(self.sms_from_number):
            raise ValueError(
                "HIRELOOP_SMS_FROM_NUMBER must be a phone number in E.164 form, such as "
                f"+15005550006 (got {self.sms_from_number!r})"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hireloop.db').resolve()}"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def resolved_rate_limit_storage_url(self) -> str:
        return self.rate_limit_storage_url or self.redis_url or "memory://"


@lru_cache
def get_settings() -> Settings:
    return Settings()
