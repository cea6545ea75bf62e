"""RDF → a networkx ``MultiDiGraph`` (DESIGN §3): the graph every question is answered over.

Node names are stable and readable: ``source:gray1989``, ``claim:wr-trust``, ``set:wilder-factors``,
``pool:briefing-benefits``, ``cell:EfficiencyOutput``. Every node has ``kind`` (source, claim, claim_set, pool,
quality_cell); claims also have ``claim_kind`` (Benefit, Barrier, …). Edge keys say what an edge is:
``evidences`` (source or pool → claim, one per evidence link), ``member_of``, ``pooled_in``, ``in_category``,
``derived_from``, ``addresses``, ``related``.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from .errors import IntegrityError, UnknownKeyError
from .namespaces import CELLS, CLAIM_KINDS, DIMENSIONS, LEVELS, PG, PGID

_PREFIXES = {
    PGID + "source/": "source:",
    PGID + "claim/": "claim:",
    PGID + "set/": "set:",
    PGID + "pool/": "pool:",
    PGID + "evidence/": "evidence:",
    PG: "cell:",
}


def node_name(iri: str) -> str:
    """``https://w3id.org/partnergraph/id/source/gray1989`` → ``source:gray1989``; other IRIs stay whole."""
    for ns, short in _PREFIXES.items():
        if iri.startswith(ns):
            return short + iri[len(ns):]
    return iri


def node_iri(name: str) -> str:
    for ns, short in _PREFIXES.items():
        if name.startswith(short):
            return ns + name[len(short):]
    return name


def _v(term) -> str | None:
    return None if term is None else term.value


Q_SOURCES = """
SELECT ?s ?key ?type ?title ?year ?status ?label ?etype ?seed ?doi ?via ?ref
       (GROUP_CONCAT(DISTINCT ?missing; separator=", ") AS ?missings) WHERE {
  ?s pg:bibtexKey ?key ; pg:bibtexType ?type ; pg:status ?status .
  OPTIONAL { ?s dcterms:title ?title } OPTIONAL { ?s dcterms:issued ?year } OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s pg:evidenceType ?etype } OPTIONAL { ?s pg:seedFile ?seed } OPTIONAL { ?s bibo:doi ?doi }
  OPTIONAL { ?s pg:missingField ?missing } OPTIONAL { ?s pg:asCitedIn ?via } OPTIONAL { ?s pg:refNumber ?ref }
} GROUP BY ?s ?key ?type ?title ?year ?status ?label ?etype ?seed ?doi ?via ?ref
"""
Q_AUTHORS = "SELECT ?s ?i ?name WHERE { ?s bibo:authorList ?l . ?l ?p ?a . ?a foaf:name ?name ." \
            " FILTER(STRSTARTS(STR(?p), STR(rdf:_))) BIND(xsd:integer(STRAFTER(STR(?p), '#_')) AS ?i) }"
Q_CLAIMS = """
SELECT ?c ?kind ?label ?where ?note ?by WHERE {
  ?c a ?kind . ?kind rdfs:subClassOf pg:Claim .
  OPTIONAL { ?c rdfs:label ?label } OPTIONAL { ?c pg:where ?where } OPTIONAL { ?c pg:versionNote ?note }
  OPTIONAL { ?c pg:categorisedBy ?by }
}"""
Q_LINKS = """
SELECT ?e ?claim ?citing ?cited ?stance ?attr ?locator ?exact ?via WHERE {
  ?e a pg:EvidenceLink .
  OPTIONAL { ?e pg:aboutClaim ?claim } OPTIONAL { ?e cito:hasCitingEntity ?citing }
  OPTIONAL { ?e cito:hasCitedEntity ?cited } OPTIONAL { ?e pg:stance ?stance }
  OPTIONAL { ?e pg:attribution ?attr } OPTIONAL { ?e pg:locator ?locator }
  OPTIONAL { ?e pg:quote/oa:hasSelector/oa:exact ?exact } OPTIONAL { ?e pg:via ?via }
}"""
Q_STUDY_COUNTS = """
SELECT ?x ?count ?outof ?finding WHERE {
  ?x pg:studyCount ?sc . ?sc pg:count ?count .
  OPTIONAL { ?sc pg:outOf ?outof } OPTIONAL { ?sc pg:finding ?finding }
}"""
Q_SETS = """
SELECT ?set ?label ?where WHERE { ?set a pg:ClaimSet .
  OPTIONAL { ?set rdfs:label ?label } OPTIONAL { ?set pg:where ?where } }"""
Q_MEMBERS = "SELECT ?set ?m WHERE { ?set a pg:ClaimSet ; skos:member ?m }"
Q_POSITIONS = "SELECT ?m ?pos WHERE { ?m pg:position ?pos }"
Q_POOLS = """
SELECT ?pool ?label ?review WHERE { ?pool a pg:PooledEvidenceBase .
  OPTIONAL { ?pool rdfs:label ?label } OPTIONAL { ?pool dcterms:source ?review } }"""
Q_POOL_MEMBERS = "SELECT ?pool ?m WHERE { ?pool a pg:PooledEvidenceBase ; prov:hadMember ?m }"
Q_CELLS = "SELECT ?c ?cell WHERE { ?c pg:qualityCategory ?cell }"
Q_DERIVED = "SELECT ?c ?src WHERE { ?c prov:wasDerivedFrom ?src }"
Q_CLAIM_QUOTE = "SELECT ?c ?exact WHERE { ?c rdfs:label ?l ; pg:quote/oa:hasSelector/oa:exact ?exact }"
Q_ADDRESSES = "SELECT ?a ?b WHERE { ?a pg:addresses ?b }"
Q_RELATED = "SELECT ?a ?b WHERE { ?a skos:related ?b }"


def _rows(store, query: str):
    from .store import run_sparql

    for sol in run_sparql(store, query):
        yield sol


def build_graph(store, *, check: bool = True):
    """Project the RDF store into the evidence ``MultiDiGraph``.

    With ``check`` (the default), evidence links naming a source not in ``sources.bib`` and benefits without a
    quality cell raise :class:`~partnergraph.errors.IntegrityError` / :class:`UnknownKeyError` (the CLI turns
    them into an error naming the line in ``claims.ttl``).
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    for cell in CELLS:
        dim = next(d for d in DIMENSIONS if cell.startswith(d))
        g.add_node("cell:" + cell, kind="quality_cell", label=f"{dim.lower()} / {cell[len(dim):].lower()}",
                   dimension=dim.lower(), level=cell[len(dim):].lower())
    for r in _rows(store, Q_SOURCES):
        name = node_name(r["s"].value)
        year = _v(r["year"]) or ""
        g.add_node(name, kind="source", key=r["key"].value, entry_type=r["type"].value, title=_v(r["title"]) or "",
                   year=year, status=r["status"].value.rsplit("#", 1)[-1].lower(), label=_v(r["label"]) or "",
                   evidence_type=(_v(r["etype"]) or "").rsplit("#", 1)[-1], review=bool(_v(r["seed"])),
                   seed_file=_v(r["seed"]) or "", doi=_v(r["doi"]) or "", missing=_v(r["missings"]) or "",
                   cited_in=node_name(_v(r["via"]))[7:] if r["via"] else "", ref_number=_v(r["ref"]) or "",
                   authors=())
    authors: dict[str, list[tuple[int, str]]] = {}
    for r in _rows(store, Q_AUTHORS):
        authors.setdefault(node_name(r["s"].value), []).append((int(r["i"].value), r["name"].value))
    for name, lst in authors.items():
        if name in g:
            g.nodes[name]["authors"] = tuple(n for _, n in sorted(lst))
    kinds = set(CLAIM_KINDS)
    for r in _rows(store, Q_CLAIMS):
        kind = r["kind"].value.rsplit("#", 1)[-1]
        if not r["kind"].value.startswith(PG) or kind not in kinds:
            continue
        name = node_name(r["c"].value)
        g.add_node(name, kind="claim", claim_kind=kind, label=_v(r["label"]) or "", where=_v(r["where"]) or "",
                   version_note=_v(r["note"]) or "", cells=(), derived_from=(), quote="",
                   cells_by=(_v(r["by"]) or "").rsplit("#", 1)[-1].replace("Assigned", "").lower())
    for r in _rows(store, Q_CLAIM_QUOTE):
        name = node_name(r["c"].value)
        if name in g:
            g.nodes[name]["quote"] = r["exact"].value
    for r in _rows(store, Q_DERIVED):
        c, src = node_name(r["c"].value), node_name(r["src"].value)
        if c in g:
            g.nodes[c]["derived_from"] += (src[7:] if src.startswith("source:") else src,)
            g.add_edge(c, src, key="derived_from", kind="derived_from")
    for r in _rows(store, Q_CELLS):
        c, cell = node_name(r["c"].value), node_name(r["cell"].value)
        if c in g:
            g.nodes[c]["cells"] += (cell[5:],)
            g.add_edge(c, cell, key="in_category", kind="in_category")
    for r in _rows(store, Q_SETS):
        g.add_node(node_name(r["set"].value), kind="claim_set", label=_v(r["label"]) or "",
                   where=_v(r["where"]) or "")
    positions = {node_name(r["m"].value): int(r["pos"].value) for r in _rows(store, Q_POSITIONS)}
    for r in _rows(store, Q_MEMBERS):
        s, m = node_name(r["set"].value), node_name(r["m"].value)
        g.add_edge(m, s, key="member_of", kind="member_of", position=positions.get(m, 0))
    for r in _rows(store, Q_POOLS):
        review = node_name(_v(r["review"]) or "")
        g.add_node(node_name(r["pool"].value), kind="pool", label=_v(r["label"]) or "",
                   review=review[7:] if review.startswith("source:") else review)
    for r in _rows(store, Q_POOL_MEMBERS):
        g.add_edge(node_name(r["m"].value), node_name(r["pool"].value), key="pooled_in", kind="pooled_in")
    study_counts: dict[str, list[dict]] = {}
    for r in _rows(store, Q_STUDY_COUNTS):
        study_counts.setdefault(node_name(r["x"].value), []).append(
            {"count": int(r["count"].value), "out_of": int(r["outof"].value) if r["outof"] else None,
             "finding": _v(r["finding"]) or ""})
    for r in _rows(store, Q_LINKS):
        e = node_name(r["e"].value)
        claim = node_name(_v(r["claim"]) or "")
        cited = node_name(_v(r["cited"]) or "")
        citing = node_name(_v(r["citing"]) or "")
        if check:
            for what, n in (("cited work", cited), ("citing work", citing), ("claim", claim)):
                if n not in g:
                    raise UnknownKeyError(None, None, f"evidence link {e} names a {what} '{n}' that does not "
                                                      "exist", hint=_missing_hint(n))
        via = node_name(_v(r["via"]) or "")
        g.add_edge(cited, claim, key=e, kind="evidences", evidence=e[9:],
                   stance=(_v(r["stance"]) or "").rsplit("#", 1)[-1].lower(),
                   attribution=(_v(r["attr"]) or "").rsplit("#", 1)[-1].lower(),
                   locator=_v(r["locator"]) or "", quote=_v(r["exact"]) or "",
                   citing=citing[7:] if citing.startswith("source:") else citing,
                   via=via[7:] if via.startswith("source:") else via,
                   study_counts=tuple(study_counts.get(e, ())))
    for name, sc in study_counts.items():
        if g.nodes.get(name, {}).get("kind") == "claim":
            g.nodes[name]["study_counts"] = tuple(sc)
    for q, key in ((Q_ADDRESSES, "addresses"), (Q_RELATED, "related")):
        for r in _rows(store, q):
            a, b = node_name(r["a"].value), node_name(r["b"].value)
            if a in g and b in g:
                g.add_edge(a, b, key=key, kind=key)
    if check:
        for n, d in g.nodes(data=True):
            if d.get("kind") == "claim" and d["claim_kind"] == "Benefit" and not d["cells"]:
                raise IntegrityError(None, None, f"benefit {n} has no quality category",
                                     hint="give it pg:qualityCategory, e.g. pg:EfficiencyOutput")
    g.graph["dimensions"] = DIMENSIONS
    g.graph["levels"] = LEVELS
    return g


def _missing_hint(name: str) -> str:
    if name.startswith("source:"):
        return f"add an entry '{name[7:]}' to sources.bib, or correct the key in claims.ttl"
    return "correct the IRI in claims.ttl"


def save_pickle(graph, path: Path) -> None:
    from .store import write_atomic_bytes

    write_atomic_bytes(path, pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))


def load_pickle(path: Path):
    with open(path, "rb") as fh:
        return pickle.load(fh)
