"""Map a node's datasets page by page, as the pages arrive, from each page's own triples.

Reading every dataset's description back out of the staged store, one lookup per resource, cost more
than everything else in a harvest. A page of a paged catalogue nearly always describes its datasets
completely, so each page is grouped by subject once, in one pass, and its datasets are mapped from
that; the records wait in a spill file until the node has been read, so memory holds one page at a time.

A page-local mapping is only kept when it is what mapping the whole node would give. Every IRI the
mapping walked is noted, and so is the page each IRI is described on; once the node has been read, a
dataset is mapped again from the full staged graph when its walk touched a resource that another page
also describes (differently, or with blank nodes), or reached an IRI that had no triples on its page but
has some on another one. A dataset described on several pages is always mapped from the full graph, once.
So a FAIR Data Point, where each distribution is a document of its own, gets the full-graph mapping,
and a Hydra-paged catalogue that repeats its publisher's description on every page does not need it.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from catalogue.dcat import values as v
from catalogue.dcat.profile import (
    DATASET_TYPES,
    DCAT,
    DCT,
    RDF,
    MappedDataset,
    MappingContext,
    map_dataset,
    select_datasets,
)
from catalogue.store.rdf import Description, GraphReplacement, OxTerms, Pairs, description, walk

SAME = -1  # described on several pages, identically and without blank nodes
CONFLICT = -2  # described differently on several pages (or a dataset described on several pages)
DEPTH = 3  # as RdfStore.describe: IRIs are followed this many links from the dataset

Groups = dict[Node, dict[URIRef, list[Node]]]
_NONE: dict[URIRef, list[Node]] = {}  # a resource without triples on the page


@dataclass(slots=True)
class _Visit:
    """What one page-mapped dataset read: enough to tell, at the end, whether its page told the whole story."""

    subject: Node
    identifier: str | None  # a blank-node dataset is found again by it (blank-node labels differ per copy)
    local: tuple[URIRef, ...]  # IRIs whose triples on this page the mapping read
    dangling: tuple[URIRef, ...]  # IRIs it reached that have no triples on this page


class PageMapper:
    """Feed it every staged page (``add``), then read the mapped datasets back in chunks (``chunks``)."""

    def __init__(self, ctx: MappingContext, spill_dir: Path | None = None):
        self.ctx = ctx
        self._terms = OxTerms()
        self._visits: list[list[_Visit]] = []  # per page, in the order of its spilled records
        self._described: dict[URIRef, int] = {}  # IRI -> the page describing it, SAME or CONFLICT
        self._prints: dict[URIRef, int | None] = {}  # IRI -> fingerprint of its first description
        self._linked: set[URIRef] = set()  # IRIs some page links with dcat:dataset
        self._spill: IO[bytes] | None = None
        self._spill_dir = spill_dir
        self._redo: dict[int, set[int]] = {}
        self._whole: list[Node] = []

    @property
    def remapped(self) -> int:
        """Datasets that :meth:`finish` found to need the full graph."""
        return len(self._whole)

    # -- while the pages arrive -------------------------------------------------------------------
    def add(self, graph: Graph) -> None:
        groups = self._terms.by_subject(graph)
        page = len(self._visits)
        subjects = _datasets(groups)
        datasets = set(subjects)
        for subject, pairs in groups.items():
            if isinstance(subject, URIRef):
                self._note(subject, page, pairs, subject in datasets)
            for o in pairs.get(DCAT.dataset, ()):
                if isinstance(o, URIRef):
                    self._linked.add(o)
        visits: list[_Visit] = []
        mapped: list[MappedDataset] = []
        for subject in subjects:
            description, local, dangling = _walk(groups, subject)
            identifier = None if isinstance(subject, URIRef) else v.text(description, subject, DCT.identifier)
            visits.append(_Visit(subject, identifier, local, dangling))
            mapped.append(map_dataset(description, subject, self.ctx))
        self._visits.append(visits)
        if self._spill is None:
            if self._spill_dir is not None:
                self._spill_dir.mkdir(parents=True, exist_ok=True)
            self._spill = tempfile.TemporaryFile(prefix="gdi-mapped-", dir=self._spill_dir)  # noqa: SIM115 - closed by close()
        pickle.dump(mapped, self._spill, protocol=pickle.HIGHEST_PROTOCOL)

    def _note(self, iri: URIRef, page: int, pairs: dict[URIRef, list[Node]], dataset: bool) -> None:
        known = self._described.get(iri)
        if known is None:
            self._described[iri] = page
            if not dataset:
                self._prints[iri] = _fingerprint(pairs)
        elif known != CONFLICT and known != page:
            printed = None if dataset else _fingerprint(pairs)
            same = printed is not None and printed == self._prints.get(iri)
            self._described[iri] = SAME if same else CONFLICT

    # -- once the node has been read --------------------------------------------------------------
    def finish(self, staging: GraphReplacement) -> int:
        """Decide which datasets need the full graph; returns how many datasets the node describes."""
        described = self._described
        mapped_iris: set[Node] = set()
        again: dict[Node, None] = {}
        blank: dict[str, None] = {}
        count = 0
        for page, visits in enumerate(self._visits):
            for at, visit in enumerate(visits):
                mapped_iris.add(visit.subject)
                whole = (any(described.get(iri) not in (page, SAME) for iri in visit.local)
                         or any(iri in described for iri in visit.dangling))
                if not whole:
                    count += 1
                    continue
                self._redo.setdefault(page, set()).add(at)
                if isinstance(visit.subject, URIRef):
                    again[visit.subject] = None
                elif visit.identifier:
                    blank[visit.identifier] = None
        # Linked from a catalogue on one page, described (without a type) on another.
        for iri in sorted(self._linked - mapped_iris):
            if iri in described:
                description = staging.closure(iri, DEPTH)
                if v.first(description, iri, DCT.title, DCT.identifier) is not None:
                    again[iri] = None
        found = staging.blank_subjects(blank)
        self._whole = [*again, *(s for identifier in blank for s in found.get(identifier, ()))]
        return count + len(self._whole)

    def chunks(self, staging: GraphReplacement, size: int) -> Iterator[list[MappedDataset]]:
        """Every mapped dataset, ``size`` at a time: the page-mapped ones that stand, then the rest
        mapped from the full staged graph."""
        if self._spill is not None:
            self._spill.seek(0)
            for page in range(len(self._visits)):
                mapped: list[MappedDataset] = pickle.load(self._spill)
                skip = self._redo.get(page)
                if skip:
                    mapped = [m for at, m in enumerate(mapped) if at not in skip]
                for at in range(0, len(mapped), size):
                    yield mapped[at:at + size]
        for at in range(0, len(self._whole), size):
            yield [map_dataset(staging.closure(s, DEPTH), s, self.ctx) for s in self._whole[at:at + size]]

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def __enter__(self) -> PageMapper:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _datasets(groups: Groups) -> list[Node]:
    """The page's datasets, by the rule :func:`catalogue.dcat.profile.dataset_subjects` applies to a graph."""
    rdf_type, dataset_link, title, identifier = RDF.type, DCAT.dataset, DCT.title, DCT.identifier
    typed = (s for s, pairs in groups.items() if any(t in DATASET_TYPES for t in pairs.get(rdf_type, ())))
    linked = (o for pairs in groups.values() for o in pairs.get(dataset_link, ()))

    def described(s: Node) -> bool:
        pairs = groups.get(s, _NONE)
        return title in pairs or identifier in pairs
    return select_datasets(typed, linked, described)


def _walk(groups: Groups, subject: Node) -> tuple[Description, tuple[URIRef, ...], tuple[URIRef, ...]]:
    """``subject``'s description on this page (as ``catalogue.store.rdf.walk`` defines it for a store),
    and the IRIs it reached with and without triples on this page."""
    local: list[URIRef] = []
    dangling: list[URIRef] = []

    def noted() -> Iterator[tuple[Node, Pairs]]:
        for node, pairs in walk(lambda node: groups.get(node, _NONE), subject, DEPTH):
            if isinstance(node, URIRef):
                (local if pairs else dangling).append(node)
            yield node, pairs
    return description(noted()), tuple(local), tuple(dangling)


def _fingerprint(pairs: dict[URIRef, list[Node]]) -> int | None:
    """Equal for equal sets of (predicate, object); ``None`` with blank nodes, whose labels differ per
    page even when two pages say the same thing (and then the union has two copies). A 64-bit hash, kept
    instead of the set to bound memory: a collision (odds about 2**-64 per pair of descriptions) would
    keep a page-local mapping that misses the other page's triples of that one resource."""
    items = []
    for p, objects in pairs.items():
        for o in objects:
            if isinstance(o, BNode):
                return None
            items.append((p, o))
    return hash(frozenset(items))


__all__ = ["PageMapper"]
