"""Harvest a FAIR Data Point: the root, its catalogues, their datasets and the datasets' distributions.

An FDP publishes one RDF document per resource and links them: the root names its catalogues
(``fdp-o:metadataCatalog``; ``r3d:dataCatalog`` before FDP 1.0; ``ldp:contains`` of an LDP container),
a catalogue its datasets (``dcat:dataset``, or ``ldp:contains`` of its dataset container), a dataset its
distributions. The walk follows those links breadth first, asks for Turtle, and yields every document as
one page; the runner merges the pages into one graph, so a dataset described only in its own document
is mapped exactly like one described inline.

A pass is all or nothing. The runner withdraws every dataset of the node that a successful pass did not
produce, so a pass that skipped an unreadable catalogue or dataset document would silently withdraw
what it skipped. Every document the walk needs therefore stops the pass when it cannot be fetched or
parsed (the node keeps its earlier datasets until the document is repaired). The one exception is a
distribution that its dataset's document already describes: its own document only adds detail, so a
failure there is a warning. Distribution IRIs are often not metadata documents at all (download URLs,
landing pages), which is also why a distribution whose IRI is its own download or access URL is never
fetched.

Remote nodes can loop or grow without end, so every document is fetched at most once (URLs compared
without fragment, scheme and host case-insensitive), links back up the hierarchy (a dataset naming its
catalogue) are not followed, paging that repeats a page stops with a warning, and at most
``harvest_max_pages`` documents are fetched before the pass fails.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from catalogue.dcat.namespaces import DCAT, HYDRA, RDF
from catalogue.errors import HarvestError
from harvesters.base import Harvester, NodeSpec, Page, Progress
from harvesters.formats import LABELS, parse_document, triple_count
from harvesters.http import HttpClient, Response

FDP_O = Namespace("https://w3id.org/fdp/fdp-o#")
FDP_O_PURL = Namespace("http://purl.org/fdp/fdp-o#")  # the older namespace, still written by some FDPs
R3D = Namespace("http://www.re3data.org/schema/3-0#")
LDP = Namespace("http://www.w3.org/ns/ldp#")

ACCEPT = ", ".join([
    "text/turtle",
    "application/x-turtle;q=0.95",
    "application/ld+json;q=0.9",
    "application/rdf+xml;q=0.8",
    "application/n-triples;q=0.7",
    "application/trig;q=0.6",
    "application/n-quads;q=0.6",
    "*/*;q=0.1",  # an FDP without Turtle still answers; formats.py refuses HTML with a clear message
])

ROOT, CATALOGUE, DATASET, DISTRIBUTION = "root", "catalogue", "dataset", "distribution"
LINK_ROLES: dict[URIRef, str] = {
    FDP_O.metadataCatalog: CATALOGUE,
    FDP_O_PURL.metadataCatalog: CATALOGUE,
    R3D.dataCatalog: CATALOGUE,
    DCAT.catalog: CATALOGUE,
    DCAT.dataset: DATASET,
    DCAT.distribution: DISTRIBUTION,
}
# What a document may lead to. Links up the hierarchy (a dataset naming its catalogue or the root) are
# not followed: they can only lead back to documents of this pass or to other nodes' catalogues.
FOLLOWS: dict[str, frozenset[str]] = {
    ROOT: frozenset({CATALOGUE, DATASET}),  # DATASET: a node URL that is a plain catalogue
    CATALOGUE: frozenset({CATALOGUE, DATASET}),
    DATASET: frozenset({DATASET, DISTRIBUTION}),  # DATASET: members of a dataset series
    DISTRIBUTION: frozenset({DISTRIBUTION}),
}
# What ldp:contains lists when the container does not say (no ldp:hasMemberRelation)
CONTAINED = {ROOT: CATALOGUE, CATALOGUE: DATASET, DATASET: DISTRIBUTION, DISTRIBUTION: DISTRIBUTION}
CONTAINER_TYPES = (LDP.Container, LDP.BasicContainer, LDP.DirectContainer, LDP.IndirectContainer)
DATASET_TYPES = (DCAT.Dataset, DCAT.DatasetSeries)
# Resources that are never datasets, whatever else they are typed as (DCAT makes dcat:Catalog a
# subclass of dcat:Dataset, and some FDPs say so explicitly): mapping them would list a catalogue or
# the FDP itself as a dataset.
NOT_DATASET_TYPES = (DCAT.Catalog, DCAT.DataService, FDP_O.FAIRDataPoint, FDP_O.MetadataService,
                     FDP_O_PURL.FAIRDataPoint, FDP_O_PURL.MetadataService, R3D.Repository)
NEXT_PREDICATES = (LDP.nextPage, HYDRA.next, HYDRA.nextPage)  # ldp:nextPage: the LDP Paging drafts
PAGED_ROLES = frozenset({ROOT, CATALOGUE})
PROGRESS_EVERY = 100  # dataset / distribution documents between progress lines


@dataclass(frozen=True)
class _Target:
    """A document to fetch and why."""

    url: str  # what is fetched: the linked IRI without its fragment
    iri: str  # as linked
    role: str
    referrer: str | None  # the document that linked it
    page: bool = False  # a further page of the referrer (LDP paging), not a resource of its own
    contains: str | None = None  # for a page: what ldp:contains lists, decided on the first page
    described: bool = False  # a distribution that its dataset's document already describes


class FdpHarvester(Harvester):
    type = "fdp"

    def iter_pages(self, node: NodeSpec, progress: Progress | None = None) -> Iterator[Page]:
        self.warnings = []
        say = progress or (lambda _message: None)
        yield from _Walk(self, node, say).run()


class _Walk:
    """The state of one pass over one FDP."""

    def __init__(self, harvester: FdpHarvester, node: NodeSpec, say: Progress):
        self.harvester = harvester
        self.node = node
        self.say = say
        self.limit = harvester.settings.harvest_max_pages
        self.queue: deque[_Target] = deque()
        self.queued: set[str] = set()  # keys of every URL queued or fetched
        self.fetched: set[str] = set()  # keys of every URL fetched (requested and final)
        self.digests: dict[str, str] = {}  # body sha256 -> URL, to notice a page served twice
        self.not_datasets: set[URIRef] = set()  # the FDP and catalogues met so far (by their types)
        self.member_relations: dict[Node, URIRef] = {}  # LDP container -> its ldp:hasMemberRelation
        self.membership: dict[Node, tuple[Node, URIRef | None, URIRef | None]] = {}
        self.documents = 0
        self.counts: Counter[str] = Counter()
        self.cached = 0

    def run(self) -> Iterator[Page]:
        root_url = urldefrag(self.node.url.strip())[0]
        self.queued.add(_key(root_url))
        self.queue.append(_Target(url=root_url, iri=self.node.url.strip(), role=ROOT, referrer=None))
        with self.harvester.client() as client:
            while self.queue:
                page = self._visit(client, self.queue.popleft())
                if page is not None:
                    yield page
        if self.counts[CATALOGUE] == 0 and self.counts[DATASET] == 0:
            self.harvester.warn(self.say, f"the FAIR Data Point at {self.node.url} links to no catalogue "
                                          "(fdp-o:metadataCatalog, r3d:dataCatalog or ldp:contains)")
        parts = [f"{self.counts[role]} {role}(s)" for role in (CATALOGUE, DATASET, DISTRIBUTION)]
        if self.counts["page"]:
            parts.append(f"{self.counts['page']} further page(s)")
        self.say(f"{self.documents} document(s): " + ", ".join(parts) +
                 (f"; {self.cached} not modified" if self.cached else ""))

    # -------------------------------------------------------------------------------------------
    def _visit(self, client: HttpClient, target: _Target) -> Page | None:
        if _key(target.url) in self.fetched:  # reached earlier through a redirect from another URL
            return None
        if self.documents >= self.limit:
            raise HarvestError(
                f"stopped after {self.documents} documents; the FAIR Data Point at {self.node.url} links to "
                f"more (raise GDI_HARVEST_MAX_PAGES if it really publishes that many). The next would have "
                f"been {target.url} ({_what(target)})",
                details={"url": self.node.url, "documents": self.documents, "next": target.url})
        response = self._fetch(client, target)
        self.documents += 1
        self.fetched.add(_key(target.url))
        if response is None:
            return None
        final = _key(response.url)
        if final != _key(target.url):
            if final in self.fetched:
                return None  # two IRIs for one document (a persistent IRI redirecting, say)
            self.fetched.add(final)
            self.queued.add(final)
        digest = hashlib.sha256(response.content).hexdigest()
        if target.page and digest in self.digests:
            self.harvester.warn(self.say, f"{response.url} (linked as the next page of {target.referrer}) has "
                                          f"the same content as {self.digests[digest]}; stopped paging there "
                                          "(does the node ignore its paging parameter?)")
            return None
        self.digests.setdefault(digest, response.url)
        parsed = self._parse(target, response)
        if parsed is None:
            return None
        graph, fmt = parsed
        # A cached copy comes back with its Link header (harvesters.base.DocumentCache): paging survives 304s.
        headers: Mapping[str, str] = response.headers
        self._apply_membership(graph)
        if target.role == DATASET and not target.page and self._describes_catalogue(graph, target, response):
            target = _Target(url=target.url, iri=target.iri, role=CATALOGUE, referrer=target.referrer)
        self._unmark_non_datasets(graph)
        if target.role == DATASET and not target.page:
            self._ensure_dataset_type(graph, target, response)
        contains = target.contains if target.page else self._contained_role(graph, target, response)
        self._follow(graph, target, response, contains)
        self._follow_next(graph, headers, target, response, contains)
        triples = triple_count(graph)
        self.counts["page" if target.page else target.role] += 1
        self.cached += response.from_cache
        if target.role in PAGED_ROLES or target.page or self.documents % PROGRESS_EVERY == 0:
            self.say(f"document {self.documents} ({_what(target)}) {response.url}: {triples} triples "
                     f"({LABELS[fmt]}){', not modified' if response.from_cache else ''}")
        if triples == 0:
            self.harvester.warn(self.say, f"{response.url} ({_what(target)}) contains no RDF triples")
        return Page(url=response.url, graph=graph, format=fmt, triples=triples, not_modified=response.from_cache)

    def _fetch(self, client: HttpClient, target: _Target) -> Response | None:
        try:
            return self.harvester.fetch(client, target.url, ACCEPT)
        except HarvestError as exc:
            return self._fail(target, exc)

    def _parse(self, target: _Target, response: Response) -> tuple[Graph, str] | None:
        try:
            return parse_document(response.content, content_type=response.content_type, url=response.url,
                                  base_iri=response.url, charset=response.charset)
        except HarvestError as exc:
            return self._fail(target, exc)

    def _fail(self, target: _Target, exc: HarvestError) -> None:
        """Stop the pass, unless the document is a distribution its dataset already describes."""
        source = f" (linked from {target.referrer})" if target.referrer else ""
        if target.role == DISTRIBUTION and target.described:
            self.harvester.warn(self.say, f"distribution {target.url}{source} could not be read, so the "
                                          f"description in its dataset's document was used: {exc.message}")
            return None
        if target.role == ROOT and not target.page:
            consequence = "check the node URL; the node's earlier datasets were kept"
        elif target.role == DATASET and not target.page:
            consequence = ("the pass was stopped, because completing it without this dataset would withdraw "
                           "it; the node's earlier datasets were kept. Repair the document or unlist the dataset")
        elif target.role == DISTRIBUTION:
            consequence = ("the pass was stopped rather than publish the dataset without this distribution; "
                           "the node's earlier datasets were kept")
        else:
            consequence = ("the pass was stopped, because completing it without this document would withdraw "
                           "the datasets it lists; the node's earlier datasets were kept")
        raise HarvestError(f"cannot read the FAIR Data Point {_what(target)} {target.url}{source}: {exc.message}. "
                           f"{consequence[0].upper()}{consequence[1:]}.",
                           details={**exc.details, "url": target.url, "role": target.role,
                                    "referrer": target.referrer}) from exc

    # Graph fixes -------------------------------------------------------------------------------
    def _apply_membership(self, graph: Graph) -> None:
        """Write out the membership triples an LDP direct container implies.

        ``<container> ldp:membershipResource <catalogue>; ldp:hasMemberRelation dcat:dataset;
        ldp:contains <d>`` means ``<catalogue> dcat:dataset <d>``; FDPs do not always repeat it. Only
        relations the walk understands are written. Later pages of a container often omit the
        configuration, so it is remembered across documents.
        """
        for container, member in graph.subject_objects(LDP.membershipResource):
            has = graph.value(container, LDP.hasMemberRelation)
            is_of = graph.value(container, LDP.isMemberOfRelation)
            self.membership[container] = (member, has if has in LINK_ROLES else None,
                                          is_of if is_of in LINK_ROLES else None)
        for container, has in graph.subject_objects(LDP.hasMemberRelation):
            if isinstance(has, URIRef):
                self.member_relations[container] = has
        for container, item in list(graph.subject_objects(LDP.contains)):
            member, has, is_of = self.membership.get(container, (None, None, None))
            if member is None:
                continue
            if has is not None:
                graph.add((member, has, item))
            if is_of is not None:
                graph.add((item, is_of, member))

    def _describes_catalogue(self, graph: Graph, target: _Target, response: Response) -> bool:
        """A "dataset" link that leads to a catalogue (a sub-catalogue listed with dcat:dataset)."""
        subject = _own_subject(graph, target, response)
        return subject is not None and (subject, RDF.type, DCAT.Catalog) in graph

    def _unmark_non_datasets(self, graph: Graph) -> None:
        """Keep the FDP itself and its catalogues out of the dataset list, whatever else they are typed as.

        Resources are remembered across documents, so a dataset document that mentions its catalogue
        as a dcat:Dataset does not make it one either.
        """
        for kind in NOT_DATASET_TYPES:
            self.not_datasets.update(s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef))
        for kind in DATASET_TYPES:
            for subject in list(graph.subjects(RDF.type, kind)):
                if subject in self.not_datasets:
                    graph.remove((subject, RDF.type, kind))

    def _ensure_dataset_type(self, graph: Graph, target: _Target, response: Response) -> None:
        """Type the dataset its own document describes, in case only the link that led here said it is one.

        The mapping finds datasets by type or by a dcat:dataset link. A dataset that its document leaves
        untyped and that is listed only by an LDP container naming no member relation has neither, and
        would be lost without a trace.
        """
        subject = _own_subject(graph, target, response)
        if subject is not None:
            if subject in self.not_datasets or _is_container_only(graph, subject):
                return
            if not any((subject, RDF.type, kind) in graph for kind in DATASET_TYPES):
                graph.add((subject, RDF.type, DCAT.Dataset))
            return
        if any(True for kind in DATASET_TYPES for _ in graph.subjects(RDF.type, kind)):
            return  # the document names the dataset differently; its own typing is used
        raise HarvestError(
            f"the FAIR Data Point dataset document {response.url} (linked from {target.referrer}) describes "
            f"neither <{target.iri}> nor any other dcat:Dataset. The pass was stopped, because completing it "
            "would withdraw the dataset; the node's earlier datasets were kept.",
            details={"url": response.url, "role": DATASET, "referrer": target.referrer})

    # Links -------------------------------------------------------------------------------------
    def _contained_role(self, graph: Graph, target: _Target, response: Response) -> str:
        """What ldp:contains lists in this document when its container does not say.

        A document that is itself only an LDP container (a ``/catalog/`` listing, say) lists resources
        of the kind it was linked as; otherwise a container lists the next level down.
        """
        if target.role != ROOT:
            own = _own_subject(graph, target, response)
            if own is not None and _is_container_only(graph, own):
                return target.role
        return CONTAINED[target.role]

    def _follow(self, graph: Graph, target: _Target, response: Response, contains: str) -> None:
        allowed = FOLLOWS[target.role]
        for predicate, role in LINK_ROLES.items():
            if role in allowed:
                for obj in sorted(graph.objects(None, predicate)):
                    self._enqueue(graph, obj, role, response.url)
        for container, obj in sorted(graph.subject_objects(LDP.contains)):
            relation = self.member_relations.get(container)
            role = LINK_ROLES.get(relation) if relation is not None else None
            if role is None and (container, RDF.type, DCAT.DatasetSeries) in graph:
                role = DATASET
            role = role or contains
            if role in allowed:
                self._enqueue(graph, obj, role, response.url)

    def _enqueue(self, graph: Graph, obj: Node, role: str, referrer: str) -> None:
        if not isinstance(obj, URIRef):
            return  # a blank node or literal is described in place, if at all
        iri = str(obj)
        url = urldefrag(iri)[0]
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            return
        key = _key(url)
        if key in self.queued:
            return  # fetched or queued already: a cycle, or a dataset listed by two catalogues
        described = False
        if role == DISTRIBUTION:
            if obj in set(graph.objects(obj, DCAT.downloadURL)) | set(graph.objects(obj, DCAT.accessURL)):
                return  # the distribution's IRI is the data itself, not a metadata document
            described = any(p != RDF.type for p in graph.predicates(obj, None))
        self.queued.add(key)
        self.queue.append(_Target(url=url, iri=iri, role=role, referrer=referrer, described=described))

    def _follow_next(self, graph: Graph, headers: Mapping[str, str], target: _Target, response: Response,
                     contains: str) -> None:
        """Queue the next page of a paged document: Link rel="next" (LDP Paging) or a next triple."""
        targets = next_links(headers.get("Link"), response.url)
        for predicate in NEXT_PREDICATES:
            for obj in graph.objects(None, predicate):
                if obj == RDF.nil:  # the LDP Paging drafts' "no next page"
                    continue
                if isinstance(obj, URIRef | Literal) and str(obj).strip():
                    targets.append(urljoin(response.url, str(obj).strip()))
        for url in dict.fromkeys(urldefrag(t)[0] for t in targets):
            if urlsplit(url).scheme.lower() not in ("http", "https"):
                continue
            key = _key(url)
            if key in self.fetched:
                self.harvester.warn(self.say, f"{response.url} links to {url} as its next page, which was "
                                              "already fetched; stopped paging there (paging loop in the node)")
                continue
            if key in self.queued:
                continue
            self.queued.add(key)
            self.queue.append(_Target(url=url, iri=url, role=target.role, referrer=response.url, page=True,
                                      contains=contains))


# Helpers ---------------------------------------------------------------------------------------
def _own_subject(graph: Graph, target: _Target, response: Response) -> URIRef | None:
    """The resource a document is about: the IRI it was linked as, or the URL it was served from."""
    for candidate in dict.fromkeys((target.iri, response.url, target.url)):
        subject = URIRef(candidate)
        if (subject, None, None) in graph:
            return subject
    return None


def _is_container_only(graph: Graph, subject: Node) -> bool:
    """An LDP container that is not also a catalogue, dataset or distribution."""
    types = set(graph.objects(subject, RDF.type))
    return bool(types & set(CONTAINER_TYPES)) and not any(str(t).startswith(str(DCAT)) for t in types)


def _what(target: _Target) -> str:
    return f"{target.role} page" if target.page else target.role


def _key(url: str) -> str:
    """Compare URLs as a server would: scheme and host case-insensitive, default port and fragment dropped."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number: compare the text
        return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def next_links(header: str | None, base: str) -> list[str]:
    """Absolute targets of ``rel="next"`` in a Link header (RFC 8288), in order.

    Links with an ``anchor`` naming another resource describe that resource, not this document, and
    are skipped.
    """
    found: list[str] = []
    if not header:
        return found
    for value in _split(header, ","):
        value = value.strip()
        if not value.startswith("<") or ">" not in value:
            continue
        end = value.index(">")
        target = value[1:end].strip()
        params: dict[str, str] = {}
        for param in _split(value[end + 1:], ";"):
            name, _, raw = param.partition("=")
            name = name.strip().lower().rstrip("*")
            raw = raw.strip()
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            if name and name not in params:  # RFC 8288: later occurrences of rel are ignored
                params[name] = raw
        rels = {r.lower() for r in params.get("rel", "").split()}
        if "next" not in rels:
            continue
        anchor = params.get("anchor")
        if anchor is not None and _key(urljoin(base, anchor)) != _key(base):
            continue
        found.append(urljoin(base, target))
    return found


def _split(text: str, separator: str) -> list[str]:
    """Split at ``separator`` outside double quotes and angle brackets."""
    parts: list[str] = []
    current: list[str] = []
    quoted = bracket = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"' and not bracket:
            quoted = not quoted
        elif char == "<" and not quoted:
            bracket = True
        elif char == ">" and not quoted:
            bracket = False
        elif char == separator and not quoted and not bracket:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


__all__ = ["ACCEPT", "FdpHarvester", "next_links"]
