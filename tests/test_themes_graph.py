"""The theme framework as loaded: its own named graph in the store, theme nodes and claim → theme edges in the
graph, ``--themes FILE`` / ``none`` / ``PARTNERGRAPH_THEMES``, bad theme files refused with file and line, and
``validate`` checking the framework with SHACL (themes-shapes.ttl)."""

from __future__ import annotations

import json

import pytest
import rdflib
from click.testing import CliRunner
from conftest import DATA, TINY_THEMES, snapshot

from partnergraph.cli import main

THEME = "https://w3id.org/partnergraph/id/theme/"
PG = rdflib.Namespace("https://w3id.org/partnergraph/ns#")



def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture(scope="module")
def themes_file() -> rdflib.Graph:
    return rdflib.Graph().parse(DATA / "themes.ttl", format="turtle")


def test_the_store_holds_the_themes_file_as_its_own_named_graph(bundled, themes_file):
    import pyoxigraph as ox

    from partnergraph.store.embedded import GRAPH_THEMES

    assert GRAPH_THEMES == "https://w3id.org/partnergraph/id/graph/themes"
    quads = list(bundled.rdf.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH_THEMES)))
    assert len(quads) == len(themes_file)
    claims_graph = ox.NamedNode("https://w3id.org/partnergraph/id/graph/claims")
    assert not list(bundled.rdf.quads_for_pattern(None, ox.NamedNode(str(PG.theme)), None, claims_graph))


def test_theme_nodes_and_edges_are_the_files(bundled, themes_file):
    nxg = bundled.nx
    themes = {str(s)[len(THEME):] for s in themes_file.subjects(rdflib.RDF.type, PG.Theme)}
    groups = {str(s)[len(THEME):] for s in themes_file.subjects(rdflib.RDF.type, PG.ThemeGroup)}
    assert {n[6:] for n, d in nxg.nodes(data=True) if d["kind"] == "theme"} == themes
    assert {n[6:] for n, d in nxg.nodes(data=True) if d["kind"] == "theme_group"} == groups
    pairs = {(str(c).rsplit("/", 1)[1], str(t)[len(THEME):]) for c, t in themes_file.subject_objects(PG.theme)}
    edges = {(u[6:], v[6:]) for u, v, k in nxg.edges(keys=True) if k == "in_theme"}
    assert edges == pairs
    from_attrs = {(n[6:], t) for n, d in nxg.nodes(data=True) if d["kind"] == "claim" for t in d["themes"]}
    assert from_attrs == pairs
    for t in themes:
        d = nxg.nodes["theme:" + t]
        broader = themes_file.value(rdflib.URIRef(THEME + t), rdflib.namespace.SKOS.broader)
        assert d["group"] == str(broader)[len(THEME):]
        assert d["claims"] == sum(1 for _, x in pairs if x == t)
        assert d["label"] == str(themes_file.value(rdflib.URIRef(THEME + t), rdflib.namespace.SKOS.prefLabel))


def test_a_theme_lists_the_reviews_its_claims_come_from(bundled):
    nxg = bundled.nx
    d = nxg.nodes["theme:trust"]
    expected = sorted({r for c, _, k in nxg.in_edges("theme:trust", keys=True) if k == "in_theme"
                       for r in nxg.nodes[c]["derived_from"]})
    assert list(d["reviews"]) == expected and "partnershipworkingch7" in expected and "wildridgereview" in expected


def test_no_themes_file_is_fine(tiny):
    assert not (tiny / "themes.ttl").exists()
    r = run("stats", "--data", str(tiny), "--format", "json")
    assert r.exit_code == 0, r.output
    import partnergraph as pg

    g = pg.load(tiny, cache=False)
    assert not [n for n, d in g.nx.nodes(data=True) if d["kind"] in ("theme", "theme_group")]
    assert all(d["themes"] == () for _, d in g.nx.nodes(data=True) if d["kind"] == "claim")


def test_themes_none_ignores_the_directorys_file(data_copy):
    import partnergraph as pg

    g = pg.load(data_copy, cache=False, themes="none")
    assert not [n for n, d in g.nx.nodes(data=True) if d["kind"] == "theme"]
    r = run("stats", "--data", str(data_copy), "--themes", "none", "--format", "json")
    assert r.exit_code == 0, r.output


def test_a_users_framework_replaces_the_bundled_one(tiny, tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text(TINY_THEMES, encoding="utf-8")
    import partnergraph as pg

    g = pg.load(tiny, cache=False, themes=mine)
    themes = {n: d for n, d in g.nx.nodes(data=True) if d["kind"] == "theme"}
    assert list(themes) == ["theme:confidence"]
    assert themes["theme:confidence"]["group_label"] == "People"
    assert g.nx.nodes["claim:trust"]["themes"] == ("confidence",)
    assert g.nx.nodes["claim:shared-resources"]["themes"] == ()
    # the same through the environment variable, and through the option on a command
    for env, args in (({"PARTNERGRAPH_THEMES": str(mine)}, []), (None, ["--themes", str(mine)])):
        r = run("sparql", "SELECT ?t WHERE { ?c pg:theme ?t }", "--data", str(tiny), "--format", "json", *args,
                env=env)
        assert r.exit_code == 0, r.output
        assert [x["t"] for x in json.loads(r.output)] == [THEME + "confidence"]


def test_a_changed_themes_file_is_not_answered_from_the_cache(tiny, tmp_path):
    import partnergraph as pg

    (tiny / "themes.ttl").write_text(TINY_THEMES, encoding="utf-8")
    assert pg.load(tiny).nx.nodes["claim:trust"]["themes"] == ("confidence",)
    (tiny / "themes.ttl").write_text(TINY_THEMES.replace("claim:trust pg:theme", "claim:shared-resources pg:theme"),
                                     encoding="utf-8")
    g = pg.load(tiny)
    assert g.nx.nodes["claim:trust"]["themes"] == () and g.nx.nodes["claim:shared-resources"]["themes"]


@pytest.mark.parametrize("text, where, words", [
    pytest.param(TINY_THEMES + "claim:nosuch pg:theme theme:confidence .\n", 15, "has no claim claim:nosuch",
                 id="assignment-to-a-missing-claim"),
    pytest.param(TINY_THEMES + "claim:trust pg:theme theme:nosuch .\n", 14, "theme:nosuch is not a theme",
                 id="assignment-to-a-missing-theme"),
    pytest.param(TINY_THEMES + "claim:trust pg:theme theme:confidence\n", 15, "Turtle syntax error",
                 id="turtle-syntax"),
])
def test_a_bad_themes_file_is_one_error_naming_its_line(tiny, tmp_path, text, where, words):
    bad = tmp_path / "bad.ttl"
    bad.write_text(text, encoding="utf-8")
    before = snapshot(tiny)
    r = run("claims", "--data", str(tiny), "--themes", str(bad), "--format", "json")
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    first = r.output.splitlines()[0]
    assert first.startswith(f"Error: {bad}:") and words in first
    line = int(first.split(f"{bad}:", 1)[1].split(":", 1)[0])
    assert abs(line - where) <= 1  # a missing '.' is reported at the end of the statement
    assert snapshot(tiny) == before


def test_a_missing_themes_file_is_an_error(tiny, tmp_path):
    r = run("stats", "--data", str(tiny), "--themes", str(tmp_path / "nope.ttl"))
    assert r.exit_code == 1 and "themes file does not exist" in r.output and "Traceback" not in r.output


def test_validate_checks_the_framework_with_shacl(tiny, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(TINY_THEMES + """
theme:loose a skos:Concept, pg:Theme ; skos:prefLabel "Loose"@en ; skos:inScheme theme:mine ;
    skos:scopeNote "A theme nobody put under a group."@en .
theme:group-people skos:broader theme:confidence .
claim:trust pg:theme theme:loose .
""", encoding="utf-8")
    r = run("validate", "--data", str(tiny), "--themes", str(bad), "--format", "json")
    assert r.exit_code == 1
    found = {(f["rule"], f["message"].split(": ", 1)[0]): f["where"] for f in json.loads(r.output)}
    assert ("BroaderCycleShape", "theme:group-people") in found
    assert ("BroaderCycleShape", "theme:confidence") in found
    assert ("ThemeShape", "theme:loose") in found  # no group: an orphan
    assert ("ThemeGroupShape", "theme:group-people") in found  # a group has no broader concept
    assert all(w.startswith(str(bad) + ":") for (rule, _), w in found.items() if rule.startswith(("Theme", "Broader")))


def test_validate_finds_an_assignment_to_no_claim(tiny, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(TINY_THEMES + "claim:gone pg:theme theme:confidence .\n", encoding="utf-8")
    r = run("validate", "--data", str(tiny), "--themes", str(bad), "--format", "json")
    assert r.exit_code == 1
    rows = [f for f in json.loads(r.output) if f["rule"] == "ThemeAssignmentShape"]
    assert [f["message"].split(": ", 1)[0] for f in rows] == ["claim:gone"]
    assert rows[0]["where"] == f"{bad}:15"


def test_validate_warns_of_a_theme_no_claim_is_assigned_to(tiny, tmp_path):
    mine = tmp_path / "mine.ttl"
    mine.write_text(TINY_THEMES.replace("claim:trust pg:theme theme:confidence .\n", ""), encoding="utf-8")
    r = run("validate", "--data", str(tiny), "--themes", str(mine), "--format", "json")
    assert r.exit_code == 0, r.output
    warnings = [f for f in json.loads(r.output) if f["severity"] == "warning" and f["rule"] == "ThemeShape"]
    assert [f["message"] for f in warnings] == ["theme:confidence: No claim is assigned to this theme."]


def test_the_bundled_framework_passes_the_theme_shapes():
    """The bundled themes.ttl and claims.ttl against themes-shapes.ttl alone: no violation, no warning."""
    from pyshacl import validate as shacl_validate

    from partnergraph.files.datadir import ontology_text, themes_shapes_text

    data = rdflib.Graph()
    for text in ((DATA / "claims.ttl").read_text(encoding="utf-8"), (DATA / "themes.ttl").read_text(encoding="utf-8"),
                 ontology_text()):
        data.parse(data=text, format="turtle")
    shapes = rdflib.Graph().parse(data=themes_shapes_text(), format="turtle")
    conforms, _results, text = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text
    assert "Results (" not in text


def test_a_control_character_in_a_theme_label_is_refused(tiny, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(TINY_THEMES.replace('"Confidence in each other"@en', '"Confidence\\u0007"@en'), encoding="utf-8")
    r = run("themes", "--data", str(tiny), "--themes", str(bad))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.output.startswith(f"Error: {bad}:11: theme theme:confidence has a control character (U+0007)")
