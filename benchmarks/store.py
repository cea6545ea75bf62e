"""Benchmark push and pull against a real Oxigraph server and a real Virtuoso (issue 14), as ratios against the
baseline of the same run: uploading and downloading the same graphs raw, as ``curl`` would.

For each size (the bundled corpus, generated corpora) and each server, fresh in a private directory:

- **raw upload**: one Graph Store ``PUT`` per graph of the N-Triples partnergraph would send (data graphs and the
  files graph), with nothing checked — the floor a push is measured against;
- **first push**: ``partnergraph push`` of the corpus to the empty store (a fresh process: parsing, checking,
  the version record, read-back included);
- **push of one change**: one claim added, pushed (reads the store, stages the change, one switch, read-back);
- **raw download**: one CONSTRUCT per graph (in pages where the server caps answers, as partnergraph does);
- **pull**: ``partnergraph pull`` into an empty folder (a fresh process).

Every measurement alternates the baseline and partnergraph within each repetition; medians of ``--runs``.
The figures are printed; ``--write`` puts them into ``benchmarks/STORE.md``.

    python benchmarks/store.py                        # bundled and 10k, 3 runs, both servers
    python benchmarks/store.py --sizes bundled --runs 1 --servers oxigraph
"""

from __future__ import annotations

import argparse
import os
import platform
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
sys.path.insert(0, str(ROOT / "tests"))

from generate import generate, parse_size  # noqa: E402
from servers import STARTERS, pythonpath_env  # noqa: E402

START, END = "<!-- store-results:start -->", "<!-- store-results:end -->"


def run_cli(args: list[str], env: dict) -> float:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "partnergraph", *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"partnergraph {' '.join(args)} failed:\n{done.stderr}")
    return took


def graphs_of(folder: Path) -> dict[str, bytes]:
    """The N-Triples partnergraph sends for ``folder``: what the raw baseline uploads."""
    from partnergraph.store import sync

    snap = sync.snapshot(folder)
    return {g: sync._nt(t) for g, t in snap.graphs.items()}


def raw_upload(server, graphs: dict[str, bytes], tag: str) -> float:
    """One Graph Store ``PUT`` per graph, as ``curl -X PUT --data-binary @graph.nt`` (with ``--digest`` for
    Virtuoso's writes) would: through partnergraph's HTTP transport, nothing parsed, checked or read back."""
    from partnergraph.store.endpoint import Endpoint

    ep = Endpoint(server.url, timeout=3600)
    t = time.perf_counter()
    for g, body in graphs.items():
        ep.put_graph(f"{g}-raw{tag}", body)
    return time.perf_counter() - t


def raw_download(server, graphs: dict[str, bytes], tag: str) -> float:
    """One CONSTRUCT per graph (paged past a server's cap on answers: the least a correct reader must do)."""
    from partnergraph.store.endpoint import Endpoint

    ep = Endpoint(server.url, timeout=3600)
    t = time.perf_counter()
    for g in graphs:
        ep.fetch_graph(f"{g}-raw{tag}")
    return time.perf_counter() - t


def drop_raw(server, graphs, tag: str) -> None:
    server.update(" ;\n".join(f"DROP SILENT GRAPH <{g}-raw{tag}>" for g in graphs))


def add_claim(folder: Path, n: int) -> None:
    with (folder / "claims.ttl").open("a", encoding="utf-8") as f:
        src = _first_source(folder)
        f.write(f'\nclaim:bench-change-{n} a pg:Finding ;\n    rdfs:label "A change {n}" ;\n'
                f"    prov:wasDerivedFrom {src} .\n")


def _first_source(folder: Path) -> str:
    import re

    m = re.search(r"@\w+\{([^,\s]+),", (folder / "sources.bib").read_text(encoding="utf-8"))
    return f"source:{m.group(1)}"


def round_trip(original: Path, pulled: Path) -> str:
    """What came back from the store, compared with the original files: BibTeX entry by entry and field by
    field, Turtle as graphs (RDFC-1.0 canonical forms), and bytes."""
    import bibtexparser
    import pyoxigraph as ox

    parts = []
    a, b = (bibtexparser.parse_string((d / "sources.bib").read_text(encoding="utf-8")) for d in (original, pulled))
    ea = {e.key: (e.entry_type, {f.key: f.value for f in e.fields}) for e in a.entries}
    eb = {e.key: (e.entry_type, {f.key: f.value for f in e.fields}) for e in b.entries}
    fields = sum(len(f) for _, f in ea.values())
    same = sum(1 for k in ea if eb.get(k) == ea[k])
    identical = (original / "sources.bib").read_bytes() == (pulled / "sources.bib").read_bytes()
    parts.append(f"sources.bib: {same:,} of {len(ea):,} entries ({fields:,} fields) equal field by field"
                 f"{', bytes identical' if identical else ''}")
    for name in ("claims.ttl", "themes.ttl"):
        if not (original / name).exists():
            continue

        def canonical(path):
            ds = ox.Dataset(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
            ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            return {str(q) for q in ds}

        ca = canonical(original / name)
        cb = canonical(pulled / name) if (pulled / name).exists() else set()
        identical = (pulled / name).exists() and (original / name).read_bytes() == (pulled / name).read_bytes()
        extra = f" ({len(cb - ca)} extra)" if cb - ca else ""
        parts.append(f"{name}: {len(ca & cb):,} of {len(ca):,} triples in the same graph{extra}"
                     f"{', bytes identical' if identical else ''}")
    return "; ".join(parts)


def measure(kind: str, size: str, corpus: Path, runs: int, work: Path, trips: list) -> list[tuple]:
    graphs = graphs_of(corpus)
    triples = sum(body.count(b"\n") for body in graphs.values())
    mb = sum(len(b) for b in graphs.values()) / 1e6
    rows = []
    samples: dict[str, list[float]] = {k: [] for k in ("raw up", "push", "raw up 2", "change", "raw down", "pull")}
    for r in range(runs):
        server = STARTERS[kind](work / f"{kind}-{size}-{r}")
        try:
            env = pythonpath_env(ROOT, PARTNERGRAPH_CACHE=str(work / "cache"), PARTNERGRAPH_STORE_TIMEOUT="3600")
            here = work / f"{kind}-{size}-{r}-data"
            shutil.copytree(corpus, here)
            samples["raw up"].append(raw_upload(server, graphs, "a"))
            samples["push"].append(run_cli(["push", "--data", str(here), "--store", server.url, "--format", "json"],
                                           env))
            samples["raw down"].append(raw_download(server, graphs, "a"))
            fresh = work / f"{kind}-{size}-{r}-fresh"
            samples["pull"].append(run_cli(["pull", "--data", str(fresh), "--store", server.url, "--format", "json"],
                                           env))
            if r == 0:
                trips.append((kind, size, round_trip(corpus, fresh)))
            drop_raw(server, graphs, "a")
            add_claim(here, r)
            samples["raw up 2"].append(raw_upload(server, graphs, "b"))
            samples["change"].append(run_cli(["push", "--data", str(here), "--store", server.url, "--format",
                                              "json"], env))
        finally:
            server.stop()
    med = {k: statistics.median(v) for k, v in samples.items()}
    rows.append((kind, size, f"first push ({triples:,} triples, {mb:.1f} MB N-Triples)", med["push"],
                 "raw upload", med["raw up"]))
    rows.append((kind, size, "push of one added claim", med["change"], "raw upload of everything", med["raw up 2"]))
    rows.append((kind, size, "pull into an empty folder", med["pull"], "raw download", med["raw down"]))
    return rows


def table(rows: list[tuple]) -> str:
    out = ["| server | corpus | partnergraph | time | baseline (same run) | time | ratio |",
           "|---|---|---|---|---|---|---|"]
    for kind, size, what, ours, base_what, base in rows:
        out.append(f"| {kind} | {size} | {what} | {ours:.2f} s | {base_what} | {base:.2f} s | {ours / base:.2f}× |")
    return "\n".join(out)


def write(text: str, path: Path) -> None:
    """Put ``text`` between the markers of ``path`` (made with a heading if it does not exist)."""
    body = path.read_text(encoding="utf-8") if path.exists() else (
        "# Shared store: push and pull against real servers (issue 14)\n\n`python benchmarks/store.py --write` "
        "writes the figures between the markers below; see the script's docstring for what is measured.\n")
    block = f"{START}\n{text}\n{END}"
    if START in body and END in body:
        head, rest = body.split(START, 1)
        body = head + block + rest.split(END, 1)[1]
    else:
        body = body.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(body, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="bundled,10k", help="bundled and/or generated sizes (e.g. bundled,10k)")
    ap.add_argument("--servers", default="oxigraph,virtuoso")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    ap.add_argument("--write", action="store_true", help="write the figures into benchmarks/STORE.md")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pg-store-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = os.getloadavg()[0]
    rows: list[tuple] = []
    trips: list[tuple] = []
    for size in args.sizes.split(","):
        if size == "bundled":
            corpus = ROOT / "data"
        else:
            corpus = work / f"corpus-{size}"
            if not (corpus / "claims.ttl").exists():
                generate(parse_size(size), corpus, seed=7)
        for kind in args.servers.split(","):
            rows.extend(measure(kind, size, corpus, args.runs, work, trips))
    text = (f"Run {started}, `python benchmarks/store.py --sizes {args.sizes} --servers {args.servers} --runs "
            f"{args.runs}`; medians of {args.runs}, each partnergraph command a fresh process.\n\n"
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load "
            f"average at start {load:.2f}.\n\n{table(rows)}\n\nRound trip (push, then pull into an empty folder):\n\n"
            + "\n".join(f"- {kind}, {size}: {text}" for kind, size, text in trips))
    print(text)
    if args.write:
        write(text, HERE / "STORE.md")
        print("(written into benchmarks/STORE.md)")
    else:
        print("(printed only: --write puts these figures into benchmarks/STORE.md)")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
