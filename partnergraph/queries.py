"""The questions researchers ask, as functions over the networkx evidence graph returning plain rows.

Each function takes an :class:`~partnergraph.api.EvidenceGraph` first; the same functions are methods of it
(``g.stats()``) and CLI commands (``partnergraph stats``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .namespaces import CELLS, CLAIM_KINDS, DIMENSIONS, LEVELS

__all__ = ["stats", "sparql"]


@dataclass(frozen=True, slots=True)
class StatRow:
    """One count: ``section`` (sources by type, claims by kind, …), ``item`` and ``count``."""

    section: str
    item: str
    count: int


def stats(g) -> list[StatRow]:
    """Counts of the graph: sources by type and status, claims by kind, evidence links by stance and
    attribution, benefits per quality cell, claim sets and pools.

    >>> import partnergraph as pg
    >>> rows = pg.load().stats()
    >>> sum(r.count for r in rows if r.section == "claims by kind") == sum(
    ...     1 for _, d in pg.load().nx.nodes(data=True) if d["kind"] == "claim")
    True
    """
    nxg = g.nx
    src_type: Counter = Counter()
    src_status: Counter = Counter()
    kinds: Counter = Counter()
    cells: Counter = Counter()
    other: Counter = Counter()
    for _, d in nxg.nodes(data=True):
        k = d["kind"]
        if k == "source":
            src_type[d["entry_type"]] += 1
            src_status[d["status"]] += 1
        elif k == "claim":
            kinds[d["claim_kind"]] += 1
            if d["claim_kind"] == "Benefit":
                for c in d["cells"]:
                    cells[c] += 1
        elif k in ("claim_set", "pool"):
            other[k] += 1
    stance: Counter = Counter()
    attribution: Counter = Counter()
    for _, _, d in nxg.edges(data=True):
        if d["kind"] == "evidences":
            stance[d["stance"]] += 1
            attribution[d["attribution"]] += 1
    rows = [StatRow("totals", "sources", sum(src_type.values())),
            StatRow("totals", "claims", sum(kinds.values())),
            StatRow("totals", "evidence links", sum(stance.values())),
            StatRow("totals", "claim sets", other["claim_set"]),
            StatRow("totals", "pooled evidence bases", other["pool"])]
    rows += [StatRow("sources by type", t, n) for t, n in sorted(src_type.items())]
    rows += [StatRow("sources by status", t, src_status[t]) for t in ("complete", "incomplete", "unidentified")]
    rows += [StatRow("claims by kind", k, kinds[k]) for k in CLAIM_KINDS if kinds[k]]
    rows += [StatRow("evidence links by stance", s, stance[s]) for s in ("supports", "disputes", "qualifies")]
    rows += [StatRow("evidence links by attribution", a, attribution[a]) for a in ("direct", "pooled")]
    rows += [StatRow("benefits per quality cell", _cell_label(c), cells[c]) for c in CELLS]
    return rows


def _cell_label(cell: str) -> str:
    dim = next(d for d in DIMENSIONS if cell.startswith(d))
    return f"{dim.lower()} / {cell[len(dim):].lower()}"


def sparql(g, query: str):
    """SELECT → list of dicts (variable → value as text); ASK → bool; CONSTRUCT/DESCRIBE → list of triples
    (N-Triples terms as text). Project prefixes are declared for you; user values are never pasted into
    queries by partnergraph itself."""
    import pyoxigraph as ox

    from .store import run_sparql

    if g.endpoint:
        from .remote import remote_query

        return remote_query(g.endpoint, query)
    res = run_sparql(g.rdf, query)
    if isinstance(res, ox.QueryBoolean):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in res]
    return [(str(t.subject), str(t.predicate), str(t.object)) for t in res]


LEVEL_NAMES = tuple(lv.lower() for lv in LEVELS)
DIMENSION_NAMES = tuple(d.lower() for d in DIMENSIONS)
