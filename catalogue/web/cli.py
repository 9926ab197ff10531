"""The ``gdi-catalogue`` command (also ``flask --app app ...``): nodes, harvest, search, serve, demo."""

from __future__ import annotations

import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from catalogue.errors import CatalogueError
from catalogue.scheduler import HarvestScheduler, parse_interval
from catalogue.service import Catalogue
from harvesters.runner import RunSummary


def _cat() -> Catalogue:
    return current_app.extensions["gdi_catalogue"]


def _fail(exc: CatalogueError) -> None:
    click.secho(f"error: {exc.message}", fg="red", err=True)
    sys.exit(2)


nodes_cli = AppGroup("nodes", help="Register, list and remove national nodes.")


@nodes_cli.command("add")
@click.argument("name")
@click.option("--url", required=True,
              help="dcat: the catalogue document; fdp: the FAIR Data Point root; sparql: the SPARQL query endpoint; "
                   "ckan: the CKAN site root.")
@click.option("--country", required=True, help="ISO 3166-1 country code of the node, e.g. DE.")
@click.option("--type", "node_type", default="dcat", show_default=True,
              help="Source type of the node: dcat, fdp, sparql or ckan.")
@click.option("--title", default=None, help="Human-readable name of the node.")
@click.option("--interval", default=None,
              help="Harvest schedule for `harvest --due`: minutes, or e.g. 30m, 6h, 1d; 0 for none.")
@click.option("--update", is_flag=True, help="Change the node if it exists already.")
def nodes_add(name, url, country, node_type, title, interval, update):
    """Register node NAME."""
    try:
        minutes = parse_interval(interval) if interval is not None else None
        node = _cat().add_node(name, url, country, node_type, title, update=update, interval=minutes)
    except CatalogueError as exc:
        _fail(exc)
    every = f", every {node.harvest_interval} min" if node.harvest_interval else ""
    click.echo(f"node {node.name} ({node.country}, {node.type}{every}) -> {node.url}")


@nodes_cli.command("list")
def nodes_list():
    """List nodes with their last harvest."""
    rows = [("NAME", "COUNTRY", "TYPE", "DATASETS", "EVERY", "LAST RUN", "STATUS", "URL")]
    for n in _cat().nodes():
        run = n.last_run
        every = f"{n.harvest_interval}m" if n.harvest_interval else "-"
        rows.append((n.name, n.country, n.type, str(n.datasets), every,
                     run.started_at.strftime("%Y-%m-%d %H:%M") if run else "never", run.status if run else "-", n.url))
    _table(rows)


@nodes_cli.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def nodes_remove(name, yes):
    """Remove node NAME and all of its datasets."""
    if not yes and not click.confirm(f"Remove node {name} and all its datasets?"):
        return
    try:
        count = _cat().remove_node(name)
    except CatalogueError as exc:
        _fail(exc)
    click.echo(f"removed node {name} and {count} dataset(s)")


@click.command("harvest")
@with_appcontext
@click.argument("names", nargs=-1)
@click.option("--due", is_flag=True, help="Only the nodes whose schedule says they are due (for cron).")
@click.option("--full", is_flag=True, help="Download every document again, ignoring ETag/Last-Modified.")
@click.option("--quiet", "-q", is_flag=True, help="Only print the summary.")
def harvest_cmd(names, due, full, quiet):
    """Harvest the named nodes (all enabled nodes when none is named), several at a time."""
    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    if due and names:
        _fail(CatalogueError("give either node names or --due, not both"))
    try:
        if due:
            summaries = _cat().harvest_due(progress)
            if not summaries:
                click.echo("no node is due")
                return
        else:
            summaries = _cat().harvest(names or None, progress, full=full)
    except CatalogueError as exc:
        _fail(exc)
    print_summary(summaries)
    if any(s.failed for s in summaries):
        sys.exit(1)


search_cli = AppGroup("search", help="Manage the search index.")


@search_cli.command("reindex")
def search_reindex():
    """Rebuild the search index from the database."""
    started = time.monotonic()
    count = _cat().reindex(progress=lambda m: click.echo(m, err=True))
    click.echo(f"reindexed {count} dataset(s) in {time.monotonic() - started:.1f} s")


@click.command("serve")
@with_appcontext
@click.option("--host", default=None, help="Interface to listen on (default GDI_HOST or 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default GDI_PORT or 5000).")
def serve_cmd(host, port):
    """Serve the portal and API with a production WSGI server (waitress)."""
    _serve(current_app._get_current_object(), host, port)


def _serve(app: Flask, host: str | None, port: int | None) -> None:
    from waitress import serve

    settings = app.extensions["gdi_settings"]
    host, port = host or settings.host, port or settings.port
    cat = app.extensions["gdi_catalogue"]
    if cat.index_is_stale():
        click.echo("search index differs from the database; rebuilding it…", err=True)
        cat.reindex()
    scheduler = HarvestScheduler(cat).start() if settings.harvest_scheduler else None
    if scheduler:
        click.echo("harvest scheduler on: nodes with an interval are harvested when due", err=True)
    click.echo(f"European Genomic Data Catalogue on http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        serve(app, host=host, port=port, threads=8, ident="gdi-catalogue")
    finally:
        if scheduler:
            scheduler.stop(timeout=5)


@click.command("demo")
@with_appcontext
@click.option("--host", default=None)
@click.option("--port", default=None, type=int)
@click.option("--seed", default=2026, show_default=True, help="Seed of the synthetic national nodes.")
@click.option("--no-serve", is_flag=True, help="Harvest the demo nodes and exit.")
def demo_cmd(host, port, seed, no_serve):
    """Start synthetic national nodes on 127.0.0.1, harvest them and serve the portal."""
    from collections import Counter

    from catalogue.demo.run import start_demo_nodes

    cat = _cat()
    if not cat.settings.allow_private_nodes:
        # The demo's nodes are ours, on 127.0.0.1: the SSRF policy is for other people's nodes.
        cat.settings = cat.settings.with_overrides(allow_private_nodes=True)
        click.echo("demo: harvesting its own nodes on 127.0.0.1 (GDI_ALLOW_PRIVATE_NODES=true for this run)", err=True)
    # The nodes listen next to the portal (port + 1), the same on every start: see start_demo_nodes.
    portal_port = port or cat.settings.port
    server, nodes = start_demo_nodes(cat, seed=seed, port=portal_port + 1 if portal_port < 65535 else 0)
    kinds = Counter(n.type for n in nodes)
    click.echo(f"{len(nodes)} demo national nodes serving at {server.base_url} "
               f"({', '.join(f'{count} {kind}' for kind, count in sorted(kinds.items()))})", err=True)
    summaries = cat.harvest([n.name for n in nodes], progress=lambda m: click.echo(m, err=True))
    print_summary(summaries)
    if no_serve:
        server.stop()
        if any(s.failed for s in summaries):
            sys.exit(1)
        return
    _serve(current_app._get_current_object(), host, port)


def print_summary(summaries: list[RunSummary]) -> None:
    rows = [("NODE", "STATUS", "ADDED", "UPDATED", "UNCHANGED", "WITHDRAWN", "INVALID", "304", "ERROR", "SECONDS")]
    for s in summaries:
        rows.append((s.node, s.status, str(s.added), str(s.updated), str(s.unchanged), str(s.withdrawn),
                     str(s.invalid), str(s.not_modified), "1" if s.failed else "0", f"{s.duration:.1f}"))
    click.echo("")
    _table(rows)
    for s in summaries:
        if s.message:
            click.secho(f"{s.node}: {s.message}", fg="red" if s.failed else "yellow")
    failed = sum(s.failed for s in summaries)
    click.echo(f"\n{len(summaries) - failed} node(s) harvested, {failed} failed")


def _table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def register_commands(app: Flask) -> None:
    for command in (nodes_cli, search_cli, harvest_cmd, serve_cmd, demo_cmd):
        app.cli.add_command(command)


def _create_app_for_cli():
    from catalogue.web import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app_for_cli, add_version_option=False,
                  help="European Genomic Data Catalogue: harvest national HealthDCAT-AP nodes and serve the portal.")


if __name__ == "__main__":
    main()
