"""The JSON API over a small harvested catalogue with multilingual titles."""

from __future__ import annotations

import pytest

from tests.functional.catalogues import catalogue_ttl

DATASETS = {
    "gr1": '"Ελληνική κοόρτη αναφοράς για το Γονιδίωμα"@el, "Greek reference cohort"@en',
    "hu1": '"Ritka betegségek genomikai kohorsza"@hu, "Hungarian rare disease genomes"@en',
    "ro1": '"Cohorta de cancer colorectal"@ro',
    "mt1": '"Koorti tal-ġenoma Maltija"@mt',
    "de1": '"Deutsche Krebsgenomkohorte"@de, "German cancer genome cohort"@en',
}


@pytest.fixture
def harvested(catalogue, node_server, client):
    server = node_server
    server.set("/gr.ttl", catalogue_ttl({k: DATASETS[k] for k in ("gr1",)}, country="GRC", individuals=2500,
                                        access="PUBLIC"))
    server.set("/hu.ttl", catalogue_ttl({"hu1": DATASETS["hu1"]}, country="HUN", individuals=312,
                                        category="MRMR"))
    server.set("/misc.ttl", catalogue_ttl({k: DATASETS[k] for k in ("ro1", "mt1", "de1")}, country="ROU",
                                          individuals=1000, access="NON_PUBLIC"))
    catalogue.add_node("gr-node", server.url("/gr.ttl"), "GR", title="Greek node")
    catalogue.add_node("hu-node", server.url("/hu.ttl"), "HU", title="Hungarian node")
    catalogue.add_node("ro-node", server.url("/misc.ttl"), "RO", title="Romanian node")
    assert all(not s.failed for s in catalogue.harvest())
    return client


def test_search_all_with_facets(harvested):
    body = harvested.get("/api/v1/datasets").get_json()
    assert body["total"] == 5 and len(body["items"]) == 5
    countries = {f["value"]: f["count"] for f in body["facets"]["country"]}
    assert countries == {"GR": 1, "HU": 1, "RO": 3}
    labels = {f["value"]: f["label"] for f in body["facets"]["country"]}
    assert labels["GR"] == "Greece"
    access = {f["value"]: f["count"] for f in body["facets"]["access_rights"]}
    assert access == {"PUBLIC": 1, "RESTRICTED": 1, "NON_PUBLIC": 3}


def test_greek_word_finds_greek_title_accent_insensitive(harvested):
    for q in ("Γονιδίωμα", "γονιδιωμα", "ΓΟΝΙΔΙΩΜΑ"):
        body = harvested.get("/api/v1/datasets", query_string={"q": q}).get_json()
        # the title match ranks first; other datasets may follow through the Greek label of their
        # health category ("…γονιδιωματικά δεδομένα"), which the last word matches as a prefix
        assert body["items"][0]["node"] == "gr-node", q
    body = harvested.get("/api/v1/datasets", query_string={"q": "κοόρτη"}).get_json()
    assert [i["node"] for i in body["items"]] == ["gr-node"]


def test_hungarian_and_maltese_words(harvested):
    assert harvested.get("/api/v1/datasets?q=betegsegek").get_json()["total"] == 1
    assert harvested.get("/api/v1/datasets?q=Maltija").get_json()["total"] == 1


def test_filters_or_within_and_across(harvested):
    both = harvested.get("/api/v1/datasets?country=GR&country=HU").get_json()
    assert both["total"] == 2
    # drill-down: the country facet still counts Romania while GR/HU are chosen
    assert {f["value"]: f["count"] for f in both["facets"]["country"]}["RO"] == 3
    across = harvested.get("/api/v1/datasets?country=GR&country=RO&access_rights=NON_PUBLIC").get_json()
    assert across["total"] == 3
    none = harvested.get("/api/v1/datasets?country=GR&access_rights=NON_PUBLIC").get_json()
    assert none["total"] == 0


def test_sort_and_paging(harvested):
    page1 = harvested.get("/api/v1/datasets?sort=title&size=2&page=1&lang=en").get_json()
    page3 = harvested.get("/api/v1/datasets?sort=title&size=2&page=3&lang=en").get_json()
    assert page1["pages"] == 3 and len(page1["items"]) == 2 and len(page3["items"]) == 1
    titles = [i["title"] for i in harvested.get("/api/v1/datasets?sort=title&lang=en").get_json()["items"]]
    assert titles == sorted(titles, key=str.casefold)
    desc = [i["title"] for i in harvested.get("/api/v1/datasets?sort=-title&lang=en").get_json()["items"]]
    assert desc == titles[::-1]


@pytest.mark.parametrize("query, field", [
    ("sort=bogus", "sort"), ("page=0", "page"), ("size=1000", "size"), ("page=abc", "page"),
    ("colour=blue", "colour"), ("page=9999&size=100", "page"),
])
def test_bad_parameters_give_400_json(harvested, query, field):
    response = harvested.get(f"/api/v1/datasets?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request" and field in body["message"]


def test_dataset_record_and_404(harvested):
    items = harvested.get("/api/v1/datasets?q=Greek&lang=el").get_json()["items"]
    record = harvested.get(f"/api/v1/datasets/{items[0]['id']}?lang=el").get_json()
    assert record["display"]["title"].startswith("Ελληνική")
    assert record["title"]["en"] == "Greek reference cohort"
    assert record["number_of_unique_individuals"] == 2500
    assert record["labels"]["countries"] == [{"value": "GR", "label": "Ελλάδα"}]
    assert record["links"]["ttl"].endswith(".ttl")
    missing = harvested.get("/api/v1/datasets/doesnotexist")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"


def test_stats_individuals_per_country(harvested):
    stats = harvested.get("/api/v1/stats").get_json()
    assert stats["target"] == {"individuals": 1_000_000, "share": 0.0058}
    assert stats["totals"] == {"datasets": 5, "individuals": 2500 + 312 + 3000, "records": 0, "nodes": 3,
                               "countries": 3}
    per_country = {r["value"]: r["individuals"] for r in stats["by_country"]}
    assert per_country == {"GR": 2500, "HU": 312, "RO": 3000}


def test_nodes_and_runs(harvested):
    nodes = harvested.get("/api/v1/nodes").get_json()
    assert nodes["total"] == 3
    gr = next(n for n in nodes["items"] if n["name"] == "gr-node")
    assert gr["datasets"] == 1 and gr["last_run"]["status"] == "success" and gr["country"] == "GR"
    runs = harvested.get("/api/v1/nodes/gr-node/runs").get_json()["items"]
    assert runs[0]["added"] == 1
    assert harvested.get("/api/v1/nodes/nope").status_code == 404


def test_language_negotiation(harvested):
    r = harvested.get("/api/v1/stats", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert r.headers["Content-Language"] == "de" and r.get_json()["lang"] == "de"
    r = harvested.get("/api/v1/stats?lang=hu", headers={"Accept-Language": "de"})
    assert r.headers["Content-Language"] == "hu"
    assert "lang=hu" in r.headers.get("Set-Cookie", "")
    r = harvested.get("/api/v1/stats", headers={"Accept-Language": "de"})  # cookie now set by the client
    assert r.headers["Content-Language"] == "hu"
    r = harvested.get("/api/v1/stats?lang=xx")
    assert r.headers["Content-Language"] == "hu"


def test_title_fallback_order(harvested):
    # Romanian-only title is shown to an English reader rather than nothing
    items = harvested.get("/api/v1/datasets?q=colorectal&lang=en").get_json()["items"]
    assert items[0]["title"] == "Cohorta de cancer colorectal"
    # English is preferred over another language for a French reader
    items = harvested.get("/api/v1/datasets?q=Krebsgenomkohorte&lang=fr").get_json()["items"]
    assert items[0]["title"] == "German cancer genome cohort"
