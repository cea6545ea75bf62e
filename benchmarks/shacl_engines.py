"""The SHACL engines on PyPI measured against pySHACL on partnergraph's own shapes and data (issue 17).

The data graph is built by partnergraph itself (``load_store`` on the data directory, every named graph, the
sources' triples included: what ``run_shacl(..., engine="reference")`` hands pySHACL) and written once as
N-Triples; the shapes graph is partnergraph's shapes files (``shapes_texts``) read into one graph and written once
as Turtle. Every engine then reads those two files, each in a process of its own (so that a missing package, a
refusal or a crash is a row of the table, not the end of the run), and each run is timed the same way: from the
two files on disk to the engine's report, imports excluded, the median of ``--runs``.

    python benchmarks/shacl_engines.py                      # the bundled data and the bad fixtures
    python benchmarks/shacl_engines.py --data DIR --runs 3  # a generated corpus (benchmarks/generate.py)

The engines: pySHACL (the reference), the bare ``shacl`` engine on every shape, partnergraph's ``run_shacl``
(``shacl`` + pyoxigraph for the SPARQL constraints), and ``pyrudof``, ``pyshacl-turbo``, ``shacl-rust`` and
``maplib`` where they are installed (none is a dependency: ``python3 -m pip install <name>``). Each result is
compared as (focus node, source shape, constraint component, path, severity): a blank focus node is named by the
node that holds it (a quote by its claim or link), a blank property or SPARQL shape by the named shape that holds
it, a path that is not one IRI is ``(complex)``. Only prints; the figures go in RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
COMPLEX = "(complex)"

REFERENCE = "pyshacl"
OURS = "partnergraph run_shacl"

#: breaks of the bundled claims.ttl for ``--broken``: (text, replacement, how many occurrences)
BREAKS = [
    ("pg:stance pg:Supports", "pg:stance pg:Maybe", 3),                      # sh:in
    ("    rdfs:label \"", "    rdfs:label \"a second label\", \"", 2),      # sh:maxCount
    ("prov:wasDerivedFrom source:", "prov:wasDerivedFrom claim:", 2),        # sh:class
    ("oa:hasSource source:briefingch1variant", "oa:hasSource source:gray1989", 2),  # a SPARQL constraint
    ("pg:attribution pg:Direct ;\n        pg:locator", "pg:attribution pg:Direct ;\n        pg:where", 5),
]


# ------------------------------------------------------------------ the inputs, built once by partnergraph
def write_inputs(data_dir: Path, out: Path) -> tuple[Path, Path]:
    """The data graph (N-Triples) and the shapes graph (Turtle) every engine reads, built by partnergraph's own
    functions: ``load_store`` + ``_union_ntriples`` (what the reference engine is handed), ``shapes_texts``."""
    import pyoxigraph as ox

    from partnergraph.checks.shacl import _union_ntriples
    from partnergraph.files.datadir import DataDir, shapes_texts
    from partnergraph.store.embedded import load_store

    out.mkdir(parents=True, exist_ok=True)
    store, _library = load_store(DataDir.open(data_dir), strict=False)
    data = out / "data.nt"
    data.write_bytes(_union_ntriples(store.store))  # .store: the sources' triples loaded too
    shapes = ox.Store()
    for text in shapes_texts():
        shapes.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    shapes_file = out / "shapes.ttl"
    shapes_file.write_bytes(shapes.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                                        prefixes={"sh": SH}))
    return data, shapes_file


def bad_fixtures(out: Path) -> list[Path]:
    """The bad data of tests/test_validate.py's CASES, one data directory each."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_validate

    dirs = []
    for i, case in enumerate(test_validate.CASES):
        bib, ttl, _rule, _severity = case.values
        d = out / f"case{i:02d}-{case.id}"
        d.mkdir(parents=True, exist_ok=True)
        (d / "sources.bib").write_text(bib, encoding="utf-8")
        (d / "claims.ttl").write_text(ttl, encoding="utf-8")
        dirs.append(d)
    return dirs


def broken_bundled(out: Path) -> Path:
    """A copy of the bundled data with :data:`BREAKS` applied to claims.ttl."""
    from partnergraph.files.datadir import bundled_data_dir

    src = bundled_data_dir()
    out.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file() and f.suffix in (".bib", ".ttl"):
            shutil.copy(f, out / f.name)
    text = (out / "claims.ttl").read_text(encoding="utf-8")
    for old, new, n in BREAKS:
        text = text.replace(old, new, n)
    (out / "claims.ttl").write_text(text, encoding="utf-8")
    return out


# ------------------------------------------------------------------ one engine, in a process of its own
def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _term(t) -> tuple[str, str] | None:
    """An engine's term as ``("iri", value)``, ``("bnode", label)`` or ``("other", text)``."""
    if t is None:
        return None
    cls = type(t).__name__
    if cls == "URIRef":
        return ("iri", str(t))
    if cls == "BNode":
        return ("bnode", str(t))
    if cls in ("NamedNode",):
        return ("iri", t.value)
    if cls in ("BlankNode",):
        return ("bnode", t.value)
    s = str(t).strip()
    if not s:
        return None
    if s.startswith("<") and s.endswith(">") and " " not in s:
        return ("iri", s[1:-1])
    if s.startswith("_:"):
        return ("bnode", s[2:])
    if "://" in s.split(" ", 1)[0] and " " not in s and not s.startswith(("^", "(", "[")):
        return ("iri", s)
    return ("other", s)


def _local(text: str | None) -> str:
    text = (text or "").strip("<>")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _rdflib_results(report, shapes_graph, data_graph) -> list[dict]:
    """pySHACL-style report graph (pySHACL, pyshacl-turbo): its top-level results, blank nodes resolved in the
    graphs the engine was given (rdflib names blank nodes its own way, so labels cannot be matched later)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    out = []
    for res in report.objects(None, sh.result):
        focus = report.value(res, sh.focusNode)
        for _ in range(10):
            if not isinstance(focus, rdflib.BNode) or data_graph is None:
                break
            holder = next(data_graph.subjects(None, focus), None)
            if holder is None:
                break
            focus = holder
        shape = report.value(res, sh.sourceShape)
        if isinstance(shape, rdflib.BNode):
            shape = next(iter([*shapes_graph.subjects(sh.property, shape), *shapes_graph.subjects(sh.sparql, shape)]),
                         shape)
        out.append({"focus": _term(focus), "shape": _term(shape),
                    "component": _local(str(report.value(res, sh.sourceConstraintComponent) or "")),
                    "path": _term(report.value(res, sh.resultPath)),
                    "severity": _local(str(report.value(res, sh.resultSeverity) or ""))})
    return out


def _run_pyshacl(data: Path, shapes: Path) -> tuple[object, callable]:
    import rdflib
    from pyshacl import validate

    sg = rdflib.Graph().parse(str(shapes), format="turtle")
    dg = rdflib.Graph().parse(str(data), format="nt")
    _conforms, report, _text = validate(dg, shacl_graph=sg, inference="none", advanced=True, allow_warnings=True)
    return report, lambda: _rdflib_results(report, sg, dg)


def _run_turbo(data: Path, shapes: Path):
    import pyshacl_turbo
    import rdflib

    sg = rdflib.Graph().parse(str(shapes), format="turtle")  # its pySHACL API; the data from the file itself
    _conforms, report, _text = pyshacl_turbo.validate(str(data), shacl_graph=sg, data_graph_format="nt",
                                                      inference="none", advanced=True, allow_warnings=True)
    return report, lambda: _rdflib_results(report, sg, None)


def _run_shacl_bare(data: Path, shapes: Path):
    import shacl

    engine = shacl.Shapes.from_text(shapes.read_text(encoding="utf-8"), format="turtle")
    report = engine.validate_file(str(data), allow_warnings=True)

    def results():
        # the engine names blank shapes its own way (not the file's labels): a blank source shape is named by
        # the engine's own root shape, as partnergraph does
        return [{"focus": _term(r.focus_node), "shape": _term(r.root_shape) if str(r.source_shape).startswith("_:")
                 else _term(r.source_shape),
                 "component": _local(r.component), "path": _term(r.path), "severity": _local(r.severity)}
                for r in report.results]
    return report, results


def _run_partnergraph(data: Path, shapes: Path):
    import pyoxigraph as ox

    from partnergraph.checks.shacl import run_shacl

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:x-bench:data"))
    found = run_shacl(store, [shapes.read_text(encoding="utf-8")], engine="fast")

    def results():
        return [{"focus": _term(r.focus), "shape": ("iri", r.shape) if r.shape else None, "component": r.component,
                 "path": ("iri", r.path) if r.path else None, "severity": r.severity,
                 "resolved": True} for r in found]
    return found, results


def _run_pyrudof(data: Path, shapes: Path):
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(data), format=pyrudof.RDFFormat.NTriples, reader_mode=pyrudof.ReaderMode.Strict)
    rudof.read_shacl(str(shapes), format=pyrudof.ShaclFormat.Turtle, reader_mode=pyrudof.ReaderMode.Strict)
    report = rudof.validate_shacl(mode=pyrudof.ShaclValidationMode.Native)

    def results():
        return [{"focus": _term(e.focus_node), "shape": _term(e.source_shape), "component": _local(
            str(e.constraint_component)), "path": _term(e.path), "severity": _local(str(e.severity))}
            for e in report]
    return report, results


def _run_shacl_rust(data: Path, shapes: Path):
    import shacl_rust

    report = shacl_rust.validate_file(str(data), str(shapes))

    def results():
        return [{"focus": _term(r.get("focusNode")), "shape": _term(r.get("sourceShape")),
                 "component": _local(r.get("sourceConstraintComponent")), "path": _term(r.get("resultPath")),
                 "severity": _local(r.get("severity"))} for r in report["results"]]
    return report, results


def _run_maplib(data: Path, shapes: Path):
    import maplib

    m = maplib.Model()
    m.read(str(data), format="ntriples")
    m.read(str(shapes), format="turtle", graph="urn:x-bench:shapes")
    report = m.validate(shape_graph="urn:x-bench:shapes")

    def results():
        df = report.results()
        if df is None:
            return []
        rows = []
        for r in df.to_dicts():
            get = lambda *names, r=r: next((r[n] for n in names if n in r and r[n] is not None), None)  # noqa: E731
            rows.append({"focus": _term(get("focus_node", "focusNode")),
                         "shape": _term(get("source_shape", "sourceShape")),
                         "component": _local(str(get("source_constraint_component", "sourceConstraintComponent"))),
                         "path": _term(get("result_path", "resultPath")),
                         "severity": _local(str(get("result_severity", "resultSeverity", "severity")))})
        return rows
    return report, results


#: row name → (its runner, the module it imports, the PyPI package whose version is reported), in table order
RUNNERS = {
    "pyshacl": (_run_pyshacl, "pyshacl", "pyshacl"),
    "shacl (bare engine)": (_run_shacl_bare, "shacl", "shacl"),
    "partnergraph run_shacl": (_run_partnergraph, "shacl", "shacl"),
    "pyrudof": (_run_pyrudof, "pyrudof", "pyrudof"),
    "pyshacl-turbo": (_run_turbo, "pyshacl_turbo", "pyshacl-turbo"),
    "shacl-rust": (_run_shacl_rust, "shacl_rust", "shacl-rust"),
    "maplib": (_run_maplib, "maplib", "maplib"),
}


def worker(name: str, data: Path, shapes: Path, runs: int) -> dict:
    """One engine on the two files, ``runs`` times: what a row of the table needs, as JSON."""
    run, module, package = RUNNERS[name]
    out: dict = {"engine": name, "version": _version(package), "times": [], "results": None, "error": None}
    try:
        __import__(module)
        if name == OURS:
            import partnergraph.checks.shacl  # noqa: F401
    except ImportError as exc:
        out["status"] = "not installed"
        out["error"] = str(exc)
        return out
    import warnings

    results = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(runs):
            try:
                t0 = time.perf_counter()
                _report, results = run(data, shapes)
                out["times"].append(time.perf_counter() - t0)
            except BaseException as exc:  # a Rust panic is a BaseException
                out["status"] = "failed"
                out["error"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc) else ''}"
                out["traceback"] = traceback.format_exc()[-2000:]
                return out
    out["warnings"] = sorted({str(w.message).splitlines()[0][:200] for w in caught})[:10]
    out["status"] = "ok"
    out["results"] = results()
    return out


# ------------------------------------------------------------------ the comparison
class Names:
    """Blank nodes of the two files by the labels in them (engines that read a file keep its labels): a focus
    node by the named node that holds it, a shape by the named shape that holds it."""

    def __init__(self, data: Path, shapes: Path):
        import pyoxigraph as ox

        self.holder: dict[str, str] = {}
        for q in ox.parse(path=str(data), format=ox.RdfFormat.N_TRIPLES):
            if isinstance(q.object, ox.BlankNode):
                self.holder.setdefault(q.object.value, ("bnode", q.subject.value) if isinstance(
                    q.subject, ox.BlankNode) else ("iri", q.subject.value))
        self.shape_owner: dict[str, tuple] = {}
        for q in ox.parse(path=str(shapes), format=ox.RdfFormat.TURTLE):
            if q.predicate.value in (SH + "property", SH + "sparql") and isinstance(q.object, ox.BlankNode):
                self.shape_owner[q.object.value] = (("bnode", q.subject.value) if isinstance(q.subject, ox.BlankNode)
                                                    else ("iri", q.subject.value))

    def focus(self, t) -> str:
        for _ in range(10):
            if not t or t[0] != "bnode" or t[1] not in self.holder:
                break
            t = self.holder[t[1]]
        return "?" if not t else t[1] if t[0] == "iri" else "_:" + t[1] if t[0] == "bnode" else t[1]

    def shape(self, t) -> str:
        if t and t[0] == "bnode" and t[1] in self.shape_owner:
            t = self.shape_owner[t[1]]
        return "" if not t else t[1] if t[0] == "iri" else "_:(blank shape)"


def key(r: dict, names: Names) -> tuple:
    path = r.get("path")
    return (names.focus(tuple(r["focus"]) if r["focus"] else None),
            names.shape(tuple(r["shape"]) if r["shape"] else None), r["component"] or "",
            "" if not path else path[1] if path[0] == "iri" else COMPLEX, r["severity"] or "")


def run_engine(name: str, data: Path, shapes: Path, runs: int, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--data-file", str(data),
           "--shapes-file", str(shapes), "--runs", str(runs)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(
                               [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])})
    except subprocess.TimeoutExpired:
        return {"engine": name, "version": _version(RUNNERS[name][2]), "status": "timed out",
                "error": f"no answer in {timeout:.0f} s", "times": [], "results": None}
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    try:
        return json.loads(last)
    except json.JSONDecodeError:
        tail = (p.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return {"engine": name, "version": _version(RUNNERS[name][2]), "status": "crashed",
                "error": f"exit {p.returncode}: {tail}", "times": [], "results": None}


def compare(data_dirs: list[Path], label: str, runs: int, timeout: float, engines: list[str], work: Path) -> dict:
    """Every engine on every data directory of one data set; the rows of its table."""
    rows: dict[str, dict] = {e: {"engine": e, "times": [], "n": 0, "missing": Counter(), "extra": Counter(),
                                 "status": None, "version": None, "error": None, "same": 0, "warnings": set()}
                             for e in engines}
    ref_total = 0
    triples = 0
    for i, d in enumerate(data_dirs):
        data, shapes = write_inputs(d, work / f"{label}-{i}")
        triples += sum(1 for _ in data.open("rb"))
        names = Names(data, shapes)
        got = {e: run_engine(e, data, shapes, runs, timeout) for e in engines}
        ref = got.get(REFERENCE)
        ref_keys = Counter(key(r, names) for r in ref["results"]) if ref and ref["results"] is not None else None
        ref_total += sum(ref_keys.values()) if ref_keys is not None else 0
        for e, res in got.items():
            row = rows[e]
            row["version"] = row["version"] or res.get("version")
            row["warnings"].update(res.get("warnings") or [])
            if res["status"] != "ok":
                row["status"], row["error"] = res["status"], res["error"]
                continue
            row["status"] = row["status"] or "ok"
            row["times"].append(statistics.median(res["times"]))
            keys = Counter(key(r, names) for r in res["results"])
            row["n"] += sum(keys.values())
            if ref_keys is not None:
                # compared as sets (a duplicate result is not a difference), as the brief asks
                miss, extra = set(ref_keys) - set(keys), set(keys) - set(ref_keys)
                row["missing"].update(k[2] for k in miss)
                row["extra"].update(k[2] for k in extra)
                row["same"] += not miss and not extra
    return {"label": label, "fixtures": len(data_dirs), "triples": triples, "reference": ref_total, "rows": rows}


#: the features of partnergraph's shapes an engine may not have, each a shapes graph of its own on one data graph:
#: (name, shapes, the result it must give: (focus, shape, component))
PROBE_DATA = (f"<urn:x:a> <{RDF_TYPE}> <urn:x:C> .\n"
              '<urn:x:a> <urn:x:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
PROBES = [
    ("sh:sparql", """@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:S> a sh:NodeShape ; sh:targetClass <urn:x:C> ;
    sh:sparql [ sh:select "SELECT $this WHERE { $this <urn:x:p> ?v }" ; sh:message "has p" ] .
""", ("urn:x:a", "urn:x:S", "SPARQLConstraintComponent")),
    ("sh:target (SPARQL target)", """@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:S> a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this <urn:x:p> ?v }" ] ;
    sh:property [ sh:path <urn:x:q> ; sh:minCount 1 ] .
""", ("urn:x:a", "urn:x:S", "MinCountConstraintComponent")),
]


def probe(engines: list[str], work: Path, timeout: float) -> str:
    """Whether each engine has each feature of :data:`PROBES`: a table."""
    import pyoxigraph as ox

    work.mkdir(parents=True, exist_ok=True)
    data = work / "probe.nt"
    data.write_text(PROBE_DATA, encoding="utf-8")
    cols = {}
    for i, (_name, shapes_text, want) in enumerate(PROBES):
        shapes = work / f"probe-{i}.ttl"
        g = ox.Store()  # written with its blank nodes labelled, as the shapes of the data sets are
        g.load(shapes_text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        shapes.write_bytes(g.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes={"sh": SH}))
        names = Names(data, shapes)
        for e in engines:
            res = run_engine(e, data, shapes, 1, timeout)
            if res["status"] != "ok":
                cell = f"{res['status']}: {res['error']}"[:90]
            else:
                got = {key(r, names)[:3] for r in res["results"]}
                loose = {(f, c) for f, _s, c in got}
                cell = ("yes" if want in got else "**ignored** (no result)" if not got
                        else "yes, but the source shape is not named" if (want[0], want[2]) in loose
                        else f"no: {sorted(got)}")
            cols.setdefault(e, []).append(cell)
    lines = ["| engine | " + " | ".join(n for n, _, _ in PROBES) + " |", "|---|" + "---|" * len(PROBES)]
    lines += [f"| {e} | " + " | ".join(c.replace("|", "/") for c in cells) + " |" for e, cells in cols.items()]
    return "**features** (one shape each, on one node that must fail it)\n\n" + "\n".join(lines) + "\n"


def _fmt_counter(c: Counter) -> str:
    return ", ".join(f"{n} {_short(k)}" for k, n in c.most_common())


def _short(component: str) -> str:
    return component.removesuffix("ConstraintComponent") or "?"


def table(ds: dict) -> str:
    many = ds["fixtures"] > 1
    head = (f"**{ds['label']}** ({ds['fixtures']} data sets, " if many else f"**{ds['label']}** (") + \
        f"{ds['triples']:,} triples; pySHACL: {ds['reference']} results)\n\n"
    lines = ["| engine | version | status | median time (s){} | results | same as pySHACL | missing | extra |".format(
        ", summed" if many else ""), "|---|---|---|---:|---:|---|---|---|"]
    for e, r in ds["rows"].items():
        if r["status"] != "ok":
            lines.append(f"| {e} | {r['version'] or '—'} | {r['status']}: {r['error'] or ''} | — | — | — | — | — |"
                         .replace("\n", " "))
            continue
        t = sum(r["times"])
        same = (f"{r['same']}/{ds['fixtures']} data sets" if many else "yes" if r["same"] else "no")
        miss, extra = sum(r["missing"].values()), sum(r["extra"].values())
        lines.append(f"| {e} | {r['version']} | ok | {t:.3f} | {r['n']} | {same} | "
                     f"{miss}{' (' + _fmt_counter(r['missing']) + ')' if miss else ''} | "
                     f"{extra}{' (' + _fmt_counter(r['extra']) + ')' if extra else ''} |")
    warned = [f"- {e}: " + "; ".join(sorted(r["warnings"])) for e, r in ds["rows"].items() if r["warnings"]]
    return head + "\n".join(lines) + ("\n\nWarnings while running:\n" + "\n".join(warned) if warned else "") + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", action="append", type=Path, help="a data directory (repeatable; default: bundled)")
    ap.add_argument("--no-bundled", action="store_true", help="not the bundled data")
    ap.add_argument("--cases", action=argparse.BooleanOptionalAction, default=True,
                    help="the bad fixtures of tests/test_validate.py (default: yes)")
    ap.add_argument("--broken", action="store_true", help="also a copy of the bundled data, broken (BREAKS)")
    ap.add_argument("--probe", action=argparse.BooleanOptionalAction, default=True,
                    help="the feature probes (sh:sparql, SPARQL targets; default: yes)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds an engine gets on one data set")
    ap.add_argument("--engines", default=",".join(RUNNERS), help="comma-separated row names")
    ap.add_argument("--work", type=Path, help="where the inputs are written (default: a temporary folder)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data-file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--shapes-file", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker, a.data_file, a.shapes_file, a.runs), default=list))
        return 0
    engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in RUNNERS]
    if unknown:
        ap.error(f"unknown engine(s): {', '.join(unknown)}; known: {', '.join(RUNNERS)}")
    if REFERENCE not in engines:
        engines.insert(0, REFERENCE)
    from partnergraph.files.datadir import bundled_data_dir

    with tempfile.TemporaryDirectory(prefix="shacl-engines-") as tmp:
        work = a.work or Path(tmp)
        sets: list[tuple[str, list[Path]]] = []
        if not a.no_bundled and not a.data:
            sets.append(("bundled data", [bundled_data_dir()]))
        for d in a.data or []:
            sets.append((f"data {d}", [d]))
        if a.broken:
            sets.append(("bundled data, broken", [broken_bundled(work / "broken")]))
        if a.cases:
            sets.append(("bad fixtures of tests/test_validate.py", bad_fixtures(work / "cases")))
        print(f"# SHACL engines against pySHACL, {a.runs} run(s) each (median); python {sys.version.split()[0]}\n")
        if a.probe:
            print(probe(engines, work / "probe", a.timeout), flush=True)
        for label, dirs in sets:
            ds = compare(dirs, label.replace(" ", "_").replace("/", "_")[:40], a.runs, a.timeout, engines, work)
            ds["label"] = label
            print(table(ds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
