"""Validation: SHACL shapes (pySHACL) plus the integrity rules that span files, each finding with a place.

>>> from partnergraph.checks.validate import Finding
>>> Finding("error", "key-exists", "no such key", "data/claims.ttl", 12).where
'data/claims.ttl:12'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import PartnergraphError
from ..core.namespaces import PGID, SH, curie
from ..files.bibtex import parse_bibtex_text
from ..files.datadir import DataDir, shapes_text
from ..files.turtle import find_problem_line, find_subject_line
from ..store.embedded import GRAPH_CLAIMS, GRAPH_SOURCES, load_store, run_sparql
from ..store.rules import problems, source_keys


@dataclass(frozen=True, slots=True)
class Finding:
    """One validation finding: ``severity`` is ``error`` or ``warning``; ``rule`` names the shape or check."""

    severity: str
    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    iri: str | None = None

    @property
    def where(self) -> str:
        if self.file:
            return f"{self.file}:{self.line}" if self.line else self.file
        return self.iri or ""


def validate(data=None, *, shacl: bool = True) -> list[Finding]:
    """Check a data directory: parse errors, SHACL shapes and cross-file integrity. Returns every finding
    (errors first, then warnings, each in file order)."""
    d = DataDir.open(data)
    findings: list[Finding] = []
    library = parse_bibtex_text(d.sources_text(), d.sources_path)
    for f in library.failures:
        findings.append(Finding("error", "bibtex-syntax", f.reason, str(d.sources_path), f.line))
    try:
        store, _ = load_store(d, strict=False)
    except PartnergraphError as exc:  # Turtle syntax: nothing more can be checked
        findings.append(Finding("error", "turtle-syntax", exc.message.split(": ", 1)[-1],
                                str(getattr(exc, "path", d.claims_path)), getattr(exc, "line", None)))
        return findings
    claims_text = d.claims_text()
    src_lines = {s.key: s.line for s in library.sources}

    def place(iri: str) -> tuple[str | None, int | None]:
        if iri.startswith(PGID + "source/") and iri[len(PGID) + 7:] in src_lines:
            return str(d.sources_path), src_lines[iri[len(PGID) + 7:]]
        line = find_subject_line(claims_text, iri)
        return (str(d.claims_path), line) if line else (None, None)


    # the rules of the data: the same set the graph builder (every reader) checks
    for p in problems(_plain(store), source_keys(store)):
        file, line = _place_problem(d, claims_text, p)
        findings.append(Finding("error", p.rule, p.message, file, line, p.iri or None))
    used: set[str] = set()
    q = f"""SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPH_CLAIMS}> {{ ?x ?p ?s }}
            FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{PGID}source/")) }}"""
    for r in run_sparql(store, q):
        used.add(r["s"].value)
    for r in run_sparql(store, f"""SELECT ?s WHERE {{ GRAPH <{GRAPH_SOURCES}> {{ ?x pg:asCitedIn ?s }} }}"""):
        used.add(r["s"].value)
    for key, line in src_lines.items():
        iri = PGID + "source/" + key
        if iri not in used:
            findings.append(Finding("warning", "unused-source", f"source '{key}' is not used by any claim, "
                                    "evidence link or pool", str(d.sources_path), line, iri))
    if shacl:
        findings.extend(_shacl(store, place))
    findings = list(dict.fromkeys(findings))
    syntax = ("bibtex-syntax", "turtle-syntax")
    findings.sort(key=lambda f: (f.severity != "error", f.rule not in syntax, f.file or "~", f.line or 0, f.rule))
    return findings


def _plain(store):
    """The store without the sources' triples, where it can be had (the rules read the claims)."""
    return store.without_sources() if getattr(store, "library", None) is not None else store


def _place_problem(d, claims_text: str, p) -> tuple[str | None, int | None]:
    line = find_problem_line(claims_text, p.iri, p.rule)
    return (str(d.claims_path), line) if line else (None, None)


def first_error(data=None) -> tuple[Finding | None, int]:
    """The first error :func:`validate` (without SHACL) would report, located, and how many errors there are:
    what a writer needs to refuse (it names the first), without locating every finding.

    >>> first_error()
    (None, 0)
    """
    d = DataDir.open(data)
    library = parse_bibtex_text(d.sources_text(), d.sources_path)
    if library.failures:
        f = library.failures[0]
        return Finding("error", "bibtex-syntax", f.reason, str(d.sources_path), f.line), len(library.failures)
    try:
        store, _ = load_store(d, strict=False)
    except PartnergraphError as exc:
        return Finding("error", "turtle-syntax", exc.message.split(": ", 1)[-1],
                       str(getattr(exc, "path", d.claims_path)), getattr(exc, "line", None)), 1
    found = list(problems(_plain(store), source_keys(store)))
    if not found:
        return None, 0
    p = found[0]
    file, line = _place_problem(d, d.claims_text(), p)
    return Finding("error", p.rule, p.message, file, line, p.iri or None), len(found)


def _short(iri: str) -> str:
    return curie(iri)


def _shacl(store, place) -> list[Finding]:
    import pyoxigraph as ox
    import rdflib
    from pyshacl import validate as shacl_validate


    data = rdflib.Graph()
    for g in store.named_graphs():
        data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g), format="nt")
    shapes = rdflib.Graph().parse(data=shapes_text(), format="turtle")
    _conforms, results, _text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                               allow_warnings=True)
    sh = rdflib.Namespace(SH)
    out = []
    for res in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(res, sh.focusNode)
        sev = results.value(res, sh.resultSeverity)
        msg = str(results.value(res, sh.resultMessage) or "")
        shape = results.value(res, sh.sourceShape)
        parent = _shape_name(results, shapes, shape, sh)
        path = results.value(res, sh.resultPath)
        if isinstance(focus, rdflib.BNode):  # a quote node: report the link that holds it
            owner = next(data.subjects(None, focus), None)
            focus = owner if owner is not None else focus
        iri = str(focus)
        file, line = place(iri)
        detail = f" ({_short(str(path))})" if isinstance(path, rdflib.URIRef) and path else ""
        out.append(Finding("warning" if sev == sh.Warning else "error", parent,
                           f"{_short(iri)}: {msg}{detail}", file, line, iri))
    return out


def _shape_name(results, shapes, shape, sh) -> str:
    import rdflib

    if isinstance(shape, rdflib.URIRef):
        return str(shape).rsplit("#", 1)[-1]
    for s in shapes.subjects(sh.property, shape):
        return str(s).rsplit("#", 1)[-1]
    for s in shapes.subjects(sh.sparql, shape):
        return str(s).rsplit("#", 1)[-1]
    return "shape"


__all__ = ["Finding", "first_error", "validate"]
