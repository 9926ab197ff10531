"""Settings read from ``GDI_*`` environment variables, all defaulting under one data directory.

One directory (``GDI_DATA_DIR``) holds the SQLite database, the Oxigraph RDF store and the search
index, so that a newcomer needs no server and an operator can back up or wipe one folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

SUPPORTED_UI_LANGUAGES = ("en", "fr", "de", "ro", "hu", "el", "it", "es", "nl", "pl", "pt")


def default_data_dir() -> Path:
    """Per-user data directory, following the XDG convention where it is set."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "gdi-catalogue"


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str = ""  # default: sqlite file in data_dir
    rdf_store: str = "oxigraph"  # short name in the RDF store registry
    rdf_store_path: str = ""  # default: data_dir / "rdf"
    sparql_endpoint: str = ""  # for rdf_store = "sparql": query endpoint URL
    sparql_update_endpoint: str = ""  # for rdf_store = "sparql": update endpoint (default: same as query)
    search_backend: str = "embedded"  # short name in the search backend registry
    search_index_path: str = ""  # default: data_dir / "index"
    elasticsearch_url: str = ""
    elasticsearch_index: str = "gdi-datasets"  # alias; the live index behind it is "<alias>-v<N>-<timestamp>"
    elasticsearch_timeout: float = 10.0  # seconds per request
    default_language: str = "en"
    languages: tuple[str, ...] = SUPPORTED_UI_LANGUAGES
    secret_key: str = "dev-only-change-me"
    harvest_timeout: float = 30.0  # seconds, per HTTP request (connect and read)
    harvest_max_pages: int = 1000  # Hydra pages followed per node
    harvest_max_bytes: int = 200 * 1024 * 1024  # per document
    harvest_retries: int = 2  # extra attempts after a timeout, a broken connection or a 5xx, with backoff
    harvest_node_budget: float = 900.0  # seconds for a whole pass over one node (all its requests)
    harvest_workers: int = 4  # nodes harvested at the same time
    # Triples of unchanged (304) pages held in memory in case every page of the node is unchanged.
    harvest_memory_triples: int = 500_000
    harvest_scheduler: bool = False  # `serve` also harvests the nodes that are due, in the background
    allow_private_nodes: bool = False  # fetch nodes on loopback/private/link-local addresses (demo and tests)
    host: str = "127.0.0.1"
    port: int = 5000
    site_name: str = "European Genomic Data Catalogue"
    genomes_target: int = 1_000_000  # the 1+Million Genomes goal, shown on the coverage page

    _ENV = {
        "data_dir": "GDI_DATA_DIR",
        "database_url": "GDI_DATABASE_URL",
        "rdf_store": "GDI_RDF_STORE",
        "rdf_store_path": "GDI_RDF_STORE_PATH",
        "sparql_endpoint": "GDI_SPARQL_ENDPOINT",
        "sparql_update_endpoint": "GDI_SPARQL_UPDATE_ENDPOINT",
        "search_backend": "GDI_SEARCH_BACKEND",
        "search_index_path": "GDI_SEARCH_INDEX_PATH",
        "elasticsearch_url": "GDI_ELASTICSEARCH_URL",
        "elasticsearch_index": "GDI_ELASTICSEARCH_INDEX",
        "elasticsearch_timeout": "GDI_ELASTICSEARCH_TIMEOUT",
        "default_language": "GDI_DEFAULT_LANGUAGE",
        "secret_key": "GDI_SECRET_KEY",
        "harvest_timeout": "GDI_HARVEST_TIMEOUT",
        "harvest_max_pages": "GDI_HARVEST_MAX_PAGES",
        "harvest_max_bytes": "GDI_HARVEST_MAX_BYTES",
        "harvest_retries": "GDI_HARVEST_RETRIES",
        "harvest_node_budget": "GDI_HARVEST_NODE_BUDGET",
        "harvest_workers": "GDI_HARVEST_WORKERS",
        "harvest_memory_triples": "GDI_HARVEST_MEMORY_TRIPLES",
        "harvest_scheduler": "GDI_HARVEST_SCHEDULER",
        "allow_private_nodes": "GDI_ALLOW_PRIVATE_NODES",
        "host": "GDI_HOST",
        "port": "GDI_PORT",
        "site_name": "GDI_SITE_NAME",
        "genomes_target": "GDI_GENOMES_TARGET",
    }

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser())

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, var in cls._ENV.items():
            raw = environ.get(var)
            if raw is None or raw == "":
                continue
            values[name] = _coerce(types[name], raw, var)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"]).expanduser()
        return cls(**values)

    def with_overrides(self, **overrides) -> Settings:
        if "data_dir" in overrides and overrides["data_dir"] is not None:
            overrides["data_dir"] = Path(overrides["data_dir"]).expanduser()
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    # Resolved locations -------------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'catalogue.sqlite3'}"

    @property
    def resolved_rdf_store_path(self) -> Path:
        return Path(self.rdf_store_path) if self.rdf_store_path else self.data_dir / "rdf"

    @property
    def resolved_search_index_path(self) -> Path:
        return Path(self.search_index_path) if self.search_index_path else self.data_dir / "index"


def _coerce(type_name, raw: str, var: str):
    type_name = type_name if isinstance(type_name, str) else getattr(type_name, "__name__", str(type_name))
    try:
        if type_name == "bool":
            return _bool(raw)
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name == "Path":
            return Path(raw)
        if type_name.startswith("tuple"):
            return tuple(x.strip() for x in raw.split(",") if x.strip())
    except ValueError as exc:
        raise ValueError(f"{var}={raw!r} is not a valid {type_name}") from exc
    return raw
