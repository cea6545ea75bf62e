"""The pictures of the synthesis layer (issues 11 and 12) drawn from graphs shaped as the debates and themes
graph notes describe them: claim-to-claim ``relates`` edges and ``contested`` claims on the map, in the gap
matrix and the report; theme hubs on the map grouped ``by="theme"``. The fixtures add synthetic relations and
themes to a copy of the bundled graph, so these pages are tested whether or not the data carries them yet."""

from __future__ import annotations

import copy

import pytest

from partnergraph.outputs.gapmap import matrix_data
from partnergraph.outputs.maps import legend_edges, map_spec
from partnergraph.outputs.mapstyle import is_contested
from partnergraph.outputs.report import report_text


class Graph:
    """Just what the pages read: ``nx``, ``data`` and ``endpoint``."""

    def __init__(self, nxg, like):
        self.nx, self.data, self.endpoint = nxg, like.data, None


def relate(nxg, u, v, rid, relation, *, asserted_by="curators", via_set="", quote="", reason=""):
    nxg.add_edge(u, v, key="relation:" + rid, kind="relates", relation=relation, relation_id=rid,
                 asserted_by=asserted_by, quote=quote, reason=reason, where="", debate="", via_set=via_set)


@pytest.fixture(scope="module")
def debated(bundled):
    nxg = copy.deepcopy(bundled.nx)
    # start from the graph without the data's own relations, so only the synthetic ones below are drawn
    nxg.remove_edges_from([(u, v, k) for u, v, k, d in nxg.edges(keys=True, data=True) if d["kind"] == "relates"])
    findings = sorted(n for n, d in nxg.nodes(data=True) if d.get("claim_kind") == "Finding")
    benefits = sorted(n for n, d in nxg.nodes(data=True) if d.get("claim_kind") == "Benefit")
    for _, d in nxg.nodes(data=True):
        d.pop("contested", None)
    review = nxg.nodes[findings[1]]["derived_from"][0]
    relate(nxg, findings[0], benefits[0], "t1", "challenges", reason="the curators' reason")
    for b in benefits[1:6]:
        relate(nxg, findings[1], b, "t2", "qualifies", asserted_by=review, via_set="set:table",
               quote="the review's own words")
    return Graph(nxg, bundled), findings, benefits


def test_map_draws_claim_to_claim_relations_in_their_own_style(debated):
    g, findings, benefits = debated
    spec = map_spec(g)
    direct = [e for e in spec.edges if e["kind"] == "relates"]
    via_set = [e for e in spec.edges if e["kind"] == "relates_set"]
    assert [(e["from"], e["to"]) for e in direct] == [(findings[0], benefits[0])]
    assert len(via_set) == 5 and all(e["hidden"] for e in via_set)
    assert direct[0]["dashes"] and direct[0]["arrows"]["to"]["type"] == "bar"
    rows = legend_edges(spec.edges)
    assert any(r["text"].startswith("claim challenges claim") for r in rows)
    assert any(r.get("cat") == "edge:relates_set" and r.get("off") for r in rows)
    assert "claim-to-claim links" in spec.counts


def test_contested_claims_are_marked_and_filterable(debated):
    g, findings, benefits = debated
    spec = map_spec(g)
    nodes = {n["id"]: n for n in spec.nodes}
    assert spec.has_contested
    for b in benefits[:6]:
        assert nodes[b]["contested"] and nodes[b]["f"]["contested"] and nodes[b]["borderWidth"] > 1
    calm = next(b for b in benefits[6:] if not is_contested(g.nx, b))
    assert not nodes[calm]["contested"] and nodes[calm]["borderWidth"] == 1
    rows = spec.evidence[benefits[0]]["items"]
    row = next(r for r in rows if r["node"] == findings[0])
    assert row["stance"] == "challenges it (claim to claim)" and "the curators" in row["meta"]
    assert "the curators' reason" in row["meta"]


def test_gap_cells_count_contested_benefits(debated):
    g, _, benefits = debated
    data = matrix_data(g)
    for key, cell in data["cells"].items():
        dim, level = key.split("/")
        members = [c for c in g.nx.nodes if c in benefits and any(
            x.lower() == dim + level for x in g.nx.nodes[c]["cells"])]
        assert cell["contested"] == sum(is_contested(g.nx, c) for c in members), key
    assert sum(c["contested"] for c in data["cells"].values()) > 0


def test_report_has_a_contested_section_with_who_contests(debated):
    g, findings, benefits = debated
    md = report_text(g, "md")
    section = md.split("## Contested", 1)[1].split("\n## ", 1)[0]
    label = g.nx.nodes[findings[0]]["label"]
    assert f"challenges it: {label}" in section.replace("\\", "") and "asserted by the curators" in section
    assert "the review's own words" in section


@pytest.fixture(scope="module")
def themed(bundled):
    nxg = copy.deepcopy(bundled.nx)
    claims = sorted(n for n, d in nxg.nodes(data=True) if d["kind"] == "claim")
    for n in claims:
        nxg.nodes[n]["themes"] = ()
    plan = {"trust": claims[:4], "vision": claims[4:6]}
    for t, members in plan.items():
        nxg.add_node("theme:" + t, kind="theme", label=t.capitalize(), scope_note=f"about {t}", group="group-x",
                     group_label="Group X", claims=len(members), alt_labels=(), close_match=(), reviews=())
        for c in members:
            nxg.nodes[c]["themes"] = (*nxg.nodes[c]["themes"], t)
            nxg.add_edge(c, "theme:" + t, key="in_theme", kind="in_theme")
    return Graph(nxg, bundled), plan


def test_map_by_theme_has_a_hub_per_theme_with_its_claims_around_it(themed):
    g, plan = themed
    spec = map_spec(g, by="theme")
    hubs = {n["id"]: n for n in spec.nodes if n["kind"] == "theme"}
    assert set(hubs) == {"theme:trust", "theme:vision"}
    links = {(e["from"], e["to"]) for e in spec.edges if e["kind"] == "in_theme"}
    assert links == {(c, "theme:" + t) for t, cs in plan.items() for c in cs}
    pos = {n["id"]: (n["x"], n["y"]) for n in spec.nodes}
    hub = pos["theme:trust"]
    near = sum(((pos[c][0] - hub[0]) ** 2 + (pos[c][1] - hub[1]) ** 2) ** 0.5 for c in plan["trust"]) / 4
    spread = sum(((x - hub[0]) ** 2 + (y - hub[1]) ** 2) ** 0.5 for x, y in pos.values()) / len(pos)
    assert near < spread, "a theme's claims sit closer to its hub than the map's nodes on average"
    assert any(f["key"] == "theme" for f in spec.facets) and spec.has_themes
    assert spec.evidence["theme:trust"]["lines"] == ["about trust"]


def test_map_by_theme_without_themes_is_refused(bundled):
    from partnergraph.core.errors import PartnergraphError

    nxg = copy.deepcopy(bundled.nx)
    nxg.remove_nodes_from([n for n, d in bundled.nx.nodes(data=True) if d.get("kind") == "theme"])
    with pytest.raises(PartnergraphError, match="no themes"):
        map_spec(Graph(nxg, bundled), by="theme")


def test_report_has_a_section_per_theme(themed):
    g, plan = themed
    md = report_text(g, "md")
    section = md.split("## Themes", 1)[1].split("\n## ", 1)[0]
    assert "### Trust" in section and "### Vision" in section
    assert f"{len(plan['trust'])} claims from" in section
