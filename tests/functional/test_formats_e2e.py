"""One catalogue published in every serialisation (and paged), harvested and read back through the API."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

from tests.functional.catalogues import catalogue_ttl

TITLES = {
    "el": '"Κοόρτη σπάνιων νοσημάτων"@el, "Rare disease cohort"@en',
    "hu": '"Felnőtt referencia-kohorsz"@hu',
    "mt": '"Koorti ta\' referenza Maltija"@mt',
    "ro": '"Cohortă de referință românească"@ro',
}

SERIALISATIONS = [
    ("turtle", "text/turtle", ".ttl"),
    ("xml", "application/rdf+xml", ".rdf"),
    ("json-ld", "application/ld+json", ".jsonld"),
    ("nt", "application/n-triples", ".nt"),
]


def _graph(fmt_key: str) -> Graph:
    ttl = catalogue_ttl(TITLES).replace("https://node.example.org/", f"https://{fmt_key}.example.org/")
    ttl += f"""
[] a dcat:Dataset ; dct:identifier "BN-{fmt_key}" ; dct:title "Blank node collection {fmt_key}"@en ;
   healthdcatap:numberOfUniqueIndividuals 7 .
"""
    return Graph().parse(data=ttl, format="turtle")


@pytest.mark.parametrize("fmt, media, ext", SERIALISATIONS, ids=[s[0] for s in SERIALISATIONS])
@pytest.mark.parametrize("content_type_known", [True, False], ids=["content-type", "extension"])
def test_each_serialisation_end_to_end(client, catalogue, node_server, fmt, media, ext, content_type_known):
    graph = _graph(fmt)
    body = graph.serialize(format=fmt, **({"auto_compact": True} if fmt == "json-ld" else {}))
    node_server.set(f"/catalog{ext}", body, content_type=media if content_type_known else "application/octet-stream")
    catalogue.add_node("n1", node_server.url(f"/catalog{ext}"), "MT")
    [summary] = catalogue.harvest()
    assert summary.status == "success", summary.message
    assert summary.added == 5
    data = client.get("/api/v1/datasets?size=50").get_json()
    assert data["total"] == 5
    assert client.get("/api/v1/datasets", query_string={"q": "σπάνιων"}).get_json()["total"] == 1
    assert client.get("/api/v1/datasets", query_string={"q": "felnott"}).get_json()["total"] == 1
    assert client.get("/api/v1/datasets", query_string={"q": "Maltija"}).get_json()["total"] == 1
    assert client.get("/api/v1/datasets", query_string={"q": "românească"}).get_json()["total"] == 1
    stats = client.get("/api/v1/stats").get_json()
    assert {r["value"]: r["individuals"] for r in stats["by_country"]} == {"DE": 400, "MT": 7}


def test_paged_turtle_with_relative_next_links(client, catalogue, node_server):
    """Three Turtle pages linked by relative hydra:next IRIs on a PartialCollectionView."""
    keys = [f"d{i}" for i in range(7)]
    for page, chunk in enumerate((keys[0:3], keys[3:6], keys[6:]), start=1):
        ttl = catalogue_ttl({k: f'"Paged dataset {k}"@en' for k in chunk})
        ttl += "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
        ttl += f"<?page={page}> a hydra:PartialCollectionView ; hydra:totalItems 7"
        ttl += f" ; hydra:next <?page={page + 1}> .\n" if page < 3 else " .\n"
        node_server.set(f"/cat.ttl?page={page}" if page > 1 else "/cat.ttl", ttl)
    catalogue.add_node("paged", node_server.url("/cat.ttl"), "DE")
    [summary] = catalogue.harvest()
    assert (summary.status, summary.pages, summary.added) == ("success", 3, 7), summary.message
    assert client.get("/api/v1/datasets").get_json()["total"] == 7


def test_jsonld_with_graph_and_inline_context(client, catalogue, node_server):
    doc = {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "hd": "http://healthdataportal.eu/ns/health#"},
        "@graph": [{
            "@id": "https://jsonld.example.org/ds/1", "@type": "dcat:Dataset",
            "dct:title": [{"@value": "Γονιδιωματική κοόρτη", "@language": "el"}],
            "dct:spatial": {"@id": "http://publications.europa.eu/resource/authority/country/GRC"},
            "hd:numberOfUniqueIndividuals": {"@value": "42", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
        }],
    }
    node_server.set("/c.jsonld", json.dumps(doc, ensure_ascii=False), content_type="application/ld+json")
    catalogue.add_node("jl", node_server.url("/c.jsonld"), "GR")
    [summary] = catalogue.harvest()
    assert summary.added == 1, summary.message
    item = client.get("/api/v1/datasets?q=γονιδιωματικη").get_json()["items"][0]
    assert item["number_of_unique_individuals"] == 42 and item["countries"][0]["value"] == "GR"
