"""Team commands: ``push`` a data directory to a shared SPARQL store, ``pull`` it back into files.

Every other command reads from the store too when given ``--store URL`` (or ``PARTNERGRAPH_STORE``).

May import: ``partnergraph.api`` and everything below it.
"""

from __future__ import annotations

import click

from ..graph.loader import push as run_push
from ..store.pull import pull as run_pull
from .common import data_options, emit, main, output_options, themes_option

__all__ = ["pull", "push"]


def _need_store(store: str | None) -> str:
    if not store:
        raise click.UsageError("give --store URL (or set PARTNERGRAPH_STORE), e.g. --store http://127.0.0.1:7878")
    return store


@main.command()
@data_options
@output_options
@click.option("--force", is_flag=True,
              help="Overwrite the store even though it changed since this copy last pulled or pushed.")
@click.option("--graph-store", "graph_store", envvar="PARTNERGRAPH_GRAPH_STORE", default=None, metavar="URL",
              help="The Graph Store Protocol URL, when it cannot be worked out from --store (see docs/teams.md).")
def push(data, store, fmt, force, graph_store):
    """Upload the data directory to the shared store at --store URL, in one step.

    The data is checked first (nothing is sent if it has errors). The push is refused when the store changed
    since this copy last pulled or pushed (--force overwrites it knowingly) or while another push runs. What
    changed is staged, read back, then switched in one SPARQL Update; the store's version and counts are read
    back. A push that fails leaves the store's previous data whole.

    \b
    Example:
      partnergraph push --data data --store http://127.0.0.1:7878
    """
    result = run_push(data, _need_store(store), force=force, graph_store=graph_store, themes=themes_option())
    emit(result.rows, fmt)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if result.previous != result.version:
        was = f" (was {result.previous})" if result.previous else ""
        click.echo(f"store version {result.version}{was}", err=True)


@main.command()
@data_options
@output_options
@click.option("--dry-run", is_flag=True, help="Show the diff; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite files changed here since the last pull or push.")
def pull(data, store, fmt, dry_run, force):
    """Write the shared store's data files into DIR: sources.bib and claims.ttl as they were pushed.

    Nothing is written unless the whole store arrived, and both files are replaced in one step. A file changed
    here since this copy last pulled or pushed is not overwritten (--force does); --dry-run prints the diff.

    \b
    Example:
      partnergraph pull --store http://127.0.0.1:7878 --data data --dry-run
    """
    plan = run_pull(_need_store(store), data, dry_run=dry_run, force=force)
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    if dry_run:
        click.echo(plan.diff if plan.diff else "(no change)", nl=not plan.diff)
        click.echo("dry run: nothing written", err=True)
        return
    emit(plan.rows, fmt)
