"""The SHACL run reads only what the shapes can read: the predicates it works out (:mod:`partnergraph.checks.reads`)
bound every triple a query can match, and validating with the sources' triples built for them (the way
``validate`` runs) finds exactly what validating the complete store finds, in the same order."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
import test_validate
from conftest import DATA, TINY_BIB, TINY_TTL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph.checks import reads
from partnergraph.checks.reads import query_reads, shapes_read
from partnergraph.checks.shacl import run_shacl
from partnergraph.checks.validate import validate
from partnergraph.files.datadir import DataDir, shapes_texts
from partnergraph.store.embedded import DataStore, load_store

A, B, C = "http://a/p", "http://a/q", "http://a/r"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize("where, expected", [
    (f"?s <{A}> ?o", {A}),
    (f"$this a ?k . ?k <{B}> <{C}>", {TYPE, B}),
    (f"?s (<{A}>/<{B}>|^<{C}>*)? ?o", {A, B, C}),
    (f"?s <{A}> ?o OPTIONAL {{ ?o <{B}> [ <{C}> ?z ] }}", {A, B, C}),
    (f"?s <{A}> ?o FILTER NOT EXISTS {{ ?o <{B}> ?z }}", {A, B}),
    (f"?s <{A}> ?o FILTER EXISTS {{ ?o <{B}>/<{C}> ?z }}", {A, B, C}),
    (f"?s <{A}> ?o FILTER (?o != <{B}>)", {A}),
    ("?s ?p ?o", None),
    (f"?s !<{A}> ?o", None),
    (f"GRAPH ?g {{ ?s <{A}> ?o }}", None),
    (f"?s <{A}> ?o FILTER NOT EXISTS {{ ?o ?q ?z }}", None),
    (f"?s <{A}> ?o FILTER EXISTS {{ GRAPH ?g {{ ?o <{B}> ?z }} }}", None),
    (f"?s <{A}> ?o FILTER EXISTS {{ ?o ^<{B}> [ ?p 1 ] }}", None),
    (f"?s <{A}> ?o . {{ SELECT ?o WHERE {{ ?o ?q 1 }} }}", None),
    (f"?s <{A}> ?o BIND (EXISTS {{ ?o ?p 1 }} AS ?e)", None),
    (f"?s <{A}> ?o MINUS {{ ?o ?p 1 }}", None),
    (f"{{ ?s <{A}> ?o }} UNION {{ ?o ?p 1 }}", None),
    ("?s <http://a/p ?o", None),  # not SPARQL: not bounded
], ids=lambda x: x if isinstance(x, str) else None)
def test_what_a_query_reads(where, expected, monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_NO_CACHE", "1")
    got = query_reads(f"SELECT * WHERE {{ {where} }}")
    assert (None if got is None else set(got)) == expected


def test_what_a_query_reads_is_remembered_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(tmp_path))
    monkeypatch.delenv("PARTNERGRAPH_NO_CACHE", raising=False)
    q1, q2 = f"SELECT * WHERE {{ ?s <{A}> ?o }}", "SELECT * WHERE { ?s ?p ?o }"
    assert query_reads(q1) == {A} and query_reads(q2) is None
    assert sorted(json.loads((tmp_path / "sparql-reads.json").read_text()).values(), key=str) == [None, [A]]
    monkeypatch.setattr(reads, "_analysed", lambda text: pytest.fail("analysed again"))
    assert query_reads(q1) == {A} and query_reads(q2) is None
    (tmp_path / "sparql-reads.json").write_text("not json")  # a damaged entry is worked out again
    monkeypatch.undo()
    monkeypatch.setenv("PARTNERGRAPH_CACHE", str(tmp_path))
    assert query_reads(q1) == {A}


def _shapes(text: str) -> ox.Store:
    s = ox.Store()
    s.load(("@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + text).encode(), format=ox.RdfFormat.TURTLE)
    return s


def test_what_shapes_read(monkeypatch):
    monkeypatch.setenv("PARTNERGRAPH_NO_CACHE", "1")
    core = (f"<http://a/S> a sh:NodeShape ; sh:targetClass <http://a/C> ;"
            f" sh:property [ sh:path [ sh:inversePath <{A}> ] ; sh:maxCount 1 ] .")
    assert {A, TYPE} <= shapes_read(_shapes(core))
    sparql = (f'<http://a/S> a sh:NodeShape ;'
              f' sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this {{ ?this <{B}> 1 }}" ] .')
    assert B in shapes_read(_shapes(sparql))
    assert shapes_read(_shapes(sparql.replace(f"<{B}>", "?p"))) is None
    closed = core.replace("sh:maxCount 1", "sh:maxCount 1 ] ; sh:closed true ; sh:property [ sh:path <http://a/x>")
    assert shapes_read(_shapes(closed)) is None


def _pair(bib: str, ttl: str, extra_shapes: str = ""):
    """The SHACL results with the sources built for what the shapes read, and with the complete store."""
    shapes = shapes_texts() + ([extra_shapes] if extra_shapes else [])
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "sources.bib").write_text(bib, encoding="utf-8")
        (Path(tmp) / "claims.ttl").write_text(ttl, encoding="utf-8")
        d = DataDir.open(tmp)
        store, library = load_store(d, strict=False)
        assert store.sources_pending
        short = run_shacl(store.without_sources(), shapes, sources=library.sources)
        full_store, _ = load_store(d, strict=False)
        full = run_shacl(full_store.store, shapes)
    return short, full


KEY = st.sampled_from(["gray1989", "review2004", "smith2001", "smith2001", "jones:2003", "cl\u00e9ment"])
TEXT = st.sampled_from(["Plain", 'with "quotes"', "back\\\\slash", "two\nlines", "{Braced} words", "caf\u00e9"])


@st.composite
def sources_and_claims(draw) -> tuple[str, str]:
    entries = []
    for key in draw(st.lists(KEY, max_size=6)):
        fields = {"title": draw(TEXT)}
        for name, values in (("doi", ["10.1000/x1", "https://doi.org/10.1/y", "nope"]),
                             ("status", ["complete", "incomplete", "unidentified", "bogus"]),
                             ("author", ["Doe, Jane", "Gray, Barbara", "{Audit Commission}", "Doe, Jane and Roe, R."]),
                             ("journal", ["Journal of Care", "Policy \\& Politics"]),
                             ("citedin", ["review2004", "gray1989, smith2001"]), ("year", ["1999", "n.d."])):
            if draw(st.booleans()):
                fields[name] = draw(st.sampled_from(values))
        etype = draw(st.sampled_from(["article", "book", "misc", "techreport", "incollection"]))
        entries.append(f"@{etype}{{{key},\n" + ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items()) + "\n}\n")
    about = draw(st.lists(st.sampled_from([
        "source:review2004 a pg:Finding .", "source:gray1989 a pg:Finding, pg:Barrier .",
        'source:smith2001 rdfs:label "A label in the claims" .',
        "claim:shared-resources prov:wasDerivedFrom source:smith2001 .",
        "source:gray1989 pg:bibtexKey \"gray1989\" .", "claim:trust a pg:Driver ."]), max_size=3))
    return TINY_BIB + "\n" + "\n".join(entries), TINY_TTL + "\n" + "\n".join(about) + "\n"


#: SPARQL constraints that read the sources' own triples (the project's shapes read none but their types)
SOURCE_READING = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix pg: <https://w3id.org/partnergraph/ns#> .
<http://a/UntitledShape> a sh:NodeShape ; sh:targetClass pg:Claim ;
    sh:sparql [ sh:message "derived from a source without a title" ; sh:select \"\"\"
        SELECT $this ?value WHERE { $this <http://www.w3.org/ns/prov#wasDerivedFrom> ?value .
            FILTER NOT EXISTS { ?value <http://purl.org/dc/terms/title> ?t } }\"\"\" ] .
<http://a/DoeShape> a sh:NodeShape ; sh:targetSubjectsOf <http://purl.org/dc/terms/creator> ;
    sh:sparql [ sh:message "by Doe" ; sh:select \"\"\"
        SELECT $this ?value WHERE {
            $this <http://purl.org/dc/terms/creator>/<http://xmlns.com/foaf/0.1/familyName> ?value
            FILTER (?value = "Doe") }\"\"\" ] .
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=sources_and_claims(), more=st.booleans())
def test_the_sources_built_for_the_shapes_give_what_the_complete_store_gives(data, more):
    bib, ttl = data
    short, full = _pair(bib, ttl, SOURCE_READING if more else "")
    assert short == full


def test_shapes_that_read_everything_get_everything():
    """A SPARQL constraint with a variable predicate (and a target that counts every triple of a source) cannot be
    bounded: every source triple goes to the engine and into the store, and it still finds what it finds there."""
    extra = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://a/EverythingShape> a sh:NodeShape ; sh:targetSubjectsOf <https://w3id.org/partnergraph/ns#bibtexKey> ;
    sh:sparql [ sh:message "a source with a title" ;
                sh:select \"\"\"SELECT $this ?value WHERE {
                    $this ?p ?value FILTER (?p = <http://purl.org/dc/terms/title>) }\"\"\" ] .
<http://a/ClosedShape> a sh:NodeShape ; sh:targetSubjectsOf <https://w3id.org/partnergraph/ns#bibtexKey> ;
    sh:closed true ; sh:property [ sh:path <https://w3id.org/partnergraph/ns#bibtexKey> ] .
"""
    short, full = _pair(TINY_BIB, TINY_TTL, extra)
    assert short == full
    assert sum(r.shape == "http://a/EverythingShape" for r in short) == 3  # every source has a title
    assert sum(r.shape == "http://a/ClosedShape" for r in short) > 3


@pytest.fixture()
def no_shortcut(monkeypatch):
    """``validate`` as it ran before: the sources' triples all loaded into the store, the store given whole."""
    def off():
        monkeypatch.setattr(DataStore, "sources_pending", property(lambda self: False))
    return off


@pytest.mark.parametrize("bib, ttl, rule, severity", test_validate.CASES)
def test_every_bad_fixture_same_findings_with_and_without_the_shortcut(tmp_path, bib, ttl, rule, severity,
                                                                       no_shortcut):
    (tmp_path / "sources.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "claims.ttl").write_text(ttl, encoding="utf-8")
    short = validate(tmp_path)
    no_shortcut()
    assert short == validate(tmp_path)
    assert any(f.rule == rule for f in short)


def test_bundled_corpus_same_findings_with_and_without_the_shortcut(tmp_path, no_shortcut):
    shutil.copytree(DATA, tmp_path / "data")
    short = validate(tmp_path / "data")
    no_shortcut()
    assert len(short) > 100 and short == validate(tmp_path / "data")
