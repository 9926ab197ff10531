"""The public portal: home, search, dataset, nodes and coverage pages."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from catalogue.errors import NotFound
from catalogue.schemas import parse_search_args
from catalogue.search.base import FACETS, SORTS
from catalogue.web import get_catalogue
from catalogue.web.i18n import current_language
from catalogue.web.views_common import RDF_FORMATS, search_query_from_request, wanted_rdf_format

portal = Blueprint("portal", __name__)


@portal.get("/")
def home():
    cat = get_catalogue()
    lang = current_language()
    stats = cat.stats(lang)
    recent = cat.search(parse_search_args({"sort": ["-modified"], "size": ["6"]}, lang, strict=False))
    return render_template("home.html", stats=stats, recent=recent.items)


@portal.get("/datasets")
def search():
    cat = get_catalogue()
    query = search_query_from_request(strict=False)
    page = cat.search(query)
    return render_template("search.html", page=page, q=request.args.get("q", ""), facets=FACETS, sorts=SORTS,
                           url_with=_url_with)


@portal.get("/datasets/<dataset_id>")
def dataset(dataset_id: str):
    ext = wanted_rdf_format()
    if ext:
        return redirect(url_for("portal.dataset_rdf", dataset_id=dataset_id, ext=ext), code=303)
    cat = get_catalogue()
    view = cat.dataset(dataset_id)
    status = 410 if view.status != "active" else 200
    return render_template("dataset.html", view=view, record=view.record, rdf_formats=RDF_FORMATS), status


@portal.get("/datasets/<dataset_id>.<ext>")
def dataset_rdf(dataset_id: str, ext: str):
    if ext not in RDF_FORMATS:
        raise NotFound(f"unknown format .{ext}; use one of {', '.join('.' + e for e in RDF_FORMATS)}")
    fmt, media = RDF_FORMATS[ext]
    graph = get_catalogue().dataset_rdf(dataset_id)
    _bind_prefixes(graph)
    body = graph.serialize(format=fmt)
    return Response(body, mimetype=media)


@portal.get("/nodes")
def nodes():
    return render_template("nodes.html", nodes=get_catalogue().nodes(with_runs=5))


@portal.get("/nodes/<name>")
def node(name: str):
    return render_template("node.html", node=get_catalogue().node(name, runs=30))


@portal.get("/coverage")
def coverage():
    return render_template("coverage.html", stats=get_catalogue().stats(current_language()))


def _url_with(**changes) -> str:
    """The current search URL with some arguments changed; ``None`` removes one, a tuple toggles a facet value."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if isinstance(value, tuple):  # ("toggle", value)
            values = args.get(key, [])
            args[key] = [v for v in values if v != value[1]] if value[1] in values else [*values, value[1]]
            args.pop("page", None)
        elif value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    return url_for("portal.search", **args)


def _bind_prefixes(graph) -> None:
    from catalogue.dcat import namespaces as ns

    for prefix, namespace in (("dcat", ns.DCAT), ("dct", ns.DCT), ("foaf", ns.FOAF), ("vcard", ns.VCARD),
                              ("healthdcatap", ns.HEALTHDCATAP), ("dcatap", ns.DCATAP), ("adms", ns.ADMS),
                              ("dpv", ns.DPV), ("cv", ns.CV), ("skos", ns.SKOS), ("xsd", ns.XSD)):
        graph.bind(prefix, namespace)
