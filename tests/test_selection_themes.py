"""The selection by theme and by claim (``--theme``, ``--claim`` on map, export and bib export): the claims chosen
are the theme's assignments as data/themes.ttl states them (rdflib over the file, not partnergraph's loader); a
theme group stands for its themes; the sources ``bib export --theme`` writes are the sources that map shows."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
import rdflib
from click.testing import CliRunner
from conftest import DATA

from partnergraph.cli import main
from partnergraph.core.errors import PartnergraphError
from partnergraph.outputs.filters import Selection, filtered_graph, selected_claims

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
PG = rdflib.Namespace("https://w3id.org/partnergraph/ns#")


def local(term) -> str:
    return str(term).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def framework():
    """theme id → claim ids and group id → theme ids, read from data/themes.ttl by rdflib."""
    g = rdflib.Graph().parse(DATA / "themes.ttl", format="turtle")
    members: dict[str, set[str]] = defaultdict(set)
    for c, t in g.subject_objects(PG.theme):
        members[local(t)].add("claim:" + local(c))
    groups: dict[str, set[str]] = defaultdict(set)
    for t, grp in g.subject_objects(SKOS.broader):
        groups[local(grp)].add(local(t))
    labels = {local(t): str(lab) for t, lab in g.subject_objects(SKOS.prefLabel)}
    return members, groups, labels


def test_every_theme_selects_its_assigned_claims(bundled, framework):
    members, _, labels = framework
    assert len(members) > 10
    for theme, claims in members.items():
        assert selected_claims(bundled, Selection(themes=(theme,))) == claims, theme
        assert selected_claims(bundled, Selection(themes=(labels[theme],))) == claims, labels[theme]


def test_a_theme_group_stands_for_all_its_themes(bundled, framework):
    members, groups, _ = framework
    for group, themes in groups.items():
        want = set().union(*(members[t] for t in themes))
        assert selected_claims(bundled, Selection(themes=(group,))) == want, group


def test_theme_and_kind_must_both_hold(bundled, framework):
    members, _, _ = framework
    theme = max(members, key=lambda t: len(members[t]))
    got = selected_claims(bundled, Selection(themes=(theme,), kinds=("Benefit",)))
    assert got == {c for c in members[theme] if bundled.nx.nodes[c]["claim_kind"] == "Benefit"}


def test_claim_filter_keeps_exactly_those_claims(bundled):
    some = sorted(n for n, d in bundled.nx.nodes(data=True) if d["kind"] == "claim")[:3]
    bare = tuple(c.split(":", 1)[1] for c in some)
    assert selected_claims(bundled, Selection(claims=bare)) == set(some)
    sub = filtered_graph(bundled, Selection(claims=(bare[0],)))
    assert {n for n, d in sub.nodes(data=True) if d["kind"] == "claim"} == {some[0]}


def test_unknown_theme_or_claim_is_an_error(bundled):
    with pytest.raises(PartnergraphError):
        selected_claims(bundled, Selection(claims=("no-such-claim",)))
    with pytest.raises(PartnergraphError):
        selected_claims(bundled, Selection(themes=("zzzz qqqq xxxx",)))


def test_bib_export_by_theme_writes_the_sources_behind_the_theme(bundled, framework, tmp_path):
    members, _, _ = framework
    theme = max(members, key=lambda t: len(members[t]))
    r = CliRunner().invoke(main, ["bib", "export", "--theme", theme, "--to", "csljson"])
    assert r.exit_code == 0, r.output
    keys = {item["id"] for item in json.loads(r.stdout)}
    sub = filtered_graph(bundled, Selection(themes=(theme,)))
    assert keys == {n.split(":", 1)[1] for n, d in sub.nodes(data=True) if d["kind"] == "source"}
    assert keys  # the largest theme rests on sources


def test_cli_unknown_theme_is_one_error_line(tmp_path):
    r = CliRunner().invoke(main, ["export", "--to", "graphml", "--theme", "zzzz qqqq xxxx",
                                  "-o", str(tmp_path / "x.graphml")])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error:") and "Traceback" not in r.output
    assert not (tmp_path / "x.graphml").exists()


def test_map_file_name_is_made_from_the_theme(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["map", "--theme", "trust"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "partnergraph-output" / "evidence-map-trust.html").is_file()
