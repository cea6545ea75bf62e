"""RDF → a networkx ``MultiDiGraph`` (DESIGN §3): the graph every question is answered over.

Node names are stable and readable: ``source:gray1989``, ``claim:wr-trust``, ``set:wilder-factors``,
``pool:briefing-benefits``, ``cell:EfficiencyOutput``, ``theme:trust``. Every node has ``kind`` (source, claim,
claim_set, pool, quality_cell, theme, theme_group); claims also have ``claim_kind`` (Benefit, Barrier, …). Edge keys
say what an edge is: ``evidences`` (source or pool → claim, one per evidence link), ``member_of``, ``pooled_in``,
``in_category``, ``derived_from``, ``addresses``, ``related``, ``relates`` (claim → claim: one claim challenges,
qualifies or supports another; see :mod:`partnergraph.graph.synthesis`, which also gives every claim ``contested``
and the graph its ``debates``), and ``in_theme`` and ``in_group`` (:mod:`partnergraph.graph.themes`).
"""

from __future__ import annotations

from ..core.errors import IntegrityError, UnknownKeyError
from ..core.namespaces import CELLS, CLAIM_KINDS, DIMENSIONS, EVIDENCE_TYPES, LEVELS, PG, PGID
from ..files.bibtex import Person, key_list
from ..store.bibrdf import agent_iri, camel, normalise_doi
from ..store.embedded import DataStore, gc_paused, run_sparql
from ..store.rules import problems, source_keys
from .synthesis import add_synthesis
from .themes import add_themes

__all__ = [
    "Q_ADDRESSES",
    "Q_AUTHORS",
    "Q_CELLS",
    "Q_CLAIMS",
    "Q_CLAIM_QUOTE",
    "Q_DERIVED",
    "Q_LINKS",
    "Q_MEMBERS",
    "Q_POOLS",
    "Q_POOL_MEMBERS",
    "Q_POSITIONS",
    "Q_RELATED",
    "Q_SETS",
    "Q_SOURCES",
    "Q_STUDY_COUNTS",
    "build_graph",
    "node_iri",
    "node_name",
]

_PREFIXES = {
    PGID + "source/": "source:",
    PGID + "claim/": "claim:",
    PGID + "set/": "set:",
    PGID + "pool/": "pool:",
    PGID + "evidence/": "evidence:",
    PGID + "relation/": "relation:",
    PGID + "debate/": "debate:",
    PGID + "theme/": "theme:",
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


Q_SOURCES = """
SELECT ?s ?key ?type ?title ?year ?status ?label ?etype ?seed ?doi ?via ?ref ?missing WHERE {
  ?s pg:bibtexKey ?key ; pg:bibtexType ?type ; pg:status ?status .
  OPTIONAL { ?s dcterms:title ?title } OPTIONAL { ?s dcterms:issued ?year } OPTIONAL { ?s rdfs:label ?label }
  OPTIONAL { ?s pg:evidenceType ?etype } OPTIONAL { ?s pg:seedFile ?seed } OPTIONAL { ?s bibo:doi ?doi }
  OPTIONAL { ?s pg:missingField ?missing } OPTIONAL { ?s pg:asCitedIn ?via } OPTIONAL { ?s pg:refNumber ?ref }
}
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
Q_POSITIONS = "SELECT ?m ?pos WHERE { ?m pg:position ?pos FILTER(isLiteral(?pos)) }"
Q_POOLS = """
SELECT ?pool ?label ?review WHERE { ?pool a pg:PooledEvidenceBase .
  OPTIONAL { ?pool rdfs:label ?label } OPTIONAL { ?pool dcterms:source ?review } }"""
Q_POOL_MEMBERS = "SELECT ?pool ?m WHERE { ?pool a pg:PooledEvidenceBase ; prov:hadMember ?m }"
Q_CELLS = "SELECT ?c ?cell WHERE { ?c pg:qualityCategory ?cell }"
Q_DERIVED = "SELECT ?c ?src WHERE { ?c prov:wasDerivedFrom ?src }"
Q_CLAIM_QUOTE = "SELECT ?c ?exact WHERE { ?c rdfs:label ?l ; pg:quote/oa:hasSelector/oa:exact ?exact }"
Q_ADDRESSES = "SELECT ?a ?b WHERE { ?a pg:addresses ?b }"
Q_RELATED = "SELECT ?a ?b WHERE { ?a skos:related ?b }"


def _rows(store, query: str, n: int) -> list[tuple]:
    """The solutions of ``query`` as tuples of plain values (``None`` when unbound), sorted: the graph is built
    in one order whatever order the store (embedded or remote) returns them in."""
    out = [tuple(None if t is None else t.value for t in sol) for sol in run_sparql(store, query)]
    for row in out:
        if len(row) != n:
            raise ValueError(f"expected {n} columns from {query!r}")
    out.sort(key=lambda r: tuple("" if v is None else v for v in r))
    return out


def _last(iri: str | None) -> str:
    return (iri or "").rsplit("#", 1)[-1]


def _key_of(name: str) -> str:
    return name[7:] if name.startswith("source:") else name


def _source_nodes_from_rdf(g, store) -> None:
    """Source nodes from the RDF (a remote store, or data whose claims file also describes sources)."""
    by_s: dict[str, dict[str, set]] = {}
    cols = ("key", "type", "title", "year", "status", "label", "etype", "seed", "doi", "via", "ref", "missing")
    for row in _rows(store, Q_SOURCES, 13):
        d = by_s.setdefault(row[0], {c: set() for c in cols})
        for c, v in zip(cols, row[1:], strict=True):
            if v is not None:
                d[c].add(v)
    for iri in sorted(by_s):
        d = {c: sorted(v) for c, v in by_s[iri].items()}

        def first(c, d=d):
            return d[c][0] if d[c] else ""

        g.add_node(node_name(iri), kind="source", key=first("key"), entry_type=first("type"), title=first("title"),
                   year=first("year"), status=_last(first("status")).lower(), label=first("label"),
                   evidence_type=_last(first("etype")), review=bool(first("seed")), seed_file=first("seed"),
                   doi=first("doi"), missing=", ".join(d["missing"]),
                   cited_in=_key_of(node_name(first("via"))) if d["via"] else "", ref_number=first("ref"),
                   authors=())
    authors: dict[str, list[tuple[int, str]]] = {}
    for s, i, name in _rows(store, Q_AUTHORS, 3):
        authors.setdefault(node_name(s), []).append((int(i), name))
    for name, lst in authors.items():
        if name in g:
            g.nodes[name]["authors"] = tuple(n for _, n in sorted(lst))


def _source_nodes_from_library(g, library) -> None:
    """Source nodes straight from the parsed bibliography: the same attributes :func:`_source_nodes_from_rdf`
    reads back from the triples :func:`partnergraph.store.bibrdf.source_triples` makes, without a store round trip
    (at 100k sources the store would hold 1.9M triples before a single question is asked)."""
    # an agent IRI is shared by every name that slugs to it; the RDF path sees all those names
    names: dict[str, set[str]] = {}
    for s in library.sources:
        for person in s.authors + s.editors:
            names.setdefault(agent_iri(person), set()).add(person.display)
        f = s.fields
        publisher = f.get("publisher") or f.get("institution") or f.get("organization") or f.get("school")
        if publisher:
            org = Person(publisher, organisation=True)
            names.setdefault(agent_iri(org), set()).add(org.display)
    for s in sorted(library.sources, key=lambda s: s.key):  # the order of their IRIs (one common prefix)
        f = s.fields
        et = f.get("evidencetype", "").strip().lower()
        vias = sorted(set(key_list(f.get("citedin", ""))))
        authors = sorted((i, n) for i, p in enumerate(s.authors, 1) for n in names[agent_iri(p)])
        g.add_node("source:" + s.key, kind="source", key=s.key, entry_type=s.entry_type, title=f.get("title", ""),
                   year=s.year, status=s.status.lower(), label=s.short_citation,
                   evidence_type=EVIDENCE_TYPES.get(et, camel(et)) if et else "",
                   review=bool(f.get("seedfile")), seed_file=f.get("seedfile", ""),
                   doi=normalise_doi(f["doi"]) if f.get("doi") else "", missing=", ".join(sorted(set(s.missing))),
                   cited_in=vias[0] if vias else "", ref_number=f.get("refnumber", ""),
                   authors=tuple(n for _, n in authors))


def build_graph(store, *, check: bool = True):
    """Project the RDF store into the evidence ``MultiDiGraph``.

    With ``check`` (the default), evidence links naming a source not in ``sources.bib`` and benefits without a
    quality cell raise :class:`~partnergraph.core.errors.IntegrityError` / :class:`UnknownKeyError` (the CLI turns
    them into an error naming the line in ``claims.ttl``). Nodes and edges are added in a sorted order, so the
    same data gives the same graph from the files or from a remote store.
    """
    import networkx as nx

    if check:  # the rules of the data, the same set validate (and so every writer) checks
        plain = store.without_sources() if isinstance(store, DataStore) and store.library is not None else store
        first = next(problems(plain, source_keys(store)), None)
        if first is not None:
            err = IntegrityError(None, None, first.message, hint=first.hint or None)
            err.iri, err.rule = first.iri, first.rule
            raise err
    with gc_paused():
        g = nx.MultiDiGraph()
        for cell in CELLS:
            dim = next(d for d in DIMENSIONS if cell.startswith(d))
            g.add_node("cell:" + cell, kind="quality_cell", label=f"{dim.lower()} / {cell[len(dim):].lower()}",
                       dimension=dim.lower(), level=cell[len(dim):].lower())
        if isinstance(store, DataStore) and store.library is not None and not store.claims_describe_sources():
            _source_nodes_from_library(g, store.library)
            store = store.without_sources()
        else:
            _source_nodes_from_rdf(g, store)
        _claim_nodes_and_edges(g, store, check)
        add_themes(g, store, check)
    return g


def _claim_nodes_and_edges(g, store, check: bool) -> None:
    kinds = set(CLAIM_KINDS)
    for c, kind_iri, label, where, note, by in _rows(store, Q_CLAIMS, 6):
        kind = _last(kind_iri)
        if not kind_iri.startswith(PG) or kind not in kinds:
            continue
        g.add_node(node_name(c), kind="claim", claim_kind=kind, label=label or "", where=where or "",
                   version_note=note or "", cells=(), derived_from=(), quote="",
                   cells_by=_last(by).replace("Assigned", "").lower())
    for c, exact in _rows(store, Q_CLAIM_QUOTE, 2):
        name = node_name(c)
        if name in g:
            g.nodes[name]["quote"] = exact
    for c, src in _rows(store, Q_DERIVED, 2):
        c, src = node_name(c), node_name(src)
        if c in g:
            g.nodes[c]["derived_from"] += (_key_of(src),)
            g.add_edge(c, src, key="derived_from", kind="derived_from")
    cell_order = {c: i for i, c in enumerate(CELLS)}
    for c, cell in sorted(_rows(store, Q_CELLS, 2), key=lambda r: (r[0], cell_order.get(node_name(r[1])[5:], 99),
                                                                       r[1])):
        c, cell = node_name(c), node_name(cell)
        if c in g:
            g.nodes[c]["cells"] += (cell[5:],)
            g.add_edge(c, cell, key="in_category", kind="in_category")
    for s, label, where in _rows(store, Q_SETS, 3):
        g.add_node(node_name(s), kind="claim_set", label=label or "", where=where or "")
    positions = {node_name(m): int(pos) for m, pos in _rows(store, Q_POSITIONS, 2)}
    for s, m in _rows(store, Q_MEMBERS, 2):
        s, m = node_name(s), node_name(m)
        g.add_edge(m, s, key="member_of", kind="member_of", position=positions.get(m, 0))
    for pool, label, review in _rows(store, Q_POOLS, 3):
        g.add_node(node_name(pool), kind="pool", label=label or "", review=_key_of(node_name(review or "")))
    for pool, m in _rows(store, Q_POOL_MEMBERS, 2):
        g.add_edge(node_name(m), node_name(pool), key="pooled_in", kind="pooled_in")
    study_counts: dict[str, list[dict]] = {}
    for x, cnt, outof, finding in _rows(store, Q_STUDY_COUNTS, 4):
        study_counts.setdefault(node_name(x), []).append(
            {"count": int(cnt), "out_of": int(outof) if outof else None, "finding": finding or ""})
    for e, claim, citing, cited, stance, attr, locator, exact, via in _rows(store, Q_LINKS, 9):
        e = node_name(e)
        claim, cited, citing = node_name(claim or ""), node_name(cited or ""), node_name(citing or "")
        if check:
            for what, n in (("cited work", cited), ("citing work", citing), ("claim", claim)):
                if n not in g:
                    raise UnknownKeyError(None, None, f"evidence link {e} names a {what} '{n}' that does not "
                                                      "exist", hint=_missing_hint(n))
        g.add_edge(cited, claim, key=e, kind="evidences", evidence=e[9:], stance=_last(stance).lower(),
                   attribution=_last(attr).lower(), locator=locator or "", quote=exact or "",
                   citing=_key_of(citing), via=_key_of(node_name(via or "")),
                   study_counts=tuple(study_counts.get(e, ())))
    for name, sc in study_counts.items():
        if g.nodes.get(name, {}).get("kind") == "claim":
            g.nodes[name]["study_counts"] = tuple(sc)
    for q, key in ((Q_ADDRESSES, "addresses"), (Q_RELATED, "related")):
        for a, b in _rows(store, q, 2):
            a, b = node_name(a), node_name(b)
            if a in g and b in g:
                g.add_edge(a, b, key=key, kind=key)
    add_synthesis(g, store, node_name, check)
    if check:
        for n, d in g.nodes(data=True):
            if d.get("kind") == "claim" and d["claim_kind"] == "Benefit" and not d["cells"]:
                raise IntegrityError(None, None, f"benefit {n} has no quality category",
                                     hint="give it pg:qualityCategory, e.g. pg:EfficiencyOutput")
    g.graph["dimensions"] = DIMENSIONS
    g.graph["levels"] = LEVELS


def _missing_hint(name: str) -> str:
    if name.startswith("source:"):
        return f"add an entry '{name[7:]}' to sources.bib, or correct the key in claims.ttl"
    return "correct the IRI in claims.ttl"


