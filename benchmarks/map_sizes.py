"""Where the map's thresholds lie: for maps of several sizes, the time to build the page in Python (layout
included), the time until the page is usable in headless Chromium with the layout computed in Python, the time
until it is usable when vis-network settles the layout itself (physics on; small maps only), and the time one
redraw takes with vis-network on a canvas and with sigma.js on WebGL. Sizes are taken on both sides of each
threshold (the Python layout, the WebGL renderer).

Usage::

    python benchmarks/map_sizes.py [--sizes 60,250,789,2000,5000,20000] [--out FILE.md]

Prints a Markdown table (and writes it with ``--out``). Each browser time is one page load on a fresh page,
network blocked; ``python`` is wall time of ``map_spec`` + ``render_spec`` in this process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
CHROMIUM = os.environ.get("PARTNERGRAPH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PHYSICS_MAX = 1000
"""Above this many nodes in-browser settling is not measured (it takes minutes)."""

REDRAW_VIS = """() => new Promise(done => { const n = window.pgNetwork; const t = performance.now();
  n.once('afterDrawing', () => done(performance.now() - t)); n.moveTo({scale: n.getScale() * 1.1}); n.redraw(); })"""
REDRAW_SIGMA = """() => { const s = window.pgSigma; const c = s.getCamera(); const t = performance.now();
  c.setState({ratio: c.ratio * 0.9}); s.refresh(); return performance.now() - t; }"""


def graph_for(size: int, work: Path):
    """The bundled corpus (or a part of it) for small sizes, a generated corpus for larger ones."""
    from partnergraph.filters import Selection

    import partnergraph as pg

    if size <= 800:
        g = pg.load()
        for sel in (Selection(kinds=("Driver",)), Selection(kinds=("Barrier", "Driver")),
                    Selection(kinds=("Benefit", "Barrier", "Driver", "CriticalSuccessFactor")), Selection()):
            from partnergraph.maps import map_spec

            if len(map_spec(g, sel, layout_threshold=10 ** 9).nodes) >= size * 0.8:
                return g, sel
        return g, Selection()
    from generate import generate

    d = work / f"map-{size}"
    if not (d / "claims.ttl").exists():
        generate(round(size * 0.42), d, seed=7, claims_per_source=1.4)
    return pg.load(d, cache=False), Selection()


def usable_ms(browser, path: Path, timeout_ms: int = 300_000) -> tuple[float, object]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.route("**/*", lambda r: r.abort() if not r.request.url.startswith("file:") else r.continue_())
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=timeout_ms)
    return page.evaluate("window.pgTimes.usable"), page


def measure(sizes: list[int], work: Path) -> list[dict]:
    from partnergraph.maps import map_spec, render_spec
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for size in sizes:
            g, sel = graph_for(size, work)
            row = {"size": size}
            for renderer, webgl_threshold in (("canvas", 10 ** 9), ("webgl", 0)):
                t = time.perf_counter()
                spec = map_spec(g, sel, layout_threshold=0, webgl_threshold=webgl_threshold)
                html = render_spec(spec)
                row[f"python_{renderer}_s"] = time.perf_counter() - t
                row["nodes"] = len(spec.nodes)
                row[f"html_{renderer}_mb"] = len(html.encode("utf-8")) / 1e6
                path = work / f"map-{size}-{renderer}.html"
                path.write_text(html, encoding="utf-8")
                ms, page = usable_ms(browser, path)
                row[f"usable_{renderer}_ms"] = ms
                js = REDRAW_VIS if renderer == "canvas" else REDRAW_SIGMA
                row[f"redraw_{renderer}_ms"] = sorted(page.evaluate(js) for _ in range(5))[2]
                page.close()
            if row["nodes"] <= PHYSICS_MAX:
                spec = map_spec(g, sel, layout_threshold=10 ** 9)
                path = work / f"map-{size}-physics.html"
                path.write_text(render_spec(spec), encoding="utf-8")
                ms, page = usable_ms(browser, path)
                row["usable_physics_ms"] = ms
                page.close()
            rows.append(row)
            print(row, flush=True)
        browser.close()
    return rows


def table(rows: list[dict]) -> str:
    out = ["| nodes | Python: build page (s) | usable, Python layout, canvas (s) | usable, settled in browser (s) | "
           "redraw canvas (ms) | Python: WebGL page (s) | usable, WebGL (s) | redraw WebGL (ms) | "
           "HTML canvas / WebGL (MB) |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        phys = f"{r['usable_physics_ms'] / 1000:.1f}" if "usable_physics_ms" in r else "not measured"
        out.append(f"| {r['nodes']:,} | {r['python_canvas_s']:.2f} | {r['usable_canvas_ms'] / 1000:.2f} | {phys} | "
                   f"{r['redraw_canvas_ms']:.0f} | {r['python_webgl_s']:.2f} | {r['usable_webgl_ms'] / 1000:.2f} | "
                   f"{r['redraw_webgl_ms']:.0f} | {r['html_canvas_mb']:.1f} / {r['html_webgl_mb']:.1f} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="60,250,789,2000,5000,20000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/partnergraph-bench"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    text = table(measure([int(x) for x in args.sizes.split(",")], args.work))
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
