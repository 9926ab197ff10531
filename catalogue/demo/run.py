"""Start the synthetic national nodes on 127.0.0.1 and register them, for the demo and for tests."""

from __future__ import annotations

from catalogue.demo.generator import DemoNode, demo_nodes, node_catalogue_url, node_documents
from catalogue.demo.server import NodeServer
from catalogue.service import Catalogue


def serve_demo_nodes(seed: int = 2026, server: NodeServer | None = None) -> tuple[NodeServer, list[DemoNode]]:
    """A NodeServer serving every demo node's documents (``server``, if given, must be started)."""
    server = server or NodeServer().start()
    nodes = demo_nodes(seed)
    for node in nodes:
        for path, (content_type, body) in node_documents(node, server.base_url, seed).items():
            server.set(path, body, content_type=content_type)
    return server, nodes


def start_demo_nodes(cat: Catalogue, seed: int = 2026) -> tuple[NodeServer, list[DemoNode]]:
    server, nodes = serve_demo_nodes(seed)
    for node in nodes:
        cat.add_node(node.name, node_catalogue_url(node, server.base_url), node.country, "dcat", node.title,
                     update=True)
    return server, nodes

