"""The embedded search backend: a tantivy index in a local directory, so the catalogue needs no server.

Text is folded and split by :func:`catalogue.text.words` (which applies :func:`catalogue.text.fold`)
in Python and indexed with tantivy's whitespace tokenizer. Doing the tokenising here rather than in
a tantivy analyzer guarantees that the tokens in the index are exactly the tokens
:meth:`SearchQuery.parse` produces, whatever the language, and needs no custom tokenizer registered
in every process that opens the index.

Queries are always built from tantivy query objects; user text never reaches a query parser, so
there is no syntax to inject and no parse error to report.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

import tantivy
from tantivy import FieldType, Occur, Order, Query

from catalogue.config import Settings
from catalogue.errors import BadRequest, ServiceUnavailable
from catalogue.search.base import (
    FACET_SIZE,
    FACETS,
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResult,
    pick_text,
)
from catalogue.text import sort_key, words

log = logging.getLogger(__name__)

# Bump whenever the schema or the way text is turned into terms changes: an index written by another
# version is then rebuilt empty instead of silently answering with different semantics.
SCHEMA_VERSION = 1
_MARKER = "gdi-search-schema.json"

WRITER_HEAP_BYTES = 128_000_000
# Python builds the documents on the main thread; one indexing thread keeps up with it on the two
# cores we run on, and each tantivy thread needs a large share of the heap to avoid tiny segments.
WRITER_THREADS = 1

TEXT_FIELDS = ("title", "keywords", "description")
# BM25 multipliers: a word in the title says more about a dataset than one deep in the description.
TEXT_BOOSTS = {"title": 3.0, "keywords": 2.0, "description": 1.0}
NUMERIC_FIELDS = ("individuals", "records", "min_age", "max_age")
MIN_PREFIX_CHARS = 3
# Scoring of the last term (see _term_query): an exact match always earns EXACT_BONUS on top of its
# BM25 score, a prefix-only match earns at most PREFIX_SCORE[field] < EXACT_BONUS, so any exact
# match outranks every prefix-only one whatever the BM25 statistics.
EXACT_BONUS = 1.0
PREFIX_SCORE = {"title": 0.3, "keywords": 0.2, "description": 0.1}
# Facet buckets asked of tantivy beyond FACET_SIZE, so that values tied with the last one shown can
# still be ordered by value; and per-segment candidates, which bound the count error on many segments.
_FACET_FETCH = FACET_SIZE * 4
_FACET_SEGMENT_SIZE = FACET_SIZE * 100

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WORD_ONLY = re.compile(r"\w+")
_WORD = re.compile(r"\w+")  # as catalogue.text, applied to ASCII only
_SEGMENT_FILE = re.compile(r"^[0-9a-f]{32}(?:\.\d+)?\.[a-z]+$")


def _lang_field(lang: str) -> str:
    return "title_sort_" + re.sub(r"[^A-Za-z0-9]", "_", lang)


def _date_key(value: str | None) -> int | None:
    """YYYYMMDD as an integer: sorts like the date, and stays readable in the index."""
    match = _DATE.match(value or "")
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "00", match.group(3) or "00"
    return int(year) * 10_000 + int(month) * 100 + int(day)


def _tokens(text: str) -> str:
    """``" ".join(words(text))``, computed faster; the whitespace tokenizer splits it back.

    :func:`catalogue.text.fold` maps each character independently (case folding, compatibility
    decomposition, dropping combining marks), and no whitespace character folds to a word character,
    so folding and splitting word by word gives the same tokens as folding the whole text. That lets
    ASCII text skip Unicode normalisation (its fold is ``lower()``) and other words be folded once
    per distinct spelling; pure-Python folding was otherwise most of the indexing time.
    """
    if text.isascii():
        return " ".join(_WORD.findall(text.lower()))
    return " ".join(filter(None, map(_chunk_tokens, text.split())))


@lru_cache(maxsize=1 << 16)
def _chunk_tokens(chunk: str) -> str:
    return " ".join(words(chunk))


class EmbeddedSearchBackend(SearchBackend):
    """Search over a tantivy index on disk, shared by the portal (reading) and the CLI (writing).

    The index is opened for reading only; a writer (and tantivy's directory lock) is taken for the
    duration of each :meth:`index`, :meth:`delete` or :meth:`clear` call, so a long-running portal
    never blocks a harvest, and a second writer gets a clear 503 instead of waiting.
    """

    name = "embedded"

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddedSearchBackend:
        return cls(settings.resolved_search_index_path, settings.languages)

    def __init__(self, path: Path, languages: Sequence[str]) -> None:
        self.path = Path(path)
        self.languages = tuple(dict.fromkeys(languages)) or ("en",)
        self._sort_fields = {lang: _lang_field(lang) for lang in self.languages}
        self.schema = self._build_schema()
        self._write_lock = threading.Lock()  # tantivy allows one writer; serialise this process's threads
        self._reader_lock = threading.Lock()
        self._meta_stamp: tuple[int, int, int] | None = None
        self._index: tantivy.Index | None = None
        self._open()

    # Schema and opening ---------------------------------------------------------------------------
    def _build_schema(self) -> tantivy.Schema:
        sb = tantivy.SchemaBuilder()
        # Raw (untokenised) so a delete-by-term hits exactly one id; fast so ties sort by id.
        sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
        for name in TEXT_FIELDS:
            sb.add_text_field(name, tokenizer_name="whitespace", index_option="position")
        for facet in FACETS:
            # Raw so that IRIs and codes are matched and counted whole, case and all.
            sb.add_text_field(facet, fast=True, tokenizer_name="raw", index_option="basic")
        sb.add_unsigned_field("modified", fast=True, indexed=True)
        for field in self._sort_fields.values():
            sb.add_unsigned_field(field, fast=True)
        for field in NUMERIC_FIELDS:
            sb.add_integer_field(field, fast=True, indexed=True)
        return sb.build()

    def _marker(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "languages": list(self.languages)}

    def _open(self) -> tantivy.Index:
        """Open the index, creating it, or rebuilding it empty when it was written by another schema.

        Rebuilding rather than failing keeps the portal up after an upgrade; the catalogue database
        is the source of truth and ``reindex`` refills the index.
        """
        if self._index is not None:
            return self._index
        self.path.mkdir(parents=True, exist_ok=True)
        marker_path = self.path / _MARKER
        exists = (self.path / "meta.json").exists()
        reason = None
        if exists:
            try:
                marker = json.loads(marker_path.read_text("utf-8"))
            except (OSError, ValueError):
                marker = None
            if marker != self._marker():
                reason = f"schema {marker!r} differs from {self._marker()!r}"
        index = None
        if reason is None:
            try:
                index = tantivy.Index(self.schema, str(self.path), reuse=True)
            except ValueError as exc:  # other field set, or a tantivy format this version cannot read
                reason = str(exc)
        if reason is not None:
            with self._directory_write_lock():
                log.warning("Search index at %s is incompatible (%s); rebuilding it empty. "
                            "Run a reindex to fill it from the catalogue database.", self.path, reason)
                self._remove_index_files()
                index = tantivy.Index(self.schema, str(self.path), reuse=True)
        if reason is not None or not exists:
            marker_path.write_text(json.dumps(self._marker()), "utf-8")
        index.config_reader(reload_policy="manual")  # we reload on demand; no watcher thread needed
        self._index = index
        self._meta_stamp = None
        return index

    @contextmanager
    def _directory_write_lock(self) -> Iterator[None]:
        """Hold tantivy's writer lock file while deleting the index, so an old harvest is not cut off.

        tantivy locks ``.tantivy-writer.lock`` with ``flock``; taking the same lock here means the
        rebuild waits for no one and destroys nothing another process is still writing. Where
        ``fcntl`` does not exist (Windows) the rebuild goes ahead unguarded.
        """
        if fcntl is None:
            yield
            return
        with open(self.path / ".tantivy-writer.lock", "a") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise self._busy() from exc
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _busy(self) -> ServiceUnavailable:
        return ServiceUnavailable(
            f"the search index at {self.path} is being written by another process; "
            "try again when that harvest ends"
        )

    def _remove_index_files(self) -> None:
        # Only tantivy's own files: the directory may be one an operator also uses for other things.
        for entry in self.path.iterdir():
            if entry.is_file() and (entry.name in ("meta.json", ".managed.json", _MARKER)
                                    or _SEGMENT_FILE.match(entry.name)):
                entry.unlink()

    def _searcher(self, force: bool = False) -> tantivy.Searcher:
        """A searcher on the latest commit, from this or another process.

        tantivy rewrites ``meta.json`` atomically on every commit, so comparing its inode, size and
        mtime costs one ``stat`` per search and reloads only when something was committed.
        """
        index = self._open()
        try:
            st = os.stat(self.path / "meta.json")
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = None
        with self._reader_lock:
            if force or stamp is None or stamp != self._meta_stamp:
                index.reload()
                self._meta_stamp = stamp
        return index.searcher()

    # Writing ------------------------------------------------------------------------------------------
    @contextmanager
    def _writer(self) -> Iterator[tantivy.IndexWriter]:
        """A writer for one batch: committed and released on success, rolled back and released on error.

        ``wait_merging_threads`` both finishes the merges the commit triggered (so segments do not
        pile up across many small harvest batches) and drops tantivy's writer lock at once, instead
        of whenever Python collects the object.
        """
        with self._write_lock:
            index = self._open()
            try:
                writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=WRITER_THREADS)
            except ValueError as exc:
                if "LockBusy" in str(exc):
                    raise self._busy() from exc
                raise
            try:
                yield writer
                writer.commit()
            except BaseException:
                writer.rollback()
                writer.wait_merging_threads()
                raise
            writer.wait_merging_threads()
            self._searcher(force=True)

    def _document(self, doc: SearchDocument) -> tantivy.Document:
        out = tantivy.Document()
        out.add_text("id", doc.id)
        for field, values in (("title", doc.title.values()), ("description", doc.description.values()),
                              ("keywords", (k for kws in doc.keywords.values() for k in kws))):
            for value in values:
                # One value per language (or keyword), so that phrases never span two of them.
                tokens = _tokens(value) if value else ""
                if tokens:
                    out.add_text(field, tokens)
        for facet in FACETS:
            for value in dict.fromkeys(doc.facets.get(facet) or ()):
                if value:
                    out.add_text(facet, value)
        modified = _date_key(doc.modified)
        if modified is not None:
            out.add_unsigned("modified", modified)
        for lang, field in self._sort_fields.items():
            key = doc.title_sort.get(lang)
            out.add_unsigned(field, key if key is not None else sort_key(pick_text(doc.title, lang)))
        for field in NUMERIC_FIELDS:
            value = getattr(doc, field)
            if isinstance(value, int) and _I64_MIN <= value <= _I64_MAX:
                out.add_integer(field, value)
        return out

    def index(self, documents: Iterable[SearchDocument]) -> int:
        written = 0
        with self._writer() as writer:
            for doc in documents:
                # Deletes apply to documents added before them, so a repeated id in one batch keeps
                # its last version only.
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        searcher = self._searcher()
        present = sum(1 for i in ids if searcher.doc_freq("id", i))
        with self._writer() as writer:
            for i in ids:
                writer.delete_documents_by_term("id", i)
        return present

    def count(self) -> int:
        return self._searcher().num_docs

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def close(self) -> None:
        self._index = None
        self._meta_stamp = None

    # Queries ------------------------------------------------------------------------------------------
    def _text_clause(self, term: str) -> Query:
        """Best field wins (dis_max), so a word repeated in title and description is not counted twice."""
        return Query.disjunction_max_query(
            [Query.boost_query(Query.term_query(self.schema, f, term), TEXT_BOOSTS[f]) for f in TEXT_FIELDS],
            tie_breaker=0.1,
        )

    def _term_query(self, term: str, prefix: bool) -> Query:
        exact = self._text_clause(term)
        if not (prefix and len(term) >= MIN_PREFIX_CHARS and _WORD_ONLY.fullmatch(term)):
            return exact
        # Typing "genom" should already find "genomics". Prefix matches carry constant, small scores
        # (a BM25 of every expanded term would favour rare misspellings); the exact bonus guarantees
        # that the word as typed ranks first.
        pattern = term + ".*"  # word characters only (checked above): nothing to escape
        prefix_any = Query.disjunction_max_query([
            Query.const_score_query(Query.regex_query(self.schema, f, pattern), PREFIX_SCORE[f])
            for f in TEXT_FIELDS
        ])
        prefix_only = Query.boolean_query([(Occur.Must, prefix_any), (Occur.MustNot, exact)])
        return Query.boolean_query([
            (Occur.Should, exact),
            (Occur.Should, Query.const_score_query(exact, EXACT_BONUS)),
            (Occur.Should, prefix_only),
        ])

    def _phrase_query(self, phrase: Sequence[str]) -> Query:
        if len(phrase) == 1:  # tantivy refuses one-word phrases
            return self._text_clause(phrase[0])
        return Query.disjunction_max_query([
            Query.boost_query(Query.phrase_query(self.schema, f, list(phrase)), TEXT_BOOSTS[f])
            for f in TEXT_FIELDS
        ])

    def _filter_clause(self, facet: str, values: Sequence[str]) -> Query:
        # Zero score: filters narrow the result set but must not change the ranking.
        return Query.const_score_query(Query.term_set_query(self.schema, facet, list(values)), 0.0)

    def _query(self, query: SearchQuery, skip_filter: str | None = None) -> Query:
        clauses: list[tuple[Occur, Query]] = []
        last = len(query.terms) - 1
        for i, term in enumerate(query.terms):
            clauses.append((Occur.Must, self._term_query(term, prefix=i == last)))
        for phrase in query.phrases:
            if phrase:
                clauses.append((Occur.Must, self._phrase_query(phrase)))
        for facet, values in sorted(query.filters.items()):
            if facet != skip_filter and values:
                if facet not in FACETS:
                    return Query.empty_query()  # unknown facet: nothing can carry it
                clauses.append((Occur.Must, self._filter_clause(facet, values)))
        if not clauses:
            return Query.all_query()
        if len(clauses) == 1:
            return clauses[0][1]
        return Query.boolean_query(clauses)

    def search(self, query: SearchQuery) -> SearchResult:
        searcher = self._searcher()
        tantivy_query = self._query(query)
        if query.sort == "relevance" and not query.is_match_all:
            total, ids = self._page_by_score(searcher, tantivy_query, query.offset, query.size)
        else:
            if query.sort in ("relevance", "title", "-title"):
                lang = query.lang if query.lang in self._sort_fields else (
                    "en" if "en" in self._sort_fields else self.languages[0])
                field = self._sort_fields[lang]
            elif query.sort in ("modified", "-modified"):
                field = "modified"
            else:
                raise BadRequest(f"unknown sort {query.sort!r}")
            order = Order.Desc if query.sort.startswith("-") else Order.Asc
            total, ids = self._page_by_field(searcher, tantivy_query, field, order, query.offset, query.size)
        return SearchResult(total=total, ids=ids, facets=self._facets(searcher, query, tantivy_query))

    def _ids(self, searcher: tantivy.Searcher, addresses: Iterable[tantivy.DocAddress]) -> list[str]:
        return [searcher.doc(a).get_first("id") for a in addresses]

    def _page_by_score(self, searcher: tantivy.Searcher, query: Query, offset: int,
                       size: int) -> tuple[int, list[str]]:
        """Score order with ties broken by id, so that equal scores do not reshuffle between requests.

        tantivy breaks ties by internal address, which changes when segments merge. Documents whose
        score equals one on the page are therefore fetched whole and ordered by id; such groups are
        small for real queries (BM25 depends on field lengths).
        """
        limit = offset + size + 1
        while True:
            result = searcher.search(query, limit=max(limit, 1), count=True)
            hits = result.hits
            total = result.count
            if size <= 0 or offset >= len(hits):
                return total, []
            last_score = hits[min(offset + size, len(hits)) - 1][0]
            if len(hits) < limit or hits[-1][0] != last_score or limit >= total:
                break
            limit *= 2  # the tie group on the last row continues past what we fetched
        first_score = hits[offset][0]
        start = offset
        while start > 0 and hits[start - 1][0] == first_score:
            start -= 1
        end = min(offset + size, len(hits))
        while end < len(hits) and hits[end][0] == last_score:
            end += 1
        window = sorted(zip(self._ids(searcher, (a for _, a in hits[start:end])),
                            (s for s, _ in hits[start:end]), strict=True),
                        key=lambda pair: (-pair[1], pair[0]))
        return total, [i for i, _ in window[offset - start:offset - start + size]]

    def _page_by_field(self, searcher: tantivy.Searcher, query: Query, field: str, order: Order,
                       offset: int, size: int) -> tuple[int, list[str]]:
        """Order by a fast field, ties by id; documents without the field come last either way.

        tantivy already puts missing values last in both directions. A run of equal values that the
        page boundary cuts through is re-read with a query on that value, ordered by id, so a large
        tie group (e.g. thousands of datasets with the same date) costs one extra search, not
        thousands of stored-document reads.
        """
        limit = offset + size + 1
        result = searcher.search(query, limit=max(limit, 1), count=True, order_by_field=field, order=order)
        hits, total = result.hits, result.count
        if size <= 0 or offset >= len(hits):
            return total, []
        page = hits[offset:offset + size]
        ids: list[str] = []
        i = 0
        while i < len(page):
            value = page[i][0]
            j = i
            while j < len(page) and page[j][0] == value:
                j += 1
            before = sum(1 for v, _ in hits[:offset] if v == value) if i == 0 else 0
            after = offset + j < len(hits) and hits[offset + j][0] == value
            if before or after:
                ids.extend(self._ids_with_value(searcher, query, field, value, before, j - i))
            else:
                ids.extend(sorted(self._ids(searcher, (a for _, a in page[i:j]))))
            i = j
        return total, ids

    def _ids_with_value(self, searcher: tantivy.Searcher, query: Query, field: str, value: int | None,
                        offset: int, size: int) -> list[str]:
        if value is None:
            same = Query.boolean_query([(Occur.Must, query), (Occur.MustNot, Query.exists_query(field))])
        else:
            same = Query.boolean_query([
                (Occur.Must, query),
                (Occur.Must, Query.range_query(self.schema, field, FieldType.Unsigned, value, value)),
            ])
        hits = searcher.search(same, limit=size, offset=offset, count=False, order_by_field="id",
                               order=Order.Asc).hits
        return [v for v, _ in hits]

    def _facets(self, searcher: tantivy.Searcher, query: SearchQuery,
                tantivy_query: Query) -> dict[str, list[FacetValue]]:
        """Drill-down counts with one aggregation for the unfiltered facets and one per filtered facet."""
        filtered = [f for f in FACETS if query.filters.get(f)]
        plain = [f for f in FACETS if f not in filtered]
        raw: dict[str, Any] = {}
        if plain:
            raw.update(searcher.aggregate(tantivy_query, {f: self._terms_agg(f) for f in plain}))
        for facet in filtered:
            raw.update(searcher.aggregate(self._query(query, skip_filter=facet), {facet: self._terms_agg(facet)}))
        facets: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            buckets = (raw.get(facet) or {}).get("buckets") or []
            values = sorted(((b["key"], b["doc_count"]) for b in buckets if b.get("doc_count", 0) > 0),
                            key=lambda kv: (-kv[1], kv[0]))
            facets[facet] = [FacetValue(str(k), int(c)) for k, c in values[:FACET_SIZE]]
        return facets

    @staticmethod
    def _terms_agg(field: str) -> dict[str, Any]:
        return {"terms": {"field": field, "size": _FACET_FETCH, "segment_size": _FACET_SEGMENT_SIZE,
                          "min_doc_count": 1}}


__all__ = ["SCHEMA_VERSION", "EmbeddedSearchBackend"]
