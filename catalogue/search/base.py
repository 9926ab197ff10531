"""The search backend interface and the parsed query it receives.

The web layer turns request arguments into a :class:`SearchQuery` (validated by a marshmallow schema);
backends only ever see folded word tokens and facet values, never a raw string to splice into a query
language. Every backend indexes the same :class:`SearchDocument`, built once from a record, so that
contract tests can require the same totals and facet counts from each.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from catalogue.dcat.namespaces import ACCESS_RIGHT_NAL, DATA_THEME_NAL, HEALTH_CATEGORY_NAL
from catalogue.records import DatasetRecord
from catalogue.text import fold, sort_key, words

FACETS: tuple[str, ...] = ("country", "node", "access_rights", "health_category", "theme", "keyword")
SORTS: tuple[str, ...] = ("relevance", "modified", "-modified", "title", "-title")
MAX_PAGE_SIZE = 100
MAX_RESULT_WINDOW = 10_000  # page * size beyond this is refused, as deep paging is a crawler's job
FACET_SIZE = 50  # values returned per facet (the most frequent)

_PHRASE = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: folded terms that must all match, exact phrases, and facet filters.

    ``filters`` maps a facet name to the values chosen for it: values of one facet are OR-ed,
    facets are AND-ed.
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    size: int = 20
    lang: str = "en"

    @classmethod
    def parse(cls, text: str = "", **kwargs) -> SearchQuery:
        """Split user text into terms and ``"quoted phrases"``; everything else is a plain word."""
        phrases = tuple(tuple(words(p)) for p in _PHRASE.findall(text or "") if words(p))
        rest = _PHRASE.sub(" ", text or "")
        terms = tuple(dict.fromkeys(words(rest)))  # unique, in order
        filters = {k: tuple(dict.fromkeys(v)) for k, v in (kwargs.pop("filters", None) or {}).items() if v}
        return cls(terms=terms, phrases=phrases, filters=filters, **kwargs)

    @property
    def is_match_all(self) -> bool:
        return not self.terms and not self.phrases

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def without_filter(self, facet: str) -> SearchQuery:
        return SearchQuery(self.terms, self.phrases, {k: v for k, v in self.filters.items() if k != facet},
                           self.sort, self.page, self.size, self.lang)


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResult:
    total: int
    ids: list[str]
    facets: dict[str, list[FacetValue]]


@dataclass
class SearchDocument:
    """What a backend indexes for one dataset."""

    id: str
    title: dict[str, str]
    description: dict[str, str]
    keywords: dict[str, list[str]]
    facets: dict[str, list[str]]  # facet name -> values (see FACETS)
    modified: str | None  # ISO date (YYYY-MM-DD) used for sorting; issued when modified is absent
    title_sort: dict[str, int]  # UI language -> sort_key of the title shown in that language
    individuals: int | None = None
    records: int | None = None
    min_age: int | None = None
    max_age: int | None = None

    def all_text(self) -> str:
        """Every searchable word in every language, for engines with one catch-all field."""
        parts = [*self.title.values(), *self.description.values()]
        for kws in self.keywords.values():
            parts.extend(kws)
        return "\n".join(parts)


def pick_text(values: Mapping[str, str], lang: str, default: str = "en") -> str:
    """The literal for ``lang``, else English, else untagged, else any (sorted for determinism)."""
    if not values:
        return ""
    for key in (lang, default, ""):
        if values.get(key):
            return values[key]
    base = lang.split("-")[0]
    for key in sorted(values):
        if key.split("-")[0] == base and values[key]:
            return values[key]
    return values[sorted(values)[0]]


# Facets whose values are IRIs of an EU controlled vocabulary: the value in URLs and in the index is
# the code after this base (``PUBLIC``), any other IRI is kept whole.
_FACET_IRI_BASES = {
    "access_rights": ACCESS_RIGHT_NAL,
    "health_category": HEALTH_CATEGORY_NAL,
    "theme": DATA_THEME_NAL,
}


def facet_value(facet: str, iri: str) -> str:
    """Short facet value for a vocabulary IRI (``.../access-right/PUBLIC`` -> ``PUBLIC``)."""
    base = _FACET_IRI_BASES.get(facet)
    if base and iri.startswith(base) and "/" not in iri[len(base):]:
        return iri[len(base):]
    return iri


def facet_iri(facet: str, value: str) -> str:
    """The IRI a facet value stands for (inverse of :func:`facet_value`)."""
    base = _FACET_IRI_BASES.get(facet)
    if base and ":" not in value:
        return base + value
    return value


def document_from_record(record: DatasetRecord, languages: Iterable[str]) -> SearchDocument:
    keywords_flat = sorted({k.strip() for kws in record.keywords.values() for k in kws if k.strip()})
    facets = {
        "country": sorted(set(record.countries)),
        "node": [record.node],
        "access_rights": [facet_value("access_rights", record.access_rights)] if record.access_rights else [],
        "health_category": sorted({facet_value("health_category", i) for i in record.health_categories}),
        "theme": sorted({facet_value("theme", i) for i in record.themes}),
        "keyword": keywords_flat,
    }
    modified = (record.modified or record.issued or "")[:10] or None
    return SearchDocument(
        id=record.id,
        title=dict(record.title),
        description=dict(record.description),
        keywords={k: list(v) for k, v in record.keywords.items()},
        facets=facets,
        modified=modified,
        title_sort={lang: sort_key(pick_text(record.title, lang)) for lang in languages},
        individuals=record.number_of_unique_individuals,
        records=record.number_of_records,
        min_age=record.min_typical_age,
        max_age=record.max_typical_age,
    )


class SearchBackend(ABC):
    """A full-text index of datasets with facet counts. One instance per process."""

    name: str = ""

    @abstractmethod
    def index(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by id); return how many were written. Visible on return."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Ids of the page asked for, the total match count and facet counts.

        Facet counts follow the usual drill-down rule: the counts of a facet are computed with every
        filter applied except that facet's own, so that choosing a value does not hide its siblings.
        """

    @abstractmethod
    def count(self) -> int:
        """Number of documents in the index."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""


__all__ = [
    "FACETS", "FACET_SIZE", "MAX_PAGE_SIZE", "MAX_RESULT_WINDOW", "SORTS", "FacetValue", "SearchBackend",
    "SearchDocument", "SearchQuery", "SearchResult", "document_from_record", "facet_iri", "facet_value", "fold",
    "pick_text",
]
