"""The SPARQL harvester against a real SPARQL 1.1 server: Apache Jena Fuseki (``bash scripts/fuseki start``)."""

from __future__ import annotations

import math

import pytest
from rdflib import Graph, URIRef

from catalogue.dcat.namespaces import CV, DCAT, FOAF
from catalogue.errors import HarvestError
from catalogue.records import dataset_id_for_iri
from harvesters.base import NodeSpec
from harvesters.sparql import SparqlHarvester
from tests.golden import assert_matches_golden
from tests.sparql.conftest import EXPECTED, expected_records, harvested_records

pytestmark = pytest.mark.sparql

DS = "https://sparql-node.example.org/dataset/"
SKOS_TOP = URIRef("http://www.w3.org/2004/02/skos/core#hasTopConcept")


class RecordingHarvester(SparqlHarvester):
    """Notes the datasets each description query asks for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked: list[list[str]] = []

    def describe_query(self, iris):
        self.asked.append(list(iris))
        return super().describe_query(iris)


def test_full_harvest_gives_every_dataset_and_its_whole_record(catalogue, loaded_fuseki):
    catalogue.add_node("be-sparql", loaded_fuseki.query_url, "BE", "sparql", "Belgian SPARQL node")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert (run.added, run.updated, run.withdrawn) == (26, 0, 0)
    assert any("1 dataset(s)" in p["message"] and "blank nodes" in p["message"] for p in run.problems)

    records = harvested_records(catalogue, "be-sparql")
    expected = expected_records("be-sparql")
    assert len(expected) == 26 and DS + "ng-01" in expected  # 25 in the default graph, 1 in a named graph
    assert set(records) == set(expected)
    for iri, record in records.items():  # the CONSTRUCT fetched everything the profile reads, nothing less
        assert record == expected[iri], iri

    rich = records[DS + "ds-01"]
    assert_matches_golden(EXPECTED / "ds-01.json", rich)
    assert_matches_golden(EXPECTED / "ng-01.json", records[DS + "ng-01"])
    # spot checks, so the golden files are known to be right: these need hop 3 and two graphs
    assert set(rich["title"]) == {"en", "nl", "fr", "de"}
    assert rich["publisher"]["email"] == "data@genome-institute.example.org"  # agent -> contact IRI -> email
    assert rich["contact_point"]["telephone"] == "+3225550101"  # contact -> telephone node -> value
    assert rich["temporal"] == {"start": "2020-01-01", "end": "2024-12-31"}  # period -> instant -> date
    assert rich["hdab"]["url"] == "https://hdab.example.be/apply"
    assert len(rich["distributions"]) == 2 and rich["number_of_unique_individuals"] == 1200
    assert records[DS + "ng-01"]["publisher"]["name"] == {"en": "National Biobank"}  # from the default graph
    assert catalogue.dataset(dataset_id_for_iri(DS + "ng-01")).status == "active"


def test_small_pages_ask_for_every_dataset_exactly_once(settings, loaded_fuseki):
    harvester = RecordingHarvester(settings)
    harvester.page_size = 4
    node = NodeSpec(name="be-sparql", url=loaded_fuseki.query_url, country="BE", type="sparql")
    messages: list[str] = []
    pages = list(harvester.iter_pages(node, progress=messages.append))

    asked = [iri for page in harvester.asked for iri in page]
    assert len(asked) == len(set(asked)) == 26
    assert set(asked) == set(expected_records("be-sparql"))
    assert [len(p) for p in harvester.asked] == [4] * 6 + [2]
    assert asked == sorted(asked)  # ORDER BY ?dataset
    assert len(pages) == math.ceil(26 / 4)
    # every page holds the descriptions it asked for, and no vocabulary beyond the concepts themselves
    for page, iris in zip(pages, harvester.asked, strict=True):
        assert all((URIRef(i), None, None) in page.graph for i in iris)
        assert (None, SKOS_TOP, None) not in page.graph
    assert any("26 dataset(s)" in m for m in messages)

    # ds-03 links to ds-04 (on the next page) and a publisher with a blank-node contact point is shared by
    # datasets on most pages: merged, the pages hold one copy of each, not one per page
    merged = Graph()
    for page in pages:
        merged += page.graph
    hospital = URIRef("https://sparql-node.example.org/agent/university-hospital")
    assert len(list(merged.objects(hospital, CV.contactPoint))) == 1
    assert len(list(merged.objects(URIRef(DS + "ds-04"), DCAT.distribution))) == 1
    assert sum(1 for page in pages if (hospital, CV.contactPoint, None) in page.graph) == 1
    assert sum(1 for page in pages if (hospital, FOAF.name, None) in page.graph) > 3  # still named on each page


def test_small_pages_harvest_the_same_records(catalogue, loaded_fuseki, monkeypatch):
    monkeypatch.setattr(SparqlHarvester, "page_size", 3)
    catalogue.add_node("be-sparql", loaded_fuseki.query_url, "BE", "sparql")
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "success", run.message
    assert run.pages == 9 and run.added == 26
    assert harvested_records(catalogue, "be-sparql") == expected_records("be-sparql")


def test_reharvest_withdraws_datasets_deleted_at_the_endpoint(catalogue, loaded_fuseki):
    catalogue.add_node("be-sparql", loaded_fuseki.query_url, "BE", "sparql")
    [first] = catalogue.harvest(["be-sparql"])
    assert first.status == "success" and first.added == 26

    gone = [DS + "ds-07", DS + "ds-19", DS + "ng-01"]
    for iri in gone[:2]:
        loaded_fuseki.update(f"DELETE WHERE {{ <{iri}> ?p ?o }}")
    loaded_fuseki.update(f"DELETE WHERE {{ GRAPH ?g {{ <{gone[2]}> ?p ?o }} }}")
    loaded_fuseki.update(f"DELETE WHERE {{ GRAPH ?g {{ ?c <http://www.w3.org/ns/dcat#dataset> <{gone[2]}> }} }}")
    loaded_fuseki.update(f"DELETE WHERE {{ ?c <http://www.w3.org/ns/dcat#dataset> <{gone[0]}> }}")
    loaded_fuseki.update(f"DELETE WHERE {{ ?c <http://www.w3.org/ns/dcat#dataset> <{gone[1]}> }}")
    assert not loaded_fuseki.ask(f"ASK {{ {{ <{gone[2]}> ?p ?o }} UNION {{ GRAPH ?g {{ <{gone[2]}> ?p ?o }} }} }}")

    [second] = catalogue.harvest(["be-sparql"])
    assert second.status == "success", second.message
    assert (second.added, second.updated, second.unchanged, second.withdrawn) == (0, 0, 23, 3)
    assert set(harvested_records(catalogue, "be-sparql")) == set(expected_records("be-sparql")) - set(gone)
    for iri in gone:
        assert catalogue.dataset(dataset_id_for_iri(iri)).status == "withdrawn"


@pytest.mark.parametrize("where", ["unknown-dataset", "server-root"])
def test_wrong_endpoint_url_fails_clearly_and_keeps_earlier_data(catalogue, loaded_fuseki, where):
    catalogue.add_node("be-sparql", loaded_fuseki.query_url, "BE", "sparql")
    [first] = catalogue.harvest(["be-sparql"])
    assert first.status == "success"

    url = {"unknown-dataset": f"{loaded_fuseki.base}/no-such-dataset/sparql",
           "server-root": f"{loaded_fuseki.base}/"}[where]
    catalogue.add_node("be-sparql", url, "BE", "sparql", update=True)
    [run] = catalogue.harvest(["be-sparql"])
    assert run.status == "failed"
    # Fuseki answers a POST to a path without a service with 405 and an HTML error page
    assert run.message.startswith(f"{url} is not a SPARQL endpoint: it does not take queries by HTTP POST "
                                  "(HTTP 405: "), run.message
    assert "node URL must be the SPARQL 1.1 query endpoint" in run.message
    assert set(harvested_records(catalogue, "be-sparql")) == set(expected_records("be-sparql"))


def test_query_the_server_rejects_shows_its_message(settings, loaded_fuseki):
    class Broken(SparqlHarvester):
        dataset_pattern = "?dataset a <http://www.w3.org/ns/dcat#Dataset> . FILTER(?dataset"  # unbalanced

    node = NodeSpec(name="be-sparql", url=loaded_fuseki.query_url, country="BE", type="sparql")
    with pytest.raises(HarvestError) as caught:
        list(Broken(settings).iter_pages(node))
    message = caught.value.message
    assert message.startswith(f"the SPARQL endpoint {loaded_fuseki.query_url} rejected the count query (HTTP 400: ")
    assert "Encountered" in message and "line" in message  # Fuseki's own parse error, line and column
    assert "SPARQL 1.1" in message
