"""What a SHACL run can read: the predicates of the data triples the shapes (and their SPARQL) can look at.

A validation only ever matches triples by predicate: a core constraint follows the predicates of its paths
(``sh:path``, ``sh:inversePath``, ``sh:equals`` …, every one an IRI of the shapes graph), ``sh:class`` and
``sh:targetClass`` read ``rdf:type`` and ``rdfs:subClassOf``, and a SPARQL query reads the predicates of its
triple patterns and property paths. So a data triple whose predicate none of these names cannot change a result,
and the sources' triples (most of the data at 100k sources: titles, authors, journals) need not be given to the
engine at all. Whatever cannot be bounded this way reads everything (``None``): a query with a variable
predicate, a negated property set, ``GRAPH`` or ``SERVICE``; a query rdflib cannot parse; a shapes graph using
anything of SHACL beyond the core constraints and SPARQL targets (``sh:closed`` looks at every predicate of a
node, a custom constraint component or a rule does what it likes).

What a query reads is remembered in the cache folder (``sparql-reads.json``, keyed by the query's text and this
module's own), so that rdflib is imported only the first time a query is seen: its import and parser are most of
what a validation of the bundled data would add.

>>> sorted(query_reads("SELECT ?x WHERE { ?x a/<http://ex/p>* <http://ex/C> }"))
['http://ex/p', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type']
>>> query_reads("SELECT ?x WHERE { ?x ?p ?o }") is None
True
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from ..core.namespaces import RDF, RDFS, SH
from ..files.answers import cache_dir
from ..files.atomic import write_atomic_bytes

__all__ = ["CLASS_READS", "query_reads", "shapes_read", "with_queries"]

#: what ``sh:class``, ``sh:targetClass`` and an implicit class target read
CLASS_READS = frozenset({RDF + "type", RDFS + "subClassOf"})

#: the parts of SHACL whose reads are the IRIs of the shapes graph (plus CLASS_READS and the SPARQL they hold);
#: a shapes graph with any other ``sh:`` predicate is taken to read everything
_CORE = {SH + p for p in (
    "targetClass targetNode targetSubjectsOf targetObjectsOf target select ask prefixes declare prefix namespace "
    "property path inversePath alternativePath zeroOrMorePath oneOrMorePath zeroOrOnePath class datatype nodeKind "
    "minCount maxCount minExclusive minInclusive maxExclusive maxInclusive minLength maxLength pattern flags "
    "languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone node qualifiedValueShape "
    "qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint hasValue in message severity deactivated "
    "name description order group defaultValue sparql").split()}


def shapes_read(shapes, queries: Mapping | None = None) -> frozenset[str] | None:
    """The predicates of data triples that validating against ``shapes`` (a pyoxigraph store holding the shapes
    graph) can read, or ``None`` for all of them. ``queries`` maps each node of the shapes graph with an
    ``sh:select``/``sh:ask`` to the text that is run for it (with its ``sh:prefixes`` declared), where a caller
    has it; otherwise the query text itself is analysed."""
    import pyoxigraph as ox

    iris: set[str] = set(CLASS_READS)
    texts: list[str] = []
    for q in shapes:
        p = q.predicate.value
        if p.startswith(SH) and p not in _CORE:
            return None
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
        if p in (SH + "select", SH + "ask"):
            texts.append((queries or {}).get(q.subject) or q.object.value)
    return with_queries(iris, texts)


def with_queries(iris, texts) -> frozenset[str] | None:
    """``iris`` and every predicate the SPARQL ``texts`` can read, or ``None`` when one of them can read anything."""
    found = set(iris)
    for text in texts:
        reads = query_reads(text)
        if reads is None:
            return None
        found |= reads
    return frozenset(found)


def query_reads(text: str) -> frozenset[str] | None:
    """The predicates of the triples a SPARQL query can match (from rdflib's algebra of it), or ``None`` when it
    can match a triple of any predicate or cannot be parsed."""
    key = hashlib.sha256(_salt() + text.encode("utf-8")).hexdigest()
    use_disk = os.environ.get("PARTNERGRAPH_NO_CACHE") is None
    path = cache_dir() / "sparql-reads.json"
    known: dict = {}
    if use_disk:
        try:
            known = json.loads(path.read_bytes())
        except (OSError, ValueError):
            known = {}
        if not isinstance(known, dict):
            known = {}
        if key in known and (known[key] is None or isinstance(known[key], list)):
            return None if known[key] is None else frozenset(map(str, known[key]))
    reads = _analysed(text)
    if use_disk:
        known[key] = None if reads is None else sorted(reads)
        try:
            write_atomic_bytes(path, json.dumps(known, sort_keys=True).encode("utf-8"))
        except Exception:  # a read-only cache only costs speed
            pass
    return reads


@functools.cache
def _salt() -> bytes:
    """This module's text: what a query reads is worked out again when the way it is worked out changes."""
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


@functools.lru_cache(maxsize=256)
def _analysed(text: str) -> frozenset[str] | None:
    from rdflib import URIRef
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # rdflib reads less SPARQL than pyoxigraph: not bounded, then
        return None
    found: set[str] = set()

    def path(p) -> bool:
        if isinstance(p, URIRef):
            found.add(str(p))
            return True
        if isinstance(p, InvPath):
            return path(p.arg)
        if isinstance(p, (SequencePath, AlternativePath)):
            return all(path(a) for a in p.args)
        if isinstance(p, MulPath):
            return path(p.path)
        return False  # a variable, a negated property set, a path as parsed: any predicate (or not known)

    def walk(node) -> bool:
        if isinstance(node, CompValue):
            if node.name in ("Graph", "GraphGraphPattern", "ServiceGraphPattern"):
                return False
            # a BGP, or a pattern rdflib leaves as parsed (the group of an EXISTS): its predicates as written
            if "triples" in node and not all(len(t) == 3 and path(t[1]) for t in node["triples"]):
                return False
            return all(walk(v) for v in node.values())
        if isinstance(node, (list, tuple, set, frozenset)):
            return all(walk(v) for v in node)
        return True

    return frozenset(found) if walk(algebra) else None
