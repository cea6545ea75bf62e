"""Before and after, in one run: the same commands with an older revision of partnergraph and with this checkout,
alternating within every repetition, each against its baseline or floor measured in the same repetition.

    python benchmarks/before_after.py --before REV            # git revision (extracted with git archive)
    python benchmarks/before_after.py --before REV --only warm,bib-add --runs 5

What it compares (each a fresh process, as a user runs it; CPU time of the child besides wall time, since wall
time on a shared machine is noise):

- ``warm``: ``benefits --dimension efficiency --level output --format json`` on the bundled data, caches warm
  (the same question asked before: the answer cache), against ``benchmarks/baseline.py``;
- ``warm-new``: the same with the graph cache warm but no recorded answer (a question not asked before);
- ``bib-add``: ``bib add`` of the generated 10,000-entry import into 10,000 (as ``run.py``), against
  bibtexparser parsing both files;
- ``validate``: ``validate --no-shacl --quiet`` and ``validate --quiet`` on a generated corpus (``--size``), with
  the peak memory of each (``/usr/bin/time``).

It prints a table and writes nothing (RESULTS.md takes figures from ``run.py --write``).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, parse_size  # noqa: E402
from run import PARSE_BOTH, _env, baseline_cmd, make_import_file  # noqa: E402

QUESTION = ["benefits", "--dimension", "efficiency", "--level", "output", "--format", "json"]


def timed(cmd: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS GiB) of one fresh process (the peak from ``/usr/bin/time`` where it exists)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.NamedTemporaryFile("r") as rss:
        gnu_time = Path("/usr/bin/time").exists()
        wrapped = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *cmd] if gnu_time else cmd
        t = time.perf_counter()
        proc = subprocess.run(wrapped, env=env, cwd=cwd or env.get("PG_BENCH_CWD"), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        wall = time.perf_counter() - t
        peak = rss.read().strip().splitlines()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)}: {proc.stderr.decode(errors='replace')[-1500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, (int(peak[-1]) / 1024 ** 2 if peak and peak[-1].isdigit() else float("nan"))


def env_for(tree: Path, cache: Path) -> dict:
    """The environment that runs ``tree``'s partnergraph: on PYTHONPATH, from a folder that holds no package (with
    ``python -m`` the working folder comes first on sys.path)."""
    env = _env(cache)
    env["PYTHONPATH"] = str(tree)
    env["PG_BENCH_CWD"] = str(cache.parent)
    return env


def extract(rev: str, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def med(xs):
    return statistics.median(xs)


def row(name: str, samples: dict[str, list[tuple[float, float, float]]], base: str) -> list[str]:
    out = []
    b_wall, b_cpu = med([s[0] for s in samples[base]]), med([s[1] for s in samples[base]])
    for label in ("before", "after"):
        w, c = med([s[0] for s in samples[label]]), med([s[1] for s in samples[label]])
        out.append(f"| {name} | {label} | {w:.3f} s | {c:.3f} s | {w / b_wall:.3f}× | {c / b_cpu:.3f}× |")
    out.append(f"| {name} | {base} | {b_wall:.3f} s | {b_cpu:.3f} s | 1× | 1× |")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, help="git revision of the 'before' code")
    ap.add_argument("--only", default="warm,warm-new,bib-add,validate")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--size", default="10k", help="corpus for validate (10k, 30k, 100k)")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "partnergraph-before-after")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    trees = {"before": extract(args.before, args.work / "before"), "after": ROOT}
    py = [sys.executable, "-m", "partnergraph"]
    lines = ["| measurement | code | wall (median) | CPU (median) | wall ratio | CPU ratio |",
             "|---|---|---|---|---|---|"]
    print(f"before = {args.before}, after = {ROOT}; medians of {args.runs}; load {os.getloadavg()[0]:.2f}",
          flush=True)
    data = ROOT / "data"
    if only & {"warm", "warm-new"}:
        s: dict[str, list] = {"before": [], "after": [], "baseline": []}
        fresh: dict[str, list] = {"before": [], "after": [], "baseline": []}
        caches = {k: args.work / f"cache-warm-{k}" for k in trees}
        for k, tree in trees.items():
            shutil.rmtree(caches[k], ignore_errors=True)
            timed(py + QUESTION + ["--data", str(data)], env_for(tree, caches[k]))
        for _ in range(args.runs):
            for k, tree in trees.items():
                s[k].append(timed(py + QUESTION + ["--data", str(data)], env_for(tree, caches[k])))
                if "warm-new" in only:  # the graph cache warm, no recorded answer
                    shutil.rmtree(caches[k] / "answers", ignore_errors=True)
                    fresh[k].append(timed(py + QUESTION + ["--data", str(data)], env_for(tree, caches[k])))
                    timed(py + QUESTION + ["--data", str(data)], env_for(tree, caches[k]))  # record it again
            base = timed(baseline_cmd(data), _env())
            s["baseline"].append(base)
            fresh["baseline"].append(base)
        if "warm" in only:
            lines += row("bundled: warm question (asked before) vs baseline", s, "baseline")
        if "warm-new" in only:
            lines += row("bundled: warm graph cache, question not asked before, vs baseline", fresh, "baseline")
    if "bib-add" in only:
        target = args.work / "10k"
        if not (target / "sources.bib").exists():
            generate(10_000, target)
        imp = args.work / "import-10k.bib"
        if not imp.exists():
            make_import_file(target / "sources.bib", 10_000, imp)
        s = {"before": [], "after": [], "parse both": []}
        outputs = {}
        for _ in range(args.runs):
            for k, tree in trees.items():
                d = Path(tempfile.mkdtemp(prefix="pg-bibadd-", dir=args.work))
                shutil.copy(target / "sources.bib", d / "sources.bib")
                shutil.copy(target / "claims.ttl", d / "claims.ttl")
                s[k].append(timed(py + ["bib", "add", str(imp), "--data", str(d), "--format", "json"],
                                  env_for(tree, args.work / f"cache-bibadd-{k}")))
                outputs[k] = (d / "sources.bib").read_bytes()
                shutil.rmtree(d, ignore_errors=True)
            s["parse both"].append(timed([sys.executable, "-c", PARSE_BOTH, str(target / "sources.bib"), str(imp)],
                                         _env()))
        lines += row("bib add 10k into 10k vs parsing both files", s, "parse both")
        lines.append(f"| (sources.bib written by before and after identical: {outputs['before'] == outputs['after']}) "
                     "| | | | | |")
    if "validate" in only:
        n = parse_size(args.size)
        corpus = args.work / args.size
        if not (corpus / "claims.ttl").exists():
            generate(n, corpus)
        for flags in (["--no-shacl"], []):
            s = {"before": [], "after": [], "parse both": []}
            for _ in range(max(1, min(args.runs, 3))):
                for k, tree in trees.items():
                    cmd = py + ["validate", "--quiet", *flags, "--data", str(corpus)]
                    s[k].append(timed(cmd, env_for(tree, args.work / f"cache-validate-{k}")))
                s["parse both"].append(timed([sys.executable, "-c", PARSE_BOTH, str(corpus / "sources.bib")], _env()))
            name = f"{args.size}: validate {' '.join(flags) or 'with SHACL'} vs bibtexparser parsing sources.bib"
            lines += row(name, s, "parse both")
            for k in trees:
                lines.append(f"| {name} | {k}: peak RSS | {max(x[2] for x in s[k]):.2f} GiB | | | |")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
