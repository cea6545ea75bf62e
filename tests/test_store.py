"""Loading a data directory: the cache, and what loading leaves untouched."""

from __future__ import annotations

import os
import time

import partnergraph as pg
from partnergraph.files.atomic import cache_dir
from partnergraph.files.datadir import DataDir


def test_second_load_comes_from_the_cache_and_is_faster(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(tmp_path / "cache"))
    t0 = time.perf_counter()
    cold = pg.load(tiny)
    t1 = time.perf_counter()
    warm = pg.load(tiny)
    t2 = time.perf_counter()
    digest = DataDir.open(tiny).digest()
    assert (cache_dir() / digest / "graph.pickle").exists()
    assert warm._store is None, "a warm load must not parse the RDF again"
    assert sorted(warm.nx.nodes(data=True)) == sorted(cold.nx.nodes(data=True))
    assert sorted(warm.nx.edges(keys=True, data=True)) == sorted(cold.nx.edges(keys=True, data=True))
    # the lazily loaded RDF has every triple of the cold load
    assert len(warm.rdf) == len(cold.rdf)
    print(f"cold {t1 - t0:.3f}s warm {t2 - t1:.3f}s")


def test_cache_is_keyed_by_content(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(tmp_path / "cache"))
    first = DataDir.open(tiny).digest()
    g = pg.load(tiny)
    assert g.nx.nodes["claim:trust"]["label"] == "Develop and maintain trust"
    ttl = tiny / "claims.ttl"
    ttl.write_text(ttl.read_text().replace("Develop and maintain trust", "Build trust"))
    assert DataDir.open(tiny).digest() != first
    assert pg.load(tiny).nx.nodes["claim:trust"]["label"] == "Build trust"


def test_damaged_cache_is_rebuilt(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(tmp_path / "cache"))
    pg.load(tiny)
    pickle_path = cache_dir() / DataDir.open(tiny).digest() / "graph.pickle"
    pickle_path.write_bytes(b"not a pickle")
    assert pg.load(tiny).nx.number_of_nodes() > 0


def test_unwritable_cache_only_costs_speed(tiny, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(blocker / "sub"))
    assert pg.load(tiny).nx.number_of_nodes() > 0


def test_files_go_to_named_graphs(tiny):
    g = pg.load(tiny, cache=False)
    graphs = {n.value.rsplit("/", 1)[-1] for n in g.rdf.named_graphs()}
    assert graphs == {"sources", "claims", "ontology"}


def test_cache_lives_outside_the_data_folder(tiny):
    assert not str(cache_dir()).startswith(str(tiny))
    pg.load(tiny)
    assert sorted(os.listdir(tiny)) == ["claims.ttl", "sources.bib"]
