"""The shortcuts mapping takes when turning staged Oxigraph terms into rdflib terms must change nothing."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from catalogue.dcat.profile import DCT as PROFILE_DCT
from catalogue.dcat.profile import VCARD as PROFILE_VCARD
from catalogue.store.rdf import OxTerms, staged_literal
from catalogue.text import fold, sort_key

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
SLOTS = ("_language", "_datatype", "_value", "_ill_typed")


@pytest.mark.parametrize(("value", "language", "datatype"), [
    ("Whole genome sequencing", "en", None),
    ("Séquençage du génome", "fr", None),
    ("  padded  ", "de-ch", None),
    ("", "el", None),
    ("plain", None, XSD_STRING),
    ("007", None, XSD_STRING),
])
def test_staged_literal_equals_the_constructed_one(value, language, datatype):
    fast = staged_literal(value, language, datatype)
    slow = Literal(value, lang=language, datatype=datatype)
    assert type(fast) is Literal
    assert {s: getattr(fast, s) for s in SLOTS} == {s: getattr(slow, s) for s in SLOTS}
    assert fast == slow and hash(fast) == hash(slow)
    assert (str(fast), fast.language, fast.datatype, fast.n3()) == (str(slow), slow.language, slow.datatype, slow.n3())
    assert fast.eq(slow)


XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(("value", "datatype"), [
    # canonical counts and dates: the shortcut
    ("0", "integer"), ("42", "nonNegativeInteger"), ("123456789012345678", "integer"), ("2024-03-01", "date"),
    # everything else is Literal()'s: normalised, negative, ill-typed, other types
    ("007", "integer"), ("+5", "nonNegativeInteger"), ("-3", "integer"), ("-3", "nonNegativeInteger"),
    ("1e3", "integer"), ("2024-02-30", "date"), ("0000-01-01", "date"), ("2024-3-1", "date"),
    ("2024-03-01Z", "date"), ("2024-03-01T10:00:00Z", "dateTime"), ("12.50", "decimal"), ("42", "string"),
    ("١٢", "integer"), ("12345678901234567890123", "integer"),
])
def test_staged_typed_literal_equals_the_constructed_one(value, datatype):
    fast = OxTerms().literal(ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)))
    slow = Literal(value, datatype=URIRef(XSD + datatype))
    assert type(fast) is Literal
    assert {s: getattr(fast, s) for s in SLOTS} == {s: getattr(slow, s) for s in SLOTS}
    assert fast == slow and hash(fast) == hash(slow) and str(fast) == str(slow)
    assert fast.eq(slow) or fast.ill_typed


def test_profile_terms_are_made_once_and_equal_rdflib_ones():
    assert PROFILE_DCT.title == URIRef("http://purl.org/dc/terms/title") and PROFILE_DCT.title is PROFILE_DCT.title
    # ``format`` and ``title`` are str methods: the profile's namespaces are not strings, so they are terms.
    assert PROFILE_DCT.format == URIRef("http://purl.org/dc/terms/format")
    assert PROFILE_VCARD["organization-name"] == URIRef("http://www.w3.org/2006/vcard/ns#organization-name")


def _reference_fold(text: str) -> str:
    import unicodedata
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(str.maketrans({"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae",
                                             "œ": "oe", "þ": "th"})).replace("ς", "σ")


def _reference_key(text: str) -> int:
    alphabet = " 0123456789abcdefghijklmnopqrstuvwxyz"
    folded = _reference_fold(text).strip()
    key = 0
    for ch in folded[:12]:
        idx = alphabet.find(ch)
        key = key * 38 + (idx if idx >= 0 else 0 if ch.isspace() else 37)
    return key * 38 ** (12 - min(len(folded), 12))


def test_fold_and_sort_key_shortcuts_agree_with_the_full_computation():
    import random
    rng = random.Random(3)
    alphabet = " aAzZ09éÉßςΣ\u0301\u0308 \t.-ﬁøŁ"
    samples = ["", " " * 80 + "late start", "x" * 100, "Ébauche d'un registre", "Γονιδίωμα"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90))) for _ in range(3000)]
    for text in samples:
        assert fold(text) == _reference_fold(text), text
        assert sort_key(text) == _reference_key(text), text
