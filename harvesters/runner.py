"""Harvest one node end to end: fetch -> RDF store -> database -> search index -> run record.

The order is chosen so that a failure loses nothing: pages are staged in the RDF store and mapped
before anything visible changes; the node's graph is swapped in one step, then the database is
updated in one transaction, then the index. If fetching or parsing fails, the staging graph is dropped
and the node's earlier datasets stay exactly as they were. Nodes are harvested independently.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from catalogue.config import Settings
from catalogue.dcat.profile import MappedDataset, MappingContext, map_datasets
from catalogue.errors import CatalogueError, HarvestError
from catalogue.records import DatasetRecord
from catalogue.search.base import SearchBackend, SearchDocument, document_from_record, facet_value
from catalogue.store.db import Database, Dataset, DatasetFacet, HarvestRun, Node, utcnow
from catalogue.store.rdf import RdfStore
from catalogue.vocab import Vocabularies
from harvesters import harvester_class
from harvesters.base import NodeSpec

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
MAX_PROBLEMS = 500  # per run; enough to act on, bounded so a broken node cannot flood the database


@dataclass
class RunSummary:
    node: str
    status: str = "running"
    run_id: int | None = None
    pages: int = 0
    triples: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    invalid: int = 0
    duration: float = 0.0
    message: str | None = None
    problems: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def search_document(record: DatasetRecord, settings: Settings, vocab: Vocabularies) -> SearchDocument:
    """The one way records become search documents (harvest and reindex alike)."""
    return document_from_record(record, settings.languages, lambda iri: vocab.labels(iri).values())


def facet_rows(record: DatasetRecord) -> list[tuple[str, str]]:
    rows = [("country", c) for c in record.countries]
    rows += [("health_category", facet_value("health_category", i)) for i in record.health_categories]
    rows += [("health_theme", i) for i in record.health_themes]
    rows += [("theme", facet_value("theme", i)) for i in record.themes]
    if record.access_rights:
        rows.append(("access_rights", facet_value("access_rights", record.access_rights)))
    return sorted(set(rows))


class HarvestRunner:
    def __init__(self, settings: Settings, db: Database, rdf: RdfStore, search: SearchBackend, vocab: Vocabularies):
        self.settings = settings
        self.db = db
        self.rdf = rdf
        self.search = search
        self.vocab = vocab

    def harvest_many(self, names: Iterable[str] | None = None, progress: Progress | None = None) -> list[RunSummary]:
        with self.db.session() as session:
            query = select(Node).where(Node.enabled.is_(True)).order_by(Node.name)
            known = {n.name: n for n in session.scalars(select(Node))}
            nodes = [n.name for n in session.scalars(query)]
        if names:
            missing = [n for n in names if n not in known]
            if missing:
                raise CatalogueError(f"unknown node(s): {', '.join(missing)}; see `gdi-catalogue nodes list`")
            nodes = list(dict.fromkeys(names))
        return [self.harvest(name, progress) for name in nodes]

    def harvest(self, name: str, progress: Progress | None = None) -> RunSummary:
        say = progress or (lambda _msg: None)
        started = time.monotonic()
        with self.db.session() as session:
            node = session.get(Node, name)
            if node is None:
                raise CatalogueError(f"unknown node {name!r}")
            spec = NodeSpec(name=node.name, url=node.url, country=node.country, type=node.type, title=node.title)
            run = HarvestRun(node_name=name, status="running")
            session.add(run)
            session.flush()
            run_id = run.id
        summary = RunSummary(node=name, run_id=run_id)
        say(f"[{name}] harvesting {spec.url} ({spec.type})")
        try:
            changed, withdrawn_ids = self._harvest_into_stores(spec, summary, say)
        except HarvestError as exc:
            summary.status, summary.message = "failed", exc.message
        except CatalogueError as exc:
            summary.status, summary.message = "failed", exc.message
        except Exception as exc:  # a bug must not stop the other nodes; the traceback goes to the log
            log.exception("harvest of node %s failed", name)
            summary.status, summary.message = "failed", f"internal error while harvesting: {exc}"
        else:
            summary.status = "success"
            try:
                self._update_index(changed, withdrawn_ids)
            except Exception as exc:
                log.exception("indexing node %s failed", name)
                summary.status = "failed"
                summary.message = (f"stored, but updating the search index failed ({exc}); "
                                   "run `gdi-catalogue search reindex` to repair it")
        summary.duration = round(time.monotonic() - started, 3)
        self._finish_run(summary)
        say(f"[{name}] {summary.status}: " + (summary.message or _counts(summary)))
        return summary

    # -------------------------------------------------------------------------------------------
    def _harvest_into_stores(self, spec: NodeSpec, summary: RunSummary, say: Progress
                             ) -> tuple[list[DatasetRecord], list[str]]:
        harvester = harvester_class(spec.type)(self.settings)
        harvested = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        ctx = MappingContext(node=spec.name, node_country=spec.country, harvested=harvested,
                             country_code=self.vocab.country_code,
                             canonical_health_category=self.vocab.canonical_health_category)
        with self.rdf.replacing(spec.name) as staging:
            for page in harvester.iter_pages(spec, progress=lambda m: say(f"[{spec.name}] {m}")):
                summary.pages += 1
                summary.triples += staging.add(page.graph)
            for warning in getattr(harvester, "warnings", []):
                self._problem(summary, None, warning)
            mapped = list(map_datasets(staging.graph(), ctx))
            say(f"[{spec.name}] {summary.pages} page(s), {summary.triples} triples, {len(mapped)} dataset(s)")
            with self.db.session() as session:
                changed, withdrawn_ids = self._apply(session, spec, mapped, summary)
                if not mapped and summary.withdrawn:
                    raise HarvestError(
                        f"the catalogue at {spec.url} describes no dcat:Dataset ({summary.triples} triples read); "
                        f"the node's {summary.withdrawn} earlier dataset(s) were kept. Check the node URL.")
                staging.commit()
                # the database transaction commits when this block ends, right after the graph swap
        return changed, withdrawn_ids

    def _apply(self, session, spec: NodeSpec, mapped: list[MappedDataset], summary: RunSummary
               ) -> tuple[list[DatasetRecord], list[str]]:
        existing = {d.id: d for d in session.scalars(select(Dataset).where(Dataset.node_name == spec.name))}
        seen: set[str] = set()
        changed: list[DatasetRecord] = []
        now = utcnow()
        for item in mapped:
            for problem in item.problems:
                self._problem(summary, item.subject, problem)
            if item.id:
                seen.add(item.id)  # a rejected dataset keeps its earlier version rather than being withdrawn
            if item.record is None:
                summary.invalid += 1
                self._problem(summary, item.subject, item.error or "rejected")
                continue
            record = item.record
            digest = record.content_hash()
            row = existing.get(record.id)
            if row is None:
                other = session.get(Dataset, record.id)
                if other is not None and other.status == "active":
                    self._problem(summary, item.subject,
                                  f"also published by node {other.node_name!r}; that node's description is kept")
                    continue
                if other is not None:  # withdrawn elsewhere: this node takes it over
                    row = other
                    row.node_name = spec.name
                else:
                    row = Dataset(id=record.id, node_name=spec.name, first_seen=now)
                    session.add(row)
                summary.added += 1
            elif row.status != "active":
                summary.added += 1  # came back after being withdrawn
            elif row.content_hash == digest:
                summary.unchanged += 1
                row.last_harvested = now
                continue
            else:
                summary.updated += 1
            self._fill(row, record, digest, now)
            changed.append(record)
        withdrawn_ids = [i for i, row in existing.items() if i not in seen and row.status == "active"]
        for dataset_id in withdrawn_ids:
            row = existing[dataset_id]
            row.status = "withdrawn"
            row.withdrawn_at = now
        summary.withdrawn = len(withdrawn_ids)
        return changed, withdrawn_ids

    @staticmethod
    def _fill(row: Dataset, record: DatasetRecord, digest: str, now) -> None:
        row.iri = record.iri
        row.identifier = record.identifier
        row.status = "active"
        row.withdrawn_at = None
        row.content_hash = digest
        row.record_json = json.dumps(record.to_dict(), ensure_ascii=False)
        row.individuals = record.number_of_unique_individuals
        row.records = record.number_of_records
        row.modified = record.modified or record.issued
        row.last_harvested = now
        row.facets = [DatasetFacet(dataset_id=record.id, facet=f, value=v) for f, v in facet_rows(record)]

    def _update_index(self, changed: list[DatasetRecord], withdrawn_ids: list[str]) -> None:
        if changed:
            self.search.index(search_document(r, self.settings, self.vocab) for r in changed)
        if withdrawn_ids:
            self.search.delete(withdrawn_ids)

    @staticmethod
    def _problem(summary: RunSummary, subject: str | None, message: str) -> None:
        if len(summary.problems) < MAX_PROBLEMS:
            summary.problems.append({"dataset": subject, "message": message})

    def _finish_run(self, summary: RunSummary) -> None:
        with self.db.session() as session:
            run = session.get(HarvestRun, summary.run_id)
            run.status = summary.status
            run.finished_at = utcnow()
            for key in ("pages", "triples", "added", "updated", "unchanged", "withdrawn", "invalid", "duration",
                        "message"):
                setattr(run, key, getattr(summary, key))
            if summary.failed and summary.message and "search index" not in summary.message:
                # nothing was changed: report no dataset movements for a failed run
                run.added = run.updated = run.unchanged = run.withdrawn = 0
                summary.added = summary.updated = summary.unchanged = summary.withdrawn = 0
            run.problems = summary.problems


def _counts(s: RunSummary) -> str:
    return (f"{s.added} added, {s.updated} updated, {s.unchanged} unchanged, {s.withdrawn} withdrawn, "
            f"{s.invalid} invalid")
