"""The embedded (tantivy) search backend, on a real index in a temporary directory."""

from __future__ import annotations

import logging

import pytest
import tantivy

from catalogue.config import Settings
from catalogue.dcat.namespaces import ACCESS_RIGHT_NAL
from catalogue.errors import ServiceUnavailable
from catalogue.records import DatasetRecord
from catalogue.search.base import SearchQuery, document_from_record
from catalogue.search.embedded import SCHEMA_VERSION, EmbeddedSearchBackend, _tokens
from catalogue.text import words

LANGS = ("en", "el", "hu", "ro")


def record(id: str, title: dict[str, str], *, countries=(), node="node", access=None, description=None,
           keywords=None, modified=None, individuals=None) -> DatasetRecord:
    return DatasetRecord(
        id=id, node=node, title=title, description=description or {}, keywords=keywords or {},
        countries=list(countries), access_rights=ACCESS_RIGHT_NAL + access if access else None,
        modified=modified, number_of_unique_individuals=individuals,
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
    assert _tokens(text) == " ".join(words(text))
