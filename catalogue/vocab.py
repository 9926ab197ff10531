"""Controlled vocabularies (EU NALs, HealthDCAT-AP authority tables) with multilingual labels.

Harvested HealthDCAT-AP records only carry concept IRIs (``.../country/DEU``, ``.../access-right/NON_PUBLIC``);
the portal has to show them in the reader's language. The vocabularies are vendored as compact Turtle in
``ontologies/vocabularies/`` (see ``ontologies/README.md`` and ``scripts/vendor_vocabularies.py``) and read here
once per process with pyoxigraph: all files parse in ~12 ms (rdflib needs ~220 ms for the same files).

Everything a template calls (``label``, ``country_label``, ...) is total: it never raises and always returns
something printable, because a label lookup must not break a page for a harvested IRI we do not know.

No Flask imports: this module is used by harvesters and the indexer as well as by the web layer.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from catalogue.dcat.namespaces import (
    ACCESS_RIGHT_NAL,
    COUNTRY_NAL,
    DATA_THEME_NAL,
    EU_AUTHORITY,
    HEALTH_CATEGORY_NAL,
    HEALTH_THEME_NAL,
)

__all__ = [
    "ACCESS_RIGHT", "COUNTRY", "DATASET_TYPE", "DATA_THEME", "DEFAULT_DIRECTORY", "FILE_TYPE", "FREQUENCY",
    "HEALTH_CATEGORY", "HEALTH_THEME", "LANGUAGE", "Vocabularies", "get_vocabularies",
]  # fmt: skip

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "ontologies" / "vocabularies"

# Concept scheme IRIs. The NAL namespaces in catalogue.dcat.namespaces end with "/" (they prefix concept IRIs);
# the scheme IRI is the same string without it.
COUNTRY = COUNTRY_NAL.rstrip("/")
DATA_THEME = DATA_THEME_NAL.rstrip("/")
ACCESS_RIGHT = ACCESS_RIGHT_NAL.rstrip("/")
HEALTH_CATEGORY = HEALTH_CATEGORY_NAL.rstrip("/")
HEALTH_THEME = HEALTH_THEME_NAL.rstrip("/")
FILE_TYPE = EU_AUTHORITY + "file-type"
LANGUAGE = EU_AUTHORITY + "language"
FREQUENCY = EU_AUTHORITY + "frequency"
DATASET_TYPE = EU_AUTHORITY + "dataset-type"

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PREF_LABEL = _SKOS + "prefLabel"
_IN_SCHEME = _SKOS + "inScheme"
_NOTATION = _SKOS + "notation"
_EXACT_MATCH = _SKOS + "exactMatch"
_IDENTIFIERS = ("http://purl.org/dc/elements/1.1/identifier", "http://purl.org/dc/terms/identifier")
_EUVOC = "http://publications.europa.eu/ontology/euvoc#"
_ALPHA2 = _EUVOC + "ISO_3166_1_ALPHA_2"
_ALPHA3 = _EUVOC + "ISO_3166_1_ALPHA_3"
_ISO_639_1 = _EUVOC + "ISO_639_1"

# Label overlays (our own or third-party translations) are loaded after the vendored vocabularies and only fill
# languages the vocabulary lacks, so an official label always wins over ours.
_OVERLAY_SUFFIX = "-translations.ttl"

# The EU writes Greece "EL" and the United Kingdom "UK" in many of its own code lists (Eurostat, TED, VAT);
# national nodes copy that, so accept both next to the ISO codes.
_COUNTRY_CODE_ALIASES = {"EL": "GR", "UK": "GB"}

_EU_HTTPS = "https://publications.europa.eu/"
_EU_HTTP = "http://publications.europa.eu/"
_LOC_ISO_639_1 = ("http://id.loc.gov/vocabulary/iso639-1/", "https://id.loc.gov/vocabulary/iso639-1/")
_HEALTH_CATEGORY_PREFIX = "HEALTHCATEGORY"  # GDI style: http://data.gdi.eu/core/p2/HealthCategory<CODE>


def _normalise(iri: str) -> str:
    """Canonical form of an IRI for lookups.

    Why: GDI and several national nodes publish the EU NAL IRIs with ``https://`` although the NAL identifiers
    are ``http://``; both must find the same labels.
    """
    iri = iri.strip()
    if iri.startswith(_EU_HTTPS):
        iri = _EU_HTTP + iri[len(_EU_HTTPS) :]
    return iri


def _tail(iri: str) -> str:
    """Readable last segment of an IRI (``.../access-right/NON_PUBLIC`` -> ``NON_PUBLIC``), the last resort label."""
    text = iri.strip()
    trimmed = text.rstrip("/#")
    segment = re.split(r"[/#]", trimmed)[-1] if trimmed else ""
    if ":" in segment and "/" not in trimmed:  # URNs and CURIEs: urn:x:CODE -> CODE
        segment = segment.rsplit(":", 1)[-1]
    return unquote(segment) or text


def _lang_chain(lang: str | None, default: str | None) -> list[str]:
    """Languages to try, in order: ``de-AT`` -> ``de-at``, ``de``, then the default and its base language.

    Why: browsers send regional tags (``de-AT``, ``fr_BE`` from gettext) while the vocabularies are tagged with
    bare ISO 639-1 codes.
    """
    chain: list[str] = []
    for tag in (lang, default):
        if not tag:
            continue
        tag = str(tag).strip().replace("_", "-").lower()
        for candidate in (tag, tag.split("-", 1)[0]):
            if candidate and candidate not in chain:
                chain.append(candidate)
    return chain


class Vocabularies:
    """All vendored SKOS concept schemes, indexed for label and code look-ups.

    Immutable after construction, so one instance can be shared by all threads (see :func:`get_vocabularies`).
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        """Parse every ``*.ttl`` file of ``directory`` (default: the repository's ``ontologies/vocabularies``).

        Overlay files (``*-translations.ttl``) are read last and never replace a label of the vendored files.
        Raises ``FileNotFoundError`` if the directory has no Turtle files: an empty vocabulary would silently turn
        every label into an IRI tail, which is worse than failing at start-up.
        """
        started = time.perf_counter()
        self.directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
        files = sorted(self.directory.glob("*.ttl"), key=lambda p: (p.name.endswith(_OVERLAY_SUFFIX), p.name))
        if not files:
            raise FileNotFoundError(f"no vocabulary files (*.ttl) in {self.directory}")
        self.files: tuple[Path, ...] = tuple(files)

        self._labels: dict[str, dict[str, str]] = {}
        self._members: dict[str, set[str]] = {}
        self._identifier: dict[str, str] = {}
        self._notations: dict[str, dict[str, str]] = {}  # concept -> notation datatype -> value
        self._aliases: dict[str, str] = {}  # skos:exactMatch target -> concept
        for path in files:
            self._read(path)

        self._countries = frozenset(self._members.get(COUNTRY, ()))
        self._country_by_code: dict[str, str] = {}
        self._country_alpha2: dict[str, str] = {}
        for iri in sorted(self._countries):
            notations = self._notations.get(iri, {})
            alpha2 = notations.get(_ALPHA2)
            if alpha2:
                self._country_alpha2[iri] = alpha2.upper()
            for code in (self._identifier.get(iri), alpha2, notations.get(_ALPHA3)):
                if code:
                    self._country_by_code.setdefault(code.upper(), iri)
        for alias, code in _COUNTRY_CODE_ALIASES.items():
            if code in self._country_by_code:
                self._country_by_code.setdefault(alias, self._country_by_code[code])

        self._languages = frozenset(self._members.get(LANGUAGE, ()))
        self._language_iso: dict[str, str] = {}
        self._language_by_code: dict[str, str] = {}
        for iri in sorted(self._languages):
            iso = self._notations.get(iri, {}).get(_ISO_639_1)
            if iso:
                self._language_iso[iri] = iso.lower()
                self._language_by_code.setdefault(iso.lower(), iri)
        for iri in sorted(self._languages):  # NAL codes (ELL) after ISO codes, so "ell" can never shadow a 639-1
            if iri in self._identifier:
                self._language_by_code.setdefault(self._identifier[iri].lower(), iri)

        self._health_by_code = {
            self._identifier.get(iri, _tail(iri)).upper(): iri for iri in self._members.get(HEALTH_CATEGORY, ())
        }
        self.load_seconds = time.perf_counter() - started

    def _read(self, path: Path) -> None:
        # Files arrive vendored-first, overlays last (see __init__), so "first label per language wins" is exactly
        # the precedence rule: overlays only fill gaps.
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            if not isinstance(subject, ox.NamedNode):
                continue
            s = subject.value
            if predicate == _PREF_LABEL and isinstance(obj, ox.Literal) and obj.language:
                self._labels.setdefault(s, {}).setdefault(obj.language.lower(), obj.value)
            elif predicate == _IN_SCHEME and isinstance(obj, ox.NamedNode):
                self._members.setdefault(obj.value, set()).add(s)
            elif predicate in _IDENTIFIERS and isinstance(obj, ox.Literal):
                self._identifier.setdefault(s, obj.value)
            elif predicate == _NOTATION and isinstance(obj, ox.Literal):
                self._notations.setdefault(s, {}).setdefault(obj.datatype.value, obj.value)
            elif predicate == _EXACT_MATCH and isinstance(obj, ox.NamedNode):
                self._aliases.setdefault(_normalise(obj.value), s)

    # --- generic labels ---------------------------------------------------------------------------------------

    def _key(self, iri: str) -> str:
        key = _normalise(iri)
        if key in self._labels or key in self._identifier:
            return key
        return self._aliases.get(key, key)

    def __contains__(self, iri: object) -> bool:
        """True if ``iri`` (or its https / exactMatch variant) is a concept or scheme we have labels for."""
        return isinstance(iri, str) and self._key(iri) in self._labels

    def labels(self, iri: str) -> dict[str, str]:
        """All labels of ``iri`` as ``{lang: label}`` (a copy; empty if unknown).

        Why a dict: the search indexer stores every language so that facets work whatever the UI language.
        """
        if not isinstance(iri, str):
            return {}
        return dict(self._labels.get(self._key(iri), {}))

    def label(self, iri: str, lang: str | None, default: str = "en") -> str:
        """The best label of ``iri`` for a reader of ``lang``; never raises.

        Fallback chain: ``lang`` -> its base language (``de-AT`` -> ``de``) -> ``default`` -> any label (the first
        by language tag, so the result is deterministic) -> the readable tail of the IRI (``NON_PUBLIC``).
        Why so forgiving: harvested data contains IRIs of vocabularies we have not vendored, and a page must still
        render.
        """
        try:
            if not iri:
                return ""
            text = str(iri)
            labels = self._labels.get(self._key(text))
            if labels:
                for candidate in _lang_chain(lang, default):
                    if candidate in labels:
                        return labels[candidate]
                return labels[min(labels)]
            return _tail(text)
        except Exception:  # pragma: no cover - defensive: a label must never break rendering
            return str(iri)

    def concepts(self, scheme_iri: str) -> list[str]:
        """Concept IRIs of a scheme, sorted by their code (``dc:identifier``), then IRI.

        Accepts the scheme IRI with or without the trailing ``/`` (the ``*_NAL`` namespace constants have it).
        Sorted by code because facet and filter lists must be stable; sort by label in the UI language if needed.
        """
        key = _normalise(scheme_iri).rstrip("/")
        members = self._members.get(key, ())
        return sorted(members, key=lambda iri: (self._identifier.get(iri, _tail(iri)), iri))

    def identifier(self, iri: str) -> str | None:
        """The concept's code (``dc:identifier``, e.g. ``NON_PUBLIC``), or None if unknown."""
        return self._identifier.get(self._key(iri)) if isinstance(iri, str) else None

    # --- countries --------------------------------------------------------------------------------------------

    def country_iri(self, code: str) -> str | None:
        """NAL IRI for an ISO 3166-1 alpha-2 / alpha-3 code, an EU code (``EL``, ``UK``) or an IRI.

        Case-insensitive. Returns None for anything that is not one of the vendored (European) countries, so that
        callers can tell a country from other ``dct:spatial`` values (regions, GeoNames, free text).
        """
        if not isinstance(code, str) or not code.strip():
            return None
        value = code.strip()
        if "/" in value:
            key = _normalise(value)
            return key if key in self._countries else None
        return self._country_by_code.get(value.upper())

    def country_code(self, iri_or_code: str) -> str | None:
        """ISO 3166-1 alpha-2 code (upper case) for a country IRI or code; Greece is ``GR``, the UK ``GB``.

        The European Union (NAL ``EUR``) gives ``EU``, Kosovo ``XK`` (user-assigned, not ISO).
        """
        iri = self.country_iri(iri_or_code)
        return self._country_alpha2.get(iri) if iri else None

    def country_label(self, code: str, lang: str | None) -> str:
        """Country name in ``lang`` for a code or IRI; an unknown value is returned as given (never raises)."""
        iri = self.country_iri(code)
        if iri:
            return self.label(iri, lang)
        return self.label(code, lang) if isinstance(code, str) else ""

    def is_country(self, iri: str) -> bool:
        """True if ``iri`` is a country IRI of the vendored country table.

        Only IRIs: a bare ``"de"`` could just as well be a language code.
        """
        return isinstance(iri, str) and "/" in iri and self.country_iri(iri) is not None

    def countries(self) -> list[str]:
        """All vendored country IRIs (European countries and EUR), sorted by NAL code."""
        return self.concepts(COUNTRY)

    # --- languages --------------------------------------------------------------------------------------------

    def language_iri(self, code: str) -> str | None:
        """EU language NAL IRI for a BCP 47 tag (``el``, ``el-GR``), a NAL code (``ELL``) or an IRI."""
        if not isinstance(code, str) or not code.strip():
            return None
        value = code.strip()
        if "/" in value:
            for prefix in _LOC_ISO_639_1:
                if value.startswith(prefix):
                    return self._language_by_code.get(value[len(prefix) :].strip("/").lower())
            key = _normalise(value)
            return key if key in self._languages else None
        tag = value.replace("_", "-").lower()
        return self._language_by_code.get(tag) or self._language_by_code.get(tag.split("-", 1)[0])

    def language_code(self, iri: str) -> str | None:
        """BCP 47 language code (ISO 639-1 where one exists: ``.../language/ELL`` -> ``el``), or None.

        Why: ``dct:language`` holds NAL IRIs, but ``lang`` attributes, Babel and the UI language switcher need
        BCP 47. Also accepts a NAL code (``ELL``) and id.loc.gov ISO 639-1 IRIs.
        """
        language = self.language_iri(iri)
        return self._language_iso.get(language) if language else None

    def language_label(self, iri_or_code: str, lang: str | None, default: str = "en") -> str:
        """Name of a language in ``lang`` (``.../language/RON`` in Greek -> ``Ρουμανικά``); never raises.

        Order: the NAL (or overlay) label in ``lang`` or its base language -> the Unicode CLDR name via Babel (our
        language table has only it/en/fr/de/es labels for most languages, CLDR covers every UI language) ->
        :meth:`label`'s fallback chain.
        """
        try:
            iri = self.language_iri(iri_or_code) if isinstance(iri_or_code, str) else None
            labels = self._labels.get(iri, {}) if iri else {}
            for candidate in _lang_chain(lang, None):
                if candidate in labels:
                    return labels[candidate]
            iso = self._language_iso.get(iri) if iri else None
            if iso and lang:
                name = _cldr_language_name(iso, lang)
                if name:
                    return name
            return self.label(iri or iri_or_code, lang, default)
        except Exception:  # pragma: no cover - defensive
            return str(iri_or_code)

    # --- health categories ------------------------------------------------------------------------------------

    def canonical_health_category(self, iri: str) -> str:
        """Map an older health-category IRI to the official HealthDCAT-AP Release 8 IRI; else return it unchanged.

        Pre-R8 data (ckanext-dcat examples, GDI nodes) uses ``http://example.com/.../healthcategories/EHRS`` or
        ``http://data.gdi.eu/core/p2/HealthCategory...``. An IRI whose last segment is a known category code (an
        optional ``HealthCategory`` prefix is ignored, case-insensitive) maps to
        ``https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/<CODE>``, so facets count one
        concept. GDI's own narrower categories (``HealthCategoryHumanGenomic``) are not R8 codes and stay as they
        are.
        """
        if not isinstance(iri, str) or not iri.strip():
            return iri
        code = _tail(iri).upper()
        if code not in self._health_by_code and code.startswith(_HEALTH_CATEGORY_PREFIX):
            code = code[len(_HEALTH_CATEGORY_PREFIX) :]
        return self._health_by_code.get(code, iri)


@lru_cache(maxsize=1024)
def _cldr_language_name(iso: str, lang: str) -> str | None:
    """CLDR name of language ``iso`` in locale ``lang`` via Babel, or None (Babel missing or locale unknown)."""
    try:
        from babel import Locale  # local import: Babel is only needed for this fallback

        return Locale.parse(lang.replace("-", "_")).languages.get(iso)
    except Exception:
        return None


@lru_cache(maxsize=8)
def _load(directory: Path) -> Vocabularies:
    return Vocabularies(directory)


def get_vocabularies(directory: str | Path | None = None) -> Vocabularies:
    """The process-wide :class:`Vocabularies` for ``directory`` (default: the repository's vocabularies).

    Cached because parsing costs tens of milliseconds and the object is immutable; tests that need a fresh copy
    construct ``Vocabularies(...)`` directly.
    """
    path = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    return _load(path.resolve())
