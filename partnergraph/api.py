"""The Python API: ``pg.load()`` gives an :class:`EvidenceGraph`; its methods are the questions users ask.

>>> import partnergraph as pg
>>> g = pg.load()                       # the bundled data/
>>> g.nx.number_of_nodes() > 0
True
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import LocatedError, PartnergraphError
from .namespaces import PGID


class EvidenceGraph:
    """One loaded data directory: ``nx`` (the networkx projection) and ``rdf`` (a pyoxigraph store, loaded lazily
    from the cache when a warm command does not need it)."""

    def __init__(self, nx_graph, data=None, store=None, *, rdf_loader=None, endpoint=None):
        self.nx = nx_graph
        self.data = data
        self._store = store
        self._rdf_loader = rdf_loader
        self.endpoint = endpoint

    @property
    def rdf(self):
        """The RDF store (``pyoxigraph.Store``; each file in its own named graph)."""
        if self._store is None and self._rdf_loader is not None:
            self._store = self._rdf_loader()
        return self._store

    def sparql(self, query: str):
        """Run a SPARQL query (project prefixes pre-declared). SELECT → list of dicts; ASK → bool;
        CONSTRUCT/DESCRIBE → list of (s, p, o) strings."""
        from . import queries

        return queries.sparql(self, query)

    def __getattr__(self, name: str):
        # every question in queries.py is also a method: g.benefits(dimension="equity"), g.gaps(), …
        from . import queries

        fn = getattr(queries, name, None)
        if name.startswith("_") or fn is None or name not in queries.__all__:
            raise AttributeError(name)

        def method(*args, **kwargs):
            return fn(self, *args, **kwargs)

        method.__doc__ = fn.__doc__
        method.__name__ = name
        return method

    def __dir__(self):
        from . import queries

        return sorted(set(super().__dir__()) | set(queries.__all__))

    def __repr__(self) -> str:
        kinds: dict[str, int] = {}
        for _, k in self.nx.nodes(data="kind"):
            kinds[k] = kinds.get(k, 0) + 1
        where = self.endpoint or (self.data.path if self.data else "?")
        return f"<EvidenceGraph {where}: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())) + ">"


def load(data: str | Path | None = None, *, store: str | None = None, cache: bool = True) -> EvidenceGraph:
    """Load a data directory (default: the bundled ``data/``) or a SPARQL endpoint (``store=URL``).

    A second load of unchanged files reads the networkx graph from the cache and does not parse again.
    Raises :class:`~partnergraph.errors.PartnergraphError` subclasses naming file and line on bad input.
    """
    if store:
        from .remote import load_remote

        return load_remote(store)
    from . import graph as graph_mod
    from .store import DataDir, cache_dir, dump_nquads, load_nquads, load_store, write_atomic_bytes

    d = DataDir.open(data)
    digest = d.digest()
    folder = cache_dir() / digest
    if cache and (folder / "graph.pickle").exists():
        try:
            nx_graph = graph_mod.load_pickle(folder / "graph.pickle")
            nq = folder / "data.nq"
            return EvidenceGraph(nx_graph, d, rdf_loader=lambda: load_nquads(nq.read_bytes()))
        except Exception:  # a damaged cache entry is rebuilt, never trusted
            pass
    st, _library = load_store(d)
    try:
        nx_graph = graph_mod.build_graph(st)
    except LocatedError as exc:
        raise locate_in_claims(exc, d) from None
    if cache:
        try:
            write_atomic_bytes(folder / "data.nq", dump_nquads(st))
            graph_mod.save_pickle(nx_graph, folder / "graph.pickle")
        except OSError:
            pass  # a read-only cache only costs speed
    return EvidenceGraph(nx_graph, d, st)


def locate_in_claims(exc: LocatedError, d) -> PartnergraphError:
    """Give an integrity error found in the graph the file and line of the IRI it names in claims.ttl."""
    m = re.search(r"(evidence link|benefit) (\S+)", exc.message)
    if not m:
        return exc
    from .graph import node_iri

    text = d.claims_bytes.decode("utf-8", "replace")
    line = find_subject_line(text, node_iri(m.group(2)))
    cls = type(exc)
    return cls(d.claims_path, line, exc.message, hint=exc.hint)


def find_subject_line(text: str, iri: str) -> int | None:
    """1-based line where ``iri`` is first written as a subject in Turtle ``text`` (full or prefixed form)."""
    forms = [f"<{iri}>"]
    for m in re.finditer(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", text):
        if iri.startswith(m.group(2)):
            forms.append(f"{m.group(1)}:{iri[len(m.group(2)):]}")
    if iri.startswith(PGID):
        forms.append("pgid:" + iri[len(PGID):])
    best = None
    for form in forms:
        for mm in re.finditer(r"(?m)^[ \t]*" + re.escape(form) + r"(?=[\s;,.])", text):
            pos = mm.start()
            best = pos if best is None else min(best, pos)
            break
    if best is None:
        for form in forms:
            pos = text.find(form)
            if pos >= 0:
                best = pos if best is None else min(best, pos)
    return None if best is None else text.count("\n", 0, best) + 1
