"""The ``partnergraph`` command line: thin — it parses options, calls the API and formats the output.

Commands for each user live in ``_cli_*.py`` modules that register on :data:`main`; shared options and the
one place where library errors become ``Error: …`` lines are here.
"""

from __future__ import annotations

import functools
import os
import sys

import click

from ..api import load
from ..checks.validate import validate as run_validate
from ..core.errors import PartnergraphError
from ..outputs.formats import FORMATS, render

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """Turns every expected error into one ``Error:`` line (plus a hint) and exit 1; no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PartnergraphError as exc:
            fail(exc)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)


def fail(exc: PartnergraphError):
    click.echo(f"Error: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"Hint: {exc.hint}", err=True)
    sys.exit(exc.exit_code)


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="partnergraph")
def main():
    """partnergraph: an evidence knowledge graph of the literature on partnership working in health and
    social care.

    \b
    Researchers:  benefits, claims, evidence, gaps, contested, strength, search, related, cocited, sparql, stats
    Reviewers:    map, gaps --format html|png|svg, export, report
    Librarians:   bib add|lint|todo|dedupe|merge|rename, link, unlink, claim add, validate
    Teams:        push, pull (and --store URL on every command)
    """


def data_options(fn):
    """``--data DIR`` and ``--store URL`` (also ``PARTNERGRAPH_DATA`` / ``PARTNERGRAPH_STORE``)."""

    @click.option("--data", "data", type=click.Path(file_okay=False, path_type=str), envvar="PARTNERGRAPH_DATA",
                  default=None, help="Data directory with sources.bib and claims.ttl (default: the bundled data/).")
    @click.option("--store", "store", envvar="PARTNERGRAPH_STORE", default=None, metavar="URL",
                  help="Read from a SPARQL 1.1 endpoint instead of the files.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def output_options(fn):
    """``--format table|csv|json|ndjson|markdown`` (a table on a terminal, JSON when piped)."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                  help="Output format (default: table on a terminal, json when piped).")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def default_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


def emit(rows, fmt: str | None, columns: list[str] | None = None) -> None:
    click.echo(render(rows, default_format(fmt), columns), nl=False)


def load_graph(data, store):
    return load(data, store=store, cache=os.environ.get("PARTNERGRAPH_NO_CACHE") is None)


@main.command()
@data_options
@output_options
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL shapes (integrity checks only; faster).")
@click.option("-q", "--quiet", is_flag=True, help="List errors only; count the warnings.")
def validate(data, store, fmt, no_shacl, quiet):
    """Check the data: BibTeX and Turtle syntax, SHACL shapes, cross-file integrity.

    Each finding names the file and line (or the IRI) and the rule. Exit 0 when there are no errors
    (warnings allowed), 1 on any error.
    """
    findings = run_validate(data, shacl=not no_shacl)
    f = default_format(fmt)
    shown = [x for x in findings if x.severity == "error"] if quiet else findings
    rows = [{"severity": x.severity, "where": x.where, "rule": x.rule, "message": x.message} for x in shown]
    if f == "table":
        for r in rows:
            click.echo(f"{r['where']}: {r['severity']}: [{r['rule']}] {r['message']}")
        n_err = sum(x.severity == "error" for x in findings)
        n_warn = len(findings) - n_err
        click.echo(f"{n_err} error(s), {n_warn} warning(s)" + ("" if n_err else " — valid"))
    else:
        click.echo(render(rows, f), nl=False)
    if any(x.severity == "error" for x in findings):
        sys.exit(1)


@main.command()
@data_options
@output_options
def stats(data, store, fmt):
    """Counts: sources by type and status, claims by kind, evidence links by stance and attribution,
    benefits per quality cell."""
    g = load_graph(data, store)
    emit(g.stats(), fmt)


@main.command()
@click.argument("query", required=False)
@click.option("--file", "qfile", type=click.File("r", encoding="utf-8"), help="Read the query from a file (.rq).")
@data_options
@output_options
def sparql(query, qfile, data, store, fmt):
    """Run a SPARQL SELECT, ASK or CONSTRUCT query over the graph.

    The prefixes pg:, pgid:, bibo:, dcterms:, cito:, prov:, oa:, skos:, rdf:, rdfs:, xsd:, foaf: are declared.

    \b
    Example:
      partnergraph sparql 'SELECT ?claim ?label WHERE { ?claim a pg:Benefit ; rdfs:label ?label }'
    """
    if bool(query) == bool(qfile):
        raise click.UsageError("give a QUERY or --file Q.rq (one of them)")
    text = query if query else qfile.read()
    g = load_graph(data, store)
    res = g.sparql(text)
    if isinstance(res, bool):
        click.echo("true" if res else "false")
        return
    if res and isinstance(res[0], tuple):
        for s, p, o in res:
            click.echo(f"{s} {p} {o} .")
        return
    emit(res, fmt)


# the commands for each kind of user register themselves on ``main``
from . import library as _library  # noqa: E402, F401
from . import research as _research  # noqa: E402, F401
from . import review as _review  # noqa: E402, F401
from . import store as _store  # noqa: E402, F401
