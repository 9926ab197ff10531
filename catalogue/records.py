"""The record a harvested dataset becomes: plain dataclasses, serialisable to JSON.

Multilingual text is kept as a *language map* (``{"en": "...", "el": "..."}``; ``""`` for an untagged
literal) so the portal can choose a language at display time rather than at harvest time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

LangText = dict[str, str]
LangList = dict[str, list[str]]


@dataclass
class Agent:
    iri: str | None = None
    name: LangText = field(default_factory=dict)
    email: str | None = None
    url: str | None = None
    type: str | None = None


@dataclass
class ContactPoint:
    iri: str | None = None
    name: LangText = field(default_factory=dict)
    email: str | None = None
    url: str | None = None
    telephone: str | None = None


@dataclass
class Distribution:
    iri: str | None = None
    title: LangText = field(default_factory=dict)
    description: LangText = field(default_factory=dict)
    access_url: str | None = None
    download_url: str | None = None
    format: str | None = None
    media_type: str | None = None
    byte_size: int | None = None
    licence: str | None = None
    access_service: str | None = None


@dataclass
class Period:
    start: str | None = None
    end: str | None = None


@dataclass
class DatasetRecord:
    id: str
    node: str
    iri: str | None = None
    identifier: str | None = None
    title: LangText = field(default_factory=dict)
    description: LangText = field(default_factory=dict)
    keywords: LangList = field(default_factory=dict)
    themes: list[str] = field(default_factory=list)
    health_categories: list[str] = field(default_factory=list)
    health_themes: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2 codes, from dct:spatial
    spatial: list[str] = field(default_factory=list)  # every dct:spatial IRI as given
    access_rights: str | None = None  # IRI (EU access-right NAL)
    publisher: Agent | None = None
    creators: list[Agent] = field(default_factory=list)
    hdab: Agent | None = None  # health data access body: whom to ask for access
    contact_point: ContactPoint | None = None
    temporal: Period | None = None
    issued: str | None = None  # ISO 8601 date or date-time, as given
    modified: str | None = None
    distributions: list[Distribution] = field(default_factory=list)
    number_of_records: int | None = None
    number_of_unique_individuals: int | None = None
    min_typical_age: int | None = None
    max_typical_age: int | None = None
    population_coverage: LangText = field(default_factory=dict)
    landing_page: str | None = None
    languages: list[str] = field(default_factory=list)  # IRIs (EU language NAL)
    dataset_type: str | None = None
    version: str | None = None
    conforms_to: list[str] = field(default_factory=list)
    coding_systems: list[str] = field(default_factory=list)
    code_values: list[str] = field(default_factory=list)
    purpose: LangText = field(default_factory=dict)
    legal_basis: LangText = field(default_factory=dict)
    frequency: str | None = None
    harvested: str | None = None  # ISO date-time (UTC) of the harvest that produced this record

    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetRecord:
        data = dict(data)
        for key, kind in (("publisher", Agent), ("hdab", Agent), ("contact_point", ContactPoint),
                          ("temporal", Period)):
            if data.get(key) is not None:
                data[key] = kind(**data[key])
        data["creators"] = [Agent(**a) for a in data.get("creators") or []]
        data["distributions"] = [Distribution(**d) for d in data.get("distributions") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})

    def content_hash(self, data: dict[str, Any] | None = None) -> str:
        """Hash of what the node published; ignores when we harvested it, so re-harvests compare.
        ``data``: this record's :meth:`to_dict`, when the caller has it already."""
        return self.serialised(data)[1]

    def serialised(self, data: dict[str, Any] | None = None) -> tuple[str, str]:
        """This record as JSON and its :meth:`content_hash`, from one serialisation: the JSON is the
        hashed text with ``harvested`` added at the end (a harvest writes both for every dataset, and
        serialising twice cost a tenth of the database step)."""
        data = self.to_dict() if data is None else dict(data)
        harvested = data.pop("harvested", None)
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()
        # (``data`` always holds the id, so the object is not empty and a comma separates the new key)
        return f'{blob[:-1]},"harvested":{json.dumps(harvested, ensure_ascii=False)}}}', digest


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies of every string and number (the records hold
    only str, int, None, lists, dicts and the dataclasses above), several times faster: containers
    are copied, and only values that can hold a dataclass are looked into."""
    out = {}
    for name in type(value).__dataclass_fields__:
        item = getattr(value, name)
        kind = type(item)
        if kind is list:
            item = [_plain(v) if hasattr(type(v), "__dataclass_fields__") else v for v in item]
        elif kind is dict:
            item = {k: list(v) if type(v) is list else v for k, v in item.items()}
        elif item is not None and hasattr(kind, "__dataclass_fields__"):
            item = _plain(item)
        out[name] = item
    return out


def dataset_id_for_iri(iri: str) -> str:
    """Stable, URL-safe id from a dataset IRI: the same IRI gives the same id on every node."""
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:20]


def dataset_id_for_identifier(node: str, identifier: str) -> str:
    """Stable id for a blank-node dataset: only its node and ``dct:identifier`` identify it."""
    return hashlib.sha256(f"urn:gdi:node:{node}:dataset:{identifier}".encode()).hexdigest()[:20]
