"""The RDF store: every node's harvested triples in a named graph of its own, replaced as one step.

A harvest writes its pages into a *staging* graph and, only once the whole node has been read and
mapped, moves it over the node's graph with one SPARQL ``MOVE`` (a single transaction in Oxigraph, a
single update request on a remote SPARQL 1.1 store). A harvest that fails drops its staging graph,
so readers never see half a node and a failing node keeps its previous triples.

The embedded store is Oxigraph on disk, used through rdflib (``oxrdflib``) for reading. Oxigraph allows
one writing process, so the store is opened only while it is used and closed afterwards: the portal
never blocks a harvest run from the command line for longer than one request.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore as RdflibOxigraphStore
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from catalogue.config import Settings
from catalogue.dcat.namespaces import DCT, RDF
from catalogue.errors import ServiceUnavailable

log = logging.getLogger(__name__)

GRAPH_BASE = "urn:gdi:node:"
STAGING_BASE = "urn:gdi:staging:"


def node_graph_iri(node: str) -> str:
    return GRAPH_BASE + node


class GraphReplacement(ABC):
    """A node's new graph while it is being written; invisible to readers until ``commit``."""

    triples: int = 0

    @abstractmethod
    def add(self, graph: Graph) -> int:
        """Add a parsed page; return the number of triples added."""

    @abstractmethod
    def graph(self) -> Graph:
        """The staged triples, readable through rdflib, for mapping datasets."""

    @abstractmethod
    def commit(self) -> None:
        """Replace the node's graph with the staged one, in one step."""

    @abstractmethod
    def abort(self) -> None:
        """Drop the staged triples; the node's graph stays as it was."""


class RdfStore(ABC):
    name = ""

    @abstractmethod
    @contextmanager
    def replacing(self, node: str) -> Iterator[GraphReplacement]:
        """Stage a replacement of ``node``'s graph; aborted unless committed inside the block."""

    @abstractmethod
    def describe(self, node: str, iri: str | None = None, identifier: str | None = None) -> Graph:
        """The description of one dataset in ``node``'s graph (by IRI, or by dct:identifier for a
        blank-node dataset): its triples and those of the resources it links to that the node
        describes (distributions, agents, contact points), closed over blank nodes."""

    @abstractmethod
    def drop_node(self, node: str) -> None: ...

    @abstractmethod
    def count(self, node: str | None = None) -> int: ...

    def close(self) -> None:  # noqa: B027 - optional
        """Release files or connections."""


class OxigraphRdfStore(RdfStore):
    name = "oxigraph"

    def __init__(self, path: Path, lock_wait: float = 5.0):
        self.path = Path(path)
        self.lock_wait = lock_wait
        self._lock = threading.RLock()
        self._store: ox.Store | None = None
        self._users = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> OxigraphRdfStore:
        return cls(settings.resolved_rdf_store_path)

    @contextmanager
    def _open(self) -> Iterator[ox.Store]:
        """The store, opened for as long as the block runs (shared by threads of this process)."""
        with self._lock:
            if self._store is None:
                self._store = self._open_with_retry()
            self._users += 1
        try:
            yield self._store
        finally:
            with self._lock:
                self._users -= 1
                # Dropping our reference releases Oxigraph's lock for other processes as soon as the
                # caller's own references (locals, graphs built on the handle) are gone too.
                if self._users == 0:
                    self._store.flush()
                    self._store = None

    def _open_with_retry(self) -> ox.Store:
        self.path.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return ox.Store(str(self.path))
            except OSError as exc:
                gc.collect()  # an unreachable graph of this process may still hold the previous handle
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise ServiceUnavailable(
                        f"the RDF store at {self.path} is in use by another process (a harvest?); "
                        "try again when it has finished") from exc
                time.sleep(0.1)

    @contextmanager
    def replacing(self, node: str) -> Iterator[GraphReplacement]:
        with self._open() as store:
            replacement = _OxigraphReplacement(store, node)
            try:
                yield replacement
            finally:
                if not replacement.done:
                    replacement.abort()

    def describe(self, node: str, iri: str | None = None, identifier: str | None = None) -> Graph:
        with self._open() as store:
            source = Graph(store=RdflibOxigraphStore(store=store), identifier=URIRef(node_graph_iri(node)))
            subject: Node | None = URIRef(iri) if iri else None
            if subject is None and identifier:
                subject = next((s for s in source.subjects(DCT.identifier, Literal(identifier))
                                if isinstance(s, BNode)), None)
            out = Graph()
            if subject is not None:
                _closure(source, subject, out, depth=3)
            return out

    def drop_node(self, node: str) -> None:
        with self._open() as store:
            store.update(f"DROP SILENT GRAPH <{node_graph_iri(node)}>")

    def count(self, node: str | None = None) -> int:
        with self._open() as store:
            graph = f"GRAPH <{node_graph_iri(node)}>" if node else "GRAPH ?g"
            rows = list(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {graph} {{ ?s ?p ?o }} }}"))
            return int(rows[0]["n"].value) if rows else 0

    def close(self) -> None:
        with self._lock:
            self._store = None


class _OxigraphReplacement(GraphReplacement):
    def __init__(self, store: ox.Store, node: str):
        self.store = store
        self.node = node
        self.staging = ox.NamedNode(f"{STAGING_BASE}{node}:{uuid.uuid4().hex}")
        self.done = False
        self.triples = 0

    def add(self, graph: Graph) -> int:
        inner = getattr(graph.store, "_inner", None)
        if isinstance(inner, ox.Store):
            quads = (ox.Quad(q.subject, q.predicate, q.object, self.staging) for q in inner)
        else:  # a plain rdflib graph: convert term by term (slower, but any store works)
            quads = (ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), self.staging) for s, p, o in graph)
        added = 0
        batch: list[ox.Quad] = []
        for quad in quads:
            batch.append(quad)
            if len(batch) >= 50_000:
                self.store.extend(batch)
                added += len(batch)
                batch.clear()
        if batch:
            self.store.extend(batch)
            added += len(batch)
        self.triples += added
        return added

    def graph(self) -> Graph:
        return Graph(store=RdflibOxigraphStore(store=self.store), identifier=URIRef(self.staging.value))

    def commit(self) -> None:
        target = node_graph_iri(self.node)
        self.store.update(f"MOVE SILENT GRAPH <{self.staging.value}> TO GRAPH <{target}>")
        self.done = True
        self.store = None

    def abort(self) -> None:
        self.store.update(f"DROP SILENT GRAPH <{self.staging.value}>")
        self.done = True
        self.store = None


def _to_ox(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


def _closure(source: Graph, subject: Node, out: Graph, depth: int) -> None:
    """Copy ``subject``'s triples, then follow blank nodes fully and described IRIs ``depth`` levels."""
    seen: set[Node] = set()
    todo: list[tuple[Node, int]] = [(subject, depth)]
    while todo:
        node, left = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _, p, o in source.triples((node, None, None)):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append((o, left))
            elif isinstance(o, URIRef) and left > 0 and p != RDF.type and o not in seen:
                todo.append((o, left - 1))


RDF_STORES: dict[str, type[RdfStore]] = {"oxigraph": OxigraphRdfStore}


def create_rdf_store(settings: Settings) -> RdfStore:
    try:
        cls = RDF_STORES[settings.rdf_store]
    except KeyError:
        raise ValueError(f"GDI_RDF_STORE={settings.rdf_store!r} is not known; choose one of {sorted(RDF_STORES)}") \
            from None
    return cls.from_settings(settings)
