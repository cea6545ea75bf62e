"""notebooks/01-researcher-questions.ipynb runs top to bottom on the bundled corpus (issue 4), so it cannot rot;
its answers agree with the graph, and the committed file carries no outputs."""

from __future__ import annotations

import pytest
from conftest import ROOT, execute_notebook

NOTEBOOK = ROOT / "notebooks" / "01-researcher-questions.ipynb"


@pytest.fixture(scope="module")
def executed():
    nb = execute_notebook(NOTEBOOK)
    return nb


def texts(nb) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                out.append(o["text"])
            elif o["output_type"] in ("display_data", "execute_result"):
                out.append(o["data"].get("text/markdown") or o["data"].get("text/plain", ""))
    return "\n".join(out)


def test_committed_notebook_has_cleared_outputs():
    import json

    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has code"
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_notebook_runs_without_errors(executed):
    errors = [o for c in executed.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors and f"{errors[0]['ename']}: {errors[0]['evalue']}"


def test_notebook_draws_the_gap_matrix(executed):
    images = [o for c in executed.cells for o in c.get("outputs", [])
              if o["output_type"] in ("display_data", "execute_result") and "image/png" in o["data"]]
    assert len(images) == 1


def test_notebook_answers_agree_with_the_graph(executed, bundled):
    G = bundled.nx
    out = texts(executed)
    n_benefits = sum(1 for _, d in G.nodes(data=True) if d.get("claim_kind") == "Benefit")
    assert f"{n_benefits} benefits:" in out
    empty = [d["label"] for n, d in G.nodes(data=True)
             if d["kind"] == "quality_cell" and not any(k == "in_category" for _, _, k in G.in_edges(n, keys=True))]
    assert empty and all(f"'{label}'" in out.split("Gaps:", 1)[1].splitlines()[0] for label in empty)
    contested = set()
    for n, d in G.nodes(data=True):
        if d["kind"] == "claim":
            st = {e["stance"] for _, _, e in G.in_edges(n, data=True) if e["kind"] == "evidences"}
            if "supports" in st and st & {"disputes", "qualifies"}:
                contested.add(n.split(":", 1)[1])
    assert contested and all(f"{c}:" in out for c in contested)
