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

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime
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
from elasticsearch.helpers import streaming_bulk

from catalogue.config import Settings
from catalogue.errors import BadRequest, CatalogueError, ServiceUnavailable
from catalogue.search.base import (
    FACET_SIZE,
    FACETS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    MIN_PREFIX_CHARS,
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
SCHEMA_VERSION = 1

START_HINT = "start one with `bash scripts/elasticsearch start` or check GDI_ELASTICSEARCH_URL"

# Scoring, as in the embedded backend: BM25 per field with these multipliers, best field wins.
TEXT_BOOSTS = {"title_all": 3.0, "keywords_all": 2.0, "text_all": 1.0, "labels": 0.5}
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
BULK_TIMEOUT = 120.0  # seconds per bulk request or index-level operation (at least the configured one)
SUGGEST_FETCH = 4  # titles fetched per suggestion asked, so that duplicates can be dropped

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


def language_field(lang: str) -> str:
    """The per-language sub-field (``title.<this>``) for a language tag."""
    base = (lang or "").split("-")[0].split("_")[0].lower()
    if base in LANGUAGE_ANALYZERS or base in STANDARD_LANGUAGES:
        return base
    return OTHER_LANGUAGE


def _safe(lang: str) -> str:
    return _SAFE_NAME.sub("_", lang.lower())


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
        self._suggest_fields = {lang: "suggest." + _safe(lang) for lang in self.languages}
        self._base = "en" if "en" in self.languages else self.languages[0]  # sort and suggest fallback
        # One retry: enough to ride over a dropped keep-alive connection, short enough to fail fast.
        try:
            self.client = Elasticsearch(url, request_timeout=self.timeout, max_retries=1, retry_on_timeout=False)
        except ValueError as exc:
            raise CatalogueError(f"GDI_ELASTICSEARCH_URL={redact(url)!r} is not a valid URL ({exc})") from None
        self._ready = False
        self._ready_lock = threading.Lock()

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
        def per_language() -> dict[str, Any]:
            props = {lang: {"type": "text", "analyzer": analyzer}
                     for lang, analyzer in sorted(LANGUAGE_ANALYZERS.items())}
            for lang in (*STANDARD_LANGUAGES, OTHER_LANGUAGE):
                props[lang] = {"type": "text", "analyzer": FOLDING_ANALYZER}
            return {"type": "object", "dynamic": "strict", "properties": props}

        folded = {"type": "text", "analyzer": "whitespace"}
        # Prefix terms indexed for the short fields only: they make the last-term prefix query a term
        # lookup; on descriptions they would cost more indexing time than they save at query time.
        folded_prefixed = {**folded, "index_prefixes": {"min_chars": MIN_PREFIX_CHARS, "max_chars": 6}}
        suggest_field = {"type": "text", "analyzer": "whitespace", "fields": {
            "prefix": {"type": "text", "analyzer": PREFIX_ANALYZER, "search_analyzer": "standard"}}}
        props: dict[str, Any] = {
            "id": {"type": "keyword"},
            "title": per_language(),
            "description": per_language(),
            "title_all": folded_prefixed,
            "keywords_all": folded_prefixed,
            "text_all": folded,
            "labels": folded,
            "suggest": {"type": "object", "dynamic": "strict",
                        "properties": {_safe(lang): suggest_field for lang in self.languages}},
            "keyword_key": {"type": "keyword", "ignore_above": FACET_IGNORE_ABOVE * 2},
            "modified": {"type": "date", "format": "strict_year_month_day||strict_year_month||strict_year"},
            "modified_key": {"type": "integer", "index": False},
            "orig": {"type": "object", "enabled": False},  # the original literals, for snippets
        }
        for facet in FACETS:
            props[facet] = {"type": "keyword", "ignore_above": FACET_IGNORE_ABOVE}
        for field in self._sort_fields.values():
            props[field] = {"type": "long", "index": False}
        for field in NUMERIC_FIELDS:
            props[field] = {"type": "long"}
        return {
            "dynamic": "strict",
            "_meta": {"schema_version": SCHEMA_VERSION, "languages": list(self.languages)},
            # Analysed copies are for matching only; _source keeps what snippets and debugging need.
            "_source": {"excludes": ["title", "description", "title_all", "keywords_all", "text_all",
                                     "labels", "suggest", "keyword_key"]},
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

    def _ensure(self) -> None:
        """Create the first index and the alias when missing; replace an index of another schema."""
        if self._ready:
            return
        with self._ready_lock:
            if self._ready:
                return
            with self._calls(f"opening the index {self.alias}"):
                targets = self._alias_targets()
                if not targets:
                    if self.client.indices.exists(index=self.alias):
                        raise CatalogueError(
                            f"{self.alias} is an Elasticsearch index, not an alias; delete it or choose "
                            "another GDI_ELASTICSEARCH_INDEX (the catalogue manages versioned indices "
                            "behind that alias)")
                    targets = self._create_first()
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
        for lang, value in doc.title.items():
            if value:
                title.setdefault(language_field(lang), []).append(value)
        description: dict[str, list[str]] = {}
        for lang, value in doc.description.items():
            if value:
                description.setdefault(language_field(lang), []).append(value)
        keywords = [k for kws in doc.keywords.values() for k in kws if k]
        body: dict[str, Any] = {
            "id": doc.id,
            "title": title,
            "description": description,
            # One value per literal (or keyword), so that phrases never span two of them.
            "title_all": [t for t in map(folded_tokens, doc.title.values()) if t],
            "keywords_all": [t for t in map(folded_tokens, keywords) if t],
            "text_all": [t for t in map(folded_tokens, doc.description.values()) if t],
            "labels": [t for t in map(folded_tokens, doc.labels) if t],
            "suggest": self._suggest_values(doc),
            "orig": {"title": doc.title, "description": doc.description},
        }
        for facet in FACETS:
            body[facet] = [v for v in dict.fromkeys(doc.facets.get(facet) or ()) if v]
        body["keyword_key"] = list(dict.fromkeys(
            f"{folded_tokens(k)}{_KEY_SEP}{k}" for k in body["keyword"] if folded_tokens(k)))
        modified = es_date(doc.modified)
        if modified:
            body["modified"] = modified
        key = date_key(doc.modified)
        if key is not None:
            body["modified_key"] = key
        for lang, field in self._sort_fields.items():
            value = doc.title_sort.get(lang)
            body[field] = value if value is not None else sort_key(pick_text(doc.title, lang))
        for field in NUMERIC_FIELDS:
            value = getattr(doc, field)
            if isinstance(value, int) and not isinstance(value, bool) and _I64_MIN <= value <= _I64_MAX:
                body[field] = value
        return body

    def _suggest_values(self, doc: SearchDocument) -> dict[str, str]:
        """The displayed title per UI language, folded; stored only where it differs from the base one.

        Most datasets have a title in English and one national language; storing an edge-n-gram copy
        for every UI language would multiply the index size for identical text. A language without
        its own entry falls back to the base language's at query time (see :meth:`suggest`).
        """
        base_text = pick_text(doc.title, self._base)
        out = {_safe(self._base): folded_tokens(base_text)}
        for lang in self.languages:
            if lang != self._base:
                text = pick_text(doc.title, lang)
                if text != base_text:
                    out[_safe(lang)] = folded_tokens(text)
        return out

    def _bulk(self, actions: Iterable[dict[str, Any]], index: str, *, require_alias: bool,
              chunk: int = BULK_CHUNK_DOCS) -> tuple[int, int]:
        """Send ``actions`` in chunks; return (succeeded, deleted) or raise with the first item errors.

        Every action is sent even when some fail, so that one bad document does not hold back the rest
        of a harvest; the failures are then reported together.
        """
        ok = deleted = failed = 0
        errors: list[str] = []
        extra = {"require_alias": True} if require_alias else {}
        for success, item in streaming_bulk(
                self._admin(), actions, index=index, chunk_size=max(1, chunk), max_chunk_bytes=BULK_CHUNK_BYTES,
                raise_on_error=False, raise_on_exception=True, max_retries=3, initial_backoff=1, **extra):
            op, result = next(iter(item.items()))
            if op == "delete" and result.get("status") == 404 and result.get("result") == "not_found":
                continue
            if success:
                ok += 1
                deleted += op == "delete" and result.get("result") == "deleted"
                continue
            failed += 1
            if len(errors) < 3:
                error = result.get("error") or {}
                if isinstance(error, dict):
                    reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
                    cause = error.get("caused_by") or {}
                    if cause.get("reason"):
                        reason += f" ({cause.get('reason')})"
                else:
                    reason = str(error)
                errors.append(f"{result.get('_id')}: {reason[:300]}")
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
        self._ensure()
        return self._rebuild(iter(documents), batch)

    def _rebuild(self, documents: Iterator[SearchDocument], batch: int) -> int:
        """Load a new index beside the live one, then move the alias to it in one atomic request."""
        admin = self._admin()
        name = self._new_index_name()
        body = self._index_body()
        # Bulk-load settings: no refreshes, no replicas; restored before the index goes live.
        body["settings"]["index"].update({"refresh_interval": "-1", "number_of_replicas": 0,
                                          "auto_expand_replicas": False})
        with self._calls(f"rebuilding {self.alias}"):
            admin.indices.create(index=name, **body, wait_for_active_shards="1")
            try:
                actions = ({"_op_type": "index", "_id": self._doc_id(doc.id), "_source": self._body(doc)}
                           for doc in documents)
                written, _ = self._bulk(actions, name, require_alias=False, chunk=batch)
                admin.indices.put_settings(index=name, settings={
                    "index": {"refresh_interval": None, "auto_expand_replicas": "0-1"}})
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
        return written

    def count(self) -> int:
        return self._retrying("counting", lambda: self.client.count(index=self.alias)["count"])

    def clear(self) -> None:
        self.rebuild(())

    def close(self) -> None:
        self.client.close()

    # Queries ------------------------------------------------------------------------------------------------
    def _sort_lang(self, lang: str) -> str:
        return lang if lang in self._sort_fields else self._base

    @staticmethod
    def _text_clause(term: str) -> dict[str, Any]:
        return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
            {"term": {field: {"value": term, "boost": boost}}} for field, boost in TEXT_BOOSTS.items()]}}

    def _term_clause(self, term: str, prefix: bool) -> dict[str, Any]:
        exact = self._text_clause(term)
        if not (prefix and len(term) >= MIN_PREFIX_CHARS):
            return exact
        prefix_any = {"dis_max": {"queries": [
            {"constant_score": {"filter": {"prefix": {field: term}}, "boost": score}}
            for field, score in PREFIX_SCORE.items()]}}
        return {"bool": {"should": [
            exact,
            {"constant_score": {"filter": exact, "boost": EXACT_BONUS}},
            {"bool": {"must": [prefix_any], "must_not": [exact]}},
        ], "minimum_should_match": 1}}

    def _phrase_clause(self, phrase: Sequence[str]) -> dict[str, Any]:
        if len(phrase) == 1:
            return self._text_clause(phrase[0])
        text = " ".join(phrase)
        return {"dis_max": {"queries": [
            {"match_phrase": {field: {"query": text, "boost": boost}}} for field, boost in TEXT_BOOSTS.items()]}}

    def _stem_clauses(self, query: SearchQuery) -> list[dict[str, Any]]:
        """Bonuses for words that share a stem in the query's language; never decide membership."""
        lang = language_field(query.lang)
        if lang not in LANGUAGE_ANALYZERS:
            return []
        return [{"dis_max": {"queries": [
            {"constant_score": {"filter": {"match": {f"{field}.{lang}": term}}, "boost": score}}
            for field, score in STEM_SCORE.items()]}} for term in query.terms]

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

    def _main_query(self, query: SearchQuery) -> dict[str, Any]:
        must: list[dict[str, Any]] = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            must.append(self._term_clause(term, prefix=i == last))
        for phrase in query.phrases:
            if phrase:
                must.append(self._phrase_clause(phrase))
        filters = self._range_filters(query)
        if not must and not filters:
            return {"match_all": {}}
        body: dict[str, Any] = {"must": must or [{"match_all": {}}]}
        if filters:
            body["filter"] = filters
        should = self._stem_clauses(query) if must else []
        if should:
            body["should"] = should
        return {"bool": body}

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

    def search_body(self, query: SearchQuery) -> dict[str, Any] | None:
        """The request body for ``query`` (``None`` when nothing can match); public for inspection."""
        if any(f not in FACETS for f, values in query.filters.items() if values):
            return None  # an unknown facet: nothing can carry it (as in the embedded backend)
        active = {f: v for f, v in sorted(query.filters.items()) if v}
        aggs: dict[str, Any] = {}
        for facet in FACETS:
            others = [self._facet_filter(f, v) for f, v in active.items() if f != facet]
            terms = {"terms": {"field": facet, "size": FACET_SIZE, "min_doc_count": 1,
                               "order": [{"_count": "desc"}, {"_key": "asc"}]}}
            aggs[facet] = {"filter": {"bool": {"filter": others}} if others else {"match_all": {}},
                           "aggs": {"values": terms}}
        body: dict[str, Any] = {
            "query": self._main_query(query),
            "aggs": aggs,
            "sort": self._sort(query),
            "from": query.offset,
            "size": query.size,
            "track_total_hits": True,
            "docvalue_fields": ["id"],
            "_source": ["orig"] if query.highlight else False,
        }
        if active:
            body["post_filter"] = {"bool": {"filter": [self._facet_filter(f, v) for f, v in active.items()]}}
        return body

    def search(self, query: SearchQuery) -> SearchResult:
        body = self.search_body(query)
        if body is None:
            return SearchResult(total=0, ids=[], facets={f: [] for f in FACETS})
        if query.size <= 0:
            body["size"] = 0
        response = self._retrying("searching", lambda: self.client.search(index=self.alias, **body).body)
        hits = response["hits"]["hits"]
        ids = [hit["fields"]["id"][0] for hit in hits]
        facets: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            buckets = response.get("aggregations", {}).get(facet, {}).get("values", {}).get("buckets", [])
            facets[facet] = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in buckets if b["doc_count"] > 0]
        highlights: dict[str, dict[str, str]] = {}
        if query.highlight and not query.is_match_all:
            for doc_id, hit in zip(ids, hits, strict=True):
                orig = (hit.get("_source") or {}).get("orig") or {}
                snippets = highlight_document(orig.get("title") or {}, orig.get("description") or {}, query)
                if snippets:
                    highlights[doc_id] = snippets
        return SearchResult(total=int(response["hits"]["total"]["value"]), ids=ids, facets=facets,
                            highlights=highlights)

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
