"""The node budget against a slow node harvested with good ones, and the SSRF policy end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.service import Catalogue
from tests.faults.conftest import fault_settings
from tests.faults.servers import FaultServer, Request, document
from tests.faults.test_faults import (
    CATALOGUE,
    FAULTY_TITLES,
    FAULTY_TTL,
    GOOD_TTL,
    active_ids,
    endless_pages,
    latest_run,
    lost_datasets,
    turtle,
)

pytestmark = pytest.mark.faults
BUDGET = 3.0
PAGE_DELAY = 0.6  # well inside the 1 s read timeout and the per-request deadline: only the budget can stop it


def slow_endless_pages(conn, request: Request, server: FaultServer) -> None:
    """Each page answers after PAGE_DELAY, correctly, with a next link: a big, slow, legitimate-looking node."""
    if not server.stopped.wait(PAGE_DELAY):
        endless_pages(conn, request, server)


@pytest.mark.parametrize("workers", [1, 3], ids=["sequential", "concurrent"])
def test_a_slow_node_delays_only_itself(make_catalogue, workers: int) -> None:
    cat = make_catalogue(harvest_workers=workers, harvest_node_budget=BUDGET, harvest_max_pages=1000)
    with FaultServer() as slow, FaultServer() as good:
        slow.route(CATALOGUE, slow_endless_pages)
        good.route("/a", document(GOOD_TTL))
        good.route("/c", document(turtle({"other-x": "Other Xray"}, country="NLD")))
        cat.add_node("a-good", good.url("/a"), "FR")
        cat.add_node("b-slow", slow.url(CATALOGUE), "DE")
        cat.add_node("c-good", good.url("/c"), "NL")
        summaries = {s.node: s for s in cat.harvest()}
        pages_fetched = slow.hits(CATALOGUE)

    runs = {name: latest_run(cat, name) for name in summaries}
    slow_run = runs["b-slow"]
    assert slow_run.status == "failed"
    assert f"exceeded its time budget of {BUDGET:g} s (GDI_HARVEST_NODE_BUDGET)" in slow_run.message
    assert pages_fetched >= 3  # the budget is the node's, over all its requests, not one request's
    assert BUDGET - 0.5 <= slow_run.duration <= BUDGET + 1.5, slow_run.duration
    assert active_ids(cat, "b-slow") == {}  # a partial pass publishes nothing
    for name in ("a-good", "c-good"):
        assert runs[name].status == "success", runs[name].message
        assert runs[name].duration < BUDGET * 0.75, (name, runs[name].duration)
    if workers > 1:  # side by side: the good nodes are done before the slow one gives up
        assert runs["a-good"].finished_at <= slow_run.finished_at
        assert runs["c-good"].finished_at <= slow_run.finished_at
    else:  # one at a time: c-good waited for the slow node's budget, and not a moment more
        waited = (runs["c-good"].finished_at - slow_run.finished_at).total_seconds()
        assert waited <= runs["c-good"].duration + 0.5, waited


def test_loopback_node_is_refused_unless_allowed(make_catalogue) -> None:
    cat = make_catalogue(allow_private_nodes=False)
    with FaultServer() as server:
        url = server.route(CATALOGUE, document(FAULTY_TTL))
        cat.add_node("local", url, "DE")
        [summary] = cat.harvest()
        assert server.connections == 0  # refused before connecting
    assert summary.status == "failed"
    message = summary.message or ""
    for words in (url, "127.0.0.1 is a loopback address", "GDI_ALLOW_PRIVATE_NODES=true"):
        assert words in message, message


def test_a_name_resolving_to_loopback_is_refused(make_catalogue) -> None:
    """``localhost`` looks like any host name; what it resolves to decides."""
    cat = make_catalogue(allow_private_nodes=False)
    with FaultServer() as server:
        url = server.route(CATALOGUE, document(FAULTY_TTL)).replace("127.0.0.1", "localhost")
        cat.add_node("sneaky", url, "DE")
        [summary] = cat.harvest()
        assert server.connections == 0
    message = summary.message or ""
    assert summary.status == "failed"
    assert f"refused to fetch {url}: localhost resolves to " in message
    assert any(f"resolves to {address}, a loopback address" in message for address in ("127.0.0.1", "::1")), message
    assert "GDI_ALLOW_PRIVATE_NODES=true" in message


def test_turning_the_policy_on_keeps_what_was_harvested(tmp_path: Path) -> None:
    """A node harvested while allowed, then refused: a failed run, the datasets stay."""
    with FaultServer() as server:
        url = server.route(CATALOGUE, document(FAULTY_TTL))
        allowed = Catalogue(fault_settings(tmp_path / "data"))
        try:
            allowed.add_node("local", url, "DE")
            assert allowed.harvest()[0].status == "success"
            before = active_ids(allowed, "local")
        finally:
            allowed.close()
        refused = Catalogue(fault_settings(tmp_path / "data", allow_private_nodes=False))
        try:
            [summary] = refused.harvest()
            assert summary.status == "failed" and "GDI_ALLOW_PRIVATE_NODES=true" in (summary.message or "")
            assert sorted(before.values()) == sorted(FAULTY_TITLES.values())
            assert lost_datasets(refused, before) == []
        finally:
            refused.close()
