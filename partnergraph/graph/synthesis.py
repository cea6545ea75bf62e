"""The synthesis layer in the graph: claim-to-claim relations as ``relates`` edges, the debates, the study
tallies, and whether each claim is contested.

A relation (``pg:ClaimRelation``) becomes one edge ``from claim → to claim`` of kind ``relates`` (key
``relation:ID``); a relation to a claim set becomes one such edge to every claim of the set, through its
sub-sets (``via_set`` names the set). Edge attributes: ``relation`` (``challenges``, ``qualifies`` or
``supports``), ``relation_id``, ``asserted_by`` (the review's key, or ``curators``), ``quote`` (the review's
words), ``reason`` (the curators'), ``where``, ``debate`` (its id) and ``via_set``. Every claim node gets
``contested``: a disputing or qualifying evidence link, or a claim that challenges or qualifies it. The graph
attribute ``debates`` holds each debate with its sides and their positions (claim node names).

May import: :mod:`partnergraph.store` and everything below it.
"""

from __future__ import annotations

from ..core.errors import UnknownKeyError
from ..core.namespaces import PG, PGID
from ..store.embedded import run_sparql

__all__ = [
    "Q_DEBATES",
    "Q_RELATIONS",
    "Q_SIDES",
    "Q_TALLIES",
    "RELATION_KINDS",
    "add_synthesis",
    "set_members",
]

#: relation kind IRI local name → the word the graph and the questions use
RELATION_KINDS = {"Challenges": "challenges", "Qualifies": "qualifies", "SupportsClaim": "supports"}

Q_RELATIONS = """
SELECT ?r ?from ?to ?kind ?by ?exact ?reason ?where ?debate WHERE {
  ?r a pg:ClaimRelation .
  OPTIONAL { ?r pg:fromClaim ?from } OPTIONAL { ?r pg:toClaim ?to } OPTIONAL { ?r pg:relationKind ?kind }
  OPTIONAL { ?r pg:assertedBy ?by } OPTIONAL { ?r pg:quote/oa:hasSelector/oa:exact ?exact }
  OPTIONAL { ?r pg:reason ?reason } OPTIONAL { ?r pg:where ?where } OPTIONAL { ?r pg:debate ?debate }
}"""
Q_DEBATES = """
SELECT ?d ?label ?reason ?by WHERE { ?d a pg:Debate .
  OPTIONAL { ?d rdfs:label ?label } OPTIONAL { ?d pg:reason ?reason } OPTIONAL { ?d pg:assertedBy ?by } }"""
Q_SIDES = """
SELECT ?d ?label ?c WHERE { ?d a pg:Debate ; pg:side ?side .
  OPTIONAL { ?side rdfs:label ?label } OPTIONAL { ?side pg:position ?c FILTER(isIRI(?c)) } }"""
Q_TALLIES = """
SELECT ?t ?population ?count ?outof ?finding ?claim WHERE {
  ?t a pg:StudyTally ; pg:studyCount ?sc . ?sc pg:count ?count .
  OPTIONAL { ?t pg:population ?population } OPTIONAL { ?sc pg:outOf ?outof }
  OPTIONAL { ?sc pg:finding ?finding } OPTIONAL { ?sc pg:statedIn ?claim }
}"""


def _rows(store, query: str) -> list[tuple]:
    out = [tuple(None if t is None else t.value for t in sol) for sol in run_sparql(store, query)]
    out.sort(key=lambda r: tuple("" if v is None else v for v in r))
    return out


def _local(iri: str | None, ns: str) -> str:
    iri = iri or ""
    return iri[len(ns):] if iri.startswith(ns) else iri


def _asserter(iri: str | None) -> str:
    if iri == PG + "Curators":
        return "curators"
    return _local(iri, PGID + "source/")


def set_members(nxg, claim_set: str) -> list[str]:
    """The claims of ``claim_set`` (a node name), through its sub-sets, sorted."""
    seen, todo, claims = {claim_set}, [claim_set], set()
    while todo:
        s = todo.pop()
        for m, _, k in nxg.in_edges(s, keys=True):
            if k == "member_of" and m not in seen:
                seen.add(m)
                if nxg.nodes[m]["kind"] == "claim":
                    claims.add(m)
                else:
                    todo.append(m)
    return sorted(claims)


def add_synthesis(g, store, node_name, check: bool = True) -> None:
    """Add the ``relates`` edges, the ``contested`` flag of every claim, the study tallies' counts on the claims
    that state them, and the ``debates`` graph attribute. ``node_name`` maps an IRI to its node name."""
    for r, frm, to, kind, by, exact, reason, where, debate in _rows(store, Q_RELATIONS):
        rid = _local(r, PGID + "relation/")
        u, t = node_name(frm or ""), node_name(to or "")
        bad = [n for n in (u, t) if g.nodes.get(n, {}).get("kind") not in ("claim", "claim_set")]
        if bad or g.nodes[u]["kind"] != "claim":
            if check:
                raise UnknownKeyError(None, None, f"relation relation:{rid} names a claim '{(bad or [u])[0]}' that "
                                                  "does not exist", hint="correct the IRI in claims.ttl")
            continue
        via = t if g.nodes[t]["kind"] == "claim_set" else ""
        for v in (set_members(g, t) if via else [t]):
            if v == u:
                continue
            g.add_edge(u, v, key="relation:" + rid, kind="relates",
                       relation=RELATION_KINDS.get(_local(kind, PG), _local(kind, PG).lower()), relation_id=rid,
                       asserted_by=_asserter(by), quote=exact or "", reason=reason or "", where=where or "",
                       debate=_local(debate, PGID + "debate/"), via_set=via)
    for n, d in g.nodes(data=True):
        if d["kind"] != "claim":
            continue
        d["contested"] = any(
            (e["kind"] == "evidences" and e["stance"] in ("disputes", "qualifies"))
            or (e["kind"] == "relates" and e["relation"] in ("challenges", "qualifies"))
            for _, _, e in g.in_edges(n, data=True))
    counts: dict[str, list[dict]] = {}
    for t, population, cnt, outof, finding, claim in _rows(store, Q_TALLIES):
        name = node_name(claim or "")
        if g.nodes.get(name, {}).get("kind") == "claim":
            counts.setdefault(name, []).append(
                {"count": int(cnt), "out_of": int(outof) if outof else None, "finding": finding or "",
                 "tally": _local(t, PGID + "tally/"), "population": population or ""})
    for name, sc in counts.items():
        g.nodes[name]["study_counts"] = tuple(g.nodes[name].get("study_counts", ())) + tuple(sc)
    sides: dict[str, dict[str, list[str]]] = {}
    for d_iri, label, c in _rows(store, Q_SIDES):
        positions = sides.setdefault(d_iri, {}).setdefault(label or "", [])
        if c and node_name(c) in g and node_name(c) not in positions:
            positions.append(node_name(c))
    debates = []
    for d_iri, label, reason, by in _rows(store, Q_DEBATES):
        debates.append({"id": _local(d_iri, PGID + "debate/"), "label": label or "", "reason": reason or "",
                        "asserted_by": _asserter(by),
                        "sides": tuple({"label": s, "positions": tuple(p)}
                                       for s, p in sorted(sides.get(d_iri, {}).items()))})
    g.graph["debates"] = tuple(debates)
