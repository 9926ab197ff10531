"""Turn a fetched document into an rdflib graph, whatever the node claims (or forgets to claim) it is.

Nodes mislabel their documents often enough (``text/plain``, ``application/octet-stream``, RDF/XML
as ``application/json``...) that the Content-Type is treated as the first guess, not the truth: then
the URL's extension, then the document's first bytes. Parsing is done by Oxigraph's Rust parsers
through ``oxrdflib`` (an order of magnitude faster than rdflib's own) into a graph backed by an
in-memory Oxigraph store, which the RDF store copies without converting terms.

Nothing here does network or file I/O on a document's behalf. JSON-LD contexts given by URL are
swapped for vendored copies (``ontologies/jsonld/``) or refused: fetching them would let any node make
the catalogue request arbitrary URLs and make harvests depend on third-party servers. Oxigraph itself
refuses remote contexts ("No LoadDocumentCallback has been set"), so a context this module misses
still fails closed. RDF/XML DTDs are checked against what Oxigraph's parser would do with them
(:func:`_check_xml_entities`): it loads no external entity or DTD, but it expands internal entities,
nested ones included, without any limit.
"""

from __future__ import annotations

import codecs
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Graph, URIRef
from rdflib.exceptions import ParserError

from catalogue.errors import HarvestError
from harvesters.http import html_summary, sanitise

TURTLE, RDFXML, JSONLD, NTRIPLES, NQUADS, TRIG = (
    "ox-turtle", "ox-xml", "ox-json-ld", "ox-ntriples", "ox-nquads", "ox-trig")
LABELS = {TURTLE: "Turtle", RDFXML: "RDF/XML", JSONLD: "JSON-LD", NTRIPLES: "N-Triples", NQUADS: "N-Quads",
          TRIG: "TriG"}
QUAD_FORMATS = frozenset({JSONLD, NQUADS, TRIG})  # may carry named graphs, flattened into the page graph

MEDIA_TYPES = {
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "application/rdf+xml": RDFXML,
    "application/xml": RDFXML,
    "text/xml": RDFXML,
    "application/ld+json": JSONLD,
    "application/json": JSONLD,
    "application/n-triples": NTRIPLES,
    "application/n-quads": NQUADS,
    "application/trig": TRIG,
}
# Any other type (text/plain, application/octet-stream, binary/octet-stream, unknown ones) says nothing
# about the syntax, so the extension decides; text/plain is how N-Triples used to be served, hence ".nt".
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Top-level types that never carry RDF: content served so still gets sniffed (nodes mislabel files more
# often than they serve the wrong file), but a failure says what the node claimed.
_NON_TEXT_TYPES = frozenset({"image", "audio", "video", "font", "model"})
EXTENSIONS = {
    ".ttl": TURTLE, ".rdf": RDFXML, ".xml": RDFXML, ".owl": RDFXML, ".jsonld": JSONLD, ".json": JSONLD,
    ".nt": NTRIPLES, ".nq": NQUADS, ".trig": TRIG,
}

CONTEXT_DIR = Path(__file__).resolve().parent.parent / "ontologies" / "jsonld"
_DCAT_AP_301 = "dcat-ap-3.0.1.jsonld"
_DCAT_AP_301_EXAMPLES = "dcat-ap-3.0.1-examples.jsonld"
# Remote context URL -> vendored file. Keys are compared after forcing https (see _context_key).
KNOWN_CONTEXTS = {
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld": _DCAT_AP_301,
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld": _DCAT_AP_301,
    # The DCAT-AP 3.0.1 examples reference the 3.0.0 URL; the 3.0.1 file only adds "@version": 1.1.
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld":
        _DCAT_AP_301_EXAMPLES,
    "https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.1/html/examples/context.jsonld":
        _DCAT_AP_301_EXAMPLES,
    "https://semiceu.github.io/DCAT-AP/releases/3.0.1/html/examples/context.jsonld": _DCAT_AP_301_EXAMPLES,
}

MAX_XML_ENTITY_EXPANSION = 64 * 1024 * 1024  # characters; Oxigraph expands DTD entities without a limit
_BOM = codecs.BOM_UTF8
_HTML_START = re.compile(rb"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_XML_START = re.compile(rb"\s*(<\?xml|<!--|<!doctype\s+rdf|<[A-Za-z_][\w.-]*:RDF[\s>])", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z][\w.:-]*)[\"']")
_XML_ENCODING_BYTES = re.compile(rb"^(\s*<\?xml[^>]*?\bencoding\s*=\s*)[\"'][^\"']*[\"']")
_XML_ENCODING_TEXT = re.compile(r"^(\s*<\?xml[^>]*?\bencoding\s*=\s*)[\"'][^\"']*[\"']")
# Byte-order marks and, without one, how "<?" / "<" starts in a wide encoding (XML 1.0 appendix F).
# UTF-32 first: its little-endian BOM begins with the UTF-16 one.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WIDE_STARTS = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
# File signatures of things nodes serve by mistake at a catalogue URL (a logo, a PDF, a download).
_BINARY_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
                      (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"%PDF-", "a PDF document"),
                      (b"PK\x03\x04", "a ZIP archive"), (b"\x1f\x8b", "a gzip-compressed file"),
                      (b"\xfd7zXZ\x00", "an xz-compressed file"), (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"))
_DOCTYPE = re.compile(rb"<!doctype", re.I)  # quick-xml (Oxigraph) accepts any case, anywhere in the document
_EXTERNAL_DTD = re.compile(r"<!doctype\s+[^\s\[>]+\s+((?:SYSTEM|PUBLIC)\b\s*(?:\"[^\"]*\"|'[^']*')?)", re.I)
_ENTITY_REF = re.compile(r"&([^#;&][^;&]*);")  # anything the parser might take as a reference, generously
_PREDEFINED_ENTITIES = frozenset({"lt", "gt", "amp", "apos", "quot"})


class _ParseFailure(Exception):
    """A syntax problem with one format; another format may still read the document."""


def parse_document(content: bytes, *, content_type: str | None, url: str, base_iri: str,
                   charset: str | None = None) -> tuple[Graph, str]:
    """Parse ``content`` into a new Oxigraph-backed graph; return it and the parser name that read it.

    ``charset`` (from the Content-Type) is only used to rescue documents that are not valid UTF-8.
    Raises :class:`HarvestError` naming the URL, the format tried and the parser's message.
    """
    content = _from_wide_encoding(content, url)
    if content.startswith(_BOM):
        content = content[len(_BOM):]
    if not content or not content[:4096].strip() and not content.strip():
        raise HarvestError(f"the node returned an empty document at {url} "
                           f"({'no content' if not content else 'only whitespace'}); expected RDF",
                           details={"url": url})
    media_type = _media_type(content_type)
    binary = _binary_kind(content)
    if binary:
        served = f"served as {media_type}" if media_type else "served without a Content-Type"
        raise HarvestError(f"the node returned {binary} ({served}), not RDF, at {url}; the node URL must point at "
                           "the catalogue's RDF export (Turtle, RDF/XML or JSON-LD), uncompressed or with a "
                           "Content-Encoding header", details={"url": url, "content_type": media_type})
    if media_type in HTML_MEDIA_TYPES or _HTML_START.match(content[:4096]):
        title = sanitise(html_summary(content[:65536].decode("utf-8", errors="replace")), 80)
        raise HarvestError(f"the node returned an HTML page, not RDF ({title or 'untitled page'}) at {url}; "
                           "the node URL must point at the catalogue's RDF export (Turtle, RDF/XML or JSON-LD)",
                           details={"url": url})
    content = _as_utf8(content, url, charset)
    candidates = _candidates(media_type, url, content)
    failures: list[tuple[str, str]] = []
    for fmt in candidates:
        try:
            return _parse(content, fmt, url, base_iri), fmt
        except _ParseFailure as exc:
            failures.append((fmt, str(exc)))
    fmt, message = failures[0]
    others = [LABELS[f] for f, _ in failures[1:]]
    also = f" (also tried {', '.join(others)})" if others else ""
    served = ""
    if media_type and media_type not in MEDIA_TYPES and media_type.split("/", 1)[0] in _NON_TEXT_TYPES:
        served = f"; the node serves it as {media_type}, which is not an RDF media type"
    raise HarvestError(f"could not parse {url} as {LABELS[fmt]}: {message}{also}{served}",
                       details={"url": url, "format": fmt})


def triple_count(graph: Graph) -> int:
    """Triples in a graph from :func:`parse_document`, counted natively (rdflib's len runs a SPARQL COUNT)."""
    inner = getattr(graph.store, "_inner", None)
    # parse_document's store holds exactly one graph, so the store's size is the graph's.
    return len(inner) if isinstance(inner, ox.Store) else len(graph)


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    return value or None


def _candidates(media_type: str | None, url: str, content: bytes) -> list[str]:
    """Formats to try, best guess first; de-duplicated so a failing parser runs once."""
    order: list[str] = []
    if media_type in MEDIA_TYPES:
        order.append(MEDIA_TYPES[media_type])
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix in EXTENSIONS:
        order.append(EXTENSIONS[suffix])
    head = content[:1024].lstrip()
    if _XML_START.match(head):
        order.append(RDFXML)
    elif head.startswith(b"{"):
        order.append(JSONLD)
    elif head.startswith(b"["):
        order += [JSONLD, TURTLE]  # "[ a dcat:Catalog ]" is Turtle too
    else:
        order += [TURTLE, NTRIPLES]
    return list(dict.fromkeys(order))


def _as_utf8(content: bytes, url: str, charset: str | None) -> bytes:
    """UTF-8 bytes, transcoding when the document says (XML declaration) or the server said otherwise.

    Oxigraph reads only UTF-8. An RDF/XML encoding declaration is trusted first, since the serialiser
    wrote it together with the bytes; the HTTP charset only rescues content that is not UTF-8.
    """
    declared = _XML_ENCODING.match(content[:512])
    if declared:
        encoding = declared.group(1).decode("ascii")
        if _is_utf8(encoding, url):
            pass
        elif codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
            # A declaration readable as ASCII cannot be true about UTF-16/32 (a tool re-encoded the file
            # and kept the declaration): read the bytes as UTF-8, and say so to the parser.
            content = _XML_ENCODING_BYTES.sub(rb'\1"UTF-8"', content[:512], count=1) + content[512:]
        else:
            return _utf8_declared(_decode(content, encoding, url))
    problem = _utf8_problem(content)
    if problem is None:
        return content
    if charset and not _is_utf8(charset, url):
        return _decode(content, charset, url).encode("utf-8")
    offset, byte = problem
    line = content.count(b"\n", 0, offset) + 1
    column = offset - (content.rfind(b"\n", 0, offset) + 1) + 1
    raise HarvestError(
        f"{url} is not valid UTF-8: byte 0x{byte:02X} at line {line}, column {column} (byte offset {offset:,}) "
        "cannot be decoded; serve the document as UTF-8 (or declare its encoding)",
        details={"url": url, "offset": offset})


def _utf8_declared(text: str) -> bytes:
    """UTF-8 bytes of ``text`` with its XML declaration (if any) saying so: Oxigraph refuses other encodings."""
    return _XML_ENCODING_TEXT.sub(r'\1"UTF-8"', text, count=1).encode("utf-8")


def _from_wide_encoding(content: bytes, url: str) -> bytes:
    """UTF-16 and UTF-32 documents (BOM, or XML's "<?" in two or four bytes) as UTF-8; others unchanged.

    Done before anything looks at the bytes, so HTML detection and the DTD check see the real text
    rather than a NUL-interleaved one a byte pattern cannot match.
    """
    encoding = next((enc for bom, enc in _WIDE_BOMS if content.startswith(bom)), None)
    if encoding is None:
        encoding = next((enc for start, enc in _WIDE_STARTS if content.startswith(start)), None)
    if encoding is None:
        return content
    text = _decode(content, encoding, url)
    return _utf8_declared(text[1:] if text.startswith("\ufeff") else text)


def _binary_kind(content: bytes) -> str | None:
    return next((kind for signature, kind in _BINARY_SIGNATURES if content.startswith(signature)), None)


def _is_utf8(encoding: str, url: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise HarvestError(f"{url} declares an unknown character encoding {sanitise(encoding, 40)!r}",
                           details={"url": url}) from None
    return name in ("utf-8", "ascii", "utf-8-sig")


def _decode(content: bytes, encoding: str, url: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise HarvestError(f"{url} is not valid {encoding}: byte 0x{content[exc.start]:02X} at byte offset "
                           f"{exc.start:,} cannot be decoded", details={"url": url, "offset": exc.start}) from None


def _utf8_problem(content: bytes) -> tuple[int, int] | None:
    """(offset, byte) of the first invalid UTF-8 sequence, decoding in slices to keep memory flat."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    step = 1 << 20
    for start in range(0, len(content), step):
        try:
            decoder.decode(content[start:start + step], final=start + step >= len(content))
        except UnicodeDecodeError as exc:
            # exc.start is relative to the decoder's pending bytes plus this slice
            pending = len(exc.object) - len(content[start:start + step])
            offset = max(start - pending + exc.start, 0)
            return offset, content[offset]
    return None


# Parsing -------------------------------------------------------------------------------------------
def _parse(content: bytes, fmt: str, url: str, base_iri: str) -> Graph:
    if fmt == JSONLD:
        content = _inline_contexts(content, url)
    elif fmt == RDFXML:
        _check_xml_entities(content, url)
    store = ox.Store()
    graph = Graph(store=OxigraphStore(store=store))
    try:
        # A fresh store per attempt: a failed parse leaves nothing behind. Store.load renames blank
        # nodes, so pages of one node (all "_:b0" in their own files) cannot merge by accident.
        graph.parse(data=content, format=fmt, publicID=base_iri)
    except SyntaxError as exc:
        if "LoadDocumentCallback" in str(exc):  # a remote context this module did not catch
            raise HarvestError(f"JSON-LD remote context in {url} is not allowed; inline the context",
                               details={"url": url}) from None
        raise _ParseFailure(_syntax_message(exc)) from None
    except (ParserError, ValueError, OSError) as exc:
        raise _ParseFailure(sanitise(str(exc), 200)) from None
    if fmt in QUAD_FORMATS:
        _flatten(store, graph)
    # rdflib's Graph and its namespace manager (made while parsing, for the prefixes) refer to each
    # other, so the page's triples would wait for a full garbage collection before being freed; the
    # prefixes are not needed, and a manager is made again if anything asks for one.
    graph.namespace_manager = None
    return graph


def _flatten(store: ox.Store, graph: Graph) -> None:
    """Move named-graph quads into the page graph: a node's catalogue is one graph to us."""
    ident = graph.identifier
    target = ox.BlankNode(str(ident)) if isinstance(ident, BNode) else ox.NamedNode(str(URIRef(ident)))
    for name in list(store.named_graphs()):
        if name == target:
            continue
        store.extend([ox.Quad(q.subject, q.predicate, q.object, target)
                      for q in store.quads_for_pattern(None, None, None, name)])
        store.remove_graph(name)


def _syntax_message(exc: SyntaxError) -> str:
    text = str(exc.msg if exc.msg else exc)
    text = re.sub(r"^Parser error (?:at|between) [^:]*: ", "", text)
    text = re.sub(r" \(line \d+\)$", "", text)
    where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "") + ": " if exc.lineno else ""
    return where + sanitise(text, 200)


def _check_xml_entities(content: bytes, url: str) -> None:
    """Refuse RDF/XML whose DTD could make the parser read files, fetch URLs or exhaust memory.

    Modelled on what Oxigraph does, not on what an XML processor should do: it takes every DOCTYPE
    wherever it appears (even inside the root element), splits it at each ``<`` and reads every
    ``<!ENTITY`` it finds, comments and processing instructions included; it treats ``%`` parameter
    entities as general ones and expands entity references inside entity values at declaration time,
    so nested entities grow exponentially (billion laughs) before any is used. Checking a superset of
    that (every ``<!ENTITY`` in a document that has a DOCTYPE, every reference counted at the longest
    value) keeps this check in step with the parser without having to read the DTD exactly as it does.
    Refused: external DTDs and entities (SYSTEM or
    PUBLIC; never loaded, but nothing legitimate depends on them in a catalogue export), parameter
    entities, entity values that reference other entities, and references expanding to more than
    ``MAX_XML_ENTITY_EXPANSION`` characters. Plain internal entities (``<!ENTITY xsd "http://...#">``,
    common in OWL-tool output) stay accepted.
    """
    if _DOCTYPE.search(content) is None:
        return
    text = content.decode("utf-8", errors="replace")
    external = _EXTERNAL_DTD.search(text)
    if external:
        raise HarvestError(f"{url}: RDF/XML that refers to an external DTD ({sanitise(external.group(1), 120)}) is "
                           "refused; the catalogue never loads DTDs: remove the DOCTYPE", details={"url": url})
    longest = 0
    position = text.find("<!ENTITY")
    while position >= 0:
        end = text.find("<", position + 1)  # Oxigraph's declaration ends where the next "<" starts
        declaration = text[position + len("<!ENTITY"):end if end >= 0 else len(text)]
        name, kind, value = _entity_declaration(declaration)
        shown = sanitise(name or declaration, 40)
        if kind is not None:
            raise HarvestError(f"{url}: RDF/XML with {kind} DTD entities is refused (entity {shown!r}); the catalogue "
                               "never loads external entities: expand the entities in the document",
                               details={"url": url})
        nested = [ref for ref in _ENTITY_REF.findall(declaration) if ref not in _PREDEFINED_ENTITIES]
        if nested:
            raise HarvestError(f"{url}: RDF/XML with nested DTD entities is refused (entity {shown!r} refers "
                               f"to {sanitise(nested[0], 40)!r}); "
                               "expand the entities in the document", details={"url": url})
        # Where the declaration is not read as Oxigraph reads it, its whole length bounds the value.
        longest = max(longest, len(value) if value is not None else len(declaration))
        position = text.find("<!ENTITY", position + 1)
    if not longest:
        return
    # Every reference counted at the longest value: an upper bound that does not depend on reading
    # entity names exactly as the parser does.
    references = sum(1 for ref in _ENTITY_REF.findall(text) if ref not in _PREDEFINED_ENTITIES)
    expansion = references * longest
    if expansion > MAX_XML_ENTITY_EXPANSION:
        raise HarvestError(f"{url}: RDF/XML entity references would expand to up to {expansion:,} characters "
                           f"({references:,} references, values of up to {longest:,} characters; limit "
                           f"{MAX_XML_ENTITY_EXPANSION:,}); expand the entities in the document", details={"url": url})


def _entity_declaration(text: str) -> tuple[str | None, str | None, str | None]:
    """(name, kind, value) of what follows ``<!ENTITY``, read as leniently as Oxigraph reads it.

    ``kind`` is ``"external"``, ``"parameter"`` or None; ``value`` is None where Oxigraph would
    reject the declaration anyway (it then fails the whole document).
    """
    rest = text.lstrip()
    parameter = rest.startswith("%")
    rest = rest[1:].lstrip() if parameter else rest
    parts = rest.split(None, 1)
    name = parts[0] if parts else None
    body = parts[1].lstrip() if len(parts) > 1 else ""
    if re.match(r"(SYSTEM|PUBLIC)\b", body, re.I):
        return name, "external", None
    if parameter:
        return name, "parameter", None
    if not body.startswith('"') or body.find('"', 1) < 0:
        return name, None, None
    return name, None, body[1:body.find('"', 1)]


# JSON-LD contexts ----------------------------------------------------------------------------------
@cache
def _local_context(filename: str) -> dict:
    with open(CONTEXT_DIR / filename, encoding="utf-8") as fh:
        context = json.load(fh)["@context"]
    # Upstream defect: the DCAT-AP examples context types dates as "xsd:date" without defining "xsd",
    # which JSON-LD reads as the IRI <xsd:date>. The prefix is plainly meant; adding it changes nothing else.
    context.setdefault("xsd", "http://www.w3.org/2001/XMLSchema#")
    _define_missing_prefixes(context)
    return context


def _define_missing_prefixes(context: dict) -> None:
    """Upstream defect: the DCAT-AP 3.0.1 context defines terms such as ``"Xsd:dateTime"`` whose prefix
    (``Xsd``) it never defines. JSON-LD 1.1 requires a term shaped like a compact IRI to expand to its own
    mapping, so processors reject the whole context ("Inconsistent expansion") and every document that
    uses it. Defining each such prefix as the namespace its terms map into makes them consistent and
    changes no other expansion."""
    implied: dict[str, str] = {}
    stack: list[dict] = [context]
    while stack:
        ctx = stack.pop()
        for key, value in ctx.items():
            if isinstance(value, dict) and isinstance(value.get("@context"), dict):
                stack.append(value["@context"])
            iri = value if isinstance(value, str) else value.get("@id") if isinstance(value, dict) else None
            prefix, colon, local = key.partition(":")
            if (colon and prefix and local and not local.startswith("//") and isinstance(iri, str)
                    and iri.endswith(local) and len(iri) > len(local)):
                implied.setdefault(prefix, iri[:-len(local)])
    for prefix, namespace in implied.items():
        context.setdefault(prefix, namespace)


def _context_key(value: str) -> str:
    value = value.strip()
    return "https://" + value[len("http://"):] if value.startswith("http://") else value


def _resolve_context(value: str, url: str) -> dict:
    filename = KNOWN_CONTEXTS.get(_context_key(value))
    if filename is None:
        raise HarvestError(f"JSON-LD remote context {sanitise(value, 200)} is not allowed; inline the context "
                           f"(in {url}; the catalogue never fetches remote contexts)",
                           details={"url": url, "context": value})
    return _local_context(filename)


def _inline_contexts(content: bytes, url: str) -> bytes:
    """Replace allow-listed context URLs by the vendored contexts; refuse any other remote context."""
    try:
        doc = json.loads(content)
    except json.JSONDecodeError as exc:
        raise _ParseFailure(f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except (RecursionError, ValueError) as exc:
        raise _ParseFailure(f"unreadable JSON: {sanitise(str(exc), 120)}") from None
    changed = False
    stack: list[object] = [doc]
    while stack:  # iterative: a deeply nested document must not exhaust the Python stack
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@context" in item:
            new, replaced = _replace_context(item["@context"], url, stack)
            if replaced:
                item["@context"] = new
                changed = True
        stack.extend(v for k, v in item.items() if k != "@context")
    changed |= _merge_type_scoped_contexts(doc)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8") if changed else content


def _replace_context(ctx: object, url: str, stack: list[object]) -> tuple[object, bool]:
    if isinstance(ctx, str):
        return _resolve_context(ctx, url), True
    if isinstance(ctx, list):
        out, changed = [], False
        for entry in ctx:
            new, replaced = _replace_context(entry, url, stack)
            out.append(new)
            changed |= replaced
        return out, changed
    if isinstance(ctx, dict):
        if isinstance(ctx.get("@import"), str):  # JSON-LD 1.1: the context's own terms override the import
            merged = dict(_resolve_context(ctx["@import"], url))
            merged.update({k: v for k, v in ctx.items() if k != "@import"})
            stack.extend(v for k, v in ctx.items() if k != "@import")
            return merged, True
        stack.append(ctx)  # term definitions may carry scoped contexts
    return ctx, False


def _merge_type_scoped_contexts(doc: object) -> bool:
    """Give nodes with several scoped types the union of those types' contexts.

    JSON-LD 1.1 applies the type-scoped contexts of *all* of a node's types, but pyoxigraph 0.5 applies
    only the last one (and rdflib 7 only the first), silently dropping properties. The DCAT-AP 3
    contexts rely on this for nodes typed ``["Dataset", "DatasetMemberOfADatasetSeries"]``. The union
    is embedded as a non-propagating node context, which is what the type-scoped contexts amount to.
    Only the scoped types defined in the document's top-level context(s) are considered.
    """
    scoped: dict[str, dict] = {}
    for root in doc if isinstance(doc, list) else [doc]:
        contexts = root.get("@context") if isinstance(root, dict) else None
        for ctx in contexts if isinstance(contexts, list) else [contexts]:
            if isinstance(ctx, dict):
                scoped.update({term: d["@context"] for term, d in ctx.items()
                               if isinstance(d, dict) and isinstance(d.get("@context"), dict)})
    if not scoped:
        return False
    changed = False
    stack: list[object] = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        stack.extend(v for k, v in item.items() if k != "@context")
        types = item.get("@type")
        hits = sorted(t for t in set(types) if isinstance(t, str) and t in scoped) if isinstance(types, list) else []
        if len(hits) < 2:
            continue
        union: dict = {}
        for term in hits:  # lexicographic order, as the expansion algorithm applies them
            union.update(scoped[term])
        union.update({"@version": 1.1, "@propagate": False})
        own = item.get("@context")
        item["@context"] = union if own is None else [*(own if isinstance(own, list) else [own]), union]
        changed = True
    return changed
