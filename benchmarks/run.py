"""Benchmark partnergraph against the baseline (benchmarks/baseline.py) and the floor set by its components.

One command runs everything, alternating partnergraph and the baseline within each repetition, takes medians of
``--runs`` (default 5), prints the ratios against the targets of issue 7 and writes ``benchmarks/RESULTS.md``::

    python benchmarks/run.py                      # bundled data, 1k, 10k and 100k sources (about 15 minutes)
    python benchmarks/run.py --sizes 1k,10k       # a shorter run
    python benchmarks/run.py --quick              # 3 runs, 1k and 10k, no map: a smoke run of the machinery

Every measurement runs in a fresh Python process. Corpora are generated (seeded) into ``--work`` and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, parse_size  # noqa: E402

DIMENSION, LEVEL = "efficiency", "output"
GIB = 1024 ** 3

# in-process timings, each printed as JSON by a fresh interpreter (imports done before the clock starts)
FLOOR = """
import json, sys, time, bibtexparser, pyoxigraph as ox
d = sys.argv[1]
t = time.perf_counter()
bibtexparser.parse_file(d + "/sources.bib", encoding="utf-8")
ox.Store().load(path=d + "/claims.ttl", format=ox.RdfFormat.TURTLE)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""
PG_LOAD = """
import json, resource, sys, time, bibtexparser, networkx, pyoxigraph
import partnergraph as pg
d, dim, lvl, cache = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "cache"
t = time.perf_counter()
g = pg.load(d, cache=cache)
rows = g.benefits(dimension=dim, level=lvl)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(rows),
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""
PARSE_BOTH = """
import json, sys, time, bibtexparser
t = time.perf_counter()
for f in sys.argv[1:]:
    bibtexparser.parse_file(f, encoding="utf-8")
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


@dataclass
class Result:
    """One target: what was measured, against what, the ratio and the limit."""

    name: str
    ours: float | None
    theirs: float | None
    limit: float
    unit: str = "s"
    note: str = ""
    samples: dict = field(default_factory=dict)
    binding: bool = True  # False: shown for the trend; the issue sets this target at another size

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.theirs is None:
            return None
        return self.ours / self.theirs if self.theirs else None

    @property
    def verdict(self) -> str:
        if self.ours is None:
            return "not measured" + (f" ({self.note})" if self.note else "")
        value = self.ratio if self.theirs is not None else self.ours
        if value is None:
            return "?"
        if value <= self.limit:
            return "met" if self.binding else "(met; target set at 100k)"
        return f"MISSED by {value / self.limit:.2f}×" if self.binding else "(target set at 100k)"


def _env(cache: Path | None = None) -> dict:
    env = dict(os.environ)
    env.pop("PARTNERGRAPH_NO_CACHE", None)
    env.pop("PARTNERGRAPH_STORE", None)
    env["PYTHONHASHSEED"] = "0"
    # as on a user's machine: modules are compiled once, not on every start (this sandbox sets it)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache is not None:
        env["PARTNERGRAPH_CACHE"] = str(cache)
    return env


def wall(cmd: list[str], env: dict | None = None) -> float:
    """Wall time of a command (a fresh process: interpreter start and imports included)."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env or _env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def inproc(code: str, args: list[str], env: dict | None = None) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object (its own timing)."""
    proc = subprocess.run([sys.executable, "-c", code, *args], env=env or _env(), capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"measurement failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def cli_question(data: Path) -> list[str]:
    return [sys.executable, "-m", "partnergraph", "benefits", "--dimension", DIMENSION, "--level", LEVEL,
            "--format", "json", "--data", str(data)]


def baseline_cmd(data: Path) -> list[str]:
    return [sys.executable, str(HERE / "baseline.py"), str(data), "--dimension", DIMENSION, "--level", LEVEL]


def say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------- the measurements
def bench_warm(label: str, data: Path, runs: int, limit: float, work: Path, binding: bool = True) -> list[Result]:
    """The question as a user asks it again (answered from the answer cache), and a question not asked before
    with the graph cache warm (its recorded answer removed before each run: the graph is loaded from the
    cache and walked)."""
    cache = work / f"cache-warm-{label}"
    shutil.rmtree(cache, ignore_errors=True)
    wall(cli_question(data), _env(cache))  # warm the cache
    ours, fresh, theirs = [], [], []
    for _ in range(runs):
        ours.append(wall(cli_question(data), _env(cache)))
        shutil.rmtree(cache / "answers", ignore_errors=True)
        fresh.append(wall(cli_question(data), _env(cache)))
        theirs.append(wall(baseline_cmd(data)))
    r = Result(f"{label}: CLI question, warm cache, vs baseline", med(ours), med(theirs), limit,
               samples={"partnergraph": ours, "baseline": theirs}, binding=binding)
    n = Result(f"{label}: CLI question not asked before (graph cache warm, no recorded answer), vs baseline",
               med(fresh), med(theirs), limit, samples={"partnergraph": fresh, "baseline": theirs}, binding=False)
    for x in (r, n):
        say(f"  {x.name}: {x.ours:.3f} s vs {x.theirs:.3f} s = {x.ratio:.3f}× (target ≤ {limit}×) {x.verdict}")
    return [r, n]


def bench_cold(label: str, data: Path, runs: int, limit: float, work: Path,
               binding: bool = True) -> tuple[Result, Result]:
    ours, floor, api_nocache = [], [], []
    for i in range(runs):
        cache = Path(tempfile.mkdtemp(prefix=f"pg-cold-{label}-{i}-", dir=work))
        ours.append(inproc(PG_LOAD, [str(data), DIMENSION, LEVEL, "cache"], _env(cache))["seconds"])
        shutil.rmtree(cache, ignore_errors=True)
        floor.append(inproc(FLOOR, [str(data)])["seconds"])
    for _ in range(max(1, runs // 2)):
        api_nocache.append(inproc(PG_LOAD, [str(data), DIMENSION, LEVEL, "nocache"])["seconds"])
    r = Result(f"{label}: cold load + question (cache written) vs bibtexparser + Store.load floor", med(ours),
               med(floor), limit, samples={"partnergraph": ours, "floor": floor, "no cache write": api_nocache},
               binding=binding)
    say(f"  {r.name}: {r.ours:.2f} s vs {r.theirs:.2f} s = {r.ratio:.2f}× (target ≤ {limit}×) {r.verdict}"
        f"  [without writing the cache: {med(api_nocache):.2f} s]")
    return r, Result(f"{label}: cold, cache not written (pg.load(cache=False))", med(api_nocache), med(floor),
                     limit, samples={"partnergraph": api_nocache}, binding=binding)


def bench_memory(label: str, data: Path, limit_bytes: float, binding: bool = True) -> Result:
    out = inproc(PG_LOAD, [str(data), DIMENSION, LEVEL, "nocache"])
    r = Result(f"{label}: peak memory, load + one question", out["maxrss"] / GIB, None, limit_bytes / GIB,
               unit="GiB", binding=binding)
    say(f"  {r.name}: {r.ours:.2f} GiB (target ≤ {r.limit:.0f} GiB) {r.verdict}")
    return r


VALIDATE = """
import json, resource, sys, time
from partnergraph.checks.validate import validate
t = time.perf_counter()
findings = validate(sys.argv[1], engine=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - t, "findings": len(findings),
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def validate_cmd(data: Path, engine: str) -> list[str]:
    return [sys.executable, "-m", "partnergraph", "validate", "--quiet", "--data", str(data), "--shacl-engine",
            engine]


def bench_validate_engines(data: Path, runs: int, limit: float) -> Result:
    """``validate`` with SHACL on the bundled data, the fast engine against pySHACL (what it used before),
    alternating, both as the CLI a user runs."""
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(wall(validate_cmd(data, "fast")))
        theirs.append(wall(validate_cmd(data, "pyshacl")))
    r = Result("bundled: validate with SHACL, fast engine vs pySHACL", med(ours), med(theirs), limit,
               samples={"partnergraph": ours, "pySHACL": theirs})
    say(f"  {r.name}: {r.ours:.2f} s vs {r.theirs:.2f} s = {r.ratio:.3f}× (target ≤ {limit}×) {r.verdict}")
    return r


def bench_validate(label: str, data: Path, limit: float, limit_bytes: float, binding: bool = True) -> list[Result]:
    """``validate --quiet`` with SHACL on a corpus, end to end as a user runs it (a fresh process, no cache:
    validate reads the files): wall time and peak memory (``/usr/bin/time``; in-process figures where it is
    missing)."""
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r") as rss:
            cmd = ["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, *validate_cmd(data, "fast")]
            t0 = time.perf_counter()
            subprocess.run(cmd, env={**_env(), "PARTNERGRAPH_NO_CACHE": "1"}, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)  # the files parsed, not a cached parse
            out = {"seconds": time.perf_counter() - t0, "maxrss": int(rss.read().split()[-1]) * 1024}
    else:
        out = inproc(VALIDATE, [str(data), "fast"])
    t = Result(f"{label}: validate with SHACL, wall (CLI, end to end)", out["seconds"], None, limit,
               binding=binding)
    m = Result(f"{label}: validate with SHACL, peak memory (CLI)", out["maxrss"] / GIB, None, limit_bytes / GIB,
               unit="GiB", binding=binding)
    say(f"  {t.name}: {t.ours:.1f} s (target ≤ {limit:.0f} s) {t.verdict}; {m.ours:.2f} GiB {m.verdict}")
    return [t, m]


def make_import_file(target_bib: Path, n: int, out: Path, seed: int = 11, dup_fraction: float = 0.1) -> int:
    """``n`` new entries (keys ``n000000``…) of which ``dup_fraction`` copy entries of ``target_bib`` under a
    new key (the duplicates ``bib add`` must find). Returns the number of planted duplicates."""
    tmp = out.parent / (out.name + ".d")
    generate(n, tmp, seed=seed, key_prefix="n")
    new_blocks = re.split(r"\n(?=@)", (tmp / "sources.bib").read_text(encoding="utf-8"))
    old_blocks = [b for b in re.split(r"\n(?=@)", target_bib.read_text(encoding="utf-8")) if b.startswith("@")]
    rnd = random.Random(seed)
    dups = 0
    for i, block in enumerate(new_blocks):
        if block.startswith("@") and rnd.random() < dup_fraction:
            key = re.match(r"@\w+\{([^,]+),", block).group(1)
            new_blocks[i] = re.sub(r"^(@\w+\{)[^,]+,", lambda m, k=key: m.group(1) + k + ",", rnd.choice(old_blocks))
            dups += 1
    out.write_text("\n".join(new_blocks), encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    return dups


def bench_bib_add(work: Path, runs: int, limit: float) -> Result:
    probe = subprocess.run([sys.executable, "-m", "partnergraph", "bib", "add", "--help"], capture_output=True)
    if probe.returncode:
        return Result("bib add 10k into 10k, duplicate detection", None, None, limit, note="not yet written")
    target = work / "10k"
    if not (target / "sources.bib").exists():
        generate(10_000, target)
    imp = work / "import-10k.bib"
    dups = make_import_file(target / "sources.bib", 10_000, imp)
    ours, floor = [], []
    for _ in range(runs):
        d = Path(tempfile.mkdtemp(prefix="pg-bibadd-", dir=work))
        shutil.copy(target / "sources.bib", d / "sources.bib")
        shutil.copy(target / "claims.ttl", d / "claims.ttl")
        cmd = [sys.executable, "-m", "partnergraph", "bib", "add", str(imp), "--data", str(d), "--format", "json"]
        ours.append(wall(cmd, _env(work / "cache-bibadd")))
        shutil.rmtree(d, ignore_errors=True)
        floor.append(inproc(PARSE_BOTH, [str(target / "sources.bib"), str(imp)])["seconds"])
    r = Result(f"bib add: 10,000 entries ({dups} duplicates planted) into 10,000, vs parsing both files",
               med(ours), med(floor), limit, samples={"partnergraph": ours, "parse both": floor})
    say(f"  {r.name}: {r.ours:.2f} s vs {r.theirs:.2f} s = {r.ratio:.2f}× (target ≤ {limit}×) {r.verdict}")
    return r


def bench_map(work: Path, runs: int, limit: float) -> Result:
    name = "map of 1,000 nodes settled in headless Chromium vs pyvis defaults"
    try:
        from map_settle import measure_pair
    except ImportError as exc:
        return Result(name, None, None, limit, note=f"cannot measure: {exc}")
    try:
        ours, theirs = measure_pair(work, runs)
    except Exception as exc:  # a missing browser or map module: reported, not fatal  # noqa: BLE001
        return Result(name, None, None, limit, note=f"cannot measure: {type(exc).__name__}: {exc}"[:200])
    r = Result(name, med(ours), med(theirs), limit, samples={"partnergraph": ours, "pyvis": theirs})
    say(f"  {r.name}: {r.ours:.2f} s vs {r.theirs:.2f} s = {r.ratio:.2f}× (target ≤ {limit}×) {r.verdict}")
    return r


# ---------------------------------------------------------------- the report
def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    from importlib.metadata import version

    vers = {}
    for pkg in ("partnergraph", "bibtexparser", "pyoxigraph", "rdflib", "networkx", "pyvis"):
        try:
            vers[pkg] = version(pkg)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "load": os.getloadavg()[0], "versions": vers}


def report(results: list[Result], sizes: dict, mach: dict, runs: int, started: str) -> str:
    lines = [f"Run {started} UTC, `python benchmarks/run.py {' '.join(sys.argv[1:])}`".rstrip(), "",
             f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory']}, {mach['system']}, Python "
             f"{mach['python']}; load average at start {mach['load']:.2f}.",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in mach["versions"].items()) + ".",
             f"Medians of {runs} runs; each run a fresh process.", "",
             "| target | partnergraph | baseline / floor | ratio | limit | verdict |", "|---|---|---|---|---|---|"]
    for r in results:
        ours = "—" if r.ours is None else f"{r.ours:.3f} {r.unit}"
        theirs = "—" if r.theirs is None else f"{r.theirs:.3f} s"
        ratio = "—" if r.ratio is None else f"{r.ratio:.3f}×"
        limit = f"{r.limit:g}×" if r.theirs is not None or r.ours is None else f"{r.limit:g} {r.unit}"
        lines.append(f"| {r.name} | {ours} | {theirs} | {ratio} | {limit} | {r.verdict} |")
    lines += ["", "Corpora (benchmarks/generate.py, seed 7):", ""]
    for label, info in sizes.items():
        lines.append(f"- {label}: {info}")
    return "\n".join(lines) + "\n"


def write_results(text: str, path: Path, started: str) -> None:
    """Put ``text`` between the markers of ``path``; rows of the previous table for targets this run did not
    measure (a run with ``--sizes`` or ``--no-map``) are kept, marked with the run they come from."""
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmark results\n\n{start}\n{end}\n"
    if start not in old:
        old += f"\n{start}\n{end}\n"
    head, rest = old.split(start, 1)
    block, tail = rest.split(end, 1) if end in rest else (rest, "")
    when = re.search(r"^Run (\S+ \S+) UTC", block, re.M)
    new_names = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")}
    kept = []
    for line in block.splitlines():
        cells = line.split("|")
        name = re.sub(r" \(run of [^)]*\)$", "", cells[1].strip()) if len(cells) > 2 else ""
        if line.startswith("| ") and len(cells) > 2 and name not in new_names | {"target"}:
            if "(run of " not in cells[1] and when:
                cells[1] = f" {cells[1].strip()} (run of {when.group(1)}) "
            kept.append("|".join(cells))
    labels = {m.group(1) for m in re.finditer(r"^- (\S+): ", text, re.M)}
    old_corpora = [line for line in block.splitlines()
                   if re.match(r"^- (\S+): \d+ sources", line) and line.split(":")[0][2:] not in labels]
    if old_corpora:
        text = text.rstrip("\n") + "\n" + "\n".join(old_corpora) + "\n"
    if kept:
        lines = text.splitlines()
        at = max(i for i, line in enumerate(lines) if line.startswith("| ")) + 1
        text = "\n".join(lines[:at] + kept + lines[at:]) + "\n"
    path.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=None,
                    help="comma-separated: bundled,1k,10k,100k (default: all); 'none' for bib add and map only")
    ap.add_argument("--runs", type=int, default=None, help="repetitions per measurement (default 5; --quick 3)")
    ap.add_argument("--quick", action="store_true", help="3 runs of bundled, 1k and 10k; no map")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "partnergraph-bench",
                    help="where corpora and caches go")
    ap.add_argument("--no-map", action="store_true", help="leave out the browser map measurement")
    ap.add_argument("--no-bib-add", action="store_true", help="leave out the bib add measurement")
    ap.add_argument("--write", action="store_true",
                    help="write the figures into benchmarks/RESULTS.md (otherwise they are only printed)")
    ap.add_argument("--results", type=Path, default=None, help="write the figures into this file instead")
    args = ap.parse_args(argv)
    runs = args.runs or (3 if args.quick else 5)
    sizes = [s.strip() for s in (args.sizes or ("bundled,1k,10k" if args.quick else "bundled,1k,10k,100k"))
             .split(",") if s.strip() and s.strip() != "none"]
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    mach = machine()
    say(f"partnergraph benchmarks: {mach['cpu']}, {mach['cores']} cores, load {mach['load']:.2f}; "
        f"medians of {runs}; work dir {args.work}")
    results: list[Result] = []
    info: dict[str, str] = {}
    for label in sizes:
        if label == "bundled":
            data = ROOT / "data"
            say("bundled data:")
            results += bench_warm("bundled", data, runs, 0.2, args.work)
            results.append(bench_validate_engines(data, min(runs, 3), 0.1))
            results += bench_validate("bundled", data, 3.0, 2 * GIB)
            continue
        n = parse_size(label)
        data = args.work / label
        if not (data / "claims.ttl").exists():
            say(f"generating {label} …")
            counts = generate(n, data)
        else:
            counts = None
        triples = inproc("import json,sys,pyoxigraph as ox\nfrom partnergraph.files.datadir import DataDir\n"
                         "from partnergraph.store.embedded import load_store\n"
                         "st,_=load_store(DataDir.open(sys.argv[1]))\nprint(json.dumps({'n': len(st)}))",
                         [str(data)])["n"]
        info[label] = (f"{n} sources, {triples:,} triples"
                       + (f" ({counts['claims']} claims, {counts['evidence_links']} evidence links)" if counts else "")
                       + f"; sources.bib {(data / 'sources.bib').stat().st_size / 1e6:.1f} MB, "
                         f"claims.ttl {(data / 'claims.ttl').stat().st_size / 1e6:.1f} MB")
        say(f"{label}: {info[label]}")
        binding = n == 100_000
        cold, nocache = bench_cold(label, data, runs, 1.5, args.work, binding)
        results += [cold, nocache]
        results += bench_warm(label, data, runs, 0.05, args.work, binding)
        results.append(bench_memory(label, data, 2 * GIB, binding))
        results += bench_validate(label, data, 60.0, 2 * GIB, binding)
    if not args.no_bib_add and not args.quick:
        say("bib add:")
        try:
            results.append(bench_bib_add(args.work, runs, 3.0))
        except RuntimeError as exc:  # reported in the table, the other figures still written
            results.append(Result("bib add 10k into 10k, duplicate detection", None, None, 3.0,
                                  note=f"failed: {exc}"[:300]))
    if not args.no_map and not args.quick:
        say("map:")
        results.append(bench_map(args.work, runs, 0.2))
    text = report(results, info, mach, runs, started)
    say("")
    say(text)
    if args.write or args.results:
        target = args.results or HERE / "RESULTS.md"
        write_results(text, target, started)
        say(f"written to {target}")
    else:
        say("(printed only: --write puts these figures into benchmarks/RESULTS.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
