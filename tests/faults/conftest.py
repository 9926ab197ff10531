"""Fault-suite fixtures: small harvest limits, catalogues built per test, and the end-of-session tally."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from catalogue.config import Settings
from catalogue.service import Catalogue

# Limits small enough that the whole suite runs in well under a minute, large enough that the good
# nodes harvested alongside never hit them.
FAULT_LIMITS = {
    "harvest_timeout": 1.0,  # connect and read timeout; the per-request deadline is 10 × this
    "harvest_max_bytes": 64 * 1024,
    "harvest_node_budget": 5.0,
    "harvest_retries": 1,
    "harvest_max_pages": 5,
    "harvest_workers": 2,  # nodes side by side; tests that must also pass one at a time say so
}
RETRY_BACKOFF = 0.1  # seconds; the client's default 0.5 s would only slow the suite down


@dataclass
class FaultResult:
    fault: str
    outcome: str  # "failed cleanly", "tolerated", or what went wrong instead
    expected: str  # "failed" or "tolerated"
    datasets: int  # the faulty node's datasets from before the fault
    lost: list[str] = field(default_factory=list)  # ids no longer active, searchable or in the RDF store
    message: str | None = None


RESULTS = pytest.StashKey[list[FaultResult]]()


def fault_settings(path: Path, **overrides: object) -> Settings:
    # the fault servers are on 127.0.0.1, which the SSRF policy refuses unless told otherwise
    values = {"allow_private_nodes": True, "secret_key": "test", **FAULT_LIMITS, **overrides}
    return Settings(data_dir=path, **values)


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Harvesters build their own clients, so the backoff is shortened where the client reads its default."""
    monkeypatch.setattr("harvesters.http.RETRY_BACKOFF", RETRY_BACKOFF)


@pytest.fixture
def make_catalogue(tmp_path: Path) -> Iterator[Callable[..., Catalogue]]:
    """``make_catalogue(**settings overrides)``: a Catalogue on its own data directory, closed afterwards."""
    made: list[Catalogue] = []

    def make(**overrides: object) -> Catalogue:
        cat = Catalogue(fault_settings(tmp_path / f"data{len(made)}", **overrides))
        made.append(cat)
        return cat

    yield make
    for cat in made:
        cat.close()


@pytest.fixture
def fault_report(request: pytest.FixtureRequest) -> list[FaultResult]:
    """Where fault tests record what happened, for the session summary line."""
    return request.config.stash.setdefault(RESULTS, [])


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS, [])
    if not results:
        return
    clean = sum(r.outcome == "failed cleanly" for r in results)
    tolerated = sum(r.outcome == "tolerated" for r in results)
    lost = sum(len(r.lost) for r in results)
    line = f"fault suite: {len(results)} faults tried, {clean} failed cleanly"
    if tolerated:
        line += f", {tolerated} tolerated (served correctly despite the fault)"
    line += f", {lost} datasets lost"
    terminalreporter.write_sep("-", "fault suite")
    terminalreporter.write_line(line, red=bool(lost) or clean + tolerated < len(results), bold=True)
    for result in results:
        if result.outcome not in ("failed cleanly", "tolerated") or result.lost:
            terminalreporter.write_line(f"  {result.fault}: {result.outcome}; lost {result.lost or 'nothing'}; "
                                        f"message: {result.message}")
