#!/usr/bin/env python3
"""Vendor the controlled vocabularies the catalogue needs into ``ontologies/vocabularies/``.

Usage (from the repository root)::

    .venv/bin/python scripts/vendor_vocabularies.py [SHARED_REFERENCE_DIR] [--out DIR]

``SHARED_REFERENCE_DIR`` defaults to ``../shared/reference`` relative to the repository root.

Why this script exists: the upstream SKOS files are large (the country table alone is 1 MB of RDF/XML with ~250
countries, alt labels and legacy-code mappings), mix several versions, and partly lack what the portal needs (ISO
alpha-2 codes for countries, ISO 639-1 codes for languages, ``skos:inScheme`` in the language-filtered subsets).
The script keeps only the concepts the catalogue shows, with every ``skos:prefLabel`` they have, adds those codes as
``skos:notation`` (typed with the EU Vocabularies datatypes the current NALs use, ``euvoc:ISO_3166_1_ALPHA_2`` /
``euvoc:ISO_639_1``), and writes small, deterministic (diff-friendly) Turtle. Re-running it on the same input
produces byte-identical output. It never touches ``access-right-translations.ttl``, which is hand-written.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, OWL, RDF, RDFS, SKOS

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference"
DEFAULT_OUT = REPO_ROOT / "ontologies" / "vocabularies"

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
AT = "http://publications.europa.eu/ontology/authority/"
EUVOC = "http://publications.europa.eu/ontology/euvoc#"
ISO_3166_1_ALPHA_2 = URIRef(EUVOC + "ISO_3166_1_ALPHA_2")
ISO_3166_1_ALPHA_3 = URIRef(EUVOC + "ISO_3166_1_ALPHA_3")
ISO_639_1 = URIRef(EUVOC + "ISO_639_1")

NAL_LICENCE = (
    "EU Publications Office NAL content: reuse authorised (Commission Decision 2011/833/EU), "
    "EU Vocabularies are CC BY 4.0 (c) European Union"
)
HEALTH_LICENCE = (
    "CC BY 4.0, (c) European Union / DG SANTE (official HealthDCAT-AP Release 8, code.europa.eu/healthdataeu/"
    "healthdcat-ap @cd7841f, via SemanticDataCharter/sdc_healthdcat_ap)"
)

# Provenance of each source file, copied from shared/reference/README.md (section 3 and the GDI table).
PROVENANCE: dict[str, str] = {
    "vocabularies/countries-skos.rdf": "piveau-data/piveau-vocabularies src/main/resources/countries-skos.rdf "
    "@7b29f2a4f6dab8cdadc0b2765fd5729e7307428b (repo licence Apache-2.0)",
    "vocabularies/data-theme-skos.ttl": "Health-RI/health-ri-metadata Formalisation(shacl)/Core/"
    "ReusedCommunityStandards/data-theme-skos.trig.ttl @434fa34299f674a4029ccae92edf8e15440793d3 (repo licence "
    "CC-BY-4.0)",
    "vocabularies/access-right-en.ttl": "Informasjonsforvaltning/fdk-reference-data src/test/resources/"
    "access-right-sparql-result.ttl @55830c3820a6a7fc3d6347c7c0030c67f9c98c31 (repo licence Apache-2.0)",
    "vocabularies/subsets-4lang/access-right.rdf": "metadata101/dcat-ap resources/thesauri/theme/access-right.rdf "
    "@8db41208752a0c6195be8c1c0aae5a2474c3be8b (repo licence GPL-2.0)",
    "vocabularies/health/healthcategories.rdf": "SemanticDataCharter/sdc_healthdcat_ap data/healthdcat-ap-r8-cd7841f/"
    "validator/catalogue/healthcategories.rdf @3e1aab0d9cc0504cd33ae5af5a62ec408f35207f",
    "vocabularies/health/health-theme.rdf": "SemanticDataCharter/sdc_healthdcat_ap data/healthdcat-ap-r8-cd7841f/"
    "validator/catalogue/health-theme.rdf @3e1aab0d9cc0504cd33ae5af5a62ec408f35207f",
    "vocabularies/filetypes-skos.rdf": "piveau-data/piveau-vocabularies src/main/resources/filetypes-skos.rdf "
    "@7b29f2a4f6dab8cdadc0b2765fd5729e7307428b (repo licence Apache-2.0)",
    "vocabularies/subsets-5lang/filetypes-filtered.rdf": "geosolutions-it/ckanext-dcatapit vocabularies/"
    "filetypes-filtered.rdf @81d7fffa258c3599a69c6d352e33873e4dbf6940 (repo licence AGPL-3.0)",
    "vocabularies/subsets-5lang/languages-filtered.rdf": "geosolutions-it/ckanext-dcatapit vocabularies/"
    "languages-filtered.rdf @81d7fffa258c3599a69c6d352e33873e4dbf6940 (repo licence AGPL-3.0)",
    "vocabularies/subsets-4lang/frequency.rdf": "metadata101/dcat-ap resources/thesauri/theme/frequency.rdf "
    "@8db41208752a0c6195be8c1c0aae5a2474c3be8b (repo licence GPL-2.0)",
    "vocabularies/subsets-5lang/frequencies-filtered.rdf": "geosolutions-it/ckanext-dcatapit vocabularies/"
    "frequencies-filtered.rdf @81d7fffa258c3599a69c6d352e33873e4dbf6940 (repo licence AGPL-3.0)",
    "vocabularies/dataset-type-en-no.ttl": "Informasjonsforvaltning/fdk-reference-data src/test/resources/"
    "dataset-types-sparql-result.ttl @55830c3820a6a7fc3d6347c7c0030c67f9c98c31 (repo licence Apache-2.0)",
    "gdi/userportal-translations/001_initial_translations.csv": "GenomicDataInfrastructure/"
    "gdi-userportal-ckanext-gdi-userportal ckanext/gdi_userportal/migrations/versions/001_initial_translations.csv "
    "@f42c641fe555825a0d4f2c3cd7579435128308e4 (Apache-2.0)",
}

# --- Selections -------------------------------------------------------------------------------------------------

# NAL authority code -> ISO 3166-1 alpha-2. EU27, EEA/EFTA, UK, Western Balkans, Ukraine, Moldova, Turkey and the
# NAL's EUR ("European Union", ISO exceptionally reserved "EU"). Kosovo is 1A0 in the NAL and has no ISO code; the
# user-assigned XK/XKX (used by the Commission and Eurostat) is added so harvested "XK" values resolve.
EUROPEAN_COUNTRIES: dict[str, str] = {
    # EU 27
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK", "EST": "EE",
    "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE", "ITA": "IT", "LVA": "LV",
    "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL", "PRT": "PT", "ROU": "RO", "SVK": "SK",
    "SVN": "SI", "ESP": "ES", "SWE": "SE",
    # EEA / EFTA
    "ISL": "IS", "LIE": "LI", "NOR": "NO", "CHE": "CH",
    # United Kingdom
    "GBR": "GB",
    # Western Balkans
    "ALB": "AL", "BIH": "BA", "MNE": "ME", "MKD": "MK", "SRB": "RS", "1A0": "XK",
    # Eastern neighbours / candidates
    "UKR": "UA", "MDA": "MD", "TUR": "TR",
    # The Union itself
    "EUR": "EU",
}  # fmt: skip
ALPHA3_OVERRIDES = {"1A0": "XKX", "EUR": None}  # NAL code is not an ISO alpha-3 code
# Where the NAL's TED legacy code legitimately differs from ISO alpha-2 (TED uses EU country codes).
TED_EXCEPTIONS = {"GBR": "UK", "1A0": "1A"}

# File types a genomic / health data catalogue actually sees. VCF, FASTQ, BAM, CRAM, PARQUET, DICOM are not in any
# NAL version available (checked by the script: missing codes are reported, not invented).
FILE_TYPES = [
    "CSV", "TSV", "TXT", "JSON", "JSON_LD", "XML", "RDF", "RDF_XML", "RDF_TURTLE", "RDF_N_TRIPLES", "RDF_N_QUADS",
    "RDF_TRIG", "N3", "RDFA", "OWL", "SKOS_XML", "SPARQLQ", "SPARQLQRES", "HTML", "XHTML", "PDF", "PDFA1A",
    "PDFA1B", "PDFA2A", "PDFA2B", "PDFA3", "XLS", "XLSX", "ODS", "DOC", "DOCX", "ODT", "RTF", "SQL", "DBF", "MDB",
    "HDF", "NETCDF", "SDMX", "ZIP", "GZIP", "TAR", "TAR_GZ", "TAR_XZ", "7Z", "BZIP2", "XZ", "RAR", "BIN", "OCTET",
    "PNG", "JPEG", "TIFF", "SVG", "REST", "ATOM", "RSS", "GEOJSON",
    "VCF", "FASTQ", "BAM", "CRAM", "PARQUET", "DICOM",
]  # fmt: skip

# NAL language code -> ISO 639-1 (BCP 47 primary subtag). 24 EU official languages, EEA / candidate-country
# languages, regional EU languages, and the special codes MUL/UND/ZXX (BCP 47 allows the three-letter codes).
LANGUAGES: dict[str, str] = {
    "BUL": "bg", "CES": "cs", "DAN": "da", "DEU": "de", "ELL": "el", "ENG": "en", "EST": "et", "FIN": "fi",
    "FRA": "fr", "GLE": "ga", "HRV": "hr", "HUN": "hu", "ITA": "it", "LAV": "lv", "LIT": "lt", "MLT": "mt",
    "NLD": "nl", "POL": "pl", "POR": "pt", "RON": "ro", "SLK": "sk", "SLV": "sl", "SPA": "es", "SWE": "sv",
    "NOR": "no", "NOB": "nb", "NNO": "nn", "ISL": "is", "LTZ": "lb", "CAT": "ca", "EUS": "eu", "GLG": "gl",
    "SQI": "sq", "MKD": "mk", "SRP": "sr", "BOS": "bs", "CNR": "cnr", "TUR": "tr", "UKR": "uk", "RUS": "ru",
    "ARA": "ar", "ZHO": "zh", "LAT": "la",
    "MUL": "mul", "UND": "und", "ZXX": "zxx",
}  # fmt: skip


# --- Model and Turtle writer ----------------------------------------------------------------------------------


@dataclass
class Concept:
    iri: str
    scheme: str
    identifier: Literal | None = None
    notations: set[Literal] = field(default_factory=set)
    exact_match: set[str] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label, first source wins


@dataclass
class Vocab:
    filename: str
    scheme: str
    namespace: str
    prefix: str
    sources: list[str]
    licence: str
    notes: list[str] = field(default_factory=list)
    scheme_labels: dict[str, str] = field(default_factory=dict)
    version: list[str] = field(default_factory=list)
    concepts: dict[str, Concept] = field(default_factory=dict)

    def concept(self, iri: str) -> Concept:
        if iri not in self.concepts:
            self.concepts[iri] = Concept(iri, self.scheme)
        return self.concepts[iri]


_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")


def _lit(lit: Literal) -> str:
    text = str(lit).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    text = text.replace("\t", "\\t")
    if lit.language:
        return f'"{text}"@{lit.language}'
    if lit.datatype == ISO_3166_1_ALPHA_2:
        return f'"{text}"^^euvoc:ISO_3166_1_ALPHA_2'
    if lit.datatype == ISO_3166_1_ALPHA_3:
        return f'"{text}"^^euvoc:ISO_3166_1_ALPHA_3'
    if lit.datatype == ISO_639_1:
        return f'"{text}"^^euvoc:ISO_639_1'
    if lit.datatype:
        return f'"{text}"^^<{lit.datatype}>'
    return f'"{text}"'


def _labels(labels: dict[str, str]) -> str:
    return " ,\n        ".join(_lit(Literal(labels[lang], lang=lang)) for lang in sorted(labels))


def write_turtle(vocab: Vocab, out_dir: Path) -> Path:
    def name(iri: str) -> str:
        local = iri[len(vocab.namespace) :] if iri.startswith(vocab.namespace) else None
        return f"{vocab.prefix}:{local}" if local and _LOCAL.match(local) else f"<{iri}>"

    lines = [
        f"# {vocab.filename}: {vocab.scheme}",
        "# GENERATED by scripts/vendor_vocabularies.py -- do not edit by hand; re-run the script instead.",
        "# Sources (paths in shared/reference, then upstream origin):",
    ]
    for src in vocab.sources:
        lines.append(f"#   {src}")
        lines.append(f"#     <- {PROVENANCE[src]}")
    lines.append(f"# Licence: {vocab.licence}")
    for note in vocab.notes:
        lines.append(f"#       {note.strip()}" if note.startswith("  ") else f"# Note: {note}")
    lines += [
        "",
        "@prefix dc: <http://purl.org/dc/elements/1.1/> .",
        "@prefix euvoc: <http://publications.europa.eu/ontology/euvoc#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        f"@prefix {vocab.prefix}: <{vocab.namespace}> .",
        "",
    ]
    head = [f"<{vocab.scheme}> a skos:ConceptScheme"]
    for version in sorted(set(vocab.version)):
        head.append(f"    owl:versionInfo {_lit(Literal(version))}")
    if vocab.scheme_labels:
        head.append(f"    skos:prefLabel {_labels(vocab.scheme_labels)}")
    lines.append(" ;\n".join(head) + " .")
    lines.append("")
    for iri in sorted(vocab.concepts, key=lambda i: (str(vocab.concepts[i].identifier or i), i)):
        c = vocab.concepts[iri]
        parts = [f"{name(iri)} a skos:Concept", f"    skos:inScheme <{c.scheme}>"]
        if c.identifier is not None:
            parts.append(f"    dc:identifier {_lit(c.identifier)}")
        if c.notations:
            parts.append("    skos:notation " + " , ".join(_lit(n) for n in sorted(c.notations, key=_lit)))
        if c.exact_match:
            parts.append("    skos:exactMatch " + " , ".join(f"<{m}>" for m in sorted(c.exact_match)))
        if c.labels:
            parts.append(f"    skos:prefLabel {_labels(c.labels)}")
        lines.append(" ;\n".join(parts) + " .")
        lines.append("")
    path = out_dir / vocab.filename
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --- Reading sources --------------------------------------------------------------------------------------------


def load(source_root: Path, rel: str) -> Graph:
    path = source_root / rel
    graph = Graph()
    graph.parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    return graph


def take(
    vocab: Vocab,
    graph: Graph,
    codes: list[str] | None = None,
    label_filter=None,
    exact_match: bool = False,
) -> list[str]:
    """Copy concepts of ``vocab.scheme`` from ``graph``; return the requested codes that were not found."""
    scheme = URIRef(vocab.scheme)
    for p, o in graph.predicate_objects(scheme):
        if p in (SKOS.prefLabel, RDFS.label, DCTERMS.title) and isinstance(o, Literal) and o.language == "en":
            vocab.scheme_labels.setdefault("en", str(o))
        if p == OWL.versionInfo:
            vocab.version.append(str(o))
    candidates = {str(s) for s in graph.subjects(SKOS.inScheme, scheme)}
    candidates |= {str(s) for s in graph.subjects(RDF.type, SKOS.Concept) if str(s).startswith(vocab.namespace)}
    wanted = None if codes is None else {vocab.namespace + c for c in codes}
    missing = [] if codes is None else [c for c in codes if vocab.namespace + c not in candidates]
    for iri in sorted(candidates):
        if wanted is not None and iri not in wanted:
            continue
        ref = URIRef(iri)
        concept = vocab.concept(iri)
        for pred in (DC.identifier, DCTERMS.identifier):
            for o in graph.objects(ref, pred):
                if concept.identifier is None:
                    concept.identifier = o
        for o in graph.objects(ref, SKOS.notation):
            concept.notations.add(o)
        if exact_match:
            concept.exact_match |= {str(o) for o in graph.objects(ref, SKOS.exactMatch)}
        for o in sorted(graph.objects(ref, SKOS.prefLabel), key=lambda lit: (getattr(lit, "language", "") or "", lit)):
            if not isinstance(o, Literal) or not o.language:
                continue
            if label_filter is not None and not label_filter(o):
                continue
            lang = o.language.lower()
            if lang in concept.labels and concept.labels[lang] != str(o):
                print(f"  ! {iri}: second prefLabel@{lang} {str(o)!r} ignored (kept {concept.labels[lang]!r})")
                continue
            concept.labels.setdefault(lang, str(o))
    return missing


def ted_code(graph: Graph, concept: URIRef) -> str | None:
    for mapped in graph.objects(concept, URIRef(AT + "op-mapped-code")):
        if str(graph.value(mapped, DC.source)) == "TED":
            return str(graph.value(mapped, URIRef(AT + "legacy-code")))
    return None


# --- Vocabularies -----------------------------------------------------------------------------------------------


def build_countries(src: Path) -> Vocab:
    rel = "vocabularies/countries-skos.rdf"
    vocab = Vocab(
        "country.ttl", EU_AUTHORITY + "country", EU_AUTHORITY + "country/", "country", [rel], NAL_LICENCE,
        notes=[
            "European countries only (EU27, EEA/EFTA, UK, Western Balkans incl. Kosovo 1A0, UA, MD, TR) and EUR.",
            "skos:notation ISO 3166-1 alpha-2/alpha-3 added by the script (absent from NAL version 20181212-0;",
            "  checked against the NAL's TED legacy codes). Kosovo: user-assigned XK/XKX. EUR: ISO-reserved EU.",
            "Labels are the NAL 20181212-0 ones (e.g. 'Former Yugoslav Republic of Macedonia', 'Turkey').",
        ],
    )  # fmt: skip
    graph = load(src, rel)
    missing = take(vocab, graph, list(EUROPEAN_COUNTRIES))
    if missing:
        raise SystemExit(f"country codes missing from {rel}: {missing}")
    for code, alpha2 in EUROPEAN_COUNTRIES.items():
        iri = vocab.namespace + code
        ted = ted_code(graph, URIRef(iri))
        if ted is not None and ted != alpha2 and TED_EXCEPTIONS.get(code) != ted:
            raise SystemExit(f"{code}: ISO alpha-2 {alpha2} disagrees with the NAL's TED code {ted}")
        concept = vocab.concepts[iri]
        concept.notations.add(Literal(alpha2, datatype=ISO_3166_1_ALPHA_2))
        alpha3 = ALPHA3_OVERRIDES.get(code, code)
        if alpha3:
            concept.notations.add(Literal(alpha3, datatype=ISO_3166_1_ALPHA_3))
    return vocab


def build_simple(
    src: Path, filename: str, scheme: str, prefix: str, rels: list[str], licence: str, **kw
) -> tuple[Vocab, list[str]]:
    namespace = scheme + "/"
    vocab = Vocab(filename, scheme, namespace, prefix, rels, licence, notes=kw.pop("notes", []))
    missing: list[str] | None = None
    for rel in rels:
        miss = take(vocab, load(src, rel), **kw)
        missing = miss if missing is None else [m for m in missing if m in miss]
    return vocab, missing or []


def build_access_rights(src: Path) -> Vocab:
    rel_en, rel_4 = "vocabularies/access-right-en.ttl", "vocabularies/subsets-4lang/access-right.rdf"
    vocab = Vocab(
        "access-right.ttl", EU_AUTHORITY + "access-right", EU_AUTHORITY + "access-right/", "ar", [rel_en, rel_4],
        NAL_LICENCE,
        notes=[
            "English labels only: no translated access-right NAL is available. The 4-language 20160920 subset",
            "  repeats the English text under every language tag; only its scheme name is used. Translations: see",
            "  access-right-translations.ttl (project work, CC BY 4.0).",
        ],
    )  # fmt: skip
    take(vocab, load(src, rel_en))
    graph4 = load(src, rel_4)
    fake = 0
    for s in graph4.subjects(SKOS.inScheme, URIRef(vocab.scheme)):
        en = {str(o) for o in graph4.objects(s, SKOS.prefLabel) if o.language == "en"}
        fake += sum(1 for o in graph4.objects(s, SKOS.prefLabel) if o.language != "en" and str(o) in en)
    print(f"  access-right: {fake} non-English labels in {rel_4} are copies of the English text; ignored")
    # The 20160920 subset only contributes the scheme's English name; its concepts are a subset of the 20220316 ones.
    for p, o in graph4.predicate_objects(URIRef(vocab.scheme)):
        if p in (SKOS.prefLabel, RDFS.label, DCTERMS.title) and isinstance(o, Literal) and o.language == "en":
            vocab.scheme_labels.setdefault("en", str(o))
    return vocab


def build_languages(src: Path) -> tuple[Vocab, Vocab]:
    rel = "vocabularies/subsets-5lang/languages-filtered.rdf"
    csv_rel = "gdi/userportal-translations/001_initial_translations.csv"
    scheme = EU_AUTHORITY + "language"
    vocab = Vocab(
        "language.ttl", scheme, scheme + "/", "lang", [rel], NAL_LICENCE,
        notes=[
            "24 EU official languages plus EEA/candidate/regional languages and MUL/UND/ZXX; labels it/en/fr/de/es",
            "  only (language-filtered subset of NAL 20211208-0). skos:inScheme and the ISO 639-1 skos:notation",
            "  were added by the script.",
        ],
    )  # fmt: skip
    missing = take(vocab, load(src, rel), list(LANGUAGES))
    if missing:
        raise SystemExit(f"language codes missing from {rel}: {missing}")
    for code, iso in LANGUAGES.items():
        vocab.concepts[vocab.namespace + code].notations.add(Literal(iso, datatype=ISO_639_1))

    overlay = Vocab(
        "language-gdi-translations.ttl", scheme, scheme + "/", "lang", [csv_rel],
        "Apache-2.0 (GenomicDataInfrastructure/gdi-userportal-ckanext-gdi-userportal)",
        notes=[
            "Label overlay: language names from the GDI user portal's translation table, for the languages vendored",
            "  in language.ttl and only in label languages that language.ttl lacks. The GDI file writes the NAL",
            "  IRIs with https://; they are normalised to the NAL's http:// IRIs. Loaded after language.ttl.",
        ],
    )  # fmt: skip
    with (src / csv_rel).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            term = row["term"].strip().replace("https://publications.europa.eu/", "http://publications.europa.eu/")
            if term not in vocab.concepts:
                continue
            lang, text = row["lang_code"].strip().lower(), row["term_translation"].strip()
            if not lang or not text or lang in vocab.concepts[term].labels:
                continue
            overlay.concept(term).labels.setdefault(lang, text)
    for concept in overlay.concepts.values():
        concept.identifier = vocab.concepts[concept.iri].identifier
    return vocab, overlay


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="shared/reference directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    src: Path = args.source.resolve()
    if not (src / "vocabularies").is_dir():
        parser.error(f"{src} does not look like shared/reference (no vocabularies/ folder)")
    args.out.mkdir(parents=True, exist_ok=True)

    vocabs: list[Vocab] = [build_countries(src)]
    data_theme, _ = build_simple(
        src, "data-theme.ttl", EU_AUTHORITY + "data-theme", "theme", ["vocabularies/data-theme-skos.ttl"], NAL_LICENCE
    )
    vocabs.append(data_theme)
    vocabs.append(build_access_rights(src))
    for filename, scheme, prefix, rel in [
        ("healthcategories.ttl", "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories",
         "hc", "vocabularies/health/healthcategories.rdf"),
        ("health-theme.ttl", "https://hdeu-dcat.data.health.europa.eu/resource/authority/health-theme",
         "ht", "vocabularies/health/health-theme.rdf"),
    ]:  # fmt: skip
        vocab, _ = build_simple(src, filename, scheme, prefix, [rel], HEALTH_LICENCE)
        vocabs.append(vocab)

    # Newer, 5-language file first so that its labels win over the 2018 English-only ones.
    file_type, missing = build_simple(
        src, "file-type.ttl", EU_AUTHORITY + "file-type", "ft",
        ["vocabularies/subsets-5lang/filetypes-filtered.rdf", "vocabularies/filetypes-skos.rdf"], NAL_LICENCE,
        codes=FILE_TYPES,
        notes=["Common file types only; labels it/en/fr/de/es (20211208-0) merged with the full 20181212-0 table",
               "  (English labels only there); newer labels win. skos:inScheme added where the subset lacked it."],
    )  # fmt: skip
    file_type.notes.append("Not in any available NAL version, hence absent: " + ", ".join(missing))
    print(f"  file-type: not in the NAL sources: {missing}")
    vocabs.append(file_type)

    language, language_overlay = build_languages(src)
    vocabs += [language, language_overlay]

    frequency, _ = build_simple(
        src, "frequency.ttl", EU_AUTHORITY + "frequency", "freq",
        ["vocabularies/subsets-5lang/frequencies-filtered.rdf", "vocabularies/subsets-4lang/frequency.rdf"],
        NAL_LICENCE, exact_match=True,
        notes=["Union of NAL 20190619-0 (it/en/fr/de/es) and 20160921-0 (nl/fr/de/en); newer labels win.",
               "  skos:exactMatch to the Dublin Core collection frequencies (purl.org/cld/freq) kept."],
    )  # fmt: skip
    vocabs.append(frequency)
    dataset_type, _ = build_simple(
        src, "dataset-type.ttl", EU_AUTHORITY + "dataset-type", "dstype", ["vocabularies/dataset-type-en-no.ttl"],
        NAL_LICENCE, notes=["Labels en/nb/nn/no only (extract of NAL 20230315-0)."],
    )  # fmt: skip
    vocabs.append(dataset_type)

    for vocab in vocabs:
        path = write_turtle(vocab, args.out)
        check = Graph().parse(path, format="turtle")  # the output must parse
        langs = sorted({lang for c in vocab.concepts.values() for lang in c.labels})
        print(
            f"{path.name:32} {len(vocab.concepts):4} concepts {path.stat().st_size / 1024:7.1f} KB "
            f"{len(check):5} triples  labels: {' '.join(langs)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
