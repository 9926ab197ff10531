"""Fixtures for tests against a real Elasticsearch server (``GDI_ELASTICSEARCH_URL``).

Without the variable the tests are skipped, except on CI (``CI`` set), where a missing engine must fail
the run: CI never silently skips the engine tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from elasticsearch import Elasticsearch

from catalogue.search.elastic import ElasticsearchBackend

SKIP_MESSAGE = "set GDI_ELASTICSEARCH_URL (start one with: bash scripts/elasticsearch start)"


@pytest.fixture(scope="session")
def es_url() -> str:
    url = os.environ.get("GDI_ELASTICSEARCH_URL", "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(SKIP_MESSAGE + " — CI must run the Elasticsearch tests", pytrace=False)
        pytest.skip(SKIP_MESSAGE)
    return url


@pytest.fixture(scope="session")
def es_admin(es_url) -> Iterator[Elasticsearch]:
    """A plain client for checks and clean-up, independent of the backends under test."""
    client = Elasticsearch(es_url, request_timeout=60)
    yield client
    client.close()


def drop_indices(client: Elasticsearch, alias: str) -> None:
    """Delete every index behind or named like a test alias (only names derived from it)."""
    names = set(client.indices.get(index=f"{alias}-*", expand_wildcards="all").body)
    if client.indices.exists(index=alias) and not client.indices.exists_alias(name=alias):
        names.add(alias)
    for name in sorted(names):
        client.indices.delete(index=name, ignore_unavailable=True)


@pytest.fixture
def make_backend(es_url, es_admin) -> Iterator[Callable[..., ElasticsearchBackend]]:
    """Backends on fresh, unique aliases (``test-<uuid>``), deleted with their indices afterwards."""
    made: list[ElasticsearchBackend] = []

    def make(languages=("en", "el", "hu", "ro"), alias: str | None = None, **kwargs) -> ElasticsearchBackend:
        backend = ElasticsearchBackend(es_url, alias or f"test-{uuid.uuid4().hex}", languages, **kwargs)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()
        drop_indices(es_admin, backend.alias)
