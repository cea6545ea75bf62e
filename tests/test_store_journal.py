"""Readers never see half of a two-file librarian write, and reading makes files ordinary, not 0600."""

from __future__ import annotations

import json
import os
import stat

import partnergraph as pg
from partnergraph.files.atomic import JOURNAL, _tmp_name, write_atomic_bytes


def test_interrupted_two_file_write_is_completed_before_reading(tiny):
    # a rename of source gray1989 → gray1989x stopped after sources.bib was renamed into place
    bib = (tiny / "sources.bib").read_text().replace("@book{gray1989,", "@book{gray1989x,")
    ttl = (tiny / "claims.ttl").read_text().replace("source:gray1989 ", "source:gray1989x ").replace(
        "source:gray1989,", "source:gray1989x,")
    (tiny / "sources.bib").write_text(bib)
    (tiny / _tmp_name("claims.ttl")).write_text(ttl)
    (tiny / JOURNAL).write_text(json.dumps({"files": ["claims.ttl", "sources.bib"]}))
    g = pg.load(tiny, cache=False)  # without completing the write this fails: claims.ttl names gray1989
    assert "source:gray1989x" in g.nx
    assert not (tiny / JOURNAL).exists()
    assert (tiny / "claims.ttl").read_text() == ttl


def test_atomic_writes_give_ordinary_permissions(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic_bytes(target, b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
