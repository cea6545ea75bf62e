"""Write docs/img/map.png, map-phone.png and gaps.png: the evidence map (desktop and phone) and the gap matrix
of the bundled corpus, as headless Chromium shows them with the network cut off (the same set-up as
tests/test_browser.py).

Usage: python scripts/screenshots.py [--chromium /usr/bin/chromium] [--out docs/img]

Needs Debian's chromium (apt-get install -y chromium) and Playwright for Python (pip install playwright).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def open_offline(browser, path: Path, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport or {"width": 1440, "height": 900})
    page = context.new_page()
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    return page


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    import partnergraph as pg
    from partnergraph.outputs.gapmap import render_gap_matrix
    from partnergraph.outputs.maps import write_map

    g = pg.load()
    nxg = g.nx
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS, headless=True)
        page = open_offline(browser, write_map(g, Path(tmp) / "evidence-map.html"))
        claim = max((n for n, d in nxg.nodes(data=True) if d["kind"] == "claim"),
                    key=lambda n: sum(1 for *_, k in nxg.in_edges(n, keys=True) if k.startswith("evidence:")))
        page.evaluate("id => window.pgMap.choose(id, false)", claim)
        page.screenshot(path=str(args.out / "map.png"))
        page.context.close()
        page = open_offline(browser, write_map(g, Path(tmp) / "evidence-map.html"), {"width": 390, "height": 844})
        page.screenshot(path=str(args.out / "map-phone.png"))
        page.context.close()

        page = open_offline(browser, render_gap_matrix(g, "html", Path(tmp) / "gaps.html"))
        cell = max(g.gaps(), key=lambda c: c.benefits)
        page.click(f"td[data-cell='{cell.dimension}-{cell.level}'] button")
        page.screenshot(path=str(args.out / "gaps.png"))
        browser.close()
    for name in ("map.png", "map-phone.png", "gaps.png"):
        print(f"Wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
