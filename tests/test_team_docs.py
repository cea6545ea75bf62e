"""docs/teams.md shows real sessions with a real Oxigraph and a real Virtuoso: every console block marked
``<!-- transcript: oxigraph -->`` or ``<!-- transcript: virtuoso -->`` runs here, in a fresh folder holding a copy
of the bundled ``data/``, against that server (started by the test, emptied for each block), and its output must
be the one printed.

In the docs the servers are at their usual addresses (``127.0.0.1:7878``, ``127.0.0.1:8890``, Virtuoso's
``dba`` password ``secret``); here they run on free ports with a fresh password, put in place of those in each
command and taken back out of the output. A command that starts the server (``oxigraph serve … &``,
``virtuoso-t …``) is the test's job; one that installs something (``pip install``, ``apt-get``) is not run.
In the expected output, a line ``...`` stands for any lines and ``...`` inside a line for any text (a time, a
version id): the one way output may vary. ``scripts/team_transcripts.py`` prints what the blocks print today.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, ROOT
from servers import pythonpath_env

pytestmark = pytest.mark.server

DOC = ROOT / "docs" / "teams.md"
MARK = re.compile(r"<!-- transcript: (oxigraph|virtuoso) -->\s*\n```console\n(.*?)```", re.S)
DOC_ADDRESS = {"oxigraph": "127.0.0.1:7878", "virtuoso": "127.0.0.1:8890"}
SETUP = re.compile(r"^(oxigraph serve|virtuoso-t|sudo |apt-get |pip install|systemctl |service )")  # not run


def transcripts() -> list[tuple[str, int, str]]:
    text = DOC.read_text(encoding="utf-8")
    return [(m.group(1), text[:m.start()].count("\n") + 1, m.group(2)) for m in MARK.finditer(text)]


def commands_and_outputs(block: str) -> list[tuple[str, list[str]]]:
    """``$ command`` lines (with ``\\`` continuations) and the lines printed after each."""
    steps: list[tuple[str, list[str]]] = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1].rstrip() + " " + lines[i].strip()
            steps.append((cmd, []))
        elif steps:
            steps[-1][1].append(line)
        i += 1
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` against ``actual``: a line ``...`` is any lines, ``...`` in a line any text."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.strip() == "...":
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    pattern = "^" + ".*".join(re.escape(part) for part in head.split("...")) + "$"
    return re.match(pattern, actual[0]) is not None and matches(rest, actual[1:])


def run_block(kind: str, block: str, server, folder: Path) -> list[tuple[str, list[str], list[str]]]:
    doc_host = DOC_ADDRESS[kind]
    real_host = server.shown.split("//", 1)[1].split("/", 1)[0]
    password = server.extra.get("password", "")

    def to_real(text: str) -> str:
        text = text.replace(doc_host, real_host)
        return text.replace("dba:secret@", f"dba:{password}@") if password else text

    def to_doc(text: str) -> str:
        text = text.replace(real_host, doc_host)
        return text.replace(password, "secret") if password else text

    steps = commands_and_outputs(block)
    script = ["set +e"]
    for n, (cmd, _) in enumerate(steps):
        script.append(f"echo '@@step {n}@@'")
        if not SETUP.match(cmd):
            script.append(f"{{ {to_real(cmd)} ; }} 2>&1")
    env = pythonpath_env(ROOT, PARTNERGRAPH_CACHE=str(folder / ".cache"), COLUMNS="100")
    for var in ("PARTNERGRAPH_STORE", "PARTNERGRAPH_DATA", "PARTNERGRAPH_STORE_TIMEOUT", "PARTNERGRAPH_STORE_METHOD",
                "PARTNERGRAPH_STORE_USER", "PARTNERGRAPH_STORE_PASSWORD"):
        env.pop(var, None)
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=600)
    parts = re.split(r"^@@step (\d+)@@\n", done.stdout, flags=re.M)
    outputs = {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    return [(cmd, exp, to_doc(outputs.get(n, "")).splitlines()) for n, (cmd, exp) in enumerate(steps)]


BLOCKS = transcripts()


def test_the_docs_show_both_servers():
    kinds = {k for k, _, _ in BLOCKS}
    assert kinds == {"oxigraph", "virtuoso"}, f"transcripts found in docs/teams.md: {kinds}"


@pytest.mark.parametrize("kind, line, block", BLOCKS, ids=[f"{k}-line{n}" for k, n, _ in BLOCKS])
def test_a_transcript_in_the_docs_is_what_the_commands_print(sparql_servers, tmp_path, kind, line, block):
    server = sparql_servers(kind)
    server.wipe()
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "data" / ".partnergraph-store").unlink(missing_ok=True)
    wrong = []
    for cmd, expected, actual in run_block(kind, block, server, tmp_path):
        if not SETUP.match(cmd) and not matches(expected, actual):
            wrong.append(f"$ {cmd}\n--- docs/teams.md (line {line}) says:\n" + "\n".join(expected)
                         + "\n--- it prints:\n" + "\n".join(actual))
    assert not wrong, "\n\n".join(wrong)

