"""The guarded HTTP client on its own against misbehaving servers: watchdog, retries, budget, pinning, redirects."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from catalogue.config import Settings
from catalogue.errors import HarvestError
from harvesters.http import HttpClient
from tests.faults.servers import FaultServer, Request, document, drip, redirect

pytestmark = pytest.mark.faults
TTL = "<https://n.example/a> <http://purl.org/dc/terms/title> \"A\" .\n"


def settings(tmp_path: Path, **overrides: object) -> Settings:
    values = {"allow_private_nodes": True, "harvest_timeout": 1.0, "harvest_retries": 1, **overrides}
    return Settings(data_dir=tmp_path, **values)


def sequence(*behaviours):
    """Answer the n-th request with the n-th behaviour (the last one repeats)."""
    calls: list[float] = []

    def serve(conn, request: Request, server: FaultServer) -> None:
        calls.append(time.monotonic())
        behaviours[min(len(calls), len(behaviours)) - 1](conn, request, server)

    serve.calls = calls  # type: ignore[attr-defined]
    return serve


def test_status_line_dripped_inside_the_read_timeout_is_stopped_by_the_deadline(tmp_path: Path) -> None:
    """Socket timeouts never fire when a byte comes every 0.3 s, even while headers are still arriving."""
    with FaultServer() as server:
        url = server.route("/c", drip(TTL, 0.3))
        client = HttpClient(settings(tmp_path), deadline=1.5, retry_backoff=0.01)
        started = time.monotonic()
        with pytest.raises(HarvestError, match=r"took too long: the download did not finish within 1.5 s") as info:
            client.get(url, accept="text/turtle")
    assert time.monotonic() - started < 3.0
    assert url in info.value.message
    assert server.connections == 1  # a deadline is not a transient failure: no retry


def test_the_node_budget_caps_every_request_and_is_named(tmp_path: Path) -> None:
    with FaultServer() as server:
        url = server.route("/c", drip(TTL, 0.3))
        client = HttpClient(settings(tmp_path, harvest_node_budget=1.0), node_deadline=time.monotonic() + 1.0)
        with pytest.raises(HarvestError, match=r"exceeded its time budget of 1 s \(GDI_HARVEST_NODE_BUDGET\)"):
            client.get(url, accept="text/turtle")
        with pytest.raises(HarvestError, match=r"exceeded its time budget"):  # spent: nothing more is sent
            client.get(server.route("/fine", document(TTL)), accept="text/turtle")
        assert server.hits("/fine") == 0


def test_backoff_doubles_between_retries(tmp_path: Path) -> None:
    with FaultServer() as server:
        flaky = sequence(document("busy", "text/plain", status=503))
        url = server.route("/c", flaky)
        client = HttpClient(settings(tmp_path, harvest_retries=2), retry_backoff=0.2)
        with pytest.raises(HarvestError, match=r"HTTP 503 Service Unavailable from .*: busy \(after 2 retries\)"):
            client.get(url, accept="text/turtle")
    gaps = [b - a for a, b in zip(flaky.calls, flaky.calls[1:], strict=False)]
    assert len(flaky.calls) == 3
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4 and gaps[1] > gaps[0] + 0.15 and sum(gaps) < 2.0, gaps


def test_a_short_retry_after_is_honoured(tmp_path: Path) -> None:
    with FaultServer() as server:
        flaky = sequence(document("wait", "text/plain", status=429, headers={"Retry-After": "1"}), document(TTL))
        url = server.route("/c", flaky)
        response = HttpClient(settings(tmp_path), retry_backoff=0.01).get(url, accept="text/turtle")
    assert response.status == 200 and response.content == TTL.encode()
    assert flaky.calls[1] - flaky.calls[0] >= 0.95


def test_a_retry_after_past_the_budget_fails_at_once(tmp_path: Path) -> None:
    with FaultServer() as server:
        url = server.route("/c", document("maintenance", "text/plain", status=503, headers={"Retry-After": "30"}))
        client = HttpClient(settings(tmp_path, harvest_node_budget=2.0), node_deadline=time.monotonic() + 2.0)
        started = time.monotonic()
        with pytest.raises(HarvestError, match=r"exceeded its time budget of 2 s .*HTTP 503.*no time left to retry"):
            client.get(url, accept="text/turtle")
    assert time.monotonic() - started < 1.0
    assert server.connections == 1


def test_client_errors_are_not_retried(tmp_path: Path) -> None:
    with FaultServer() as server:
        url = server.route("/c", document("no such catalogue", "text/plain", status=404))
        with pytest.raises(HarvestError, match=r"HTTP 404 Not Found from .*: no such catalogue$"):
            HttpClient(settings(tmp_path, harvest_retries=3)).get(url, accept="text/turtle")
        assert server.connections == 1


def test_post_is_retried_with_the_same_body(tmp_path: Path) -> None:
    """SPARQL queries are read-only, so a POST that met a 502 is simply sent again."""
    with FaultServer() as server:
        flaky = sequence(document("gateway", "text/plain", status=502), document(TTL))
        url = server.route("/sparql", flaky)
        response = HttpClient(settings(tmp_path), retry_backoff=0.01).post(
            url, b"CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle", content_type="application/sparql-query")
        bodies = [(r.method, r.body, r.headers.get("Content-Type")) for r in server.requests]
    assert response.content == TTL.encode()
    assert bodies == [("POST", b"CONSTRUCT WHERE { ?s ?p ?o }", "application/sparql-query")] * 2


def test_the_connection_goes_to_the_checked_address(tmp_path: Path) -> None:
    """No second lookup after the check (DNS rebinding): a name only our check can resolve still connects,
    to the address the check approved, with the name in the Host header."""

    class FixedResolver(HttpClient):
        def _resolve(self, url, host, port, limit):
            assert host == "node.rebind.invalid"
            return ("127.0.0.1",)

    with FaultServer() as server:
        server.route("/c", document(TTL))
        url = f"http://node.rebind.invalid:{server.port}/c"
        response = FixedResolver(settings(tmp_path)).get(url, accept="text/turtle")
        [request] = server.requests
    assert response.content == TTL.encode() and response.url == url
    assert request.headers["Host"] == f"node.rebind.invalid:{server.port}"


def test_every_resolved_address_must_pass(tmp_path: Path) -> None:
    """A name with a public and a private address is refused: the connection could use either."""

    class TwoAddresses(HttpClient):
        def _resolve(self, url, host, port, limit):
            return ("93.184.216.34", "10.1.2.3")

    client = TwoAddresses(settings(tmp_path, allow_private_nodes=False))
    with pytest.raises(HarvestError, match=r"node\.example resolves to 10\.1\.2\.3, a private address.*"
                                           r"GDI_ALLOW_PRIVATE_NODES=true"):
        client.get("http://node.example/catalog.ttl", accept="text/turtle")  # refused before any connection


def test_a_redirect_to_a_private_address_is_refused(tmp_path: Path) -> None:
    """127.0.0.1 plays a public node here; its redirect to 127.0.0.2 must meet the policy like a first URL."""

    class LoopbackIsPublic(HttpClient):
        def _refusal(self, address):
            return None if address == "127.0.0.1" else super()._refusal(address)

    with FaultServer() as public, FaultServer(host="127.0.0.2") as internal:
        target = internal.route("/admin", document(TTL))
        start = public.route("/c", redirect(target))
        client = LoopbackIsPublic(settings(tmp_path, allow_private_nodes=False))
        with pytest.raises(HarvestError) as info:
            client.get(start, accept="text/turtle")
        assert internal.connections == 0
    message = info.value.message
    assert f"refused to fetch {target} (redirected from {start}): 127.0.0.2 is a loopback address" in message
    assert "GDI_ALLOW_PRIVATE_NODES=true" in message


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.org/x"])
def test_a_redirect_to_another_scheme_is_refused(tmp_path: Path, location: str) -> None:
    with FaultServer() as server:
        url = server.route("/c", redirect(location))
        with pytest.raises(HarvestError, match=r"cannot fetch '[a-z]+:.*' \(redirected from .*\): only http:// and https://"):
            HttpClient(settings(tmp_path)).get(url, accept="text/turtle")


def test_the_server_closing_without_an_answer_is_retried_then_named(tmp_path: Path) -> None:
    def hang_up(conn, request: Request, server: FaultServer) -> None:
        pass  # the server closes the connection after reading the request

    with FaultServer() as server:
        url = server.route("/c", hang_up)
        with pytest.raises(HarvestError, match=r"(reset|closed the connection without answering) .*\(after 1 retry\)"):
            HttpClient(settings(tmp_path), retry_backoff=0.01).get(url, accept="text/turtle")
        assert server.connections == 2
