"""A second, independent SPARQL 1.1 endpoint for the tests: Oxigraph's query engine behind a small HTTP server.

The harvester must not depend on Fuseki's ways, so the paging tests run against this one too. It is the
demo's endpoint (``catalogue.demo.sparql.SparqlEndpoint``) on a NodeServer of its own, and it misbehaves on
request, as real endpoints do: it can ignore OFFSET, cap result rows, answer slowly, answer with an HTML
page or an error, or describe only part of what a CONSTRUCT asked for (a server cutting results off at a
row limit). Everything happens on 127.0.0.1 through real sockets.
"""

from __future__ import annotations

import re
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from catalogue.demo.server import NodeServer
from catalogue.demo.sparql import SparqlEndpoint, _send

_VALUES = re.compile(r"(VALUES \?dataset \{)(.*?)(\})", re.S)
_IRI = re.compile(r"<([^>]*)>")


def _keep_first(match: re.Match, keep: int) -> str:
    iris = _IRI.findall(match.group(2))[:keep]
    return match.group(1) + " ".join(f"<{iri}>" for iri in iris) + match.group(3)


class OxigraphEndpoint(SparqlEndpoint):
    """Serves SPARQL queries over an in-memory Oxigraph store at ``/sparql``."""

    def __init__(self) -> None:
        super().__init__(ox.Store())
        self.ignore_offset = False
        self.delay = 0.0  # seconds before answering
        self.html = False  # answer every query with a web page
        self.describe_at_most: int | None = None  # CONSTRUCT only the first n datasets of its VALUES
        self.fail_with: tuple[int, str, bytes] | None = None  # (status, content type, body) for every query
        self.max_rows: int | None = None  # answer SELECTs with at most this many rows, whatever their LIMIT
        self._server = NodeServer()

    def load(self, path: Path, graph: str | None = None) -> None:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self.store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE, to_graph=target)

    def update(self, sparql: str) -> None:
        self.store.update(sparql)

    @property
    def url(self) -> str:
        return self._server.url("/sparql")

    def described(self) -> list[list[str]]:
        """The dataset IRIs of every CONSTRUCT received, in order."""
        with self._lock:
            queries = list(self.queries)
        return [_IRI.findall(m.group(2)) for q in queries if (m := _VALUES.search(q)) and "CONSTRUCT" in q]

    def start(self) -> OxigraphEndpoint:
        self._server.start()
        self._server.set_handler("/sparql", self, any_query=True)
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> OxigraphEndpoint:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # Answering, with the misbehaviours switched on -----------------------------------------------
    def answer(self, handler: BaseHTTPRequestHandler, query: str) -> None:
        if self.delay:
            time.sleep(self.delay)
        if self.html:
            page = b"<!DOCTYPE html><html><head><title>Welcome to our data portal</title></head><body/></html>"
            return _send(handler, 200, "text/html; charset=utf-8", page)
        if self.fail_with is not None:
            return _send(handler, *self.fail_with)
        if self.ignore_offset:
            query = re.sub(r"\bOFFSET\s+\d+", "", query)
        if self.max_rows is not None:
            query = re.sub(r"\bLIMIT\s+(\d+)", lambda m: f"LIMIT {min(int(m.group(1)), self.max_rows)}", query)
        if self.describe_at_most is not None:
            keep = self.describe_at_most
            query = _VALUES.sub(lambda m: _keep_first(m, keep), query)
        super().answer(handler, query)
