#!/usr/bin/env python
"""Search benchmark: index throughput and query latency of every search backend, side by side.

Generates N synthetic HealthDCAT-AP-like datasets as :class:`SearchDocument` objects (deterministic
from ``--seed``), indexes them into each backend, then runs one fixed query mix against each and
prints index throughput (datasets/s) and query/suggest latency percentiles, with ratios against a
plain SQLite FTS5 baseline and the targets of the issue marked PASS/MISS.

    .venv/bin/python benchmarks/search.py                       # 10,000 and 100,000, every backend
    .venv/bin/python benchmarks/search.py --sizes 1000000 --backends embedded,sqlite-fts5
    .venv/bin/python benchmarks/search.py --json benchmarks/results/run.json

The documents are SearchDocuments, not DatasetRecords: this measures the engines (and each backend's
own document conversion), not our RDF mapping or ``document_from_record``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from itertools import accumulate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere without installing

from catalogue.search.base import (  # noqa: E402
    FACET_SIZE,
    FACETS,
    FacetValue,
    SearchBackend,
    SearchDocument,
    SearchQuery,
    SearchResult,
    SuggestQuery,
    pick_text,
)
from catalogue.text import sort_key  # noqa: E402

LANGUAGES = ("en", "fr", "de", "ro", "hu", "el", "it", "es", "nl", "pl", "pt")
BACKENDS = ("embedded", "elasticsearch", "sqlite-fts5")
BASELINE = "sqlite-fts5"
DEFAULT_SIZES = "10000,100000"
# Warm-up queries (another salt, same mix) on the index being measured, then its result cache is emptied:
# a server in use has its caches of postings, filters and ordinals warm, but the timed queries must not be
# cache hits. 20 left Elasticsearch well short of steady state at a million datasets (p95 97.6 ms on a
# first pass of 300 queries, 72.9 on the third); 300, as many as are timed, is what Rally's search
# tasks do too (warm-up iterations before the measured ones), and the rule is the same for every backend.
WARMUP = 300
JVM_WARMUP_DOCS = 20_000  # throwaway documents indexed into Elasticsearch before timing (see warm_es_jvm)
JVM_WARMUP_QUERIES = 300
PAGE_SIZE = 20
VOCABULARY_SIZE = 3000  # distinct words per language
KEYWORD_COUNT = 2000  # distinct keywords (the keyword facet's cardinality)
ZIPF_S = 1.0  # word rank r is drawn with weight 1 / r**ZIPF_S

# Targets from the issue: (backend, size) -> p95 of the query mix in ms; backend -> datasets/s.
LATENCY_TARGETS_MS = {("embedded", 100_000): 10.0, ("embedded", 1_000_000): 30.0,
                      ("elasticsearch", 100_000): 30.0, ("elasticsearch", 1_000_000): 80.0}
INDEX_TARGETS = {"embedded": 5000.0, "elasticsearch": 2000.0}


# Vocabulary ------------------------------------------------------------------------------------------------
# Real words first (they get the highest Zipf ranks), then words built from international medical and
# genomic roots with each language's spelling and suffixes, until every language has VOCABULARY_SIZE.

SEED_WORDS = {
    "en": "data study cohort genome patients sequencing clinical genomic variants cancer disease health samples "
          "population rare hospital registry biobank analysis whole exome germline somatic tumour diagnosis "
          "treatment outcomes children adults phenotype genotype expression rna dna methylation longitudinal "
          "survey imaging records pharmacogenomics cardiovascular diabetes infection microbiome ancestry",
    "fr": "données étude cohorte génome patients séquençage clinique génomique variants cancer maladie santé "
          "échantillons population rare hôpital registre biobanque analyse exome germinale somatique tumeur "
          "diagnostic traitement résultats enfants adultes phénotype génotype expression méthylation suivi "
          "imagerie dossiers pharmacogénomique cardiovasculaire diabète infection microbiome ascendance",
    "de": "Daten Studie Kohorte Genom Patienten Sequenzierung klinische genomische Varianten Krebs Krankheit "
          "Gesundheit Proben Bevölkerung seltene Krankenhaus Register Biobank Analyse Exom Keimbahn somatische "
          "Tumor Diagnose Behandlung Ergebnisse Kinder Erwachsene Phänotyp Genotyp Expression Methylierung "
          "Längsschnitt Bildgebung Größe Störung Gesundheitsdaten Ärzte Übersicht Häufigkeit Stoffwechsel",
    "ro": "date studiu cohortă genom pacienți secvențiere clinică genomică variante cancer boală sănătate "
          "probe populație rară spital registru biobancă analiză exom germinală somatică tumoră diagnostic "
          "tratament rezultate copii adulți fenotip genotip expresie metilare longitudinal imagistică fișe "
          "farmacogenomică cardiovasculară diabet infecție microbiom ascendență țesut științific",
    "hu": "adatok vizsgálat kohorsz genom betegek szekvenálás klinikai genomikai variánsok rák betegség "
          "egészség minták népesség ritka kórház nyilvántartás biobank elemzés exom csíravonal szomatikus "
          "daganat diagnózis kezelés eredmények gyermekek felnőttek fenotípus genotípus expresszió metiláció "
          "követéses képalkotás egészségügyi öröklődő szív cukorbetegség fertőzés mikrobiom származás",
    "el": "δεδομένα μελέτη κοόρτη γονιδίωμα ασθενείς αλληλούχιση κλινική γονιδιωματική παραλλαγές καρκίνος "
          "νόσος υγεία δείγματα πληθυσμός σπάνια νοσοκομείο μητρώο βιοτράπεζα ανάλυση εξώμιο βλαστική σωματική "
          "όγκος διάγνωση θεραπεία αποτελέσματα παιδιά ενήλικες φαινότυπος γονότυπος έκφραση μεθυλίωση "
          "διαχρονική απεικόνιση φαρμακογονιδιωματική καρδιαγγειακή διαβήτης λοίμωξη μικροβίωμα καταγωγή",
    "it": "dati studio coorte genoma pazienti sequenziamento clinico genomica varianti cancro malattia salute "
          "campioni popolazione rara ospedale registro biobanca analisi esoma germinale somatica tumore "
          "diagnosi trattamento risultati bambini adulti fenotipo genotipo espressione metilazione "
          "longitudinale imaging cartelle farmacogenomica cardiovascolare diabete infezione microbioma città",
    "es": "datos estudio cohorte genoma pacientes secuenciación clínica genómica variantes cáncer enfermedad "
          "salud muestras población rara hospital registro biobanco análisis exoma germinal somática tumor "
          "diagnóstico tratamiento resultados niños adultos fenotipo genotipo expresión metilación "
          "longitudinal imagen historias farmacogenómica cardiovascular diabetes infección microbioma año",
    "nl": "gegevens studie cohort genoom patiënten sequencing klinische genomische varianten kanker ziekte "
          "gezondheid monsters populatie zeldzame ziekenhuis register biobank analyse exoom kiembaan somatische "
          "tumor diagnose behandeling uitkomsten kinderen volwassenen fenotype genotype expressie methylering "
          "longitudinaal beeldvorming dossiers farmacogenomica hart diabetes infectie microbioom afkomst",
    "pl": "dane badanie kohorta genom pacjenci sekwencjonowanie kliniczne genomiczne warianty nowotwór choroba "
          "zdrowie próbki populacja rzadkie szpital rejestr biobank analiza egzom germinalne somatyczne guz "
          "diagnoza leczenie wyniki dzieci dorośli fenotyp genotyp ekspresja metylacja podłużne obrazowanie "
          "dokumentacja farmakogenomika sercowo cukrzyca zakażenie mikrobiom pochodzenie źródło łączenie",
    "pt": "dados estudo coorte genoma pacientes sequenciação clínica genómica variantes cancro doença saúde "
          "amostras população rara hospital registo biobanco análise exoma germinal somática tumor "
          "diagnóstico tratamento resultados crianças adultos fenótipo genótipo expressão metilação "
          "longitudinal imagiologia processos farmacogenómica cardiovascular diabetes infeção microbioma",
}

_ROOTS = (
    "gen genom sequen variant mutat cohort patholog oncolog cardi neur immun metabol transcript prote epigenet "
    "phenotyp clinic diagnos therap pharmac epidemi regist molecul cellul tissu tumor carcin diabet hepat nephr "
    "pulmon derm orthoped pediatr geriatr obstetr psychiatr radiolog endocrin hemat lymph vascul chromosom allel "
    "haplotyp exom methyl microbi vir bacter infect vaccin antibod antigen recept enzym hormon insulin lipid "
    "glucos cholesterol inflamm fibr scler arthr oste muscul synapt cortic retin cochle ren gastr intestin colon "
    "pancreat thyro adren ovar prostat mamm leuk melan sarcom gliom neoplas biomark prognos surviv mortal morbid "
    "incid preval ancestr popul famil heredit congenit syndrom dysplas atroph toxic nutri metastat angi cyt "
    "nucle ribos mitochondr plasm genet mendel polygen cytogenet karyotyp"
)
ROOTS = _ROOTS.split()

_GREEK_ROOTS = (
    "γεν γονιδιωμ αλληλουχ μεταλλαξ κοορτ παθολογ ογκολογ καρδι νευρ ανοσ μεταβολ μεταγραφ πρωτε επιγενετ "
    "φαινοτυπ κλινικ διαγνωστ θεραπευτ φαρμακ επιδημι μητρω μοριακ κυτταρ ιστ καρκιν διαβητ ηπατ νεφρ πνευμον "
    "δερματ ορθοπαιδ παιδιατρ γηριατρ μαιευτ ψυχιατρ ακτινολ ενδοκριν αιματ λεμφ αγγει χρωμοσωμ αλληλ απλοτυπ "
    "εξωμ μεθυλ μικροβι ιογεν βακτηρ λοιμωξ εμβολ αντισωμ αντιγον υποδοχ ενζυμ ορμον ινσουλ λιπιδ γλυκοζ "
    "χοληστερ φλεγμον ινωδ σκληρ αρθρ οστ μυ συναπτ φλοι αμφιβληστρ κοχλι νεφρ γαστρ εντερ κολ παγκρε θυρε "
    "επινεφρ ωοθηκ προστατ μαστ λευχ μελαν σαρκ γλοι νεοπλασ βιοδεικτ προγνωστ επιβιω θνησιμ νοσηρ επιπτωσ "
    "επιπολασμ προγον πληθυσμ οικογεν κληρονομ συγγεν συνδρομ δυσπλασ ατροφ τοξικ διατροφ μεταστατ κυτταρογεν "
    "πυρην ριβοσωμ μιτοχονδρ πλασμ γενετ πολυγον καρυοτυπ"
)
GREEK_ROOTS = _GREEK_ROOTS.split()

SUFFIXES = {
    "en": "ic ics ical ity ism ation ations e es al ous osis ia y ome omes er ers ed ing ist ists ology ological "
          "ogenic oid ase ive ively ant ance",
    "fr": "ique iques ie ies ité ités isme ation ations é ée ées al aux ale eux euse ose ome omes ologie ologique "
          "èse ètre ien ienne ant ance émie aire",
    "de": "ik isch ische ischen ie ien ität ismus ation ationen ung ungen om ome ose ologie ologisch äre "
          "forschung störung größe veränderung prüfung häufigkeit über ärztlich",
    "ro": "ic ică ice ie ii itate ism ație ații ează ul ului ologie ologic ologică oză ism ești ant anță țional "
          "ătate ări ărilor ist iștii ând",
    "hu": "ikus ika ia itás izmus áció ációk ális ológia ológiai ózis ség ségek ből ről ős ű ikai iás ens "
          "ensek ációs ikusok áló ó ok ák",
    "el": "ική ικά ικός ία ίες ισμός ωση ώσεις ικών ιακός ολογία ολογικά ότητα ικής ικού ίας ισμού ώματα ωμα "
          "ικοί ογόνο ώδης ικό ές ών ους ιο ίου",
    "it": "ico ica ici iche ia ità ismo azione azioni ale ali oso osa osi oma omi ologia ologico ologica ante "
          "anza ista isti ivo iva emia ario",
    "es": "ico ica icos ía ías idad ismo ación aciones al ales oso osis oma ología ológico ológica ante ancia "
          "ista istas ivo iva emia ario ción ño",
    "nl": "isch ische ie iteit isme atie aties aal ose oom ologie ologisch ering eren heid ief ieve ant antie "
          "ist isten ïne ieën aire",
    "pl": "iczny iczna iczne ia ii ość ości izm acja acji alny oza om ologia ologiczny ący ęcie ński owa owe "
          "ów ach ami ią ę ł",
    "pt": "ico ica icos ia idade ismo ação ações al ais oso ose oma ologia ológico ológica ante ância ista "
          "istas ivo iva emia ário ção ões",
}

STOPWORDS = {
    "en": "the of and in with for from on by to a an",
    "fr": "le la les de des du et dans avec pour sur par",
    "de": "der die das und in mit für von auf bei zu den",
    "ro": "și de la în cu pentru din pe prin al ale",
    "hu": "a az és egy ben ban val vel ról ről hoz nak",
    "el": "το η οι και σε με για από στο στη των της",
    "it": "il la le di e in con per da su del della",
    "es": "el la los las de y en con para por del un",
    "nl": "de het een en van in met voor op door bij uit",
    "pl": "i w z na do dla od po przez oraz jest się",
    "pt": "o a os as de e em com para por do da",
}

# Share of datasets whose main language is this one; other languages are added as translations.
LANGUAGE_WEIGHTS = {"en": 40, "fr": 8, "de": 10, "ro": 4, "hu": 4, "el": 4, "it": 8, "es": 8, "nl": 6, "pl": 4,
                    "pt": 4}


def _spell(lang: str, root: str) -> str:
    """An international root in a language's spelling, roughly."""
    if lang in ("de", "pl", "nl", "hu"):
        root = root.replace("c", "k")
    if lang in ("it", "es", "pt", "ro", "pl", "hu"):
        root = root.replace("ph", "f").replace("th", "t").replace("y", "i")
    if lang == "de":
        root = root.replace("ph", "f")
    return root


def build_vocabulary(rng: random.Random, lang: str) -> list[str]:
    """VOCABULARY_SIZE words of ``lang`` in Zipf rank order, unique after folding."""
    from catalogue.text import fold
    out: dict[str, str] = {}
    for word in SEED_WORDS[lang].split():
        out.setdefault(fold(word), word)
    roots = GREEK_ROOTS if lang == "el" else [_spell(lang, r) for r in ROOTS]
    made = [root + suffix for root in roots for suffix in SUFFIXES[lang].split()]
    rng.shuffle(made)
    for word in made:
        if len(out) >= VOCABULARY_SIZE:
            break
        out.setdefault(fold(word), word)
    words = list(out.values())
    if len(words) < VOCABULARY_SIZE:  # compounds of two roots, should the combinations above run short
        for a in roots:
            for b in made:
                if len(words) >= VOCABULARY_SIZE:
                    break
                if fold(a + b) not in out:
                    out[fold(a + b)] = a + b
                    words.append(a + b)
    return words[:VOCABULARY_SIZE]


def zipf_cum(n: int, s: float = ZIPF_S) -> list[float]:
    return list(accumulate(1.0 / (r ** s) for r in range(1, n + 1)))


# Facet values with realistic cardinalities ------------------------------------------------------------------

COUNTRIES = {  # code: (English name, name in the country's language)
    "DE": ("Germany", "Deutschland"), "FR": ("France", "France"), "IT": ("Italy", "Italia"),
    "ES": ("Spain", "España"), "NL": ("Netherlands", "Nederland"), "PL": ("Poland", "Polska"),
    "SE": ("Sweden", "Sverige"), "BE": ("Belgium", "België"), "FI": ("Finland", "Suomi"),
    "DK": ("Denmark", "Danmark"), "PT": ("Portugal", "Portugal"), "AT": ("Austria", "Österreich"),
    "GR": ("Greece", "Ελλάδα"), "HU": ("Hungary", "Magyarország"), "RO": ("Romania", "România"),
    "CZ": ("Czechia", "Česko"), "IE": ("Ireland", "Éire"), "EE": ("Estonia", "Eesti"),
    "LU": ("Luxembourg", "Lëtzebuerg"), "SI": ("Slovenia", "Slovenija"), "LT": ("Lithuania", "Lietuva"),
    "LV": ("Latvia", "Latvija"), "CY": ("Cyprus", "Κύπρος"), "NO": ("Norway", "Norge"), "HR": ("Croatia", "Hrvatska"),
}
ACCESS_RIGHTS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}
ACCESS_WEIGHTS = (15, 70, 15)
HEALTH_CATEGORIES = {
    "DIOH": "Data on factors impacting on health", "EHCT": "Electronic health data from clinical trials",
    "EHRS": "Electronic health records", "EINS": "Health insurance and reimbursement data",
    "EMRD": "Data from medical devices", "HGPD": "Human genetic, genomic and proteomic data",
    "HPML": "Health professionals data", "HRAD": "Health-related administrative data",
    "IDHP": "Data from wellness applications", "MRMR": "Medical registries and mortality registries",
    "NRPE": "Population-based health data registries", "PGEH": "Person generated electronic health data",
    "PHDR": "Public health registries", "RMMD": "Research cohorts and medical databases",
    "RPDG": "Pathogen genomic data", "RQSH": "Questionnaires and surveys on health",
    "WELA": "Biobank and associated databases",
}
THEMES = {"HEAL": "Health", "TECH": "Science and technology", "SOCI": "Population and society",
          "GOVE": "Government and public sector", "EDUC": "Education, culture and sport",
          "ECON": "Economy and finance", "ENVI": "Environment", "REGI": "Regions and cities",
          "AGRI": "Agriculture, fisheries, forestry and food", "JUST": "Justice, legal system and public safety"}
NODE_COUNT = 40


@dataclass
class Corpus:
    """Everything drawn from the seed that documents and queries are made of."""

    vocab: dict[str, list[str]]
    vocab_cum: list[float]
    stop: dict[str, list[str]]
    keywords: list[tuple[str, str]]  # (language, keyword)
    keyword_cum: list[float]
    nodes: list[tuple[str, str]]  # (node, its country)
    node_cum: list[float]
    countries: list[str]
    country_cum: list[float]
    hc: list[str]
    hc_cum: list[float]
    themes: list[str]
    theme_cum: list[float]
    lang_cum: list[float]


def build_corpus(seed: int) -> Corpus:
    rng = random.Random(f"{seed}:vocabulary")
    vocab = {lang: build_vocabulary(rng, lang) for lang in LANGUAGES}
    vocab_cum = zipf_cum(VOCABULARY_SIZE)
    lang_cum = list(accumulate(LANGUAGE_WEIGHTS[lang] for lang in LANGUAGES))
    head_cum = zipf_cum(1500)
    seen: set[str] = set()
    keywords: list[tuple[str, str]] = []
    while len(keywords) < KEYWORD_COUNT:
        lang = rng.choices(LANGUAGES, cum_weights=lang_cum)[0] if rng.random() < 0.5 else "en"
        n = rng.choices((1, 2, 3), weights=(35, 45, 20))[0]
        kw = " ".join(rng.choices(vocab[lang][:1500], cum_weights=head_cum, k=n))
        kw = kw[0].upper() + kw[1:] if rng.random() < 0.4 else kw
        if kw.casefold() not in seen:
            seen.add(kw.casefold())
            keywords.append((lang, kw))
    countries = list(COUNTRIES)
    rng.shuffle(countries)
    country_cum = zipf_cum(len(countries), 0.8)
    nodes = []
    for i in range(NODE_COUNT):
        country = countries[i] if i < len(countries) else rng.choices(countries, cum_weights=country_cum)[0]
        nodes.append((f"{country.lower()}-node-{i:02d}", country))
    hc = list(HEALTH_CATEGORIES)
    rng.shuffle(hc)
    themes = ["HEAL", *(t for t in THEMES if t != "HEAL")]
    return Corpus(vocab=vocab, vocab_cum=vocab_cum, stop={k: v.split() for k, v in STOPWORDS.items()},
                  keywords=keywords, keyword_cum=zipf_cum(KEYWORD_COUNT), nodes=nodes,
                  node_cum=zipf_cum(NODE_COUNT, 0.7), countries=countries, country_cum=country_cum,
                  hc=hc, hc_cum=zipf_cum(len(hc), 0.8), themes=themes, theme_cum=zipf_cum(len(themes), 1.5),
                  lang_cum=lang_cum)


def _distinct(rng: random.Random, population: Sequence[str], cum: list[float], k: int) -> list[str]:
    return list(dict.fromkeys(rng.choices(population, cum_weights=cum, k=k)))


_FIRST_DAY, _LAST_DAY = date(2012, 1, 1).toordinal(), date(2025, 12, 31).toordinal()


def generate_documents(corpus: Corpus, n: int, seed: int) -> Iterator[SearchDocument]:
    """``n`` documents, the same ones for the same seed (whatever ``n``: a prefix of a larger run)."""
    rng = random.Random(f"{seed}:documents")
    for _ in range(n):
        yield make_document(rng, corpus)


def make_document(rng: random.Random, corpus: Corpus) -> SearchDocument:
    choices, rand, randint = rng.choices, rng.random, rng.randint
    vocab, cum, stop = corpus.vocab, corpus.vocab_cum, corpus.stop
    first = choices(LANGUAGES, cum_weights=corpus.lang_cum)[0]
    langs = [first]
    for _ in range(choices((0, 1, 2), weights=(55, 35, 10))[0]):
        extra = "en" if "en" not in langs and rand() < 0.7 else choices(LANGUAGES, cum_weights=corpus.lang_cum)[0]
        if extra not in langs:
            langs.append(extra)
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    for lang in langs:
        t = " ".join(choices(vocab[lang], cum_weights=cum, k=randint(3, 10)))
        title[lang] = t[0].upper() + t[1:]
        sentences = []
        for _ in range(randint(1, 4)):
            ws = choices(vocab[lang], cum_weights=cum, k=randint(8, 20))
            for pos in range(1, len(ws), 3):  # function words between content words
                ws[pos] = stop[lang][int(rand() * len(stop[lang]))] + " " + ws[pos]
            s = " ".join(ws)
            sentences.append(s[0].upper() + s[1:] + ".")
        description[lang] = " ".join(sentences)
    kws = list(dict.fromkeys(choices(corpus.keywords, cum_weights=corpus.keyword_cum, k=randint(2, 6))))
    keywords: dict[str, list[str]] = {}
    for lang, kw in kws:
        keywords.setdefault(lang, []).append(kw)
    node, country = choices(corpus.nodes, cum_weights=corpus.node_cum)[0]
    countries = [country]
    if rand() < 0.12:  # multi-country datasets
        countries = sorted({country, *choices(corpus.countries, cum_weights=corpus.country_cum, k=randint(1, 3))})
    access = choices(tuple(ACCESS_RIGHTS), weights=ACCESS_WEIGHTS)[0]
    hcs = sorted(_distinct(rng, corpus.hc, corpus.hc_cum, randint(1, 3)))
    themes = sorted(_distinct(rng, corpus.themes, corpus.theme_cum, randint(1, 2)))
    labels = [COUNTRIES[c][i] for c in countries for i in (0, 1)]
    labels += [HEALTH_CATEGORIES[h] for h in hcs] + [THEMES[t] for t in themes] + [ACCESS_RIGHTS[access]]
    keys = {text: sort_key(text) for text in title.values()}
    individuals = int(rng.lognormvariate(7.0, 2.0)) + 1 if rand() < 0.85 else None
    records = individuals * randint(1, 50) if individuals and rand() < 0.8 else None
    min_age = max_age = None
    if rand() < 0.7:
        min_age = randint(0, 70)
        max_age = min(120, min_age + randint(5, 90))
    modified = date.fromordinal(randint(_FIRST_DAY, _LAST_DAY)).isoformat() if rand() < 0.95 else None
    return SearchDocument(
        id=f"{rng.getrandbits(80):020x}",
        title=title,
        description=description,
        keywords=keywords,
        facets={"country": countries, "node": [node], "access_rights": [access], "health_category": hcs,
                "theme": themes, "keyword": sorted({kw for _, kw in kws})},
        modified=modified,
        title_sort={lang: keys[pick_text(title, lang)] for lang in LANGUAGES},
        individuals=individuals,
        records=records,
        min_age=min_age,
        max_age=max_age,
        labels=list(dict.fromkeys(labels)),
    )


# The query mix ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchQuery:
    kind: str  # "1 word" | "2 words" | "+2 filters"
    text: str  # as a user would type it (accents and all)
    lang: str
    filters: dict[str, tuple[str, ...]]
    query: SearchQuery


FILTER_FACETS = ("country", "access_rights", "health_category", "theme", "node", "keyword")
FILTER_WEIGHTS = (25, 20, 20, 15, 10, 10)
KINDS = ("1 word", "2 words", "+2 filters")


def _query_words(rng: random.Random, corpus: Corpus, k: int) -> tuple[str, str]:
    lang = rng.choices(LANGUAGES, cum_weights=corpus.lang_cum)[0]
    ws = list(dict.fromkeys(rng.choices(corpus.vocab[lang], cum_weights=corpus.vocab_cum, k=k)))
    return " ".join(ws), lang


def make_queries(corpus: Corpus, n: int, seed: int, salt: str = "queries") -> list[BenchQuery]:
    """40% one word, 30% two words, 30% one or two words with two facet filters (shuffled)."""
    rng = random.Random(f"{seed}:{salt}")
    n1, n2 = round(n * 0.4), round(n * 0.3)
    kinds = [KINDS[0]] * n1 + [KINDS[1]] * n2 + [KINDS[2]] * (n - n1 - n2)
    rng.shuffle(kinds)
    out = []
    for kind in kinds:
        k = 1 if kind == KINDS[0] else 2 if kind == KINDS[1] else rng.choice((1, 2))
        text, lang = _query_words(rng, corpus, k)
        filters: dict[str, tuple[str, ...]] = {}
        if kind == KINDS[2]:
            # Values of one synthetic dataset, as a user picks them from the facet counts shown: the
            # combination exists (a node's own country, say), though not necessarily with these words.
            template = make_document(rng, corpus)
            while len(filters) < 2:
                facet = rng.choices(FILTER_FACETS, weights=FILTER_WEIGHTS)[0]
                if facet not in filters:
                    filters[facet] = (rng.choice(template.facets[facet]),)
        query = SearchQuery.parse(text, filters=filters, sort="relevance", size=PAGE_SIZE, lang=lang)
        out.append(BenchQuery(kind, text, lang, filters, query))
    return out


def make_suggestions(corpus: Corpus, n: int, seed: int, salt: str = "suggest") -> list[SuggestQuery]:
    """2-5 letter prefixes of words drawn like the query words."""
    rng = random.Random(f"{seed}:{salt}")
    out = []
    for _ in range(n):
        word, lang = _query_words(rng, corpus, 1)
        out.append(SuggestQuery.parse(word[:rng.randint(2, 5)], lang=lang))
    return out


# The SQLite FTS5 baseline ------------------------------------------------------------------------------------

class SqliteFts5Baseline:
    """What a simple catalogue would do: FTS5 (unicode61, remove_diacritics 2) for the words, a
    (doc, facet, value) table for facets counted with GROUP BY over the match set.

    Same semantics as the real backends as far as FTS5 allows: every word must match title, keywords,
    description or labels, the last one (3+ letters) as a prefix; BM25 with the same field weights;
    drill-down facet counts (each facet counted without its own filter), top FACET_SIZE per facet.
    The words are given to FTS5 as the user typed them (FTS5 does its own folding).
    """

    name = BASELINE

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.executescript("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA cache_size = -131072;
            PRAGMA temp_store = MEMORY;
            CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, modified TEXT,
                               individuals INTEGER, records INTEGER, min_age INTEGER, max_age INTEGER,
                               title_sort TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(title, keywords, description, labels,
                                                tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE facets (doc INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL,
                                 PRIMARY KEY (doc, facet, value)) WITHOUT ROWID;
            CREATE TEMP TABLE m (rowid INTEGER PRIMARY KEY, score REAL);
        """)

    def rebuild(self, documents: Sequence[SearchDocument]) -> int:
        db = self.db
        db.execute("BEGIN")
        rows, texts, facets = [], [], []
        for rowid, doc in enumerate(documents, 1):
            rows.append((rowid, doc.id, doc.modified, doc.individuals, doc.records, doc.min_age, doc.max_age,
                         json.dumps(doc.title_sort)))
            texts.append((rowid, "\n".join(doc.title.values()),
                          "\n".join(k for kws in doc.keywords.values() for k in kws),
                          "\n".join(doc.description.values()), "\n".join(doc.labels)))
            facets.extend((rowid, f, v) for f in FACETS for v in dict.fromkeys(doc.facets.get(f) or ()))
            if len(rows) >= 5000:
                self._flush(rows, texts, facets)
        self._flush(rows, texts, facets)
        db.execute("CREATE INDEX facets_value ON facets (facet, value, doc)")
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("ANALYZE")
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def _flush(self, rows: list, texts: list, facets: list) -> None:
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO fts (rowid, title, keywords, description, labels) VALUES (?, ?, ?, ?, ?)",
                            texts)
        self.db.executemany("INSERT INTO facets VALUES (?, ?, ?)", facets)
        rows.clear(), texts.clear(), facets.clear()

    @staticmethod
    def _match(text: str) -> str | None:
        words = re.findall(r"\w+", text)
        if not words:
            return None
        parts = ['"' + w + '"' for w in words]
        if len(words[-1]) >= 3:
            parts[-1] += " *"
        return " AND ".join(parts)

    def search(self, bq: BenchQuery) -> SearchResult:
        db = self.db
        match = self._match(bq.text)
        db.execute("DELETE FROM m")
        if match:
            db.execute("INSERT INTO m SELECT rowid, bm25(fts, 3.0, 2.0, 1.0, 0.5) FROM fts WHERE fts MATCH ?",
                       (match,))
        else:
            db.execute("INSERT INTO m SELECT rowid, 0 FROM docs")

        def where(skip: str | None = None) -> tuple[str, list[str]]:
            sql, args = [], []
            for facet, values in bq.filters.items():
                if facet != skip:
                    marks = ",".join("?" * len(values))
                    sql.append(f"m.rowid IN (SELECT doc FROM facets WHERE facet = ? AND value IN ({marks}))")
                    args += [facet, *values]
            return (" AND ".join(sql) or "1"), args

        cond, args = where()
        total = db.execute(f"SELECT count(*) FROM m WHERE {cond}", args).fetchone()[0]
        ids = [r[0] for r in db.execute(
            f"SELECT d.id FROM m JOIN docs d ON d.rowid = m.rowid WHERE {cond} ORDER BY m.score, d.id LIMIT ?",
            [*args, PAGE_SIZE])]
        counts: dict[str, list[tuple[str, int]]] = {f: [] for f in FACETS}
        plain = [f for f in FACETS if f not in bq.filters]
        groups = [(plain, None)] + [([f], f) for f in bq.filters]
        for facets, skip in groups:
            if not facets:
                continue
            cond, args = where(skip)
            marks = ",".join("?" * len(facets))
            for facet, value, count in db.execute(
                    f"SELECT f.facet, f.value, count(*) FROM m JOIN facets f ON f.doc = m.rowid "
                    f"WHERE f.facet IN ({marks}) AND {cond} GROUP BY f.facet, f.value", [*facets, *args]):
                counts[facet].append((value, count))
        return SearchResult(total=total, ids=ids, facets={
            f: [FacetValue(v, c) for v, c in sorted(vals, key=lambda vc: (-vc[1], vc[0]))[:FACET_SIZE]]
            for f, vals in counts.items()})

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))

    def close(self) -> None:
        self.db.close()


# Measuring ------------------------------------------------------------------------------------------------

@dataclass
class Timing:
    ms: list[float] = field(default_factory=list)

    def pct(self, p: float) -> float:
        if not self.ms:
            return float("nan")
        data = sorted(self.ms)
        k = (len(data) - 1) * p / 100
        lo = int(k)
        hi = min(lo + 1, len(data) - 1)
        return data[lo] + (data[hi] - data[lo]) * (k - lo)

    def summary(self) -> dict[str, float]:
        return {"p50_ms": self.pct(50), "p95_ms": self.pct(95), "p99_ms": self.pct(99),
                "mean_ms": statistics.fmean(self.ms) if self.ms else float("nan"), "n": len(self.ms)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = call()
    return (time.perf_counter() - start) * 1000.0, out


def _proc_stat() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs since boot (Linux only)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    total = sum(values)
    return total - values[3] - values[4], total  # idle and iowait are not busy


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of all CPUs busy over ``seconds`` while this process sleeps: other people's work."""
    before = _proc_stat()
    time.sleep(seconds)
    after = _proc_stat()
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def wait_until_idle(limit: float, log: Callable[[str], None], threshold: float = 0.15) -> None:
    """Wait up to ``limit`` seconds for a 2 s sample with the CPUs less than ``threshold`` busy."""
    deadline = time.monotonic() + limit
    while limit > 0:
        busy = cpu_busy(2.0)
        if busy is None or busy < threshold:
            return
        if time.monotonic() >= deadline:
            log(f"  CPUs still {busy:.0%} busy after waiting {limit:.0f} s; going ahead")
            return
        log(f"  CPUs {busy:.0%} busy with other work; waiting")
        time.sleep(8.0)


class CpuMeter:
    """CPU used by everyone else while a run goes on, as a share of all CPUs.

    Everything busy on the machine minus this process (all its threads) minus, when given, the
    Elasticsearch node's own CPU (so that our requests to it are not counted as someone else's;
    other clients' requests to the same node are then not counted either).
    """

    def __init__(self, es_cpu_ms: Callable[[], int | None] | None = None) -> None:
        self.es_cpu_ms = es_cpu_ms
        self.share: float | None = None

    def __enter__(self) -> CpuMeter:
        self._stat = _proc_stat()
        self._own = sum(os.times()[:2])
        self._es = self.es_cpu_ms() if self.es_cpu_ms else None
        self._wall = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        stat, wall = _proc_stat(), time.monotonic() - self._wall
        if self._stat is None or stat is None or wall <= 0:
            return
        hz = os.sysconf("SC_CLK_TCK")
        busy_s = (stat[0] - self._stat[0]) / hz
        own_s = sum(os.times()[:2]) - self._own
        es_s = 0.0
        if self.es_cpu_ms and self._es is not None:
            es_now = self.es_cpu_ms()
            es_s = (es_now - self._es) / 1000 if es_now is not None else 0.0
        self.share = max(0.0, busy_s - own_s - es_s) / (wall * (os.cpu_count() or 1))


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass
class Run:
    backend: str
    size: int
    indexed: int = 0
    index_seconds: float = 0.0
    settle_seconds: float | None = None  # Elasticsearch: background merges after the load (wait_for_merges)
    size_bytes: int | None = None
    queries: Timing = field(default_factory=Timing)
    by_kind: dict[str, Timing] = field(default_factory=lambda: {k: Timing() for k in KINDS})
    suggest: Timing = field(default_factory=Timing)
    hits: list[int] = field(default_factory=list)
    labels: list[tuple[str, str]] = field(default_factory=list)  # (kind, text with filters) per timed query
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    busy: float | None = None  # share of all CPUs busy in a 1 s sample just before the run, while we idled
    others: float | None = None  # share of all CPUs used by other processes during the run (CpuMeter)

    @property
    def docs_per_s(self) -> float:
        return self.indexed / self.index_seconds if self.index_seconds else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "size": self.size, "indexed": self.indexed,
                "index_seconds": self.index_seconds, "index_docs_per_s": self.docs_per_s,
                "settle_seconds": self.settle_seconds,
                "size_bytes": self.size_bytes, "query": self.queries.summary(),
                "query_by_kind": {k: t.summary() for k, t in self.by_kind.items()},
                "suggest": self.suggest.summary() if self.suggest.ms else None,
                "mean_hits": statistics.fmean(self.hits) if self.hits else None,
                "cpu_busy_before": self.busy, "cpu_others_during": self.others,
                "error": self.error, "notes": self.notes,
                "per_query": [{"kind": k, "text": t, "hits": h, "ms": round(ms, 3)}
                              for (k, t), h, ms in zip(self.labels, self.hits, self.queries.ms, strict=True)]}


def measure(run: Run, search: Callable[[BenchQuery], SearchResult], queries: list[BenchQuery],
            warmup: list[BenchQuery], suggest: Callable[[SuggestQuery], Any] | None,
            suggestions: list[SuggestQuery], suggest_warmup: list[SuggestQuery],
            forget: Callable[[], None] = lambda: None) -> None:
    for q in warmup:
        search(q)
    forget()  # the result cache: a timed query that repeats a warm-up query must not be a cache hit
    gc.collect()
    for q in queries:
        ms, result = timed(lambda q=q: search(q))
        run.queries.ms.append(ms)
        run.by_kind[q.kind].ms.append(ms)
        run.hits.append(result.total)
        run.labels.append((q.kind, q.text + "".join(f" [{f}={'|'.join(v)}]" for f, v in q.filters.items())))
    if suggest is not None:
        for s in suggest_warmup:
            suggest(s)
        for s in suggestions:
            ms, _ = timed(lambda s=s: suggest(s))
            run.suggest.ms.append(ms)


# Backends ---------------------------------------------------------------------------------------------------

def es_reachable(url: str) -> tuple[bool, str]:
    try:
        from elasticsearch import Elasticsearch
    except ImportError as exc:
        return False, f"the elasticsearch client is not installed ({exc})"
    client = Elasticsearch(url, request_timeout=5, max_retries=0)
    try:
        client.cluster.health(timeout="5s")
        nodes = client.nodes.info(node_id="_local", metric="jvm", filter_path="nodes.*.version,"
                                  "nodes.*.jvm.mem.heap_max_in_bytes").body.get("nodes", {})
        node = next(iter(nodes.values()), {})
        heap = (node.get("jvm") or {}).get("mem", {}).get("heap_max_in_bytes")
        return True, f"{node.get('version', '?')}" + (f", heap {heap / 2**20:.0f} MiB" if heap else "")
    except Exception as exc:  # noqa: BLE001 - any failure means "not usable": report and carry on
        return False, f"{type(exc).__name__}: {str(exc)[:200]}"
    finally:
        client.close()


def drop_es_indices(url: str, alias: str) -> None:
    """Delete every index named after our (unique) alias; never anything else."""
    from elasticsearch import Elasticsearch
    client = Elasticsearch(url, request_timeout=60)
    try:
        for name in sorted(client.indices.get(index=f"{alias}-*", expand_wildcards="all").body):
            if name.startswith(alias + "-"):
                client.indices.delete(index=name, ignore_unavailable=True)
    finally:
        client.close()


def es_store_bytes(backend: Any) -> int | None:
    stats = backend.client.indices.stats(index=backend.alias, metric="store").body
    return ((stats.get("_all") or {}).get("primaries") or {}).get("store", {}).get("size_in_bytes")


def es_node_cpu_ms(backend: Any) -> int | None:
    """CPU time used by the (local) Elasticsearch node's process so far."""
    try:
        nodes = backend.client.nodes.stats(node_id="_local", metric="process").body.get("nodes", {})
        return int(next(iter(nodes.values()))["process"]["cpu"]["total_in_millis"])
    except Exception:  # noqa: BLE001 - only a diagnostic
        return None


def warm_es_jvm(es_url: str, corpus: Corpus, seed: int, docs: int, log: Callable[[str], None]) -> str:
    """Index and query a throwaway collection once, so the timed runs meet a warmed-up JVM.

    A node that was just started runs its first bulk loads and searches in the JVM's interpreter and
    early JIT tiers (measured here: 2,151 docs/s and p95 37 ms at 100,000 on a fresh node against
    3,261 docs/s and 22 ms a minute later). A portal's node runs for weeks, so the steady state is
    what the targets are about. The throwaway documents come from another seed and the queries from
    another salt: nothing timed later can be answered from a cache this fills.
    """
    from catalogue.search.elastic import ElasticsearchBackend
    alias = f"gdi-bench-{uuid.uuid4().hex[:12]}"
    backend = ElasticsearchBackend(es_url, alias, LANGUAGES, timeout=60.0)
    started = time.perf_counter()
    try:
        backend.rebuild(generate_documents(corpus, docs, seed + 1))
        for q in make_queries(corpus, JVM_WARMUP_QUERIES, seed, salt="jvm-warmup"):
            backend.search(q.query)
        for s in make_suggestions(corpus, JVM_WARMUP_QUERIES // 2, seed, salt="jvm-warmup"):
            backend.suggest(s)
    finally:
        with contextlib.suppress(Exception):
            backend.close()
        drop_es_indices(es_url, alias)
    seconds = time.perf_counter() - started
    log(f"  elasticsearch: JVM warmed up in {seconds:.0f} s")
    return (f"Elasticsearch JVM warm-up before timing: {docs:,} throwaway documents (seed {seed + 1}) and "
            f"{JVM_WARMUP_QUERIES} queries of another salt, {seconds:.0f} s; --es-warmup 0 measures a cold node")


def wait_for_merges(backend: Any, log: Callable[[str], None], limit: float = 600.0) -> float:
    """Wait until Elasticsearch has finished the merges a bulk load leaves running; return the seconds.

    The embedded backend's rebuild finishes its merges before it returns (and that time counts as
    indexing); Elasticsearch merges in the background after the refresh, and its rebuild then merges
    the live index into one segment (as ``search reindex`` does), on the same two cores that then
    answer the timed queries. Querying a settled index measures the queries, not the merges, as
    Rally's tracks do (they wait for merges, or force-merge, between bulk loading and searching); the
    seconds are reported beside the indexing throughput, not in it.
    """
    started = time.perf_counter()
    merged = backend.wait_for_merge(limit)  # the rebuild's merge into one segment, if it started one
    if merged >= 0.1:
        log(f"  elasticsearch: merged into one segment after {merged:.1f} s")
    quiet = 0
    while time.perf_counter() - started < limit:
        stats = backend.client.indices.stats(index=backend.alias, metric="merge").body
        current = sum(int(i["primaries"]["merges"]["current"]) for i in stats["indices"].values())
        quiet = quiet + 1 if current == 0 else 0
        if quiet >= 3:  # three polls in a row: a merge that finished is not followed by another
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    log(f"  elasticsearch: merges settled after {seconds:.1f} s")
    return seconds


def run_backend(name: str, size: int, docs: list[SearchDocument], queries: list[BenchQuery],
                warmup: list[BenchQuery], suggestions: list[SuggestQuery], suggest_warmup: list[SuggestQuery],
                workdir: Path, es_url: str | None, log: Callable[[str], None]) -> Run:
    run = Run(name, size)
    if name == BASELINE:
        path = workdir / f"fts5-{size}" / "catalogue.sqlite"
        path.parent.mkdir(parents=True)
        base = SqliteFts5Baseline(path)
        try:
            with CpuMeter() as meter:
                run.index_seconds, run.indexed = timed(lambda: base.rebuild(docs))
                run.index_seconds /= 1000
                run.size_bytes = base.size_bytes()
                log(f"  {name}: indexed {run.indexed:,} in {run.index_seconds:.1f} s; querying")
                measure(run, base.search, queries, warmup, None, [], [])
            run.others = meter.share
        finally:
            base.close()
            shutil.rmtree(path.parent, ignore_errors=True)
        return run

    backend: SearchBackend
    es_cpu: Callable[[], int | None] | None = None
    if name == "embedded":
        from catalogue.search.embedded import EmbeddedSearchBackend
        path = workdir / f"tantivy-{size}"
        backend = EmbeddedSearchBackend(path, LANGUAGES)
        cleanup: Callable[[], None] = lambda: shutil.rmtree(path, ignore_errors=True)  # noqa: E731
        size_of: Callable[[], int | None] = lambda: dir_size(path)  # noqa: E731
    else:
        from catalogue.search.elastic import ElasticsearchBackend
        assert es_url
        alias = f"gdi-bench-{uuid.uuid4().hex[:12]}"
        backend = ElasticsearchBackend(es_url, alias, LANGUAGES, timeout=60.0)
        cleanup = lambda: drop_es_indices(es_url, alias)  # noqa: E731
        size_of = lambda: es_store_bytes(backend)  # noqa: E731
        if (urlsplit(es_url).hostname or "") in ("127.0.0.1", "localhost", "::1"):
            es_cpu = lambda: es_node_cpu_ms(backend)  # noqa: E731
    try:
        with CpuMeter(es_cpu) as meter:
            # rebuild(): one commit (embedded) / a bulk load into a fresh index, refresh and alias switch
            # (ES), as `reindex` does; the wall clock includes the commit/refresh.
            ms, run.indexed = timed(lambda: backend.rebuild(iter(docs)))
            run.index_seconds = ms / 1000
            if name == "elasticsearch":
                run.settle_seconds = wait_for_merges(backend, log)
            run.size_bytes = size_of()
            if backend.count() != len(docs):
                run.notes.append(f"count() is {backend.count()} after indexing {len(docs)}")
            log(f"  {name}: indexed {run.indexed:,} in {run.index_seconds:.1f} s; querying")
            measure(run, lambda q: backend.search(q.query), queries, warmup, backend.suggest, suggestions,
                    suggest_warmup, backend.forget_results)
        run.others = meter.share
    finally:
        with contextlib.suppress(Exception):
            backend.close()
        cleanup()
    return run


# Report ----------------------------------------------------------------------------------------------------

def fmt(value: float | None, spec: str = ".1f") -> str:
    if value is None or value != value:  # None or NaN
        return "—"
    return format(value, spec)


def human_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    return f"{n / 2**20:,.0f} MiB"


def ratio(value: float, base: float | None) -> str:
    if base is None or base != base or not base or value != value:
        return "—"
    return f"{value / base:.2f}×"


def report(runs: list[Run], sizes: list[int], gen_seconds: dict[int, float]) -> list[str]:
    lines: list[str] = []
    header = (f"{'backend':<14} {'docs/s':>8} {'index s':>8} {'on disk':>10} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'hits':>8} {'sugg p50':>8} {'sugg p95':>8} │ {'docs/s':>7} {'p50':>6} {'p95':>6}")
    for size in sizes:
        at = [r for r in runs if r.size == size]
        if not at:
            continue
        lines.append("")
        title = f"== {size:,} datasets (generated in {gen_seconds.get(size, 0):.1f} s) "
        lines.append(title + "=" * max(0, len(header) - len(title)))
        lines.append(" " * header.index("│") + f"│ ratio to {BASELINE} (latency: <1 is faster)")
        lines.append(header)
        base = next((r for r in at if r.backend == BASELINE and not r.error), None)
        for r in at:
            if r.error:
                lines.append(f"{r.backend:<14} not run: {r.error}")
                continue
            mean_hits = statistics.fmean(r.hits) if r.hits else float("nan")
            lines.append(
                f"{r.backend:<14} {fmt(r.docs_per_s, ',.0f'):>8} {fmt(r.index_seconds):>8} "
                f"{human_bytes(r.size_bytes):>10} {fmt(r.queries.pct(50), '.2f'):>7} "
                f"{fmt(r.queries.pct(95), '.2f'):>7} {fmt(r.queries.pct(99), '.2f'):>7} "
                f"{fmt(mean_hits, ',.0f'):>8} {fmt(r.suggest.pct(50), '.2f'):>8} {fmt(r.suggest.pct(95), '.2f'):>8} │ "
                f"{ratio(r.docs_per_s, base.docs_per_s if base else None):>7} "
                f"{ratio(r.queries.pct(50), base.queries.pct(50) if base else None):>6} "
                f"{ratio(r.queries.pct(95), base.queries.pct(95) if base else None):>6}")
        lines.append("  p50/p95 ms by query kind:  "
                     + "   ".join(f"{r.backend}: " + ", ".join(
                         f"{k} {fmt(t.pct(50), '.1f')}/{fmt(t.pct(95), '.1f')}" for k, t in r.by_kind.items())
                         for r in at if not r.error))
        measured = [r for r in at if not r.error and (r.busy is not None or r.others is not None)]
        if measured:
            disturbed = any((r.busy or 0) > 0.15 or (r.others or 0) > 0.10 for r in measured)
            lines.append("  other work on the CPUs (ideally 0%), just before / during each run: "
                         + ", ".join(f"{r.backend} {fmt(r.busy and r.busy * 100, '.0f')}%"
                                     f" / {fmt(r.others and r.others * 100, '.0f')}%" for r in measured)
                         + ("  ← DISTURBED: rerun on a quiet machine" if disturbed else ""))
        settled = [r for r in at if not r.error and r.settle_seconds is not None]
        if settled:
            lines.append("  queried once merged into one segment and other merges settled (not counted as indexing): "
                         + ", ".join(f"{r.backend} {r.settle_seconds:.1f} s" for r in settled))
        ok = [r for r in at if not r.error and r.hits]
        for r in ok[1:]:
            differ = sum(a != b for a, b in zip(ok[0].hits, r.hits, strict=True))
            if differ:
                r.notes.append(f"total hits differ from {ok[0].backend} on {differ} of {len(r.hits)} queries")
        for r in at:
            for note in r.notes:
                lines.append(f"  note ({r.backend}): {note}")
    target_lines = []
    for r in runs:
        if r.error:
            continue
        if r.backend in INDEX_TARGETS:
            goal = INDEX_TARGETS[r.backend]
            target_lines.append(f"  {'PASS' if r.docs_per_s >= goal else 'MISS'}  {r.backend:<14} "
                                f"{r.size:>9,}  indexing {r.docs_per_s:,.0f} datasets/s  (target ≥ {goal:,.0f})")
        goal = LATENCY_TARGETS_MS.get((r.backend, r.size))
        if goal is not None:
            p95 = r.queries.pct(95)
            target_lines.append(f"  {'PASS' if p95 <= goal else 'MISS'}  {r.backend:<14} "
                                f"{r.size:>9,}  query p95 {p95:.2f} ms  (target ≤ {goal:.0f} ms)")
    if target_lines:
        lines += ["", "Targets (2-core machine):", *target_lines]
    return lines


def machine_info(es_version: str | None) -> dict[str, str]:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 2**20:.1f} GiB"
    return {
        "cpus": str(os.cpu_count()), "cpu": cpu, "memory": mem, "platform": platform.platform(),
        "python": platform.python_version(), "tantivy": version("tantivy"), "sqlite": sqlite3.sqlite_version,
        "elasticsearch_client": version("elasticsearch"), "elasticsearch_server": es_version or "not used",
    }


# Main ---------------------------------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=DEFAULT_SIZES,
                   help="comma-separated dataset counts (default %(default)s; 1000000 takes ~45 min with every "
                        "backend and ~6 GB of RAM, see README)")
    p.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated, of: " + ", ".join(BACKENDS))
    p.add_argument("--queries", type=int, default=300, help="timed queries per backend and size (default 300)")
    p.add_argument("--suggestions", type=int, default=None, help="timed suggestions (default: as --queries)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--es-url", default=os.environ.get("GDI_ELASTICSEARCH_URL", ""),
                   help="Elasticsearch URL (default $GDI_ELASTICSEARCH_URL)")
    p.add_argument("--workdir", default=None, help="where index files go (default: a fresh temporary directory)")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="SECONDS",
                   help="before each backend's run, wait up to this long for the CPUs to be idle (default 0)")
    p.add_argument("--es-warmup", type=int, default=JVM_WARMUP_DOCS, metavar="DOCS",
                   help=f"throwaway documents indexed to warm up the Elasticsearch JVM (default {JVM_WARMUP_DOCS:,}; "
                        "0: measure the node as it is)")
    p.add_argument("--json", default=None, help="also write every figure to this JSON file")
    args = p.parse_args(argv)
    try:
        args.sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        p.error("--sizes takes comma-separated integers")
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in args.backends if b not in BACKENDS]
    if unknown or not args.backends or not args.sizes or min(args.sizes) <= 0 or args.queries <= 0:
        p.error(f"unknown backend(s) {unknown}" if unknown else "need a backend, positive sizes and queries")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    backends = list(args.backends)
    es_url = args.es_url.strip() or None
    es_version = None
    skipped: dict[str, str] = {}
    if "elasticsearch" in backends:
        if not es_url:
            skipped["elasticsearch"] = ("no URL: pass --es-url or set GDI_ELASTICSEARCH_URL "
                                        "(start a server with `bash scripts/elasticsearch start`)")
        else:
            try:
                import catalogue.search.elastic  # noqa: F401
            except Exception as exc:  # noqa: BLE001
                skipped["elasticsearch"] = f"catalogue.search.elastic is not importable ({type(exc).__name__}: {exc})"
            else:
                ok, detail = es_reachable(es_url)
                if ok:
                    es_version = detail
                else:
                    skipped["elasticsearch"] = f"Elasticsearch at {es_url} is not reachable ({detail})"
        if "elasticsearch" in skipped:
            log(f"WARNING: skipping elasticsearch: {skipped['elasticsearch']}")

    started = time.perf_counter()
    corpus = build_corpus(args.seed)
    n_suggest = args.queries if args.suggestions is None else args.suggestions
    queries = make_queries(corpus, args.queries, args.seed)
    warmup = make_queries(corpus, WARMUP, args.seed, salt="warmup")
    suggestions = make_suggestions(corpus, n_suggest, args.seed)
    suggest_warmup = make_suggestions(corpus, WARMUP, args.seed, salt="suggest-warmup")
    runs: list[Run] = []
    gen_seconds: dict[int, float] = {}
    tmp = None
    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="gdi-search-bench-")
        workdir = Path(tmp.name)
    order = [b for b in BACKENDS if b in backends]  # fixed order: embedded, elasticsearch, baseline
    es_warmup_note = "Elasticsearch measured without a JVM warm-up (--es-warmup 0)"
    try:
        if "elasticsearch" in order and "elasticsearch" not in skipped and args.es_warmup > 0:
            log(f"warming up the Elasticsearch JVM ({args.es_warmup:,} throwaway documents)")
            es_warmup_note = warm_es_jvm(es_url, corpus, args.seed, args.es_warmup, log)
        for size in sorted(args.sizes):
            log(f"generating {size:,} documents (seed {args.seed})")
            ms, docs = timed(lambda size=size: list(generate_documents(corpus, size, args.seed)))
            gen_seconds[size] = ms / 1000
            gc.collect()
            gc.freeze()  # the corpus is not the engines' garbage: keep it out of collections during timing
            for name in order:
                if name in skipped:
                    runs.append(Run(name, size, error=skipped[name]))
                    continue
                log(f"  {name}: indexing {size:,}")
                wait_until_idle(args.wait_idle, log)
                busy = cpu_busy()
                try:
                    run = run_backend(name, size, docs, queries, warmup, suggestions, suggest_warmup,
                                      workdir, es_url, log)
                except Exception as exc:  # noqa: BLE001 - report the failure, carry on with the others
                    log(f"  {name} FAILED: {type(exc).__name__}: {exc}")
                    run = Run(name, size, error=f"{type(exc).__name__}: {str(exc)[:300]}")
                run.busy = busy
                runs.append(run)
            del docs
            gc.unfreeze()
            gc.collect()
    finally:
        if tmp is not None:
            tmp.cleanup()

    info = machine_info(es_version)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB on Linux
    out = [
        "Search benchmark — synthetic HealthDCAT-AP SearchDocuments, "
        f"{args.queries} queries (40% 1 word, 30% 2 words, 30% 1–2 words + 2 facet filters; "
        f"all with facet counts, size {PAGE_SIZE}, relevance), {n_suggest} suggestions (2–5 letter prefixes), "
        f"{WARMUP} warm-up each",
        f"command: {command}",
        f"machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['platform']}",
        f"versions: Python {info['python']}, tantivy {info['tantivy']}, SQLite {info['sqlite']}, "
        f"Elasticsearch {info['elasticsearch_server']} (client {info['elasticsearch_client']})",
        "columns: docs/s and index s = wall clock of a full rebuild incl. commit/refresh; on disk = index "
        "directory (embedded), primary store (ES _stats), database file (SQLite); latencies in ms; hits = mean total",
    ]
    if "elasticsearch" in order and "elasticsearch" not in skipped:
        out.append(es_warmup_note)
    out += report(runs, sorted(args.sizes), gen_seconds)
    out.append("")
    out.append(f"total {time.perf_counter() - started:.0f} s, peak RSS of this process {peak_rss:.1f} GiB")
    print("\n".join(out))
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({
            "command": command, "machine": info, "seed": args.seed, "queries": args.queries,
            "suggestions": n_suggest, "warmup": WARMUP,
            "es_warmup_docs": args.es_warmup if "elasticsearch" in order else None, "generation_seconds": gen_seconds,
            "targets": {"latency_p95_ms": {f"{b}@{s}": v for (b, s), v in LATENCY_TARGETS_MS.items()},
                        "index_docs_per_s": INDEX_TARGETS},
            "runs": [r.as_dict() for r in runs],
        }, indent=2, ensure_ascii=False), "utf-8")
        log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
