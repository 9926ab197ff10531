"""Reading typed values out of a graph, tolerant of the variants real nodes publish.

Nodes write counts as ``xsd:nonNegativeInteger``, ``xsd:integer``, ``xsd:decimal`` or a plain string,
dates as ``xsd:date``, ``xsd:dateTime``, ``xsd:gYear`` or untyped; URLs as IRIs or as literals. Every
reader here returns ``None`` (never raises) for a value it cannot use, and reports why through the
``problems`` list so that a node operator learns what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    # Graph iteration order is not stable across stores; sorting keeps records (and hashes) stable.
    # Most properties have one value or none, and there is nothing to sort (mapping asks for about
    # eighty per dataset, and the sort key cost more than the rest of the lookup).
    nodes = list(nodes)
    if len(nodes) > 1:
        nodes.sort(key=_order)
    return nodes


def _order(n: Node) -> tuple[str, str, str]:
    return type(n).__name__, str(n), getattr(n, "language", None) or ""


def objects(g: Graph, s: Node, preds: Iterable[URIRef]) -> list[Node]:
    out: list[Node] = []
    for p in preds:
        out.extend(g.objects(s, p))
    return _sorted(out)


def first(g: Graph, s: Node, *preds: URIRef) -> Node | None:
    for p in preds:
        values = _sorted(g.objects(s, p))
        if values:
            return values[0]
    return None


def lang_map(g: Graph, s: Node, *preds: URIRef) -> dict[str, str]:
    """Language tag -> text (``""`` for untagged); the first predicate that has values wins."""
    for p in preds:
        out: dict[str, str] = {}
        for o in _sorted(g.objects(s, p)):
            if isinstance(o, Literal):
                text = str(o).strip()
                lang = (o.language or "").lower()
                if text and lang not in out:
                    out[lang] = text
        if out:
            return out
    return {}


def lang_list(g: Graph, s: Node, p: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in _sorted(g.objects(s, p)):
        if isinstance(o, Literal):
            text = str(o).strip()
            if text:
                values = out.setdefault((o.language or "").lower(), [])
                if text not in values:
                    values.append(text)
    return out


def iri(g: Graph, s: Node, *preds: URIRef) -> str | None:
    values = iris(g, s, *preds)
    return values[0] if values else None


def iris(g: Graph, s: Node, *preds: URIRef) -> list[str]:
    """IRIs, and literals that are clearly IRIs (``http(s)://``, ``mailto:``, ``urn:``)."""
    out: list[str] = []
    for o in objects(g, s, preds):
        if isinstance(o, URIRef):
            value = str(o)
        elif isinstance(o, Literal) and re.match(r"^(https?://|mailto:|urn:)\S+$", str(o).strip()):
            value = str(o).strip()
        else:
            continue
        if value not in out:
            out.append(value)
    return out


def text(g: Graph, s: Node, *preds: URIRef) -> str | None:
    for o in objects(g, s, preds):
        if isinstance(o, Literal) and str(o).strip():
            return str(o).strip()
        if isinstance(o, URIRef):
            return str(o)
    return None


def texts(g: Graph, s: Node, *preds: URIRef) -> list[str]:
    out: list[str] = []
    for o in objects(g, s, preds):
        if isinstance(o, (Literal, URIRef)) and str(o).strip() and str(o).strip() not in out:
            out.append(str(o).strip())
    return out


def integer(g: Graph, s: Node, p: URIRef, problems: list[str], label: str) -> int | None:
    o = first(g, s, p)
    if o is None:
        return None
    raw = str(o).strip().replace("\u00a0", "").replace(" ", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        problems.append(f"{label}: {raw[:40]!r} is not a number")
        return None
    if value != value.to_integral_value() or value < 0:
        problems.append(f"{label}: {raw[:40]!r} is not a non-negative whole number")
        return None
    return int(value)


def date(g: Graph, s: Node, p: URIRef, problems: list[str], label: str) -> str | None:
    """ISO 8601 date or date-time as published (``2024``, ``2024-03``, ``2024-03-01T10:00:00Z``)."""
    o = first(g, s, p)
    if o is None:
        return None
    raw = str(o).strip()
    if _DATE.match(raw):
        return raw.replace(" ", "T")
    problems.append(f"{label}: {raw[:40]!r} is not an ISO 8601 date")
    return None


def email(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    return value or None


def is_resource(node: Node | None) -> bool:
    return isinstance(node, (URIRef, BNode))
