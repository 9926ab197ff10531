"""The harvester interface: a node in, rdflib graphs out, page by page.

Harvesters only fetch and parse; mapping graphs to records, storing and indexing are the runner's job
(``harvesters.runner``), so a new source type is one small class. Every fetch goes through
:meth:`Harvester.fetch`, which makes it conditional (ETag / Last-Modified) against the node's document
cache: a node that has not changed costs a round trip of headers, not a download.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph
from requests.structures import CaseInsensitiveDict

from catalogue.config import Settings
from harvesters.http import HttpClient, Response

Progress = Callable[[str], None]


@dataclass(frozen=True)
class NodeSpec:
    """What a harvester needs to know about a registered node."""

    name: str
    url: str
    country: str  # ISO 3166-1 alpha-2, upper case
    type: str = "dcat"
    title: str | None = None


@dataclass
class Page:
    """One fetched and parsed document."""

    url: str
    graph: Graph
    format: str  # rdflib parser name that read it, e.g. "ox-turtle"
    triples: int
    not_modified: bool = False  # the node answered 304: the graph is the cached copy's


class DocumentCache:
    """Bodies of a node's documents with the validators they came with, one gzip file per URL.

    A body is stored together with its own ETag / Last-Modified, so the cache is consistent whatever
    happens to the harvest afterwards: a 304 always means "the body on disk is current".
    """

    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, url: str) -> Path:
        return self.directory / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".json.gz")

    @staticmethod
    def validators(entry: dict | None) -> dict[str, str]:
        """Conditional request headers for a cached entry (empty when there is nothing to revalidate)."""
        if entry is None:
            return {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    @staticmethod
    def response(entry: dict) -> Response:
        """The cached document as the response it came in."""
        # The headers a harvester may read besides the body: FDP/LDP paging lives in the Link header.
        headers = {k: entry[key] for k, key in (("ETag", "etag"), ("Last-Modified", "last_modified"),
                                                ("Link", "link")) if entry.get(key)}
        return Response(url=entry["final_url"], status=200, content_type=entry.get("content_type"),
                        charset=entry.get("charset"), headers=CaseInsensitiveDict(headers),
                        content=entry["content"].encode("latin-1"), from_cache=True)

    def store(self, url: str, response: Response) -> None:
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        path = self._path(url)
        if not etag and not last_modified:
            path.unlink(missing_ok=True)  # nothing to revalidate with: do not keep a copy
            return
        entry = {"url": url, "final_url": response.url, "etag": etag, "last_modified": last_modified,
                 "link": response.headers.get("Link"),
                 "content_type": response.content_type, "charset": response.charset,
                 "content": response.content.decode("latin-1")}
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3) as out:
                out.write(json.dumps(entry).encode("utf-8"))
            os.replace(tmp, path)  # readers never see half a file
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def lookup(self, url: str) -> dict | None:
        """The cached entry for ``url`` (read and decompressed once per fetch), or ``None``."""
        try:
            with gzip.open(self._path(url), "rb") as f:
                entry = json.loads(f.read())
        except (OSError, ValueError, EOFError):
            return None
        return entry if entry.get("url") == url and isinstance(entry.get("content"), str) else None


class Harvester(ABC):
    type: str = ""

    def __init__(self, settings: Settings, cache: DocumentCache | None = None):
        self.settings = settings
        self.cache = cache
        self.warnings: list[str] = []  # of the latest iter_pages run; the runner records them as problems
        # time.monotonic() by which the whole pass over the node must be done (set by the runner)
        self.node_deadline: float | None = None

    @abstractmethod
    def iter_pages(self, node: NodeSpec, progress: Progress | None = None) -> Iterator[Page]:
        """Yield every parsed page of the node's catalogue.

        Raises :class:`catalogue.errors.HarvestError` with an operator-actionable message when the
        node cannot be fetched or parsed; the runner then keeps the node's earlier data.
        """

    def client(self) -> HttpClient:
        """The guarded HTTP client for one pass over a node (keep-alive across its requests)."""
        return HttpClient(self.settings, node_deadline=self.node_deadline)

    def fetch(self, client: HttpClient, url: str, accept: str) -> Response:
        """GET ``url``, conditionally when the cache holds a copy; a 304 returns that copy
        (``from_cache`` set), a 200 refreshes it."""
        if self.cache is None:
            return client.get(url, accept=accept)
        entry = self.cache.lookup(url)
        headers = self.cache.validators(entry)
        response = client.get(url, accept=accept, headers=headers, allow_not_modified=bool(headers))
        if response.status == 304:
            if entry is not None:  # (a 304 comes only when there were validators, hence an entry)
                cached = self.cache.response(entry)
                if response.headers.get("Link"):  # a 304 may update the headers (RFC 9110 §15.4.5)
                    cached = replace(cached, headers=CaseInsensitiveDict({**cached.headers,
                                                                          "Link": response.headers["Link"]}))
                return cached
            response = client.get(url, accept=accept)  # defensive: a 304 we did not ask for
        self.cache.store(url, response)
        return replace(response, from_cache=False)

    def warn(self, say: Progress, message: str) -> None:
        self.warnings.append(message)
        say(f"warning: {message}")
