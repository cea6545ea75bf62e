"""Choose part of the evidence graph: by claim kind, dimension, level, source, claim set, theme, claim and stance.

One :class:`Selection` is shared by ``map`` and ``export`` so both show the same part of the graph for the same
options. The claims chosen are those that pass every filter given (filters of one option are alternatives,
different options must all hold); the subgraph then brings along what explains them: the sources and pooled
evidence bases that evidence them (only links of the chosen stances), the members of those pools, the reviews
the claims are taken from, their claim sets and quality cells.

>>> import partnergraph as pg
>>> g = pg.load()
>>> sub = filtered_graph(g, Selection(kinds=("Benefit",), dimensions=("equity",)))
>>> all(d["claim_kind"] == "Benefit" for _, d in sub.nodes(data=True) if d["kind"] == "claim")
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import PartnergraphError, UnknownKeyError
from ..core.namespaces import CLAIM_KINDS, DIMENSIONS, LEVELS

__all__ = [
    "STANCE_NAMES",
    "Selection",
    "filtered_graph",
    "selected_claims",
]

STANCE_NAMES = ("supports", "disputes", "qualifies")


@dataclass(frozen=True, slots=True)
class Selection:
    """What to show. Empty tuples mean "no filter on this"; names are matched without regard to case.

    ``kinds``: claim kinds (``Benefit``, ``critical-success-factor`` …); ``dimensions``: ``economy`` …;
    ``levels``: ``input`` …; ``sources``: citation keys (claims evidenced by the source, directly or through a
    pooled base it belongs to, or taken from it when it is a review); ``claim_sets``: set ids (members, also of
    sub-sets); ``stances``: ``supports|disputes|qualifies`` (only those evidence links are kept, and claims
    with at least one of them); ``themes``: themes or theme groups by id or label (the claims coded to them;
    a group stands for all its themes); ``claims``: claim ids (those claims).
    """

    kinds: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    claim_sets: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when no filter is given (the whole graph)."""
        return not self.values

    @property
    def values(self) -> tuple[str, ...]:
        """Every filter value given, in option order (for file names made from the filters)."""
        return (*self.kinds, *self.dimensions, *self.levels, *self.sources, *self.claim_sets, *self.themes,
                *self.claims, *self.stances)

    def describe(self) -> str:
        """The filters in words, for page titles: ``kind Benefit; dimension equity`` (or ``all claims``)."""
        parts = []
        for name, vals in (("kind", self.kinds), ("dimension", self.dimensions), ("level", self.levels),
                           ("source", self.sources), ("claim set", self.claim_sets), ("theme", self.themes),
                           ("claim", self.claims), ("stance", self.stances)):
            if vals:
                parts.append(f"{name} {', '.join(vals)}")
        return "; ".join(parts) if parts else "all claims"


def _norm(text: str) -> str:
    return text.replace("-", "").replace("_", "").replace(" ", "").lower()


def _resolve(values, choices, what: str) -> set[str]:
    table = {_norm(c): c for c in choices}
    out = set()
    for v in values:
        hit = table.get(_norm(v))
        if hit is None:
            raise PartnergraphError(f"unknown {what} '{v}'", hint=f"choose from: {', '.join(choices)}")
        out.add(hit)
    return out


def _theme_members(g, nxg, values) -> set[str]:
    """The claims coded to any of the themes (or theme groups) named by ``values``."""
    themes: set[str] = set()
    groups = {n: d for n, d in nxg.nodes(data=True) if d["kind"] == "theme_group"}
    for value in values:
        bare = value.split(":", 1)[1] if value.startswith("theme:") else value
        if nxg.nodes.get("theme:" + bare, {}).get("kind") == "theme":  # a theme's id wins over a group's
            themes.add("theme:" + bare)
            continue
        group = next((n for n, d in groups.items()
                      if _norm(bare) in (_norm(n.split(":", 1)[1]), _norm(n.split(":", 1)[1].removeprefix("group-")),
                                         _norm(d.get("label", "")))), None)
        if group is not None:
            themes |= {u for u, _, d in nxg.in_edges(group, data=True) if d["kind"] == "in_group"}
            continue
        if g is nxg:
            raise PartnergraphError("a theme filter needs the evidence graph, not its networkx graph")
        themes.add(g.resolve_theme(value))
    return {u for t in themes for u, _, d in nxg.in_edges(t, data=True) if d["kind"] == "in_theme"}


def selected_claims(g, sel: Selection) -> set[str]:
    """Names of the claim nodes that pass every filter of ``sel``.

    Raises :class:`~partnergraph.core.errors.PartnergraphError` for an unknown kind, dimension, level or stance and
    :class:`~partnergraph.core.errors.UnknownKeyError` for a source key, claim set, theme or claim that is not in
    the data.
    """
    nxg = g.nx if hasattr(g, "nx") else g
    kinds = _resolve(sel.kinds, CLAIM_KINDS, "claim kind")
    dims = _resolve(sel.dimensions, DIMENSIONS, "dimension")
    levels = _resolve(sel.levels, LEVELS, "level")
    stances = {s.lower() for s in _resolve(sel.stances, [s.capitalize() for s in STANCE_NAMES], "stance")}
    claims = {n for n, d in nxg.nodes(data=True) if d["kind"] == "claim"}
    if kinds:
        claims = {c for c in claims if nxg.nodes[c]["claim_kind"] in kinds}
    if dims or levels:  # one cell must match both (effectiveness + input → EffectivenessInput)
        claims = {c for c in claims if any((not dims or any(cell.startswith(d) for d in dims))
                                           and (not levels or any(cell.endswith(lv) for lv in levels))
                                           for cell in nxg.nodes[c]["cells"])}
    if sel.sources:
        by_source: set[str] = set()
        for key in sel.sources:
            node = key if key.startswith("source:") else "source:" + key
            if nxg.nodes.get(node, {}).get("kind") != "source":
                raise UnknownKeyError(None, None, f"no source with key '{key}'",
                                      hint="see `partnergraph search` or sources.bib for the keys")
            for _, v, d in nxg.out_edges(node, data=True):
                if d["kind"] == "pooled_in":
                    by_source |= {c for _, c, dd in nxg.out_edges(v, data=True) if dd["kind"] == "evidences"}
                elif d["kind"] == "evidences":
                    by_source.add(v)
            by_source |= {u for u, _, d in nxg.in_edges(node, data=True) if d["kind"] == "derived_from"}
        claims &= by_source
    if sel.claim_sets:
        members: set[str] = set()
        for sid in sel.claim_sets:
            node = sid if sid.startswith("set:") else "set:" + sid
            if nxg.nodes.get(node, {}).get("kind") != "claim_set":
                raise UnknownKeyError(None, None, f"no claim set '{sid}'",
                                      hint="claim sets are the set:… IRIs in claims.ttl")
            todo, seen = [node], {node}
            while todo:
                cur = todo.pop()
                for u, _, d in nxg.in_edges(cur, data=True):
                    if d["kind"] == "member_of" and u not in seen:
                        seen.add(u)
                        todo.append(u)
            members |= {m for m in seen if nxg.nodes[m]["kind"] == "claim"}
        claims &= members
    if sel.themes:
        claims &= _theme_members(g, nxg, sel.themes)
    if sel.claims:
        chosen = set()
        for cid in sel.claims:
            node = cid if cid.startswith("claim:") else "claim:" + cid
            if nxg.nodes.get(node, {}).get("kind") != "claim":
                raise UnknownKeyError(None, None, f"no claim '{cid}'",
                                      hint="see `partnergraph claims` for the ids")
            chosen.add(node)
        claims &= chosen
    if stances:
        claims = {c for c in claims
                  if any(d["kind"] == "evidences" and d["stance"] in stances for _, _, d in nxg.in_edges(c, data=True))}
    return claims


def filtered_graph(g, sel: Selection | None = None, *, kinds: tuple[str, ...] | None = None):
    """The part of the graph ``sel`` chooses, as a new ``MultiDiGraph`` (attributes shared with ``g.nx``).

    Without filters this is the whole graph; filters that match no claim raise
    :class:`~partnergraph.core.errors.PartnergraphError`. ``kinds`` limits the node kinds kept (e.g. the map keeps
    ``("claim", "source", "pool")``); edges are kept when both ends are.
    """
    import networkx as nx

    nxg = g.nx if hasattr(g, "nx") else g
    sel = sel or Selection()
    stances = {s.lower() for s in sel.stances}
    if sel.empty:
        nodes = set(nxg.nodes)
    else:
        claims = selected_claims(g, sel)
        if not claims:
            raise PartnergraphError(f"no claim matches {sel.describe()}",
                                    hint="loosen the filters; `partnergraph stats` shows what the data holds")
        nodes = set(claims)
        for c in claims:
            for u, _, d in nxg.in_edges(c, data=True):
                if d["kind"] == "evidences" and (not stances or d["stance"] in stances):
                    nodes.add(u)
            for _, v, d in nxg.out_edges(c, data=True):
                if d["kind"] in ("derived_from", "member_of", "in_category", "in_theme"):
                    nodes.add(v)
                    if d["kind"] == "in_theme":  # and the theme's group
                        nodes |= {w for _, w, k in nxg.out_edges(v, keys=True) if k == "in_group"}
        pools = [n for n in nodes if nxg.nodes[n]["kind"] == "pool"]
        for p in pools:
            nodes |= {u for u, _, d in nxg.in_edges(p, data=True) if d["kind"] == "pooled_in"}
        # parents of the sets reached (a group's set of groups)
        todo = [n for n in nodes if nxg.nodes[n]["kind"] == "claim_set"]
        while todo:
            cur = todo.pop()
            for _, v, d in nxg.out_edges(cur, data=True):
                if d["kind"] == "member_of" and v not in nodes:
                    nodes.add(v)
                    todo.append(v)
    if kinds is not None:
        nodes = {n for n in nodes if nxg.nodes[n]["kind"] in kinds}
    out = nx.MultiDiGraph()
    out.graph.update(nxg.graph)
    for n in sorted(nodes):
        out.add_node(n, **nxg.nodes[n])
    for u, v, k, d in nxg.edges(keys=True, data=True):
        if u in nodes and v in nodes:
            if d["kind"] == "evidences" and stances and d["stance"] not in stances:
                continue
            out.add_edge(u, v, key=k, **d)
    return out
