"""The SQL database: registered nodes, harvest runs, and dataset records with facet rows for statistics.

Records are kept whole as JSON (the portal and API read them back unchanged) next to a few columns the
statistics need; ``dataset_facets`` has one row per (dataset, facet, value) so that coverage per country
or per health category is a plain GROUP BY, also for datasets with several countries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from catalogue.config import Settings
from catalogue.records import DatasetRecord


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Node(Base):
    __tablename__ = "nodes"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))
    type: Mapped[str] = mapped_column(String(32), default="dcat")
    title: Mapped[str | None] = mapped_column(Text, default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Minutes between scheduled harvests (`harvest --due`, or `serve` with GDI_HARVEST_SCHEDULER); None: by hand.
    harvest_interval: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    runs: Mapped[list[HarvestRun]] = relationship(back_populates="node", cascade="all, delete-orphan",
                                                  order_by="HarvestRun.id.desc()")


class HarvestRun(Base):
    __tablename__ = "harvest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    node_name: Mapped[str] = mapped_column(ForeignKey("nodes.name", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | success | failed
    pages: Mapped[int] = mapped_column(Integer, default=0)
    triples: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    not_modified: Mapped[int] = mapped_column(Integer, default=0)  # documents the node answered with 304
    duration: Mapped[float | None] = mapped_column(Float, default=None)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    problems: Mapped[list] = mapped_column(JSON, default=list)  # [{"dataset": ..., "message": ...}]

    node: Mapped[Node] = relationship(back_populates="runs")

    @property
    def error(self) -> bool:
        return self.status == "failed"


class Dataset(Base):
    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    node_name: Mapped[str] = mapped_column(ForeignKey("nodes.name", ondelete="CASCADE"), index=True)
    iri: Mapped[str | None] = mapped_column(Text, default=None)
    identifier: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | withdrawn
    content_hash: Mapped[str] = mapped_column(String(64))
    record_json: Mapped[str] = mapped_column(Text)
    individuals: Mapped[int | None] = mapped_column(Integer, default=None)
    records: Mapped[int | None] = mapped_column(Integer, default=None)
    modified: Mapped[str | None] = mapped_column(String(32), default=None)
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_harvested: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    facets: Mapped[list[DatasetFacet]] = relationship(cascade="all, delete-orphan")
    sources: Mapped[list[DatasetSource]] = relationship(cascade="all, delete-orphan",
                                                        order_by="(DatasetSource.first_seen, DatasetSource.node_name)")

    __table_args__ = (Index("ix_datasets_status_node", "status", "node_name"),)

    @property
    def record(self) -> DatasetRecord:
        return DatasetRecord.from_dict(json.loads(self.record_json))


class DatasetFacet(Base):
    __tablename__ = "dataset_facets"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(512), primary_key=True)

    __table_args__ = (Index("ix_dataset_facets_facet_value", "facet", "value"),)


class DatasetSource(Base):
    """A node that publishes a dataset. The same IRI from two nodes is one dataset with two sources.

    The dataset row shows its *primary* source's description (``Dataset.node_name``: the node that
    published it first and still does); the others keep their own description here, so that when the
    primary stops publishing it, the next source takes over without a re-harvest.
    """

    __tablename__ = "dataset_sources"

    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True)
    node_name: Mapped[str] = mapped_column(ForeignKey("nodes.name", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    record_json: Mapped[str | None] = mapped_column(Text, default=None)  # only when not the primary source
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_harvested: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Database:
    """Engine and session factory; SQLite gets WAL and a busy timeout so the portal and a harvest
    running from the command line can use the same file at once."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(url, future=True, pool_pre_ping=True)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        if settings.resolved_database_url.startswith("sqlite:///"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(settings.resolved_database_url)

    def create_all(self) -> None:
        """Create missing tables, then bring older databases up to date (see :func:`_upgrade`)."""
        existing = set(inspect(self.engine).get_table_names())
        Base.metadata.create_all(self.engine)
        _upgrade(self.engine, new_tables=set(Base.metadata.tables) - existing)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _upgrade(engine: Engine, new_tables: set[str]) -> None:
    """Additive schema upgrades, idempotent: a column the model has and the table lacks is added, and
    when ``dataset_sources`` has just been created, every active dataset gets its primary source row
    (once, not at every start). Removing or retyping a column would need a real
    migration tool (Alembic); until the schema needs one, this keeps existing data directories usable.
    """
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                default = column.default.arg if column.default is not None and column.default.is_scalar else None
                sql_type = column.type.compile(dialect=engine.dialect)
                clause = f" DEFAULT {int(default) if isinstance(default, bool | int) else 'NULL'}" \
                    if default is not None else ""
                conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN {column.name} {sql_type}{clause}'))
        if "dataset_sources" not in new_tables or "datasets" in new_tables:
            return
        conn.execute(text(
            "INSERT INTO dataset_sources (dataset_id, node_name, content_hash, first_seen, last_harvested) "
            "SELECT d.id, d.node_name, d.content_hash, d.first_seen, d.last_harvested FROM datasets d "
            "WHERE d.status = 'active' AND NOT EXISTS (SELECT 1 FROM dataset_sources s "
            "WHERE s.dataset_id = d.id AND s.node_name = d.node_name)"))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


__all__ = ["Base", "Database", "Dataset", "DatasetFacet", "DatasetSource", "HarvestRun", "Node", "select", "utcnow"]
