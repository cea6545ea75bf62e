"""The networkx projection agrees with the RDF it is built from."""

from __future__ import annotations

from partnergraph.graph.build import node_iri, node_name


def count(g, query: str) -> int:
    return int(g.sparql(query)[0]["n"])


def test_node_names_round_trip():
    for name in ("source:gray1989", "claim:x-y", "set:a", "pool:p", "cell:EfficiencyOutput"):
        assert node_name(node_iri(name)) == name


def test_every_evidence_link_is_one_edge(bundled):
    edges = [d for *_, d in bundled.nx.edges(data=True) if d["kind"] == "evidences"]
    assert len(edges) == count(bundled, "SELECT (COUNT(?e) AS ?n) WHERE { ?e a pg:EvidenceLink }")
    pooled = count(bundled, "SELECT (COUNT(?e) AS ?n) WHERE { ?e pg:attribution pg:Pooled }")
    assert sum(d["attribution"] == "pooled" for d in edges) == pooled


def test_claims_sources_and_cells(bundled):
    nx = bundled.nx
    claims = [n for n, d in nx.nodes(data=True) if d["kind"] == "claim"]
    assert len(claims) == count(bundled, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?k . "
                                         "?k rdfs:subClassOf pg:Claim }")
    sources = [n for n, d in nx.nodes(data=True) if d["kind"] == "source"]
    assert len(sources) == count(bundled, "SELECT (COUNT(?s) AS ?n) WHERE { ?s pg:bibtexKey ?k }")
    in_cat = sum(1 for *_, k in nx.edges(data="kind") if k == "in_category")
    assert in_cat == count(bundled, "SELECT (COUNT(*) AS ?n) WHERE { ?c pg:qualityCategory ?cell }")
    assert sum(1 for _, d in nx.nodes(data=True) if d["kind"] == "quality_cell") == 12


def test_ordered_sets_keep_their_positions(tiny):
    import partnergraph as pg

    ttl = tiny / "claims.ttl"
    ttl.write_text(ttl.read_text() + "\nclaim:trust pg:position 2 .\n", encoding="utf-8")
    g = pg.load(tiny)
    (edge,) = [d for u, v, d in g.nx.edges(data=True) if d["kind"] == "member_of"]
    assert edge["position"] == 2


def test_citation_display(bundled):
    d = bundled.nx.nodes["source:gray1989"]
    assert d["label"].startswith("Gray") and d["year"] == "1989"
    assert d["authors"][0].startswith("Gray")
