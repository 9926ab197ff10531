"""A small multilingual corpus and a plain-Python reference implementation of the search contract."""

from __future__ import annotations

from catalogue.records import DatasetRecord
from catalogue.search.base import FACETS, SearchDocument, SearchQuery, document_from_record
from catalogue.text import words
from catalogue.vocab import get_vocabularies

HC = "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/"
AR = "http://publications.europa.eu/resource/authority/access-right/"
TH = "http://publications.europa.eu/resource/authority/data-theme/"
CO = "http://publications.europa.eu/resource/authority/country/"

_ROWS = [
    # id, node, country, title, description, keywords, access, categories, individuals, ages, modified
    ("gr-goe", "gr", "GRC", {"el": "Ελληνική κοόρτη αναφοράς για το Γονιδίωμα της Ευρώπης",
                             "en": "Greek reference cohort for the Genome of Europe"},
     {"en": "Whole genomes of 2,500 Greek adults for the Genome of Europe."}, {"en": ["reference cohort"]},
     "RESTRICTED", ["HGPD"], 2500, (18, 85), "2025-01-15"),
    ("hu-rare", "hu", "HUN", {"hu": "Ritka betegségek trió-szekvenálása felnőttek és gyermekek körében"},
     {"hu": "Teljes genom szekvenálás ritka betegségekben."}, {"hu": ["ritka betegség"], "en": ["rare disease"]},
     "NON_PUBLIC", ["HGPD", "MRMR"], 312, (0, 60), "2024-03-01"),
    ("ro-crc", "ro", "ROU", {"ro": "Cohorta de cancer colorectal din București"},
     {"ro": "Genomuri tumorale și germinale pereche."}, {"en": ["cancer", "colorectal cancer"]},
     "NON_PUBLIC", ["HGPD", "EHRS"], 1200, (40, 90), "2023-07-27"),
    ("de-crc", "de", "DEU", {"de": "Kolorektales Karzinom: Tumor/Normal-Genome", "en": "Colorectal cancer genomes"},
     {"en": "Paired tumour and normal genomes for colorectal cancer research."}, {"en": ["cancer", "oncology"]},
     "RESTRICTED", ["HGPD"], 6713, (35, 88), "2025-08-13"),
    ("de-rare", "de", "DEU", {"en": "Rare disease trios in children"},
     {"en": "Trio whole-genome sequencing for undiagnosed rare disease in children."}, {"en": ["rare disease"]},
     "NON_PUBLIC", ["HGPD", "MRMR"], 288, (0, 18), None),
    ("fr-pgx", "fr", "FRA", {"fr": "Pharmacogénomique des anticoagulants", "en": "Pharmacogenomics of anticoagulants"},
     {"fr": "Génotypes germinaux et réactions aux médicaments."}, {"en": ["pharmacogenomics"]},
     "PUBLIC", ["HGPD"], 4000, None, "2022-10-15"),
    ("fr-covid", "fr", "FRA", {"fr": "Génétique de l'hôte et COVID-19", "en": "Host genetics of COVID-19"},
     {"en": "Host genomes of patients with severe COVID-19 and the infecting virus."},
     {"en": ["infectious disease", "covid-19"]}, "RESTRICTED", ["HGPD", "PTHD"], 536, (2, 90), "2025-11-28"),
    ("nl-goe", "nl", "NLD", {"en": "Genome of Europe: Dutch reference panel"},
     {"en": "Allele frequencies for the Dutch population."}, {"en": ["reference cohort", "allele frequencies"]},
     "PUBLIC", ["HGPD", "RQSH"], None, (18, 80), "2021-05-05"),
    ("el-desc", "gr", "GRC", {"en": "Biobank of Athens"},
     {"en": "Samples sequenced for the genome reference of Greece."}, {"en": ["biobank"]},
     "RESTRICTED", ["BIOB"], 9000, (30, 70), "2020-02-02"),
]


def records() -> list[DatasetRecord]:
    out = []
    for (rid, node, country, title, desc, kws, access, cats, people, ages, modified) in _ROWS:
        out.append(DatasetRecord(
            id=rid, node=node, title=title, description=desc, keywords=kws,
            themes=[TH + "HEAL"], health_categories=[HC + c for c in cats], spatial=[CO + country],
            countries=[get_vocabularies().country_code(CO + country)], access_rights=AR + access,
            number_of_unique_individuals=people, min_typical_age=ages[0] if ages else None,
            max_typical_age=ages[1] if ages else None, modified=modified))
    return out


def documents(languages) -> list[SearchDocument]:
    vocab = get_vocabularies()
    return [document_from_record(r, languages, lambda iri: vocab.labels(iri).values()) for r in records()]


def _doc_words(doc: SearchDocument) -> set[str]:
    return set(words(doc.all_text() + "\n" + "\n".join(doc.labels)))


def _phrase_in(doc: SearchDocument, phrase: tuple[str, ...]) -> bool:
    texts = [*doc.title.values(), *doc.description.values(), *(k for ks in doc.keywords.values() for k in ks)]
    for text in texts:
        toks = words(text)
        n = len(phrase)
        if any(tuple(toks[i:i + n]) == phrase for i in range(len(toks) - n + 1)):
            return True
    return False


def matches_text(doc: SearchDocument, q: SearchQuery) -> bool:
    vocab = _doc_words(doc)
    for i, term in enumerate(q.terms):
        last = i == len(q.terms) - 1
        if term in vocab:
            continue
        if last and len(term) >= 3 and any(w.startswith(term) for w in vocab):
            continue
        return False
    return all(_phrase_in(doc, p) for p in q.phrases)


def _matches_filters(doc: SearchDocument, filters) -> bool:
    return all(set(doc.facets.get(f, [])) & set(values) for f, values in filters.items())


def _matches_ranges(doc: SearchDocument, ranges) -> bool:
    for name, (low, high) in ranges.items():
        if name == "individuals":
            if doc.individuals is None or (low is not None and doc.individuals < low) or (
                    high is not None and doc.individuals > high):
                return False
        elif name == "age":
            if doc.min_age is None or doc.max_age is None:
                return False
            if (low is not None and doc.max_age < low) or (high is not None and doc.min_age > high):
                return False
    return True


def expected(docs: list[SearchDocument], q: SearchQuery) -> tuple[set[str], dict[str, dict[str, int]]]:
    """Matching ids and drill-down facet counts, computed the slow, obvious way."""
    base = [d for d in docs if matches_text(d, q) and _matches_ranges(d, q.ranges)]
    hits = {d.id for d in base if _matches_filters(d, q.filters)}
    facets: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        others = {k: v for k, v in q.filters.items() if k != facet}
        counts: dict[str, int] = {}
        for d in base:
            if _matches_filters(d, others):
                for value in d.facets.get(facet, []):
                    counts[value] = counts.get(value, 0) + 1
        facets[facet] = counts
    return hits, facets
