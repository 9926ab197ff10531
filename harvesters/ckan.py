"""Harvest a CKAN portal: through ckanext-dcat's catalogue endpoint when it has one, else the Action API.

Many GDI nodes run CKAN. A portal with ckanext-dcat already publishes DCAT-AP (``/catalog.ttl``, Hydra
paged), and that is what its operators curate, so it is preferred and harvested exactly as a ``dcat``
node. Without it, ``package_search`` is paged through and every package dict is turned into the same
DCAT-AP 3 / HealthDCAT-AP triples that ckanext-dcat would have written, so the profile chain maps both
paths to the same records (same dataset IRIs too: ``uri`` or ``<site>/dataset/<id>``).

Package dicts come in three shapes: core CKAN (with ``extras`` key/value pairs, lists JSON-encoded in
strings), ckanext-scheming (first-level fields, repeating subfields as lists of dicts) and
ckanext-fluent (``{lang: text}`` dicts). All are read; what is not usable (an IRI that is no IRI, an
unknown language code) is left out and reported as a warning instead of producing bad RDF.

Offset paging over a portal that changes during the harvest can skip a package. A skipped package
would be withdrawn, so a pass that read fewer distinct packages than the portal counts fails instead,
and the node's earlier data is kept until a complete pass succeeds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode, urljoin, urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from catalogue.config import Settings
from catalogue.dcat.namespaces import (
    ADMS,
    DATA_THEME_NAL,
    DCAT,
    DCATAP,
    DCT,
    DPV,
    EU_AUTHORITY,
    FOAF,
    HEALTH_CATEGORY_NAL,
    HEALTHDCATAP,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    XSD,
)
from catalogue.errors import HarvestError
from catalogue.vocab import Vocabularies, get_vocabularies
from harvesters.base import DocumentCache, Harvester, NodeSpec, Page, Progress
from harvesters.dcat import ACCEPT as RDF_ACCEPT
from harvesters.dcat import DcatHarvester
from harvesters.formats import HTML_MEDIA_TYPES, parse_document, triple_count
from harvesters.http import HttpClient, Response, html_summary, sanitise

JSON_ACCEPT = "application/json, text/javascript;q=0.5, */*;q=0.1"
ROWS = 100  # packages asked for per page; a portal may cap it lower (ckan.search.rows_max), paging copes
CATALOGUE_PATH = "catalog.ttl"  # ckanext-dcat's default catalogue endpoint, relative to the site root
NO_ENDPOINT_STATUSES = frozenset({404, 410})  # plainly "not here"; other statuses are worth a warning
PAGE_FORMAT = "ckan-json"  # Page.format of Action API pages (not an rdflib parser name)
SWEEPS = 2  # passes over package_search when the portal changes while it is paged

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_IRI_SCHEMES = frozenset({"http", "https", "urn", "ftp"})
_FORBIDDEN_IRI_CHARS = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_EMAIL = re.compile(r"^[^@\s<>\"()\[\],;:]+@[^@\s<>\"()\[\],;:]+\.[^@\s<>\"()\[\],;:]+$")
_INTEGER = re.compile(r"^\+?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_YEAR = re.compile(r"^\d{4}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DURATION = re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", re.I)
_IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
_TRUE = frozenset({"true", "yes", "1", "on", "y"})
_FALSE = frozenset({"false", "no", "0", "off", "n"})
_ISSUE_CHARS = 60  # how much of an unusable value a warning quotes


class CkanHarvester(Harvester):
    type = "ckan"

    def iter_pages(self, node: NodeSpec, progress: Progress | None = None) -> Iterator[Page]:
        self.warnings = []
        say = progress or (lambda _message: None)
        root = site_root(node.url)
        with self.client() as client:
            first = self._probe_catalogue(client, root, say)
            if first is None:
                yield from self._action_api(client, root, say)
                return
        yield from self._catalogue(node, first, say)

    # ckanext-dcat catalogue endpoint ----------------------------------------------------------------
    def _probe_catalogue(self, client: HttpClient, root: str, say: Progress) -> Response | None:
        """The first page of the portal's DCAT catalogue, or None when it has no usable one.

        Only a page that parses as RDF and describes datasets (or pages on) counts: CKAN sites behind
        a web front end often answer unknown paths with a 200 HTML page.
        """
        url = urljoin(root, CATALOGUE_PATH)
        try:
            response = self.fetch(client, url, RDF_ACCEPT)
        except HarvestError as exc:
            status = exc.details.get("status")
            if status is None:
                raise  # the portal is unreachable: the Action API would not answer either
            if status in NO_ENDPOINT_STATUSES:
                say(f"no DCAT catalogue endpoint at {url} (HTTP {status}); using the CKAN Action API")
            else:
                self.warn(say, f"the DCAT catalogue endpoint {url} failed ({exc.message}); harvesting through "
                               "the CKAN Action API instead")
            return None
        if _is_html(response):
            say(f"{url} is an HTML page, not a DCAT catalogue; using the CKAN Action API")
            return None
        try:
            graph, _fmt = parse_document(response.content, content_type=response.content_type, url=response.url,
                                         base_iri=response.url, charset=response.charset)
        except HarvestError as exc:
            self.warn(say, f"the DCAT catalogue endpoint {url} did not give readable RDF ({exc.message}); "
                           "harvesting through the CKAN Action API instead")
            return None
        has_datasets = any(True for _ in graph.subjects(RDF.type, DCAT.Dataset)) or \
            any(True for _ in graph.objects(None, DCAT.dataset))
        if not has_datasets:
            self.warn(say, f"the DCAT catalogue endpoint {url} describes no datasets; harvesting through the "
                           "CKAN Action API instead")
            return None
        say(f"using the portal's DCAT catalogue endpoint {url} (ckanext-dcat)")
        return response

    def _catalogue(self, node: NodeSpec, first: Response, say: Progress) -> Iterator[Page]:
        delegate = _CatalogueHarvester(self.settings, self.cache, first)
        delegate.node_deadline = self.node_deadline
        try:
            yield from delegate.iter_pages(replace(node, url=first.url), say)
        finally:
            self.warnings.extend(delegate.warnings)

    # Action API ------------------------------------------------------------------------------------
    def _action_api(self, client: HttpClient, root: str, say: Progress) -> Iterator[Page]:
        locale = self._default_locale(client, root, say)
        paging = _Paging(mapper=PackageMapper(root, default_lang=locale))
        for sweep in range(1, SWEEPS + 1):
            counts = yield from self._sweep(client, root, paging, sweep, say)
            if counts is None:
                return  # the portal ignores paging: warned, nothing more can be read
            if len(set(counts)) == 1 and len(paging.seen) >= counts[-1]:
                return  # one pass over an unchanging portal: complete
            if len(set(counts)) > 1 and sweep < SWEEPS:
                say(f"the portal changed while it was paged ({counts[0]} -> {counts[-1]} packages): packages may "
                    "have moved between pages; paging through it again for those not read yet")
        why = " (it kept changing while it was paged)" if len(set(counts)) > 1 else ""
        raise HarvestError(
            f"the CKAN portal at {root} counts {counts[-1]} packages, but only {len(paging.seen)} different ones could "
            f"be read by paging package_search{why}. Nothing was changed or withdrawn; the next harvest tries again.",
            details={"url": root, "count": counts[-1], "read": len(paging.seen)})

    def _sweep(self, client: HttpClient, root: str, paging: _Paging, sweep: int, say: Progress
               ) -> Generator[Page, None, list[int] | None]:
        """Page through package_search once, yielding the packages not read before; return the counts
        the portal gave on each page (None when it was seen to ignore ``start``)."""
        counts: list[int] = []
        previous: list[str | None] = []
        start = 0
        while True:
            url = search_url(root, start)
            if paging.pages >= self.settings.harvest_max_pages:
                raise HarvestError(
                    f"stopped after {paging.pages} pages of package_search; the portal keeps paging (raise "
                    f"GDI_HARVEST_MAX_PAGES if that is expected). The next page would have been {url}",
                    details={"url": url, "pages": paging.pages})
            response, count, packages = self._search(client, url)
            paging.pages += 1
            counts.append(count)
            keys = [_package_key(p) for p in packages]
            fresh = [(k, p) for k, p in zip(keys, packages, strict=True) if k is None or k not in paging.seen]
            if packages and (keys == previous or (sweep == 1 and not fresh)):
                self.warn(say, f"package_search page {url} returns only packages already read on the page before; "
                               "stopped paging there (does the portal ignore the start parameter?)")
                return None
            previous = keys
            graph = Graph(store="Oxigraph")
            mapped = 0
            for key, package in fresh:
                if key is None:
                    self.warn(say, f"a package in {url} has neither id nor name; skipped")
                    continue
                paging.seen.add(key)
                for problem in paging.mapper.add(graph, package):
                    self.warn(say, f"package {key}: {problem}")
                mapped += 1
            if mapped:
                triples = triple_count(graph)
                say(f"page {paging.pages}: {mapped} package(s), {triples} triples ({len(paging.seen)} of {count} "
                    "packages)")
                yield Page(url=response.url, graph=graph, format=PAGE_FORMAT, triples=triples,
                           not_modified=response.from_cache)
            start += len(packages)
            if not packages or start >= count:
                return counts

    def _default_locale(self, client: HttpClient, root: str, say: Progress) -> str | None:
        """The portal's ``ckan.locale_default`` (BCP 47), the language of its untranslated fields.

        Optional: a portal that hides ``status_show`` is still harvested, its plain texts untagged.
        """
        url = urljoin(root, "api/3/action/status_show")
        try:
            response = client.get(url, accept=JSON_ACCEPT)
            data = json.loads(response.content.decode(response.charset or "utf-8"))
        except (HarvestError, ValueError):
            say(f"no status_show at {url}; texts without a language stay untagged")
            return None
        result = data.get("result") if isinstance(data, dict) and data.get("success") is True else None
        if not isinstance(result, dict):
            return None
        locale = result.get("locale_default")
        tag = language_tag(locale) if isinstance(locale, str) else None
        version = result.get("ckan_version")
        say(f"CKAN {sanitise(str(version), 20) if version else '(version not given)'}, default locale "
            f"{tag or 'unknown'}")
        return tag

    def _search(self, client: HttpClient, url: str) -> tuple[Response, int, list[dict]]:
        """One package_search page: the response, the portal's count and the package dicts."""
        try:
            response = self.fetch(client, url, JSON_ACCEPT)
        except HarvestError as exc:
            status = exc.details.get("status")
            if status == 404:
                raise HarvestError(f"no CKAN Action API at {url} (HTTP 404): the node URL must be the root of a "
                                   "CKAN site (e.g. https://ckan.example.org/)", details=exc.details) from None
            if status in (401, 403):
                raise HarvestError(f"the CKAN Action API refuses anonymous access (HTTP {status}) at {url}; "
                                   "ask the portal to allow package_search for public datasets",
                                   details=exc.details) from None
            raise
        if _is_html(response):
            title = sanitise(html_summary(response.content[:65536].decode("utf-8", errors="replace")), 80)
            raise HarvestError(f"{url} answered with an HTML page ({title!r}) instead of CKAN Action API JSON; "
                               "is the node URL the root of a CKAN site?", details={"url": url})
        try:
            data = json.loads(response.content.decode(response.charset or "utf-8"))
        except (UnicodeDecodeError, LookupError, ValueError) as exc:
            excerpt = sanitise(response.content[:200].decode("utf-8", errors="replace"), 80)
            raise HarvestError(f"{url} did not answer JSON ({_short_error(exc)}; it starts with {excerpt!r}); is "
                               "the node URL the root of a CKAN site?", details={"url": url}) from None
        if not isinstance(data, dict) or "success" not in data:
            raise HarvestError(f"{url} answered JSON that is not a CKAN Action API response (no \"success\" "
                               "field); is the node URL the root of a CKAN site?", details={"url": url})
        if data["success"] is not True:
            raise HarvestError(f"the CKAN portal reported an error for {url}: {describe_ckan_error(data.get('error'))}",
                               details={"url": url})
        result = data.get("result")
        if not isinstance(result, dict):
            raise HarvestError(f"{url} answered without a \"result\" object; not a package_search response",
                               details={"url": url})
        count, packages = result.get("count"), result.get("results")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0 or not isinstance(packages, list):
            raise HarvestError(f"{url} answered a result without a package count and a results list; not a "
                               "package_search response", details={"url": url})
        return response, count, [p for p in packages if isinstance(p, dict)]


@dataclass
class _Paging:
    """State of one pass over the Action API, across its sweeps."""

    mapper: PackageMapper
    seen: set[str] = field(default_factory=set)  # package ids (or names) read so far
    pages: int = 0  # package_search requests so far, against settings.harvest_max_pages


class _CatalogueHarvester(DcatHarvester):
    """The dcat harvester, handed the first catalogue page the probe already downloaded.

    ckanext-dcat builds each catalogue page from a search over up to 100 datasets, so fetching it a
    second time would double the cost of page one.
    """

    def __init__(self, settings: Settings, cache: DocumentCache | None, first: Response):
        super().__init__(settings, cache)
        self._first: Response | None = first

    def fetch(self, client: HttpClient, url: str, accept: str) -> Response:
        first, self._first = self._first, None
        if first is not None and url == first.url:
            return first
        return super().fetch(client, url, accept)


# URLs ----------------------------------------------------------------------------------------------

def site_root(url: str) -> str:
    """The CKAN site root with a trailing slash, forgiving an API or catalogue URL given instead."""
    parts = urlsplit(url.strip())
    path = parts.path
    index = (path + "/").find("/api/")
    if index >= 0:
        path = path[:index]
    index = path.find("/catalog.")
    if index >= 0:
        path = path[:index]
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/", "", ""))


def search_url(root: str, start: int, rows: int = ROWS) -> str:
    """One package_search page in a stable order (by id), public datasets only."""
    query = urlencode({"rows": rows, "start": start, "sort": "id asc", "include_private": "false"})
    return urljoin(root, "api/3/action/package_search") + "?" + query


def describe_ckan_error(error: Any) -> str:
    """CKAN's error object (``{"__type": ..., "message": ..., "<field>": [...]}``) as one line."""
    if not isinstance(error, dict):
        return sanitise(str(error) if error is not None else "no error details given", 300)
    parts = []
    kind = error.get("__type")
    if kind:
        parts.append(str(kind))
    if error.get("message"):
        parts.append(str(error["message"]))
    for key, value in error.items():
        if key not in ("__type", "message"):
            parts.append(f"{key}: {'; '.join(map(str, value)) if isinstance(value, list) else value}")
    return sanitise(" - ".join(parts) or "no error details given", 300)


def _is_html(response: Response) -> bool:
    head = response.content[:1024].lstrip().lower()
    return response.content_type in HTML_MEDIA_TYPES or head.startswith((b"<!doctype html", b"<html"))


def _short_error(exc: BaseException) -> str:
    return sanitise(str(exc), 80)


def _package_key(package: dict) -> str | None:
    for key in ("id", "name"):
        value = package.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# Package dict -> RDF --------------------------------------------------------------------------------

def language_tag(value: str) -> str | None:
    """A CKAN locale (``pt_BR``) or fluent key as a BCP 47 tag, or None when it is not one."""
    tag = value.strip().replace("_", "-")
    return tag.lower() if _LANG.match(tag) else None


def valid_iri(value: Any, *, schemes: Iterable[str] = _IRI_SCHEMES) -> str | None:
    """``value`` if it is an absolute IRI the catalogue can store (Oxigraph's own check decides)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or not _SCHEME.match(text) or _FORBIDDEN_IRI_CHARS.search(text):
        return None
    scheme = text.split(":", 1)[0].lower()
    if scheme not in schemes:
        return None
    if scheme in ("http", "https", "ftp"):
        try:
            parts = urlsplit(text)
            if not parts.netloc or not parts.hostname:
                return None
        except ValueError:
            return None
    try:
        ox.NamedNode(text)
    except ValueError:
        return None
    return text


def _quote_url(value: str) -> str:
    """Percent-encode what CKAN lets users type into a URL field (spaces, mostly), keeping the rest."""
    return quote(value.strip(), safe=":/?#[]@!$&'()*+,;=%~")


class PackageMapper:
    """Turns CKAN package dicts into DCAT-AP 3 / HealthDCAT-AP triples, the way ckanext-dcat serialises them.

    ``root`` is the site root (for dataset and distribution IRIs, as ckanext-dcat makes them);
    ``default_lang`` the portal's default locale, used to tag texts that have no language of their own.
    """

    def __init__(self, root: str, *, default_lang: str | None = None, vocab: Vocabularies | None = None):
        self.root = root if root.endswith("/") else root + "/"
        self.default_lang = default_lang
        self.vocab = vocab or get_vocabularies()
        self.themes_by_code = {(self.vocab.identifier(i) or i.rsplit("/", 1)[-1]).upper(): i
                               for i in self.vocab.concepts(DATA_THEME_NAL)}

    def add(self, graph: Graph, package: dict) -> list[str]:
        """Add ``package``'s triples to ``graph``; return the problems met (values left out)."""
        return _PackageWriter(self, graph, package).write()

    def graph(self, package: dict) -> tuple[Graph, list[str]]:
        graph = Graph()
        problems = self.add(graph, package)
        return graph, problems


class _PackageWriter:
    """One package's mapping; holds the graph and the problems list so helpers stay short."""

    def __init__(self, mapper: PackageMapper, graph: Graph, package: dict):
        self.m = mapper
        self.g = graph
        self.p = package
        self.problems: list[str] = []
        self.extras = _extras(package)

    # Field access ----------------------------------------------------------------------------------
    def field(self, name: str) -> Any:
        """A first-level field (scheming) or, failing that, the extra of the same name (core CKAN)."""
        value = self.p.get(name)
        if _empty(value):
            value = self.extras.get(name)
        return None if _empty(value) else value

    def values(self, name: str) -> list:
        return _as_list(self.field(name))

    def records(self, name: str) -> list[dict]:
        """A repeating-subfields field: a list of dicts (possibly JSON-encoded in an extra)."""
        value = self.field(name)
        if isinstance(value, str) and value.strip().startswith(("[", "{")):
            try:
                value = json.loads(value)
            except ValueError:
                return []
        if isinstance(value, dict):
            value = [value]
        return [v for v in value if isinstance(v, dict) and any(not _empty(x) for x in v.values())] \
            if isinstance(value, list) else []

    # Writing -----------------------------------------------------------------------------------------
    def write(self) -> list[str]:
        s = self.subject()
        g = self.g
        g.add((s, RDF.type, DCAT.Dataset))
        identifier = _text(self.field("identifier")) or _text(self.field("guid")) or _text(self.p.get("id")) \
            or _text(self.p.get("name"))
        if identifier:
            g.add((s, DCT.identifier, Literal(identifier)))
        if not self.texts(s, DCT.title, self.p.get("title_translated"), self.p.get("title")):
            self.texts(s, DCT.title, None, self.p.get("name"))  # CKAN shows the URL name when a title is empty
        self.texts(s, DCT.description, self.p.get("notes_translated"), self.p.get("notes"))
        self.keywords(s)
        self.themes(s)
        self.landing_page(s)
        self.dates(s)
        self.iris(s, DCT.language, self.languages(self.values("language")), "language")
        self.iris(s, DCT.conformsTo, self.values("conforms_to"), "conforms_to")
        self.iris(s, DCATAP.applicableLegislation, self.values("applicable_legislation"), "applicable_legislation")
        self.iris(s, FOAF.page, self.values("documentation"), "documentation")
        self.iris(s, DCT.isReferencedBy, self.values("is_referenced_by"), "is_referenced_by")
        self.iris(s, DCT.type, self.values("dcat_type"), "dcat_type")
        self.access_rights(s)
        self.frequency(s)
        self.spatial(s)
        self.periods(s, DCT.temporal, self.records("temporal_coverage")
                     or [{"start": self.field("temporal_start"), "end": self.field("temporal_end")}])
        version = _text(self.field("version")) or _text(self.field("dcat_version"))
        if version:
            g.add((s, DCAT.version, Literal(version)))
        self.texts(s, ADMS.versionNotes, _fluent(self.field("version_notes")), self.field("version_notes"))
        for value in self.values("alternate_identifier"):
            if _text(value):
                node = BNode()
                g.add((s, ADMS.identifier, node))
                g.add((node, RDF.type, ADMS.Identifier))
                g.add((node, SKOS.notation, Literal(_text(value))))
        provenance = self.field("provenance")
        if provenance is not None:
            node = BNode()
            if self.texts(node, RDFS.label, _fluent(provenance), provenance):
                g.add((s, DCT.provenance, node))
                g.add((node, RDF.type, DCT.ProvenanceStatement))
        resolution = _text(self.field("temporal_resolution"))
        if resolution:
            if _DURATION.match(resolution):
                g.add((s, DCAT.temporalResolution, Literal(resolution, datatype=XSD.duration)))
            else:
                self.problem(f"temporal_resolution {_quote(resolution)} is not an ISO 8601 duration; left out")
        self.contacts(s)
        self.publisher(s)
        self.creators(s)
        self.distributions(s)
        self.health(s)
        return self.problems

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def subject(self) -> URIRef:
        for candidate in (self.p.get("uri"), self.extras.get("uri")):
            if _empty(candidate):
                continue
            iri = valid_iri(candidate, schemes=("http", "https"))
            if iri:
                return URIRef(iri)
            self.problem(f"uri {_quote(candidate)} is not an absolute http(s) IRI; the dataset is identified by "
                         "its CKAN id instead")
        key = _package_key(self.p) or ""
        return URIRef(self.m.root + "dataset/" + quote(key, safe=""))

    def lang_literals(self, translated: Any, plain: Any) -> list[Literal]:
        """Language-tagged literals from a fluent dict, else the plain value in the default locale."""
        out: list[Literal] = []
        for text, lang in _lang_texts(translated, None):
            out.append(self.literal(text, lang))
        if out:
            return out
        for text, lang in _lang_texts(plain, self.m.default_lang):
            out.append(self.literal(text, lang))
        return out

    def literal(self, text: str, lang: str | None) -> Literal:
        if lang is None:
            return Literal(text)
        tag = language_tag(lang)
        if tag is None:
            self.problem(f"{_quote(lang)} is not a language code; the text is kept without a language")
            return Literal(text)
        return Literal(text, lang=tag)

    def texts(self, s: Node, predicate: URIRef, translated: Any, plain: Any) -> int:
        literals = self.lang_literals(translated, plain)
        for literal in literals:
            self.g.add((s, predicate, literal))
        return len(literals)

    def iris(self, s: Node, predicate: URIRef, values: Iterable[Any], label: str) -> int:
        added = 0
        for value in values:
            iri = valid_iri(value)
            if iri is None:
                self.problem(f"{label} {_quote(value)} is not an IRI; left out")
                continue
            self.g.add((s, predicate, URIRef(iri)))
            added += 1
        return added

    def iri_or_text(self, s: Node, predicate: URIRef, values: Iterable[Any]) -> None:
        """Properties where ckanext-dcat allows a concept IRI or free text (purpose, legal basis, codes)."""
        for value in values:
            iri = valid_iri(value)
            if iri:
                self.g.add((s, predicate, URIRef(iri)))
            elif _text(value):
                self.g.add((s, predicate, self.literal(_text(value), self.m.default_lang)))

    def keywords(self, s: URIRef) -> None:
        translated = self.p.get("tags_translated") or self.p.get("keywords") or self.extras.get("keywords")
        if isinstance(translated, str):
            translated = _json_dict(translated)
        if isinstance(translated, dict):
            found = 0
            for lang, words in translated.items():
                for word in _as_list(words):
                    if _text(word):
                        self.g.add((s, DCAT.keyword, self.literal(_text(word), str(lang))))
                        found += 1
            if found:
                return
        for tag in self.p.get("tags") or []:
            name = tag.get("display_name") or tag.get("name") if isinstance(tag, dict) else tag
            if _text(name):
                self.g.add((s, DCAT.keyword, self.literal(_text(name), self.m.default_lang)))

    def themes(self, s: URIRef) -> None:
        themes = list(self.values("theme"))
        for group in self.p.get("groups") or []:
            if not isinstance(group, dict):
                continue
            # Portals that align groups with the EU data themes name them by the theme code (GovData: "heal").
            for value in (group.get("uri"), group.get("name"), group.get("title")):
                theme = self._data_theme(value)
                if theme:
                    themes.append(theme)
                    break
        seen = set()
        for value in themes:
            theme = self._data_theme(value) or value
            if theme in seen:
                continue
            seen.add(theme)
            self.iris(s, DCAT.theme, [theme], "theme")

    def _data_theme(self, value: Any) -> str | None:
        text = _text(value)
        if not text:
            return None
        if text.startswith(("http://", "https://")):
            iri = valid_iri(text)
            return iri if iri and iri.replace("https://", "http://").startswith(DATA_THEME_NAL) else None
        return self.m.themes_by_code.get(text.upper())

    def languages(self, values: list) -> list:
        out = []
        for value in values:
            text = _text(value)
            if not text:
                continue
            if valid_iri(text):
                out.append(text)
                continue
            iri = self.m.vocab.language_iri(text)
            if iri:
                out.append(iri)
            else:
                self.problem(f"language {_quote(text)} is neither an IRI nor a known language code; left out")
        return out

    def landing_page(self, s: URIRef) -> None:
        url = _text(self.p.get("url"))
        if url:
            iri = valid_iri(_quote_url(url), schemes=("http", "https"))
            if iri:
                self.g.add((s, DCAT.landingPage, URIRef(iri)))
                return
            self.problem(f"url (landing page) {_quote(url)} is not an http(s) URL; the CKAN page is used instead")
        name = _text(self.p.get("name")) or _package_key(self.p)
        if name:
            # The dataset's own page on the portal: where a reader of our catalogue goes next.
            self.g.add((s, DCAT.landingPage, URIRef(self.m.root + "dataset/" + quote(name, safe=""))))

    def dates(self, s: URIRef) -> None:
        issued = self.field("issued") or self.p.get("metadata_created")
        modified = self.field("modified") or self.p.get("metadata_modified")
        if _text(issued):
            self.g.add((s, DCT.issued, _date_literal(_text(issued))))
        if _text(modified):
            self.g.add((s, DCT.modified, _date_literal(_text(modified))))

    def access_rights(self, s: URIRef) -> None:
        value = _text(self.field("access_rights"))
        if not value:
            return
        iri = valid_iri(value)
        # The profile reads a plain "public"/"restricted"/"non-public" too, so text is kept as text.
        self.g.add((s, DCT.accessRights, URIRef(iri) if iri else Literal(value)))

    def frequency(self, s: URIRef) -> None:
        value = _text(self.field("frequency"))
        if not value:
            return
        candidate = EU_AUTHORITY + "frequency/" + value.upper().replace(" ", "_")
        if not valid_iri(value) and candidate in self.m.vocab:
            value = candidate
        self.iris(s, DCT.accrualPeriodicity, [value], "frequency")

    def spatial(self, s: URIRef) -> None:
        values = list(self.values("spatial_uri"))
        values += [r.get("uri") for r in self.records("spatial_coverage") if not _empty(r.get("uri"))]
        for value in dict.fromkeys(_text(v) for v in values if _text(v)):
            if not valid_iri(value):
                country = self.m.vocab.country_iri(value) if len(value) <= 3 else None
                if country:
                    value = country
            self.iris(s, DCT.spatial, [value], "spatial_uri")

    def periods(self, s: Node, predicate: URIRef, periods: list[dict]) -> None:
        for period in periods:
            start, end = _text(period.get("start")), _text(period.get("end"))
            if not start and not end:
                continue
            node = BNode()
            self.g.add((s, predicate, node))
            self.g.add((node, RDF.type, DCT.PeriodOfTime))
            if start:
                self.g.add((node, DCAT.startDate, _date_literal(start)))
            if end:
                self.g.add((node, DCAT.endDate, _date_literal(end)))

    # Agents ------------------------------------------------------------------------------------------
    def agent(self, data: dict, label: str, kind: URIRef = FOAF.Agent) -> Node | None:
        """A foaf:Agent from a scheming agent dict (uri, name, name_translated, email, url, type)."""
        node, iri = self.record_node(data, label)
        names = self.names(data)
        email = self.mailto(data.get("email"), label)
        url = _text(data.get("url")) or _text(data.get("homepage"))
        homepage = valid_iri(_quote_url(url), schemes=("http", "https")) if url else None
        if url and not homepage:
            self.problem(f"{label} url {_quote(url)} is not an http(s) URL; left out")
        if not (iri or names or email or homepage):
            return None
        self.g.add((node, RDF.type, kind))
        for name in names:
            self.g.add((node, FOAF.name, name))
        if email:
            self.g.add((node, FOAF.mbox, email))
        if homepage:
            self.g.add((node, FOAF.homepage, URIRef(homepage)))
        agent_type = _text(data.get("type"))
        if agent_type:
            self.iris(node, DCT.type, [agent_type], f"{label} type")
        return node

    def record_node(self, data: dict, label: str) -> tuple[Node, str | None]:
        """The node of a scheming record (agent, contact): its ``uri`` when that is an IRI (a malformed one
        is reported), else a blank node; and the IRI, if any."""
        uri = _text(data.get("uri"))
        iri = valid_iri(uri) if uri else None
        if uri and not iri:
            self.problem(f"{label} uri {_quote(uri)} is not an IRI; left out")
        return (URIRef(iri) if iri else BNode()), iri

    def names(self, data: dict) -> list[Literal]:
        """An agent's names: per language from ``name_translated``, else ``name`` (a proper name: untagged)."""
        pairs = _lang_texts(_fluent(data.get("name_translated")), None)
        translated = [self.literal(text, lang) for text, lang in pairs]
        if translated:
            return translated
        name = _text(data.get("name"))
        return [Literal(name)] if name else []

    def mailto(self, value: Any, label: str) -> URIRef | None:
        text = _text(value)
        if not text:
            return None
        address = text[7:] if text.lower().startswith("mailto:") else text
        if _EMAIL.match(address):
            return URIRef("mailto:" + address)
        self.problem(f"{label} email {_quote(text)} is not an e-mail address; left out")
        return None

    def contacts(self, s: URIRef) -> None:
        contacts = self.records("contact")
        if not contacts:
            legacy = {"uri": self.field("contact_uri"), "name": self.field("contact_name"),
                      "email": self.field("contact_email")}
            if any(not _empty(v) for v in legacy.values()):
                contacts = [legacy]
            elif not _empty(self.p.get("maintainer")) or not _empty(self.p.get("maintainer_email")):
                contacts = [{"name": self.p.get("maintainer"), "email": self.p.get("maintainer_email")}]
            elif not _empty(self.p.get("author")) or not _empty(self.p.get("author_email")):
                contacts = [{"name": self.p.get("author"), "email": self.p.get("author_email")}]
        for contact in contacts:
            node, iri = self.record_node(contact, "contact")
            names = self.names(contact)
            email = self.mailto(contact.get("email"), "contact")
            url = _text(contact.get("url"))
            page = valid_iri(_quote_url(url), schemes=("http", "https")) if url else None
            if not (iri or names or email or page):
                continue
            self.g.add((s, DCAT.contactPoint, node))
            self.g.add((node, RDF.type, VCARD.Kind))
            for name in names:
                self.g.add((node, VCARD.fn, name))
            if email:
                self.g.add((node, VCARD.hasEmail, email))
            if page:
                self.g.add((node, VCARD.hasURL, URIRef(page)))

    def publisher(self, s: URIRef) -> None:
        records = self.records("publisher")
        node = self.agent(records[0], "publisher") if records else None
        if node is None:
            legacy = {key: self.field(f"publisher_{key}") for key in ("uri", "name", "email", "url")}
            if any(not _empty(v) for v in legacy.values()):
                node = self.agent(legacy, "publisher")
        if node is None:
            node = self.organization()
        notes = self.lang_literals(_fluent(self.field("publisher_note")), self.field("publisher_note"))
        types = self.values("publisher_type")
        if node is not None:
            self.g.add((s, DCT.publisher, node))
            # HealthDCAT-AP Release 8 describes the publisher on the agent: a note, its type, trust.
            for note in notes:
                self.g.add((node, DCT.description, note))
            self.iris(node, DCT.type, types, "publisher_type")
            self.trusted(node)
        else:
            for note in notes:
                self.g.add((s, HEALTHDCATAP.publisherNote, note))
            self.iris(s, HEALTHDCATAP.publisherType, types, "publisher_type")
            self.trusted(s)

    def trusted(self, node: Node) -> None:
        value = self.field("trusted_data_holder")
        if value is None:
            return
        text = str(value).strip().lower()
        flag = value if isinstance(value, bool) else True if text in _TRUE else False if text in _FALSE else None
        if flag is None:
            self.problem(f"trusted_data_holder {_quote(value)} is not true or false; left out")
            return
        self.g.add((node, HEALTHDCATAP.trustedDataHolder, Literal(flag)))

    def organization(self) -> Node | None:
        org = self.p.get("organization")
        if not isinstance(org, dict):
            return None
        name = _text(org.get("title")) or _text(org.get("name"))
        if not name:
            return None
        node = BNode()
        self.g.add((node, RDF.type, FOAF.Organization))
        self.g.add((node, FOAF.name, Literal(name)))
        slug = _text(org.get("name"))
        if slug:
            self.g.add((node, FOAF.homepage, URIRef(self.m.root + "organization/" + quote(slug, safe=""))))
        return node

    def creators(self, s: URIRef) -> None:
        records = self.records("creator")
        if not records and (not _empty(self.p.get("author")) or not _empty(self.p.get("author_email"))):
            records = [{"name": self.p.get("author"), "email": self.p.get("author_email")}]
        for record in records:
            node = self.agent(record, "creator")
            if node is not None:
                self.g.add((s, DCT.creator, node))

    # Distributions -------------------------------------------------------------------------------------
    def distributions(self, s: URIRef) -> None:
        licence = self.dataset_licence()
        for resource in self.p.get("resources") or []:
            if isinstance(resource, dict):
                self.distribution(s, resource, licence)

    def dataset_licence(self) -> str | None:
        for value in (self.p.get("license_url"), self.p.get("license_id")):
            iri = valid_iri(value, schemes=("http", "https"))
            if iri:
                return iri
        return None

    def distribution(self, s: URIRef, resource: dict, licence: str | None) -> None:
        if all(_empty(resource.get(k)) for k in ("url", "access_url", "download_url", "uri", "name", "description",
                                                  "name_translated", "description_translated")):
            return  # scheming forms save an empty resource row; it describes nothing
        uri = _text(resource.get("uri"))
        iri = valid_iri(uri, schemes=("http", "https")) if uri else None
        rid = _text(resource.get("id"))
        package_id = _text(self.p.get("id")) or _package_key(self.p) or ""
        node: Node = URIRef(iri) if iri else (
            URIRef(f"{self.m.root}dataset/{quote(package_id, safe='')}/resource/{quote(rid, safe='')}") if rid
            else BNode())
        g = self.g
        g.add((s, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        self.texts(node, DCT.title, resource.get("name_translated"), resource.get("name"))
        self.texts(node, DCT.description, resource.get("description_translated"), resource.get("description"))
        url = _text(resource.get("url"))
        access = _text(resource.get("access_url")) or url
        download = _text(resource.get("download_url")) or (url if resource.get("url_type") == "upload" else None)
        for predicate, value, label in ((DCAT.accessURL, access, "resource url"),
                                        (DCAT.downloadURL, download, "resource download_url")):
            if value:
                target = valid_iri(_quote_url(value))
                if target:
                    g.add((node, predicate, URIRef(target)))
                else:
                    self.problem(f"{label} {_quote(value)} is not a URL; left out")
        fmt = _text(resource.get("format"))
        if fmt:
            code = EU_AUTHORITY + "file-type/" + fmt.upper().lstrip(".")
            target = valid_iri(fmt) or (code if code in self.m.vocab else None)
            g.add((node, DCT.format, URIRef(target) if target else Literal(fmt)))
        media = _text(resource.get("mimetype"))
        if media:
            if valid_iri(media):
                g.add((node, DCAT.mediaType, URIRef(media)))
            elif _MEDIA_TYPE.match(media):
                g.add((node, DCAT.mediaType, URIRef(_IANA_MEDIA_TYPES + media.lower())))
            else:
                self.problem(f"resource mimetype {_quote(media)} is not a media type; left out")
        size = resource.get("size")
        if not _empty(size):
            g.add((node, DCAT.byteSize, _count_literal(size)))
        own = _text(resource.get("license"))
        own_iri = valid_iri(own, schemes=("http", "https")) if own else None
        if own_iri or licence:
            g.add((node, DCT.license, URIRef(own_iri or licence)))
        issued = _text(resource.get("issued")) or _text(resource.get("created"))
        modified = _text(resource.get("modified")) or _text(resource.get("last_modified"))
        if issued:
            g.add((node, DCT.issued, _date_literal(issued)))
        if modified:
            g.add((node, DCT.modified, _date_literal(modified)))

    # HealthDCAT-AP ----------------------------------------------------------------------------------------
    def health(self, s: URIRef) -> None:
        g = self.g
        categories = []
        for value in self.values("health_category"):
            code = HEALTH_CATEGORY_NAL + str(value).strip().upper()
            # a bare category code (EHRS), as some portal forms store it
            categories.append(code if not valid_iri(value) and code in self.m.vocab else value)
        self.iris(s, HEALTHDCATAP.healthCategory, categories, "health_category")
        self.iris(s, HEALTHDCATAP.healthTheme, self.values("health_theme"), "health_theme")
        for name, predicate in (("number_of_records", HEALTHDCATAP.numberOfRecords),
                                ("number_of_unique_individuals", HEALTHDCATAP.numberOfUniqueIndividuals),
                                ("min_typical_age", HEALTHDCATAP.minTypicalAge),
                                ("max_typical_age", HEALTHDCATAP.maxTypicalAge)):
            value = self.field(name)
            if value is not None:
                g.add((s, predicate, _count_literal(value)))
        self.texts(s, HEALTHDCATAP.populationCoverage, _fluent(self.field("population_coverage")),
                   self.field("population_coverage"))
        for hdab in self.records("hdab")[:1]:
            node = self.agent(hdab, "hdab")
            if node is not None:
                g.add((s, HEALTHDCATAP.hdab, node))
        self.iris(s, HEALTHDCATAP.hasCodingSystem, self.values("coding_system"), "coding_system")
        self.iri_or_text(s, HEALTHDCATAP.hasCodeValues, self.values("code_values"))
        self.iri_or_text(s, DPV.hasPurpose, self.values("purpose"))
        self.iri_or_text(s, DPV.hasLegalBasis, self.values("legal_basis"))
        self.iris(s, DPV.hasPersonalData, self.values("personal_data"), "personal_data")
        self.iris(s, HEALTHDCATAP.analytics, self.values("analytics"), "analytics")
        self.periods(s, HEALTHDCATAP.retentionPeriod, self.records("retention_period"))


# Value helpers ----------------------------------------------------------------------------------------

def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value) or \
        (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _quote(value: Any) -> str:
    return repr(sanitise(str(value), _ISSUE_CHARS))


def _extras(package: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for extra in package.get("extras") or []:
        if isinstance(extra, dict) and isinstance(extra.get("key"), str):
            out.setdefault(extra["key"], extra.get("value"))
    return out


def _json_dict(value: str) -> dict | None:
    text = value.strip()
    if not text.startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _fluent(value: Any) -> dict | None:
    """A ckanext-fluent ``{lang: text}`` value (a dict, or the same JSON-encoded in an extra)."""
    if isinstance(value, dict):
        return value
    return _json_dict(value) if isinstance(value, str) else None


def _as_list(value: Any) -> list:
    """List fields: a list (scheming), a JSON-encoded list (core CKAN extras) or one value."""
    if _empty(value):
        return []
    if isinstance(value, list):
        return [v for v in value if not _empty(v)]
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                data = json.loads(text)
            except ValueError:
                return [text]
            return [v for v in data if not _empty(v)] if isinstance(data, list) else [text]
        return [text]
    return [value]


def _lang_texts(value: Any, default_lang: str | None) -> list[tuple[str, str | None]]:
    """(text, language) pairs from a fluent dict (its keys), a list or a string (``default_lang``)."""
    fluent = _fluent(value)
    if fluent is not None:
        out = []
        for lang, texts in fluent.items():
            for text in _as_list(texts) if isinstance(texts, list) else [texts]:
                if _text(text):
                    out.append((_text(text), str(lang)))
        return out
    return [(_text(v), default_lang) for v in _as_list(value) if _text(v)]


def _date_literal(value: str) -> Literal:
    """Typed when the value is an ISO 8601 date; otherwise plain, and the profile reports it."""
    if _DATE.match(value):
        return Literal(value, datatype=XSD.date)
    if _DATETIME.match(value):
        return Literal(value.replace(" ", "T", 1), datatype=XSD.dateTime)
    if _YEAR.match(value):
        return Literal(value, datatype=XSD.gYear)
    if _YEAR_MONTH.match(value):
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value)


def _count_literal(value: Any) -> Literal:
    """A non-negative integer as ``xsd:nonNegativeInteger``; anything else plain, for the profile to report."""
    if isinstance(value, bool):
        return Literal(str(value).lower())
    if isinstance(value, int) and value >= 0:
        return Literal(str(value), datatype=XSD.nonNegativeInteger)
    text = str(value).strip()
    if _INTEGER.match(text):
        return Literal(str(int(text)), datatype=XSD.nonNegativeInteger)
    return Literal(text)


__all__ = ["CkanHarvester", "PackageMapper", "describe_ckan_error", "language_tag", "search_url", "site_root",
           "valid_iri"]
