"""Backends under contract: the embedded index always, Elasticsearch when a server is given.

With ``CI`` set, a missing Elasticsearch fails the run instead of skipping: CI must test the real engine.
"""

from __future__ import annotations

import os
import uuid

import pytest

from catalogue.search.embedded import EmbeddedSearchBackend

LANGUAGES = ("en", "fr", "de", "ro", "hu", "el")


def elasticsearch_url() -> str:
    url = os.environ.get("GDI_ELASTICSEARCH_URL", "")
    if not url:
        message = "set GDI_ELASTICSEARCH_URL (start one with: bash scripts/elasticsearch start)"
        if os.environ.get("CI"):
            pytest.fail("CI is set but GDI_ELASTICSEARCH_URL is not: " + message)
        pytest.skip(message)
    return url


def make_backend(name: str, tmp_path):
    if name == "embedded":
        return EmbeddedSearchBackend(tmp_path / "index", LANGUAGES)
    from catalogue.search.elastic import ElasticsearchBackend

    return ElasticsearchBackend(elasticsearch_url(), f"test-contract-{uuid.uuid4().hex[:10]}", LANGUAGES, 30.0)


def drop_backend(backend) -> None:
    drop = getattr(backend, "drop", None)
    if callable(drop):
        drop()
    backend.close()


BACKENDS = [pytest.param("embedded"), pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]
