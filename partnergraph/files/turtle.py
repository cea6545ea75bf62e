"""Sorted, stable Turtle: the same triples always give the same bytes (diffable ``claims.ttl``).

Subjects are sorted by IRI; ``rdf:type`` then ``rdfs:label`` come first, other predicates sorted by their
prefixed name; objects sorted; blank nodes used once are written inline (``[ … ]``), nested as needed.

>>> import rdflib
>>> ttl = '<https://w3id.org/partnergraph/id/claim/b> a <https://w3id.org/partnergraph/ns#Benefit> .'
>>> g = rdflib.Graph().parse(data=ttl, format="turtle")
>>> print(serialize(g).splitlines()[-1])
claim:b a pg:Benefit .
"""

from __future__ import annotations

import re
from typing import Any

from ..core.namespaces import PGID, PREFIXES, RDF, RDFS, XSD

__all__ = [
    "PREFIX_ORDER",
    "find_subject_line",
    "serialize",
    "split_header",
]

_LOCAL_OK = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
PREFIX_ORDER = ["pg", "pgid", "source", "claim", "evidence", "set", "pool", "relation", "debate", "theme", "bibo", "cito", "dcterms", "foaf", "mp",
                "oa", "owl", "prov", "rdf", "rdfs", "skos", "xsd"]


def _iri(term: str) -> str:
    for p in sorted(PREFIXES, key=lambda p: -len(PREFIXES[p])):
        ns = PREFIXES[p]
        if term.startswith(ns):
            local = term[len(ns):]
            if local and _LOCAL_OK.match(local) and "//" not in local:
                return f"{p}:{local}"
    return f"<{term}>"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape(text: str) -> str:
    """Escape a string for a Turtle "…" literal: quotes, backslashes and every control character."""
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text)


def _literal(lit) -> str:
    value = str(lit)
    dt = str(lit.datatype) if lit.datatype is not None else None
    if dt == XSD + "integer" and re.fullmatch(r"[+-]?\d+", value):
        return value
    if dt == XSD + "boolean" and value in ("true", "false"):
        return value
    out = f'"{_escape(value)}"'
    if lit.language:
        return out + "@" + lit.language
    if dt and dt != XSD + "string":
        return out + "^^" + _iri(dt)
    return out


def serialize(graph) -> str:
    """Serialise an rdflib graph as sorted, stable Turtle with the project prefixes."""
    import rdflib

    bnode_refs: dict = {}
    for _, _, o in graph:
        if isinstance(o, rdflib.BNode):
            bnode_refs[o] = bnode_refs.get(o, 0) + 1
    inline = {b for b, n in bnode_refs.items() if n == 1}
    # a blank node in a cycle, or used as subject only, is written with a label
    used = set()
    for s, _, _ in graph:
        if isinstance(s, rdflib.BNode):
            used.add(s)

    def term(t, depth: int) -> str:
        if isinstance(t, rdflib.URIRef):
            return _iri(str(t))
        if isinstance(t, rdflib.Literal):
            return _literal(t)
        if t in inline and depth < 8:
            return body(t, depth + 1, inline_node=True)
        return "_:" + _bnode_label(t)

    def pred_key(p) -> tuple:
        ps = str(p)
        if ps == RDF + "type":
            return (0, "")
        if ps == RDFS + "label":
            return (1, "")
        return (2, _iri(ps))

    def obj_key(o, depth):
        return term(o, depth)

    labels: dict = {}

    def _bnode_label(b) -> str:
        if b not in labels:
            labels[b] = f"b{len(labels)}"
        return labels[b]

    def body(s, depth: int, inline_node: bool = False) -> Any:  # the node as text, or (top level) its parts
        preds = sorted(set(graph.predicates(s, None)), key=pred_key)
        indent = "    " * (depth + 1)
        parts = []
        for p in preds:
            objs = sorted(term(o, depth) for o in graph.objects(s, p))
            pstr = "a" if str(p) == RDF + "type" else _iri(str(p))
            parts.append(f"{pstr} " + ", ".join(objs))
        if inline_node:
            if len(parts) <= 2 and all("\n" not in x for x in parts):
                return "[ " + " ; ".join(parts) + " ]"
            return "[\n" + (" ;\n").join(indent + x for x in parts) + "\n" + "    " * depth + "]"
        return parts

    subjects = set(graph.subjects())
    named = sorted((s for s in subjects if isinstance(s, rdflib.URIRef)), key=str)
    loose = sorted((s for s in subjects if isinstance(s, rdflib.BNode) and s not in inline), key=str)
    out = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in PREFIX_ORDER if p in PREFIXES]
    out.append("")
    for s in named + loose:
        parts = body(s, 0)
        head = term(s, 0) if isinstance(s, rdflib.URIRef) else "_:" + _bnode_label(s)
        if len(parts) == 1:
            out.append(f"{head} {parts[0]} .")
        else:
            out.append(f"{head} {parts[0]} ;")
            for x in parts[1:-1]:
                out.append(f"    {x} ;")
            out.append(f"    {parts[-1]} .")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------- claims.ttl as a graph
def split_header(text: str) -> tuple[str, str]:
    """The leading comment (and blank) lines of a Turtle file, and the rest."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[:i]), "".join(lines[i:])


def find_subject_line(text: str, iri: str) -> int | None:
    """1-based line where ``iri`` is first written as a subject in Turtle ``text`` (full or prefixed form)."""
    forms = [f"<{iri}>"]
    for m in re.finditer(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>", text):
        if iri.startswith(m.group(2)):
            forms.append(f"{m.group(1)}:{iri[len(m.group(2)):]}")
    if iri.startswith(PGID):
        forms.append("pgid:" + iri[len(PGID):])
    best = None
    for form in forms:
        for mm in re.finditer(r"(?m)^[ \t]*" + re.escape(form) + r"(?=[\s;,.])", text):
            pos = mm.start()
            best = pos if best is None else min(best, pos)
            break
    if best is None:
        for form in forms:
            pos = text.find(form)
            if pos >= 0:
                best = pos if best is None else min(best, pos)
    return None if best is None else text.count("\n", 0, best) + 1
