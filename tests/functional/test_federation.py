"""The whole synthetic federation (18 nodes, mixed serialisations, some paged) harvested end to end.

Expected figures come from ``catalogue.demo.generator.totals``, which queries the generated RDF, so the
harvest pipeline is checked against an independent reading of the same documents.
"""

from __future__ import annotations

from collections import Counter

from catalogue.demo.generator import totals
from tests.functional.conftest import DEMO_SEED


def test_every_node_harvested_with_exact_counts(federation):
    app, nodes, summaries = federation
    expected = totals(nodes, DEMO_SEED)
    by_node = {s.node: s for s in summaries}
    for node in nodes:
        assert by_node[node.name].added == expected[node.name]["datasets"], node.name
        assert by_node[node.name].invalid == 0
    paged = [n for n in nodes if n.page_size]
    assert paged and all(by_node[n.name].pages > 1 for n in paged)
    assert {n.format for n in nodes} >= {"turtle", "xml", "json-ld", "nt"}


def test_api_totals_and_individuals_per_country(federation, fed_client):
    _app, nodes, _ = federation
    expected = totals(nodes, DEMO_SEED)
    stats = fed_client.get("/api/v1/stats").get_json()
    assert stats["totals"]["datasets"] == sum(v["datasets"] for v in expected.values())
    assert stats["totals"]["individuals"] == sum(v["individuals"] for v in expected.values())
    per_country: Counter = Counter()
    for node in nodes:
        per_country[node.country] += expected[node.name]["individuals"]
    assert {r["value"]: r["individuals"] for r in stats["by_country"]} == dict(per_country)
    assert stats["totals"]["countries"] == len({n.country for n in nodes}) >= 12


def test_node_facet_counts_match_generator(federation, fed_client):
    _app, nodes, _ = federation
    expected = totals(nodes, DEMO_SEED)
    body = fed_client.get("/api/v1/datasets?size=1").get_json()
    assert {f["value"]: f["count"] for f in body["facets"]["node"]} == {
        name: v["datasets"] for name, v in expected.items()}


def test_search_in_national_languages(fed_client):
    for word in ("γονιδίωμα", "Genom", "génome", "Secvențierea", "secventierea", "Farmacogenomică"):
        body = fed_client.get("/api/v1/datasets", query_string={"q": word}).get_json()
        assert body["total"] > 0, word


def test_reharvest_of_unchanged_federation_changes_nothing(federation):
    app, nodes, first = federation
    cat = app.extensions["gdi_catalogue"]
    again = cat.harvest([n.name for n in nodes[:3]])
    for s in again:
        assert (s.status, s.added, s.updated, s.withdrawn) == ("success", 0, 0, 0)
        assert s.unchanged == next(f.added for f in first if f.node == s.node)
