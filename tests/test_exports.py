"""Exports (issue 5): GraphML and GEXF read back by networkx with nodes, edges and attributes intact; Turtle
sorted and stable; JSON-LD with a context; CSV as a node table and an edge list; the map's filters apply."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
import rdflib
import rdflib.compare
from click.testing import CliRunner
from conftest import DATA

import partnergraph as pg
from partnergraph.cli import main
from partnergraph.core.errors import PartnergraphError
from partnergraph.core.namespaces import PG
from partnergraph.outputs.exports import csv_paths, export, export_graph, flat_value, selected_rdf
from partnergraph.outputs.filters import Selection


def edge_set(g):
    return {(u, v, k) for u, v, k in g.edges(keys=True)}


def test_graphml_round_trip_keeps_nodes_edges_and_attributes(bundled, tmp_path):
    path = export(bundled, "graphml", tmp_path / "g.graphml")[0]
    back = nx.read_graphml(path, force_multigraph=True)
    want = export_graph(bundled)
    assert set(back.nodes) == set(bundled.nx.nodes)
    by_key = {(u, v, d["edge_key"]): d for u, v, d in back.edges(data=True)}
    assert set(by_key) == edge_set(bundled.nx)
    for n, d in want.nodes(data=True):
        assert back.nodes[n] == d, n
    for u, v, k, d in want.edges(keys=True, data=True):
        got = {x: y for x, y in by_key[u, v, k].items() if x != "edge_key"}
        assert got == d, (u, v, k)


def test_graphml_edge_ids_are_unique_and_each_attribute_declared_once(bundled, tmp_path):
    import xml.etree.ElementTree as ET

    path = export(bundled, "graphml", tmp_path / "g.graphml")[0]
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(path).getroot()
    ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(ids) == len(set(ids)) == bundled.nx.number_of_edges()
    keys = root.findall("g:key", ns)
    key_ids = [k.get("id") for k in keys]
    declared = [(k.get("for"), k.get("attr.name")) for k in keys]
    assert len(key_ids) == len(set(key_ids)) and len(declared) == len(set(declared))
    assert ("node", "kind") in declared and ("edge", "kind") in declared


def test_graphml_is_read_by_igraph_too(bundled, tmp_path):
    import igraph  # in the test extra
    path = export(bundled, "graphml", tmp_path / "g.graphml")[0]
    back = igraph.Graph.Read_GraphML(str(path))
    assert back.vcount() == bundled.nx.number_of_nodes() and back.ecount() == bundled.nx.number_of_edges()
    kinds = {}
    for e in back.es:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    want = {}
    for *_, d in bundled.nx.edges(data=True):
        want[d["kind"]] = want.get(d["kind"], 0) + 1
    assert kinds == want
    ids = {v["id"]: v for v in back.vs}
    assert ids["source:gray1989"]["label"] == bundled.nx.nodes["source:gray1989"]["label"]


def test_gexf_carries_the_maps_colour_size_and_position(bundled, tmp_path):
    from partnergraph.outputs.maps import map_spec

    path = export(bundled, "gexf", tmp_path / "g.gexf")[0]
    text = path.read_text(encoding="utf-8")
    assert "viz:color" in text and "viz:size" in text and "viz:position" in text
    back = nx.read_gexf(path)
    spec = {n["id"]: n for n in map_spec(bundled).nodes}
    node = next(n for n in spec if n.startswith("claim:"))
    viz = back.nodes[node]["viz"]
    want = spec[node]["color"]["background"].lstrip("#")
    assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == tuple(int(want[i:i + 2], 16) for i in (0, 2, 4))
    assert viz["size"] == pytest.approx(spec[node]["size"])
    assert viz["position"]["x"] == pytest.approx(spec[node]["x"])
    assert all("viz" in d for _, d in back.nodes(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_never_break_the_xml(tiny, tmp_path, fmt):
    import xml.dom.minidom

    # the data refuses control characters at input (tests/test_integrity.py); a graph built through the API
    # may still hold them, and the XML stays well-formed
    g = pg.load(tiny)
    g.nx.nodes["claim:trust"]["label"] = "Develop\x07 and\x1b maintain trust"
    path = export(g, fmt, tmp_path / f"g.{fmt}")[0]
    xml.dom.minidom.parse(str(path))  # well-formed
    assert "Develop and maintain trust" in path.read_text(encoding="utf-8")


def test_graphml_flattens_tuples_and_drops_none(bundled):
    G = bundled.nx
    src = next(n for n, d in G.nodes(data=True) if d["kind"] == "source" and len(d["authors"]) > 1)
    flat = export_graph(bundled)
    assert flat.nodes[src]["authors"] == "; ".join(G.nodes[src]["authors"])
    assert all(v is not None for _, d in flat.nodes(data=True) for v in d.values())
    assert flat_value(None) is None and flat_value(({"count": 2},)) == '[{"count": 2}]'


def test_gexf_round_trip(bundled, tmp_path):
    path = export(bundled, "gexf", tmp_path / "g.gexf")[0]
    back = nx.read_gexf(path)
    want = export_graph(bundled)
    assert set(back.nodes) == set(want.nodes)
    assert edge_set(back) == edge_set(want)
    for n, d in want.nodes(data=True):
        got = dict(back.nodes[n])
        if "networkx_key" in got:  # networkx's GEXF writer renames a node attribute called "key"
            got["key"] = got.pop("networkx_key")
        got.pop("viz", None)
        assert got == d, n
    ids = [d["id"] for *_, d in back.edges(keys=True, data=True)]
    assert len(ids) == len(set(ids)), "GEXF edge ids are unique"
    for u, v, k, d in want.edges(keys=True, data=True):
        got = {x: y for x, y in back.edges[u, v, k].items() if x != "id"}
        assert got == d


def test_turtle_is_sorted_and_stable(bundled, tmp_path):
    a = export(bundled, "turtle", tmp_path / "a.ttl")[0].read_bytes()
    fresh = pg.load(DATA, cache=False)  # new blank node ids in the store
    b = export(fresh, "turtle", tmp_path / "b.ttl")[0].read_bytes()
    assert a == b
    subjects = [line.split()[0] for line in a.decode().splitlines() if line and not line[0].isspace()
                and not line.startswith("@prefix")]
    assert subjects, "subjects are written"


def test_turtle_holds_every_evidence_link_and_claim(bundled, tmp_path):
    text = export(bundled, "turtle", tmp_path / "a.ttl")[0].read_text(encoding="utf-8")
    rdf = rdflib.Graph().parse(data=text, format="turtle")
    links = set(rdf.subjects(rdflib.RDF.type, rdflib.URIRef(PG + "EvidenceLink")))
    n_links = sum(1 for *_, k in bundled.nx.edges(keys=True) if k.startswith("evidence:"))
    assert len(links) == n_links
    labelled = {str(s) for s in rdf.subjects(rdflib.RDFS.label, None)}
    n_claims = sum(1 for _, d in bundled.nx.nodes(data=True) if d["kind"] == "claim")
    assert sum("/id/claim/" in s for s in labelled) == n_claims


def test_turtle_export_of_a_filter_holds_only_its_claims(bundled, tmp_path):
    sel = Selection(kinds=("Barrier",))
    text = export(bundled, "turtle", tmp_path / "b.ttl", sel)[0].read_text(encoding="utf-8")
    rdf = rdflib.Graph().parse(data=text, format="turtle")
    typed = {str(o).rsplit("#", 1)[-1] for s, o in rdf.subject_objects(rdflib.RDF.type) if "/id/claim/" in str(s)}
    assert typed == {"Barrier"}


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_jsonld_has_a_context_and_the_same_triples(bundled, tmp_path):
    sel = Selection(kinds=("Benefit",))
    path = export(bundled, "jsonld", tmp_path / "g.jsonld", sel)[0]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["@context"]["pg"] == PG
    back = rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format="json-ld")
    assert rdflib.compare.isomorphic(back, selected_rdf(bundled, sel))


def test_csv_node_table_and_edge_list(bundled, tmp_path):
    nodes_path, edges_path = export(bundled, "csv", tmp_path / "graph.csv")
    assert nodes_path.name == "graph-nodes.csv" and edges_path.name == "graph-edges.csv"
    with nodes_path.open(encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with edges_path.open(encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert {r["id"] for r in nodes} == set(bundled.nx.nodes)
    assert {(r["source"], r["target"], r["key"]) for r in edges} == edge_set(bundled.nx)
    first = next(r for r in edges if r["kind"] == "evidences")
    assert first["stance"] == bundled.nx.edges[first["source"], first["target"], first["key"]]["stance"]


def test_csv_into_a_directory(tmp_path):
    r = CliRunner().invoke(main, ["export", "--to", "csv", "-o", str(tmp_path / "out") + "/", "--kind", "Barrier"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["edges.csv", "nodes.csv"]
    assert csv_paths(tmp_path / "out") == (tmp_path / "out" / "nodes.csv", tmp_path / "out" / "edges.csv")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "jsonld", "turtle"])
def test_export_command_writes_the_default_file(fmt, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["export", "--to", fmt, "--dimension", "equity"])
    assert r.exit_code == 0, r.output
    written = [p for p in (tmp_path / "partnergraph-output").iterdir() if p.name != ".gitignore"]
    assert len(written) == 1 and written[0].name.startswith("evidence-graph.") and written[0].stat().st_size > 0


def test_filters_apply_to_graph_exports(bundled, tmp_path):
    path = export(bundled, "graphml", tmp_path / "e.graphml", Selection(dimensions=("equity",)))[0]
    back = nx.read_graphml(path, force_multigraph=True)
    claims = [d for _, d in back.nodes(data=True) if d["kind"] == "claim"]
    assert claims and all("Equity" in d["cells"] for d in claims)


@pytest.mark.parametrize("args, code", [
    pytest.param(["export", "--to", "pdf"], 2, id="unknown-format"),
    pytest.param(["export"], 2, id="no-format"),
    pytest.param(["export", "--to", "csv", "--source", "nosuchkey"], 1, id="unknown-source"),
])
def test_bad_exports_are_refused(args, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, args)
    assert r.exit_code == code
    assert not list(tmp_path.iterdir())


def test_unknown_format_in_the_api(bundled, tmp_path):
    with pytest.raises(PartnergraphError, match="unknown export format"):
        export(bundled, "xlsx", tmp_path / "x.xlsx")
