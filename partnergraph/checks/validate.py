"""Validation: SHACL shapes (:mod:`.shacl`) plus the integrity rules that span files, each finding with a place.

>>> from partnergraph.checks.validate import Finding
>>> Finding("error", "key-exists", "no such key", "data/claims.ttl", 12).where
'data/claims.ttl:12'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from ..core.errors import PartnergraphError
from ..core.namespaces import PGID, curie
from ..files.answers import cache_dir
from ..files.bibtex import BibLibrary, key_list, parse_bibtex_text
from ..files.datadir import DataDir, shapes_texts
from ..files.turtle import TurtleLines, find_problem_line
from ..store.bibrdf import source_iri
from ..store.embedded import GRAPH_CLAIMS, load_nquads, load_store, run_sparql
from ..store.rules import problems, source_keys
from .shacl import run_shacl


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


def validate(data=None, *, shacl: bool = True, engine: str = "fast",
             progress: Callable[[str], None] | None = None, themes=None) -> list[Finding]:
    """Check a data directory (with its theme framework, or the ``themes`` file instead): parse errors, SHACL
    shapes (``shapes.ttl``, ``themes-shapes.ttl``) and cross-file integrity. Returns every finding (errors first,
    then warnings, each in file order). ``engine="reference"`` runs the shapes with pySHACL; ``progress`` is told
    the name of each stage as it starts."""
    say = progress or (lambda stage: None)
    say("reading the data")
    d = DataDir.open(data, themes=themes)
    findings: list[Finding] = []
    try:
        # the bibliography is parsed once, here — or not at all when these very files were loaded before
        store, library = _cached_store(d) or load_store(d, strict=False)
    except PartnergraphError as exc:  # Turtle syntax: nothing more can be checked
        library = parse_bibtex_text(d.sources_text(), d.sources_path)
        findings += [Finding("error", "bibtex-syntax", f.reason, str(d.sources_path), f.line)
                     for f in library.failures]
        findings.append(Finding("error", "turtle-syntax", exc.message.split(": ", 1)[-1],
                                str(getattr(exc, "path", d.claims_path)), getattr(exc, "line", None)))
        return findings
    for f in library.failures:
        findings.append(Finding("error", "bibtex-syntax", f.reason, str(d.sources_path), f.line))
    claims_text = d.claims_text()
    lines = TurtleLines(claims_text)  # built once: every finding is located by one look-up
    src_lines = {s.key: s.line for s in library.sources}

    theme_lines = TurtleLines(d.themes_text()) if d.themes_path is not None else None

    def place(iri: str, rule: str = "") -> tuple[str | None, int | None]:
        if iri.startswith(PGID + "source/") and iri[len(PGID) + 7:] in src_lines:
            return str(d.sources_path), src_lines[iri[len(PGID) + 7:]]
        files = [(d.claims_path, lines), (d.themes_path, theme_lines)]
        if rule in THEME_RULES:  # a theme shape: the assignment or concept is in the themes file
            files.reverse()
        for path, index in files:
            line = index.line_of(iri) if index is not None else None
            if line:
                return str(path), line
        return None, None

    say("checking the links between the files")
    # the rules of the data: the same set the graph builder (every reader) checks
    for p in problems(_plain(store), source_keys(store)):
        file, line = _place_problem(d, claims_text, p)
        findings.append(Finding("error", p.rule, p.message, file, line, p.iri or None))
    used: set[str] = set()
    q = f"""SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPH_CLAIMS}> {{ ?x ?p ?s }}
            FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{PGID}source/")) }}"""
    for r in run_sparql(_plain(store), q):
        used.add(r["s"].value)
    for s in library.sources:  # a source known through a review uses that review (pg:asCitedIn)
        used.update(source_iri(k) for k in key_list(s.get("citedin", "")))
    for key, line in src_lines.items():
        iri = source_iri(key)
        if iri not in used:
            findings.append(Finding("warning", "unused-source", f"source '{key}' is not used by any claim, "
                                    "evidence link or pool", str(d.sources_path), line, iri))
    if shacl:
        say("checking the SHACL shapes")
        if getattr(store, "sources_pending", False):  # the sources' triples built for what the shapes read
            results = run_shacl(store.without_sources(), shapes_texts(), engine=engine, sources=library.sources)
        else:
            results = run_shacl(store.store if hasattr(store, "without_sources") else store, shapes_texts(),
                                engine=engine)
        for res in results:
            file, line = place(res.focus, _rule(res.shape))
            detail = f" ({_short(res.path)})" if res.path else ""
            findings.append(Finding("error" if res.error else "warning", _rule(res.shape),
                                    f"{_short(res.focus)}: {res.message}{detail}", file, line, res.focus))
    findings = list(dict.fromkeys(findings))
    syntax = ("bibtex-syntax", "turtle-syntax")
    findings.sort(key=lambda f: (f.severity != "error", f.rule not in syntax, f.file or "~", f.line or 0, f.rule))
    return findings


#: the shapes of themes-shapes.ttl: their findings are placed in the themes file first
THEME_RULES = ("ThemeAssignmentShape", "ThemeShape", "ThemeGroupShape", "BroaderCycleShape")


def _cached_store(d: DataDir):
    """The store and bibliography a load of these very files (and this code) cached, or ``None``. A load caches
    only what parsed without an error, so the cached bibliography has no failures to report; its sources carry
    their keys, lines and fields, all that validation reads."""
    if os.environ.get("PARTNERGRAPH_NO_CACHE") is not None:
        return None
    try:
        store = load_nquads((cache_dir() / d.digest() / "data.nq").read_bytes())
    except Exception:  # no entry, or a damaged one: parse the files
        return None
    library = getattr(store, "library", None)
    if library is None:
        return None
    return store, BibLibrary(d.sources_path, library.sources, [])


def _rule(shape: str | None) -> str:
    return shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if shape else "shape"


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


__all__ = ["THEME_RULES", "Finding", "first_error", "validate"]
