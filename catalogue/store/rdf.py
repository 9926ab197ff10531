"""The RDF store: every node's harvested triples in a named graph of its own, replaced as one step.

A harvest writes its pages into a new, versioned graph (``urn:gdi:node:<name>:graph:<uuid>``) and, only
once the whole node has been read and mapped, points the node at it: one small update of a pointer
triple in ``urn:gdi:meta``. Readers resolve the pointer, so they never see half a node, and a failing
node keeps its previous graph. Copying a node's triples over the old graph (SPARQL ``MOVE``) would cost
as much as writing them again and hold the commit that long; the replaced graph is dropped afterwards,
outside the commit, and graphs left over by a process that died are dropped at the next harvest.

The embedded store is Oxigraph on disk, used through rdflib (``oxrdflib``) for reading. Oxigraph allows
one writing process, so the store is opened only while it is used and closed afterwards: the portal
never blocks a harvest run from the command line for longer than one request.
"""

from __future__ import annotations

import gc
import logging
import queue
import re
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore as RdflibOxigraphStore
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from catalogue.config import Settings
from catalogue.dcat.namespaces import DCT, RDF
from catalogue.errors import Conflict, ServiceUnavailable

log = logging.getLogger(__name__)

GRAPH_BASE = "urn:gdi:node:"
STAGING_BASE = "urn:gdi:staging:"  # the layout before versioned graphs: leftovers are dropped
META_GRAPH = ox.NamedNode("urn:gdi:meta")
CURRENT = ox.NamedNode("urn:gdi:currentGraph")


_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
_XSD_STRING_REF = URIRef(_XSD_STRING.value)
SHARED_NODES = 5_000  # linked IRIs whose staged pairs mapping keeps (see _OxigraphReplacement._pairs)
WRITE_QUEUE = 4  # pages waiting for the disk writer before add() waits
_ACTIVE: set[str] = set()  # nodes with a replacement under way in this process
_ACTIVE_LOCK = threading.Lock()


Pairs = Mapping[Node, Sequence[Node]]  # a resource's objects, by predicate
_NO_PAIRS: Pairs = {}


def node_graph_iri(node: str) -> str:
    """The node's own IRI: subject of its pointer triple, and its graph in the layout before versions."""
    return GRAPH_BASE + node


def _version_prefix(node: str) -> str:
    return f"{GRAPH_BASE}{node}:graph:"


class Description:
    """Triples indexed by subject, then predicate: all that mapping one dataset asks of a graph
    (``objects(s, p)``), without the cost of an rdflib graph (its store keeps three indexes and
    context bookkeeping for every triple added). A resource's pairs are kept as given, not copied."""

    __slots__ = ("_index",)

    def __init__(self) -> None:
        self._index: dict[Node, Pairs] = {}

    def put_all(self, subject: Node, pairs: Pairs) -> None:
        """All of ``subject``'s (predicate, objects) at once."""
        self._index[subject] = pairs

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        return iter(self._index.get(subject, _NO_PAIRS).get(predicate, ()))

    def __len__(self) -> int:
        return sum(len(objects) for pairs in self._index.values() for objects in pairs.values())


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

    def closure(self, subject: Node, depth: int = 3) -> Description:
        """``subject``'s staged description (as :meth:`RdfStore.describe`) in memory: mapping reads it
        many times, which is far cheaper than asking the store each time."""
        source = self.graph()
        return description(walk(lambda node: _grouped(source.predicate_objects(node)), subject, depth))

    def blank_subjects(self, identifiers: Iterable[str]) -> dict[str, list[BNode]]:
        """Blank nodes with one of ``identifiers`` as ``dct:identifier``, as found in the staged triples
        (whose blank-node labels are not those of the parsed pages)."""
        wanted = set(identifiers)
        out: dict[str, list[BNode]] = {}
        if wanted:
            for s, o in self.graph().subject_objects(DCT.identifier):
                if isinstance(s, BNode) and str(o) in wanted:
                    out.setdefault(str(o), []).append(s)
        return out

    def discard_replaced(self) -> None:  # noqa: B027 - optional
        """Drop the graph a commit replaced (slow for big nodes, so not part of the commit)."""

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
            with _ACTIVE_LOCK:
                if node in _ACTIVE:
                    raise Conflict(f"node {node!r} is already being harvested by this process")
                _ACTIVE.add(node)
            replacement = _OxigraphReplacement(store, node)
            try:
                yield replacement
            finally:
                try:
                    if not replacement.done:
                        replacement.abort()
                    else:
                        replacement.discard_replaced()
                finally:
                    _ACTIVE.discard(node)

    def describe(self, node: str, iri: str | None = None, identifier: str | None = None) -> Graph:
        with self._open() as store:
            current = _current(store, node)
            if current is None:
                return Graph()
            source = Graph(store=RdflibOxigraphStore(store=store), identifier=URIRef(current.value))
            subject: Node | None = URIRef(iri) if iri else None
            if subject is None and identifier:
                subject = next((s for s in source.subjects(DCT.identifier, Literal(identifier))
                                if isinstance(s, BNode)), None)
            out = Graph()
            if subject is not None:
                for node, pairs in walk(lambda node: _grouped(source.predicate_objects(node)), subject, 3):
                    for p, objects in pairs.items():
                        for o in objects:
                            out.add((node, p, o))
            return out

    def drop_node(self, node: str) -> None:
        with self._open() as store:
            for graph in _node_graphs(store, node):
                store.remove_graph(graph)
            store.remove(ox.Quad(ox.NamedNode(node_graph_iri(node)), CURRENT, _current(store, node) or CURRENT,
                                 META_GRAPH))

    def count(self, node: str | None = None) -> int:
        with self._open() as store:
            if node is not None:
                current = _current(store, node)
                if current is None:
                    return 0
                graph = f"GRAPH <{current.value}>"
            else:  # every node's current graph
                graph = (f"GRAPH <{META_GRAPH.value}> {{ ?n <{CURRENT.value}> ?g }} GRAPH ?g")
            rows = list(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {graph} {{ ?s ?p ?o }} }}"))
            return int(rows[0]["n"].value) if rows else 0

    def close(self) -> None:
        with self._lock:
            self._store = None


class _OxigraphReplacement(GraphReplacement):
    """Pages are handed to a background thread as N-Triples bytes, which it loads into the new graph
    version on disk; Oxigraph parses and writes them without the GIL, so this overlaps with mapping the
    next page. (Handing over Python ``Quad`` objects instead, and ``bulk_extend``, held the GIL for the
    whole write: measured, it stalled everything else.) Only datasets that span pages are read back
    (see ``harvesters.page_mapping``); an in-memory copy for them cost 150 MiB at 10,000 datasets and
    was no longer worth it, so memory stays bounded whatever the number of pages."""

    def __init__(self, store: ox.Store, node: str):
        self.store = store
        self.node = node
        self.staging = ox.NamedNode(f"{_version_prefix(node)}{uuid.uuid4().hex}")
        self.done = False
        self.triples = 0
        self.replaced: ox.NamedNode | None = None
        self._terms = OxTerms()
        self._shared: dict[Node, Pairs] = {}  # see _pairs
        self._asked: set[Node] = set()
        self._writes: queue.Queue[bytes | list[ox.Quad] | None] = queue.Queue(maxsize=WRITE_QUEUE)
        self._write_error: BaseException | None = None
        self._writer: threading.Thread | None = None
        # Versions no pointer names are leftovers of a process that died mid-harvest.
        current = _current(store, node)
        for graph in _node_graphs(store, node):
            if graph != current and (graph.value.startswith(_version_prefix(node))
                                     or graph.value.startswith(f"{STAGING_BASE}{node}:")):
                store.remove_graph(graph)

    def add(self, graph: Graph) -> int:
        inner = getattr(graph.store, "_inner", None)
        if isinstance(inner, ox.Store):
            # Handed over as N-Triples bytes: Oxigraph writes and reads them without the GIL, whereas
            # building one Python Quad per triple (and bulk_extend, which holds the GIL) would stall
            # the mapping running in this thread for as long as the disk write lasts.
            count = len(inner)
            if not count:
                return 0
            payload: bytes | list[ox.Quad] = b"".join(
                inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
                for name in [*inner.named_graphs(), ox.DefaultGraph()])
        else:  # a plain rdflib graph: convert term by term (slower, but any store works)
            payload = [ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), self.staging) for s, p, o in graph]
            count = len(payload)
            if not count:
                return 0
        self._write(payload)
        self.triples += count
        return count

    def _load(self, payload: bytes | list[ox.Quad]) -> None:
        """Blank nodes are renamed on loading bytes, so the staged graph and the parsed page share
        IRIs but not blank-node labels: mapping finds a blank-node dataset by its identifier."""
        if isinstance(payload, bytes):
            self.store.bulk_load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=self.staging, lenient=True)
        else:
            self.store.bulk_extend(payload)

    def _write(self, payload: bytes | list[ox.Quad]) -> None:
        if self._write_error is not None:
            raise self._write_error
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_loop, name=f"rdf-writer:{self.node}", daemon=True)
            self._writer.start()
        self._writes.put(payload)  # blocks when the writer is WRITE_QUEUE pages behind: bounded memory

    def _write_loop(self) -> None:
        while (payload := self._writes.get()) is not None:
            if self._write_error is None:
                try:
                    self._load(payload)
                except BaseException as exc:  # reported by the next add() or by flush()
                    self._write_error = exc

    def flush(self) -> None:
        """Wait until every staged page is on disk."""
        if self._writer is not None:
            self._writes.put(None)
            self._writer.join()
            self._writer = None
        if self._write_error is not None:
            raise self._write_error

    def graph(self) -> Graph:
        self.flush()
        return Graph(store=RdflibOxigraphStore(store=self.store), identifier=URIRef(self.staging.value))

    def closure(self, subject: Node, depth: int = 3) -> Description:
        self.flush()
        return description(walk(lambda node: self._pairs(node, node is not subject), subject, depth))

    def _pairs(self, node: Node, shared: bool) -> Pairs:
        """``node``'s staged (predicate, objects) pairs as rdflib terms, converted here rather than by
        oxrdflib so that the IRIs every dataset repeats are made once.

        The IRIs a dataset links to (publisher, themes, licences, formats...) are mostly shared by
        many datasets, and most have no triples at all: their pairs are kept (``shared``) rather than
        asked of the store again for the next dataset. Blank nodes belong to one dataset only.
        """
        cacheable = shared and isinstance(node, URIRef)
        if cacheable:
            found = self._shared.get(node)
            if found is not None:
                return found
            if len(self._shared) >= SHARED_NODES:
                self._shared.clear()
                self._asked.clear()
        iri, literal = self._terms.iri, self._terms.literal
        out: dict[URIRef, list[Node]] = {}
        for quad in self.store.quads_for_pattern(_to_ox(node), None, None, self.staging):
            o = quad.object
            kind = type(o)
            if kind is ox.NamedNode:
                o = iri(o)
            elif kind is ox.Literal:
                o = literal(o)
            else:
                o = _from_ox(o)
            out.setdefault(iri(quad.predicate), []).append(o)
        if cacheable:
            # IRIs without triples (vocabulary terms) are kept at once; described ones from their
            # second use, so that one dataset's own distributions do not fill the cache.
            if not out or node in self._asked:
                self._shared[node] = out
            else:
                self._asked.add(node)
        return out

    def commit(self) -> None:
        self.flush()
        node = ox.NamedNode(node_graph_iri(self.node))
        self.replaced = _current(self.store, self.node)
        # One update: the pointer moves from the old version to the new one atomically.
        self.store.update(
            f"DELETE {{ GRAPH <{META_GRAPH.value}> {{ <{node.value}> <{CURRENT.value}> ?old }} }} "
            f"INSERT {{ GRAPH <{META_GRAPH.value}> {{ <{node.value}> <{CURRENT.value}> <{self.staging.value}> }} }} "
            f"WHERE {{ OPTIONAL {{ GRAPH <{META_GRAPH.value}> {{ <{node.value}> <{CURRENT.value}> ?old }} }} }}")
        self.done = True

    def discard_replaced(self) -> None:
        if self.replaced is not None and self.replaced != self.staging:
            self.store.remove_graph(self.replaced)
        self.replaced = None

    def abort(self) -> None:
        try:
            self.flush()
        except Exception:  # the write that failed is what is being aborted
            log.warning("writing the staged graph of node %s failed", self.node, exc_info=True)
        self.store.remove_graph(self.staging)
        self.done = True


class OxTerms:
    """Oxigraph terms as rdflib terms. The IRIs every dataset repeats (predicates, vocabularies) are
    made once; the cache is bounded, because dataset IRIs are unique and would only fill it."""

    __slots__ = ("_iris",)

    def __init__(self) -> None:
        self._iris: dict[ox.NamedNode, URIRef] = {}

    def iri(self, term: ox.NamedNode) -> URIRef:
        found = self._iris.get(term)
        if found is None:
            if len(self._iris) > 100_000:
                self._iris.clear()
            found = self._iris[term] = URIRef(term.value)
        return found

    def literal(self, term: ox.Literal) -> Literal:
        language = term.language
        if language:
            return staged_literal(term.value, language, None)
        datatype = term.datatype
        if datatype == _XSD_STRING:
            return staged_literal(term.value, None, _XSD_STRING_REF)
        cast = _CANONICAL_CASTS.get(datatype)
        if cast is not None:
            lexical = term.value
            value = cast(lexical)
            if value is not None:
                return staged_literal(lexical, None, self.iri(datatype), value)
        return Literal(term.value, datatype=self.iri(datatype))  # normalises typed lexical forms

    def by_subject(self, graph: Graph) -> dict[Node, dict[URIRef, list[Node]]]:
        """A parsed page's triples grouped by subject, then predicate: what mapping reads, made in one
        pass over the page rather than one store lookup per resource."""
        inner = getattr(graph.store, "_inner", None)
        out: dict[Node, dict[URIRef, list[Node]]] = {}
        if not isinstance(inner, ox.Store):  # any other rdflib store: its terms are rdflib's already
            for s, p, o in graph:
                out.setdefault(s, {}).setdefault(p, []).append(o)
            return out
        iri, literal, iris = self.iri, self.literal, self._iris
        blanks: dict[str, BNode] = {}
        named, lit = ox.NamedNode, ox.Literal
        for quad in inner:
            s = quad.subject
            if type(s) is named:
                s = iris.get(s) or iri(s)
            else:
                s = blanks.get(s.value) or blanks.setdefault(s.value, BNode(s.value))
            o = quad.object
            kind = type(o)
            if kind is named:
                o = iris.get(o) or iri(o)
            elif kind is lit:
                o = literal(o)
            else:
                o = blanks.get(o.value) or blanks.setdefault(o.value, BNode(o.value))
            pairs = out.get(s)
            if pairs is None:
                pairs = out[s] = {}
            p = quad.predicate
            p = iris.get(p) or iri(p)
            values = pairs.get(p)
            if values is None:
                pairs[p] = [o]
            else:
                values.append(o)
        return out


def _canonical_integer(lexical: str) -> int | None:
    return int(lexical) if _CANONICAL_INTEGER.fullmatch(lexical) else None


def _canonical_date(lexical: str) -> date | None:
    if not _CANONICAL_DATE.fullmatch(lexical):
        return None
    try:
        return date.fromisoformat(lexical)
    except ValueError:  # 2024-02-30: ill-typed, which Literal() records (and logs)
        return None


_CANONICAL_INTEGER = re.compile(r"0|[1-9][0-9]{0,17}")
_CANONICAL_DATE = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}")
# Counts and dates, the typed values every dataset has several of, in their canonical lexical form: the
# value ``Literal()`` would compute, at a sixth of its cost; anything else goes through ``Literal()``.
_CANONICAL_CASTS: dict[ox.NamedNode, Callable[[str], object]] = {
    ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{name}"): cast
    for name, cast in (("integer", _canonical_integer), ("nonNegativeInteger", _canonical_integer),
                       ("date", _canonical_date))}


def staged_literal(value: str, language: str | None, datatype: URIRef | None, python: object = None) -> Literal:
    """A language-tagged or ``xsd:string`` literal, made without ``Literal()``'s checks and casts; or,
    with ``python``, a typed literal whose canonical lexical form ``value`` has that Python value.

    Oxigraph has already validated the language tag, and a string's lexical form is its value, so
    the constructor's work (a third of mapping's time) would change nothing; the result is equal to
    ``Literal(value, lang=language, datatype=datatype)`` in every slot (``tests/unit/test_rdf_terms.py``).
    """
    literal = str.__new__(Literal, value)
    literal._language = language
    literal._datatype = datatype
    literal._value = value if python is None else python
    literal._ill_typed = None if datatype is None else False
    return literal


def _current(store: ox.Store, node: str) -> ox.NamedNode | None:
    """The node's current graph: the pointer's target, else the graph of the layout before versions."""
    for quad in store.quads_for_pattern(ox.NamedNode(node_graph_iri(node)), CURRENT, None, META_GRAPH):
        if isinstance(quad.object, ox.NamedNode):
            return quad.object
    legacy = ox.NamedNode(node_graph_iri(node))
    return legacy if store.contains_named_graph(legacy) else None


def _node_graphs(store: ox.Store, node: str) -> list[ox.NamedNode]:
    """Every graph that belongs to ``node``: its versions, its legacy graph and staging leftovers."""
    prefixes = (_version_prefix(node), f"{STAGING_BASE}{node}:")
    legacy = node_graph_iri(node)
    return [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)
            and (g.value == legacy or g.value.startswith(prefixes))]


def _from_ox(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unexpected Oxigraph term {term!r}")


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


def walk(pairs: Callable[[Node], Pairs], subject: Node, depth: int) -> Iterator[tuple[Node, Pairs]]:
    """Every resource of ``subject``'s description with its pairs (empty when it has none), subject
    first: blank nodes are followed fully, IRIs ``depth`` links deep and never through rdf:type. The
    one definition of a description, whichever store ``pairs(node)`` reads."""
    # A set: its membership test tries identity first, where ``p != RDF.type`` would call rdflib's
    # Python-level __eq__ for every pair (and a closed namespace checks the name on every access).
    not_followed = {RDF.type}
    seen: set[Node] = set()
    todo: list[tuple[Node, int]] = [(subject, depth)]
    while todo:
        node, left = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        found = pairs(node)
        yield node, found
        for p, objects in found.items():
            for o in objects:
                if isinstance(o, BNode):
                    todo.append((o, left))
                elif isinstance(o, URIRef) and left > 0 and p not in not_followed and o not in seen:
                    todo.append((o, left - 1))


def _grouped(pairs: Iterable[tuple[Node, Node]]) -> dict[Node, list[Node]]:
    out: dict[Node, list[Node]] = {}
    for p, o in pairs:
        out.setdefault(p, []).append(o)
    return out


def description(walked: Iterable[tuple[Node, Pairs]]) -> Description:
    """What :func:`walk` reached, as the in-memory description mapping reads."""
    out = Description()
    put = out.put_all
    for node, pairs in walked:
        if pairs:
            put(node, pairs)
    return out


RDF_STORES: dict[str, type[RdfStore]] = {"oxigraph": OxigraphRdfStore}


def create_rdf_store(settings: Settings) -> RdfStore:
    try:
        cls = RDF_STORES[settings.rdf_store]
    except KeyError:
        raise ValueError(f"GDI_RDF_STORE={settings.rdf_store!r} is not known; choose one of {sorted(RDF_STORES)}") \
            from None
    return cls.from_settings(settings)
