"""The embedded (tantivy) search backend, on a real index in a temporary directory."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import pytest
import tantivy

from catalogue.config import Settings
from catalogue.dcat.namespaces import ACCESS_RIGHT_NAL, HEALTH_CATEGORY_NAL
from catalogue.errors import ServiceUnavailable
from catalogue.records import DatasetRecord
from catalogue.search.base import (
    MARK_END,
    MARK_START,
    SearchDocument,
    SearchQuery,
    SuggestQuery,
    clean_marks,
    document_from_record,
)
from catalogue.search.embedded import EXACT_BONUS, SCHEMA_VERSION, EmbeddedSearchBackend
from catalogue.text import folded_tokens, words

LANGS = ("en", "el", "hu", "ro")


def record(id: str, title: dict[str, str], *, countries=(), node="node", access=None, description=None,
           keywords=None, modified=None, individuals=None, min_age=None, max_age=None,
           health_categories=()) -> DatasetRecord:
    return DatasetRecord(
        id=id, node=node, title=title, description=description or {}, keywords=keywords or {},
        countries=list(countries), access_rights=ACCESS_RIGHT_NAL + access if access else None,
        modified=modified, number_of_unique_individuals=individuals, min_typical_age=min_age,
        max_typical_age=max_age, health_categories=list(health_categories),
    )


RECORDS = [
    record("gr1", {"el": "Γονιδίωμα καρκίνου", "en": "Cancer genome cohort"}, countries=["GR"], node="gr-node",
           access="PUBLIC", keywords={"en": ["genomics"]}, modified="2024-03-01", individuals=500),
    record("hu1", {"hu": "Genomikai kohorsz felnőttek", "en": "Genomic cohort of adults"}, countries=["HU"],
           node="hu-node", access="RESTRICTED", keywords={"en": ["adults"]}, modified="2023-05-10T12:00:00Z"),
    record("ro1", {"ro": "Studiu de secvențiere a genomului", "en": "Genome sequencing study"}, countries=["RO"],
           node="ro-node", access="RESTRICTED"),
    record("de1", {"en": "Rare disease registry"}, countries=["DE"], node="de-node", access="PUBLIC",
           description={"en": "Registry of rare disease patients with whole genome sequencing data"},
           modified="2022-01-01", individuals=2000),
    record("de2", {"en": "Biobank samples"}, countries=["DE"], node="de-node", access="RESTRICTED",
           description={"en": "Blood samples"}, modified="2024-01-01"),
    record("fr1", {"en": "Cancer cohort France"}, countries=["FR"], node="fr-node", access="PUBLIC",
           modified="2021"),
    record("defr", {"en": "Cross-border cancer registry"}, countries=["DE", "FR"], node="de-node",
           access="NON_PUBLIC"),
]


def docs(records):
    return [document_from_record(r, LANGS) for r in records]


@pytest.fixture
def backend(tmp_path):
    b = EmbeddedSearchBackend(tmp_path / "index", LANGS)
    assert b.index(docs(RECORDS)) == len(RECORDS)
    yield b
    b.close()


def ids(b, text="", **kwargs) -> list[str]:
    return b.search(SearchQuery.parse(text, size=100, **kwargs)).ids


def facet(result, name) -> list[tuple[str, int]]:
    return [(v.value, v.count) for v in result.facets[name]]


# Full text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("γονιδιωμα", {"gr1"}),       # query without tonos finds the accented title
    ("ΓΟΝΙΔΊΩΜΑ", {"gr1"}),       # and the accented, upper-case form too
    ("felnottek", {"hu1"}),       # Hungarian ő typed as o
    ("felnőttek", {"hu1"}),
    ("secventiere", {"ro1"}),     # Romanian ț typed as t
    ("SECVENȚIERE", {"ro1"}),
])
def test_accent_and_case_insensitive(backend, text, expected):
    assert set(ids(backend, text)) == expected


def test_all_terms_must_match(backend):
    assert set(ids(backend, "cancer cohort")) == {"gr1", "fr1"}
    assert set(ids(backend, "cancer")) == {"gr1", "fr1", "defr"}
    assert ids(backend, "cancer biobank") == []


def test_last_term_matches_as_prefix(backend):
    assert set(ids(backend, "genom")) == {"gr1", "hu1", "ro1", "de1"}
    assert set(ids(backend, "cohort genom")) == {"gr1", "hu1"}
    assert ids(backend, "genom cohort") == []  # only the last term is a prefix
    assert ids(backend, "ge") == []  # too short to expand


def test_title_match_ranks_above_description_only_match(backend):
    result = ids(backend, "genome")
    # gr1 and ro1 have "genome" in the title, de1 only in its description.
    assert set(result[:2]) == {"gr1", "ro1"}
    assert result[2:] == ["de1"]


def test_title_match_ranks_above_description_match(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    b.index(docs([
        record("a-desc", {"en": "Patient registry"}, description={"en": "Exome sequencing of patients"}),
        record("b-title", {"en": "Exome sequencing"}, description={"en": "Patients of a registry"}),
    ]))
    assert ids(b, "exome") == ["b-title", "a-desc"]


def test_exact_match_ranks_above_prefix_only_match(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    # "genome" is so common in descriptions that an exact match there scores very little in BM25.
    fillers = [record(f"filler{i:02d}", {"en": "Filler"}, description={"en": "genome"}) for i in range(20)]
    b.index(docs([
        *fillers,
        # Prefix-only, but in the title and keywords, where matches weigh most.
        record("a-prefix", {"en": "Genomes of Europe"}, keywords={"en": ["genomes"]}),
        # Exact, but once in a long description.
        record("b-exact", {"en": "Population study"},
               description={"en": "A long description of a population study in which one genome was "
                                  "sequenced alongside many questionnaires, blood tests and interviews"}),
        record("c-exact", {"en": "Genome atlas"}),
    ]))
    result = ids(b, "genome")
    assert len(result) == 23
    assert result[0] == "c-exact"
    assert result[-1] == "a-prefix"
    assert ids(b, "europe genome") == ["a-prefix"]


def test_phrase(backend):
    assert ids(backend, '"cancer registry"') == ["defr"]
    assert ids(backend, '"registry cancer"') == []
    assert ids(backend, '"sequencing study"') == ["ro1"]
    assert set(ids(backend, '"cancer"')) == {"gr1", "fr1", "defr"}  # a one-word phrase is a word
    assert ids(backend, '"cancer cohort" france') == ["fr1"]


# Facets ------------------------------------------------------------------------------------------------


def test_facet_counts_cover_all_matches_not_just_the_page(backend):
    result = backend.search(SearchQuery.parse("", size=2))
    assert result.total == 7
    assert len(result.ids) == 2
    assert facet(result, "country") == [("DE", 3), ("FR", 2), ("GR", 1), ("HU", 1), ("RO", 1)]
    # Ties on count are ordered by value.
    assert facet(result, "access_rights") == [("PUBLIC", 3), ("RESTRICTED", 3), ("NON_PUBLIC", 1)]
    assert facet(result, "node") == [("de-node", 3), ("fr-node", 1), ("gr-node", 1), ("hu-node", 1),
                                     ("ro-node", 1)]
    assert facet(result, "keyword") == [("adults", 1), ("genomics", 1)]
    assert facet(result, "theme") == []


def test_facet_counts_follow_text_query(backend):
    result = backend.search(SearchQuery.parse("cancer", size=1))
    assert result.total == 3
    assert facet(result, "country") == [("FR", 2), ("DE", 1), ("GR", 1)]


def test_filters_or_within_facet_and_across_facets(backend):
    assert set(ids(backend, filters={"country": ["GR", "HU"]})) == {"gr1", "hu1"}
    assert set(ids(backend, filters={"country": ["DE"], "access_rights": ["PUBLIC"]})) == {"de1"}
    assert set(ids(backend, filters={"country": ["DE", "FR"], "access_rights": ["PUBLIC"]})) == {"de1", "fr1"}
    assert set(ids(backend, "registry", filters={"country": ["FR"]})) == {"defr"}
    assert ids(backend, filters={"country": ["XX"]}) == []


def test_drill_down_counts_ignore_the_facets_own_filter(backend):
    result = backend.search(SearchQuery.parse("", filters={"country": ["DE"]}))
    assert set(result.ids) == {"de1", "de2", "defr"}
    assert facet(result, "country") == [("DE", 3), ("FR", 2), ("GR", 1), ("HU", 1), ("RO", 1)]
    assert facet(result, "access_rights") == [("NON_PUBLIC", 1), ("PUBLIC", 1), ("RESTRICTED", 1)]

    result = backend.search(SearchQuery.parse("", filters={"country": ["DE"], "access_rights": ["PUBLIC"]}))
    assert result.ids == ["de1"]
    assert result.total == 1
    assert facet(result, "country") == [("DE", 1), ("FR", 1), ("GR", 1)]  # counts under access=PUBLIC
    assert facet(result, "access_rights") == [("NON_PUBLIC", 1), ("PUBLIC", 1), ("RESTRICTED", 1)]  # under DE
    assert facet(result, "node") == [("de-node", 1)]  # both filters apply


# Sorting and paging ------------------------------------------------------------------------------------

TITLE_ORDER_EN = ["de2", "fr1", "gr1", "defr", "ro1", "hu1", "de1"]


def test_sort_by_title(backend):
    assert ids(backend, sort="title") == TITLE_ORDER_EN
    assert ids(backend, sort="-title") == TITLE_ORDER_EN[::-1]
    # Browsing (no text, relevance) is alphabetical so that it is stable.
    assert ids(backend) == TITLE_ORDER_EN
    # The Greek title is the one shown in Greek and sorts after Latin script.
    assert ids(backend, sort="title", lang="el") == [i for i in TITLE_ORDER_EN if i != "gr1"] + ["gr1"]
    # A language without its own sort key falls back to English.
    assert ids(backend, sort="title", lang="pt") == TITLE_ORDER_EN


def test_sort_by_modified_puts_undated_last_both_ways(backend):
    assert ids(backend, sort="modified") == ["fr1", "de1", "hu1", "de2", "gr1", "defr", "ro1"]
    assert ids(backend, sort="-modified") == ["gr1", "de2", "hu1", "de1", "fr1", "defr", "ro1"]
    assert ids(backend, "cancer", sort="-modified") == ["gr1", "fr1", "defr"]


def test_paging_and_exact_total(backend):
    pages = [backend.search(SearchQuery.parse("", sort="title", page=p, size=3)) for p in (1, 2, 3, 4)]
    assert [r.total for r in pages] == [7, 7, 7, 7]
    assert [len(r.ids) for r in pages] == [3, 3, 1, 0]
    assert [i for r in pages for i in r.ids] == TITLE_ORDER_EN
    result = backend.search(SearchQuery.parse("genom", page=2, size=3))
    assert (result.total, len(result.ids)) == (4, 1)


def test_ties_are_ordered_by_id_across_pages(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    n = 25
    names = [f"id{(i * 7) % n:02d}" for i in range(n)]  # indexed out of id order
    b.index(docs([record(i, {"en": "Same title"}, modified="2020-01-01") for i in names]))
    b.index(docs([record("zz-other", {"en": "Other"}, modified="2019-01-01")]))  # a second segment

    def pages(**kwargs):
        return [i for p in (1, 2, 3) for i in b.search(SearchQuery.parse(page=p, size=10, **kwargs)).ids]

    expected = sorted(names)
    assert pages(text="same") == expected  # equal BM25 scores
    assert pages(sort="-modified") == [*expected, "zz-other"]  # equal dates
    assert pages(sort="modified") == ["zz-other", *expected]
    # Equal titles, on pages of 9 so that a tie group is cut at both ends of page 2.
    assert [i for p in (1, 2, 3) for i in b.search(SearchQuery.parse(sort="title", page=p, size=9)).ids] \
        == ["zz-other", *expected]


# Index maintenance -------------------------------------------------------------------------------------


def test_count(backend):
    assert backend.count() == 7


def test_replace_by_id_does_not_duplicate(backend):
    changed = record("gr1", {"en": "Pharmacogenomics panel"}, countries=["GR"], access="PUBLIC")
    assert backend.index(docs([changed, changed])) == 2  # even repeated within one batch
    assert backend.count() == 7
    assert ids(backend, "pharmacogenomics") == ["gr1"]
    assert ids(backend, "γονιδιωμα") == []
    assert facet(backend.search(SearchQuery.parse("")), "country")[:2] == [("DE", 3), ("FR", 2)]


def test_delete(backend):
    assert backend.delete(["de1", "unknown"]) == 1
    assert backend.count() == 6
    assert ids(backend, "rare") == []
    assert backend.delete([]) == 0


def test_clear(backend):
    backend.clear()
    assert backend.count() == 0
    result = backend.search(SearchQuery.parse(""))
    assert (result.total, result.ids, facet(result, "country")) == (0, [], [])


def test_persists_across_reopen(backend):
    path = backend.path
    backend.close()
    reopened = EmbeddedSearchBackend(path, LANGS)
    assert reopened.count() == 7
    assert ids(reopened, "felnottek") == ["hu1"]


def test_from_settings_uses_the_configured_path(tmp_path):
    b = EmbeddedSearchBackend.from_settings(Settings(data_dir=tmp_path, languages=("en", "de")))
    assert b.path == tmp_path / "index"
    b.index(docs(RECORDS[:1]))
    assert (tmp_path / "index" / "meta.json").exists()


def test_second_instance_sees_committed_writes(backend):
    other = EmbeddedSearchBackend(backend.path, LANGS)  # as the portal, in another process
    assert other.count() == 7
    backend.index(docs([record("new1", {"en": "Microbiome survey"}, countries=["IT"])]))
    assert ids(other, "microbiome") == ["new1"]
    assert other.count() == 8
    backend.delete(["new1"])
    assert ids(other, "microbiome") == []
    # The writer was released: the other instance can write in turn.
    other.index(docs([record("new2", {"en": "Proteomics"})]))
    assert ids(backend, "proteomics") == ["new2"]


def test_writer_lock_held_elsewhere_is_service_unavailable(backend):
    foreign = tantivy.Index.open(str(backend.path))
    writer = foreign.writer(heap_size=15_000_000, num_threads=1)  # another process harvesting
    try:
        with pytest.raises(ServiceUnavailable, match="being written by another process"):
            backend.index(docs(RECORDS[:1]))
        with pytest.raises(ServiceUnavailable):
            backend.delete(["gr1"])
        assert backend.search(SearchQuery.parse("cancer")).total == 3  # reading still works
    finally:
        writer.wait_merging_threads()
    assert backend.delete(["gr1"]) == 1


def old_index(path) -> tantivy.Index:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("body", stored=True)
    old = tantivy.Index(sb.build(), str(path))
    writer = old.writer(heap_size=15_000_000, num_threads=1)
    writer.add_document(tantivy.Document(body="old"))
    writer.commit()
    writer.wait_merging_threads()
    return old


def test_incompatible_index_is_rebuilt_empty(tmp_path, caplog):
    old_index(tmp_path)
    (tmp_path / "notes.txt").write_text("not ours")
    with caplog.at_level(logging.WARNING, logger="catalogue.search.embedded"):
        b = EmbeddedSearchBackend(tmp_path, LANGS)
    assert "rebuilding it empty" in caplog.text
    assert b.count() == 0
    assert (tmp_path / "notes.txt").exists()
    b.index(docs(RECORDS))
    assert b.count() == 7


def test_older_schema_version_is_rebuilt(backend, caplog):
    backend.close()
    marker = backend.path / "gdi-search-schema.json"
    marker.write_text(marker.read_text().replace(f'"schema_version": {SCHEMA_VERSION}', '"schema_version": 0'))
    with caplog.at_level(logging.WARNING, logger="catalogue.search.embedded"):
        b = EmbeddedSearchBackend(backend.path, LANGS)
    assert "rebuilding it empty" in caplog.text
    assert b.count() == 0
    # The rebuilt index is current: opening it again keeps it.
    b.index(docs(RECORDS[:2]))
    assert EmbeddedSearchBackend(backend.path, LANGS).count() == 2


def test_numeric_fields_are_indexed_for_range_filters(backend):
    searcher = backend._searcher()
    query = tantivy.Query.range_query(backend.schema, "individuals", tantivy.FieldType.Integer, 100, 1000)
    hits = searcher.search(query, limit=10).hits
    assert [searcher.doc(a).get_first("id") for _, a in hits] == ["gr1"]


def test_incompatible_index_is_not_destroyed_while_another_process_writes_it(tmp_path):
    writer = old_index(tmp_path).writer(heap_size=15_000_000, num_threads=1)
    try:
        with pytest.raises(ServiceUnavailable, match="being written by another process"):
            EmbeddedSearchBackend(tmp_path, LANGS)
        assert tantivy.Index.open(str(tmp_path)).searcher().num_docs == 1
    finally:
        writer.wait_merging_threads()
    assert EmbeddedSearchBackend(tmp_path, LANGS).count() == 0


@pytest.mark.parametrize("text", [
    "Plain ASCII, with_underscores and 42 numbers!",
    "Γονιδίωμα ΚΑΡΚΊΝΟΥ τελικός",          # tonos, final sigma
    "Straße ﬁnal ½ ⑴ x²",                  # casefold ß, ligature, compatibility forms
    "cafe\u0301 naïve\u00a0Ørsted Łódź",  # decomposed accent, no-break space, stroke letters
    "a\u00a8b ș\u2003ț\tő\nű",           # diaeresis folding to space + mark, em space
])
def test_fast_tokenising_equals_folding_the_whole_text(text):
    assert folded_tokens(text) == " ".join(words(text))


# Vocabulary labels --------------------------------------------------------------------------------------

HGPD = HEALTH_CATEGORY_NAL + "HGPD"
LABELS = {HGPD: ["Human genetic, epigenomic and genomic data",
                 "Menschliche genetische, epigenomische und genomische Daten"]}


def labelled(records):
    return [document_from_record(r, LANGS, lambda iri: LABELS.get(iri, [])) for r in records]


@pytest.fixture
def labels_backend(tmp_path):
    b = EmbeddedSearchBackend(tmp_path / "labels", LANGS)
    b.index(labelled([
        record("tagged", {"en": "Exome panel"}, health_categories=[HGPD]),
        record("titled", {"en": "Epigenomic atlas"}),
        record("described", {"en": "Methylation study"}, description={"en": "Epigenomic profiles of blood"}),
        record("plain", {"en": "Blood pressure survey"}),
    ]))
    yield b
    b.close()


def test_german_category_label_finds_the_tagged_dataset(labels_backend):
    assert ids(labels_backend, "Menschliche genetische, epigenomische und genomische Daten") == ["tagged"]
    assert ids(labels_backend, "menschliche genomische") == ["tagged"]
    assert ids(labels_backend, "genomisc") == ["tagged"]  # prefix, as in the other fields


def test_label_matches_rank_below_title_and_description_matches(labels_backend):
    assert ids(labels_backend, "epigenomic") == ["titled", "described", "tagged"]


def test_phrases_do_not_match_labels(labels_backend):
    # Phrases are the dataset's own wording; a one-word phrase is a word of that wording too.
    assert ids(labels_backend, '"genomische daten"') == []
    assert ids(labels_backend, '"menschliche"') == []


# Ranges ------------------------------------------------------------------------------------------------

RANGED = [
    record("n100", {"en": "Cohort one"}, countries=["DE"], individuals=100, min_age=0, max_age=17),
    record("n500", {"en": "Cohort two"}, countries=["DE"], individuals=500, min_age=18, max_age=65),
    record("n2000", {"en": "Cohort three"}, countries=["FR"], individuals=2000, min_age=65, max_age=90),
    record("none", {"en": "Cohort four"}, countries=["FR"]),
    record("minonly", {"en": "Cohort five"}, countries=["FR"], individuals=0, min_age=30),
    record("maxonly", {"en": "Cohort six"}, countries=["IT"], max_age=40),
]


@pytest.fixture
def ranged(tmp_path):
    b = EmbeddedSearchBackend(tmp_path / "ranged", LANGS)
    b.index(docs(RANGED))
    yield b
    b.close()


@pytest.mark.parametrize(("bounds", "expected"), [
    ((100, 500), {"n100", "n500"}),           # both bounds inclusive
    ((101, 499), set()),
    ((500, None), {"n500", "n2000"}),         # open upper bound
    ((None, 100), {"n100", "minonly"}),       # open lower bound; zero is a value, not a missing one
    ((None, None), {"n100", "n500", "n2000", "minonly"}),  # only datasets that state the number
    ((600, 100), set()),                      # an empty interval
    ((-(2**70), 2**70), {"n100", "n500", "n2000", "minonly"}),  # beyond 64 bits: clamped, no error
])
def test_individuals_range(ranged, bounds, expected):
    assert set(ids(ranged, ranges={"individuals": bounds})) == expected


@pytest.mark.parametrize(("bounds", "expected"), [
    ((17, 17), {"n100"}),                     # edge: max_age == low
    ((18, 18), {"n500"}),                     # edge: min_age == high
    ((65, 65), {"n500", "n2000"}),            # touches both intervals
    ((17, 18), {"n100", "n500"}),
    ((66, None), {"n2000"}),
    ((91, None), set()),
    ((None, 0), {"n100"}),
    ((None, None), {"n100", "n500", "n2000"}),  # a dataset needs both ages to match an age range
    ((0, 200), {"n100", "n500", "n2000"}),      # never the ones with a single age or none
])
def test_age_range_overlaps(ranged, bounds, expected):
    assert set(ids(ranged, ranges={"age": bounds})) == expected


def test_ranges_combine_with_text_filters_and_each_other(ranged):
    assert set(ids(ranged, "cohort", ranges={"individuals": (100, None), "age": (60, None)})) == {"n500", "n2000"}
    assert ids(ranged, "three", ranges={"individuals": (None, 1000)}) == []
    assert ids(ranged, filters={"country": ["FR"]}, ranges={"age": (60, None)}) == ["n2000"]


def test_ranges_apply_to_every_facet_count(ranged):
    result = ranged.search(SearchQuery.parse("", ranges={"individuals": (100, None)}))
    assert result.total == 3
    assert facet(result, "country") == [("DE", 2), ("FR", 1)]
    # Also to the drill-down counts of a filtered facet, which drop that facet's own filter.
    result = ranged.search(SearchQuery.parse("", filters={"country": ["FR"]}, ranges={"individuals": (0, 600)}))
    assert set(result.ids) == {"minonly"}
    assert facet(result, "country") == [("DE", 2), ("FR", 1)]


# Highlights --------------------------------------------------------------------------------------------

LONG = " ".join(f"filler{i} word" for i in range(60))  # ~700 characters without a match


def marked(snippet: str) -> list[str]:
    return re.findall(f"{MARK_START}(.*?){MARK_END}", snippet)


def plain(snippet: str) -> str:
    return clean_marks(snippet).strip("\u2026")


@pytest.fixture
def hl(tmp_path):
    b = EmbeddedSearchBackend(tmp_path / "hl", LANGS)
    b.index(docs([
        *RECORDS,
        record("long", {"en": "Population panel"},
               description={"en": f"Colorectal sequencing first. {LONG} A colorectal cohort, colorectal tumours and "
                                  f"colorectal polyps sequenced. {LONG} The end."}),
        record("cafe", {"en": "Cafe\u0301 workers", "el": "Καφέ"}, description={"en": "Short text about work."}),
        record("phrase", {"en": "Rare samples"}, description={"en": "A rare disease cohort; disease is rare."}),
    ]))
    yield b
    b.close()


def highlight(b, text, **kwargs):
    return b.search(SearchQuery.parse(text, highlight=True, size=100, **kwargs))


def test_highlight_marks_the_original_accented_word(hl):
    result = highlight(hl, "γονιδιωμα", lang="el")
    assert result.highlights == {"gr1": {"title": f"{MARK_START}Γονιδίωμα{MARK_END} καρκίνου"}}
    assert highlight(hl, "ΓΟΝΙΔΊΩΜΑ", lang="el").highlights["gr1"]["title"].startswith(f"{MARK_START}Γονιδίωμα")
    # Shown in English, the title holds no Greek word: no snippet for that dataset at all.
    assert highlight(hl, "γονιδιωμα", lang="en").highlights == {}
    result = highlight(hl, "felnottek", lang="hu")
    assert result.highlights["hu1"]["title"] == f"Genomikai kohorsz {MARK_START}felnőttek{MARK_END}"


def test_highlight_language_falls_back_like_the_display(hl):
    # Portuguese: no title in Portuguese, so the English one is shown and marked.
    title = highlight(hl, "cancer", lang="pt").highlights["gr1"]["title"]
    assert title == f"{MARK_START}Cancer{MARK_END} genome cohort"


def test_highlight_marks_the_word_a_prefix_matched(hl):
    result = highlight(hl, "cohort genom", lang="en")
    assert result.highlights["hu1"]["title"] == f"{MARK_START}Genomic{MARK_END} {MARK_START}cohort{MARK_END} of adults"
    assert marked(result.highlights["gr1"]["title"]) == ["genome", "cohort"]


def test_highlight_keeps_combining_accents_inside_the_mark(hl):
    assert highlight(hl, "cafe", lang="en").highlights["cafe"] == {"title": f"{MARK_START}Cafe\u0301{MARK_END} workers"}


def test_highlight_phrase_marks_only_the_sequence(hl):
    snippet = highlight(hl, '"rare disease"', lang="en").highlights["phrase"]
    assert "title" not in snippet  # "Rare" alone is not the phrase
    assert snippet["description"] == (f"A {MARK_START}rare{MARK_END} {MARK_START}disease{MARK_END} cohort; "
                                      "disease is rare.")


def test_highlight_description_fragment_around_the_densest_matches(hl):
    # One "colorectal" opens the description, three come together in the middle: they win.
    result = highlight(hl, "colorectal", lang="en")
    snippet = result.highlights["long"]
    assert "title" not in snippet  # only fields with a mark
    fragment = snippet["description"]
    assert marked(fragment) == ["colorectal"] * 3
    text = clean_marks(fragment)
    assert len(text) <= 240
    assert text.startswith("\u2026") and text.endswith("\u2026")
    original = hl._display(hl._searcher(), ["long"])["long"]["d"]["en"]
    inner = plain(fragment)
    start = original.index(inner)
    # Cut at word boundaries: whole words at both ends.
    assert original[start - 1] == " " and original[start + len(inner)] == " "


def test_highlight_short_description_is_whole_and_first_match_wins_the_fragment(hl):
    assert highlight(hl, "rare", lang="en").highlights["de1"] == {
        "title": f"{MARK_START}Rare{MARK_END} disease registry",
        "description": f"Registry of {MARK_START}rare{MARK_END} disease patients with whole genome sequencing data",
    }
    fragment = highlight(hl, "sequencing", lang="en").highlights["long"]["description"]
    assert fragment.startswith(f"Colorectal {MARK_START}sequencing{MARK_END} first.")
    assert fragment.endswith("\u2026") and "colorectal" not in fragment


def test_no_highlights_unless_asked_or_without_words(hl):
    assert hl.search(SearchQuery.parse("cancer", size=100)).highlights == {}
    assert hl.search(SearchQuery.parse("", highlight=True, size=100)).highlights == {}


def test_highlights_only_for_the_page(hl):
    result = hl.search(SearchQuery.parse("cancer", highlight=True, size=2, sort="title"))
    assert (result.total, result.ids) == (3, ["fr1", "gr1"])
    assert list(result.highlights) == ["fr1", "gr1"]
    rest = hl.search(SearchQuery.parse("cancer", highlight=True, size=2, page=2, sort="title"))
    assert list(rest.highlights) == rest.ids == ["defr"]


def test_marks_never_come_from_the_data(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    sneaky = f"Cancer {MARK_START}trick{MARK_END} study"
    b.index([SearchDocument(id="x", title={"en": sneaky}, description={"en": sneaky}, keywords={}, facets={},
                            modified=None, title_sort={})])
    snippet = highlight(b, "cancer").highlights["x"]
    assert snippet["title"] == f"{MARK_START}Cancer{MARK_END} trick study"
    assert snippet["description"].count(MARK_START) == snippet["description"].count(MARK_END) == 1


# Suggestions -------------------------------------------------------------------------------------------


def suggest(b, text, lang="en", size=8):
    return [(s.kind, s.text, s.id) for s in b.suggest(SuggestQuery.parse(text, lang=lang, size=size))]


def test_suggest_completes_titles_by_prefix(backend):
    # "cancer" is a prefix-only match everywhere: equal scores, so title order in the language asked.
    assert suggest(backend, "canc") == [("title", "Cancer cohort France", "fr1"),
                                        ("title", "Cancer genome cohort", "gr1"),
                                        ("title", "Cross-border cancer registry", "defr")]
    assert suggest(backend, "CANC", size=1) == [("title", "Cancer cohort France", "fr1")]


def test_suggest_every_term_but_the_last_is_a_whole_word(backend):
    assert suggest(backend, "cancer coh") == [("title", "Cancer cohort France", "fr1"),
                                              ("title", "Cancer genome cohort", "gr1")]
    assert suggest(backend, "canc cohort") == []  # "canc" is not a word of any title
    assert suggest(backend, "rare disease reg") == [("title", "Rare disease registry", "de1")]


def test_suggest_title_in_the_query_language_with_fallback(backend):
    assert suggest(backend, "γονιδ", lang="el") == [("title", "Γονιδίωμα καρκίνου", "gr1")]
    # Found through the Greek title, shown in English; and in English for a language without a title.
    assert suggest(backend, "γονιδ", lang="en") == [("title", "Cancer genome cohort", "gr1")]
    assert suggest(backend, "γονιδ", lang="pt") == [("title", "Cancer genome cohort", "gr1")]
    assert suggest(backend, "felno", lang="hu") == [("title", "Genomikai kohorsz felnőttek", "hu1")]


def test_suggest_best_title_match_first(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    b.index(docs([
        record("a", {"en": "Alpha genomes"}),               # prefix only
        record("z", {"en": "Zeta genome"}),                 # the whole word: BM25 above every prefix match
        record("y", {"en": "Yotta genome of a large cohort"}),  # whole word, longer title: lower BM25
    ]))
    assert [i for _, _, i in suggest(b, "genome")] == ["z", "y", "a"]


def test_suggest_prefix_group_in_title_order_beyond_the_first_candidates(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    names = [f"{a}{b}" for a in "qwertyuiopasdfghjklzxcvbnm" for b in "aeiou"][:60]
    for batch in (names[::2], names[1::2]):  # two segments, neither in title order
        b.index(docs([record(n, {"en": f"{n.capitalize()} samples"}) for n in batch]))
    got = suggest(b, "sampl", size=5)
    assert [t for _, t, _ in got] == [f"{n.capitalize()} samples" for n in sorted(names)[:5]]


KEYWORDED = [
    record("k1", {"en": "First"}, keywords={"en": ["Genomics", "Whole genome sequencing"]}),
    record("k2", {"en": "Second"}, keywords={"en": ["genomics", "Genome sequencing"]}),
    record("k3", {"en": "Third"}, keywords={"en": ["genomics", "Genome sequencing", "Oncology"]}),
    record("k4", {"en": "Fourth"}, keywords={"de": ["Genomik"], "en": ["genomics"]}),
    record("k5", {"en": "Genomics"}, keywords={"en": ["Sequenzierung"]}),
]


@pytest.fixture
def keyworded(tmp_path):
    b = EmbeddedSearchBackend(tmp_path / "kw", LANGS)
    b.index(docs(KEYWORDED))
    yield b
    b.close()


def test_suggest_keywords_by_prefix_most_frequent_first(keyworded):
    assert suggest(keyworded, "geno") == [
        ("title", "Genomics", "k5"),
        # "genomics" (3 datasets) duplicates the title and "Genomics" (1) differs only in case.
        ("keyword", "Genome sequencing", None),  # 2
        ("keyword", "Genomik", None),             # 1, ties by value
        ("keyword", "Whole genome sequencing", None),  # 1, a later word starts with "geno"
    ]
    # One typed word also finds keywords with a later word starting with it.
    assert suggest(keyworded, "sequ") == [("keyword", "Genome sequencing", None),
                                          ("keyword", "Sequenzierung", None),
                                          ("keyword", "Whole genome sequencing", None)]
    # Several words: the keyword must start with them.
    assert suggest(keyworded, "genome seq") == [("keyword", "Genome sequencing", None)]
    assert suggest(keyworded, "whole genome s") == [("keyword", "Whole genome sequencing", None)]
    assert suggest(keyworded, "onc") == [("keyword", "Oncology", None)]


def test_separators_and_whitespace_in_harvested_text_survive_indexing(tmp_path):
    # Display values are "<kind><lang>\x1f<text>" and suggestion terms join words with \x1d inside one
    # whitespace-split value: harvested text holding those characters, tabs or runs of spaces must come
    # back as written (suggestions with each run of whitespace as one space) and not break other terms.
    b = EmbeddedSearchBackend(tmp_path / "sep", LANGS)
    title = {"en": "Odd\x1ftitle\x1d with\ttabs", "el": "Γονιδίωμα  δύο"}
    b.index(docs([record("odd", title, description={"en": "A\x1fB\nC"},
                         keywords={"en": ["Whole\tgenome   sequencing", "rare\x1ddisease", " padded "]})]))
    display = b._display(b._searcher(), ["odd"])["odd"]
    assert display == {"t": title, "d": {"en": "A\x1fB\nC"}}
    assert suggest(b, "whole genome s") == [("keyword", "Whole genome sequencing", None)]
    assert suggest(b, "sequ") == [("keyword", "Whole genome sequencing", None)]
    assert suggest(b, "padd") == [("keyword", "padded", None)]
    # \x1d is no word character, so it separates the keyword's words like a space
    assert suggest(b, "rare dis") == [("keyword", "rare disease", None)]
    assert ids(b, "tabs") == ["odd"] and ids(b, "δυο") == ["odd"]
    b.close()


def test_suggest_size_limit_and_no_duplicates(keyworded):
    assert suggest(keyworded, "geno", size=2) == [("title", "Genomics", "k5"), ("keyword", "Genome sequencing", None)]
    assert suggest(keyworded, "geno", size=1) == [("title", "Genomics", "k5")]
    assert suggest(keyworded, "geno", size=0) == []
    many = keyworded.suggest(SuggestQuery.parse("g", size=20))
    assert len({s.text.casefold() for s in many}) == len(many)


def test_suggest_nothing_for_no_terms(keyworded):
    assert suggest(keyworded, "") == []
    assert suggest(keyworded, " ,;! ") == []
    assert suggest(keyworded, "zzz") == []


def test_suggest_counts_only_live_documents(keyworded):
    keyworded.delete(["k1"])
    assert suggest(keyworded, "whole") == []
    keyworded.delete(["k2", "k3"])
    assert ("keyword", "Genome sequencing", None) not in suggest(keyworded, "geno")


# Rebuild -----------------------------------------------------------------------------------------------


def test_rebuild_swaps_in_one_commit_while_others_keep_reading(backend):
    portal = EmbeddedSearchBackend(backend.path, LANGS)  # a reader, as in the portal process
    seen_during = []

    def documents():
        for doc in docs([record("new1", {"en": "Microbiome survey"}), RECORDS[0],
                         record("new1", {"en": "Microbiome atlas"})]):
            seen_during.append((portal.count(), portal.search(SearchQuery.parse("cancer")).total))
            yield doc

    assert backend.rebuild(documents()) == 3
    assert seen_during == [(7, 3)] * 3  # never empty, never partial
    assert portal.count() == 2
    assert ids(portal, "microbiome") == ["new1"]
    assert ids(portal, "atlas") == ["new1"]  # a repeated id keeps its last version
    assert ids(portal, "registry") == []


def test_rebuild_that_fails_leaves_the_index_as_it_was(backend):
    def documents():
        yield from docs(RECORDS[:1])
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(documents())
    assert backend.count() == 7
    assert backend.index(docs(RECORDS[:1])) == 1  # the writer was released


def test_large_tie_groups_page_consistently_without_reading_every_id(tmp_path, monkeypatch):
    import catalogue.search.embedded as embedded

    b = EmbeddedSearchBackend(tmp_path, ["en"])
    names = [f"id{(i * 7) % 25:02d}" for i in range(25)]
    b.index(docs([record(i, {"en": "Same title"}) for i in names[:12]]))
    b.index(docs([record(i, {"en": "Same title"}) for i in names[12:]]))  # two segments
    b.index(docs([record("best", {"en": "Same same title"})]))
    monkeypatch.setattr(embedded, "_TIE_GROUP_MAX", 5)  # 25 equal scores are now a large group
    read = []
    monkeypatch.setattr(b, "_ids", lambda s, addresses: read.extend(a := list(addresses)) or
                        EmbeddedSearchBackend._ids(b, s, a))
    pages = [b.search(SearchQuery.parse("same", page=p, size=4)).ids for p in range(1, 8)]
    assert pages[0][0] == "best"
    flat = [i for p in pages for i in p]
    assert sorted(flat) == sorted([*names, "best"])  # nothing repeated, nothing skipped
    assert len(read) == len(flat)  # only the page's stored ids were read
    monkeypatch.setattr(embedded, "_TIE_GROUP_MAX", 1000)
    b.close()  # forget the cached results of the searches above (same index, other rule)
    assert [i for p in range(1, 8) for i in b.search(SearchQuery.parse("same", page=p, size=4)).ids] \
        == ["best", *sorted(names)]


def test_ties_sharing_the_id_key_are_still_ordered_by_id(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    names = [f"dataset-{(i * 7) % 25:04d}" for i in range(25)]  # the same first 8 bytes
    b.index(docs([record(i, {"en": "Same title"}) for i in names] + [record("a", {"en": "Same title"})]))
    pages = [i for p in (1, 2, 3, 4) for i in b.search(SearchQuery.parse("same", page=p, size=7)).ids]
    assert pages == ["a", *sorted(names)]


def test_suggest_looks_past_repeated_titles(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    b.index(docs([record(f"a{i:02d}", {"en": "Alpha samples"}) for i in range(30)]
                 + [record("b", {"en": "Beta samples"}), record("c", {"en": "Gamma SAMPLES"}),
                    record("d", {"en": "Gamma samples"})]))
    assert [t for _, t, _ in suggest(b, "sampl", size=3)] == ["Alpha samples", "Beta samples", "Gamma SAMPLES"]
    assert [t for _, t, _ in suggest(b, "alpha sampl", size=3)] == ["Alpha samples"]


# Facet counting -----------------------------------------------------------------------------------------
# Facets are counted several ways, chosen for speed (facet columns, keyword top lists, "all documents
# minus the others" for large match sets, one aggregation with a filter bucket per filter set); each
# must give exactly what counting the matching documents in Python gives.

FACET_WORDS = ["data", "database", "datasets", "genome", "genomic", "cohort", "rare", "study"]
ODD_VALUES = ['say "hi"', "back\\slash", "a:b (c) AND d", "Ünïcode value"]


def facet_docs(n=240, seed=11):
    import random

    rng = random.Random(seed)
    keywords = [f"kw{i:02d}" for i in range(30)] + ODD_VALUES
    out = []
    for i in range(n):
        def pick(values, low, high):
            return rng.sample(values, rng.randint(low, high))

        title = " ".join(rng.choices(FACET_WORDS, k=rng.randint(1, 4)))
        out.append(SearchDocument(
            id=f"d{i:03d}", title={"en": title.capitalize()},
            description={"en": " ".join(rng.choices(FACET_WORDS, k=3))},
            keywords={"en": pick(keywords, 0, 3)},
            facets={"country": pick(["DE", "FR", "IT", "ES", "GR", "HU", "RO", ODD_VALUES[0]], 0, 6),
                    "node": pick(["n1", "n2", "n3", ODD_VALUES[1]], 1, 2),
                    "access_rights": pick(["PUBLIC", "RESTRICTED", "NON_PUBLIC"], 0, 2),
                    "health_category": pick([f"hc{j}" for j in range(9)], 0, 5),
                    "theme": pick(["HEAL", "TECH", "SOCI", "EDUC"], 0, 4),
                    "keyword": pick(keywords, 0, 7)},
            modified="2024-01-01", title_sort={}, individuals=rng.choice([None, 10, 1000]),
            labels=["Health data"] if i % 3 else []))
    return out


def python_facets(b, query, documents=None):
    """Drill-down counts from the matching ids, counted in Python."""
    from catalogue.search.base import FACET_SIZE, FACETS

    by_id = {d.id: d for d in documents or facet_docs()}
    out = {}
    for facet in FACETS:
        matching = b.search(replace(query.without_filter(facet), size=1000, page=1)).ids
        counts = {}
        for i in matching:
            for v in dict.fromkeys(by_id[i].facets.get(facet) or ()):
                counts[v] = counts.get(v, 0) + 1
        out[facet] = [(v, c) for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_SIZE]]
    return out


FACET_QUERIES = [
    {}, {"text": "data"}, {"text": "dat"}, {"text": "genome data"}, {"text": "genom"}, {"text": '"rare study"'},
    {"text": "databas"}, {"text": "study datas"},  # prefixes longer than the indexed word starts
    {"text": "data", "filters": {"theme": ["HEAL"]}},
    {"text": "dat", "filters": {"country": ["DE", ODD_VALUES[0]], "keyword": [ODD_VALUES[1], "kw03"]}},
    {"filters": {"node": [ODD_VALUES[1]], "health_category": ["hc1", "hc2"]}},
    {"text": "cohort", "filters": {"access_rights": ["PUBLIC"], "keyword": [ODD_VALUES[2], ODD_VALUES[3]]}},
    {"text": "study", "ranges": {"individuals": (100, None)}},
    {"text": "data", "filters": {"theme": ["TECH"]}, "ranges": {"individuals": (None, 100)}},
]


@pytest.fixture(scope="module")
def faceted(tmp_path_factory):
    b = EmbeddedSearchBackend(tmp_path_factory.mktemp("faceted"), ["en"])
    b.index(facet_docs())
    yield b
    b.close()


@pytest.mark.parametrize("strategy", ["default", "all minus others", "direct", "filters together", "filters apart",
                                      "short lists", "tight lists", "term sets", "prefix unions", "halves",
                                      "halves of all minus others"])
@pytest.mark.parametrize("spec", FACET_QUERIES)
def test_facet_counts_equal_a_python_count(faceted, monkeypatch, strategy, spec):
    import catalogue.search.embedded as embedded

    faceted.close()  # no results cached by another strategy: each one must count for itself
    if strategy == "all minus others":
        monkeypatch.setattr(embedded, "_COMPLEMENT_SHARE", 0.0)
    elif strategy == "direct":
        monkeypatch.setattr(embedded, "_COMPLEMENT_SHARE", 2.0)
    elif strategy == "filters together":  # one aggregation with a filter bucket per group, whatever the words
        monkeypatch.setattr(embedded, "_GROUPS_SHARE", 0.0)
        monkeypatch.setattr(embedded, "PREFIX_MAX_CHARS", 0)  # (prefixes as unions of words: dear to read)
    elif strategy == "filters apart":
        monkeypatch.setattr(EmbeddedSearchBackend, "_filter_strings", lambda self, query: None)
    elif strategy in ("short lists", "tight lists"):  # top lists shorter than the values: ties at their cut
        monkeypatch.setattr(embedded, "FACET_SIZE", 3)
        monkeypatch.setattr(embedded, "_FACET_FETCH", 5 if strategy == "short lists" else 3)
        monkeypatch.setattr(embedded, "_COMPLEMENT_SHARE", 0.0 if "text" in spec else 2.0)
    elif strategy == "term sets":  # a prefix's words as a term set rather than a union
        monkeypatch.setattr(embedded, "_UNION_MAX_TERMS", 0)
    elif strategy == "prefix unions":  # every prefix as the union of its words, not a word start of ALL_PREFIX
        monkeypatch.setattr(embedded, "PREFIX_MAX_CHARS", 0)
    elif strategy.startswith("halves"):  # counts of a word's matches split over two threads, however few
        monkeypatch.setattr(embedded, "_SPLIT_MATCHES", 0)
        monkeypatch.setattr(embedded, "_COMPLEMENT_SHARE", 0.0 if "all minus" in strategy else 2.0)
    spec = dict(spec)
    query = SearchQuery.parse(spec.pop("text", ""), **spec)
    result = faceted.search(query)
    expected = python_facets(faceted, query)
    if strategy in ("short lists", "tight lists"):
        expected = {f: v[:3] for f, v in expected.items()}
    assert {f: facet(result, f) for f in expected} == expected
    assert result.total == len(faceted.search(replace(query, size=1000)).ids)


@pytest.fixture(scope="module")
def small_head(tmp_path_factory):
    """The facet documents with only 8 keywords in the head: most keywords are outside the slots."""
    import catalogue.search.embedded as embedded

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(embedded, "HEAD_SIZE", 8)
        b = EmbeddedSearchBackend(tmp_path_factory.mktemp("small-head"), ["en"])
        b.index(facet_docs())
    yield b
    b.close()


def slots_first(monkeypatch, facet_size):
    """Count keywords from the slots whenever they are counted, showing ``facet_size`` values; returns the
    list of the slots' verdicts (True: they decided the keywords)."""
    import catalogue.search.embedded as embedded

    monkeypatch.setattr(embedded, "_SLOTS_MARGIN", 0.0)
    monkeypatch.setattr(embedded, "FACET_SIZE", facet_size)
    monkeypatch.setattr(embedded, "_FACET_FETCH", facet_size * 4)
    verdicts = []
    decide = embedded._decided_top

    def spy(counted, slots):
        out = decide(counted, slots)
        verdicts.append(out is not None)
        return out

    monkeypatch.setattr(embedded, "_decided_top", spy)
    return verdicts


@pytest.mark.parametrize("index", ["faceted", "small_head"])
@pytest.mark.parametrize("strategy", ["direct", "all minus others"])
@pytest.mark.parametrize("facet_size", [50, 3])
@pytest.mark.parametrize("spec", FACET_QUERIES)
def test_keyword_slots_count_exactly_or_defer_to_the_full_column(request, monkeypatch, index, strategy, facet_size,
                                                                  spec):
    import catalogue.search.embedded as embedded

    b = request.getfixturevalue(index)
    b.close()
    verdicts = slots_first(monkeypatch, facet_size)
    monkeypatch.setattr(embedded, "_COMPLEMENT_SHARE", 0.0 if strategy == "all minus others" else 2.0)
    spec = dict(spec)
    query = SearchQuery.parse(spec.pop("text", ""), **spec)
    result = b.search(query)
    expected = {f: v[:facet_size] for f, v in python_facets(b, query).items()}
    assert {f: facet(result, f) for f in expected} == expected
    if "text" in spec or strategy == "direct":  # (all documents minus none: nothing to count)
        assert verdicts  # the slots were asked
    if index == "faceted":
        assert all(verdicts)  # every keyword is in the head: the slots always decide


def test_slots_decide_only_when_no_keyword_outside_them_could_change_the_list(monkeypatch):
    import catalogue.search.embedded as embedded
    from catalogue.search.embedded import _decided_top, _SlotInfo

    monkeypatch.setattr(embedded, "FACET_SIZE", 2)

    def outside(**missing):
        return _SlotInfo({}, missing, sorted(missing.items(), key=lambda kv: -kv[1]), 0.0)

    counted = {"a": 10, "b": 8, "c": 5}
    assert _decided_top(counted, outside()) == {"a": 10, "b": 8}
    assert _decided_top(counted, outside(z=7)) == {"a": 10, "b": 8}  # z cannot reach b
    assert _decided_top(counted, outside(z=8)) is None  # z could tie with b (ties are not worked out)
    assert _decided_top(counted, outside(b=1)) is None  # b's own count is not exact
    assert _decided_top(counted, outside(c=3)) is None  # c could reach b
    assert _decided_top(counted, outside(c=2)) == {"a": 10, "b": 8}
    assert _decided_top({"a": 1}, outside(z=1)) is None  # fewer than shown: z would be shown too
    assert _decided_top({"a": 1}, outside()) == {"a": 1}


def test_keyword_slots_decide_large_match_sets_and_defer_small_ones(small_head, monkeypatch):
    verdicts = slots_first(monkeypatch, 3)
    for spec in FACET_QUERIES:
        small_head.close()
        spec = dict(spec)
        small_head.search(SearchQuery.parse(spec.pop("text", ""), **spec))
    assert True in verdicts and False in verdicts


def test_keyword_counts_stay_exact_when_the_head_changes_between_writes(tmp_path, monkeypatch):
    import catalogue.search.embedded as embedded

    monkeypatch.setattr(embedded, "HEAD_SIZE", 6)
    monkeypatch.setattr(embedded, "HEAD_SAMPLE", 40)
    verdicts = slots_first(monkeypatch, 3)
    documents = facet_docs()

    def renamed(doc, era):  # a few keywords most datasets have, and which they are changes by era
        hot = [f"hot{era}{j}" for j, every in enumerate((10, 4, 3)) if int(doc.id[1:]) % every]
        return replace(doc, facets={**doc.facets, "keyword": [*doc.facets["keyword"], *hot]})

    documents = [renamed(d, "A") for d in documents]
    plain = facet_docs()
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    b.index(documents[:60])  # head from the first 40 documents
    documents[60:150] = [renamed(d, "B") for d in plain[60:150]]
    b.index(documents[60:150])  # head from the index's counts: the first 60 documents (era A)
    documents[150:] = [renamed(d, "A") for d in plain[150:]]
    documents[:20] = [renamed(d, "C") for d in plain[:20]]
    b.index(documents[150:] + documents[:20])  # another head (eras A and B), and documents written again
    for spec in FACET_QUERIES:
        b.close()
        spec = dict(spec)
        query = SearchQuery.parse(spec.pop("text", ""), **spec)
        result = b.search(query)
        expected = {f: v[:3] for f, v in python_facets(b, query, documents).items()}
        assert {f: facet(result, f) for f in expected} == expected
    assert True in verdicts and False in verdicts


def test_facet_counts_follow_each_commit(faceted, tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    b.index(facet_docs()[:50])
    before = b.search(SearchQuery.parse("data"))  # counted as all documents minus the others
    b.index([SearchDocument(id="new", title={"en": "Data"}, description={}, keywords={},
                            facets={"country": ["MT"], "keyword": ["fresh"]}, modified=None, title_sort={})])
    after = b.search(SearchQuery.parse("data"))
    assert after.total == before.total + 1
    assert ("MT", 1) in facet(after, "country") and ("fresh", 1) in facet(after, "keyword")


def test_facet_columns_beyond_tantivy_bucket_limit_are_counted_apart(faceted):
    """tantivy refuses an aggregation of too many buckets: each column is then counted on its own."""
    searcher = faceted._searcher()

    class Limited:
        def __getattr__(self, name):
            return getattr(searcher, name)

        def aggregate(self, query, aggs):
            if len(aggs) > 1:
                raise ValueError("Aborting aggregation because bucket limit was exceeded")
            return searcher.aggregate(query, aggs)

    from catalogue.search.base import FACETS

    query = tantivy.Query.all_query()
    assert faceted._count(Limited(), query, FACETS) == faceted._count(searcher, query, FACETS)
    # Complete counts (for "all documents minus the others") are then not to be had: counted directly.
    assert faceted._all_counts_at(Limited(), -1) is None
    assert faceted._count_groups(Limited(), query, [(["theme"], []), (["node"], ['theme:"HEAL"'])]) == [None, None]
    assert faceted._count_groups(searcher, query, [(["theme"], []), (["node"], ['theme:"HEAL"'])]) == [
        faceted._count(searcher, query, ["theme"]),
        faceted._count(searcher, faceted._query(SearchQuery.parse("", filters={"theme": ["HEAL"]}), []), ["node"])]


def test_aggregations_split_over_two_threads_equal_one_aggregation(faceted, monkeypatch):
    import catalogue.search.embedded as embedded
    from catalogue.search.base import FACETS

    searcher = faceted._searcher()
    pool = faceted._page_pool()
    submitted = []
    monkeypatch.setattr(faceted, "_page_pool", lambda: type("Spy", (), {
        "submit": lambda self, fn, *args: submitted.append(args) or pool.submit(fn, *args)})())
    aggs = {**faceted._count_aggs(searcher, FACETS, complete=True), **faceted._slot_aggs(), "n": embedded._VALUE_COUNT}
    for text in ("data", "genom", ""):
        query = faceted._query(SearchQuery.parse(text), faceted._match_clauses(faceted._text(SearchQuery.parse(text),
                                                                                              searcher)))
        whole = searcher.aggregate(query, aggs)
        assert faceted._aggregate(searcher, query, aggs, embedded._SPLIT_MATCHES - 1) == whole
        assert not submitted  # (few matches: one aggregation)
        assert faceted._aggregate(searcher, query, aggs, embedded._SPLIT_MATCHES) == whole
        assert len(submitted) == 1 and 0 < len(submitted[0][1]) < len(aggs)
        submitted.clear()
        assert whole["n"]["value"] > 0


def test_filters_that_query_syntax_cannot_carry_are_counted_apart(faceted):
    assert faceted._filter_strings(SearchQuery.parse("", filters={"theme": ["HEAL"], "node": []})) == {
        "theme": '(theme:"HEAL")'}
    assert faceted._filter_strings(SearchQuery.parse("", filters={"unknown": ["x"]})) is None
    assert faceted._filter_strings(SearchQuery.parse("", filters={"keyword": ['a"b', "c\\d"]})) == {
        "keyword": '(keyword:"a\\"b" OR keyword:"c\\\\d")'}
    result = faceted.search(SearchQuery.parse("data", filters={"unknown": ["x"], "theme": ["HEAL"]}))
    assert result.total == 0 and not any(result.facets.values())


@pytest.mark.parametrize("text", ["data", "dat", "genom", "study", "datasets"])
def test_one_word_ranking_read_from_exact_matches_equals_the_whole_ranking(faceted, text):
    """The page read from the exact matches alone (scored without the exact bonus, added in Python),
    or else merged from the exact and prefix-only parts, is the page of the one query that scores
    both with the bonus in tantivy."""
    pages = [faceted.search(SearchQuery.parse(text, page=p, size=7)) for p in range(1, 40)]
    searcher = faceted._searcher()
    query = SearchQuery.parse(text)
    whole = [(faceted._query(query, faceted._text_clauses(faceted._text(query, searcher))), 0.0)]
    assert [r.ids for r in pages] == [faceted._page_by_score(searcher, whole, o, 7) for o in range(0, 7 * 39, 7)]
    assert {r.total for r in pages} == {searcher.search(whole[0][0], limit=1, count=True).count}
    assert [i for r in pages for i in r.ids]  # something matched


def test_prefix_matches_words_of_the_index_that_extend_it(tmp_path):
    b = EmbeddedSearchBackend(tmp_path, ["en"])
    b.index(docs([record("exact", {"en": "Data"}), record("longer", {"en": "Databases"}),
                  record("label", {"en": "Other"}, keywords={"en": ["datasets"]}), record("none", {"en": "Dat"})]))
    assert ids(b, "data") == ["exact", "longer", "label"]
    assert ids(b, "dat") == ["none", "exact", "longer", "label"]
    assert ids(b, "datab") == ["longer"]
    assert ids(b, "datax") == []


@pytest.mark.parametrize("text", ["genome dat", "data genom", "study data", "rare datab", "rare study dat",
                                  '"rare study" genom', 'genom "rare study"', '"cohort data" dat'])
def test_ranking_merged_from_exact_and_prefix_parts_equals_the_whole_ranking(faceted, text):
    searcher = faceted._searcher()
    query = SearchQuery.parse(text)
    words = faceted._text(query, searcher)
    whole = [(faceted._query(query, faceted._text_clauses(words)), 0.0)]
    parts = [(faceted._query(query, faceted._text_clauses(words, "exact")), EXACT_BONUS),
             (faceted._query(query, faceted._text_clauses(words, "prefix")), 0.0)]
    for offset in range(0, 120, 9):
        assert faceted._page_by_score(searcher, parts, offset, 9) == faceted._page_by_score(searcher, whole, offset, 9)

    def count(q):
        return searcher.search(q, limit=1, count=True).count

    assert sum(count(q) for q, _ in parts) == count(whole[0][0]) > 0  # the parts split the matches


def test_results_are_cached_per_commit_and_copied(backend):
    query = SearchQuery.parse("cancer", size=3)
    first = backend.search(query)
    first.ids.clear()
    first.facets["country"].clear()
    again = backend.search(query)
    assert again.ids and again.facets["country"]  # the caller's changes did not reach the cache
    assert backend.search(SearchQuery.parse("cancer", size=3, lang="el")).ids == again.ids  # one entry
    backend.index(docs([record("new-cancer", {"en": "Cancer cancer cancer registry"})]))
    assert backend.search(query).total == again.total + 1  # a commit empties the cache
    other = EmbeddedSearchBackend(backend.path, LANGS)  # another process writes
    other.delete(["new-cancer"])
    assert backend.search(query).total == again.total


def test_forget_results_empties_the_result_cache_only(backend, monkeypatch):
    query = SearchQuery.parse("cancer", size=3)
    first = backend.search(query)
    computed = []
    original = EmbeddedSearchBackend._search
    monkeypatch.setattr(EmbeddedSearchBackend, "_search",
                        lambda self, *args: computed.append(1) or original(self, *args))
    assert backend.search(query) == first
    assert computed == []  # answered from the cache
    backend.forget_results()
    assert backend.search(query) == first
    assert computed == [1]  # computed again, with the same answer
