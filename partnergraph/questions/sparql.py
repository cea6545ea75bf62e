"""SPARQL over the loaded graph: on the local RDF store (guarded) or on the endpoint it came from.

May import: ``partnergraph.store`` and everything below it.
"""

from __future__ import annotations

from ..store.localquery import run_local_query
from ..store.remote import remote_query

__all__ = ["SparqlResult", "sparql"]

#: what :func:`sparql` returns: SELECT rows, an ASK answer, or CONSTRUCT/DESCRIBE triples
SparqlResult = list[dict[str, str | None]] | bool | list[tuple[str, str, str]]


def sparql(g, query: str, *, allow_service: bool = False, timeout: float | None = None):
    """SELECT → list of dicts (variable → value as text); ASK → bool; CONSTRUCT/DESCRIBE → list of triples
    (N-Triples terms as text). Project prefixes are declared for you; user values are never pasted into
    queries by partnergraph itself. On local files the query may not use ``SERVICE`` (unless
    ``allow_service``), must be of a bounded size and stops at a time limit (``timeout`` seconds, default
    ``$PARTNERGRAPH_QUERY_TIMEOUT`` or 30): see :mod:`partnergraph.store.localquery`."""
    if g.endpoint:
        return remote_query(g.endpoint, query)
    return run_local_query(g.rdf, query, allow_service=allow_service, timeout=timeout)
