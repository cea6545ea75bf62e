"""The shared store: one evidence graph on a SPARQL 1.1 server that a whole team reads and writes (DESIGN §5).

What the server holds (docs/teams.md shows it with queries):

- one named graph per data file — ``…/id/graph/sources`` (``sources.bib`` as BIBO/DCTerms/FOAF triples),
  ``…/graph/claims``, ``…/graph/themes`` when there is a themes file — and ``…/graph/ontology`` (the vocabulary);
  blank nodes are stored as skolem IRIs (:mod:`partnergraph.skolem`);
- ``…/graph/files``: each file's SHA-256 and, for ``sources.bib``, its whole text in parts of at most
  :data:`PART_CHARS` characters (BibTeX carries more than its RDF: field order, macros, comments, fields the RDF
  does not map), so that ``pull`` writes it back byte for byte;
- ``…/graph/version``: the dataset's description (VoID) — the data graphs and their triple counts — and its
  **version** (time stamp + content hash), the one thing a push compares before writing;
- ``…/graph/lock`` while a push runs, and ``…/graph/staging/…`` graphs during a push.

**push** (:func:`push`): reads the store's version; refuses when it is not the one this copy last pulled or pushed
(``--force`` overrides); takes the store's push lock (a token of its own, inserted and then read back: the
conditional update alone serialises nothing — measured on Oxigraph and Virtuoso, see the issue note); reads what
the server holds and works out what changed; writes the triples to delete and to insert into staging graphs and
reads them back (a server that would change a term — both rewrite ``"01"^^xsd:integer`` as ``"1"`` — is caught
here, before anything is replaced); then switches in **one** SPARQL Update operation, conditional on the version
(a single operation is atomic on every server; several in one request are not on Virtuoso); and reads back the
version and the counts. A push that fails at any step leaves the previous data whole and says so.

**pull** (:func:`pull`): reads the version, the graphs and the files graph (paged when the server caps answers),
checks them against the version's counts and reads the version again (a push in between means read again), and
writes ``sources.bib`` from its text and ``claims.ttl`` (sorted, stable) from its graph — refusing to overwrite a
file changed here since the last pull or push (``--force``), showing the diff with ``--dry-run``.

This copy's last pull or push is recorded in ``DIR/.partnergraph-store`` (version and file hashes per store).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .endpoint import Endpoint, iri_ref
from .errors import DataDirError, StoreError
from .namespaces import PGID
from .skolem import deskolemize, deskolemize_term, skolemize

GRAPH = PGID + "graph/"
GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_THEMES = (GRAPH + n for n in ("sources", "claims", "ontology",
                                                                                 "themes"))
GRAPH_FILES, GRAPH_VERSION, GRAPH_LOCK = GRAPH + "files", GRAPH + "version", GRAPH + "lock"
STAGING = GRAPH + "staging/"
DATASET = PGID + "dataset"
FILE = PGID + "file/"
STATE_FILE = ".partnergraph-store"
PART_CHARS = 8000            # Virtuoso's Graph Store refuses literals above ~65,000 bytes
FILE_GRAPHS = {"sources.bib": GRAPH_SOURCES, "claims.ttl": GRAPH_CLAIMS, "themes.ttl": GRAPH_THEMES}

PG = "https://w3id.org/partnergraph/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"


# ---------------------------------------------------------------- what a data directory sends
@dataclass
class Snapshot:
    """A data directory as the store holds it: every graph's triples (skolemized) and the files' bytes."""

    folder: Path
    files: dict[str, bytes]                       # data file name → bytes
    graphs: dict[str, set] = field(default_factory=dict)   # graph IRI → set of pyoxigraph.Triple
    sources: dict[str, str] = field(default_factory=dict)  # graph IRI → where it came from (for messages)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).hexdigest().encode() + b"\0")
        h.update(hashlib.sha256(_ontology_text().encode()).hexdigest().encode())
        return h.hexdigest()


def _ontology_text() -> str:
    from .store import ontology_text

    return ontology_text()


def snapshot(data) -> Snapshot:
    """Read and check a data directory (the checks of every load) and turn it into the store's graphs."""
    import pyoxigraph as ox

    from .graph import build_graph
    from .store import DataDir, load_store, sources_nquads

    d = DataDir.open(data)
    st, library = load_store(d)
    build_graph(st)  # refuses dangling keys and uncategorised benefits, like every load
    files = {"sources.bib": d.sources_bytes, "claims.ttl": d.claims_bytes}
    themes = d.path / "themes.ttl"
    if themes.is_file():
        files["themes.ttl"] = themes.read_bytes()
    snap = Snapshot(d.path, files)
    snap.graphs[GRAPH_SOURCES] = {ox.Triple(q.subject, q.predicate, q.object)
                                  for q in ox.parse(sources_nquads(library), format=ox.RdfFormat.N_QUADS)}
    snap.sources[GRAPH_SOURCES] = str(d.sources_path)
    for name in ("claims.ttl", "themes.ttl"):
        if name in files:
            text = files[name].decode("utf-8")
            snap.graphs[FILE_GRAPHS[name]] = set(skolemize(ox.parse(text, format=ox.RdfFormat.TURTLE)))
            snap.sources[FILE_GRAPHS[name]] = str(d.path / name)
    snap.graphs[GRAPH_ONTOLOGY] = set(skolemize(ox.parse(_ontology_text(), format=ox.RdfFormat.TURTLE)))
    snap.sources[GRAPH_ONTOLOGY] = "partnergraph/ontology.ttl"
    snap.graphs[GRAPH_FILES] = set(files_triples(files))
    return snap


def _lit(value: str, datatype: str | None = None):
    import pyoxigraph as ox

    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _t(s: str, p: str, o):
    import pyoxigraph as ox

    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o if not isinstance(o, str) else ox.NamedNode(o))


def header_of(text: str) -> str:
    """The leading comment lines (and blank lines among them) of a Turtle file: what ``pull`` keeps."""
    out = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#") and line.strip():
            break
        out.append(line)
    return "".join(out)


def files_triples(files: dict[str, bytes]):
    """The files graph: per file its name, SHA-256, size, graph and whole text (in parts); a Turtle file's
    leading comment apart (kept when the file is written from its graph)."""
    for name, data in sorted(files.items()):
        node = FILE + name
        yield _t(node, RDF_TYPE, PG + "DataFile")
        yield _t(node, PG + "fileName", _lit(name))
        yield _t(node, PG + "sha256", _lit(hashlib.sha256(data).hexdigest()))
        yield _t(node, PG + "byteLength", _lit(str(len(data)), XSD + "integer"))
        yield _t(node, PG + "graph", FILE_GRAPHS[name])
        text = data.decode("utf-8")
        for i in range(0, max(len(text), 1), PART_CHARS):
            part = f"{node}/part/{i // PART_CHARS + 1}"
            yield _t(node, PG + "textPart", part)
            yield _t(part, PG + "index", _lit(str(i // PART_CHARS + 1), XSD + "integer"))
            yield _t(part, PG + "text", _lit(text[i:i + PART_CHARS]))
        if name.endswith(".ttl"):
            header = header_of(text)
            if header:
                yield _t(node, PG + "header", _lit(header))


def graph_hash(triples) -> str:
    """SHA-256 of a graph's triples (skolemized, as N-Triples lines, sorted): the same graph, the same hash."""
    h = hashlib.sha256()
    for line in sorted(str(t) for t in triples):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def version_triples(snap: Snapshot, version: str, modified: str):
    """The version graph: the dataset (VoID), its version and content hash, and each graph with its count."""
    graphs = {**{g: len(t) for g, t in snap.graphs.items()}}
    yield _t(DATASET, RDF_TYPE, VOID + "Dataset")
    yield _t(DATASET, DCT + "title", _lit("partnergraph evidence graph"))
    yield _t(DATASET, PG + "version", _lit(version))
    yield _t(DATASET, PG + "contentHash", _lit(snap.content_hash))
    yield _t(DATASET, DCT + "modified", _lit(modified, XSD + "dateTime"))
    yield _t(DATASET, VOID + "triples", _lit(str(sum(graphs.values())), XSD + "integer"))
    for g, n in sorted(graphs.items()):
        yield _t(DATASET, VOID + "subset" if g != GRAPH_FILES else PG + "filesGraph", g)
        yield _t(g, RDF_TYPE, VOID + "Dataset")
        yield _t(g, VOID + "triples", _lit(str(n), XSD + "integer"))
        yield _t(g, PG + "graphHash", _lit(graph_hash(snap.graphs[g])))
        if g in snap.sources:
            yield _t(g, DCT + "source", _lit(Path(snap.sources[g]).name if g != GRAPH_ONTOLOGY
                                             else snap.sources[g]))


# ---------------------------------------------------------------- what the store says about itself
@dataclass(frozen=True, slots=True)
class Version:
    """The store's version record: its id, content hash, time, and triples per graph."""

    version: str
    content_hash: str
    modified: str
    counts: dict
    data_graphs: tuple
    hashes: dict = field(default_factory=dict)


def read_version(ep: Endpoint) -> Version | None:
    """The version record of the store at ``ep`` (``None`` when it has none)."""
    rows = ep.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri_ref(GRAPH_VERSION)} {{ ?s ?p ?o }} }}").rows
    if not rows:
        return None
    by: dict = {}
    for r in rows:
        if "s" in r and "p" in r and "o" in r:
            by.setdefault(r["s"].value, {}).setdefault(r["p"].value, []).append(r["o"])
    ds = by.get(DATASET, {})
    versions = [o.value for o in ds.get(PG + "version", [])]
    if len(versions) != 1:
        raise StoreError(f"{ep.url}: the store's version record <{GRAPH_VERSION}> names "
                         f"{len(versions)} versions, not one",
                         hint="it was changed outside partnergraph; push --force writes a new one")

    def one(pred):
        v = ds.get(pred)
        return v[0].value if v else ""

    counts, hashes = {}, {}
    for g, props in by.items():
        if g == DATASET:
            continue
        if PG + "graphHash" in props:
            hashes[g] = props[PG + "graphHash"][0].value
        if VOID + "triples" in props:
            try:
                counts[g] = int(props[VOID + "triples"][0].value)
            except ValueError:
                continue
    data_graphs = tuple(sorted(o.value for o in ds.get(VOID + "subset", [])))
    return Version(versions[0], one(PG + "contentHash"), one(DCT + "modified"), counts, data_graphs, hashes)


@dataclass
class Remote:
    """What a store holds: its version record (``None`` for data pushed without one) and each graph's triples
    (skolem IRIs still in place)."""

    version: Version | None
    graphs: dict[str, list]


LEGACY_GRAPHS = (GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_ONTOLOGY)


def fetch(ep: Endpoint, *, with_files: bool = True, attempts: int = 3) -> Remote:
    """Read every partnergraph graph of the store, consistently: the version record before and after must be
    the same and each graph's count the one it records (a push in between: read again)."""
    for _ in range(attempts):
        before = read_version(ep)
        if before is None:
            graphs = list(LEGACY_GRAPHS) + [GRAPH_THEMES]
        else:
            graphs = list(before.data_graphs) + ([GRAPH_FILES] if with_files else [])
        counts = ep.count_graphs(graphs)
        if before is None and not any(counts.values()):
            raise StoreError(f"{ep.url}: the store holds no partnergraph data",
                             hint="upload the data first: partnergraph push --data DIR --store URL")
        if before is not None:
            off = [g for g in graphs if counts.get(g, 0) != before.counts.get(g, counts.get(g, 0))]
            if off and read_version(ep) != before:
                continue
            if off:
                raise StoreError(f"{ep.url}: graph <{off[0]}> holds {counts.get(off[0], 0)} triples, its version "
                                 f"record says {before.counts.get(off[0])}",
                                 hint="the graph was changed outside partnergraph push; push --force (from a "
                                      "copy that has the data) writes it whole again")
        got = {g: ep.fetch_graph(g, counts[g]) for g in graphs if counts.get(g)}
        after = read_version(ep)
        if after == before:
            return Remote(before, got)
        time.sleep(0.2)
    raise StoreError(f"{ep.url}: the store kept changing while it was read ({attempts} times)",
                     hint="pushes are landing one after another; try again in a moment")


# ---------------------------------------------------------------- this copy's last pull or push
def _state_key(ep: Endpoint) -> str:
    return ep.url


def read_state(folder: Path, ep: Endpoint) -> dict | None:
    try:
        doc = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        entry = doc.get("stores", {}).get(_state_key(ep))
        return entry if isinstance(entry, dict) and isinstance(entry.get("version"), str) else None
    except (OSError, ValueError, AttributeError):
        return None


def write_state(folder: Path, ep: Endpoint, version: str, files: dict[str, bytes]) -> None:
    from .store import write_atomic_bytes

    path = folder / STATE_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("stores"), dict):
            doc = {}
    except (OSError, ValueError):
        doc = {}
    doc.setdefault("stores", {})[_state_key(ep)] = {
        "version": version, "files": {n: hashlib.sha256(b).hexdigest() for n, b in sorted(files.items())}}
    doc["about"] = "partnergraph: the version of each shared store this folder last pulled or pushed"
    write_atomic_bytes(path, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8"))


# ---------------------------------------------------------------- the push lock
class Lock:
    """The store's push lock: insert a token of one's own, read every token back, hold it only if alone.

    A token older than its lease (a push that died) is removed by the next push. The holder refreshes its token
    between steps; a holder whose token is gone stops."""

    def __init__(self, ep: Endpoint, lease: float):
        self.ep = ep
        self.lease = int(max(60, lease))
        self.node = PGID + "lock/" + secrets.token_hex(8)

    def _insert(self):
        self.ep.update(f"INSERT {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(self.node)} <{PG}lockOf> "
                       f"{iri_ref(DATASET)} ; <{DCT}created> ?now ; <{PG}leaseSeconds> {self.lease} }} }} "
                       f"WHERE {{ BIND(NOW() AS ?now) }}")

    def _delete(self, node: str):
        self.ep.update(f"DELETE WHERE {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(node)} ?p ?o }} }}")

    def _holders(self):
        rows = self.ep.select(f"SELECT ?l ?created ?lease (NOW() AS ?now) WHERE {{ GRAPH {iri_ref(GRAPH_LOCK)} "
                              f"{{ ?l <{PG}lockOf> {iri_ref(DATASET)} OPTIONAL {{ ?l <{DCT}created> ?created }} "
                              f"OPTIONAL {{ ?l <{PG}leaseSeconds> ?lease }} }} }}").rows
        out = []
        for r in rows:
            age = _seconds_between(r.get("created"), r.get("now"))
            try:
                lease = float(r["lease"].value) if "lease" in r else 0.0
            except ValueError:
                lease = 0.0
            out.append((r["l"].value, age, lease, r.get("created").value if "created" in r else "?"))
        return out

    def acquire(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        while True:
            self._insert()
            others = []
            for node, age, lease, since in self._holders():
                if node == self.node:
                    continue
                if age is not None and age > lease:   # a push that died: its lease is over
                    self._delete(node)
                else:
                    others.append(since)
            if not others:
                return
            self._delete(self.node)
            if time.monotonic() >= deadline:
                raise StoreError(f"{self.ep.url}: another push to this store is in progress (started "
                                 f"{min(others)}); nothing was changed",
                                 hint="try again when it has finished (a push that died frees the store after "
                                      f"{self.lease} s)")
            time.sleep(random.uniform(0.1, 0.6))

    def refresh(self) -> None:
        self.ep.update(f"DELETE {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(self.node)} <{DCT}created> ?c }} }} "
                       f"INSERT {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(self.node)} <{DCT}created> ?now }} }} "
                       f"WHERE {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(self.node)} <{DCT}created> ?c }} "
                       f"BIND(NOW() AS ?now) }}")
        if not any(node == self.node for node, *_ in self._holders()):
            raise StoreError(f"{self.ep.url}: this push lost the store's lock (another push removed it as "
                             f"stale); nothing was changed", hint="try again")

    def release(self) -> None:
        with contextlib.suppress(StoreError):
            self._delete(self.node)


def _seconds_between(a, b) -> float | None:
    if a is None or b is None:
        return None
    try:
        ta, tb = (datetime.fromisoformat(x.value.replace("Z", "+00:00")) for x in (a, b))
        if (ta.tzinfo is None) != (tb.tzinfo is None):
            ta, tb = ta.replace(tzinfo=None), tb.replace(tzinfo=None)
        return (tb - ta).total_seconds()
    except (ValueError, AttributeError, TypeError):
        return None


def _pause(name: str) -> None:
    """Test hook: ``PARTNERGRAPH_TEST_PAUSE_<NAME>=SECONDS`` sleeps at that point of a push."""
    value = os.environ.get("PARTNERGRAPH_TEST_PAUSE_" + name)
    if value:
        time.sleep(float(value))


# ---------------------------------------------------------------- push
@dataclass(frozen=True, slots=True)
class GraphPush:
    """One named graph written by :func:`push`: the file it came from, its IRI, its triples, what changed."""

    file: str
    graph: str
    triples: int
    added: int
    removed: int


@dataclass
class PushResult:
    rows: list
    version: str
    previous: str | None
    notes: list = field(default_factory=list)


def _nt(triples) -> bytes:
    return "".join(f"{t} .\n" for t in triples).encode("utf-8")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(v: Version | None) -> str:
    return f"version {v.version}" if v else "no version"


def push(data, url: str, *, force: bool = False, graph_store: str | None = None,
         timeout: float | None = None) -> PushResult:
    """Upload a data directory to the store at ``url`` in one step (see the module docstring)."""
    ep = Endpoint(url, graph_store, timeout=timeout)
    snap = snapshot(data)
    state = read_state(snap.folder, ep)
    before = read_version(ep)
    _refuse_if_stale(ep, before, state, force, snap)
    _pause("PUSH_CHECKED")
    lock = Lock(ep, lease=3 * ep.limits.timeout)
    lock.acquire(wait=ep.limits.timeout)
    staged: list[str] = []
    try:
        now = read_version(ep)
        if now != before:
            raise StoreError(f"{ep.url}: the store changed while this push was getting ready (it now holds "
                             f"{_describe(now)}); nothing was changed",
                             hint="pull first (partnergraph pull --dry-run shows what changed), then push again")
        held = fetch(ep) if (before is not None or _has_data(ep)) else Remote(None, {})
        lock.refresh()
        version = f"{_now().replace('-', '').replace(':', '')}-{snap.content_hash[:12]}"
        modified = _now()
        snap.graphs[GRAPH_VERSION] = set(version_triples(snap, version, modified))
        server = {g: set(t) for g, t in held.graphs.items()}
        if before is not None and before.content_hash == snap.content_hash and all(
                server.get(g, set()) == snap.graphs[g] for g in snap.graphs if g != GRAPH_VERSION):
            write_state(snap.folder, ep, before.version, snap.files)
            return PushResult(_rows(snap, {}, {}), before.version, before.version, ["the store already holds "
                                                                                     "this data; nothing sent"])
        server.setdefault(GRAPH_VERSION, set(_version_graph_now(ep)) if before else set())
        adds = {g: snap.graphs[g] - server.get(g, set()) for g in snap.graphs}
        dels = {g: server.get(g, set()) - snap.graphs.get(g, set()) for g in set(server) | set(snap.graphs)
                if g in snap.graphs or g in LEGACY_GRAPHS or g == GRAPH_THEMES}
        token = lock.node.rsplit("/", 1)[1]
        notes: list[str] = []
        failed = None
        if not any(server.values()):
            _first_push(ep, snap, lock)
        else:
            wipe = {g for g, t in server.items() if any(_has_blank(x) for x in t)}
            for g in wipe:
                adds[g], dels[g] = set(snap.graphs.get(g, set())), set()
            staged = _stage(ep, token, adds, dels, lock)
            failed = _switch(ep, token, adds, dels, before, wipe)
        after = _confirm(ep, snap, version, failed, notes)
        write_state(snap.folder, ep, after.version, snap.files)
        rows = _rows(snap, {g: len(a) for g, a in adds.items()}, {g: len(d) for g, d in dels.items()})
        return PushResult(rows, version, before.version if before else None, notes)
    finally:
        if staged:
            with contextlib.suppress(StoreError):
                ep.update(" ;\n".join(f"DROP SILENT GRAPH {iri_ref(g)}" for g in staged))
        lock.release()


def _has_blank(t) -> bool:
    import pyoxigraph as ox

    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _has_data(ep: Endpoint) -> bool:
    return any(ep.count_graphs(list(LEGACY_GRAPHS) + [GRAPH_THEMES, GRAPH_FILES]).values())


def _version_graph_now(ep: Endpoint):
    return ep.fetch_graph(GRAPH_VERSION)


def _refuse_if_stale(ep: Endpoint, before: Version | None, state: dict | None, force: bool, snap: Snapshot):
    if force:
        return
    if before is None:
        if _has_data(ep):
            raise StoreError(f"{ep.url}: the store holds partnergraph data with no version record (pushed by an "
                             f"older partnergraph, or a first push that did not finish); nothing was changed",
                             hint="push --force replaces it with this copy's data")
        return
    if state is not None and state["version"] == before.version:
        return
    if before.content_hash == snap.content_hash:
        return  # the store already holds exactly this copy's files
    if state is None:
        raise StoreError(f"{ep.url}: the store holds {_describe(before)} (pushed {before.modified}), which this "
                         f"copy has never pulled; nothing was changed",
                         hint="pull first (partnergraph pull --dry-run shows the difference), or push --force "
                              "to overwrite it")
    raise StoreError(f"{ep.url}: the store changed since this copy last pulled or pushed (it holds "
                     f"{_describe(before)}, pushed {before.modified}; this copy has {state['version']}); nothing "
                     f"was changed", hint="pull first (partnergraph pull --dry-run shows what changed), or push "
                                          "--force to overwrite it")


def _first_push(ep: Endpoint, snap: Snapshot, lock: Lock) -> None:
    """An empty store: each graph written whole, the version last (an unfinished first push leaves no version,
    which the next push refuses to overwrite without --force)."""
    for g, triples in snap.graphs.items():
        if g == GRAPH_VERSION:
            continue
        ep.put_graph(g, _nt(triples), bulk=True)
        lock.refresh()
    ep.put_graph(GRAPH_VERSION, _nt(snap.graphs[GRAPH_VERSION]))


def staging_name(token: str, kind: str, graph: str) -> str:
    """``…/graph/staging/TOKEN/ins/claims``: the staging graph of one push's insertions into (or deletions from)
    one graph."""
    return f"{STAGING}{token}/{kind}/{graph.rsplit('/', 1)[1]}"


def _stage(ep: Endpoint, token: str, adds: dict, dels: dict, lock: Lock) -> list[str]:
    """Write the triples to insert and to delete into staging graphs; read the inserts back."""
    staged = []
    for kind, delta in (("ins", adds), ("del", dels)):
        for g, triples in delta.items():
            if not triples:
                continue
            name = staging_name(token, kind, g)
            staged.append(name)
            ep.put_graph(name, _nt(triples), bulk=True)
            lock.refresh()
    for g, triples in adds.items():
        if not triples:
            continue
        back = set(ep.fetch_graph(staging_name(token, "ins", g)))
        if back != triples:
            raise _would_change(ep, g, triples - back, back - triples)
    return staged


def _would_change(ep: Endpoint, graph: str, sent: set, got: set) -> StoreError:
    example = ""
    if sent:
        s = min(sent, key=str)
        match = [t for t in got if t.subject == s.subject and t.predicate == s.predicate]
        example = f": {s.object} comes back as {match[0].object}" if match else f": {s} is not kept"
    return StoreError(f"{ep.url}: the store would change {len(sent)} triple(s) of <{graph}> as it stores them"
                      f"{example}; nothing was changed",
                      hint="write such values in their canonical form (e.g. 1 rather than 01): the store "
                           "rewrites them, and pull would not give back the file")


def _switch(ep: Endpoint, token: str, adds: dict, dels: dict, before: Version | None,
            wipe: set) -> StoreError | None:
    """One SPARQL Update operation: delete the staged deletions, insert the staged insertions, if the store still
    holds the version this push started from."""
    def pairs(kind, delta):
        return " ".join(f"({iri_ref(staging_name(token, kind, g))} {iri_ref(g)})"
                        for g, t in sorted(delta.items()) if t)

    if before is not None:
        cond = f"GRAPH {iri_ref(GRAPH_VERSION)} {{ {iri_ref(DATASET)} <{PG}version> {_string(before.version)} }}"
    else:
        cond = (f"FILTER NOT EXISTS {{ GRAPH {iri_ref(GRAPH_VERSION)} {{ {iri_ref(DATASET)} <{PG}version> ?any }} "
                f"}}")
    branches = []
    if wipe:  # graphs holding blank nodes of the server's own (not pushed by partnergraph): replaced whole
        branches.append(f"{{ VALUES ?g {{ {' '.join(iri_ref(g) for g in sorted(wipe))} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    if pairs("del", dels):
        branches.append(f"{{ VALUES (?dg ?g) {{ {pairs('del', dels)} }} GRAPH ?dg {{ ?s ?p ?o }} }}")
    if pairs("ins", adds):
        branches.append(f"{{ VALUES (?ig ?h) {{ {pairs('ins', adds)} }} GRAPH ?ig {{ ?s2 ?p2 ?o2 }} }}")
    text = (f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }}\nINSERT {{ GRAPH ?h {{ ?s2 ?p2 ?o2 }} }}\n"
            f"WHERE {{ {cond}\n  " + "\n  UNION ".join(branches) + " }")
    try:
        ep.update(text)
    except StoreError as exc:  # the answer may be lost after the server did it: what it holds decides
        return exc
    return None


def _confirm(ep: Endpoint, snap: Snapshot, version: str, failed: StoreError | None, notes: list) -> Version:
    """Read back the version and the counts: the push landed whole, or it did not land at all."""
    now = read_version(ep)
    if failed is not None and "no complete answer within" in failed.message:
        deadline = time.monotonic() + ep.limits.timeout  # the server may still be applying it
        while (now is None or now.version != version) and time.monotonic() < deadline:
            time.sleep(1.0)
            now = read_version(ep)
    if failed is not None and now is not None and now.version == version:
        notes.append(f"the store's answer to the switch was lost ({failed.message}); reading back shows the "
                     f"push landed")
    if now is None or now.version != version:
        if failed is not None:
            raise StoreError(f"{failed.message}; the store was not changed: it still holds {_describe(now)}",
                             hint="try again; nothing changed on the store or in the data folder") from None
        raise StoreError(f"{ep.url}: another push landed first (the store holds {_describe(now)}); this push "
                         f"was not applied", hint="pull first (partnergraph pull --dry-run shows what changed), "
                                                  "then push again")
    counts = ep.count_graphs(list(snap.graphs))
    off = [g for g in snap.graphs if counts.get(g, 0) != len(snap.graphs[g])]
    if off:
        raise StoreError(f"{ep.url}: after the push, <{off[0]}> holds {counts.get(off[0], 0)} triples, not "
                         f"{len(snap.graphs[off[0]])}", hint="the server did not keep what it acknowledged; see its "
                                                              "log, then push --force")
    return now


def _rows(snap: Snapshot, added: dict, removed: dict) -> list[GraphPush]:
    order = [GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_THEMES, GRAPH_ONTOLOGY]
    return [GraphPush(snap.sources[g], g, len(snap.graphs[g]), added.get(g, 0), removed.get(g, 0))
            for g in order if g in snap.graphs]


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------- pull
@dataclass(frozen=True, slots=True)
class PullResult:
    """What :func:`pull` did (or would do) to one file: ``written``, ``unchanged``, ``would write``."""

    file: str
    action: str
    triples: int


@dataclass
class PullPlan:
    rows: list
    diff: str
    version: str | None
    notes: list = field(default_factory=list)


def files_from(remote: Remote, local_headers: dict[str, str]) -> tuple[dict[str, bytes], dict[str, int], list]:
    """The data files as the store holds them: name → bytes, name → triples, notes."""
    notes = []
    records = _file_records(remote.graphs.get(GRAPH_FILES, []))
    pushed = remote.version.hashes if remote.version else {}
    out: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for name in ("claims.ttl", "themes.ttl"):
        g = FILE_GRAPHS[name]
        if g not in remote.graphs:
            continue
        counts[name] = len(remote.graphs[g])
        same = pushed.get(g) is not None and pushed.get(g) == graph_hash(remote.graphs[g])
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
                         "is the BibTeX text pushed with this version (changes to the bibliography are made in "
                         "sources.bib and pushed)")
    elif GRAPH_SOURCES in remote.graphs:
        from .remote import bibtex_from_ntriples

        out["sources.bib"] = bibtex_from_ntriples(_nt(remote.graphs[GRAPH_SOURCES])).encode("utf-8")
        counts["sources.bib"] = len(remote.graphs[GRAPH_SOURCES])
        notes.append("sources.bib was rebuilt from the store's RDF (the store holds no BibTeX text): field order, "
                     "comments and unmapped fields are not kept")
    return out, counts, notes


def _text(record: dict | None) -> bytes | None:
    """A file's bytes from its parts on the store (``None`` when it has none); checked against its SHA-256."""
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
        rec = {"name": names[0].value,
               "sha256": props[PG + "sha256"][0].value if props.get(PG + "sha256") else None}
        if PG + "header" in props:
            rec["header"] = props[PG + "header"][0].value
        parts = []
        for p in props.get(PG + "textPart", []):
            pp = by.get(p.value, {})
            try:
                parts.append((int(pp[PG + "index"][0].value), pp[PG + "text"][0].value))
            except (KeyError, ValueError, IndexError):
                raise StoreError(f"<{GRAPH_FILES}>: part {p.value} of {names[0].value} is incomplete") from None
        rec["parts"] = parts
        out[names[0].value] = rec
    return out


def _turtle(triples) -> str:
    import rdflib

    from .turtle import serialize

    g = rdflib.Graph()
    g.parse(data=_nt(triples).decode("utf-8"), format="nt")
    return serialize(g)


def pull(url: str, data=None, *, dry_run: bool = False, force: bool = False,
         timeout: float | None = None) -> PullPlan:
    """Write the store's data files into ``data`` (see the module docstring); with ``dry_run``, only the diff."""
    import difflib

    from .store import default_data_dir

    folder = Path(data) if data is not None else default_data_dir()
    if folder.exists() and not folder.is_dir():
        raise DataDirError(f"{folder}: not a directory", hint="give --data DIR")
    ep = Endpoint(url, timeout=timeout)
    remote = fetch(ep)
    local = {n: (folder / n).read_bytes() for n in FILE_GRAPHS if (folder / n).is_file()}
    headers = {n: header_of(b.decode("utf-8", "replace")) for n, b in local.items() if n.endswith(".ttl")}
    files, counts, notes = files_from(remote, headers)
    state = read_state(folder, ep) if folder.is_dir() else None
    changed = {n: b for n, b in files.items() if local.get(n) != b}
    if changed and not force and not dry_run:
        _refuse_overwrite(ep, folder, local, changed, state)
    diff = "".join(
        "".join(x if x.endswith("\n") else x + "\n" for x in difflib.unified_diff(
            local.get(n, b"").decode("utf-8", "replace").splitlines(True), b.decode("utf-8").splitlines(True),
            f"a/{n}", f"b/{n}", n=2)) for n, b in sorted(changed.items()))
    action = "would write" if dry_run else "written"
    rows = [PullResult(str(folder / n), action if n in changed else "unchanged", counts.get(n, 0))
            for n in ("claims.ttl", "sources.bib", "themes.ttl") if n in files]
    version = remote.version.version if remote.version else None
    if not dry_run:
        _write(folder, changed, files, ep, version)
    return PullPlan(rows, diff, version, notes)


def _refuse_overwrite(ep: Endpoint, folder: Path, local: dict, changed: dict, state: dict | None) -> None:
    at_risk = [n for n in changed if n in local]
    if not at_risk:
        return
    if state is None:
        raise StoreError(f"{folder / at_risk[0]}: this folder was never pulled from {ep.url} and its "
                         f"{', '.join(at_risk)} differ from the store's; nothing was written",
                         hint="see the difference with pull --dry-run; pull --force replaces the files "
                              "(keep a copy first)")
    mine = [n for n in at_risk if hashlib.sha256(local[n]).hexdigest() != state.get("files", {}).get(n)]
    if mine:
        raise StoreError(f"{folder / mine[0]}: changed here since the last pull or push, and not on the store "
                         f"{ep.url}; nothing was written",
                         hint="push it (if the store changed too, pull --dry-run shows both sides); pull --force "
                              "discards the local change")


def _write(folder: Path, changed: dict, files: dict, ep: Endpoint, version: str | None) -> None:
    from .library import commit, locked

    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder, 30.0):
        commit(folder, changed)
        if version is not None:
            write_state(folder, ep, version, files)


# ---------------------------------------------------------------- reading for every other command
def load_graph_store(url: str, *, timeout: float | None = None):
    """A pyoxigraph store with the remote graphs in their named graphs (blank nodes back), and the endpoint."""
    import pyoxigraph as ox

    ep = Endpoint(url, timeout=timeout)
    remote = fetch(ep, with_files=False)
    st = ox.Store()
    quads = [ox.Quad(deskolemize_term(t.subject), t.predicate, deskolemize_term(t.object), ox.NamedNode(g))
             for g, triples in remote.graphs.items() for t in triples]
    st.bulk_extend(quads)
    return st, ep, remote.version
