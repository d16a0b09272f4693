"""A small synchronous SMTP client (stdlib ``smtplib``) for the worker.

The server is one URL: ``smtp://user:pass@host:port`` (plain, port 25 by default),
``smtps://`` (implicit TLS, port 465) or ``smtp+starttls://`` (STARTTLS, port 587).
User name and password are percent-decoded, so ``p%40ss`` is the password ``p@ss``.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

import idna

_DEFAULT_PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}


class SmtpError(Exception):
    """Sending failed. ``permanent`` when trying again will not help: the server refused
    every recipient or the message for good (5xx), or an address needs
    SMTPUTF8, which the server lacks. A server without STARTTLS for an
    ``smtp+starttls://`` URL, or a refused login, is a configuration problem: not
    permanent."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "none" | "tls" (implicit) | "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0


def parse_smtp_url(url: str, *, timeout: float = 10.0) -> SmtpServer:
    """``smtp[s|+starttls]://[user[:password]@]host[:port]`` as an ``SmtpServer``."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(
            f"unsupported SMTP URL scheme {scheme!r}: use smtp://, smtps:// or smtp+starttls://"
        )
    if not parts.hostname:
        raise ValueError("the SMTP URL has no host")
    security = {"smtp": "none", "smtps": "tls", "smtp+starttls": "starttls"}[scheme]
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[scheme],
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        timeout=timeout,
    )


def _one_line(value: str) -> str:
    """Header values never carry line breaks (no header injection from a company name)."""
    return " ".join(value.split())


def build_email(
    *,
    from_name: str | None,
    from_address: str,
    to_address: str,
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
    date: datetime | None = None,
    reply_to: str | None = None,
) -> EmailMessage:
    """A multipart/alternative email (text, then HTML when given) with From as
    ``"<from_name>" <from_address>``, Date and Message-ID."""
    email = EmailMessage()
    username, _, domain = from_address.partition("@")
    email["From"] = Address(
        display_name=_one_line(from_name or ""), username=username, domain=domain
    )
    email["To"] = to_address
    email["Subject"] = _one_line(subject)
    email["Date"] = format_datetime(date) if date else format_datetime(datetime.now().astimezone())
    email["Message-ID"] = (
        message_id or f"<{datetime.now().timestamp():.6f}@{domain or 'localhost'}>"
    )
    if reply_to:
        email["Reply-To"] = reply_to
    # Non-ASCII text as quoted-printable (7-bit): a server without 8BITMIME may not take
    # raw 8-bit data, and smtplib neither checks for it nor re-encodes.
    email.set_content(text, cte=_cte(text))
    if html:
        email.add_alternative(html, subtype="html", cte=_cte(html))
    return email


def _cte(body: str) -> str | None:
    """The transfer encoding of a body: quoted-printable when it is not ASCII, else the
    library's choice (7bit, or quoted-printable for over-long lines)."""
    return None if body.isascii() else "quoted-printable"


def _ascii_address(address: Address) -> Address:
    """``address`` with its domain in its ASCII (IDNA) form (``ana@bücher.de`` ->
    ``ana@xn--bcher-kva.de``), for a server without SMTPUTF8. A permanent SmtpError when
    the part before the ``@`` is not ASCII: only an SMTPUTF8 server can take it."""
    if address.addr_spec.isascii():
        return address
    if not address.username.isascii():
        raise SmtpError(
            f"The address {address.addr_spec} has non-ASCII characters before the @: the "
            "mail server does not support them (no SMTPUTF8).",
            permanent=True,
        )
    try:
        domain = idna.encode(address.domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise SmtpError(f"Invalid domain in {address.addr_spec}: {exc}", permanent=True) from exc
    return Address(display_name=address.display_name, username=address.username, domain=domain)


def _ascii_addresses(email: EmailMessage) -> None:
    for name in ("From", "To"):
        header = email[name]
        if header is not None and not all(a.addr_spec.isascii() for a in header.addresses):
            addresses = tuple(_ascii_address(a) for a in header.addresses)
            email.replace_header(name, addresses)  # type: ignore[arg-type]


def send_email(server: SmtpServer, email: EmailMessage) -> None:
    """Deliver ``email`` in one SMTP session. Raises ``SmtpError`` on any failure before
    the server accepted the message; once it did, a failing QUIT is no error (the email
    was sent: sending it again would duplicate it)."""
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if server.security == "tls":
            client = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpError(f"{type(exc).__name__}: {exc}") from exc
    try:
        client.ehlo()
        if server.security == "starttls":
            if not client.has_extn("starttls"):
                # A server or configuration problem (the wrong port or scheme), like a
                # refused login: retried, so the waiting emails go once it is fixed.
                raise SmtpError(
                    "The mail server does not offer STARTTLS (HIRELOOP_SMTP_URL is "
                    "smtp+starttls://): check the server's port and TLS settings."
                )
            client.starttls(context=context)
            client.ehlo()
        if server.username:
            client.login(server.username, server.password or "")
        if not client.has_extn("smtputf8"):
            _ascii_addresses(email)
        client.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise SmtpError(
            f"recipients refused: {exc.recipients}", permanent=all(500 <= c < 600 for c in codes)
        ) from exc
    except smtplib.SMTPDataError as exc:
        # A refusal of the message itself: a 5xx is final.
        raise SmtpError(
            f"{type(exc).__name__}: {exc}", permanent=500 <= exc.smtp_code < 600
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        # Only an address that needs SMTPUTF8 is this message's fault (final); anything
        # else the server lacks (STARTTLS, AUTH) is its configuration: retried.
        permanent = not any(name in str(exc) for name in ("STARTTLS", "AUTH"))
        raise SmtpError(f"{type(exc).__name__}: {exc}", permanent=permanent) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SmtpError(f"{type(exc).__name__}: {exc}") from exc
    except (UnicodeError, ValueError) as exc:
        # A user name or password smtplib cannot send (AUTH is ASCII only), a header it
        # cannot encode: a configuration error, saved on the message like a refused login.
        raise SmtpError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _close(client)


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
