"""A small CKAN-like portal on 127.0.0.1 for harvest tests: the Action API over fixture package dicts.

It answers ``package_search`` the way CKAN does where a harvester can go wrong: ``rows`` is capped
silently at ``rows_max`` (``ckan.search.rows_max``), ``start``/``sort`` page through a stable order,
private packages are left out unless asked for, and errors come as ``{"success": false, "error": ...}``.
Misbehaviours are switched on per test (``ignore_start``, ``mode``, ``fail_from``) rather than mocked,
so the harvester talks to a real socket exactly as it would to a portal.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

HTML_PAGE = ("<!DOCTYPE html><html><head><title>Welcome - Data portal</title></head>"
             "<body><h1>Data portal</h1></body></html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    portal: CkanPortal


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.server.portal._dispatch(self)

    def log_message(self, format: str, *args: object) -> None:
        """Silenced."""


class CkanPortal:
    """A CKAN site under ``prefix`` serving ``packages`` (mutable: tests add and delete packages).

    ``mode`` changes what ``package_search`` answers: ``"ok"``, ``"html"`` (a 200 HTML page, as a
    portal behind a front end does), ``"error"`` (200 with ``success: false``), ``"conflict"`` (HTTP 409
    with CKAN's error body) or ``"not-ckan"`` (JSON of some other API). ``fail_from`` applies the mode
    only from that ``start`` on, to break a harvest half way. ``documents`` are extra fixed answers by
    path and query (e.g. ``"/catalog.ttl"``), as ``(body, content_type, status)``. ``after_search`` is
    called with each served page's ``start``, to change the portal while a harvest is paging.
    """

    def __init__(self, packages: list[dict], *, prefix: str = "", rows_max: int = 1000,
                 locale_default: str | None = None, ignore_start: bool = False,
                 documents: Mapping[str, tuple[str, str, int]] | None = None):
        self.packages = list(packages)
        self.prefix = prefix.rstrip("/")
        self.rows_max = rows_max
        self.locale_default = locale_default
        self.ignore_start = ignore_start
        self.mode = "ok"
        self.fail_from = 0
        self.documents = dict(documents or {})
        self.after_search: Callable[[int], None] | None = None
        self._requests: list[str] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle -------------------------------------------------------------------------------------
    def start(self) -> CkanPortal:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.portal = self
        self._httpd = httpd
        self._port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                                        name=f"CkanPortal:{httpd.server_address[1]}")
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> CkanPortal:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def root(self) -> str:
        """The site root URL, as an operator registers the node (still known after stop())."""
        assert self._port is not None, "start() the portal first"
        return f"http://127.0.0.1:{self._port}{self.prefix}/"

    @property
    def requests(self) -> list[str]:
        """Path and query of every request so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def searches(self) -> list[dict[str, str]]:
        """The query parameters of every package_search request."""
        out = []
        for path in self.requests:
            parts = urlsplit(path)
            if parts.path == f"{self.prefix}/api/3/action/package_search":
                out.append({k: v[-1] for k, v in parse_qs(parts.query).items()})
        return out

    # Serving ---------------------------------------------------------------------------------------
    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._requests.append(handler.path)
        parts = urlsplit(handler.path)
        path = parts.path
        if not path.startswith(self.prefix + "/"):
            return _send(handler, 404, "text/html", HTML_PAGE)
        local = path[len(self.prefix):]
        document = self.documents.get(local + (f"?{parts.query}" if parts.query else ""))
        if document is not None:
            body, content_type, status = document
            return _send(handler, status, content_type, body)
        if local == "/api/3/action/package_search":
            return self._package_search(handler, {k: v[-1] for k, v in parse_qs(parts.query).items()})
        if local == "/api/3/action/status_show":
            result = {"site_title": "Test portal", "ckan_version": "2.10.5", "site_url": self.root.rstrip("/"),
                      "extensions": ["scheming_datasets", "fluent"]}
            if self.locale_default:
                result["locale_default"] = self.locale_default
            return _json(handler, 200, {"help": "status_show", "success": True, "result": result})
        page = HTML_PAGE.replace("Welcome", "404 Not Found")
        return _send(handler, 404, "text/html; charset=utf-8", page)

    def _package_search(self, handler: BaseHTTPRequestHandler, params: dict[str, str]) -> None:
        try:
            rows = min(int(params.get("rows", "10")), self.rows_max)
            start = int(params.get("start", "0"))
            if rows < 0 or start < 0:
                raise ValueError
        except ValueError:
            return _json(handler, 409, _error("Validation Error", rows=["Must be a natural number"]))
        sort = params.get("sort", "score desc, metadata_modified desc")
        field, _, direction = sort.partition(" ")
        if field not in ("id", "name", "metadata_modified") or direction not in ("asc", "desc"):
            return _json(handler, 409, _error("Search Query Error", message=f"Search Query is invalid: sort {sort}"))
        if start >= self.fail_from and self.mode != "ok":
            return self._misbehave(handler)
        private = params.get("include_private", "false").lower() == "true"
        visible = [p for p in self.packages if private or not p.get("private")]
        visible.sort(key=lambda p: str(p.get(field, "")), reverse=direction == "desc")
        offset = 0 if self.ignore_start else start
        body = {"help": "package_search", "success": True,
                "result": {"count": len(visible), "sort": sort, "facets": {}, "search_facets": {},
                           "results": visible[offset:offset + rows]}}
        if self.after_search is not None:
            self.after_search(start)  # before answering, so the harvester's next request sees the change
        _json(handler, 200, body)

    def _misbehave(self, handler: BaseHTTPRequestHandler) -> None:
        if self.mode == "html":
            return _send(handler, 200, "text/html; charset=utf-8", HTML_PAGE)
        if self.mode == "error":
            return _json(handler, 200, _error("Authorization Error", message="Access denied: search is disabled"))
        if self.mode == "conflict":
            return _json(handler, 409, _error("Search Query Error", message="Search Query is invalid: solr down"))
        if self.mode == "not-ckan":
            return _json(handler, 200, {"data": [], "meta": {"total": 0}})
        raise AssertionError(f"unknown mode {self.mode!r}")


def _error(kind: str, **fields: object) -> dict:
    return {"help": "package_search", "success": False, "error": {"__type": kind, **fields}}


def _json(handler: BaseHTTPRequestHandler, status: int, data: dict) -> None:
    _send(handler, status, "application/json;charset=utf-8", json.dumps(data))


def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: str) -> None:
    data = body.encode("utf-8")
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
