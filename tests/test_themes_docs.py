"""The theme transcripts of the docs are real: every ``$ partnergraph …`` line of the README's researchers' opener
and of docs/researchers.md's "Themes" section is run, as on a terminal (stderr, then what the pipe prints), and
must print what the docs show."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _section(path: Path, start: str, end: str) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index(start):text.index(end, text.index(start))]


def transcripts() -> list[tuple[str, str, str]]:
    """(where, command, expected output) for each command of the theme sections."""
    out = []
    for path, start, end in ((ROOT / "README.md", "## Researchers: asking the graph", "In the matrix a cell"),
                             (ROOT / "docs" / "researchers.md", "## Themes: one answer across the reviews",
                              "## 1. Which benefits")):
        for block in re.findall(r"```console\n(.*?)```", _section(path, start, end), re.S):
            lines = block.split("\n")
            i = 0
            while i < len(lines):
                if lines[i].startswith("$ partnergraph"):
                    cmd, i = lines[i][2:], i + 1
                    body = []
                    while i < len(lines) and not lines[i].startswith("$ "):
                        body.append(lines[i])
                        i += 1
                    out.append((path.name, cmd, "\n".join(body).strip("\n")))
                else:
                    i += 1
    return out


CASES = transcripts()


@pytest.mark.parametrize("where, cmd, expected", CASES, ids=[f"{w}: {c[:60]}" for w, c, _ in CASES])
def test_a_theme_transcript_prints_what_the_docs_show(where, cmd, expected, tmp_path):
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PYTHONPATH=str(ROOT), PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("PARTNERGRAPH_THEMES", None)
    env.pop("PARTNERGRAPH_DATA", None)
    (tmp_path / "data").symlink_to(ROOT / "data")  # as in the repository: ./data is the bundled corpus
    cmd = cmd.replace("partnergraph ", f"{sys.executable} -m partnergraph ")
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert (r.stderr + r.stdout).strip("\n") == expected, f"{where}: {cmd}"
