"""A tiny HTTP server that plays national nodes: the demo and every harvest test talk to it.

Harvest code is exercised through a real socket rather than mocks so that timeouts, redirects, content
negotiation headers, chunking and connection errors behave exactly as they will against a node in
production. Standard library only, so the demo needs nothing beyond the core dependencies.

    with NodeServer() as server:
        server.set("/catalog.ttl", turtle_text)
        HttpClient(settings).get(server.url("/catalog.ttl"), accept="text/turtle")
"""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class _Document:
    body: bytes
    content_type: str | None
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a test's deliberately slow handler must not hold up stop()
    node: NodeServer


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0 closes the connection after each response: a custom handler that forgets
    # Content-Length still ends cleanly, and no keep-alive socket outlives stop().
    protocol_version = "HTTP/1.0"
    server_version = "GDI-DemoNode/1.0"

    def do_GET(self) -> None:
        self.server.node._dispatch(self)

    def do_HEAD(self) -> None:
        self.server.node._dispatch(self)

    def do_POST(self) -> None:  # handlers read the body themselves (a SPARQL query, say)
        self.server.node._dispatch(self)

    def log_message(self, format: str, *args: object) -> None:
        """Silenced: test output and the demo console stay readable."""


class NodeServer:
    """Serves registered documents on 127.0.0.1; routes match the path *including* the query string."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, conditional: bool = True):
        self._host = host
        self._port = port
        # Documents carry a strong ETag (hash of the body) and answer If-None-Match with 304, as a
        # well-configured node does; ``conditional=False`` plays a node that does neither.
        self.conditional = conditional
        self._routes: dict[str, _Document | Handler] = {}
        self._query_routes: dict[str, Handler] = {}  # path -> handler for that path with any query string
        self._requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle -----------------------------------------------------------------------------------
    def start(self) -> NodeServer:
        if self._httpd is not None:
            return self
        httpd = _Server((self._host, self._port), _RequestHandler)
        httpd.node = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"NodeServer:{httpd.server_address[1]}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> NodeServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # Addresses -----------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("NodeServer is not started; call start() first")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + _normalise(path)

    # Routes --------------------------------------------------------------------------------------
    def set(self, path: str, body: bytes | str, content_type: str | None = "text/turtle", status: int = 200,
            headers: Mapping[str, str] | None = None) -> str:
        """Serve ``body`` at ``path``; ``content_type=None`` sends no Content-Type header at all.

        Returns the full URL, which is what callers nearly always want next.
        """
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        with self._lock:
            self._routes[_normalise(path)] = _Document(data, content_type, status, dict(headers or {}))
        return self.url(path)

    def set_handler(self, path: str, fn: Handler, *, any_query: bool = False) -> str:
        """Let ``fn(request_handler)`` write the whole response (slow, truncated or odd replies).

        ``any_query=True`` also hands it ``path?anything`` (a service reading its own parameters, such as a
        SPARQL endpoint's ``?query=``) unless a route for that exact path and query exists.
        """
        with self._lock:
            self._routes[_normalise(path)] = fn
            if any_query:
                self._query_routes[_normalise(path)] = fn
        return self.url(path)

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(_normalise(path), None)
            self._query_routes.pop(_normalise(path), None)

    def clear(self) -> None:
        with self._lock:
            self._routes.clear()
            self._query_routes.clear()
            self._requests.clear()

    @property
    def requests(self) -> list[tuple[str, str, dict[str, str]]]:
        """(method, path with query, headers) of every request so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    # Serving -------------------------------------------------------------------------------------
    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._requests.append((handler.command, handler.path, dict(handler.headers.items())))
            route = self._routes.get(handler.path)
            if route is None and "?" in handler.path:
                route = self._query_routes.get(handler.path.split("?", 1)[0])
        try:
            if route is None:
                self._not_found(handler)
            elif isinstance(route, _Document):
                self._send(handler, route, self.conditional)
            else:
                route(handler)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to report

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, doc: _Document, conditional: bool = False) -> None:
        etag = None
        if conditional and doc.status == 200 and not any(k.lower() == "etag" for k in doc.headers):
            etag = '"' + hashlib.sha256(doc.body).hexdigest()[:32] + '"'
            asked = [t.strip() for t in (handler.headers.get("If-None-Match") or "").split(",")]
            if etag in asked or "*" in asked:
                handler.send_response(304)
                handler.send_header("ETag", etag)
                handler.end_headers()
                return
        handler.send_response(doc.status)
        if etag:
            handler.send_header("ETag", etag)
        if doc.content_type is not None:
            handler.send_header("Content-Type", doc.content_type)
        for name, value in doc.headers.items():
            if name.lower() != "content-length":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(doc.body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(doc.body)

    def _not_found(self, handler: BaseHTTPRequestHandler) -> None:
        page = ("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
                f"<body><h1>Not Found</h1><p>No document at {html.escape(handler.path)}</p></body></html>\n")
        self._send(handler, _Document(page.encode("utf-8"), "text/html; charset=utf-8", 404))


def _normalise(path: str) -> str:
    return path if path.startswith("/") else "/" + path
