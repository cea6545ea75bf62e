"""How the librarian's and reviewer's commands grow with the corpus: ``bib dedupe``, ``bib lint``, ``validate`` (with
SHACL) and ``map``, each run once as the CLI on generated corpora of several sizes, with wall time, CPU time and
peak memory, and the growth between sizes as an exponent (1 = linear; n log n from 10k to 100k is about 1.1).

    python benchmarks/scaling.py --sizes 10k,30k,100k      # heavy: run it alone on the machine
    python benchmarks/scaling.py --sizes 1k,3k --only dedupe,lint
    python benchmarks/scaling.py --only dedupe,lint --before e55c8a4   # each command with that revision too

It prints a table and writes nothing. A command that takes longer than ``--timeout`` is reported as such.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from before_after import extract, timed  # noqa: E402
from generate import generate, parse_size  # noqa: E402
from run import _env  # noqa: E402

COMMANDS = {
    "dedupe": ["bib", "dedupe", "--format", "json"],
    "lint": ["bib", "lint", "--format", "json"],
    "validate": ["validate", "--quiet"],
    "map": ["map", "--force", "-o", "{out}/map.html"],
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,30k,100k")
    ap.add_argument("--only", default=",".join(COMMANDS))
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds a command may take")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "partnergraph-scaling")
    ap.add_argument("--before", default="", help="git revision measured too, in the same run (alternating)")
    args = ap.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    names = [c for c in args.only.split(",") if c]
    args.work.mkdir(parents=True, exist_ok=True)
    env = _env(args.work / "cache")
    env["PYTHONPATH"] = str(ROOT)
    env["PG_BENCH_CWD"] = str(args.work)
    trees = {"after": ROOT}
    if args.before:
        trees = {"before": extract(args.before, Path(tempfile.mkdtemp()) / "before"), "after": ROOT}
    got: dict[tuple[str, str, str], tuple[float, float, float] | None] = {}
    for label in sizes:
        data = args.work / label
        if not (data / "claims.ttl").exists():
            generate(parse_size(label), data)
        for name in names:
            for which, tree in trees.items():
                env["PYTHONPATH"] = str(tree)
                cmd = [sys.executable, "-m", "partnergraph", *[a.format(out=args.work) for a in COMMANDS[name]],
                       "--data", str(data)]
                try:
                    got[(which, name, label)] = timed(["timeout", str(int(args.timeout)), *cmd], env)
                except (RuntimeError, subprocess.SubprocessError) as exc:
                    print(f"{which} {name} {label}: {str(exc)[-300:]}", file=sys.stderr)
                    got[(which, name, label)] = None
                r = got[(which, name, label)]
                said = "failed or timed out" if r is None else f"{r[0]:.1f} s wall, {r[1]:.1f} s CPU, {r[2]:.2f} GiB"
                print(f"{which} {name} {label}: {said}", flush=True)
    print("\n| command | " + " | ".join(sizes) + " | growth (CPU exponent between sizes) | peak memory |")
    print("|---|" + "---|" * len(sizes) + "---|---|")
    for which in trees:
        for name in names:
            cells, growth = [], []
            for i, label in enumerate(sizes):
                r = got.get((which, name, label))
                cells.append("—" if r is None else f"{r[0]:.1f} s wall / {r[1]:.1f} s CPU")
                if i and r is not None and got.get((which, name, sizes[i - 1])) is not None:
                    prev = got[(which, name, sizes[i - 1])]
                    ratio = parse_size(label) / parse_size(sizes[i - 1])
                    growth.append(f"{math.log(max(r[1], 1e-3) / max(prev[1], 1e-3)) / math.log(ratio):.2f}")
            peak = max((r[2] for label in sizes if (r := got.get((which, name, label))) is not None),
                       default=float("nan"))
            title = name if len(trees) == 1 else f"{name} ({which}{' ' + args.before if which == 'before' else ''})"
            print(f"| {title} | " + " | ".join(cells) + f" | {', '.join(growth) or '—'} | {peak:.2f} GiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
