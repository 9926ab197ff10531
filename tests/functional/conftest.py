"""App, client and harvested-federation fixtures (Flask tutorial style)."""

from __future__ import annotations

import pytest

from catalogue.config import Settings
from catalogue.service import Catalogue
from catalogue.web import create_app

DEMO_SEED = 2026


def make_settings(path) -> Settings:
    return Settings(data_dir=path, harvest_timeout=3.0, allow_private_nodes=True, secret_key="test")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.config.update(TESTING=True)
    yield app
    app.extensions["gdi_catalogue"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def catalogue(app) -> Catalogue:
    return app.extensions["gdi_catalogue"]


@pytest.fixture(scope="session")
def demo_server():
    from catalogue.demo.run import serve_demo_nodes

    server, nodes = serve_demo_nodes(DEMO_SEED)
    yield server, nodes
    server.stop()


@pytest.fixture(scope="session")
def federation(tmp_path_factory, demo_server):
    """The whole demo federation (every node type) harvested once into its own data directory; read-only for tests."""
    from catalogue.demo.generator import node_url

    server, nodes = demo_server
    app = create_app(make_settings(tmp_path_factory.mktemp("federation")))
    app.config.update(TESTING=True)
    cat = app.extensions["gdi_catalogue"]
    for node in nodes:  # each with its own source type (dcat, fdp, sparql, ckan) and the URL that type expects
        cat.add_node(node.name, node_url(node, server.base_url), node.country, node.type, node.title)
    summaries = cat.harvest()
    assert all(not s.failed for s in summaries), [s.message for s in summaries if s.failed]
    yield app, nodes, summaries
    cat.close()


@pytest.fixture
def fed_client(federation):
    return federation[0].test_client()
