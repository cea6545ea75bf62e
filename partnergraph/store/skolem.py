"""Blank nodes on a shared store: skolem IRIs that stay the same from one push to the next (RDF 1.1 §3.5).

A server keeps blank nodes under labels of its own, which differ from request to request and from pyoxigraph's,
so a graph with blank nodes (every quote selector in ``claims.ttl``) can be neither paged nor compared with the
files. :func:`skolemize` replaces each blank node with an IRI under :data:`GENID` derived from what surrounds it
— its triples, and theirs, up to :data:`ROUNDS` steps away — so the same ``claims.ttl`` always gives the same
IRIs, and an edit renames only the blank nodes near it (a push then sends only what changed).
:func:`deskolemize` turns those IRIs back into blank nodes: the graph read back is the graph pushed.

Blank nodes that nothing within :data:`ROUNDS` steps tells apart share a hash; they are numbered within it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["GENID", "ROUNDS", "deskolemize", "deskolemize_term", "skolemize"]

GENID = "https://w3id.org/partnergraph/.well-known/genid/"
ROUNDS = 4


def _key(term, colour) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.BlankNode):
        return "_:" + colour[term]
    return str(term)


def skolemize(triples: Iterable) -> list:
    """``triples`` (pyoxigraph ``Triple``/``Quad`` or ``(s, p, o)``) with every blank node replaced by its skolem
    IRI; returns a list of ``pyoxigraph.Triple``.

    >>> import pyoxigraph as ox
    >>> text = '<urn:e1> <urn:quote> [ <urn:exact> "trust" ] . <urn:e2> <urn:quote> [ <urn:exact> "vision" ] .'
    >>> a = skolemize(ox.parse(text, format=ox.RdfFormat.TURTLE))
    >>> b = skolemize(ox.parse(text, format=ox.RdfFormat.TURTLE))   # fresh blank nodes, the same IRIs
    >>> sorted(map(str, a)) == sorted(map(str, b)) and all(str(t.object).startswith("<" + GENID) for t in a
    ...                                                      if t.predicate.value == "urn:quote")
    True
    """
    import pyoxigraph as ox

    rows = [(t[0], t[1], t[2]) if isinstance(t, tuple) else (t.subject, t.predicate, t.object) for t in triples]
    out_edges: dict = defaultdict(list)
    in_edges: dict = defaultdict(list)
    for s, p, o in rows:
        if isinstance(s, ox.BlankNode):
            out_edges[s].append((p, o))
        if isinstance(o, ox.BlankNode):
            in_edges[o].append((s, p))
    nodes = set(out_edges) | set(in_edges)
    if not nodes:
        return [ox.Triple(s, p, o) for s, p, o in rows]
    colour = dict.fromkeys(nodes, "")
    for _ in range(ROUNDS):
        nxt = {}
        for b in nodes:
            h = hashlib.sha256(colour[b].encode())
            for part in sorted(f">{p}\x1f{_key(o, colour)}" for p, o in out_edges[b]):
                h.update(part.encode())
                h.update(b"\x1e")
            for part in sorted(f"<{_key(s, colour)}\x1f{p}" for s, p in in_edges[b]):
                h.update(part.encode())
                h.update(b"\x1e")
            nxt[b] = h.hexdigest()[:32]
        colour = nxt
    groups: dict = defaultdict(list)
    for b in nodes:
        groups[colour[b]].append(b)
    iri = {}
    for c, members in groups.items():
        if len(members) == 1:
            iri[members[0]] = ox.NamedNode(GENID + c)
        else:  # indistinguishable within ROUNDS steps: numbered (any order gives the same graph if automorphic)
            for i, b in enumerate(sorted(members, key=lambda n: n.value), 1):
                iri[b] = ox.NamedNode(f"{GENID}{c}n{i}")

    def sk(term):
        return iri[term] if isinstance(term, ox.BlankNode) else term

    return [ox.Triple(sk(s), p, sk(o)) for s, p, o in rows]


def deskolemize_term(term):
    """A skolem IRI made by :func:`skolemize` as a blank node; any other term as it is."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode("g" + term.value[len(GENID):])
    return term


def deskolemize(triples: Iterable) -> list:
    """``triples`` with the skolem IRIs of :func:`skolemize` turned back into blank nodes.

    >>> import pyoxigraph as ox
    >>> t = ox.Triple(ox.NamedNode("urn:e"), ox.NamedNode("urn:q"), ox.NamedNode(GENID + "ab12"))
    >>> deskolemize([t])[0].object
    <BlankNode value=gab12>
    """
    import pyoxigraph as ox

    return [ox.Triple(deskolemize_term(t.subject), t.predicate, deskolemize_term(t.object)) for t in triples]
