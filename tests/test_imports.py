"""`import partnergraph` loads only what it must (STYLE §8)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["pyvis", "pyshacl", "matplotlib", "rapidfuzz", "rispy", "IPython"]


def loaded_after(statement: str) -> set[str]:
    code = f"import sys, json; {statement}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_partnergraph_is_light():
    mods = loaded_after("import partnergraph")
    assert not [m for m in HEAVY if m in mods]


def test_import_cli_is_light():
    mods = loaded_after("import partnergraph.cli")
    assert not [m for m in HEAVY if m in mods]
