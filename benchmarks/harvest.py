#!/usr/bin/env python
"""Harvest benchmark: end-to-end throughput (fetch -> searchable) and peak memory of one node's harvest.

A local node on 127.0.0.1 serves N synthetic HealthDCAT-AP datasets as Hydra-paged Turtle (the demo
generator's rich descriptions: distributions, multilingual text, health categories). For each size, a
fresh process harvests it into a fresh data directory and reports:

- parse only (the baseline): the same documents, already downloaded, parsed one at a time;
- first harvest: fetch, parse, stage, map, store, index, until every dataset is searchable;
- unchanged re-harvest: every document answers 304 (conditional GET);
- peak RSS of the harvesting process above what it used before the harvest, so that memory growth
  with the number of pages shows across sizes.

    .venv/bin/python benchmarks/harvest.py                        # 1,000 and 10,000 datasets
    .venv/bin/python benchmarks/harvest.py --sizes 1000,10000,100000 --json benchmarks/results/harvest.json

The server runs in this process and each harvest in a child process, so the served documents do not
count towards the harvester's memory.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere without installing

TARGET_RATE = 1000  # datasets/s end to end at 10,000 datasets (issue 4)
NODE = "bench-node"


def _page_query(k: int) -> str:
    """What follows the catalogue's URL in the URL of its page ``k`` (from 1; the first is the catalogue)."""
    return "" if k == 1 else f"?page={k}"


def _page_path(k: int) -> str:
    return "/catalog.ttl" + _page_query(k)


def _pages(size: int, page_size: int, base_url: str) -> dict[str, bytes]:
    """Path -> Turtle body: one page of demo datasets, repeated with page-specific dataset IRIs."""
    from catalogue.demo.generator import DemoNode, node_graph

    template_node = DemoNode(name=NODE, country="DE", title="Benchmark node", format="turtle", page_size=None,
                             datasets=page_size)
    template = node_graph(template_node, base_url).serialize(format="turtle")
    marker = f"https://{NODE}.example.eu/"
    if marker not in template:
        raise SystemExit(f"the demo generator no longer writes IRIs under {marker}; update benchmarks/harvest.py")
    count = math.ceil(size / page_size)
    out = {}
    for k in range(1, count + 1):
        body = template.replace(marker, f"{marker}p{k}/")  # every IRI of page k is its own
        paging = f"\n<{base_url}{_page_path(k)}> a <http://www.w3.org/ns/hydra/core#PartialCollectionView>"
        if k < count:
            paging += f" ;\n    <http://www.w3.org/ns/hydra/core#next> <{base_url}{_page_path(k + 1)}>"
        out[_page_path(k)] = (body + paging + " .\n").encode("utf-8")
    return out


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _PeakRss:
    """Highest RSS seen while the block runs (sampled every 20 ms; ru_maxrss cannot be reset)."""

    def __enter__(self):
        self.peak = _rss_mib()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mib())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mib())


def child(url: str, size: int, pages: int, backend: str, memory_triples: int | None) -> dict:
    """Run in a fresh process: parse-only baseline, then the harvests, each timed."""
    import requests

    from catalogue.config import Settings
    from catalogue.search.base import SearchQuery
    from catalogue.service import Catalogue
    from harvesters.formats import parse_document

    # Baseline: the same documents, downloaded first (not timed), parsed one at a time.
    parse_s = 0.0
    session = requests.Session()
    for k in range(1, pages + 1):
        page_url = url + _page_query(k)
        body = session.get(page_url, timeout=60).content
        started = time.perf_counter()
        graph, _fmt = parse_document(body, content_type="text/turtle", url=page_url, base_iri=page_url)
        parse_s += time.perf_counter() - started
        del graph

    with tempfile.TemporaryDirectory(prefix="gdi-harvest-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), allow_private_nodes=True, search_backend=backend,
                            harvest_timeout=120.0, harvest_max_pages=100_000, harvest_node_budget=3600.0)
        if memory_triples is not None:
            settings = settings.with_overrides(harvest_memory_triples=memory_triples)
        cat = Catalogue(settings)
        cat.add_node(NODE, url, "DE", "dcat", "Benchmark node")
        before = _rss_mib()
        profile_path = os.environ.get("GDI_BENCH_PROFILE")
        profiler = None
        if profile_path:  # --profile: where the first harvest's time goes (slower while profiled)
            import cProfile
            profiler = cProfile.Profile()
        with _PeakRss() as peak:
            started = time.perf_counter()
            cpu_started = time.process_time()
            if profiler is not None:
                profiler.enable()
            [first] = cat.harvest([NODE])
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(f"{profile_path}.{size}")
            first_s = time.perf_counter() - started
            first_cpu = time.process_time() - cpu_started
        searchable = cat.search(SearchQuery.parse("", size=1)).total
        started = time.perf_counter()
        [again] = cat.harvest([NODE])
        again_s = time.perf_counter() - started
        cat.close()
    if first.failed or again.failed:
        raise SystemExit(f"harvest failed: {first.message or again.message}")
    return {"size": size, "pages": pages, "datasets": first.added, "searchable": searchable,
            "parse_s": parse_s, "first_s": first_s, "first_cpu": first_cpu,
            "again_s": again_s, "again_not_modified": again.not_modified,
            "rss_before_mib": before, "rss_peak_mib": peak.peak}


def _cpu_settled(started: float, quiet: float = 1.0, limit: float = 120.0) -> float:
    """Process CPU seconds since ``started`` once background threads (RocksDB compactions, say) have
    stopped: CPU time must stay still for ``quiet`` seconds of wall time."""
    last, still_since, deadline = time.process_time(), time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = time.process_time()
        if now - last > 0.005:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            break
    return last - started


def floor(url: str, size: int, pages: int, backend: str) -> dict:
    """Run in a fresh process: the CPU that the engines a harvest must feed spend on the same documents,
    with no harvester code around them. That is a floor: on C CPUs no harvest of these documents can
    go faster than (their CPU seconds) / C, however lean our own code gets.

    Beside it, the CPU of the one step of ours that no design of the harvest can skip: mapping each page's
    triples to records (``PageMapper.add``, as the harvester runs it, in one thread).

    Each is measured the cheapest way we know, so that the floor is a lower bound:
    - the RDF store: every page's triples in one bulk load into a fresh Oxigraph store, into a named
      graph as the harvester uses, until its background compactions stop (the harvester loads page
      by page, to overlap the writes with mapping, which costs about a third more CPU);
    - the search index: the datasets' search documents (made beforehand, not timed) written in one
      ``index`` call, as the harvester does, less the time the embedded backend's own Python takes
      to turn them into index documents (measured apart).
    """
    import pickle

    import pyoxigraph as ox
    import requests

    from catalogue.config import Settings
    from catalogue.dcat.profile import MappingContext, map_datasets
    from catalogue.search import create_search_backend
    from catalogue.vocab import get_vocabularies
    from harvesters.formats import parse_document
    from harvesters.page_mapping import PageMapper
    from harvesters.runner import _fewer_collections, search_document

    with tempfile.TemporaryDirectory(prefix="gdi-harvest-floor-") as tmp, _fewer_collections():
        settings = Settings(data_dir=Path(tmp), search_backend=backend)
        vocab = get_vocabularies()
        ctx = MappingContext(node=NODE, node_country="DE", harvested="2026-01-01T00:00:00Z",
                             country_code=vocab.country_code,
                             canonical_health_category=vocab.canonical_health_category)
        session = requests.Session()
        triples = Path(tmp) / "triples.nt"
        documents = Path(tmp) / "documents.pickle"
        datasets = 0
        map_cpu = 0.0
        mapper = PageMapper(ctx, Path(tmp))
        with documents.open("wb") as spill, triples.open("wb") as nt, mapper:  # page by page; mapping timed
            for k in range(1, pages + 1):
                page_url = url + _page_query(k)
                body = session.get(page_url, timeout=60).content
                graph, _fmt = parse_document(body, content_type="text/turtle", url=page_url, base_iri=page_url)
                started = time.process_time()
                mapper.add(graph)
                map_cpu += time.process_time() - started
                inner = graph.store._inner
                for g in [*inner.named_graphs(), ox.DefaultGraph()]:
                    nt.write(inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g))
                docs = [search_document(m.record, settings, vocab) for m in map_datasets(graph, ctx) if m.record]
                datasets += len(docs)
                pickle.dump(docs, spill, protocol=pickle.HIGHEST_PROTOCOL)

        def read_documents():
            with documents.open("rb") as f:
                for _ in range(pages):
                    yield from pickle.load(f)

        started = time.process_time()
        for _ in read_documents():
            pass
        unpickle_cpu = time.process_time() - started

        store = ox.Store(str(Path(tmp) / "rdf"))
        graph_name = ox.NamedNode(f"urn:gdi:node:{NODE}:graph:floor")
        wall = time.perf_counter()
        started = time.process_time()
        store.bulk_load(path=str(triples), format=ox.RdfFormat.N_TRIPLES, to_graph=graph_name, lenient=True)
        store.flush()
        rdf_wall = time.perf_counter() - wall
        rdf_cpu = _cpu_settled(started)
        del store

        search = create_search_backend(settings)
        build_cpu = 0.0
        make = getattr(search, "_document", None)  # the embedded backend's record -> tantivy document
        if make is not None:
            started = time.process_time()
            for doc in read_documents():
                make(doc, {})
            build_cpu = time.process_time() - started - unpickle_cpu
        wall = time.perf_counter()
        started = time.process_time()
        search.index(read_documents())
        index_wall = time.perf_counter() - wall
        index_cpu = _cpu_settled(started) - unpickle_cpu - build_cpu
        search.close()
    return {"size": size, "datasets": datasets, "rdf_cpu": rdf_cpu, "rdf_wall": rdf_wall,
            "index_cpu": index_cpu, "index_wall": index_wall, "build_cpu": build_cpu, "map_cpu": map_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated dataset counts (default 1000,10000)")
    parser.add_argument("--page-size", type=int, default=500, help="datasets per Hydra page (default 500)")
    parser.add_argument("--backend", default="embedded", help="search backend (default embedded)")
    parser.add_argument("--memory-triples", type=int, default=None,
                        help="GDI_HARVEST_MEMORY_TRIPLES for the harvest (default: the setting's default)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--profile", metavar="PATH",
                        help="profile each first harvest with cProfile into PATH.<size> and print its top functions "
                             "(the figures of a profiled run are slower than a plain one)")
    parser.add_argument("--no-floor", action="store_true",
                        help="skip the floor: the CPU the RDF store and the search index alone spend on the same "
                             "documents (about as long again as the harvest)")
    parser.add_argument("--child", nargs=5, metavar=("URL", "SIZE", "PAGES", "BACKEND", "MEMORY"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--floor-child", nargs=4, metavar=("URL", "SIZE", "PAGES", "BACKEND"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, size, pages, backend, memory = args.child
        print(json.dumps(child(url, int(size), int(pages), backend, int(memory) if memory != "-" else None)))
        return
    if args.floor_child:
        url, size, pages, backend = args.floor_child
        print(json.dumps(floor(url, int(size), int(pages), backend)))
        return

    from catalogue.demo.server import NodeServer

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    from catalogue.config import Settings

    memory = args.memory_triples if args.memory_triples is not None else Settings().harvest_memory_triples
    print(f"Harvest benchmark — one node, Hydra-paged Turtle, {args.page_size} datasets per page, "
          f"search backend {args.backend}, GDI_HARVEST_MEMORY_TRIPLES={memory:,}")
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(f"{'datasets':>9} {'pages':>6} {'MiB':>7} │ {'parse/s':>8} {'e2e/s':>7} {'ratio':>6} {'304 s':>6} │ "
          f"{'RSS before':>10} {'peak':>7} {'growth':>7}")
    for size in sizes:
        with NodeServer() as server:
            documents = _pages(size, args.page_size, server.base_url)
            for path, body in documents.items():
                server.set(path, body, content_type="text/turtle")
            mib = sum(len(b) for b in documents.values()) / 2**20
            env = {**os.environ, "GDI_BENCH_PROFILE": args.profile} if args.profile else None
            out = subprocess.run([sys.executable, __file__, "--child", server.url("/catalog.ttl"), str(size),
                                  str(len(documents)), args.backend,
                                  str(args.memory_triples) if args.memory_triples is not None else "-"],
                                 capture_output=True, text=True, check=False, env=env)
            floor_out = None
            if out.returncode == 0 and not args.no_floor:
                floor_out = subprocess.run([sys.executable, __file__, "--floor-child", server.url("/catalog.ttl"),
                                            str(size), str(len(documents)), args.backend],
                                           capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(f"the harvest of {size} datasets failed")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        if floor_out is not None:
            if floor_out.returncode != 0:
                print(floor_out.stderr, file=sys.stderr)
                raise SystemExit(f"the floor measurement of {size} datasets failed")
            r["floor"] = json.loads(floor_out.stdout.strip().splitlines()[-1])
        r["mib"] = mib
        results.append(r)
        parse_rate = r["datasets"] / r["parse_s"]
        e2e = r["datasets"] / r["first_s"]
        growth = r["rss_peak_mib"] - r["rss_before_mib"]
        print(f"{r['datasets']:>9,} {r['pages']:>6} {mib:>7.1f} │ {parse_rate:>8,.0f} {e2e:>7,.0f} "
              f"{e2e / parse_rate:>5.2f}× {r['again_s']:>6.1f} │ {r['rss_before_mib']:>9.0f}M "
              f"{r['rss_peak_mib']:>6.0f}M {growth:>6.0f}M", flush=True)
        if r["searchable"] != r["datasets"]:
            print(f"  WARNING: {r['searchable']} searchable of {r['datasets']} harvested")
        if args.profile:
            import pstats
            print(f"  profile of the first harvest ({args.profile}.{size}), by cumulative time:")
            pstats.Stats(f"{args.profile}.{size}", stream=sys.stdout).sort_stats("cumulative").print_stats(
                r"catalogue|harvesters", 30)
    floors = [r for r in results if "floor" in r]
    if floors:
        cpus = os.cpu_count() or 1
        print(f"\nCPU seconds, harvest against floor (the engines alone on the same documents; {cpus} CPUs):")
        print(f"{'datasets':>9} │ {'harvest':>8} {'CPUs busy':>9} │ {'parse':>6} {'RDF':>6} {'index':>6} "
              f"{'floor':>6} {'at best':>8} │ {'+ map':>6} {'at best':>8}")
        for r in floors:
            f = r["floor"]
            total = r["parse_s"] + f["rdf_cpu"] + f["index_cpu"]
            mapped = total + f["map_cpu"]
            print(f"{r['datasets']:>9,} │ {r['first_cpu']:>7.1f}s {r['first_cpu'] / r['first_s']:>9.2f} │ "
                  f"{r['parse_s']:>5.1f}s {f['rdf_cpu']:>5.1f}s {f['index_cpu']:>5.1f}s {total:>5.1f}s "
                  f"{r['datasets'] / (total / cpus):>7,.0f}/s │ {f['map_cpu']:>5.1f}s "
                  f"{r['datasets'] / (mapped / cpus):>7,.0f}/s")
        print("floor = parse + RDF (one Oxigraph bulk load of every page into a named graph, compactions included) "
              "+ index (the search backend's index call, less making its documents in Python); + map = the "
              "harvester's mapping of the pages (PageMapper.add); at best = datasets/s if that work alone kept "
              "every CPU busy, with no database, HTTP or anything else")
    print("\ncolumns: parse/s = parse-only baseline (datasets/s); e2e/s = fetch to searchable; ratio = e2e/parse; "
          "304 s = unchanged re-harvest; growth = peak RSS during the harvest minus RSS before it")
    for r in results:
        if r["size"] == 10_000:
            rate = r["datasets"] / r["first_s"]
            print(f"{'PASS' if rate >= TARGET_RATE else 'MISS'}  end to end at 10,000 datasets: {rate:,.0f} datasets/s "
                  f"(target ≥ {TARGET_RATE:,})")
    if len(results) > 1:
        a, b = results[0], results[-1]
        per_page = ((b["rss_peak_mib"] - b["rss_before_mib"]) - (a["rss_peak_mib"] - a["rss_before_mib"])) / max(
            1, b["pages"] - a["pages"])
        print(f"memory: {per_page:.2f} MiB more peak RSS per extra page between {a['pages']} and {b['pages']} pages")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"page_size": args.page_size, "results": results}, indent=2))


if __name__ == "__main__":
    main()
