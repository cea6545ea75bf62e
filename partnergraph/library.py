"""The librarian's writes to ``data/``: import entries, rename and merge keys, add and remove evidence links and
claims — atomically, under a lock, and never touching a byte of an entry it did not change.

How writes stay safe (DESIGN §6, §7):

* **Refuse bad input.** Before any change the data directory is validated (BibTeX and Turtle syntax, keys
  named in claims.ttl that sources.bib lacks, …); any error stops the write, naming file and line.
* **Edit text, not a model.** ``sources.bib`` is changed by splicing the text of the entries that change (every
  entry keeps its raw text); new entries are appended at the end. ``claims.ttl`` is parsed with rdflib,
  changed as a graph and written with :func:`partnergraph.turtle.serialize` (sorted, deterministic), keeping
  the file's leading comment lines.
* **Atomic.** Each new file is written to a temporary file next to it, fsync'd, then renamed over the old
  one. When both files change, a small journal names the prepared files before the first rename; a crash
  between the two renames is rolled forward by the next write (old or new, never torn, never half-renamed).
* **Locked.** Writers take an exclusive ``flock`` on the data directory itself (no lock file is left
  behind); a second writer waits (``lock_timeout`` seconds) and then fails with a clear message.

>>> import partnergraph.library as lib
>>> lib.QUOTE_LIMIT
500
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import (
    AmbiguousError,
    ClaimSyntaxError,
    IntegrityError,
    LockError,
    PartnergraphError,
    SourceParseError,
    UnknownKeyError,
)
from .namespaces import CELLS, CITO, CLAIM_KINDS, OA, PG, PGID, PROV, STANCES
from .sources import Source, parse_bibtex_text

QUOTE_LIMIT = 500
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
JOURNAL = ".partnergraph-journal"
NEW_SUFFIX = ".partnergraph-new"
SOURCE_NS = PGID + "source/"
STANCE_CHARACTERISATION = {"Supports": "citesAsEvidence", "Disputes": "citesAsEvidence", "Qualifies": "citesAsEvidence"}


# ---------------------------------------------------------------- report rows
@dataclass(frozen=True, slots=True)
class AddRow:
    """What ``bib add`` did with one imported entry: ``added``, ``duplicate`` or ``skipped``."""

    file: str
    line: int
    outcome: str
    key: str
    detail: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One change a write made (or would make, with ``--dry-run``)."""

    action: str
    target: str
    detail: str


@dataclass(slots=True)
class Plan:
    """A prepared change to a data directory: new bytes per file (``None``: unchanged) and report rows."""

    data: object  # store.DataDir
    sources: bytes | None = None
    claims: bytes | None = None
    rows: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def diff(self) -> str:
        """A unified diff of every file the plan changes."""
        out = []
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


# ---------------------------------------------------------------- lock, journal, atomic commit
def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pause(name: str) -> None:
    """Test hook: ``PARTNERGRAPH_TEST_PAUSE_<NAME>=SECONDS`` sleeps at that point of a commit (crash tests)."""
    value = os.environ.get("PARTNERGRAPH_TEST_PAUSE_" + name)
    if value:
        time.sleep(float(value))


@contextlib.contextmanager
def locked(path: str | Path, timeout: float = 30.0):
    """Hold an exclusive lock on data directory ``path`` (``flock`` on the directory itself).

    Waits up to ``timeout`` seconds for another writer, then raises :class:`LockError`."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise LockError(f"{path}: cannot open the data directory to lock it ({exc.strerror})") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockError(f"{path}: another partnergraph process is writing this data directory "
                                    f"(waited {timeout:g} s)",
                                    hint="try again when it has finished (nothing was changed)") from None
                time.sleep(0.05)
        recover(path)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def recover(path: str | Path) -> list[str]:
    """Finish or discard an interrupted commit in ``path`` (call with the lock held). Returns what it did."""
    path = Path(path)
    done: list[str] = []
    journal = path / JOURNAL
    if journal.exists():
        try:
            names = json.loads(journal.read_text(encoding="utf-8"))["files"]
        except (ValueError, KeyError, OSError):
            names = []
        for name in names:
            tmp = path / _tmp_name(name)
            if tmp.exists():
                os.replace(tmp, path / name)
                done.append(f"completed the interrupted write of {name}")
        journal.unlink(missing_ok=True)
        _fsync_dir(path)
    for tmp in path.glob(".*" + NEW_SUFFIX):
        tmp.unlink(missing_ok=True)
        done.append(f"removed the unfinished {tmp.name}")
    for tmp in path.glob(JOURNAL + ".tmp"):
        tmp.unlink(missing_ok=True)
    return done


def _tmp_name(name: str) -> str:
    """The prepared new version of data file ``name`` (hidden, next to it)."""
    return "." + name + NEW_SUFFIX


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def commit(path: Path, files: dict[str, bytes]) -> None:
    """Replace ``files`` (name → bytes) in data directory ``path`` atomically (call with the lock held)."""
    if not files:
        return
    for name, data in files.items():
        _write_synced(path / _tmp_name(name), data)
    if len(files) > 1:
        _write_synced(path / (JOURNAL + ".tmp"), json.dumps({"files": sorted(files)}).encode())
        os.replace(path / (JOURNAL + ".tmp"), path / JOURNAL)
    _fsync_dir(path)
    _pause("BEFORE_RENAME")
    for i, name in enumerate(sorted(files)):
        if i:
            _pause("BETWEEN_RENAMES")
        os.replace(path / _tmp_name(name), path / name)
    _fsync_dir(path)
    if len(files) > 1:
        (path / JOURNAL).unlink(missing_ok=True)
        _fsync_dir(path)


@contextlib.contextmanager
def writing(data, *, dry_run: bool = False, lock_timeout: float = 30.0):
    """Open a data directory for a change: lock it (unless ``dry_run``), refuse it if it has errors, and
    yield its :class:`~partnergraph.store.DataDir`."""
    from .store import DataDir

    where = DataDir.open(data).path
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
    from .sources import BibFailure

    old = d.sources_bytes
    if not new.startswith(old):
        return parse_bibtex_text(new.decode(), d.sources_path).failures
    offset = old.count(b"\n")
    tail = parse_bibtex_text(new[len(old):].decode(), d.sources_path)
    failures = [BibFailure(f.line + offset, f.key, f.reason) for f in tail.failures]
    old_keys = {s.key.lower() for s in parse_bibtex_text(old.decode(), d.sources_path).sources}
    for s in tail.sources:
        if s.key.lower() in old_keys:
            failures.append(BibFailure(s.line + offset, s.key, f"duplicate citation key '{s.key}'"))
    return failures


def check_writable(d) -> None:
    """Refuse to write a data directory with a parse or integrity error (the first one named)."""
    from .validate import validate

    errors = [f for f in validate(d.path, shacl=False) if f.severity == "error"]
    if errors:
        e = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise IntegrityError(e.file, e.line, f"{e.message}{more}; refusing to write",
                             hint="fix the data first: run 'partnergraph bib lint' or 'partnergraph validate'")


# ---------------------------------------------------------------- BibTeX text editing
@dataclass(frozen=True, slots=True)
class FieldSpan:
    """Where one field sits in an entry's raw text (offsets into the raw text)."""

    name: str
    start: int
    value_start: int
    value_end: int


def field_spans(raw: str) -> list[FieldSpan]:
    """The fields of one entry's raw text, in order, with the span of each value."""
    m = re.match(r"\s*@\s*\w+\s*[{(]\s*[^,\s]*\s*,", raw)
    if not m:
        return []
    i, n, out = m.end(), len(raw), []
    while i < n:
        while i < n and raw[i] in " \t\r\n,":
            i += 1
        nm = re.compile(r"[A-Za-z][A-Za-z0-9_:.+-]*").match(raw, i)
        if not nm:
            break
        start, name = i, nm.group(0)
        j = nm.end()
        while j < n and raw[j] in " \t\r\n":
            j += 1
        if j >= n or raw[j] != "=":
            break
        j += 1
        while j < n and raw[j] in " \t\r\n":
            j += 1
        vs, depth, quote = j, 0, False
        while j < n:
            ch = raw[j]
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    break
                depth -= 1
            elif ch == '"' and depth == 0:
                quote = not quote
            elif ch == "," and depth == 0 and not quote:
                break
            j += 1
        ve = j
        while ve > vs and raw[ve - 1] in " \t\r\n":
            ve -= 1
        out.append(FieldSpan(name.lower(), start, vs, ve))
        i = j
    return out


def _line_start(raw: str, pos: int) -> int:
    return raw.rfind("\n", 0, pos) + 1


def set_field(raw: str, name: str, value: str) -> str:
    """Set field ``name`` to BibTeX ``value`` (``{…}``) in an entry's raw text, in the entry's own layout."""
    spans = field_spans(raw)
    for s in spans:
        if s.name == name:
            return raw[:s.value_start] + value + raw[s.value_end:]
    if not spans:
        close = raw.rstrip().rfind("}")
        return raw[:close].rstrip() + f"\n  {name} = {value}\n" + raw[close:]
    last = spans[-1]
    ls = _line_start(raw, last.start)
    head = raw[ls:last.value_start]
    m = re.match(r"([ \t]*)(\S+)([ \t]*)=([ \t]*)", head)
    indent, width, after = (m.group(1), len(m.group(2)) + len(m.group(3)), m.group(4)) if m else ("  ", 0, " ")
    aligned = m is not None and len(m.group(3)) > 1
    label = name.ljust(width) if aligned and len(name) < width else name + " "
    return raw[:last.value_end] + f",\n{indent}{label}={after}{value}" + raw[last.value_end:]


def delete_field(raw: str, name: str) -> str:
    """Remove field ``name`` (and its comma) from an entry's raw text."""
    spans = field_spans(raw)
    for i, s in enumerate(spans):
        if s.name != name:
            continue
        if i > 0:
            return raw[:spans[i - 1].value_end] + raw[s.value_end:]
        if len(spans) > 1:
            return raw[:_line_start(raw, s.start)] + raw[_line_start(raw, spans[1].start):]
        return raw[:_line_start(raw, s.start)] + raw[raw.find("\n", s.value_end) + 1:] if "\n" in raw[
            s.value_end:] else raw
    return raw


def field_value(raw: str, name: str) -> str | None:
    """The raw value text of field ``name`` (with its braces), or ``None``."""
    for s in field_spans(raw):
        if s.name == name:
            return raw[s.value_start:s.value_end]
    return None


def replace_key_in_list(value: str, old: str, new: str | None) -> str:
    """Replace (or with ``new=None`` drop) key ``old`` in a comma-separated key list value like ``{a, b}``."""
    inner = value[1:-1] if value.startswith("{") and value.endswith("}") else value
    parts = [p.strip() for p in inner.split(",")]
    out: list[str] = []
    for p in parts:
        q = (new if p == old else p)
        if q and q not in out:
            out.append(q)
    sep = ", " if ", " in inner or "," not in inner else ","
    return "{" + sep.join(out) + "}"


def rename_in_header(raw: str, old: str, new: str) -> str:
    return re.sub(r"^(\s*@\s*\w+\s*[{(]\s*)" + re.escape(old) + r"(\s*,)", lambda m: m.group(1) + new + m.group(2),
                  raw, count=1)


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, replacement) edits to ``text`` (non-overlapping), from the end backwards."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def entry_span(text: str, offsets: list[int], s: Source) -> tuple[int, int]:
    start = offsets[s.line - 1]
    return start, start + len(s.raw)


def line_offsets(text: str) -> list[int]:
    out, pos = [0], 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        out.append(pos)
    return out


KEY_FIELDS = ("citedin", "crossref", "xref")
#: a field named in ``missing`` is supplied by any of these (BibLaTeX names, a report's issuer as publisher)
_SATISFIED_BY = {"publisher": ("publisher", "institution", "organization", "school"), "year": ("year", "date"),
                 "journal": ("journal", "journaltitle"), "address": ("address", "location")}


def _repoint_bib(text: str, sources: list[Source], old: str, new: str | None, skip: set[str]) -> tuple[list, list]:
    """Edits repointing ``citedin``/``crossref``/``xref`` from ``old`` to ``new`` in every entry (but ``skip``)."""
    offsets = line_offsets(text)
    edits, rows = [], []
    for s in sources:
        if s.key in skip:
            continue
        raw = s.raw
        changed = raw
        for name in KEY_FIELDS:
            v = field_value(changed, name)
            if v is not None and old in [p.strip() for p in v.strip("{}\"").split(",")]:
                nv = replace_key_in_list(v, old, new)
                changed = set_field(changed, name, nv) if nv != "{}" else delete_field(changed, name)
        if changed != raw:
            start, end = entry_span(text, offsets, s)
            edits.append((start, end, changed))
            rows.append(ChangeRow("repoint", s.key, f"{old} → {new}" if new else f"dropped {old}"))
    return edits, rows


# ---------------------------------------------------------------- claims.ttl as a graph
def split_header(text: str) -> tuple[str, str]:
    """The leading comment (and blank) lines of a Turtle file, and the rest."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[:i]), "".join(lines[i:])


@dataclass(slots=True)
class Claims:
    """claims.ttl as an rdflib graph, with the file's leading comment lines and its original body."""

    header: str
    graph: object
    body: str = ""

    def dump(self) -> bytes:
        from .turtle import serialize

        return (self.header + serialize(self.graph)).encode("utf-8")

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
        return rdflib.Literal(t.value, datatype=None if dt == XSD_STRING else rdflib.URIRef(dt))

    for t in triples:
        g.add((term(t.subject), term(t.predicate), term(t.object)))
    return Claims(header, g, body)


def _u(iri: str):
    import rdflib

    return rdflib.URIRef(iri)


def repoint_claims(claims: Claims, old_iri: str, new_iri: str) -> int:
    """Replace ``old_iri`` by ``new_iri`` wherever it occurs (subject or object). Returns the triples changed."""
    g = claims.graph
    old, new = _u(old_iri), _u(new_iri)
    hits = [t for t in g.triples((old, None, None))] + [t for t in g.triples((None, None, old))]
    for s, p, o in set(hits):
        g.remove((s, p, o))
        g.add((new if s == old else s, p, new if o == old else o))
    return len(set(hits))


def _canonical_note(claims: Claims, d, new: bytes, expected: int = 0) -> list[str]:
    if claims.churn(new) <= expected:
        return []
    return [f"{d.claims_path.name} was not in partnergraph's sorted form: it is rewritten sorted (a larger "
            "diff than the change itself, once)"]


# ---------------------------------------------------------------- bib add
def _parse_sources(d) -> list[Source]:
    lib = parse_bibtex_text(d.sources_text(), d.sources_path)
    lib.raise_first()
    return lib.sources


def add_entries(files: list[str | Path], data=None, *, dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Import .bib/.ris/CSL-JSON files into ``sources.bib``: new entries are appended at the end, every
    existing byte stays as it was. Each imported entry gets one :class:`AddRow`."""
    from .bibimport import keeps_own_key, key_for, read_import, status_fields
    from .dedupe import DedupeIndex, record_from_source

    imports = [read_import(f) for f in files]  # read (and fail on unreadable files) before locking
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = _parse_sources(d)
        taken = {s.key.lower() for s in sources}
        index = DedupeIndex([record_from_source(s) for s in sources])
        plan = Plan(d)
        pending = [(imp, e) for imp in imports for e in imp.entries]
        # decode every imported entry once (a batch parse) for names, years, titles
        probe = "\n".join(e.text(f"pgimport{i}x") for i, (_, e) in enumerate(pending))
        decoded = {s.key: s for s in parse_bibtex_text(probe).sources}
        texts: list[str] = []
        for imp in imports:
            for line, key, reason in imp.skipped:
                plan.rows.append(AddRow(str(imp.path), line, "skipped", key, reason))
        for i, (imp, e) in enumerate(pending):
            src = decoded.get(f"pgimport{i}x")
            where = str(imp.path)
            if src is None:
                plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "the entry does not convert to "
                                        "valid BibTeX (unbalanced braces or a bad field?)"))
                continue
            if not (src.title or src.authors or src.editors or src.get("doi") or src.get("isbn")):
                plan.rows.append(AddRow(where, e.line, "skipped", e.key or "", "no title, author, DOI or ISBN: "
                                        "nothing to identify the work by"))
                continue
            key = e.key if keeps_own_key(e.key, src, taken) else key_for(src, taken)
            rec = record_from_source(Source(key, src.entry_type, src.fields, 0, 0, src.authors, src.editors))
            found = index.matches(rec)
            dup = next((m for m in found if m.kind == "duplicate"), None)
            if dup is not None:
                plan.rows.append(AddRow(where, e.line, "duplicate", dup.key_b, dup.reason))
                continue
            details = []
            if e.key and e.key != key:
                details.append(f"key {e.key} → {key} (pattern)")
            details.extend(f"{m.reason.split(':')[0]} of {m.key_b}" for m in found if m.kind == "version")
            details.extend(f"may be the incomplete entry {k} (same name and year): check, then 'bib merge'"
                           for k in index.possible(rec))
            details.extend(e.notes)
            details.extend(_identifier_problems(src))
            extra = status_fields(e)
            if extra and extra[0][1] == "{incomplete}":
                details.append("incomplete: missing " + extra[1][1].strip("{}"))
            texts.append(e.text(key, extra))
            taken.add(key.lower())
            index.add(rec)
            plan.rows.append(AddRow(where, e.line, "added", key, "; ".join(details)))
        if texts:
            old = d.sources_bytes.decode("utf-8")
            sep = "" if old.endswith("\n") or not old else "\n"
            plan.sources = (old + sep + "\n" + "\n".join(texts)).encode("utf-8")
        apply(plan, dry_run=dry_run)
    return plan


def _identifier_problems(src: Source) -> list[str]:
    """What ``bib lint`` would call an error in an imported entry's DOI/ISBN/ISSN (reported, not fatal)."""
    from .dedupe import normalise_doi

    out = []
    if src.get("doi") and not re.fullmatch(r"10\.\d{4,9}/\S+", normalise_doi(src.get("doi"))):
        out.append(f"check the DOI '{src.get('doi')}'")
    out += [f"check the ISBN '{i.strip()}'" for i in re.split(r"[;,]\s*", src.get("isbn")) if i.strip()
            and not isbn_ok(i)]
    out += [f"check the ISSN '{i}'" for i in re.split(r"[;,\s]+", src.get("issn")) if i.strip() and not issn_ok(i)]
    return out


# ---------------------------------------------------------------- rename and merge
def _source_or_fail(sources: list[Source], key: str, d) -> Source:
    for s in sources:
        if s.key == key:
            return s
    close = difflib.get_close_matches(key, [s.key for s in sources], n=3)
    raise UnknownKeyError(d.sources_path, None, f"no source with key '{key}'",
                          hint=("did you mean " + ", ".join(close) + "?") if close else "run 'partnergraph bib "
                          "lint' or look the key up in sources.bib")


def _repoint_claims_file(plan: Plan, old: str, new: str) -> Claims:
    """Make every reference to source ``old`` in claims.ttl name ``new``; the new text goes into ``plan``."""
    d = plan.data
    claims = load_claims(d)
    n = repoint_claims(claims, SOURCE_NS + old, SOURCE_NS + new)
    if n:
        plan.claims = claims.dump()
        plan.notes += _canonical_note(claims, d, plan.claims, n)
    plan.rows.append(ChangeRow("repoint", d.claims_path.name, f"{n} triple(s) now name source:{new}"))
    return claims


def rename_key(old: str, new: str, data=None, *, dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Change citation key ``old`` to ``new`` in sources.bib (the entry and every ``citedin``/``crossref``)
    and every reference in claims.ttl, both files committed in one step."""
    from .bibimport import KEY_RULE

    if not re.fullmatch(r"[A-Za-z0-9_:.+/-]+", new):
        raise PartnergraphError(f"'{new}' is not a usable citation key",
                                hint="use lowercase ASCII letters and digits (the key pattern: surnameyear)")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = _parse_sources(d)
        s = _source_or_fail(sources, old, d)
        if new.lower() in {x.key.lower() for x in sources}:
            clash = next(x for x in sources if x.key.lower() == new.lower())
            raise IntegrityError(d.sources_path, clash.line, f"key '{new}' is already taken by an entry",
                                 hint=f"to fold {old} into it, run 'partnergraph bib merge {clash.key} {old}'")
        text = d.sources_text()
        offsets = line_offsets(text)
        start, end = entry_span(text, offsets, s)
        edits = [(start, end, rename_in_header(s.raw, old, new))]
        plan = Plan(d)
        plan.rows.append(ChangeRow("rename", old, f"→ {new} ({d.sources_path.name}:{s.line})"))
        more, rows = _repoint_bib(text, sources, old, new, {old})
        edits += more
        plan.rows += rows
        plan.sources = splice(text, edits).encode("utf-8")
        _repoint_claims_file(plan, old, new)
        if not KEY_RULE.match(new):
            plan.notes.append(f"'{new}' does not follow the key pattern (lowercase ASCII letters and digits)")
        apply(plan, dry_run=dry_run)
    return plan


def merge(keep: str, drop: str, data=None, *, dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Fold entry ``drop`` into ``keep``: fields ``keep`` lacks are copied over, ``drop``'s key is recorded in
    ``ids``, ``drop`` is removed, and every reference to it (evidence links, pool members, via, citing works,
    ``citedin``) is repointed to ``keep``."""
    if keep == drop:
        raise PartnergraphError("KEEP and DROP are the same key", hint="name two different entries")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        sources = _parse_sources(d)
        k, x = _source_or_fail(sources, keep, d), _source_or_fail(sources, drop, d)
        text = d.sources_text()
        offsets = line_offsets(text)
        plan = Plan(d)
        raw = k.raw
        have = {s.name for s in field_spans(raw)}
        copied = []
        for s in field_spans(x.raw):
            if s.name in have or s.name in ("status", "missing", "ids"):
                continue
            raw = set_field(raw, s.name, x.raw[s.value_start:s.value_end])
            copied.append(s.name)
            have.add(s.name)
        knote, xnote = field_value(raw, "note"), field_value(x.raw, "note")
        if knote and xnote and knote.strip("{}\"") != xnote.strip("{}\""):
            raw = set_field(raw, "note", "{" + knote.strip("{}\"").rstrip() + f" Merged from {drop}: " +
                            xnote.strip("{}\"") + "}")
            copied.append("note (appended)")
        ids = field_value(raw, "ids")
        raw = set_field(raw, "ids", replace_key_in_list(ids, drop, drop) if ids else "{" + drop + "}")
        missing = field_value(raw, "missing")
        if missing is not None:
            left = [m.strip() for m in missing.strip("{}").split(",")
                    if m.strip() and not any(alt in have for alt in _SATISFIED_BY.get(m.strip(), (m.strip(),)))]
            raw = set_field(raw, "missing", "{" + ", ".join(left) + "}") if left else delete_field(raw, "missing")
            status = (field_value(raw, "status") or "").strip("{}\" ").lower()
            if not left and status == "incomplete":
                raw = set_field(raw, "status", "{complete}")
                copied.append("status → complete (nothing missing)")
        ks, ke = entry_span(text, offsets, k)
        xs, xe = entry_span(text, offsets, x)
        # remove the dropped entry with the blank line that follows it
        while xe < len(text) and text[xe] in " \t":
            xe += 1
        if text[xe:xe + 2] == "\n\n":
            xe += 2
        elif text[xe:xe + 1] == "\n":
            xe += 1
        edits = [(ks, ke, raw), (xs, xe, "")]
        more, rows = _repoint_bib(text, sources, drop, keep, {keep, drop})
        edits += more
        plan.rows.append(ChangeRow("merge", keep, "copied " + (", ".join(copied) or "no fields") +
                                   f" from {drop}; ids += {drop}"))
        plan.rows.append(ChangeRow("remove", drop, f"{d.sources_path.name}:{x.line}"))
        plan.rows += rows
        plan.sources = splice(text, edits).encode("utf-8")
        claims = _repoint_claims_file(plan, drop, keep)
        plan.notes += [f"evidence:{a} and evidence:{b} now say the same (claim, cited and citing work, via, "
                       f"stance, locator): keep one ('partnergraph unlink {b}')" for a, b in _same_links(claims.graph)]
        apply(plan, dry_run=dry_run)
    return plan


def _same_links(g) -> list[tuple[str, str]]:
    """Pairs of evidence links that say the same thing (what a merge can leave behind)."""
    seen: dict[tuple, str] = {}
    out = []
    for e, c in sorted(_links(g), key=lambda x: str(x[0])):
        sig = (str(c),) + tuple(_v(g, e, p) for p in (CITO + "hasCitedEntity", CITO + "hasCitingEntity", PG + "via",
                                                       PG + "stance", PG + "locator"))
        eid = str(e).rsplit("/", 1)[-1]
        if sig in seen:
            out.append((seen[sig], eid))
        else:
            seen[sig] = eid
    return out


# ---------------------------------------------------------------- link, unlink, claim add
def _strip(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def _claim_iri(claims: Claims, claim: str, d) -> str:
    import rdflib

    cid = _strip(_strip(claim, "claim:"), PGID + "claim/")
    iri = PGID + "claim/" + cid
    if (rdflib.URIRef(iri), rdflib.RDF.type, None) not in claims.graph:
        ids = sorted({str(s)[len(PGID) + 6:] for s in claims.graph.subjects(rdflib.RDF.type, None)
                      if str(s).startswith(PGID + "claim/")})
        close = difflib.get_close_matches(cid, ids, n=3)
        raise UnknownKeyError(d.claims_path, None, f"no claim '{cid}'",
                              hint=("did you mean " + ", ".join(close) + "?") if close else
                              "list claims with 'partnergraph claims' or 'partnergraph search TEXT'")
    return iri


def _links(g, claim_iri: str | None = None):
    import rdflib

    about = rdflib.URIRef(PG + "aboutClaim")
    pattern = (None, about, rdflib.URIRef(claim_iri) if claim_iri else None)
    for e, _, c in g.triples(pattern):
        yield e, c


def _v(g, s, p: str) -> str:
    import rdflib

    o = g.value(s, rdflib.URIRef(p))
    return "" if o is None else str(o)


def link(claim: str, key: str, stance: str, data=None, *, locator: str = "", quote: str = "", via: str = "",
         citing: str = "", dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Add an evidence link: source ``key`` (or ``pool:ID``, a pooled link) is evidence for ``claim``.

    ``citing`` is the review that makes the attribution (default: the review the claim is derived from);
    ``quote`` is the review's exact words (at most :data:`QUOTE_LIMIT` characters); ``via`` the work through
    which the review cites it. Rejects an unknown claim or key, a duplicate link and a conflicting stance."""
    import rdflib

    st = stance.strip().capitalize()
    st = {"Support": "Supports", "Dispute": "Disputes", "Qualify": "Qualifies"}.get(st, st)
    if st not in STANCES:
        raise PartnergraphError(f"unknown stance '{stance}'", hint="use supports, disputes or qualifies")
    if quote and len(quote) > QUOTE_LIMIT:
        raise PartnergraphError(f"the quote is {len(quote)} characters; the limit is {QUOTE_LIMIT}",
                                hint="quote the review's key words only (short quotes: the seeds are copyrighted)")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        keys = {s.key for s in _parse_sources(d)}
        claims = load_claims(d)
        g = claims.graph
        claim_iri = _claim_iri(claims, claim, d)
        pooled = key.startswith("pool:")
        if pooled:
            cited = PGID + "pool/" + key[5:]
            if (_u(cited), rdflib.RDF.type, _u(PG + "PooledEvidenceBase")) not in g:
                raise UnknownKeyError(d.claims_path, None, f"no pooled evidence base '{key}'")
            if quote:
                raise PartnergraphError("a pooled evidence link has no quote",
                                        hint="the review quotes no words for a pooled link; leave out --quote")
        else:
            for k, what in ((key, "source"), (via, "--via source"), (citing, "--citing review")):
                if k and k not in keys:
                    close = difflib.get_close_matches(k, sorted(keys), n=3)
                    raise UnknownKeyError(d.sources_path, None, f"no {what} with key '{k}'",
                                          hint=("did you mean " + ", ".join(close) + "?") if close else
                                          "add it first with 'partnergraph bib add FILE'")
            cited = SOURCE_NS + key
        if not citing:
            derived = sorted(str(o) for o in g.objects(_u(claim_iri), _u(PROV + "wasDerivedFrom")))
            if len(derived) != 1:
                raise AmbiguousError(f"claim {claim_iri.rsplit('/', 1)[-1]} is derived from {len(derived)} "
                                     "reviews; say which one cites the source",
                                     hint="add --citing REVIEWKEY (one of: " +
                                     ", ".join(x.rsplit('/', 1)[-1] for x in derived) + ")")
            citing_iri = derived[0]
        else:
            citing_iri = SOURCE_NS + citing
        via_iri = SOURCE_NS + via if via else ""
        for e, _ in _links(g, claim_iri):
            same = (_v(g, e, CITO + "hasCitedEntity") == cited and _v(g, e, CITO + "hasCitingEntity") == citing_iri
                    and _v(g, e, PG + "via") == via_iri)
            if not same:
                continue
            eid = str(e).rsplit("/", 1)[-1]
            old_stance = _v(g, e, PG + "stance").rsplit("#", 1)[-1]
            from .api import find_subject_line

            line = find_subject_line(d.claims_text(), str(e))
            if old_stance != st:
                raise IntegrityError(d.claims_path, line, f"evidence:{eid} already links {key} to this claim "
                                     f"with stance {old_stance.lower()}",
                                     hint=f"unlink it first ('partnergraph unlink {eid}') to change the stance")
            if _v(g, e, PG + "locator") == locator:
                raise IntegrityError(d.claims_path, line, f"duplicate link: evidence:{eid} already links {key} "
                                     f"to claim {claim_iri.rsplit('/', 1)[-1]}",
                                     hint="give a different --locator if the review cites it a second time")
        eid = _next_evidence_id(g)
        e = _u(PGID + "evidence/" + eid)
        g.add((e, rdflib.RDF.type, _u(PG + "EvidenceLink")))
        g.add((e, _u(PG + "aboutClaim"), _u(claim_iri)))
        g.add((e, _u(CITO + "hasCitingEntity"), _u(citing_iri)))
        g.add((e, _u(CITO + "hasCitedEntity"), _u(cited)))
        g.add((e, _u(CITO + "hasCitationCharacterization"), _u(CITO + STANCE_CHARACTERISATION[st])))
        g.add((e, _u(PG + "stance"), _u(PG + st)))
        g.add((e, _u(PG + "attribution"), _u(PG + ("Pooled" if pooled else "Direct"))))
        if locator:
            g.add((e, _u(PG + "locator"), rdflib.Literal(locator)))
        if via_iri:
            g.add((e, _u(PG + "via"), _u(via_iri)))
        if quote:
            q, sel = rdflib.BNode(), rdflib.BNode()
            g.add((e, _u(PG + "quote"), q))
            g.add((q, rdflib.RDF.type, _u(OA + "SpecificResource")))
            g.add((q, _u(OA + "hasSource"), _u(citing_iri)))
            g.add((q, _u(OA + "hasSelector"), sel))
            g.add((sel, rdflib.RDF.type, _u(OA + "TextQuoteSelector")))
            g.add((sel, _u(OA + "exact"), rdflib.Literal(quote)))
        plan = Plan(d, claims=claims.dump())
        plan.notes += _canonical_note(claims, d, plan.claims)
        plan.rows.append(ChangeRow("link", "evidence:" + eid, f"{key} {st.lower()} claim:"
                                   f"{claim_iri.rsplit('/', 1)[-1]} (cited in {citing_iri.rsplit('/', 1)[-1]})"))
        apply(plan, dry_run=dry_run)
    return plan


def _next_evidence_id(g) -> str:
    import rdflib

    n = 0
    for s in g.subjects(rdflib.RDF.type, _u(PG + "EvidenceLink")):
        m = re.fullmatch(re.escape(PGID) + r"evidence/lib-(\d+)", str(s))
        if m:
            n = max(n, int(m.group(1)))
    return f"lib-{n + 1:04d}"


def _remove_tree(g, node) -> None:
    """Remove ``node``'s triples and, recursively, the blank nodes only it uses."""
    import rdflib

    for _, p, o in list(g.triples((node, None, None))):
        g.remove((node, p, o))
        if isinstance(o, rdflib.BNode) and not any(True for _ in g.triples((None, None, o))):
            _remove_tree(g, o)


def unlink(target: str, key: str | None = None, data=None, *, dry_run: bool = False,
           lock_timeout: float = 30.0) -> Plan:
    """Remove an evidence link, named by its id (``lib-0001`` or ``evidence:lib-0001``) or by CLAIM and KEY
    (which must name exactly one link)."""
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        claims = load_claims(d)
        g = claims.graph
        if key is None:
            e = _u(PGID + "evidence/" + _strip(_strip(target, "evidence:"), PGID + "evidence/"))
            if (e, _u(PG + "aboutClaim"), None) not in g:
                raise UnknownKeyError(d.claims_path, None, f"no evidence link '{target}'",
                                      hint="name it by id (see 'partnergraph evidence CLAIM') or as CLAIM KEY")
            found = [e]
        else:
            claim_iri = _claim_iri(claims, target, d)
            cited = PGID + "pool/" + key[5:] if key.startswith("pool:") else SOURCE_NS + key
            found = sorted((e for e, _ in _links(g, claim_iri) if _v(g, e, CITO + "hasCitedEntity") == cited),
                           key=str)
            if not found:
                raise UnknownKeyError(d.claims_path, None, f"claim {target} has no evidence link to {key}")
            if len(found) > 1:
                raise AmbiguousError(f"claim {target} has {len(found)} links to {key}: " +
                                     ", ".join(str(x).rsplit("/", 1)[-1] for x in found),
                                     hint="unlink one by its id")
        size = len(g)
        _remove_tree(g, found[0])
        plan = Plan(d, claims=claims.dump())
        plan.notes += _canonical_note(claims, d, plan.claims, size - len(g) + 4)
        plan.rows.append(ChangeRow("unlink", "evidence:" + str(found[0]).rsplit("/", 1)[-1], "removed"))
        apply(plan, dry_run=dry_run)
    return plan


def _slug(text: str, words: int = 6) -> str:
    from .bibimport import ascii_fold

    toks = [ascii_fold(w) for w in re.findall(r"[^\W_]+", text)]
    return "-".join(t for t in toks if t)[:48].strip("-") or "claim"


def add_claim(kind: str, label: str, derived_from: str, data=None, *, cells: tuple[str, ...] = (),
              claim_id: str = "", where: str = "", dry_run: bool = False, lock_timeout: float = 30.0) -> Plan:
    """Add a claim of ``kind`` with ``label``, derived from review ``derived_from``; benefits need cells."""
    import rdflib

    kinds = {k.lower(): k for k in CLAIM_KINDS}
    k = kinds.get(re.sub(r"[\s_-]+", "", kind).lower())
    if k is None:
        raise PartnergraphError(f"unknown claim kind '{kind}'", hint="one of: " + ", ".join(CLAIM_KINDS))
    cellmap = {c.lower(): c for c in CELLS}
    cs = []
    for c in cells:
        cc = cellmap.get(re.sub(r"[\s_:-]+", "", _strip(c, "pg:")).lower())
        if cc is None:
            raise PartnergraphError(f"unknown quality cell '{c}'", hint="one of: " + ", ".join(CELLS))
        cs.append(cc)
    if k == "Benefit" and not cs:
        raise PartnergraphError("a benefit needs at least one quality cell",
                                hint="add --cell, e.g. --cell EfficiencyOutput")
    if cs and k != "Benefit":
        raise PartnergraphError("only benefits have quality cells", hint="leave out --cell")
    if not label.strip():
        raise PartnergraphError("the label is empty", hint="give the claim's short text as the review words it")
    with writing(data, dry_run=dry_run, lock_timeout=lock_timeout) as d:
        keys = {s.key for s in _parse_sources(d)}
        if derived_from not in keys:
            raise UnknownKeyError(d.sources_path, None, f"no source with key '{derived_from}'",
                                  hint="--derived-from names the review the claim comes from")
        claims = load_claims(d)
        g = claims.graph
        base = claim_id or _slug(label)
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", base):
            raise PartnergraphError(f"'{base}' is not a usable claim id", hint="use letters, digits, '-' and '_'")
        cid, n = base, 1
        while (_u(PGID + "claim/" + cid), None, None) in g:
            if claim_id:
                raise IntegrityError(d.claims_path, None, f"claim '{cid}' already exists", hint="choose another --id")
            n += 1
            cid = f"{base}-{n}"
        c = _u(PGID + "claim/" + cid)
        g.add((c, rdflib.RDF.type, _u(PG + k)))
        g.add((c, rdflib.RDFS.label, rdflib.Literal(label.strip())))
        g.add((c, _u(PROV + "wasDerivedFrom"), _u(SOURCE_NS + derived_from)))
        for cc in cs:
            g.add((c, _u(PG + "qualityCategory"), _u(PG + cc)))
        if cs:
            g.add((c, _u(PG + "categorisedBy"), _u(PG + "CuratorAssigned")))
        if where:
            g.add((c, _u(PG + "where"), rdflib.Literal(where)))
        plan = Plan(d, claims=claims.dump())
        plan.notes += _canonical_note(claims, d, plan.claims)
        plan.rows.append(ChangeRow("claim", "claim:" + cid, f"{k}: {label.strip()[:60]}"))
        apply(plan, dry_run=dry_run)
    return plan


# the read-only checks live in bibcheck.py; their names stay importable from here
from .bibcheck import (  # noqa: E402, F401
    DuplicateRow,
    LintFinding,
    TodoRow,
    duplicates,
    isbn_ok,
    issn_ok,
    lint,
    todo,
)
