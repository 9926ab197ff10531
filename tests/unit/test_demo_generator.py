"""catalogue.demo.generator: determinism, federation shape, parseable documents, Hydra paging, content."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from catalogue.dcat.namespaces import (
    ACCESS_RIGHT_NAL,
    DCAT,
    DCT,
    EU_AUTHORITY,
    HEALTH_CATEGORY_NAL,
    HEALTH_THEME_NAL,
    HEALTHDCATAP,
    HYDRA,
    RDF,
)
from catalogue.dcat.profile import MappingContext, map_datasets
from catalogue.demo.generator import (
    CO_PUBLISHED,
    FDP_O,
    DemoNode,
    catalogue_totals,
    demo_nodes,
    fdp_base_url,
    node_catalogue_url,
    node_documents,
    node_graph,
    node_url,
    parse_document,
    totals,
)
from catalogue.demo.run import serve_demo_nodes
from catalogue.demo.server import NodeServer
from catalogue.demo.sparql import SparqlEndpoint, negotiate
from catalogue.vocab import get_vocabularies

SEED = 2026
BASE = "http://127.0.0.1:8765/demo"
ROOT = Path(__file__).resolve().parents[2]
PARSERS = {"turtle": "turtle", "xml": "xml", "json-ld": "json-ld", "nt": "nt"}
EXTENSIONS = {"turtle": "ttl", "xml": "rdf", "json-ld": "jsonld", "nt": "nt"}


@pytest.fixture(scope="module")
def nodes() -> list[DemoNode]:
    return demo_nodes(SEED)


@pytest.fixture(scope="module")
def documents(nodes) -> dict[str, dict[str, tuple[str, bytes]]]:
    return {n.name: node_documents(n, BASE, SEED) for n in nodes}


@pytest.fixture(scope="module")
def parsed(nodes, documents) -> dict[str, dict[str, Graph]]:
    out: dict[str, dict[str, Graph]] = {}
    for n in nodes:
        out[n.name] = {}
        for path, (_, body) in documents[n.name].items():
            g = Graph()
            g.parse(data=body, format=PARSERS[n.format], publicID=BASE + path)
            out[n.name][path] = g
    return out


@pytest.fixture(scope="module")
def graphs(nodes) -> dict[str, Graph]:
    return {n.name: node_graph(n, BASE, SEED) for n in nodes}


def _datasets(g: Graph) -> list:
    return sorted(g.subjects(RDF.type, DCAT.Dataset), key=str)


# Determinism -------------------------------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_documents(nodes, documents, graphs):
    again = {n.name: node_documents(n, BASE, SEED) for n in demo_nodes(SEED)}
    assert again == documents
    assert demo_nodes(SEED) == nodes
    for n in (n for n in nodes if n.type == "sparql"):  # what the endpoint is loaded with
        assert node_graph(n, BASE, SEED).serialize(format="nt") == graphs[n.name].serialize(format="nt")


def test_documents_do_not_depend_on_the_process_hash_seed(nodes, documents):
    # rdflib walks Python sets in places; the generator must not let that order reach the bytes.
    code = ("import hashlib, sys; from catalogue.demo.generator import demo_nodes, node_documents; "
            "h = hashlib.sha256(); "
            f"[h.update(p.encode() + b) for n in demo_nodes({SEED}) "
            f"for p, (_, b) in sorted(node_documents(n, {BASE!r}, {SEED}).items())]; print(h.hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_a_different_seed_gives_different_documents(nodes, documents, graphs):
    other = {n.name: node_documents(n, BASE, SEED + 1) for n in demo_nodes(SEED + 1)}
    assert other.keys() == documents.keys()
    assert all(other[n.name] != documents[n.name] for n in nodes if n.type != "sparql")
    for n in (n for n in nodes if n.type == "sparql"):
        assert documents[n.name] == {}  # an endpoint, not documents
        assert set(node_graph(n, BASE, SEED + 1)) != set(graphs[n.name])


def test_base_url_only_changes_the_paging_links(nodes):
    node = next(n for n in nodes if not n.page_size)
    a = node_documents(node, BASE, SEED)
    b = node_documents(node, "http://localhost:9999", SEED)
    assert a == b  # one document: nothing in it depends on where it is served
    assert node_catalogue_url(node, BASE + "/") == f"{BASE}/{node.name}/catalog.{EXTENSIONS[node.format]}"


# Federation shape --------------------------------------------------------------------------------------------------


def test_node_types_and_their_urls(nodes):
    types = Counter(n.type for n in nodes)
    assert types == {"dcat": len(nodes) - 3, "fdp": 1, "sparql": 1, "ckan": 1}
    by_type = {n.type: n for n in nodes}
    assert by_type["fdp"].country in ("NL", "BE") and by_type["ckan"].format == "turtle"
    assert node_url(by_type["fdp"], BASE) == f"{BASE}/{by_type['fdp'].name}/fdp/"
    assert node_url(by_type["sparql"], BASE + "/") == f"{BASE}/{by_type['sparql'].name}/sparql"
    ckan = by_type["ckan"]
    assert node_url(ckan, BASE) == f"{BASE}/{ckan.name}/"
    assert node_catalogue_url(ckan, BASE) == node_url(ckan, BASE) + "catalog.ttl"  # ckanext-dcat's endpoint
    for n in (n for n in nodes if n.type == "dcat"):
        assert node_url(n, BASE) == node_catalogue_url(n, BASE)
    with pytest.raises(ValueError):
        node_documents(DemoNode("zz", "MT", "Z", "turtle", None, 8, type="oai-pmh"), BASE, SEED)
    with pytest.raises(ValueError):  # a CKAN portal's catalog.ttl is Turtle
        node_documents(DemoNode("zz", "MT", "Z", "xml", None, 8, type="ckan"), BASE, SEED)


def test_federation_shape(nodes):
    assert 14 <= len(nodes) <= 20
    assert len({n.name for n in nodes}) == len(nodes)
    assert all(re.fullmatch(r"[a-z]{2}-[a-z0-9-]+", n.name) for n in nodes)
    assert len({n.country for n in nodes}) >= 12
    assert all(re.fullmatch(r"[A-Z]{2}", n.country) and n.country != "EL" for n in nodes)
    assert all(8 <= n.datasets <= 45 for n in nodes)
    assert {n.format for n in nodes} == {"turtle", "xml", "json-ld", "nt"}
    paged = [n for n in nodes if n.page_size]
    assert len(paged) >= 3
    assert all(n.datasets > n.page_size for n in paged)  # really more than one page


def test_document_paths_and_content_types(nodes, documents):
    types = {"turtle": "text/turtle", "xml": "application/rdf+xml", "json-ld": "application/ld+json",
             "nt": "application/n-triples"}
    for n in (n for n in nodes if n.type in ("dcat", "ckan")):
        first = f"/{n.name}/catalog.{EXTENSIONS[n.format]}"
        paths = list(documents[n.name])
        assert paths[0] == first
        assert BASE + first == node_catalogue_url(n, BASE)
        assert all(p == first or re.fullmatch(re.escape(first) + r"\?page=\d+", p) for p in paths)
        assert {ct for ct, _ in documents[n.name].values()} == {types[n.format]}
        assert len(paths) == (1 if not n.page_size else -(-n.datasets // n.page_size))


# Parsing -----------------------------------------------------------------------------------------------------------


def test_every_document_parses_with_its_format_parser(nodes, parsed):
    for n in (n for n in nodes if n.type in ("dcat", "ckan")):
        for path, g in parsed[n.name].items():
            assert len(g) > 100, (n.name, path)
            assert len(list(g.subjects(RDF.type, DCAT.Catalog))) == 1


def test_json_ld_is_self_contained(nodes, documents):
    def contexts(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "@context":
                    yield item
                yield from contexts(item)
        elif isinstance(value, list):
            for item in value:
                yield from contexts(item)

    seen = 0
    for n in (n for n in nodes if n.format == "json-ld"):
        for _, body in documents[n.name].values():
            doc = json.loads(body)
            found = list(contexts(doc))
            assert found and all(isinstance(c, dict) for c in found)  # inline objects, never a URL to fetch
            assert all(isinstance(v, str) and v.startswith("http") for c in found for v in c.values())
            seen += 1
    assert seen >= 2


def test_parse_document_helper_matches_rdflib(nodes, documents, parsed):
    n = nodes[0]
    path, (_, body) = next(iter(documents[n.name].items()))
    assert len(parse_document(body, n.format, BASE)) == len(parsed[n.name][path])


# Paging ------------------------------------------------------------------------------------------------------------


def _next_link(g: Graph) -> str | None:
    links = {str(o) for o in g.objects(None, HYDRA.next)} | {str(o) for o in g.objects(None, HYDRA.nextPage)}
    assert len(links) <= 1
    return links.pop() if links else None


def test_paged_nodes_chain_through_every_page(nodes, documents, parsed):
    styles = Counter()
    for n in (n for n in nodes if n.page_size):
        docs = documents[n.name]
        url, visited, datasets = node_catalogue_url(n, BASE), [], set()
        while url is not None:
            assert url.startswith(BASE + "/"), url
            path = url[len(BASE):]
            assert path in docs and path not in visited, (n.name, url)
            visited.append(path)
            g = parsed[n.name][path]
            page_datasets = _datasets(g)
            assert len(page_datasets) <= n.page_size
            datasets.update(page_datasets)
            view = URIRef(url)
            assert int(g.value(view, HYDRA.totalItems)) == n.datasets
            assert int(g.value(view, HYDRA.itemsPerPage)) == n.page_size
            link = g.value(view, HYDRA.next) or g.value(view, HYDRA.nextPage)
            assert (link is None) == (_next_link(g) is None)
            if (view, RDF.type, HYDRA.PagedCollection) in g:  # ckanext-dcat: page URLs as string literals
                styles["literal"] += 1
                assert link is None or (isinstance(link, Literal) and g.value(view, HYDRA.next) is None)
                assert str(g.value(view, HYDRA.firstPage)) == node_catalogue_url(n, BASE)
                last = str(g.value(view, HYDRA.lastPage))
            else:  # Hydra core view: IRIs
                styles["iri"] += 1
                assert (view, RDF.type, HYDRA.PartialCollectionView) in g
                assert link is None or (isinstance(link, URIRef) and g.value(view, HYDRA.nextPage) is None)
                assert str(g.value(view, HYDRA.first)) == node_catalogue_url(n, BASE)
                last = str(g.value(view, HYDRA.last))
            url = str(link) if link is not None else None
        assert visited == list(docs)  # every served page is reached, in order
        assert last == BASE + visited[-1]
        assert len(datasets) == n.datasets
    assert styles["literal"] and styles["iri"]  # both next-link styles are exercised


def test_pages_split_the_whole_catalogue(nodes, parsed, graphs):
    for n in (n for n in nodes if n.type in ("dcat", "ckan")):
        paged_ids = set()
        for g in parsed[n.name].values():
            catalogue = next(g.subjects(RDF.type, DCAT.Catalog))
            linked = set(g.objects(catalogue, DCAT.dataset))
            described = set(_datasets(g))
            assert len(linked) == len(described)
            assert {type(x) for x in linked} == {type(x) for x in described}
            paged_ids.update(str(g.value(d, DCT.identifier)) for d in described)
        whole = {str(graphs[n.name].value(d, DCT.identifier)) for d in _datasets(graphs[n.name])}
        assert paged_ids == whole and len(whole) == n.datasets


# Content -----------------------------------------------------------------------------------------------------------


def _literals(graphs: dict[str, Graph], lang: str) -> list[str]:
    return [str(o) for g in graphs.values() for o in g.objects() if isinstance(o, Literal) and o.language == lang]


def test_greek_and_hungarian_text_with_proper_tags_and_accents(parsed):
    merged = {f"{name}{path}": g for name, pages in parsed.items() for path, g in pages.items()}
    greek = _literals(merged, "el")
    names = {"1+Million Genomes", "Genome of Europe"}  # initiative names stay in English in every language
    assert greek and all(re.search(r"[\u0370-\u03ff]", text) or text in names for text in greek)
    assert any(re.search(r"[άέήίόύώ]", text) for text in greek)  # tonos, not bare capitals
    hungarian = _literals(merged, "hu")
    assert hungarian and any(re.search(r"[őű]", text) for text in hungarian)
    assert any("Életkor" in text for text in hungarian)
    assert not [t for t in _literals(merged, "en") if re.search(r"[\u0370-\u03ff]", t)]


def test_languages_mix(graphs):
    counts = Counter()
    for g in graphs.values():
        for d in _datasets(g):
            counts[tuple(sorted({o.language for o in g.objects(d, DCT.title)}))] += 1
    languages = {lang for key in counts for lang in key}
    assert {"en", "de", "fr", "es", "it", "nl", "sv", "fi", "da", "pt", "el", "hu", "ro", "pl", "cs"} <= languages
    assert counts[("en",)] >= 10  # some only in English
    national_only = sum(c for key, c in counts.items() if "en" not in key)
    assert 5 <= national_only <= sum(counts.values()) // 5  # a few only in the national language


def test_blank_node_datasets(graphs):
    blank = [(name, d) for name, g in graphs.items() for d in _datasets(g) if isinstance(d, BNode)]
    assert 2 <= len(blank) <= 3
    for name, d in blank:
        assert graphs[name].value(d, DCT.identifier) is not None
    fdp = {n.name for n in demo_nodes(SEED) if n.type == "fdp"}
    named = [(name, d) for name, g in graphs.items() for d in _datasets(g) if isinstance(d, URIRef)]
    for name, d in named:
        if name in fdp:  # an FDP's IRIs are the addresses of its documents
            assert str(d).startswith(f"{BASE}/{name}/fdp/dataset/")
        else:
            host = urlsplit(str(d)).hostname
            assert host.endswith(".example.eu") and "127.0.0.1" not in str(d)


def test_health_categories_exist_in_the_r8_vocabulary(graphs):
    used = {str(o) for g in graphs.values() for o in g.objects(None, HEALTHDCATAP.healthCategory)}
    assert used and all(iri.startswith(HEALTH_CATEGORY_NAL) for iri in used)
    assert HEALTH_CATEGORY_NAL + "HGPD" in used
    vocab = get_vocabularies()  # vendored from shared/reference's R8 files, so always present
    assert all(iri in vocab for iri in used), sorted(i for i in used if i not in vocab)
    themes = {str(o) for g in graphs.values() for o in g.objects(None, HEALTHDCATAP.healthTheme)}
    assert themes and all(t.startswith(HEALTH_THEME_NAL) for t in themes)
    assert all(iri in vocab for iri in themes), sorted(i for i in themes if i not in vocab)


def test_controlled_values_are_in_the_vendored_vocabularies(graphs):
    vocab = get_vocabularies()
    controlled = (EU_AUTHORITY, "https://hdeu-dcat.")
    skip = (DCT.license, DCAT.themeTaxonomy)  # no licence vocabulary vendored; a scheme is not a concept
    unknown = {str(o) for g in graphs.values() for _, p, o in g
               if isinstance(o, URIRef) and p not in skip and str(o).startswith(controlled) and str(o) not in vocab}
    assert not unknown


def test_every_dataset_maps_to_a_full_record_without_problems(nodes, graphs):
    vocab = get_vocabularies()
    country = {n.name: n.country for n in nodes}
    shared = {str(d) for name, owner in CO_PUBLISHED.items() for d in _datasets(graphs[name])
              if str(d).startswith(f"https://{owner}.")}
    for n in nodes:
        ctx = MappingContext(node=n.name, node_country=n.country, harvested="2026-01-01T00:00:00Z",
                             country_code=vocab.country_code)
        mapped = list(map_datasets(graphs[n.name], ctx))
        assert len(mapped) == n.datasets
        for m in mapped:
            r = m.record
            assert m.error is None and not m.problems, (n.name, m.subject, m.error, m.problems)
            assert r.title and r.description and r.keywords and r.population_coverage
            owner = next(iter(CO_PUBLISHED.values())) if r.iri in shared else n.name
            assert r.countries == [country[owner]]
            assert r.themes and r.health_categories and r.health_themes and r.languages
            assert r.access_rights.startswith(ACCESS_RIGHT_NAL)
            assert r.publisher.name and r.publisher.email and r.publisher.url
            assert r.hdab.name and r.hdab.email and r.hdab.url
            assert r.contact_point.name and r.contact_point.email and r.contact_point.url
            assert r.temporal.start < r.temporal.end
            assert r.issued and r.modified and r.issued[:10] <= r.modified[:10] <= "2025-12-31"
            assert r.landing_page and r.version and r.frequency and r.purpose and r.legal_basis
            assert 1 <= len(r.distributions) <= 3
            public = r.access_rights.endswith("/PUBLIC")
            assert (r.dataset_type is not None) == public
            for d in r.distributions:
                assert d.title and d.access_url and d.format and d.media_type
                assert d.download_url is None or public  # only public summary statistics are downloadable
            assert 0 <= r.min_typical_age < r.max_typical_age <= 95
            assert 100 <= r.number_of_unique_individuals <= 40000
            assert r.number_of_records >= r.number_of_unique_individuals
            assert bool(r.coding_systems) == bool(r.code_values)


def test_datatype_variants_seen_in_the_wild(graphs):
    datatypes = Counter()
    for g in graphs.values():
        for p in (HEALTHDCATAP.numberOfUniqueIndividuals, DCT.issued, DCT.modified, DCAT.byteSize):
            datatypes.update(str(o.datatype).rsplit("#", 1)[-1] for o in g.objects(None, p))
    assert datatypes["nonNegativeInteger"] > datatypes["integer"] > 0
    assert datatypes["date"] and datatypes["dateTime"] and datatypes["decimal"]


def test_access_rights_mostly_restricted(graphs):
    rights = Counter(str(o).rsplit("/", 1)[-1] for g in graphs.values() for o in g.objects(None, DCT.accessRights)
                     if str(o).startswith(ACCESS_RIGHT_NAL))
    assert rights["NON_PUBLIC"] + rights["RESTRICTED"] > 5 * rights["PUBLIC"] > 0


def test_totals_is_computed_from_the_served_rdf(nodes, graphs):
    result = totals(nodes, SEED)
    assert set(result) == {n.name for n in nodes}
    for n in nodes:
        g = graphs[n.name]
        individuals = sum(int(g.value(d, HEALTHDCATAP.numberOfUniqueIndividuals)) for d in _datasets(g))
        assert result[n.name] == {"datasets": n.datasets, "individuals": individuals}


def test_unknown_node_gets_a_generic_catalogue():
    node = DemoNode(name="xx-test", country="MT", title="Test node", format="turtle", page_size=3, datasets=7)
    docs = node_documents(node, BASE, SEED)
    assert len(docs) == 3
    assert totals([node], SEED)["xx-test"]["datasets"] == 7
    with pytest.raises(ValueError):
        node_documents(DemoNode("yy", "MT", "Y", "rdfa", None, 8), BASE, SEED)


# Node types --------------------------------------------------------------------------------------------------------


def test_fdp_node_is_a_walk_from_its_root_through_every_document(nodes, documents, graphs):
    """Root -> catalogue -> datasets -> distributions, each IRI the URL of its own Turtle document."""
    n = next(n for n in nodes if n.type == "fdp")
    docs = documents[n.name]
    assert {ct for ct, _ in docs.values()} == {"text/turtle"}

    def fetch(iri: URIRef) -> Graph:
        assert str(iri).startswith(fdp_base_url(n, BASE) + "/"), iri
        return parse_document(docs[str(iri)[len(BASE):]][1], "turtle", str(iri))

    root = URIRef(node_url(n, BASE))
    g = fetch(root)
    assert (root, RDF.type, FDP_O.FAIRDataPoint) in g
    (catalogue,) = g.objects(root, FDP_O.metadataCatalog)
    g = fetch(catalogue)
    assert (catalogue, RDF.type, DCAT.Catalog) in g
    datasets = sorted(g.objects(catalogue, DCAT.dataset))
    assert len(datasets) == n.datasets and all(isinstance(d, URIRef) for d in datasets)
    visited = {str(root), str(catalogue)}
    for d in datasets:
        dg = fetch(d)
        assert (d, RDF.type, DCAT.Dataset) in dg and dg.value(d, DCT.title) is not None
        distributions = list(dg.objects(d, DCAT.distribution))
        assert distributions
        for dist in distributions:
            assert dg.value(dist, DCAT.accessURL) is None  # described in its own document only
            assert fetch(dist).value(dist, DCAT.accessURL) is not None
            visited.add(str(dist))
        visited.add(str(d))
    assert {BASE + p for p in docs} == visited  # nothing served that the walk does not reach
    assert sorted(_datasets(graphs[n.name])) == datasets


def test_co_published_dataset_is_described_identically_by_both_nodes(nodes, graphs):
    ((co_publisher, owner),) = CO_PUBLISHED.items()
    by_name = {n.name: n for n in nodes}
    assert by_name[co_publisher].type != "fdp"  # an FDP can only serve its own resources
    shared = set(_datasets(graphs[owner])) & set(_datasets(graphs[co_publisher]))
    (iri,) = shared
    assert str(iri).startswith(f"https://{owner}.example.eu/dataset/")
    assert graphs[owner].value(iri, DCT.title) is not None
    for g in (graphs[owner], graphs[co_publisher]):
        catalogue = next(g.subjects(RDF.type, DCAT.Catalog))
        assert (catalogue, DCAT.dataset, iri) in g
    described = [set(g.triples((iri, None, None))) for g in (graphs[owner], graphs[co_publisher])]
    assert described[0] == described[1]
    publisher = graphs[owner].value(iri, DCT.publisher)
    assert set(graphs[owner].triples((publisher, None, None))) == set(graphs[co_publisher].triples((publisher, None,
                                                                                                     None)))
    per_node, whole = totals(nodes, SEED), catalogue_totals(nodes, SEED)
    assert whole["shared"] == {str(iri): sorted([owner, co_publisher], key=[n.name for n in nodes].index)}
    assert whole["datasets"] == sum(v["datasets"] for v in per_node.values()) - 1
    individuals = int(graphs[owner].value(iri, HEALTHDCATAP.numberOfUniqueIndividuals))
    assert whole["individuals"] == sum(v["individuals"] for v in per_node.values()) - individuals
    assert sum(whole["by_country"].values()) == whole["individuals"]
    assert set(whole["by_country"]) == {n.country for n in nodes}


@pytest.fixture(scope="module")
def endpoint(nodes):
    n = next(n for n in nodes if n.type == "sparql")
    sparql = SparqlEndpoint.from_graph(node_graph(n, BASE, SEED))
    with NodeServer() as server:
        server.set_handler("/sparql", sparql, any_query=True)
        yield server, sparql, n


def _ask(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_sparql_endpoint_speaks_the_protocol(endpoint):
    server, sparql, n = endpoint
    url = server.url("/sparql")
    count = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }"
    status, content_type, body = _ask(url + "?" + urlencode({"query": count}))
    assert (status, content_type.split(";")[0]) == (200, "application/sparql-results+json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(n.datasets)
    form = urlencode({"query": count}).encode()
    status, content_type, body = _ask(url, form, {"Accept": "application/sparql-results+xml",
                                                   "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and content_type.startswith("application/sparql-results+xml") and b"<sparql" in body
    status, _, body = _ask(url, b"ASK { ?s ?p ?o }", {"Content-Type": "application/sparql-query"})
    assert status == 200 and json.loads(body)["boolean"] is True
    construct = urlencode({"query": "CONSTRUCT WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }"}).encode()
    for accept, media_type, fmt in (("text/turtle, application/n-triples;q=0.9", "text/turtle", "turtle"),
                                    ("application/n-triples, text/turtle;q=0.5", "application/n-triples", "nt")):
        status, content_type, body = _ask(url, construct, {"Accept": accept})
        assert status == 200 and content_type.split(";")[0] == media_type
        assert len(Graph().parse(data=body, format=fmt)) == n.datasets
    assert sparql.queries[-1].startswith("CONSTRUCT")


def test_sparql_endpoint_refuses_updates_and_reports_bad_queries(endpoint):
    server, sparql, n = endpoint
    url = server.url("/sparql")
    status, _, body = _ask(url, urlencode({"update": "CLEAR ALL"}).encode())
    assert status == 403 and b"read-only" in body
    status, _, _ = _ask(url, b"CLEAR ALL", {"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, body = _ask(url + "?" + urlencode({"query": "SELEKT * WHERE { ?s ?p ?o }"}))
    assert status == 400 and body.startswith(b"Query parse error")
    status, _, _ = _ask(url + "?other=1")
    assert status == 400
    assert len(sparql.store) == len(node_graph(n, BASE, SEED))  # nothing changed


def test_negotiate_prefers_quality_then_order():
    offered = {"text/turtle": 1, "application/n-triples": 2, "application/rdf+xml": 3}
    assert negotiate(None, offered) == "text/turtle"
    assert negotiate("application/rdf+xml;q=0.5, application/n-triples", offered) == "application/n-triples"
    assert negotiate("application/*;q=0.9, text/turtle;q=0.1", offered) == "application/n-triples"
    assert negotiate("text/html", offered) == "text/turtle"  # lenient: the default rather than 406
    assert negotiate("text/turtle;q=0, */*;q=0.1", offered) == "application/n-triples"  # the specific range wins
    assert negotiate("*/*", offered) == "text/turtle"


def test_serve_demo_nodes_serves_every_type():
    server, nodes = serve_demo_nodes(SEED)
    try:
        for n in nodes:
            url = node_url(n, server.base_url)
            if n.type == "sparql":
                status, _, body = _ask(url + "?" + urlencode({"query": "ASK { ?s a ?t }"}))
                assert status == 200 and json.loads(body)["boolean"] is True
            else:
                status, content_type, _ = _ask(url if n.type != "ckan" else url + "catalog.ttl")
                assert status == 200 and content_type.startswith(("text/turtle", "application/")), n.name
    finally:
        server.stop()
