"""Push a data directory to the shared store in one step, never over a colleague's work (see :mod:`.remote` for
what the store holds).

:func:`push`:

1. reads and checks the data (the checks of every load) and turns it into the store's graphs (:class:`Snapshot`);
2. reads the store's version and refuses when it is not the one this copy last pulled or pushed (recorded in
   ``DIR/.partnergraph-store``; ``force`` overrides);
3. takes the store's push lock (:class:`Lock`: a token of its own, inserted, then every token read back; it holds
   the lock only when alone). A conditional update alone does not serialise two pushes — eight concurrent
   ``DELETE/INSERT … WHERE { version is OLD }`` from one base all succeeded on Oxigraph and on Virtuoso;
4. reads the version again (another push landed meanwhile: refused), reads what the store holds and works out
   what changed;
5. writes the triples to insert and to delete into staging graphs and reads the insertions back: a server that
   would change a term (both servers rewrite ``"01"^^xsd:integer`` as ``"1"``) is caught before anything is
   replaced;
6. switches in **one** SPARQL Update operation that reads the staging graphs, conditional on the version (one
   operation is atomic on every server; several in one request are not on Virtuoso), so its cost grows with what
   changed, not with the data;
7. reads back the version and every graph's count: the push landed whole or not at all. An answer lost after the
   server applied the switch is found out here. Whatever fails, the previous data stays whole and the error says
   so.

A first push to an empty store writes each graph whole and the version last.

May import: ``partnergraph.files``, ``partnergraph.core`` and the ``partnergraph.store`` modules below it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import StoreError
from ..core.namespaces import PGID
from ..files.atomic import write_atomic_bytes
from ..files.datadir import DataDir, ontology_text
from ..files.turtle import split_header
from .embedded import GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_SOURCES, load_store, sources_nquads
from .endpoint import Endpoint, iri_ref
from .remote import (
    DATASET,
    FILE_GRAPHS,
    GRAPH_FILES,
    GRAPH_LOCK,
    GRAPH_THEMES,
    GRAPH_VERSION,
    LEGACY_GRAPHS,
    PG,
    STAGING,
    Remote,
    Version,
    fetch,
    files_triples,
    graph_hash,
    no_progress,
    read_version,
    version_triples,
)
from .skolem import skolemize

__all__ = ["STATE_FILE", "GraphPush", "Lock", "PushResult", "Snapshot", "ntriples", "push", "read_state", "snapshot",
           "write_state"]

STATE_FILE = ".partnergraph-store"
DCT = "http://purl.org/dc/terms/"


# ---------------------------------------------------------------- what a data directory sends
@dataclass
class Snapshot:
    """A data directory as the store holds it: each graph's triples (skolemized), where each came from, and
    the files' bytes."""

    folder: Path
    files: dict[str, bytes]
    graphs: dict[str, set] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """SHA-256 over the files and the vocabulary: the same data, the same hash."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(f"{name}\0{hashlib.sha256(self.files[name]).hexdigest()}\0".encode())
        h.update(hashlib.sha256(ontology_text().encode()).hexdigest().encode())
        return h.hexdigest()


def snapshot(data, check: Callable | None = None, themes=None) -> Snapshot:
    """Read a data directory, check it (``check(store)`` raises on what every load refuses), and turn it into
    the store's graphs: the sources' triples, each Turtle file parsed as written (lexical forms kept), the
    vocabulary, and the files graph. ``themes``: the theme framework to push instead of the directory's
    ``themes.ttl`` (a file, or ``"none"``); it goes to the store as ``themes.ttl``."""
    import pyoxigraph as ox

    d = DataDir.open(data, themes=themes)
    st, library = load_store(d)
    if check is not None:
        check(st, d)
    files = {"sources.bib": d.sources_bytes, "claims.ttl": d.claims_bytes}
    if d.themes_path is not None:
        files["themes.ttl"] = d.themes_bytes
    snap = Snapshot(d.path, files)
    snap.graphs[GRAPH_SOURCES] = {ox.Triple(q.subject, q.predicate, q.object)
                                  for q in ox.parse(sources_nquads(library), format=ox.RdfFormat.N_QUADS)}
    snap.sources[GRAPH_SOURCES] = "sources.bib"
    for name in ("claims.ttl", "themes.ttl"):
        if name in files:
            text = files[name].decode("utf-8")
            snap.graphs[FILE_GRAPHS[name]] = set(skolemize(ox.parse(text, format=ox.RdfFormat.TURTLE)))
            snap.sources[FILE_GRAPHS[name]] = name
    snap.graphs[GRAPH_ONTOLOGY] = set(skolemize(ox.parse(ontology_text(), format=ox.RdfFormat.TURTLE)))
    snap.sources[GRAPH_ONTOLOGY] = "partnergraph/ontology.ttl"
    headers = {n: split_header(b.decode("utf-8"))[0] for n, b in files.items() if n.endswith(".ttl")}
    snap.graphs[GRAPH_FILES] = set(files_triples(files, headers))
    return snap


# ---------------------------------------------------------------- this copy's last pull or push
def read_state(folder: Path, version: Version | None) -> dict | None:
    """What ``folder`` last pulled from or pushed to the store whose record is ``version`` (keyed by the store's
    id, so the same store reached by another URL is the same store): ``{"version", "files": {name: sha}}``."""
    if version is None or not version.store_id:
        return None
    try:
        doc = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        entry = doc.get("stores", {}).get(version.store_id)
        return entry if isinstance(entry, dict) and isinstance(entry.get("version"), str) else None
    except (OSError, ValueError, AttributeError):
        return None


def write_state(folder: Path, ep: Endpoint, version: Version, files: dict[str, bytes]) -> None:
    """Record that ``folder`` now holds ``files`` as the store's ``version`` (atomically)."""
    path = folder / STATE_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("stores"), dict):
            doc = {}
    except (OSError, ValueError):
        doc = {}
    doc.setdefault("stores", {})[version.store_id] = {
        "url": ep.url, "version": version.version,
        "files": {n: hashlib.sha256(b).hexdigest() for n, b in sorted(files.items())}}
    doc["about"] = "partnergraph: the version of each shared store this folder last pulled or pushed"
    write_atomic_bytes(path, (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode("utf-8"))


# ---------------------------------------------------------------- the push lock
class Lock:
    """The store's push lock: insert a token of one's own, read every token back, hold the lock only if alone.

    A token older than its lease (seconds, by the server's clock: a push that died) is removed by the next push.
    The holder refreshes its token between steps; a holder whose token has gone stops."""

    def __init__(self, ep: Endpoint, lease: float):
        self.ep = ep
        self.lease = int(max(60, lease))
        self.token = secrets.token_hex(8)
        self.node = PGID + "lock/" + self.token

    def _insert(self) -> None:
        self.ep.update(f"INSERT {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(self.node)} <{PG}lockOf> "
                       f"{iri_ref(DATASET)} ; <{DCT}created> ?now ; <{PG}leaseSeconds> {self.lease} }} }} "
                       f"WHERE {{ BIND(NOW() AS ?now) }}")

    def _delete(self, node: str) -> None:
        self.ep.update(f"DELETE WHERE {{ GRAPH {iri_ref(GRAPH_LOCK)} {{ {iri_ref(node)} ?p ?o }} }}")

    def _holders(self) -> list[tuple[str, float | None, float, str]]:
        rows = self.ep.select(f"SELECT ?l ?created ?lease (NOW() AS ?now) WHERE {{ GRAPH {iri_ref(GRAPH_LOCK)} "
                              f"{{ ?l <{PG}lockOf> {iri_ref(DATASET)} OPTIONAL {{ ?l <{DCT}created> ?created }} "
                              f"OPTIONAL {{ ?l <{PG}leaseSeconds> ?lease }} }} }}").rows
        out = []
        for r in rows:
            try:
                lease = float(r["lease"].value) if "lease" in r else 0.0
            except ValueError:
                lease = 0.0
            out.append((r["l"].value, _seconds_between(r.get("created"), r.get("now")), lease,
                        r["created"].value if "created" in r else "at an unknown time"))
        return out

    def acquire(self, wait: float) -> None:
        """Hold the lock, waiting up to ``wait`` seconds for another push to finish."""
        deadline = time.monotonic() + wait
        while True:
            self._insert()
            others = []
            for node, age, lease, since in self._holders():
                if node == self.node:
                    continue
                if age is not None and age > lease:  # a push that died: its lease is over
                    self._delete(node)
                else:
                    others.append(since)
            if not others:
                return
            self._delete(self.node)
            if time.monotonic() >= deadline:
                raise StoreError(f"{self.ep.url}: another push to this store is in progress (started "
                                 f"{min(others)}); nothing was changed",
                                 hint=f"try again when it has finished (a push that died frees the store after "
                                      f"{self.lease} s)")
            time.sleep(random.uniform(0.1, 0.6))

    def refresh(self) -> None:
        """Renew the lease; stop if the token has gone."""
        lock, node = iri_ref(GRAPH_LOCK), iri_ref(self.node)
        self.ep.update(f"DELETE {{ GRAPH {lock} {{ {node} <{DCT}created> ?c }} }} "
                       f"INSERT {{ GRAPH {lock} {{ {node} <{DCT}created> ?now }} }} "
                       f"WHERE {{ GRAPH {lock} {{ {node} <{DCT}created> ?c }} BIND(NOW() AS ?now) }}")
        if not any(n == self.node for n, *_ in self._holders()):
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
    """Test hook: ``PARTNERGRAPH_TEST_PAUSE_<NAME>=SECONDS`` sleeps at that point of a push;
    ``PARTNERGRAPH_TEST_PAUSE_<NAME>=DIR`` (a directory) creates ``DIR/reached`` there and waits (60 s at most)
    until ``DIR/go`` exists, so a test can act at exactly that point."""
    value = os.environ.get("PARTNERGRAPH_TEST_PAUSE_" + name)
    if not value:
        return
    if os.path.isdir(value):
        Path(value, "reached").touch()
        deadline = time.monotonic() + 60
        while not Path(value, "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return
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
    """What a push did: a row per data graph, the version it wrote (or found) and the one it replaced."""

    rows: list
    version: str
    previous: str | None
    notes: list = field(default_factory=list)


def ntriples(triples) -> bytes:
    """Triples (pyoxigraph terms) as N-Triples bytes."""
    return "".join(f"{t} .\n" for t in triples).encode("utf-8")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _describe(v: Version | None) -> str:
    return f"version {v.version}" if v else "no version"


def push(data, url: str, *, force: bool = False, graph_store: str | None = None, timeout: float | None = None,
         check: Callable | None = None, themes=None, progress: Callable | None = None,
         sending: Callable | None = None) -> PushResult:
    """Upload a data directory to the store at ``url`` in one step (see the module docstring).

    ``progress`` and ``sending``: ``f(total)`` context managers giving ``advance(triples)``, told of the triples
    read from the store and of those written to it and read back (a progress bar; see :func:`.remote.fetch`).

    Raises :class:`StoreError` when the store changed since this copy last pulled or pushed (unless ``force``),
    when another push holds the store, and when any request fails — the store's previous data whole.
    """
    ep = Endpoint(url, graph_store, timeout=timeout)
    snap = snapshot(data, check, themes)
    before = read_version(ep)
    state = read_state(snap.folder, before)
    _refuse_if_stale(ep, before, state, force, snap)
    _pause("PUSH_CHECKED")
    lock = Lock(ep, lease=3 * ep.limits.timeout)
    lock.acquire(wait=ep.limits.timeout)
    staged: list[str] = []
    switching = False
    try:
        now = read_version(ep)
        if now != before:
            raise StoreError(f"{ep.url}: another push landed while this one was getting ready (the store now "
                             f"holds {_describe(now)}); nothing was changed",
                             hint="pull first (partnergraph pull --dry-run shows what changed), then push again")
        # a graph whose hash in the version record is this copy's is not read again (its count is checked): a
        # push of one changed claim reads the claims and files graphs, not the whole store
        same = {g for g, t in snap.graphs.items() if before is not None and before.hashes.get(g) == graph_hash(t)}
        held = (fetch(ep, skip=same, progress=progress) if (before is not None or _has_data(ep))
                else Remote(None, {}))
        server = {g: set(t) for g, t in held.graphs.items()}
        server.update({g: snap.graphs[g] for g in same})
        if before is not None and all(server.get(g, set()) == t for g, t in snap.graphs.items()) and not (
                set(server) - set(snap.graphs)):
            write_state(snap.folder, ep, before, snap.files)
            return PushResult(_rows(snap, {}, {}), before.version, before.version,
                              ["the store already holds this data; nothing was sent"])
        lock.refresh()
        modified = _now()
        version = f"{modified.replace('-', '').replace(':', '')}-{snap.content_hash[:12]}"
        store_id = before.store_id if before is not None and before.store_id else secrets.token_hex(8)
        snap.graphs[GRAPH_VERSION] = set(version_triples(dict(snap.graphs), snap.sources, version,
                                                         snap.content_hash, modified, store_id))
        if before is not None:
            server[GRAPH_VERSION] = set(ep.fetch_graph(GRAPH_VERSION))
        adds = {g: t - server.get(g, set()) for g, t in snap.graphs.items()}
        dels = {g: t - snap.graphs.get(g, set()) for g, t in server.items()
                if g in snap.graphs or g in LEGACY_GRAPHS or g == GRAPH_THEMES}
        notes: list[str] = []
        failed = None
        sending = sending or no_progress
        if not any(server.values()):
            switching = True  # an empty store: what a failure leaves is refused by the next push without --force
            with sending(sum(len(t) for t in snap.graphs.values())) as advance:
                _first_push(ep, snap, lock, advance)
        else:
            wipe = {g for g, t in server.items() if g in dels and any(_has_blank(x) for x in t)}
            for g in wipe:  # blank nodes of the server's own cannot be matched: the graph is replaced whole
                adds[g], dels[g] = set(snap.graphs.get(g, set())), set()
            with sending(sum(2 * len(t) for t in adds.values()) + sum(len(t) for t in dels.values())) as advance:
                _stage(ep, lock, adds, dels, staged, advance)
            switching = True
            failed = _switch(ep, lock.token, adds, dels, before, wipe)
        after = _confirm(ep, snap, version, failed, notes)
        write_state(snap.folder, ep, after, snap.files)
        rows = _rows(snap, {g: len(a) for g, a in adds.items()}, {g: len(d) for g, d in dels.items()})
        return PushResult(rows, version, before.version if before else None, notes)
    except StoreError as exc:
        if switching or "nothing was changed" in exc.message:
            raise
        raise StoreError(f"{exc.message}; nothing was changed: the store still holds {_describe(before)}",
                         hint=exc.hint) from None
    finally:
        if staged:
            with contextlib.suppress(StoreError):
                ep.update(" ;\n".join(f"DROP SILENT GRAPH {iri_ref(g)}" for g in staged))
        lock.release()


def _has_blank(t) -> bool:
    import pyoxigraph as ox

    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _has_data(ep: Endpoint) -> bool:
    return any(ep.count_graphs([*LEGACY_GRAPHS, GRAPH_THEMES, GRAPH_FILES]).values())


def _refuse_if_stale(ep: Endpoint, before: Version | None, state: dict | None, force: bool,
                     snap: Snapshot) -> None:
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
        return  # the store holds exactly this copy's files
    if state is None:
        raise StoreError(f"{ep.url}: the store holds {_describe(before)} (pushed {before.modified}), which this "
                         f"copy never pulled; nothing was changed",
                         hint="pull first (partnergraph pull --dry-run shows the difference), or push --force "
                              "to overwrite it")
    raise StoreError(f"{ep.url}: the store changed since this copy last pulled or pushed (it holds "
                     f"{_describe(before)}, pushed {before.modified}; this copy is based on {state['version']}); "
                     f"nothing was changed", hint="pull first (partnergraph pull --dry-run shows what changed), "
                                                  "or push --force to overwrite it")


def _first_push(ep: Endpoint, snap: Snapshot, lock: Lock, advance: Callable) -> None:
    """An empty store: each graph written whole, the version last (a first push that does not finish leaves no
    version, and the next push then asks for --force)."""
    for g, triples in snap.graphs.items():
        if g != GRAPH_VERSION:
            ep.put_graph(g, ntriples(triples), bulk=True)
            lock.refresh()
            advance(len(triples))
    ep.put_graph(GRAPH_VERSION, ntriples(snap.graphs[GRAPH_VERSION]))
    advance(len(snap.graphs[GRAPH_VERSION]))


def staging_name(token: str, kind: str, graph: str) -> str:
    """``…/graph/staging/TOKEN/ins/claims``: one push's insertions into (or deletions from) one graph."""
    return f"{STAGING}{token}/{kind}/{graph.rsplit('/', 1)[1]}"


def _stage(ep: Endpoint, lock: Lock, adds: dict, dels: dict, staged: list[str], advance: Callable) -> None:
    """Write the triples to insert and to delete into staging graphs (named in ``staged`` as they are written,
    for the clean-up); read the insertions back."""
    for kind, delta in (("ins", adds), ("del", dels)):
        for g, triples in sorted(delta.items()):
            if triples:
                name = staging_name(lock.token, kind, g)
                staged.append(name)  # before the request: a PUT that fails half-way leaves a graph too
                ep.put_graph(name, ntriples(triples), bulk=True)
                lock.refresh()
                advance(len(triples))
    for g, triples in sorted(adds.items()):
        if triples:
            back = set(ep.fetch_graph(staging_name(lock.token, "ins", g)))
            if back != triples:
                raise _would_change(ep, g, triples - back, back - triples)
            advance(len(triples))


def _would_change(ep: Endpoint, graph: str, sent: set, got: set) -> StoreError:
    example = ""
    if sent:
        s = min(sent, key=str)
        like = [t for t in got if t.subject == s.subject and t.predicate == s.predicate]
        example = f": {s.object} comes back as {like[0].object}" if like else f": {s} is not kept"
    return StoreError(f"{ep.url}: the store would change {len(sent)} triple(s) of <{graph}> as it stores them"
                      f"{example}; nothing was changed",
                      hint="write such values in their canonical form (e.g. 1 rather than 01): the store "
                           "rewrites them, and a pull would not give the file back")


def _switch(ep: Endpoint, token: str, adds: dict, dels: dict, before: Version | None,
            wipe: set) -> StoreError | None:
    """One SPARQL Update operation: delete the staged deletions and insert the staged insertions, if the store
    still holds the version this push started from. Returns the error of a request that failed (the server may
    still have done it: :func:`_confirm` reads back)."""
    def pairs(kind: str, delta: dict) -> str:
        return " ".join(f"({iri_ref(staging_name(token, kind, g))} {iri_ref(g)})"
                        for g, t in sorted(delta.items()) if t)

    version = iri_ref(GRAPH_VERSION)
    if before is not None:
        cond = f"GRAPH {version} {{ {iri_ref(DATASET)} <{PG}version> {json.dumps(before.version)} }}"
    else:
        cond = f"FILTER NOT EXISTS {{ GRAPH {version} {{ {iri_ref(DATASET)} <{PG}version> ?any }} }}"
    branches = []
    if wipe:
        branches.append(f"{{ VALUES ?g {{ {' '.join(iri_ref(g) for g in sorted(wipe))} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    if pairs("del", dels):
        branches.append(f"{{ VALUES (?dg ?g) {{ {pairs('del', dels)} }} GRAPH ?dg {{ ?s ?p ?o }} }}")
    if pairs("ins", adds):
        branches.append(f"{{ VALUES (?ig ?h) {{ {pairs('ins', adds)} }} GRAPH ?ig {{ ?s2 ?p2 ?o2 }} }}")
    text = (f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }}\nINSERT {{ GRAPH ?h {{ ?s2 ?p2 ?o2 }} }}\n"
            f"WHERE {{ {cond}\n  " + "\n  UNION ".join(branches) + " }")
    try:
        ep.update(text)
    except StoreError as exc:
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
    if now is None or now.version != version:
        if failed is not None:
            raise StoreError(f"{failed.message}; the push was not applied: the store still holds "
                             f"{_describe(now)}, unchanged", hint="try again; nothing changed on the store or in "
                                                                   "the data folder")
        raise StoreError(f"{ep.url}: another push landed first (the store holds {_describe(now)}); this push "
                         f"was not applied", hint="pull first (partnergraph pull --dry-run shows what changed), "
                                                  "then push again")
    if failed is not None:
        notes.append(f"the store's answer to the switch was lost ({failed.message}); reading back shows the push "
                     f"landed")
    counts = ep.count_graphs(list(snap.graphs))
    off = [g for g in snap.graphs if counts.get(g, 0) != len(snap.graphs[g])]
    if off:
        raise StoreError(f"{ep.url}: after the push, <{off[0]}> holds {counts.get(off[0], 0)} triples, not "
                         f"{len(snap.graphs[off[0]])}", hint="the server did not keep what it acknowledged; see "
                                                              "its log, then push --force")
    return now


def _rows(snap: Snapshot, added: dict, removed: dict) -> list[GraphPush]:
    order = [GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_THEMES, GRAPH_ONTOLOGY]
    return [GraphPush(str(snap.folder / snap.sources[g]) if g != GRAPH_ONTOLOGY else snap.sources[g], g,
                      len(snap.graphs[g]), added.get(g, 0), removed.get(g, 0)) for g in order if g in snap.graphs]
