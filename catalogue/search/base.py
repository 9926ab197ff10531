"""The search backend interface and the parsed query it receives.

The web layer turns request arguments into a :class:`SearchQuery` (validated by a marshmallow schema);
backends only ever see folded word tokens and facet values, never a raw string to splice into a query
language. Every backend indexes the same :class:`SearchDocument`, built once from a record, so that
contract tests can require the same totals and facet counts from each.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from catalogue.dcat.namespaces import ACCESS_RIGHT_NAL, DATA_THEME_NAL, HEALTH_CATEGORY_NAL
from catalogue.records import DatasetRecord
from catalogue.text import fold, sort_key, words

FACETS: tuple[str, ...] = ("country", "node", "access_rights", "health_category", "theme", "keyword")
SORTS: tuple[str, ...] = ("relevance", "modified", "-modified", "title", "-title")
MAX_PAGE_SIZE = 100
MIN_PREFIX_CHARS = 3  # the last query term also matches as a word prefix from this length on
# Word starts up to this length are indexed as terms of their own (Elasticsearch's index_prefixes), so
# that a typed prefix is one postings list to read instead of a union of every word it starts.
PREFIX_MAX_CHARS = 6
MAX_RESULT_WINDOW = 10_000  # page * size beyond this is refused, as deep paging is a crawler's job
FACET_SIZE = 50  # values returned per facet (the most frequent)

_PHRASE = re.compile(r'"([^"]+)"')


RANGES: tuple[str, ...] = ("individuals", "age")
# Marks around highlighted words in snippets. Private-use characters never occur in harvested text
# that we index (they are stripped by ``clean_marks``), so the web layer can escape a snippet as plain
# text and only then turn the marks into <mark> elements: highlighting can never inject markup.
MARK_START, MARK_END = "\ue000", "\ue001"


def clean_marks(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: folded terms that must all match, exact phrases, facet filters, ranges.

    ``filters`` maps a facet name to the values chosen for it: values of one facet are OR-ed,
    facets are AND-ed. ``ranges`` maps ``individuals`` to inclusive bounds on the number of unique
    individuals, and ``age`` to an age interval that the dataset's typical age range must overlap
    (``max_age >= low`` and ``min_age <= high``); a dataset without the value does not match a range.
    Either bound may be ``None``.
    """

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    size: int = 20
    lang: str = "en"
    ranges: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    highlight: bool = False  # return snippets for the page's hits (title, description)

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
        return replace(self, filters={k: v for k, v in self.filters.items() if k != facet})


@dataclass(frozen=True)
class SuggestQuery:
    """Autocomplete: every term but the last must match a whole word, the last one a word's start."""

    terms: tuple[str, ...]
    lang: str = "en"
    size: int = 8

    @classmethod
    def parse(cls, text: str, lang: str = "en", size: int = 8) -> SuggestQuery:
        return cls(terms=tuple(words(text or ""))[:8], lang=lang, size=size)


@dataclass
class Suggestion:
    text: str  # a dataset title (in the query's language, with fallback) or a keyword
    kind: str  # "title" | "keyword"
    id: str | None = None  # the dataset, for a title


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResult:
    total: int
    ids: list[str]
    facets: dict[str, list[FacetValue]]
    # id -> {"title": snippet, "description": snippet}, snippets marked with MARK_START/MARK_END;
    # only for ids of this page, only when the query asked for highlights and words matched
    highlights: dict[str, dict[str, str]] = field(default_factory=dict)


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
    # labels of the dataset's vocabulary values (countries, health categories, themes, access rights)
    # in every language we have, so a German user typing "Genomdaten" finds datasets tagged HGPD
    labels: list[str] = field(default_factory=list)

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


def document_from_record(record: DatasetRecord, languages: Iterable[str],
                         labels_of: Callable[[str], Iterable[str]] | None = None,
                         nodes: Iterable[str] | None = None) -> SearchDocument:
    """``labels_of`` gives every label of a vocabulary IRI (see ``Vocabularies.labels``); ``nodes``,
    every node that publishes the dataset (default: the record's own)."""
    keywords_flat = sorted({k.strip() for kws in record.keywords.values() for k in kws if k.strip()})
    facets = {
        "country": sorted(set(record.countries)),
        "node": sorted(set(nodes or ()) | {record.node}),
        "access_rights": [facet_value("access_rights", record.access_rights)] if record.access_rights else [],
        "health_category": sorted({facet_value("health_category", i) for i in record.health_categories}),
        "theme": sorted({facet_value("theme", i) for i in record.themes}),
        "keyword": keywords_flat,
    }
    modified = (record.modified or record.issued or "")[:10] or None
    return SearchDocument(
        id=record.id,
        title={k: clean_marks(v) for k, v in record.title.items()},
        description={k: clean_marks(v) for k, v in record.description.items()},
        keywords={k: [clean_marks(w) for w in v] for k, v in record.keywords.items()},
        facets=facets,
        modified=modified,
        title_sort=_title_sort(record.title, languages),
        individuals=record.number_of_unique_individuals,
        records=record.number_of_records,
        min_age=record.min_typical_age,
        max_age=record.max_typical_age,
        labels=_vocabulary_labels(record, labels_of) if labels_of else [],
    )


def _title_sort(title: dict[str, str], languages: Iterable[str]) -> dict[str, int]:
    """Sort key of the title shown in each UI language; most languages show the same one or two titles."""
    keys: dict[str, int] = {}
    out = {}
    for lang in languages:
        text = pick_text(title, lang)
        key = keys.get(text)
        if key is None:
            key = keys[text] = sort_key(text)
        out[lang] = key
    return out


def _vocabulary_labels(record: DatasetRecord, labels_of: Callable[[str], Iterable[str]]) -> list[str]:
    iris = [*record.spatial, *record.health_categories, *record.health_themes, *record.themes]
    if record.access_rights:
        iris.append(record.access_rights)
    out: dict[str, None] = {}
    for iri in iris:
        for label in labels_of(iri):
            out[clean_marks(label)] = None
    return list(out)


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
    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        """Up to ``query.size`` completions: dataset titles whose words match the terms (best first),
        then keywords starting with the typed text; no duplicates."""

    def rebuild(self, documents: Iterable[SearchDocument], batch: int = 2000) -> int:
        """Replace the whole index with ``documents``. Backends that can build a new index beside the
        live one and switch over (Elasticsearch aliases) override this so search never goes empty."""
        self.clear()
        total, chunk = 0, []
        for doc in documents:
            chunk.append(doc)
            if len(chunk) >= batch:
                total += self.index(chunk)
                chunk = []
        if chunk:
            total += self.index(chunk)
        return total

    @abstractmethod
    def count(self) -> int:
        """Number of documents in the index."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""

    def forget_results(self) -> None:  # noqa: B027 - optional hook
        """Empty the cache of whole search results, if the backend keeps one (what it keeps per commit
        stays): a benchmark that warms a backend up must then time its queries, not cache hits."""


__all__ = [
    "MARK_END", "MARK_START", "MIN_PREFIX_CHARS", "PREFIX_MAX_CHARS", "RANGES", "SuggestQuery", "Suggestion",
    "clean_marks",
    "FACETS", "FACET_SIZE", "MAX_PAGE_SIZE", "MAX_RESULT_WINDOW", "SORTS", "FacetValue", "SearchBackend",
    "SearchDocument", "SearchQuery", "SearchResult", "document_from_record", "facet_iri", "facet_value", "fold",
    "pick_text",
]
