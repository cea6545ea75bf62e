"""notebooks/03-extending-the-bibliography.ipynb runs top to bottom on a copy of the bundled data (issue 6): its
answers agree with the library functions, it leaves data/ untouched, and the committed file carries no outputs."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from conftest import DATA, ROOT, execute_notebook, snapshot

NOTEBOOK = ROOT / "notebooks" / "03-extending-the-bibliography.ipynb"
FIX = ROOT / "tests" / "fixtures" / "library"


@pytest.fixture(scope="module")
def executed():
    before = snapshot(DATA)
    nb = execute_notebook(NOTEBOOK)
    return nb, before


def text(nb) -> str:
    return "\n".join(o["text"] for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "stream")


def test_committed_notebook_has_cleared_outputs():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


def test_notebook_runs_without_errors_and_leaves_data_alone(executed):
    nb, before = executed
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors and f"{errors[0]['ename']}: {errors[0]['evalue']}"
    assert snapshot(DATA) == before


def test_notebook_answers_agree_with_the_library(executed, data_copy):
    from partnergraph import librarian as lib

    out = text(executed[0])
    exports = [FIX / "zotero-bbt.bib", FIX / "jabref.bib", FIX / "export.ris", FIX / "items.json"]
    counts = Counter(r.outcome for r in lib.add_entries(exports, data_copy).rows)
    assert (f"imported: {counts['added']} added, {counts['duplicate']} duplicates, {counts['skipped']} skipped"
            in out)
    assert "old file is a prefix of the new one: True" in out
    rank = next(i for i, r in enumerate(lib.todo(data_copy), 1) if r.key == "auditcommission1998")
    assert f"auditcommission1998 is number {rank} on the worklist" in out
    assert "auditcommission1998 resolved: status complete | still on the worklist: False" in out
    assert re.search(r"refused: .*already links dickinson2013", out)
    assert "round trip identical: True" in out
