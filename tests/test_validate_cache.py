"""``validate`` of files a load cached reads the cache instead of parsing them: the same findings, every one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import partnergraph as pg
from partnergraph.checks import validate as validate_module
from partnergraph.checks.validate import validate

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("which", ["bundled", "tiny"])
def test_validate_from_the_cache_finds_what_parsing_finds(which, tiny, tmp_path, monkeypatch):
    d = tiny if which == "tiny" else tmp_path / "data"
    if which == "bundled":
        shutil.copytree(DATA, d)
    monkeypatch.setenv("PARTNERGRAPH_NO_CACHE", "1")
    parsed, parsed_rules = validate(d), validate(d, shacl=False)
    monkeypatch.delenv("PARTNERGRAPH_NO_CACHE")
    pg.load(d)  # writes the cache
    monkeypatch.setattr(validate_module, "load_store", lambda *a, **k: pytest.fail("parsed, not read from cache"))
    assert validate(d) == parsed
    assert validate(d, shacl=False) == parsed_rules
    if which == "bundled":
        assert any(f.severity == "warning" for f in parsed) and len(parsed) > len(parsed_rules)


def test_an_edit_after_the_load_is_parsed(tiny, monkeypatch):
    pg.load(tiny)
    bib = tiny / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@book{broken,\n  title = {no end}\n", encoding="utf-8")
    found = validate(tiny, shacl=False)
    assert any(f.rule == "bibtex-syntax" for f in found)
