"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port) that keeps what it
receives."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class SmtpSink:
    """Received mail in ``received``; ``refuse`` holds recipients it answers 550 for;
    ``accounts`` the (user, password) pairs AUTH accepts."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    accounts: set[tuple[str, str]] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, login)  # type: ignore[arg-type]
        )
        return "250 Message accepted"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        pair = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=pair in self.accounts, handled=False, auth_data=auth_data)


@contextmanager
def smtp_sink(**kwargs: Any) -> Iterator[SmtpSink]:
    with serve_sink(SmtpSink(**kwargs)) as sink:
        yield sink


@contextmanager
def serve_sink(sink: SmtpSink, **options: Any) -> Iterator[SmtpSink]:
    """Serve ``sink`` (an SmtpSink, or a subclass answering some commands its own way) on a
    free port; ``options`` go to aiosmtpd's server (e.g. ``enable_SMTPUTF8=False``)."""
    sink.port = free_port()
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        authenticator=sink.authenticate,
        auth_require_tls=False,
        **options,
    )
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
