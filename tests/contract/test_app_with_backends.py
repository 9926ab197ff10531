"""The portal and API end to end on each search backend: harvest, search, suggest, reindex, errors."""

from __future__ import annotations

import uuid

import pytest

from catalogue.config import Settings
from catalogue.web import create_app
from tests.contract.conftest import BACKENDS, elasticsearch_url
from tests.functional.catalogues import catalogue_ttl


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, node_server):
    overrides = {}
    if request.param == "elasticsearch":
        overrides = {"search_backend": "elasticsearch", "elasticsearch_url": elasticsearch_url(),
                     "elasticsearch_index": f"test-app-{uuid.uuid4().hex[:10]}"}
    settings = Settings(data_dir=tmp_path / "data", harvest_timeout=3.0, secret_key="t", allow_private_nodes=True,
                        **overrides)
    app = create_app(settings)
    app.config.update(TESTING=True)
    cat = app.extensions["gdi_catalogue"]
    node_server.set("/c.ttl", catalogue_ttl({
        "a": '"Ελληνική κοόρτη γονιδιωμάτων"@el, "Greek genome cohort"@en',
        "b": '"Rare disease trios"@en', "c": '"Cancer genomes of Cluj"@en'}, country="GRC"))
    cat.add_node("gr", node_server.url("/c.ttl"), "GR")
    [summary] = cat.harvest()
    assert summary.status == "success", summary.message
    yield app
    drop = getattr(cat.search_backend, "drop", None)
    if callable(drop):
        drop()
    cat.close()


def test_search_with_highlight_range_and_suggest(app):
    client = app.test_client()
    body = client.get("/api/v1/datasets", query_string={"q": "γονιδιωματων", "lang": "el"}).get_json()
    assert body["total"] == 1
    assert "<mark>γονιδιωμάτων</mark>" in body["items"][0]["highlight"]["title"]
    ranged = client.get("/api/v1/datasets?individuals_min=100&individuals_max=100").get_json()
    assert ranged["total"] == 3 and ranged["ranges"] == {"individuals": [100, 100]}
    assert client.get("/api/v1/datasets?individuals_min=101").get_json()["total"] == 0
    bad = client.get("/api/v1/datasets?age_min=50&age_max=10")
    assert bad.status_code == 400 and "age_min" in bad.get_json()["message"]
    suggestions = client.get("/api/v1/suggest?q=gree&lang=en").get_json()["suggestions"]
    assert suggestions[0]["text"] == "Greek genome cohort" and suggestions[0]["url"].startswith("/datasets/")
    assert client.get("/api/v1/suggest").status_code == 400
    html = client.get("/datasets?q=cancer").get_data(as_text=True)
    assert "<mark>Cancer</mark>" in html and 'data-suggest-url="/api/v1/suggest"' in html


def test_reindex_keeps_search_answering(app):
    cat = app.extensions["gdi_catalogue"]
    assert cat.reindex() == 3
    assert app.test_client().get("/api/v1/datasets").get_json()["total"] == 3
    assert not cat.index_is_stale()
