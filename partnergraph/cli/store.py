"""Team commands: ``push`` a data directory to a shared SPARQL store, ``pull`` it back into files.

Every other command reads from the store too when given ``--store URL`` (or ``PARTNERGRAPH_STORE``).

May import: ``partnergraph.api`` and everything below it.
"""

from __future__ import annotations

import contextlib
import sys

import click

from ..graph.loader import push as run_push
from ..store.pull import pull as run_pull
from .common import data_options, emit, main, output_options, themes_option
from .library import PROGRESS_MIN

__all__ = ["TRIPLES_PER_ENTRY", "pull", "push", "triples_bar"]

TRIPLES_PER_ENTRY = 20  # a source or a claim is about 20 triples on the store (the bundled corpus: 27)


def triples_bar(label: str, stream=None):
    """A ``progress`` for a push or pull (see :func:`partnergraph.store.remote.fetch`): click's progress bar on
    stderr, counting triples, when they are more than PROGRESS_MIN entries' worth and stderr is a terminal;
    otherwise (a pipe, a file, a test, a small change) nothing is drawn."""
    @contextlib.contextmanager
    def make(total: int):
        out = stream or sys.stderr
        if total < PROGRESS_MIN * TRIPLES_PER_ENTRY or not out.isatty():
            yield lambda n: None
            return
        with click.progressbar(length=total, label=label, file=out, show_pos=True) as bar:
            yield bar.update
    return make


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

    sources.bib, claims.ttl and the theme framework (themes.ttl, or --themes FILE) each go to their own named
    graph. The data is checked first (nothing is sent if it has errors). The push is refused when the store changed
    since this copy last pulled or pushed (--force overwrites it knowingly) or while another push runs. What
    changed is staged, read back, then switched in one SPARQL Update; the store's version and counts are read
    back. A push that fails leaves the store's previous data whole.

    \b
    Example:
      partnergraph push --data data --store http://127.0.0.1:7878
    """
    result = run_push(data, _need_store(store), force=force, graph_store=graph_store, themes=themes_option(),
                      progress=triples_bar("Reading the store"), sending=triples_bar("Sending"))
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
    """Write the shared store's data files into DIR: sources.bib, claims.ttl and themes.ttl as they were pushed.

    Nothing is written unless the whole store arrived, and the files are replaced in one step. A file changed
    here since this copy last pulled or pushed is not overwritten (--force does); --dry-run prints the diff.

    \b
    Example:
      partnergraph pull --store http://127.0.0.1:7878 --data data --dry-run
    """
    plan = run_pull(_need_store(store), data, dry_run=dry_run, force=force, progress=triples_bar("Reading the store"))
    for note in plan.notes:
        click.echo(f"note: {note}", err=True)
    if dry_run:
        click.echo(plan.diff if plan.diff else "(no change)", nl=not plan.diff)
        click.echo("dry run: nothing written", err=True)
        return
    emit(plan.rows, fmt)
