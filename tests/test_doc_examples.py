"""Every console block of the README (docs/*.md next) runs, and prints what the page shows.

A console block is a terminal's transcript: each line starting with ``$ `` is a command (continued on the
next lines while a quote or a here-document is open, or the line ends in ``\\``), the lines after it are its output (stdout and
stderr as a terminal shows them). A page is a walk-through: its blocks run in order, one shell each, in one
fresh folder per page holding a copy of the bundled ``data/`` and of ``tests/fixtures/`` (what a checkout has),
so a block that needs a file makes it (``cp``, ``cat > FILE <<'EOF'``) and the blocks after it see it.

Output that legitimately varies is marked, and only so:

- a line that is just ``…`` stands for any number of lines (also none);
- ``<…>`` inside a line stands for any text within that line (a timing, a temporary path).

Setup that cannot run here (installing packages, servers on other hosts) is written as a ``bash`` block, not a
console block: it shows no output to compare.
"""

from __future__ import annotations

import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the README runs as shown; docs/*.md join as each page is brought back to what the commands print
PAGES = [ROOT / "README.md"]
ANY_LINES = "…"
ANY_TEXT = "<…>"


@dataclass
class Command:
    text: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    page: Path
    line: int
    commands: list[Command]

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def _open(command: str) -> bool:
    """Whether the shell would want another line: an open quote, a trailing backslash, an open here-document."""
    if command.endswith("\\"):
        return True
    heredoc = re.search(r"<<-?\s*'?\"?([A-Za-z_]+)'?\"?", command)
    if heredoc and not re.search(rf"(?m)^{heredoc.group(1)}$", command.split("\n", 1)[-1] if "\n" in command
                                 else ""):
        return True
    try:
        shlex.split(command.split("<<", 1)[0] if heredoc else command, comments=True)
    except ValueError:
        return True
    return False


def parse_blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    blocks = []
    for m in re.finditer(r"(?ms)^```console\n(.*?)^```", text):
        start = text.count("\n", 0, m.start()) + 2
        commands: list[Command] = []
        lines = m.group(1).splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.startswith("$ "):
                cmd = line[2:]
                while _open(cmd) and i + 1 < len(lines):
                    i += 1
                    cmd += "\n" + lines[i]
                commands.append(Command(cmd))
            elif commands:
                commands[-1].expected.append(line.rstrip())
            else:
                raise AssertionError(f"{page}:{start + i}: a console block starts with a '$ ' command")
            i += 1
        blocks.append(Block(page, start, commands))
    return blocks


BLOCKS = [b for p in PAGES for b in parse_blocks(p)]


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected`` with its ``…`` lines and ``<…>`` spans."""
    def line_ok(want: str, got: str) -> bool:
        if ANY_TEXT not in want:
            return want == got
        pattern = ".*".join(re.escape(part) for part in want.split(ANY_TEXT))
        return re.fullmatch(pattern, got) is not None

    memo: dict[tuple[int, int], bool] = {}

    def fit(i: int, j: int) -> bool:
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(expected):
            ok = j == len(actual)
        elif expected[i] == ANY_LINES:
            ok = fit(i + 1, j) or (j < len(actual) and fit(i, j + 1))
        else:
            ok = j < len(actual) and line_ok(expected[i], actual[j]) and fit(i + 1, j + 1)
        memo[(i, j)] = ok
        return ok

    return fit(0, 0)


def _trim(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


@pytest.fixture(scope="module")
def shims(tmp_path_factory) -> Path:
    """``partnergraph``, ``python`` and ``python3`` on PATH are this interpreter running this checkout."""
    d = tmp_path_factory.mktemp("bin")
    for name, args in (("partnergraph", "-m partnergraph"), ("python", ""), ("python3", "")):
        (d / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" {args} "$@"\n', encoding="utf-8")
        (d / name).chmod(0o755)
    return d


@pytest.fixture(scope="module")
def doc_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("doc-cache")


MARK = "\x1f@@command"


def run_block(block: Block, work: Path, shims: Path, cache: Path) -> list[list[str]]:
    script = ["exec 2>&1", "trap 'jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null' EXIT"]
    for n, c in enumerate(block.commands):
        script.append(f"printf '\\n{MARK} {n}\\n'")
        script.append(c.text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update(PATH=f"{shims}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONPATH=str(ROOT),
               PARTNERGRAPH_CACHE=str(cache), PYTHONUNBUFFERED="1", COLUMNS="120", LC_ALL="C.UTF-8",
               PARTNERGRAPH_SEEDS=os.environ.get("PARTNERGRAPH_SEEDS", ""))
    # on a terminal, as the pages show it: a table where a command is not told --format, and no JSON
    master, slave = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=work, env=env, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, start_new_session=True)  # its own session: no signal
                            # of the block's terminal reaches the test run
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed: the block is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    out = re.sub(r"\r\x1b\[K[^\r\n]*", "", out)  # a progress line, cleared on the terminal
    proc_stdout = out
    parts = re.split(rf"\n?{re.escape(MARK)} (\d+)\n", proc_stdout)
    outputs: list[list[str]] = [[] for _ in block.commands]
    for k in range(1, len(parts), 2):
        outputs[int(parts[k])] = _trim(parts[k + 1].split("\n"))
    return outputs


PAGE_BLOCKS = {p: [b for b in BLOCKS if b.page == p] for p in PAGES if any(b.page == p for b in BLOCKS)}


@pytest.mark.parametrize("page", list(PAGE_BLOCKS), ids=[str(p.relative_to(ROOT)) for p in PAGE_BLOCKS])
def test_console_blocks_print_what_the_page_shows(page, tmp_path, shims, doc_cache):
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "tests" / "fixtures", work / "tests" / "fixtures")
    wrong = []
    for block in PAGE_BLOCKS[page]:
        outputs = run_block(block, work, shims, doc_cache)
        for c, got in zip(block.commands, outputs, strict=True):
            want = _trim(c.expected)
            if not matches(want, got):
                wrong.append(f"{block.id}\n$ {c.text}\n--- the page shows\n" + "\n".join(want)
                             + "\n--- it prints\n" + "\n".join(got))
    assert not wrong, "\n\n".join(wrong)


# ------------------------------------------------------------------ the harness itself
@pytest.mark.parametrize("expected, actual, ok", [
    pytest.param(["a", "b"], ["a", "b"], True, id="same"),
    pytest.param(["a", "b"], ["a", "c"], False, id="different"),
    pytest.param(["a", "…"], ["a", "b", "c"], True, id="any-lines-at-end"),
    pytest.param(["a", "…", "z"], ["a", "z"], True, id="any-lines-none"),
    pytest.param(["a", "…", "z"], ["a", "b"], False, id="any-lines-needs-the-rest"),
    pytest.param(["took <…> s"], ["took 0.42 s"], True, id="any-text"),
    pytest.param(["took <…> s"], ["took 0.42 ms"], False, id="any-text-keeps-the-rest"),
    pytest.param(["x…"], ["xyz"], False, id="an-ellipsis-in-a-line-is-literal"),
])
def test_matching_rules(expected, actual, ok):
    assert matches(expected, actual) is ok


def test_commands_continue_while_a_quote_or_heredoc_is_open(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```console\n$ partnergraph sparql 'SELECT ?x\n  WHERE { ?x ?p ?o }'\nout\n"
                    "$ cat > f.txt <<'EOF'\n$ inside the here-document\nEOF\n$ cat f.txt\n"
                    "  $ indented output\n```\n", encoding="utf-8")
    (block,) = parse_blocks(page)
    assert [c.text for c in block.commands] == [
        "partnergraph sparql 'SELECT ?x\n  WHERE { ?x ?p ?o }'",
        "cat > f.txt <<'EOF'\n$ inside the here-document\nEOF",
        "cat f.txt",
    ]
    assert block.commands[0].expected == ["out"]
    assert block.commands[2].expected == ["  $ indented output"]
