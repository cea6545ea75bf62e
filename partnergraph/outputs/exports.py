"""Files for other tools: GraphML and GEXF (Gephi, Cytoscape, networkx), JSON-LD, Turtle and CSV.

Every export takes the same :class:`~partnergraph.filters.Selection` as the map, so ``export`` hands on
exactly what ``map`` shows (plus claim sets and quality cells).

- GraphML / GEXF: the networkx graph with attributes flattened for the formats (:func:`export_graph`): tuples
  become ``"; "``-joined strings, lists of records (study counts) JSON text, ``None`` is dropped;
  GraphML gives each edge a unique id (``e0``, ``e1`` …) and keeps the networkx key as ``edge_key``;
  ``networkx.read_graphml`` and igraph read it back with the same nodes, edges and attributes. GEXF carries
  the map's colour, size and position of every node (``viz``). Text that XML cannot hold (control
  characters) is dropped.
- Turtle: the RDF of the selected sources, claims, claim sets, pooled bases and evidence links, written sorted
  and stable by :func:`partnergraph.files.turtle.serialize` (same data → same bytes).
- JSON-LD: the same RDF with an ``@context`` of the project prefixes.
- CSV: a node table (``PATH-nodes.csv``) and an edge list (``PATH-edges.csv``), or ``nodes.csv`` and
  ``edges.csv`` inside PATH when PATH is a directory.

>>> import partnergraph as pg, tempfile, os, networkx as nx
>>> g = pg.load()
>>> p = export(g, "graphml", os.path.join(tempfile.mkdtemp(), "g.graphml"))[0]
>>> back = nx.read_graphml(p, force_multigraph=True)
>>> back.number_of_edges() == g.nx.number_of_edges() == len({k for *_, k in back.edges(keys=True)})
True
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

from ..core.errors import PartnergraphError
from ..core.namespaces import PGID, PREFIXES
from ..files.claims import exact_literal
from ..files.turtle import serialize
from ..graph.build import node_iri
from ..store.embedded import GRAPH_ONTOLOGY
from .filters import Selection, filtered_graph
from .formats import csv_text
from .maps import map_spec
from .outfile import write_file

__all__ = [
    "DEFAULT_STEM",
    "EXTENSIONS",
    "FORMATS",
    "add_viz",
    "csv_paths",
    "export",
    "export_graph",
    "flat_graph",
    "flat_value",
    "jsonld_context",
    "jsonld_text",
    "selected_rdf",
    "write_csv",
    "write_file",
    "write_graphml",
    "xml_safe",
]

FORMATS = ("graphml", "gexf", "jsonld", "turtle", "csv")
EXTENSIONS = {"graphml": ".graphml", "gexf": ".gexf", "jsonld": ".jsonld", "turtle": ".ttl", "csv": ""}
DEFAULT_STEM = "evidence-graph"


def flat_value(value):
    """An attribute value GraphML/GEXF/CSV can hold: tuples of strings → ``"a; b"``, records → JSON text,
    ``None`` → ``None`` (the caller drops it); str, int, float and bool stay as they are.

    >>> flat_value(("Gray, Barbara", "Wood, Donna")), flat_value(()), flat_value(True)
    ('Gray, Barbara; Wood, Donna', '', True)
    """
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (tuple, list, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        if all(isinstance(x, str) for x in items):
            return "; ".join(items)
        return json.dumps(items, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flat_graph(g, sel: Selection | None = None):
    """The selected part of the graph with every attribute flattened (see :func:`flat_value`)."""
    import networkx as nx

    sub = filtered_graph(g, sel)
    out = nx.MultiDiGraph()
    for k, v in sub.graph.items():
        fv = flat_value(v)
        if fv is not None:
            out.graph[k] = fv
    for n, d in sub.nodes(data=True):
        out.add_node(n, **{k: fv for k, v in d.items() if (fv := flat_value(v)) is not None})
    for u, v, key, d in sub.edges(keys=True, data=True):
        out.add_edge(u, v, key=key, **{k: fv for k, val in d.items() if (fv := flat_value(val)) is not None})
    return out


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text XML 1.0 can hold: control characters (other than tab, newline and carriage return), lone
    surrogates and U+FFFE/U+FFFF are dropped; everything else is kept (the writer escapes ``<``, ``&`` …).

    >>> xml_safe("bell\x07 and tab\t")
    'bell and tab\t'
    """
    return _XML_BAD.sub("", text)


def _xml_clean(graph):
    """A copy of ``graph`` whose node ids, edge keys and text attributes are all :func:`xml_safe`."""
    import networkx as nx

    def clean(v):
        return xml_safe(v) if isinstance(v, str) else v

    out = nx.MultiDiGraph()
    out.graph.update({clean(k): clean(v) for k, v in graph.graph.items()})
    for n, d in graph.nodes(data=True):
        out.add_node(clean(n), **{clean(k): clean(v) for k, v in d.items()})
    for u, v, key, d in graph.edges(keys=True, data=True):
        out.add_edge(clean(u), clean(v), key=clean(key), **{clean(k): clean(x) for k, x in d.items()})
    return out


def export_graph(g, sel: Selection | None = None):
    """The graph GraphML and GEXF are written from: :func:`flat_graph`, and an attribute whose values have
    different types on different nodes (``review``: a flag on sources, a key on pooled bases) as text, since
    both formats declare one type per attribute name; text XML cannot hold is dropped (:func:`xml_safe`)."""
    return _xml_clean(_with_types(flat_graph(g, sel)))


def _hex_rgb(colour: str) -> dict:
    colour = colour.lstrip("#")
    return {"r": int(colour[0:2], 16), "g": int(colour[2:4], 16), "b": int(colour[4:6], 16), "a": 1.0}


def add_viz(graph, g, sel: Selection | None = None) -> None:
    """GEXF ``viz`` for every node (in place): the map's colour, size and position, so Gephi opens the file
    looking like the map; claim sets and quality cells (not on the map) sit at the mean of their members."""
    spec = map_spec(g, sel)
    drawn = {n["id"]: n for n in spec.nodes}
    for n, d in graph.nodes(data=True):
        m = drawn.get(n)
        if m is not None:
            d["viz"] = {"color": _hex_rgb(m["color"]["background"]), "size": float(m["size"]),
                        "position": {"x": float(m["x"]), "y": -float(m["y"]), "z": 0.0}}
    for n, d in graph.nodes(data=True):
        if "viz" in d:
            continue
        near = [graph.nodes[u]["viz"]["position"] for u in graph.predecessors(n) if "viz" in graph.nodes[u]]
        x = sum(p["x"] for p in near) / len(near) if near else 0.0
        y = sum(p["y"] for p in near) / len(near) if near else 0.0
        d["viz"] = {"color": _hex_rgb("#BBBBBB"), "size": 6.0, "position": {"x": x, "y": y, "z": 0.0}}


def write_graphml(graph, buf) -> None:
    """GraphML with one unique id per edge (``e0``, ``e1`` …; the networkx key kept as the ``edge_key``
    attribute) and one ``<key>`` declaration per attribute and domain (ids ``d0``, ``d1`` …: a node and an
    edge attribute of the same name never share an id)."""
    import networkx as nx

    out = nx.MultiDiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from(graph.nodes(data=True))
    for i, (u, v, key, d) in enumerate(graph.edges(keys=True, data=True)):
        out.add_edge(u, v, key=f"e{i}", **{**d, "edge_key": key})
    nx.write_graphml(out, buf, encoding="utf-8", named_key_ids=False)


def _with_types(graph):
    kinds: dict[tuple[str, str], set[type]] = {}
    for _, d in graph.nodes(data=True):
        for k, v in d.items():
            kinds.setdefault(("node", k), set()).add(type(v))
    for _, _, d in graph.edges(data=True):
        for k, v in d.items():
            kinds.setdefault(("edge", k), set()).add(type(v))
    mixed = {key for key, ts in kinds.items() if len(ts) > 1}
    if mixed:
        for _, d in graph.nodes(data=True):
            for k in list(d):
                if ("node", k) in mixed:
                    d[k] = str(d[k])
        for _, _, d in graph.edges(data=True):
            for k in list(d):
                if ("edge", k) in mixed:
                    d[k] = str(d[k])
    return graph


def export(g, fmt: str, output: str | Path | None = None, sel: Selection | None = None) -> list[Path]:
    """Write the part of ``g`` chosen by ``sel`` as ``fmt`` to ``output``; return the files written.

    ``output`` defaults to ``evidence-graph.<ext>`` in the current directory (CSV: ``evidence-graph-nodes.csv``
    and ``evidence-graph-edges.csv``). Raises :class:`~partnergraph.core.errors.PartnergraphError` for an unknown
    format.
    """
    import networkx as nx

    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown export format '{fmt}'", hint="use " + ", ".join(FORMATS))
    if fmt == "csv":
        return write_csv(g, output or DEFAULT_STEM, sel)
    path = Path(output) if output else Path(DEFAULT_STEM + EXTENSIONS[fmt])
    if fmt in ("graphml", "gexf"):
        graph = export_graph(g, sel)
        buf = io.BytesIO()
        if fmt == "graphml":
            write_graphml(graph, buf)
        else:
            add_viz(graph, g, sel)
            # GEXF edge ids must be unique: give each edge one, and keep its networkx key as an attribute
            # (networkx writes a "key" attribute as "networkx_key" and reads it back as the edge key)
            for i, (_, _, key, d) in enumerate(graph.edges(keys=True, data=True)):
                d["id"] = f"e{i}"
                d["key"] = key
            nx.write_gexf(graph, buf, encoding="utf-8")
        write_file(path, buf.getvalue())
        return [path]
    rdf = selected_rdf(g, sel)
    if fmt == "turtle":
        write_file(path, serialize(rdf).encode("utf-8"))
    else:
        write_file(path, jsonld_text(rdf).encode("utf-8"))
    return [path]


def csv_paths(output: str | Path) -> tuple[Path, Path]:
    """Where the node table and the edge list go for ``-o PATH`` (a directory when it exists as one or the
    name ends with ``/``).

    >>> [str(p) for p in csv_paths("out/graph.csv")]
    ['out/graph-nodes.csv', 'out/graph-edges.csv']
    """
    path = Path(output)
    if path.is_dir() or str(output).endswith(("/", "\\")):
        return path / "nodes.csv", path / "edges.csv"
    stem = path.name[:-4] if path.name.lower().endswith(".csv") else path.name
    return path.with_name(stem + "-nodes.csv"), path.with_name(stem + "-edges.csv")


def _csv_bytes(header: list[str], rows) -> bytes:
    return csv_text(header, ([r.get(h) for h in header] for r in rows)).encode("utf-8")


def write_csv(g, path: str | Path, sel: Selection | None = None) -> list[Path]:
    """A node table (``id, kind, label, …``) and an edge list (``source, target, key, kind, …``)."""
    graph = flat_graph(g, sel)
    nodes_path, edges_path = csv_paths(path)
    node_cols = sorted({k for _, d in graph.nodes(data=True) for k in d} - {"kind", "label"})
    edge_cols = sorted({k for _, _, d in graph.edges(data=True) for k in d} - {"kind"})
    node_rows = [{"id": n, **d} for n, d in graph.nodes(data=True)]
    edge_rows = [{"source": u, "target": v, "key": k, **d} for u, v, k, d in graph.edges(keys=True, data=True)]
    write_file(nodes_path, _csv_bytes(["id", "kind", "label", *node_cols], node_rows))
    write_file(edges_path, _csv_bytes(["source", "target", "key", "kind", *edge_cols], edge_rows))
    return [nodes_path, edges_path]


# --- RDF -----------------------------------------------------------------------------------------------------

def _data_quads(g):
    store = g.rdf
    if store is None or not hasattr(store, "quads_for_pattern"):
        raise PartnergraphError("RDF exports (turtle, jsonld) need the files, not a remote store",
                                hint="use --data DIR, or `partnergraph pull` the endpoint into files first")
    for q in store.quads_for_pattern(None, None, None, None):
        if getattr(q.graph_name, "value", None) != GRAPH_ONTOLOGY:
            yield q.subject, q.predicate, q.object


def selected_rdf(g, sel: Selection | None = None):
    """An rdflib ``Graph`` of the RDF behind the selection: the selected sources, claims, claim sets and pooled
    bases, the evidence links between them, and every blank node they reach (quotes, author lists, study
    counts). Blank nodes get labels from their content, so the same data gives the same graph."""
    import pyoxigraph as ox
    import rdflib


    sub = filtered_graph(g, sel)
    roots = {node_iri(n) for n, d in sub.nodes(data=True) if d["kind"] != "quality_cell"}
    roots |= {PGID + "evidence/" + d["evidence"] for _, _, d in sub.edges(data=True) if d["kind"] == "evidences"}
    by_subject: dict = {}
    for s, p, o in _data_quads(g):
        by_subject.setdefault(s, []).append((p, o))

    def key(term) -> str:
        return term.value if not isinstance(term, ox.Literal) else f'"{term.value}"{term.datatype}{term.language}'

    bnode_ids: dict = {}

    def bnode_id(b, stack=()) -> str:
        if b not in bnode_ids:
            if b in stack:
                return "cycle"
            parts = sorted(f"{p.value} {bnode_id(o, (*stack, b)) if isinstance(o, ox.BlankNode) else key(o)}"
                           for p, o in by_subject.get(b, ()))
            bnode_ids[b] = "b" + hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]
        return bnode_ids[b]

    def conv(term):
        if isinstance(term, ox.NamedNode):
            return rdflib.URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return rdflib.BNode(bnode_id(term))
        dt = term.datatype.value if term.datatype else None
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            dt = None
        return exact_literal(term.value, dt, term.language)  # the lexical form as the data writes it

    out = rdflib.Graph()
    for p, iri in PREFIXES.items():
        out.bind(p, iri, override=True, replace=True)
    todo: list = [s for s in by_subject if isinstance(s, ox.NamedNode) and s.value in roots]
    seen: set = set(todo)
    while todo:
        s = todo.pop()
        for p, o in by_subject.get(s, ()):
            out.add((conv(s), conv(p), conv(o)))
            if isinstance(o, ox.BlankNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return out


def jsonld_context() -> dict:
    """The ``@context``: the project prefixes (``pg:``, ``bibo:``, ``cito:`` …)."""
    return {"@context": dict(PREFIXES)}


def jsonld_text(rdf) -> str:
    """JSON-LD (compacted with :func:`jsonld_context`), keys and nodes sorted."""
    text = rdf.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
    doc = json.loads(text)
    if isinstance(doc.get("@graph"), list):
        doc["@graph"] = sorted(doc["@graph"], key=lambda n: json.dumps(n, sort_keys=True, ensure_ascii=False))
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
