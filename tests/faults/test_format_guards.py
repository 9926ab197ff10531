"""Hostile documents at the parser: DTD tricks in RDF/XML, wide encodings, JSON-LD remote contexts."""

from __future__ import annotations

import json

import pytest
import rdflib

from catalogue.errors import HarvestError
from harvesters.formats import MAX_XML_ENTITY_EXPANSION, parse_document
from tests.faults.servers import FaultServer, document

pytestmark = pytest.mark.faults
URL = "https://node.example/catalog"
ROOT = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/">'
        '<rdf:Description rdf:about="https://node.example/a"><dct:title>{text}</dct:title></rdf:Description>'
        "</rdf:RDF>")
BOMB = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 9))


def xml(dtd: str | None, text: str, *, prolog: str = '<?xml version="1.0"?>\n') -> str:
    doctype = f"<!DOCTYPE rdf:RDF [{dtd}]>\n" if dtd is not None else ""
    return prolog + doctype + ROOT.format(text=text)


def parse(body: bytes | str, content_type: str | None = "application/rdf+xml") -> rdflib.Graph:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return parse_document(data, content_type=content_type, url=URL, base_iri=URL)[0]


def titles(graph: rdflib.Graph) -> set[str]:
    return {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}


@pytest.mark.parametrize(("body", "words"), [
    (xml(BOMB, "&a8;"), "nested DTD entities"),
    # Oxigraph honours a DOCTYPE anywhere, even inside the root element, and declarations in comments
    (ROOT.format(text="x").replace("<rdf:Description", f"<!DOCTYPE x [{BOMB}]><rdf:Description"),
     "nested DTD entities"),
    (xml(f"<!-- {BOMB} -->", "x"), "nested DTD entities"),
    # the DTD after a 70 KB comment, past where a check of the first 64 KiB would look
    (xml(BOMB, "&a8;", prolog=f'<?xml version="1.0"?><!-- {"x" * 70_000} -->'), "nested DTD entities"),
    (xml('<!ENTITY s SYSTEM "file:///etc/passwd">', "&s;"), "external DTD entities"),
    (xml('<!ENTITY s PUBLIC "-//X//Y" "http://127.0.0.1:9/x">', "&s;"), "external DTD entities"),
    (xml('<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;', "x"), "external DTD entities"),
    (xml('<!ENTITY % p "<!ENTITY s \'x\'>">', "x"), "parameter DTD entities"),
    (xml(None, "x").replace("<rdf:RDF", '<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/rdf.dtd">\n<rdf:RDF'),
     "refers to an external DTD (SYSTEM \"http://127.0.0.1:9/rdf.dtd\")"),
    (xml('<!ENTITY big "' + "x" * 10_000 + '">', "&big;" * (MAX_XML_ENTITY_EXPANSION // 10_000 + 1)),
     "would expand to up to"),
])
def test_dtd_tricks_are_refused(body: str, words: str) -> None:
    with pytest.raises(HarvestError) as info:
        parse(body)
    assert words in info.value.message and URL in info.value.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_wide_encodings_cannot_hide_a_dtd(encoding: str) -> None:
    body = xml(BOMB, "&a8;").replace('version="1.0"', f'version="1.0" encoding="{encoding.upper()}"')
    with pytest.raises(HarvestError, match="nested DTD entities"):
        parse(body.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_wide_encodings_are_read(encoding: str) -> None:
    body = xml('<!ENTITY dct "http://purl.org/dc/terms/">', "Größe &amp; Gewicht")
    assert titles(parse(body.encode(encoding))) == {"Größe & Gewicht"}


def test_a_stale_utf16_declaration_on_utf8_bytes_is_read_as_utf8() -> None:
    body = xml(None, "Größe").replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    assert titles(parse(body.encode("utf-8"))) == {"Größe"}


def test_plain_internal_entities_stay_accepted() -> None:
    """OWL tools write <!ENTITY xsd "...">; those are harmless and common."""
    body = xml('<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#"><!ENTITY t "Cohort &#38; co">',
               "&t;").replace("<dct:title>", '<dct:title rdf:datatype="&xsd;string">')
    assert titles(parse(body)) == {"Cohort & co"}


def test_invalid_utf8_names_the_byte_offset() -> None:
    body = b'<https://n.example/a> <http://purl.org/dc/terms/title> "ok" .\n<https://n.example/b> ' \
           b'<http://purl.org/dc/terms/title> "bad \xc3\x28" .\n'
    with pytest.raises(HarvestError, match=r"not valid UTF-8: byte 0xC3 at line 2, column 61 \(byte offset 122\)"):
        parse(body, "text/turtle")


@pytest.mark.parametrize("content, kind", [
    (b"\x89PNG\r\n\x1a\n....", "a PNG image"), (b"%PDF-1.7\n", "a PDF document"),
    (b"PK\x03\x04rest", "a ZIP archive"), (b"\x1f\x8b\x08\x00", "a gzip-compressed file"),
])
def test_binary_files_are_named(content: bytes, kind: str) -> None:
    with pytest.raises(HarvestError, match=f"the node returned {kind} \\(served as text/turtle\\), not RDF"):
        parse(content, "text/turtle")


def test_turtle_with_an_image_content_type_is_read() -> None:
    body = '<https://n.example/a> <http://purl.org/dc/terms/title> "A" .\n'
    assert titles(parse(body, "image/png")) == {"A"}


def test_unparseable_content_says_what_the_node_claimed() -> None:
    with pytest.raises(HarvestError, match="the node serves it as image/png, which is not an RDF media type"):
        parse("not rdf {", "image/png")


def jsonld_variants(context: str, allowed: str) -> list[object]:
    """The places a JSON-LD 1.1 document can name a context."""
    dataset = {"@id": "https://n.example/a", "@type": "http://www.w3.org/ns/dcat#Dataset"}
    return [
        {"@context": context, **dataset},
        {"@context": [allowed, {"x": "http://x/"}, context], **dataset},
        {"@context": {"@import": context}, **dataset},
        {"@context": [allowed, {"@import": context, "x": "http://x/"}], **dataset},
        {"@context": {"T": {"@id": "http://x/T", "@context": context}}, **dataset},  # type- or property-scoped
        {"@context": {"T": {"@id": "http://x/T", "@context": {"@import": context}}}, **dataset},
        {"@context": {"T": {"@id": "http://x/T", "@context": [{"U": {"@id": "http://x/U", "@context": context}}]}}},
        {"@graph": [{"@context": context, **dataset}]},
        {"@context": {"x": "http://x/"}, "@id": "https://n.example/b", "x": {"@context": context, "@id": "http://y"}},
        {"@included": [{"@context": context, **dataset}]},
        [{"@context": context, **dataset}],
    ]


def test_remote_json_ld_contexts_are_never_fetched() -> None:
    allowed = "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld"
    with FaultServer() as server:
        context = server.route("/context.jsonld", document('{"@context": {"t": "http://x/t"}}', "application/ld+json"))
        for variant in jsonld_variants(context, allowed):
            with pytest.raises(HarvestError, match=f"JSON-LD remote context {context} is not allowed"):
                parse(json.dumps(variant), "application/ld+json")
        assert server.connections == 0


def test_allow_listed_contexts_are_served_from_the_vendored_copies() -> None:
    """In a list, imported, and with the upstream context's undefined "Xsd:" prefix repaired."""
    allowed = "http://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld"  # http: compared as https
    doc = {"@context": [allowed, {"@import": allowed.replace("http:", "https:"), "extra": "http://x/extra"}],
           "@id": "https://n.example/a", "@type": "Dataset",
           "title": {"@value": "Vendored", "@language": "en"}, "extra": "yes"}
    graph = parse(json.dumps(doc), "application/ld+json")
    assert titles(graph) == {"Vendored"}
    assert (rdflib.URIRef("https://n.example/a"), rdflib.URIRef("http://x/extra"), rdflib.Literal("yes")) in graph
