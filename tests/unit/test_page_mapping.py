"""Mapping page by page must give what mapping the whole node's graph gives.

Each test stages real parsed pages in a real on-disk Oxigraph store, maps them with ``PageMapper`` and
compares with ``map_dataset`` over the union of the pages (the reference the runner used before).
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from catalogue.dcat.profile import MappingContext, dataset_subjects, map_dataset
from catalogue.store.rdf import OxigraphRdfStore
from harvesters.formats import parse_document
from harvesters.page_mapping import PageMapper

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix ex: <https://node.example/> .
"""
CTX = MappingContext(node="n", node_country="DE", harvested="2026-11-24T00:00:00Z", country_code=lambda _iri: None)


def _page(text: str) -> Graph:
    graph, _fmt = parse_document((PREFIXES + text).encode(), content_type="text/turtle",
                                 url="https://node.example/p", base_iri="https://node.example/p")
    return graph


def _map_pages(tmp_path, pages: list[str]) -> tuple[dict[str, dict], int]:
    """Records by IRI or identifier from PageMapper, and how many it mapped from the whole graph;
    asserts that they equal the whole-graph mapping of the same pages."""
    store = OxigraphRdfStore(tmp_path / "rdf")
    whole = Graph()
    with store.replacing("n") as staging, PageMapper(CTX, tmp_path / "spill") as mapper:
        for text in pages:
            graph = _page(text)
            staging.add(graph)
            mapper.add(graph)
            whole += _page(text)
        count = mapper.finish(staging)
        got = [m for chunk in mapper.chunks(staging, 2) for m in chunk]
        remapped = mapper.remapped
    assert count == len(got)
    expected = {}
    for s in dataset_subjects(whole):
        m = map_dataset(whole, s, CTX)
        expected[m.subject] = m.record.to_dict() if m.record else m.error
    mapped = {m.subject: m.record.to_dict() if m.record else m.error for m in got}
    assert mapped == expected
    return mapped, remapped


def test_pages_that_describe_their_datasets_fully_need_no_second_mapping(tmp_path):
    pages = [f"""ex:d{k} a dcat:Dataset ; dct:title "Data {k}"@en ; dct:publisher ex:pub ;
                  dcat:distribution ex:d{k}dist .
             ex:d{k}dist dct:title "File {k}"@en .
             ex:pub foaf:name "Publisher"@en .""" for k in range(3)]  # the publisher repeated, identically
    mapped, remapped = _map_pages(tmp_path, pages)
    assert remapped == 0
    assert mapped["https://node.example/d1"]["publisher"]["name"] == {"en": "Publisher"}
    assert mapped["https://node.example/d2"]["distributions"][0]["title"] == {"en": "File 2"}


def test_a_resource_described_on_another_page_is_read_from_the_whole_graph(tmp_path):
    pages = ["""ex:d1 a dcat:Dataset ; dct:title "One"@en ; dcat:distribution ex:dist1 ; dct:publisher ex:pub .""",
             """ex:dist1 dct:title "File one"@en . ex:pub foaf:name "Publisher"@en .
                ex:d2 a dcat:Dataset ; dct:title "Two"@en ."""]
    mapped, remapped = _map_pages(tmp_path, pages)
    assert remapped == 1  # d1 only; d2's page told its whole story
    assert mapped["https://node.example/d1"]["distributions"][0]["title"] == {"en": "File one"}
    assert mapped["https://node.example/d1"]["publisher"]["name"] == {"en": "Publisher"}


def test_a_dataset_described_on_two_pages_is_one_record_with_both_parts(tmp_path):
    pages = ["""ex:d1 a dcat:Dataset ; dct:title "One"@en ; dcat:keyword "alpha"@en .""",
             """ex:d1 a dcat:Dataset ; dcat:keyword "beta"@en ."""]
    mapped, remapped = _map_pages(tmp_path, pages)
    assert remapped == 1
    assert mapped["https://node.example/d1"]["keywords"] == {"en": ["alpha", "beta"]}


@pytest.mark.parametrize("second", ['ex:pub foaf:name "Other name"@en .',
                                    'ex:pub foaf:name "Publisher"@en ; foaf:mbox [ foaf:name "x" ] .'])
def test_a_publisher_described_differently_on_two_pages_sends_both_datasets_to_the_whole_graph(tmp_path, second):
    pages = ["""ex:d1 a dcat:Dataset ; dct:title "One"@en ; dct:publisher ex:pub . ex:pub foaf:name "Publisher"@en .""",
             f"""ex:d2 a dcat:Dataset ; dct:title "Two"@en ; dct:publisher ex:pub . {second}"""]
    _mapped, remapped = _map_pages(tmp_path, pages)
    assert remapped == 2


def test_a_blank_node_dataset_is_found_again_by_its_identifier(tmp_path):
    pages = ["""[] a dcat:Dataset ; dct:identifier "B-1" ; dct:title "Blank"@en ; dct:publisher ex:pub .""",
             """ex:pub foaf:name "Publisher"@en ."""]
    mapped, remapped = _map_pages(tmp_path, pages)
    assert remapped == 1
    assert mapped["B-1"]["publisher"]["name"] == {"en": "Publisher"}


def test_a_dataset_linked_on_one_page_and_described_untyped_on_another_is_found(tmp_path):
    pages = ["""ex:cat a dcat:Catalog ; dcat:dataset ex:d1, ex:elsewhere .""",
             """ex:d1 dct:title "Linked"@en ."""]
    mapped, remapped = _map_pages(tmp_path, pages)
    assert set(mapped) == {"https://node.example/d1"}  # ex:elsewhere is described nowhere: not a dataset
    assert remapped == 1


def test_rejected_datasets_stay_rejected(tmp_path):
    pages = ["""ex:d1 a dcat:Dataset ; dct:identifier "no-title" .""", """[] a dcat:Dataset ; dct:title "x"@en ."""]
    mapped, remapped = _map_pages(tmp_path, pages)
    assert remapped == 0
    assert "no dct:title" in mapped["https://node.example/d1"]
    assert any("without dct:identifier" in str(v) for v in mapped.values())


def test_spilled_records_come_back_in_page_order_and_the_file_goes_away(tmp_path):
    store = OxigraphRdfStore(tmp_path / "rdf")
    spill = tmp_path / "spill"
    with store.replacing("n") as staging:
        mapper = PageMapper(CTX, spill)
        for k in range(5):
            graph = _page(f'ex:d{k} a dcat:Dataset ; dct:title "D{k}"@en .')
            staging.add(graph)
            mapper.add(graph)
        assert mapper.finish(staging) == 5
        order = [m.subject for chunk in mapper.chunks(staging, 3) for m in chunk]
        mapper.close()
    assert order == [f"https://node.example/d{k}" for k in range(5)]
    assert list(spill.iterdir()) == []  # an anonymous temporary file: nothing left behind
