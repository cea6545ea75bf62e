"""The researchers' questions (issue 4), answered over the bundled corpus and checked against ``g.nx`` itself.

Expected values are computed here straight from the networkx graph (edges and node attributes), never by
calling the function under test a second way.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections import Counter
from itertools import combinations

import pytest
from conftest import ROOT, TINY_BIB

import partnergraph as pg
from partnergraph.core.errors import AmbiguousError, PartnergraphError, UnknownKeyError
from partnergraph.core.namespaces import CELLS, CLAIM_KINDS
from partnergraph.outputs.formats import FORMATS, render
from partnergraph.questions import catalog as queries

# --- what the graph says, computed independently -------------------------------------------------------------


def ev_edges(G, claim=None):
    return [(u, v, d) for u, v, d in G.edges(data=True)
            if d["kind"] == "evidences" and (claim is None or v == claim)]


def members(G, pool):
    return {u for u, v, d in G.edges(data=True) if d["kind"] == "pooled_in" and v == pool}


def direct_sources(G, claim):
    return {u for u, _, _ in ev_edges(G, claim) if G.nodes[u]["kind"] == "source"}


def pooled_sources(G, claim):
    out = set()
    for u, _, _ in ev_edges(G, claim):
        if G.nodes[u]["kind"] == "pool":
            out |= members(G, u)
    return out


def claim_nodes(G, kinds=None):
    return {n for n, d in G.nodes(data=True) if d["kind"] == "claim" and (kinds is None or d["claim_kind"] in kinds)}


def bare(n):
    return n.split(":", 1)[1]


# --- claims and benefits -------------------------------------------------------------------------------------


def test_claims_cover_every_kind(bundled):
    G = bundled.nx
    rows = bundled.claims()
    assert Counter(r.kind for r in rows) == Counter(d["claim_kind"] for n, d in G.nodes(data=True)
                                                    if d["kind"] == "claim")
    assert len({r.claim for r in rows}) == len(rows)


def test_claim_rows_count_distinct_sources_and_stances(bundled):
    G = bundled.nx
    for r in bundled.claims():
        c = "claim:" + r.claim
        assert r.sources_direct == len(direct_sources(G, c)), r.claim
        assert r.sources_pooled == len(pooled_sources(G, c)), r.claim
        stances = Counter(d["stance"] for _, _, d in ev_edges(G, c))
        assert (r.supports, r.disputes, r.qualifies) == (stances["supports"], stances["disputes"],
                                                         stances["qualifies"])
        assert set(r.reviews) >= {d["citing"] for _, _, d in ev_edges(G, c)}
        assert set(r.cells) == {bare(v) for _, v, k in G.out_edges(c, keys=True) if k == "in_category"}


@pytest.mark.parametrize("kind", CLAIM_KINDS)
def test_claims_by_kind(bundled, kind):
    assert {r.claim for r in bundled.claims(kind)} == {bare(n) for n in claim_nodes(bundled.nx, {kind})}


def test_claims_kind_is_case_insensitive_and_checked(bundled):
    assert bundled.claims("barrier") == bundled.claims("Barrier")
    with pytest.raises(PartnergraphError, match="unknown claim kind 'Bogus'") as exc:
        bundled.claims("Bogus")
    assert "Benefit" in exc.value.hint


@pytest.mark.parametrize("fn,kinds", [("drivers", {"Driver"}), ("barriers", {"Barrier"}),
                                      ("factors", {"CriticalSuccessFactor", "Principle"})])
def test_convenience_kinds(bundled, fn, kinds):
    rows = getattr(bundled, fn)()
    assert rows and {r.claim for r in rows} == {bare(n) for n in claim_nodes(bundled.nx, kinds)}


@pytest.mark.parametrize("dimension", ["economy", "efficiency", "effectiveness", "equity", None])
@pytest.mark.parametrize("level", ["input", "output", "outcome", None])
def test_benefits_filter_by_cell(bundled, dimension, level):
    G = bundled.nx
    expected = set()
    for c, cell, k in G.edges(keys=True):
        if k != "in_category" or G.nodes[c]["claim_kind"] != "Benefit":
            continue
        cd = G.nodes[cell]
        if (dimension is None or cd["dimension"] == dimension) and (level is None or cd["level"] == level):
            expected.add(bare(c))
    assert {r.claim for r in bundled.benefits(dimension=dimension, level=level)} == expected


@pytest.mark.parametrize("kwargs,word", [
    pytest.param({"dimension": "eqity"}, "dimension", id="misspelt-dimension"),
    pytest.param({"dimension": "input"}, "dimension", id="level-as-dimension"),
    pytest.param({"level": "impact"}, "level", id="unknown-level"),
])
def test_benefits_bad_names_list_the_choices(bundled, kwargs, word):
    with pytest.raises(PartnergraphError, match=f"unknown {word}") as exc:
        bundled.benefits(**kwargs)
    assert "equity" in exc.value.hint or "outcome" in exc.value.hint


# --- finding claims and sources ------------------------------------------------------------------------------


def test_resolve_claim_by_id_both_forms(bundled):
    some = sorted(claim_nodes(bundled.nx))[7]
    assert bundled.resolve_claim(some) == some
    assert bundled.resolve_claim(bare(some)) == some


def test_resolve_claim_by_words(bundled):
    G = bundled.nx
    found = bundled.resolve_claim("delayed discharge")
    assert "delayed discharge" in G.nodes[found]["label"].lower()


def test_resolve_claim_exact_label(bundled):
    G = bundled.nx
    labels = Counter(d["label"].lower() for n, d in G.nodes(data=True) if d["kind"] == "claim")
    unique = next(n for n, d in sorted(G.nodes(data=True))
                  if d["kind"] == "claim" and labels[d["label"].lower()] == 1 and len(d["label"]) > 20)
    assert bundled.resolve_claim(G.nodes[unique]["label"].upper()) == unique


def test_resolve_claim_ambiguous_lists_candidates(bundled):
    G = bundled.nx
    with pytest.raises(AmbiguousError) as exc:
        bundled.resolve_claim("pooled budgets")
    listed = [line.split()[0] for line in exc.value.message.splitlines()[1:]]
    assert len(listed) >= 2
    for cid in listed:
        label = G.nodes["claim:" + cid]["label"].lower()
        assert "pooled" in label and "budgets" in label, cid
    assert "id" in exc.value.hint


@pytest.mark.parametrize("text", [
    pytest.param("zzqxv wibble", id="nonsense-words"),
    pytest.param("claim:no-such-claim-anywhere", id="unknown-id"),
    pytest.param("   ", id="blank"),
])
def test_resolve_claim_unknown(bundled, text):
    with pytest.raises(UnknownKeyError) as exc:
        bundled.resolve_claim(text)
    assert exc.value.hint


@pytest.mark.parametrize("text,key", [("kharicha2004", "kharicha2004"), ("source:gray1989", "gray1989"),
                                      ("Kharicha", "kharicha2004"), ("gray 1989", "gray1989")])
def test_resolve_source(bundled, text, key):
    assert bundled.resolve_source(text) == "source:" + key


def test_resolve_source_ambiguous_names_the_keys(bundled):
    G = bundled.nx
    glasbys = {d["key"] for _, d in G.nodes(data=True)
               if d["kind"] == "source" and any(a.startswith("Glasby") for a in d["authors"])}
    assert len(glasbys) > 1
    with pytest.raises(AmbiguousError) as exc:
        bundled.resolve_source("Glasby")
    listed = {line.split()[0] for line in exc.value.message.splitlines()[1:]}
    assert listed <= glasbys and len(listed) > 1


# --- evidence ------------------------------------------------------------------------------------------------


def test_evidence_rows_match_links(bundled):
    G = bundled.nx
    c = "claim:s004a-contract-not-partnership"
    rows = bundled.evidence(bare(c))
    links = ev_edges(G, c)
    assert len(rows) == len(links)
    by_ev = {d["evidence"]: (u, d) for u, _, d in links}
    for r in rows:
        u, d = by_ev[r.evidence]
        assert (r.source, r.stance, r.attribution, r.locator, r.quote, r.citing, r.via) == (
            bare(u), d["stance"], d["attribution"], d["locator"], d["quote"], d["citing"], d["via"])
        assert (r.citation, r.year, r.title, r.authors) == (G.nodes[u]["label"], G.nodes[u]["year"],
                                                            G.nodes[u]["title"], G.nodes[u]["authors"])
    assert "disputes" in {r.stance for r in rows}


def test_evidence_expand_lists_pool_members(bundled):
    G = bundled.nx
    c = next(v for u, v, d in ev_edges(G) if G.nodes[u]["kind"] == "pool")
    plain = bundled.evidence(c)
    expanded = bundled.evidence(c, expand=True)
    expected = Counter()
    for u, _, _ in ev_edges(G, c):
        for m in (members(G, u) if G.nodes[u]["kind"] == "pool" else {u}):
            expected[bare(m)] += 1
    assert Counter(r.source for r in expanded) == expected
    assert len(expanded) > len(plain)
    assert all(r.pool.startswith("pool:") for r in expanded if r.attribution == "pooled")
    assert any(r.source.startswith("pool:") for r in plain)


def test_evidence_by_words(bundled):
    rows = bundled.evidence("delayed discharge")
    assert rows and all(r.claim == "s000-ben-reducing-delayed-discharge" for r in rows)


def test_evidence_of_claim_without_links_is_empty(bundled):
    G = bundled.nx
    lonely = next(n for n in sorted(claim_nodes(G)) if not ev_edges(G, n))
    assert bundled.evidence(lonely) == []


# --- what a source evidences ---------------------------------------------------------------------------------


def test_source_claims_direct_and_pooled(bundled):
    G = bundled.nx
    s = "source:kharicha2004"
    rows = bundled.source_claims("Kharicha")
    direct = {bare(v) for u, v, d in ev_edges(G) if u == s}
    pools = {v for u, v, d in G.edges(data=True) if d["kind"] == "pooled_in" and u == s}
    pooled = {bare(v) for u, v, d in ev_edges(G) if u in pools}
    assert {r.claim for r in rows if not r.pool} == direct
    assert {r.claim for r in rows if r.pool} == pooled
    assert all(r.source == "kharicha2004" for r in rows)
    for r in rows:
        if not r.pool:
            d = G.edges[s, "claim:" + r.claim, "evidence:" + r.evidence]
            assert (r.stance, r.locator) == (d["stance"], d["locator"])


def test_source_claims_kind_filter(bundled):
    rows = bundled.source_claims("kharicha2004", kind="Benefit")
    assert rows and {r.kind for r in rows} == {"Benefit"}


# --- gaps ----------------------------------------------------------------------------------------------------


def test_gap_fields_are_the_documented_ones():
    assert [f.name for f in dataclasses.fields(queries.GapCell)] == [
        "dimension", "level", "benefits", "sources_direct", "sources_pooled", "sources_total", "direct_share",
        "gap", "claims"]


def test_gaps_match_the_graph(bundled):
    G = bundled.nx
    rows = bundled.gaps()
    assert [(r.dimension, r.level) for r in rows] == [(G.nodes["cell:" + c]["dimension"],
                                                        G.nodes["cell:" + c]["level"]) for c in CELLS]
    for cell, r in zip(CELLS, rows, strict=True):
        bens = {n for n, d in G.nodes(data=True) if d["kind"] == "claim" and d["claim_kind"] == "Benefit"
                and cell in d["cells"]}
        direct = set().union(*(direct_sources(G, b) for b in bens)) if bens else set()
        pooled = set().union(*(pooled_sources(G, b) for b in bens)) if bens else set()
        assert r.benefits == len(bens) and set(r.claims) == {bare(b) for b in bens}
        assert (r.sources_direct, r.sources_pooled, r.sources_total) == (len(direct), len(pooled),
                                                                         len(direct | pooled))
        assert r.gap == (not direct and not pooled)
        assert r.direct_share == (len(direct) / len(direct | pooled) if direct | pooled else 0.0)


def test_empty_cells_are_gaps(bundled):
    empty = [r for r in bundled.gaps() if r.benefits == 0]
    assert empty, "the bundled corpus has an empty cell (economy / outcome)"
    assert all(r.gap for r in empty)


def test_single_source(bundled):
    G = bundled.nx
    expected = {bare(c) for c in claim_nodes(G) if len(direct_sources(G, c) | pooled_sources(G, c)) == 1}
    assert expected and {r.claim for r in bundled.single_source()} == expected


def test_undirected(bundled):
    G = bundled.nx
    no_direct = {c for c in claim_nodes(G) if not direct_sources(G, c)}
    assert {r.claim for r in bundled.undirected()} == {bare(c) for c in no_direct}
    pooled_only = {bare(c) for c in no_direct if pooled_sources(G, c)}
    assert pooled_only and {r.claim for r in bundled.undirected(unevidenced=False)} == pooled_only


def test_contested(bundled):
    """A claim is contested when an evidence link disputes or qualifies it, or a claim challenges or qualifies
    it (an edge of the relation, one per claim of a target set); supported or not."""
    G = bundled.nx
    expected = set()
    for c in claim_nodes(G):
        st = {d["stance"] for _, _, d in ev_edges(G, c)}
        against = {d["relation"] for _, _, d in G.in_edges(c, data=True) if d["kind"] == "relates"}
        if st & {"disputes", "qualifies"} or against & {"challenges", "qualifies"}:
            expected.add(bare(c))
    rows = bundled.contested()
    assert expected and {r.claim for r in rows} == expected
    assert all(G.nodes["claim:" + r.claim]["contested"] for r in rows)
    assert sum(d["contested"] for _, d in G.nodes(data=True) if d["kind"] == "claim") == len(rows)


# --- strength ------------------------------------------------------------------------------------------------

STRENGTH_BIB = TINY_BIB + "".join(f"""
@article{{s{i},
  author = {{Author{i}, A.}},
  title = {{Study {i}}},
  journal = {{J}},
  year = {{2000}},
  status = {{complete}}{etype}
}}
""" for i, etype in enumerate(["", "", "", ",\n  evidencetype = {expert opinion}", ""]))

TTL_HEAD = """@prefix pg: <https://w3id.org/partnergraph/ns#> .
@prefix source: <https://w3id.org/partnergraph/id/source/> .
@prefix claim: <https://w3id.org/partnergraph/id/claim/> .
@prefix evidence: <https://w3id.org/partnergraph/id/evidence/> .
@prefix pool: <https://w3id.org/partnergraph/id/pool/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

claim:c a pg:Driver ; rdfs:label "A claim" ; prov:wasDerivedFrom source:review2004 .
pool:p a pg:PooledEvidenceBase ; rdfs:label "A pool" ; dcterms:source source:review2004 ;
    prov:hadMember source:s0, source:s1, source:s2 .
pool:q a pg:PooledEvidenceBase ; rdfs:label "A pool of one" ; dcterms:source source:review2004 ;
    prov:hadMember source:s0 .
"""


def _link(i, cited, stance="Supports", attribution="Direct"):
    return (f"evidence:l{i} a pg:EvidenceLink ; pg:aboutClaim claim:c ; cito:hasCitingEntity source:review2004 ;"
            f" cito:hasCitedEntity {cited} ; pg:stance pg:{stance} ; pg:attribution pg:{attribution} .\n")


@pytest.mark.parametrize("links,rating", [
    pytest.param([], "very low", id="no-evidence"),
    pytest.param([("source:s0",)], "low", id="one-direct"),
    pytest.param([("source:s0",), ("source:s1",)], "moderate", id="two-direct"),
    pytest.param([("source:s0",), ("source:s1",), ("source:s2",)], "high", id="three-direct"),
    pytest.param([("source:s0",), ("source:s0",)], "low", id="same-source-twice-counts-once"),
    pytest.param([("pool:p", "Supports", "Pooled")], "low", id="pooled-only"),
    pytest.param([("source:s0",), ("pool:q", "Supports", "Pooled")], "low", id="pool-adds-nothing-new"),
    pytest.param([("source:s4",), ("pool:p", "Supports", "Pooled")], "moderate", id="direct-plus-new-pool"),
    pytest.param([("source:s0",), ("source:s1",), ("source:s2",), ("source:s4", "Disputes")], "moderate",
                 id="one-dispute"),
    pytest.param([("source:s0",), ("source:s1",), ("source:s2", "Qualifies")], "moderate", id="one-qualifies"),
    pytest.param([("source:s0",), ("source:s1", "Qualifies"), ("source:s2", "Qualifies")], "low",
                 id="qualified-as-often-as-supported"),
    pytest.param([("source:s0",), ("source:s1",), ("source:s2", "Disputes")], "low",
                 id="disputing-source-is-no-support"),
    pytest.param([("source:s3",)], "very low", id="one-expert-opinion"),
    pytest.param([("source:s0",), ("source:s1", "Disputes")], "very low", id="floor"),
])
def test_strength_rule_cases(tmp_path, links, rating):
    d = tmp_path / "d"
    d.mkdir()
    (d / "sources.bib").write_text(STRENGTH_BIB, encoding="utf-8")
    ttl = TTL_HEAD + "".join(_link(i, *args) for i, args in enumerate(links))
    (d / "claims.ttl").write_text(ttl, encoding="utf-8")
    g = pg.load(d, cache=False)
    row = g.strength("c")[0]
    assert row.rating == rating, row.reasons
    assert "relevance: not assessed" in row.reasons or rating == "very low"


def test_strength_covers_every_claim_and_follows_the_rule(bundled):
    G = bundled.nx
    rows = bundled.strength()
    assert {r.claim for r in rows} == {bare(c) for c in claim_nodes(G)}
    for r in rows:
        c = "claim:" + r.claim
        links = ev_edges(G, c)
        if not links:
            assert r.rating == "very low"
        direct, pooled = direct_sources(G, c), pooled_sources(G, c)
        if len(direct) >= 3 and all(d["stance"] == "supports" for _, _, d in links) and not r.evidence_types \
                and not (r.challenged or r.qualified):
            assert r.rating == "high", r
        if r.challenged or r.qualified:
            assert r.rating != "high", r
        if any(d["stance"] == "disputes" for _, _, d in links):
            assert r.rating != "high"
        assert (r.sources_direct, r.sources_pooled) == (len(direct), len(pooled))


def test_strength_rule_is_written_down():
    rule = queries.strength_rule()
    for component in ("Adequacy", "Coherence", "Methodological limitations", "Relevance", "GRADE-CERQual"):
        assert component in rule
    assert "not assessed" in rule or "cannot be assessed" in rule
    doc = (ROOT / "docs" / "strength.md").read_text(encoding="utf-8")
    assert " ".join(rule.split()) in " ".join(doc.split()), "docs/strength.md must carry the rule verbatim"


# --- search, related, cocited --------------------------------------------------------------------------------


def test_search_finds_exact_label_first(bundled):
    G = bundled.nx
    target = "claim:s000-ben-reducing-delayed-discharge"
    rows = bundled.search(G.nodes[target]["label"])
    assert rows[0].id == target and rows[0].score == 100
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert len({r.id for r in rows}) == len(rows)


def test_search_reaches_source_titles_and_quotes(bundled):
    G = bundled.nx
    title = G.nodes["source:kharicha2004"]["title"]
    assert "source:kharicha2004" in {r.id for r in bundled.search(title[:60])}
    _, v, d = next((u, v, d) for u, v, d in sorted(ev_edges(G), key=lambda x: x[2]["evidence"])
                   if len(d["quote"]) > 80)
    hits = bundled.search(d["quote"])
    assert v in {r.id for r in hits}


def test_search_nothing(bundled):
    assert bundled.search("") == []
    assert bundled.search("qqqqzzzzxxxx") == []


def test_related(bundled):
    G = bundled.nx
    a, b = next((a, b) for a, b, k in G.edges(keys=True) if k == "addresses")
    rows = bundled.related(a)
    assert ("addresses", bare(b)) in {(r.relation, r.claim) for r in rows}
    assert ("addressed by", bare(a)) in {(r.relation, r.claim) for r in bundled.related(b)}
    c = "claim:s004a-def-trust"
    rows = bundled.related(c)
    sets = {s for _, s, k in G.out_edges(c, keys=True) if k == "member_of"}
    sibs = {bare(m) for m, s, k in G.edges(keys=True) if k == "member_of" and s in sets and m != c}
    assert {r.claim for r in rows if r.relation == "same set"} == sibs
    srcs = direct_sources(G, c)
    sharing = {bare(v) for u, v, _ in ev_edges(G) if u in srcs and v != c}
    assert {r.claim for r in rows if r.relation == "shares sources"} == sharing
    for r in rows:
        if r.relation == "shares sources":
            assert set(r.via) == {bare(s) for s in srcs & direct_sources(G, "claim:" + r.claim)}


def test_cocited(bundled):
    G = bundled.nx
    pairs = Counter()
    for c in claim_nodes(G):
        for a, b in combinations(sorted(direct_sources(G, c)), 2):
            pairs[(bare(a), bare(b))] += 1
    rows = bundled.cocited()
    assert {(r.source_a, r.source_b): r.shared for r in rows} == dict(pairs)
    assert rows[0].shared == max(pairs.values())
    top = rows[0]
    claims_a = {bare(v) for u, v, _ in ev_edges(G) if u == "source:" + top.source_a}
    claims_b = {bare(v) for u, v, _ in ev_edges(G) if u == "source:" + top.source_b}
    assert set(top.claims) == claims_a & claims_b
    assert len(bundled.cocited(pooled=True)) > len(rows)
    assert all(r.shared >= 3 for r in bundled.cocited(min_shared=3))


# --- shape of the API ----------------------------------------------------------------------------------------


def test_every_public_function_is_a_method(bundled):
    for name in queries.__all__:
        assert callable(getattr(bundled, name)), name
    assert bundled.strength_rule() == queries.strength_rule()
    assert bundled.gaps() == queries.gaps(bundled)


@pytest.mark.parametrize("call", [
    lambda g: g.benefits(), lambda g: g.claims("Driver"), lambda g: g.evidence("delayed discharge", expand=True),
    lambda g: g.source_claims("Kharicha"), lambda g: g.gaps(), lambda g: g.strength(kind="Principle"),
    lambda g: g.search("trust"), lambda g: g.related("s004a-def-trust"), lambda g: g.cocited(limit=5),
], ids=["benefits", "claims", "evidence", "source_claims", "gaps", "strength", "search", "related", "cocited"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_rows_render_in_every_format(bundled, call, fmt):
    rows = call(bundled)
    assert rows and all(dataclasses.is_dataclass(r) for r in rows)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(rows[0], dataclasses.fields(rows[0])[0].name, "x")
    text = render(rows, fmt)
    if fmt == "json":
        assert [set(d) for d in json.loads(text)] == [{f.name for f in dataclasses.fields(r)} for r in rows]
    elif fmt == "ndjson":
        assert len(text.splitlines()) == len(rows)
    else:
        assert dataclasses.fields(rows[0])[0].name in text.splitlines()[0]


def test_queries_import_is_light():
    code = ("import sys, partnergraph.questions.catalog, partnergraph.cli.research; "
            "print(sorted(m for m in ('rapidfuzz', 'matplotlib', 'pyvis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
