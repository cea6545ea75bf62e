"""Run the notebooks in notebooks/ top to bottom and write them back with their outputs, so a reader on a code host
sees the results; or, with --check, say which committed notebooks are out of date.

Usage: python scripts/notebooks.py [--check] [NOTEBOOK ...]      (default: every notebooks/*.ipynb)

Each notebook runs in a fresh ``python3`` kernel (nbclient) whose working directory is an empty temporary folder,
so a notebook that found its data through a relative path would fail here. The written file is deterministic:
no execution timings, execution counts 1, 2, 3, … in cell order, the kernel's ``language_info`` reduced to its
name, keys sorted (nbformat). tests/test_notebook_0*.py compare the committed outputs with a fresh run through
``comparable`` below, which normalises only what legitimately varies from run to run and machine to machine.
"""

from __future__ import annotations

import argparse
import base64
import re
import struct
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TIMEOUT = 300

# What varies between two faithful runs, and nothing else:
VARIES = [
    # a temporary folder's random name (tempfile.mkdtemp, tmp_path)
    (re.compile(r"(/tmp|/var/folders/[^\s'\"]+|[A-Za-z]:\\[^\s'\"]*\\Temp)/[\w.-]*?(tmp|partnergraph-)[\w.-]*"),
     "<tmp>"),
    # an object's memory address in a repr
    (re.compile(r"\bat 0x[0-9a-fA-F]+\b"), "at 0x…"),
    # a duration printed by a notebook (none prints one today; listed so that one may)
    (re.compile(r"\b\d+\.\d+ ?(s|ms|µs)\b"), "<duration>"),
]


def execute(path: Path, cwd: Path | None = None):
    """The notebook at ``path`` run top to bottom in a fresh kernel started in ``cwd`` (a new temporary folder by
    default), cleaned by ``tidy``."""
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    with tempfile.TemporaryDirectory(prefix="nbrun-") as tmp:
        where = cwd or Path(tmp)
        nbclient.NotebookClient(nb, kernel_name="python3", timeout=TIMEOUT, record_timing=False,
                                resources={"metadata": {"path": str(where)}}).execute()
    return tidy(nb)


def tidy(nb):
    """Drop what changes on every run without being a result: timings, kernel versions, transient ids, and how
the kernel happened to chunk a stream."""
    nb.metadata = {"kernelspec": nb.metadata.get("kernelspec", {}),
                   "language_info": {"name": nb.metadata.get("language_info", {}).get("name", "python")}}
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.outputs = _coalesce(cell.outputs)
        for out in cell.outputs:
            out.pop("transient", None)
            if "execution_count" in out:
                out["execution_count"] = count
    return nb


def _coalesce(outputs: list) -> list:
    """Consecutive chunks of one stream as one output (how the kernel chunks them depends on timing)."""
    merged: list = []
    for out in outputs:
        if (out["output_type"] == "stream" and merged and merged[-1]["output_type"] == "stream"
                and merged[-1]["name"] == out["name"]):
            merged[-1]["text"] = _text(merged[-1]["text"]) + _text(out["text"])
        else:
            merged.append(out)
    return merged


def png_size(data: str) -> tuple[int, int]:
    """Width and height of a base64 PNG (from its IHDR chunk)."""
    raw = base64.b64decode(data)
    return struct.unpack(">II", raw[16:24])


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _fold(text: str) -> str:
    for pattern, placeholder in VARIES:
        text = pattern.sub(placeholder, text)
    return text


def comparable(nb) -> list[list[dict]]:
    """Every code cell's outputs in a form two faithful runs agree on: text with the VARIES patterns folded; a
    PNG by its size in pixels (the rasteriser's bytes differ between matplotlib and FreeType builds)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for out in cell.outputs:
            kind = out["output_type"]
            if kind == "stream":
                outs.append({"stream": out["name"], "text": _fold(_text(out["text"]))})
            elif kind in ("display_data", "execute_result"):
                data = {}
                for mime, value in sorted(out["data"].items()):
                    data[mime] = png_size(_text(value)) if mime == "image/png" else _fold(_text(value))
                outs.append({kind: data})
            else:
                outs.append({kind: f"{out.get('ename')}: {out.get('evalue')}"})
        cells.append(outs)
    return cells


def main(argv: list[str] | None = None) -> int:
    import nbformat
    from nbclient.exceptions import CellExecutionError

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a committed notebook is stale")
    ap.add_argument("notebooks", nargs="*", type=Path)
    args = ap.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    stale = 0
    for path in paths:
        try:
            fresh = execute(path)
        except CellExecutionError as exc:
            print(f"Error: {path}: {exc.ename}: {exc.evalue}", file=sys.stderr)
            return 1
        text = nbformat.writes(fresh) + "\n"
        if args.check:
            same = comparable(nbformat.read(path, as_version=4)) == comparable(fresh)
            stale += not same
            print(f"{path.name}: {'current' if same else 'STALE (run python scripts/notebooks.py)'}")
        elif path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.name}")
        else:
            print(f"{path.name}: unchanged")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
