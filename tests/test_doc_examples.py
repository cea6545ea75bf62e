"""Every console block of README.md and docs/*.md runs, and prints what the page shows.

A console block is a terminal's transcript: each line starting with ``$ `` is a command (continued on the
next lines while a quote or a here-document is open, or the line ends in ``\\``), the lines after it are its
output (stdout and stderr as a terminal shows them), then ``[exit N]`` when the command fails. A page is a
walk-through: its blocks run in order, one shell each, in one fresh folder per page holding a copy of the bundled
``data/`` and of ``tests/fixtures/`` (what a checkout has), so a block that needs a file makes it (``cp``,
``cat > FILE <<'EOF'``) and the blocks after it see it. A page's ``python`` blocks run there too, in their
place (they must not fail); its ``pycon`` blocks are doctests.

Output that legitimately varies is marked, and only so:

- a line that is just ``…`` stands for any number of lines (also none);
- ``<…>`` inside a line stands for any text within that line (a timing, a temporary path).

Setup that cannot run here (installing packages, starting servers, running the tests) is written as a ``bash``
block, not a console block: it shows no output to compare, and a console block that does it fails the tests
unmarked. The exception is docs/teams.md's sessions with a real server: a block right after
``<!-- transcript: oxigraph -->`` or ``<!-- transcript: virtuoso -->`` is run by tests/test_team_docs.py against
that server, not here.

``partnergraph`` on the blocks' PATH is this checkout's CLI, imported once and forked per command
(tests/docshell.py) on the block's terminal; ``PARTNERGRAPH_DOCS_FRESH=1`` runs a fresh process per command
instead, and a test checks that both print the same. ``python scripts/doc_transcripts.py [--write] [PAGE…]``
runs the pages the same way and lists (or writes back) the outputs that differ.
"""

from __future__ import annotations

import contextlib
import doctest
import os
import pty
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEAM_DOCS_TEST = ROOT / "tests" / "test_team_docs.py"
#: docs/teams.md's sessions all need a server: they are tests/test_team_docs.py's (marked), and the page joins
#: here with that test, so that a block of it that is not marked is refused below
PAGES = [p for p in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
         if p.name != "teams.md" or TEAM_DOCS_TEST.exists()]
ANY_LINES = "…"
ANY_TEXT = "<…>"
SERVER_MARK = re.compile(r"<!-- transcript: (oxigraph|virtuoso) -->")
#: what a console block may not do here: install software, start servers, run the tests, reach the network
SETUP = re.compile(r"(^|[;&|(]\s*)(sudo|apt-get|apt|pip3?|docker|podman|systemctl|service|oxigraph|"
                   r"fuseki-server|virtuoso-t|pytest|curl|wget|jupyter|playwright|git +(clone|fetch|pull|push))\b"
                   r"|\bpython3? -m (pip|pytest|http\.server)\b")
BLOCK_SECONDS = 120


@dataclass
class Command:
    text: str
    expected: list[str] = field(default_factory=list)
    output_at: int = 0  # the line of the block where its output starts
    printed: list[str] | None = None  # what it printed, when that is not what the page shows


@dataclass
class Block:
    page: Path
    line: int
    kind: str  # console | python | pycon
    text: str
    commands: list[Command] = field(default_factory=list)
    server: str | None = None  # the server a marked block needs (run by tests/test_team_docs.py)

    @property
    def id(self) -> str:
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"


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


def _commands(block: Block) -> list[Command]:
    commands: list[Command] = []
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while _open(cmd) and i + 1 < len(lines):
                i += 1
                cmd += "\n" + lines[i]
            commands.append(Command(cmd, output_at=i + 1))
        elif commands:
            commands[-1].expected.append(line.rstrip())
        else:
            raise AssertionError(f"{block.id}: a console block starts with a '$ ' command")
        i += 1
    return commands


def parse_blocks(page: Path) -> list[Block]:
    """The page's console, python and pycon blocks, in order (also those indented in a list)."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for m in re.finditer(r"(?ms)^( *)```(console|python|pycon)\n(.*?)^\1```", text):
        indent = len(m.group(1))
        body = "\n".join(line[indent:] for line in m.group(3).split("\n"))
        before = text[:m.start()].rstrip().rsplit("\n", 1)[-1]
        marked = SERVER_MARK.search(before)
        block = Block(page, text.count("\n", 0, m.start()) + 2, m.group(2), body,
                      server=marked.group(1) if marked else None)
        if block.kind == "console":
            block.commands = _commands(block)
        blocks.append(block)
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


# ------------------------------------------------------------------ the shell the blocks run in
@contextlib.contextmanager
def forked_cli(d: Path):
    """The forked ``partnergraph`` (tests/docshell.py) listening in folder ``d``, stopped with every child it
    still has at the end."""
    sock = d / "cli.sock"
    log = (d / "server.log").open("wb")
    env = dict(_environment(), PYTHONPATH=str(ROOT))
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "docshell.py"), "serve", str(sock),
                               str(os.getpid())],
                              cwd=d, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while not sock.exists() and server.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sock.exists(), f"the docs' partnergraph did not start: {(d / 'server.log').read_text()}"
    try:
        yield sock
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def make_shims(d: Path, sock: Path) -> Path:
    """``partnergraph`` (forked, or fresh with PARTNERGRAPH_DOCS_FRESH=1), ``python`` and ``python3`` in folder
    ``d``, for the blocks' PATH: this interpreter and this checkout."""
    client = f'"{sys.executable}" -S -E "{ROOT / "tests" / "docshell.py"}" client "{sock}"'
    fresh = f'"{sys.executable}" -m partnergraph'
    (d / "partnergraph").write_text(
        f'#!/bin/sh\nif [ -n "$PARTNERGRAPH_DOCS_FRESH" ]; then exec {fresh} "$@"; fi\nexec {client} "$@"\n',
        encoding="utf-8")
    for name in ("python", "python3"):
        (d / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    for f in d.iterdir():
        f.chmod(0o755)
    return d


@pytest.fixture(scope="module")
def shims(tmp_path_factory) -> Path:
    with forked_cli(tmp_path_factory.mktemp("docshell")) as sock:
        yield make_shims(tmp_path_factory.mktemp("bin"), sock)


def _environment() -> dict[str, str]:
    """A user's terminal: no PARTNERGRAPH_* settings but this run's private cache (warm from the other tests)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", COLUMNS="120", LC_ALL="C.UTF-8", TERM="dumb")
    if os.environ.get("PARTNERGRAPH_CACHE"):
        env["PARTNERGRAPH_CACHE"] = os.environ["PARTNERGRAPH_CACHE"]
    if os.environ.get("PARTNERGRAPH_DOCS_FRESH"):
        env["PARTNERGRAPH_DOCS_FRESH"] = "1"
    return env


MARK = "\x1f@@command"


def run_block(block: Block, work: Path, shims: Path) -> list[list[str]]:
    """Each command's output as the terminal shows it, ``[exit N]`` after one that fails. The block's shell is
    its own session on its own terminal; whatever it leaves running is killed when it ends."""
    script = []
    for n, c in enumerate(block.commands):
        script.append(f"printf '\\n{MARK} {n}\\n'")
        script.append(c.text)
        script.append("__rc=$?; [ $__rc -eq 0 ] || printf '[exit %d]\\n' $__rc")
    env = dict(_environment(), PATH=f"{shims}{os.pathsep}{os.environ.get('PATH', '')}")
    master, slave = pty.openpty()
    proc = subprocess.Popen(["bash", "--noprofile", "--norc", "-c", "\n".join(script)], cwd=work, env=env,
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + BLOCK_SECONDS
    exited = False
    try:
        while True:
            if select.select([master], [], [], 0.2 if exited else 0.1)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # every end of the terminal closed
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif exited:
                break  # the shell is done and all it wrote is read (a job it left behind is ended below)
            elif os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                exited = True  # what it wrote between the last look and its exit may still wait: read on
            elif time.monotonic() > deadline:
                raise AssertionError(f"{block.id}: the block did not finish in {BLOCK_SECONDS} s")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        os.close(master)
    out = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    out = re.sub(r"\r\x1b\[K[^\r\n]*", "", out)  # a progress line, cleared on the terminal
    parts = re.split(rf"\n?{re.escape(MARK)} (\d+)\n", out)
    outputs: list[list[str]] = [[] for _ in block.commands]
    for k in range(1, len(parts), 2):
        outputs[int(parts[k])] = _trim(parts[k + 1].split("\n"))
    return outputs


def _run_python(block: Block, work: Path) -> str | None:
    r = subprocess.run([sys.executable, "-c", block.text], cwd=work, env=_environment(), capture_output=True,
                       text=True, timeout=BLOCK_SECONDS, stdin=subprocess.DEVNULL)
    return None if r.returncode == 0 else f"{block.id}: the python block fails\n{r.stderr}"


def _run_pycon(block: Block, work: Path) -> str | None:
    here = os.getcwd()
    os.chdir(work)
    try:
        test = doctest.DocTestParser().get_doctest(block.text, {}, block.id, str(block.page), block.line)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        failures: list[str] = []
        runner.run(test, out=failures.append)
    finally:
        os.chdir(here)
    return "".join(failures) or None


def prepare(tmp_path: Path) -> Path:
    """A page's folder: a copy of the checkout's data/ and tests/fixtures/."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "tests" / "fixtures", work / "tests" / "fixtures")
    return work


def run_page(blocks: list[Block], work: Path, shims: Path):
    """(block, command or None, what is wrong) for each example of the page that does not do what it shows;
    for a console command, what it printed is the command's ``printed``."""
    for block in blocks:
        if block.kind == "python":
            problem = _run_python(block, work)
            if problem:
                yield block, None, problem
        elif block.kind == "pycon":
            problem = _run_pycon(block, work)
            if problem:
                yield block, None, problem
        else:
            for c, got in zip(block.commands, run_block(block, work, shims), strict=True):
                want = _trim(c.expected)
                if not matches(want, got):
                    c.printed = got
                    yield block, c, (f"{block.id}\n$ {c.text}\n--- the page shows\n" + "\n".join(want)
                                     + "\n--- it prints\n" + "\n".join(got))


PAGE_BLOCKS = {p: [b for b in BLOCKS if b.page == p and b.server is None] for p in PAGES}
PAGE_BLOCKS = {p: bs for p, bs in PAGE_BLOCKS.items() if bs}


@pytest.mark.parametrize("page", list(PAGE_BLOCKS), ids=[str(p.relative_to(ROOT)) for p in PAGE_BLOCKS])
def test_examples_print_what_the_page_shows(page, tmp_path, shims):
    not_here = [f"{b.id}: $ {c.text}" for b in PAGE_BLOCKS[page] for c in b.commands if SETUP.search(c.text)]
    assert not not_here, ("these console blocks install software, start a server, run the tests or reach the "
                          "network: make them "
                          "bash blocks (or mark a server session for tests/test_team_docs.py)\n" + "\n".join(not_here))
    wrong = [w for _block, _command, w in run_page(PAGE_BLOCKS[page], prepare(tmp_path), shims)]
    assert not wrong, "\n\n".join(wrong)


def test_every_page_with_commands_is_run():
    """Every page is read; one left out of the runs here has only server sessions, which their test runs."""
    pages = {b.page for b in BLOCKS if b.kind == "console"}
    assert {ROOT / "README.md", ROOT / "docs" / "researchers.md", ROOT / "docs" / "reviewers.md",
            ROOT / "docs" / "librarians.md"} <= set(PAGE_BLOCKS)
    assert pages - set(PAGE_BLOCKS) <= {ROOT / "docs" / "teams.md"}
    assert sum(len(b.commands) for bs in PAGE_BLOCKS.values() for b in bs) >= 80  # 100 when written
    if any(b.server for b in BLOCKS):
        assert TEAM_DOCS_TEST.exists(), "a marked block needs its server test"


def test_a_failing_python_or_pycon_block_is_reported(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\nimport partnergraph\nraise SystemExit(3)\n```\n\n"
                    "```pycon\n>>> 1 + 1\n3\n```\n", encoding="utf-8")
    python, pycon = parse_blocks(page)
    assert "the python block fails" in _run_python(python, tmp_path)
    assert "Expected:\n    3\nGot:\n    2" in _run_pycon(pycon, tmp_path)


def test_forked_and_fresh_commands_print_the_same(tmp_path, shims):
    """What the forked CLI prints on the terminal is what a fresh process prints: tables, notices, errors."""
    work = prepare(tmp_path)
    text = ("$ partnergraph stats --format table | head -3\n$ partnergraph claims --kind Driver | tail -n 2\n"
            "$ partnergraph map --source nosuchkey\n$ partnergraph validate --no-shacl\n"
            "$ partnergraph claims --format table | head -n 1\n"
            "$ cd tests && partnergraph stats | head -2\n$ partnergraph --version\n")
    block = Block(ROOT / "README.md", 0, "console", text)
    block.commands = _commands(block)
    forked = run_block(block, work, shims)
    os.environ["PARTNERGRAPH_DOCS_FRESH"] = "1"
    try:
        fresh = run_block(block, work, shims)
    finally:
        del os.environ["PARTNERGRAPH_DOCS_FRESH"]
    assert forked == fresh
    assert forked[2][-1] == "[exit 1]" and forked[5][0].startswith("Reading the bundled corpus")
    assert forked[4][0].startswith("claim ") and len(forked[4]) == 1  # the pipe closed early: nothing more said


def test_a_block_leaves_nothing_running(tmp_path, shims):
    block = Block(ROOT / "README.md", 0, "console", "$ sleep 300 &\n$ echo $! > pid\n")
    block.commands = _commands(block)
    run_block(block, tmp_path, shims)
    status = Path(f"/proc/{int((tmp_path / 'pid').read_text())}/status")
    deadline = time.monotonic() + 10
    while status.exists() and "\tZ" not in status.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not status.exists() or "\tZ" in status.read_text(), "the block's background job is still running"


def test_what_a_shell_writes_just_before_it_exits_is_read(tmp_path, shims, monkeypatch):
    """The worst order of events: the harness looks at the terminal, finds nothing yet, and by its next look
    the shell has written its last lines and exited. Those lines are still read."""
    real = select.select
    first = [True]

    def late_look(r, w, x, timeout=None):
        if first[0]:  # the first look: long enough for the whole block to run and exit, and nothing seen
            first[0] = False
            time.sleep(2)
            return [], [], []
        return real(r, w, x, timeout)

    monkeypatch.setattr(select, "select", late_look)
    block = Block(ROOT / "README.md", 0, "console", "$ printf 'one\\ntwo\\n'\n$ echo three\n")
    block.commands = _commands(block)
    assert run_block(block, tmp_path, shims) == [["one", "two"], ["three"]]


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


def test_the_forked_cli_stops_when_the_run_that_started_it_is_gone(tmp_path):
    """A test run killed outright leaves no server behind: it stops once its parent is gone."""
    sock = tmp_path / "cli.sock"
    starter = ("import os, subprocess, sys\n"
               f"p = subprocess.Popen([sys.executable, {str(ROOT / 'tests' / 'docshell.py')!r}, 'serve', "
               f"{str(sock)!r}, str(os.getpid())], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,\n"
               "                     stderr=subprocess.DEVNULL)\n"
               "print(p.pid)\n")
    pid = int(subprocess.run([sys.executable, "-c", starter], env=_environment(), capture_output=True, text=True,
                             check=True).stdout)
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + 60
    while status.exists() and "\tZ" not in status.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not status.exists() or "\tZ" in status.read_text(), "the forked CLI's server outlived its parent"


@pytest.mark.parametrize("command, refused", [
    ("pip install oxigraph", True), ("sudo apt-get install -y chromium", True), ("python3 -m pip install .", True),
    ("oxigraph serve --location team-store --bind 127.0.0.1:7878 &", True), ("cd tests && pytest -q", True),
    ("docker run -p 8890:8890 openlink/virtuoso-opensource-7", True), ("curl -s http://127.0.0.1:7878", True),
    ("partnergraph push --data data --store http://127.0.0.1:7878", False), ("git diff data/", False),
    ("cp -r tests/fixtures/library exports", False), ("partnergraph sparql 'SELECT ?pip WHERE { ?pip ?p ?o }'", False),
])
def test_what_a_console_block_may_not_do(command, refused):
    assert bool(SETUP.search(command)) is refused


def test_the_transcript_script_rewrites_only_what_differs(tmp_path):
    """scripts/doc_transcripts.py --write puts today's output in place of a stale one, keeps a matching one (with
    its wildcards) and the indentation of a block in a list."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("doc_transcripts", ROOT / "scripts" / "doc_transcripts.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    page = tmp_path / "page.md"
    page.write_text("Intro.\n\n```console\n$ echo hello\nstale\n\n$ printf 'a\\nb\\nc\\n'\na\n…\n```\n\n"
                    "* a list:\n\n  ```console\n  $ echo one; false\n  nothing\n  ```\n", encoding="utf-8")
    assert script.main([str(page)]) == 1
    assert script.main(["--write", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == (
        "Intro.\n\n```console\n$ echo hello\nhello\n\n$ printf 'a\\nb\\nc\\n'\na\n…\n```\n\n"
        "* a list:\n\n  ```console\n  $ echo one; false\n  one\n  [exit 1]\n  ```\n")
    assert script.main([str(page)]) == 0
