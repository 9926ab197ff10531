"""A FAIR Data Point for tests: the documents in ``tests/fixtures/fdp`` served over real HTTP.

The FDP harvester has to cope with what real FDPs do on the wire, so this server does it too: it
negotiates the representation from the Accept header (Turtle natively; RDF/XML, JSON-LD and N-Triples
converted on the fly; a JSON-LD-only document answers 406 to a client that does not accept JSON-LD),
sends ETags and answers If-None-Match with 304, and sends the Link headers a fixture asks for (LDP
paging). It runs on :class:`catalogue.demo.server.NodeServer`, so the requests it saw stay inspectable.

Fixture layout: the file path is the URL path (``catalog/genomics.ttl`` -> ``/catalog/genomics``;
``root.ttl`` -> ``/``; ``@`` stands for ``?``, so ``catalog/registries@page=2.ttl`` ->
``/catalog/registries?page=2``). ``{base}`` in a document is replaced by the server's base URL when
served, and leading ``#> Name: value`` lines become response headers.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import rdflib

from catalogue.demo.server import NodeServer
from catalogue.demo.sparql import negotiate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fdp"
TURTLE, JSONLD, RDFXML, NTRIPLES = "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"
NATIVE = {".ttl": TURTLE, ".jsonld": JSONLD}
CONVERTED = {RDFXML: "xml", JSONLD: "json-ld", NTRIPLES: "nt"}  # offered for Turtle documents


@dataclass
class _Document:
    template: str  # body with {base}
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)  # values with {base}


class FdpServer:
    """Serves the fixture FDP (or any documents :meth:`put` there) through ``server``."""

    def __init__(self, server: NodeServer, fixtures: Path | None = FIXTURES, *, etags: bool = True):
        self.server = server
        self.etags = etags
        self._documents: dict[str, _Document] = {}
        self._converted: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()
        self.not_modified = 0  # 304 answers
        self.served: Counter[str] = Counter()  # "path media/type" for every 200
        if fixtures is not None:
            for file in sorted(fixtures.rglob("*")):
                if file.is_file() and file.suffix in NATIVE and "expected" not in file.relative_to(fixtures).parts:
                    self.put(fixture_path(file.relative_to(fixtures)), file.read_text(encoding="utf-8"),
                             NATIVE[file.suffix])

    @property
    def base(self) -> str:
        return self.server.base_url

    def url(self, path: str) -> str:
        return self.server.url(path)

    # Changing the node -----------------------------------------------------------------------------
    def put(self, path: str, text: str, media_type: str = TURTLE) -> None:
        """Serve ``text`` (with ``{base}`` and ``#>`` header lines) at ``path``."""
        headers: dict[str, str] = {}
        lines = text.splitlines(keepends=True)
        while lines and lines[0].startswith("#>"):
            name, _, value = lines.pop(0)[2:].partition(":")
            headers[name.strip()] = value.strip()
        with self._lock:
            self._documents[path] = _Document("".join(lines), media_type, headers)
        self.server.set_handler(path, lambda handler: self._serve(path, handler))

    def text(self, path: str) -> str:
        """The document at ``path`` as put there (``{base}`` not substituted, header lines dropped)."""
        return self._documents[path].template

    def edit(self, path: str, old: str, new: str) -> None:
        """Replace ``old`` (which must occur) by ``new`` in the document at ``path``."""
        document = self._documents[path]
        if old not in document.template:
            raise AssertionError(f"{old!r} is not in {path}")
        header_lines = "".join(f"#> {k}: {v}\n" for k, v in document.headers.items())
        self.put(path, header_lines + document.template.replace(old, new), document.media_type)

    def set_header(self, path: str, name: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                self._documents[path].headers.pop(name, None)
            else:
                self._documents[path].headers[name] = value

    def remove(self, path: str) -> None:
        """Answer 404 at ``path`` from now on."""
        with self._lock:
            self._documents.pop(path, None)
        self.server.remove(path)

    def fail(self, path: str, status: int = 500) -> None:
        """Answer ``status`` with a short text body at ``path`` (the document is kept for :meth:`restore`)."""
        self.server.set(path, f"Internal error while rendering {path}\n", content_type="text/plain", status=status)

    def restore(self, path: str) -> None:
        self.server.set_handler(path, lambda handler: self._serve(path, handler))

    # What the harvester did ------------------------------------------------------------------------
    def gets(self, path: str | None = None) -> list[dict[str, str]]:
        """Headers of every GET (to ``path``, if given), oldest first."""
        return [headers for method, p, headers in self.server.requests
                if method == "GET" and (path is None or p == path)]

    def get_counts(self) -> Counter[str]:
        return Counter(p for method, p, _ in self.server.requests if method == "GET")

    # Serving ---------------------------------------------------------------------------------------
    def _serve(self, path: str, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            document = self._documents.get(path)
        if document is None:
            _reply(handler, 404, b"Not Found\n", "text/plain")
            return
        offered = [document.media_type] + ([m for m in CONVERTED if m != document.media_type]
                                           if document.media_type == TURTLE else [])
        media_type = negotiate(handler.headers.get("Accept"), offered, lenient=False)
        if media_type is None:
            _reply(handler, 406, f"Not Acceptable: this document is available as {', '.join(offered)}\n".encode(),
                   "text/plain")
            return
        body = self._body(path, document, media_type).encode("utf-8")
        headers = {name: value.replace("{base}", self.base) for name, value in document.headers.items()}
        headers["Vary"] = "Accept"
        if self.etags:
            etag = '"' + hashlib.sha256(media_type.encode() + b"\0" + body).hexdigest()[:24] + '"'
            headers["ETag"] = etag
            match = handler.headers.get("If-None-Match", "")
            if match.strip() == "*" or etag in [tag.strip() for tag in match.split(",")]:
                with self._lock:
                    self.not_modified += 1
                _reply(handler, 304, b"", None, headers)
                return
        with self._lock:
            self.served[f"{path} {media_type}"] += 1
        _reply(handler, 200, body, f"{media_type}; charset=utf-8", headers)

    def _body(self, path: str, document: _Document, media_type: str) -> str:
        text = document.template.replace("{base}", self.base)
        if media_type == document.media_type:
            return text
        key = (path, media_type, text)
        if key not in self._converted:
            graph = rdflib.Graph()
            graph.parse(data=text, format="turtle", publicID=self.base + path)
            self._converted[key] = graph.serialize(format=CONVERTED[media_type])
        return self._converted[key]


def fixture_path(relative: Path) -> str:
    """The URL path a fixture file is served at."""
    stem = relative.with_suffix("").as_posix()
    return "/" if stem == "root" else "/" + stem.replace("@", "?")


def _reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str | None,
           headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    if status != 304:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD" and status != 304:
        handler.wfile.write(body)
