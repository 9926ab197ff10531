"""The search contract, checked against every backend with the same corpus and the same assertions.

Totals, hits and facet counts must equal a plain-Python reference (``corpus.expected``); ranking may
differ between engines, but the obvious best match must come first.
"""

from __future__ import annotations

import pytest

from catalogue.search.base import MARK_END, MARK_START, SearchQuery, SuggestQuery
from catalogue.text import sort_key
from tests.contract.conftest import BACKENDS, LANGUAGES, drop_backend, make_backend
from tests.contract.corpus import documents, expected


@pytest.fixture(params=BACKENDS)
def loaded(request, tmp_path):
    backend = make_backend(request.param, tmp_path)
    docs = documents(LANGUAGES)
    assert backend.index(docs) == len(docs)
    yield backend, docs
    drop_backend(backend)


QUERIES = [
    dict(text=""),
    dict(text="genome"),
    dict(text="Γονιδίωμα"),
    dict(text="γονιδιωμα ευρωπης"),
    dict(text="felnottek"),
    dict(text="Ritka BETEGSÉGEK"),
    dict(text="genom"),
    dict(text="rare disease"),
    dict(text='"rare disease"'),
    dict(text="colorectal cancer"),
    dict(text="cancer", filters={"country": ("DE", "RO")}),
    dict(text="", filters={"access_rights": ("RESTRICTED",), "country": ("FR", "GR")}),
    dict(text="", filters={"health_category": ("MRMR",)}),
    dict(text="", ranges={"individuals": (300, 2500)}),
    dict(text="", ranges={"individuals": (None, 536)}),
    dict(text="", ranges={"age": (0, 17)}),
    dict(text="", ranges={"age": (86, None)}),
    dict(text="genome", ranges={"age": (18, 18)}, filters={"access_rights": ("RESTRICTED", "NON_PUBLIC")}),
    dict(text="epigenomische"),  # German vocabulary label of the HGPD health category
    dict(text="Sterberegistern"),  # German label of MRMR: only the two rare-disease datasets
    dict(text="Ελλάδα"),  # Greek country label
    dict(text="nothingmatchesthis"),
]


@pytest.mark.parametrize("spec", QUERIES, ids=[repr(q) for q in QUERIES])
def test_totals_hits_and_facets_match_reference(loaded, spec):
    backend, docs = loaded
    query = SearchQuery.parse(spec["text"], filters=spec.get("filters"), ranges=spec.get("ranges", {}), size=100)
    want_hits, want_facets = expected(docs, query)
    result = backend.search(query)
    assert result.total == len(want_hits)
    assert set(result.ids) == want_hits
    for facet, counts in want_facets.items():
        got = {fv.value: fv.count for fv in result.facets.get(facet, [])}
        assert got == counts, facet


@pytest.mark.parametrize("text, best", [
    ("Greek reference cohort", "gr-goe"),
    ("genomes", "de-crc"),  # the only title with the word beats description-only matches
    ("pharmacogenomics", "fr-pgx"),
    ("covid", "fr-covid"),
    ("biobank athens", "el-desc"),
    ("ritka", "hu-rare"),
])
def test_obvious_best_match_first(loaded, text, best):
    backend, _ = loaded
    result = backend.search(SearchQuery.parse(text))
    assert result.ids and result.ids[0] == best, result.ids


def test_sort_by_title_and_modified(loaded):
    backend, docs = loaded
    by_title = backend.search(SearchQuery.parse("", sort="title", lang="en", size=100)).ids
    assert by_title == [d.id for d in sorted(docs, key=lambda d: (d.title_sort["en"], d.id))]
    assert backend.search(SearchQuery.parse("", sort="-title", lang="en", size=100)).ids[0] == by_title[-1]
    newest = backend.search(SearchQuery.parse("", sort="-modified", size=100)).ids
    dated = sorted((d for d in docs if d.modified), key=lambda d: d.modified, reverse=True)
    assert newest[: len(dated)] == [d.id for d in dated]
    assert newest[-1] == "de-rare"  # the undated dataset comes last
    assert sort_key("Ελληνική") > sort_key("Zebra")


def test_paging(loaded):
    backend, docs = loaded
    pages = [backend.search(SearchQuery.parse("", sort="title", size=4, page=p)).ids for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [4, 4, 1]
    assert len({i for p in pages for i in p}) == len(docs)


def test_highlights_mark_original_words(loaded):
    backend, _ = loaded
    result = backend.search(SearchQuery.parse("γονιδιωμα", lang="el", highlight=True))
    snippet = result.highlights["gr-goe"]["title"]
    assert f"{MARK_START}Γονιδίωμα{MARK_END}" in snippet
    plain = backend.search(SearchQuery.parse("γονιδιωμα", lang="el"))
    assert plain.highlights == {}
    result = backend.search(SearchQuery.parse("colorectal", lang="en", highlight=True))
    assert f"{MARK_START}colorectal{MARK_END}" in result.highlights["de-crc"]["description"]


def test_suggest_titles_then_keywords(loaded):
    backend, _ = loaded
    titles = backend.suggest(SuggestQuery.parse("greek refer", lang="en"))
    assert titles and titles[0].kind == "title" and titles[0].id == "gr-goe"
    assert titles[0].text == "Greek reference cohort for the Genome of Europe"
    greek = backend.suggest(SuggestQuery.parse("γονιδ", lang="el"))
    assert any(s.id == "gr-goe" and s.text.startswith("Ελληνική") for s in greek)
    keywords = [s for s in backend.suggest(SuggestQuery.parse("onco", lang="en")) if s.kind == "keyword"]
    assert [s.text for s in keywords] == ["oncology"]
    assert backend.suggest(SuggestQuery.parse("", lang="en")) == []
    many = backend.suggest(SuggestQuery.parse("ge", lang="en", size=3))
    assert len(many) <= 3 and len({s.text.casefold() for s in many}) == len(many)


def test_replace_delete_count_and_rebuild(loaded):
    backend, docs = loaded
    assert backend.count() == len(docs)
    changed = docs[0]
    changed.title = {"en": "Renamed cohort"}
    backend.index([changed])
    assert backend.count() == len(docs)
    assert backend.search(SearchQuery.parse("renamed")).ids == [changed.id]
    backend.delete([docs[1].id, "unknown-id"])
    assert backend.count() == len(docs) - 1
    assert backend.rebuild(iter(docs[2:])) == len(docs) - 2
    assert backend.count() == len(docs) - 2
    assert backend.search(SearchQuery.parse("renamed")).total == 0
