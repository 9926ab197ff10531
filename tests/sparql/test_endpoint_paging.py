"""The SPARQL harvester against a second engine (Oxigraph behind tests/sparql/endpoint.py) and against
endpoints that misbehave: no Fuseki needed, so these always run."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from catalogue.errors import HarvestError
from harvesters.base import NodeSpec
from harvesters.sparql import SparqlHarvester
from tests.sparql.conftest import expected_records, harvested_records


def _node(url: str) -> NodeSpec:
    return NodeSpec(name="be-sparql", url=url, country="BE", type="sparql")


def _harvest_ok(catalogue, url: str) -> None:
    catalogue.add_node("be-sparql", url, "BE", "sparql", update=True)
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert set(harvested_records(catalogue, "be-sparql")) == set(expected_records("be-sparql"))


def _fails_and_keeps_data(catalogue, url: str) -> str:
    """Harvest ``url`` as the node, expecting a failed run that leaves the earlier datasets alone."""
    catalogue.add_node("be-sparql", url, "BE", "sparql", update=True)
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "failed"
    assert set(harvested_records(catalogue, "be-sparql")) == set(expected_records("be-sparql"))
    return run.message


def test_paging_asks_for_every_dataset_exactly_once(settings, endpoint):
    harvester = SparqlHarvester(settings)
    harvester.page_size = 4
    pages = list(harvester.iter_pages(_node(endpoint.url)))
    asked = endpoint.described()
    flat = [iri for batch in asked for iri in batch]
    assert len(flat) == len(set(flat)) == 26
    assert set(flat) == set(expected_records("be-sparql"))
    assert flat == sorted(flat) and [len(b) for b in asked] == [4] * 6 + [2]
    assert len(pages) == 7 and harvester.warnings == [
        "1 dataset(s) at " + endpoint.url + " are blank nodes: a SPARQL harvest can only page through datasets "
        "with IRIs, so they were skipped (give them IRIs)"]


def test_records_match_the_fixture_read_directly(catalogue, endpoint, monkeypatch):
    monkeypatch.setattr(SparqlHarvester, "page_size", 5)
    catalogue.add_node("be-sparql", endpoint.url, "BE", "sparql")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert run.pages == 6 and run.added == 26
    assert harvested_records(catalogue, "be-sparql") == expected_records("be-sparql")


def test_long_lists_are_described_in_pages(settings, endpoint):
    harvester = SparqlHarvester(settings)
    harvester.page_size, harvester.list_size = 3, 10
    assert len(list(harvester.iter_pages(_node(endpoint.url)))) == 10  # 26 datasets: 3+3+3+1 per list of 10
    assert [len(b) for b in endpoint.described()] == [3, 3, 3, 1, 3, 3, 3, 1, 3, 3]
    lists = [q for q in endpoint.queries if "SELECT DISTINCT ?dataset" in q]
    assert [q.split("\n")[-1] for q in lists] == [f"ORDER BY ?dataset LIMIT 10 OFFSET {k}" for k in (0, 10, 20)]


def test_endpoint_ignoring_offset_fails_instead_of_withdrawing(catalogue, endpoint, monkeypatch):
    monkeypatch.setattr(SparqlHarvester, "page_size", 4)
    monkeypatch.setattr(SparqlHarvester, "list_size", 4)
    _harvest_ok(catalogue, endpoint.url)
    endpoint.ignore_offset = True
    message = _fails_and_keeps_data(catalogue, endpoint.url)
    assert message.startswith(f"paging through {endpoint.url} gave 4 distinct datasets, but the endpoint counts 26 "
                              "(the list of datasets 5-8 repeated datasets listed before (does the endpoint "
                              "ignore OFFSET?))"), message
    assert "no dataset was withdrawn" in message


def test_endpoint_capping_result_rows_is_listed_in_steps_of_the_cap(catalogue, endpoint, monkeypatch):
    monkeypatch.setattr(SparqlHarvester, "page_size", 5)
    monkeypatch.setattr(SparqlHarvester, "list_size", 10)
    endpoint.max_rows = 6  # like Virtuoso's ResultSetMaxRows, whatever the query's LIMIT
    catalogue.add_node("be-sparql", endpoint.url, "BE", "sparql")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert harvested_records(catalogue, "be-sparql") == expected_records("be-sparql")
    capped = [p["message"] for p in run.problems if "cap result sizes" in p["message"]]
    assert capped == ["the list of datasets 1-10 stopped after 6 rows with 20 dataset(s) to go; listing on in "
                      "steps of 6 (the endpoint seems to cap result sizes)"]


def test_answers_cut_off_at_a_row_limit_are_asked_for_again_in_parts(catalogue, endpoint, monkeypatch):
    monkeypatch.setattr(SparqlHarvester, "page_size", 10)
    endpoint.describe_at_most = 3  # like a server that stops after so many results
    catalogue.add_node("be-sparql", endpoint.url, "BE", "sparql")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert harvested_records(catalogue, "be-sparql") == expected_records("be-sparql")
    lacks = [p["message"] for p in run.problems if "lacks" in p["message"]]
    assert len(lacks) == 3 and "lacks 7 of its 10 datasets" in lacks[0] and "smaller parts" in lacks[0]
    answerable = {iri for batch in endpoint.described() if len(batch) <= 3 for iri in batch}
    assert answerable == set(expected_records("be-sparql"))  # each one was asked for in a small enough part


def test_query_timeout_gives_a_clear_message(catalogue, endpoint, settings):
    _harvest_ok(catalogue, endpoint.url)
    endpoint.delay = 3.0
    slow = SparqlHarvester(settings.with_overrides(harvest_timeout=0.4))
    with pytest.raises(HarvestError) as caught:
        list(slow.iter_pages(_node(endpoint.url)))
    assert caught.value.message.startswith(
        f"the SPARQL endpoint {endpoint.url} did not answer the count query within 0.4 s (timeout after 0.4 s")
    assert "GDI_HARVEST_TIMEOUT" in caught.value.message


def test_timeout_during_a_catalogue_harvest_keeps_earlier_data(catalogue, endpoint, monkeypatch):
    _harvest_ok(catalogue, endpoint.url)
    monkeypatch.setattr(SparqlHarvester, "query_timeout", 0.4)
    endpoint.delay = 3.0
    message = _fails_and_keeps_data(catalogue, endpoint.url)
    assert "did not answer the count query within 0.4 s" in message


def test_html_page_instead_of_results(catalogue, endpoint):
    _harvest_ok(catalogue, endpoint.url)
    endpoint.html = True
    message = _fails_and_keeps_data(catalogue, endpoint.url)
    assert message.startswith(f"{endpoint.url} is not a SPARQL endpoint: it answered the count query with an HTML "
                              "page (Welcome to our data portal)"), message


def test_web_page_url_from_a_node_server(catalogue, endpoint, node_server):
    _harvest_ok(catalogue, endpoint.url)
    url = node_server.set("/catalogue.html", "<!DOCTYPE html><html><head><title>Our catalogue</title></head></html>",
                          content_type="text/html")
    message = _fails_and_keeps_data(catalogue, url)
    assert message.startswith(f"{url} is not a SPARQL endpoint: it answered the count query with an HTML page "
                              "(Our catalogue)"), message


@pytest.mark.parametrize(("answer", "expected"), [
    ((404, "text/html", b"<html><head><title>404 Not Found</title></head></html>"),
     "no SPARQL endpoint at {url}: HTTP 404 to the count query: 404 Not Found. The node URL must be"),
    ((500, "text/plain", b"Virtuoso 37000 Error SP030: SPARQL compiler, line 4: syntax error at 'VALUES'"),
     "the SPARQL endpoint {url} rejected the count query (HTTP 500: Virtuoso 37000 Error SP030: SPARQL compiler, "
     "line 4: syntax error at 'VALUES'); the harvester needs SPARQL 1.1"),
    ((403, "text/plain", b"Forbidden"), "the SPARQL endpoint {url} refused the count query (HTTP 403: Forbidden)"),
    ((503, "text/plain", b"Back soon"), "the SPARQL endpoint {url} is unavailable: HTTP 503 to the count query: "
                                        "Back soon; try again later"),
    ((200, "application/sparql-results+xml", b"<?xml version='1.0'?><sparql/>"),
     "{url} answered the count query with application/sparql-results+xml that is not SPARQL JSON results"),
    ((200, "application/sparql-results+json", b'{"head": {}, "results": {"bindings": [{"datasets": {}}]}}'),
     "{url} answered the count query without a number of datasets"),
], ids=["404", "500-virtuoso", "403", "503", "xml-results", "no-count"])
def test_endpoint_errors_are_explained(catalogue, endpoint, answer, expected):
    _harvest_ok(catalogue, endpoint.url)
    endpoint.fail_with = answer
    message = _fails_and_keeps_data(catalogue, endpoint.url)
    assert message.startswith(expected.format(url=endpoint.url)), message


def test_too_many_pages_fail_before_fetching_them(settings, endpoint):
    harvester = SparqlHarvester(settings.with_overrides(harvest_max_pages=3))
    harvester.page_size = 4
    with pytest.raises(HarvestError) as caught:
        list(harvester.iter_pages(_node(endpoint.url)))
    assert caught.value.message == (f"{endpoint.url} counts 26 datasets, more than 3 pages of 4 "
                                    "(raise GDI_HARVEST_MAX_PAGES if that is expected)")
    assert endpoint.described() == []


def test_datasets_removed_at_the_endpoint_are_withdrawn(catalogue, endpoint):
    _harvest_ok(catalogue, endpoint.url)
    endpoint.update("DELETE WHERE { <https://sparql-node.example.org/dataset/ds-12> ?p ?o }")
    endpoint.update("DELETE WHERE { ?c ?p <https://sparql-node.example.org/dataset/ds-12> }")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert (run.added, run.unchanged, run.withdrawn) == (0, 25, 1)


def test_dataset_iri_a_query_cannot_quote_is_skipped_with_a_warning(catalogue, endpoint):
    odd = "https://sparql-node.example.org/dataset/odd{1}"
    rdfxml = (f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'
              f'<rdf:Description rdf:about="{odd}"><rdf:type rdf:resource="http://www.w3.org/ns/dcat#Dataset"/>'
              '<dct:title>Odd</dct:title></rdf:Description></rdf:RDF>')
    endpoint.store.load(rdfxml.encode(), format=ox.RdfFormat.RDF_XML, lenient=True)  # stores are lenient too
    catalogue.add_node("be-sparql", endpoint.url, "BE", "sparql")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert set(harvested_records(catalogue, "be-sparql")) == set(expected_records("be-sparql"))
    assert any(p["message"].startswith("1 dataset IRI(s) in datasets 1-10000 contain characters a SPARQL query "
                                       f"cannot quote (e.g. '{odd}'); skipped") for p in run.problems), run.problems
