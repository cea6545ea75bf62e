"""notebooks/02-evidence-maps.ipynb (issue 5) runs top to bottom on the bundled corpus: a filtered map shown
inline, the gap matrix as a chart, an export read back; the committed file carries no outputs."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, assert_notebook_current, execute_notebook, notebook_problems

from partnergraph.outputs.filters import Selection, filtered_graph
from partnergraph.outputs.maps import MAP_KINDS

NOTEBOOK = ROOT / "notebooks" / "02-evidence-maps.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = execute_notebook(NOTEBOOK)
    return nb


def outputs(nb, kind: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if kind == "stream" and o["output_type"] == "stream":
                found.append(o["text"])
            elif o["output_type"] in ("display_data", "execute_result") and kind in o["data"]:
                found.append(o["data"][kind])
    return found


def test_committed_notebook_carries_current_outputs(executed):
    nb = executed
    code = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    assert any(c["outputs"] for c in code), "committed with its outputs (scripts/notebooks.py)"
    assert_notebook_current(NOTEBOOK, nb)


def test_notebook_writes_nothing_to_stderr(executed):
    assert notebook_problems(executed) == []


def test_notebook_runs_without_errors(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors and f"{errors[0]['ename']}: {errors[0]['evalue']}"


def test_notebook_shows_the_filtered_map_inline(executed, bundled):
    frames = [h for h in outputs(executed, "text/html") if "<iframe srcdoc=" in h]
    assert len(frames) == 1 and "vis.Network" in frames[0]
    sub = filtered_graph(bundled, Selection(kinds=("Benefit",), dimensions=("effectiveness",)), kinds=MAP_KINDS)
    n_claims = sum(1 for _, d in sub.nodes(data=True) if d["kind"] == "claim")
    assert f"Map of kind Benefit; dimension effectiveness: {n_claims} claims" in "".join(outputs(executed, "stream"))


def test_notebook_draws_the_gap_matrix_and_names_gaps(executed, bundled):
    assert len(outputs(executed, "image/png")) == 1
    text = "".join(outputs(executed, "stream"))
    for c in bundled.gaps():
        assert (f"Gap: {c.dimension} / {c.level}" in text) == c.gap


def test_notebook_export_reads_back(executed, bundled):
    sub = filtered_graph(bundled, Selection(kinds=("Benefit",), dimensions=("effectiveness",)))
    text = "".join(outputs(executed, "stream"))
    assert f"GraphML: {sub.number_of_nodes()} nodes, {sub.number_of_edges()} edges" in text
    assert "effectiveness-nodes.csv, effectiveness-edges.csv" in text
