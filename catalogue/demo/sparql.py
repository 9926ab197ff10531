"""A SPARQL 1.1 query endpoint for a demo node: Oxigraph's engine over the node's graph, behind a NodeServer route.

GDI nodes built on triple stores (Virtuoso, GraphDB, Fuseki) publish their catalogue only through an
endpoint, so the demo federation has one, and the SPARQL harvester meets the protocol as it is on the wire:
the query as a form field of a POST, as the body of an ``application/sparql-query`` POST, or in ``?query=``
of a GET, and the result format chosen from the Accept header. Read-only: updates are refused, since the
endpoint serves a published catalogue, not a store to write to.

    endpoint = SparqlEndpoint.from_graph(node_graph(node, server.base_url))
    server.set_handler("/node/sparql", endpoint, any_query=True)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from rdflib import Graph

MAX_QUERY_BYTES = 1_000_000  # a harvester's CONSTRUCT with a few hundred VALUES is far below this

# media type -> format, best first: the first is what a client that states no preference gets
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # what SPARQL 1.0 era clients ask N-Triples as
}


class SparqlEndpoint:
    """A NodeServer handler answering SPARQL 1.1 protocol queries over ``store``; counts what it answered."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.queries: list[str] = []
        self._lock = threading.Lock()

    @classmethod
    def from_graph(cls, graph: Graph) -> SparqlEndpoint:
        """An endpoint over a copy of ``graph``, in the default graph (as a store loaded from a dump has it)."""
        store = ox.Store()
        store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(store)

    def __call__(self, handler: BaseHTTPRequestHandler) -> None:
        query, problem = _read_query(handler)
        if problem is not None:
            status, message = problem
            return _send(handler, status, "text/plain; charset=utf-8", message.encode("utf-8"))
        with self._lock:
            self.queries.append(query)
        self.answer(handler, query)

    def answer(self, handler: BaseHTTPRequestHandler, query: str) -> None:
        """Evaluate ``query`` and write the result in the format the Accept header prefers."""
        try:
            result = self.store.query(query)
        except SyntaxError as exc:
            return _send(handler, 400, "text/plain; charset=utf-8",
                         f"Query parse error: {str(exc).splitlines()[0]}\n".encode())
        except (OSError, ValueError) as exc:
            return _send(handler, 500, "text/plain; charset=utf-8", f"Query evaluation error: {exc}\n".encode())
        accept = handler.headers.get("Accept")
        if isinstance(result, ox.QueryTriples):
            media_type = negotiate(accept, GRAPH_FORMATS)
            body = result.serialize(format=GRAPH_FORMATS[media_type])
        else:  # solutions or an ASK boolean
            media_type = negotiate(accept, RESULTS_FORMATS)
            body = result.serialize(format=RESULTS_FORMATS[media_type])
        charset = "" if media_type.endswith(("+xml", "/xml")) else "; charset=utf-8"
        _send(handler, 200, media_type + charset, body or b"")


def _read_query(handler: BaseHTTPRequestHandler) -> tuple[str, tuple[int, str] | None]:
    """The query of a GET or POST request, or (status, message) saying why there is none."""
    if handler.command in ("GET", "HEAD"):
        params = parse_qs(urlsplit(handler.path).query)
    elif handler.command == "POST":
        length = int(handler.headers.get("Content-Length") or 0)
        if length > MAX_QUERY_BYTES:
            return "", (413, f"query too large ({length} bytes; at most {MAX_QUERY_BYTES})\n")
        body = handler.rfile.read(length).decode("utf-8", errors="replace")
        content_type = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type == "application/sparql-query":
            return body, None
        if content_type == "application/sparql-update":
            return "", (403, "this endpoint is read-only: updates are not accepted\n")
        params = parse_qs(body)
    else:
        return "", (405, f"{handler.command} is not a SPARQL protocol method; use GET or POST\n")
    if "update" in params:
        return "", (403, "this endpoint is read-only: updates are not accepted\n")
    queries = params.get("query") or []
    if len(queries) != 1 or not queries[0].strip():
        return "", (400, "exactly one non-empty 'query' parameter is required (SPARQL 1.1 protocol)\n")
    return queries[0], None


def negotiate(accept: str | None, offered: Iterable[str], *, lenient: bool = True) -> str | None:
    """The offered media type the Accept header rates highest (RFC 9110: each type takes the q of the most
    specific range matching it; ties go to the order of ``offered``). The first offered type when the header
    is missing. When it accepts none of them: the first offered type if ``lenient``, like most endpoints,
    else ``None`` (for a server that answers 406)."""
    offered = list(offered)
    if not accept or not accept.strip():
        return offered[0]
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.setdefault(media.lower(), q)
    best, best_q = (offered[0] if lenient else None), 0.0
    for media in offered:
        major = media.split("/", 1)[0]
        q = next((ranges[r] for r in (media, f"{major}/*", "*/*") if r in ranges), 0.0)
        if q > best_q:
            best, best_q = media, q
    return best


def _send(handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


__all__ = ["SparqlEndpoint", "negotiate"]
