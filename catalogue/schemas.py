"""marshmallow schemas: what the API accepts and returns.

Search arguments are validated here, once, for the portal and the API alike, and turned into a
:class:`SearchQuery`; a bad argument becomes a 400 that names the argument and what is wrong with it.
"""

from __future__ import annotations

from collections.abc import Mapping

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from catalogue.errors import BadRequest
from catalogue.search.base import (
    FACETS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    RANGES,
    SORTS,
    SearchQuery,
    SuggestQuery,
)

LangMap = fields.Dict(keys=fields.String(), values=fields.String())


class SearchArgsSchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=500))
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    lang = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=16))
    highlight = fields.Boolean(load_default=None, allow_none=True)
    individuals_min = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    individuals_max = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    age_min = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=150))
    age_max = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0, max=150))

    @validates_schema
    def _window(self, data, **_kwargs):
        if data.get("page", 1) * data.get("size", 20) > MAX_RESULT_WINDOW:
            raise ValidationError(f"page × size may not exceed {MAX_RESULT_WINDOW}; refine the search instead",
                                  "page")
        for name in ("individuals", "age"):
            low, high = data.get(f"{name}_min"), data.get(f"{name}_max")
            if low is not None and high is not None and low > high:
                raise ValidationError(f"{name}_min ({low}) is greater than {name}_max ({high})", f"{name}_min")


class SuggestArgsSchema(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    size = fields.Integer(load_default=8, validate=validate.Range(min=1, max=20))
    lang = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=16))


for _facet in FACETS:
    SearchArgsSchema._declared_fields[_facet] = fields.List(fields.String(validate=validate.Length(min=1, max=512)),
                                                            load_default=list)


def parse_search_args(args: Mapping[str, list[str]], lang: str, *, strict: bool,
                      highlight: bool = False) -> SearchQuery:
    """Turn multi-valued request arguments into a SearchQuery, or raise BadRequest saying what is wrong."""
    data: dict = {}
    for key, values in args.items():
        if key in FACETS:
            data[key] = [v for v in values if v != ""]
        elif values:
            data[key] = values[-1]
    schema = SearchArgsSchema(unknown=RAISE if strict else EXCLUDE)
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        raise BadRequest("invalid search parameters: " + _describe(exc.messages),
                         details={"fields": exc.messages}) from None
    filters = {f: tuple(loaded[f]) for f in FACETS if loaded.get(f)}
    ranges = {name: (loaded[f"{name}_min"], loaded[f"{name}_max"]) for name in RANGES
              if loaded[f"{name}_min"] is not None or loaded[f"{name}_max"] is not None}
    wanted = loaded["highlight"] if loaded["highlight"] is not None else highlight
    return SearchQuery.parse(loaded["q"], filters=filters, sort=loaded["sort"], page=loaded["page"],
                             size=loaded["size"], lang=lang, ranges=ranges, highlight=wanted)


def parse_suggest_args(args: Mapping[str, list[str]], lang: str) -> SuggestQuery:
    data = {k: v[-1] for k, v in args.items() if v}
    try:
        loaded = SuggestArgsSchema(unknown=RAISE).load(data)
    except ValidationError as exc:
        raise BadRequest("invalid suggest parameters: " + _describe(exc.messages),
                         details={"fields": exc.messages}) from None
    return SuggestQuery.parse(loaded["q"], lang=lang, size=loaded["size"])


def _describe(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_describe(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(_describe(m) for m in messages)
    return str(messages)


# Responses ------------------------------------------------------------------------------------
class AgentSchema(Schema):
    iri = fields.String(allow_none=True)
    name = LangMap
    email = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    type = fields.String(allow_none=True)


class ContactPointSchema(Schema):
    iri = fields.String(allow_none=True)
    name = LangMap
    email = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    telephone = fields.String(allow_none=True)


class DistributionSchema(Schema):
    iri = fields.String(allow_none=True)
    title = LangMap
    description = LangMap
    access_url = fields.String(allow_none=True)
    download_url = fields.String(allow_none=True)
    format = fields.String(allow_none=True)
    media_type = fields.String(allow_none=True)
    byte_size = fields.Integer(allow_none=True)
    licence = fields.String(allow_none=True)
    access_service = fields.String(allow_none=True)


class PeriodSchema(Schema):
    start = fields.String(allow_none=True)
    end = fields.String(allow_none=True)


class LabelledSchema(Schema):
    value = fields.String()
    label = fields.String()


class DatasetSchema(Schema):
    """The full record, plus labels in the requested language and provenance."""

    id = fields.String()
    iri = fields.String(allow_none=True)
    identifier = fields.String(allow_none=True)
    node = fields.String()
    title = LangMap
    description = LangMap
    keywords = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    themes = fields.List(fields.String())
    health_categories = fields.List(fields.String())
    health_themes = fields.List(fields.String())
    countries = fields.List(fields.String())
    spatial = fields.List(fields.String())
    access_rights = fields.String(allow_none=True)
    publisher = fields.Nested(AgentSchema, allow_none=True)
    creators = fields.List(fields.Nested(AgentSchema))
    hdab = fields.Nested(AgentSchema, allow_none=True)
    contact_point = fields.Nested(ContactPointSchema, allow_none=True)
    temporal = fields.Nested(PeriodSchema, allow_none=True)
    issued = fields.String(allow_none=True)
    modified = fields.String(allow_none=True)
    distributions = fields.List(fields.Nested(DistributionSchema))
    number_of_records = fields.Integer(allow_none=True)
    number_of_unique_individuals = fields.Integer(allow_none=True)
    min_typical_age = fields.Integer(allow_none=True)
    max_typical_age = fields.Integer(allow_none=True)
    population_coverage = LangMap
    landing_page = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    dataset_type = fields.String(allow_none=True)
    version = fields.String(allow_none=True)
    conforms_to = fields.List(fields.String())
    coding_systems = fields.List(fields.String())
    code_values = fields.List(fields.String())
    purpose = LangMap
    legal_basis = LangMap
    frequency = fields.String(allow_none=True)
    harvested = fields.String(allow_none=True)
    # added by the API
    status = fields.String()
    display = fields.Dict()
    labels = fields.Dict()
    links = fields.Dict()
    sources = fields.List(fields.Dict(), metadata={"description": "every node that publishes this dataset"})


class DatasetSummarySchema(Schema):
    id = fields.String()
    iri = fields.String(allow_none=True)
    node = fields.String()
    title = fields.String()
    description = fields.String()
    title_languages = fields.List(fields.String())
    countries = fields.List(fields.Nested(LabelledSchema))
    access_rights = fields.Nested(LabelledSchema, allow_none=True)
    health_categories = fields.List(fields.Nested(LabelledSchema))
    number_of_unique_individuals = fields.Integer(allow_none=True)
    number_of_records = fields.Integer(allow_none=True)
    modified = fields.String(allow_none=True)
    highlight = fields.Dict(keys=fields.String(), values=fields.String())
    links = fields.Dict()


class SuggestionSchema(Schema):
    text = fields.String()
    kind = fields.String()
    id = fields.String(allow_none=True)
    url = fields.String()


class FacetValueSchema(Schema):
    value = fields.String()
    label = fields.String()
    count = fields.Integer()
    selected = fields.Boolean()


class SearchResponseSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    size = fields.Integer()
    pages = fields.Integer()
    sort = fields.String()
    lang = fields.String()
    q = fields.String()
    filters = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    ranges = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer(allow_none=True)))
    items = fields.List(fields.Nested(DatasetSummarySchema))
    facets = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(FacetValueSchema)))


class RunSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    duration = fields.Float(allow_none=True)
    pages = fields.Integer()
    triples = fields.Integer()
    added = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    withdrawn = fields.Integer()
    invalid = fields.Integer()
    not_modified = fields.Integer()
    message = fields.String(allow_none=True)
    problems = fields.List(fields.Dict())


class NodeSchema(Schema):
    name = fields.String()
    title = fields.String(allow_none=True)
    url = fields.String()
    country = fields.String()
    country_label = fields.String()
    type = fields.String()
    datasets = fields.Integer()
    individuals = fields.Integer()
    last_success = fields.DateTime(allow_none=True)
    last_run = fields.Nested(RunSchema, allow_none=True)
    harvest_interval = fields.Integer(allow_none=True, metadata={"description": "minutes between scheduled harvests"})
    enabled = fields.Boolean()


class BreakdownSchema(Schema):
    value = fields.String()
    label = fields.String()
    datasets = fields.Integer()
    individuals = fields.Integer()
    records = fields.Integer()
    country = fields.String()


class StatsSchema(Schema):
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    target = fields.Dict()
    by_country = fields.List(fields.Nested(BreakdownSchema))
    by_health_category = fields.List(fields.Nested(BreakdownSchema))
    by_access_rights = fields.List(fields.Nested(BreakdownSchema))
    by_theme = fields.List(fields.Nested(BreakdownSchema))
    by_node = fields.List(fields.Nested(BreakdownSchema))
    lang = fields.String()
