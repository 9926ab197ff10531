"""The JSON API, /api/v1: the same queries as the portal, for programs."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from catalogue.errors import CatalogueError
from catalogue.schemas import (
    DatasetSchema,
    NodeSchema,
    RunSchema,
    SearchResponseSchema,
    StatsSchema,
    SuggestionSchema,
    parse_suggest_args,
)
from catalogue.search.base import pick_text
from catalogue.web import get_catalogue
from catalogue.web.i18n import current_language
from catalogue.web.views_common import RDF_FORMATS, labelled, search_query_from_request, search_response

api = Blueprint("api", __name__)


class Gone(CatalogueError):
    status = 410
    code = "gone"


@api.get("/datasets")
def datasets():
    cat = get_catalogue()
    page = cat.search(search_query_from_request(strict=True))
    return jsonify(SearchResponseSchema().dump(search_response(cat, page)))


@api.get("/datasets/<dataset_id>")
def dataset(dataset_id: str):
    cat = get_catalogue()
    view = cat.dataset(dataset_id)
    if view.status != "active":
        raise Gone(f"dataset {dataset_id} was withdrawn by node {view.node_name!r} on {view.withdrawn_at:%Y-%m-%d}",
                   details={"node": view.node_name, "withdrawn_at": view.withdrawn_at.isoformat()})
    lang = current_language()
    record = view.record
    data = record.to_dict()
    data["status"] = view.status
    data["display"] = {"lang": lang, "title": pick_text(record.title, lang),
                       "description": pick_text(record.description, lang)}
    data["labels"] = {
        "countries": [labelled(cat, "country", c, lang) for c in record.countries],
        "access_rights": labelled(cat, "access_rights", record.access_rights, lang) if record.access_rights else None,
        "themes": [labelled(cat, "theme", t, lang) for t in record.themes],
        "health_categories": [labelled(cat, "health_category", h, lang) for h in record.health_categories],
        "node": {"value": view.node_name, "label": view.node_title or view.node_name},
    }
    # Every node that publishes this dataset; the first one's description is the one shown.
    data["sources"] = [{"node": s.node_name, "label": s.node_title or s.node_name, "country": s.country,
                        "primary": s.primary, "first_seen": s.first_seen.isoformat(),
                        "last_harvested": s.last_harvested.isoformat(),
                        "url": url_for("api.node", name=s.node_name, _external=True)} for s in view.sources]
    data["links"] = {
        "self": url_for("api.dataset", dataset_id=dataset_id, _external=True),
        "html": url_for("portal.dataset", dataset_id=dataset_id, _external=True),
        **{ext: url_for("portal.dataset_rdf", dataset_id=dataset_id, ext=ext, _external=True) for ext in RDF_FORMATS},
    }
    return jsonify(DatasetSchema().dump(data))


@api.get("/suggest")
def suggest():
    """Autocomplete for the search box: dataset titles, then keywords."""
    cat = get_catalogue()
    query = parse_suggest_args(request.args.to_dict(flat=False), current_language())
    items = []
    for s in cat.suggest(query):
        url = (url_for("portal.dataset", dataset_id=s.id) if s.kind == "title" and s.id
               else url_for("portal.search", keyword=s.text) if s.kind == "keyword"
               else url_for("portal.search", q=s.text))
        items.append({"text": s.text, "kind": s.kind, "id": s.id, "url": url})
    return jsonify({"q": request.args.get("q", ""), "lang": query.lang,
                    "suggestions": SuggestionSchema(many=True).dump(items)})


@api.get("/nodes")
def nodes():
    cat = get_catalogue()
    lang = current_language()
    items = [_node(cat, n, lang) for n in cat.nodes()]
    return jsonify({"total": len(items), "items": items})


@api.get("/nodes/<name>")
def node(name: str):
    cat = get_catalogue()
    view = cat.node(name)
    data = _node(cat, view, current_language())
    data["runs"] = RunSchema(many=True).dump(view.runs)
    return jsonify(data)


@api.get("/nodes/<name>/runs")
def node_runs(name: str):
    view = get_catalogue().node(name, runs=100)
    return jsonify({"node": name, "items": RunSchema(many=True).dump(view.runs)})


def _node(cat, view, lang) -> dict:
    return NodeSchema().dump({
        "name": view.name, "title": view.title, "url": view.url, "country": view.country,
        "country_label": cat.vocab.country_label(view.country, lang), "type": view.type, "datasets": view.datasets,
        "individuals": view.individuals, "last_success": view.last_success, "last_run": view.last_run,
        "harvest_interval": view.harvest_interval, "enabled": view.enabled,
    })


@api.get("/stats")
def stats():
    lang = current_language()
    data = get_catalogue().stats(lang)
    data["lang"] = lang
    return jsonify(StatsSchema().dump(data))
