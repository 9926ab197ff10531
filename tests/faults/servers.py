"""A node server that can misbehave at the socket level, for the fault suite.

``catalogue.demo.server.NodeServer`` speaks correct HTTP through ``http.server``; faults such as a
server that accepts and never answers, drips its status line, lies in Content-Length or closes half
way need the raw socket. Each route is a *behaviour*: ``fn(connection, request, server)`` that writes
whatever bytes it likes. The server reads the request head itself, logs it, and dispatches on the
path with its query (then on the path alone, for behaviours that read the query). Every loop here is
bounded in count or time and ends when the server stops, so a test never leaves a thread behind.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

MAX_HEAD = 64 * 1024
READ_TIMEOUT = 5.0  # for reading a request head: the harvester sends it at once
LONGEST_STALL = 30.0  # a never-answering behaviour gives up after this, whatever happens


@dataclass
class Request:
    method: str
    target: str  # path with query, as sent
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def query(self, name: str, default: str | None = None) -> str | None:
        return parse_qs(urlsplit(self.target).query).get(name, [default])[0]


Behaviour = Callable[[socket.socket, Request, "FaultServer"], None]


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    owner: FaultServer


class _Handler(socketserver.BaseRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        self.server.owner._handle(self.request)


class FaultServer:
    """Serves behaviours on ``host`` (127.0.0.1 by default), random port; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1"):
        self.host = host
        self.stopped = threading.Event()
        self._routes: dict[str, Behaviour] = {}
        self._requests: list[Request] = []
        self._connections = 0
        self._lock = threading.Lock()
        self._server: _TCPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        server = _TCPServer((self.host, 0), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"FaultServer:{self.port}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        assert self._server is not None, "use FaultServer as a context manager"
        return self._server.server_address[1]

    def url(self, target: str, host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{target}"

    # routes ----------------------------------------------------------------------------------------
    def route(self, target: str, behaviour: Behaviour) -> str:
        with self._lock:
            self._routes[target] = behaviour
        return self.url(target)

    def clear(self) -> None:
        """Forget routes and the request log (a node switching to a fault)."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()
            self._connections = 0

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    @property
    def connections(self) -> int:
        """TCP connections accepted since the last clear(), whether or not a request arrived."""
        with self._lock:
            return self._connections

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    # serving ---------------------------------------------------------------------------------------
    def _handle(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections += 1
        try:
            request = _read_request(conn)
            if request is None:
                return
            with self._lock:
                self._requests.append(request)
                behaviour = self._routes.get(request.target) or self._routes.get(request.path) or not_found()
            behaviour(conn, request, self)
        except OSError:
            pass  # the client gave up, which is what several faults are waiting for
        finally:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()


def _read_request(conn: socket.socket) -> Request | None:
    conn.settimeout(READ_TIMEOUT)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > MAX_HEAD:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = (lines[0].split(" ", 2) + ["", ""])[:3]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    length = int(headers.get("Content-Length", "0") or 0)
    while len(rest) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        rest += chunk
    return Request(method=method, target=target, headers=headers, body=rest[:length])


# behaviours ------------------------------------------------------------------------------------------
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def head(status: int, headers: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", "Connection: close",
             *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def document(body: bytes | str, content_type: str | None = "text/turtle", status: int = 200,
             headers: Mapping[str, str] | None = None) -> Behaviour:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def serve(conn: socket.socket, request: Request, server: FaultServer) -> None:
        fields = {"Content-Length": str(len(data)), **(headers or {})}
        if content_type is not None:
            fields["Content-Type"] = content_type
        conn.sendall(head(status, fields) + (b"" if request.method == "HEAD" else data))

    return serve


def not_found() -> Behaviour:
    return document("<html><head><title>404 Not Found</title></head></html>", "text/html", status=404)


def never_answer() -> Behaviour:
    """Accept the connection, read the request, then say nothing at all until the client leaves."""
    def serve(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.settimeout(0.2)
        waited = 0.0
        while not server.stopped.is_set() and waited < LONGEST_STALL:
            try:
                if conn.recv(1) == b"":  # the client closed its end
                    return
            except TimeoutError:
                waited += 0.2

    return serve


def drip(body: bytes | str, interval: float, content_type: str = "text/turtle") -> Behaviour:
    """Send the whole response, status line first, one byte every ``interval`` seconds."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def serve(conn: socket.socket, request: Request, server: FaultServer) -> None:
        response = head(200, {"Content-Type": content_type, "Content-Length": str(len(data))}) + data
        for i in range(len(response)):
            if server.stopped.wait(interval) or i * interval > LONGEST_STALL:
                return
            conn.sendall(response[i:i + 1])

    return serve


def truncated(body: bytes | str, announced_extra: int = 1000, content_type: str = "text/turtle") -> Behaviour:
    """Announce more bytes than are sent, send part of the body, and close."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def serve(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(head(200, {"Content-Type": content_type, "Content-Length": str(len(data) + announced_extra)})
                     + data)

    return serve


def stream_without_length(chunk: bytes, count: int, content_type: str = "text/turtle") -> Behaviour:
    """A close-delimited body (no Content-Length) of ``count`` chunks, stopping when the client leaves."""
    def serve(conn: socket.socket, request: Request, server: FaultServer) -> None:
        conn.sendall(head(200, {"Content-Type": content_type}))
        for _ in range(count):
            if server.stopped.is_set():
                return
            conn.sendall(chunk)

    return serve


def gzip_bomb(uncompressed_size: int, content_type: str = "text/turtle") -> Behaviour:
    """A small gzip body that inflates to ``uncompressed_size`` bytes of Turtle comments."""
    line = b"# padding padding padding padding padding padding padding padding\n"
    data = gzip.compress(line * (uncompressed_size // len(line) + 1), compresslevel=9)
    return document(data, content_type, headers={"Content-Encoding": "gzip"})


def redirect(location: str, status: int = 302) -> Behaviour:
    return document(b"", None, status=status, headers={"Location": location})
