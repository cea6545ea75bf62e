"""Reading the seed texts for the corpus tests: the folder named by ``PARTNERGRAPH_SEEDS``, found through each seed
entry's ``seedfile``."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest


def fold(text: str) -> str:
    """Whitespace folded, Unicode NFC: how quotes and locators are compared with the seed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def read_seeds(bundled) -> dict[str, str]:
    """Seed key → raw text, for every source that is a seed document; skips without ``PARTNERGRAPH_SEEDS``."""
    folder = os.environ.get("PARTNERGRAPH_SEEDS")
    if not folder:
        pytest.skip("PARTNERGRAPH_SEEDS is not set: the seed texts are not on this machine")
    path = Path(folder)
    assert path.is_dir(), f"PARTNERGRAPH_SEEDS={folder} is not a folder"
    out = {}
    for _, d in bundled.nx.nodes(data=True):
        if d.get("kind") == "source" and d.get("seed_file"):
            f = path / d["seed_file"]
            assert f.exists(), f"seed file {f} missing"
            out[d["key"]] = f.read_text(encoding="utf-8")
    assert len(out) == 6, "six seed documents (seed 004 holds two)"
    assert len(set(out.values())) == 5, "five seed files"
    return out
