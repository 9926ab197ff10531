"""The Elasticsearch backend against a real server (``GDI_ELASTICSEARCH_URL``).

The expectations mirror ``tests/unit/test_search_embedded.py``: both backends must give the same
totals, facet counts and orders for the same documents.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid

import pytest

from catalogue.config import Settings
from catalogue.dcat.namespaces import ACCESS_RIGHT_NAL
from catalogue.errors import CatalogueError, ServiceUnavailable
from catalogue.records import DatasetRecord
from catalogue.search import elastic
from catalogue.search.base import (
    FACETS,
    MARK_END,
    MARK_START,
    MIN_PREFIX_CHARS,
    SearchQuery,
    SuggestQuery,
    document_from_record,
)
from catalogue.search.elastic import (
    EXACT_BONUS,
    PREFIX_SCORE,
    SCHEMA_VERSION,
    STEM_SCORE,
    TEXT_BOOSTS,
    TIE_BREAKER,
    ElasticsearchBackend,
    es_date,
    language_field,
)
from catalogue.text import date_key

pytestmark = pytest.mark.elasticsearch

LANGS = ("en", "el", "hu", "ro")
M0, M1 = MARK_START, MARK_END


def record(id: str, title: dict[str, str], *, countries=(), node="node", access=None, description=None,
           keywords=None, modified=None, individuals=None, min_age=None, max_age=None) -> DatasetRecord:
    return DatasetRecord(
        id=id, node=node, title=title, description=description or {}, keywords=keywords or {},
        countries=list(countries), access_rights=ACCESS_RIGHT_NAL + access if access else None,
        modified=modified, number_of_unique_individuals=individuals, min_typical_age=min_age,
        max_typical_age=max_age,
    )


RECORDS = [
    record("gr1", {"el": "Γονιδίωμα καρκίνου", "en": "Cancer genome cohort"}, countries=["GR"], node="gr-node",
           access="PUBLIC", keywords={"en": ["genomics"]}, modified="2024-03-01", individuals=500,
           min_age=18, max_age=65),
    record("hu1", {"hu": "Genomikai kohorsz felnőttek", "en": "Genomic cohort of adults"}, countries=["HU"],
           node="hu-node", access="RESTRICTED", keywords={"en": ["adults"]}, modified="2023-05-10T12:00:00Z",
           min_age=40),
    record("ro1", {"ro": "Studiu de secvențiere a genomului", "en": "Genome sequencing study"}, countries=["RO"],
           node="ro-node", access="RESTRICTED", individuals=100, min_age=0, max_age=17),
    record("de1", {"en": "Rare disease registry"}, countries=["DE"], node="de-node", access="PUBLIC",
           description={"en": "Registry of rare disease patients with whole genome sequencing data"},
           modified="2022-01-01", individuals=2000, min_age=0, max_age=99),
    record("de2", {"en": "Biobank samples"}, countries=["DE"], node="de-node", access="RESTRICTED",
           description={"en": "Blood samples"}, modified="2024-01-01", individuals=1000),
    record("fr1", {"en": "Cancer cohort France"}, countries=["FR"], node="fr-node", access="PUBLIC",
           modified="2021"),
    record("defr", {"en": "Cross-border cancer registry"}, countries=["DE", "FR"], node="de-node",
           access="NON_PUBLIC"),
]


def docs(records, langs=LANGS):
    return [document_from_record(r, langs) for r in records]


@pytest.fixture
def backend(make_backend):
    b = make_backend(LANGS)
    assert b.index(docs(RECORDS)) == len(RECORDS)
    return b


def ids(b, text="", **kwargs) -> list[str]:
    return b.search(SearchQuery.parse(text, size=100, **kwargs)).ids


def facet(result, name) -> list[tuple[str, int]]:
    return [(v.value, v.count) for v in result.facets[name]]


def live_index(b) -> str:
    (name,) = b.client.indices.get_alias(name=b.alias).body
    return name


# Index, mapping and analysers ----------------------------------------------------------------------------


def test_first_use_creates_a_versioned_index_behind_the_alias(make_backend):
    b = make_backend()
    assert b.count() == 0
    name = live_index(b)
    assert re.fullmatch(rf"{b.alias}-v{SCHEMA_VERSION}-\d{{8}}t\d{{12}}z", name)
    settings = b.client.indices.get_settings(index=name).body[name]["settings"]["index"]
    assert settings["number_of_shards"] == "1"


def test_mapping_is_strict_with_language_analysers(backend):
    name = live_index(backend)
    mapping = backend.client.indices.get_mapping(index=name).body[name]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["_meta"] == {"schema_version": SCHEMA_VERSION, "languages": list(LANGS)}
    title = mapping["properties"]["title"]["properties"]
    assert title["el"]["analyzer"] == "greek"
    assert title["hu"]["analyzer"] == "hungarian"
    assert title["en"]["analyzer"] == "english"
    assert title["pl"]["analyzer"] == "gdi_folding"  # no Polish analyser: standard + folding
    assert mapping["properties"]["title_all"]["analyzer"] == "whitespace"
    assert mapping["properties"]["modified"]["type"] == "date"
    assert mapping["properties"]["title_sort_el"]["type"] == "long"
    assert mapping["properties"]["country"]["type"] == "keyword"
    # Stems only give constant bonuses: no frequencies, positions or norms to index.
    assert title["en"]["index_options"] == "docs" and title["en"]["norms"] is False
    assert mapping["properties"]["description"]["properties"]["el"]["index_options"] == "docs"
    # Facet ordinals are built at refresh, not by the first search after it.
    assert all(mapping["properties"][f]["eager_global_ordinals"] for f in FACETS)
    assert mapping["properties"]["keyword_key"]["index"] is False  # only aggregated
    assert mapping["properties"]["facet_values"]["index"] is False


def analyze(b, field, text) -> list[str]:
    response = b.client.indices.analyze(index=b.alias, field=field, text=text).body
    return [t["token"] for t in response["tokens"]]


def test_greek_is_stemmed_and_accents_folded_by_the_language_field(backend):
    assert analyze(backend, "title.el", "Γονιδίωμα καρκίνου") == ["γονιδιωμ", "καρκιν"]
    assert analyze(backend, "title.en", "Genomes sequencing") == ["genom", "sequenc"]
    # The catch-all fields take Python-folded text as it is: the tokens of catalogue.text.words.
    assert analyze(backend, "title_all", "γονιδιωμα καρκινου") == ["γονιδιωμα", "καρκινου"]
    assert analyze(backend, "title.pl", "Badanie genomów") == ["badanie", "genomow"]


def test_stemmed_language_fields_rank_but_never_decide_membership(make_backend):
    b = make_backend(["en"])
    b.index(docs([
        record("a-plain", {"en": "Sequencing data"}, description={"en": "sequencing"}),
        record("b-stem", {"en": "Sequences of data"}, description={"en": "sequencing"}),
    ], ["en"]))
    # "sequencing" is in both descriptions; only a-plain also has it in the title.
    assert ids(b, "sequencing") == ["a-plain", "b-stem"]
    assert ids(b, "sequenced") == []  # a shared stem alone ("sequenc") does not make a match


# Full text ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("γονιδιωμα", {"gr1"}),
    ("ΓΟΝΙΔΊΩΜΑ", {"gr1"}),
    ("καρκινου", {"gr1"}),
    ("felnottek", {"hu1"}),
    ("felnőttek", {"hu1"}),
    ("FELNŐTTEK", {"hu1"}),
    ("secventiere", {"ro1"}),
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
    assert ids(backend, "genom cohort") == []
    assert ids(backend, "ge") == []


def test_title_match_ranks_above_description_only_match(backend):
    result = ids(backend, "genome")
    assert set(result[:2]) == {"gr1", "ro1"}
    assert result[2:] == ["de1"]


def test_exact_match_ranks_above_prefix_only_match(make_backend):
    b = make_backend(["en"])
    fillers = [record(f"filler{i:02d}", {"en": "Filler"}, description={"en": "genome"}) for i in range(20)]
    b.index(docs([
        *fillers,
        record("a-prefix", {"en": "Genomes of Europe"}, keywords={"en": ["genomes"]}),
        record("b-exact", {"en": "Population study"},
               description={"en": "A long description of a population study in which one genome was "
                                  "sequenced alongside many questionnaires, blood tests and interviews"}),
        record("c-exact", {"en": "Genome atlas"}),
    ], ["en"]))
    result = ids(b, "genome")
    assert len(result) == 23
    assert result[0] == "c-exact"
    assert result[-1] == "a-prefix"  # even though "genomes" shares the English stem of "genome"
    assert ids(b, "europe genome") == ["a-prefix"]


def reference_query(query: SearchQuery) -> dict:
    """The scoring rules written the plain way: every term a ``must`` (the last one: exact, plus
    EXACT_BONUS, or else a prefix-only score), stem bonuses as ``should`` beside them."""
    def exact(term):
        return {"dis_max": {"tie_breaker": TIE_BREAKER, "queries": [
            {"term": {f: {"value": term, "boost": b}}} for f, b in TEXT_BOOSTS.items()]}}

    must = []
    for i, term in enumerate(query.terms):
        if i == len(query.terms) - 1 and len(term) >= MIN_PREFIX_CHARS:
            prefix_any = {"dis_max": {"queries": [{"constant_score": {"filter": {"prefix": {f: term}}, "boost": s}}
                                                  for f, s in PREFIX_SCORE.items()]}}
            must.append({"bool": {"should": [
                exact(term), {"constant_score": {"filter": exact(term), "boost": EXACT_BONUS}},
                {"bool": {"must": [prefix_any], "must_not": [exact(term)]}}], "minimum_should_match": 1}})
        else:
            must.append(exact(term))
    lang = language_field(query.lang)
    should = [{"dis_max": {"queries": [
        {"constant_score": {"filter": {"match": {f"{field}.{lang}": term}}, "boost": score}}
        for field, score in STEM_SCORE.items()]}} for term in query.terms]
    return {"bool": {"must": must, "should": should}}


@pytest.mark.parametrize("text", ["genome", "genom", "cancer cohort", "cohort genom", "registry", "sequencing data",
                                  "ca", "cancer co", "γονιδιωμα"])
def test_scores_equal_the_plain_formulation_of_the_rules(backend, text):
    query = SearchQuery.parse(text, size=100)
    hits, _ = backend.search_bodies(query)

    def scores(q):
        response = backend.client.search(index=backend.alias, query=q, size=100, docvalue_fields=["id"],
                                         _source=False, sort=[{"_score": "desc"}, {"id": "asc"}])
        return {h["fields"]["id"][0]: h["_score"] for h in response.body["hits"]["hits"]}

    got, want = scores(hits["query"]), scores(reference_query(query))
    assert set(got) == set(want)
    assert got == pytest.approx(want, rel=1e-6)  # the same sums, added in another order
    assert backend.search(query).ids == [i for i, _ in sorted(got.items(), key=lambda kv: (-kv[1], kv[0]))]


def test_hits_and_counts_are_separate_requests_and_the_counts_are_cacheable(backend):
    hits, counts = backend.search_bodies(SearchQuery.parse("cancer", filters={"country": ["FR"]}))
    assert "aggs" not in hits
    # Scored exhaustively when filtered (sparse candidates), with block skipping otherwise.
    assert hits["track_total_hits"] is True
    assert backend.search_bodies(SearchQuery.parse("cancer"))[0]["track_total_hits"] is False
    assert backend.search_bodies(SearchQuery.parse("cancer", ranges={"age": (18, None)}))[0]["track_total_hits"]
    assert all(c["size"] == 0 and "sort" not in c for c in counts)
    assert [c["track_total_hits"] for c in counts] == [True, False]  # the total, then the drill-down
    assert backend.search_bodies(SearchQuery.parse("cancer", size=0))[0] is None


def test_each_counts_request_holds_its_filters_in_the_query(backend):
    filters = {"country": ["DE", "FR"], "access_rights": ["PUBLIC"]}
    _, counts = backend.search_bodies(SearchQuery.parse("cancer", filters=filters))
    in_query = [[f for f in c["query"]["bool"]["filter"] if "terms" in f] for c in counts]
    assert in_query[0] == [{"terms": {"access_rights": ["PUBLIC"]}}, {"terms": {"country": ["DE", "FR"]}}]
    assert in_query[1:] == [[{"terms": {"country": ["DE", "FR"]}}], [{"terms": {"access_rights": ["PUBLIC"]}}]]
    assert [sorted(c["aggs"]) for c in counts[1:]] == [["access_rights"], ["country"]]


@pytest.mark.parametrize("filters", [{}, {"country": ["DE"]}, {"country": ["DE", "FR"], "access_rights": ["PUBLIC"]}])
def test_total_and_facets_do_not_depend_on_the_page(backend, filters):
    first = backend.search(SearchQuery.parse("cancer registry", filters=filters, size=1))
    for query in (SearchQuery.parse("cancer registry", filters=filters, page=50, size=10),
                  SearchQuery.parse("cancer registry", filters=filters, size=0)):
        result = backend.search(query)
        assert result.ids == []
        assert (result.total, result.facets) == (first.total, first.facets)


def test_phrase(backend):
    assert ids(backend, '"cancer registry"') == ["defr"]
    assert ids(backend, '"registry cancer"') == []
    assert ids(backend, '"sequencing study"') == ["ro1"]
    assert set(ids(backend, '"cancer"')) == {"gr1", "fr1", "defr"}
    assert ids(backend, '"cancer cohort" france') == ["fr1"]
    assert ids(backend, '"genome sequencing data"') == ["de1"]


def test_vocabulary_labels_match(make_backend):
    b = make_backend(["en", "de"])
    doc = docs([record("hgpd", {"en": "Exome panel"})], ["en", "de"])[0]
    doc.labels = ["Humangenomische Daten", "Human genomic data"]
    b.index([doc])
    assert ids(b, "humangenomische") == ["hgpd"]
    assert ids(b, "genomic data") == ["hgpd"]


# Facets ------------------------------------------------------------------------------------------------------


def test_facet_counts_cover_all_matches_not_just_the_page(backend):
    result = backend.search(SearchQuery.parse("", size=2))
    assert result.total == 7
    assert len(result.ids) == 2
    assert facet(result, "country") == [("DE", 3), ("FR", 2), ("GR", 1), ("HU", 1), ("RO", 1)]
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
    assert facet(result, "country") == [("DE", 1), ("FR", 1), ("GR", 1)]
    assert facet(result, "access_rights") == [("NON_PUBLIC", 1), ("PUBLIC", 1), ("RESTRICTED", 1)]
    assert facet(result, "node") == [("de-node", 1)]


def test_unknown_facet_matches_nothing(backend):
    result = backend.search(SearchQuery(filters={"colour": ("red",)}))
    assert (result.total, result.ids) == (0, [])
    assert all(values == [] for values in result.facets.values())


def test_facets_are_limited_and_ordered_by_count_then_value(make_backend):
    b = make_backend(["en"])
    b.index(docs([record(f"d{i:03d}", {"en": "Study"}, keywords={"en": [f"kw{i % 60:02d}", "common"]})
                  for i in range(120)], ["en"]))
    values = facet(b.search(SearchQuery.parse("")), "keyword")
    assert len(values) == 50
    assert values[0] == ("common", 120)
    assert values[1:] == [(f"kw{i:02d}", 2) for i in range(49)]


@pytest.mark.parametrize("combined_size", [10_000, 3])
def test_small_facets_counted_together_are_limited_and_ordered(make_backend, monkeypatch, combined_size):
    monkeypatch.setattr(elastic, "FACET_VALUES_SIZE", combined_size)  # 3: more values than buckets
    b = make_backend(["en"])
    b.index(docs([record(f"d{i:03d}", {"en": "Study"}, node=f"n{i % 60:02d}", countries=["DE", f"X{i % 3}"])
                  for i in range(120)], ["en"]))
    result = b.search(SearchQuery.parse(""))
    assert facet(result, "node") == [(f"n{i:02d}", 2) for i in range(50)]
    assert facet(result, "country") == [("DE", 120), ("X0", 40), ("X1", 40), ("X2", 40)]
    result = b.search(SearchQuery.parse("", filters={"country": ["X1"]}))
    assert result.total == 40
    assert facet(result, "country") == [("DE", 120), ("X0", 40), ("X1", 40), ("X2", 40)]
    assert facet(result, "node")[:2] == [("n01", 2), ("n04", 2)]


def most_words_corpus():
    """Words that match most datasets ("genome", "cancer"), some ("rare") and few ("pharmaco"), with skewed
    keywords (more values than a short facet list shows) and several countries and nodes."""
    rng = random.Random(11)
    pool = [f"kw{i:02d}" for i in range(14)]
    records = []
    for i in range(90):
        words = [w for w, share in (("genome", 0.9), ("cancer", 0.7), ("rare", 0.2), ("pharmaco", 0.05))
                 if rng.random() < share]
        if i % 9 == 0:
            words.append("genomes")  # a word that "genome" starts: a match the word statistics leave out
        keywords = sorted({rng.choice(pool[:1 + rng.randrange(len(pool))]) for _ in range(rng.randrange(4))})
        records.append(record(f"d{i:03d}", {"en": " ".join(["Study", *words])}, node=f"n{i % 7}",
                              countries=sorted({rng.choice("ABCDE") + "X" for _ in range(1 + i % 2)}),
                              access=rng.choice(["PUBLIC", "RESTRICTED", "NON_PUBLIC"]),
                              keywords={"en": keywords}))
    return records


@pytest.mark.parametrize(("facet_size", "top"), [(50, 200), (3, 4), (3, 8)])
def test_counts_as_all_minus_the_rest_equal_direct_counts(make_backend, monkeypatch, facet_size, top):
    """Words matching most datasets are counted as every dataset minus the rest (``_complement_counts``);
    with a short keyword list and few candidates the difference cannot always be proved exact, and
    the counts are then taken directly."""
    monkeypatch.setattr(elastic, "FACET_SIZE", facet_size)
    monkeypatch.setattr(elastic, "COMPLEMENT_TOP", top)
    b = make_backend(["en"])
    b.index(docs(most_words_corpus(), ["en"]))
    ways: list[str] = []
    complement = ElasticsearchBackend._complement_counts

    def counted(self, query, hits_body):
        found, counts = complement(self, query, hits_body)
        ways.append("complement" if counts is not None else "fallback")
        return found, counts
    monkeypatch.setattr(ElasticsearchBackend, "_complement_counts", counted)
    queries = [SearchQuery.parse(text, size=size) for text in ("genome", "genom", "cancer", "genome cancer",
                                                               "study", "stud", "rare", "pharmaco")
               for size in (10, 0)]
    for query in queries:
        monkeypatch.setattr(elastic, "COMPLEMENT_SHARE", 2.0)  # never
        direct = b.search(query)
        monkeypatch.setattr(elastic, "COMPLEMENT_SHARE", 0.0)  # whenever there are only words
        assert b.search(query) == direct, query
        assert direct.total > 0
    assert len(ways) == len(queries)
    if (facet_size, top) == (3, 4):
        assert "fallback" in ways  # and the fallback gave the same counts too


def test_counts_by_the_rest_follow_a_changed_index(make_backend, monkeypatch):
    """The rest is counted beside the page for the previous search's keyword candidates; a keyword
    that joined the most frequent ones since is counted again."""
    monkeypatch.setattr(elastic, "COMPLEMENT_SHARE", 0.0)
    b = make_backend(["en"])
    b.index(docs(most_words_corpus(), ["en"]))
    query = SearchQuery.parse("genome")
    before = b.search(query)
    assert b._candidates and "brandnew" not in b._candidates
    b.index(docs([record(f"new{i:02d}", {"en": "Genome" if i < 40 else "Other"}, keywords={"en": ["brandnew"]})
                  for i in range(70)], ["en"]))  # 30 of them in the rest
    after = b.search(query)
    assert after.total == before.total + 40
    assert facet(after, "keyword")[0] == ("brandnew", 40)
    assert "brandnew" in b._candidates
    monkeypatch.setattr(elastic, "COMPLEMENT_SHARE", 2.0)
    assert b.search(query) == after


def test_only_words_matching_most_datasets_are_counted_by_the_rest(make_backend):
    b = make_backend(["en"])
    b.index(docs(most_words_corpus(), ["en"]))
    assert b._most_match(SearchQuery.parse("study"))  # every dataset
    assert b._most_match(SearchQuery.parse("genome"))  # about 90 %
    assert not b._most_match(SearchQuery.parse("cancer rare"))  # about 70 % x 20 %, taken as independent
    assert not b._most_match(SearchQuery.parse("rare"))
    assert not b._most_match(SearchQuery.parse("genome", filters={"country": ["AX"]}))
    assert not b._most_match(SearchQuery.parse("genome", ranges={"age": (18, None)}))
    assert b._most_match(SearchQuery.parse("genome", ranges={"age": (None, None)}))  # no bound: no range
    assert not b._most_match(SearchQuery.parse('"study genome"'))
    assert not b._most_match(SearchQuery.parse(""))
    assert b._most_match(SearchQuery.parse("genom"))  # a prefix of "genome" and "genomes"
    total, counts = b._word_counts([("study", False), ("pharmaco", False), ("nowhere", True), ("genome", False),
                                    ("genome", True)])
    assert total == 90
    assert counts[("study", False)] == 90 and 0 < counts[("pharmaco", False)] < 15
    assert counts[("nowhere", True)] == 0
    assert counts[("genome", True)] == counts[("genome", False)] + 1  # one dataset says only "genomes"


# Ranges ------------------------------------------------------------------------------------------------------


def test_individuals_range_is_inclusive_and_excludes_missing(backend):
    assert set(ids(backend, ranges={"individuals": (500, 2000)})) == {"gr1", "de1", "de2"}
    assert set(ids(backend, ranges={"individuals": (None, 500)})) == {"gr1", "ro1"}
    assert set(ids(backend, ranges={"individuals": (1001, None)})) == {"de1"}
    result = backend.search(SearchQuery.parse("", ranges={"individuals": (100, 500)}))
    assert (result.total, facet(result, "country")) == (2, [("GR", 1), ("RO", 1)])


def test_age_range_overlaps_the_typical_age_range(backend):
    assert set(ids(backend, ranges={"age": (10, 20)})) == {"gr1", "ro1", "de1"}
    assert set(ids(backend, ranges={"age": (70, None)})) == {"de1"}  # max_age >= 70
    assert set(ids(backend, ranges={"age": (None, 10)})) == {"ro1", "de1"}  # min_age <= 10
    assert set(ids(backend, ranges={"age": (None, 45)})) == {"gr1", "hu1", "ro1", "de1"}
    assert set(ids(backend, "cancer", ranges={"age": (18, 18)})) == {"gr1"}


# Sorting and paging -----------------------------------------------------------------------------------------

TITLE_ORDER_EN = ["de2", "fr1", "gr1", "defr", "ro1", "hu1", "de1"]


def test_sort_by_title(backend):
    assert ids(backend, sort="title") == TITLE_ORDER_EN
    assert ids(backend, sort="-title") == TITLE_ORDER_EN[::-1]
    assert ids(backend) == TITLE_ORDER_EN
    assert ids(backend, sort="title", lang="el") == [i for i in TITLE_ORDER_EN if i != "gr1"] + ["gr1"]
    assert ids(backend, sort="title", lang="pt") == TITLE_ORDER_EN


def test_sort_by_modified_puts_undated_last_both_ways(backend):
    assert ids(backend, sort="modified") == ["fr1", "de1", "hu1", "de2", "gr1", "defr", "ro1"]
    assert ids(backend, sort="-modified") == ["gr1", "de2", "hu1", "de1", "fr1", "defr", "ro1"]
    assert ids(backend, "cancer", sort="-modified") == ["gr1", "fr1", "defr"]


def test_partial_dates_sort_before_the_first_day_as_in_the_embedded_backend(make_backend):
    b = make_backend(["en"])
    b.index(docs([record("a", {"en": "A"}, modified="2021-01-01"), record("b", {"en": "B"}, modified="2021"),
                  record("c", {"en": "C"}, modified="2021-01"), record("d", {"en": "D"}, modified="2021-13-45")],
                 ["en"]))
    assert ids(b, sort="modified") == ["b", "c", "a", "d"]


def test_paging_and_exact_total(backend):
    pages = [backend.search(SearchQuery.parse("", sort="title", page=p, size=3)) for p in (1, 2, 3, 4)]
    assert [r.total for r in pages] == [7, 7, 7, 7]
    assert [len(r.ids) for r in pages] == [3, 3, 1, 0]
    assert [i for r in pages for i in r.ids] == TITLE_ORDER_EN
    result = backend.search(SearchQuery.parse("genom", page=2, size=3))
    assert (result.total, len(result.ids)) == (4, 1)


def test_ties_are_ordered_by_id_across_pages(make_backend):
    b = make_backend(["en"])
    n = 25
    names = [f"id{(i * 7) % n:02d}" for i in range(n)]
    b.index(docs([record(i, {"en": "Same title"}, modified="2020-01-01") for i in names], ["en"]))
    b.index(docs([record("zz-other", {"en": "Other"}, modified="2019-01-01")], ["en"]))

    def pages(size=10, **kwargs):
        return [i for p in (1, 2, 3) for i in b.search(SearchQuery.parse(page=p, size=size, **kwargs)).ids]

    expected = sorted(names)
    assert pages(text="same") == expected
    assert pages(sort="-modified") == [*expected, "zz-other"]
    assert pages(sort="modified") == ["zz-other", *expected]
    assert pages(size=9, sort="title") == ["zz-other", *expected]


def test_total_is_exact_beyond_ten_thousand(make_backend):
    b = make_backend(["en"])
    b.rebuild(docs([record(f"d{i:05d}", {"en": "Bulk"}) for i in range(10_050)], ["en"]))
    result = b.search(SearchQuery.parse("bulk", page=100, size=100))
    assert result.total == 10_050
    assert result.ids[0] == "d09900"


# Highlights -------------------------------------------------------------------------------------------------


def test_highlights_mark_words_in_the_original_text_of_the_querys_language(backend):
    result = backend.search(SearchQuery.parse("γονιδιωμα", lang="el", highlight=True))
    assert result.highlights == {"gr1": {"title": f"{M0}Γονιδίωμα{M1} καρκίνου"}}
    result = backend.search(SearchQuery.parse("felnottek", lang="hu", highlight=True))
    assert result.highlights == {"hu1": {"title": f"Genomikai kohorsz {M0}felnőttek{M1}"}}
    # English falls back from a missing Hungarian title, as pick_text does.
    result = backend.search(SearchQuery.parse("registry", lang="hu", highlight=True, filters={"country": ["DE"]}))
    assert result.highlights["de1"] == {
        "title": f"Rare disease {M0}registry{M1}",
        "description": f"{M0}Registry{M1} of rare disease patients with whole genome sequencing data",
    }


def test_highlights_only_fields_with_marks_and_only_the_page(backend):
    result = backend.search(SearchQuery.parse("genom", size=2, highlight=True))
    assert set(result.highlights) == set(result.ids)
    assert result.highlights["gr1"] == {"title": f"Cancer {M0}genome{M1} cohort"}  # no description at all
    result = backend.search(SearchQuery.parse("genome", highlight=True, filters={"country": ["DE"]}))
    assert result.highlights == {"de1": {"description": f"Registry of rare disease patients with whole "
                                                         f"{M0}genome{M1} sequencing data"}}
    assert backend.search(SearchQuery.parse("genome")).highlights == {}
    assert backend.search(SearchQuery.parse("", highlight=True)).highlights == {}


def test_long_description_gives_a_fragment_around_the_first_match(make_backend):
    b = make_backend(["en"])
    before = " ".join(f"word{i}" for i in range(60))
    after = " ".join(f"tail{i}" for i in range(60))
    b.index(docs([record("long", {"en": "Long study"}, description={"en": f"{before} Exome data {after}"})],
                 ["en"]))
    snippet = b.search(SearchQuery.parse("exome", highlight=True)).highlights["long"]["description"]
    assert snippet.startswith("…") and snippet.endswith("…")
    assert f"{M0}Exome{M1} data" in snippet
    assert 200 <= len(snippet.replace(M0, "").replace(M1, "")) <= 245
    assert " word" in snippet and " tail" in snippet  # context on both sides, cut at word boundaries


def test_date_helpers():
    assert [date_key(v) for v in ("2021", "2021-05", "2021-05-07", "2021-5", None, "n/a")] == \
        [20210000, 20210500, 20210507, 20210000, None, None]
    assert [es_date(v) for v in ("2021", "2021-05", "2021-05-07", "2021-13", "2021-02-30", "0000")] == \
        ["2021", "2021-05", "2021-05-07", None, None, None]


# Suggestions ------------------------------------------------------------------------------------------------


def test_suggest_titles_then_keywords(backend):
    result = backend.suggest(SuggestQuery.parse("gen"))
    assert [(s.kind, s.text) for s in result[:3]] == [("title", "Cancer genome cohort"),
                                                      ("title", "Genome sequencing study"),
                                                      ("title", "Genomic cohort of adults")]
    assert [s.id for s in result[:3]] == ["gr1", "ro1", "hu1"]
    assert [(s.kind, s.text) for s in result[3:]] == [("keyword", "genomics")]


def test_suggest_whole_words_then_prefix_in_the_querys_language(backend):
    assert [s.text for s in backend.suggest(SuggestQuery.parse("cancer co"))] == \
        ["Cancer cohort France", "Cancer genome cohort"]
    assert backend.suggest(SuggestQuery.parse("canc cohort")) == []
    assert [s.text for s in backend.suggest(SuggestQuery.parse("γονιδιω", lang="el"))] == ["Γονιδίωμα καρκίνου"]
    assert [s.text for s in backend.suggest(SuggestQuery.parse("FELNŐ", lang="hu"))] == \
        ["Genomikai kohorsz felnőttek"]
    # A language without its own title falls back to English.
    assert [s.text for s in backend.suggest(SuggestQuery.parse("biob", lang="ro"))] == ["Biobank samples"]
    # In Greek, a dataset with a Greek title is offered by that title only; others by their English one.
    assert [(s.id, s.text) for s in backend.suggest(SuggestQuery.parse("cancer", lang="el"))] == \
        [("fr1", "Cancer cohort France"), ("defr", "Cross-border cancer registry")]


def test_suggest_has_no_duplicates_and_honours_size(make_backend):
    b = make_backend(["en"])
    b.index(docs([record(f"d{i}", {"en": "Genomics atlas"}, keywords={"en": ["Genomics atlas", "genomics"]})
                  for i in range(5)] +
                 [record(f"e{i}", {"en": f"Genome study {i}"}, keywords={"en": [f"genome-{i}"]})
                  for i in range(12)], ["en"]))
    result = b.suggest(SuggestQuery.parse("genom", size=8))
    texts = [s.text.casefold() for s in result]
    assert len(result) == 8 and len(set(texts)) == 8
    assert texts.count("genomics atlas") == 1
    result = b.suggest(SuggestQuery.parse("genomics", size=8))
    assert [(s.kind, s.text) for s in result] == [("title", "Genomics atlas"), ("keyword", "genomics")]
    assert b.suggest(SuggestQuery.parse("genome 1", size=20))[0].text == "Genome study 1"
    assert {s.text for s in b.suggest(SuggestQuery.parse("genome 1", size=20)) if s.kind == "keyword"} == \
        {"genome-1", "genome-10", "genome-11"}


# Index maintenance ----------------------------------------------------------------------------------------


def test_replace_by_id_does_not_duplicate(backend):
    changed = record("gr1", {"en": "Pharmacogenomics panel"}, countries=["GR"], access="PUBLIC")
    assert backend.index(docs([changed, changed])) == 2
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
    assert backend.index(docs(RECORDS[:1])) == 1
    assert ids(backend, "cancer") == ["gr1"]


def test_drop_deletes_the_indices_behind_the_alias(backend, es_admin):
    name = live_index(backend)
    backend.drop()
    assert not es_admin.indices.exists(index=name)
    assert backend.count() == 0  # a fresh, empty index on the next call


def test_versions_of_one_document_are_written_in_order_by_parallel_senders(make_backend):
    b = make_backend(["en"])
    b.count()
    versions = [(f"d{i % 7}", f"Version {i}") for i in range(200)]
    actions = ({"_op_type": "index", "_id": i, "_source": b._body(docs([record(i, {"en": t})], ["en"])[0])}
               for i, t in versions)
    assert b._bulk(actions, b.alias, require_alias=True, chunk=3, senders=3) == (200, 0)
    b._refresh(b.alias)
    last = {i: t for i, t in versions}
    for doc_id, title in last.items():
        assert ids(b, title.lower()) == [doc_id]


def test_a_failing_document_source_stops_the_senders_and_is_raised(make_backend):
    b = make_backend(["en"])

    def broken():
        yield from docs([record(f"ok{i}", {"en": "Fine"}) for i in range(5)], ["en"])
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        b.index(broken())
    assert b.count() == 5  # what was sent before is written and visible, as before


def test_long_ids_are_hashed_for_elasticsearch_but_returned_whole(make_backend):
    b = make_backend(["en"])
    long_id = "x" * 600
    b.index(docs([record(long_id, {"en": "Long id"})], ["en"]))
    assert ids(b, "long") == [long_id]
    assert b.delete([long_id]) == 1


def test_rebuild_swaps_the_alias_without_an_empty_window(make_backend, es_admin):
    b = make_backend(["en"])
    n = 3000
    b.index(docs([record(f"old{i:04d}", {"en": f"Old dataset {i}"}) for i in range(n)], ["en"]))
    old_index = live_index(b)
    seen: list[int] = []
    errors: list[Exception] = []
    stop = threading.Event()

    def searcher():
        while not stop.is_set():
            try:
                seen.append(b.search(SearchQuery.parse("dataset", size=1)).total)
            except Exception as exc:  # noqa: BLE001 - recorded and asserted below
                errors.append(exc)

    thread = threading.Thread(target=searcher)
    thread.start()
    try:
        time.sleep(0.2)
        assert b.rebuild(docs([record(f"new{i:04d}", {"en": f"New dataset {i}"}) for i in range(n)], ["en"]),
                         batch=500) == n
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(seen) > 5
    assert set(seen) == {n}  # every search during the rebuild saw the full index, old or new
    new_index = live_index(b)
    assert new_index != old_index
    assert not es_admin.indices.exists(index=old_index)
    settings = es_admin.indices.get_settings(index=new_index).body[new_index]["settings"]["index"]
    assert settings.get("refresh_interval") is None  # restored to the default after the bulk load
    assert settings["auto_expand_replicas"] == "0-1"
    assert "durability" not in settings.get("translog", {})  # fsync per request again, as by default
    assert ids(b, "old") == []
    assert len(ids(b, "new")) == 100  # first page
    assert b.count() == n


@pytest.mark.filterwarnings("ignore::elasticsearch.exceptions.GeneralAvailabilityWarning")  # the tasks API
def test_rebuild_merges_the_new_index_into_one_segment_after_it_goes_live(make_backend, es_admin):
    b = make_backend(["en"])
    b.rebuild(docs([record(f"d{i:04d}", {"en": f"Dataset {i}"}) for i in range(2000)], ["en"]), batch=200)
    # Started as a task of its own, not waited for: the datasets are searchable meanwhile.
    task = es_admin.tasks.get(task_id=b.merge_task).body["task"]
    assert task["action"] == "indices:admin/forcemerge"
    assert b.count() == 2000
    b.wait_for_merge(timeout=120)
    assert b.merge_task is None
    name = live_index(b)
    shards = es_admin.indices.segments(index=name).body["indices"][name]["shards"]
    assert [len(copy["segments"]) for copies in shards.values() for copy in copies] == [1]
    assert len(ids(b, "dataset")) == 100
    assert b.wait_for_merge() < 1  # nothing left to wait for


def test_failed_rebuild_keeps_the_live_index(backend, es_admin):
    before = live_index(backend)

    def broken():
        yield from docs(RECORDS[:2])
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert live_index(backend) == before
    assert backend.count() == 7
    assert sorted(es_admin.indices.get(index=f"{backend.alias}-*").body) == [before]  # no leftovers


def test_index_of_another_schema_version_is_replaced_empty(make_backend, caplog):
    b = make_backend()
    b.index(docs(RECORDS))
    b.client.indices.put_mapping(index=b.alias, meta={"schema_version": 0, "languages": list(LANGS)})
    reopened = make_backend(alias=b.alias)
    assert reopened.count() == 0
    assert "replacing it with an empty one" in caplog.text
    assert reopened.index(docs(RECORDS)) == 7


def test_concrete_index_named_like_the_alias_is_refused(make_backend, es_admin):
    b = make_backend()
    es_admin.indices.create(index=b.alias)
    with pytest.raises(CatalogueError, match="not an alias"):
        b.count()


def test_rebuild_of_a_new_alias_creates_one_index_only(make_backend, es_admin):
    b = make_backend(["en"])  # nothing created yet: the first call is the rebuild
    assert not es_admin.indices.exists_alias(name=b.alias)
    assert b.rebuild(docs(RECORDS[:3], ["en"])) == 3
    assert list(es_admin.indices.get(index=f"{b.alias}-*").body) == [live_index(b)]
    assert b.count() == 3


def test_rebuild_refuses_a_concrete_index_named_like_the_alias(make_backend, es_admin):
    b = make_backend()
    es_admin.indices.create(index=b.alias)
    with pytest.raises(CatalogueError, match="not an alias"):
        b.rebuild(docs(RECORDS[:1]))
    assert es_admin.indices.get(index=f"{b.alias}*").body.keys() == {b.alias}  # nothing created beside it


def test_alias_removed_behind_our_back_is_recreated(backend, es_admin):
    es_admin.indices.delete(index=live_index(backend))
    assert backend.search(SearchQuery.parse("")).total == 0  # recreated empty on the next request
    assert backend.index(docs(RECORDS[:2])) == 2
    es_admin.indices.delete(index=live_index(backend))
    with pytest.raises(CatalogueError, match="refused"):  # never auto-creates an index under the alias name
        backend.index(docs(RECORDS[:1]))
    assert not es_admin.indices.exists(index=backend.alias)
    assert backend.index(docs(RECORDS[:1])) == 1
    assert backend.count() == 1


# Errors -----------------------------------------------------------------------------------------------------


def test_unreachable_server_is_service_unavailable():
    b = ElasticsearchBackend("http://127.0.0.1:9", "test-unreachable", ["en"], timeout=0.5)
    for call in (lambda: b.search(SearchQuery.parse("x")), b.count, lambda: b.index(docs(RECORDS[:1]))):
        with pytest.raises(ServiceUnavailable) as info:
            call()
        assert info.value.status == 503
        assert "http://127.0.0.1:9" in info.value.message
        assert "bash scripts/elasticsearch start" in info.value.message
        assert "Traceback" not in info.value.message
    b.close()


def test_credentials_are_not_shown_in_messages():
    b = ElasticsearchBackend("http://user:secret@127.0.0.1:9", "test-unreachable", ["en"], timeout=0.5)
    with pytest.raises(ServiceUnavailable) as info:
        b.count()
    assert "secret" not in info.value.message and "user:***@127.0.0.1:9" in info.value.message
    b.close()


def test_from_settings(es_url):
    alias = f"test-{uuid.uuid4().hex}"
    settings = Settings(search_backend="elasticsearch", elasticsearch_url=es_url, elasticsearch_index=alias,
                        languages=("en", "de"), elasticsearch_timeout=3.0)
    b = ElasticsearchBackend.from_settings(settings)
    assert (b.url, b.alias, b.languages, b.timeout) == (es_url, alias, ("en", "de"), 3.0)
    b.close()
    with pytest.raises(ServiceUnavailable, match="GDI_ELASTICSEARCH_URL"):
        ElasticsearchBackend.from_settings(Settings(search_backend="elasticsearch"))
    with pytest.raises(CatalogueError, match="not a valid Elasticsearch alias"):
        ElasticsearchBackend(es_url, "Upper Case")


def test_bulk_item_errors_are_surfaced(backend):
    actions = [{"_op_type": "index", "_id": "bad", "_source": {"id": "bad", "unexpected_field": 1}},
               {"_op_type": "index", "_id": "bad2", "_source": {"id": "bad2", "individuals": "many"}}]
    with pytest.raises(CatalogueError) as info:
        backend._bulk(actions, backend.alias, require_alias=True)
    assert info.value.status == 500
    assert "refused 2 of 2" in info.value.message
    assert "strict_dynamic_mapping_exception" in info.value.message
    assert "document_parsing_exception" in info.value.message or "mapper_parsing" in info.value.message
    assert len(info.value.details["errors"]) == 2


def test_closed_index_is_a_clear_error(backend, es_admin):
    name = live_index(backend)
    es_admin.indices.close(index=name)
    try:
        with pytest.raises(CatalogueError) as info:
            backend.index(docs(RECORDS[:1]))
        assert "closed" in info.value.message
        assert "Traceback" not in info.value.message
        with pytest.raises(CatalogueError) as info:  # an error inside the _msearch response
            backend.search(SearchQuery.parse("cancer"))
        assert "closed" in info.value.message
    finally:
        es_admin.indices.open(index=name)


def test_forget_results_empties_the_request_cache(backend, es_admin):
    def cached() -> int:
        stats = es_admin.indices.stats(index=backend.alias, metric="request_cache").body
        return stats["_all"]["primaries"]["request_cache"]["memory_size_in_bytes"]

    backend.search(SearchQuery.parse("cancer"))
    assert cached() > 0
    backend.forget_results()
    assert cached() == 0
    assert ids(backend, "cancer")  # and searches carry on
