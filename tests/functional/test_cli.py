"""The gdi-catalogue command: nodes add/list/remove, harvest with its summary and exit code."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.functional.catalogues import catalogue_ttl


def test_nodes_add_list_remove(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["nodes", "add", "de-node", "--url", "http://127.0.0.1:1/c.ttl", "--country",
                                 "de", "--title", "German node"])
    assert result.exit_code == 0, result.output
    assert "de-node (DE, dcat)" in result.output
    listed = runner.invoke(args=["nodes", "list"])
    assert "de-node" in listed.output and "never" in listed.output
    duplicate = runner.invoke(args=["nodes", "add", "de-node", "--url", "http://127.0.0.1:1/c.ttl", "--country",
                                    "DE"])
    assert duplicate.exit_code == 2 and "already exists" in duplicate.output
    bad = runner.invoke(args=["nodes", "add", "x", "--url", "ftp://x", "--country", "DE"])
    assert bad.exit_code == 2 and "http" in bad.output
    bad_country = runner.invoke(args=["nodes", "add", "x", "--url", "http://x/c.ttl", "--country", "ZZ"])
    assert bad_country.exit_code == 2 and "country" in bad_country.output
    removed = runner.invoke(args=["nodes", "remove", "de-node", "--yes"])
    assert removed.exit_code == 0 and "removed node de-node" in removed.output


def test_harvest_summary_and_exit_code(app, node_server):
    server = node_server
    server.set("/ok.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta"@en'}))
    runner = app.test_cli_runner()
    runner.invoke(args=["nodes", "add", "ok", "--url", server.url("/ok.ttl"), "--country", "DE"])
    runner.invoke(args=["nodes", "add", "broken", "--url", server.url("/missing.ttl"), "--country", "FR"])
    result = runner.invoke(args=["harvest"])
    assert result.exit_code == 1
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert lines["ok"][1:7] == ["success", "2", "0", "0", "0", "0"]
    assert lines["broken"][1] == "failed"
    assert "404" in result.output and "1 node(s) harvested, 1 failed" in result.output
    only_ok = runner.invoke(args=["harvest", "ok"])
    assert only_ok.exit_code == 0
    assert app.test_cli_runner().invoke(args=["harvest", "nope"]).exit_code == 2


def test_search_reindex(app, node_server):
    server = node_server
    server.set("/ok.ttl", catalogue_ttl({"a": '"Alpha"@en', "b": '"Beta"@en'}))
    runner = app.test_cli_runner()
    runner.invoke(args=["nodes", "add", "ok", "--url", server.url("/ok.ttl"), "--country", "DE"])
    runner.invoke(args=["harvest", "ok"])
    cat = app.extensions["gdi_catalogue"]
    cat.search_backend.clear()
    assert cat.index_is_stale()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "reindexed 2 dataset(s)" in result.output
    assert not cat.index_is_stale()


def test_console_script_uses_gdi_data_dir(tmp_path, node_server):
    """The installed entry point, run as a separate process, as an operator would."""
    server = node_server
    server.set("/ok.ttl", catalogue_ttl({"a": '"Alpha"@en'}))
    env = {**os.environ, "GDI_DATA_DIR": str(tmp_path / "d"), "GDI_ALLOW_PRIVATE_NODES": "true"}
    cmd = [sys.executable, "-m", "catalogue.web.cli"]
    add = subprocess.run([*cmd, "nodes", "add", "ok", "--url", server.url("/ok.ttl"), "--country", "DE"],
                         env=env, capture_output=True, text=True, timeout=120)
    assert add.returncode == 0, add.stderr
    run = subprocess.run([*cmd, "harvest"], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "success" in run.stdout and (tmp_path / "d" / "catalogue.sqlite3").exists()
    assert (tmp_path / "d" / "rdf").is_dir() and (tmp_path / "d" / "index").is_dir()
