"""Load a graph: from a data directory (through the cache: a second load of unchanged files reads the pickled
networkx graph and does not parse again) or from a SPARQL endpoint; and push a data directory to an endpoint,
checked first the way every load checks it.

May import: ``partnergraph.store`` and everything below it, and the other ``partnergraph.graph`` modules.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

from ..core.errors import LocatedError, PartnergraphError, StoreError
from ..files import answers
from ..files.atomic import cache_dir, write_atomic_bytes
from ..files.datadir import DataDir
from ..files.turtle import find_problem_line, find_subject_line
from ..store import sync
from ..store.embedded import dump_nquads, gc_paused, load_nquads, load_store
from ..store.remote import load_graph_store
from .base import LoadedGraph
from .build import build_graph, node_iri

__all__ = ["load_graph", "load_remote", "push", "locate_in_claims", "save_pickle", "load_pickle"]

def load_graph(data: str | Path | None = None, *, store: str | None = None, cache: bool = True,
               cls: type[LoadedGraph] = LoadedGraph, themes: str | Path | None = None) -> LoadedGraph:
    """Load a data directory (default: the bundled ``data/``) or a SPARQL endpoint (``store=URL``) as a ``cls``.

    ``themes``: the theme framework to load instead of the directory's ``themes.ttl`` (a file, or ``"none"``).
    A second load of unchanged files reads the networkx graph from the cache (when first used) and does not
    parse again. Raises :class:`~partnergraph.core.errors.PartnergraphError` subclasses naming file and line on
    bad input.
    """
    if store:
        return load_remote(store, cls=cls)
    d = DataDir.open(data, themes=themes)
    digest = d.digest()
    folder = cache_dir() / digest
    if cache and (folder / "graph.pickle").exists():
        nq = folder / "data.nq"
        # the networkx graph is read when first used: a question the claim index answers never needs it
        return cls(None, d, rdf_loader=lambda: load_nquads(nq.read_bytes()),
                   nx_loader=lambda: _cached_graph(folder, d), cache_folder=folder)
    nx_graph, st = _build(d)
    written = None
    if cache:
        try:
            write_atomic_bytes(folder / "data.nq", dump_nquads(st))
            save_pickle(nx_graph, folder / "graph.pickle")
            written = folder
        except OSError:
            pass  # a read-only cache only costs speed
    return cls(nx_graph, d, st, cache_folder=written)


def _build(d: DataDir):
    """Parse the data directory and project it: (networkx graph, RDF store)."""
    st, _library = load_store(d)
    try:
        return build_graph(st), st
    except LocatedError as exc:
        raise locate_in_claims(exc, d) from None


def _cached_graph(folder: Path, d: DataDir):
    """The networkx graph cached in ``folder``; a damaged entry is rebuilt from the data, never trusted."""
    try:
        return load_pickle(folder / "graph.pickle")
    except Exception:
        pass
    nx_graph, st = _build(d)
    try:
        write_atomic_bytes(folder / "data.nq", dump_nquads(st))
        save_pickle(nx_graph, folder / "graph.pickle")
    except OSError:
        pass
    return nx_graph


def locate_in_claims(exc: LocatedError, d) -> PartnergraphError:
    """Give an integrity error found in the graph the file and line of what it names in claims.ttl (or, for a
    theme assignment, in the themes file)."""
    m = re.search(r"^theme(?: assignment)? ((?:theme|claim):\S+)", exc.message)
    if m and d.themes_path is not None:
        line = find_subject_line(d.themes_text(), node_iri(m.group(1)))
        return type(exc)(d.themes_path, line, exc.message, hint=exc.hint)
    iri = getattr(exc, "iri", None)
    if iri is None:
        m = re.search(r"(evidence link|benefit|relation) (\S+)", exc.message)
        if not m:
            return exc
        iri = node_iri(m.group(2))
    text = d.claims_bytes.decode("utf-8", "replace")
    line = find_problem_line(text, iri, getattr(exc, "rule", ""))
    cls = type(exc)
    return cls(d.claims_path, line, exc.message, hint=exc.hint)


def save_pickle(graph, path: Path) -> None:
    """Write the networkx graph to the cache (atomically)."""
    write_atomic_bytes(path, pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))


def load_pickle(path: Path):
    """Read a networkx graph :func:`save_pickle` wrote."""
    with open(path, "rb") as fh, gc_paused():
        return pickle.load(fh)


def load_remote(url: str, *, timeout: float | None = None, cls: type[LoadedGraph] = LoadedGraph) -> LoadedGraph:
    """Load the graph held at the endpoint ``url`` into a ``cls`` (:func:`partnergraph.load` asks for an
    :class:`~partnergraph.api.EvidenceGraph`).

    The data graphs are read whole and consistently (:func:`partnergraph.store.remote.fetch`) into a local
    pyoxigraph store (its ``.rdf``), each in its named graph, and projected with
    :func:`partnergraph.graph.build.build_graph`; ``.endpoint`` is ``url`` so SPARQL runs on the server.
    """
    answers.taint("read a remote store")
    st = load_graph_store(url, timeout=timeout)
    if len(st) == 0:
        raise StoreError(f"{url}: the store is empty",
                         hint="upload the data first: partnergraph push --data DIR --store URL")
    return cls(build_graph(st), None, st, endpoint=url)


def _check(st, d: DataDir) -> None:
    """What every load refuses (dangling keys, uncategorised benefits), located in claims.ttl (or, for a theme
    assignment, in the themes file)."""
    try:
        build_graph(st)
    except LocatedError as exc:
        raise locate_in_claims(exc, d) from None


def push(data: str | Path | None, url: str, *, force: bool = False, graph_store: str | None = None,
         timeout: float | None = None, themes: str | Path | None = None, progress=None,
         sending=None) -> sync.PushResult:
    """Upload a data directory (and its theme framework: ``themes``, else the directory's ``themes.ttl``) to the
    shared store in one step, checked first the way every load checks it (nothing is sent if it has errors),
    never over a colleague's push (see :mod:`partnergraph.store.sync`; ``progress`` and ``sending`` there)."""
    return sync.push(data, url, force=force, graph_store=graph_store, timeout=timeout, check=_check, themes=themes,
                     progress=progress, sending=sending)
