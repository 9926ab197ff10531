"""The one HTTP client harvesters use, so limits and error messages are the same for every node type.

Nodes are run by other organisations: they can be slow, huge, misconfigured or down. Each request
is therefore bounded three ways (connect/read timeout, a wall-clock deadline for the whole body, a
byte limit) and every failure becomes a :class:`HarvestError` whose message names the URL and says
what went wrong in terms a node operator can fix.
"""

from __future__ import annotations

import errno
import html
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import DecodeError, NameResolutionError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import HTTPError as Urllib3Error

from catalogue import __version__
from catalogue.config import Settings
from catalogue.errors import HarvestError

USER_AGENT = f"GDI-Catalogue-Harvester/{__version__} (European Genomic Data Catalogue; DCAT-AP harvester)"
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({502, 503, 504})
RETRY_BACKOFF = 0.5  # seconds before the single retry
DEADLINE_FACTOR = 10  # whole-request deadline = this × settings.harvest_timeout (5 min at the 30 s default)
CHUNK_SIZE = 64 * 1024
ERROR_BODY_CHARS = 200
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Response:
    url: str  # after redirects: the base for relative links in the document
    status: int
    content_type: str | None  # lower-cased media type without parameters
    charset: str | None
    headers: Mapping[str, str] = field(repr=False)
    content: bytes = field(repr=False)


class _Retryable(Exception):
    """A failure worth one more attempt; carries the message to raise if the retry fails too."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class HttpClient:
    """A ``requests.Session`` with the harvest limits; reuse one per harvest for keep-alive."""

    def __init__(self, settings: Settings, *, deadline: float | None = None, retry_backoff: float = RETRY_BACKOFF):
        self.settings = settings
        self.timeout = float(settings.harvest_timeout)
        self.deadline = float(deadline) if deadline is not None else self.timeout * DEADLINE_FACTOR
        self.max_bytes = int(settings.harvest_max_bytes)
        self.retry_backoff = retry_backoff
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # Proxy settings from the environment stay honoured (nodes are often reached through one), but
        # a ~/.netrc must never attach credentials to requests sent to third-party nodes: requests only
        # consults netrc when no auth is set, so set one that adds nothing.
        self.session.auth = _no_auth

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, accept: str) -> Response:
        """GET ``url`` following up to five redirects; retry once on transient failures."""
        try:
            return self._get_once(url, accept)
        except _Retryable:
            time.sleep(self.retry_backoff)
        try:
            return self._get_once(url, accept)
        except _Retryable as exc:
            raise HarvestError(exc.message + " (after 1 retry)", details={"url": url}) from None

    # ---------------------------------------------------------------------------------------------
    def _get_once(self, url: str, accept: str) -> Response:
        started = time.monotonic()
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_target(current)
            response = self._send(current, accept)
            try:
                if response.status_code in _REDIRECT_STATUSES and response.headers.get("Location"):
                    current = urljoin(current, response.headers["Location"].strip())
                    continue
                if response.status_code in RETRY_STATUSES:
                    raise _Retryable(self._status_message(current, response, started))
                if not 200 <= response.status_code < 300:
                    raise HarvestError(self._status_message(current, response, started),
                                       details={"url": current, "status": response.status_code})
                content = self._read_body(current, response, started)
                media_type, charset = _parse_content_type(response.headers.get("Content-Type"))
                return Response(url=response.url or current, status=response.status_code, content_type=media_type,
                                charset=charset, headers=CaseInsensitiveDict(response.headers), content=content)
            finally:
                response.close()
        raise HarvestError(f"too many redirects (more than {MAX_REDIRECTS}) starting at {url}; "
                           f"last Location was {current}", details={"url": url})

    def _check_target(self, url: str) -> None:
        """Refuse URLs the harvester must not fetch; called for the first URL and for every redirect.

        Only the scheme is checked today. The SSRF policy (refuse loopback/private/link-local
        addresses unless ``settings.allow_private_nodes``, checked on the resolved address) belongs
        here, so redirects cannot bypass it.
        """
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # e.g. an unclosed IPv6 bracket
            parts, host = None, None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
            raise HarvestError(f"cannot fetch {url!r}: only http:// and https:// URLs with a host name are "
                               "supported", details={"url": url})

    def _send(self, url: str, accept: str) -> requests.Response:
        try:
            return self.session.get(url, headers={"Accept": accept}, stream=True, allow_redirects=False,
                                    timeout=(self.timeout, self.timeout))
        except requests.Timeout as exc:
            what = "connecting" if isinstance(exc, requests.ConnectTimeout) else "waiting for the response"
            raise _Retryable(f"timeout after {self.timeout:g} s {what} to {url}") from exc
        except requests.ConnectionError as exc:
            raise _Retryable(_connection_message(url, exc)) from exc
        except requests.RequestException as exc:  # invalid URL, unsupported scheme, bad header...
            raise HarvestError(f"cannot fetch {url}: {_short(str(exc))}", details={"url": url}) from exc

    def _read_body(self, url: str, response: requests.Response, started: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise HarvestError(
                f"{url} is too large: the server announces {int(declared):,} bytes, over the limit of "
                f"{self.max_bytes:,} bytes (GDI_HARVEST_MAX_BYTES)", details={"url": url})
        chunks: list[bytes] = []
        size = 0
        try:
            # read1 returns what has arrived instead of waiting for a full chunk, so a node trickling
            # bytes cannot hold the deadline check off (iter_content would wait for 64 KiB each time).
            while chunk := response.raw.read1(CHUNK_SIZE, decode_content=True):
                size += len(chunk)
                if size > self.max_bytes:
                    raise HarvestError(
                        f"{url} is too large: more than {self.max_bytes:,} bytes (GDI_HARVEST_MAX_BYTES) "
                        "after decompression", details={"url": url})
                if time.monotonic() - started > self.deadline:
                    raise HarvestError(
                        f"{url} took too long: the download did not finish within {self.deadline:g} s "
                        f"({size:,} bytes received; the limit is {DEADLINE_FACTOR} × GDI_HARVEST_TIMEOUT)",
                        details={"url": url})
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError) as exc:
            raise _Retryable(f"timeout after {self.timeout:g} s reading the response body from {url} "
                             f"({size:,} bytes received)") from exc
        except DecodeError as exc:
            raise HarvestError(f"cannot read the response from {url}: the compressed body is corrupt "
                               f"({_short(str(exc))})", details={"url": url}) from exc
        except (ProtocolError, OSError, Urllib3Error) as exc:
            raise _Retryable(f"the connection to {url} broke while reading the response "
                             f"({size:,} bytes received): {_short(str(exc))}") from exc
        return b"".join(chunks)

    def _status_message(self, url: str, response: requests.Response, started: float) -> str:
        reason = response.reason or ""
        message = f"HTTP {response.status_code}{' ' + reason if reason else ''} from {url}"
        excerpt = self._error_excerpt(response, started)
        return f"{message}: {excerpt}" if excerpt else message

    def _error_excerpt(self, response: requests.Response, started: float) -> str:
        """The start of a textual error body: often the one line that tells the operator what broke."""
        media_type, charset = _parse_content_type(response.headers.get("Content-Type"))
        if media_type and not (media_type.startswith("text/") or media_type.endswith(("json", "xml"))):
            return ""
        raw = b""
        try:
            while len(raw) < 16 * 1024 and time.monotonic() - started < self.deadline:
                chunk = response.raw.read1(4096, decode_content=True)
                if not chunk:
                    break
                raw += chunk
        except (Urllib3Error, OSError):
            pass  # the status line alone still makes a useful message
        text = raw.decode(charset or "utf-8", errors="replace")
        if media_type in ("text/html", "application/xhtml+xml") or re.match(r"\s*<(!doctype|html)", text, re.I):
            text = html_summary(text)
        return sanitise(text, ERROR_BODY_CHARS)


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value or not value.strip():
        return None, None
    msg = Message()
    msg["Content-Type"] = value
    media_type = msg.get_content_type().lower()  # 'text/plain' when the header is unparseable
    if "/" not in value.split(";", 1)[0]:
        media_type = None
    charset = msg.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form
        charset = charset[2]
    return media_type, (charset.strip().lower() if isinstance(charset, str) and charset.strip() else None)


def _connection_message(url: str, exc: BaseException) -> str:
    host = urlsplit(url).hostname or url
    port = urlsplit(url).port
    where = f"{host}:{port}" if port else host
    for cause in _causes(exc):
        if isinstance(cause, NameResolutionError | socket.gaierror):
            return f"DNS lookup failed for {host} ({url}): the host name does not resolve"
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return f"connection refused by {where} ({url}): nothing is listening there, or a firewall rejects us"
        if isinstance(cause, ConnectionResetError):
            return f"the connection to {where} was reset ({url})"
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo failed" in text:
        return f"DNS lookup failed for {host} ({url}): the host name does not resolve"
    if "refused" in text.lower():
        return f"connection refused by {where} ({url}): nothing is listening there, or a firewall rejects us"
    if "SSL" in text or "certificate" in text.lower():
        return f"TLS error connecting to {where} ({url}): {_short(text)}"
    return f"cannot connect to {where} ({url}): {_short(text)}"


def _causes(exc: BaseException):
    """Walk the exception chain and args: requests nests urllib3 errors that nest the socket error."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo.extend(a for a in getattr(item, "args", ()) if isinstance(a, BaseException))
        for attr in ("reason", "__cause__", "__context__"):
            nested = getattr(item, attr, None)
            if isinstance(nested, BaseException):
                todo.append(nested)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def sanitise(text: str, limit: int = ERROR_BODY_CHARS) -> str:
    """One line of printable text, at most ``limit`` characters: safe for logs, HTML pages and terminals."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def html_summary(text: str) -> str:
    """The title of an HTML page, or its first words when it has none."""
    match = re.search(r"<title[^>]*>(.*?)</title\s*>", text, re.I | re.S)
    if match and match.group(1).strip():
        return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))
    body = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", text)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def _short(text: str, limit: int = 160) -> str:
    return sanitise(text, limit)
