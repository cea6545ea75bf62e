"""The loaded graph every question takes first: :class:`LoadedGraph` holds the networkx projection, the RDF store
it came from and where it came from. :class:`partnergraph.api.EvidenceGraph` adds the questions as methods.

May import: ``partnergraph.core`` (it holds objects the lower stages made; it imports none of them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["LoadedGraph"]


class LoadedGraph:
    """One loaded data directory or endpoint: ``nx`` (the networkx ``MultiDiGraph``; read from the cache when first
    used), ``rdf`` (a pyoxigraph store, loaded lazily from the cache when a warm command does not need it),
    ``data`` (the :class:`~partnergraph.files.datadir.DataDir`, ``None`` for an endpoint), ``endpoint`` (its URL or
    ``None``) and ``cache_folder`` (where its cache entry is, or ``None``: what else is cached beside the graph,
    such as :mod:`partnergraph.questions.index`, is read from there while ``nx_loaded`` is false).
    """

    def __init__(self, nx_graph: Any, data: Any = None, store: Any = None, *,
                 rdf_loader: Callable[[], Any] | None = None, endpoint: str | None = None,
                 nx_loader: Callable[[], Any] | None = None, cache_folder: Any = None) -> None:
        self._nx = nx_graph
        self._nx_loader = nx_loader
        self.data = data
        self._store = store
        self._rdf_loader = rdf_loader
        self.endpoint = endpoint
        self.cache_folder = cache_folder

    @property
    def nx(self) -> Any:
        """The networkx ``MultiDiGraph`` (see :mod:`partnergraph.graph.build`)."""
        if self._nx is None and self._nx_loader is not None:
            self._nx = self._nx_loader()
        return self._nx

    @nx.setter
    def nx(self, value: Any) -> None:
        self._nx = value

    @property
    def nx_loaded(self) -> bool:
        """Whether ``nx`` has been read (from then on it may have been changed; nothing cached stands for it)."""
        return self._nx is not None

    @property
    def rdf(self) -> Any:
        """The RDF store (``pyoxigraph.Store``; each file in its own named graph)."""
        if self._store is None and self._rdf_loader is not None:
            self._store = self._rdf_loader()
        return self._store

    def __repr__(self) -> str:
        kinds: dict[str, int] = {}
        for _, k in self.nx.nodes(data="kind"):
            kinds[k] = kinds.get(k, 0) + 1
        where = self.endpoint or (self.data.path if self.data else "?")
        return f"<{type(self).__name__} {where}: " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())) + ">"
