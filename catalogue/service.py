"""The catalogue as one object: stores, search and vocabularies behind the operations people use.

The web views and the command line are thin adapters over this class, so every feature is reachable
from both and the core stays free of Flask.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from rdflib import Graph
from sqlalchemy import func, select

from catalogue.config import Settings
from catalogue.errors import BadRequest, Conflict, NotFound
from catalogue.records import DatasetRecord
from catalogue.search import create_search_backend
from catalogue.search.base import FACETS, SearchBackend, SearchQuery, Suggestion, SuggestQuery, facet_iri
from catalogue.store.db import Database, Dataset, DatasetFacet, DatasetSource, HarvestRun, Node, utcnow
from catalogue.store.rdf import RdfStore, create_rdf_store
from catalogue.vocab import Vocabularies, get_vocabularies
from harvesters import HARVESTERS
from harvesters.runner import HarvestRunner, Progress, RunSummary

NODE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchPage:
    query: SearchQuery
    total: int
    items: list[DatasetRecord]
    facets: dict[str, list[FacetItem]]
    highlights: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.size))


@dataclass
class SourceView:
    """A node that publishes a dataset."""

    node_name: str
    node_title: str | None
    node_url: str | None
    country: str | None
    primary: bool
    first_seen: datetime
    last_harvested: datetime


@dataclass
class DatasetView:
    record: DatasetRecord
    status: str
    node_name: str
    node_title: str | None
    node_url: str | None
    first_seen: datetime
    last_harvested: datetime
    withdrawn_at: datetime | None
    sources: list[SourceView] = field(default_factory=list)


@dataclass
class NodeView:
    name: str
    url: str
    country: str
    type: str
    title: str | None
    datasets: int
    individuals: int
    last_run: HarvestRun | None
    last_success: datetime | None
    runs: list[HarvestRun] = field(default_factory=list)
    harvest_interval: int | None = None  # minutes
    enabled: bool = True


class Catalogue:
    def __init__(self, settings: Settings, *, search: SearchBackend | None = None, rdf: RdfStore | None = None):
        self.settings = settings
        self.db = Database.from_settings(settings)
        self.db.create_all()
        self.rdf = rdf or create_rdf_store(settings)
        self.search_backend = search or create_search_backend(settings)
        self.vocab: Vocabularies = get_vocabularies()

    def close(self) -> None:
        self.search_backend.close()
        self.rdf.close()
        self.db.dispose()

    # Nodes -------------------------------------------------------------------------------------
    def add_node(self, name: str, url: str, country: str, type: str = "dcat", title: str | None = None,
                 *, update: bool = False, interval: int | None = None) -> Node:
        """Register (or with ``update`` change) a node; ``interval``: minutes between scheduled
        harvests (0 removes the schedule, None keeps it)."""
        name = (name or "").strip()
        if not NODE_NAME.match(name):
            raise BadRequest(f"node name {name!r} must be 1-64 lower-case letters, digits, '-' or '_'")
        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise BadRequest(f"node URL {url!r} must be an absolute http:// or https:// URL")
        code = self.vocab.country_code(country or "")
        if code is None:
            raise BadRequest(f"country {country!r} is not a known ISO 3166 country code (e.g. DE, FR, EL/GR)")
        if type not in HARVESTERS:
            raise BadRequest(f"node type {type!r} is not supported; choose one of {', '.join(sorted(HARVESTERS))}")
        if interval is not None and not 0 <= interval <= 525_600:
            raise BadRequest(f"harvest interval {interval} must be between 0 and 525600 minutes (one year)")
        with self.db.session() as session:
            node = session.get(Node, name)
            if node is not None and not update:
                raise Conflict(f"node {name!r} already exists (use --update to change it)")
            if node is None:
                node = Node(name=name)
                session.add(node)
            node.url, node.country, node.type, node.title = url, code, type, title or node.title
            if interval is not None:
                node.harvest_interval = interval or None
            return node

    def remove_node(self, name: str) -> int:
        """Remove a node with its datasets from the database, the RDF store and the index. A dataset
        that another node also publishes stays, described by that node; returns how many were removed."""
        removed: list[str] = []
        handed_over: list[str] = []  # still published by another node: re-indexed without this one
        with self.db.session() as session:
            node = session.get(Node, name)
            if node is None:
                raise NotFound(f"no node named {name!r}")
            now = utcnow()
            for source in list(session.scalars(select(DatasetSource).where(DatasetSource.node_name == name))):
                row = session.get(Dataset, source.dataset_id)
                outcome = HarvestRunner._drop_source(session, source, row, now)
                if outcome != "withdrawn" and row is not None:
                    handed_over.append(row.id)
            session.flush()
            ids = list(session.scalars(select(Dataset.id).where(Dataset.node_name == name)))
            session.query(DatasetFacet).filter(DatasetFacet.dataset_id.in_(ids)).delete(synchronize_session=False)
            session.query(Dataset).filter(Dataset.node_name == name).delete(synchronize_session=False)
            session.delete(node)
            removed = ids
        self.rdf.drop_node(name)
        if removed:
            self.search_backend.delete(removed)
        if handed_over:
            self.search_backend.index(self.runner().documents(handed_over))
        return len(removed)

    def nodes(self, with_runs: int = 0) -> list[NodeView]:
        with self.db.session() as session:
            # What each node publishes, including datasets another node published first.
            published = (select(DatasetSource.node_name, func.count(), func.coalesce(func.sum(Dataset.individuals), 0))
                         .join(Dataset, Dataset.id == DatasetSource.dataset_id)
                         .where(Dataset.status == "active").group_by(DatasetSource.node_name))
            counts, people = {}, {}
            for node_name, n, individuals in session.execute(published):
                counts[node_name], people[node_name] = n, individuals
            out = []
            for node in session.scalars(select(Node).order_by(Node.country, Node.name)):
                runs = list(session.scalars(select(HarvestRun).where(HarvestRun.node_name == node.name)
                                            .order_by(HarvestRun.id.desc()).limit(max(with_runs, 1))))
                last_success = session.scalar(
                    select(func.max(HarvestRun.finished_at)).where(HarvestRun.node_name == node.name,
                                                                   HarvestRun.status == "success"))
                out.append(NodeView(name=node.name, url=node.url, country=node.country, type=node.type,
                                    title=node.title, datasets=counts.get(node.name, 0),
                                    individuals=int(people.get(node.name, 0) or 0),
                                    last_run=runs[0] if runs else None, last_success=last_success,
                                    runs=runs if with_runs else [], harvest_interval=node.harvest_interval,
                                    enabled=node.enabled))
            return out

    def node(self, name: str, runs: int = 20) -> NodeView:
        for view in self.nodes(with_runs=runs):
            if view.name == name:
                return view
        raise NotFound(f"no node named {name!r}")

    # Harvesting --------------------------------------------------------------------------------
    def runner(self) -> HarvestRunner:
        return HarvestRunner(self.settings, self.db, self.rdf, self.search_backend, self.vocab)

    def harvest(self, names: Iterable[str] | None = None, progress: Progress | None = None, *,
                full: bool = False) -> list[RunSummary]:
        return self.runner().harvest_many(list(names) if names else None, progress, full=full)

    def due_nodes(self) -> list[str]:
        """Nodes whose schedule says they should be harvested now."""
        return self.runner().due()

    def harvest_due(self, progress: Progress | None = None) -> list[RunSummary]:
        due = self.due_nodes()
        return self.runner().harvest_many(due, progress) if due else []

    def reindex(self, progress: Progress | None = None) -> int:
        """Rebuild the search index from the database (the database is the source of truth)."""
        with self.db.session() as session:
            ids = list(session.scalars(select(Dataset.id).where(Dataset.status == "active").order_by(Dataset.id)))

        def documents():
            for n, document in enumerate(self.runner().documents(ids), start=1):
                if progress and n % 5000 == 0:
                    progress(f"prepared {n} datasets")
                yield document

        total = self.search_backend.rebuild(documents())
        if progress:
            progress(f"indexed {total} datasets")
            if getattr(self.search_backend, "merge_task", None):
                progress("the new index is searchable; Elasticsearch is merging it into one segment in the "
                         "background (searches get faster when it is done)")
        return total

    def index_is_stale(self) -> bool:
        with self.db.session() as session:
            active = session.scalar(select(func.count()).select_from(Dataset).where(Dataset.status == "active"))
        return active != self.search_backend.count()

    # Reading -----------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchPage:
        result = self.search_backend.search(query)
        records = self.records(result.ids)
        node_titles = self._node_titles()
        facets: dict[str, list[FacetItem]] = {}
        for name in FACETS:
            chosen = set(query.filters.get(name, ()))
            items = [FacetItem(fv.value, self.facet_label(name, fv.value, query.lang, node_titles), fv.count,
                               fv.value in chosen) for fv in result.facets.get(name, [])]
            present = {i.value for i in items}
            items += [FacetItem(v, self.facet_label(name, v, query.lang, node_titles), 0, True)
                      for v in sorted(chosen - present)]
            facets[name] = items
        return SearchPage(query=query, total=result.total, items=records, facets=facets,
                          highlights=result.highlights)

    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        return self.search_backend.suggest(query) if query.terms else []

    def records(self, ids: list[str]) -> list[DatasetRecord]:
        if not ids:
            return []
        with self.db.session() as session:
            rows = {d.id: d.record_json for d in session.scalars(select(Dataset).where(Dataset.id.in_(ids)))}
        return [DatasetRecord.from_dict(json.loads(rows[i])) for i in ids if i in rows]

    def dataset(self, dataset_id: str) -> DatasetView:
        with self.db.session() as session:
            row = session.get(Dataset, dataset_id)
            if row is None:
                raise NotFound(f"no dataset with id {dataset_id!r}")
            node = session.get(Node, row.node_name)
            sources = []
            for source in session.scalars(select(DatasetSource).where(DatasetSource.dataset_id == row.id)
                                          .order_by(DatasetSource.first_seen, DatasetSource.node_name)):
                publisher = node if source.node_name == row.node_name else session.get(Node, source.node_name)
                sources.append(SourceView(node_name=source.node_name, node_title=publisher.title if publisher else None,
                                          node_url=publisher.url if publisher else None,
                                          country=publisher.country if publisher else None,
                                          primary=source.node_name == row.node_name, first_seen=source.first_seen,
                                          last_harvested=source.last_harvested))
            sources.sort(key=lambda v: not v.primary)
            return DatasetView(record=row.record, status=row.status, node_name=row.node_name,
                               node_title=node.title if node else None, node_url=node.url if node else None,
                               first_seen=row.first_seen, last_harvested=row.last_harvested,
                               withdrawn_at=row.withdrawn_at, sources=sources)

    def dataset_rdf(self, dataset_id: str) -> Graph:
        view = self.dataset(dataset_id)
        graph = self.rdf.describe(view.node_name, view.record.iri, view.record.identifier)
        if len(graph) == 0:
            raise NotFound(f"the RDF description of dataset {dataset_id!r} is not in the RDF store")
        return graph

    def facet_label(self, facet: str, value: str, lang: str, node_titles: dict[str, str] | None = None) -> str:
        if facet == "country":
            return self.vocab.country_label(value, lang)
        if facet == "node":
            titles = node_titles if node_titles is not None else self._node_titles()
            return titles.get(value) or value
        if facet in ("access_rights", "theme", "health_category"):
            return self.vocab.label(facet_iri(facet, value), lang)
        return value

    def _node_titles(self) -> dict[str, str]:
        with self.db.session() as session:
            return {n.name: n.title or n.name for n in session.scalars(select(Node))}

    def stats(self, lang: str = "en") -> dict:
        """Coverage for policy makers: totals and breakdowns by country, health category, access rights, node.

        Individuals are summed over datasets; a person in two collections counts twice, which the
        portal says next to the figure.
        """
        with self.db.session() as session:
            active = Dataset.status == "active"
            totals = session.execute(select(func.count(), func.coalesce(func.sum(Dataset.individuals), 0),
                                            func.coalesce(func.sum(Dataset.records), 0)).where(active)).one()
            node_count = session.scalar(select(func.count()).select_from(Node))
            breakdowns = {}
            for facet in ("country", "health_category", "access_rights", "theme"):
                rows = session.execute(
                    select(DatasetFacet.value, func.count(), func.coalesce(func.sum(Dataset.individuals), 0),
                           func.coalesce(func.sum(Dataset.records), 0))
                    .join(Dataset, Dataset.id == DatasetFacet.dataset_id)
                    .where(active, DatasetFacet.facet == facet)
                    .group_by(DatasetFacet.value)).all()
                breakdowns[facet] = sorted(
                    ({"value": value, "label": self.facet_label(facet, value, lang), "datasets": n,
                      "individuals": int(people or 0), "records": int(recs or 0)} for value, n, people, recs in rows),
                    key=lambda r: (-r["individuals"], -r["datasets"], r["value"]))
            by_node = [{"value": n.name, "label": n.title or n.name, "country": n.country, "datasets": n.datasets,
                        "individuals": n.individuals} for n in self.nodes()]
        return {
            "totals": {"datasets": totals[0], "individuals": int(totals[1]), "records": int(totals[2]),
                       "nodes": node_count, "countries": len(breakdowns["country"])},
            "target": {"individuals": self.settings.genomes_target,
                       "share": round(int(totals[1]) / self.settings.genomes_target, 4)
                       if self.settings.genomes_target else None},
            "by_country": breakdowns["country"],
            "by_health_category": breakdowns["health_category"],
            "by_access_rights": breakdowns["access_rights"],
            "by_theme": breakdowns["theme"],
            "by_node": by_node,
        }
