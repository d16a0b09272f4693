"""Who may reach a company: its domain and IP allow-lists, and the login rate limit.

Both allow-lists live in ``company.settings``:

- ``domain_allowlist``: email domains (``example.com``) whose addresses may become users of
  the company (invitations and their acceptance). Empty: any domain. Exact match: a
  subdomain must be listed itself.
- ``ip_allowlist``: addresses and CIDR blocks (``203.0.113.0/24``, ``2001:db8::/32``) from
  which the company may be reached: web sign-in, every page of the recruiter app, and
  every API key or access token of every face. Empty: anywhere.

The API faces authenticate through ``service.authenticate_api_key`` and
``tokens.authenticate_access_token``; both call :func:`enforce_request_ip`, which reads
the client address that ``api/client_ip.py`` (an ASGI middleware on the whole app) put in
:data:`request_ip` for the request. Outside a request (CLI, worker) it is unset and
nothing is checked: those run on the server itself.
"""

from __future__ import annotations

import ipaddress
import logging
from contextvars import ContextVar
from typing import Any

from limits import parse as parse_limit
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from hireloop.domain.companies.models import Company
from hireloop.errors import Forbidden, Invalid

log = logging.getLogger(__name__)


def N_(message: str) -> str:  # noqa: N802 - the gettext marker's usual name
    """Marks a message for translation (extracted by Babel); the web translates it."""
    return message


IP_REFUSED = N_("Access to this company is not allowed from your network.")

# The client address of the HTTP request being served (set by api/client_ip.py).
request_ip: ContextVar[str | None] = ContextVar("hireloop_request_ip", default=None)

MAX_ENTRIES = 200


# --- Reading ------------------------------------------------------------------------------


def domain_allowlist(company: Company) -> list[str]:
    return list((company.settings or {}).get("domain_allowlist") or [])


def ip_allowlist(company: Company) -> list[str]:
    return list((company.settings or {}).get("ip_allowlist") or [])


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower().rstrip(".")


def email_domain_allowed(company: Company, email: str) -> bool:
    """Whether ``email`` may become a user of ``company`` (its domain allow-list)."""
    allowed = domain_allowlist(company)
    return not allowed or email_domain(email) in allowed


def _address(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def ip_allowed(company: Company, ip: str | None) -> bool:
    """Whether a request from ``ip`` may reach ``company``. An empty allow-list lets every
    address in; with a list, an unknown or unreadable address is refused."""
    allowed = ip_allowlist(company)
    if not allowed:
        return True
    address = _address(ip)
    if address is None:
        return False
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:  # stored before validation existed, or edited by hand
            continue
    return False


def check_ip(company: Company, ip: str | None) -> None:
    """Forbidden unless ``ip`` may reach ``company``."""
    if not ip_allowed(company, ip):
        raise Forbidden(IP_REFUSED)


def enforce_request_ip(company: Company) -> None:
    """The IP allow-list check for the current HTTP request, if there is one (see the
    module docstring). Called by every API credential check."""
    if not ip_allowlist(company):
        return
    ip = request_ip.get()
    if ip is None:
        return  # not an HTTP request: CLI or worker
    check_ip(company, ip)


# --- Writing ------------------------------------------------------------------------------

_DOMAIN_LABEL = "abcdefghijklmnopqrstuvwxyz0123456789-"


def _entries(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in text.replace(",", "\n").split():
        if part.strip():
            seen[part.strip()] = None
    return list(seen)


def parse_domain_allowlist(text: str) -> list[str]:
    """Domains separated by spaces, commas or lines, lower-cased (a leading ``@`` is
    dropped); Invalid when one is not a domain name."""
    domains: list[str] = []
    for entry in _entries(text.lower()):
        domain = entry.lstrip("@").rstrip(".")
        labels = domain.split(".")
        if (
            len(domain) > 253
            or len(labels) < 2
            or any(not label or len(label) > 63 for label in labels)
            or any(ch not in _DOMAIN_LABEL for label in labels for ch in label)
            or any(label.startswith("-") or label.endswith("-") for label in labels)
        ):
            raise Invalid(
                N_("This is not a domain name: %(value)s"),
                details={"domain_allowlist": entry},
            )
        if domain not in domains:
            domains.append(domain)
    if len(domains) > MAX_ENTRIES:
        raise Invalid(N_("Too many entries."), details={"domain_allowlist": str(MAX_ENTRIES)})
    return domains


def parse_ip_allowlist(text: str) -> list[str]:
    """Addresses and CIDR blocks separated by spaces, commas or lines, normalised
    (``10.1.2.3/8`` becomes ``10.0.0.0/8``, a single address its /32 or /128 written
    without the suffix); Invalid when one is neither."""
    networks: list[str] = []
    for entry in _entries(text):
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise Invalid(
                N_("This is not an IP address or CIDR block: %(value)s"),
                details={"ip_allowlist": entry},
            ) from None
        single = network.num_addresses == 1
        value = str(network.network_address) if single else str(network)
        if value not in networks:
            networks.append(value)
    if len(networks) > MAX_ENTRIES:
        raise Invalid(N_("Too many entries."), details={"ip_allowlist": str(MAX_ENTRIES)})
    return networks


def set_allowlists(
    company: Company, *, domains: list[str], ips: list[str], current_ip: str | None
) -> None:
    """Store both allow-lists. An IP allow-list that would shut out ``current_ip`` (the
    owner saving it) is refused, so nobody locks their company out by mistake."""
    settings: dict[str, Any] = dict(company.settings or {})
    settings["domain_allowlist"] = domains
    settings["ip_allowlist"] = ips
    probe = Company(settings=settings)
    if ips and not ip_allowed(probe, current_ip):
        raise Invalid(
            N_(
                "This IP allow-list would block your own address (%(value)s): "
                "add it to the list first."
            ),
            details={"ip_allowlist": current_ip or "?"},
        )
    company.settings = settings  # a new dict, so the JSON column is written


# --- Login rate limit ---------------------------------------------------------------------


class LoginLimiter:
    """Failed sign-ins (and reset requests) per client IP + email, with the ``limits``
    library: ``LOGIN_LIMIT`` per window. Memory by default; Redis when the app's rate-limit
    storage is Redis, so several processes share the count. A storage failure lets the
    attempt through (logged): the passwords are still argon2-checked.
    """

    def __init__(self, storage_uri: str = "memory://", limit: str = "10 per 15 minutes") -> None:
        self.item = parse_limit(limit)
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))

    def _keys(self, action: str, ip: str | None, email: str) -> tuple[str, ...]:
        return ("hireloop-login", action, ip or "-", email.strip().lower()[:320])

    def allowed(self, action: str, ip: str | None, email: str) -> bool:
        """Whether another attempt may be made now (does not count one)."""
        try:
            return self.limiter.test(self.item, *self._keys(action, ip, email))
        except Exception as exc:  # noqa: BLE001 - fail open, see the class docstring
            log.warning("login rate-limit storage unavailable: %s", exc)
            return True

    def hit(self, action: str, ip: str | None, email: str) -> None:
        """Count one attempt (a failed sign-in, a reset request)."""
        try:
            self.limiter.hit(self.item, *self._keys(action, ip, email))
        except Exception as exc:  # noqa: BLE001
            log.warning("login rate-limit storage unavailable: %s", exc)

    def clear(self, action: str, ip: str | None, email: str) -> None:
        try:
            self.limiter.clear(self.item, *self._keys(action, ip, email))
        except Exception as exc:  # noqa: BLE001
            log.warning("login rate-limit storage unavailable: %s", exc)
