"""Helpers shared by the portal and the API views (request -> query, record -> labelled dicts)."""

from __future__ import annotations

from flask import request, url_for
from markupsafe import Markup, escape

from catalogue.records import DatasetRecord
from catalogue.schemas import parse_search_args
from catalogue.search.base import MARK_END, MARK_START, SearchQuery, facet_value, pick_text
from catalogue.service import Catalogue, SearchPage
from catalogue.web.i18n import current_language

RDF_FORMATS = {
    "ttl": ("turtle", "text/turtle"),
    "jsonld": ("json-ld", "application/ld+json"),
    "rdf": ("xml", "application/rdf+xml"),
    "nt": ("nt", "application/n-triples"),
}
RDF_MEDIA_TYPES = {media: ext for ext, (_fmt, media) in RDF_FORMATS.items()}


def search_query_from_request(strict: bool, highlight: bool = True) -> SearchQuery:
    return parse_search_args(request.args.to_dict(flat=False), current_language(), strict=strict,
                             highlight=highlight)


def marks_to_html(snippet: str) -> Markup:
    """Escape a highlighted snippet as text, then turn the backend's marks into <mark> elements."""
    return Markup(str(escape(snippet)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def labelled(cat: Catalogue, facet: str, iri: str, lang: str) -> dict:
    value = facet_value(facet, iri)
    return {"value": value, "label": cat.facet_label(facet, value, lang)}


def summary(cat: Catalogue, record: DatasetRecord, lang: str, highlight: dict[str, str] | None = None) -> dict:
    return {
        "highlight": {k: str(marks_to_html(v)) for k, v in (highlight or {}).items()},
        "id": record.id,
        "iri": record.iri,
        "node": record.node,
        "title": pick_text(record.title, lang),
        "description": pick_text(record.description, lang),
        "title_languages": sorted(record.title),
        "countries": [labelled(cat, "country", c, lang) for c in record.countries],
        "access_rights": labelled(cat, "access_rights", record.access_rights, lang) if record.access_rights else None,
        "health_categories": [labelled(cat, "health_category", h, lang) for h in record.health_categories],
        "number_of_unique_individuals": record.number_of_unique_individuals,
        "number_of_records": record.number_of_records,
        "modified": record.modified or record.issued,
        "links": {"self": url_for("api.dataset", dataset_id=record.id, _external=True),
                  "html": url_for("portal.dataset", dataset_id=record.id, _external=True)},
    }


def search_response(cat: Catalogue, page: SearchPage) -> dict:
    q = page.query
    return {
        "total": page.total, "page": q.page, "size": q.size, "pages": page.pages, "sort": q.sort, "lang": q.lang,
        "q": request.args.get("q", ""),
        "filters": {k: list(v) for k, v in q.filters.items()},
        "ranges": {k: list(v) for k, v in q.ranges.items()},
        "items": [summary(cat, r, q.lang, page.highlights.get(r.id)) for r in page.items],
        "facets": {name: [vars(item) for item in items] for name, items in page.facets.items()},
    }


def wanted_rdf_format() -> str | None:
    """The RDF extension the client asked for by Accept header, if it prefers RDF over HTML."""
    best = request.accept_mimetypes.best_match(["text/html", *RDF_MEDIA_TYPES])
    if best and best != "text/html" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]:
        return RDF_MEDIA_TYPES[best]
    return None
