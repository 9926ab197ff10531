"""Harvesting a FAIR Data Point served over HTTP on 127.0.0.1 (tests/fdp_server.py over tests/fixtures/fdp).

The fixture FDP: a root listing two catalogues (one by fdp-o:metadataCatalog and its LDP container, one
only by the container); "genomics" lists seven datasets with dcat:dataset and a container, "registries" is
paged (Link header to page 2, ldp:nextPage triple to page 3) and lists six, one of them (ds-07) also in
"genomics". Twelve datasets in all, one served only as JSON-LD (ds-05), one untyped in its own document
(ds-06), and eleven distribution documents.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from rdflib import URIRef
from sqlalchemy import select

from catalogue.dcat.namespaces import DCAT, RDF
from catalogue.errors import HarvestError
from catalogue.records import dataset_id_for_iri
from catalogue.search.base import SearchQuery
from catalogue.store.db import Dataset
from harvesters.base import DocumentCache, NodeSpec
from harvesters.fdp import FdpHarvester, next_links
from tests.fdp_server import FIXTURES, FdpServer
from tests.golden import assert_matches_golden

NODE = "nl-fdp"
KEYS = [f"ds-{n:02d}" for n in range(1, 13)]
DOCUMENTS = 28  # root, 2 catalogues, 2 further pages, 12 datasets, 11 distributions
GOLDEN = FIXTURES / "expected" / "ds-01.json"


@pytest.fixture
def fdp(node_server) -> FdpServer:
    return FdpServer(node_server)


def _register(catalogue, fdp: FdpServer, name: str = NODE) -> None:
    catalogue.add_node(name, fdp.url("/"), "NL", "fdp", "Dutch GDI FAIR Data Point")


def _iri(fdp: FdpServer, key: str) -> str:
    return fdp.url(f"/dataset/{key}")


def _rows(catalogue, node: str = NODE) -> dict[str, Dataset]:
    """Every dataset row of the node by IRI, active or withdrawn."""
    with catalogue.db.session() as session:
        rows = list(session.scalars(select(Dataset).where(Dataset.node_name == node)))
        session.expunge_all()
    return {row.iri: row for row in rows}


def _active(catalogue) -> set[str]:
    return {iri for iri, row in _rows(catalogue).items() if row.status == "active"}


def _counts(summary) -> tuple:
    return summary.status, summary.added, summary.updated, summary.unchanged, summary.withdrawn, summary.invalid


def _record(catalogue, fdp: FdpServer, key: str) -> dict:
    return catalogue.dataset(dataset_id_for_iri(_iri(fdp, key))).record.to_dict()


# ---------------------------------------------------------------------------------------------------
def test_full_harvest_gives_every_dataset_once(catalogue, fdp):
    _register(catalogue, fdp)
    [summary] = catalogue.harvest([NODE])
    assert _counts(summary) == ("success", 12, 0, 0, 0, 0), summary.message or summary.problems
    assert summary.pages == DOCUMENTS
    assert _active(catalogue) == {_iri(fdp, key) for key in KEYS}  # no catalogue, root or container listed

    # Each document fetched once: ds-07 (in both catalogues) and the documents linking back up included.
    counts = fdp.get_counts()
    assert len(counts) == DOCUMENTS and set(counts.values()) == {1}, counts
    assert not [path for path in counts if path.startswith("/files/")]  # a data file is never downloaded

    # The catalogues' own metadata stays theirs.
    records = [_record(catalogue, fdp, key) for key in KEYS]
    publishers = {(r["publisher"] or {}).get("name", {}).get("en") for r in records}
    assert not {name for name in publishers if name and "catalogue publisher" in name}
    assert 99999 not in {r["number_of_unique_individuals"] for r in records}

    # Found although only the catalogue's link (another document) says it is a dataset.
    untyped = _record(catalogue, fdp, "ds-06")
    assert untyped["title"]["en"] == "Newborn screening genomes pilot"
    assert [d["access_url"] for d in untyped["distributions"]] == ["https://hdab.example.org/apply/ds-06"]
    described = catalogue.rdf.describe(NODE, _iri(fdp, "ds-06"))
    assert (URIRef(_iri(fdp, "ds-06")), RDF.type, DCAT.Dataset) in described  # typed in the node's graph
    genomics = catalogue.rdf.describe(NODE, fdp.url("/catalog/genomics"))
    assert (URIRef(fdp.url("/catalog/genomics")), RDF.type, DCAT.Catalog) in genomics
    assert (URIRef(fdp.url("/catalog/genomics")), RDF.type, DCAT.Dataset) not in genomics
    # Served as JSON-LD: the only representation the server has of it.
    assert fdp.served["/dataset/ds-05 application/ld+json"] == 1
    assert _record(catalogue, fdp, "ds-05")["number_of_unique_individuals"] == 150
    # Distributions from their own documents, from the LDP distribution container, from hash IRIs and
    # from a data-file IRI described in place.
    assert sorted(d["title"]["en"] for d in _record(catalogue, fdp, "ds-01")["distributions"]) == [
        "Aligned reads (CRAM)", "Germline and somatic variants (VCF)"]
    assert [d["title"]["en"] for d in _record(catalogue, fdp, "ds-03")["distributions"]] == [
        "Aggregated panel report (PDF)"]
    assert [d["download_url"] for d in _record(catalogue, fdp, "ds-04")["distributions"]] == [
        fdp.url("/files/ds-04-allele-frequencies.vcf.gz")]
    assert _record(catalogue, fdp, "ds-12")["distributions"][0]["byte_size"] == 5242880

    assert catalogue.search(SearchQuery.parse("borstkanker")).total == 1  # multilingual, searchable


def test_golden_record(catalogue, fdp):
    """ds-01 end to end (HTTP, walk, merge, profile chain) against tests/fixtures/fdp/expected/ds-01.json."""
    _register(catalogue, fdp)
    [summary] = catalogue.harvest([NODE])
    assert summary.status == "success", summary.message
    actual = _record(catalogue, fdp, "ds-01")
    actual.pop("harvested")
    actual = json.loads(json.dumps(actual).replace(fdp.base, "{base}"))
    actual["id"] = "(sha256 of the dataset IRI)"  # the IRI holds the server's random port
    assert_matches_golden(GOLDEN, actual)
    assert actual["title"] == {"en": "Dutch breast cancer genomes", "nl": "Nederlandse borstkankergenomen",
                               "de": "Niederländische Brustkrebsgenome",
                               "fr": "Génomes néerlandais du cancer du sein"}
    assert actual["number_of_unique_individuals"] == 2450


def test_paging_is_followed_by_link_header_and_next_page_triple(catalogue, fdp):
    _register(catalogue, fdp)
    [summary] = catalogue.harvest([NODE])
    assert summary.status == "success"
    assert len(fdp.gets("/catalog/registries?page=2")) == 1  # from the Link header of page 1
    assert len(fdp.gets("/catalog/registries?page=3")) == 1  # from ldp:nextPage on page 2
    assert {_iri(fdp, k) for k in ("ds-10", "ds-11", "ds-12")} <= _active(catalogue)



def test_without_the_link_header_later_pages_are_not_reached(catalogue, fdp):
    """The counter-test: page 2 is named nowhere but in page 1's Link header."""
    fdp.set_header("/catalog/registries", "Link", None)
    _register(catalogue, fdp)
    [summary] = catalogue.harvest([NODE])
    assert (summary.status, summary.added) == ("success", 9)
    assert not fdp.gets("/catalog/registries?page=2") and not fdp.gets("/catalog/registries?page=3")
    assert not {_iri(fdp, k) for k in ("ds-10", "ds-11", "ds-12")} & _active(catalogue)


def test_moving_a_dataset_between_catalogues_keeps_its_id(catalogue, fdp):
    _register(catalogue, fdp)
    [first] = catalogue.harvest([NODE])
    assert first.added == 12
    before = _rows(catalogue)[_iri(fdp, "ds-03")]

    # out of both the dcat:dataset list and the LDP container of "genomics", into page 2 of "registries"
    fdp.edit("/catalog/genomics", "<{base}/dataset/ds-03>, ", "")
    fdp.edit("/catalog/registries?page=2", "<{base}/dataset/ds-11>", "<{base}/dataset/ds-11>, <{base}/dataset/ds-03>")
    fdp.edit("/dataset/ds-03", "dct:isPartOf <{base}/catalog/genomics>", "dct:isPartOf <{base}/catalog/registries>")

    [moved] = catalogue.harvest([NODE])
    assert (moved.status, moved.added, moved.withdrawn, moved.invalid) == ("success", 0, 0, 0), moved.message
    assert moved.unchanged + moved.updated == 12
    after = _rows(catalogue)[_iri(fdp, "ds-03")]
    assert (after.id, after.status, after.first_seen) == (before.id, "active", before.first_seen)
    assert after.id == dataset_id_for_iri(_iri(fdp, "ds-03"))


def test_removed_dataset_is_withdrawn_only_after_a_complete_pass(catalogue, fdp):
    _register(catalogue, fdp)
    catalogue.harvest([NODE])
    gone = _iri(fdp, "ds-09")
    fdp.edit("/catalog/registries", "<{base}/dataset/ds-08>, <{base}/dataset/ds-09>", "<{base}/dataset/ds-08>")
    fdp.remove("/dataset/ds-09")
    fdp.remove("/distribution/ds-09-data")

    fdp.fail("/catalog/genomics", 500)  # this pass is incomplete: nothing may be withdrawn
    [partial] = catalogue.harvest([NODE])
    assert partial.status == "failed" and partial.withdrawn == 0
    assert gone in _active(catalogue) and len(_active(catalogue)) == 12

    fdp.restore("/catalog/genomics")
    [complete] = catalogue.harvest([NODE])
    assert _counts(complete) == ("success", 0, 0, 11, 1, 0), complete.message
    row = _rows(catalogue)[gone]
    assert row.status == "withdrawn" and row.withdrawn_at is not None
    assert catalogue.search(SearchQuery.parse("perinatal")).total == 0


def test_catalogue_error_fails_the_run_and_keeps_every_dataset(catalogue, fdp):
    _register(catalogue, fdp)
    catalogue.harvest([NODE])
    triples = catalogue.rdf.count(NODE)
    fdp.fail("/catalog/registries", 500)

    [failed] = catalogue.harvest([NODE])
    assert failed.status == "failed"
    assert fdp.url("/catalog/registries") in failed.message and "catalogue" in failed.message
    assert "HTTP 500" in failed.message and "kept" in failed.message
    assert len(_active(catalogue)) == 12 and catalogue.rdf.count(NODE) == triples
    assert catalogue.search(SearchQuery.parse("perinatal")).total == 1


@pytest.mark.parametrize("breakage", ["missing", "malformed", "about-something-else"])
def test_unreadable_dataset_document_fails_the_pass(catalogue, fdp, breakage):
    """A dataset the catalogue lists but whose document cannot be read would be withdrawn by a pass that
    went on without it, so the pass stops instead."""
    _register(catalogue, fdp)
    catalogue.harvest([NODE])
    if breakage == "missing":
        fdp.remove("/dataset/ds-10")
    elif breakage == "malformed":
        fdp.put("/dataset/ds-10", '<{base}/dataset/ds-10> <http://purl.org/dc/terms/title> "unterminated .\n')
    else:
        fdp.put("/dataset/ds-10", '<{base}/dataset/other> <http://purl.org/dc/terms/title> "Other" .\n')
    [failed] = catalogue.harvest([NODE])
    assert failed.status == "failed" and failed.withdrawn == 0
    assert fdp.url("/dataset/ds-10") in failed.message and "withdraw" in failed.message
    assert breakage != "about-something-else" or "describes neither" in failed.message
    assert fdp.url("/catalog/registries?page=2") in failed.message  # where it is listed
    assert _iri(fdp, "ds-10") in _active(catalogue) and len(_active(catalogue)) == 12


def test_distribution_described_by_its_dataset_may_fail_with_a_warning(catalogue, fdp):
    _register(catalogue, fdp)
    fdp.remove("/distribution/ds-12-csv")  # ds-12's own document describes it
    [summary] = catalogue.harvest([NODE])
    assert (summary.status, summary.added) == ("success", 12), summary.message
    assert any("ds-12-csv" in p["message"] and "description in its dataset" in p["message"]
               for p in summary.problems)
    [distribution] = _record(catalogue, fdp, "ds-12")["distributions"]
    assert distribution["access_url"] == "https://hdab.example.org/apply/ds-12" and distribution["byte_size"] is None

    fdp.remove("/distribution/ds-11-data")  # described nowhere else: the pass stops
    [failed] = catalogue.harvest([NODE])
    assert failed.status == "failed" and fdp.url("/distribution/ds-11-data") in failed.message


def test_cycles_terminate_and_every_document_is_fetched_once(catalogue, fdp):
    # Catalogues listing each other, the root listing itself, a dataset listing its catalogue and the
    # root, the last page linking back to the first.
    fdp.edit("/catalog/genomics", "dct:isPartOf <{base}/> ;",
             "dct:isPartOf <{base}/> ;\n    dcat:catalog <{base}/catalog/registries>, <{base}/> ;")
    fdp.edit("/catalog/registries", "dct:isPartOf <{base}/> ;",
             "dct:isPartOf <{base}/> ;\n    dcat:catalog <{base}/catalog/genomics> ;")
    fdp.edit("/", "ldp:contains <{base}/catalog/genomics>", "ldp:contains <{base}/>, <{base}/#self>, "
                                                           "<{base}/catalog/genomics>")
    fdp.edit("/dataset/ds-07", "dct:identifier", "dcat:dataset <{base}/dataset/ds-07>, <{base}/dataset/ds-01> ;\n"
                                                 "    dct:relation <{base}/catalog/registries> ;\n    dct:identifier")
    # A dataset naming a catalogue the root does not list: links up the hierarchy are not followed.
    fdp.edit("/dataset/ds-07", "dct:identifier", "fdp-o:metadataCatalog <{base}/catalog/unlisted> ;\n"
                                                 "    dct:identifier")
    fdp.edit("/catalog/registries?page=3", "ldp:nextPage rdf:nil", "ldp:nextPage <{base}/catalog/registries>")
    _register(catalogue, fdp)
    [summary] = catalogue.harvest([NODE])
    assert _counts(summary) == ("success", 12, 0, 0, 0, 0), summary.message
    counts = fdp.get_counts()
    assert len(counts) == DOCUMENTS and set(counts.values()) == {1}, counts  # /catalog/unlisted included
    assert any("already fetched" in p["message"] and "paging loop" in p["message"] for p in summary.problems)


def test_endless_paging_stops_at_the_document_limit(settings, node_server):
    server = FdpServer(node_server, fixtures=None)
    server.put("/", "@prefix fdp-o: <https://w3id.org/fdp/fdp-o#> .\n"
                    "<{base}/> fdp-o:metadataCatalog <{base}/catalog/c> .\n")
    for n in range(1, 40):  # every page names a new next page
        server.put(f"/catalog/c?page={n}" if n > 1 else "/catalog/c",
                   f"#> Link: <{{base}}/catalog/c?page={n + 1}>; rel=\"next\"\n"
                   f"<{{base}}/catalog/c> a <http://www.w3.org/ns/dcat#Catalog> ; <urn:x:n> {n} .\n")
    harvester = FdpHarvester(replace(settings, harvest_max_pages=10))
    with pytest.raises(HarvestError) as caught:
        list(harvester.iter_pages(NodeSpec(NODE, server.url("/"), "NL", "fdp")))
    assert "GDI_HARVEST_MAX_PAGES" in caught.value.message and "stopped after 10 documents" in caught.value.message
    assert len(server.gets()) == 10


def test_accept_header_asks_for_turtle_and_the_server_negotiates(catalogue, fdp):
    import requests

    _register(catalogue, fdp)
    catalogue.harvest([NODE])
    accepts = {headers["Accept"] for headers in fdp.gets()}
    assert len(accepts) == 1
    [accept] = accepts
    ranges = [part.strip() for part in accept.split(",")]
    assert ranges[0] == "text/turtle"  # first and, without q, the only range at q=1
    assert all(";q=" in r for r in ranges[1:]) and "application/ld+json;q=0.9" in ranges
    assert not [key for key in fdp.served if not key.endswith("text/turtle")
                and key != "/dataset/ds-05 application/ld+json"]

    # The server really negotiates: what the harvester got as Turtle is there as RDF/XML too, and a
    # document without Turtle refuses a client that accepts only Turtle.
    xml = requests.get(fdp.url("/dataset/ds-01"), headers={"Accept": "application/rdf+xml"}, timeout=5)
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/rdf+xml")
    assert "<rdf:RDF" in xml.text
    refused = requests.get(fdp.url("/dataset/ds-05"), headers={"Accept": "text/turtle"}, timeout=5)
    assert refused.status_code == 406


def test_second_harvest_of_an_unchanged_fdp_is_answered_with_304s(catalogue, fdp):
    _register(catalogue, fdp)
    [first] = catalogue.harvest([NODE])
    assert first.added == 12 and fdp.not_modified == 0
    [second] = catalogue.harvest([NODE])
    assert (second.status, second.added, second.updated, second.withdrawn) == ("success", 0, 0, 0), second.message
    assert second.unchanged == 12
    assert fdp.not_modified == DOCUMENTS  # every document revalidated, none downloaded again
    assert sum(fdp.served.values()) == DOCUMENTS  # served whole once each, in the first harvest
    assert len(_active(catalogue)) == 12  # the paged catalogue's later pages were still followed


def test_304_keeps_paging_with_the_document_cache(settings, fdp, tmp_path):
    """Directly against the harvester: a cached root and paged catalogue still lead to every page."""
    cache = DocumentCache(tmp_path / "cache")
    spec = NodeSpec(NODE, fdp.url("/"), "NL", "fdp")
    first = list(FdpHarvester(settings, cache=cache).iter_pages(spec))
    second = list(FdpHarvester(settings, cache=cache).iter_pages(spec))
    assert [p.url for p in first] == [p.url for p in second] and len(second) == DOCUMENTS
    assert all(p.not_modified for p in second) and not any(p.not_modified for p in first)


@pytest.mark.parametrize("variant", ["r3d", "purl-fdp-o", "bare-container", "container-document"])
def test_older_and_other_fdp_shapes(catalogue, node_server, variant):
    """FDPs before 1.0 (r3d:dataCatalog), the purl.org FDP-O namespace, containers without a member
    relation and a catalogue list served as a container document of its own."""
    server = FdpServer(node_server, fixtures=None)
    prefixes = ("@prefix dcat: <http://www.w3.org/ns/dcat#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"
                "@prefix ldp: <http://www.w3.org/ns/ldp#> .\n")
    root = {
        "r3d": "<{base}/> a <http://www.re3data.org/schema/3-0#Repository> ;\n"
               "    <http://www.re3data.org/schema/3-0#dataCatalog> <{base}/catalog/c1> .\n",
        "purl-fdp-o": "<{base}/> <http://purl.org/fdp/fdp-o#metadataCatalog> <{base}/catalog/c1> .\n",
        "bare-container": "<{base}/> a ldp:Container ; dct:title \"FDP\" ; ldp:contains <{base}/catalog/c1> .\n",
        "container-document": "<{base}/> ldp:contains <{base}/catalog/> .\n",
    }[variant]
    server.put("/", prefixes + root)
    server.put("/catalog/", prefixes + "<{base}/catalog/> a ldp:BasicContainer ; dct:title \"Catalogs\" ;\n"
                                       "    ldp:contains <{base}/catalog/c1> .\n")
    server.put("/catalog/c1", prefixes + "<{base}/catalog/c1> a dcat:Catalog ; dct:title \"C1\" .\n"
                                         "<{base}/catalog/c1/ds> a ldp:BasicContainer ;\n"
                                         "    ldp:contains <{base}/dataset/one> .\n")
    server.put("/dataset/one", prefixes + "<{base}/dataset/one> dct:title \"One\"@en .\n")
    catalogue.add_node("old", server.url("/"), "NL", "fdp")
    [summary] = catalogue.harvest(["old"])
    assert _counts(summary) == ("success", 1, 0, 0, 0, 0), summary.message or summary.problems
    assert catalogue.dataset(dataset_id_for_iri(server.url("/dataset/one"))).record.title == {"en": "One"}


def test_root_that_is_not_rdf_fails_with_a_clear_message(catalogue, node_server):
    node_server.set("/", "<!DOCTYPE html><html><head><title>FAIR Data Point</title></head></html>",
                    content_type="text/html")
    catalogue.add_node("html", node_server.url("/"), "NL", "fdp")
    [summary] = catalogue.harvest(["html"])
    assert summary.status == "failed"
    assert "root" in summary.message and "HTML page" in summary.message and node_server.url("/") in summary.message


def test_link_header_parsing():
    base = "https://fdp.example.org/catalog/c?page=2"
    assert next_links('<?page=3>; rel="next", <http://www.w3.org/ns/ldp#Resource>; rel="type"', base) == [
        "https://fdp.example.org/catalog/c?page=3"]
    assert next_links('<p3>; title="a, b; c"; rel="prev next"', base) == ["https://fdp.example.org/catalog/p3"]
    assert next_links('<https://x.example/n>; rel=next; anchor="https://other.example/"', base) == []
    assert next_links('<https://x.example/n>; rel="nexty"', base) == []
    assert next_links(None, base) == []

