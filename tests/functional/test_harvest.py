"""Harvesting real HTTP nodes on 127.0.0.1: re-harvest, withdrawal, failures that keep earlier data."""

from __future__ import annotations

import time

import pytest
from rdflib import Graph

from catalogue.records import dataset_id_for_iri
from catalogue.search.base import SearchQuery
from tests.functional.catalogues import catalogue_ttl


def _register(cat, server, name="de-test", path="/catalog.ttl", country="DE"):
    cat.add_node(name, server.url(path), country, "dcat", f"Node {name}")


def _ids(cat, **filters):
    return {r.id for r in cat.search(SearchQuery.parse("", filters=filters, size=100)).items}


def test_reharvest_updates_unchanged_and_withdraws(catalogue, node_server):
    server = node_server
    server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha cohort"@en', "b": '"Beta cohort"@en',
                                              "c": '"Gamma cohort"@en'}))
    _register(catalogue, server)
    [first] = catalogue.harvest(["de-test"])
    assert (first.status, first.added, first.updated, first.unchanged, first.withdrawn) == ("success", 3, 0, 0, 0)
    assert catalogue.search(SearchQuery.parse("gamma")).total == 1

    server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha cohort"@en', "b": '"Beta cohort, second release"@en',
                                              "d": '"Delta cohort"@en'}))
    [second] = catalogue.harvest(["de-test"])
    assert (second.added, second.updated, second.unchanged, second.withdrawn) == (1, 1, 1, 1)
    assert catalogue.search(SearchQuery.parse("gamma")).total == 0
    assert catalogue.search(SearchQuery.parse("second release")).total == 1
    assert catalogue.stats()["totals"]["datasets"] == 3
    gone = catalogue.dataset(dataset_id_for_iri("https://node.example.org/dataset/c"))
    assert gone.status == "withdrawn" and gone.withdrawn_at is not None
    assert catalogue.dataset(dataset_id_for_iri("https://node.example.org/dataset/a")).status == "active"


@pytest.mark.parametrize("breakage", ["http500", "malformed", "html", "not-found", "empty", "no-datasets",
                                      "slow", "down"])
def test_failing_node_keeps_its_data_and_others_still_harvest(catalogue, node_server, breakage):
    server = node_server
    server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha cohort"@en', "b": '"Beta cohort"@en'}))
    server.set("/other.ttl", catalogue_ttl({"x": '"Other node cohort"@en'}, country="FRA"))
    _register(catalogue, server)
    _register(catalogue, server, name="fr-other", path="/other.ttl", country="FR")
    assert all(s.status == "success" for s in catalogue.harvest())
    before = _ids(catalogue, node=("de-test",))
    rdf_before = catalogue.rdf.count("de-test")
    assert len(before) == 2 and rdf_before > 0

    if breakage == "http500":
        server.set("/catalog.ttl", "oops", content_type="text/plain", status=500)
    elif breakage == "malformed":
        server.set("/catalog.ttl", "@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title \"unterminated .\n")
    elif breakage == "html":
        server.set("/catalog.ttl", "<!DOCTYPE html><html><head><title>Maintenance</title></head></html>",
                   content_type="text/html")
    elif breakage == "not-found":
        server.remove("/catalog.ttl")
    elif breakage == "empty":
        server.set("/catalog.ttl", b"")
    elif breakage == "no-datasets":
        server.set("/catalog.ttl", "@prefix dct: <http://purl.org/dc/terms/> .\n<http://x/c> dct:title \"x\" .\n")
    elif breakage == "slow":
        server.set_handler("/catalog.ttl", lambda handler: time.sleep(5))
    elif breakage == "down":
        catalogue.add_node("de-test", "http://127.0.0.1:9/catalog.ttl", "DE", update=True)

    summaries = {s.node: s for s in catalogue.harvest()}
    failed = summaries["de-test"]
    assert failed.status == "failed"
    assert failed.message and len(failed.message) > 10
    assert summaries["fr-other"].status == "success"
    assert _ids(catalogue, node=("de-test",)) == before
    assert catalogue.rdf.count("de-test") == rdf_before
    assert catalogue.stats()["totals"]["datasets"] == 3
    view = catalogue.node("de-test")
    assert view.last_run.status == "failed" and view.last_run.message == failed.message
    assert view.datasets == 2


def test_failure_messages_say_what_is_wrong(catalogue, node_server):
    server = node_server
    cases = {
        "/500.ttl": (dict(body="boom", status=500, content_type="text/plain"), "500"),
        "/html.ttl": (dict(body="<!DOCTYPE html><html><title>Login</title></html>", content_type="text/html"),
                      "HTML"),
        "/bad.ttl": (dict(body="<a> <b> <c"), "Turtle"),
    }
    for i, (path, (kwargs, expected)) in enumerate(cases.items()):
        body = kwargs.pop("body")
        server.set(path, body, **kwargs)
        catalogue.add_node(f"n{i}", server.url(path), "DE")
        [summary] = catalogue.harvest([f"n{i}"])
        assert summary.failed and expected.lower() in summary.message.lower(), summary.message


def test_blank_node_and_invalid_datasets(catalogue, node_server):
    server = node_server
    ttl = catalogue_ttl({"a": '"Alpha"@en'}) + """
[] a dcat:Dataset ; dct:identifier "BN-1" ; dct:title "Blank node dataset"@en .
<https://node.example.org/dataset/untitled> a dcat:Dataset ; dct:identifier "U" .
"""
    server.set("/catalog.ttl", ttl)
    _register(catalogue, server)
    [s] = catalogue.harvest(["de-test"])
    assert (s.status, s.added, s.invalid) == ("success", 2, 1)
    assert any("no dct:title" in p["message"] for p in s.problems)
    hit = catalogue.search(SearchQuery.parse("blank node")).items
    assert len(hit) == 1 and hit[0].iri is None and hit[0].identifier == "BN-1"
    # the same blank-node dataset keeps its id on re-harvest (blank node labels change every parse)
    [again] = catalogue.harvest(["de-test"])
    assert (again.added, again.unchanged) == (0, 2)
    graph = catalogue.dataset_rdf(hit[0].id)
    assert len(graph) >= 3


def test_dataset_invalid_on_reharvest_keeps_previous_version(catalogue, node_server):
    server = node_server
    server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta"@en'}))
    _register(catalogue, server)
    catalogue.harvest(["de-test"])
    broken = catalogue_ttl({"a": '"Alpha"@en'}) + """
<https://node.example.org/dataset/b> a dcat:Dataset ; dct:identifier "b" .
"""
    server.set("/catalog.ttl", broken)
    [s] = catalogue.harvest(["de-test"])
    assert (s.invalid, s.withdrawn) == (1, 0)
    assert catalogue.search(SearchQuery.parse("beta")).total == 1


def test_rdf_store_holds_one_named_graph_per_node(catalogue, node_server):
    server = node_server
    server.set("/a.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    server.set("/b.ttl", catalogue_ttl({"b": '"Beta"@en', "c": '"Gamma"@en'}, country="FRA"))
    catalogue.add_node("node-a", server.url("/a.ttl"), "DE")
    catalogue.add_node("node-b", server.url("/b.ttl"), "FR")
    catalogue.harvest()
    a, b = catalogue.rdf.count("node-a"), catalogue.rdf.count("node-b")
    assert a > 0 and b > a
    assert catalogue.rdf.count() == a + b  # no staging graphs left behind
    server.set("/b.ttl", catalogue_ttl({"b": '"Beta"@en'}, country="FRA"))
    catalogue.harvest(["node-b"])
    assert catalogue.rdf.count("node-a") == a and catalogue.rdf.count("node-b") < b
    g = Graph()
    g.parse(data=catalogue.dataset_rdf(_ids(catalogue, node=("node-a",)).pop()).serialize(format="nt"), format="nt")
    assert len(g) > 0


def test_remove_node_removes_everything(catalogue, node_server):
    server = node_server
    server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    _register(catalogue, server)
    catalogue.harvest()
    assert catalogue.remove_node("de-test") == 1
    assert catalogue.search(SearchQuery.parse("")).total == 0
    assert catalogue.rdf.count() == 0
    assert catalogue.nodes() == []


def test_rdf_store_is_released_for_other_processes(catalogue, node_server, settings):
    """The portal must not keep Oxigraph's lock after a request, or a harvest from the CLI could not run."""
    import subprocess
    import sys

    server = node_server
    server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    _register(catalogue, server)
    catalogue.harvest()
    dataset_id = _ids(catalogue).pop()
    assert len(catalogue.dataset_rdf(dataset_id)) > 0
    assert catalogue.rdf.count() > 0
    probe = ("import pyoxigraph, sys; s = pyoxigraph.Store(sys.argv[1]); "
             "print(len(list(s.quads_for_pattern(None, None, None, None))))")
    out = subprocess.run([sys.executable, "-c", probe, str(settings.resolved_rdf_store_path)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == catalogue.rdf.count() + 1  # and the node's graph pointer in urn:gdi:meta
