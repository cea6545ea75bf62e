"""The whole command line: the group :data:`main` (from :mod:`.common`) with every command registered — those of
:mod:`.research` (with :mod:`.themes`), :mod:`.review`, :mod:`.library` and :mod:`.store`, which register on
``main`` when imported here, and ``validate``, ``stats`` and ``sparql``, which are here. The console script,
``partnergraph.__main__:main``, runs it when neither the answer cache nor :mod:`.quick` has the answer.

May import: everything (the CLI is the top stage).
"""

from __future__ import annotations

import sys
import threading

import click

from ..checks.validate import validate as run_validate
from ..core.namespaces import prefix_list
from ..outputs.formats import render
from ..store.remote import remote_query
from . import library as _library  # noqa: F401  (registers the librarians' commands)
from . import research as _research  # noqa: F401  (the researchers')
from . import review as _review  # noqa: F401  (the reviewers')
from . import store as _store  # noqa: F401  (the teams')
from . import themes as _themes  # noqa: F401  (the researchers' theme commands)
from .common import data_options, default_format, emit, load_graph, main, output_options, themes_option

__all__ = ["Progress", "main"]


@main.command()
@data_options
@output_options
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL shapes (integrity checks only).")
@click.option("--shacl-engine", type=click.Choice(["fast", "pyshacl"]), default="fast", show_default=True,
              help="Run the shapes with the fast engine or with pySHACL, the reference (slow).")
@click.option("-q", "--quiet", is_flag=True,
              help="Print the errors only, one line each, and nothing when the data is valid (the exit code says "
                   "it); with --format, the errors in that format and, for a table, the counts.")
def validate(data, store, fmt, no_shacl, shacl_engine, quiet):
    """Check the data: BibTeX and Turtle syntax, SHACL shapes, cross-file integrity, and the theme framework
    (every assignment names a claim and a theme, no theme outside a group, no cycle in skos:broader).

    Each finding names the file and line (or the IRI) and the rule. Exit 0 when there are no errors
    (warnings allowed), 1 on any error.
    """
    with Progress("validate") as progress:
        findings = run_validate(data, shacl=not no_shacl, progress=progress.stage,
                                engine="reference" if shacl_engine == "pyshacl" else "fast", themes=themes_option())
    errors = [x for x in findings if x.severity == "error"]
    shown = errors if quiet else findings
    rows = [{"severity": x.severity, "where": x.where, "rule": x.rule, "message": x.message} for x in shown]
    f = "table" if quiet and fmt is None else default_format(fmt)
    if f == "table":
        for r in rows:
            click.echo(f"{r['where']}: {r['severity']}: [{r['rule']}] {r['message']}")
        if not (quiet and fmt is None):
            n_warn = len(findings) - len(errors)
            click.echo(f"{len(errors)} error(s), {n_warn} warning(s)" + ("" if errors else " — valid"))
    else:
        click.echo(render(rows, f), nl=False)
    if errors:
        sys.exit(1)


class Progress:
    """A progress line on stderr for a command that takes longer than ``after`` seconds, and only on a terminal:
    ``validate: checking the SHACL shapes…``, cleared when the command ends."""

    def __init__(self, command: str, after: float = 2.0):
        self.command, self.after = command, after
        self.current = ""
        self.shown = False
        self.tty = sys.stderr.isatty()
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        if self.tty:
            self._timer = threading.Timer(self.after, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _show(self) -> None:
        with self._lock:
            self.shown = True
            sys.stderr.write(f"\r\033[K{self.command}: {self.current}…")
            sys.stderr.flush()

    def stage(self, name: str) -> None:
        self.current = name
        if self.shown:
            self._show()

    def __exit__(self, *exc) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self.shown:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()


@main.command()
@data_options
@output_options
def stats(data, store, fmt):
    """Counts: sources by type and status, claims by kind, evidence links by stance and attribution,
    benefits per quality cell."""
    g = load_graph(data, store)
    emit(g.stats(), fmt)


@main.command(help=f"""Run a SPARQL SELECT, ASK or CONSTRUCT query over the graph.

    The prefixes {prefix_list()} are declared.
    On local files a query makes no network request (SERVICE is refused unless --allow-service), may not be
    huge or nested very deep, and stops at a time limit.

    \b
    Example:
      partnergraph sparql 'SELECT ?claim ?label WHERE {{ ?claim a pg:Benefit ; rdfs:label ?label }}'
    """)
@click.argument("query", required=False)
@click.option("--file", "qfile", type=click.File("r", encoding="utf-8"), help="Read the query from a file (.rq).")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE send the query to other machines (refused by default on local files).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Stop the query after SECONDS (default 30, or PARTNERGRAPH_QUERY_TIMEOUT).")
@data_options
@output_options
def sparql(query, qfile, allow_service, timeout, data, store, fmt):  # help (above): prefixes from PREFIXES
    if bool(query) == bool(qfile):
        raise click.UsageError("give a QUERY or --file Q.rq (one of them)")
    text = query if query else qfile.read()
    if store:  # the query runs on the server: nothing else needs reading from it
        res = remote_query(store, text)
    else:
        res = load_graph(data, store).sparql(text, allow_service=allow_service, timeout=timeout)
    if isinstance(res, bool):
        click.echo("true" if res else "false")
        return
    if res and isinstance(res[0], tuple):
        for s, p, o in res:
            click.echo(f"{s} {p} {o} .")
        return
    emit(res, fmt)
