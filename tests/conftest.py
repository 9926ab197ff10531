"""Shared test fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalogue.demo.server import NodeServer


@pytest.fixture
def node_server() -> Iterator[NodeServer]:
    """A started NodeServer on 127.0.0.1 (random port), stopped after the test."""
    with NodeServer() as server:
        yield server
