"""The one way hireloop fetches a URL that a user gave it (résumé links, files): an SSRF guard.

- http and https only;
- every address the host resolves to must be public: no private, loopback, link-local,
  CGNAT, multicast, reserved or unspecified address (IPv4-mapped IPv6 included);
- the check happens where the socket is opened, on the very address connected to, so a DNS
  answer that changes between check and use (rebinding) gains nothing, and every redirect
  hop is checked the same way;
- a size cap (Content-Length and streamed bytes) and a timeout.

Tests may allow loopback addresses (HIRELOOP_FETCH_ALLOW_LOOPBACK) to reach local servers.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from hireloop.domain.ids import is_ascii_digits
from hireloop.errors import DomainError

MAX_REDIRECTS = 5
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_USER_AGENT = "hireloop-fetch/1.0"


class FetchError(DomainError):
    kind = "invalid"


@dataclass(frozen=True)
class FetchedFile:
    url: str
    data: bytes
    content_type: str | None
    filename: str | None


def address_allowed(ip: str, *, allow_loopback: bool = False) -> bool:
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address inside an IPv6 one is judged as itself: IPv4-mapped
        # (::ffff:127.0.0.1) and 6to4 (2002:7f00:1:: reaches 127.0.0.1 through a relay).
        address = address.ipv4_mapped or address.sixtofour or address
    if address.is_loopback:
        return allow_loopback
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT:
        return False
    return not (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve_allowed(host: str, port: int, *, allow_loopback: bool) -> str:
    """The first address of ``host`` that may be connected to; FetchError if any is not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"Could not resolve host {host!r}.") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"Could not resolve host {host!r}.")
    # Refuse the host if ANY of its addresses is internal: the client might pick that one.
    for address in addresses:
        if not address_allowed(str(address), allow_loopback=allow_loopback):
            raise FetchError("URL points to a private or internal address, which is not allowed.")
    return str(addresses[0])


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        address = resolve_allowed(host, port, allow_loopback=self.allow_loopback)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allow_loopback: bool) -> None:
        super().__init__(trust_env=False)
        # Same pool as httpx builds, with a backend that checks each address it connects to.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(allow_loopback),
            max_connections=10,
        )


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "http://[::1/x"
        raise FetchError("Invalid URL.") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError("Only http and https URLs can be fetched.")
    if not hostname:
        raise FetchError("URL has no host.")


def _filename(url: str, response: httpx.Response) -> str | None:
    disposition = response.headers.get("content-disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename" and value:
            return value.strip('"')[:200]
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name[:200] or None


def fetch_url(
    url: str, *, max_bytes: int, timeout: float, allow_loopback: bool = False
) -> FetchedFile:
    """GET ``url`` through the guard; FetchError (with a reason) when it cannot be had."""
    url = url.strip()
    _check_url(url)
    with httpx.Client(
        transport=_GuardedTransport(allow_loopback),
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": _USER_AGENT},
        trust_env=False,
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError("Redirect without a location.")
                        url = urljoin(url, location)
                        _check_url(url)
                        continue
                    if response.status_code != 200:
                        raise FetchError(f"URL answered HTTP {response.status_code}.")
                    declared = response.headers.get("content-length", "")
                    if is_ascii_digits(declared) and int(declared) > max_bytes:
                        raise FetchError("File is too large.")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise FetchError("File is too large.")
                        chunks.append(chunk)
                    return FetchedFile(
                        url=url,
                        data=b"".join(chunks),
                        content_type=response.headers.get("content-type"),
                        filename=_filename(url, response),
                    )
            except httpx.TimeoutException:
                raise FetchError("Timed out fetching the URL.") from None
            except httpx.InvalidURL:  # not an HTTPError: "http://999.1.1.1/", "http://[::1/"
                raise FetchError("Invalid URL.") from None
            except httpx.HTTPError as exc:
                if isinstance(exc.__cause__, FetchError):
                    raise exc.__cause__ from None
                raise FetchError(f"Could not fetch the URL ({type(exc).__name__}).") from None
        raise FetchError("Too many redirects.")
