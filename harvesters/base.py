"""The harvester interface: a node in, rdflib graphs out, page by page.

Harvesters only fetch and parse; mapping graphs to records, storing and indexing are the runner's job
(``harvesters.runner``), so a new source type is one small class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rdflib import Graph

from catalogue.config import Settings

Progress = Callable[[str], None]


@dataclass(frozen=True)
class NodeSpec:
    """What a harvester needs to know about a registered node."""

    name: str
    url: str
    country: str  # ISO 3166-1 alpha-2, upper case
    type: str = "dcat"
    title: str | None = None


@dataclass
class Page:
    """One fetched and parsed document."""

    url: str
    graph: Graph
    format: str  # rdflib parser name that read it, e.g. "ox-turtle"
    triples: int


class Harvester(ABC):
    type: str = ""

    def __init__(self, settings: Settings):
        self.settings = settings

    @abstractmethod
    def iter_pages(self, node: NodeSpec, progress: Progress | None = None) -> Iterator[Page]:
        """Yield every parsed page of the node's catalogue.

        Raises :class:`catalogue.errors.HarvestError` with an operator-actionable message when the
        node cannot be fetched or parsed; the runner then keeps the node's earlier data.
        """
