"""The questions researchers ask, as functions over the networkx evidence graph returning plain rows (the
listings and counts read the claim index, :mod:`.index`; SPARQL is :mod:`.sparql`).

Each function takes an :class:`~partnergraph.api.EvidenceGraph` first; the same functions are methods of it
(``g.stats()``) and CLI commands (``partnergraph stats``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ..core.namespaces import DIMENSIONS
from . import index as _index
from .common import (
    DIMENSION_NAMES,
    LEVEL_NAMES,
    ClaimRow,
    _bare,
    _choice,
    _claim_sources,
    _claims,
    _kinds,
    _links,
    _pool_members,
    resolve_claim,
    resolve_source,
)

__all__ = [
    "CocitedRow",
    "EvidenceRow",
    "RelatedRow",
    "SourceClaimRow",
    "StatRow",
    "barriers",
    "benefits",
    "claims",
    "cocited",
    "drivers",
    "evidence",
    "factors",
    "related",
    "source_claims",
    "stats",
]


@dataclass(frozen=True, slots=True)
class StatRow:
    """One count: ``section`` (sources by type, claims by kind, …), ``item`` and ``count``."""

    section: str
    item: str
    count: int


def stats(g) -> list[StatRow]:
    """Counts of the graph: sources by type and status, claims by kind, evidence links by stance and
    attribution, benefits per quality cell, claim sets, pools, relations between claims and debates.

    >>> import partnergraph as pg
    >>> rows = pg.load().stats()
    >>> sum(r.count for r in rows if r.section == "claims by kind") == sum(
    ...     1 for _, d in pg.load().nx.nodes(data=True) if d["kind"] == "claim")
    True
    """
    return [StatRow(*t) for t in _index.stat_rows(g)]


# --- claims and benefits -------------------------------------------------------------------------------------


def claims(g, kind: str | tuple[str, ...] | None = None) -> list[ClaimRow]:
    """Every claim (or those of ``kind``: a claim kind such as ``"Barrier"``, or a tuple of kinds), with its
    cells, distinct sources direct and pooled, stance mix and reviews; ordered by kind, then id.

    >>> import partnergraph as pg
    >>> g = pg.load()
    >>> len(g.claims("Barrier")) == sum(1 for _, d in g.nx.nodes(data=True) if d.get("claim_kind") == "Barrier")
    True
    """
    kinds = _kinds(kind)
    return [ClaimRow(*t[:10]) for t in _index.claim_rows(g) if kinds is None or t[1] in kinds]


def benefits(g, dimension: str | None = None, level: str | None = None) -> list[ClaimRow]:
    """Benefits, optionally in one ``dimension`` (economy, efficiency, effectiveness, equity) and/or ``level``
    (input, output, outcome) of the quality category; a benefit in several cells is listed once.

    Raises :class:`~partnergraph.core.errors.PartnergraphError` naming the choices for an unknown dimension or level.

    >>> import partnergraph as pg
    >>> rows = pg.load().benefits(dimension="equity")
    >>> all(any(c.startswith("Equity") for c in r.cells) for r in rows)
    True
    """
    dim = _choice(dimension, DIMENSION_NAMES, "dimension")
    lvl = _choice(level, LEVEL_NAMES, "level")

    def fits(cell: str) -> bool:
        d = next(x for x in DIMENSIONS if cell.startswith(x))
        return (dim is None or d.lower() == dim) and (lvl is None or cell[len(d):].lower() == lvl)

    return [r for r in claims(g, "Benefit") if any(fits(c) for c in r.cells)]


def drivers(g) -> list[ClaimRow]:
    """Drivers (why organisations enter into partnership), same shape as :func:`claims`."""
    return claims(g, "Driver")


def barriers(g) -> list[ClaimRow]:
    """Barriers to partnership working, same shape as :func:`claims`."""
    return claims(g, "Barrier")


def factors(g) -> list[ClaimRow]:
    """Critical success factors and principles, same shape as :func:`claims`."""
    return claims(g, ("CriticalSuccessFactor", "Principle"))


# --- evidence of one claim -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One source evidencing a claim, as a review attributes it.

    ``source`` is a BibTeX key (or ``pool:ID`` for a pooled evidence base not expanded); ``citation`` the short
    citation; ``citing`` the review making the attribution; ``via`` the work through which the review cites it
    (a secondary citation), if any; ``pool`` the pooled evidence base the source is listed in, if any.
    """

    claim: str
    evidence: str
    source: str
    citation: str
    authors: tuple[str, ...]
    year: str
    title: str
    stance: str
    attribution: str
    locator: str
    quote: str
    citing: str
    via: str
    pool: str


def _source_fields(nxg, node: str) -> tuple[str, tuple[str, ...], str, str]:
    d = nxg.nodes[node]
    if d["kind"] == "pool":
        n = len(_pool_members(nxg, node))
        return f"pooled: {d['label']} ({n} sources)", (), "", d["label"]
    return d["label"] or d["key"], tuple(d["authors"]), d["year"], d["title"]


def evidence(g, claim: str, expand: bool = False) -> list[EvidenceRow]:
    """Each source evidencing ``claim`` (id or words, see :func:`resolve_claim`): citation, stance,
    attribution, locator, quote, the citing review and any intermediate work. With ``expand``, a pooled
    evidence base is replaced by one row per member source (``pool`` names the base).

    >>> import partnergraph as pg
    >>> g = pg.load()
    >>> {r.source for r in g.evidence("s000-studies-21-benefit")} >= {"kharicha2004", "dowling2004"}
    True
    """
    nxg = g.nx
    c = resolve_claim(g, claim)
    rows = []
    for u, e in _links(nxg, c):
        is_pool = nxg.nodes[u]["kind"] == "pool"
        members = _pool_members(nxg, u) if (is_pool and expand) else [u]
        for m in members:
            rows.append(EvidenceRow(_bare(c), e["evidence"], _bare(m), *_source_fields(nxg, m), e["stance"],
                                    e["attribution"], e["locator"], e["quote"], e["citing"], e["via"],
                                    u if is_pool else ""))
    return rows


# --- what one source evidences -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SourceClaimRow:
    """A claim a source evidences: directly, or as a member of a pooled evidence base (``pool``)."""

    source: str
    claim: str
    kind: str
    label: str
    stance: str
    attribution: str
    locator: str
    citing: str
    pool: str
    evidence: str


def source_claims(g, source: str, kind: str | tuple[str, ...] | None = None) -> list[SourceClaimRow]:
    """What ``source`` (BibTeX key or words, see :func:`resolve_source`) evidences, with stance and locator;
    direct links first, then claims reached through the pooled evidence bases it is a member of.

    >>> import partnergraph as pg
    >>> g = pg.load()
    >>> {"s000-studies-21-benefit", "s000-studies-6-no-benefit"} <= {r.claim for r in g.source_claims("Kharicha")}
    True
    """
    nxg = g.nx
    s = resolve_source(g, source)
    kinds = _kinds(kind)
    rows = []
    pools = sorted(v for _, v, k in nxg.out_edges(s, keys=True) if k == "pooled_in")
    for node in [s, *pools]:
        for _, c, e in sorted(nxg.out_edges(node, data=True), key=lambda x: (x[1], x[2].get("evidence", ""))):
            if e["kind"] != "evidences":
                continue
            d = nxg.nodes[c]
            if kinds is None or d["claim_kind"] in kinds:
                rows.append(SourceClaimRow(_bare(s), _bare(c), d["claim_kind"], d["label"], e["stance"],
                                           e["attribution"], e["locator"], e["citing"],
                                           node if node != s else "", e["evidence"]))
    return rows


# --- related claims and co-cited sources ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RelatedRow:
    """A claim connected to the one asked about: ``relation`` (shares sources, shares pooled evidence,
    addresses, addressed by, related, same set), the ``via`` sources or set, and ``shared`` (how many)."""

    relation: str
    claim: str
    kind: str
    label: str
    via: tuple[str, ...]
    shared: int


def related(g, claim: str) -> list[RelatedRow]:
    """What else the graph connects to ``claim`` (id or words): claims sharing a direct source or a pooled
    evidence base with it, barriers it addresses (and claims addressing it), ``skos:related`` claims, and
    siblings in its claim sets.

    >>> import partnergraph as pg
    >>> [r.claim for r in pg.load().related("s004b-csf-surmounting-boundaries") if r.relation == "addresses"]
    ['s004b-bar-boundary-failure']
    """
    nxg = g.nx
    c = resolve_claim(g, claim)
    rows: list[RelatedRow] = []

    def row(relation: str, other: str, via) -> RelatedRow:
        d = nxg.nodes[other]
        return RelatedRow(relation, _bare(other), d["claim_kind"], d["label"], tuple(sorted(via)), len(via))

    shared: dict[str, set[str]] = {}
    pools: dict[str, set[str]] = {}
    for u, _ in _links(nxg, c):
        target = pools if nxg.nodes[u]["kind"] == "pool" else shared
        for _, other, e in nxg.out_edges(u, data=True):
            if e["kind"] == "evidences" and other != c:
                target.setdefault(other, set()).add(_bare(u))
    rows += sorted((row("shares sources", o, v) for o, v in shared.items()), key=lambda r: (-r.shared, r.claim))
    rows += sorted((row("shares pooled evidence", o, v) for o, v in pools.items()), key=lambda r: r.claim)
    for rel, edges in (("addresses", nxg.out_edges(c, keys=True)), ("addressed by", nxg.in_edges(c, keys=True))):
        for a, b, k in sorted(edges):
            if k == "addresses":
                rows.append(row(rel, b if rel == "addresses" else a, ()))
    rel_nodes = {b for _, b, k in nxg.out_edges(c, keys=True) if k == "related"}
    rel_nodes |= {a for a, _, k in nxg.in_edges(c, keys=True) if k == "related"}
    rows += [row("related", o, ()) for o in sorted(rel_nodes) if nxg.nodes[o]["kind"] == "claim"]
    for _, s, k in sorted(nxg.out_edges(c, keys=True)):
        if k != "member_of":
            continue
        sibs = sorted((d["position"], m) for m, _, d in nxg.in_edges(s, data=True)
                      if d["kind"] == "member_of" and m != c and nxg.nodes[m]["kind"] == "claim")
        rows += [row("same set", m, (s[4:],)) for _, m in sibs]
    return rows


@dataclass(frozen=True, slots=True)
class CocitedRow:
    """Two sources evidencing the same claims: ``shared`` claims (listed in ``claims``)."""

    source_a: str
    citation_a: str
    source_b: str
    citation_b: str
    shared: int
    claims: tuple[str, ...]


def cocited(g, pooled: bool = False, min_shared: int = 1, limit: int | None = None) -> list[CocitedRow]:
    """Pairs of sources that evidence the same claims, most shared claims first. Direct evidence only unless
    ``pooled`` (pool members then count as evidencing every claim their pool evidences).

    >>> import partnergraph as pg
    >>> top = pg.load().cocited()[0]
    >>> top.shared == len(top.claims) >= 2
    True
    """
    nxg = g.nx
    together: dict[tuple[str, str], set[str]] = {}
    for c in _claims(nxg):
        direct, pool = _claim_sources(nxg, c)
        for a, b in combinations(sorted(direct | pool if pooled else direct), 2):
            together.setdefault((a, b), set()).add(_bare(c))
    rows = [CocitedRow(_bare(a), nxg.nodes[a]["label"], _bare(b), nxg.nodes[b]["label"], len(cs),
                       tuple(sorted(cs)))
            for (a, b), cs in together.items() if len(cs) >= min_shared]
    rows.sort(key=lambda r: (-r.shared, r.source_a, r.source_b))
    return rows[:limit] if limit else rows
