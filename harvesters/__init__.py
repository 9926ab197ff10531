"""Harvesters: one class per kind of node source, chosen by the node's ``type``."""

from __future__ import annotations

from importlib import import_module

from harvesters.base import Harvester

HARVESTERS: dict[str, str] = {
    "dcat": "harvesters.dcat:DcatHarvester",
    "fdp": "harvesters.fdp:FdpHarvester",
    "sparql": "harvesters.sparql:SparqlHarvester",
    "ckan": "harvesters.ckan:CkanHarvester",
}


def harvester_class(node_type: str) -> type[Harvester]:
    try:
        target = HARVESTERS[node_type]
    except KeyError:
        raise ValueError(f"unknown node type {node_type!r}; known types: {', '.join(sorted(HARVESTERS))}") from None
    module, cls = target.split(":")
    return getattr(import_module(module), cls)
