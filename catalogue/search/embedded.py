"""The embedded search backend: a tantivy index in a local directory, so the catalogue needs no server.

Text is folded and split by :func:`catalogue.text.words` (which applies :func:`catalogue.text.fold`)
in Python and indexed with tantivy's whitespace tokenizer. Doing the tokenising here rather than in
a tantivy analyzer guarantees that the tokens in the index are exactly the tokens
:meth:`SearchQuery.parse` produces, whatever the language, and needs no custom tokenizer registered
in every process that opens the index.

Queries are always built from tantivy query objects; user text never reaches a query parser, so
there is no syntax to inject and no parse error to report.

Highlights are computed in Python from the original title and description, stored beside the
index terms (one value per text, see ``_display_of``): the words are matched by their folded form (as
the index does), and the marks are the private-use characters of :data:`MARK_START`/:data:`MARK_END`,
which ``clean_marks`` keeps out of the data. Suggestions read the title field (prefix on the last
word) and a field of folded keyword forms whose terms carry the keyword as written, so that
``terms_with_prefix`` answers with the keywords themselves and their document counts.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import math
import os
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
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
    MIN_PREFIX_CHARS,
    PREFIX_MAX_CHARS,
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResult,
    Suggestion,
    SuggestQuery,
    clean_marks,
    pick_text,
)
from catalogue.search.highlight import Highlighter, highlight_document
from catalogue.text import Memo, date_key, folded_tokens, folded_words, sort_key

log = logging.getLogger(__name__)

# Bump whenever the schema or the way text is turned into terms changes: an index written by another
# version is then rebuilt empty instead of silently answering with different semantics.
SCHEMA_VERSION = 7  # 2: labels, stored display text, keyword suggestions; 3: facet columns; 4: seven of them;
# 5: word starts (ALL_PREFIX); 6: keyword slots; 7: display values without JSON, suggestion terms in one value
_MARKER = "gdi-search-schema.json"

WRITER_HEAP_BYTES = 128_000_000
# A rebuild writes the whole index: tantivy flushes a segment each time its heap fills, and merges only
# eight segments of a size together, so a million datasets with the small heap ended in 3-5 segments
# (which every query then reads apart). The heap is only claimed as documents arrive.
REBUILD_HEAP_BYTES = 1_000_000_000
# Python builds the documents on the main thread; one indexing thread keeps up with it on the two
# cores we run on, and each tantivy thread needs a large share of the heap to avoid tiny segments.
WRITER_THREADS = 1

TEXT_FIELDS = ("title", "keywords", "description", "labels")
# Every word of TEXT_FIELDS once more in one field, without positions or frequencies: which documents
# hold a word is one postings list to read instead of a union of four (for counting facets).
ALL_TEXT = "all_text"
# Every start of MIN_PREFIX_CHARS to PREFIX_MAX_CHARS characters of the words of ALL_TEXT, as terms:
# which documents have a word starting with a typed prefix is then one postings list, where it was a
# union of every word of the index the prefix starts ("genom" starts 182, "cohort" 105). Counting
# facets and estimating matches read it; scoring keeps the per-field unions (see _term_query).
ALL_PREFIX = "all_prefix"
# Phrases are matched in the dataset's own text only, not in the labels of its vocabulary values.
PHRASE_FIELDS = ("title", "keywords", "description")
# BM25 multipliers: a word in the title says more about a dataset than one deep in the description,
# and a vocabulary label (a country or category name shared by many datasets) says least.
TEXT_BOOSTS = {"title": 3.0, "keywords": 2.0, "description": 1.0, "labels": 0.5}
NUMERIC_FIELDS = ("individuals", "records", "min_age", "max_age")
# Scoring of the last term (see _term_query): an exact match always earns EXACT_BONUS on top of its
# BM25 score, a prefix-only match earns at most PREFIX_SCORE[field] < EXACT_BONUS, so any exact
# match outranks every prefix-only one whatever the BM25 statistics.
EXACT_BONUS = 1.0
PREFIX_SCORE = {"title": 0.3, "keywords": 0.2, "description": 0.1, "labels": 0.05}
# Facet buckets asked of tantivy beyond FACET_SIZE, so that values tied with the last one shown can
# still be ordered by value; and per-segment candidates, which bound the count error on many segments.
_FACET_FETCH = FACET_SIZE * 4
_FACET_SEGMENT_SIZE = FACET_SIZE * 100
# Facets of controlled vocabularies (a few dozen values at most) are counted from single-valued
# columns, which tantivy counts ~20 times faster than a multi-valued one, at a cost per column and
# per distinct value. Each column of FACET_COLUMNS holds, for every dataset, one string made of the
# listed parts (facet, first value index, end index or None for all the rest): the value itself for
# a part of one value, else the JSON list of [facet, value] pairs, "" when there is none. Counting
# every distinct string of the columns (a complete bucket list) and adding it to the values it holds
# gives exact counts whatever the data; the layout only decides the speed: it keeps few columns and
# few distinct strings for the usual data (one node and access right per dataset, one or two themes,
# countries and health categories). Each column costs about 1.7 ms per 750,000 matches on a million
# datasets, and a few hundred distinct strings cost little: a country's or health category's second
# and third values share a column (9 -> 7 columns: p95 at a million 31.4 -> 28.8 ms on the same
# prebuilt indexes; the full benchmark varies by about 1 ms, see docs/DECISIONS.md 16). Keywords
# (free text, thousands of values) keep their multi-valued column, counted top-N.
FACET_COLUMNS: dict[str, tuple[tuple[str, int, int | None], ...]] = {
    "facets_na": (("node", 0, None), ("access_rights", 0, None)),
    "facets_t": (("theme", 0, None),),
    "facets_c0": (("country", 0, 1),),
    "facets_c1": (("country", 1, 3),),
    "facets_h0": (("health_category", 0, 1),),
    "facets_h1": (("health_category", 1, 3),),
    "facets_rest": (("country", 3, None), ("health_category", 3, None)),
}
COLUMN_FACETS = frozenset(f for parts in FACET_COLUMNS.values() for f, _, _ in parts)
# Keywords are free text: thousands of values, several per dataset, in a multi-valued column that
# tantivy counts at about 25 ms per 470,000 matches on a million datasets, whereas single-valued columns
# with a few hundred values take about 1.5 ms each. So each dataset's keywords among the HEAD_SIZE most
# frequent ones (the head, about 80 % of the keywords of the benchmark's Zipf-like data) also go into
# KEYWORD_SLOTS (one each, "" when none) and, beyond those, into KEYWORD_MORE. For a large match set the
# slots decide the top FACET_SIZE keywords whenever a keyword outside them (its count over all datasets
# outside the slots, known per commit) cannot reach the last one shown; otherwise the full column is
# counted as before. The head is taken from the index's counts, or from the first HEAD_SAMPLE datasets
# written when the index is smaller; a head that changes between writes only makes the check fail more.
KEYWORD_SLOTS = ("kw_0", "kw_1", "kw_2", "kw_3")
KEYWORD_MORE = "kw_more"
HEAD_SIZE = 512
HEAD_SAMPLE = 5_000
# Slots are counted first only when the matches are expected to be this many times as many as the check
# needs (see _SlotInfo.share); below that the full column is cheap and the check would often fail.
_SLOTS_MARGIN = 1.25
_NO_VALUE = ""  # facet values are never empty (see _document)
# Complete bucket lists: tantivy refuses an aggregation of more buckets than this.
_ALL_BUCKETS = 65_000
# A match set larger than this share of the index has its facets counted as "all documents minus the
# others": the counts of all documents are computed once per commit, the others are fewer.
_COMPLEMENT_SHARE = 0.6
# Drill-down counts of a filtered search are counted in one aggregation (see _facets) when the words
# match at least this share of the index (estimated), else group by group.
_GROUPS_SHARE = 0.1
# Up to this many words, a prefix's expansion is matched as a union of term queries.
_UNION_MAX_TERMS = 32

_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1
_WORD_ONLY = re.compile(r"\w+")
_SEGMENT_FILE = re.compile(r"^[0-9a-f]{32}(?:\.\d+)?\.[a-z]+$")

# Highlights: a word as written, with any combining marks that follow it (decomposed accents).

# Suggestions: terms of the ``keyword_suggest`` field are "<kind><folded form>\x1f<keyword as written>",
# kind "0" for the whole keyword and "1" for each word-suffix of it (so one typed word finds
# "sequencing" in "Whole genome sequencing"); the folded part holds only word characters, and the words
# of both parts are separated by _KW_SPACE (any run of whitespace in the keyword as written becomes one).
_KW_WHOLE, _KW_WORD, _KW_SEP, _KW_SPACE = "0", "1", "\x1f", "\x1d"
_KW_MAX_WORDS = 16
# Candidates fetched by score before ordering ties by title: beyond this, ties on the last score
# are cut in index order (only reachable with more than this many equally scored titles).
_SUGGEST_MAX_CANDIDATES = 1024
RESULT_CACHE_SIZE = 512  # searches whose results are kept per commit (see EmbeddedSearchBackend.search)
_SORTS = frozenset({"relevance", "title", "-title", "modified", "-modified"})
# Equal scores larger than this are not ordered by id (see _page_by_score).
_TIE_GROUP_MAX = 1000
# Hits fetched at first beyond those the page needs, in pages (see _page_by_score).
_TIE_HEADROOM = 3


def _query_key(query: SearchQuery) -> tuple:
    """Everything that decides a search's result, hashable. The language only orders titles (and is
    kept for snippets), so a relevance search in English and in Greek is one entry."""
    lang = query.lang if query.sort in ("title", "-title") or query.highlight else ""
    return (query.terms, query.phrases, tuple(sorted((f, tuple(v)) for f, v in query.filters.items() if v)),
            query.sort, query.page, query.size, lang, tuple(sorted(query.ranges.items())), query.highlight)


def _copy_result(result: SearchResult) -> SearchResult:
    """A result the caller may change without changing the cached one."""
    facets = {f: [FacetValue(v.value, v.count) for v in values] for f, values in result.facets.items()}
    return SearchResult(total=result.total, ids=list(result.ids), facets=facets,
                        highlights={i: dict(h) for i, h in result.highlights.items()})


def _lang_field(lang: str) -> str:
    return "title_sort_" + re.sub(r"[^A-Za-z0-9]", "_", lang)


def _id_key(id_: str) -> int:
    """Big-endian number of the id's first 8 UTF-8 bytes: ordered like the ids (UTF-8 byte order is
    code point order), equal only for ids sharing those bytes."""
    return int.from_bytes(id_.encode("utf-8")[:8].ljust(8, b"\0"), "big")


def _column_groups() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(columns, the facets they hold) per set of facets that FACET_COLUMNS combines."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for column, parts in FACET_COLUMNS.items():
        groups.setdefault(tuple(dict.fromkeys(f for f, _, _ in parts)), []).append(column)
    return tuple((tuple(columns), facets) for facets, columns in groups.items())


_COLUMN_GROUPS = _column_groups()


def _column_values(facets: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(column, string) of every facet column of one dataset (``facets``: its distinct values)."""
    out: list[tuple[str, str]] = []
    for group, (_, group_facets) in enumerate(_COLUMN_GROUPS):
        out.extend(_GROUP_STRINGS((group, tuple([facets.get(f, ()) for f in group_facets]))))
    return out


def _group_strings(key: tuple[int, tuple[tuple[str, ...], ...]]) -> tuple[tuple[str, str], ...]:
    """The strings of a group's columns given the values of each of its facets, in order (cached:
    they recur across thousands of datasets)."""
    group, values = key
    columns, group_facets = _COLUMN_GROUPS[group]
    of = dict(zip(group_facets, values, strict=True))
    out = []
    for column in columns:
        parts = FACET_COLUMNS[column]
        if len(parts) == 1 and parts[0][2] == parts[0][1] + 1:  # one value
            facet, i, _ = parts[0]
            mine = of[facet]
            out.append((column, mine[i] if len(mine) > i else _NO_VALUE))
            continue
        pairs = [[facet, v] for facet, i, j in parts for v in of[facet][i:j]]
        out.append((column, json.dumps(sorted(pairs), ensure_ascii=False) if pairs else _NO_VALUE))
    return tuple(out)


_GROUP_STRINGS = Memo(_group_strings, 1 << 16).__getitem__


# folded_tokens of a label or keyword, cached per distinct value.
_recurring_tokens = Memo(folded_tokens, 1 << 16).__getitem__


def _columns_of(facets: Iterable[str]) -> list[str]:
    wanted = set(facets)
    return [c for c, parts in FACET_COLUMNS.items() if any(f in wanted for f, _, _ in parts)]


def _starts_of(word: str) -> str:
    return " ".join(word[:n] for n in range(MIN_PREFIX_CHARS, min(len(word), PREFIX_MAX_CHARS) + 1))


# word -> its terms of ALL_PREFIX, space-separated; looked up for every distinct word of every document.
_word_starts = Memo(_starts_of, 1 << 18).__getitem__
_date_key = Memo(date_key, 1 << 16).__getitem__  # dates recur: a few thousand days in a catalogue


def _starts_of_tokens(tokens: str) -> str:
    return " ".join(map(_word_starts, tokens.split()))


# The terms of ALL_PREFIX for the tokens of a keyword or label, cached per distinct value.
_recurring_starts = Memo(_starts_of_tokens, 1 << 16).__getitem__


@lru_cache(maxsize=1 << 14)
def _pairs(key: str) -> tuple[tuple[str, str], ...]:
    return tuple((f, v) for f, v in json.loads(key))


def _keyword_terms(keyword: str) -> str:
    """Terms of ``keyword_suggest`` for one keyword, space-separated ("" for a keyword of no words)."""
    keyword = clean_marks(keyword)
    folded = folded_tokens(keyword).split()
    if not folded:
        return ""
    written = _KW_SPACE.join(keyword.split())
    out = [_KW_WHOLE + _KW_SPACE.join(folded) + _KW_SEP + written]
    out.extend(_KW_WORD + _KW_SPACE.join(folded[i:]) + _KW_SEP + written
               for i in range(min(len(folded), _KW_MAX_WORDS)))
    return " ".join(out)


# A dataset's terms of ``keyword_suggest`` go into the index as one value split by tantivy's whitespace
# tokenizer (a value per term cost a call each: 7 per dataset on the benchmark data), so a term holds
# _KW_SPACE where the words of the keyword are separated. Cached: keywords recur across datasets.
_suggest_terms = Memo(_keyword_terms, 1 << 16).__getitem__


# Stored display text: one value per title or description, "t" or "d", the language, _DISPLAY_SEP and the
# text as written, in UTF-8 (JSON escaping every description cost more than anything else stored).
_DISPLAY_SEP = "\x1f"


def _display_of(values: Iterable[bytes]) -> dict[str, dict[str, str]]:
    """{"t": {lang: title}, "d": {lang: description}} of a document's stored display values."""
    out: dict[str, dict[str, str]] = {"t": {}, "d": {}}
    for value in values:
        head, _, text = value.decode("utf-8").partition(_DISPLAY_SEP)
        out.setdefault(head[:1], {})[head[1:]] = text
    return out


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
        self._generation = 0  # bumped on every reload: what cached facet counts belong to
        self._all_counts: tuple[int, dict[str, dict[str, int]] | None] | None = None
        self._slot_info: tuple[int, _SlotInfo | None] | None = None
        # Results of recent searches on the current commit: popular words are asked again and again
        # (Elasticsearch's shard request cache does the same); emptied whenever the index changes.
        self._results: OrderedDict[tuple, SearchResult] = OrderedDict()
        self._results_generation = -1
        self._results_lock = threading.Lock()
        # One thread computes a search's page while the caller's counts its facets (see search).
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._open()

    # Schema and opening ---------------------------------------------------------------------------
    def _build_schema(self) -> tantivy.Schema:
        sb = tantivy.SchemaBuilder()
        # Raw (untokenised) so a delete-by-term hits exactly one id; fast so ties sort by id.
        sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw", index_option="basic")
        # The id's first 8 bytes as a big-endian number: orders like the id, and is cheap to read.
        sb.add_unsigned_field("id_key", fast=True)
        for name in TEXT_FIELDS:
            # Positions only where phrases are matched; BM25 needs the frequencies.
            sb.add_text_field(name, tokenizer_name="whitespace",
                              index_option="position" if name in PHRASE_FIELDS else "freq")
        sb.add_text_field(ALL_TEXT, tokenizer_name="whitespace", index_option="basic")
        sb.add_text_field(ALL_PREFIX, tokenizer_name="whitespace", index_option="basic")
        # Title and description as written, one value per language (see _display_of): for
        # highlights and suggestions.
        sb.add_bytes_field("display", stored=True, indexed=False, fast=False)
        sb.add_text_field("keyword_suggest", tokenizer_name="whitespace", index_option="basic")
        for facet in FACETS:
            # Raw so that IRIs and codes are matched and counted whole, case and all.
            # Facets counted from FACET_COLUMNS only need their terms (for filters).
            sb.add_text_field(facet, fast=facet not in COLUMN_FACETS, tokenizer_name="raw", index_option="basic")
        for field in (*FACET_COLUMNS, *KEYWORD_SLOTS, KEYWORD_MORE):
            sb.add_text_field(field, fast=True, tokenizer_name="raw", index_option="basic")
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
        return self._searcher_at(force)[0]

    def _searcher_at(self, force: bool = False) -> tuple[tantivy.Searcher, int]:
        """:meth:`_searcher` and the generation of what it sees (bumped on every reload)."""
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
                self._generation += 1
            return index.searcher(), self._generation

    # Writing ------------------------------------------------------------------------------------------
    @contextmanager
    def _writer(self, heap: int = WRITER_HEAP_BYTES) -> Iterator[tantivy.IndexWriter]:
        """A writer for one batch: committed and released on success, rolled back and released on error.

        ``wait_merging_threads`` both finishes the merges the commit triggered (so segments do not
        pile up across many small harvest batches) and drops tantivy's writer lock at once, instead
        of whenever Python collects the object.
        """
        with self._write_lock:
            index = self._open()
            try:
                writer = index.writer(heap_size=heap, num_threads=WRITER_THREADS)
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

    def _document(self, doc: SearchDocument, head: dict[str, int] | None = None) -> tantivy.Document:
        out = tantivy.Document()
        add_text, add_unsigned = out.add_text, out.add_unsigned
        add_text("id", doc.id)
        add_unsigned("id_key", _id_key(doc.id))
        # One value per language (or keyword), so that phrases never span two of them. Labels,
        # keywords and facet values recur across thousands of datasets: what is derived from them is
        # cached per distinct value.
        text_words: set[str] = set()
        for field, values in (("title", doc.title.values()), ("description", doc.description.values())):
            for words in map(folded_words, values):
                if words:
                    add_text(field, " ".join(words))
                    text_words.update(words)
        # ALL_TEXT keeps no frequencies: the title's and description's distinct words are enough. Word
        # starts: of those words, and per keyword or label (cached). A start shared by two words is
        # indexed twice: cheaper than removing it in Python.
        every = [" ".join(text_words)] if text_words else []
        starts = [" ".join(map(_word_starts, text_words))] if text_words else []
        for kws in doc.keywords.values():
            for tokens in map(_recurring_tokens, kws):
                if tokens:
                    add_text("keywords", tokens)
                    every.append(tokens)
                    starts.append(_recurring_starts(tokens))
        # (labels are not matched as phrases, so one value holds them all: the same terms and length)
        labels = [t for t in map(_recurring_tokens, doc.labels) if t]
        if labels:
            add_text("labels", " ".join(labels))
            every.extend(labels)
            starts.extend(map(_recurring_starts, labels))
        if every:
            add_text(ALL_TEXT, " ".join(every))
            add_text(ALL_PREFIX, " ".join(starts))
        distinct: dict[str, tuple[str, ...]] = {}
        get = doc.facets.get
        for facet in FACETS:
            values = get(facet)
            if values:
                values = tuple(dict.fromkeys(values)) if len(values) > 1 else tuple(values)
                if _NO_VALUE in values:
                    values = tuple(v for v in values if v)
                distinct[facet] = values
                for value in values:
                    add_text(facet, value)
        for field, value in _column_values(distinct):
            add_text(field, value)
        heads = sorted((k for k in distinct.get("keyword") or () if k in head), key=head.__getitem__) if head else []
        for i, field in enumerate(KEYWORD_SLOTS):
            add_text(field, heads[i] if i < len(heads) else _NO_VALUE)
        for value in heads[len(KEYWORD_SLOTS):]:
            add_text(KEYWORD_MORE, value)
        keywords = doc.facets.get("keyword")
        if keywords:  # (a term repeated across keywords is indexed once: the field keeps no frequencies)
            add_text("keyword_suggest", " ".join(map(_suggest_terms, keywords)))
        add_bytes = out.add_bytes
        for kind, texts in (("t", doc.title), ("d", doc.description)):
            for lang, text in texts.items():
                if text:
                    add_bytes("display", f"{kind}{lang}{_DISPLAY_SEP}{clean_marks(text)}".encode())
        modified = _date_key(doc.modified)
        if modified is not None:
            add_unsigned("modified", modified)
        title_sort = doc.title_sort
        for lang, field in self._sort_fields.items():
            key = title_sort.get(lang)
            add_unsigned(field, key if key is not None else sort_key(pick_text(doc.title, lang)))
        for field in NUMERIC_FIELDS:
            value = getattr(doc, field)
            if isinstance(value, int) and _I64_MIN <= value <= _I64_MAX:
                out.add_integer(field, value)
        return out

    def index(self, documents: Iterable[SearchDocument]) -> int:
        written = 0
        head, documents = self._head(documents)
        with self._writer() as writer:
            for doc in documents:
                # Deletes apply to documents added before them, so a repeated id in one batch keeps
                # its last version only.
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc, head))
                written += 1
        return written

    def _head(self, documents: Iterable[SearchDocument]) -> tuple[dict[str, int], Iterable[SearchDocument]]:
        """The head keywords (keyword -> rank) for the documents about to be written, and the documents.

        From the index's own counts once it holds HEAD_SAMPLE datasets (a reindex keeps the head of the
        catalogue it replaces), else from the first HEAD_SAMPLE documents, which are read ahead.
        """
        searcher, generation = self._searcher_at()
        if searcher.num_docs >= HEAD_SAMPLE:
            everything = self._all_counts_at(searcher, generation)
            if everything is not None:
                return _ranked_head(everything[1].get("keyword") or {}), documents
        rest = iter(documents)
        sample = list(itertools.islice(rest, HEAD_SAMPLE))
        counts: dict[str, int] = {}
        for doc in sample:
            for value in dict.fromkeys(doc.facets.get("keyword") or ()):
                if value:
                    counts[value] = counts.get(value, 0) + 1
        return _ranked_head(counts), itertools.chain(sample, rest)

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

    def rebuild(self, documents: Iterable[SearchDocument], batch: int = 2000) -> int:
        """Replace every document in one commit, so that readers never see an empty or partial index.

        One writer deletes everything and adds the new documents; tantivy writes them to new segment
        files (flushing when its heap fills, so memory stays bounded), and only the final commit
        swaps ``meta.json`` atomically. Until then the portal, in this process or another, keeps
        searching the old segments (a reader reloads when ``meta.json`` changes); if anything fails
        the writer rolls back and the old index stays as it was. The writer lock is held for the
        whole rebuild, so a harvest meanwhile gets the usual 503. ``batch`` is not needed here.
        """
        written = 0
        added: set[str] = set()
        head, documents = self._head(documents)
        with self._writer(REBUILD_HEAP_BYTES) as writer:
            writer.delete_all_documents()
            add, document = writer.add_document, self._document
            for doc in documents:
                if doc.id in added:  # a repeated id keeps its last version
                    writer.delete_documents_by_term("id", doc.id)
                added.add(doc.id)
                add(document(doc, head))
                written += 1
        return written

    def count(self) -> int:
        return self._searcher().num_docs

    def clear(self) -> None:
        with self._writer() as writer:
            writer.delete_all_documents()

    def forget_results(self) -> None:
        with self._results_lock:
            self._results.clear()

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        self._index = None
        self._meta_stamp = None
        self._all_counts = None
        self._slot_info = None
        with self._results_lock:
            self._results.clear()

    # Queries ------------------------------------------------------------------------------------------
    def _text_clause(self, term: str, fields: Sequence[str] = TEXT_FIELDS) -> Query:
        """Best field wins (dis_max), so a word repeated in title and description is not counted twice."""
        return Query.disjunction_max_query(
            [Query.boost_query(Query.term_query(self.schema, f, term), TEXT_BOOSTS[f]) for f in fields],
            tie_breaker=0.1,
        )

    def _longer_terms(self, term: str, prefix: bool, searcher: tantivy.Searcher) -> dict[str, list[str]] | None:
        """Per text field, the words of the index that start with ``term`` and are longer; ``None``
        when ``term`` is not matched as a prefix (not the last term, too short, or not a plain word)."""
        if not (prefix and len(term) >= MIN_PREFIX_CHARS and _WORD_ONLY.fullmatch(term)):
            return None
        out = {}
        for f in TEXT_FIELDS:
            longer = [t for t, _ in searcher.terms_with_prefix(f, term) if t != term]
            if longer:
                out[f] = longer
        return out

    def _term_query(self, term: str, longer: dict[str, list[str]] | None, part: str | None = None) -> Query:
        """The scored clause of one term; ``longer`` is what :meth:`_longer_terms` found.

        Typing "genom" should already find "genomics". Prefix matches carry constant, small scores
        (a BM25 of every expanded term would favour rare misspellings); the exact bonus guarantees
        that the word as typed ranks first. ``part`` "exact" leaves the prefix-only matches out (and
        the bonus, which :meth:`_page` adds), "prefix" keeps only them (each with the score it has in
        the whole clause).
        """
        exact = self._text_clause(term)
        if not longer or part == "exact":
            # Every match of the clause is exact, so the bonus would be the same for all of them: it is
            # left out (tantivy took twice as long with it: an optional clause beside the required
            # one) and added to the scores where they meet prefix-only ones (see _page).
            return exact
        # Where exact and prefix-only matches meet in one query, the bonus is an optional clause on the
        # documents with the term in some field: those with it in ALL_TEXT, one postings list.
        anywhere = Query.term_query(self.schema, ALL_TEXT, term)
        bonus = Query.const_score_query(anywhere, EXACT_BONUS)
        # Only documents without ``term`` itself use the prefix clause, so the words that extend it
        # are matched as a set (read from the term dictionary) rather than by a regular expression,
        # which would also read the postings of ``term``, often the most frequent word, once more.
        prefix_any = Query.disjunction_max_query([
            Query.const_score_query(self._terms_of(f, longer[f]), PREFIX_SCORE[f])
            for f in TEXT_FIELDS if f in longer
        ])
        prefix_only = Query.boolean_query([(Occur.Must, prefix_any), (Occur.MustNot, anywhere)])
        if part == "prefix":
            return prefix_only
        return Query.boolean_query([(Occur.Should, exact), (Occur.Should, bonus), (Occur.Should, prefix_only)])

    def _estimate(self, searcher: tantivy.Searcher, term: str) -> int:
        """Roughly how many documents have ``term`` or a longer word starting with it (deleted documents
        counted; beyond PREFIX_MAX_CHARS, fields taken as independent): only to choose how to count
        facets."""
        n = searcher.num_docs
        if n <= 0:
            return 0
        if MIN_PREFIX_CHARS <= len(term) <= PREFIX_MAX_CHARS:
            return min(n, searcher.doc_freq(ALL_PREFIX, term))
        missing = 1.0
        for f in TEXT_FIELDS:
            for _, count in searcher.terms_with_prefix(f, term):
                missing *= max(0.0, 1.0 - count / n)
        return int(n * (1.0 - missing))

    def _terms_of(self, field: str, terms: Sequence[str]) -> Query:
        """Documents with any of ``terms`` in ``field`` (scores unused)."""
        if len(terms) == 1:
            return Query.term_query(self.schema, field, terms[0])
        if len(terms) <= _UNION_MAX_TERMS:  # a union of postings is cheaper than a term-set automaton
            return Query.boolean_query([(Occur.Should, Query.term_query(self.schema, field, t)) for t in terms])
        return Query.term_set_query(self.schema, field, list(terms))

    def _term_match(self, term: str, longer_any: list[str] | None) -> Query:
        """The documents of :meth:`_term_query`, unscored (for counting facets): the term, or with
        ``longer_any`` a word of ``ALL_TEXT`` it starts, in one field rather than a union of four (and
        up to PREFIX_MAX_CHARS one term of ALL_PREFIX rather than a union of every such word)."""
        if longer_any is not None and len(term) <= PREFIX_MAX_CHARS:
            return Query.term_query(self.schema, ALL_PREFIX, term)
        return self._terms_of(ALL_TEXT, [term, *(longer_any or ())])

    def _phrase_query(self, phrase: Sequence[str]) -> Query:
        if len(phrase) == 1:  # tantivy refuses one-word phrases
            return self._text_clause(phrase[0], PHRASE_FIELDS)
        return Query.disjunction_max_query([
            Query.boost_query(Query.phrase_query(self.schema, f, list(phrase)), TEXT_BOOSTS[f])
            for f in PHRASE_FIELDS
        ])

    def _filter_clause(self, facet: str, values: Sequence[str]) -> Query:
        # Zero score: filters narrow the result set but must not change the ranking.
        return Query.const_score_query(self._terms_of(facet, values), 0.0)

    def _int_range(self, field: str, low: int | None, high: int | None) -> Query:
        """Inclusive bounds on an integer fast field; documents without the field never match."""
        low = None if low is None else max(int(low), _I64_MIN)
        high = None if high is None else min(int(high), _I64_MAX)
        if low is not None and high is not None and low > high:
            return Query.empty_query()
        if low is None and high is None:
            return Query.exists_query(field)
        return Query.range_query(self.schema, field, FieldType.Integer, low, high)

    def _range_clause(self, name: str, low: int | None, high: int | None) -> Query:
        if name == "individuals":
            query = self._int_range("individuals", low, high)
        elif name == "age":
            # The dataset's [min_age, max_age] overlaps [low, high]; both ages must be known.
            query = Query.boolean_query([
                (Occur.Must, self._int_range("max_age", low, None)),
                (Occur.Must, self._int_range("min_age", None, high)),
            ])
        else:
            return Query.empty_query()  # unknown range: nothing can carry it
        return Query.const_score_query(query, 0.0)  # like filters, ranges do not change the ranking

    def _text(self, query: SearchQuery, searcher: tantivy.Searcher) -> _Text:
        last = len(query.terms) - 1
        longer = [self._longer_terms(term, i == last, searcher) for i, term in enumerate(query.terms)]
        # (up to PREFIX_MAX_CHARS, ALL_PREFIX matches the prefix: the words it starts are not needed)
        longer_any = [None if lg is None else [] if len(term) <= PREFIX_MAX_CHARS
                      else [t for t, _ in searcher.terms_with_prefix(ALL_TEXT, term) if t != term]
                      for term, lg in zip(query.terms, longer, strict=True)]
        phrases = [self._phrase_query(p) for p in query.phrases if p]
        return _Text(query.terms, longer, longer_any, phrases)

    def _text_clauses(self, text: _Text, last: str | None = None) -> list[Query]:
        """What the words and phrases require (each clause must match), scored; ``last`` is the part
        of the last term's matches to keep (see :meth:`_term_query`)."""
        n = len(text.terms)
        return [*(self._term_query(t, lg, last if i == n - 1 else None)
                  for i, (t, lg) in enumerate(zip(text.terms, text.longer, strict=True))), *text.phrases]

    def _match_clauses(self, text: _Text) -> list[Query]:
        """The documents of :meth:`_text_clauses`, for counting (no scores, cheaper unions)."""
        return [*(self._term_match(t, lg) for t, lg in zip(text.terms, text.longer_any, strict=True)),
                *text.phrases]

    def _query(self, query: SearchQuery, text: Sequence[Query], skip_filter: str | None = None) -> Query:
        clauses: list[tuple[Occur, Query]] = [(Occur.Must, q) for q in text]
        for facet, values in sorted(query.filters.items()):
            if facet != skip_filter and values:
                if facet not in FACETS:
                    return Query.empty_query()  # unknown facet: nothing can carry it
                clauses.append((Occur.Must, self._filter_clause(facet, values)))
        # Ranges are not facets: they narrow the hits and every facet's counts alike.
        for name, bounds in sorted(query.ranges.items()):
            low, high = bounds
            clauses.append((Occur.Must, self._range_clause(name, low, high)))
        if not clauses:
            return Query.all_query()
        if len(clauses) == 1:
            return clauses[0][1]
        return Query.boolean_query(clauses)

    def _sort_field(self, lang: str) -> str:
        """The title sort field of ``lang``, else English's, else the first language's."""
        if lang in self._sort_fields:
            return self._sort_fields[lang]
        return self._sort_fields["en" if "en" in self._sort_fields else self.languages[0]]

    def search(self, query: SearchQuery) -> SearchResult:
        """The page of hits and the facet counts, computed side by side.

        tantivy releases the GIL while it searches and aggregates, so on two cores the page (scoring the
        matches, in a pool thread) runs beside the counts, and a search takes as long as the longer of
        the two rather than their sum: on a million datasets a common word's page and counts each take
        tens of milliseconds. Which way the counts go only needs an estimate of the number of matches.
        """
        if query.sort not in _SORTS:
            raise BadRequest(f"unknown sort {query.sort!r}")
        searcher, generation = self._searcher_at()
        key = _query_key(query)
        with self._results_lock:
            if self._results_generation != generation:
                self._results.clear()
                self._results_generation = generation
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return _copy_result(cached)
        result = self._search(searcher, generation, query)
        with self._results_lock:
            if self._results_generation == generation:
                self._results[key] = result
                if len(self._results) > RESULT_CACHE_SIZE:
                    self._results.popitem(last=False)
        return _copy_result(result)

    def _search(self, searcher: tantivy.Searcher, generation: int, query: SearchQuery) -> SearchResult:
        text = self._text(query, searcher)
        page = self._page_pool().submit(self._page, searcher, query, text)
        try:
            facets, matched = self._facets(searcher, generation, query, text, self._expected(searcher, query, text))
        finally:
            total, ids = page.result()  # (also when counting failed: the search must not outlive the call)
        highlights = self._highlights(searcher, query, ids) if query.highlight and not query.is_match_all else {}
        return SearchResult(total=matched if total is None else total, ids=ids, facets=facets, highlights=highlights)

    def _page_pool(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                # Threads, not one: the portal searches from several request threads at once.
                self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-page")
            return self._pool

    def _expected(self, searcher: tantivy.Searcher, query: SearchQuery, text: _Text) -> int:
        """About how many documents match the words (taken as independent), to choose how to count
        facets; the counts are exact either way."""
        n = searcher.num_docs
        if text.phrases:
            return 0
        for term in text.terms:
            n = int(n * self._estimate(searcher, term) / max(1, searcher.num_docs))
        return n

    def _page(self, searcher: tantivy.Searcher, query: SearchQuery, text: _Text) -> tuple[int | None, list[str]]:
        """The ids of the page asked for, and the number of matches when that comes with them."""
        if query.sort == "relevance" and not query.is_match_all:
            if query.terms and text.longer[-1]:
                # The last word matched as a prefix too: its exact and prefix-only matches are ranked
                # apart and merged, which spares tantivy a union of the two over the whole index (a
                # score is a sum of clause scores either way), and the exact part is scored without
                # its bonus, added here (tantivy sums in 32-bit floats, as we do).
                exact = (self._query(query, self._text_clauses(text, "exact")), EXACT_BONUS)
                if len(query.terms) == 1 and not text.phrases:
                    # One word: every exact match (BM25 + EXACT_BONUS) outranks every prefix-only
                    # one (at most PREFIX_SCORE), so a page that the exact matches fill is read from
                    # them alone, with the same scores.
                    ids = self._page_by_score(searcher, [exact], query.offset, query.size, partial=True)
                    if ids is not None:
                        return None, ids
                parts = [exact, (self._query(query, self._text_clauses(text, "prefix")), 0.0)]
            else:
                parts = [(self._query(query, self._text_clauses(text)), 0.0)]
            # The total comes with the facets, which count the same documents.
            return None, self._page_by_score(searcher, parts, query.offset, query.size) or []
        tantivy_query = self._query(query, self._text_clauses(text))
        field = self._sort_field(query.lang) if query.sort in ("relevance", "title", "-title") else "modified"
        order = Order.Desc if query.sort.startswith("-") else Order.Asc
        return self._page_by_field(searcher, tantivy_query, field, order, query.offset, query.size)

    def _display(self, searcher: tantivy.Searcher, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Stored title and description (per language) of the given ids."""
        if not ids:
            return {}
        hits = searcher.search(Query.term_set_query(self.schema, "id", list(ids)), limit=len(ids), count=False).hits
        out = {}
        for _, address in hits:
            doc = searcher.doc(address)
            out[doc.get_first("id")] = _display_of(doc.get_all("display"))
        return out

    def _highlights(self, searcher: tantivy.Searcher, query: SearchQuery,
                    ids: Sequence[str]) -> dict[str, dict[str, str]]:
        marker = Highlighter(query)
        out: dict[str, dict[str, str]] = {}
        for id_, display in self._display(searcher, ids).items():
            snippets = highlight_document(display.get("t") or {}, display.get("d") or {}, query, marker)
            if snippets:
                out[id_] = snippets
        return {i: out[i] for i in ids if i in out}  # in page order

    def _ids(self, searcher: tantivy.Searcher, addresses: Iterable[tantivy.DocAddress]) -> list[str]:
        return [searcher.doc(a).get_first("id") for a in addresses]

    def _page_by_score(self, searcher: tantivy.Searcher, parts: Sequence[tuple[Query, float]], offset: int,
                       size: int, partial: bool = False) -> list[str] | None:
        """Score order with ties broken by id, so that equal scores do not reshuffle between requests.

        tantivy breaks ties by internal address, which changes when segments merge. A group of equal
        scores that the page touches is therefore fetched whole and ordered by ``id_key`` (a fast
        field ordered like the id) and then by id, which is read only for the page. A group larger
        than ``_TIE_GROUP_MAX`` (all datasets matching only a country label, or only a prefix, on a
        large index) keeps tantivy's order instead: fetching it whole would cost a search of the
        whole group per page. That order is stable for a given set of segments, and the decision
        depends on the group's size only, so consecutive pages neither repeat nor skip a dataset.

        ``parts``: (query, bonus) pairs that split the matches between them, the bonus added to the
        query's scores (their hits are merged in tantivy's order: score, then address). With
        ``partial``, ``parts`` match the first documents of the ranking only (with their scores; every
        other match scores less than all of theirs): the answer is ``None`` when they do not fill the
        page, else what the whole ranking gives. The matches are not counted: tantivy scores a little
        faster when it need not count (2 of 16 ms for a word in nearly every dataset).
        """
        need = offset + size
        # A tie on the page's last score is common (equal titles score alike): a third of the benchmark's
        # searches met one, and fetching more hits then meant scoring every match again. A few pages
        # more at once cost little more (16.6 against 15.8 ms for the first 1,011 of a million matches
        # against 11). Counted in pages, not as a multiple of the offset: a deep page fetches no more.
        limit = need + 1 + _TIE_HEADROOM * (size + 1)
        while True:
            hits = self._top(searcher, parts, max(limit, 1))
            if partial and len(hits) <= need and size > 0:
                return None
            if size <= 0 or offset >= len(hits):
                return []
            exhausted = len(hits) < limit
            last = min(need, len(hits)) - 1
            score = hits[last][0]
            if exhausted or hits[-1][0] != score:
                break
            group_start = last  # the group of the page's last score continues past what we fetched
            while group_start > 0 and hits[group_start - 1][0] == score:
                group_start -= 1
            cap = group_start + _TIE_GROUP_MAX + 1
            if limit >= cap:
                break
            limit = cap if limit * 4 >= cap else limit * 4
        # Runs of equal scores that meet the page, resolved one by one.
        first = offset
        while first > 0 and hits[first - 1][0] == hits[offset][0]:
            first -= 1
        ids: list[str] = []
        a = first
        while a < min(need, len(hits)):
            b = a + 1
            while b < len(hits) and hits[b][0] == hits[a][0]:
                b += 1
            lo, hi = max(a, offset) - a, min(b, need) - a  # the page's part of this run
            complete = b < len(hits) or exhausted
            run = hits[a:b]
            if b - a == 1 or not complete or b - a > _TIE_GROUP_MAX:
                ids.extend(self._ids(searcher, (addr for _, addr in run[lo:hi])))
            else:
                ids.extend(self._ids_by_key(searcher, [addr for _, addr in run], lo, hi))
            a = b
        return ids

    @staticmethod
    def _top(searcher: tantivy.Searcher, parts: Sequence[tuple[Query, float]], limit: int) -> list[Any]:
        """The first ``limit`` (score, address) of the matches of ``parts`` together."""
        hits: list[Any] = []
        for part, bonus in parts:
            hits.extend(_with_bonus(searcher.search(part, limit=limit, count=False).hits, bonus))
        if len(parts) > 1:
            hits.sort(key=lambda h: (-h[0], h[1].segment_ord, h[1].doc))
        return hits[:limit]

    def _ids_by_key(self, searcher: tantivy.Searcher, addresses: list[tantivy.DocAddress], lo: int,
                    hi: int) -> list[str]:
        """Ids of ``addresses[lo:hi]`` once all are ordered by id, reading stored ids only near the page."""
        keys = searcher.fast_field_values("id_key", addresses)
        order = sorted(range(len(addresses)), key=lambda i: keys[i] or 0)
        k = [keys[i] or 0 for i in order]
        start, end = lo, hi
        while start > 0 and k[start - 1] == k[lo]:
            start -= 1  # ids sharing the key of the page's first one may sort before it
        while end < len(k) and k[end] == k[hi - 1]:
            end += 1
        chosen = [addresses[i] for i in order[start:end]]
        pairs = sorted(zip(k[start:end], self._ids(searcher, chosen), strict=True))
        return [i for _, i in pairs[lo - start:hi - start]]

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

    def _facets(self, searcher: tantivy.Searcher, generation: int, query: SearchQuery, text: _Text,
                expected: int) -> tuple[dict[str, list[FacetValue]], int]:
        """Drill-down counts (each filtered facet counted without its own filter), and the number of
        matches (with every filter).

        The unfiltered facets are counted on the matches, each filtered facet on the matches of the
        other filters. When the words match many documents, one aggregation over their matches does
        it all (each filter set a ``filter`` bucket), so the words are looked up once. A match set that
        holds most of the index (``expected`` estimates the words' matches) is counted as all
        documents (counted once per commit) minus the documents that do not match, which are fewer.

        Beside the page of one word, which is read from its exact matches and often costs a third of the
        counts, the counts of many documents are split over two threads (see _aggregate); beside the
        page of several words, as dear as the counts, that would only take turns with it.
        """
        halves = len(text.terms) == 1 and not text.phrases and not any(query.filters.values()) and not query.ranges
        filtered = [f for f in FACETS if query.filters.get(f)]
        groups = [([f for f in FACETS if f not in filtered], None), *(([f], f) for f in filtered)]
        match = self._match_clauses(text)
        counts: dict[str, dict[str, int]] = {}
        matched = 0
        pending = []
        for facets, skip in groups:
            others = any(v for k, v in query.filters.items() if k != skip) or bool(query.ranges)
            complement = None
            if not others and expected > _COMPLEMENT_SHARE * searcher.num_docs:
                complement = self._all_counts_at(searcher, generation)
            if complement is None:
                pending.append((facets, skip))
                continue
            if match:
                rest = Query.boolean_query([(Occur.Must, Query.all_query()),
                                            (Occur.MustNot, self._conjunction(match))])
                slots = self._slots_for(searcher, generation, facets, expected)
                n, found = self._count_rest(searcher, rest, facets, complement[1], slots,
                                            searcher.num_docs - expected if halves else 0)
            else:
                n, found = 0, {f: complement[1][f] for f in facets}  # every document matches
            counts.update(found)
            if skip is None:
                matched = searcher.num_docs - n
        # One aggregation with a filter bucket per group reads the words' matches once, but each
        # bucket first collects its filter's documents over the whole index: worth it only when the
        # words match many documents and reading them is dear, i.e. a prefix is a union of the words
        # it starts (beyond PREFIX_MAX_CHARS) or there is a phrase. (Measured on a million: 0.6-5 ms
        # saved per search; with the prefix a single term of ALL_PREFIX, 2-7 ms lost.)
        dear = bool(text.phrases) or any(text.longer_any)
        grouped = match and dear and len(pending) > 1 and expected >= _GROUPS_SHARE * searcher.num_docs
        filters = self._filter_strings(query) if grouped else None
        if filters is not None:
            base = self._query(replace(query, filters={}), match)
            found_groups = self._count_groups(searcher, base, [
                (facets, [filters[k] for k in sorted(filters) if k != skip]) for facets, skip in pending],
                expected if halves else 0)
        else:
            found_groups = None
        for i, (facets, skip) in enumerate(pending):
            if found_groups is not None and found_groups[i] is not None:
                n, found = found_groups[i]
            else:
                narrowed = self._narrowed(searcher, query, expected, skip)
                slots = self._slots_for(searcher, generation, facets, narrowed)
                n, found = self._count(searcher, self._query(query, match, skip_filter=skip), facets, slots=slots,
                                       matches=narrowed if halves else 0)
            counts.update(found)
            if skip is None:
                matched = n
        out: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            # The FACET_SIZE most frequent, ties by value: (-count, value) ascending.
            top = heapq.nsmallest(FACET_SIZE, ((-c, k) for k, c in (counts.get(facet) or {}).items() if c > 0))
            out[facet] = [FacetValue(str(k), -c) for c, k in top]
        return out, matched

    def _filter_strings(self, query: SearchQuery) -> dict[str, str] | None:
        """Each facet filter as tantivy query syntax (for a ``filter`` aggregation), or ``None`` when a
        filter is not a known facet or a value does not parse back to exactly its term."""
        out = {}
        for facet, values in query.filters.items():
            if not values:
                continue
            if facet not in FACETS:
                return None
            atoms = []
            for value in values:
                atom = f'{facet}:"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
                try:
                    parsed = self._open().parse_query(atom)
                except ValueError:
                    return None
                if repr(parsed) != repr(Query.term_query(self.schema, facet, value)):
                    return None
                atoms.append(atom)
            out[facet] = "(" + " OR ".join(atoms) + ")"
        return out

    def _conjunction(self, clauses: Sequence[Query]) -> Query:
        return clauses[0] if len(clauses) == 1 else Query.boolean_query([(Occur.Must, q) for q in clauses])

    def _all_counts_at(self, searcher: tantivy.Searcher,
                       generation: int) -> tuple[int, dict[str, dict[str, int]]] | None:
        """Every facet's complete counts over all documents, once per generation of the index;
        ``None`` when they cannot be had complete (more distinct values than tantivy counts at once)."""
        cached = self._all_counts
        if cached is not None and cached[0] == generation:
            return None if cached[1] is None else (generation, cached[1])
        try:
            _, counts = self._count(searcher, Query.all_query(), FACETS, complete=True, matches=searcher.num_docs)
        except _Incomplete:
            self._all_counts = (generation, None)
            return None
        self._all_counts = (generation, counts)
        return generation, counts

    def _slot_info_at(self, searcher: tantivy.Searcher, generation: int) -> _SlotInfo | None:
        """What the keyword slots leave out, once per generation of the index (see KEYWORD_SLOTS);
        ``None`` when the counts over all documents cannot be had complete."""
        cached = self._slot_info
        if cached is not None and cached[0] == generation:
            return cached[1]
        info = None
        everything = self._all_counts_at(searcher, generation)
        if everything is not None:
            try:
                raw = searcher.aggregate(Query.all_query(), self._slot_aggs())
            except ValueError as exc:
                if "bucket limit" not in str(exc):
                    raise
            else:
                full = everything[1].get("keyword") or {}
                slotted = _slot_counts(raw)
                missing = {k: n - slotted.get(k, 0) for k, n in full.items() if n > slotted.get(k, 0)}
                shown = heapq.nlargest(FACET_SIZE, full.values())
                last = shown[-1] if len(shown) == FACET_SIZE else 0
                share = 0.0 if not missing else max(missing.values()) / last if last else math.inf
                info = _SlotInfo(slotted, missing, sorted(missing.items(), key=lambda kv: -kv[1]), share)
        self._slot_info = (generation, info)
        return info

    def _slots_for(self, searcher: tantivy.Searcher, generation: int, facets: Sequence[str],
                   expected: int) -> _SlotInfo | None:
        """The slot information when ``facets`` has keywords and about ``expected`` matches are many
        enough for the slots to decide them (see _SlotInfo.share), else ``None``."""
        if "keyword" not in facets:
            return None
        info = self._slot_info_at(searcher, generation)
        if info is None or expected < _SLOTS_MARGIN * info.share * searcher.num_docs:
            return None
        return info

    @staticmethod
    def _narrowed(searcher: tantivy.Searcher, query: SearchQuery, expected: int, skip: str | None) -> int:
        """``expected`` (the words' matches) narrowed by the filters but ``skip``, taken as independent."""
        n = max(1, searcher.num_docs)
        for facet, values in query.filters.items():
            if facet != skip and values and facet in FACETS:
                expected = int(expected * min(1.0, sum(searcher.doc_freq(facet, v) for v in values) / n))
        return expected

    def _count_rest(self, searcher: tantivy.Searcher, rest: Query, facets: Sequence[str],
                    everything: dict[str, dict[str, int]], slots: _SlotInfo | None = None,
                    matches: int = 0) -> tuple[int, dict[str, dict[str, int]]]:
        """(number of documents of ``rest``, value -> count per facet of all documents but those).

        Every facet of ``rest`` is counted completely: the counts of all documents were had complete
        in one request, so those of a subset fit too. (Counting only the keywords most frequent over
        all documents, with an ``include`` list, was measured slower on a million documents: tantivy
        tests each value against the list.)
        """
        others = [f for f in facets if f != "keyword"] if slots is not None else facets
        aggs = self._count_aggs(searcher, others, complete=True)
        if slots is not None:
            aggs.update(self._slot_aggs())
        raw = self._aggregate(searcher, rest, aggs, matches)
        n = _matched(raw, others) if others else _column_total(raw, KEYWORD_SLOTS[0])
        out = {f: _minus(everything[f], c) for f, c in _column_counts(others, raw).items()}
        for facet in others:
            if facet not in COLUMN_FACETS:
                out[facet] = _minus(everything[facet], _buckets(raw.get(facet)))
        if slots is not None:
            top = _decided_top(_minus(slots.slotted, _slot_counts(raw)), slots)
            if top is None:  # a keyword outside the slots may count: the full column, over the rest
                kw = searcher.aggregate(rest, {"keyword": self._terms_agg("keyword", _ALL_BUCKETS, _ALL_BUCKETS)})
                top = _minus(everything["keyword"], _buckets(kw.get("keyword")))
            out["keyword"] = top
        return n, out

    def _slot_aggs(self) -> dict[str, Any]:
        """Complete counts of the keyword slots (a few hundred values each)."""
        return {f: self._terms_agg(f, _ALL_BUCKETS, _ALL_BUCKETS) for f in (*KEYWORD_SLOTS, KEYWORD_MORE)}

    def _count_aggs(self, searcher: tantivy.Searcher, facets: Sequence[str], complete: bool,
                    prefix: str = "") -> dict[str, Any]:
        one_segment = searcher.num_segments <= 1
        columns = _columns_of(facets)
        # Every document has one string in every facet column ("" for none), so a column's complete
        # counts add up to the number of matches; counting them apart costs 10-15 % more.
        aggs: dict[str, Any] = {} if columns else {prefix + "n": _VALUE_COUNT}
        for field in columns:
            aggs[prefix + field] = self._terms_agg(field, _ALL_BUCKETS, _ALL_BUCKETS)
        for facet in facets:
            if facet in COLUMN_FACETS:
                continue
            if complete:
                aggs[prefix + facet] = self._terms_agg(facet, _ALL_BUCKETS, _ALL_BUCKETS)
            else:
                # On one segment its top values are the overall top values: no need to ask for more.
                aggs[prefix + facet] = self._terms_agg(facet, _FACET_FETCH,
                                                       _FACET_FETCH if one_segment else _FACET_SEGMENT_SIZE)
        return aggs

    def _parse_counts(self, raw: dict[str, Any], facets: Sequence[str], complete: bool,
                      prefix: str = "") -> tuple[int, dict[str, dict[str, int]]] | None:
        """What :meth:`_count_aggs` asked for; ``None`` when a top-N list may have cut values tied
        with the last one shown (count again, completely)."""
        out = _column_counts(facets, raw, prefix)
        for facet in facets:
            if facet in COLUMN_FACETS:
                continue
            result = raw.get(prefix + facet) or {}
            found = _buckets(result)
            if not complete and not _ties_resolved(found, len(result.get("buckets") or ()), _FACET_FETCH):
                return None
            out[facet] = found
        return _matched(raw, facets, prefix), out

    def _count(self, searcher: tantivy.Searcher, query: Query, facets: Sequence[str], complete: bool = False,
               slots: _SlotInfo | None = None, matches: int = 0) -> tuple[int, dict[str, dict[str, int]]]:
        """(number of matches, value -> count per facet) of ``query``.

        Column-counted facets are always complete; other facets hold their most frequent values only
        (enough to order ties on the last value shown) unless ``complete``, which raises
        :class:`_Incomplete` when tantivy cannot return every value. With ``slots``, keywords are
        counted from the slots when those decide the values shown (see KEYWORD_SLOTS).
        """
        if slots is not None and not complete and "keyword" in facets:
            others = [f for f in facets if f != "keyword"]
            aggs = {**self._count_aggs(searcher, others, False), **self._slot_aggs()} if others else self._slot_aggs()
            try:
                raw = self._aggregate(searcher, query, aggs, matches)
            except ValueError as exc:
                if "bucket limit" not in str(exc):
                    raise
                return self._count(searcher, query, facets, complete, matches=matches)
            parsed = self._parse_counts(raw, others, False) if others else (_column_total(raw, KEYWORD_SLOTS[0]), {})
            if parsed is None:
                return self._count(searcher, query, facets, complete=True, matches=matches)
            top = _decided_top(_slot_counts(raw), slots)
            if top is None:  # a keyword outside the slots may count: the full column, as without slots
                _, found = self._count(searcher, query, ["keyword"], matches=matches)
                top = found["keyword"]
            return parsed[0], {**parsed[1], "keyword": top}
        try:
            raw = self._aggregate(searcher, query, self._count_aggs(searcher, facets, complete), matches)
        except ValueError as exc:
            if "bucket limit" not in str(exc):
                raise
            if complete:
                raise _Incomplete() from exc
            # (a column may come back top-N only: the matches are counted apart)
            raw = self._aggregate_apart(searcher, query, {**self._count_aggs(searcher, facets, complete),
                                                          "n": _VALUE_COUNT})
        parsed = self._parse_counts(raw, facets, complete)
        if parsed is None:  # values tied with the last one shown may have been cut: count them all.
            return self._count(searcher, query, facets, complete=True, matches=matches)
        return parsed

    def _aggregate(self, searcher: tantivy.Searcher, query: Query, aggs: dict[str, Any],
                   matches: int) -> dict[str, Any]:
        """``searcher.aggregate``, in two halves on two threads when about ``matches`` documents are many.

        tantivy counts one aggregation on one thread, a column after another; on a million datasets the
        facets of a common word take 20-30 ms, most of a search, while the page beside them often takes
        a third of that. Each half reads the matches again (about a tenth of the cost of a column).
        """
        if matches < _SPLIT_MATCHES or len(aggs) < 2:
            return searcher.aggregate(query, aggs)
        halves: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        load = [0.0, 0.0]
        for name, agg in sorted(aggs.items(), key=lambda kv: -_agg_cost(kv[1])):
            lighter = 0 if load[0] <= load[1] else 1
            halves[lighter][name] = agg
            load[lighter] += _agg_cost(agg)
        other = self._page_pool().submit(searcher.aggregate, query, halves[1])
        try:
            raw = searcher.aggregate(query, halves[0])
        finally:
            rest = other.result()  # (also when this half failed: the count must not outlive the call)
        raw.update(rest)
        return raw

    def _aggregate_apart(self, searcher: tantivy.Searcher, query: Query, aggs: dict[str, Any]) -> dict[str, Any]:
        """Each aggregation of ``aggs`` on its own, for more distinct values than tantivy counts at
        once (never seen with vocabularies of a few dozen values): a facet column that still has too
        many is counted top-N, as every facet once was."""
        raw: dict[str, Any] = {}
        for name, agg in aggs.items():
            try:
                raw.update(searcher.aggregate(query, {name: agg}))
            except ValueError as exc:
                if "bucket limit" not in str(exc) or "terms" not in agg:
                    raise
                raw.update(searcher.aggregate(query, {name: self._terms_agg(agg["terms"]["field"])}))
        return raw

    def _count_groups(self, searcher: tantivy.Searcher, base: Query,
                      groups: Sequence[tuple[Sequence[str], Sequence[str]]], matches: int = 0,
                      ) -> list[tuple[int, dict[str, dict[str, int]]] | None]:
        """:meth:`_count` of several (facets, filters) groups over ``base`` in one aggregation: each
        group is a ``filter`` bucket of its filters (query syntax, AND-ed). ``None`` for a group
        that needs counting again on its own."""
        aggs: dict[str, Any] = {}
        for i, (facets, filters) in enumerate(groups):
            sub = self._count_aggs(searcher, facets, False, "" if filters else f"g{i}_")
            if filters:
                aggs[f"g{i}"] = {"filter": " AND ".join(filters), "aggs": sub}
            else:
                aggs.update(sub)
        try:
            raw = self._aggregate(searcher, base, aggs, matches)
        except ValueError as exc:
            if "bucket limit" not in str(exc):
                raise
            return [None] * len(groups)
        return [self._parse_counts(raw.get(f"g{i}") or {} if filters else raw, facets, False,
                                   "" if filters else f"g{i}_")
                for i, (facets, filters) in enumerate(groups)]

    # Suggestions ----------------------------------------------------------------------------------------
    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        terms = [t for t in query.terms if t]
        if not terms or query.size <= 0:
            return []
        searcher = self._searcher()
        out: list[Suggestion] = []
        seen: set[str] = set()
        for text, id_ in self._title_suggestions(searcher, terms, query.lang, query.size):
            key = text.casefold()
            if key not in seen:
                seen.add(key)
                out.append(Suggestion(text=text, kind="title", id=id_))
                if len(out) >= query.size:
                    return out
        for keyword in self._keyword_suggestions(searcher, terms, query.size):
            key = keyword.casefold()
            if key not in seen:
                seen.add(key)
                out.append(Suggestion(text=keyword, kind="keyword"))
                if len(out) >= query.size:
                    break
        return out

    def _title_suggestions(self, searcher: tantivy.Searcher, terms: Sequence[str], lang: str,
                           size: int) -> Iterator[tuple[str, str]]:
        """(title in ``lang``, id) of titles holding every term but the last as a word and a word
        starting with the last one: best BM25 on the title first, ties in title order.

        Titles repeat (series of datasets), so candidates are fetched in growing rounds until
        ``size`` distinct titles are found or no candidate is left.
        """
        *whole, last = terms
        exact_last = Query.term_query(self.schema, "title", last)
        prefix = (Query.regex_query(self.schema, "title", last + ".*") if _WORD_ONLY.fullmatch(last)
                  else exact_last)
        must = [(Occur.Must, Query.term_query(self.schema, "title", t)) for t in whole]
        query = Query.boolean_query([*must, (Occur.Must, Query.const_score_query(prefix, 0.0)),
                                     (Occur.Should, exact_last)])
        # Scores are BM25 of the whole words; a title matching only by prefix, with no other word
        # typed, scores exactly 0, and that group (often most of the index) is read in title order.
        prefix_only = Query.boolean_query([(Occur.Must, prefix), (Occur.MustNot, exact_last)]) if not whole else None
        sort_field = self._sort_field(lang)
        seen: set[str] = set()
        wanted = size * 2
        while True:
            ranked = self._rank_titles(searcher, query, prefix_only, sort_field, wanted)
            # A later round re-reads the earlier candidates: their titles are in ``seen`` already.
            for (_, _, address) in ranked:
                doc = searcher.doc(address)
                text = pick_text(_display_of(doc.get_all("display"))["t"], lang)
                if text and text.casefold() not in seen:
                    seen.add(text.casefold())
                    yield text, doc.get_first("id")
            if len(seen) >= size or len(ranked) < wanted or wanted >= _SUGGEST_MAX_CANDIDATES:
                return
            wanted *= 4

    def _rank_titles(self, searcher: tantivy.Searcher, query: Query, prefix_only: Query | None,
                     sort_field: str, n: int) -> list[tuple[float, int, tantivy.DocAddress]]:
        """The first ``n`` matches by (score desc, title sort key asc)."""
        limit = n + 1
        while True:
            hits = searcher.search(query, limit=limit, count=False).hits
            if len(hits) < limit or hits[n - 1][0] != hits[-1][0] or limit >= _SUGGEST_MAX_CANDIDATES:
                break  # all matches fetched, or the tie group on the n-th score is complete
            if hits[-1][0] == 0.0 and prefix_only is not None:
                break  # the zero-score group is read in title order below
            limit *= 4
        if prefix_only is not None and len(hits) > n and hits[n - 1][0] == 0.0:
            scored = [h for h in hits if h[0] > 0.0]
            zero = searcher.search(prefix_only, limit=n - len(scored), count=False,
                                   order_by_field=sort_field, order=Order.Asc).hits
            keys = searcher.fast_field_values(sort_field, [a for _, a in scored])
            ranked = sorted(((s, k or 0, a) for (s, a), k in zip(scored, keys, strict=True)),
                            key=lambda t: (-t[0], t[1]))
            return ranked + [(0.0, k or 0, a) for k, a in zero]
        keys = searcher.fast_field_values(sort_field, [a for _, a in hits])
        ranked = sorted(((s, k or 0, a) for (s, a), k in zip(hits, keys, strict=True)), key=lambda t: (-t[0], t[1]))
        return ranked[:n]

    def _keyword_suggestions(self, searcher: tantivy.Searcher, terms: Sequence[str], size: int) -> list[str]:
        """Keywords (as written) whose folded form starts with the typed words, or, for one typed
        word, that have a word starting with it; most datasets first."""
        prefix = (_KW_WORD + terms[0]) if len(terms) == 1 else (_KW_WHOLE + _KW_SPACE.join(terms))
        limit = max(size, 1) * 4
        live = Query.all_query()  # counts live documents only (doc_freq would count deleted ones)
        while True:
            found = searcher.terms_with_prefix("keyword_suggest", prefix, filter_query=live, limit=limit)
            counts: dict[str, int] = {}
            for term, count in found:
                keyword = term.partition(_KW_SEP)[2].replace(_KW_SPACE, " ")
                if count > 0 and count > counts.get(keyword, 0):
                    counts[keyword] = count
            distinct = len({k.casefold() for k in counts})
            if distinct >= size or len(found) < limit:
                break
            limit *= 4
        return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold(), kv[0]))]

    @staticmethod
    def _terms_agg(field: str, size: int = _FACET_FETCH, segment_size: int = _FACET_SEGMENT_SIZE) -> dict[str, Any]:
        return {"terms": {"field": field, "size": size, "segment_size": segment_size, "min_doc_count": 1}}


class _Incomplete(Exception):
    """Complete facet counts were asked for and tantivy could not return every value."""


@dataclass(frozen=True)
class _Text:
    """A query's words (with, for the last one, the longer words it is a prefix of) and phrase clauses."""

    terms: tuple[str, ...]
    longer: list[dict[str, list[str]] | None]
    longer_any: list[list[str] | None]  # the same in ALL_TEXT ([] when ALL_PREFIX has the prefix)
    phrases: list[Query]


_VALUE_COUNT = {"value_count": {"field": "id_key"}}
# Aggregations over at least this many documents run in two halves (see _aggregate).
_SPLIT_MATCHES = 100_000


def _agg_cost(agg: dict[str, Any]) -> float:
    """Relative cost of an aggregation per document (measured on a million datasets: a multi-valued
    column about 3.5 single-valued ones, the keyword column about 10)."""
    if "filter" in agg:
        return 0.5 + sum(_agg_cost(a) for a in (agg.get("aggs") or {}).values())
    field = (agg.get("terms") or {}).get("field")
    if field == "keyword":
        return 10.0
    if field == KEYWORD_MORE:
        return 3.5
    return 1.0 if field else 0.5


def _with_bonus(hits: list[tuple[float, Any]], bonus: float) -> list[tuple[float, Any]]:
    """``hits`` with ``bonus`` added to their scores in 32-bit floats, as tantivy would have added it:
    scores that tantivy's sum would make equal stay equal, so ties are broken the same way."""
    if not bonus:
        return hits
    scores = array("f", [score + bonus for score, _ in hits])  # (the double sum is exact; one rounding)
    return [(score, address) for score, (_, address) in zip(scores, hits, strict=True)]


def _matched(raw: dict[str, Any], facets: Sequence[str], prefix: str = "") -> int:
    """The number of documents an aggregation from ``_count_aggs`` ran over."""
    counted = raw.get(prefix + "n")
    if counted is not None:
        return int(counted.get("value") or 0)
    return _column_total(raw, prefix + _columns_of(facets)[0])


def _column_total(raw: dict[str, Any], column: str) -> int:
    """The number of documents a complete count of a column ran over: every document holds one string
    in each facet column and keyword slot ("" for none)."""
    return sum(int(b.get("doc_count") or 0) for b in (raw.get(column) or {}).get("buckets") or ())


def _buckets(result: dict[str, Any] | None) -> dict[str, int]:
    buckets = (result or {}).get("buckets") or ()
    return {str(b["key"]): int(b["doc_count"]) for b in buckets if b.get("doc_count", 0) > 0}


def _column_counts(facets: Sequence[str], raw: dict[str, Any], prefix: str = "") -> dict[str, dict[str, int]]:
    """value -> count of each of ``facets`` counted from the facet columns (see FACET_COLUMNS)."""
    counts: dict[str, dict[str, int]] = {f: {} for f in facets if f in COLUMN_FACETS}
    for column in _columns_of(counts):
        parts = FACET_COLUMNS[column]
        buckets = (raw.get(prefix + column) or {}).get("buckets") or ()
        if len(parts) == 1 and parts[0][2] == parts[0][1] + 1:  # one value per document
            into = counts[parts[0][0]]
            for b in buckets:
                key = b["key"]
                if key != _NO_VALUE:
                    into[key] = into.get(key, 0) + b["doc_count"]
            continue
        for b in buckets:
            key, n = b["key"], b["doc_count"]
            if key == _NO_VALUE:
                continue
            for facet, value in _pairs(key):
                into = counts.get(facet)
                if into is not None:
                    into[value] = into.get(value, 0) + n
    return counts


@dataclass(frozen=True)
class _SlotInfo:
    """Per generation of the index: the keyword counts of all documents in the slots (``slotted``), what
    each keyword has outside them (``missing``, > 0 only; ``ranked`` most first), and ``share``: the
    check can only succeed when the last keyword shown counts more than the most any keyword has
    outside the slots, which takes about this share of the index as matches (0: nothing outside)."""

    slotted: dict[str, int]
    missing: dict[str, int]
    ranked: list[tuple[str, int]]
    share: float


def _ranked_head(counts: dict[str, int]) -> dict[str, int]:
    """The HEAD_SIZE most frequent keywords -> rank (ties by value)."""
    top = heapq.nsmallest(HEAD_SIZE, ((-c, k) for k, c in counts.items() if c > 0))
    return {k: i for i, (_, k) in enumerate(top)}


def _slot_counts(raw: dict[str, Any]) -> dict[str, int]:
    """keyword -> count over the slots of :meth:`EmbeddedSearchBackend._slot_aggs` (a dataset holds
    each keyword once, in one slot)."""
    out: dict[str, int] = {}
    for field in (*KEYWORD_SLOTS, KEYWORD_MORE):
        for b in (raw.get(field) or {}).get("buckets") or ():
            key = b["key"]
            if key != _NO_VALUE:
                out[key] = out.get(key, 0) + b["doc_count"]
    return out


def _decided_top(counted: dict[str, int], slots: _SlotInfo) -> dict[str, int] | None:
    """The FACET_SIZE keywords to show with their exact counts, when ``counted`` (counts in the slots)
    decides them; ``None`` when a keyword's count outside the slots could change them.

    They are decided when none of them has datasets outside the slots (so their counts are exact) and
    every other keyword, counting all it has outside the slots too, stays below the last one shown.
    """
    top = heapq.nsmallest(FACET_SIZE, ((-c, k) for k, c in counted.items() if c > 0))
    missing = slots.missing
    if any(k in missing for _, k in top):
        return None
    if len(top) < FACET_SIZE:  # every keyword that matches is shown: none may be outside the slots
        return None if missing else {k: -c for c, k in top}
    last = -top[-1][0]
    chosen = {k for _, k in top}
    for k, c in counted.items():
        if k not in chosen and k in missing and c + missing[k] >= last:
            return None
    for k, m in slots.ranked:
        if m < last:
            break
        if k not in counted:
            return None
    return {k: -c for c, k in top}


def _minus(all_counts: dict[str, int], others: dict[str, int]) -> dict[str, int]:
    """Counts of all documents minus those of the others (zeros are dropped when ranking)."""
    out = dict(all_counts)
    for k, n in others.items():
        out[k] = out.get(k, 0) - n
    return out


def _ties_resolved(found: dict[str, int], returned: int, size: int) -> bool:
    """Whether the top ``size`` buckets tantivy returned decide the first FACET_SIZE values: true
    unless the list was cut and the value shown last ties with the last value returned."""
    if returned < size:
        return True  # nothing was cut
    ranked = sorted(found.values(), reverse=True)
    return len(ranked) > FACET_SIZE and ranked[FACET_SIZE - 1] > ranked[-1]


__all__ = ["SCHEMA_VERSION", "EmbeddedSearchBackend"]
