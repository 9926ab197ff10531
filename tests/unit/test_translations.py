"""The UI message catalogues in ``translations/`` are complete, well-formed and up to date with the templates.

See ``translations/README.md`` for the workflow these tests enforce.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from catalogue.config import SUPPORTED_UI_LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
# Keywords as in the documented command: pybabel extract -F babel.cfg -k _l ...
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +\-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as fh:
        # abort_invalid: e.g. more msgstr[n] than the header's nplurals is an error, not a warning.
        return read_po(fh, locale=locale, abort_invalid=True)


def _keys(catalog) -> set:
    return {(m.id, m.context) for m in catalog if m.id}


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


@pytest.fixture(scope="module")
def pot():
    return _read(POT)


def test_languages_present():
    assert LANGUAGES, "no translations/<lang>/LC_MESSAGES/messages.po found"
    # every UI language offered in the language switcher has a catalogue
    assert set(SUPPORTED_UI_LANGUAGES) - {"en"} <= set(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_complete_and_well_formed(lang):
    catalog = _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    assert not catalog.fuzzy, f"{lang}: header is marked fuzzy"
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", catalog.plural_forms).group(1))
    assert catalog.num_plurals == nplurals
    problems = []
    for msg in catalog:
        if not msg.id:
            continue
        label = f"{lang}: {msg.id!r}"
        if msg.fuzzy:
            problems.append(f"{label} is fuzzy")
        strings = _forms(msg.string)
        if not all(s.strip() for s in strings):
            problems.append(f"{label} is untranslated")
            continue
        if msg.pluralizable and len(strings) != nplurals:
            problems.append(f"{label} has {len(strings)} plural forms, header says {nplurals}")
        expected = set().union(*(_placeholders(i) for i in _forms(msg.id)))
        values = {name: 1 for name in expected}
        for s in strings:
            if _placeholders(s) != expected:
                problems.append(f"{label}: placeholders {sorted(_placeholders(s))} != {sorted(expected)} in {s!r}")
            # Jinja's new-style gettext always applies % (even without arguments): a stray % breaks rendering.
            try:
                s % values
            except (KeyError, ValueError, TypeError) as exc:
                problems.append(f"{label}: {s!r} does not %-format ({exc})")
    assert not problems, "\n".join(problems)
    write_mo(io.BytesIO(), catalog)  # compiles, as the app does at start-up


def test_pot_up_to_date_with_sources(pot):
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, "babel.cfg")
    extracted = {(message, context)
                 for _f, _l, message, _c, context in extract_from_dir(str(ROOT), method_map, options_map, KEYWORDS)}
    assert extracted, "nothing extracted: check babel.cfg"
    stale, missing = _keys(pot) - extracted, extracted - _keys(pot)
    assert not missing and not stale, (
        f"translations/messages.pot is out of date (new: {sorted(map(str, missing))}, "
        f"gone: {sorted(map(str, stale))}); re-extract and update, see translations/README.md")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_matches_pot(lang, pot):
    catalog = _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    obsolete = [m.id for m in catalog.obsolete.values()]
    assert _keys(catalog) == _keys(pot), f"{lang}: run pybabel update (see translations/README.md)"
    assert not obsolete, f"{lang}: remove obsolete (#~) entries {obsolete}"


@pytest.mark.parametrize(("lang", "msgid", "expected"), [
    ("de", "Datasets", "Datensätze"),
    ("el", "Datasets", "Σύνολα δεδομένων"),
    ("fr", "Health data access body", "Organisme responsable de l'accès aux données de santé"),
    ("de", "Health data access body", "Zugangsstelle für Gesundheitsdaten"),
])
def test_glossary(lang, msgid, expected):
    catalog = _read(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", locale=lang)
    assert catalog[msgid].string == expected


def test_romanian_uses_comma_below():
    catalog = _read(TRANSLATIONS / "ro" / "LC_MESSAGES" / "messages.po", locale="ro")
    wrong = [m.string for m in catalog if m.id and re.search("[şţŞŢ]", "".join(_forms(m.string)))]
    assert not wrong, f"use ș ț (comma below), not ş ţ (cedilla): {wrong}"
