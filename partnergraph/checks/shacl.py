"""SHACL: the shapes files, run the fast way, with pySHACL as the reference the tests compare against.

The fast way is the Rust engine of the ``shacl`` package (pwin/SHACL_Engine) for everything the shapes say,
except the SPARQL-based constraints (``sh:sparql``) of node shapes that have targets of their own: those run in
pyoxigraph, once per focus node with ``$this`` pre-bound (``substitutions``), on the store already loaded. The
engine answers a triple pattern that binds only its predicate by scanning the whole graph, once per focus node,
which makes a SPARQL constraint quadratic; pyoxigraph has the index. A constraint that is nested in another shape,
sits on a property shape, or whose query needs more of SHACL's pre-binding than ``$this`` in patterns
(``bound()``, ``$shapesGraph``, ``$currentShape``, ``VALUES``, ``MINUS``, ``SERVICE``, a subquery) stays with
the engine. Nothing here knows a particular shape: whatever the shapes files declare is run.

Results come back as :class:`ShaclResult`; a result about a blank node (a quote) names the node that holds it.

>>> ShaclResult("https://w3id.org/partnergraph/id/pool/p1", "Violation", "PoolShape", "MinCountConstraintComponent",
...             "http://www.w3.org/ns/prov#hadMember", "A pooled evidence base has at least two member sources.").error
True
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass

from ..core.errors import PartnergraphError
from ..core.namespaces import PGID, RDF, RDFS, SH, XSD
from ..files.bibtex import BibLibrary
from ..store.bibrdf import Lit, source_triples
from ..store.embedded import GRAPH_SOURCES, sources_nquads_chunks
from .reads import CLASS_READS, shapes_read, with_queries

SKOLEM = "urn:x-partnergraph:bnode:"


@dataclass(frozen=True, slots=True)
class ShaclResult:
    """One SHACL validation result: the focus node (an IRI; for a blank node, the node that holds it), the
    severity (``Violation``, ``Warning`` or ``Info``), the named shape it comes from, the constraint component,
    the result path (an IRI, or ``None``) and the message."""

    focus: str
    severity: str
    shape: str | None
    component: str
    path: str | None
    message: str

    @property
    def error(self) -> bool:
        return self.severity == "Violation"


_UNSAFE = re.compile(r"(?i)\bbound\s*\(|[?$](shapesGraph|currentShape)\b|\bVALUES\b|\bMINUS\b|\bSERVICE\b")
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")


def _local(iri: str | None) -> str | None:
    return None if iri is None else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _union_ntriples(store) -> bytes:
    import pyoxigraph as ox

    return b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in store.named_graphs())


# ------------------------------------------------------------------ the fast way
def _sh(local: str):
    import pyoxigraph as ox

    return ox.NamedNode(SH + local)


def _objects(g, s, p) -> list:
    return [q.object for q in g.quads_for_pattern(s, p, None)]


def _rdf_list(g, head) -> list:
    import pyoxigraph as ox

    first, rest, nil = (ox.NamedNode(RDF + x) for x in ("first", "rest", "nil"))
    out: list = []
    while head != nil and len(out) < 100_000:
        item = _objects(g, head, first)
        if not item:
            break
        out.append(item[0])
        nxt = _objects(g, head, rest)
        head = nxt[0] if nxt else nil
    return out


def _is_true(terms: list) -> bool:
    return any(t.value == "true" and getattr(t, "datatype", None) is not None
               and t.datatype.value == XSD + "boolean" for t in terms)


@dataclass(frozen=True, slots=True)
class _Job:
    shape: object
    query: str
    messages: tuple[str, ...]
    severity: str


def _plan(shapes) -> tuple[list, list[_Job]]:
    """The ``sh:sparql`` triples pyoxigraph takes over from the engine, and what to run for each."""
    import pyoxigraph as ox

    nested = set()
    for p in ("node", "property", "qualifiedValueShape", "not"):
        nested |= {q.object for q in shapes.quads_for_pattern(None, _sh(p), None)}
    for p in ("or", "and", "xone"):
        for q in shapes.quads_for_pattern(None, _sh(p), None):
            nested |= set(_rdf_list(shapes, q.object))
    is_class = ox.NamedNode(RDFS + "Class")
    taken, jobs = [], []
    for q in list(shapes.quads_for_pattern(None, _sh("sparql"), None)):
        shape, c = q.subject, q.object
        if shape in nested or _objects(shapes, shape, _sh("path")):
            continue
        if is_class not in _objects(shapes, shape, ox.NamedNode(RDF + "type")) and not any(
                _objects(shapes, shape, _sh(t)) for t in _TARGETS):
            continue
        selects = _objects(shapes, c, _sh("select"))
        if len(selects) != 1:
            continue
        text = selects[0].value
        if (_UNSAFE.search(text) or len(re.findall(r"(?i)\bSELECT\b", text)) != 1
                or not re.search(r"(?is)\bSELECT\b[^{]*[?$]this\b", text)):
            continue
        taken.append(q)
        if _is_true(_objects(shapes, c, _sh("deactivated"))) or _is_true(_objects(shapes, shape, _sh("deactivated"))):
            continue
        messages = tuple(m.value for m in _objects(shapes, c, _sh("message"))) or tuple(
            m.value for m in _objects(shapes, shape, _sh("message")))
        sev = _objects(shapes, shape, _sh("severity"))
        jobs.append(_Job(shape, _query_text(shapes, c), messages,
                         (_local(sev[0].value) if sev else None) or "Violation"))
    return taken, jobs


def _query_text(shapes, node) -> str:
    """The ``sh:select`` (or ``sh:ask``) of ``node`` with the prefixes its ``sh:prefixes`` declare."""
    header = ""
    for owner in _objects(shapes, node, _sh("prefixes")):
        for decl in _objects(shapes, owner, _sh("declare")):
            pre, ns = _objects(shapes, decl, _sh("prefix")), _objects(shapes, decl, _sh("namespace"))
            if pre and ns:
                header += f"PREFIX {pre[0].value}: <{ns[0].value}>\n"
    text = _objects(shapes, node, _sh("select")) or _objects(shapes, node, _sh("ask"))
    return header + (text[0].value if text else "")


def _jobs_read(shapes, jobs: list[_Job]) -> frozenset[str] | None:
    """The predicates of data triples the SPARQL constraints pyoxigraph runs can read, focus nodes included
    (what :func:`_focus_nodes` and :func:`_run_job` query), or ``None`` for all."""
    import pyoxigraph as ox

    found: set[str] = set()
    queries = []
    for job in jobs:
        queries.append(job.query)
        if _objects(shapes, job.shape, _sh("targetClass")) or ox.NamedNode(RDFS + "Class") in _objects(
                shapes, job.shape, ox.NamedNode(RDF + "type")):
            found |= CLASS_READS
        for t in ("targetSubjectsOf", "targetObjectsOf"):
            found.update(p.value for p in _objects(shapes, job.shape, _sh(t)))
        for t in _objects(shapes, job.shape, _sh("target")):
            queries.extend(sel.value for sel in _objects(shapes, t, _sh("select")))
    return with_queries(found, queries)


def _focus_nodes(data, shapes, shape) -> list:
    import pyoxigraph as ox

    found: dict = {}

    def add(nodes) -> None:
        for n in nodes:
            found.setdefault(n, None)

    def select(q: str, var: str = "x") -> list:
        return [r[var] for r in data.query(q, use_default_graph_as_union=True)]

    classes = _objects(shapes, shape, _sh("targetClass"))
    if ox.NamedNode(RDFS + "Class") in _objects(shapes, shape, ox.NamedNode(RDF + "type")):
        classes.append(shape)
    for c in classes:
        add(select(f"SELECT DISTINCT ?x WHERE {{ ?x a/<{RDFS}subClassOf>* <{c.value}> }}"))
    add(_objects(shapes, shape, _sh("targetNode")))
    for p in _objects(shapes, shape, _sh("targetSubjectsOf")):
        add(select(f"SELECT DISTINCT ?x WHERE {{ ?x <{p.value}> ?o }}"))
    for p in _objects(shapes, shape, _sh("targetObjectsOf")):
        add(select(f"SELECT DISTINCT ?x WHERE {{ ?s <{p.value}> ?x }}"))
    for t in _objects(shapes, shape, _sh("target")):
        for sel in _objects(shapes, t, _sh("select")):
            add(select(sel.value, "this"))
    return list(found)


def _get(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError, ValueError, TypeError):
        return None


def _run_job(data, shapes, job: _Job, owner) -> list[ShaclResult]:
    import pyoxigraph as ox

    this = ox.Variable("this")
    shape = job.shape.value if isinstance(job.shape, ox.NamedNode) else None
    out = []
    for f in _focus_nodes(data, shapes, job.shape):
        for row in data.query(job.query, substitutions={this: f}, use_default_graph_as_union=True):
            failure = _get(row, "failure")
            if failure is not None and failure.value == "true":
                raise PartnergraphError(f"SHACL: the SPARQL constraint of {shape or 'a shape'} reported a failure",
                                        hint="check the shapes file")
            focus = _get(row, "this") or f
            path = _get(row, "path")

            def value(m, row=row) -> str:
                t = _get(row, m.group(1))
                return "" if t is None else t.value

            message = _TEMPLATE.sub(value, job.messages[0]) if job.messages else ""
            out.append(ShaclResult(owner(focus), job.severity, shape, "SPARQLConstraintComponent",
                                   path.value if isinstance(path, ox.NamedNode) else None, message))
    return out


def _fast(data, shapes_texts: list[str], sources=None) -> list[ShaclResult]:
    import pyoxigraph as ox
    import shacl

    shapes = ox.Store()
    for text in shapes_texts:
        shapes.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    taken, jobs = _plan(shapes)
    jobs_read = _jobs_read(shapes, jobs) if sources is not None else None
    for q in taken:
        shapes.remove(q)
    engine_read = None
    if sources is not None:
        queries = {q.subject: _query_text(shapes, q.subject) for p in ("select", "ask")
                   for q in shapes.quads_for_pattern(None, _sh(p), None)}
        engine_read = shapes_read(shapes, queries)
    rest = shapes.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    engine = shacl.Shapes.from_text(rest.decode("utf-8"), format="ntriples")

    def owner(node) -> str:
        if isinstance(node, ox.BlankNode):  # a quote node: report the node that holds it
            for q in data.quads_for_pattern(None, None, node):
                return owner(q.subject) if isinstance(q.subject, ox.BlankNode) else q.subject.value
            return "_:" + node.value
        return node.value

    # blank nodes travel as IRIs, so that a result about one can name the node that holds it; a shapes graph
    # that tells blank nodes from IRIs (sh:nodeKind) gets them as they are
    skolem = "nodeKind" not in " ".join(shapes_texts)
    out: list[ShaclResult] = []
    fd, path = tempfile.mkstemp(prefix="partnergraph-shacl-", suffix=".nt")
    try:
        with os.fdopen(fd, "wb") as fh:
            out_file = _Skolemising(fh) if skolem else fh
            for g in data.named_graphs():  # streamed: a graph's text is never held whole (100k sources: 400 MB)
                data.dump(output=out_file, format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            if skolem:
                out_file.close()
            if sources is not None:  # after the store's graphs: these are loaded into it for the SPARQL
                _add_sources(sources, fh, engine_read, data, jobs_read)
        for job in jobs:
            out.extend(_run_job(data, shapes, job, owner))
        report = engine.validate_file(path, allow_warnings=True)
    finally:
        os.unlink(path)
    found = []
    for r in report.results:
        focus = r.focus_node
        if focus.startswith("<" + SKOLEM):
            focus = owner(ox.BlankNode(focus[len(SKOLEM) + 1:-1]))
        elif focus.startswith("<") and focus.endswith(">"):
            focus = focus[1:-1]
        p = r.path
        path_iri = p[1:-1] if p and p.startswith("<") and p.endswith(">") and " " not in p else None
        root = r.root_shape[1:-1] if r.root_shape and r.root_shape.startswith("<") else None
        found.append((ShaclResult(focus, r.severity, root, r.component, path_iri, r.message or _default_message(r)),
                      r.value or ""))
    # the engine reports in an order that follows its input's: put its results in one of their own
    found.sort(key=lambda x: (x[0].focus, x[0].shape or "", x[0].path or "", x[0].component, x[0].message, x[1]))
    return out + [res for res, _value in found]


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _add_sources(sources, fh, engine_read, store, jobs_read, lines_per_chunk: int = 100_000) -> None:
    """The sources' triples (:func:`~partnergraph.store.bibrdf.source_triples`) as N-Triples: those of a
    predicate in ``engine_read`` written to ``fh`` (the engine's input), those in ``jobs_read`` loaded into
    ``store``'s sources graph (for the SPARQL constraints); ``None`` takes every predicate. Their terms are IRIs
    and literals (no blank node to skolemise); the keys are IRIs (else the sources are in the store already).
    An author, publisher or journal is described once, however many sources name it (the triples of the sources
    repeat them)."""
    import pyoxigraph as ox

    graph = ox.NamedNode(GRAPH_SOURCES)
    esc = _NT_ESCAPES
    own = PGID + "source/"
    seen: set[str] = set()
    to_engine: list[str] = []
    to_store: list[str] = []

    def flush() -> None:
        if to_engine:
            fh.write("".join(to_engine).encode("utf-8"))
            to_engine.clear()
        if to_store:
            store.bulk_load("".join(to_store).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
            to_store.clear()

    for s, p, o in source_triples(sources):
        engine = engine_read is None or p in engine_read
        jobs = jobs_read is None or p in jobs_read
        if not (engine or jobs):
            continue
        if o.__class__ is Lit:
            text = o.value.translate(esc)
            line = f'<{s}> <{p}> "{text}"^^<{o.datatype}> .\n' if o.datatype else f'<{s}> <{p}> "{text}" .\n'
        else:
            line = f"<{s}> <{p}> <{o}> .\n"
        if not s.startswith(own):
            if line in seen:
                continue
            seen.add(line)
        if engine:
            to_engine.append(line)
        if jobs:
            to_store.append(line)
        if len(to_engine) >= lines_per_chunk or len(to_store) >= lines_per_chunk:
            flush()
    flush()


_DEFAULT_MESSAGES = {
    "MinCountConstraintComponent": "fewer values than the shape allows",
    "MaxCountConstraintComponent": "more values than the shape allows",
    "ClassConstraintComponent": "a value is not of the class the shape asks for",
    "DatatypeConstraintComponent": "a value does not have the datatype the shape asks for",
    "NodeKindConstraintComponent": "a value is not of the kind of node the shape asks for",
    "PatternConstraintComponent": "a value does not match the pattern",
    "InConstraintComponent": "a value is not one of those the shape allows",
    "NodeConstraintComponent": "a value does not conform to its shape",
    "MinLengthConstraintComponent": "a value is shorter than the shape allows",
    "MaxLengthConstraintComponent": "a value is longer than the shape allows",
    "OrConstraintComponent": "a value conforms to none of the shapes it may take",
}


class _Skolemising:
    """A binary file that writes N-Triples through to ``fh`` with every blank node as a skolem IRI (line by line;
    the text may come in pieces that split lines)."""

    def __init__(self, fh) -> None:
        self._fh, self._rest = fh, b""

    def write(self, data) -> int:
        text = self._rest + bytes(data)
        cut = text.rfind(b"\n") + 1
        self._rest = text[cut:]
        self._fh.write(_skolemise(text[:cut]))
        return len(data)

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:  # the file itself is closed by its owner
        if self._rest:
            self._fh.write(_skolemise(self._rest))
            self._rest = b""


def _skolemise(text: bytes) -> bytes:
    text = re.sub(rb"(?m)^_:(\S+)", rb"<" + SKOLEM.encode() + rb"\1>", text)
    return re.sub(rb"(?m) _:(\S+) \.$", rb" <" + SKOLEM.encode() + rb"\1> .", text)


def _default_message(r) -> str:
    """What to say where the shape gives no sh:message (the engine has none of its own)."""
    text = _DEFAULT_MESSAGES.get(r.component, f"{r.component.removesuffix('ConstraintComponent')} not met")
    return text + (f": {r.value_plain}" if r.value_plain and r.component not in (
        "MinCountConstraintComponent", "MaxCountConstraintComponent") else "")


# ------------------------------------------------------------------ the reference
def _reference(data, shapes_texts: list[str]) -> list[ShaclResult]:
    import rdflib
    from pyshacl import validate as shacl_validate

    g = rdflib.Graph().parse(data=_union_ntriples(data), format="nt")
    shapes = rdflib.Graph()
    for text in shapes_texts:
        shapes.parse(data=text, format="turtle")
    _conforms, results, _text = shacl_validate(g, shacl_graph=shapes, inference="none", advanced=True,
                                               allow_warnings=True)
    sh = rdflib.Namespace(SH)
    out = []
    # the report's own results (sh:result), not the nested ones pySHACL adds as sh:detail of an sh:node result
    for res in results.objects(None, sh.result):
        focus = results.value(res, sh.focusNode)
        while isinstance(focus, rdflib.BNode):  # a quote node: report the node that holds it
            holder = next(g.subjects(None, focus), None)
            if holder is None:
                break
            focus = holder
        shape = results.value(res, sh.sourceShape)
        if not isinstance(shape, rdflib.URIRef):
            shape = next(iter([*shapes.subjects(sh.property, shape), *shapes.subjects(sh.sparql, shape)]), None)
        path = results.value(res, sh.resultPath)
        out.append(ShaclResult(str(focus), _local(str(results.value(res, sh.resultSeverity))) or "Violation",
                               str(shape) if isinstance(shape, rdflib.URIRef) else None,
                               _local(str(results.value(res, sh.sourceConstraintComponent))) or "",
                               str(path) if isinstance(path, rdflib.URIRef) else None,
                               str(results.value(res, sh.resultMessage) or "")))
    return out


def run_shacl(store, shapes_texts: list[str], *, engine: str = "fast", sources=None) -> list[ShaclResult]:
    """Validate the union of ``store``'s named graphs against the shapes. ``engine="reference"`` runs pySHACL
    (slow; what the fast way is tested against); ``"fast"`` falls back to it where the ``shacl`` package is
    not installed.

    ``sources``: parsed sources whose triples are not in ``store`` (a load keeps them out of it), validated as if
    they were in its sources graph. The fast way then builds only the triples the shapes can read
    (:mod:`.reads`) and loads into ``store`` only those its SPARQL constraints can read; the reference loads them
    all into ``store``."""
    if engine == "fast":
        try:
            import shacl  # noqa: F401
        except ImportError:
            engine = "reference"
    if engine == "fast":
        return _fast(store, shapes_texts, sources)
    if sources is not None:
        import pyoxigraph as ox

        for chunk in sources_nquads_chunks(BibLibrary(None, list(sources), [])):  # into the sources graph
            store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
    return _reference(store, shapes_texts)


__all__ = ["ShaclResult", "run_shacl"]
