"""The Elasticsearch search backend: the same contract as the embedded one, on a server that scales out.

Membership is decided exactly as in the embedded backend, so both give the same totals and facet
counts: text is folded and split in Python by :func:`catalogue.text.words` (DECISIONS.md #4) and
indexed into catch-all fields with Elasticsearch's ``whitespace`` analyser, so the tokens in the index
are the tokens :meth:`SearchQuery.parse` produces, in every script (``asciifolding`` would leave Greek
tonos alone). Every term must equal a word of the title, keywords, description or vocabulary labels;
the last one may also be a word's start. Language-analysed copies of title and description
(``title.<lang>``, ``description.<lang>``: stemming per language) only add small, bounded bonuses to
the score, so they can improve the order but never change what matches.

Writes go to an alias. ``rebuild`` loads a new index ``<alias>-v<SCHEMA_VERSION>-<utc timestamp>``
beside the live one and moves the alias over with one ``_aliases`` request, so searches never see an
empty or half-filled index.

Queries are built as Elasticsearch DSL from the parsed :class:`SearchQuery` only; user text never
reaches a query-string parser.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import queue
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    Elasticsearch,
    NotFoundError,
    SerializationError,
    TransportError,
    UnsupportedProductError,
)
from elasticsearch.exceptions import HTTP_EXCEPTIONS, GeneralAvailabilityWarning
from elasticsearch.helpers import streaming_bulk

from catalogue.config import Settings
from catalogue.errors import BadRequest, CatalogueError, ServiceUnavailable
from catalogue.search.base import (
    FACET_SIZE,
    FACETS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    MIN_PREFIX_CHARS,
    PREFIX_MAX_CHARS,
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Suggestion,
    SuggestQuery,
    pick_text,
)
from catalogue.search.highlight import highlight_document
from catalogue.text import date_key, fold, folded_tokens, sort_key

log = logging.getLogger(__name__)

# Bump whenever the mapping or the way text becomes terms changes: an index written by another version
# is replaced by an empty one (as the embedded backend does) and ``reindex`` refills it.
# 2: language fields without frequencies and norms, suggestion fields without positions, keyword_key
# without an inverted index, eager global ordinals on the facets
SCHEMA_VERSION = 3  # 3: prefixes in every text field, words_all

START_HINT = "start one with `bash scripts/elasticsearch start` or check GDI_ELASTICSEARCH_URL"

# Scoring, as in the embedded backend: BM25 per field with these multipliers, best field wins.
TEXT_BOOSTS = {"title_all": 3.0, "keywords_all": 2.0, "text_all": 1.0, "labels": 0.5}
WORDS_FIELD = "words_all"
TIE_BREAKER = 0.1
EXACT_BONUS = 1.0  # an exact match of the last term always outranks a prefix-only one (< EXACT_BONUS)
PREFIX_SCORE = {"title_all": 0.3, "keywords_all": 0.2, "text_all": 0.1, "labels": 0.05}
# Stemmed matches in the query's language: constant, small, so that prefix + stem < EXACT_BONUS.
STEM_SCORE = {"title": 0.2, "description": 0.1}
NUMERIC_FIELDS = ("individuals", "records", "min_age", "max_age")

# Elasticsearch's language analysers (analysis-common, or our plugin on the test distribution), by
# BCP 47 base language; other languages get a standard tokeniser with lower-casing and ASCII folding.
LANGUAGE_ANALYZERS = {
    "en": "english", "fr": "french", "de": "german", "ro": "romanian", "hu": "hungarian", "el": "greek",
    "it": "italian", "es": "spanish", "nl": "dutch", "pt": "portuguese", "sv": "swedish", "fi": "finnish",
    "da": "danish", "cs": "czech", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
    "bg": "bulgarian", "lv": "latvian", "lt": "lithuanian", "ga": "irish", "ca": "catalan",
    "et": "estonian", "eu": "basque",
}
STANDARD_LANGUAGES = ("pl", "sk", "sl", "hr", "mt", "is", "lb", "sr", "uk", "ru", "tr")
OTHER_LANGUAGE = "other"  # untagged literals and languages without a field of their own
FOLDING_ANALYZER = "gdi_folding"
PREFIX_ANALYZER = "gdi_edge_prefix"
EDGE_MIN, EDGE_MAX = 2, 20
FACET_IGNORE_ABOVE = 4096  # characters; Lucene refuses terms over 32 766 bytes
MAX_ID_BYTES = 512  # Elasticsearch's limit on _id

BULK_CHUNK_DOCS = 1000
BULK_CHUNK_BYTES = 10 * 1024 * 1024
# Bulk requests in flight at once. Python prepares the next documents while Elasticsearch indexes the
# previous ones, and two requests keep two indexing threads busy on the (single) shard. Documents are
# routed to a sender by id, so that two versions of one document are still written in their order.
BULK_SENDERS = 2
BULK_TIMEOUT = 120.0  # seconds per bulk request or index-level operation (at least the configured one)
SUGGEST_FETCH = 4  # titles fetched per suggestion asked, so that duplicates can be dropped
# Facets of a few dozen values each are also indexed together, as "<facet>\x1f<value>" in FACET_VALUES,
# and counted by one terms aggregation that returns all of them: one pass over the doc values of
# each hit instead of five. Keywords (thousands of values, only the top ones wanted) stay apart.
SMALL_FACETS = ("country", "node", "access_rights", "health_category", "theme")
FACET_VALUES = "facet_values"
FACET_VALUES_SIZE = 10_000  # buckets; beyond this many values the facets are counted one by one
# Words that match most of the index (see ``_complement_counts``): above this share, the facets are
# counted as all datasets minus the rest, as in the embedded backend.
COMPLEMENT_SHARE = 0.6
COMPLEMENT_TOP = FACET_SIZE * 4  # keyword candidates read from the counts over every dataset
# How many datasets a word matches, for that choice only: cached, and counted again after a while.
DOC_FREQ_TTL = 60.0  # seconds
DOC_FREQ_CACHE = 20_000  # words

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SAFE_NAME = re.compile(r"[^a-z0-9_]")
# A word of the original text, with any combining marks that follow its letters.
_KEY_SEP = "\x1f"  # between the folded and the original form of a keyword in ``keyword_key``
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1

T = TypeVar("T")




def es_date(value: str | None) -> str | None:
    """The date as ``yyyy``, ``yyyy-MM`` or ``yyyy-MM-dd`` if it is a real one, else ``None``."""
    match = _DATE.match(value or "")
    if not match:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(p for p in (year, month, day) if p)


@lru_cache(maxsize=1024)
def language_field(lang: str) -> str:
    """The per-language sub-field (``title.<this>``) for a language tag."""
    base = (lang or "").split("-")[0].split("_")[0].lower()
    if base in LANGUAGE_ANALYZERS or base in STANDARD_LANGUAGES:
        return base
    return OTHER_LANGUAGE


def _safe(lang: str) -> str:
    return _SAFE_NAME.sub("_", lang.lower())


# Keywords and vocabulary labels recur across thousands of datasets: fold each distinct string once.
@lru_cache(maxsize=1 << 16)
def _folded_recurring(text: str) -> str:
    return folded_tokens(text)


@lru_cache(maxsize=1 << 16)
def _keyword_key(keyword: str) -> str:
    """``<folded>\x1f<as written>`` for the keyword suggestions, or "" when it has no word."""
    folded = folded_tokens(keyword)
    return f"{folded}{_KEY_SEP}{keyword}" if folded else ""


def redact(url: str) -> str:
    """The URL without a password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


# The backend ------------------------------------------------------------------------------------------------


class ElasticsearchBackend(SearchBackend):
    """Search over an Elasticsearch alias; safe to share between threads."""

    name = "elasticsearch"

    @classmethod
    def from_settings(cls, settings: Settings) -> ElasticsearchBackend:
        if not settings.elasticsearch_url:
            raise ServiceUnavailable(
                "GDI_SEARCH_BACKEND=elasticsearch needs GDI_ELASTICSEARCH_URL; " + START_HINT)
        return cls(settings.elasticsearch_url, settings.elasticsearch_index, settings.languages,
                   settings.elasticsearch_timeout)

    def __init__(self, url: str, alias: str = "gdi-datasets", languages: Sequence[str] = ("en",),
                 timeout: float = 10.0) -> None:
        if not alias or alias != alias.lower() or alias.startswith(("-", "_", "+")) or re.search(
                r'[\\/*?"<>| ,#:]', alias):
            raise CatalogueError(f"GDI_ELASTICSEARCH_INDEX={alias!r} is not a valid Elasticsearch alias name "
                                 "(lower case, no spaces or \\/*?\"<>|,#:, not starting with -, _ or +)")
        self.url = url
        self.alias = alias
        self.languages = tuple(dict.fromkeys(languages)) or ("en",)
        self.timeout = float(timeout)
        self._sort_fields = {lang: "title_sort_" + _safe(lang) for lang in self.languages}
        self._suggest_keys = {lang: _safe(lang) for lang in self.languages}
        self._suggest_fields = {lang: "suggest." + key for lang, key in self._suggest_keys.items()}
        self._base = "en" if "en" in self.languages else self.languages[0]  # sort and suggest fallback
        # One retry: enough to ride over a dropped keep-alive connection, short enough to fail fast.
        try:
            self.client = Elasticsearch(url, request_timeout=self.timeout, max_retries=1, retry_on_timeout=False)
        except ValueError as exc:
            raise CatalogueError(f"GDI_ELASTICSEARCH_URL={redact(url)!r} is not a valid URL ({exc})") from None
        self._ready = False
        self._ready_lock = threading.Lock()
        self.merge_task: str | None = None  # the background merge of the last rebuild (``wait_for_merge``)
        # (word, as a prefix too) -> (datasets it matches, when counted); datasets, when counted
        self._doc_freqs: dict[tuple[str, bool], tuple[int, float]] = {}
        self._doc_total: tuple[int, float] = (0, -DOC_FREQ_TTL)
        self._freq_lock = threading.Lock()
        self._candidates: list[str] | None = None  # keywords the last complement count read (see there)

    # Errors ------------------------------------------------------------------------------------------------
    @contextmanager
    def _calls(self, action: str) -> Iterator[None]:
        """Turn client exceptions into errors with a status and a message a person can act on."""
        where = redact(self.url)
        try:
            yield
        except CatalogueError:
            raise
        except UnsupportedProductError:
            raise ServiceUnavailable(f"the server at {where} is not Elasticsearch; {START_HINT}") from None
        except (AuthenticationException, AuthorizationException) as exc:
            raise ServiceUnavailable(f"Elasticsearch at {where} refused access while {action} "
                                     f"({exc.meta.status}); check the credentials in GDI_ELASTICSEARCH_URL"
                                     ) from None
        except ApiError as exc:
            if exc.meta.status in (429, 502, 503, 504):
                raise ServiceUnavailable(f"Elasticsearch at {where} is busy or unavailable while {action} "
                                         f"({exc.meta.status}: {_reason(exc)}); try again shortly") from None
            if exc.meta.status == 404 and _error_type(exc) == "index_not_found_exception":
                self._ready = False  # someone removed the alias: recreate it on the next call
            log.error("Elasticsearch error while %s: %s", action, exc)
            raise CatalogueError(f"Elasticsearch refused a request while {action}: "
                                 f"{exc.meta.status} {_reason(exc)}") from None
        except SerializationError as exc:
            log.error("Elasticsearch serialisation error while %s: %s", action, exc)
            raise CatalogueError(f"could not exchange data with Elasticsearch while {action}") from None
        except TransportError as exc:  # connection refused, DNS, TLS, timeouts
            kind = type(exc).__name__
            raise ServiceUnavailable(f"Elasticsearch at {where} is not reachable ({kind} while {action}); "
                                     f"{START_HINT}") from None

    def _retrying(self, action: str, call: Callable[[], T]) -> T:
        """Run ``call`` with the alias in place; recreate the alias once if it disappeared meanwhile."""
        self._ensure()
        try:
            with self._calls(action):
                return call()
        except CatalogueError:
            if self._ready:
                raise
        self._ensure()
        with self._calls(action):
            return call()

    # Index lifecycle ----------------------------------------------------------------------------------------
    def _index_body(self) -> dict[str, Any]:
        return {"settings": self._settings(), "mappings": self._mappings()}

    def _settings(self) -> dict[str, Any]:
        return {
            "index": {
                "number_of_shards": 1,  # exact facet counts and BM25 statistics, as in the embedded index
                "auto_expand_replicas": "0-1",
                "max_result_window": MAX_RESULT_WINDOW + MAX_PAGE_SIZE,
            },
            "analysis": {
                "filter": {"gdi_edge": {"type": "edge_ngram", "min_gram": EDGE_MIN, "max_gram": EDGE_MAX}},
                "analyzer": {
                    FOLDING_ANALYZER: {"type": "custom", "tokenizer": "standard",
                                       "filter": ["lowercase", "asciifolding"]},
                    PREFIX_ANALYZER: {"type": "custom", "tokenizer": "standard", "filter": ["gdi_edge"]},
                },
            },
        }

    def _mappings(self) -> dict[str, Any]:
        # The language fields only ever give constant bonuses (_stem_clauses): they need no term
        # frequencies, positions or norms, which makes them cheaper to index and to search.
        stem_only = {"index_options": "docs", "norms": False}

        def per_language() -> dict[str, Any]:
            props = {lang: {"type": "text", "analyzer": analyzer, **stem_only}
                     for lang, analyzer in sorted(LANGUAGE_ANALYZERS.items())}
            for lang in (*STANDARD_LANGUAGES, OTHER_LANGUAGE):
                props[lang] = {"type": "text", "analyzer": FOLDING_ANALYZER, **stem_only}
            return {"type": "object", "dynamic": "strict", "properties": props}

        # Prefix terms indexed in every text field: they make the last term's prefix clauses term
        # lookups, which Lucene can intersect with filters. Without them a prefix query expands into
        # every word it starts and builds the set of their documents first ("data" in the
        # descriptions of a million datasets: a million documents, whatever the filters).
        prefixes = {"index_prefixes": {"min_chars": MIN_PREFIX_CHARS, "max_chars": PREFIX_MAX_CHARS}}
        # Every word of the four text fields again, in one field (see ``_in_any_field``).
        folded = {"type": "text", "analyzer": "whitespace", "copy_to": WORDS_FIELD, **prefixes}
        # Suggestions only run term queries: frequencies and norms for BM25, no positions.
        suggest_field = {"type": "text", "analyzer": "whitespace", "index_options": "freqs", "fields": {
            "prefix": {"type": "text", "analyzer": PREFIX_ANALYZER, "search_analyzer": "standard",
                       "index_options": "freqs"}}}
        props: dict[str, Any] = {
            "id": {"type": "keyword"},
            "title": per_language(),
            "description": per_language(),
            "title_all": folded,
            "keywords_all": folded,
            "text_all": folded,
            "labels": folded,
            # Which datasets hold a word (or a word's start) in any text field: one postings list to
            # read for filtering and counting, instead of a union of four. No scores: no frequencies.
            WORDS_FIELD: {"type": "text", "analyzer": "whitespace", "index_options": "docs", "norms": False,
                          **prefixes},
            "suggest": {"type": "object", "dynamic": "strict",
                        "properties": {_safe(lang): suggest_field for lang in self.languages}},
            # Only ever aggregated (keyword suggestions): doc values, no inverted index.
            "keyword_key": {"type": "keyword", "ignore_above": FACET_IGNORE_ABOVE * 2, "index": False},
            "modified": {"type": "date", "format": "strict_year_month_day||strict_year_month||strict_year"},
            "modified_key": {"type": "integer", "index": False},
            "orig": {"type": "object", "enabled": False},  # the original literals, for snippets
        }
        for facet in FACETS:
            # Global ordinals are built at refresh time, not by the first search after it.
            props[facet] = {"type": "keyword", "ignore_above": FACET_IGNORE_ABOVE, "eager_global_ordinals": True}
        props[FACET_VALUES] = {"type": "keyword", "index": False, "eager_global_ordinals": True}
        for field in self._sort_fields.values():
            props[field] = {"type": "long", "index": False}
        for field in NUMERIC_FIELDS:
            props[field] = {"type": "long"}
        return {
            "dynamic": "strict",
            "_meta": {"schema_version": SCHEMA_VERSION, "languages": list(self.languages)},
            # Analysed copies are for matching only; _source keeps what snippets and debugging need.
            "_source": {"excludes": ["title", "description", "title_all", "keywords_all", "text_all",
                                     "labels", "suggest", "keyword_key", FACET_VALUES]},
            "properties": props,
        }

    def _new_index_name(self) -> str:
        stamp = datetime.now(UTC).strftime("%Y%m%dt%H%M%S%fz")
        return f"{self.alias}-v{SCHEMA_VERSION}-{stamp}"

    def _admin(self) -> Elasticsearch:
        return self.client.options(request_timeout=max(self.timeout, BULK_TIMEOUT))

    def _alias_targets(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _live_targets(self) -> list[str]:
        """The indices behind the alias (none yet: ``[]``); refuses a concrete index of the alias's name,
        which the catalogue would otherwise write into or delete."""
        targets = self._alias_targets()
        if not targets and self.client.indices.exists(index=self.alias):
            raise CatalogueError(
                f"{self.alias} is an Elasticsearch index, not an alias; delete it or choose "
                "another GDI_ELASTICSEARCH_INDEX (the catalogue manages versioned indices "
                "behind that alias)")
        return targets

    def _ensure(self) -> None:
        """Create the first index and the alias when missing; replace an index of another schema."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            with self._calls(f"opening the index {self.alias}"):
                targets = self._live_targets() or self._create_first()
                meta = self.client.indices.get_mapping(index=targets[0]).body[targets[0]]["mappings"].get("_meta", {})
            expected = {"schema_version": SCHEMA_VERSION, "languages": list(self.languages)}
            if {k: meta.get(k) for k in expected} != expected:
                log.warning("Elasticsearch index %s behind %s has schema %r, not %r; replacing it with an "
                            "empty one. Run a reindex to fill it from the catalogue database.",
                            targets[0], self.alias, meta, expected)
                self._ready = True  # rebuild needs the alias state only; it swaps it itself
                try:
                    self._rebuild(iter(()), batch=BULK_CHUNK_DOCS)
                except BaseException:
                    self._ready = False
                    raise
            self._ready = True

    def _create_first(self) -> list[str]:
        name = self._new_index_name()
        self._admin().indices.create(index=name, aliases={self.alias: {}}, **self._index_body(),
                                     wait_for_active_shards="1")
        targets = self._alias_targets()
        if len(targets) > 1:  # another process created one at the same moment: keep the oldest
            keep, extra = targets[0], targets[1:]
            if name in extra:
                self.client.indices.update_aliases(actions=[{"remove_index": {"index": name}}])
            targets = [keep]
        return targets

    # Writing ---------------------------------------------------------------------------------------------
    def _doc_id(self, doc_id: str) -> str:
        if len(doc_id.encode("utf-8")) <= MAX_ID_BYTES:
            return doc_id
        return "sha256:" + hashlib.sha256(doc_id.encode("utf-8")).hexdigest()

    def _body(self, doc: SearchDocument) -> dict[str, Any]:
        title: dict[str, list[str]] = {}
        title_all: list[str] = []
        folded_titles: dict[str, str] = {"": ""}
        for lang, value in doc.title.items():
            if value:
                title.setdefault(language_field(lang), []).append(value)
                folded = folded_titles[value] = folded_tokens(value)
                if folded:
                    title_all.append(folded)
        description: dict[str, list[str]] = {}
        text_all: list[str] = []
        for lang, value in doc.description.items():
            if value:
                description.setdefault(language_field(lang), []).append(value)
                folded = folded_tokens(value)
                if folded:
                    text_all.append(folded)
        keywords_all = [t for t in (_folded_recurring(k) for kws in doc.keywords.values() for k in kws if k) if t]
        body: dict[str, Any] = {
            "id": doc.id,
            "title": title,
            "description": description,
            # One value per literal (or keyword), so that phrases never span two of them.
            "title_all": title_all,
            "keywords_all": keywords_all,
            "text_all": text_all,
            "labels": [t for t in map(_folded_recurring, doc.labels) if t],
            "suggest": self._suggest_values(doc, folded_titles),
            "orig": {"title": doc.title, "description": doc.description},
        }
        facets = doc.facets
        for facet in FACETS:
            values = facets.get(facet)
            body[facet] = [v for v in dict.fromkeys(values) if v] if values else []
        body["keyword_key"] = [k for k in dict.fromkeys(map(_keyword_key, body["keyword"])) if k]
        body[FACET_VALUES] = [f"{facet}{_KEY_SEP}{v}" for facet in SMALL_FACETS for v in body[facet]
                              if len(v) <= FACET_IGNORE_ABOVE]  # as the facet's own ignore_above
        modified = es_date(doc.modified)
        if modified:
            body["modified"] = modified
        key = date_key(doc.modified)
        if key is not None:
            body["modified_key"] = key
        title_sort = doc.title_sort
        for lang, field in self._sort_fields.items():
            value = title_sort.get(lang)
            body[field] = value if value is not None else sort_key(pick_text(doc.title, lang))
        for field in NUMERIC_FIELDS:
            value = getattr(doc, field)
            if isinstance(value, int) and not isinstance(value, bool) and _I64_MIN <= value <= _I64_MAX:
                body[field] = value
        return body

    def _suggest_values(self, doc: SearchDocument, folded: dict[str, str] | None = None) -> dict[str, str]:
        """The displayed title per UI language, folded; stored only where it differs from the base one.

        Most datasets have a title in English and one national language; storing an edge-n-gram copy
        for every UI language would multiply the index size for identical text. A language without
        its own entry falls back to the base language's at query time (see :meth:`suggest`).
        ``folded`` maps title literals to their folded tokens, when the caller already has them.
        """
        folded = folded if folded is not None else {}

        def fold_title(text: str) -> str:
            out = folded.get(text)
            return out if out is not None else folded_tokens(text)

        titles = doc.title
        english = titles.get("en")

        def pick(lang: str) -> str:  # pick_text, with its two commonest answers first
            return titles.get(lang) or english or pick_text(titles, lang)

        base_text = pick(self._base)
        out = {self._suggest_keys[self._base]: fold_title(base_text)}
        for lang in self.languages:
            if lang != self._base:
                text = pick(lang)
                if text != base_text:
                    out[self._suggest_keys[lang]] = fold_title(text)
        return out

    def _bulk(self, actions: Iterable[dict[str, Any]], index: str, *, require_alias: bool,
              chunk: int = BULK_CHUNK_DOCS, senders: int = BULK_SENDERS) -> tuple[int, int]:
        """Send ``actions`` in chunks; return (succeeded, deleted) or raise with the first item errors.

        Every action is sent even when some fail, so that one bad document does not hold back the rest
        of a harvest; the failures are then reported together. With ``senders`` > 1, that many bulk
        requests are in flight at once (actions routed by ``_id``: one document's versions keep their
        order), while the caller's iterator prepares the next documents.
        """
        extra = {"require_alias": True} if require_alias else {}
        client = self._admin()
        tallies: list[_BulkTally] = []

        def send(stream: Iterable[dict[str, Any]]) -> None:
            tally = _BulkTally()
            tallies.append(tally)
            for success, item in streaming_bulk(
                    client, stream, index=index, chunk_size=max(1, chunk), max_chunk_bytes=BULK_CHUNK_BYTES,
                    raise_on_error=False, raise_on_exception=True, max_retries=3, initial_backoff=1, **extra):
                tally.add(success, item)

        if senders <= 1:
            send(actions)
        else:
            _fan_out(actions, send, senders, depth=2 * max(1, chunk))
        ok = sum(t.ok for t in tallies)
        deleted = sum(t.deleted for t in tallies)
        failed = sum(t.failed for t in tallies)
        errors = [e for t in tallies for e in t.errors][:3]
        if failed:
            if failed == len(errors) and any("index_not_found" in e for e in errors) and require_alias:
                self._ready = False
            raise CatalogueError(f"Elasticsearch refused {failed} of {ok + failed} bulk operations; first: "
                                 + "; ".join(errors), details={"failed": failed, "errors": errors})
        return ok, deleted

    def _refresh(self, index: str) -> None:
        self._admin().indices.refresh(index=index)

    def index(self, documents: Iterable[SearchDocument]) -> int:
        self._ensure()
        actions = ({"_op_type": "index", "_id": self._doc_id(doc.id), "_source": self._body(doc)}
                   for doc in documents)
        with self._calls(f"indexing into {self.alias}"):
            try:
                written, _ = self._bulk(actions, self.alias, require_alias=True)
            finally:
                with suppress(ApiError, TransportError):
                    self._refresh(self.alias)  # what was written is visible, even when some items failed
        return written

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        self._ensure()
        actions = ({"_op_type": "delete", "_id": self._doc_id(i)} for i in ids)
        with self._calls(f"deleting from {self.alias}"):
            _, deleted = self._bulk(actions, self.alias, require_alias=True)
            self._refresh(self.alias)
        return deleted

    def rebuild(self, documents: Iterable[SearchDocument], batch: int = 2000) -> int:
        if not self._ready:
            # A rebuild replaces whatever the alias points at, so it needs no first index of its own
            # (creating one only to delete it a moment later costs a mapping update and a deletion).
            with self._calls(f"opening the index {self.alias}"):
                self._live_targets()
        written = self._rebuild(iter(documents), batch)
        self._ready = True
        return written

    def _rebuild(self, documents: Iterator[SearchDocument], batch: int) -> int:
        """Load a new index beside the live one, then move the alias to it in one atomic request."""
        admin = self._admin()
        name = self._new_index_name()
        body = self._index_body()
        # Bulk-load settings: no refreshes, no replicas, and the translog fsynced in the background
        # rather than on every bulk request (a crash now loses only an index nobody reads yet);
        # restored before the index goes live.
        body["settings"]["index"].update({"refresh_interval": "-1", "number_of_replicas": 0,
                                          "auto_expand_replicas": False,
                                          "translog": {"durability": "async", "flush_threshold_size": "1gb"}})
        with self._calls(f"rebuilding {self.alias}"):
            admin.indices.create(index=name, **body, wait_for_active_shards="1")
            try:
                actions = ({"_op_type": "index", "_id": self._doc_id(doc.id), "_source": self._body(doc)}
                           for doc in documents)
                written, _ = self._bulk(actions, name, require_alias=False, chunk=batch)
                admin.indices.put_settings(index=name, settings={
                    "index": {"refresh_interval": None, "auto_expand_replicas": "0-1",
                              "translog": {"durability": None, "flush_threshold_size": None}}})
                self._refresh(name)
                admin.cluster.health(index=name, wait_for_status="yellow",
                                     timeout=f"{int(max(self.timeout, BULK_TIMEOUT))}s")
                old = self._alias_targets()
                admin.indices.update_aliases(actions=[
                    *({"remove": {"index": o, "alias": self.alias}} for o in old),
                    {"add": {"index": name, "alias": self.alias}},
                ])
            except BaseException:
                try:
                    admin.indices.delete(index=name, ignore_unavailable=True)
                except (ApiError, TransportError):
                    log.warning("could not delete the unfinished index %s", name)
                raise
            for o in old:
                try:
                    admin.indices.delete(index=o, ignore_unavailable=True)
                except (ApiError, TransportError) as exc:
                    log.warning("could not delete the previous index %s: %s", o, exc)
        log.info("search index %s rebuilt as %s with %d documents", self.alias, name, written)
        self._start_merge(name)
        return written

    def _start_merge(self, name: str) -> None:
        """Merge a freshly rebuilt index into one segment, in the background, once it is live.

        A bulk load leaves a few dozen segments; with one, a query visits one set of postings and
        the facets count on the segment's own ordinals rather than through a global-ordinals map.
        Measured on a million datasets, passes of 300 queries: p50 17 -> 9-11 ms, p95 89 -> 65-80 ms
        (decision 21), for 90-150 s of merging after a 400-500 s load. It runs after the alias swap
        so that the datasets are searchable at once (on the unmerged segments meanwhile); a failure
        to start it only costs speed. Later writes add small segments that the normal merge policy
        handles: the merged one stays below its 5 GB limit up to several million datasets.
        """
        try:
            task = self._admin().indices.forcemerge(index=name, max_num_segments=1, wait_for_completion=False)
            self.merge_task = task.body.get("task")
        except (ApiError, TransportError) as exc:
            self.merge_task = None
            log.warning("could not start merging %s into one segment (searches stay correct, slower): %s",
                        name, exc)

    def wait_for_merge(self, timeout: float = 3600.0) -> float:
        """Wait for the merge the last rebuild started, if any; returns the seconds waited."""
        started = time.monotonic()
        task, self.merge_task = self.merge_task, None
        if task:
            with self._calls(f"waiting for the merge of {self.alias}"):
                try:
                    with warnings.catch_warnings():  # the client calls the (long-standing) tasks API a preview
                        warnings.simplefilter("ignore", GeneralAvailabilityWarning)
                        self._admin().options(request_timeout=timeout + 30).tasks.get(
                            task_id=task, wait_for_completion=True, timeout=f"{int(timeout)}s")
                except NotFoundError:
                    pass  # finished, and its record gone (a node restart): nothing to wait for
                self._refresh(self.alias)  # searches see the merged segment, and the old files go
        return time.monotonic() - started

    def count(self) -> int:
        return self._retrying("counting", lambda: self.client.count(index=self.alias)["count"])

    def clear(self) -> None:
        self.rebuild(())

    def forget_results(self) -> None:
        """Empty the shard request cache of the live index (the node's filter and ordinal caches stay)."""
        self._retrying("clearing the request cache",
                       lambda: self.client.indices.clear_cache(index=self.alias, request=True))

    def close(self) -> None:
        self.client.close()

    def drop(self) -> None:
        """Delete the indices behind the alias (and so the alias); the next call starts empty."""
        with self._calls(f"dropping {self.alias}"):
            for name in self._alias_targets():
                self._admin().indices.delete(index=name, ignore_unavailable=True)
        self._ready = False

    # Queries ------------------------------------------------------------------------------------------------
    def _sort_lang(self, lang: str) -> str:
        return lang if lang in self._sort_fields else self._base

    @staticmethod
    def _text_clause(term: str) -> dict[str, Any]:
        return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
            {"term": {field: {"value": term, "boost": boost}}} for field, boost in TEXT_BOOSTS.items()]}}

    @staticmethod
    def _in_any_field(term: str, prefix: bool) -> dict[str, Any]:
        """A word of any text field (or, with ``prefix``, a word's start), as a filter."""
        return {"prefix" if prefix else "term": {WORDS_FIELD: term}}

    def _term_clause(self, term: str, prefix: bool, stem_lang: str | None = None) -> dict[str, Any]:
        """One query term: its score, and which datasets it lets through.

        The score is that of the embedded backend: the best field's BM25 (``_text_clause``); for the
        last term, plus EXACT_BONUS when it is a whole word, else the best PREFIX_SCORE of the fields
        where a word starts with it (every word starts with itself, and the bonus outweighs any prefix
        score, so one ``dis_max`` gives both); plus the stem bonus in ``stem_lang`` (``_stem_clause``)
        when the term matches at all. Every part is a ``should`` of one disjunction, which Lucene
        scores in bulk, many times faster than a ``must`` beside ``should`` bonuses or a ``must_not``.
        """
        exact = self._text_clause(term)
        prefix = prefix and len(term) >= MIN_PREFIX_CHARS
        parts = [exact]
        if prefix:
            parts.append({"dis_max": {"queries": [
                {"constant_score": {"filter": self._in_any_field(term, prefix=False), "boost": EXACT_BONUS}},
                *({"constant_score": {"filter": {"prefix": {field: term}}, "boost": score}}
                  for field, score in PREFIX_SCORE.items())]}})
        if stem_lang:  # the bonus, only where the term itself matches: stems never decide membership
            parts.append({"bool": {"must": [self._stem_clause(term, stem_lang)],
                                   "filter": [self._in_any_field(term, prefix)]}})
        return exact if len(parts) == 1 else {"bool": {"should": parts}}

    def _phrase_clause(self, phrase: Sequence[str]) -> dict[str, Any]:
        if len(phrase) == 1:
            return self._text_clause(phrase[0])
        text = " ".join(phrase)
        return {"dis_max": {"queries": [
            {"match_phrase": {field: {"query": text, "boost": boost}}} for field, boost in TEXT_BOOSTS.items()]}}

    @staticmethod
    def _stem_clause(term: str, lang: str) -> dict[str, Any]:
        """A small constant bonus for a word that shares the term's stem in ``lang``."""
        return {"dis_max": {"queries": [
            {"constant_score": {"filter": {"match": {f"{field}.{lang}": term}}, "boost": score}}
            for field, score in STEM_SCORE.items()]}}

    @staticmethod
    def _facet_filter(facet: str, values: Sequence[str]) -> dict[str, Any]:
        return {"terms": {facet: list(values)}}

    @staticmethod
    def _range_filters(query: SearchQuery) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for name, (low, high) in sorted(query.ranges.items()):
            if low is None and high is None:
                continue
            if name == "individuals":
                bounds = {k: v for k, v in (("gte", low), ("lte", high)) if v is not None}
                out.append({"range": {"individuals": bounds}})
            elif name == "age":  # the dataset's age range overlaps [low, high]
                if low is not None:
                    out.append({"range": {"max_age": {"gte": low}}})
                if high is not None:
                    out.append({"range": {"min_age": {"lte": high}}})
            else:
                raise BadRequest(f"unknown range {name!r}")
        return out

    def _main_query(self, query: SearchQuery, filters: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
        """The scored query of the hits: every term and phrase must match; ``filters`` only narrow."""
        lang = language_field(query.lang)
        stem_lang = lang if lang in LANGUAGE_ANALYZERS else None
        must: list[dict[str, Any]] = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            must.append(self._term_clause(term, prefix=i == last, stem_lang=stem_lang))
        for phrase in query.phrases:
            if phrase:
                must.append(self._phrase_clause(phrase))
        filters = [*self._range_filters(query), *filters]
        if not filters and len(must) == 1:
            return must[0]
        if not must and not filters:
            return {"match_all": {}}
        body: dict[str, Any] = {"must": must or [{"match_all": {}}]}
        if filters:
            body["filter"] = filters
        return {"bool": body}

    def _match_filter(self, query: SearchQuery) -> list[dict[str, Any]]:
        """Which datasets the terms, phrases and ranges let through, as filters: no scores.

        The same documents as :meth:`_main_query` matches: a term must be a word of one of the text
        fields; the last one may also be a word's start, and a word always starts with itself, so its
        exact clause is then left out.
        """
        out: list[dict[str, Any]] = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            out.append(self._in_any_field(term, prefix=i == last and len(term) >= MIN_PREFIX_CHARS))
        for phrase in query.phrases:
            if phrase:
                out.append(self._phrase_clause(phrase))
        return out + self._range_filters(query)

    def _sort(self, query: SearchQuery) -> list[Any]:
        if query.sort == "relevance" and not query.is_match_all:
            return [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
        if query.sort in ("relevance", "title", "-title"):
            field = self._sort_fields[self._sort_lang(query.lang)]
        elif query.sort in ("modified", "-modified"):
            field = "modified_key"
        else:
            raise BadRequest(f"unknown sort {query.sort!r}")
        order = "desc" if query.sort.startswith("-") else "asc"
        return [{field: {"order": order, "missing": "_last"}}, {"id": {"order": "asc"}}]

    @staticmethod
    def _terms_agg(facet: str, size: int | None = None) -> dict[str, Any]:
        """The ``size`` (default FACET_SIZE) most frequent values of ``facet``, ties by value."""
        return {"terms": {"field": facet, "size": FACET_SIZE if size is None else size, "min_doc_count": 1,
                          "order": [{"_count": "desc"}, {"_key": "asc"}]}}

    @staticmethod
    def _small_facets_agg() -> dict[str, Any]:
        """Every value of the SMALL_FACETS, counted together (see FACET_VALUES)."""
        return {"terms": {"field": FACET_VALUES, "size": FACET_VALUES_SIZE}}

    def search_bodies(self, query: SearchQuery, combine_facets: bool = True
                      ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]] | None:
        """The request bodies for ``query``, public for inspection: the page of hits (``None`` for
        ``size`` 0) and the counts requests; ``None`` when nothing can match.

        The hits are scored over the datasets that pass every filter, counting them all only when
        there are filters (see the comment below). The counts requests have ``size`` 0 and no scores. The first
        counts the datasets that pass everything (the exact total) and the facets without a filter
        over them; then one request per filtered facet counts it over the datasets that pass the
        other filters (the drill-down rule). Each filter set is part of its request's query, where
        Lucene intersects it with the words by skipping through postings, so a request costs what
        its own matches cost; as filter aggregations under a query of the words alone, every
        request would visit every dataset the words match (on a million datasets, several times
        slower for a common word with two filters). :meth:`search` sends them all in one
        ``_msearch``, which runs them side by side, and the shard request cache can answer each one
        again until the next refresh. With ``combine_facets``, the SMALL_FACETS without a filter are
        counted by one aggregation on FACET_VALUES.
        """
        if any(f not in FACETS for f, values in query.filters.items() if values):
            return None  # an unknown facet: nothing can carry it (as in the embedded backend)
        active = {f: v for f, v in sorted(query.filters.items()) if v}
        facet_filters = [self._facet_filter(f, v) for f, v in active.items()]
        hits: dict[str, Any] | None = None
        if query.size > 0:
            # Without filters, Lucene skips blocks of datasets that cannot reach the page (a common word
            # scored over a million datasets: 368 -> 50 ms) when it need not count them all. With
            # filters the candidates are sparse, and reading every clause's block maxima for almost
            # each of them costs more than scoring them all ("genomic data" and two filters: 126 ->
            # 48 ms); measured over the benchmark's queries, each kind is faster or level this way.
            sparse = bool(facet_filters) or bool(self._range_filters(query))
            hits = {
                "query": self._main_query(query, facet_filters),
                "sort": self._sort(query),
                "from": query.offset,
                "size": query.size,
                "track_total_hits": sparse,
                "docvalue_fields": ["id"],
            }
            if query.highlight:
                hits["_source"] = ["orig"]
            else:  # not even _id: stored fields sit in compressed blocks shared with the _source
                hits["stored_fields"] = "_none_"
        unfiltered = {f: self._terms_agg(f) for f in FACETS if f not in active}
        combined = [f for f in SMALL_FACETS if f in unfiltered] if combine_facets else []
        if combined:  # (the values of filtered facets come along and are ignored: an ``include`` costs more)
            for facet in combined:
                del unfiltered[facet]
            unfiltered[FACET_VALUES] = self._small_facets_agg()
        match = self._match_filter(query)

        def counting(filters: list[dict[str, Any]], aggs: dict[str, Any], total: bool) -> dict[str, Any]:
            every = [*match, *filters]
            return {"query": {"bool": {"filter": every}} if every else {"match_all": {}},
                    "size": 0, "track_total_hits": total, "aggs": aggs}

        counts = [counting(facet_filters, unfiltered, True)]
        for facet in active:
            others = [flt for f, flt in zip(active, facet_filters, strict=True) if f != facet]
            counts.append(counting(others, {facet: self._terms_agg(facet)}, False))
        return hits, counts

    @staticmethod
    def _facet_values(responses: Sequence[dict[str, Any]]) -> dict[str, list[FacetValue]]:
        """Facet counts from the responses to the counts requests (see :meth:`search_bodies`)."""
        aggs: dict[str, Any] = {}
        for response in responses:  # (each facet is counted by one request only)
            aggs.update(response.get("aggregations") or {})
        combined: dict[str, list[tuple[int, str]]] = {}
        for bucket in aggs.get(FACET_VALUES, {}).get("buckets", []):
            facet, _, value = str(bucket["key"]).partition(_KEY_SEP)
            combined.setdefault(facet, []).append((-int(bucket["doc_count"]), value))
        facets: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            agg = aggs.get(facet)
            if agg is None:  # counted together: the same order as a terms aggregation's (count, then value)
                counts = sorted(combined.get(facet, []))[:FACET_SIZE]
                facets[facet] = [FacetValue(value, -count) for count, value in counts if count < 0]
                continue
            facets[facet] = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in agg.get("buckets", [])
                             if b["doc_count"] > 0]
        return facets

    def _msearch(self, bodies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The responses to ``bodies`` searched side by side; an item's error is raised as the client would."""
        searches: list[dict[str, Any]] = []
        for body in bodies:
            # The shard request cache answers a repeated search (popular words, the first page) until
            # the next refresh; by default it would only take size-0 requests.
            searches += [{"index": self.alias, "request_cache": True}, body]
        response = self.client.msearch(searches=searches)
        out = response.body["responses"]
        for item in out:
            if "error" in item:
                status = int(item.get("status") or 500)
                error = item["error"]
                reason = error.get("reason", "") if isinstance(error, dict) else str(error)
                raise HTTP_EXCEPTIONS.get(status, ApiError)(
                    message=reason, meta=dataclasses.replace(response.meta, status=status), body=item)
        return out

    def search(self, query: SearchQuery) -> SearchResult:
        bodies = self.search_bodies(query)
        if bodies is None:
            return SearchResult(total=0, ids=[], facets={f: [] for f in FACETS})
        hits_body, counts_bodies = bodies
        found: list[dict[str, Any]] = []
        counted: list[dict[str, Any]] = []
        if self._most_match(query):
            found, complement = self._complement_counts(query, hits_body)
            if complement is not None:
                counted = [complement]
        if not counted:
            requests = counts_bodies if hits_body is None or found else [hits_body, *counts_bodies]
            responses = self._retrying("searching", lambda: self._msearch(requests))
            if not found:
                found = responses[:len(responses) - len(counts_bodies)]
            counted = responses[-len(counts_bodies):]
        if (counted[0].get("aggregations") or {}).get(FACET_VALUES, {}).get("sum_other_doc_count"):
            # more facet values than buckets: count those facets one by one
            separate = self.search_bodies(query, combine_facets=False)
            counted[0] = self._retrying("searching", lambda: self._msearch([separate[1][0]]))[0]
        total = int(counted[0]["hits"]["total"]["value"])
        hits = found[0]["hits"]["hits"] if found else []
        ids = [hit["fields"]["id"][0] for hit in hits]
        facets = self._facet_values(counted)
        highlights: dict[str, dict[str, str]] = {}
        if query.highlight and not query.is_match_all:
            for doc_id, hit in zip(ids, hits, strict=True):
                orig = (hit.get("_source") or {}).get("orig") or {}
                snippets = highlight_document(orig.get("title") or {}, orig.get("description") or {}, query)
                if snippets:
                    highlights[doc_id] = snippets
        return SearchResult(total=total, ids=ids, facets=facets, highlights=highlights)

    # Counting the datasets the words do not match ---------------------------------------------------------
    def _most_match(self, query: SearchQuery) -> bool:
        """Whether the counts of ``query`` are best taken as all datasets minus the rest: only words,
        no filters, ranges or phrases, and (about) more than COMPLEMENT_SHARE of the datasets match."""
        if not query.terms or query.phrases or any(query.filters.values()) or self._range_filters(query):
            return False
        last = len(query.terms) - 1
        words = [(term, i == last and len(term) >= MIN_PREFIX_CHARS) for i, term in enumerate(query.terms)]
        total, counts = self._word_counts(words)
        if total <= 0:
            return False
        expected = float(total)
        for word in words:  # taken as independent: an estimate that only chooses the way to count
            expected *= counts.get(word, 0) / total
        return expected > COMPLEMENT_SHARE * total

    def _word_counts(self, words: Sequence[tuple[str, bool]]) -> tuple[int, dict[tuple[str, bool], int]]:
        """(datasets in the index, {(word, as a prefix too): datasets it matches}), counted by
        Elasticsearch (one size-0 request per word not counted lately, answered from term statistics
        when the index has no deletions) and kept for DOC_FREQ_TTL seconds."""
        now = time.monotonic()
        known: dict[tuple[str, bool], int] = {}
        with self._freq_lock:
            for word in words:
                cached = self._doc_freqs.get(word)
                if cached is not None and now - cached[1] < DOC_FREQ_TTL:
                    known[word] = cached[0]
            total, at = self._doc_total
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if not missing and now - at < DOC_FREQ_TTL:
            return total, known
        bodies = [{"query": q, "size": 0, "track_total_hits": True}
                  for q in ({"match_all": {}}, *(self._in_any_field(t, prefix) for t, prefix in missing))]
        try:
            responses = self._retrying("counting words", lambda: self._msearch(bodies))
        except CatalogueError:
            return 0, {}  # no estimate: count the usual way (the search reports a real failure itself)
        total, *found = (int(r["hits"]["total"]["value"]) for r in responses)
        with self._freq_lock:
            if len(self._doc_freqs) + len(missing) > DOC_FREQ_CACHE:
                self._doc_freqs.clear()
            for word, count in zip(missing, found, strict=True):
                self._doc_freqs[word] = (count, now)
                known[word] = count
            self._doc_total = (total, now)
        return total, known

    def _complement_counts(self, query: SearchQuery, hits_body: dict[str, Any] | None
                           ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """The page, and the counts of a query whose words match most datasets as a response of the
        counts request's shape; ``None`` for the counts when they must be taken the usual way.

        The counts over every dataset are one request that is the same for every query, so the
        shard request cache answers it until the next refresh. What is left to count is the
        datasets the words do not match, which are fewer: the total and the small facets are the
        difference of complete bucket lists; the keyword facet, with thousands of values, is read
        as the COMPLEMENT_TOP most frequent over every dataset, minus their counts in the rest.
        That is exact when the FACET_SIZE-th difference still beats the smallest candidate (a
        keyword outside the candidates has no more datasets than that); otherwise ``None``.

        The rest is counted beside the page and the counts over every dataset, for the candidates
        of the previous such search (the same until the index changes); when today's candidates are
        not all among them, it is counted again for those, after the others.
        """
        small = self._small_facets_agg()
        every = {"query": {"match_all": {}}, "size": 0, "track_total_hits": True,
                 "aggs": {"keyword": self._terms_agg("keyword", COMPLEMENT_TOP), FACET_VALUES: small}}
        match = self._match_filter(query)

        def rest(keywords: Sequence[str]) -> dict[str, Any]:
            aggs: dict[str, Any] = {FACET_VALUES: small}
            if keywords:
                aggs["keyword"] = {"terms": {"field": "keyword", "include": list(keywords), "size": len(keywords)}}
            return {"query": {"bool": {"must_not": [{"bool": {"filter": match}}]}},
                    "size": 0, "track_total_hits": True, "aggs": aggs}

        guessed = self._candidates
        requests = ([] if hits_body is None else [hits_body]) + [every] + ([] if guessed is None else [rest(guessed)])
        responses = self._retrying("searching", lambda: self._msearch(requests))
        if guessed is not None:
            *responses, rest_counts = responses
        found, all_counts = responses[:-1], responses[-1]
        aggs = all_counts.get("aggregations") or {}
        if aggs.get(FACET_VALUES, {}).get("sum_other_doc_count"):
            return found, None
        candidates = {str(b["key"]): int(b["doc_count"]) for b in aggs.get("keyword", {}).get("buckets", [])}
        complete = not aggs.get("keyword", {}).get("sum_other_doc_count")
        self._candidates = sorted(candidates)
        if guessed is None or not candidates.keys() <= set(guessed):
            [rest_counts] = self._retrying("searching", lambda: self._msearch([rest(self._candidates)]))
        rest_aggs = rest_counts.get("aggregations") or {}

        def minus(every: Iterable[tuple[str, int]], buckets: Iterable[dict[str, Any]]) -> list[tuple[str, int]]:
            left = {str(b["key"]): int(b["doc_count"]) for b in buckets}
            return [(k, n - left.get(k, 0)) for k, n in every]

        keywords = sorted(((k, n) for k, n in minus(candidates.items(), rest_aggs.get("keyword", {}).get(
            "buckets", [])) if n > 0), key=lambda kn: (-kn[1], kn[0]))[:FACET_SIZE]
        if not complete and (len(keywords) < FACET_SIZE or keywords[-1][1] <= min(candidates.values())):
            return found, None  # a keyword outside the candidates might belong in the list
        values = [(k, n) for k, n in minus(((str(b["key"]), int(b["doc_count"]))
                                            for b in aggs[FACET_VALUES].get("buckets", [])),
                                           rest_aggs.get(FACET_VALUES, {}).get("buckets", [])) if n > 0]
        total = int(all_counts["hits"]["total"]["value"]) - int(rest_counts["hits"]["total"]["value"])
        return found, {"hits": {"total": {"value": total, "relation": "eq"}}, "aggregations": {
            "keyword": {"buckets": [{"key": k, "doc_count": n} for k, n in keywords]},
            FACET_VALUES: {"buckets": [{"key": k, "doc_count": n} for k, n in values], "sum_other_doc_count": 0}}}

    # Suggestions ----------------------------------------------------------------------------------------------
    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        terms = [t for t in query.terms if t]
        if not terms or query.size <= 0:
            return []
        lang = self._sort_lang(query.lang)
        *whole, last = terms

        def title_match(field: str) -> dict[str, Any]:
            must: list[dict[str, Any]] = [{"term": {field: t}} for t in whole]
            if EDGE_MIN <= len(last) <= EDGE_MAX:
                must.append({"term": {f"{field}.prefix": last}})
            else:
                must.append({"prefix": {field: last}})
            return {"bool": {"must": must, "should": [{"term": {field: {"value": last, "boost": 2.0}}}]}}

        own, base = self._suggest_fields[lang], self._suggest_fields[self._base]
        if own == base:
            title_query = title_match(base)
        else:  # the language's own title where there is one, else the base language's (see _suggest_values)
            title_query = {"bool": {"should": [
                title_match(own),
                {"bool": {"must": [title_match(base)], "must_not": [{"exists": {"field": own}}]}},
            ], "minimum_should_match": 1}}
        typed = " ".join(terms)
        include = "".join(c if c.isalnum() or c == " " else "\\" + c for c in typed) + ".*"
        body = {
            "query": title_query,
            "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
            "size": query.size * SUGGEST_FETCH,
            "_source": ["orig.title"],
            "docvalue_fields": ["id"],
            "aggs": {"keywords": {"terms": {
                "field": "keyword_key", "include": include, "size": query.size * SUGGEST_FETCH,
                "order": [{"_count": "desc"}, {"_key": "asc"}]}}},
        }
        # Keywords are looked up over every document, titles only over those matching the terms.
        body["aggs"] = {"all": {"global": {}, "aggs": body["aggs"]}}
        response = self._retrying("suggesting", lambda: self.client.search(index=self.alias, **body).body)
        out: list[Suggestion] = []
        seen: set[str] = set()
        for hit in response["hits"]["hits"]:
            title = pick_text(((hit.get("_source") or {}).get("orig") or {}).get("title") or {}, lang)
            key = fold(title).strip()
            if title and key not in seen:
                seen.add(key)
                out.append(Suggestion(text=title, kind="title", id=hit["fields"]["id"][0]))
                if len(out) >= query.size:
                    return out
        for bucket in response["aggregations"]["all"]["keywords"]["buckets"]:
            folded, _, keyword = str(bucket["key"]).partition(_KEY_SEP)
            key = fold(keyword).strip()
            if keyword and key not in seen:
                seen.add(key)
                out.append(Suggestion(text=keyword, kind="keyword"))
                if len(out) >= query.size:
                    break
        return out


class _BulkTally:
    """What one sender's bulk requests achieved."""

    def __init__(self) -> None:
        self.ok = self.deleted = self.failed = 0
        self.errors: list[str] = []

    def add(self, success: bool, item: dict[str, Any]) -> None:
        op, result = next(iter(item.items()))
        if op == "delete" and result.get("status") == 404 and result.get("result") == "not_found":
            return
        if success:
            self.ok += 1
            self.deleted += op == "delete" and result.get("result") == "deleted"
            return
        self.failed += 1
        if len(self.errors) < 3:
            error = result.get("error") or {}
            if isinstance(error, dict):
                reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
                cause = error.get("caused_by") or {}
                if cause.get("reason"):
                    reason += f" ({cause.get('reason')})"
            else:
                reason = str(error)
            self.errors.append(f"{result.get('_id')}: {reason[:300]}")


_END = object()


def _fan_out(actions: Iterable[dict[str, Any]], send: Callable[[Iterable[dict[str, Any]]], None], senders: int,
             depth: int) -> None:
    """Run ``send`` on ``senders`` threads, each over the actions whose ``_id`` hashes to it.

    The calling thread iterates ``actions`` (building documents) while the senders serialise and
    send; queues of ``depth`` actions bound the memory. The first exception of a sender, or of the
    iterator, is raised once every thread has stopped.
    """
    queues: list[queue.Queue[Any]] = [queue.Queue(maxsize=depth) for _ in range(senders)]
    failures: list[BaseException] = []
    failed = threading.Event()

    def consume(q: queue.Queue[Any]) -> Iterator[dict[str, Any]]:
        while (action := q.get()) is not _END:
            yield action

    def run(q: queue.Queue[Any]) -> None:
        try:
            send(consume(q))
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread below
            failures.append(exc)
            failed.set()
            while q.get() is not _END:  # keep the producer from blocking until it stops
                pass

    threads = [threading.Thread(target=run, args=(q,), name=f"es-bulk-{i}", daemon=True)
               for i, q in enumerate(queues)]
    for thread in threads:
        thread.start()
    try:
        for action in actions:
            if failed.is_set():
                break
            queues[hash(action.get("_id")) % senders].put(action)
    finally:
        for q in queues:
            q.put(_END)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


def _error_type(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    return error.get("type", "") if isinstance(error, dict) else ""


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        root = (error.get("root_cause") or [error])[0]
        return f"{root.get('type', 'error')}: {root.get('reason', '')}"[:500]
    return str(error or exc.message)[:500]


__all__ = ["SCHEMA_VERSION", "ElasticsearchBackend", "es_date"]
