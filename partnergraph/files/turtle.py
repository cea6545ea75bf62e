"""Sorted, stable Turtle: the same triples always give the same bytes (diffable ``claims.ttl``).

Subjects are sorted by IRI; ``rdf:type`` then ``rdfs:label`` come first, other predicates sorted by their
prefixed name; objects sorted; blank nodes used once are written inline (``[ … ]``, to a depth of 8, deeper
ones as labelled blocks of their own), RDF lists as collections (``( … )``); every triple is written, whatever
the shape.

>>> import rdflib
>>> ttl = '<https://w3id.org/partnergraph/id/claim/b> a <https://w3id.org/partnergraph/ns#Benefit> .'
>>> g = rdflib.Graph().parse(data=ttl, format="turtle")
>>> print(serialize(g).splitlines()[-1])
claim:b a pg:Benefit .
"""

from __future__ import annotations

import bisect
import re

from ..core.namespaces import PGID, PREFIXES, RDF, RDFS, XSD

__all__ = [
    "PREFIX_ORDER",
    "TurtleLines",
    "find_control_line",
    "find_problem_line",
    "find_subject_line",
    "serialize",
    "split_header",
]

_LOCAL_OK = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
PREFIX_ORDER = ["pg", "pgid", "source", "claim", "evidence", "set", "pool", "relation", "debate", "theme",
                "bibo", "cito", "dcterms", "foaf", "mp", "oa", "owl", "prov", "rdf", "rdfs", "skos", "xsd"]


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


_MAX_INLINE_DEPTH = 8  # deeper single-use blank nodes are written as labelled blocks of their own
_PLACEHOLDER = "\x00"  # marks a blank-node label in the text until labels are numbered in order of appearance


def serialize(graph) -> str:
    """Serialise an rdflib graph as sorted, stable Turtle with the project prefixes.

    Every triple is written, whatever the shape: a blank node used once is written inline (``[ … ]``) up to a
    depth of 8 and as a labelled block of its own below that; a well-formed RDF list as a collection
    (``( … )``); a blank node used twice, or in a cycle, with a label ``_:bN`` and a block of its own. Labels are
    numbered in the order they appear in the text.
    """
    import rdflib

    rdf_first, rdf_rest, rdf_nil = rdflib.RDF.first, rdflib.RDF.rest, rdflib.RDF.nil
    refs: dict = {}
    for _, _, o in graph:
        if isinstance(o, rdflib.BNode):
            refs[o] = refs.get(o, 0) + 1
    subjects = set(graph.subjects())
    written: set = set()  # blank nodes whose triples are in the text (inline or as a block)
    queued: list = []  # labelled blank nodes still to be written as blocks
    queued_set: set = set()
    names: dict = {}  # blank node → placeholder id

    def label(b) -> str:
        if b not in names:
            names[b] = len(names)
        return f"_:{_PLACEHOLDER}{names[b]}{_PLACEHOLDER}"

    def defer(b) -> str:
        if b not in written and b not in queued_set and b in subjects:
            queued.append(b)
            queued_set.add(b)
        return label(b)

    def list_items(head) -> list | None:
        """The items of the well-formed RDF list starting at ``head`` (each node only rdf:first and rdf:rest,
        used once, no cycle, ending in rdf:nil), or ``None``."""
        items, node, seen = [], head, set()
        while node != rdf_nil:
            if not isinstance(node, rdflib.BNode) or node in seen or node in written or refs.get(node, 0) != 1:
                return None
            preds = list(graph.predicate_objects(node))
            if len(preds) != 2 or {p for p, _ in preds} != {rdf_first, rdf_rest}:
                return None
            seen.add(node)
            items.append(next(o for p, o in preds if p == rdf_first))
            node = next(o for p, o in preds if p == rdf_rest)
        return items if items else None

    def term(t, depth: int, stack: tuple) -> str:
        if isinstance(t, rdflib.URIRef):
            return _iri(str(t))
        if isinstance(t, rdflib.Literal):
            return _literal(t)
        if refs.get(t, 0) != 1 or t in written or t in stack or depth >= _MAX_INLINE_DEPTH:
            return defer(t)
        if t not in subjects:
            written.add(t)
            return "[]"
        items = list_items(t)
        if items is not None:
            node = t
            while node != rdf_nil:
                written.add(node)
                node = graph.value(node, rdf_rest)
            return "( " + " ".join(term(i, depth + 1, (*stack, t)) for i in items) + " )"
        written.add(t)
        return body(t, depth + 1, (*stack, t), inline_node=True)

    def pred_key(p) -> tuple:
        ps = str(p)
        if ps == RDF + "type":
            return (0, "")
        if ps == RDFS + "label":
            return (1, "")
        return (2, _iri(ps))

    def body(s, depth: int, stack: tuple, inline_node: bool = False):
        preds = sorted(set(graph.predicates(s, None)), key=pred_key)
        indent = "    " * (depth + 1)
        parts = []
        for p in preds:
            objs = sorted((term(o, depth, stack) for o in graph.objects(s, p)), key=_sort_key)
            pstr = "a" if str(p) == RDF + "type" else _iri(str(p))
            parts.append(f"{pstr} " + ", ".join(objs))
        if inline_node:
            if len(parts) <= 2 and all("\n" not in x for x in parts):
                return "[ " + " ; ".join(parts) + " ]"
            return "[\n" + (" ;\n").join(indent + x for x in parts) + "\n" + "    " * depth + "]"
        return parts

    def block(head: str, parts: list[str]) -> list[str]:
        if len(parts) == 1:
            return [f"{head} {parts[0]} .", ""]
        lines = [f"{head} {parts[0]} ;"]
        lines += [f"    {x} ;" for x in parts[1:-1]]
        return lines + [f"    {parts[-1]} .", ""]

    out = [f"@prefix {p}: <{PREFIXES[p]}> ." for p in PREFIX_ORDER if p in PREFIXES]
    out.append("")

    def drain() -> None:
        while queued:
            b = queued.pop(0)
            if b in written:
                continue
            written.add(b)
            out.extend(block(label(b), body(b, 0, (b,))))

    for s in sorted((s for s in subjects if isinstance(s, rdflib.URIRef)), key=str):
        out.extend(block(_iri(str(s)), body(s, 0, ())))
        drain()
    # blank nodes no single reference reaches: subjects only, shared ones, and cycles of single-use nodes
    rest = [b for b in subjects if isinstance(b, rdflib.BNode) and b not in written]
    rest.sort(key=lambda b: (refs.get(b, 0) == 1, _shape(graph, b)))
    for b in rest:
        if b not in written:
            defer(b)
            drain()
    return _number_labels("\n".join(out).rstrip("\n") + "\n")


def _sort_key(text: str) -> str:
    return re.sub(_PLACEHOLDER + r"\d+" + _PLACEHOLDER, "", text)


def _shape(graph, b) -> str:
    """A blank node's own triples as text, blank nodes masked: an order for nodes nothing else places."""
    import rdflib

    return "\n".join(sorted(f"{p} {'_' if isinstance(o, rdflib.BNode) else o.n3()}"
                            for p, o in graph.predicate_objects(b)))


def _number_labels(text: str) -> str:
    numbers: dict[str, str] = {}

    def repl(m: re.Match) -> str:
        return numbers.setdefault(m.group(1), f"b{len(numbers)}")

    return re.sub(_PLACEHOLDER + r"(\d+)" + _PLACEHOLDER, repl, text)


def split_header(text: str) -> tuple[str, str]:
    """The leading comment (and blank) lines of a Turtle file, and the rest."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[:i]), "".join(lines[i:])


_PREFIX_DECL = re.compile(r"@prefix\s+([A-Za-z0-9_-]*):\s*<([^>]*)>")
_TERM = r"<[^>\s]*>|[A-Za-z0-9_-]*:[^\s;,()\[\]\"'<>]*"
_SUBJECT = re.compile(rf"(?m)^[ \t]*({_TERM})")
_ANY_TERM = re.compile(_TERM)


class TurtleLines:
    r"""Where each IRI is written in a Turtle text, indexed once: the ONE place that locates Turtle lines.

    ``line_of(iri)`` is the 1-based line where ``iri`` is first written at the start of a line (as a subject),
    in full (``<…>``) or with a prefix the text declares; failing that, the first line that names it anywhere.
    Building the index reads the text once, so locating thousands of findings costs one pass, not one each.

    >>> t = TurtleLines("@prefix claim: <https://w3id.org/partnergraph/id/claim/> .\n\n"
    ...                 "claim:x a pg:Benefit ;\n    pg:addresses claim:y .\n")
    >>> t.line_of("https://w3id.org/partnergraph/id/claim/x"), t.line_of("https://w3id.org/partnergraph/id/claim/y")
    (3, 4)
    """

    def __init__(self, text: str):
        self._text = text
        self._prefixes = {p: iri for p, iri in _PREFIX_DECL.findall(text)}
        self._prefixes.setdefault("pgid", PGID)
        self._starts: list[int] | None = None
        self._subjects = self._index(_SUBJECT.finditer(text), group=1)
        self._anywhere: dict[str, int] | None = None

    def _expand(self, token: str) -> str | None:
        if token.startswith("<"):
            return token[1:-1]
        prefix, _, local = token.partition(":")
        ns = self._prefixes.get(prefix)
        local = local.rstrip(".")
        return None if ns is None or not local and token.endswith(".") else ns + local

    def _line(self, pos: int) -> int:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        return bisect.bisect_right(self._starts, pos)

    def _index(self, matches, group: int = 0) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in matches:
            iri = self._expand(m.group(group))
            if iri is not None and iri not in out:
                out[iri] = m.start(group)
        return out

    def line_of(self, iri: str) -> int | None:
        pos = self._subjects.get(iri)
        if pos is None:
            if self._anywhere is None:
                self._anywhere = self._index(_ANY_TERM.finditer(self._text))
            pos = self._anywhere.get(iri)
        return None if pos is None else self._line(pos)


def find_subject_line(text: str, iri: str) -> int | None:
    """1-based line where ``iri`` is first written as a subject in Turtle ``text`` (full or prefixed form); for
    many look-ups in one text build a :class:`TurtleLines` once."""
    return TurtleLines(text).line_of(iri)


_CONTROL_IN_TURTLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
                                r"|(?<!\\)\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])"
                                r"|(?<!\\)\\U0000(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")


def find_control_line(text: str) -> int | None:
    """1-based line of the first control character in Turtle ``text``, raw or escaped (``\\u0001``)."""
    m = _CONTROL_IN_TURTLE.search(text)
    return None if m is None else text.count("\n", 0, m.start()) + 1


def find_problem_line(text: str, iri: str, rule: str = "") -> int | None:
    """Where a broken rule of the data is in claims.ttl ``text``: the control character itself, else the subject
    ``iri``."""
    if rule == "control-character":
        line = find_control_line(text)
        if line:
            return line
    return find_subject_line(text, iri) if iri else None
