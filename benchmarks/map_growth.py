"""How the map's build time grows with the corpus, on both sides of every size threshold of the map and its layout:
``map_spec`` + ``render_spec`` CPU time (the graph loaded beforehand, not timed) on generated corpora, with this
tree's layout and, in the same process, the layout of a git revision (``--before``).

    python benchmarks/map_growth.py                                # the default sizes below; heavy, run alone
    python benchmarks/map_growth.py --sources 9.4k,10.4k --before HEAD~1

The default sizes put the map (about 0.2 nodes per generated source) on both sides of 2,000 nodes (the layout's 80 →
50 iterations), 2,500 (WebGL), 10,000 (50 → 35 iterations, shorter repulsion) and at 20,000. It prints a table
and writes nothing.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, parse_size  # noqa: E402

SIZES = "9.4k,10.4k,11.9k,12.9k,30k,47k,52k,100k"


def layout_of(rev: str):
    """``grouped_layout`` of ``partnergraph/outputs/maplayout.py`` at git revision ``rev``."""
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:partnergraph/outputs/maplayout.py"],
                          capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "_old_maplayout.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("_old_maplayout", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.grouped_layout


def build(g, maps) -> tuple[float, int, str]:
    t = time.process_time()
    spec = maps.map_spec(g)
    maps.render_spec(spec)
    return time.process_time() - t, len(spec.nodes), spec.renderer


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", default=SIZES, help="corpus sizes (sources)")
    ap.add_argument("--before", default="", help="git revision whose layout is measured too")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "partnergraph-scaling")
    args = ap.parse_args(argv)
    import partnergraph as pg
    from partnergraph.outputs import maps

    new = maps.grouped_layout
    old = layout_of(args.before) if args.before else None
    rows = []
    for label in [s.strip() for s in args.sources.split(",") if s.strip()]:
        data = args.work / label
        if not (data / "claims.ttl").exists():
            generate(parse_size(label), data)
        g = pg.load(data)
        before = None
        if old is not None:
            maps.grouped_layout = old
            before = build(g, maps)[0]
            maps.grouped_layout = new
        cpu, nodes, renderer = build(g, maps)
        rows.append((label, nodes, renderer, before, cpu))
        print(f"{label}: {nodes} nodes ({renderer}), " + (f"before {before:.1f} s, " if before is not None else "")
              + f"after {cpu:.1f} s CPU", flush=True)
    print("\n| sources | nodes | renderer | " + ("before (s CPU) | " if old else "") + "after (s CPU) | "
          "µs a node | growth (exponent in nodes) |")
    print("|---:|---:|---|" + ("---:|" if old else "") + "---:|---:|---:|")
    for k, (label, nodes, renderer, before, cpu) in enumerate(rows):
        grow = "—"
        if k and nodes > rows[k - 1][1]:
            grow = f"{math.log(cpu / rows[k - 1][4]) / math.log(nodes / rows[k - 1][1]):.2f}"
        print(f"| {label} | {nodes:,} | {renderer} | " + (f"{before:.1f} | " if old else "")
              + f"{cpu:.1f} | {cpu / nodes * 1e6:.0f} | {grow} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
