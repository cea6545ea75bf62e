"""The evidence map (issue 5): what is handed to vis-network, the filters, escaping, and an offline page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TINY_BIB, TINY_TTL

import partnergraph as pg
from partnergraph.cli import main
from partnergraph.outputs.filters import Selection, filtered_graph, selected_claims
from partnergraph.outputs.maps import MAP_KINDS, STANCE_STYLE, map_spec, render_spec, write_map

XSS = {
    "title": "<img src=x onerror=window.__xss=1>",
    "claim": "<script>window.__xss=2</script> trust",
    "benefit": "<img src=y onerror=window.__xss=3> resources",
    "locator": "<b onmouseover=window.__xss=4>p.11</b>",
    "quote": "</script><script>window.__xss=5</script>",
}
REMOTE = re.compile(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.I)


def write_xss_data(folder: Path) -> Path:
    """The tiny corpus with markup in a title, a claim, a benefit, a locator and a quote."""
    folder.mkdir(parents=True, exist_ok=True)
    bib = TINY_BIB.replace("Collaborating: Finding Common Ground for Multiparty Problems", XSS["title"])
    ttl = (TINY_TTL.replace('"Develop and maintain trust"', f'"{XSS["claim"]}"')
           .replace('"Shared resources"', f'"{XSS["benefit"]}"')
           .replace('"p.11"', f'"{XSS["locator"]}"')
           .replace('"trust is essential"', f'"{XSS["quote"]}"'))
    (folder / "sources.bib").write_text(bib, encoding="utf-8")
    (folder / "claims.ttl").write_text(ttl, encoding="utf-8")
    return folder


@pytest.fixture
def xss(tmp_path):
    return pg.load(write_xss_data(tmp_path / "xss"))


@pytest.fixture(scope="module")
def page(bundled, tmp_path_factory):
    path = write_map(bundled, tmp_path_factory.mktemp("map") / "map.html")
    return path.read_text(encoding="utf-8")


def map_nodes(g, sel=None) -> set[str]:
    """The nodes a map of ``sel`` draws: claims, pooled bases, and the sources that evidence a shown claim or
    are in a shown pool (a source nothing shown cites is left out)."""
    sub = filtered_graph(g, sel, kinds=MAP_KINDS)
    return {n for n, d in sub.nodes(data=True) if d["kind"] != "source" or sub.degree(n) > 0}


def test_every_selected_node_is_drawn_once(bundled):
    spec = map_spec(bundled)
    ids = [n["id"] for n in spec.nodes]
    assert len(ids) == len(set(ids)) and set(ids) == map_nodes(bundled)


def test_sources_no_claim_cites_are_left_out(tiny):
    with open(tiny / "sources.bib", "a", encoding="utf-8") as f:
        f.write("\n@book{uncited2001,\n  author = {Nobody, Ann},\n  title = {Never Cited},\n  year = {2001},\n"
                "  status = {complete}\n}\n")
    g = pg.load(tiny)
    assert "source:uncited2001" in filtered_graph(g, kinds=MAP_KINDS)
    drawn = {n["id"] for n in map_spec(g).nodes}
    assert "source:uncited2001" not in drawn and "source:gray1989" in drawn


def test_every_evidence_link_is_an_edge(bundled):
    spec = map_spec(bundled)
    n_links = sum(1 for *_, k in bundled.nx.edges(keys=True) if k.startswith("evidence:"))
    assert sum(e["kind"] == "evidences" for e in spec.edges) == n_links
    ids = {n["id"] for n in spec.nodes}
    assert all(e["from"] in ids and e["to"] in ids for e in spec.edges)


def test_the_page_carries_the_data_it_draws(bundled, page):
    m = re.search(r"var raw = (\[.*?\]);\n", page)
    nodes = json.loads(m.group(1))
    assert {n["id"] for n in nodes} == map_nodes(bundled)


def test_page_loads_nothing_from_the_network(page):
    assert not REMOTE.search(page)
    for host in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "bootstrap"):
        assert host not in page.lower()
    assert "vis.Network" in page and "Content-Security-Policy" in page


def test_page_has_title_legend_and_how_to_read(page):
    assert "<h1 id=\"title\" tabindex=\"-1\">Evidence map: all claims</h1>" in page
    assert 'id="legend"' in page and 'id="how-to-read"' in page
    for stance in STANCE_STYLE:
        assert f"{stance} (direct)" in page


def test_claim_size_grows_with_its_sources(bundled):
    spec = map_spec(bundled)
    sub = filtered_graph(bundled, kinds=MAP_KINDS)

    def n_sources(c):
        direct = {u for u, _, d in sub.in_edges(c, data=True) if d["kind"] == "evidences"
                  and sub.nodes[u]["kind"] == "source"}
        pooled = {m for u, _, d in sub.in_edges(c, data=True) if d["kind"] == "evidences"
                  and sub.nodes[u]["kind"] == "pool" for m, _, k in sub.in_edges(u, keys=True) if k == "pooled_in"}
        return len(direct | pooled)

    sizes = {n["id"]: n["size"] for n in spec.nodes if n["kind"] == "claim"}
    counts = {c: n_sources(c) for c in sizes}
    few, many = min(counts, key=counts.get), max(counts, key=counts.get)
    assert counts[many] > counts[few] and sizes[many] > sizes[few]


def test_stances_differ_by_more_than_colour(bundled):
    heads = {h for _, h in STANCE_STYLE.values()}
    colours = {c for c, _ in STANCE_STYLE.values()}
    assert len(heads) == len(colours) == len(STANCE_STYLE)
    spec = map_spec(bundled)
    ev = [e for e in spec.edges if e["kind"] == "evidences"]
    pooled = [e for e in ev if e["dashes"]]
    direct = [e for e in ev if not e["dashes"]]
    n_pooled = sum(1 for *_, d in bundled.nx.edges(data=True) if d["kind"] == "evidences"
                   and d["attribution"] == "pooled")
    assert len(pooled) == n_pooled and direct
    assert max(e["width"] for e in pooled) < min(e["width"] for e in direct)


@pytest.mark.parametrize("sel, check", [
    pytest.param(Selection(kinds=("Benefit",)), lambda d, g: d["claim_kind"] == "Benefit", id="kind"),
    pytest.param(Selection(kinds=("critical-success-factor",)),
                 lambda d, g: d["claim_kind"] == "CriticalSuccessFactor", id="kind-kebab"),
    pytest.param(Selection(dimensions=("equity",)), lambda d, g: any(c.startswith("Equity") for c in d["cells"]),
                 id="dimension"),
    pytest.param(Selection(levels=("outcome",)), lambda d, g: any(c.endswith("Outcome") for c in d["cells"]),
                 id="level"),
    pytest.param(Selection(dimensions=("effectiveness",), levels=("input",)),
                 lambda d, g: "EffectivenessInput" in d["cells"], id="dimension-and-level"),
], )
def test_filters_keep_only_matching_claims(bundled, sel, check):
    spec = map_spec(bundled, sel)
    claims = [n["id"] for n in spec.nodes if n["kind"] == "claim"]
    assert claims
    assert all(check(bundled.nx.nodes[c], bundled) for c in claims)
    everyone = [n for n, d in bundled.nx.nodes(data=True) if d["kind"] == "claim" and check(d, bundled)]
    assert set(claims) == set(everyone)


def test_source_filter_follows_direct_and_pooled_evidence(bundled):
    G = bundled.nx
    key = max((d["key"] for _, d in G.nodes(data=True) if d["kind"] == "source" and not d["review"]),
              key=lambda k: sum(1 for _, _, e in G.out_edges("source:" + k, data=True) if e["kind"] == "evidences"))
    expected = {v for _, v, e in G.out_edges("source:" + key, data=True) if e["kind"] == "evidences"}
    for _, pool, e in G.out_edges("source:" + key, data=True):
        if e["kind"] == "pooled_in":
            expected |= {v for _, v, ee in G.out_edges(pool, data=True) if ee["kind"] == "evidences"}
    expected |= {u for u, _, e in G.in_edges("source:" + key, data=True) if e["kind"] == "derived_from"}
    assert selected_claims(bundled, Selection(sources=(key,))) == expected


def test_stance_filter_keeps_only_those_links(bundled):
    spec = map_spec(bundled, Selection(stances=("disputes", "qualifies")))
    ev = [e for e in spec.edges if e["kind"] == "evidences"]
    n = sum(1 for *_, d in bundled.nx.edges(data=True) if d["kind"] == "evidences"
            and d["stance"] in ("disputes", "qualifies"))
    assert len(ev) == n > 0
    colours = {STANCE_STYLE["disputes"][0], STANCE_STYLE["qualifies"][0]}
    assert {e["color"]["color"] for e in ev} <= colours


def test_claim_set_filter_takes_members_of_sub_sets(bundled):
    G = bundled.nx
    parent = next(v for u, v, k in G.edges(keys=True) if k == "member_of" and G.nodes[u]["kind"] == "claim_set")
    subsets = [u for u, _, k in G.in_edges(parent, keys=True) if k == "member_of" and G.nodes[u]["kind"] == "claim_set"]
    expected = {u for s in [parent, *subsets] for u, _, k in G.in_edges(s, keys=True)
                if k == "member_of" and G.nodes[u]["kind"] == "claim"}
    got = selected_claims(bundled, Selection(claim_sets=(parent.split(":", 1)[1],)))
    assert got >= expected and expected


@pytest.mark.parametrize("args, code, message", [
    pytest.param(["--source", "nosuchkey"], 1, "no source with key 'nosuchkey'", id="unknown-source"),
    pytest.param(["--claim-set", "nosuchset"], 1, "no claim set 'nosuchset'", id="unknown-set"),
    pytest.param(["--kind", "Benefitt"], 2, "Invalid value for '--kind'", id="unknown-kind"),
    pytest.param(["--dimension", "equality"], 2, "Invalid value for '--dimension'", id="unknown-dimension"),
    pytest.param(["--stance", "refutes"], 2, "Invalid value for '--stance'", id="unknown-stance"),
    pytest.param(["--kind", "Objective", "--stance", "disputes"], 1,
                 "no claim matches kind Objective; stance disputes", id="nothing-matches"),
])
def test_bad_filters_are_refused(args, code, message, tmp_path):
    r = CliRunner().invoke(main, ["map", "-o", str(tmp_path / "m.html"), *args])
    assert r.exit_code == code, r.output
    assert message in r.output
    assert not (tmp_path / "m.html").exists()


def test_map_command_writes_evidence_map_html_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["map", "--kind", "Barrier"])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "partnergraph-output" / "evidence-map-barrier.html").read_text(encoding="utf-8")
    assert "Evidence map: kind Barrier" in html
    assert "Wrote partnergraph-output/evidence-map-barrier.html" in r.output


def test_map_is_written_as_utf8_under_the_c_locale(tmp_path):
    env = {"LC_ALL": "C", "LANG": "C", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "ascii",
           "PARTNERGRAPH_NO_CACHE": "1"}
    out = tmp_path / "m.html"
    r = subprocess.run([sys.executable, "-m", "partnergraph", "map", "--kind", "Benefit", "-o", str(out)],
                       env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "…" in out.read_text(encoding="utf-8") or "“" in out.read_text(encoding="utf-8")


def test_every_data_string_is_escaped(xss, tmp_path):
    html = write_map(xss, tmp_path / "x.html").read_text(encoding="utf-8")
    for text in XSS.values():
        assert text not in html
    # the strings are still there, as JSON with <, > and & escaped
    assert "\\u003cimg src=x onerror=window.__xss=1\\u003e" in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003e" in html


def test_filter_words_in_the_title_are_escaped(bundled):
    sel = Selection(kinds=("Benefit",))
    spec = map_spec(bundled, sel)
    spec.title = "<b>bold</b>"
    html = render_spec(spec)
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_large_graphs_are_laid_out_in_python(bundled):
    spec = map_spec(bundled, Selection(kinds=("Barrier",)), layout_threshold=10)
    assert spec.python_layout and spec.options["physics"] == {"enabled": False}
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in spec.nodes)
    again = map_spec(bundled, Selection(kinds=("Barrier",)), layout_threshold=10)
    assert [(n["x"], n["y"]) for n in again.nodes] == [(n["x"], n["y"]) for n in spec.nodes]
    positions = {(n["x"], n["y"]) for n in spec.nodes}
    assert len(positions) > len(spec.nodes) * 0.9


def test_every_map_is_laid_out_in_python_by_default(bundled):
    spec = map_spec(bundled, Selection(kinds=("Driver",)))
    assert spec.python_layout and spec.options["physics"] == {"enabled": False}


def test_below_a_chosen_threshold_the_browser_settles_with_capped_stabilisation(bundled):
    spec = map_spec(bundled, Selection(kinds=("Barrier",)), layout_threshold=10_000)
    assert not spec.python_layout
    assert spec.options["physics"]["enabled"] is True
    assert spec.options["layout"]["improvedLayout"] is False
    assert spec.options["physics"]["stabilization"]["iterations"] <= 500


def test_importing_the_cli_does_not_import_pyvis():
    code = "import sys, partnergraph.cli; print([m for m in ('pyvis', 'matplotlib', 'jinja2') if m in sys.modules])"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


def test_open_flag_opens_the_written_file(tmp_path, monkeypatch):
    import webbrowser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url))
    out = tmp_path / "m.html"
    r = CliRunner().invoke(main, ["map", "--kind", "Driver", "-o", str(out), "--open"])
    assert r.exit_code == 0, r.output
    assert opened == [out.resolve().as_uri()]


def _overlapping_pairs(nodes: list[dict], gap: float = 0.0) -> list[tuple[str, str]]:
    """Pairs of drawn nodes whose centres are closer than the sum of their sizes plus ``gap`` (every pair)."""
    import numpy as np

    pos = np.array([(n["x"], n["y"]) for n in nodes])
    size = np.array([n["size"] for n in nodes])
    d = np.sqrt(((pos[:, None] - pos[None]) ** 2).sum(2))
    i, j = np.nonzero(np.triu(d < size[:, None] + size[None] + gap, 1))
    return [(nodes[a]["id"], nodes[b]["id"]) for a, b in zip(i.tolist(), j.tolist(), strict=True)]


@pytest.mark.parametrize("kinds", [(), ("Barrier",)], ids=["whole-map", "barriers"])
def test_no_two_nodes_of_the_python_layout_overlap(bundled, kinds):
    spec = map_spec(bundled, Selection(kinds=kinds), layout_threshold=0)
    assert spec.python_layout and len(spec.nodes) > (500 if not kinds else 20)
    assert _overlapping_pairs(spec.nodes) == []
    # the pass keeps the padding between outlines, less its slack of 0.5 and the rounding of positions to 0.1
    from partnergraph.outputs.maplayout import PAD

    assert _overlapping_pairs(spec.nodes, PAD - 0.5 - 0.15) == []


def test_a_crowded_group_is_pushed_apart_until_no_pair_overlaps():
    from partnergraph.outputs.maplayout import PAD, grouped_layout

    nodes = [f"n{i:03d}" for i in range(300)]
    size = {v: 6.0 + (i % 7) * 3 for i, v in enumerate(nodes)}
    size["n000"] = 40.0  # one big node among them
    edges = [(nodes[0], v) for v in nodes[1:60]]  # a hub pulling its neighbours in
    edges += [(nodes[i], nodes[i + 1]) for i in range(1, 299, 2)]
    group = {v: "g" if i % 3 else "h" for i, v in enumerate(nodes)}
    pos = grouped_layout(nodes, edges, size, group)
    drawn = [{"id": v, "x": pos[v][0], "y": pos[v][1], "size": size[v]} for v in nodes]
    assert _overlapping_pairs(drawn) == []
    assert _overlapping_pairs(drawn, PAD - 0.5 - 0.15) == []
    assert grouped_layout(nodes, edges, size, group) == pos
