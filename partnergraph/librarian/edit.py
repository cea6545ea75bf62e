"""What every librarian's write shares: a :class:`Plan` (the new bytes of each data file and the report rows),
opening a data directory for a change (locked, refused while it has errors), applying a plan atomically, and
small helpers over ``claims.ttl`` as a graph.

How writes stay safe (DESIGN §6, §7):

* **Refuse bad input.** Before any change the data directory is validated (BibTeX and Turtle syntax, keys
  named in claims.ttl that sources.bib lacks, …); any error stops the write, naming file and line.
* **Edit text, not a model.** ``sources.bib`` is changed by splicing the text of the entries that change (every
  entry keeps its raw text, :mod:`partnergraph.files.bibfields`); new entries are appended at the end.
  ``claims.ttl`` is parsed with rdflib, changed as a graph and written with
  :func:`partnergraph.files.turtle.serialize` (sorted, deterministic), keeping the file's leading comment lines.
* **Atomic and locked**: :mod:`partnergraph.files.atomic`.

May import: everything below ``partnergraph.librarian`` and the other librarian modules.
"""

from __future__ import annotations

import contextlib
import difflib
from dataclasses import dataclass, field

from ..checks.validate import first_error
from ..core.errors import IntegrityError, PartnergraphError, SourceParseError, UnknownKeyError
from ..core.namespaces import PG, PGID
from ..files.atomic import commit, locked
from ..files.bibtex import BibFailure, Source, parse_bibtex_text
from ..files.claims import Claims
from ..files.datadir import DataDir, is_installed_copy

__all__ = [
    "SOURCE_NS",
    "AddRow",
    "ChangeRow",
    "Plan",
    "apply",
    "canonical_note",
    "check_writable",
    "evidence_links",
    "find_claim_iri",
    "parse_sources",
    "repoint_claims",
    "strip_prefix",
    "text_of",
    "uri",
    "writing",
]

SOURCE_NS = PGID + "source/"


# ---------------------------------------------------------------- report rows
@dataclass(frozen=True, slots=True)
class AddRow:
    """What ``bib add`` did with one imported entry: ``added``, ``duplicate`` or ``skipped``."""

    file: str
    line: int
    outcome: str
    key: str
    detail: str
    unit: str = "line"  #: what ``line`` counts: ``line``, or ``item`` (a CSL-JSON file on one line)

    @property
    def where(self) -> str:
        """``file:line``, or ``file item N`` where lines say nothing."""
        return f"{self.file}:{self.line}" if self.unit == "line" else f"{self.file} {self.unit} {self.line}"


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One change a write made (or would make, with ``--dry-run``)."""

    action: str
    target: str
    detail: str


@dataclass(slots=True)
class Plan:
    """A prepared change to a data directory: new bytes per file (``None``: unchanged) and report rows."""

    data: DataDir
    sources: bytes | None = None
    claims: bytes | None = None
    rows: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def diff(self) -> str:
        """A unified diff of every file the plan changes."""
        out: list[str] = []
        for old, new, path in ((self.data.sources_bytes, self.sources, self.data.sources_path),
                               (self.data.claims_bytes, self.claims, self.data.claims_path)):
            if new is None or new == old:
                continue
            out.extend(difflib.unified_diff(old.decode().splitlines(True), new.decode().splitlines(True),
                                            f"a/{path.name}", f"b/{path.name}", n=2))
        return "".join(x if x.endswith("\n") else x + "\n" for x in out)

    @property
    def changed(self) -> bool:
        return (self.sources is not None and self.sources != self.data.sources_bytes) or (
            self.claims is not None and self.claims != self.data.claims_bytes)


@contextlib.contextmanager
def writing(data, *, dry_run: bool = False, lock_timeout: float = 30.0):
    """Open a data directory for a change: lock it (unless ``dry_run``), refuse it if it has errors, and
    yield its :class:`~partnergraph.files.datadir.DataDir`."""
    where = DataDir.open(data).path
    if not dry_run and is_installed_copy(where):
        raise PartnergraphError(f"{where}: this is the bundled corpus inside the installed package; partnergraph "
                                "does not change it", hint=f"copy it to work on it (cp -r '{where}' data) and run "
                                                           "the command there, or give --data DIR")
    ctx = contextlib.nullcontext() if dry_run else locked(where, lock_timeout)
    with ctx:
        d = DataDir.open(where)
        check_writable(d)
        yield d


def apply(plan: Plan, *, dry_run: bool = False) -> Plan:
    """Write a plan's files (nothing when ``dry_run`` or when nothing changed); the new text is checked first."""
    files: dict[str, bytes] = {}
    d = plan.data
    if plan.sources is not None and plan.sources != d.sources_bytes:
        failures = _check_new_sources(plan.sources, d)
        if failures:  # our own edit must never produce a bad file
            f = failures[0]
            raise SourceParseError(d.sources_path, f.line, f"the edit would break the file: {f.reason}",
                                   hint="nothing was written; please report this as a bug")
        files[d.sources_path.name] = plan.sources
    if plan.claims is not None and plan.claims != d.claims_bytes:
        files[d.claims_path.name] = plan.claims
    if not dry_run:
        commit(d.path, files)
    return plan


def _check_new_sources(new: bytes, d) -> list:
    """Failures of the edited ``sources.bib``. An append (every old byte kept, entries added at the end) is
    checked by parsing only what was appended, plus its keys against the old ones: the old text was checked
    before the edit began."""
    old = d.sources_bytes
    if not new.startswith(old):
        return parse_bibtex_text(new.decode(), d.sources_path).failures
    offset = old.count(b"\n")
    tail = parse_bibtex_text(new[len(old):].decode(), d.sources_path, decode=False)
    failures = [BibFailure(f.line + offset, f.key, f.reason) for f in tail.failures]
    old_keys = {s.key.lower() for s in parse_bibtex_text(old.decode(), d.sources_path).sources}
    for s in tail.sources:
        if s.key.lower() in old_keys:
            failures.append(BibFailure(s.line + offset, s.key, f"duplicate citation key '{s.key}'"))
    return failures


def check_writable(d) -> None:
    """Refuse to write a data directory with a parse or integrity error (the first one named): the checks
    every reader makes, only the first located (a writer prints one)."""
    e, n = first_error(d.path)
    if e is not None:
        more = f" (and {n - 1} more)" if n > 1 else ""
        raise IntegrityError(e.file, e.line, f"{e.message}{more}; refusing to write",
                             hint="fix the data first: run 'partnergraph bib lint' or 'partnergraph validate'")


def uri(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def repoint_claims(claims: Claims, old_iri: str, new_iri: str) -> int:
    """Replace ``old_iri`` by ``new_iri`` wherever it occurs (subject or object). Returns the triples changed."""
    g = claims.graph
    old, new = uri(old_iri), uri(new_iri)
    hits = [t for t in g.triples((old, None, None))] + [t for t in g.triples((None, None, old))]
    for s, p, o in set(hits):
        g.remove((s, p, o))
        g.add((new if s == old else s, p, new if o == old else o))
    return len(set(hits))


def canonical_note(claims: Claims, d, new: bytes, expected: int = 0) -> list[str]:
    if claims.churn(new) <= expected:
        return []
    return [f"{d.claims_path.name} was not in partnergraph's sorted form: it is rewritten sorted (a larger "
            "diff than the change itself, once)"]


# ---------------------------------------------------------------- reading the data for an edit
def parse_sources(d) -> list[Source]:
    lib = parse_bibtex_text(d.sources_text(), d.sources_path)
    lib.raise_first()
    return lib.sources


# ---------------------------------------------------------------- claims.ttl as a graph
def strip_prefix(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def find_claim_iri(claims: Claims, claim: str, d) -> str:
    import rdflib

    cid = strip_prefix(strip_prefix(claim, "claim:"), PGID + "claim/")
    iri = PGID + "claim/" + cid
    if (rdflib.URIRef(iri), rdflib.RDF.type, None) not in claims.graph:
        ids = sorted({str(s)[len(PGID) + 6:] for s in claims.graph.subjects(rdflib.RDF.type, None)
                      if str(s).startswith(PGID + "claim/")})
        close = difflib.get_close_matches(cid, ids, n=3)
        raise UnknownKeyError(d.claims_path, None, f"no claim '{cid}'",
                              hint=("did you mean " + ", ".join(close) + "?") if close else
                              "list claims with 'partnergraph claims' or 'partnergraph search TEXT'")
    return iri


def evidence_links(g, claim_iri: str | None = None):
    import rdflib

    about = rdflib.URIRef(PG + "aboutClaim")
    pattern = (None, about, rdflib.URIRef(claim_iri) if claim_iri else None)
    for e, _, c in g.triples(pattern):
        yield e, c


def text_of(g, s, p: str) -> str:
    import rdflib

    o = g.value(s, rdflib.URIRef(p))
    return "" if o is None else str(o)
