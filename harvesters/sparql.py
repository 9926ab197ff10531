"""Harvest a node that publishes its catalogue through a SPARQL 1.1 query endpoint.

Two kinds of query. A SELECT lists dataset IRIs in a stable order (``ORDER BY ?dataset LIMIT n
OFFSET k``), many at a time; then one CONSTRUCT per page describes exactly the datasets of that page
(``VALUES``), and each answer is one :class:`Page`. A single CONSTRUCT around a sub-select would save a
round trip, but then the harvester would not know which datasets a page was meant to hold. Knowing it is
what makes paging safe against endpoints that get it wrong: a list of datasets already seen (an endpoint
ignoring OFFSET) stops paging, a list cut short while datasets remain (a server capping result rows) is
continued in steps of the cap, a description that comes back without some of its datasets is asked for
again in smaller parts, and at the end the number of distinct datasets seen is checked against the
endpoint's own COUNT. A short list is never harvested as if it were the whole catalogue, because the
runner would withdraw every dataset missing from it.

Which graphs are read. Where the triples are depends on the store's set-up, not on the publisher's
intent: Fuseki and Oxigraph keep the default graph apart from the named graphs unless configured
otherwise (``tdb:unionDefaultGraph``), while Virtuoso and GraphDB query all graphs by default, and
loading each catalogue into a named graph of its own is common. Every triple pattern is therefore matched
in the default graph *and* in any named graph (``{ P } UNION { GRAPH ?g { P } }``), hop by hop, so that
datasets are found in either set-up with nothing to configure on the node's side, and a description split
over graphs (datasets in the catalogue's graph, agents in a shared one) is joined up, just as a union
default graph would join it. Where the default graph already is the union, both branches find the same
triples and the CONSTRUCT result, a set, absorbs the repeat. The price: a store that keeps other material
in named graphs (drafts, old versions) has it merged in. Such a node should expose an endpoint that
covers only what it wants harvested.

How much is fetched. The profile (``catalogue.dcat.profile``) reads the dataset's own triples, the
resources it links to (distributions, publisher, contact point, period, HDAB, purpose...), and a few
things one hop further: an agent's contact point, a contact point's telephone, the start and end of a
``time:Interval``. So the description reaches three hops. Hop 2 takes the triples of every IRI or blank
node the dataset links to, except classes (``rdf:type``). Hop 3 follows only blank nodes, which belong
to the description that holds them, and the few predicates in ``NESTED_PREDICATES``. Following shared
IRIs any further would pull in whole vocabularies through ``skos:inScheme`` and friends, once per dataset.
A linked resource that is itself a dataset (``dct:relation``, ``dct:hasPart``) is not expanded: it has a
page of its own, and its blank nodes, fetched twice, would come back as two copies. For the same reason
the blank nodes of shared resources (a publisher's contact point) are kept from the first page that
carries them only.

Blank-node datasets cannot be asked for again by identity in a later query, so they cannot be paged.
They are skipped and counted in a warning that tells the node to give them IRIs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from catalogue.errors import HarvestError
from harvesters.base import Harvester, NodeSpec, Page, Progress
from harvesters.formats import HTML_MEDIA_TYPES, LABELS, parse_document, triple_count
from harvesters.http import HttpClient, Response, html_summary, sanitise

PAGE_SIZE = 100  # datasets described per CONSTRUCT (one Page each); see SparqlHarvester.page_size
LIST_SIZE = 10_000  # dataset IRIs listed per SELECT; see SparqlHarvester.list_size
SELECT_ACCEPT = "application/sparql-results+json, application/json;q=0.8"
CONSTRUCT_ACCEPT = ", ".join([
    "text/turtle",
    "application/n-triples;q=0.9",
    "application/rdf+xml;q=0.5",
    "application/ld+json;q=0.4",
])

PREFIXES = """\
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# Hop 3 follows these from IRIs too (blank nodes are always followed).
NESTED_PREDICATES: tuple[str, ...] = (
    "http://data.europa.eu/m8g/contactPoint",  # an agent's (cv:) contact point
    "http://www.w3.org/ns/dcat#contactPoint",
    "http://www.w3.org/2006/vcard/ns#hasTelephone",
    "http://www.w3.org/2006/vcard/ns#hasEmail",
    "http://www.w3.org/2006/vcard/ns#hasAddress",
    "http://www.w3.org/2006/time#hasBeginning",
    "http://www.w3.org/2006/time#hasEnd",
    "http://spdx.org/rdf/terms#checksum",
    "http://www.w3.org/ns/oa#hasBody",  # a quality annotation's body
)

# An IRI that cannot be written as <...> in a query (SPARQL's IRIREF excludes these characters).
_UNQUOTABLE = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_STATUS_MESSAGE = re.compile(r"^HTTP (?P<status>\d{3})\b.*? from \S+?(?:: (?P<body>.*?))?(?: \(after \d+ retr\w+\))?$",
                             re.S)
_HTML_START = re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)


def any_graph(subject: str, predicate: str, obj: str, graph: str) -> str:
    """A triple pattern matched in the default graph or in any named graph (``?graph`` names it)."""
    triple = f"{subject} {predicate} {obj}"
    return f"{{ {triple} }} UNION {{ GRAPH ?{graph} {{ {triple} }} }}"


# What counts as a dataset: the subjects catalogue.dcat.profile.dataset_subjects maps, i.e. typed ones and
# untyped ones a catalogue lists and that have a title or identifier (a bare link describes nothing).
DATASET_PATTERN = (
    "{ " + any_graph("?dataset", "a", "?datasetType", "gType")
    + " VALUES ?datasetType { dcat:Dataset dcat:DatasetSeries } }\n"
    "  UNION { " + any_graph("?listedBy", "dcat:dataset", "?dataset", "gListed") + "\n    "
    + any_graph("?dataset", "dct:title|dct:identifier", "?label", "gLabel") + " }"
)


class SparqlHarvester(Harvester):
    type = "sparql"
    # Datasets per description query. Small enough that a page of rich descriptions stays under
    # Virtuoso's default cap of 10,000 result rows; larger pages save little, since each CONSTRUCT
    # is a batch of index lookups.
    page_size: int = PAGE_SIZE
    # IRIs per list query. Every list query makes the server find and sort all datasets again, so
    # listing page by page would cost O(n²) for n datasets; long lists keep that to a few queries
    # (10,000 is, again, Virtuoso's default cap; a lower cap is detected and followed).
    list_size: int = LIST_SIZE
    # Read timeout for one query, in seconds; None uses settings.harvest_timeout.
    query_timeout: float | None = None
    dataset_pattern: str = DATASET_PATTERN  # binds ?dataset; a node-specific harvester may narrow it

    # Queries -------------------------------------------------------------------------------------
    def count_query(self) -> str:
        return (PREFIXES + "SELECT ?blank (COUNT(DISTINCT ?dataset) AS ?datasets) WHERE {\n  "
                + self.dataset_pattern + "\n  FILTER(!isLiteral(?dataset))\n  BIND(isBlank(?dataset) AS ?blank)\n"
                "} GROUP BY ?blank")

    def list_query(self, offset: int, size: int) -> str:
        return (PREFIXES + "SELECT DISTINCT ?dataset WHERE {\n  " + self.dataset_pattern
                + "\n  FILTER(isIRI(?dataset))\n}\n" + f"ORDER BY ?dataset LIMIT {int(size)} OFFSET {int(offset)}")

    def describe_query(self, iris: Sequence[str]) -> str:
        values = "\n    ".join(f"<{iri}>" for iri in iris)
        nested = ", ".join(f"<{p}>" for p in NESTED_PREDICATES)
        return PREFIXES + f"""CONSTRUCT {{
  ?listedBy dcat:dataset ?dataset .
  ?dataset ?p0 ?o0 .
  ?o0 ?p1 ?o1 .
  ?o1 ?p2 ?o2 .
}}
WHERE {{
  VALUES ?dataset {{
    {values}
  }}
  {{
    {any_graph("?dataset", "?p0", "?o0", "g0")}
    OPTIONAL {{
      FILTER(!isLiteral(?o0) && ?p0 != rdf:type)
      FILTER NOT EXISTS {{
        {any_graph("?o0", "a", "dcat:Dataset", "gLinked")}
        UNION {any_graph("?o0", "a", "dcat:DatasetSeries", "gLinked")}
      }}
      {any_graph("?o0", "?p1", "?o1", "g1")}
      OPTIONAL {{
        FILTER(isBlank(?o1) || ?p1 IN ({nested}))
        {any_graph("?o1", "?p2", "?o2", "g2")}
      }}
    }}
  }} UNION {{
    {any_graph("?listedBy", "dcat:dataset", "?dataset", "gListed")}
  }}
}}"""

    # Harvesting ----------------------------------------------------------------------------------
    def iter_pages(self, node: NodeSpec, progress: Progress | None = None) -> Iterator[Page]:
        self.warnings = []
        say = progress or (lambda _message: None)
        endpoint = node.url
        size = max(1, int(self.page_size))
        listing = max(size, int(self.list_size))
        limit = self.settings.harvest_max_pages
        with self.client() as client:
            total, blank = self._count(client, endpoint)
            if blank:
                self.warn(say, f"{blank} dataset(s) at {endpoint} are blank nodes: a SPARQL harvest can only page "
                               "through datasets with IRIs, so they were skipped (give them IRIs)")
            say(f"{total} dataset(s) with IRIs at {endpoint}; pages of {size}")
            if total > limit * size:
                raise HarvestError(
                    f"{endpoint} counts {total} datasets, more than {limit} pages of {size} "
                    "(raise GDI_HARVEST_MAX_PAGES if that is expected)",
                    details={"url": endpoint, "datasets": total})
            seen: set[str] = set()
            shared: set[str] = set()  # resources outside the datasets whose blank nodes a page carried
            offset = 0
            number = 0
            stopped: str | None = None
            while True:
                span = f"datasets {offset + 1}-{offset + listing}"
                iris = self._list(client, endpoint, offset, listing, span)
                if not iris:
                    break
                fresh = [iri for iri in dict.fromkeys(iris) if iri not in seen]
                if not fresh:
                    stopped = f"the list of {span} repeated datasets listed before (does the endpoint ignore OFFSET?)"
                    self.warn(say, f"{stopped}; stopped paging there")
                    break
                seen.update(fresh)
                quotable = [iri for iri in fresh if not _UNQUOTABLE.search(iri)]
                if len(quotable) < len(fresh):
                    odd = next(iri for iri in fresh if _UNQUOTABLE.search(iri))
                    self.warn(say, f"{len(fresh) - len(quotable)} dataset IRI(s) in {span} contain characters a "
                                   f"SPARQL query cannot quote (e.g. {sanitise(odd, 120)!r}); skipped")
                for start in range(0, len(quotable), size):
                    batch = quotable[start:start + size]
                    first = len(seen) - len(fresh) + start + 1
                    for graph, fmt, part_first, count in self._describe(client, endpoint, batch, first, say):
                        if number >= limit:
                            raise HarvestError(
                                f"stopped after {number} pages; {endpoint} has more to harvest than "
                                f"GDI_HARVEST_MAX_PAGES={limit} pages of up to {size} datasets",
                                details={"url": endpoint, "pages": number})
                        number += 1
                        _drop_repeated_blank_nodes(graph, set(batch), shared)
                        triples = triple_count(graph)
                        say(f"page {number}: datasets {part_first}-{part_first + count - 1} of {total}, "
                            f"{triples} triples ({LABELS.get(fmt, fmt)})")
                        yield Page(url=endpoint, graph=graph, format=fmt, triples=triples)
                offset += len(iris)
                if len(iris) < listing:
                    if len(seen) >= total:
                        break
                    # Fewer rows than asked for, yet datasets remain: the endpoint caps result sizes.
                    self.warn(say, f"the list of {span} stopped after {len(iris)} rows with {total - len(seen)} "
                                   f"dataset(s) to go; listing on in steps of {len(iris)} (the endpoint seems to "
                                   "cap result sizes)")
                    listing = len(iris)
            self._check_complete(client, endpoint, len(seen), total, stopped)

    def _count(self, client: HttpClient, endpoint: str) -> tuple[int, int]:
        """(datasets with IRIs, blank-node datasets) at the endpoint."""
        rows = self._select(client, endpoint, self.count_query(), "count")
        iris = blank = 0
        for row in rows:
            try:
                number = int(float(row["datasets"]["value"]))
            except (KeyError, TypeError, ValueError):
                raise HarvestError(f"{endpoint} answered the count query without a number of datasets "
                                   f"({sanitise(json.dumps(row), 160)})", details={"url": endpoint}) from None
            is_blank = str(row.get("blank", {}).get("value", "")).strip().lower() in ("true", "1")
            if is_blank:
                blank += number
            else:
                iris += number
        return iris, blank

    def _list(self, client: HttpClient, endpoint: str, offset: int, size: int, span: str) -> list[str]:
        rows = self._select(client, endpoint, self.list_query(offset, size), f"list of {span}")
        iris = []
        for row in rows:
            term = row.get("dataset")
            if isinstance(term, dict) and term.get("type") == "uri" and isinstance(term.get("value"), str):
                iris.append(term["value"])
        return iris

    def _describe(self, client: HttpClient, endpoint: str, iris: list[str], first: int, say: Progress,
                  warned: bool = False) -> Iterator[tuple[Graph, str, int, int]]:
        """(graph, format, number of the first dataset, datasets) for ``iris``, in as many parts as needed.

        An answer that lacks some of the datasets it was asked for was cut off by the server (Virtuoso's
        ResultSetMaxRows caps a CONSTRUCT at 10,000 triples by default, silently), or the datasets went
        away meanwhile: the half-batches are asked for again, down to single datasets.
        """
        if not iris:
            return
        what = f"description of datasets {first}-{first + len(iris) - 1}"
        response = self._post(client, endpoint, self.describe_query(iris), CONSTRUCT_ACCEPT, what)
        graph, fmt = self._graph(response, endpoint, what)
        missing = [iri for iri in iris if not _described(graph, iri)]
        if not missing:
            yield graph, fmt, first, len(iris)
            return
        if len(iris) == 1:
            raise HarvestError(
                f"{endpoint} lists the dataset {iris[0]} but its description query returns nothing about it; "
                "was it deleted during the harvest? Harvest again", details={"url": endpoint, "dataset": iris[0]})
        if not warned:
            self.warn(say, f"the answer to the {what} query lacks {len(missing)} of its {len(iris)} datasets "
                           f"(e.g. {missing[0]}); asking for them in smaller parts (does the endpoint cut "
                           "results off at a row limit?)")
        half = len(iris) // 2
        yield from self._describe(client, endpoint, iris[:half], first, say, True)
        yield from self._describe(client, endpoint, iris[half:], first + half, say, True)

    def _check_complete(self, client: HttpClient, endpoint: str, seen: int, total: int, stopped: str | None) -> None:
        """Refuse a pass that saw fewer datasets than the endpoint counts: the rest would be withdrawn."""
        if seen >= total:
            return
        total, _ = self._count(client, endpoint)  # datasets may have been deleted while paging
        if seen >= total:
            return
        why = f" ({stopped})" if stopped else ""
        raise HarvestError(
            f"paging through {endpoint} gave {seen} distinct datasets, but the endpoint counts {total}{why}. "
            "A partial list is not harvested (no dataset was withdrawn): the endpoint must answer "
            "'ORDER BY ... LIMIT/OFFSET' queries completely and consistently; check result row limits such "
            "as Virtuoso's ResultSetMaxRows", details={"url": endpoint, "seen": seen, "counted": total})

    # HTTP --------------------------------------------------------------------------------------
    def _timeout(self) -> float:
        return float(self.query_timeout if self.query_timeout is not None else self.settings.harvest_timeout)

    def _post(self, client: HttpClient, endpoint: str, query: str, accept: str, what: str) -> Response:
        """POST the query as a form (the encoding every SPARQL 1.1 endpoint takes); errors explained."""
        try:
            return client.post(endpoint, {"query": query}, accept=accept, timeout=self._timeout())
        except HarvestError as exc:
            raise HarvestError(self._explain(endpoint, what, exc), details={**exc.details, "url": endpoint,
                                                                           "query": what}) from None

    def _explain(self, endpoint: str, what: str, exc: HarvestError) -> str:
        match = _STATUS_MESSAGE.match(exc.message)
        status = int(match.group("status")) if match else exc.details.get("status")
        body = (match.group("body") or "").strip() if match else ""
        said = f": {body}" if body else ""
        if status in (404, 410):
            return (f"no SPARQL endpoint at {endpoint}: HTTP {status} to the {what} query{said}. The node URL must be "
                    "the SPARQL query endpoint itself (for Fuseki: http://host:3030/<dataset>/sparql)")
        if status in (405, 501):
            return (f"{endpoint} is not a SPARQL endpoint: it does not take queries by HTTP POST "
                    f"(HTTP {status}{said}). The node URL must be the SPARQL 1.1 query endpoint")
        if status in (401, 403, 407):
            return (f"the SPARQL endpoint {endpoint} refused the {what} query (HTTP {status}{said}); the harvester "
                    "needs an endpoint that anyone can query")
        if status in (502, 503, 504):
            return (f"the SPARQL endpoint {endpoint} is unavailable: HTTP {status} to the {what} query{said}; "
                    "try again later")
        if status is not None:  # 400, and 500 from servers (Virtuoso) that report query errors so
            return (f"the SPARQL endpoint {endpoint} rejected the {what} query (HTTP {status}{said}); the harvester "
                    "needs SPARQL 1.1 (VALUES, GRAPH, COUNT)")
        if exc.message.startswith("timeout after") or "took too long" in exc.message:
            return (f"the SPARQL endpoint {endpoint} did not answer the {what} query within {self._timeout():g} s "
                    f"({exc.message}); raise GDI_HARVEST_TIMEOUT if the endpoint is just slow")
        return f"the {what} query to {endpoint} failed: {exc.message}"

    def _select(self, client: HttpClient, endpoint: str, query: str, what: str) -> list[dict[str, Any]]:
        response = self._post(client, endpoint, query, SELECT_ACCEPT, what)
        self._refuse_html(response, endpoint, what)
        try:
            data = json.loads(response.content.decode(response.charset or "utf-8"))
            bindings = data["results"]["bindings"]
            if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
                raise TypeError("bindings is not a list of objects")
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            start = sanitise(response.content[:200].decode("utf-8", errors="replace"), 100)
            raise HarvestError(
                f"{endpoint} answered the {what} query with {response.content_type or 'an untyped body'} that is "
                f"not SPARQL JSON results ({sanitise(str(exc), 80)}; it starts {start!r})",
                details={"url": endpoint, "query": what}) from None
        return bindings

    def _graph(self, response: Response, endpoint: str, what: str) -> tuple[Graph, str]:
        self._refuse_html(response, endpoint, what)
        try:
            return parse_document(response.content, content_type=response.content_type, url=endpoint,
                                  base_iri=endpoint, charset=response.charset)
        except HarvestError as exc:
            raise HarvestError(f"the answer to the {what} query is not usable RDF: {exc.message}",
                               details={**exc.details, "url": endpoint, "query": what}) from None

    @staticmethod
    def _refuse_html(response: Response, endpoint: str, what: str) -> None:
        if response.content_type in HTML_MEDIA_TYPES or _HTML_START.match(response.content[:4096]):
            title = sanitise(html_summary(response.content[:65536].decode("utf-8", errors="replace")), 80)
            raise HarvestError(
                f"{endpoint} is not a SPARQL endpoint: it answered the {what} query with an HTML page "
                f"({title or 'untitled page'}). The node URL must be the SPARQL 1.1 query endpoint "
                "(for Fuseki: http://host:3030/<dataset>/sparql)", details={"url": endpoint, "query": what})


def _described(graph: Graph, iri: str) -> bool:
    """Every listed dataset has triples of its own (DATASET_PATTERN sees to it), so an answer without any
    for one of them is incomplete."""
    store: ox.Store = graph.store._inner  # type: ignore[attr-defined]  # parse_document's Oxigraph store
    return next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None, None)), None) is not None


def _drop_repeated_blank_nodes(graph: Graph, batch: set[str], shared: set[str]) -> None:
    """Remove the blank-node parts of shared resources that an earlier page already carried.

    A publisher shared by datasets on many pages comes back with each page. Its IRI-valued triples
    merge in the node's graph, but its blank nodes (say, its contact point) do not: every answer
    has fresh blank nodes, so the node's graph would collect one identical copy per page. Works on the
    page's Oxigraph store directly (see harvesters.formats.parse_document): rdflib's triple-by-triple
    access would cost more than the query.
    """
    store: ox.Store = graph.store._inner  # type: ignore[attr-defined]
    links = [q for q in store.quads_for_pattern(None, None, None, None)
             if isinstance(q.object, ox.BlankNode) and isinstance(q.subject, ox.NamedNode)
             and q.subject.value not in batch]
    repeated = [q for q in links if q.subject.value in shared]
    shared.update(q.subject.value for q in links)
    if not repeated:
        return
    owners = {q.subject for q in repeated}
    drop = list(repeated)
    todo = [q.object for q in repeated]
    removed: set[ox.BlankNode] = set()
    while todo:
        node = todo.pop()
        if node in removed:
            continue
        # a blank node that something kept also points to stays, with everything under it
        if any(q.subject not in owners and q.subject not in removed
               for q in store.quads_for_pattern(None, None, node, None)):
            continue
        removed.add(node)
        for quad in store.quads_for_pattern(node, None, None, None):
            drop.append(quad)
            if isinstance(quad.object, ox.BlankNode):
                todo.append(quad.object)
    for quad in drop:
        store.remove(quad)
