"""Read-only checks of the bibliography for librarians: ``bib lint`` (JabRef-like integrity checks),
``bib todo`` (incomplete entries ranked by the claims resting on them) and ``bib dedupe`` (candidate pairs).

The writes are in the other :mod:`partnergraph.librarian` modules; :mod:`partnergraph.librarian` re-exports these names.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..checks.validate import validate
from ..files.bibfields import field_value
from ..files.bibtex import Source, parse_bibtex_text
from ..files.datadir import DataDir
from ..graph.loader import load_graph
from .bibimport import KEY_RULE, REQUIRED, has_field
from .dedupe import find_duplicates, normalise_doi, record_from_source

__all__ = [
    "DuplicateRow",
    "LintFinding",
    "TodoRow",
    "duplicates",
    "isbn_ok",
    "issn_ok",
    "lint",
    "todo",
]


@dataclass(frozen=True, slots=True)
class LintFinding:
    """One ``bib lint`` finding: severity ``error`` or ``warning``, the rule, file:line, key and message."""

    severity: str
    rule: str
    where: str
    key: str
    message: str


_VALIDATE_RULES = {"key-exists": "missing-key", "unused-source": "unused-source", "turtle-syntax": "turtle-syntax",
                   "label-unique-in-set": "label-unique-in-set"}


def isbn_ok(isbn: str) -> bool:
    """ISBN-10 or ISBN-13 with a correct check digit (hyphens and spaces ignored)."""
    d = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", d):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(d))
        return total % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", d):
        return sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(d)) % 10 == 0
    return False


def issn_ok(issn: str) -> bool:
    d = issn.strip().upper()
    if not re.fullmatch(r"\d{4}-?\d{3}[\dX]", d):
        return False
    d = d.replace("-", "")
    total = sum((8 - i) * int(c) for i, c in enumerate(d[:7]))
    check = (11 - total % 11) % 11
    return d[7] == ("X" if check == 10 else str(check))


def _failure_rule(reason: str) -> str:
    if reason.startswith("duplicate citation key"):
        return "duplicate-key"
    if "unbalanced braces" in reason:
        return "unbalanced-braces"
    return "bibtex-syntax"


def lint(data=None, *, now_year: int | None = None) -> list[LintFinding]:
    """Integrity checks of sources.bib (and its links from claims.ttl), JabRef-style; errors first."""

    d = DataDir.open(data)
    path = str(d.sources_path)
    year_max = (now_year or datetime.date.today().year) + 1
    out: list[LintFinding] = []
    lib = parse_bibtex_text(d.sources_text(), d.sources_path)

    def add(sev, rule, line, key, msg, file=path):
        out.append(LintFinding(sev, rule, f"{file}:{line}" if line else file, key, msg))

    for f in lib.failures:
        add("error", _failure_rule(f.reason), f.line, f.key or "", f.reason)
    dois: dict[str, Source] = {}
    for s in lib.sources:
        f = s.fields
        names = set(f)
        if not re.fullmatch(r"[A-Za-z0-9_:.+/-]+", s.key):
            add("error", "key-pattern", s.line, s.key, f"key '{s.key}' has characters an IRI cannot carry")
        elif not KEY_RULE.match(s.key):
            add("warning", "key-pattern", s.line, s.key, f"key '{s.key}' is not lowercase ASCII letters and digits")
        declared = set(s.missing)
        for spec in REQUIRED.get(s.entry_type, ()):
            if not has_field(names, spec) and not any(alt in declared for alt in spec.split("|")):
                add("warning", "required-field", s.line, s.key, f"@{s.entry_type} needs {spec.replace('|', ' or ')}"
                    " (add it, or list it in 'missing' and mark the entry incomplete)")
        status = f.get("status", "").lower()
        if status not in ("complete", "incomplete", "unidentified"):
            add("warning", "status", s.line, s.key, "status is not complete, incomplete or unidentified"
                if status else "no status field (complete, incomplete or unidentified)")
        for m in s.missing:
            if m in names:
                add("warning", "missing-field", s.line, s.key, f"'missing' lists {m}, but the entry has it")
        if "doi" in f:
            doi = normalise_doi(f["doi"])
            if not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
                add("error", "doi-syntax", s.line, s.key, f"DOI '{f['doi']}' is not 10.NNNN/suffix")
            elif f["doi"].strip() != f["doi"].strip().removeprefix("https://doi.org/") or "doi.org" in f["doi"]:
                add("warning", "doi-syntax", s.line, s.key, "store the DOI without its URL prefix")
            if doi in dois:
                add("error", "duplicate-doi", s.line, s.key, f"DOI {doi} is also the DOI of '{dois[doi].key}' "
                    f"(line {dois[doi].line})")
            else:
                dois[doi] = s
        for isbn in re.split(r"[;,]\s*|\s+(?=\d{9})", f.get("isbn", "")):
            if isbn.strip() and not isbn_ok(isbn):
                add("error", "isbn-syntax", s.line, s.key, f"ISBN '{isbn.strip()}' has a wrong length or check digit")
        for issn in re.split(r"[;,\s]+", f.get("issn", "")):
            if issn.strip() and not issn_ok(issn):
                add("error", "issn-syntax", s.line, s.key, f"ISSN '{issn}' has a wrong form or check digit")
        year = f.get("year", "")
        if year:
            if not re.fullmatch(r"\d{4}", year):
                add("error", "year", s.line, s.key, f"year '{year}' is not a four-digit year")
            elif not 1450 <= int(year) <= year_max:
                add("error", "year", s.line, s.key, f"year {year} is implausible")
        if "date" in f and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?", f["date"]):
            add("warning", "year", s.line, s.key, f"date '{f['date']}' is not an ISO date (YYYY-MM-DD)")
        pages = f.get("pages", "")
        raw_pages = (field_value(s.raw, "pages") or "").strip("{}\"")
        if pages:
            m = re.fullmatch(r"([A-Za-z]?\d+)\s*(?:--|\u2013)\s*([A-Za-z]?\d+)", pages)
            if re.fullmatch(r"\d+\s*-\s*\d+", raw_pages):
                add("warning", "pages", s.line, s.key, f"page range '{raw_pages}' uses '-': write '--'")
            elif m and m.group(1).isdigit() and m.group(2).isdigit() and int(m.group(2)) < int(m.group(1)):
                add("warning", "pages", s.line, s.key, f"page range '{raw_pages}' ends before it starts")
            elif not m and not re.fullmatch(r"[A-Za-z]?\d+|[ivxlcdm]+(\s*(--|\u2013)\s*[ivxlcdm]+)?|"
                                            r"\d+(,\s*\d+(--\d+)?)+", pages):
                add("warning", "pages", s.line, s.key, f"pages '{raw_pages}' is not a page or a range N--M")

    by_key = {s.key: s for s in lib.sources}
    for m in find_duplicates([record_from_source(s) for s in lib.sources], include_versions=False):
        add("warning", "duplicate", by_key[m.key_b].line, m.key_b, f"'{m.key_b}' looks like a duplicate of "
            f"'{m.key_a}' (line {by_key[m.key_a].line}): {m.reason}; see 'partnergraph bib merge'")
    for v in validate(d.path, shacl=False):
        rule = _VALIDATE_RULES.get(v.rule, v.rule)
        if rule == "bibtex-syntax":
            continue  # reported above
        key = (v.iri or "").rsplit("/", 1)[-1] if v.iri else ""
        out.append(LintFinding(v.severity, rule, v.where, key, v.message))
    out.sort(key=lambda x: (x.severity != "error", not x.where.startswith(path), _where_key(x.where), x.rule))
    return out


def _where_key(where: str) -> tuple:
    file, _, line = where.rpartition(":")
    return (file, int(line)) if line.isdigit() else (where, 0)


@dataclass(frozen=True, slots=True)
class TodoRow:
    """One entry on the librarian's worklist: how many claims rest on it and what it lacks."""

    key: str
    status: str
    claims: int
    links: int
    missing: str
    label: str
    where: str


def todo(data=None, *, store: str | None = None) -> list[TodoRow]:
    """Incomplete and unidentified sources, ranked by how many claims rest on them (directly, through a pool,
    as the work cited *via*, or as the review a claim is derived from), then by evidence links."""
    g = load_graph(data, store=store)
    nx = g.nx
    lines: dict[str, int] = {}
    path = ""
    if g.data is not None:
        path = str(g.data.sources_path)
        lines = {s.key: s.line for s in parse_bibtex_text(g.data.sources_text(), g.data.sources_path).sources}
    via_claims: dict[str, set[str]] = {}
    for _, v, a in nx.edges(data=True):
        if a.get("kind") == "evidences" and a.get("via"):
            via_claims.setdefault(a["via"], set()).add(v)
    rows = []
    for n, a in nx.nodes(data=True):
        if a.get("kind") != "source" or a.get("status") not in ("incomplete", "unidentified", "Incomplete",
                                                                 "Unidentified"):
            continue
        claims: set[str] = set(via_claims.get(a["key"], ()))
        links = 0
        for _, v, ea in nx.out_edges(n, data=True):
            if ea.get("kind") == "evidences":
                claims.add(v)
                links += 1
            elif ea.get("kind") == "pooled_in":
                for _, c, pa in nx.out_edges(v, data=True):
                    if pa.get("kind") == "evidences":
                        claims.add(c)
                        links += 1
        for u, _, ea in nx.in_edges(n, data=True):
            if ea.get("kind") == "derived_from":
                claims.add(u)
        miss = a.get("missing") or ()
        missing = (miss if isinstance(miss, str) else ", ".join(miss)) or "(not stated)"
        line = lines.get(a["key"])
        rows.append(TodoRow(a["key"], str(a["status"]).lower(), len(claims), links, missing, a.get("label", ""),
                            f"{path}:{line}" if line else path))
    rows.sort(key=lambda r: (-r.claims, -r.links, r.key))
    return rows


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """A candidate duplicate pair in sources.bib, with its score and reason."""

    key_a: str
    key_b: str
    score: float
    kind: str
    reason: str
    where_a: str
    where_b: str


def duplicates(data=None, *, include_versions: bool = True) -> list[DuplicateRow]:
    """Candidate duplicate pairs in sources.bib (see :mod:`partnergraph.dedupe` for the rules)."""
    d = DataDir.open(data)
    lib = parse_bibtex_text(d.sources_text(), d.sources_path)
    line = {s.key: s.line for s in lib.sources}
    recs = [record_from_source(s) for s in lib.sources]
    p = str(d.sources_path)
    return [DuplicateRow(m.key_a, m.key_b, round(m.score, 1), m.kind, m.reason, f"{p}:{line[m.key_a]}",
                         f"{p}:{line[m.key_b]}") for m in find_duplicates(recs, include_versions=include_versions)]
