"""Pull the shared store into a data directory: every file as it was pushed, nothing of this copy lost.

:func:`pull` reads the store consistently (:func:`.remote.fetch`: paged when the server caps answers, checked
against the version record, read again if a push landed meanwhile), then writes

- ``sources.bib`` from its text on the store, byte for byte (checked against its SHA-256);
- ``claims.ttl`` (and ``themes.ttl``) from its text when the graph on the store is the one pushed with it
  (same hash), or else from the graph — sorted, stable, its leading comment kept — with a note saying so;

into the folder, both files in one atomic commit under the data directory's lock. It refuses to overwrite a
file changed here since this copy last pulled or pushed (``force`` overrides), and with ``dry_run`` only
returns the unified diff. A store pushed without a version record (by an older partnergraph) is still read:
its ``sources.bib`` is rebuilt from the RDF, with the fields the RDF keeps.

May import: ``partnergraph.files``, ``partnergraph.core`` and the ``partnergraph.store`` modules below it.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import DataDirError, StoreError
from ..core.namespaces import BIBO, DCTERMS, EVIDENCE_TYPES, FOAF, PG, RDF, RDFS
from ..files.atomic import commit, locked
from ..files.datadir import default_data_dir
from ..files.turtle import serialize, split_header
from .endpoint import Endpoint
from .remote import FILE_GRAPHS, GRAPH_FILES, GRAPH_SOURCES, Remote, fetch, graph_hash
from .skolem import deskolemize
from .sync import ntriples, read_state, write_state

__all__ = ["PullPlan", "PullResult", "bibtex_from_ntriples", "files_from", "pull"]


@dataclass(frozen=True, slots=True)
class PullResult:
    """What :func:`pull` did (or would do) to one file: ``written``, ``unchanged`` or ``would write``."""

    file: str
    action: str
    triples: int


@dataclass
class PullPlan:
    """A pull: a row per file, the unified diff of what changes, the store's version, and notes."""

    rows: list
    diff: str
    version: str | None
    notes: list = field(default_factory=list)


def files_from(remote: Remote, local_headers: dict[str, str]) -> tuple[dict[str, bytes], dict[str, int], list]:
    """The data files as the store holds them: name → bytes, name → triples, and notes."""
    notes: list[str] = []
    records = _file_records(remote.graphs.get(GRAPH_FILES, []))
    pushed = remote.version.hashes if remote.version else {}
    out: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for name in ("claims.ttl", "themes.ttl"):
        g = FILE_GRAPHS[name]
        if g not in remote.graphs:
            continue
        counts[name] = len(remote.graphs[g])
        same = pushed.get(g) is not None and pushed[g] == graph_hash(remote.graphs[g])
        text = _text(records.get(name)) if same else None
        if text is not None:  # the graph is the one pushed with this text: the file as it was pushed
            out[name] = text
            continue
        if pushed.get(g) is not None:
            notes.append(f"{name}: the store's graph was changed outside partnergraph push; the file is written "
                         f"from the graph (sorted, stable)")
        header = records.get(name, {}).get("header", local_headers.get(name, ""))
        out[name] = (header + _turtle(deskolemize(remote.graphs[g]))).encode("utf-8")
    bib = _text(records.get("sources.bib"))
    if bib is not None:
        out["sources.bib"] = bib
        counts["sources.bib"] = len(remote.graphs.get(GRAPH_SOURCES, []))
        if pushed.get(GRAPH_SOURCES) and pushed[GRAPH_SOURCES] != graph_hash(remote.graphs.get(GRAPH_SOURCES, [])):
            notes.append("sources.bib: the store's sources graph was changed outside partnergraph push; the file "
                         "is the BibTeX pushed with this version (the bibliography is changed in sources.bib, "
                         "then pushed)")
    elif GRAPH_SOURCES in remote.graphs:
        out["sources.bib"] = bibtex_from_ntriples(ntriples(remote.graphs[GRAPH_SOURCES])).encode("utf-8")
        counts["sources.bib"] = len(remote.graphs[GRAPH_SOURCES])
        notes.append("sources.bib was rebuilt from the store's RDF (the store holds no BibTeX text): field order, "
                     "comments and fields the RDF does not map are not kept")
    return out, counts, notes


def _text(record: dict | None) -> bytes | None:
    """A file's bytes from its parts on the store (``None`` when it has none), checked against its SHA-256."""
    if not record or not record.get("parts"):
        return None
    data = "".join(t for _, t in sorted(record["parts"])).encode("utf-8")
    if hashlib.sha256(data).hexdigest() != record.get("sha256"):
        raise StoreError(f"<{GRAPH_FILES}>: the text of {record['name']} on the store does not match its SHA-256",
                         hint="it was changed outside partnergraph; push --force from a copy that has the file")
    return data


def _file_records(triples) -> dict:
    by: dict = {}
    for t in triples:
        by.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    out = {}
    for props in by.values():
        names = props.get(PG + "fileName")
        if not names:
            continue
        rec: dict = {"name": names[0].value,
                     "sha256": props[PG + "sha256"][0].value if props.get(PG + "sha256") else None}
        if PG + "header" in props:
            rec["header"] = props[PG + "header"][0].value
        parts = []
        for p in props.get(PG + "textPart", []):
            pp = by.get(p.value, {})
            try:
                parts.append((int(pp[PG + "index"][0].value), pp[PG + "text"][0].value))
            except (KeyError, ValueError, IndexError):
                raise StoreError(f"<{GRAPH_FILES}>: part {p.value} of {names[0].value} is incomplete",
                                 hint="push --force from a copy that has the file") from None
        rec["parts"] = parts
        out[names[0].value] = rec
    return out


def _turtle(triples) -> str:
    import rdflib

    g = rdflib.Graph()
    g.parse(data=ntriples(triples).decode("utf-8"), format="nt")
    return serialize(g)


def pull(url: str, data=None, *, dry_run: bool = False, force: bool = False,
         timeout: float | None = None, progress=None) -> PullPlan:
    """Write the store's data files into ``data`` (default: the bundled ``data/``); see the module docstring.
    ``progress``: told of the triples read (a progress bar; see :func:`.remote.fetch`).

    Raises :class:`StoreError` when the store cannot be read whole, and when a file changed here since the last
    pull or push would be overwritten (unless ``force``); nothing is written then.
    """
    folder = Path(data) if data is not None else default_data_dir()
    if folder.exists() and not folder.is_dir():
        raise DataDirError(f"{folder}: not a directory", hint="give --data DIR")
    ep = Endpoint(url, timeout=timeout)
    remote = fetch(ep, progress=progress)
    local = {n: (folder / n).read_bytes() for n in FILE_GRAPHS if (folder / n).is_file()}
    headers = {n: split_header(b.decode("utf-8", "replace"))[0] for n, b in local.items() if n.endswith(".ttl")}
    files, counts, notes = files_from(remote, headers)
    state = read_state(folder, remote.version) if folder.is_dir() else None
    changed = {n: b for n, b in files.items() if local.get(n) != b}
    if changed and not force and not dry_run:
        _refuse_overwrite(ep, folder, local, changed, state)
    diff = "".join(_diff(local.get(n, b""), b, n) for n, b in sorted(changed.items()))
    action = "would write" if dry_run else "written"
    rows = [PullResult(str(folder / n), action if n in changed else "unchanged", counts.get(n, 0))
            for n in ("claims.ttl", "sources.bib", "themes.ttl") if n in files]
    version = remote.version.version if remote.version else None
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        with locked(folder, 30.0):
            commit(folder, changed)
            if remote.version is not None:
                write_state(folder, ep, remote.version, files)
    return PullPlan(rows, diff, version, notes)


def _diff(old: bytes, new: bytes, name: str) -> str:
    lines = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(True),
                                 new.decode("utf-8", "replace").splitlines(True), f"a/{name}", f"b/{name}", n=2)
    return "".join(x if x.endswith("\n") else x + "\n" for x in lines)


def _refuse_overwrite(ep: Endpoint, folder: Path, local: dict, changed: dict, state: dict | None) -> None:
    at_risk = sorted(n for n in changed if n in local)
    if not at_risk:
        return
    if state is None:
        raise StoreError(f"{folder / at_risk[0]}: this folder was never pulled from {ep.url}, and its "
                         f"{', '.join(at_risk)} differ from the store's; nothing was written",
                         hint="see the difference with pull --dry-run; pull --force replaces the files (keep a "
                              "copy first)")
    mine = [n for n in at_risk if hashlib.sha256(local[n]).hexdigest() != state.get("files", {}).get(n)]
    if mine:
        raise StoreError(f"{folder / mine[0]}: changed here since the last pull or push, and the store "
                         f"{ep.url} has other changes; nothing was written",
                         hint="pull --dry-run shows both sides; push --force keeps this copy, pull --force takes "
                              "the store's")


# ---------------------------------------------------------------- a store pushed without the BibTeX text
def bibtex_from_ntriples(body: bytes) -> str:
    """A plain ``sources.bib`` rebuilt from the sources graph (a store pushed by an older partnergraph holds no
    BibTeX text): key, type, title, year, authors, container, DOI, URL, status, missing fields, note, evidence type
    and the other fields partnergraph keeps."""
    import pyoxigraph as ox

    by_s: dict[str, dict[str, list]] = {}
    for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        by_s.setdefault(str(t.subject), {}).setdefault(t.predicate.value, []).append(t.object)

    def one(s, p):
        v = by_s.get(s, {}).get(p)
        return v[0].value if v else ""

    out = ["% sources.bib written by 'partnergraph pull' from the shared store's RDF.\n"]
    for s, props in sorted(by_s.items(), key=lambda kv: one(kv[0], PG + "bibtexKey")):
        key = one(s, PG + "bibtexKey")
        if not key:
            continue
        fields: list[tuple[str, str]] = []
        seq = props.get(BIBO + "authorList")
        if seq:
            members = sorted(((int(p.rsplit("_", 1)[1]), o[0]) for p, o in by_s.get(str(seq[0]), {}).items()
                              if p.startswith(RDF + "_")), key=lambda x: x[0])
            names = []
            for _, a in members:
                name = one(str(a), FOAF + "name")
                org = any(o.value == FOAF + "Organization" for o in by_s.get(str(a), {}).get(RDF + "type", []))
                names.append("{" + name + "}" if org else name)
            if one(s, PG + "etAl") == "true":
                names.append("others")
            fields.append(("author", " and ".join(names)))
        fields.append(("title", one(s, DCTERMS + "title")))
        fields.append(("year", one(s, DCTERMS + "issued")))
        for part in props.get(DCTERMS + "isPartOf", []):
            fields.append(("booktitle" if str(part).endswith("/book>") else "journal",
                           one(str(part), DCTERMS + "title")))
        pub = props.get(DCTERMS + "publisher")
        if pub:
            fields.append(("publisher", one(str(pub[0]), FOAF + "name")))
        for name, pred in (("volume", BIBO + "volume"), ("number", BIBO + "issue"), ("pages", BIBO + "pages"),
                           ("doi", BIBO + "doi"), ("url", BIBO + "uri"), ("isbn", BIBO + "isbn"),
                           ("issn", BIBO + "issn"), ("edition", BIBO + "edition"), ("chapter", BIBO + "chapter"),
                           ("address", PG + "place"), ("howpublished", PG + "howPublished"),
                           ("note", RDFS + "comment"), ("refnumber", PG + "refNumber"),
                           ("seedfile", PG + "seedFile")):
            fields.append((name, one(s, pred)))
        fields.append(("status", one(s, PG + "status").rsplit("#", 1)[-1].lower()))
        fields.append(("missing", ", ".join(o.value for o in props.get(PG + "missingField", []))))
        fields.append(("citedin", ", ".join(o.value.rsplit("/", 1)[-1] for o in props.get(PG + "asCitedIn", []))))
        names_of = {v: k for k, v in EVIDENCE_TYPES.items()}
        for et in props.get(PG + "evidenceType", []):
            local = et.value.rsplit("#", 1)[-1]
            fields.append(("evidencetype", names_of.get(local, local)))
        for extra in props.get(PG + "extraField", []):
            k, _, v = extra.value.partition("=")
            fields.append((k, v))
        body_lines = [f"  {k:<12} = {{{_bib_escape(v)}}}" for k, v in fields if v]
        out.append(f"@{one(s, PG + 'bibtexType') or 'misc'}{{{key},\n" + ",\n".join(body_lines) + "\n}\n")
    return "\n".join(out)


def _bib_escape(value: str) -> str:
    out = []
    depth = 0
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                out.append("\\}")
                continue
            depth -= 1
        out.append(ch)
    text = "".join(out)
    return text + "}" * depth if depth else text
