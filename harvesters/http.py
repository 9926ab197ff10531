"""The one HTTP client harvesters use, so limits, policy and error messages are the same for every node type.

Nodes are run by other organisations: they can be slow, huge, misconfigured, down or hostile. So:

* **Where it may connect** (:meth:`HttpClient._check_target`, for the first URL and every redirect):
  only http and https; the host is resolved by us and refused when any of its addresses is loopback,
  private, link-local, shared (100.64/10), multicast, reserved or unspecified, IPv4 ones embedded in
  IPv6 included, unless ``GDI_ALLOW_PRIVATE_NODES=true``. The connection is then made to exactly the
  addresses that were checked (:class:`_PinnedConnection`): a name that resolves to a public address
  for the check and to 127.0.0.1 a moment later (DNS rebinding) cannot slip through, while the Host
  header, TLS SNI and certificate checks still use the host name. Residual risk: when an HTTP(S)
  proxy is configured (``HTTPS_PROXY`` etc., honoured because nodes are often reached through one),
  the proxy resolves the name itself, so the check covers our resolution only (and a name only the
  proxy can resolve is not checked at all); such a proxy must not be able to reach internal services.
  DNS lookups run in a helper thread so that the timeouts bound them too (``getaddrinfo`` has no
  timeout of its own).
* **How long** (each bounded, the tightest wins): a connect and a read timeout per socket operation
  (``GDI_HARVEST_TIMEOUT``), a wall-clock deadline per request including its redirects and body
  (``DEADLINE_FACTOR`` × the timeout), and a total budget for the whole pass over the node
  (``GDI_HARVEST_NODE_BUDGET``, ``node_deadline``). Socket timeouts alone cannot stop a server that
  drips a byte just inside each timeout, also while sending headers, so a watchdog timer shuts the
  request's socket down when its deadline passes.
* **How much**: at most ``GDI_HARVEST_MAX_BYTES`` per response after decompression (announced
  Content-Length checked first), at most ``MAX_REDIRECTS`` redirects, redirect loops named as such.
* **Retries** (``GDI_HARVEST_RETRIES`` extra attempts, exponential backoff from ``retry_backoff``) on
  timeouts, broken connections, truncated bodies, temporary DNS failures and HTTP 429, 500, 502, 503
  and 504. 500 is included because nodes answer 500 for transient overload (an exhausted database
  pool) about as often as for bugs, and a persistent bug costs only the few backoff seconds; 501,
  505 and 4xx are never retried. ``Retry-After`` (seconds or an HTTP date) is honoured up to
  ``RETRY_AFTER_CAP``; a node asking for more fails at once with that said, and no wait may run past
  the node budget. POST is retried like GET: harvesters only POST
  read-only SPARQL queries, which are safe to repeat.

Every failure becomes a :class:`HarvestError` whose message names the URL and says what went wrong in
terms a node operator can fix. Harvesters use one client per pass over a node (keep-alive across its
requests); requests from several threads through one client each get their own watchdog.
"""

from __future__ import annotations

import contextlib
import errno
import html
import ipaddress
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import idna
import requests
import urllib3.poolmanager
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.connection import create_connection

from catalogue import __version__
from catalogue.config import Settings
from catalogue.errors import HarvestError

USER_AGENT = f"GDI-Catalogue-Harvester/{__version__} (European Genomic Data Catalogue; DCAT-AP harvester)"
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_BACKOFF = 0.5  # seconds before the first retry, doubled for each further one
RETRY_AFTER_CAP = 60.0  # longest Retry-After the harvester waits for, seconds
DEADLINE_FACTOR = 10  # whole-request deadline = this × settings.harvest_timeout (5 min at the 30 s default)
DNS_CACHE_SECONDS = 60.0  # a client re-resolves a host after this long (pins stay what was checked)
CHUNK_SIZE = 64 * 1024
ERROR_BODY_CHARS = 200
PRIVATE_NODES_SETTING = "GDI_ALLOW_PRIVATE_NODES=true"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SLACK = 0.05  # seconds: a timeout firing this close to a deadline is that deadline
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the low 32 bits are IPv4


@dataclass
class Response:
    url: str  # after redirects: the base for relative links in the document
    status: int
    content_type: str | None  # lower-cased media type without parameters
    charset: str | None
    headers: Mapping[str, str] = field(repr=False)
    content: bytes = field(repr=False)
    from_cache: bool = False  # a 304 answered by the document cache (harvesters.base.DocumentCache)


@dataclass(frozen=True)
class _Call:
    """What one request sends, kept across redirects and retries."""

    method: str
    accept: str
    data: bytes | Mapping[str, str] | None
    headers: dict[str, str]
    timeout: float  # read timeout, seconds
    allow_not_modified: bool = False


class _Retryable(Exception):
    """A failure worth another attempt; carries the message to raise if the retries fail too."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


# Connection guard: vetted addresses and the watchdog -----------------------------------------------
class _Watch:
    """One request attempt's watchdog state: the socket in use, shut down when the deadline passes."""

    def __init__(self) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def track(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.fired and sock is not None:  # fired while this socket was being connected
                _shutdown(sock)

    def fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._sock is not None:
                _shutdown(self._sock)


def _shutdown(sock: socket.socket) -> None:
    """Make a blocked recv() in another thread return; the plain socket method also works on TLS sockets."""
    with contextlib.suppress(OSError, TypeError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Guard:
    """Per-client state shared with that client's connections.

    The watch is per thread: a connection is driven by the thread whose request it serves, so a
    client shared by threads still gives each request its own watchdog.
    """

    def __init__(self) -> None:
        self.pins: dict[tuple[str, int], tuple[str, ...]] = {}  # (host, port) -> vetted addresses
        self._local = threading.local()

    @property
    def watch(self) -> _Watch | None:
        return getattr(self._local, "watch", None)

    @watch.setter
    def watch(self, value: _Watch | None) -> None:
        self._local.watch = value


def _pin_key(host: str, port: int) -> tuple[str, int]:
    return host.strip("[]").rstrip(".").lower(), int(port)


class _PinnedConnection:
    """Mixin for urllib3 connections: connect to the vetted addresses, and let the watchdog see the socket.

    ``self.host`` stays the host name, so the Host header, SNI and certificate verification are
    unchanged; only the TCP connect uses the addresses :meth:`HttpClient._check_target` approved.
    """

    guard: _Guard  # set on the per-client subclasses made by _pool_classes
    # provided by the urllib3 connection class this is mixed into
    host: str
    port: int
    timeout: float | None
    source_address: tuple[str, int] | None
    socket_options: list | None
    proxy: object | None
    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        # Through a proxy, the connection goes to the operator's proxy, which resolves the node itself.
        sock = super()._new_conn() if self.proxy is not None else self._connect_pinned()  # type: ignore[misc]
        watch = self.guard.watch
        if watch is not None:
            watch.track(sock)
        return sock

    def request(self, *args: object, **kwargs: object) -> None:
        watch = self.guard.watch
        if watch is not None and self.sock is not None:  # a kept-alive connection reused
            watch.track(self.sock)
        return super().request(*args, **kwargs)  # type: ignore[misc]

    def _connect_pinned(self) -> socket.socket:
        addresses = self.guard.pins.get(_pin_key(self.host, self.port))
        if not addresses:  # fail closed: never fall back to resolving the name again
            raise NewConnectionError(self, f"no checked address for {self.host}; refusing to connect")  # type: ignore[arg-type]
        error: Exception | None = None
        for address in addresses:
            try:
                sock = create_connection((address, self.port), self.timeout, source_address=self.source_address,
                                         socket_options=self.socket_options)
            except TimeoutError as exc:
                error = ConnectTimeoutError(self, f"Connection to {self.host} ({address}) timed out. "
                                                  f"(connect timeout={self.timeout})")
                error.__cause__ = exc
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")  # type: ignore[arg-type]
                error.__cause__ = exc
            else:
                sys.audit("http.client.connect", self, self.host, self.port)
                return sock
        assert error is not None
        raise error


def _pool_classes(guard: _Guard) -> dict[str, type]:
    """Connection pool classes whose connections belong to ``guard`` (one set per client)."""
    http = type("GuardedHTTPConnection", (_PinnedConnection, HTTPConnection), {"guard": guard})
    https = type("GuardedHTTPSConnection", (_PinnedConnection, HTTPSConnection), {"guard": guard})
    return {"http": type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http}),
            "https": type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https})}


class _GuardedAdapter(HTTPAdapter):
    """requests' adapter with pools of pinned, watchdog-visible connections (proxied ones too)."""

    def __init__(self, guard: _Guard):
        self._guarded_pools = _pool_classes(guard)
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._guarded_pools

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: object):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        # SOCKS managers bring their own connection classes; leave those alone
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = self._guarded_pools
        return manager


# The client -------------------------------------------------------------------------------------------
class HttpClient:
    """A ``requests.Session`` with the harvest limits and policy; reuse one per pass over a node."""

    def __init__(self, settings: Settings, *, deadline: float | None = None, retry_backoff: float | None = None,
                 node_deadline: float | None = None):
        """``deadline``: seconds per request (default ``DEADLINE_FACTOR`` × timeout); ``node_deadline``: the
        ``time.monotonic()`` value at which the node's budget ends (default: the budget from now on)."""
        self.settings = settings
        self.timeout = float(settings.harvest_timeout)
        self.deadline = float(deadline) if deadline is not None else self.timeout * DEADLINE_FACTOR
        self.max_bytes = int(settings.harvest_max_bytes)
        self.retries = max(0, int(settings.harvest_retries))
        self.budget = float(settings.harvest_node_budget)
        self.node_deadline = node_deadline if node_deadline is not None else time.monotonic() + self.budget
        self.retry_backoff = RETRY_BACKOFF if retry_backoff is None else float(retry_backoff)
        self._guard = _Guard()
        self._dns: dict[tuple[str, int], tuple[float, tuple[str, ...]]] = {}
        self.session = requests.Session()
        adapter = _GuardedAdapter(self._guard)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
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

    def get(self, url: str, accept: str, *, headers: Mapping[str, str] | None = None, timeout: float | None = None,
            allow_not_modified: bool = False) -> Response:
        """GET ``url`` following up to five redirects, retrying transient failures.

        ``headers`` are sent as well (e.g. If-None-Match); with ``allow_not_modified`` a 304 answer is
        returned (empty ``content``) instead of being an error. ``timeout`` replaces the configured
        read timeout for this request (a SPARQL query may be given longer than a document fetch).
        """
        return self.request("GET", url, accept=accept, headers=headers, timeout=timeout,
                            allow_not_modified=allow_not_modified)

    def post(self, url: str, data: bytes | Mapping[str, str], *, accept: str, content_type: str | None = None,
             headers: Mapping[str, str] | None = None, timeout: float | None = None) -> Response:
        """POST ``data`` (bytes with ``content_type``, or a form) to ``url``, e.g. a SPARQL query."""
        extra = dict(headers or {})
        if content_type:
            extra["Content-Type"] = content_type
        return self.request("POST", url, accept=accept, data=data, headers=extra, timeout=timeout)

    def request(self, method: str, url: str, *, accept: str, data: bytes | Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None, timeout: float | None = None,
                allow_not_modified: bool = False) -> Response:
        """Send one request with the limits, policy and retries of this module; see :meth:`get`."""
        call = _Call(method=method.upper(), accept=accept, data=data, headers=dict(headers or {}),
                     timeout=float(timeout) if timeout is not None else self.timeout,
                     allow_not_modified=allow_not_modified)
        attempts = 1 + self.retries
        failure: _Retryable | None = None
        for attempt in range(1, attempts + 1):
            if self._remaining() <= 0:
                raise self._budget_error(url, failure.message if failure else None)
            try:
                return self._attempt(url, call)
            except _Retryable as exc:
                failure = exc
            if attempt == attempts:
                break
            delay = self.retry_backoff * 2 ** (attempt - 1)
            if failure.retry_after is not None:
                if failure.retry_after > RETRY_AFTER_CAP:
                    raise HarvestError(
                        f"{failure.message}; the node asks to retry after {failure.retry_after:.0f} s (Retry-After), "
                        f"longer than the harvester waits ({RETRY_AFTER_CAP:g} s)",
                        details={"url": url, "status": failure.status}) from None
                delay = max(delay, failure.retry_after)
            if delay >= self._remaining():
                raise self._budget_error(url, f"{failure.message}; no time left to retry")
            time.sleep(delay)
        assert failure is not None
        done = attempts - 1
        suffix = f" (after {done} {'retry' if done == 1 else 'retries'})" if done else ""
        raise HarvestError(failure.message + suffix, details={"url": url, "status": failure.status}) from None

    # Budget and deadlines -------------------------------------------------------------------------
    def _remaining(self) -> float:
        return self.node_deadline - time.monotonic()

    def _budget_error(self, url: str, problem: str | None = None) -> HarvestError:
        message = (f"the harvest of this node exceeded its time budget of {self.budget:g} s "
                   f"(GDI_HARVEST_NODE_BUDGET) while fetching {url}")
        return HarvestError(message + (f": {problem}" if problem else ""), details={"url": url})

    def _late_error(self, url: str, size: int | None = None) -> HarvestError:
        """The error for a request stopped by its deadline: the node's budget or the request's own."""
        if self._remaining() <= _SLACK:
            return self._budget_error(url, None if size is None else f"{size:,} bytes received so far")
        received = "" if size is None else f"{size:,} bytes received; "
        return HarvestError(f"{url} took too long: the download did not finish within {self.deadline:g} s "
                            f"({received}the limit is {DEADLINE_FACTOR} × GDI_HARVEST_TIMEOUT)", details={"url": url})

    def _attempt(self, url: str, call: _Call) -> Response:
        """One attempt, redirects included, under a watchdog armed for the tighter of the two deadlines."""
        started = time.monotonic()
        limit = min(started + self.deadline, self.node_deadline)
        watch = _Watch()
        timer = threading.Timer(max(limit - started, 0.0), watch.fire)
        timer.daemon = True
        self._guard.watch = watch
        timer.start()
        try:
            return self._follow(url, call, limit, watch)
        except _Retryable:
            if watch.fired or time.monotonic() >= limit - _SLACK:
                raise self._late_error(url) from None
            raise
        finally:
            timer.cancel()
            self._guard.watch = None

    # One attempt -------------------------------------------------------------------------------------
    def _follow(self, url: str, call: _Call, limit: float, watch: _Watch) -> Response:
        current = url
        visited = [url]
        for _hop in range(MAX_REDIRECTS + 1):
            self._check_target(current, limit, redirected_from=visited[-2] if len(visited) > 1 else None)
            response = self._send(current, call, limit)
            try:
                status = response.status_code
                if status in _REDIRECT_STATUSES and response.headers.get("Location"):
                    target = urljoin(current, response.headers["Location"].strip())
                    if target in visited:
                        raise HarvestError(f"redirect loop: {current} redirects to {target}, which already "
                                           f"redirected (starting at {url})", details={"url": url})
                    visited.append(target)
                    current = target
                    if status == 303 or (status in (301, 302) and call.method == "POST"):
                        call = replace(call, method="GET", data=None)  # as browsers do
                    continue
                if status == 304 and call.allow_not_modified:
                    return Response(url=response.url or current, status=304, content_type=None, charset=None,
                                    headers=CaseInsensitiveDict(response.headers), content=b"")
                if status in RETRY_STATUSES:
                    raise _Retryable(self._status_message(current, response, limit), status=status,
                                     retry_after=_retry_after(response.headers.get("Retry-After")))
                if not 200 <= status < 300:
                    raise HarvestError(self._status_message(current, response, limit),
                                       details={"url": current, "status": status})
                content = self._read_body(current, response, limit, watch, call.timeout)
                media_type, charset = _parse_content_type(response.headers.get("Content-Type"))
                return Response(url=response.url or current, status=status, content_type=media_type,
                                charset=charset, headers=CaseInsensitiveDict(response.headers), content=content)
            finally:
                response.close()
        raise HarvestError(f"too many redirects (more than {MAX_REDIRECTS}) starting at {url}; "
                           f"last Location was {current}", details={"url": url})

    def _check_target(self, url: str, limit: float | None = None, *, redirected_from: str | None = None) -> None:
        """Refuse URLs the harvester must not fetch, and pin the addresses it may connect to.

        Called for the first URL and for every redirect, so a redirect cannot bypass the policy.
        Every address the host resolves to must pass, not just the first: the connection may use
        any of them.
        """
        via = f" (redirected from {redirected_from})" if redirected_from else ""
        try:
            parts = urlsplit(url)
            host = parts.hostname
            port = parts.port
        except ValueError:  # e.g. an unclosed IPv6 bracket, a port that is not a number
            parts, host, port = None, None, None
        if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
            raise HarvestError(f"cannot fetch {url!r}{via}: only http:// and https:// URLs with a host name are "
                               "supported", details={"url": url})
        port = port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            ascii_host = host if host.isascii() else idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise HarvestError(f"cannot fetch {url}{via}: {host!r} is not a valid host name",
                               details={"url": url}) from None
        try:
            addresses = self._resolve(url, ascii_host, port, limit)
        except HarvestError:
            # Behind a proxy that resolves names we cannot, the proxy decides where the request goes;
            # what we can resolve is still checked (see the module docstring).
            if self._proxied(url):
                return
            raise
        for address in addresses:
            reason = self._refusal(address)
            if reason is None:
                continue
            where = (f"{host} is a {reason} address" if _is_literal(host)
                     else f"{host} resolves to {address}, a {reason} address")
            raise HarvestError(
                f"refused to fetch {url}{via}: {where}. Nodes on loopback, private or link-local addresses "
                f"are only harvested when {PRIVATE_NODES_SETTING} (for a demo, or a node inside your own "
                "network)", details={"url": url, "host": host, "address": address})
        self._guard.pins[_pin_key(ascii_host, port)] = addresses

    def _proxied(self, url: str) -> bool:
        proxies = {**requests.utils.get_environ_proxies(url), **self.session.proxies} if self.session.trust_env \
            else dict(self.session.proxies)
        return bool(requests.utils.select_proxy(url, proxies))

    def _refusal(self, address: str) -> str | None:
        """Why the settings forbid connecting to ``address`` (None: allowed)."""
        return None if self.settings.allow_private_nodes else forbidden_address(address)

    def _resolve(self, url: str, host: str, port: int, limit: float | None) -> tuple[str, ...]:
        if _is_literal(host):
            return (host.strip("[]"),)
        key = (host.lower(), port)
        cached = self._dns.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        timeout = max(min(self.timeout, (limit or self.node_deadline) - time.monotonic()), 0.001)
        box: dict[str, object] = {}

        def lookup() -> None:
            try:
                box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                box["error"] = exc

        worker = threading.Thread(target=lookup, name=f"dns:{host}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise _Retryable(f"DNS lookup for {host} ({url}) did not answer within {timeout:.3g} s")
        error = box.get("error")
        if isinstance(error, socket.gaierror) and error.errno == socket.EAI_AGAIN:
            raise _Retryable(f"DNS lookup for {host} ({url}) failed temporarily: {_short(str(error))}")
        if error is not None:
            raise HarvestError(f"DNS lookup failed for {host} ({url}): the host name does not resolve",
                               details={"url": url})
        addresses = tuple(dict.fromkeys(info[4][0] for info in box["infos"]))  # type: ignore[union-attr]
        if not addresses:
            raise HarvestError(f"DNS lookup failed for {host} ({url}): no address", details={"url": url})
        self._dns[key] = (time.monotonic() + DNS_CACHE_SECONDS, addresses)
        return addresses

    def _send(self, url: str, call: _Call, limit: float) -> requests.Response:
        left = limit - time.monotonic()
        connect, read = max(min(self.timeout, left), 0.001), max(min(call.timeout, left), 0.001)
        try:
            return self.session.request(call.method, url, headers={"Accept": call.accept, **call.headers},
                                        data=call.data, stream=True, allow_redirects=False, timeout=(connect, read))
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                raise _Retryable(f"timeout after {connect:g} s connecting to {url}") from exc
            raise _Retryable(f"timeout after {read:g} s waiting for the response to {url}") from exc
        except requests.ConnectionError as exc:
            raise _Retryable(_connection_message(url, exc)) from exc
        except requests.RequestException as exc:  # invalid URL, bad header...
            raise HarvestError(f"cannot fetch {url}: {_short(str(exc))}", details={"url": url}) from exc

    def _read_body(self, url: str, response: requests.Response, limit: float, watch: _Watch,
                   read_timeout: float) -> bytes:
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
                if time.monotonic() > limit:
                    raise self._late_error(url, size)
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError) as exc:
            if watch.fired or time.monotonic() >= limit - _SLACK:
                raise self._late_error(url, size) from None
            raise _Retryable(f"timeout after {read_timeout:g} s reading the response body from {url} "
                             f"({size:,} bytes received)") from exc
        except DecodeError as exc:
            raise HarvestError(f"cannot read the response from {url}: the compressed body is corrupt "
                               f"({_short(str(exc))})", details={"url": url}) from exc
        except (ProtocolError, OSError, Urllib3Error) as exc:
            if watch.fired:
                raise self._late_error(url, size) from None
            if "IncompleteRead" in repr(exc) and declared.isdigit():
                raise _Retryable(f"the response from {url} ended early: the connection closed after {size:,} "
                                 f"bytes of the {int(declared):,} announced (Content-Length)") from exc
            raise _Retryable(f"the connection to {url} broke while reading the response ({size:,} bytes "
                             f"received): {_short(str(exc))}") from exc
        if watch.fired:  # the watchdog's shutdown reads as a clean end of a body without Content-Length
            raise self._late_error(url, size)
        return b"".join(chunks)

    def _status_message(self, url: str, response: requests.Response, limit: float) -> str:
        reason = response.reason or ""
        message = f"HTTP {response.status_code}{' ' + reason if reason else ''} from {url}"
        excerpt = self._error_excerpt(response, limit)
        return f"{message}: {excerpt}" if excerpt else message

    def _error_excerpt(self, response: requests.Response, limit: float) -> str:
        """The start of a textual error body: often the one line that tells the operator what broke."""
        media_type, charset = _parse_content_type(response.headers.get("Content-Type"))
        if media_type and not (media_type.startswith("text/") or media_type.endswith(("json", "xml"))):
            return ""
        raw = b""
        try:
            while len(raw) < 16 * 1024 and time.monotonic() < limit:
                chunk = response.raw.read1(4096, decode_content=True)
                if not chunk:
                    break
                raw += chunk
        except (Urllib3Error, OSError):
            pass  # the status line alone still makes a useful message
        try:
            text = raw.decode(charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name
            text = raw.decode("utf-8", errors="replace")
        if media_type in ("text/html", "application/xhtml+xml") or re.match(r"\s*<(!doctype|html)", text, re.I):
            text = html_summary(text)
        return sanitise(text, ERROR_BODY_CHARS)


# Address policy ----------------------------------------------------------------------------------------
def forbidden_address(address: str) -> str | None:
    """Why a node may not be harvested at ``address`` (e.g. ``"loopback"``), or None for a public one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return "unparseable"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # the connection goes to that IPv4 address: it alone decides
            inner = forbidden_address(str(ip.ipv4_mapped))
            return f"{inner} (IPv4 {ip.ipv4_mapped} inside IPv6)" if inner else None
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:  # relayed to that IPv4 address by a gateway
            inner = forbidden_address(str(embedded))
            if inner is not None:
                return f"{inner} (IPv4 {embedded} inside IPv6)"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED:
        return "shared (carrier-grade NAT, 100.64.0.0/10)"
    for attribute, label in (("is_unspecified", "unspecified"), ("is_loopback", "loopback"),
                             ("is_link_local", "link-local"), ("is_multicast", "multicast"),
                             ("is_reserved", "reserved"), ("is_private", "private")):
        if getattr(ip, attribute):
            return label
    if getattr(ip, "is_site_local", False):
        return "site-local"
    if not ip.is_global:
        return "non-global"
    return None


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or bad."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


# Messages -----------------------------------------------------------------------------------------------
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
    if "RemoteDisconnected" in text or "without response" in text:
        return f"{where} closed the connection without answering ({url})"
    if "SSL" in text or "certificate" in text.lower():
        return f"TLS error connecting to {where} ({url}): {_short(text)}"
    return f"cannot connect to {where} ({url}): {_short(text)}"


def _causes(exc: BaseException) -> Iterator[BaseException]:
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
