"""Harvest a DCAT-AP catalogue published as one RDF document or as Hydra-paged documents.

Large CKAN-based nodes (ckanext-dcat) and others page their catalogue with Hydra. Paging is where a
remote node can make a harvest wrong without any error, so it is guarded: a next link that was
already fetched or a page identical to an earlier one ends paging with a warning, and a node that
keeps paging past ``harvest_max_pages`` fails the harvest rather than publishing a partial catalogue
as if it were complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from catalogue.dcat.namespaces import DCAT, HYDRA, RDF
from catalogue.errors import HarvestError
from harvesters.base import Harvester, NodeSpec, Page, Progress
from harvesters.formats import LABELS, parse_document, triple_count

ACCEPT = ", ".join([
    "text/turtle",
    "application/x-turtle;q=0.95",
    "application/rdf+xml;q=0.9",
    "application/ld+json;q=0.8",
    "application/n-triples;q=0.7",
    "application/trig;q=0.6",
    "application/n-quads;q=0.6",
    "application/xml;q=0.5",
    "text/xml;q=0.5",
    "*/*;q=0.1",  # some servers answer 406 without it; formats.py sorts out what comes back
])
NEXT_PREDICATES = (HYDRA.next, HYDRA.nextPage)  # nextPage: the older Hydra term ckanext-dcat still writes
COLLECTION_TYPES = (HYDRA.PartialCollectionView, HYDRA.PagedCollection)


class DcatHarvester(Harvester):
    type = "dcat"

    def iter_pages(self, node: NodeSpec, progress: Progress | None = None) -> Iterator[Page]:
        self.warnings = []
        say = progress or (lambda _message: None)
        limit = self.settings.harvest_max_pages
        fetched: set[str] = set()
        digests: dict[str, int] = {}
        datasets = 0
        number = 0
        url: str | None = node.url
        with self.client() as client:
            while url is not None:
                if number >= limit:
                    raise HarvestError(
                        f"stopped after {number} pages; the node keeps paging (raise GDI_HARVEST_MAX_PAGES if "
                        f"that is expected). The next page would have been {url}",
                        details={"url": node.url, "pages": number, "next": url})
                fetched.add(_key(url))
                response = self.fetch(client, url, ACCEPT)
                fetched.add(_key(response.url))
                digest = hashlib.sha256(response.content).hexdigest()
                if digest in digests:
                    self.warn(say, f"page {number + 1} ({url}) has the same content as page {digests[digest]}; "
                                    "stopped paging there (does the node ignore its paging parameter?)")
                    return
                digests[digest] = number + 1
                graph, fmt = parse_document(response.content, content_type=response.content_type,
                                            url=response.url, base_iri=response.url, charset=response.charset)
                number += 1
                triples = triple_count(graph)
                next_url, total = self._paging(graph, response.url, say)
                datasets += len(set(graph.subjects(RDF.type, DCAT.Dataset)))
                message = f"page {number}: {triples} triples ({LABELS[fmt]})"
                if total is not None:
                    message += f", {datasets} of {total} datasets"
                say(message)
                if triples == 0:
                    self.warn(say, f"page {number} ({response.url}) contains no RDF triples")
                yield Page(url=response.url, graph=graph, format=fmt, triples=triples, not_modified=response.from_cache)
                if next_url is not None and _key(next_url) in fetched:
                    self.warn(say, f"page {number} ({response.url}) links to {next_url} as its next page, which "
                                    "was already fetched; stopped paging there (paging loop in the node)")
                    next_url = None
                url = next_url

    def _paging(self, graph: Graph, page_url: str, say: Progress) -> tuple[str | None, int | None]:
        """The next page's URL and hydra:totalItems, if the page says.

        Next links on a typed collection/view win over ones on any other subject; a link on the
        subject that names this page wins over one naming another page (some nodes embed several).
        """
        typed = {s for t in COLLECTION_TYPES for s in graph.subjects(RDF.type, t)}
        links: list[tuple[Node, str]] = []
        for predicate in NEXT_PREDICATES:
            for subject, obj in graph.subject_objects(predicate):
                target = _link(obj, page_url)
                if target is not None:
                    links.append((subject, target))
        total = _total(graph, typed)
        if not links:
            return None, total
        preferred = [link for link in links if link[0] in typed] or links
        here = [link for link in preferred if isinstance(link[0], URIRef) and _key(str(link[0])) == _key(page_url)]
        targets = sorted({target for _, target in (here or preferred)})
        if len(targets) > 1:
            self.warn(say, f"{page_url} gives {len(targets)} different next pages ({', '.join(targets[:3])}); "
                            f"following {targets[0]}")
        return targets[0], total



def _link(obj: Node, page_url: str) -> str | None:
    """A next link as an absolute http(s) URL: ckanext-dcat writes it as a literal, Hydra as an IRI."""
    if isinstance(obj, BNode):
        return None
    value = str(obj).strip()
    if not value:
        return None
    if isinstance(obj, Literal | URIRef):
        value = urljoin(page_url, value)
    return value if urlsplit(value).scheme in ("http", "https") else None


def _total(graph: Graph, typed: set[Node]) -> int | None:
    values = [(s in typed, o) for s, o in graph.subject_objects(HYDRA.totalItems)]
    for _, value in sorted(values, key=lambda v: not v[0]):
        try:
            return int(str(value).strip())
        except ValueError:
            continue
    return None


def _key(url: str) -> str:
    """Compare URLs as a server would: scheme and host case-insensitive, no fragment."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
