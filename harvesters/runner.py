"""Harvest one node end to end: fetch -> RDF store -> database -> search index -> run record.

The order is chosen so that a failure loses nothing: pages are staged in the RDF store and mapped
before anything visible changes; the node's graph is swapped in one step, then the database is
updated in one transaction, then the index. If fetching or parsing fails, the staging graph is dropped
and the node's earlier datasets stay exactly as they were.

Nodes are harvested side by side by a bounded pool of workers: fetching, parsing and mapping each page
as it arrives (``harvesters.page_mapping``) overlap freely, while the commit step (datasets that span
pages, database, graph swap, index) runs one node at a time under a lock, so the stores see one writer
and a slow node only ever holds up itself.

The same dataset IRI published by several nodes is one dataset with several sources (``DatasetSource``):
the first node that published it provides the description shown, the others are listed with it, and when
that node stops publishing it the next source takes over.
"""

from __future__ import annotations

import gc
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, defer

from catalogue.config import Settings
from catalogue.dcat.profile import MappedDataset, MappingContext
from catalogue.errors import CatalogueError, HarvestError
from catalogue.records import DatasetRecord
from catalogue.search.base import SearchBackend, SearchDocument, document_from_record, facet_value
from catalogue.store.db import Database, Dataset, DatasetFacet, DatasetSource, HarvestRun, Node, utcnow
from catalogue.store.rdf import RdfStore
from catalogue.vocab import Vocabularies
from harvesters import harvester_class
from harvesters.base import DocumentCache, NodeSpec
from harvesters.page_mapping import PageMapper

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
MAX_PROBLEMS = 500  # per run; enough to act on, bounded so a broken node cannot flood the database
ID_CHUNK = 500  # ids per IN (...) query
APPLY_CHUNK = 1000  # datasets mapped and written to the database at a time
READ_AHEAD = 2  # pages fetched and parsed ahead of the one being mapped
GC_THRESHOLD = 50_000  # allocations between young collections while harvesting (Python's default: 700)
T = TypeVar("T")


class _Restart(Exception):
    """Unchanged pages were let go, and then they turned out to be needed (see HarvestRunner._pass)."""


@dataclass
class _ApplyState:
    """What applying a pass chunk by chunk carries from one chunk to the next: ids, not records."""

    mine: dict[str, str]  # dataset id -> content hash of this node's sources before the pass
    now: datetime
    seen: set[str] = field(default_factory=set)
    reindex: set[str] = field(default_factory=set)


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
    not_modified: int = 0  # documents answered with 304 (read from the document cache)
    duration: float = 0.0
    message: str | None = None
    problems: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def search_document(record: DatasetRecord, settings: Settings, vocab: Vocabularies,
                    nodes: Iterable[str] | None = None) -> SearchDocument:
    """The one way records become search documents (harvest and reindex alike); ``nodes``: every
    node that publishes the dataset (default: the record's own)."""
    return document_from_record(record, settings.languages, lambda iri: vocab.labels(iri).values(), nodes)


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
        self._commit_lock = threading.Lock()

    def harvest_many(self, names: Iterable[str] | None = None, progress: Progress | None = None, *,
                     full: bool = False) -> list[RunSummary]:
        """Harvest ``names`` (default: every enabled node) with up to ``harvest_workers`` at once;
        the summaries come back in the order of ``names``."""
        with self.db.session() as session:
            query = select(Node).where(Node.enabled.is_(True)).order_by(Node.name)
            known = {n.name: n for n in session.scalars(select(Node))}
            nodes = [n.name for n in session.scalars(query)]
        if names:
            missing = [n for n in names if n not in known]
            if missing:
                raise CatalogueError(f"unknown node(s): {', '.join(missing)}; see `gdi-catalogue nodes list`")
            nodes = list(dict.fromkeys(names))
        workers = max(1, min(int(self.settings.harvest_workers), len(nodes)))
        if workers == 1:
            return [self.harvest(name, progress, full=full) for name in nodes]
        say = _serialised(progress)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="harvest") as pool:
            return list(pool.map(lambda name: self.harvest(name, say, full=full), nodes))

    def due(self, now: datetime | None = None) -> list[str]:
        """Enabled nodes with a schedule whose last run started at least one interval ago (or never ran)
        and that are not being harvested right now."""
        now = now or utcnow()
        out = []
        with self.db.session() as session:
            for node in session.scalars(select(Node).where(Node.enabled.is_(True), Node.harvest_interval.is_not(None))
                                        .order_by(Node.name)):
                last = session.scalars(select(HarvestRun).where(HarvestRun.node_name == node.name)
                                       .order_by(HarvestRun.id.desc()).limit(1)).first()
                if last is not None and last.status == "running" and not self._stale(last, now):
                    continue
                if last is None or last.started_at + timedelta(minutes=node.harvest_interval) <= now:
                    out.append(node.name)
        return out

    def _stale(self, run: HarvestRun, now: datetime) -> bool:
        """A run still marked running long after any harvest could last: its process died."""
        limit = timedelta(seconds=2 * float(self.settings.harvest_node_budget) + 600)
        return run.started_at + limit < now

    def harvest(self, name: str, progress: Progress | None = None, *, full: bool = False) -> RunSummary:
        """Harvest one node; ``full`` ignores the document cache (after a mapping change, say)."""
        say = progress or (lambda _msg: None)
        started = time.monotonic()
        with self.db.session() as session:
            node = session.get(Node, name)
            if node is None:
                raise CatalogueError(f"unknown node {name!r}")
            spec = NodeSpec(name=node.name, url=node.url, country=node.country, type=node.type, title=node.title)
            now = utcnow()
            for old in session.scalars(select(HarvestRun).where(HarvestRun.node_name == name,
                                                                HarvestRun.status == "running")):
                if self._stale(old, now):
                    old.status, old.finished_at = "failed", now
                    old.message = "interrupted: the process running this harvest stopped before it finished"
            previous = session.scalars(select(HarvestRun).where(HarvestRun.node_name == name)
                                       .order_by(HarvestRun.id.desc()).limit(1)).first()
            # The not-modified shortcut needs the last pass complete and over the same number of documents.
            previous_pages = previous.pages if previous is not None and previous.status == "success" else None
            run = HarvestRun(node_name=name, status="running")
            session.add(run)
            session.flush()
            run_id = run.id
        summary = RunSummary(node=name, run_id=run_id)
        say(f"[{name}] harvesting {spec.url} ({spec.type})")
        changed: list[str] = []
        try:
            with _fewer_collections():
                changed, withdrawn_ids = self._harvest_into_stores(spec, summary, say, full=full,
                                                                   previous_pages=previous_pages)
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
                with self._commit_lock, _fewer_collections():
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
    def _harvest_into_stores(self, spec: NodeSpec, summary: RunSummary, say: Progress, *, full: bool,
                             previous_pages: int | None) -> tuple[list[str], list[str]]:
        try:
            return self._pass(spec, summary, say, full=full, previous_pages=previous_pages, hold=True)
        except _Restart:
            pass  # (outside the handler, the traceback no longer holds the first pass's store handles)
        # Unchanged pages beyond what memory holds were let go, then a page had changed: read the node
        # again, staging every page (the unchanged ones cost a 304 each).
        say(f"[{spec.name}] a document changed after {summary.not_modified} unchanged ones; reading again")
        for key in ("pages", "not_modified", "triples"):
            setattr(summary, key, 0)
        return self._pass(spec, summary, say, full=full, previous_pages=previous_pages, hold=False)

    def _pass(self, spec: NodeSpec, summary: RunSummary, say: Progress, *, full: bool, previous_pages: int | None,
              hold: bool) -> tuple[list[str], list[str]]:
        cache = None if full else DocumentCache(self.settings.data_dir / "http-cache" / spec.name)
        harvester = harvester_class(spec.type)(self.settings, cache=cache)
        harvester.node_deadline = time.monotonic() + float(self.settings.harvest_node_budget)
        harvested = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        ctx = MappingContext(node=spec.name, node_country=spec.country, harvested=harvested,
                             country_code=self.vocab.country_code,
                             canonical_health_category=self.vocab.canonical_health_category)
        with self.rdf.replacing(spec.name) as staging, PageMapper(ctx, self.settings.data_dir) as mapper:
            def stage(graph) -> None:
                staging.add(graph)  # written to disk by a background thread
                mapper.add(graph)  # mapped from the page's own triples meanwhile
            # Pages the node answered with 304 are held back in memory: when every page is unchanged,
            # nothing is written at all; the first changed page flushes them into staging. Past
            # GDI_HARVEST_MEMORY_TRIPLES they are let go, and a changed page after that restarts the pass.
            held: list = []
            held_triples = 0
            let_go = False
            for page in _read_ahead(harvester.iter_pages(spec, progress=lambda m: say(f"[{spec.name}] {m}"))):
                summary.pages += 1
                summary.not_modified += page.not_modified
                summary.triples += page.triples
                if hold and page.not_modified and summary.not_modified == summary.pages:
                    if held_triples + page.triples <= self.settings.harvest_memory_triples and not let_go:
                        held.append(page.graph)
                        held_triples += page.triples
                    else:
                        let_go = True
                        held.clear()
                    continue
                if let_go:
                    raise _Restart
                for graph in held:
                    stage(graph)
                held.clear()
                stage(page.graph)
            for warning in harvester.warnings:
                self._problem(summary, None, warning)
            # (Not after a restart: the changed page that caused it is in the cache now and answers 304.)
            if hold and summary.pages and summary.not_modified == summary.pages == previous_pages:
                # Every document is the one the last successful run stored: nothing can have changed.
                with self.db.session() as session:
                    summary.unchanged = self._touch_sources(session, spec.name)
                say(f"[{spec.name}] not modified since the last harvest ({summary.pages} document(s) answered 304)")
                return [], []  # leaving the block drops the staging graph; the node's graph stays
            if let_go:  # every page unchanged, but not as many as last time: read them all again
                raise _Restart
            for graph in held:
                stage(graph)
            held.clear()
            # One writer at a time from here: the graph swap, the database and (later) the index.
            with self._commit_lock:
                datasets = mapper.finish(staging)
                whole = f", {mapper.remapped} of them mapped across pages" if mapper.remapped else ""
                say(f"[{spec.name}] {summary.pages} page(s), {summary.triples} triples, {datasets} dataset(s){whole}")
                with self.db.session() as session:
                    state = self._start_apply(session, spec)
                    # Applied a chunk at a time (one transaction): memory holds one chunk of records,
                    # whatever the size of the node.
                    for mapped in mapper.chunks(staging, APPLY_CHUNK):
                        self._apply(session, spec, mapped, summary, state)
                    changed, withdrawn_ids, had = self._finish_apply(session, spec, summary, state)
                    if not datasets and had:
                        raise HarvestError(
                            f"the catalogue at {spec.url} describes no dcat:Dataset ({summary.triples} triples "
                            f"read); the node's {had} earlier dataset(s) were kept. Check the node URL.")
                    staging.commit()
                    # the database transaction commits when this block ends, right after the graph swap
        return changed, withdrawn_ids

    @staticmethod
    def _touch_sources(session: Session, node: str) -> int:
        """Mark every source row of ``node`` as harvested now, in one statement; returns how many."""
        return session.execute(update(DatasetSource).where(DatasetSource.node_name == node)
                               .values(last_harvested=utcnow())
                               .execution_options(synchronize_session=False)).rowcount

    @staticmethod
    def _start_apply(session: Session, spec: NodeSpec) -> _ApplyState:
        mine = dict(session.execute(select(DatasetSource.dataset_id, DatasetSource.content_hash)
                                    .where(DatasetSource.node_name == spec.name)).all())
        return _ApplyState(mine=mine, now=utcnow())

    def _apply(self, session: Session, spec: NodeSpec, mapped: list[MappedDataset], summary: RunSummary,
               state: _ApplyState) -> None:
        """Bring the database in line with one chunk of a complete pass over a node (see
        :meth:`_finish_apply` for what the pass as a whole decides)."""
        ids = {m.record.id for m in mapped if m.record is not None}
        rows = _load_rows(session, ids)
        sources = _load_sources(session, spec.name, ids & state.mine.keys())
        seen, reindex, now = state.seen, state.reindex, state.now
        # Rows for datasets seen for the first time are inserted in bulk (a first harvest is all of them),
        # and unchanged ones only get their harvest time, in bulk too: the ORM's unit of work costs about
        # a millisecond per dataset otherwise.
        fresh: dict[str, list[dict]] = {"datasets": [], "facets": [], "sources": []}
        touched: list[str] = []
        for item in mapped:
            for problem in item.problems:
                self._problem(summary, item.subject, problem)
            if item.record is None:
                if item.id:
                    seen.add(item.id)  # a rejected dataset keeps its earlier version rather than being withdrawn
                summary.invalid += 1
                self._problem(summary, item.subject, item.error or "rejected")
                continue
            record = item.record
            if record.id in seen:  # e.g. the same blank-node dataset (same identifier) on two pages
                self._problem(summary, item.subject, f"described more than once (dataset id {record.id}); "
                                                     "the first description was kept")
                continue
            seen.add(record.id)
            record_json, digest = record.serialised()
            row = rows.get(record.id)
            source = sources.get(record.id)
            if row is None:
                fresh["datasets"].append(_row_values(record, digest, record_json, spec.name, now))
                fresh["facets"] += [{"dataset_id": record.id, "facet": f, "value": v} for f, v in facet_rows(record)]
                fresh["sources"].append({"dataset_id": record.id, "node_name": spec.name, "content_hash": digest,
                                         "record_json": None, "first_seen": now, "last_harvested": now})
                summary.added += 1
                reindex.add(record.id)
            elif row.status != "active":
                row.node_name = spec.name  # back after being withdrawn: this node is the primary
                self._fill(row, record, digest, now, record_json)
                if source is None:
                    source = DatasetSource(dataset_id=record.id, node_name=spec.name, first_seen=now)
                    session.add(source)
                source.content_hash, source.record_json, source.last_harvested = digest, None, now
                summary.added += 1
                reindex.add(record.id)
            elif row.node_name == spec.name:  # this node's description is the one shown
                if source is None:
                    source = DatasetSource(dataset_id=record.id, node_name=spec.name, first_seen=row.first_seen)
                    session.add(source)
                if row.content_hash == digest:
                    summary.unchanged += 1
                    touched.append(record.id)
                    continue
                source.last_harvested = now
                source.content_hash = digest
                self._fill(row, record, digest, now, record_json)
                summary.updated += 1
                reindex.add(record.id)
            else:  # another node published it first: this node becomes one more source
                if digest != row.content_hash:
                    self._problem(summary, item.subject,
                                  f"also published by node {row.node_name!r}, whose description is shown; "
                                  "the two descriptions differ")
                if source is None:
                    source = DatasetSource(dataset_id=record.id, node_name=spec.name, first_seen=now)
                    session.add(source)
                    summary.added += 1
                    reindex.add(record.id)  # its node facet gains this node
                elif source.content_hash == digest:
                    summary.unchanged += 1
                else:
                    summary.updated += 1
                source.content_hash, source.last_harvested = digest, now
                source.record_json = record_json
        if fresh["datasets"]:
            session.execute(insert(Dataset), fresh["datasets"])
            session.execute(insert(DatasetSource), fresh["sources"])
            if fresh["facets"]:
                session.execute(insert(DatasetFacet), fresh["facets"])
        for chunk in _chunks(touched, ID_CHUNK):
            session.execute(update(Dataset).where(Dataset.id.in_(chunk)).values(last_harvested=now)
                            .execution_options(synchronize_session=False))
            session.execute(update(DatasetSource).where(DatasetSource.node_name == spec.name,
                                                        DatasetSource.dataset_id.in_(chunk))
                            .values(last_harvested=now).execution_options(synchronize_session=False))
        session.flush()
        session.expunge_all()  # written to the transaction; the objects need not stay in memory

    def _finish_apply(self, session: Session, spec: NodeSpec, summary: RunSummary, state: _ApplyState
                      ) -> tuple[list[str], list[str], int]:
        """Withdraw what the complete pass no longer contains. Returns the ids to (re)index, the ids to
        remove from the index, and how many datasets the node published before this pass."""
        gone = sorted(i for i in state.mine if i not in state.seen)
        withdrawn_ids: list[str] = []
        for chunk in _chunks(gone, ID_CHUNK):
            rows = _load_rows(session, chunk)
            for dataset_id, source in _load_sources(session, spec.name, chunk).items():
                outcome = self._drop_source(session, source, rows.get(dataset_id), state.now)
                if outcome == "withdrawn":
                    withdrawn_ids.append(dataset_id)
                else:
                    state.reindex.add(dataset_id)
            session.flush()
            session.expunge_all()
        summary.withdrawn = len(gone)
        return sorted(state.reindex), withdrawn_ids, len(state.mine)

    @staticmethod
    def _drop_source(session: Session, source: DatasetSource, row: Dataset | None, now) -> str:
        """Remove one node as a source of a dataset: ``"withdrawn"`` when no node publishes it any more,
        ``"promoted"`` when the next source's description takes over, ``"detached"`` otherwise."""
        session.delete(source)
        if row is None:
            return "detached"
        if row.node_name != source.node_name:
            return "detached"
        session.flush()
        others = list(session.scalars(select(DatasetSource).where(DatasetSource.dataset_id == row.id)
                                      .order_by(DatasetSource.first_seen, DatasetSource.node_name)))
        if not others:
            row.status = "withdrawn"
            row.withdrawn_at = now
            return "withdrawn"
        nxt = others[0]
        record = DatasetRecord.from_dict(json.loads(nxt.record_json)) if nxt.record_json else None
        if record is None:  # should not happen: every non-primary source keeps its description
            row.status, row.withdrawn_at = "withdrawn", now
            return "withdrawn"
        row.node_name = nxt.node_name
        HarvestRunner._fill(row, record, nxt.content_hash, now, nxt.record_json)
        nxt.record_json = None
        return "promoted"

    @staticmethod
    def _fill(row: Dataset, record: DatasetRecord, digest: str, now, record_json: str) -> None:
        row.iri = record.iri
        row.identifier = record.identifier
        row.status = "active"
        row.withdrawn_at = None
        row.content_hash = digest
        row.record_json = record_json
        row.individuals = record.number_of_unique_individuals
        row.records = record.number_of_records
        row.modified = record.modified or record.issued
        row.last_harvested = now
        row.facets = [DatasetFacet(dataset_id=record.id, facet=f, value=v) for f, v in facet_rows(record)]

    def _update_index(self, changed: list[str], withdrawn_ids: list[str]) -> None:
        """Index the committed versions of ``changed``, read back from the database a chunk at a time."""
        if changed:
            self.search.index(self.documents(changed))
        if withdrawn_ids:
            self.search.delete(withdrawn_ids)

    def documents(self, ids: Sequence[str]) -> Iterator[SearchDocument]:
        """Search documents for ``ids`` (the active ones), read from the database a chunk at a time."""
        for chunk in _chunks(ids, ID_CHUNK):
            with self.db.session() as session:
                nodes = _source_nodes(session, chunk)
                rows = session.execute(select(Dataset.id, Dataset.record_json)
                                       .where(Dataset.id.in_(chunk), Dataset.status == "active")).all()
            for dataset_id, raw in rows:
                record = DatasetRecord.from_dict(json.loads(raw))
                yield search_document(record, self.settings, self.vocab, nodes.get(dataset_id))

    @staticmethod
    def _problem(summary: RunSummary, subject: str | None, message: str) -> None:
        if len(summary.problems) < MAX_PROBLEMS:
            summary.problems.append({"dataset": subject, "message": message})

    def _finish_run(self, summary: RunSummary) -> None:
        with self.db.session() as session:
            run = session.get(HarvestRun, summary.run_id)
            run.status = summary.status
            run.finished_at = utcnow()
            for key in ("pages", "triples", "added", "updated", "unchanged", "withdrawn", "invalid", "not_modified",
                        "duration", "message"):
                setattr(run, key, getattr(summary, key))
            if summary.failed and summary.message and "search index" not in summary.message:
                # nothing was changed: report no dataset movements for a failed run
                run.added = run.updated = run.unchanged = run.withdrawn = 0
                summary.added = summary.updated = summary.unchanged = summary.withdrawn = 0
            run.problems = summary.problems


def _chunks(items: Sequence[T], size: int = ID_CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``size``: IN (...) lists a database takes, chunks of work memory holds."""
    for at in range(0, len(items), size):
        yield items[at:at + size]


def _load_rows(session: Session, ids: Iterable[str]) -> dict[str, Dataset]:
    """The existing rows among ``ids``, without their record JSON (read only if a row needs it)."""
    ids = sorted(ids)
    rows: dict[str, Dataset] = {}
    for chunk in _chunks(ids, ID_CHUNK):
        rows.update((d.id, d) for d in session.scalars(select(Dataset).where(Dataset.id.in_(chunk))
                                                       .options(defer(Dataset.record_json))))
    return rows


def _row_values(record: DatasetRecord, digest: str, record_json: str, node: str, now) -> dict:
    """A new ``datasets`` row for bulk insertion (the same columns as :meth:`HarvestRunner._fill`)."""
    return {"id": record.id, "node_name": node, "iri": record.iri, "identifier": record.identifier,
            "status": "active", "content_hash": digest, "record_json": record_json,
            "individuals": record.number_of_unique_individuals, "records": record.number_of_records,
            "modified": record.modified or record.issued, "first_seen": now, "last_harvested": now,
            "withdrawn_at": None}


def _load_sources(session: Session, node: str, ids: Iterable[str]) -> dict[str, DatasetSource]:
    ids = sorted(ids)
    out: dict[str, DatasetSource] = {}
    for chunk in _chunks(ids, ID_CHUNK):
        out.update((s.dataset_id, s) for s in session.scalars(
            select(DatasetSource).where(DatasetSource.node_name == node, DatasetSource.dataset_id.in_(chunk))))
    return out


def _source_nodes(session: Session, ids: Iterable[str]) -> dict[str, list[str]]:
    """dataset id -> the nodes that publish it."""
    ids = sorted(ids)
    out: dict[str, list[str]] = {}
    for chunk in _chunks(ids, ID_CHUNK):
        for dataset_id, node in session.execute(select(DatasetSource.dataset_id, DatasetSource.node_name)
                                                .where(DatasetSource.dataset_id.in_(chunk))
                                                .order_by(DatasetSource.node_name)):
            out.setdefault(dataset_id, []).append(node)
    return out


_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] | None = None


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while harvesting (restored when the last harvest ends).

    Mapping makes a few million small objects; with the default threshold (700) the young collections,
    and the full ones they set off over a heap that grows with the node, took about 15% of a harvest.
    The objects are freed by reference counting anyway: collections only ever find cycles.
    """
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], GC_THRESHOLD), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


def _read_ahead(items: Iterator[T], depth: int = READ_AHEAD) -> Iterator[T]:
    """``items`` produced by a thread of their own, up to ``depth`` ahead of the consumer.

    Fetching and parsing a page are network waits and Rust, both without the GIL, so the next pages
    arrive while this thread maps the last one. Whatever the producer raises is raised here; when the
    consumer stops early, the producer stops at its next page and is waited for (its fetch is bounded by
    the harvest timeouts), so no request of this pass outlives it.
    """
    out: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over((True, item)):
                    return
            hand_over((True, end))
        except BaseException as exc:  # handed to the consumer, which raises it
            hand_over((False, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="harvest-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = out.get()
            if not ok:
                raise item
            if item is end:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _serialised(progress: Progress | None) -> Progress | None:
    """Progress messages from several worker threads, one line at a time."""
    if progress is None:
        return None
    lock = threading.Lock()

    def say(message: str) -> None:
        with lock:
            progress(message)
    return say


def _counts(s: RunSummary) -> str:
    return (f"{s.added} added, {s.updated} updated, {s.unchanged} unchanged, {s.withdrawn} withdrawn, "
            f"{s.invalid} invalid")
