"""The benchmark machinery works at a tiny size: generated corpora are valid, the baseline answers the same
question as partnergraph, and the runner runs. No timings are asserted here (they are in benchmarks/RESULTS.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from generate import generate

    out = tmp_path_factory.mktemp("corpus")
    generate(300, out, seed=3)
    return out


def test_generated_corpus_validates(corpus):
    from partnergraph.checks.validate import validate

    errors = [f for f in validate(corpus, shacl=False) if f.severity == "error"]
    assert errors == []


def test_generated_corpus_has_the_bundled_proportions(corpus):
    import partnergraph as pg

    g = pg.load(corpus, cache=False)
    kinds = [d["kind"] for _, d in g.nx.nodes(data=True)]
    links = [d for *_, d in g.nx.edges(data=True) if d["kind"] == "evidences"]
    assert kinds.count("source") == 300
    claims = kinds.count("claim")
    assert claims == 30
    assert len(links) == round(claims * 629 / 580)
    assert any(d["attribution"] == "pooled" for d in links) and any(d["attribution"] == "direct" for d in links)
    assert kinds.count("pool") >= 1 and kinds.count("claim_set") >= 1
    benefits = [d for _, d in g.nx.nodes(data=True) if d.get("claim_kind") == "Benefit"]
    assert benefits and all(d["cells"] for d in benefits)


def test_generation_is_seeded(tmp_path):
    from generate import generate

    generate(50, tmp_path / "a", seed=5)
    generate(50, tmp_path / "b", seed=5)
    generate(50, tmp_path / "c", seed=6)
    same = [(tmp_path / x / "claims.ttl").read_bytes() for x in "abc"]
    assert same[0] == same[1] != same[2]


@pytest.mark.parametrize("size, n", [("1k", 1000), ("100k", 100_000), ("250", 250), ("1.5k", 1500)])
def test_sizes(size, n):
    from generate import parse_size

    assert parse_size(size) == n


@pytest.mark.parametrize("where", ["bundled", "generated"])
def test_graph_from_the_bibliography_equals_graph_from_the_rdf(where, corpus):
    """The load path builds source nodes from the parsed BibTeX; reading them back from the RDF (as a remote
    store does) must give the very same graph."""
    from partnergraph.files.datadir import DataDir
    from partnergraph.graph.build import build_graph
    from partnergraph.store.embedded import load_store

    st, _ = load_store(DataDir.open(ROOT / "data" if where == "bundled" else corpus))
    fast = build_graph(st)
    full = build_graph(st.store)
    assert list(fast.nodes(data=True)) == list(full.nodes(data=True))
    assert list(fast.edges(keys=True, data=True)) == list(full.edges(keys=True, data=True))


def test_baseline_answers_the_same_question(corpus):
    from baseline import run

    import partnergraph as pg

    rows = run(corpus, "efficiency", "output")
    ours = pg.load(corpus, cache=False).benefits(dimension="efficiency", level="output")
    assert {r["claim"].rsplit("/", 1)[-1] for r in rows} == {r.claim for r in ours}


def test_runner_runs(tmp_path):
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "200", "--runs", "1", "--no-map",
                          "--no-bib-add", "--work", str(tmp_path), "--results", str(tmp_path / "RESULTS.md")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "200: cold load + question" in out.stdout and "peak memory" in out.stdout
    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "<!-- results:start -->" in text and "| target |" in text


def test_runner_writes_results_only_when_asked(tmp_path):
    tracked = BENCH / "RESULTS.md"
    before = tracked.read_bytes()
    out = subprocess.run([sys.executable, str(BENCH / "run.py"), "--sizes", "200", "--runs", "1", "--no-map",
                          "--no-bib-add", "--work", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "| target |" in out.stdout and "printed only" in out.stdout
    assert tracked.read_bytes() == before


def test_shacl_engines_compare_on_the_tiny_data(tmp_path):
    """benchmarks/shacl_engines.py on the tiny fixture, one run: pySHACL's row and partnergraph's are there and
    agree; an optional engine that is not installed is a row that says so (CI installs none of them)."""
    from conftest import TINY_BIB, TINY_TTL

    d = tmp_path / "tiny"
    d.mkdir()
    (d / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (d / "claims.ttl").write_text(TINY_TTL.replace("pg:stance pg:Supports", "pg:stance pg:Maybe", 1),
                                  encoding="utf-8")
    out = subprocess.run([sys.executable, str(BENCH / "shacl_engines.py"), "--data", str(d), "--runs", "1",
                          "--no-cases", "--no-probe", "--work", str(tmp_path / "work")],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[1:-1]]
            for line in out.stdout.splitlines() if line.startswith("| ") and not line.startswith("| engine")}
    assert "pySHACL: 1 results" in out.stdout  # the broken stance: a violation to agree on
    assert rows["pyshacl"][2] == "ok" and rows["partnergraph run_shacl"][2] == "ok"
    assert rows["partnergraph run_shacl"][4:8] == [rows["pyshacl"][4], "yes", "0", "0"]
    for name in ("pyrudof", "pyshacl-turbo", "shacl-rust", "maplib"):
        assert name in rows  # installed or not, each engine is a row
