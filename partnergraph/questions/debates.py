"""The other side: claims that challenge, qualify or support a claim, the contested claims, and the debates.

Answered over the ``relates`` edges and the ``debates`` graph attribute that
:mod:`partnergraph.graph.synthesis` adds: a relation to a claim set reaches every claim of the set.

May import: ``partnergraph.graph`` and everything below it, and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..core.errors import UnknownKeyError
from ..core.namespaces import CLAIM_KINDS
from .common import Kinds, _bare, _claim_sources, _claims, _kinds, _links, resolve_claim

__all__ = [
    "Challenger",
    "ContestedRow",
    "DebateRow",
    "DebateSide",
    "Position",
    "RelationRow",
    "contested",
    "debates",
    "relations",
]

_ORDER = {"challenges": 0, "qualifies": 1, "supports": 2}
#: how a relation reads from the claim it bears on
PASSIVE = {"challenges": "challenged by", "qualifies": "qualified by", "supports": "supported by"}
_AGAINST = {"disputes": "disputing evidence", "qualifies": "qualifying evidence"}


def _sources(nxg, claim: str) -> tuple[str, ...]:
    """The works a claim rests on: the sources cited for it directly, then its pooled evidence bases."""
    direct, _ = _claim_sources(nxg, claim)
    pools = {u for u, _ in _links(nxg, claim) if nxg.nodes[u]["kind"] == "pool"}
    return tuple(sorted(_bare(s) for s in direct)) + tuple(sorted(pools))


@dataclass(frozen=True, slots=True)
class RelationRow:
    """A claim that bears on ``claim`` (``direction`` ``in``: ``other`` challenges, qualifies or supports it) or
    that ``claim`` bears on (``out``). ``sources``: the works ``other`` rests on; ``asserted_by``: the review whose
    words make the connection (``quote``) or ``curators`` (``reason``); ``via_set``: the claim set the relation
    names, when it reaches ``claim`` (or ``other``) through one."""

    claim: str
    direction: str
    relation: str
    other: str
    other_kind: str
    other_label: str
    other_quote: str
    sources: tuple[str, ...]
    asserted_by: str
    quote: str
    reason: str
    where: str
    debate: str
    via_set: str
    relation_id: str


def relations(g, claim: str) -> list[RelationRow]:
    """The claims that challenge, qualify or support ``claim`` (id or words), and those it bears on itself; a
    relation to a whole claim set is one ``out`` row naming the set.

    >>> import partnergraph as pg
    >>> rows = pg.load().relations("s000-ben-pooling-resources")
    >>> ("s000-arg-not-enough-known", "challenges", "briefing2009ch1") in {
    ...     (r.other, r.relation, r.asserted_by) for r in rows if r.direction == "in"}
    True
    """
    nxg = g.nx
    c = resolve_claim(g, claim)
    rows = []
    for u, _, e in nxg.in_edges(c, data=True):
        if e["kind"] == "relates":
            rows.append(_relation_row(nxg, c, "in", u, e))
    seen = set()
    for _, v, e in nxg.out_edges(c, data=True):
        if e["kind"] != "relates":
            continue
        if e["via_set"]:
            if e["relation_id"] in seen:
                continue
            seen.add(e["relation_id"])
            v = e["via_set"]
        rows.append(_relation_row(nxg, c, "out", v, e))
    rows.sort(key=lambda r: (r.direction != "in", _ORDER.get(r.relation, 9), r.other, r.relation_id))
    return rows


def _relation_row(nxg, claim: str, direction: str, other: str, e: dict) -> RelationRow:
    d = nxg.nodes[other]
    is_claim = d["kind"] == "claim"
    return RelationRow(_bare(claim), direction, e["relation"], _bare(other),
                       d["claim_kind"] if is_claim else "ClaimSet", d["label"], d.get("quote", ""),
                       _sources(nxg, other) if is_claim else (), e["asserted_by"], e["quote"], e["reason"],
                       e["where"], e["debate"], e["via_set"], e["relation_id"])


@dataclass(frozen=True, slots=True)
class Challenger:
    """What contests a claim: a claim that challenges or qualifies it (``by`` its id, ``sources`` the works it rests
    on), or an evidence link that disputes or qualifies it (``by`` ``evidence:ID``, ``sources`` the cited work).
    ``asserted_by``: the review that makes the connection (or cites the work), or ``curators``."""

    how: str
    by: str
    label: str
    sources: tuple[str, ...]
    asserted_by: str
    quote: str
    reason: str
    via_set: str
    debate: str


@dataclass(frozen=True, slots=True)
class ContestedRow:
    """A contested claim: ``supports``, ``disputes``, ``qualifies`` count its evidence links by stance,
    ``challenged`` and ``qualified`` the claims that challenge or qualify it; ``by``: every work behind what
    contests it; ``challengers``: each, with who makes the connection and the quote."""

    claim: str
    kind: str
    label: str
    cells: tuple[str, ...]
    supports: int
    disputes: int
    qualifies: int
    challenged: int
    qualified: int
    by: tuple[str, ...]
    challengers: tuple[Challenger, ...]


def contested(g, kind: Kinds = None) -> list[ContestedRow]:
    """Claims that something contests: an evidence link that disputes or qualifies them, or a claim that
    challenges or qualifies them (directly or through a claim set they belong to), whether or not anything
    supports them; ordered by kind, then id.

    >>> import partnergraph as pg
    >>> rows = pg.load().contested("Benefit")
    >>> row = next(r for r in rows if r.claim == "s000-ben-pooling-resources")
    >>> "kharicha2004" in row.by and row.challenged > 0
    True
    """
    nxg = g.nx
    order = {k: i for i, k in enumerate(CLAIM_KINDS)}
    rows = []
    for c in _claims(nxg, _kinds(kind)):
        d = nxg.nodes[c]
        links = _links(nxg, c)
        stance = Counter(e["stance"] for _, e in links)
        out = [Challenger(_AGAINST[e["stance"]], "evidence:" + e["evidence"], nxg.nodes[u]["label"] or _bare(u),
                          (_bare(u),), e["citing"], e["quote"], "", "", "")
               for u, e in links if e["stance"] in _AGAINST]
        rel = sorted(((u, e) for u, _, e in nxg.in_edges(c, data=True)
                      if e["kind"] == "relates" and e["relation"] in ("challenges", "qualifies")),
                     key=lambda x: (_ORDER[x[1]["relation"]], x[0], x[1]["relation_id"]))
        out += [Challenger(e["relation"], _bare(u), nxg.nodes[u]["label"], _sources(nxg, u), e["asserted_by"],
                           e["quote"] or nxg.nodes[u].get("quote", ""), e["reason"], e["via_set"], e["debate"])
                for u, e in rel]
        if not out:
            continue
        how = Counter(e["relation"] for _, e in rel)
        by = tuple(sorted({s for ch in out for s in ch.sources}))
        rows.append(ContestedRow(_bare(c), d["claim_kind"], d["label"], tuple(d["cells"]), stance["supports"],
                                 stance["disputes"], stance["qualifies"], how["challenges"], how["qualifies"], by,
                                 tuple(out)))
    rows.sort(key=lambda r: (order[r.kind], r.claim))
    return rows


@dataclass(frozen=True, slots=True)
class Position:
    """A claim that states a side of a debate, with the works it rests on and the reviews that state it."""

    claim: str
    kind: str
    label: str
    sources: tuple[str, ...]
    reviews: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DebateSide:
    """One side of a debate (its label in the curators' words) and the claims that state it."""

    label: str
    positions: tuple[Position, ...]


@dataclass(frozen=True, slots=True)
class DebateRow:
    """A debate of the corpus: its label, what it is about (``reason``), who names it, its sides, and how many
    relations between claims carry it."""

    debate: str
    label: str
    reason: str
    asserted_by: str
    sides: tuple[DebateSide, ...]
    relations: int


def debates(g, debate: str | None = None) -> list[DebateRow]:
    """The debates of the corpus (or one, by id), each as its sides with the claims and sources behind them.

    >>> import partnergraph as pg
    >>> row = pg.load().debates("process-versus-outcome")[0]
    >>> row.label, len(row.sides)
    ('Process versus outcome', 2)
    """
    nxg = g.nx
    found = list(nxg.graph.get("debates", ()))
    if debate is not None:
        want = debate.strip().removeprefix("debate:")
        found = [d for d in found if d["id"] == want]
        if not found:
            ids = ", ".join(d["id"] for d in nxg.graph.get("debates", ())) or "none in this data"
            raise UnknownKeyError(None, None, f"no debate with id '{want}'", hint=f"debates: {ids}")
    # a relation to a claim set is one relation, however many claims it reaches
    per_relation = {}
    for _, _, e in nxg.edges(data=True):
        if e["kind"] == "relates" and e["debate"]:
            per_relation[e["relation_id"]] = e["debate"]
    carried = Counter(per_relation.values())
    rows = []
    for d in found:
        sides = tuple(DebateSide(s["label"], tuple(_position(nxg, c) for c in s["positions"])) for s in d["sides"])
        rows.append(DebateRow(d["id"], d["label"], d["reason"], d["asserted_by"], sides, carried[d["id"]]))
    return rows


def _position(nxg, c: str) -> Position:
    d = nxg.nodes[c]
    reviews = set(d["derived_from"]) | {e["citing"] for _, e in _links(nxg, c) if e["citing"]}
    return Position(_bare(c), d["claim_kind"], d["label"], _sources(nxg, c), tuple(sorted(reviews)))
