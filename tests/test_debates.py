"""The other side, at the CLI: ``relations``, ``contested``, ``debates``, ``evidence`` and ``strength`` answer from
the claim relations of the data — every expected row is derived here from the RDF, not written down."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import TINY_BIB, TINY_TTL

from partnergraph.cli import main

PGNS = "https://w3id.org/partnergraph/ns#"
ID = "https://w3id.org/partnergraph/id/"
KIND = {PGNS + "Challenges": "challenges", PGNS + "Qualifies": "qualifies", PGNS + "SupportsClaim": "supports"}


def run(*args):
    return CliRunner().invoke(main, list(args))


def as_json(*args):
    r = run(*args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@pytest.fixture(scope="module")
def rdf_relations(bundled) -> list[dict]:
    return bundled.sparql("""
        SELECT ?r ?from ?to ?kind ?by ?exact ?reason ?debate WHERE {
            ?r a pg:ClaimRelation ; pg:fromClaim ?from ; pg:toClaim ?to ; pg:relationKind ?kind ;
               pg:assertedBy ?by .
            OPTIONAL { ?r pg:quote/oa:hasSelector/oa:exact ?exact } OPTIONAL { ?r pg:reason ?reason }
            OPTIONAL { ?r pg:debate ?debate } }""")


@pytest.fixture(scope="module")
def members(bundled) -> dict[str, set[str]]:
    """Claim set IRI → the claims in it, through sub-sets (as SPARQL sees it)."""
    out: dict[str, set[str]] = {}
    for r in bundled.sparql("SELECT ?s ?c WHERE { ?s a pg:ClaimSet ; skos:member+ ?c . "
                            "?c a ?k . ?k rdfs:subClassOf pg:Claim }"):
        out.setdefault(r["s"], set()).add(r["c"])
    return out


def reached(r: dict, members) -> set[str]:
    return members.get(r["to"], {r["to"]})


def asserter(r: dict) -> str:
    return "curators" if r["by"] == PGNS + "Curators" else local(r["by"])


def test_every_relation_is_a_relates_edge_to_every_claim_it_reaches(bundled, rdf_relations, members):
    G = bundled.nx
    edges = {(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if d["kind"] == "relates"}
    expected = {("claim:" + local(r["from"]), "claim:" + local(c), "relation:" + local(r["r"]))
                for r in rdf_relations for c in reached(r, members) if c != r["from"]}
    assert edges == expected
    for r in rdf_relations:
        c = sorted(reached(r, members))[0]
        d = G.edges["claim:" + local(r["from"]), "claim:" + local(c), "relation:" + local(r["r"])]
        assert (d["relation"], d["asserted_by"], d["quote"], d["reason"], d["debate"]) == (
            KIND[r["kind"]], asserter(r), r["exact"] or "", r["reason"] or "", local(r["debate"] or ""))
        assert d["via_set"] == ("set:" + local(r["to"]) if r["to"] in members else "")


def test_relations_lists_what_bears_on_a_claim_and_what_it_bears_on(rdf_relations, members):
    claim = ID + "claim/s000-ben-pooling-resources"
    rows = as_json("relations", "s000-ben-pooling-resources")
    got = {(x["direction"], x["relation_id"], x["other"], x["relation"], x["asserted_by"]) for x in rows}
    want = {("in", local(r["r"]), local(r["from"]), KIND[r["kind"]], asserter(r))
            for r in rdf_relations if claim in reached(r, members)}
    want |= {("out", local(r["r"]), ("set:" if r["to"] in members else "") + local(r["to"]), KIND[r["kind"]],
              asserter(r)) for r in rdf_relations if r["from"] == claim}
    assert want and got == want
    for x in rows:
        if x["asserted_by"] == "curators":
            assert x["reason"] and not x["quote"]
        else:
            assert x["quote"] and not x["reason"]


def test_a_relation_to_a_set_is_one_out_row(rdf_relations, members):
    rows = as_json("relations", "s000-arg-not-enough-known")
    out = [x for x in rows if x["direction"] == "out"]
    want = [r for r in rdf_relations if local(r["from"]) == "s000-arg-not-enough-known"]
    assert len(out) == len(want) and any(x["other"] == "set:s000-benefits-table-000" for x in out)


def test_contested_benefits_are_those_a_claim_or_evidence_contests(bundled, rdf_relations, members):
    rows = as_json("contested", "--kind", "benefit")
    benefits = {r["b"] for r in bundled.sparql("SELECT ?b WHERE { ?b a pg:Benefit }")}
    against = {}
    for r in rdf_relations:
        if KIND[r["kind"]] in ("challenges", "qualifies"):
            for c in reached(r, members) & benefits:
                against.setdefault(local(c), set()).add(local(r["from"]))
    disputed = {local(r["c"]) for r in bundled.sparql(
        "SELECT ?c WHERE { ?e pg:aboutClaim ?c ; pg:stance ?s . ?c a pg:Benefit "
        "FILTER(?s IN (pg:Disputes, pg:Qualifies)) }")}
    assert {x["claim"] for x in rows} == set(against) | disputed
    for x in rows:
        assert {c["by"] for c in x["challengers"] if not c["by"].startswith("evidence:")} == against.get(x["claim"],
                                                                                                        set())
        assert x["challenged"] + x["qualified"] == len(against.get(x["claim"], ()))
        assert set(x["by"]) == {s for c in x["challengers"] for s in c["sources"]}


def test_contested_names_who_contests_and_the_quote(bundled, rdf_relations):
    row = next(x for x in as_json("contested", "--kind", "benefit") if x["claim"] == "s000-ben-pooling-resources")
    kharicha = next(c for c in row["challengers"] if c["by"] == "s000-arg-not-enough-known")
    rel = next(r for r in rdf_relations if local(r["from"]) == "s000-arg-not-enough-known"
               and local(r["to"]) == "s000-benefits-table-000")
    assert kharicha["asserted_by"] == asserter(rel) and kharicha["quote"] == rel["exact"]
    assert "kharicha2004" in kharicha["sources"] and kharicha["via_set"] == "set:s000-benefits-table-000"
    curators = [c for c in row["challengers"] if c["asserted_by"] == "curators"]
    assert curators and all(c["reason"] for c in curators)


def test_contested_lists_claims_nothing_supports():
    rows = as_json("contested")
    assert [x for x in rows if x["supports"] == 0 and x["challengers"]]


def test_contested_csv_is_one_row_per_challenger():
    rows = as_json("contested")
    r = run("contested", "--format", "csv")
    flat = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(flat) == sum(len(x["challengers"]) for x in rows)
    assert {"claim", "how", "by", "sources", "asserted_by", "quote", "reason"} <= set(flat[0])


def test_contested_explain_prints_every_challenger_with_its_whole_quote(rdf_relations):
    r = run("contested", "--kind", "definition", "--explain", "--format", "table")
    assert r.exit_code == 0
    rows = as_json("contested", "--kind", "definition")
    for x in rows:
        assert r.stdout.count(f"{x['claim']}  [") == 1
        for c in x["challengers"]:
            assert f"{c['how']}: {c['by']}" in r.stdout
            assert (c["reason"] if c["asserted_by"] == "curators" else c["quote"]) in r.stdout


def test_debates_are_the_datas_with_their_sides_and_relations(bundled, rdf_relations):
    rows = as_json("debates")
    sides = {}
    for r in bundled.sparql("SELECT ?d ?l ?c WHERE { ?d a pg:Debate ; pg:side ?s . ?s rdfs:label ?l ; "
                            "pg:position ?c }"):
        sides.setdefault(local(r["d"]), {}).setdefault(r["l"], set()).add(local(r["c"]))
    assert {x["debate"] for x in rows} == set(sides)
    for x in rows:
        assert {s["label"]: {p["claim"] for p in s["positions"]} for s in x["sides"]} == sides[x["debate"]]
        assert x["relations"] == sum(1 for r in rdf_relations if local(r["debate"] or "") == x["debate"])
        assert x["reason"] and x["asserted_by"] == "curators"
    flat = list(csv.DictReader(io.StringIO(run("debates", "--format", "csv").stdout)))
    assert len(flat) == sum(len(v) for d in sides.values() for v in d.values())


def test_one_debate_and_an_unknown_one():
    rows = as_json("debates", "process-versus-outcome")
    assert [x["debate"] for x in rows] == ["process-versus-outcome"] and len(rows[0]["sides"]) == 2
    r = run("debates", "nonsense")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: no debate with id 'nonsense'") and "process-versus-outcome" in r.stderr


def test_evidence_shows_what_bears_on_the_claim_after_the_evidence():
    rows = as_json("relations", "s004a-def-equality")
    r = run("evidence", "s004a-def-equality", "--format", "table")
    assert r.exit_code == 0
    evidence_part, relations_part = r.stdout.split("Claims that bear on it", 1)
    assert "wr27peckham" in evidence_part
    for x in rows:
        assert x["other"] in relations_part
    assert "qualified by" in relations_part
    assert isinstance(as_json("evidence", "s004a-def-equality")[0]["evidence"], str), "json: evidence rows only"


# --- strength on a tiny corpus ---------------------------------------------------------------------------------

BIB = TINY_BIB + "".join(f"""
@article{{s{i},
  author = {{Author{i}, A.}},
  title = {{Study {i}}},
  journal = {{J}},
  year = {{200{i}}},
  status = {{complete}}
}}
""" for i in range(1, 4))

LINK = """
evidence:{id} a pg:EvidenceLink ;
    pg:aboutClaim claim:{claim} ;
    cito:hasCitingEntity source:review2004 ;
    cito:hasCitedEntity source:{src} ;
    pg:stance pg:{stance} ;
    pg:attribution pg:Direct ;
    pg:locator "p.1" .
"""
CLAIM = """
claim:{id} a pg:Finding ;
    rdfs:label "{label}" ;
    prov:wasDerivedFrom source:review2004 .
"""
RELATION = """
<https://w3id.org/partnergraph/id/relation/{id}> a pg:ClaimRelation ;
    pg:fromClaim claim:{frm} ;
    pg:toClaim claim:target ;
    pg:relationKind pg:{kind} ;
    pg:assertedBy pg:Curators ;
    pg:reason "the curators' reading" .
"""


def _strength_dir(tmp_path, challengers: int, disputing_work_claim: bool = False):
    ttl = TINY_TTL + CLAIM.format(id="target", label="a finding three studies support")
    ttl += "".join(LINK.format(id=f"t{i}", claim="target", src=f"s{i}", stance="Supports") for i in range(1, 4))
    for i in range(challengers):
        ttl += CLAIM.format(id=f"doubt{i}", label=f"doubt {i}")
        ttl += RELATION.format(id=f"r{i}", frm=f"doubt{i}", kind="Challenges")
    if disputing_work_claim:  # gray1989 disputes the target, and a claim resting only on gray1989 challenges it
        ttl += LINK.format(id="d1", claim="target", src="gray1989", stance="Disputes")
        ttl += CLAIM.format(id="gray-doubt", label="Gray doubts it")
        ttl += LINK.format(id="d2", claim="gray-doubt", src="gray1989", stance="Supports")
        ttl += RELATION.format(id="rg", frm="gray-doubt", kind="Challenges")
    (tmp_path / "sources.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "claims.ttl").write_text(ttl, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("challengers, rating", [
    pytest.param(0, "high", id="no-challenge"),
    pytest.param(1, "moderate", id="one-challenging-claim"),
    pytest.param(3, "low", id="as-many-challengers-as-supporting-links"),
])
def test_strength_counts_challenging_claims_in_coherence(tmp_path, challengers, rating):
    d = _strength_dir(tmp_path, challengers)
    rows = json.loads(run("strength", "target", "--data", str(d), "--format", "json").stdout)
    assert rows[0]["rating"] == rating and rows[0]["challenged"] == challengers
    r = run("strength", "target", "--explain", "--data", str(d), "--format", "table")
    assert (f"{challengers} challenging" in r.stdout) == bool(challengers)
    assert "claim that challenges or qualifies" in " ".join(r.stdout.split()), "the rule printed says so"


def test_strength_counts_a_disputing_work_once(tmp_path):
    d = _strength_dir(tmp_path, 0, disputing_work_claim=True)
    row = json.loads(run("strength", "target", "--data", str(d), "--format", "json").stdout)[0]
    assert (row["disputes"], row["challenged"]) == (1, 1)
    assert "1 resting only on a disputing or qualifying work already counted" in row["reasons"]
    assert row["rating"] == "moderate", "3 supporting links against 1 disputing work: one level down"


def test_a_relation_to_a_claim_that_does_not_exist_names_file_and_line(tmp_path):
    ttl = TINY_TTL + CLAIM.format(id="doubt", label="a doubt") + RELATION.format(id="r9", frm="doubt",
                                                                               kind="Challenges")
    ttl = ttl.replace("pg:toClaim claim:target", "pg:toClaim claim:ghost")
    (tmp_path / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (tmp_path / "claims.ttl").write_text(ttl, encoding="utf-8")
    r = run("stats", "--data", str(tmp_path))
    assert r.exit_code == 1
    line = next(i for i, t in enumerate(ttl.splitlines(), 1) if t.startswith("<https://w3id.org/partnergraph/id/"
                                                                              "relation/r9>"))
    assert r.stderr.startswith(f"Error: {tmp_path / 'claims.ttl'}:{line}: relation relation:r9 names a claim "
                               "'claim:ghost'")
