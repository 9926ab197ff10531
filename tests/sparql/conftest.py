"""Fixtures for the SPARQL harvester: a real Fuseki (``GDI_TEST_SPARQL_URL``) and an Oxigraph-backed endpoint.

Fuseki tests get a fresh in-memory dataset each, made and dropped through Fuseki's admin API, so tests
never see each other's data and a test run leaves nothing behind. Without the variable the Fuseki tests
are skipped, except on CI (``CI`` set), where a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import rdflib
import requests

from catalogue.dcat.profile import MappingContext, map_datasets
from catalogue.records import DatasetRecord
from catalogue.search.base import SearchQuery
from catalogue.service import Catalogue
from catalogue.vocab import get_vocabularies
from tests.functional.conftest import make_settings
from tests.sparql.endpoint import OxigraphEndpoint

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sparql"
EXPECTED = FIXTURES / "expected"
NAMED_GRAPH = "https://sparql-node.example.org/graph/registry"
SKIP_MESSAGE = "start one with `bash scripts/fuseki start` and set GDI_TEST_SPARQL_URL"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only: no proxy from the environment
    return session


class FusekiDataset:
    """One in-memory dataset on the Fuseki server, with its query, update and Graph Store endpoints."""

    def __init__(self, base: str, name: str):
        self.base = base
        self.name = name
        self.http = _session()

    @property
    def query_url(self) -> str:
        return f"{self.base}/{self.name}/sparql"

    def load(self, path: Path, graph: str | None = None) -> None:
        """Replace the default graph, or the named graph ``graph``, with a Turtle file (Graph Store Protocol)."""
        target = f"graph={quote(graph, safe='')}" if graph else "default"
        response = self.http.put(f"{self.base}/{self.name}/data?{target}", data=path.read_bytes(),
                                 headers={"Content-Type": "text/turtle; charset=utf-8"}, timeout=60)
        assert response.status_code in (200, 201, 204), response.text

    def update(self, sparql: str) -> None:
        response = self.http.post(f"{self.base}/{self.name}/update", data={"update": sparql}, timeout=60)
        assert response.status_code in (200, 204), response.text

    def ask(self, sparql: str) -> bool:
        response = self.http.post(self.query_url, data={"query": sparql}, timeout=60,
                                  headers={"Accept": "application/sparql-results+json"})
        response.raise_for_status()
        return bool(response.json()["boolean"])

    def drop(self) -> None:
        self.http.delete(f"{self.base}/$/datasets/{self.name}", timeout=60)
        self.http.close()


@pytest.fixture(scope="session")
def fuseki_url() -> str:
    url = os.environ.get("GDI_TEST_SPARQL_URL", "").strip().rstrip("/")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("GDI_TEST_SPARQL_URL is not set and CI must run the SPARQL tests: " + SKIP_MESSAGE,
                        pytrace=False)
        pytest.skip(SKIP_MESSAGE)
    if urlsplit(url).hostname not in LOOPBACK:
        pytest.fail(f"GDI_TEST_SPARQL_URL={url} is not on loopback; the tests only talk to 127.0.0.1", pytrace=False)
    return url


@pytest.fixture
def fuseki(fuseki_url) -> Iterator[FusekiDataset]:
    """A fresh, empty in-memory Fuseki dataset, dropped after the test."""
    name = f"gdi-test-{uuid.uuid4().hex[:12]}"
    with _session() as http:
        try:
            response = http.post(f"{fuseki_url}/$/datasets", data={"dbName": name, "dbType": "mem"}, timeout=60)
        except requests.ConnectionError as exc:
            pytest.fail(f"no Fuseki at GDI_TEST_SPARQL_URL={fuseki_url} ({exc}); {SKIP_MESSAGE}", pytrace=False)
    if response.status_code != 200:
        pytest.fail(f"Fuseki at {fuseki_url} would not create a dataset (HTTP {response.status_code}: "
                    f"{response.text[:200]}); is its admin API on? (scripts/fuseki starts it so)", pytrace=False)
    dataset = FusekiDataset(fuseki_url, name)
    yield dataset
    dataset.drop()


@pytest.fixture
def loaded_fuseki(fuseki) -> FusekiDataset:
    """The fixture catalogue in the default graph and the registry dataset in a named graph."""
    fuseki.load(FIXTURES / "catalogue.ttl")
    fuseki.load(FIXTURES / "named-graph.ttl", graph=NAMED_GRAPH)
    return fuseki


@pytest.fixture
def endpoint() -> Iterator[OxigraphEndpoint]:
    """The same data behind the Oxigraph-backed endpoint (no Fuseki needed)."""
    with OxigraphEndpoint() as server:
        server.load(FIXTURES / "catalogue.ttl")
        server.load(FIXTURES / "named-graph.ttl", graph=NAMED_GRAPH)
        yield server


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path / "data")


@pytest.fixture
def catalogue(settings) -> Iterator[Catalogue]:
    cat = Catalogue(settings)
    yield cat
    cat.close()


# Expectations --------------------------------------------------------------------------------------
def record_dict(record: DatasetRecord) -> dict:
    """A record as compared in these tests: everything but the harvest time."""
    data = record.to_dict()
    data.pop("harvested", None)
    return data


def expected_records(node: str) -> dict[str, dict]:
    """What the profile makes of the fixture files read directly, minus the blank-node dataset
    (which a SPARQL harvest skips): the records a complete harvest must reproduce exactly."""
    graph = rdflib.Graph()
    graph.parse(FIXTURES / "catalogue.ttl", format="turtle")
    graph.parse(FIXTURES / "named-graph.ttl", format="turtle")
    vocab = get_vocabularies()
    ctx = MappingContext(node=node, node_country="BE", harvested="", country_code=vocab.country_code,
                         canonical_health_category=vocab.canonical_health_category)
    return {m.record.iri: record_dict(m.record) for m in map_datasets(graph, ctx)
            if m.record is not None and m.record.iri is not None}


def harvested_records(cat: Catalogue, node: str) -> dict[str, dict]:
    """The node's searchable records, by IRI (found through the search index, so indexing is covered too)."""
    page = cat.search(SearchQuery.parse("", filters={"node": (node,)}, size=100))
    assert page.total < 100
    return {r.iri or r.identifier: record_dict(r) for r in page.items}
