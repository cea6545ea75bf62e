"""The written pages as a user sees them (issue 5): headless Chromium opens the evidence map and the gap matrix
from file:// with the network cut off, and checks that they draw, count right, answer a click, load nothing
from elsewhere, log no error and never run markup from the data.

Needs Debian's chromium (``apt-get install -y chromium``) and the Playwright package (``pip install
playwright``; its own browser download, ``playwright install``, is not used).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_maps import XSS, write_xss_data

import partnergraph as pg
from partnergraph.outputs.filters import filtered_graph
from partnergraph.outputs.gapmap import render_gap_matrix
from partnergraph.outputs.maps import MAP_KINDS, write_map

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("PARTNERGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed: pip install playwright (no `playwright install`)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get update && apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Visit:
    page: object
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


def visit(browser, path: Path) -> Visit:
    """Open ``path`` with every non-file request aborted and recorded; wait until the page says it is ready."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    v = Visit(page)
    page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: v.errors.append(str(e)))

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            v.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    return v


def click_node(page, node_id: str) -> None:
    """Centre the view on a node, then click it where vis-network draws it."""
    page.evaluate("""id => { const n = window.pgNetwork; const p = n.getPositions([id])[id];
                             n.moveTo({position: p, scale: 2.0, animation: false}); }""", node_id)
    x, y = page.evaluate("""id => { const n = window.pgNetwork; const p = n.getPositions([id])[id];
                                    const d = n.canvasToDOM(p);
                                    const r = document.getElementById('mynetwork').getBoundingClientRect();
                                    return [r.left + d.x, r.top + d.y]; }""", node_id)
    page.mouse.click(x, y)


@pytest.fixture(scope="module")
def map_visit(browser, bundled, tmp_path_factory):
    path = write_map(bundled, tmp_path_factory.mktemp("map") / "evidence-map.html")
    v = visit(browser, path)
    yield v
    v.page.context.close()


def test_map_canvas_is_drawn(map_visit):
    painted = map_visit.page.evaluate("""() => { const c = document.querySelector('#mynetwork canvas');
        const ctx = c.getContext('2d'); const d = ctx.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return [c.width, c.height, n]; }""")
    width, height, pixels = painted
    assert width > 300 and height > 300
    assert pixels > 5000, "the canvas has drawn nodes and edges"


def test_map_node_count_equals_the_data(map_visit, bundled):
    n = sum(1 for _, d in bundled.nx.nodes(data=True) if d["kind"] in MAP_KINDS)
    assert map_visit.page.evaluate("window.pgNodes.length") == n
    n_links = sum(1 for *_, k in bundled.nx.edges(keys=True) if k.startswith("evidence:"))
    assert map_visit.page.evaluate("window.pgEdges.get({filter: e => e.kind === 'evidences'}).length") == n_links


def test_map_logs_no_error_and_stays_on_the_machine(map_visit):
    assert map_visit.errors == []
    assert map_visit.outside == []


def test_clicking_a_claim_shows_its_evidence(map_visit, bundled):
    G = bundled.nx
    claim = max((n for n, d in G.nodes(data=True) if d["kind"] == "claim"),
                key=lambda n: sum(1 for *_, k in G.in_edges(n, keys=True) if k.startswith("evidence:")))
    n_links = sum(1 for *_, k in G.in_edges(claim, keys=True) if k.startswith("evidence:"))
    page = map_visit.page
    click_node(page, claim)
    assert page.evaluate("window.pgNetwork.getSelectedNodes()") == [claim]
    assert page.inner_text("#evidence h2") == G.nodes[claim]["label"]
    items = page.query_selector_all("#evidence ol li")
    assert len(items) == n_links
    first = next(e for *_, e in sorted(G.in_edges(claim, data=True), key=lambda t: (t[0], t[2].get("evidence", "")))
                 if e["kind"] == "evidences")
    assert first["stance"] in items[0].inner_text()


def test_clicking_a_source_lists_the_claims_it_evidences(map_visit, bundled):
    G = bundled.nx
    src = max((n for n, d in G.nodes(data=True) if d["kind"] == "source" and not d["review"]),
              key=lambda n: sum(1 for *_, k in G.out_edges(n, keys=True) if k.startswith("evidence:")))
    n_links = sum(1 for *_, k in G.out_edges(src, keys=True) if k.startswith("evidence:"))
    n_pools = sum(1 for *_, k in G.out_edges(src, keys=True) if k == "pooled_in")
    click_node(map_visit.page, src)
    assert map_visit.page.evaluate("window.pgNetwork.getSelectedNodes()") == [src]
    assert len(map_visit.page.query_selector_all("#evidence ol li")) == n_links + n_pools


def test_markup_in_the_data_never_runs_in_the_map(browser, tmp_path):
    g = pg.load(write_xss_data(tmp_path / "xss"))
    path = write_map(g, tmp_path / "xss.html")
    v = visit(browser, path)
    page = v.page
    ids = page.evaluate("window.pgNodes.getIds()")
    assert len(ids) == filtered_graph(g, kinds=MAP_KINDS).number_of_nodes()
    for node in ids:  # every side panel, as a click shows it
        page.evaluate("id => window.pgShow(id)", node)
    click_node(page, "claim:trust")
    panel = page.inner_text("#evidence")
    assert XSS["claim"] in panel and XSS["quote"] in panel and XSS["locator"] in panel
    assert page.query_selector("#evidence img, #evidence script, #evidence b") is None
    click_node(page, "source:gray1989")
    page.mouse.move(5, 5)
    click_node(page, "source:gray1989")
    assert page.evaluate("window.__xss") is None
    assert v.errors == [] and v.outside == []
    page.context.close()


def test_tooltips_show_markup_as_text(browser, tmp_path):
    g = pg.load(write_xss_data(tmp_path / "xss"))
    v = visit(browser, write_map(g, tmp_path / "xss.html"))
    page = v.page
    page.evaluate("""id => { const n = window.pgNetwork; n.moveTo({position: n.getPositions([id])[id], scale: 2,
                                                                   animation: false}); }""", "source:gray1989")
    box = page.query_selector("#mynetwork").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 + 1, box["y"] + box["height"] / 2 + 1)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    tip = page.query_selector("div.vis-tooltip")
    assert XSS["title"] in tip.inner_text()
    assert tip.query_selector("img") is None
    assert page.evaluate("window.__xss") is None
    page.context.close()


@pytest.fixture(scope="module")
def gap_visit(browser, bundled, tmp_path_factory):
    path = render_gap_matrix(bundled, "html", tmp_path_factory.mktemp("gaps") / "egm.html")
    v = visit(browser, path)
    yield v
    v.page.context.close()


def test_gap_matrix_draws_every_cell(gap_visit, bundled):
    page = gap_visit.page
    assert len(page.query_selector_all("td[data-cell]")) == 12
    n_gaps = sum(c.gap for c in bundled.gaps())
    assert len(page.query_selector_all("td.gap")) == n_gaps
    bubbles = page.query_selector_all("td.filled .bubble")
    assert len(bubbles) == 12 - n_gaps and all(b.bounding_box()["width"] > 10 for b in bubbles)
    assert gap_visit.errors == [] and gap_visit.outside == []


def test_clicking_a_cell_lists_its_claims_and_sources(gap_visit, bundled):
    cell = max(bundled.gaps(), key=lambda c: c.benefits)
    page = gap_visit.page
    page.click(f"td[data-cell='{cell.dimension}-{cell.level}'] button")
    assert page.inner_text("#cell-detail h2") == f"{cell.dimension} / {cell.level}"
    items = page.query_selector_all("#cell-detail ol > li")
    assert [i.get_attribute("data-claim") for i in items] == list(cell.claims)


def test_markup_in_the_data_never_runs_in_the_gap_matrix(browser, tmp_path):
    g = pg.load(write_xss_data(tmp_path / "xss"))
    v = visit(browser, render_gap_matrix(g, "html", tmp_path / "egm.html"))
    page = v.page
    for cell in page.query_selector_all("td button[data-cell]"):
        cell.click()
    page.click("td[data-cell='economy-input'] button")
    panel = page.inner_text("#cell-detail")
    assert XSS["benefit"] in panel
    assert page.query_selector("#cell-detail img") is None
    assert page.evaluate("window.__xss") is None
    assert v.errors == [] and v.outside == []
    page.context.close()


def test_map_laid_out_in_python_opens_without_physics(browser, bundled, tmp_path):
    from partnergraph.outputs.filters import Selection
    from partnergraph.outputs.maps import map_spec

    sel = Selection(kinds=("Barrier",))
    v = visit(browser, write_map(bundled, tmp_path / "big.html", sel, layout_threshold=10))
    page = v.page
    spec = map_spec(bundled, sel, layout_threshold=10)
    assert page.evaluate("window.pgNodes.length") == len(spec.nodes)
    node = spec.nodes[0]
    pos = page.evaluate("id => window.pgNetwork.getPositions([id])[id]", node["id"])
    assert abs(pos["x"] - node["x"]) <= 1 and abs(pos["y"] - node["y"]) <= 1  # vis rounds positions
    assert page.evaluate("window.pgNetwork.physics.options.enabled") is False
    assert v.errors == [] and v.outside == []
    page.context.close()
