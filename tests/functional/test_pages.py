"""Portal pages: they render, show the chosen language, escape harvested text and serve RDF."""

from __future__ import annotations

import pytest
from rdflib import Graph

from tests.functional.catalogues import catalogue_ttl

XSS = '<script>alert("x")</script>'
EVIL = """
<https://node.example.org/dataset/evil> a dcat:Dataset ; dct:identifier "evil" ;
    dct:title "<script>alert(\\"x\\")</script> cohort"@en ;
    dct:description "Line one\\n<img src=x onerror=alert(1)>"@en ;
    dcat:landingPage "javascript:alert(1)" .
"""


@pytest.fixture
def site(catalogue, node_server, client):
    server = node_server
    ttl = catalogue_ttl({"gr1": '"Ελληνική κοόρτη αναφοράς"@el, "Greek reference cohort"@en'}, country="GRC",
                        individuals=2500, access="PUBLIC")
    ttl += EVIL
    server.set("/catalog.ttl", ttl)
    catalogue.add_node("gr-node", server.url("/catalog.ttl"), "GR", title="Greek <b>node</b>")
    [summary] = catalogue.harvest()
    assert not summary.failed, summary.message
    return client


@pytest.mark.parametrize("path", ["/", "/datasets", "/datasets?q=cohort&country=GR", "/nodes", "/nodes/gr-node",
                                  "/coverage"])
def test_pages_render(site, path):
    response = site.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert b"<html" in response.data


def test_home_totals(site):
    html = site.get("/?lang=en").get_data(as_text=True)
    assert "2,500" in html and "Find genomic data collections" in html


def test_harvested_text_is_escaped(site):
    for path in ("/datasets?q=cohort", "/nodes"):
        html = site.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>node</b>" not in html
    dataset_id = site.get("/api/v1/datasets?q=alert").get_json()["items"][0]["id"]
    html = site.get(f"/datasets/{dataset_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html


def test_dataset_page_shows_access_and_source(site):
    dataset_id = site.get("/api/v1/datasets?q=Greek").get_json()["items"][0]["id"]
    html = site.get(f"/datasets/{dataset_id}?lang=el").get_data(as_text=True)
    assert "Ελληνική κοόρτη αναφοράς" in html
    assert "gr-node" in html
    assert 'lang="el"' in html


def test_ui_translated(site):
    html = site.get("/datasets?lang=de").get_data(as_text=True)
    assert "Datensätze" in html
    html = site.get("/datasets?lang=el").get_data(as_text=True)
    assert "Σύνολα δεδομένων" in html


def test_unknown_dataset_404_page(site):
    response = site.get("/datasets/nope")
    assert response.status_code == 404
    assert b"Traceback" not in response.data and b"nope" in response.data


def test_bad_page_parameter_is_a_400_page(site):
    response = site.get("/datasets?page=-1")
    assert response.status_code == 400 and b"page" in response.data


@pytest.mark.parametrize("ext, fmt", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml"), ("nt", "nt")])
def test_dataset_rdf_export(site, ext, fmt):
    dataset_id = site.get("/api/v1/datasets?q=Greek").get_json()["items"][0]["id"]
    response = site.get(f"/datasets/{dataset_id}.{ext}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format=fmt)
    titles = {str(o) for o in graph.objects(None, __import__("rdflib").DCTERMS.title)}
    assert "Greek reference cohort" in titles


def test_content_negotiation_redirects_to_rdf(site):
    dataset_id = site.get("/api/v1/datasets?q=Greek").get_json()["items"][0]["id"]
    response = site.get(f"/datasets/{dataset_id}", headers={"Accept": "text/turtle"})
    assert response.status_code == 303 and response.headers["Location"].endswith(".ttl")
