"""A second, independent SPARQL 1.1 endpoint for the tests: Oxigraph's query engine behind a small HTTP server.

The harvester must not depend on Fuseki's ways, so the paging tests run against this one too. It also
misbehaves on request, as real endpoints do: it can ignore OFFSET, cap result rows, answer slowly, answer with an HTML
page or an error, or describe only part of what a CONSTRUCT asked for (a server cutting results off at a row limit).
Everything happens on 127.0.0.1 through real sockets.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

_VALUES = re.compile(r"(VALUES \?dataset \{)(.*?)(\})", re.S)
_IRI = re.compile(r"<([^>]*)>")


def _keep_first(match: re.Match, keep: int) -> str:
    iris = _IRI.findall(match.group(2))[:keep]
    return match.group(1) + " ".join(f"<{iri}>" for iri in iris) + match.group(3)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    endpoint: OxigraphEndpoint


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        params = parse_qs(urlsplit(self.path).query)
        self.server.endpoint._answer(self, (params.get("query") or [""])[0])

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        if (self.headers.get("Content-Type") or "").startswith("application/sparql-query"):
            query = body
        else:
            query = (parse_qs(body).get("query") or [""])[0]
        self.server.endpoint._answer(self, query)

    def log_message(self, format: str, *args: object) -> None:
        """Silenced."""


class OxigraphEndpoint:
    """Serves SPARQL queries over an in-memory Oxigraph store at ``/sparql`` (any path, in fact)."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.ignore_offset = False
        self.delay = 0.0  # seconds before answering
        self.html = False  # answer every query with a web page
        self.describe_at_most: int | None = None  # CONSTRUCT only the first n datasets of its VALUES
        self.fail_with: tuple[int, str, bytes] | None = None  # (status, content type, body) for every query
        self.max_rows: int | None = None  # answer SELECTs with at most this many rows, whatever their LIMIT
        self.queries: list[str] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def load(self, path: Path, graph: str | None = None) -> None:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self.store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE, to_graph=target)

    def update(self, sparql: str) -> None:
        self.store.update(sparql)

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/sparql"

    def described(self) -> list[list[str]]:
        """The dataset IRIs of every CONSTRUCT received, in order."""
        with self._lock:
            queries = list(self.queries)
        return [_IRI.findall(m.group(2)) for q in queries if (m := _VALUES.search(q)) and "CONSTRUCT" in q]

    def start(self) -> OxigraphEndpoint:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.endpoint = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> OxigraphEndpoint:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # Answering -----------------------------------------------------------------------------------
    def _answer(self, handler: BaseHTTPRequestHandler, query: str) -> None:
        with self._lock:
            self.queries.append(query)
        try:
            if self.delay:
                time.sleep(self.delay)
            if self.html:
                page = b"<!DOCTYPE html><html><head><title>Welcome to our data portal</title></head><body/></html>"
                return self._send(handler, 200, "text/html; charset=utf-8", page)
            if self.fail_with is not None:
                return self._send(handler, *self.fail_with)
            if self.ignore_offset:
                query = re.sub(r"\bOFFSET\s+\d+", "", query)
            if self.max_rows is not None:
                query = re.sub(r"\bLIMIT\s+(\d+)", lambda m: f"LIMIT {min(int(m.group(1)), self.max_rows)}", query)
            if self.describe_at_most is not None:
                keep = self.describe_at_most
                query = _VALUES.sub(lambda m: _keep_first(m, keep), query)
            try:
                result = self.store.query(query)
            except SyntaxError as exc:
                return self._send(handler, 400, "text/plain; charset=utf-8",
                                  f"Query parse error: {str(exc).splitlines()[0]}".encode())
            if isinstance(result, ox.QuerySolutions):
                self._send(handler, 200, "application/sparql-results+json",
                           result.serialize(format=ox.QueryResultsFormat.JSON))
            elif isinstance(result, ox.QueryTriples):
                self._send(handler, 200, "text/turtle", result.serialize(format=ox.RdfFormat.TURTLE))
            else:
                body = b'{"head": {}, "boolean": ' + (b"true" if bool(result) else b"false") + b"}"
                self._send(handler, 200, "application/sparql-results+json", body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the harvester gave up waiting (a timeout test)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
