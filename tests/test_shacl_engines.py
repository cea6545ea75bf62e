"""The fast SHACL run (the ``shacl`` engine, SPARQL constraints in pyoxigraph) reports exactly what pySHACL, the
reference, reports: on every bad fixture, on the bundled corpus, and on data broken at random."""

from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox
import pytest
import test_validate
from conftest import DATA, TINY_BIB, TINY_TTL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph.checks.shacl import run_shacl
from partnergraph.checks.validate import validate
from partnergraph.files.datadir import DataDir, shapes_texts
from partnergraph.store.embedded import load_store


@pytest.fixture(scope="module", autouse=True)
def _reference_parses_each_query_once():
    """pySHACL hands rdflib the same SPARQL text once per focus node, and rdflib parses it every time: parse each
    text once (the answers are rdflib's own), or the bundled comparison takes a minute."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query

    @functools.lru_cache(maxsize=256)
    def translate(text, base, ns):
        return processor.translateQuery(processor.parseQuery(text), base, dict(ns))

    def query(self, q, initBindings=None, initNs=None, base=None, DEBUG=False):
        if isinstance(q, str):
            q = translate(q, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
        return original(self, q, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    yield
    processor.SPARQLProcessor.query = original


def both(d: Path):
    return ([finding_key(f) for f in validate(d, engine=e)] for e in ("fast", "reference"))


def finding_key(f) -> tuple:
    """A finding as both engines must give it (see :func:`comparable`)."""
    worded = not f.rule.endswith("Shape") or any(m in f.message for m in SHAPE_MESSAGES)
    return f.severity, f.rule, f.file, f.line, f.iri, f.message if worded else ""


@pytest.mark.parametrize("bib, ttl, rule, severity", test_validate.CASES)
def test_every_bad_fixture_same_findings(tmp_path, bib, ttl, rule, severity):
    (tmp_path / "sources.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "claims.ttl").write_text(ttl, encoding="utf-8")
    fast, reference = both(tmp_path)
    assert fast == reference
    assert any(f[1] == rule for f in fast)


def test_bundled_corpus_same_findings():
    fast, reference = both(DATA)
    assert len(fast) > 100  # the corpus has warnings (direct links without a locator): a real comparison
    assert fast == reference


def _store(triples: bytes) -> ox.Store:
    s = ox.Store()
    s.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x-test:g"))
    return s


@functools.cache
def _tiny_triples() -> tuple[bytes, ...]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
        (Path(tmp) / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
        store, _ = load_store(DataDir.open(tmp), strict=False)
        full = store.store
        lines = b"".join(full.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g) for g in full.named_graphs())
    return tuple(sorted(line + b"\n" for line in lines.splitlines() if line))


def _data_lines(lines: tuple[bytes, ...]) -> list[int]:
    """The triples of the data itself (not the vocabulary): the ones worth breaking."""
    return [i for i, line in enumerate(lines) if b"/partnergraph/id/" in line.split(b" ", 1)[0] or
            line.startswith(b"_:")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_randomly_broken_data_same_results(data):
    lines = list(_tiny_triples())
    candidates = _data_lines(tuple(lines))
    drop = data.draw(st.sets(st.sampled_from(candidates), max_size=4), label="drop")
    dup = data.draw(st.lists(st.sampled_from(candidates), max_size=2), label="duplicate with another value")
    extra = []
    for i in dup:  # a second value for a predicate: maxCount, sh:in, sh:class and the SPARQL constraints bite
        s, p, _o = lines[i].split(b" ", 2)
        extra.append(s + b" " + p + b' "another value" .\n')
    broken = b"".join(line for i, line in enumerate(lines) if i not in drop) + b"".join(extra)
    store = _store(broken)
    fast = sorted(map(comparable, run_shacl(store, shapes_texts(), engine="fast")))
    reference = sorted(map(comparable, run_shacl(store, shapes_texts(), engine="reference")))
    assert fast == reference


def comparable(r) -> tuple:
    """A result as both engines must give it; the message only where the shapes word it (pySHACL and the engine
    each word a missing sh:message their own way)."""
    return r.focus, r.severity, r.shape or "", r.component, r.path or "", r.message if r.shape and (
        r.message in SHAPE_MESSAGES) else ""


SHAPE_MESSAGES = set()
for _text in shapes_texts():
    _g = ox.Store()
    _g.load(_text.encode(), format=ox.RdfFormat.TURTLE)
    SHAPE_MESSAGES |= {q.object.value for q in _g.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/ns/shacl#message"), None)}
