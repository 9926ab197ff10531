"""Start the synthetic national nodes on 127.0.0.1 and register them, for the demo and for tests."""

from __future__ import annotations

from urllib.parse import urlsplit

from catalogue.demo.generator import DemoNode, demo_nodes, node_documents, node_graph, node_url
from catalogue.demo.server import NodeServer
from catalogue.demo.sparql import SparqlEndpoint
from catalogue.service import Catalogue


def serve_demo_nodes(seed: int = 2026, server: NodeServer | None = None) -> tuple[NodeServer, list[DemoNode]]:
    """A NodeServer serving every demo node (``server``, if given, must be started).

    DCAT, CKAN and FAIR Data Point nodes are static documents; a SPARQL node is an endpoint over its graph.
    """
    server = server or NodeServer().start()
    nodes = demo_nodes(seed)
    for node in nodes:
        for path, (content_type, body) in node_documents(node, server.base_url, seed).items():
            server.set(path, body, content_type=content_type)
        if node.type == "sparql":
            endpoint = SparqlEndpoint.from_graph(node_graph(node, server.base_url, seed))
            server.set_handler(urlsplit(node_url(node, server.base_url)).path, endpoint, any_query=True)
    return server, nodes


def register_demo_nodes(cat: Catalogue, nodes: list[DemoNode], base_url: str) -> None:
    """Add (or update) every node with its own source type and the URL that type expects."""
    for node in nodes:
        cat.add_node(node.name, node_url(node, base_url), node.country, node.type, node.title, update=True)


def start_demo_nodes(cat: Catalogue, seed: int = 2026, port: int = 0) -> tuple[NodeServer, list[DemoNode]]:
    """Serve and register the demo nodes; ``port`` 0 takes any free port.

    A fixed port keeps the FAIR Data Point node's IRIs (URLs on this server) the same across restarts,
    so a kept data directory does not see its datasets withdrawn and re-added under new ids.
    """
    server = None
    if port:
        try:
            server = NodeServer(port=port).start()
        except OSError:  # taken: any port will do, at the cost of new FDP IRIs
            server = None
    server, nodes = serve_demo_nodes(seed, server)
    register_demo_nodes(cat, nodes, server.base_url)
    return server, nodes
