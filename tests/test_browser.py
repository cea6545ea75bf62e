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
from test_maps import XSS, map_nodes, write_xss_data

import partnergraph as pg
from partnergraph.outputs.gapmap import render_gap_matrix
from partnergraph.outputs.maps import write_map

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


DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def visit(browser, path: Path, viewport: dict | None = None) -> Visit:
    """Open ``path`` with every non-file request aborted and recorded; wait until the page says it is ready."""
    context = browser.new_context(viewport=viewport or DESKTOP, accept_downloads=True)
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
def map_path(bundled, tmp_path_factory):
    return write_map(bundled, tmp_path_factory.mktemp("map") / "evidence-map.html", layout_threshold=0)


@pytest.fixture(scope="module")
def map_visit(browser, map_path):
    v = visit(browser, map_path)
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
    assert set(map_visit.page.evaluate("window.pgNodes.getIds()")) == map_nodes(bundled)
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
    n_relations = sum(1 for *_, d in G.in_edges(claim, data=True) if d["kind"] == "relates")
    page = map_visit.page
    click_node(page, claim)
    assert page.evaluate("window.pgNetwork.getSelectedNodes()") == [claim]
    assert page.inner_text("#evidence h2") == G.nodes[claim]["label"]
    items = page.query_selector_all("#evidence ol li")
    assert len(items) == n_links + n_relations, "its evidence, then the claims that bear on it"
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
    assert set(ids) == map_nodes(g)
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
    widths = {}
    for c in bundled.gaps():
        b = page.query_selector(f"td[data-cell='{c.dimension}-{c.level}'] .bubble.all-view")
        if c.gap:
            assert b is None or not b.is_visible()
        else:
            widths[c] = b.bounding_box()["width"]
    few, many = min(widths, key=lambda c: c.benefits), max(widths, key=lambda c: c.benefits)
    assert widths[many] > widths[few], "bubble area counts benefits"
    assert gap_visit.errors == [] and gap_visit.outside == []


def test_gap_word_has_enough_contrast(gap_visit):
    page = gap_visit.page
    fg, bg = page.evaluate("""() => { const e = document.querySelector('td.gap .gapword');
        const s = getComputedStyle(e);
        return [s.color, s.backgroundColor]; }""")

    def lum(css):
        r, g, b = [int(x) / 255 for x in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
        f = [(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4) for c in (r, g, b)]
        return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]

    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    assert (hi + 0.05) / (lo + 0.05) >= 4.5


def test_clicking_a_cell_lists_its_claims_with_quotes_and_a_csv(gap_visit, bundled):
    import csv
    import io

    cell = max(bundled.gaps(), key=lambda c: c.sources_direct)
    page = gap_visit.page
    page.click(f"td[data-cell='{cell.dimension}-{cell.level}'] button")
    assert page.inner_text("#cell-detail h2") == f"{cell.dimension.capitalize()} / {cell.level}"
    items = page.query_selector_all("#cell-detail ol > li")
    assert {i.get_attribute("data-claim") for i in items} == set(cell.claims)
    assert page.query_selector("#cell-detail q") is not None, "direct evidence shows its quote"
    with page.expect_download() as dl:
        page.click("#save-csv")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows and {r["attribution"] for r in rows} <= {"direct", "pooled"}
    assert sum(r["attribution"] == "direct" for r in rows) >= cell.sources_direct
    page.check("#direct-only")
    shown = page.query_selector_all("#cell-detail ol > li")
    assert 0 < len(shown) < len(items)
    n_direct_gaps = sum(1 for c in bundled.gaps() if c.sources_direct == 0)
    assert len([e for e in page.query_selector_all("td .gapword") if e.is_visible()]) == n_direct_gaps
    page.uncheck("#direct-only")


@pytest.fixture(scope="module")
def gap_phone(browser, bundled, tmp_path_factory):
    path = render_gap_matrix(bundled, "html", tmp_path_factory.mktemp("gaps-phone") / "egm.html")
    v = visit(browser, path, PHONE)
    yield v
    v.page.context.close()


def test_gap_matrix_on_a_phone_shows_every_column_and_stacks_the_panel(gap_phone):
    page = gap_phone.page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.query_selector("td[data-cell='equity-outcome']").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"] and box["width"] > 60
    page.focus("td[data-cell='effectiveness-outcome'] button")
    page.keyboard.press("Enter")
    panel = page.query_selector("#cell-detail").bounding_box()
    assert panel["width"] >= 0.9 * PHONE["width"] - 16
    assert gap_phone.errors == [] and gap_phone.outside == []


def test_claim_kinds_stay_apart_under_simulated_colour_blindness(map_visit):
    import io

    from matplotlib.image import imread

    page = map_visit.page
    cdp = page.context.new_cdp_session(page)
    cats = ["claim:Barrier", "claim:CriticalSuccessFactor", "claim:Driver", "claim:finding", "claim:other",
            "benefit:effectiveness"]
    try:
        for deficiency in ("deuteranopia", "protanopia", "achromatopsia"):
            cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": deficiency})
            shots = {c: imread(io.BytesIO(page.query_selector(f"#legend button[data-cat='{c}'] svg").screenshot()))
                     for c in cats}
            for i, a in enumerate(cats):
                for b in cats[i + 1:]:
                    x, y = shots[a][..., :3].mean(-1), shots[b][..., :3].mean(-1)
                    # a symbol at a fractional position is shot one pixel larger: compare the area both cover
                    h, w = min(x.shape[0], y.shape[0]), min(x.shape[1], y.shape[1])
                    differ = (abs(x[:h, :w] - y[:h, :w]) > 0.1).mean()
                    assert differ > 0.03, (deficiency, a, b)
    finally:
        cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": "none"})


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


# --- the map as a reader uses it (issue 16) ---------------------------------------------------------------

LABEL_OVERLAP_MAX = 0.02
"""At most this share of the labels drawn at the default view may overlap another label (0 when drawn)."""
MIN_LABELS = 15
"""At least this many labels are drawn at the default desktop view (the biggest nodes are named at once)."""


def overlap_share(boxes: list[list[float]]) -> float:
    """Share of label boxes ``[x0, y0, x1, y1]`` that intersect another box."""
    hit = sum(1 for i, a in enumerate(boxes) if any(
        j != i and a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1] for j, b in enumerate(boxes)))
    return hit / len(boxes) if boxes else 0.0


def record_times(page, record_property, name: str) -> None:
    """Time to first paint and to usable (ms since navigation start), recorded, never asserted."""
    times = page.evaluate("""() => ({paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
                                     usable: (window.pgTimes || {}).usable})""")
    record_property(f"{name}_first_paint_ms", round(times["paint"] or -1))
    record_property(f"{name}_usable_ms", round(times["usable"] or -1))
    print(f"{name}: first paint {times['paint']:.0f} ms, usable {times['usable'] or -1:.0f} ms")


def test_map_opens_with_readable_labels_that_do_not_overlap(map_visit, record_property):
    page = map_visit.page
    record_times(page, record_property, "map_desktop")
    page.evaluate("window.pgMap.choose(null); window.pgNetwork.fit({animation: false})")  # the default view
    page.wait_for_timeout(100)
    boxes = page.evaluate("window.pgMap.drawn.map(b => [b.x0, b.y0, b.x1, b.y1])")
    assert len(boxes) >= MIN_LABELS
    share = overlap_share(boxes)
    record_property("map_label_overlap", share)
    assert share <= LABEL_OVERLAP_MAX
    size = page.evaluate("(() => { const r = document.getElementById('mynetwork').getBoundingClientRect(); "
                         "return [r.width, r.height]; })()")
    assert all(0 <= b[0] and b[2] <= size[0] and 0 <= b[1] and b[3] <= size[1] for b in boxes), "no label is cut"
    sizes = page.evaluate("window.pgMap.drawn.map(b => b.px)")
    assert max(sizes) > min(sizes), "labels are sized by weight"


def node_centres(page) -> dict[str, list[float]]:
    return page.evaluate("""() => { const out = {};
        const box = document.getElementById('mynetwork').getBoundingClientRect();
        window.pgNodes.getIds().forEach(id => {
            const p = window.pgNetwork.canvasToDOM(window.pgNetwork.getPositions([id])[id]);
            if (p.x > 5 && p.y > 5 && p.x < box.width - 5 && p.y < box.height - 5) {
                out[id] = [box.left + p.x, box.top + p.y]; } });
        return out; }""")


def test_a_click_at_a_nodes_centre_selects_that_node_and_keeps_its_colour(map_visit, bundled):
    page = map_visit.page
    page.evaluate("window.pgMap.choose(null); window.pgNetwork.fit({animation: false})")
    centres = node_centres(page)
    benefits = sorted(n for n, d in bundled.nx.nodes(data=True) if d.get("claim_kind") == "Benefit" and n in centres)
    assert len(benefits) > 50
    box = page.query_selector("#mynetwork").bounding_box()
    hits = page.evaluate("""([ids, centres, x0, y0]) =>
        ids.map(id => window.pgMap.nodeAt(centres[id][0] - x0, centres[id][1] - y0))""",
                         [benefits, centres, box["x"], box["y"]])
    assert [h for h, n in zip(hits, benefits, strict=True) if h != n] == [], "every benefit is under its centre"
    missed = []
    for node in benefits[::6]:  # and real clicks on a sample of them
        x, y = centres[node]
        page.mouse.click(x, y)
        if page.evaluate("window.pgNetwork.getSelectedNodes()") != [node]:
            missed.append(node)
    assert missed == []
    # the selected node is drawn in its own fill colour, with a dark outline
    clear = page.evaluate("""ids => ids.filter(id => { const m = window.pgMap, nw = window.pgNetwork;
        const p = nw.getPositions([id])[id], r = m.byId[id].size;
        return window.pgNodes.getIds().every(o => { if (o === id) return true; const q = nw.getPositions([o])[o];
            return Math.hypot(p.x - q.x, p.y - q.y) > r + m.byId[o].size + 4; }); })""", benefits)
    assert clear, "some benefit stands clear of every other node"
    node = max(clear, key=lambda n: page.evaluate("id => window.pgMap.byId[id].size", n))
    x, y = centres[node]
    page.mouse.click(x, y)
    page.mouse.move(2, 2)
    page.evaluate("""id => { const n = window.pgNetwork;
        n.moveTo({position: n.getPositions([id])[id], scale: 2, animation: false}); }""", node)
    x, y = node_centres(page)[node]
    fill = page.evaluate("id => window.pgMap.byId[id].color.background", node)
    pixel = page.evaluate("""([x, y]) => { const c = document.querySelector('#mynetwork canvas');
        const r = c.getBoundingClientRect(); const k = c.width / r.width;
        const d = c.getContext('2d').getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data;
        return '#' + [d[0], d[1], d[2]].map(v => v.toString(16).padStart(2, '0')).join('').toUpperCase(); }""", [x, y])
    assert max(abs(int(pixel[i:i + 2], 16) - int(fill[i:i + 2], 16)) for i in (1, 3, 5)) <= 8, (pixel, fill)
    assert page.evaluate("window.pgNetwork.getSelectedNodes()") == [node]


def test_a_click_on_empty_space_clears_the_panel(map_visit):
    page = map_visit.page
    centres = node_centres(page)
    x, y = next(iter(centres.values()))
    page.mouse.click(x, y)
    assert page.evaluate("window.pgNetwork.getSelectedNodes()").__len__() == 1
    box = page.query_selector("#mynetwork").bounding_box()
    spot = page.evaluate("""([w, h]) => { for (let y = 10; y < h; y += 7) for (let x = 10; x < w; x += 7)
        if (!window.pgMap.nodeAt(x, y)) return [x, y]; return null; }""", [box["width"], box["height"]])
    page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    assert page.evaluate("window.pgNetwork.getSelectedNodes()") == []
    assert "Click a claim" in page.inner_text("#evidence")


def test_keyboard_alone_goes_from_search_to_a_quote(map_visit, bundled):
    G = bundled.nx
    claim = max((n for n, d in G.nodes(data=True) if d["kind"] == "claim"),
                key=lambda n: sum(1 for _, _, e in G.in_edges(n, data=True) if e["kind"] == "evidences" and e["quote"]))
    words = G.nodes[claim]["label"]
    page = map_visit.page
    page.evaluate("window.pgMap.choose(null); window.scrollTo(0, 0)")
    page.focus("#title")  # where a reader starts: the top of the page
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "search":
            break
    assert page.evaluate("document.activeElement.id") == "search", "Tab reaches the search box"
    page.keyboard.type(words)
    options = page.query_selector_all("#search-results li")
    assert options and options[0].get_attribute("data-node") == claim
    page.keyboard.press("Enter")
    assert page.evaluate("window.pgNetwork.getSelectedNodes()") == [claim]
    assert page.inner_text("#evidence h2") == G.nodes[claim]["label"]
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#evidence li')"):
            break
    row = page.evaluate_handle("document.activeElement.closest('#evidence li')")
    assert row.as_element().query_selector("q.quote") is not None
    target = page.evaluate("document.activeElement.getAttribute('data-node')")
    page.keyboard.press("Enter")
    assert page.evaluate("window.pgNetwork.getSelectedNodes()") == [target], "a row takes you to its node"


def test_saving_the_view_gives_an_svg_and_a_300_dpi_png(map_visit):
    import struct
    import xml.dom.minidom

    page = map_visit.page
    with page.expect_download() as dl:
        page.click("#save-svg")
    svg = Path(dl.value.path()).read_text(encoding="utf-8")
    doc = xml.dom.minidom.parseString(svg)
    n_labels = page.evaluate("window.pgMap.drawn.length")
    assert len(doc.getElementsByTagName("text")) == n_labels > 0
    assert len(doc.getElementsByTagName("circle")) + len(doc.getElementsByTagName("polygon")) > 100
    with page.expect_download() as dl:
        page.click("#save-png")
    png = Path(dl.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = struct.unpack(">I", png[16:20])[0]
    view = page.evaluate("document.getElementById('mynetwork').clientWidth")
    assert width >= view * 3
    i = png.index(b"pHYs")
    ppm = struct.unpack(">I", png[i + 4:i + 8])[0]
    assert round(ppm * 0.0254) == 300


@pytest.fixture(scope="module")
def map_phone(browser, map_path):
    v = visit(browser, map_path, PHONE)
    yield v
    v.page.context.close()


def test_on_a_phone_the_map_and_panel_stack_at_full_width(map_phone, record_property):
    page = map_phone.page
    record_times(page, record_property, "map_phone")
    for sel in ("#mapbox", "#evidence", "#legend", "#search"):
        box = page.query_selector(sel).bounding_box()
        assert box["width"] >= 0.9 * PHONE["width"] - 32, sel  # the page's own padding aside
    assert page.query_selector("#mapbox").bounding_box()["width"] >= 0.9 * PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert map_phone.errors == [] and map_phone.outside == []


def test_search_results_show_markup_as_text(browser, tmp_path):
    g = pg.load(write_xss_data(tmp_path / "xss"))
    v = visit(browser, write_map(g, tmp_path / "xss.html", layout_threshold=0))
    page = v.page
    page.fill("#search", "script")
    assert XSS["claim"] in page.inner_text("#search-results")
    page.keyboard.press("Enter")
    with page.expect_download() as dl:
        page.click("#save-svg")
    import xml.dom.minidom

    xml.dom.minidom.parseString(Path(dl.value.path()).read_text(encoding="utf-8"))  # well-formed
    assert page.query_selector("#search-results img, #evidence img, #evidence script") is None
    assert page.evaluate("window.__xss") is None
    assert v.errors == [] and v.outside == []
    page.context.close()


def test_legend_entries_and_filters_hide_and_show_nodes(map_visit, bundled):
    page = map_visit.page
    G = bundled.nx
    n_barriers = sum(1 for _, d in G.nodes(data=True) if d.get("claim_kind") == "Barrier")
    hidden = "() => window.pgNodes.get({filter: n => n.hidden}).map(n => n.id)"
    page.click("#legend button[data-cat='claim:Barrier']")
    gone = page.evaluate(hidden)
    assert sum(1 for n in gone if G.nodes[n].get("claim_kind") == "Barrier") == n_barriers
    assert page.get_attribute("#legend button[data-cat='claim:Barrier']", "aria-pressed") == "false"
    page.click("#legend button[data-cat='claim:Barrier']")
    assert page.evaluate(hidden) == []
    page.click("#filters summary")
    page.check("#direct-only")
    pooled = page.evaluate("window.pgEdges.get({filter: e => e.attribution === 'pooled' && !e.hidden}).length")
    assert pooled == 0
    shown_claims = set(page.evaluate("window.pgNodes.get({filter: n => !n.hidden && n.id.startsWith('claim:')})"
                                     ".map(n => n.id)"))
    assert shown_claims and all(any(G.nodes[u]["kind"] == "source" for u, _, e in G.in_edges(c, data=True)
                                    if e["kind"] == "evidences") for c in shown_claims)
    page.click("#filter-reset")
    assert page.evaluate(hidden) == []
    page.click("#filters summary")


@pytest.fixture(scope="module")
def webgl_visit(browser, bundled, tmp_path_factory):
    from partnergraph.outputs.filters import Selection

    path = write_map(bundled, tmp_path_factory.mktemp("webgl") / "large.html", Selection(kinds=("Barrier", "Driver")),
                     webgl_threshold=0)
    v = visit(browser, path)
    yield v
    v.page.context.close()


def test_the_webgl_map_draws_offline_with_the_same_panel_and_search(webgl_visit, record_property):
    page = webgl_visit.page
    record_times(page, record_property, "map_webgl")
    assert page.evaluate("!!window.pgSigma && window.pgSigma.getGraph().order") > 50
    node = page.evaluate("window.pgSigma.getGraph().nodes().find(n => n.startsWith('claim:'))")
    x, y = page.evaluate("""id => { const s = window.pgSigma, a = s.getGraph().getNodeAttributes(id);
        const p = s.graphToViewport({x: a.x, y: a.y});
        const r = document.getElementById('mynetwork').getBoundingClientRect();
        return [r.left + p.x, r.top + p.y]; }""", node)
    page.mouse.click(x, y)
    assert page.evaluate("window.pgMap.selected()") == node
    assert page.inner_text("#evidence h2") == page.evaluate("id => window.pgMap.byId[id].full", node)
    page.fill("#search", page.evaluate("id => window.pgMap.byId[id].full", node)[:20])
    assert page.query_selector_all("#search-results li")
    assert "licence" in page.inner_text("#licences summary").lower()
    assert webgl_visit.errors == [] and webgl_visit.outside == []
