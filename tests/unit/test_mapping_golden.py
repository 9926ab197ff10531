"""Golden files: input RDF -> expected records, for the profile chain DCAT-AP 3 -> HealthDCAT-AP."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from catalogue.dcat.profile import MappingContext, map_datasets
from catalogue.vocab import get_vocabularies
from tests.golden import assert_matches_golden

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "mapping"
INPUTS = sorted(p for p in GOLDEN.iterdir() if p.suffix in {".ttl", ".rdf"})
FORMATS = {".ttl": "ox-turtle", ".rdf": "ox-xml"}


def _map(path: Path) -> list[dict]:
    graph = rdflib.Graph(store="Oxigraph")
    graph.parse(path, format=FORMATS[path.suffix], publicID="https://golden.example.org/")
    vocab = get_vocabularies()
    ctx = MappingContext(node="golden", node_country="BE", harvested="2026-01-01T00:00:00Z",
                         country_code=vocab.country_code, canonical_health_category=vocab.canonical_health_category)
    out = []
    for mapped in map_datasets(graph, ctx):
        out.append({"subject": mapped.subject if not mapped.subject.startswith("_:") else "(blank node)",
                    "id": mapped.id, "error": mapped.error, "problems": mapped.problems,
                    "record": mapped.record.to_dict() if mapped.record else None})
    return sorted(out, key=lambda m: (m["id"] or "", m["subject"]))


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_mapping_matches_golden(path: Path):
    expected_path = path.with_suffix(".expected.json")
    actual = _map(path)
    assert_matches_golden(expected_path, actual)


def test_multilingual_mapping_details():
    """Spot checks on the hand-written input, so the golden file itself is known to be right."""
    records = {m["record"]["identifier"]: m for m in _map(GOLDEN / "multilingual-variants.ttl") if m["record"]}
    gr = records["GOE-GR-001"]["record"]
    assert set(gr["title"]) == {"el", "en", "hu", "mt", "ro"}
    assert gr["countries"] == ["GR"]
    assert gr["number_of_unique_individuals"] == 2500 and gr["min_typical_age"] == 18 and gr["max_typical_age"] == 85
    assert gr["health_categories"] == [
        "https://hdeu-dcat.data.health.europa.eu/resource/authority/healthcategories/HGPD"]
    assert gr["contact_point"]["email"] == "access@bioacademy.example.gr"
    assert gr["hdab"]["email"] == "hdab@example.gr" and gr["hdab"]["url"] == "https://hdab.example.gr/apply"
    assert gr["landing_page"] == "https://bioacademy.example.gr/goe"
    assert gr["distributions"][0]["byte_size"] == 1_500_000_000
    assert gr["temporal"] == {"start": "2021-01-01", "end": "2024-06-30T00:00:00+00:00"}
    hu = records["HU-RD-7"]
    assert hu["record"]["iri"] is None and hu["record"]["countries"] == ["HU"]
    assert hu["record"]["access_rights"].endswith("/NON_PUBLIC")
    assert hu["record"]["modified"] == "2024"
    untitled = records.get("NO-TITLE")
    assert untitled is None
    errors = [m for m in _map(GOLDEN / "multilingual-variants.ttl") if m["error"]]
    assert len(errors) == 2
    assert any("no dct:title" in m["error"] for m in errors)
    assert any("without dct:identifier" in m["error"] for m in errors)
    untitled = next(m for m in errors if "no dct:title" in m["error"])
    assert any("numberOfUniqueIndividuals" in p for p in untitled["problems"])
