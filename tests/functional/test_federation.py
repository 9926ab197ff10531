"""The whole synthetic federation (18 nodes of four source types, mixed serialisations, some paged) harvested
end to end.

Expected figures come from ``catalogue.demo.generator.totals`` and ``catalogue_totals``, which query the
generated RDF (what each node serves, or a SPARQL node's store), so the harvest pipeline is checked against an
independent reading of the same data.
"""

from __future__ import annotations

import pytest

from catalogue.dcat.profile import MappingContext, map_datasets
from catalogue.demo.generator import CO_PUBLISHED, catalogue_totals, node_graph, totals
from catalogue.records import dataset_id_for_iri
from catalogue.vocab import get_vocabularies
from harvesters.formats import parse_document
from tests.functional.conftest import DEMO_SEED


@pytest.fixture(scope="module")
def expected(federation):
    _app, nodes, _ = federation
    return totals(nodes, DEMO_SEED), catalogue_totals(nodes, DEMO_SEED)


def test_every_node_harvested_with_exact_counts(federation, expected):
    app, nodes, summaries = federation
    per_node, _ = expected
    by_node = {s.node: s for s in summaries}
    for node in nodes:
        assert by_node[node.name].added == per_node[node.name]["datasets"], node.name
        assert by_node[node.name].invalid == 0
    paged = [n for n in nodes if n.page_size and n.type in ("dcat", "ckan")]
    assert paged and all(by_node[n.name].pages > 1 for n in paged)
    assert {n.format for n in nodes if n.type == "dcat"} >= {"turtle", "xml", "json-ld", "nt"}


def test_each_node_type_harvested_by_its_own_harvester(federation, expected):
    app, nodes, summaries = federation
    per_node, _ = expected
    cat = app.extensions["gdi_catalogue"]
    by_node = {s.node: s for s in summaries}
    registered = {n.name: n for n in cat.nodes()}
    types = {n.name: n.type for n in nodes}
    assert sorted(types.values()).count("dcat") == len(nodes) - 3
    assert {"fdp", "sparql", "ckan"} <= set(types.values())
    for node in nodes:
        assert registered[node.name].type == node.type, node.name
        assert by_node[node.name].status == "success", (node.name, by_node[node.name].message)
        assert registered[node.name].datasets == per_node[node.name]["datasets"], node.name
    fdp = next(n for n in nodes if n.type == "fdp")
    sparql = next(n for n in nodes if n.type == "sparql")
    ckan = next(n for n in nodes if n.type == "ckan")
    # An FDP is one document per resource: root, catalogue, each dataset and each of its distributions.
    assert by_node[fdp.name].pages > 2 + per_node[fdp.name]["datasets"]
    assert registered[fdp.name].url.endswith(f"/{fdp.name}/fdp/")
    assert registered[sparql.name].url.endswith(f"/{sparql.name}/sparql")
    assert registered[ckan.name].url.endswith(f"/{ckan.name}/")  # the site root; catalog.ttl is found there
    assert by_node[ckan.name].pages == -(-ckan.datasets // ckan.page_size)  # ckanext-dcat's Hydra pages


def test_fdp_sparql_and_ckan_nodes_give_the_records_of_their_generated_description(federation, demo_server):
    """Whatever the node type, the harvested records are what the generated description maps to: nothing lost
    through a SPARQL endpoint's CONSTRUCTs, an FDP's per-resource documents or a CKAN portal's endpoint."""
    app, nodes, _ = federation
    server, _ = demo_server
    cat = app.extensions["gdi_catalogue"]
    vocab = get_vocabularies()
    for node in (n for n in nodes if n.type != "dcat"):
        ctx = MappingContext(node=node.name, node_country=node.country, harvested="x",
                             country_code=vocab.country_code)
        # Read back with the harvesters' own parser, so that literals are normalised as in any harvest.
        generated = node_graph(node, server.base_url, DEMO_SEED).serialize(format="nt", encoding="utf-8")
        graph, _ = parse_document(generated, content_type="application/n-triples", url=server.base_url,
                                  base_iri=server.base_url)
        wanted = {m.record.id: m.record for m in map_datasets(graph, ctx)}
        assert len(wanted) == node.datasets
        for dataset_id, record in wanted.items():
            view = cat.dataset(dataset_id)
            assert view.status == "active" and node.name in {s.node_name for s in view.sources}, dataset_id
            if view.node_name == node.name:  # a shared dataset shows the description of its primary source
                assert _comparable(view.record) == _comparable(record), (node.name, dataset_id)


def _comparable(record) -> dict:
    data = record.to_dict()
    data.pop("harvested", None)
    return data


def test_shared_dataset_is_one_dataset_with_both_sources(federation, fed_client, expected):
    _app, nodes, _ = federation
    ((iri, publishers),) = expected[1]["shared"].items()
    ((co_publisher, owner),) = CO_PUBLISHED.items()
    assert sorted(publishers) == sorted([owner, co_publisher])
    record = fed_client.get(f"/api/v1/datasets/{dataset_id_for_iri(iri)}").get_json()
    assert record["iri"] == iri
    assert sorted(s["node"] for s in record["sources"]) == sorted(publishers)
    assert [s["primary"] for s in record["sources"]].count(True) == 1
    page = fed_client.get(f"/datasets/{record['id']}").get_data(as_text=True)
    assert "Also published by" in page
    (other,) = (s for s in record["sources"] if not s["primary"])
    assert other["label"] in page


def test_api_totals_and_individuals_per_country(federation, fed_client, expected):
    _app, nodes, _ = federation
    per_node, whole = expected
    stats = fed_client.get("/api/v1/stats").get_json()
    # The shared dataset counts once for the catalogue, but once for each node that publishes it.
    assert whole["datasets"] == sum(v["datasets"] for v in per_node.values()) - len(whole["shared"])
    assert stats["totals"]["datasets"] == whole["datasets"]
    assert stats["totals"]["individuals"] == whole["individuals"]
    assert {r["value"]: r["individuals"] for r in stats["by_country"]} == whole["by_country"]
    assert stats["totals"]["countries"] == len({n.country for n in nodes}) >= 12
    assert {r["value"]: r["datasets"] for r in stats["by_node"]} == {k: v["datasets"] for k, v in per_node.items()}


def test_node_facet_counts_match_generator(federation, fed_client, expected):
    _app, nodes, _ = federation
    per_node, _ = expected
    body = fed_client.get("/api/v1/datasets?size=1").get_json()
    assert {f["value"]: f["count"] for f in body["facets"]["node"]} == {
        name: v["datasets"] for name, v in per_node.items()}


def test_search_in_national_languages(fed_client):
    for word in ("γονιδίωμα", "Genom", "génome", "Secvențierea", "secventierea", "Farmacogenomică"):
        body = fed_client.get("/api/v1/datasets", query_string={"q": word}).get_json()
        assert body["total"] > 0, word


def test_reharvest_of_unchanged_federation_changes_nothing(federation):
    app, nodes, first = federation
    cat = app.extensions["gdi_catalogue"]
    names = [n.name for n in nodes[:3]] + [n.name for n in nodes if n.type != "dcat"]
    again = cat.harvest(list(dict.fromkeys(names)))
    for s in again:
        assert (s.status, s.added, s.updated, s.withdrawn) == ("success", 0, 0, 0), (s.node, s.message)
        assert s.unchanged == next(f.added for f in first if f.node == s.node)
