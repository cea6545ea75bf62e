"""Time a map of about 1,000 nodes from "write the HTML" to "drawn and settled" in headless Chromium, for
partnergraph's map and for pyvis with its defaults on the same nodes and edges.

partnergraph's page marks itself ready (``<body data-ready="1">``) once drawn with physics settled (or, above
its layout threshold, once drawn from the positions computed in Python). pyvis's page counts as settled when
vis-network has run its stabilisation iterations and draws the network (``stabilizationIterationsDone``); its
physics goes on moving the nodes after that, for minutes at this size, which is not counted.

Each time counts the Python side (building and writing the HTML, with any layout computed in Python) plus the
browser's time from navigation start to settled. Network access is blocked: pyvis's page gets vis-network
inlined (``cdn_resources="in_line"``; its Bootstrap links are dropped); everything else about it is pyvis's
default.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

CHROMIUM = os.environ.get("PARTNERGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TIMEOUT_MS = 300_000


def corpus(work: Path) -> Path:
    """A corpus whose map has about 1,000 nodes with the bundled corpus's connectivity."""
    from generate import generate

    d = work / "map-1000"
    if not (d / "claims.ttl").exists():
        generate(420, d, seed=7, claims_per_source=1.4)
    return d


def write_ours(g, out: Path) -> tuple[float, int]:
    from partnergraph.outputs.maps import map_spec, write_map

    t = time.perf_counter()
    write_map(g, out)
    elapsed = time.perf_counter() - t
    return elapsed, len(map_spec(g).nodes)


def write_pyvis(g, out: Path) -> float:
    """pyvis with its defaults, on the nodes and edges of partnergraph's map (labels and titles as text)."""
    from pyvis.network import Network

    from partnergraph.outputs.maps import map_spec

    spec = map_spec(g)
    t = time.perf_counter()
    net = Network(cdn_resources="in_line")
    for n in spec.nodes:
        net.add_node(n["id"], label=str(n.get("label", n["id"])), title=str(n.get("title", "")))
    for e in spec.edges:
        net.add_edge(e["from"], e["to"])
    html = net.generate_html()
    html = re.sub(r'<link[^>]*bootstrap[^>]*>|<script[^>]*src="https?://[^"]*"[^>]*></script>', "", html)
    out.write_text(html, encoding="utf-8")
    return time.perf_counter() - t


PYVIS_HOOK = """() => { if (window.network && !window.__pgHooked) { window.__pgHooked = true;
  network.once("stabilizationIterationsDone", () => { window.__pgSettled = performance.now(); }); } }"""


def settle(page, url: str, ready_js: str, hook: str | None = None) -> float:
    page.goto(url)
    if hook:
        page.evaluate(hook)
    page.wait_for_function(ready_js, timeout=TIMEOUT_MS, polling="raf")
    return page.evaluate("window.__pgSettled || performance.now()") / 1000


def measure_pair(work: Path, runs: int) -> tuple[list[float], list[float]]:
    """Alternate partnergraph and pyvis ``runs`` times; return their seconds (Python + browser)."""
    from playwright.sync_api import sync_playwright

    import partnergraph as pg

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}")
    g = pg.load(corpus(work), cache=False)
    ours, theirs = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for i in range(runs):
                for who in ("partnergraph", "pyvis"):
                    out = work / f"map-{who}-{i}.html"
                    hook = None
                    if who == "partnergraph":
                        py, n = write_ours(g, out)
                        ready = "document.body.getAttribute('data-ready') === '1'"
                    else:
                        py = write_pyvis(g, out)
                        hook, ready = PYVIS_HOOK, "window.__pgSettled !== undefined"
                    page = browser.new_page()
                    page.route("**/*", lambda r: r.abort() if r.request.url.startswith("http") else r.continue_())
                    try:
                        secs = py + settle(page, out.resolve().as_uri(), ready, hook)
                    finally:
                        page.close()
                    (ours if who == "partnergraph" else theirs).append(secs)
                    print(f"    {who} run {i + 1}: {secs:.2f} s ({n} nodes)", flush=True)
        finally:
            browser.close()
    return ours, theirs
