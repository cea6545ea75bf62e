"""``bib dedupe`` candidate generation at scale: the index of this tree against the one on a git revision
(default ``HEAD``), on a generated corpus — candidate pairs compared, peak pair-set size, time, and whether the
verdicts are identical. Ratios are new / old in the same process.

    python benchmarks/generate.py 30k /tmp/c30 && python benchmarks/dedupe_scale.py /tmp/c30/sources.bib [REV]
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partnergraph.files.bibtex import parse_bibtex
from partnergraph.librarian import dedupe as new

ROOT = Path(__file__).resolve().parent.parent


def old_module(rev: str):
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:partnergraph/librarian/dedupe.py"],
                          capture_output=True, text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "partnergraph" / "librarian" / "_old_dedupe.py"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("partnergraph.librarian._old_dedupe", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def run(mod, records):
    index = mod.DedupeIndex(records)
    pairs = sum(len(index.candidates(r)) for r in records)
    t = time.perf_counter()
    found = mod.find_duplicates(records)
    return time.perf_counter() - t, pairs, [(m.key_a, m.key_b, m.kind, m.reason) for m in found]


def main() -> None:
    bib = Path(sys.argv[1])
    rev = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    sources = parse_bibtex(bib).sources
    records = [new.record_from_source(s) for s in sources]
    old = old_module(rev)
    t_old, p_old, v_old = run(old, records)
    t_new, p_new, v_new = run(new, records)
    print(f"{len(records)} entries: candidates {p_old} → {p_new} ({p_new / max(p_old, 1):.3f}×), "
          f"find_duplicates {t_old:.2f} s → {t_new:.2f} s ({t_new / t_old:.3f}×), "
          f"{len(v_old)} → {len(v_new)} verdicts, identical: {v_old == v_new}")


if __name__ == "__main__":
    main()
