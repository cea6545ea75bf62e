"""``claims.ttl`` as an editable rdflib graph: parsed (by pyoxigraph, 10× faster than rdflib's parser) with the
file's leading comment lines kept, and written back sorted by :func:`partnergraph.files.turtle.serialize`.

May import: ``partnergraph.core`` and the other ``partnergraph.files`` modules (rdflib and pyoxigraph lazily).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from ..core.errors import ClaimSyntaxError
from ..core.namespaces import PGID
from .turtle import serialize, split_header

__all__ = [
    "XSD_STRING",
    "Claims",
    "exact_literal",
    "load_claims",
    "quiet_rdflib",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(slots=True)
class Claims:
    """claims.ttl as an rdflib graph, with the file's leading comment lines and its original body."""

    header: str
    graph: Any  # rdflib.Graph
    body: str = ""
    newline: str = "\n"  # the file's line ends: a CRLF file is written back CRLF

    def dump(self) -> bytes:
        text = self.header.replace("\r\n", "\n") + serialize(self.graph)
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return text.encode("utf-8")

    def churn(self, new: bytes) -> int:
        """How many lines of the old body the new file no longer has (an edit touches a few; a file that was
        not in serialiser form loses many)."""
        kept = set(new.decode("utf-8").splitlines())
        return sum(1 for line in self.body.splitlines() if line not in kept)


def load_claims(d) -> Claims:
    """Parse claims.ttl into an rdflib graph (pyoxigraph reads the Turtle: 10× faster than rdflib's parser)."""
    import pyoxigraph as ox
    import rdflib

    text = d.claims_text()
    header, body = split_header(text)
    g = rdflib.Graph()
    try:
        triples = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=PGID))
    except SyntaxError as exc:
        raise ClaimSyntaxError(d.claims_path, exc.lineno, f"Turtle syntax error: {exc.msg}",
                               hint="fix the Turtle at that line") from None

    def term(t):
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return exact_literal(t.value, None if dt == XSD_STRING else dt)

    with quiet_rdflib():
        for t in triples:
            g.add((term(t.subject), term(t.predicate), term(t.object)))
    return Claims(header, g, body, "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n")


def exact_literal(value: str, datatype: str | None = None, language: str | None = None):
    """An rdflib literal whose text is exactly ``value``, as written in the file.

    ``normalize=False`` keeps ``"007"^^xsd:integer`` and ``"1E10"^^xsd:double`` (rdflib would write ``7`` and
    ``10000000000.0``), but rdflib still collapses the whitespace of an ``xsd:token`` and an
    ``xsd:normalizedString``; such a literal is built without rdflib's constructor (it is a ``str`` with three
    slots)."""
    import rdflib

    if language:
        return rdflib.Literal(value, lang=language)
    dt = rdflib.URIRef(datatype) if datatype else None
    with quiet_rdflib():
        lit = rdflib.Literal(value, datatype=dt, normalize=False)
    if str(lit) == value:
        return lit
    lit = str.__new__(rdflib.Literal, value)
    lit._language, lit._datatype, lit._value, lit._ill_typed = None, dt, None, True
    return lit


@contextlib.contextmanager
def quiet_rdflib():
    """rdflib logs a traceback for every literal whose lexical form it cannot convert (``"abc"^^xsd:integer``);
    the text is kept as written and the rules of the data say whether it is acceptable, so stay quiet."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        log.setLevel(level)
