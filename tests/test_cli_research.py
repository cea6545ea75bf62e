"""The researchers' commands as a user runs them (issue 4): answers checked against ``g.nx``, every format, and
the error paths (unknown claim, ambiguous words, bad dimension)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.outputs.formats import FORMATS
from partnergraph.questions import catalog as queries


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def bare(n):
    return n.split(":", 1)[1]


def ev_edges(G):
    return [(u, v, d) for u, v, d in G.edges(data=True) if d["kind"] == "evidences"]


# every listing command, with arguments that give rows on the bundled corpus
COMMANDS = {
    "benefits": ["benefits", "--dimension", "effectiveness"],
    "claims": ["claims", "--kind", "Principle"],
    "claims-source": ["claims", "--source", "Kharicha"],
    "drivers": ["drivers"],
    "barriers": ["barriers"],
    "factors": ["factors"],
    "evidence": ["evidence", "s004a-contract-not-partnership"],
    "gaps": ["gaps"],
    "single-source": ["single-source"],
    "undirected": ["undirected", "--pooled-only"],
    "contested": ["contested"],
    "contested-summary": ["contested", "--summary"],
    "debates": ["debates"],
    "relations": ["relations", "s004a-contract-not-partnership"],
    "strength": ["strength", "--kind", "Principle"],
    "search": ["search", "trust"],
    "related": ["related", "s004a-def-trust"],
    "cocited": ["cocited", "--limit", "5"],
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COMMANDS)
def test_every_listing_command_in_every_format(name, fmt):
    r = run(*COMMANDS[name], "--format", fmt)
    assert r.exit_code == 0, r.output
    out = r.stdout
    if fmt == "json":
        rows = json.loads(out)
        assert rows and all(isinstance(x, dict) for x in rows)
        assert len({tuple(sorted(x)) for x in rows}) == 1, "stable keys on every row"
    elif fmt == "ndjson":
        assert all(json.loads(line) for line in out.splitlines())
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows
    elif fmt == "markdown":
        assert out.startswith("| ") and "|---|" in out
    else:
        lines = out.splitlines()
        assert set(lines[1].replace(" ", "")) == {"-"} and len(lines) > 2


@pytest.mark.parametrize("name", sorted({c[0] for c in COMMANDS.values()}))
def test_help(name):
    r = run(name, "--help")
    assert r.exit_code == 0 and "--format" in r.output and "--data" in r.output


def test_json_is_the_default_when_piped():
    assert isinstance(json.loads(run("drivers").stdout), list)


# --- answers -------------------------------------------------------------------------------------------------


def test_benefits_by_dimension_and_level(bundled):
    G = bundled.nx
    rows = as_json(run("benefits", "--dimension", "Equity", "--level", "input", "--format", "json"))
    expected = {bare(c) for c, cell, k in G.edges(keys=True)
                if k == "in_category" and G.nodes[cell]["dimension"] == "equity" and G.nodes[cell]["level"] == "input"}
    assert {r["claim"] for r in rows} == expected
    assert list(rows[0]) == ["claim", "kind", "label", "cells", "sources_direct", "sources_pooled", "supports",
                             "disputes", "qualifies", "reviews"]


@pytest.mark.parametrize("kind", ["Barrier", "finding", "PolicyInitiative"])
def test_claims_kind(bundled, kind):
    rows = as_json(run("claims", "--kind", kind, "--format", "json"))
    expected = {bare(n) for n, d in bundled.nx.nodes(data=True)
                if d["kind"] == "claim" and d["claim_kind"].lower() == kind.lower()}
    assert {r["claim"] for r in rows} == expected


def test_claims_source_by_words(bundled):
    G = bundled.nx
    rows = as_json(run("claims", "--source", "Kharicha", "--format", "json"))
    direct = {(bare(v), d["stance"], d["locator"]) for u, v, d in ev_edges(G) if u == "source:kharicha2004"}
    assert {(r["claim"], r["stance"], r["locator"]) for r in rows if not r["pool"]} == direct
    assert any(r["pool"] for r in rows), "Kharicha is also in the briefing's pooled benefits list"


def test_evidence_expand(bundled):
    G = bundled.nx
    claim = "s000-ben-reducing-delayed-discharge"
    pools = [u for u, v, d in ev_edges(G) if v == "claim:" + claim and G.nodes[u]["kind"] == "pool"]
    members = {bare(u) for u, v, k in G.edges(keys=True) if k == "pooled_in" and v in pools}
    rows = as_json(run("evidence", "delayed discharge", "--expand", "--format", "json"))
    assert {r["source"] for r in rows if r["pool"]} == members
    assert {r["claim"] for r in rows} == {claim}


def test_evidence_table_shows_quote_and_citing(bundled):
    r = run("evidence", "claim:s004a-contract-not-partnership", "--format", "table")
    assert r.exit_code == 0
    quotes = [d["quote"] for u, v, d in ev_edges(bundled.nx) if v == "claim:s004a-contract-not-partnership"]
    assert "disputes" in r.stdout and "wildridgereview" in r.stdout
    assert all(q[:20] in r.stdout for q in quotes if q)


def test_gaps_matrix(bundled):
    rows = as_json(run("gaps", "--format", "json"))
    assert len(rows) == 12
    for row in rows:
        cell = next(n for n, d in bundled.nx.nodes(data=True) if d["kind"] == "quality_cell"
                    and d["dimension"] == row["dimension"] and d["level"] == row["level"])
        n_benefits = sum(1 for _, v, k in bundled.nx.edges(keys=True) if k == "in_category" and v == cell)
        assert row["benefits"] == n_benefits
        assert row["gap"] == (row["sources_total"] == 0)
    table = run("gaps", "--format", "table").stdout
    assert "economy" in table and "yes" in table


def test_gaps_to_a_file(tmp_path):
    out = tmp_path / "gaps.csv"
    r = run("gaps", "--format", "csv", "-o", out)
    assert r.exit_code == 0 and r.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 12 and list(rows[0])[:2] == ["dimension", "level"]


@pytest.mark.parametrize("fmt", ["png", "svg", "html"])
def test_gaps_chart(tmp_path, fmt):
    out = tmp_path / f"m.{fmt}"
    r = run("gaps", "--format", fmt, "-o", out)
    if importlib.util.find_spec("partnergraph.outputs.gapmap") is None:
        assert r.exit_code == 1
        assert "Error: drawing the gap matrix" in r.output and "Hint:" in r.output
        assert "Traceback" not in r.output
    else:
        assert r.exit_code == 0, r.output
        assert out.exists() and out.stat().st_size > 0


def test_contested_single_source_undirected(bundled):
    contested = as_json(run("contested", "--format", "json"))
    assert {r["claim"] for r in contested} == {r.claim for r in bundled.contested()}
    assert all(r["disputes"] or r["qualifies"] or r["challenged"] or r["qualified"] for r in contested)
    assert all(len(r["challengers"]) == r["disputes"] + r["qualifies"] + r["challenged"] + r["qualified"]
               for r in contested)
    assert any(r["supports"] == 0 for r in contested), "a claim with only a challenge is listed too"
    single = as_json(run("single-source", "--format", "json"))
    assert all(r["sources_direct"] + r["sources_pooled"] == 1 for r in single)
    pooled_only = as_json(run("undirected", "--pooled-only", "--format", "json"))
    assert pooled_only and all(r["sources_direct"] == 0 < r["sources_pooled"] for r in pooled_only)


def test_strength_explain_prints_the_rule():
    r = run("strength", "--explain")
    assert r.exit_code == 0
    assert r.stdout == queries.strength_rule()


def test_strength_one_claim_explained(bundled):
    r = run("strength", "s004a-contract-not-partnership", "--explain", "--format", "table")
    assert r.exit_code == 0
    assert "GRADE-CERQual" in r.stdout and "coherence: 1 disputing" in r.stdout
    row = bundled.strength("s004a-contract-not-partnership")[0]
    assert f"s004a-contract-not-partnership: {row.rating}" in r.stdout


def test_strength_rating_filter():
    rows = as_json(run("strength", "--rating", "high", "--format", "json"))
    assert rows and {r["rating"] for r in rows} == {"high"}


def test_search_and_related_and_cocited(bundled):
    rows = as_json(run("search", "reducing delayed discharge", "--limit", "3", "--format", "json"))
    assert len(rows) <= 3 and rows[0]["id"] == "claim:s000-ben-reducing-delayed-discharge"
    rel = as_json(run("related", "s004b-csf-surmounting-boundaries", "--format", "json"))
    addressed = {bare(b) for a, b, k in bundled.nx.edges(keys=True)
                 if k == "addresses" and a == "claim:s004b-csf-surmounting-boundaries"}
    assert {r["claim"] for r in rel if r["relation"] == "addresses"} == addressed
    pairs = as_json(run("cocited", "--min-shared", "5", "--format", "json"))
    assert pairs and all(r["shared"] >= 5 and len(r["claims"]) == r["shared"] for r in pairs)


# --- error paths ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args,needle", [
    pytest.param(["benefits", "--dimension", "equality"], "'economy', 'efficiency', 'effectiveness', 'equity'",
                 id="bad-dimension"),
    pytest.param(["benefits", "--level", "impact"], "'input', 'output', 'outcome'", id="bad-level"),
    pytest.param(["claims", "--kind", "Benefits"], "'Benefit'", id="bad-kind"),
    pytest.param(["gaps", "--format", "gif"], "'pdf'", id="bad-gaps-format"),
    pytest.param(["strength", "--rating", "medium"], "'moderate'", id="bad-rating"),
    pytest.param(["evidence"], "Missing argument 'CLAIM'", id="no-claim"),
    pytest.param(["search", "x", "--limit", "0"], "--limit", id="zero-limit"),
])
def test_bad_invocations_exit_2_with_the_choices(args, needle):
    r = run(*args)
    assert r.exit_code == 2
    assert needle in r.output


@pytest.mark.parametrize("args,needle", [
    pytest.param(["evidence", "no-such-claim"], "no claim with id 'no-such-claim'", id="unknown-claim-id"),
    pytest.param(["evidence", "claim:s004a-def-trst"], "s004a-def-trust", id="typo-in-id-suggests"),
    pytest.param(["evidence", "zzqx wobble frob"], "no claim matches", id="unknown-words"),
    pytest.param(["related", "no-such-claim"], "no claim with id", id="related-unknown"),
    pytest.param(["strength", "no-such-claim"], "no claim with id", id="strength-unknown"),
    pytest.param(["claims", "--source", "nosuchauthorxyz"], "no source matches", id="unknown-source"),
])
def test_unknown_names_exit_1_with_a_hint(args, needle):
    r = run(*args)
    assert r.exit_code == 1
    assert needle in r.output and "Hint:" in r.output and "Traceback" not in r.output


def test_ambiguous_words_list_the_candidates(bundled):
    r = run("evidence", "pooled budgets", "--themes", "none")  # with the themes, the words name a theme
    assert r.exit_code == 1
    assert r.output.startswith("Error: 'pooled budgets' fits")
    candidates = [line.split()[0] for line in r.output.splitlines()[1:] if line.startswith("  ")]
    assert len(candidates) >= 2
    for c in candidates:
        label = bundled.nx.nodes["claim:" + c]["label"].lower()
        assert "pooled" in label and "budgets" in label


def test_ambiguous_source(bundled):
    r = run("claims", "--source", "Audit Commission")
    assert r.exit_code == 1
    keys = [line.split()[0] for line in r.output.splitlines()[1:] if line.startswith("  ")]
    assert keys and all("Audit Commission" in bundled.nx.nodes["source:" + k]["authors"] for k in keys)


def test_other_data_dir(tiny):
    rows = as_json(run("benefits", "--data", tiny, "--format", "json"))
    assert [r["claim"] for r in rows] == ["shared-resources"]
    assert rows[0]["sources_pooled"] == 2 and rows[0]["sources_direct"] == 0
    ev = as_json(run("evidence", "trust", "--data", tiny, "--format", "json"))
    assert [(r["source"], r["locator"], r["quote"]) for r in ev] == [("gray1989", "p.11", "trust is essential")]


def test_every_research_command_is_documented():
    from conftest import ROOT

    doc = (ROOT / "docs" / "researchers.md").read_text(encoding="utf-8")
    for name in {args[0] for args in COMMANDS.values()}:
        assert f"`{name}" in doc or f"partnergraph {name}" in doc, name
    for cls in (queries.ClaimRow, queries.EvidenceRow, queries.GapCell, queries.StrengthRow, queries.SearchRow,
                queries.RelatedRow, queries.CocitedRow, queries.SourceClaimRow):
        keys = ", ".join(f"`{f.name}`" for f in __import__("dataclasses").fields(cls))
        assert f"| `{cls.__name__}` | {keys} |" in doc, f"docs/researchers.md: JSON keys of {cls.__name__}"
