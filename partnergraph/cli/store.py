"""Team commands: ``push`` a data directory to a shared SPARQL store, ``pull`` it back into files.

Every other command reads from the store too when given ``--store URL`` (or ``PARTNERGRAPH_STORE``).
"""

from __future__ import annotations

import click

from ..graph.loader import push as run_push
from ..store.remote import pull as run_pull
from .common import data_options, emit, main, output_options, themes_option


def _need_store(store: str | None) -> str:
    if not store:
        raise click.UsageError("give --store URL (or set PARTNERGRAPH_STORE), e.g. --store http://127.0.0.1:7878")
    return store


@main.command()
@data_options
@output_options
@click.option("--graph-store", "graph_store", envvar="PARTNERGRAPH_GRAPH_STORE", default=None, metavar="URL",
              help="The Graph Store Protocol URL, when it cannot be worked out from --store (see docs/teams.md).")
def push(data, store, fmt, graph_store):
    """Upload the data directory to the shared store at --store URL.

    sources.bib (as RDF), claims.ttl, the ontology and the theme framework (themes.ttl or --themes FILE) each
    replace their own named graph on the server, one Graph Store Protocol PUT per graph. The data is checked first: nothing is sent if it has errors.

    \b
    Example:
      partnergraph push --data data --store http://127.0.0.1:7878
    """
    rows = run_push(data, _need_store(store), graph_store=graph_store, themes=themes_option())
    emit(rows, fmt)


@main.command()
@data_options
@output_options
def pull(data, store, fmt):
    """Write the shared store's claims back to DIR/claims.ttl and its theme framework to DIR/themes.ttl (sorted,
    stable Turtle).

    sources.bib stays the source of truth for the bibliography: it is kept as it is, and written from the
    store only when the folder has none. Nothing is written unless the whole answer arrived.

    \b
    Example:
      partnergraph pull --store http://127.0.0.1:7878 --data data
    """
    rows = run_pull(_need_store(store), data)
    emit(rows, fmt)
