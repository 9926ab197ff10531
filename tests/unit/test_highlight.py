"""The shared highlighter: marks words of the original text by their folded form."""

from __future__ import annotations

from catalogue.search.base import MARK_END as M1
from catalogue.search.base import MARK_START as M0
from catalogue.search.base import SearchQuery
from catalogue.search.highlight import Highlighter, highlight_document


def test_marks_original_spelling_prefix_and_combining_marks():
    marker = Highlighter(SearchQuery.parse("cancer coh"))
    assert marker.title("Cancer genome cohort") == f"{M0}Cancer{M1} genome {M0}cohort{M1}"
    assert Highlighter(SearchQuery.parse("δεδομενα")).title("Ελληνικά δεδομένα") == f"Ελληνικά {M0}δεδομένα{M1}"
    assert Highlighter(SearchQuery.parse("cafe")).title("cafe\u0301 bar") == f"{M0}cafe\u0301{M1} bar"
    assert Highlighter(SearchQuery.parse("x")).title("nothing here") is None


def test_phrases_marked_only_in_sequence():
    marker = Highlighter(SearchQuery.parse('"rare disease"'))
    assert marker.title("Rare disease and a disease that is rare") == \
        f"{M0}Rare{M1} {M0}disease{M1} and a disease that is rare"


def test_fragment_is_bounded_and_cut_at_words():
    marker = Highlighter(SearchQuery.parse("needle"))
    text = "word " * 100 + "needle " + "tail " * 100
    snippet = marker.fragment(text)
    assert snippet.startswith("\u2026") and snippet.endswith("\u2026")
    assert f"{M0}needle{M1}" in snippet and len(snippet.replace(M0, "").replace(M1, "")) <= 240
    assert marker.fragment("short needle") == f"short {M0}needle{M1}"
    assert marker.fragment("x " * 200) is None


def test_highlight_document_picks_language_and_omits_unmarked_fields():
    query = SearchQuery.parse("γονιδιωμα", lang="el")
    out = highlight_document({"el": "Το Γονιδίωμα", "en": "The genome"}, {"en": "No match here"}, query)
    assert out == {"title": f"Το {M0}Γονιδίωμα{M1}"}
