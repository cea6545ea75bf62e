"""The integrity rules of the data: ONE set, read by the graph builder (every reader refuses data that breaks
one) and by ``validate`` (so every writer, whose guard is ``validate --no-shacl``, refuses the same data).

Each rule looks at the RDF of claims.ttl (the store, without the sources' triples) and the set of source IRIs
that ``sources.bib`` defines; a :class:`Problem` names the subject to locate in claims.ttl.

>>> Problem("benefit-cell", "benefit claim:x has no quality category", "https://w3id.org/partnergraph/id/claim/x").rule
'benefit-cell'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..core.namespaces import CELLS, PG, PGID, STANCES, curie
from ..core.text import CONTROL
from .embedded import GRAPH_CLAIMS, run_sparql

__all__ = ["Problem", "problems", "source_keys"]
_INTEGER = re.compile(r"[+-]?\d+")
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SOURCE_NS = PGID + "source/"
_PRED = {"claim": "pg:aboutClaim", "cited work": "cito:hasCitedEntity", "citing work": "cito:hasCitingEntity"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule: its name, the message, and the IRI of the subject that breaks it."""

    rule: str
    message: str
    iri: str
    hint: str = ""


def _owner(store, node, graph) -> str:
    """The nearest IRI subject that holds blank node ``node`` (a quote's link), for a place in the file."""
    import pyoxigraph as ox

    seen = set()
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        up = next(iter(store.quads_for_pattern(None, None, node, graph)), None)
        if up is None:
            return ""
        node = up.subject
    return node.value if isinstance(node, ox.NamedNode) else ""


def source_keys(store) -> set[str]:
    """The IRIs of the sources a store holds: from the parsed bibliography of a data directory's store (without
    loading the sources' triples), else from the triples."""
    library = getattr(store, "library", None)
    if library is not None:
        return {SOURCE_NS + s.key for s in library.sources}
    return {r["s"].value for r in run_sparql(store, "SELECT ?s WHERE { ?s pg:bibtexKey ?k }")}


def problems(store, keys: set[str]) -> Iterator[Problem]:
    """Every broken rule in ``store`` (a :class:`~partnergraph.store.embedded.DataStore`'s claims, or any store),
    given ``keys``, the IRIs of the sources sources.bib defines. Lazily: a caller that needs only the first
    pays only for it."""
    import pyoxigraph as ox

    claims_graph = ox.NamedNode(GRAPH_CLAIMS)
    # control characters in any literal of claims.ttl
    for q in store.quads_for_pattern(None, None, None, claims_graph):
        m = CONTROL.search(q.object.value) if isinstance(q.object, ox.Literal) else None
        if m is not None:
            ch = m.group()
            yield Problem("control-character", f"{curie(_owner(store, q.subject, claims_graph) or '?')} has a "
                          f"control character (U+{ord(ch):04X}) in {curie(q.predicate.value)}",
                          _owner(store, q.subject, claims_graph),
                          "remove it: no field may hold control characters (tab and line breaks aside)")
    # every source IRI claims.ttl names is an entry of sources.bib
    seen: set[tuple[str, str]] = set()
    q = f"""SELECT DISTINCT ?x ?s WHERE {{ GRAPH <{GRAPH_CLAIMS}> {{ ?x ?p ?s }}
            FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{SOURCE_NS}")) }} ORDER BY ?x ?s"""
    for r in run_sparql(store, q):
        x, s = r["x"], r["s"].value
        if s not in keys and isinstance(x, ox.NamedNode) and (x.value, s) not in seen:
            seen.add((x.value, s))
            yield Problem("key-exists", f"{curie(x.value)} names source '{s[len(SOURCE_NS):]}', which is not in "
                          "sources.bib", x.value, f"add an entry '{s[len(SOURCE_NS):]}' to sources.bib, or correct "
                          "the key in claims.ttl")
    claims = {r["c"].value for r in run_sparql(store, "SELECT DISTINCT ?c WHERE { ?c a ?k . ?k rdfs:subClassOf "
                                                      "pg:Claim FILTER(isIRI(?c)) }")}
    pools = {r["p"].value for r in run_sparql(store, "SELECT ?p WHERE { ?p a pg:PooledEvidenceBase }")}
    # evidence links: a claim, a cited work (source or pool) and a citing work (source), each an IRI that exists
    q = """SELECT ?e ?claim ?cited ?citing ?stance ?attr WHERE { ?e a pg:EvidenceLink .
             OPTIONAL { ?e pg:aboutClaim ?claim } OPTIONAL { ?e cito:hasCitedEntity ?cited }
             OPTIONAL { ?e cito:hasCitingEntity ?citing } OPTIONAL { ?e pg:stance ?stance }
             OPTIONAL { ?e pg:attribution ?attr } } ORDER BY ?e"""
    stances = {PG + s for s in STANCES}
    citable = keys | pools  # once: a union per link made this quadratic (10,845 links × 100,000 keys)
    for r in run_sparql(store, q):
        e = r["e"].value
        where = curie(e)
        for what, term, ok in (("claim", r["claim"], claims), ("cited work", r["cited"], citable),
                               ("citing work", r["citing"], keys)):
            if term is None:
                yield Problem("evidence-link", f"evidence link {where} names no {what}", e, f"give it {_PRED[what]}")
            elif not isinstance(term, ox.NamedNode):
                yield Problem("evidence-link", f"evidence link {where} names a {what} by a literal "
                              f"({str(term)[:40]}), not an IRI", e, "write the IRI, e.g. source:gray1989")
            elif term.value not in ok and not (what != "claim" and term.value.startswith(SOURCE_NS)):
                yield Problem("evidence-link", f"evidence link {where} names a {what} '{curie(term.value)}' that "
                              "does not exist", e, "correct the IRI in claims.ttl")
        if r["stance"] is not None and r["stance"].value not in stances:
            yield Problem("evidence-link", f"evidence link {where} has stance {curie(str(r['stance'].value))}", e,
                          "use pg:Supports, pg:Disputes or pg:Qualifies")
        if r["attr"] is not None and r["attr"].value not in (PG + "Direct", PG + "Pooled"):
            yield Problem("evidence-link", f"evidence link {where} has attribution "
                          f"{curie(str(r['attr'].value))}", e, "use pg:Direct or pg:Pooled")
    # claims: derived from a source, one kind, benefits in a cell
    for r in run_sparql(store, "SELECT ?c ?s WHERE { ?c prov:wasDerivedFrom ?s } ORDER BY ?c"):
        if not isinstance(r["s"], ox.NamedNode):
            yield Problem("derived-from", f"{curie(r['c'].value)} is derived from a literal, not a source IRI",
                          r["c"].value, "write the review's IRI, e.g. source:wildridgereview")
    q = """SELECT ?c (GROUP_CONCAT(STR(?k); separator=" ") AS ?ks) WHERE { ?c a ?k . ?k rdfs:subClassOf pg:Claim }
           GROUP BY ?c HAVING (COUNT(DISTINCT ?k) > 1) ORDER BY ?c"""
    for r in run_sparql(store, q):
        kinds = sorted(curie(k) for k in r["ks"].value.split())
        yield Problem("one-kind", f"{curie(r['c'].value)} is of two kinds ({', '.join(kinds)})", r["c"].value,
                      "give each claim one kind")
    cells = {PG + c for c in CELLS}
    q = "SELECT ?c ?cell WHERE { ?c a pg:Benefit OPTIONAL { ?c pg:qualityCategory ?cell } } ORDER BY ?c"
    for r in run_sparql(store, q):
        c, cell = r["c"].value, r["cell"]
        if cell is None:
            yield Problem("benefit-cell", f"benefit {curie(c)} has no quality category", c,
                          "give it pg:qualityCategory, e.g. pg:EfficiencyOutput")
        elif cell.value not in cells:
            yield Problem("benefit-cell", f"benefit {curie(c)} has quality category {curie(str(cell.value))}, "
                          "which is not one of the 12 cells", c, "one of: " + ", ".join(CELLS))
    for r in run_sparql(store, "SELECT ?c ?cell WHERE { ?c pg:qualityCategory ?cell FILTER NOT EXISTS { ?c a "
                               "pg:Benefit } }"):
        yield Problem("benefit-cell", f"{curie(r['c'].value)} has a quality category but is no benefit",
                      r["c"].value, "only benefits have quality cells")
    # whole numbers where the graph reads whole numbers (a literal position is an order: 1, 2, …)
    q = "SELECT ?s ?p ?v WHERE { ?s ?p ?v VALUES ?p { pg:position pg:count pg:outOf } }"
    for r in run_sparql(store, q):
        v = r["v"]
        if not isinstance(v, ox.Literal):
            continue  # pg:position also names the claims on one side of a debate
        if not _INTEGER.fullmatch(v.value) or v.datatype.value != _XSD_INTEGER:
            yield Problem("integer", f"{curie(_owner(store, r['s'], None) or '?')}: {curie(r['p'].value)} is "
                          f"{str(v)[:40]}, not a whole number", _owner(store, r["s"], None), "write e.g. 3")
    # two claims with one label in one set
    q = """SELECT ?set ?label (GROUP_CONCAT(STR(?c); separator=" ") AS ?cs) WHERE {
             ?set a pg:ClaimSet ; skos:member ?c . ?c rdfs:label ?label }
           GROUP BY ?set ?label HAVING (COUNT(DISTINCT ?c) > 1) ORDER BY ?set ?label"""
    for r in run_sparql(store, q):
        cs = sorted(r["cs"].value.split())
        yield Problem("label-unique-in-set", f"claims {', '.join(curie(c) for c in cs)} share the label "
                      f"{r['label'].value!r} in set {curie(r['set'].value)}", cs[0])
