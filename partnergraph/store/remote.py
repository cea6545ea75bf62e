"""The shared store: one evidence graph on a SPARQL 1.1 server that a whole team reads and writes (DESIGN §5).

``--store URL`` (or ``PARTNERGRAPH_STORE``) points every command at a server instead of the files. This module
says what the server holds and reads it; :mod:`.sync` pushes and :mod:`.pull` pulls; :mod:`.endpoint` and
:mod:`.transport` speak the protocol. The named graphs (docs/teams.md shows them with queries):

- one per data file — ``…/id/graph/sources`` (``sources.bib`` as BIBO/DCTerms/FOAF triples),
  ``…/graph/claims``, ``…/graph/themes`` when the data has themes — and ``…/graph/ontology`` (the vocabulary).
  Blank nodes are stored as skolem IRIs (:mod:`.skolem`) so that graphs can be paged and compared;
- ``…/graph/files``: each file's SHA-256 and whole text, in parts of at most :data:`PART_CHARS` characters
  (BibTeX carries more than its RDF: field order, macros, comments, fields the RDF does not map), so that
  ``pull`` writes the files back byte for byte;
- ``…/graph/version``: the dataset's description (VoID: the data graphs, their triple counts and hashes) and
  its **version** (time stamp and content hash), which a push compares before writing;
- ``…/graph/lock`` while a push runs, and ``…/graph/staging/…`` graphs during a push.

Readers (:func:`fetch`) take the version record, the graphs and the record again: a push in between means
reading again, so a reader never mixes two versions. Queries (:func:`remote_query`) name the data graphs as
the dataset (``default-graph-uri`` and ``named-graph-uri``): their union is the default graph, as at home.

May import: ``partnergraph.files``, ``partnergraph.core`` and the other ``partnergraph.store`` modules below it
(:mod:`.endpoint`, :mod:`.transport`, :mod:`.skolem`, :mod:`.embedded`).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..core.errors import QueryError, StoreError
from ..core.namespaces import PGID, prefix_block
from .embedded import GRAPH_CLAIMS, GRAPH_ONTOLOGY, GRAPH_SOURCES, GRAPH_THEMES
from .endpoint import Endpoint, iri_ref
from .skolem import GENID, deskolemize_term

__all__ = [
    "DATASET",
    "FILE_GRAPHS",
    "GRAPH_FILES",
    "GRAPH_LOCK",
    "GRAPH_THEMES",
    "GRAPH_VERSION",
    "LEGACY_GRAPHS",
    "PART_CHARS",
    "STAGING",
    "Remote",
    "Version",
    "fetch",
    "files_triples",
    "graph_hash",
    "load_graph_store",
    "no_progress",
    "query_form",
    "read_version",
    "remote_query",
    "version_triples",
]

GRAPH = PGID + "graph/"
GRAPH_FILES, GRAPH_VERSION, GRAPH_LOCK = GRAPH + "files", GRAPH + "version", GRAPH + "lock"
STAGING = GRAPH + "staging/"
DATASET = PGID + "dataset"
FILE = PGID + "file/"
PART_CHARS = 8000  # Virtuoso's Graph Store refuses a literal above ~65,000 bytes
FILE_GRAPHS = {"sources.bib": GRAPH_SOURCES, "claims.ttl": GRAPH_CLAIMS, "themes.ttl": GRAPH_THEMES}
LEGACY_GRAPHS = (GRAPH_SOURCES, GRAPH_CLAIMS, GRAPH_ONTOLOGY)  # what a push without a version record wrote

PG = "https://w3id.org/partnergraph/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"


# ---------------------------------------------------------------- what a push writes besides the data
def _lit(value: str, datatype: str | None = None):
    import pyoxigraph as ox

    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _t(s: str, p: str, o):
    import pyoxigraph as ox

    return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o) if isinstance(o, str) else o)


def graph_hash(triples) -> str:
    """SHA-256 of a graph's triples (skolemized, as N-Triples lines, sorted): the same graph, the same hash."""
    h = hashlib.sha256()
    for line in sorted(str(t) for t in triples):
        h.update(line.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def files_triples(files: dict[str, bytes], headers: dict[str, str]):
    """The files graph: per file its name, SHA-256, size, graph and whole text (in parts), and a Turtle file's
    leading comment (kept when the file has to be written from its graph)."""
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
        if headers.get(name):
            yield _t(node, PG + "header", _lit(headers[name]))


def version_triples(graphs: dict[str, set], sources: dict[str, str], version: str, content_hash: str,
                    modified: str, store_id: str):
    """The version graph: the dataset (VoID), the store's id (made by its first push, kept by every other), its
    version, content hash and time, each graph with its count, hash and the file it comes from."""
    yield _t(DATASET, RDF_TYPE, VOID + "Dataset")
    yield _t(DATASET, DCT + "title", _lit("partnergraph evidence graph"))
    yield _t(DATASET, PG + "storeId", _lit(store_id))
    yield _t(DATASET, PG + "version", _lit(version))
    yield _t(DATASET, PG + "contentHash", _lit(content_hash))
    yield _t(DATASET, DCT + "modified", _lit(modified, XSD + "dateTime"))
    yield _t(DATASET, VOID + "triples", _lit(str(sum(len(t) for t in graphs.values())), XSD + "integer"))
    for g, triples in sorted(graphs.items()):
        yield _t(DATASET, PG + "filesGraph" if g == GRAPH_FILES else VOID + "subset", g)
        yield _t(g, RDF_TYPE, VOID + "Dataset")
        yield _t(g, VOID + "triples", _lit(str(len(triples)), XSD + "integer"))
        yield _t(g, PG + "graphHash", _lit(graph_hash(triples)))
        if g in sources:
            yield _t(g, DCT + "source", _lit(sources[g]))


# ---------------------------------------------------------------- what the store says about itself
@dataclass(frozen=True, slots=True)
class Version:
    """The store's version record: its id, content hash and time, the data graphs, triples and hash per graph."""

    version: str
    content_hash: str
    modified: str
    counts: dict
    data_graphs: tuple
    hashes: dict = field(default_factory=dict)
    store_id: str = ""


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
        raise StoreError(f"{ep.url}: the store's version record <{GRAPH_VERSION}> names {len(versions)} versions, "
                         f"not one", hint="it was changed outside partnergraph; push --force writes a new one")

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
    return Version(versions[0], one(PG + "contentHash"), one(DCT + "modified"), counts, data_graphs, hashes,
                   one(PG + "storeId"))


@contextlib.contextmanager
def no_progress(total: int):
    """The ``progress`` that shows nothing: ``with no_progress(n) as advance: advance(k)``."""
    yield lambda n: None


@dataclass
class Remote:
    """What a store holds: its version record (``None`` for data pushed without one) and each graph's triples
    (skolem IRIs still in place)."""

    version: Version | None
    graphs: dict[str, list]


def fetch(ep: Endpoint, *, with_files: bool = True, attempts: int = 3, skip=frozenset(),
          progress: Callable | None = None) -> Remote:
    """Read every partnergraph graph of the store, consistently: the version record before and after must be
    the same, and each graph's count the one it records (a push in between: read again). The graphs in
    ``skip`` are counted and checked, not read (a push skips those the record says it already holds).
    ``progress(total)``: a context manager giving ``advance(triples)``, told of each graph read (a bar)."""
    for _ in range(attempts):
        before = read_version(ep)
        if before is None:
            graphs = [*LEGACY_GRAPHS, GRAPH_THEMES] + ([GRAPH_FILES] if with_files else [])
        else:
            graphs = list(before.data_graphs) + ([GRAPH_FILES] if with_files else [])
        counts = ep.count_graphs(graphs)
        if before is None and not any(counts.values()):
            raise StoreError(f"{ep.url}: the store holds no partnergraph data",
                             hint="upload the data first: partnergraph push --data DIR --store URL")
        if before is not None:
            off = [g for g in graphs if g in before.counts and counts.get(g, 0) != before.counts[g]]
            if off and read_version(ep) != before:
                continue
            if off:
                raise StoreError(f"{ep.url}: graph <{off[0]}> holds {counts.get(off[0], 0)} triples, its version "
                                 f"record says {before.counts[off[0]]}",
                                 hint="the graph was changed outside partnergraph push; push --force (from a "
                                      "copy that has the data) writes it whole again")
        wanted = [g for g in graphs if counts.get(g) and g not in skip]
        got = {}
        with (progress or no_progress)(sum(counts[g] for g in wanted)) as advance:
            for g in wanted:
                got[g] = ep.fetch_graph(g, counts[g])
                advance(counts[g])
        if read_version(ep) == before:
            return Remote(before, got)
        time.sleep(0.2)
    raise StoreError(f"{ep.url}: the store kept changing while it was read ({attempts} times)",
                     hint="pushes are landing one after another; try again in a moment")


def load_graph_store(url: str, *, timeout: float | None = None):
    """The store's data graphs in a local pyoxigraph store, each in its named graph, blank nodes back: what
    :func:`partnergraph.graph.loader.load_remote` builds the networkx graph from."""
    import pyoxigraph as ox

    ep = Endpoint(url, timeout=timeout)
    remote = fetch(ep, with_files=False)
    st = ox.Store()
    st.bulk_extend([ox.Quad(deskolemize_term(t.subject), t.predicate, deskolemize_term(t.object), ox.NamedNode(g))
                    for g, triples in remote.graphs.items() for t in triples])
    return st


# ---------------------------------------------------------------- queries
def _value(term) -> str:
    text = term.value
    if text.startswith(GENID):  # a blank node, as the embedded store shows one
        return "g" + text[len(GENID):]
    return text


_PROLOGUE = re.compile(r"""\s+|\#[^\n]*|(?i:PREFIX)\s*[^\s:]*:\s*<[^>]*>|(?i:BASE)\s*<[^>]*>""")


def query_form(query: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the first keyword after the prologue (comments, PREFIX, BASE).

    >>> query_form("# list them\\nPREFIX ex: <http://x/#a> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("ask {}")
    'ASK'
    """
    pos = 0
    while True:
        m = _PROLOGUE.match(query, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    word = re.match(r"[A-Za-z]+", query[pos:])
    return word.group(0).upper() if word else ""


def remote_query(url: str, query: str, *, timeout: float | None = None):
    """Run SPARQL on the server at ``url`` with the project prefixes declared, over partnergraph's data graphs.

    Returns the shapes of :func:`partnergraph.questions.claims.sparql`: SELECT → list of dicts (variable → value
    as text, ``None`` when unbound); ASK → bool; CONSTRUCT/DESCRIBE → list of ``(s, p, o)`` N-Triples terms as text.
    Raises :class:`StoreError` (server down, slow, failing, cutting the answer) or :class:`QueryError` (the
    server rejected the query, with the line counted from the user's first line).
    """
    ep = Endpoint(url, timeout=timeout)
    version = read_version(ep)
    graphs = list(version.data_graphs) if version else list(LEGACY_GRAPHS)
    text = prefix_block() + query
    form = query_form(query)
    accept = ("application/n-triples" if form in ("CONSTRUCT", "DESCRIBE")
              else "application/sparql-results+json")  # Virtuoso answers a CONSTRUCT in JSON if asked JSON first
    try:
        answer = ep.query(text, accept, default_graphs=graphs, named_graphs=graphs)
    except QueryError as exc:  # the server counts lines from the prefixes partnergraph declared
        shift = prefix_block().count("\n")
        msg = re.sub(r"\b(line |at )(\d+)([:, ])", lambda m: f"{m.group(1)}{max(1, int(m.group(2)) - shift)}"
                     f"{m.group(3)}", exc.message)
        raise QueryError(msg, hint=exc.hint) from None
    if answer.content_type in ("application/sparql-results+json", "application/json"):
        doc = ep.results(answer)
        if "boolean" in doc:
            return bool(doc["boolean"])
        rows = ep.rows(doc)
        return [{n: (_value(r[n]) if n in r else None) for n in rows.variables} for r in rows.rows]
    triples = ep.triples(answer)
    return [(str(deskolemize_term(t.subject)), str(t.predicate), str(deskolemize_term(t.object))) for t in triples]

