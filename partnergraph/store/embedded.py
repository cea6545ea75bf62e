"""Load a data directory (``sources.bib`` + ``claims.ttl`` + the theme framework, if any) and the vocabulary into
one RDF store.

The embedded store is pyoxigraph (Turtle parsing and SPARQL 10–20× faster than rdflib, DESIGN §7). Each file goes
into its own named graph; queries see their union. Reading never writes to the data directory: the parsed result
is cached under the user's cache directory, keyed by a hash of the files' bytes.

May import: ``partnergraph.core``, ``partnergraph.files`` and :mod:`partnergraph.store.bibrdf`.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import re
from pathlib import Path

from ..core.errors import ClaimSyntaxError, QueryError
from ..core.namespaces import PGID, PREFIXES, prefix_block, prefix_list
from ..files.bibtex import BibLibrary, Source, key_list, parse_bibtex_text
from ..files.datadir import DataDir, ontology_text
from .bibrdf import Lit, source_triples

__all__ = [
    "GRAPH_CLAIMS",
    "GRAPH_ONTOLOGY",
    "GRAPH_SOURCES",
    "GRAPH_THEMES",
    "DataStore",
    "dump_nquads",
    "gc_paused",
    "load_nquads",
    "load_store",
    "parse_turtle_into",
    "run_sparql",
    "sources_nquads",
    "sources_nquads_chunks",
    "sources_to_quads",
    "to_ox",
]

GRAPH_SOURCES = PGID + "graph/sources"
GRAPH_CLAIMS = PGID + "graph/claims"
GRAPH_ONTOLOGY = PGID + "graph/ontology"
#: the theme framework (data/themes.ttl or --themes FILE), its own named graph so it can be replaced whole
GRAPH_THEMES = PGID + "graph/themes"


def to_ox(term):
    import pyoxigraph as ox

    if isinstance(term, Lit):
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype else ox.Literal(
            term.value)
    return ox.NamedNode(term)


def sources_to_quads(library: BibLibrary, graph: str = GRAPH_SOURCES):
    import pyoxigraph as ox

    g = ox.NamedNode(graph)
    nodes: dict[str, object] = {}

    def node(iri):
        n = nodes.get(iri)
        if n is None:
            n = nodes[iri] = ox.NamedNode(iri)
        return n

    for s, p, o in source_triples(library.sources):
        obj = to_ox(o) if isinstance(o, Lit) else node(o)
        yield ox.Quad(node(s), node(p), obj, g)


def parse_turtle_into(store, text: str, path: Path, graph: str) -> None:
    """Load Turtle into ``store`` (named graph ``graph``); a syntax error names the file, line and column."""
    import pyoxigraph as ox

    try:
        store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph),
                   base_iri=PGID)
    except SyntaxError as exc:
        msg = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", str(exc.msg or exc))
        msg = re.sub(r"^Parser error at line \d+ column \d+: ", "", msg)
        raise ClaimSyntaxError(path, exc.lineno, f"Turtle syntax error: {msg}", column=exc.offset,
                               hint="fix the Turtle at that line (a missing '.' or ';' is often reported one "
                                    "line late)") from None


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def sources_nquads(library: BibLibrary, graph: str = GRAPH_SOURCES) -> bytes:
    """The sources as N-Quads text in ``graph``: what :func:`sources_to_quads` gives, but parsed by pyoxigraph in
    Rust instead of building a Python object per term (3× faster), and written to the cache as it is."""
    return b"".join(sources_nquads_chunks(library, graph))


def sources_nquads_chunks(library: BibLibrary, graph: str = GRAPH_SOURCES, lines_per_chunk: int = 100_000):
    """:func:`sources_nquads` in pieces of whole lines: what a store loads piece by piece, so that the text of
    1.9M triples (100k sources) is never held at once."""
    lines: list[str] = []
    append = lines.append
    esc = _NT_ESCAPES
    g = f"<{graph}> .\n"
    for s, p, o in source_triples(library.sources):
        if o.__class__ is Lit:
            text = o.value.translate(esc)
            if o.datatype:
                append(f'<{s}> <{p}> "{text}"^^<{o.datatype}> {g}')
            else:
                append(f'<{s}> <{p}> "{text}" {g}')
        else:
            append(f"<{s}> <{p}> <{o}> {g}")
        if len(lines) >= lines_per_chunk:
            yield "".join(lines).encode("utf-8")
            lines.clear()
    if lines:
        yield "".join(lines).encode("utf-8")


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building large acyclic structures (parsed entries, graphs).

    Loading 100k sources creates millions of objects and no cycles; with the collector running, its full passes
    make the load superlinear (bibtexparser alone: 11.9 s instead of 7.0 s). Reference counting still frees.
    Objects alive at the end are frozen (``gc.freeze``): later collections skip them.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            # what was built lives on and has no cycles: freeze it, or the first collections after enabling
            # walk all of it again (0.2 s per pass at 100k sources)
            gc.freeze()
            gc.enable()


_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_DESCRIBES_SOURCES = f"""ASK {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{PGID}source/")
  || STRSTARTS(STR(?s), "{PGID}agent/") || STRSTARTS(STR(?s), "{PGID}journal/")
  || ?p IN (pg:bibtexKey, pg:bibtexType, pg:status, bibo:authorList, foaf:name)) }}"""


class DataStore:
    """The RDF of one data directory: a ``pyoxigraph.Store`` whose sources graph is filled on first use.

    Loading holds the claims and the ontology in the store and the parsed bibliography (``library``) beside it;
    :func:`partnergraph.graph.build.build_graph` reads the sources from ``library`` and the first query (or any other
    use of the store) loads the sources' triples. Every ``Store`` method and attribute is passed through, so this
    behaves as the store itself. At 100k sources this keeps 1.9M triples out of a load that does not query them.
    """

    __slots__ = ("_store", "_pending", "library")

    def __init__(self, store, library: BibLibrary | None, pending: bool):
        self._store = store
        self.library = library
        self._pending = pending

    @property
    def store(self):
        """The complete ``pyoxigraph.Store`` (the sources' triples loaded now if they were not yet)."""
        if self._pending:
            import pyoxigraph as ox

            for chunk in sources_nquads_chunks(self.library):
                self._store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS)
            self._pending = False
        return self._store

    @property
    def sources_pending(self) -> bool:
        """Whether the sources' triples are still to be loaded (they are kept out of the store until used)."""
        return self._pending

    def without_sources(self):
        """The store as it is now: claims and ontology, and the sources only if something has loaded them."""
        return self._store

    def claims_describe_sources(self) -> bool:
        """Whether claims.ttl says anything about a source, author or journal itself (then the graph is read
        from the complete RDF rather than from the parsed bibliography)."""
        return bool(run_sparql(self._store, _DESCRIBES_SOURCES))

    def sources_nquads(self) -> bytes:
        return b"" if self.library is None else sources_nquads(self.library)

    def __getattr__(self, name):
        return getattr(self.store, name)

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self):
        return iter(self.store)

    def __contains__(self, quad) -> bool:
        return quad in self.store


def load_store(data: DataDir, *, strict: bool = True) -> tuple[DataStore, BibLibrary]:
    """Parse a data directory into a fresh in-memory store. Returns ``(store, bib_library)``; the store is a
    :class:`DataStore` (a ``pyoxigraph.Store`` in all but name) with each file in its own named graph."""
    import pyoxigraph as ox

    with gc_paused():
        library = parse_bibtex_text(data.sources_text(), data.sources_path)
        if strict:
            library.raise_first()
        claims = data.claims_text()
        store = ox.Store()
        parse_turtle_into(store, ontology_text(), Path("partnergraph/ontology.ttl"), GRAPH_ONTOLOGY)
        parse_turtle_into(store, claims, data.claims_path, GRAPH_CLAIMS)
        if data.themes_path is not None:
            parse_turtle_into(store, data.themes_text(), data.themes_path, GRAPH_THEMES)
        safe = not any(_IRI_UNSAFE.search(s.key) or any(_IRI_UNSAFE.search(k) for k in key_list(s.get("citedin")))
                       for s in library.sources)
        if not safe:  # a key that is no IRI: the term-by-term path raises the error it always has
            store.bulk_extend(sources_to_quads(library))
    return DataStore(store, library, pending=safe), library


_CACHE_MAGIC = b"PGSTORE2\n"


def dump_nquads(store) -> bytes:
    """The store as bytes for the cache, read back by :func:`load_nquads`.

    A :class:`DataStore` whose sources are not loaded is written as its claims and ontology in N-Quads plus the
    parsed sources (pickled): at 100k sources that is 40 MB written in about a second, where the sources' 1.9M
    triples as N-Quads are 550 MB and take 19 s. Any other store is written as plain N-Quads.
    """
    import pyoxigraph as ox

    if isinstance(store, DataStore) and store._pending:
        assert store.library is not None  # pending sources come from a parsed bibliography
        claims = store.without_sources().dump(format=ox.RdfFormat.N_QUADS)
        sources = [(s.key, s.entry_type, s.fields, s.line, s.end_line, s.authors, s.editors, s.et_al)
                   for s in store.library.sources]  # not the raw text: the triples do not need it
        return _CACHE_MAGIC + pickle.dumps((claims, sources), protocol=pickle.HIGHEST_PROTOCOL)
    return store.dump(format=ox.RdfFormat.N_QUADS)


def load_nquads(data: bytes):
    """A store from :func:`dump_nquads`'s bytes (or from plain N-Quads)."""
    import pyoxigraph as ox

    store = ox.Store()
    if data.startswith(_CACHE_MAGIC):
        with gc_paused():
            claims, rows = pickle.loads(data[len(_CACHE_MAGIC):])
            sources = [Source(*row) for row in rows]
        store.bulk_load(claims, format=ox.RdfFormat.N_QUADS)
        return DataStore(store, BibLibrary(None, sources, []), pending=True)
    store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    return store


def run_sparql(store, query: str):
    """Run SPARQL with the project prefixes declared; the default graph is the union of all named graphs."""
    try:
        return store.query(prefix_block() + query, use_default_graph_as_union=True)
    except SyntaxError as exc:
        lines = prefix_block().count("\n")
        msg = _clean_sparql_error(str(exc.msg or exc))
        line, column = exc.lineno, exc.offset
        m = re.match(r"error at (\d+):(\d+): ", msg)
        if m:  # pyoxigraph says where in the message, counting the declared prefixes
            line, column, msg = int(m.group(1)), int(m.group(2)), msg[m.end():]
        line = max(1, (line or lines + 1) - lines)
        line, column, msg = sparql_error_words(query, line, column, msg)
        raise QueryError(f"SPARQL syntax error at line {line}" + (f", column {column}" if column else "")
                         + f": {msg}", hint=declared_prefixes_hint()) from None
    except (ValueError, OSError) as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from None


def declared_prefixes_hint() -> str:
    """The hint every SPARQL syntax error ends with: the prefixes declared for the user (from ``PREFIXES``)."""
    return f"the declared prefixes are {prefix_list()} (declare any other with PREFIX)"


_PNAME = re.compile(r"(?<![\w<?$:/#.-])([A-Za-z][\w.-]*)?:(?=[\w%\s(]|$)")


def sparql_error_words(query: str, line: int, column: int | None, msg: str) -> tuple[int, int | None, str]:
    """pyoxigraph's parser message made short: an unknown prefix named where it is written, otherwise what was
    found where the parser stopped and a few of the words it expected (not its list of character classes).

    >>> sparql_error_words("SELECT ?x WHERE { ?x a foo:Bar }", 1, 31, "expected one of Prefix not found, [':']")
    (1, 24, "unknown prefix 'foo:'")
    >>> sparql_error_words("SELECT ?x WHERE { ?x a pg:Benefit", 1, 34, 'expected one of ",", ".", ";", "}"')
    (1, 34, "unexpected end of the query; expected one of ',' '.' ';' '}'")
    """
    rows = query.split("\n")
    # an undeclared prefix at or before the stop is the likeliest cause, whatever the parser says
    declared = {p.lower() for p in PREFIXES} | {p.lower() for p in re.findall(
        r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:", query) if p} | ({""} if re.search(r"(?i)\bPREFIX\s+:", query)
                                                              else set())
    for i in range(min(line, len(rows)) - 1, -1, -1):  # the last undeclared prefix at or before the stop
        text = _blank_strings(rows[i])
        stop = (column or len(text) + 1) if i == line - 1 else len(text) + 1
        hits = [m for m in _PNAME.finditer(text) if m.start() < stop and (m.group(1) or "").lower()
                not in declared]
        if hits:
            return i + 1, hits[-1].start() + 1, f"unknown prefix '{hits[-1].group(1) or ''}:'"
    if "Prefix not found" in msg:
        return line, column, "unknown prefix"
    words: list[str] = []
    m = re.match(r"expected one of (.*)", msg)
    if m:
        for quoted, keyword in re.findall(r'"([^"\s]{1,12})"|\b([A-Z][A-Z_]{2,})\b', m.group(1)):
            w = quoted or keyword
            if w not in words:
                words.append(w)
    row = rows[line - 1] if 0 < line <= len(rows) else ""
    rest = row[(column or 1) - 1:].strip() if column else ""
    found = f"'{rest.split()[0][:20]}'" if rest else (
        "end of the query" if line >= len(rows) else "end of the line")
    said = f"unexpected {found}"
    if words:
        said += "; expected one of " + " ".join(f"'{w}'" for w in words[:6]) + (" …" if len(words) > 6 else "")
    elif not m:
        said += f" ({msg[:80]})"
    return line, column, said


def _blank_strings(text: str) -> str:
    """``text`` with IRIs in <…> and quoted strings blanked (same length), so no prefix is seen inside them."""
    return re.sub(r'<[^>\s]*>|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', lambda m: " " * len(m.group(0)), text)


def _clean_sparql_error(msg: str) -> str:
    return re.sub(r"\s+", " ", msg).strip()
