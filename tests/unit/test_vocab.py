"""catalogue.vocab against the real vendored files in ontologies/vocabularies/."""

from __future__ import annotations

import pytest

from catalogue.dcat.namespaces import ACCESS_RIGHT_NAL, COUNTRY_NAL, HEALTH_CATEGORY_NAL
from catalogue.vocab import (
    ACCESS_RIGHT,
    COUNTRY,
    DATA_THEME,
    DATASET_TYPE,
    DEFAULT_DIRECTORY,
    FILE_TYPE,
    FREQUENCY,
    HEALTH_CATEGORY,
    HEALTH_THEME,
    LANGUAGE,
    Vocabularies,
    get_vocabularies,
)

AR = ACCESS_RIGHT_NAL
HC = HEALTH_CATEGORY_NAL
LANG = "http://publications.europa.eu/resource/authority/language/"
FT = "http://publications.europa.eu/resource/authority/file-type/"
UI_LANGUAGES = ("en", "fr", "de", "ro", "hu", "el")


@pytest.fixture(scope="module")
def vocab() -> Vocabularies:
    return get_vocabularies()


def test_loads_every_vendored_file(vocab):
    names = {p.name for p in vocab.files}
    assert {"country.ttl", "access-right.ttl", "access-right-translations.ttl", "healthcategories.ttl"} <= names
    assert vocab.directory == DEFAULT_DIRECTORY
    assert get_vocabularies() is vocab  # cached
    assert get_vocabularies(str(DEFAULT_DIRECTORY)) is vocab  # same cache entry for the same directory
    assert vocab.load_seconds > 0


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        (COUNTRY, 42),
        (DATA_THEME, 14),
        (ACCESS_RIGHT, 6),
        (HEALTH_CATEGORY, 17),
        (HEALTH_THEME, 20),
        (LANGUAGE, 46),
        (FREQUENCY, 31),
        (DATASET_TYPE, 24),
    ],
)
def test_scheme_sizes(vocab, scheme, expected):
    assert len(vocab.concepts(scheme)) == expected


def test_scheme_constants_match_namespaces():
    assert COUNTRY + "/" == COUNTRY_NAL
    assert ACCESS_RIGHT + "/" == ACCESS_RIGHT_NAL
    assert HEALTH_CATEGORY + "/" == HEALTH_CATEGORY_NAL


def test_concepts_sorted_by_code_and_trailing_slash_accepted(vocab):
    codes = [vocab.identifier(i) for i in vocab.concepts(ACCESS_RIGHT_NAL)]
    assert codes == ["CONFIDENTIAL", "NON_PUBLIC", "NORMAL", "PUBLIC", "RESTRICTED", "SENSITIVE"]
    assert vocab.concepts("http://example.org/no-such-scheme") == []


def test_health_category_greek_label(vocab):
    assert vocab.label(HC + "HGPD", "el") == "Ανθρώπινα γενετικά, επιγενετικά και γονιδιωματικά δεδομένα"
    assert vocab.label(HC + "HGPD", "en") == "Human genetic, epigenomic and genomic data"


def test_every_health_category_and_theme_has_all_ui_languages(vocab):
    for scheme in (HEALTH_CATEGORY, HEALTH_THEME, DATA_THEME):
        for iri in vocab.concepts(scheme):
            assert set(UI_LANGUAGES) <= set(vocab.labels(iri)), iri


def test_fallback_chain(vocab):
    non_public = AR + "NON_PUBLIC"
    assert vocab.label(non_public, "xx") == "non-public"  # unknown language -> English
    assert vocab.label(non_public, "de-AT") == "nicht öffentlich"  # regional tag -> base language
    assert vocab.label(non_public, "fr_BE") == "non public"  # gettext-style tag
    assert vocab.label(non_public, None) == "non-public"
    # A concept labelled in one language only: that label, whatever is asked.
    hvd = "http://publications.europa.eu/resource/authority/dataset-type/HVD"
    assert vocab.labels(hvd) == {"en": "High-value dataset"}
    assert vocab.label(hvd, "hu") == "High-value dataset"
    # The default language is honoured before "any".
    ontology = "http://publications.europa.eu/resource/authority/dataset-type/ONTOLOGY"
    assert vocab.label(ontology, "fr", default="nb") == "Ontologi"


def test_fallback_to_any_label_is_deterministic(tmp_path):
    (tmp_path / "x.ttl").write_text(
        '<http://ex.org/c> <http://www.w3.org/2004/02/skos/core#prefLabel> "Hund"@de , "chien"@fr .\n',
        encoding="utf-8",
    )
    vocab = Vocabularies(tmp_path)
    assert vocab.label("http://ex.org/c", "el") == "Hund"  # no el, no en -> first by language tag (de < fr)


def test_overlay_never_overrides_vendored_label(tmp_path):
    pref = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    (tmp_path / "a-translations.ttl").write_text(f'<http://ex.org/c> {pref} "ours"@en , "unsere"@de .\n')
    (tmp_path / "z.ttl").write_text(f'<http://ex.org/c> {pref} "official"@en .\n')
    vocab = Vocabularies(tmp_path)
    assert vocab.labels("http://ex.org/c") == {"en": "official", "de": "unsere"}


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        Vocabularies(tmp_path)


def test_unknown_iri_falls_back_to_tail(vocab):
    assert vocab.label("http://example.org/access/NON_PUBLIC", "de") == "NON_PUBLIC"
    assert vocab.label("http://example.org/terms#Some%20Thing", "de") == "Some Thing"
    assert vocab.label("http://example.org/path/", "en") == "path"
    assert vocab.label("urn:gdi:CODE", "en") == "CODE"
    assert vocab.label("", "en") == ""
    assert vocab.label(None, "en") == ""  # type: ignore[arg-type]
    assert vocab.labels("http://example.org/x") == {}


def test_https_variant_of_nal_iri(vocab):
    assert vocab.label("https://publications.europa.eu/resource/authority/access-right/PUBLIC", "de") == "öffentlich"


def test_frequency_exact_match_alias(vocab):
    assert vocab.label("http://purl.org/cld/freq/annual", "de") == "jährlich"


@pytest.mark.parametrize(
    ("code", "lang", "expected"),
    [
        ("PUBLIC", "el", "δημόσιο"),
        ("RESTRICTED", "el", "περιορισμένο"),
        ("NON_PUBLIC", "el", "μη δημόσιο"),
        ("PUBLIC", "hu", "nyilvános"),
        ("RESTRICTED", "hu", "korlátozott"),
        ("NON_PUBLIC", "hu", "nem nyilvános"),
        ("PUBLIC", "ro", "public"),
        ("RESTRICTED", "ro", "restricționat"),
        ("NON_PUBLIC", "ro", "nepublic"),
        ("RESTRICTED", "fr", "restreint"),
        ("NON_PUBLIC", "de", "nicht öffentlich"),
        ("SENSITIVE", "mt", "sensittiv"),
    ],
)
def test_access_right_translations(vocab, code, lang, expected):
    assert vocab.label(AR + code, lang) == expected


def test_access_rights_translated_in_all_eu_languages(vocab):
    eu = {
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fi",
        "fr",
        "ga",
        "hr",
        "hu",
        "it",
        "lt",
        "lv",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
        "sv",
    }
    for iri in vocab.concepts(ACCESS_RIGHT):
        assert eu <= set(vocab.labels(iri)), iri
    # The NAL's own English wording is kept (the overlay repeats it; the vendored label wins anyway).
    assert vocab.labels(AR + "NON_PUBLIC")["en"] == "non-public"


@pytest.mark.parametrize(
    ("value", "alpha2"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        (" deu ", "DE"),
        ("EL", "GR"),
        ("GR", "GR"),
        ("GRC", "GR"),
        ("GB", "GB"),
        ("GBR", "GB"),
        ("UK", "GB"),
        ("XK", "XK"),
        ("1A0", "XK"),
        ("EUR", "EU"),
        (COUNTRY_NAL + "DEU", "DE"),
        ("https://publications.europa.eu/resource/authority/country/GRC", "GR"),
    ],
)
def test_country_code_round_trip(vocab, value, alpha2):
    assert vocab.country_code(value) == alpha2
    iri = vocab.country_iri(value)
    assert iri is not None and iri.startswith(COUNTRY_NAL)
    assert vocab.country_iri(alpha2) == iri


def test_country_iri(vocab):
    assert vocab.country_iri("DE") == COUNTRY_NAL + "DEU"
    assert vocab.country_iri("el") == COUNTRY_NAL + "GRC"
    assert vocab.country_iri("US") is None  # not vendored: European countries only
    assert vocab.country_iri("") is None
    assert vocab.country_iri(COUNTRY_NAL + "USA") is None
    assert vocab.country_code("nonsense") is None


def test_country_labels(vocab):
    assert vocab.country_label("DE", "mt") == "Il-Ġermanja"
    assert vocab.country_label("HU", "hu") == "Magyarország"
    assert vocab.country_label("GR", "hu") == "Görögország"
    assert vocab.country_label("EL", "el") == "Ελλάδα"
    assert vocab.country_label("RO", "ro") == "România"
    assert vocab.country_label("MT", "mt") == "Malta"
    assert vocab.country_label("US", "de") == "US"  # unknown code: shown as given
    assert vocab.country_label(COUNTRY_NAL + "USA", "de") == "USA"


def test_every_european_country_has_ui_language_labels(vocab):
    for iri in vocab.countries():
        assert set(UI_LANGUAGES) <= set(vocab.labels(iri)), iri
        assert vocab.country_code(iri), iri


def test_is_country(vocab):
    assert vocab.is_country(COUNTRY_NAL + "FRA")
    assert vocab.is_country("https://publications.europa.eu/resource/authority/country/FRA")
    assert not vocab.is_country("FR")  # codes are not IRIs ("de" could be a language)
    assert not vocab.is_country(LANG + "FRA")
    assert not vocab.is_country("http://sws.geonames.org/2921044/")


def test_file_type_labels(vocab):
    assert vocab.label(FT + "CSV", "fr") == "CSV"
    assert vocab.label(FT + "XLSX", "el") == "Excel XLSX"  # only it/en/fr/de/es upstream -> English
    assert vocab.label(FT + "GZIP", "de") == "GNU zip"
    assert vocab.label(FT + "JSON_LD", "en") == "JSON-LD"
    assert FT + "RDF_TURTLE" in vocab.concepts(FILE_TYPE)
    assert vocab.label(FT + "VCF", "en") == "VCF"  # not in the NAL: tail fallback


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (LANG + "ELL", "el"),
        ("https://publications.europa.eu/resource/authority/language/ELL", "el"),
        (LANG + "RON", "ro"),
        (LANG + "HUN", "hu"),
        (LANG + "ENG", "en"),
        (LANG + "NOB", "nb"),
        (LANG + "MUL", "mul"),
        ("ELL", "el"),
        ("http://id.loc.gov/vocabulary/iso639-1/de", "de"),
    ],
)
def test_language_code(vocab, value, code):
    assert vocab.language_code(value) == code


def test_language_code_unknown(vocab):
    assert vocab.language_code(LANG + "XXX") is None
    assert vocab.language_code("http://example.org/lang/el") is None
    assert vocab.language_code("") is None


def test_language_iri(vocab):
    assert vocab.language_iri("el") == LANG + "ELL"
    assert vocab.language_iri("de-AT") == LANG + "DEU"
    assert vocab.language_iri("pt_BR") == LANG + "POR"


def test_language_label(vocab):
    ell, ron = LANG + "ELL", LANG + "RON"
    assert vocab.language_label(ell, "de") == "Griechisch"  # NAL
    assert vocab.language_label(LANG + "HUN", "ro") == "maghiară"  # GDI overlay (NAL subset lacks ro)
    assert vocab.language_label(ell, "el") == "Ελληνικά"  # CLDR via Babel: neither NAL nor overlay has el/el
    assert vocab.language_label(ron, "el") == "Ρουμανικά"
    assert vocab.language_label("hu", "hu") == "magyar"
    assert vocab.language_label(LANG + "XXX", "en") == "XXX"


@pytest.mark.parametrize(
    "old",
    [
        "http://example.com/ontology/healthdcatap/healthcategories/EHRS",
        "http://example.com/ontology/resource/authority/healthcategories/EHRS",
        "http://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/EHRS",
        "http://data.gdi.eu/core/p2/HealthCategoryEHRS",
        "http://example.com/healthcategories/ehrs",
        HC + "EHRS",
    ],
)
def test_canonical_health_category(vocab, old):
    assert vocab.canonical_health_category(old) == HC + "EHRS"


def test_canonical_health_category_leaves_others_unchanged(vocab):
    gdi = "http://data.gdi.eu/core/p2/HealthCategoryHumanGenomic"
    assert vocab.canonical_health_category(gdi) == gdi
    assert vocab.canonical_health_category("http://example.org/x/NOPE") == "http://example.org/x/NOPE"
    assert vocab.canonical_health_category(HC.rstrip("/")) == HC.rstrip("/")  # the scheme is not a category
    assert vocab.canonical_health_category("") == ""
