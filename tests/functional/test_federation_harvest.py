"""Operating a federation: shared datasets, incremental re-harvests, concurrent workers, schedules."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from catalogue.demo.server import NodeServer
from catalogue.errors import NotFound
from catalogue.records import dataset_id_for_iri
from catalogue.scheduler import HarvestScheduler, parse_interval
from catalogue.search.base import SearchQuery
from catalogue.store.db import Database, HarvestRun, utcnow
from tests.functional.catalogues import PREFIXES, catalogue_ttl, dataset_ttl

SHARED = dataset_id_for_iri("https://node.example.org/dataset/shared")


def _facet(cat, name: str, **filters) -> dict[str, int]:
    page = cat.search(SearchQuery.parse("", filters=filters, size=1))
    return {f.value: f.count for f in page.facets[name]}


def test_same_iri_from_two_nodes_is_one_dataset_with_both_sources(catalogue, client, node_server):
    node_server.set("/a.ttl", catalogue_ttl({"shared": '"Shared cohort, as node A says"@en',
                                             "a-only": '"Alpha only"@en'}))
    node_server.set("/b.ttl", catalogue_ttl({"shared": '"Shared cohort, as node B says"@en',
                                             "b-only": '"Beta only"@en'}, country="FRA"))
    catalogue.add_node("node-a", node_server.url("/a.ttl"), "DE", "dcat", "Node A")
    catalogue.add_node("node-b", node_server.url("/b.ttl"), "FR", "dcat", "Node B")
    [a] = catalogue.harvest(["node-a"])
    [b] = catalogue.harvest(["node-b"])
    assert (a.added, b.added) == (2, 2)
    assert any("also published by node 'node-a'" in p["message"] for p in b.problems)

    assert catalogue.stats()["totals"]["datasets"] == 3  # one shared dataset, counted once
    view = catalogue.dataset(SHARED)
    assert [(s.node_name, s.primary) for s in view.sources] == [("node-a", True), ("node-b", False)]
    assert view.record.title["en"] == "Shared cohort, as node A says"
    assert _facet(catalogue, "node") == {"node-a": 2, "node-b": 2}
    assert catalogue.search(SearchQuery.parse("shared", filters={"node": ("node-b",)})).total == 1
    body = client.get(f"/api/v1/datasets/{SHARED}").get_json()
    assert [s["node"] for s in body["sources"]] == ["node-a", "node-b"]
    html = client.get(f"/datasets/{SHARED}").get_data(as_text=True)
    assert "Also published by:" in html and "Node B" in html
    assert {n.name: n.datasets for n in catalogue.nodes()} == {"node-a": 2, "node-b": 2}

    # Node A stops publishing it: node B's description takes over; nothing is withdrawn.
    node_server.set("/a.ttl", catalogue_ttl({"a-only": '"Alpha only"@en'}))
    [a2] = catalogue.harvest(["node-a"])
    assert (a2.withdrawn, a2.unchanged) == (1, 1)
    view = catalogue.dataset(SHARED)
    assert view.status == "active" and view.node_name == "node-b"
    assert view.record.title["en"] == "Shared cohort, as node B says"
    assert catalogue.search(SearchQuery.parse("says")).total == 1
    assert _facet(catalogue, "node") == {"node-a": 1, "node-b": 2}

    # Removing node B entirely: its datasets go, and the shared one with it (no one publishes it now).
    assert catalogue.remove_node("node-b") == 2
    with pytest.raises(NotFound):
        catalogue.dataset(SHARED)
    assert catalogue.stats()["totals"]["datasets"] == 1


def test_removing_the_primary_node_hands_shared_datasets_over(catalogue, node_server):
    node_server.set("/a.ttl", catalogue_ttl({"shared": '"Shared by A"@en'}))
    node_server.set("/b.ttl", catalogue_ttl({"shared": '"Shared by B"@en'}))
    catalogue.add_node("node-a", node_server.url("/a.ttl"), "DE")
    catalogue.add_node("node-b", node_server.url("/b.ttl"), "FR")
    catalogue.harvest(["node-a"])
    catalogue.harvest(["node-b"])
    assert catalogue.remove_node("node-a") == 0  # the shared dataset stays, now from node B
    view = catalogue.dataset(SHARED)
    assert view.node_name == "node-b" and view.record.title["en"] == "Shared by B"
    assert _facet(catalogue, "node") == {"node-b": 1}
    assert len(catalogue.dataset_rdf(SHARED)) > 0  # described from node B's graph


def test_repeated_datasets_within_one_node_are_not_copied(catalogue, node_server):
    page2 = node_server.url("/p2.ttl")
    hydra = "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
    view = f'<{node_server.url("/p1.ttl")}> a hydra:PartialCollectionView ; hydra:next <{page2}> .\n'
    first = (PREFIXES + hydra + view
             + dataset_ttl("x", '"Repeated cohort"@en') + dataset_ttl("y", '"Other cohort"@en'))
    second = PREFIXES + dataset_ttl("x", '"Repeated cohort"@en') + dataset_ttl("z", '"Third cohort"@en')
    node_server.set("/p1.ttl", first)
    node_server.set("/p2.ttl", second)
    catalogue.add_node("paged", node_server.url("/p1.ttl"), "DE")
    [run] = catalogue.harvest(["paged"])
    assert (run.status, run.pages, run.added) == ("success", 2, 3)
    assert catalogue.search(SearchQuery.parse("repeated")).total == 1


def test_unchanged_node_answers_304_and_nothing_is_rewritten(catalogue, node_server, monkeypatch):
    node_server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta"@en'}))
    catalogue.add_node("etag-node", node_server.url("/catalog.ttl"), "DE")
    [first] = catalogue.harvest(["etag-node"])
    assert (first.added, first.not_modified) == (2, 0)

    indexed: list[str] = []
    original = catalogue.search_backend.index
    monkeypatch.setattr(catalogue.search_backend, "index",
                        lambda docs: original([indexed.append(d.id) or d for d in docs]))
    [second] = catalogue.harvest(["etag-node"])
    assert (second.status, second.not_modified, second.unchanged, second.added, second.updated) == (
        "success", 1, 2, 0, 0)
    conditional = [h for m, p, h in node_server.requests if p == "/catalog.ttl"][-1]
    assert conditional.get("If-None-Match", "").startswith('"')
    assert indexed == []
    assert catalogue.search(SearchQuery.parse("beta")).total == 1 and catalogue.rdf.count("etag-node") > 0

    # A changed document is downloaded again; only the changed dataset is re-indexed.
    node_server.set("/catalog.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta, revised"@en'}))
    [third] = catalogue.harvest(["etag-node"])
    assert (third.not_modified, third.updated, third.unchanged) == (0, 1, 1)
    assert indexed == [dataset_id_for_iri("https://node.example.org/dataset/b")]

    # --full ignores the cache.
    [full] = catalogue.harvest(["etag-node"], full=True)
    assert (full.not_modified, full.unchanged) == (0, 2)
    assert "If-None-Match" not in [h for m, p, h in node_server.requests if p == "/catalog.ttl"][-1]


def test_content_hash_without_validators(catalogue, monkeypatch):
    with NodeServer(conditional=False) as server:
        server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta"@en', "c": '"Gamma"@en'}))
        catalogue.add_node("plain", server.url("/c.ttl"), "DE")
        catalogue.harvest(["plain"])
        calls: list[int] = []
        original = catalogue.search_backend.index
        monkeypatch.setattr(catalogue.search_backend, "index",
                            lambda docs: calls.append(len(list(docs))) or original([]))
        [again] = catalogue.harvest(["plain"])
        assert (again.not_modified, again.unchanged, again.updated, again.added) == (0, 3, 0, 0)
        assert calls == []
        assert all("If-None-Match" not in h for _, _, h in server.requests)


def test_partial_pass_withdraws_nothing(catalogue, node_server):
    page2 = node_server.url("/p2.ttl")
    hydra = "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
    node_server.set("/p1.ttl", PREFIXES + hydra + f'<{node_server.url("/p1.ttl")}> hydra:next <{page2}> .\n'
                    + dataset_ttl("x", '"Page one cohort"@en'))
    node_server.set("/p2.ttl", PREFIXES + dataset_ttl("y", '"Page two cohort"@en'))
    catalogue.add_node("paged", node_server.url("/p1.ttl"), "DE")
    assert catalogue.harvest(["paged"])[0].added == 2
    node_server.set("/p2.ttl", "broken", content_type="text/plain", status=500)
    [run] = catalogue.harvest(["paged"])
    assert run.status == "failed" and "HTTP 500" in run.message and run.withdrawn == 0
    assert catalogue.search(SearchQuery.parse("cohort")).total == 2


def test_nodes_are_harvested_concurrently_and_a_slow_node_holds_up_only_itself(tmp_path):
    from catalogue.service import Catalogue
    from tests.functional.conftest import make_settings

    release = threading.Event()

    def slow(handler):
        release.wait(20)
        body = catalogue_ttl({"s": '"Slow cohort"@en'}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/turtle")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    cat = Catalogue(make_settings(tmp_path / "data").with_overrides(harvest_workers=3, harvest_timeout=30.0))
    try:
        with NodeServer() as server:
            server.set_handler("/slow.ttl", slow)
            cat.add_node("slow", server.url("/slow.ttl"), "DE")
            for i in range(4):
                key = f"fast{i}"
                server.set(f"/{key}.ttl", catalogue_ttl({key: f'"Fast cohort {i}"@en'}))
                cat.add_node(key, server.url(f"/{key}.ttl"), "FR")
            finished: dict[str, float] = {}

            def progress(message: str) -> None:
                node = message[1:message.index("]")]
                if "] success" in message or "] failed" in message:
                    finished[node] = time.monotonic()
                    if all(f"fast{i}" in finished for i in range(4)):
                        release.set()  # the slow node answers only once every fast one is done

            summaries = cat.harvest(progress=progress)
        assert [s.node for s in summaries] == ["fast0", "fast1", "fast2", "fast3", "slow"]
        assert all(s.status == "success" for s in summaries), [s.message for s in summaries]
        assert max(finished[f"fast{i}"] for i in range(4)) <= finished["slow"]
        assert cat.stats()["totals"]["datasets"] == 5
    finally:
        cat.close()


def test_schedule_due_and_cli(app, catalogue, node_server):
    node_server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["nodes", "add", "daily", "--url", node_server.url("/c.ttl"), "--country", "DE",
                              "--interval", "1d"])
    assert out.exit_code == 0 and "every 1440 min" in out.output
    catalogue.add_node("manual", node_server.url("/c.ttl"), "FR")
    assert catalogue.due_nodes() == ["daily"]  # never harvested, scheduled
    result = runner.invoke(args=["harvest", "--due"])
    assert result.exit_code == 0 and "daily" in result.output and "manual" not in result.output
    assert catalogue.due_nodes() == []
    assert "no node is due" in runner.invoke(args=["harvest", "--due"]).output

    with catalogue.db.session() as session:  # pretend the last run was two days ago
        run = session.scalars(sa.select(HarvestRun).where(HarvestRun.node_name == "daily")).one()
        run.started_at = utcnow() - timedelta(days=2)
    assert catalogue.due_nodes() == ["daily"]
    assert runner.invoke(args=["nodes", "add", "daily", "--url", node_server.url("/c.ttl"), "--country", "DE",
                               "--interval", "0", "--update"]).exit_code == 0
    assert catalogue.due_nodes() == []
    bad = runner.invoke(args=["nodes", "add", "x", "--url", node_server.url("/c.ttl"), "--country", "DE",
                              "--interval", "soon"])
    assert bad.exit_code == 2 and "30m, 6h, 1d" in bad.output
    assert parse_interval("6h") == 360 and parse_interval("45") == 45


def test_a_dead_running_run_does_not_block_the_schedule(catalogue, node_server):
    node_server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    catalogue.add_node("n", node_server.url("/c.ttl"), "DE", interval=60)
    with catalogue.db.session() as session:
        session.add(HarvestRun(node_name="n", status="running", started_at=utcnow() - timedelta(minutes=5)))
    assert catalogue.due_nodes() == []  # a harvest may still be running
    with catalogue.db.session() as session:
        run = session.scalars(sa.select(HarvestRun)).one()
        run.started_at = utcnow() - timedelta(days=1)
    assert catalogue.due_nodes() == ["n"]
    [summary] = catalogue.harvest_due()
    assert summary.status == "success"
    with catalogue.db.session() as session:
        statuses = [r.status for r in session.scalars(sa.select(HarvestRun).order_by(HarvestRun.id))]
    assert statuses == ["failed", "success"]  # the dead run is marked as interrupted


def test_scheduler_thread_harvests_due_nodes(catalogue, node_server):
    node_server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    catalogue.add_node("n", node_server.url("/c.ttl"), "DE", interval=30)
    scheduler = HarvestScheduler(catalogue, check_every=0.05).start()
    try:
        deadline = time.monotonic() + 20
        while scheduler.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop(timeout=10)
    assert scheduler.rounds >= 2
    assert catalogue.node("n").last_run.status == "success"
    assert len(catalogue.node("n").runs) == 1  # harvested once: afterwards it is not due


def test_runs_history_api(client, catalogue, node_server):
    node_server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    catalogue.add_node("n", node_server.url("/c.ttl"), "DE", interval=90)
    catalogue.harvest(["n"])
    catalogue.harvest(["n"])
    runs = client.get("/api/v1/nodes/n/runs").get_json()["items"]
    assert [r["status"] for r in runs] == ["success", "success"]
    assert runs[0]["not_modified"] == 1 and runs[1]["added"] == 1
    assert client.get("/api/v1/nodes/n").get_json()["harvest_interval"] == 90
    page = client.get("/nodes/n").get_data(as_text=True)
    assert "every 90 minutes" in page and "Not modified" in page


def test_old_database_is_upgraded_in_place(tmp_path, node_server):
    """A data directory from before sources and schedules keeps working (columns added, sources filled)."""
    from catalogue.service import Catalogue
    from tests.functional.conftest import make_settings

    settings = make_settings(tmp_path / "data")
    node_server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta"@en'}))
    cat = Catalogue(settings)
    cat.add_node("n", node_server.url("/c.ttl"), "DE")
    cat.harvest(["n"])
    cat.close()
    db = Database(settings.resolved_database_url)
    with db.engine.begin() as conn:  # make it look like the old schema
        conn.execute(sa.text("DROP TABLE dataset_sources"))
        conn.execute(sa.text("ALTER TABLE nodes DROP COLUMN harvest_interval"))
        conn.execute(sa.text("ALTER TABLE harvest_runs DROP COLUMN not_modified"))
    db.dispose()
    cat = Catalogue(settings)
    try:
        assert [s.node_name for s in cat.dataset(dataset_id_for_iri("https://node.example.org/dataset/a")).sources] \
            == ["n"]
        assert cat.node("n").harvest_interval is None and cat.node("n").datasets == 2
        node_server.set("/c.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
        [run] = cat.harvest(["n"])
        assert (run.status, run.withdrawn, run.unchanged) == ("success", 1, 1)
    finally:
        cat.close()


def test_a_node_too_big_for_memory_is_mapped_from_disk_with_the_same_records(tmp_path, node_server):
    """GDI_HARVEST_MEMORY_TRIPLES bounds the in-memory copy; above it, mapping reads the disk store."""
    from catalogue.service import Catalogue
    from tests.functional.conftest import make_settings

    hydra = "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
    page2 = node_server.url("/p2.ttl")
    node_server.set("/p1.ttl", PREFIXES + hydra + f'<{node_server.url("/p1.ttl")}> hydra:next <{page2}> .\n'
                    + dataset_ttl("x", '"First cohort"@en', extra='; dct:publisher [ dct:title "Holder"@en ] '))
    node_server.set("/p2.ttl", PREFIXES + dataset_ttl("y", '"Second cohort"@de'))
    records = {}
    for limit in (1_000_000, 5):  # everything in memory; then a copy dropped after the first page
        cat = Catalogue(make_settings(tmp_path / f"d{limit}").with_overrides(harvest_memory_triples=limit))
        try:
            cat.add_node("n", node_server.url("/p1.ttl"), "DE")
            [run] = cat.harvest(["n"])
            assert (run.status, run.added) == ("success", 2), run.message
            records[limit] = {r.id: {**r.to_dict(), "harvested": None}
                              for r in cat.search(SearchQuery.parse("", size=10)).items}
        finally:
            cat.close()
    assert records[5] == records[1_000_000] and len(records[5]) == 2


def test_unchanged_pages_beyond_memory_are_read_again_when_a_later_page_changed(tmp_path, node_server):
    from catalogue.service import Catalogue
    from tests.functional.conftest import make_settings

    hydra = "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
    page2 = node_server.url("/p2.ttl")
    node_server.set("/p1.ttl", PREFIXES + hydra + f'<{node_server.url("/p1.ttl")}> hydra:next <{page2}> .\n'
                    + dataset_ttl("x", '"First cohort"@en'))
    node_server.set("/p2.ttl", PREFIXES + dataset_ttl("y", '"Second cohort"@en'))
    cat = Catalogue(make_settings(tmp_path / "d").with_overrides(harvest_memory_triples=3))  # nothing fits
    try:
        cat.add_node("n", node_server.url("/p1.ttl"), "DE")
        assert cat.harvest(["n"])[0].added == 2
        [same] = cat.harvest(["n"])  # every page 304: nothing read into the stores at all
        assert (same.status, same.not_modified, same.unchanged) == ("success", 2, 2)
        node_server.set("/p2.ttl", PREFIXES + dataset_ttl("y", '"Second cohort, revised"@en'))
        [changed] = cat.harvest(["n"])  # page 1 was let go, page 2 changed: the pass is read again
        # (in the second reading page 2 answers 304 too: the first reading put its new version in the cache)
        assert (changed.status, changed.pages, changed.not_modified, changed.updated, changed.unchanged,
                changed.withdrawn) == ("success", 2, 2, 1, 1, 0), changed.message
        assert cat.search(SearchQuery.parse("first")).total == 1
        assert cat.search(SearchQuery.parse("revised")).total == 1
        assert len(cat.dataset_rdf(dataset_id_for_iri("https://node.example.org/dataset/x"))) > 0
    finally:
        cat.close()
