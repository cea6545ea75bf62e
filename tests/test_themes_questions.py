"""Questions at the level of a theme, checked against the files: what ``themes``, ``theme``, ``evidence THEME``,
``strength --theme`` and ``gaps --by theme`` print equals what SPARQL over data/claims.ttl + data/themes.ttl
(rdflib, not partnergraph's store) counts; words resolve to a theme first and every command says so on stderr."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from conftest import DATA, ROOT, TINY_THEMES

from partnergraph.cli import main

PREFIXES = """PREFIX pg: <https://w3id.org/partnergraph/ns#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX cito: <http://purl.org/spar/cito/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def run(*args, env=None):
    """Invoke the CLI; ``result.stdout`` and ``result.stderr`` apart (click 8.2+), ``output`` both."""
    return CliRunner().invoke(main, list(args), env=env)


def local(term) -> str:
    return str(term).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def files() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(DATA / "claims.ttl", format="turtle")
    g.parse(DATA / "themes.ttl", format="turtle")
    return g


@pytest.fixture(scope="module")
def expected(files) -> dict[str, dict]:
    """Per theme, from SPARQL over the files: claims, review documents, direct and pooled works."""
    out: dict[str, dict] = defaultdict(lambda: {"claims": set(), "docs": set(), "direct": set(), "pooled": set(),
                                               "links": 0})
    for t, c, doc in files.query(PREFIXES + "SELECT ?t ?c ?doc WHERE { ?c pg:theme ?t ; prov:wasDerivedFrom ?doc }"):
        out[local(t)]["claims"].add(local(c))
        out[local(t)]["docs"].add(local(doc))
    q = PREFIXES + """SELECT ?t ?e ?cited ?member WHERE { ?c pg:theme ?t . ?e pg:aboutClaim ?c ;
                      cito:hasCitedEntity ?cited . OPTIONAL { ?cited prov:hadMember ?member } }"""
    links = defaultdict(set)
    for t, e, cited, member in files.query(q):
        links[local(t)].add(e)
        if member is None:
            out[local(t)]["direct"].add(local(cited))
        else:
            out[local(t)]["pooled"].add(local(member))
    for t, es in links.items():
        out[t]["links"] = len(es)
    return dict(out)


@pytest.fixture(scope="module")
def themes_json() -> list[dict]:
    r = run("themes", "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_themes_counts_equal_sparql_over_the_files(themes_json, expected, files):
    n_themes = len(set(files.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/partnergraph/ns#Theme"))))
    assert len(themes_json) == n_themes == len(expected)
    for row in themes_json:
        e = expected[row["theme"]]
        assert row["claims"] == len(e["claims"]), row["theme"]
        assert row["reviews"] == sorted(e["docs"]), row["theme"]
        assert row["sources_direct"] == len(e["direct"]), row["theme"]
        assert row["sources_pooled"] == len(e["pooled"] - e["direct"]), row["theme"]
        assert row["sources"] == len(e["direct"] | e["pooled"]), row["theme"]
        assert row["supports"] + row["disputes"] + row["qualifies"] == e["links"], row["theme"]


def test_a_work_cited_by_two_reviews_counts_once(themes_json, expected, files):
    """The bundled shared-vision theme: works cited by several reviews, and the pooled benefits list cited by both
    versions of the briefing, each counted once."""
    row = next(r for r in themes_json if r["theme"] == "shared-vision")
    per_link = sum(1 for _ in files.query(PREFIXES + """SELECT ?e ?cited WHERE { ?c pg:theme
        <https://w3id.org/partnergraph/id/theme/shared-vision> . ?e pg:aboutClaim ?c ; cito:hasCitedEntity ?cited }"""))
    assert row["sources_direct"] < per_link
    assert row["independent_reviews"] == len(row["reviews"]) - 1  # the two versions of the briefing are one review


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson", "markdown"])
def test_themes_in_every_format(fmt, themes_json):
    r = run("themes", "--format", fmt)
    assert r.exit_code == 0, r.output
    out = r.stdout
    if fmt == "csv":
        assert [x["theme"] for x in csv.DictReader(io.StringIO(out))] == [x["theme"] for x in themes_json]
    elif fmt == "ndjson":
        assert [json.loads(x)["theme"] for x in out.splitlines()] == [x["theme"] for x in themes_json]
    elif fmt == "json":
        assert json.loads(out) == themes_json
    else:
        assert all(x["theme"] in out for x in themes_json)


def test_gaps_by_theme_equals_the_assignments(files):
    r = run("gaps", "--by", "theme", "--format", "json")
    assert r.exit_code == 0, r.output
    cells = json.loads(r.stdout)
    matrix = {(c["theme"], c["column"]): c["claims"] for c in cells}
    docs = sorted({local(d) for d in files.objects(None, rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
                   if local(d) in {c["column"] for c in cells}})
    themes = {c["theme"] for c in cells}
    assert len(matrix) == len(cells) == len(themes) * len(docs)  # every theme x every review, zeros included
    want: dict = defaultdict(int)
    for t, doc in files.query(PREFIXES + "SELECT ?t ?doc WHERE { ?c pg:theme ?t ; prov:wasDerivedFrom ?doc }"):
        want[(local(t), local(doc))] += 1
    assert {k: v for k, v in matrix.items() if v} == dict(want)


def test_gaps_by_theme_and_kind_equals_the_assignments(files):
    r = run("gaps", "--by", "theme", "--columns", "kind", "--format", "json")
    assert r.exit_code == 0, r.output
    got = {(c["theme"], c["column"]): c["claims"] for c in json.loads(r.stdout) if c["claims"]}
    want: dict = defaultdict(int)
    for t, k in files.query(PREFIXES + """SELECT ?t ?k WHERE { ?c pg:theme ?t ; a ?k .
                                          FILTER(STRSTARTS(STR(?k), STR(pg:)) && ?k != pg:Claim) }"""):
        want[(local(t), str(k).rsplit("#", 1)[-1])] += 1
    assert got == dict(want)


def test_gaps_by_theme_flags_the_thin_themes(themes_json):
    r = run("gaps", "--by", "theme", "--format", "json")
    cells = json.loads(r.stdout)
    notes = {c["theme"]: c["theme_note"] for c in cells}
    reviews = {c["theme"]: c["theme_reviews"] for c in cells}
    for t in themes_json:
        want = ("no evidence" if not t["sources"] else "pooled evidence only" if not t["sources_direct"]
                else "one review only" if t["independent_reviews"] == 1 else "")
        assert notes[t["theme"]] == want, t["theme"]
        assert reviews[t["theme"]] == t["independent_reviews"]
    assert "one review only" in notes.values() and "pooled evidence only" in notes.values()


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "ndjson"])
def test_gaps_by_theme_in_every_text_format(fmt):
    r = run("gaps", "--by", "theme", "--format", fmt)
    assert r.exit_code == 0, r.output
    assert "shared-vision" in r.stdout
    if fmt in ("table", "markdown"):
        assert "R1 = briefing2009ch1" in r.stdout


@pytest.mark.parametrize("fmt", ["html", "png", "svg"])
def test_gaps_by_theme_draws_the_matrix(fmt, tmp_path, themes_json):
    out = tmp_path / f"m.{fmt}"
    r = run("gaps", "--by", "theme", "--format", fmt, "-o", str(out))
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    if fmt == "html":
        page = data.decode("utf-8")
        assert page.count('<th scope="row"') == len(themes_json)
        assert "<script" not in page and "http" not in page.split("</head>")[0]
    elif fmt == "png":
        assert data.startswith(b"\x89PNG")
    else:
        assert data.lstrip().startswith(b"<?xml") and b"Trust" in data


def test_the_matrix_page_escapes_text_from_the_data(tiny, tmp_path):
    mine = tmp_path / "mine.ttl"
    hostile = TINY_THEMES.replace('"Confidence in each other"@en', '"<script>alert(1)</script> & co"@en')
    mine.write_text(hostile, encoding="utf-8")
    out = tmp_path / "m.html"
    r = run("gaps", "--by", "theme", "--format", "html", "-o", str(out), "--data", str(tiny), "--themes", str(mine))
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


# ---------------------------------------------------------------- evidence THEME
@pytest.mark.parametrize("words, theme", [("trust", "trust"), ("shared vision", "shared-vision"),
                                          ("pooled budgets", "pooled-budgets"), ("wicked issues", "wicked-issues")])
def test_evidence_of_a_theme_answers_across_every_review_that_states_it(words, theme, expected):
    r = run("evidence", words, "--format", "json")
    assert r.exit_code == 0, r.output
    assert f"'{words}' is the theme {theme}" in r.stderr
    rows = json.loads(r.stdout)
    e = expected[theme]
    assert {x["review"] for x in rows} == e["docs"]  # every review that speaks of it, evidence or not
    assert {x["claim"] for x in rows} == e["claims"]
    linked = [x for x in rows if x["source"]]
    assert len(linked) == e["links"]
    assert {x["source"] for x in linked if not x["source"].startswith("pool:")} == e["direct"]


def test_evidence_trust_reaches_the_textbook_and_nuffield_principle_4():
    r = run("evidence", "trust", "--format", "json")
    rows = json.loads(r.stdout)
    claims = {x["claim"] for x in rows}
    assert {"s001-networks-trust", "s004b-nuffield-principle-4", "s004b-csf-trust", "s004a-def-trust"} <= claims
    cited_for_csf = {x["source"] for x in rows if x["claim"] == "s004b-csf-trust"}
    assert len(cited_for_csf) == 8  # the eight works Wildridge cites for trust as a success factor


def test_evidence_shared_vision_reaches_the_nine_works_and_the_textbook():
    rows = json.loads(run("evidence", "shared vision", "--format", "json").stdout)
    nine = {"wr01nuffieldinstituteforhealth", "gray1989", "wr10", "wr15linck", "wr35", "wr69banks", "wr74", "wr75",
            "wr76"}  # refs 1, 3, 10, 15, 35, 69, 74, 75, 76 (and Wilson and Charlton, cited in the next sentence)
    assert nine <= {x["source"] for x in rows if x["claim"] == "s004b-csf-shared-vision"}
    assert {"s001-guidance-shared-vision-trust", "s001-unsucc-lack-agreed-vision", "s004b-wilder-17"} <= \
        {x["claim"] for x in rows}


def test_evidence_of_a_theme_on_a_terminal_groups_by_review_and_counts_sources_once(expected):
    r = run("evidence", "trust", "--format", "table")
    assert r.exit_code == 0, r.output
    e = expected["trust"]
    heads = [line.split(":", 1)[0] for line in r.stdout.splitlines() if " link(s) for " in line]
    assert sorted(heads) == sorted(e["docs"])
    assert f"{len(e['direct'] | e['pooled'])} distinct source(s), each counted once" in r.stdout


def test_theme_sources_list_each_work_once_with_every_citation(expected):
    r = run("theme", "shared vision", "--sources", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    e = expected["shared-vision"]
    assert {x["source"] for x in rows} == e["direct"] | e["pooled"]
    assert sum(len(x["citations"]) for x in rows) >= len(rows)
    multi = [x for x in rows if len(x["reviews"]) > 1]
    assert multi and all(len(x["citations"]) >= len(x["reviews"]) for x in multi)


def test_theme_lists_its_claims_with_a_header_on_a_terminal(expected):
    r = run("theme", "pooled budgets", "--format", "table")
    assert r.exit_code == 0, r.output
    first = r.stdout.splitlines()[0]
    assert first.startswith("Pooled budgets and shared resources (theme:pooled-budgets)")
    assert all(c in r.stdout for c in expected["pooled-budgets"]["claims"])
    j = json.loads(run("theme", "pooled-budgets", "--format", "json").stdout)
    assert {x["claim"] for x in j} == expected["pooled-budgets"]["claims"]


# ---------------------------------------------------------------- resolution on stderr
def test_claim_words_say_which_claim_and_offer_the_theme():
    r = run("evidence", "Develop and maintain trust", "--format", "json")
    assert r.exit_code == 0, r.output
    assert "'Develop and maintain trust' is the claim s004b-nuffield-principle-4" in r.stderr
    assert "theme trust" in r.stderr
    assert {x["claim"] for x in json.loads(r.stdout)} == {"s004b-nuffield-principle-4"}


def test_an_id_resolves_silently():
    r = run("evidence", "s004b-csf-trust", "--format", "json")
    assert r.exit_code == 0 and r.stderr == ""


def test_words_within_a_theme_label_resolve_to_it():
    r = run("evidence", "partnership is not a panacea", "--format", "json")
    assert r.exit_code == 0, r.output
    assert "is the theme not-a-panacea" in r.stderr
    assert {x["review"] for x in json.loads(r.stdout)} >= {"glasby2006", "partnershipworkingch7", "wildridgereview"}


@pytest.mark.parametrize("args, says", [
    (("strength", "delayed discharge", "--format", "json"), "is the claim s000-ben-reducing-delayed-discharge"),
    (("strength", "role clarity", "--format", "json"), "is the theme role-clarity"),
    (("related", "Develop and maintain trust", "--format", "json"), "is the claim s004b-nuffield-principle-4"),
    (("claims", "--source", "Kharicha", "--format", "json"), "is the source kharicha2004"),
    (("theme", "vision", "--format", "json"), "is the theme shared-vision"),
])
def test_every_command_that_resolves_words_says_what_on_stderr(args, says):
    r = run(*args)
    assert r.exit_code == 0, r.output
    assert says in r.stderr


def test_without_themes_words_are_claims_again(tiny):
    r = run("evidence", "trust", "--data", str(tiny), "--format", "json")
    assert r.exit_code == 0, r.output
    assert [x["claim"] for x in json.loads(r.stdout)] == ["trust"]
    assert "theme" not in r.stderr
    r = run("themes", "--data", str(tiny), "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    r = run("theme", "trust", "--data", str(tiny))
    assert r.exit_code == 1 and "no theme framework is loaded" in r.output


# ---------------------------------------------------------------- strength --theme
def test_strength_by_theme_rates_every_theme(themes_json):
    r = run("strength", "--theme", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [x["theme"] for x in rows] == sorted(x["theme"] for x in themes_json)
    assert {x["rating"] for x in rows} <= {"high", "moderate", "low", "very low"}
    by = {x["theme"]: x for x in rows}
    one_review = [t["theme"] for t in themes_json if t["independent_reviews"] == 1 and t["sources"]]
    assert one_review and all("stated by one review only" in by[t]["reasons"] for t in one_review)


def test_strength_theme_explain_prints_the_rule_and_the_reasons():
    r = run("strength", "--theme", "trust", "--explain", "--format", "table")
    assert r.exit_code == 0, r.output
    assert "Adequacy (independent sources across the theme's claims)" in r.stdout
    assert "trust: " in r.stdout and "adequacy: " in r.stdout and "coherence: " in r.stdout
    rule = run("strength", "--theme", "--explain")
    import partnergraph as pg

    assert rule.stdout == pg.load().theme_strength_rule()


def test_the_theme_rule_is_written_down_in_docs():
    import partnergraph as pg

    rule = pg.load().theme_strength_rule()
    doc = (ROOT / "docs" / "strength.md").read_text(encoding="utf-8")
    assert " ".join(rule.split()) in " ".join(doc.split()), "docs/strength.md must carry the theme rule verbatim"


def test_a_theme_resting_on_one_review_and_pooled_evidence_is_very_low(themes_json):
    import partnergraph as pg

    thin = [t["theme"] for t in themes_json if t["independent_reviews"] == 1 and not t["sources_direct"]
            and t["sources"]]
    assert thin  # the 4 Es themes: the briefing's table, on its pooled Sources list (-2, one review -1)
    g = pg.load()
    for t in thin:
        row = g.theme_strength(t)[0]
        assert (row.rating, row.units, row.independent_reviews) == ("very low", 1, 1), t


def test_strength_theme_and_kind_do_not_combine():
    r = run("strength", "--theme", "--kind", "Barrier")
    assert r.exit_code == 2


def test_the_api_answers_as_the_cli(themes_json):
    import partnergraph as pg

    g = pg.load()
    assert [r.theme for r in g.themes()] == [x["theme"] for x in themes_json]
    assert g.resolve("shared vision").node == "theme:shared-vision"
    assert {r.claim for r in g.theme("trust")} == {r.claim for r in g.theme_evidence("trust")}
    assert Path(DATA / "themes.ttl").exists()


def test_the_gap_pages_theme_view_counts_as_gaps_by_theme(bundled):
    """The gap page's theme x review view (outputs.gapmap) and `gaps --by theme` read the same assignments."""
    from partnergraph.outputs.gapmap import theme_matrix

    m = theme_matrix(bundled)
    cells = {(c.theme, c.column): c.claims for c in bundled.theme_gaps()}
    assert {r["id"] for r in m["rows"]} == {t for t, _ in cells}
    for key, cell in m["grid"].items():
        theme, review = key.split("|", 1)
        assert cell["n"] == cells[(theme, review)], key
