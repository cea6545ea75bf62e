"""The transcripts of README.md and docs/researchers.md are real: every console block whose command names its
``--format`` (so that its output does not depend on a terminal) is run, and its output must be the one printed —
what the command says on stderr (which words resolved to what) first, as a terminal shows it, then its stdout
through the pipe (``head``, ``tail`` or ``grep -E``); so are the ``pycon`` examples of docs/researchers.md."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "researchers.md"
DOCS = (ROOT / "README.md", DOC)


def transcripts(text: str):
    """(command tokens, pipe, expected output) for each ``$ partnergraph …`` of each console block."""
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                i += 1
                continue
            cmd = lines[i][2:]
            while True:
                try:
                    tokens = shlex.split(cmd)
                    break
                except ValueError:  # a quoted argument runs on over lines
                    i += 1
                    cmd += "\n" + lines[i]
            i += 1
            out = []
            while i < len(lines) and not lines[i].startswith("$ "):
                out.append(lines[i])
                i += 1
            yield tokens, "\n".join(out)


#: the commands that only read the data (their transcripts can be run as they are written)
READING = {"benefits", "claims", "drivers", "barriers", "factors", "evidence", "relations", "gaps", "single-source",
           "undirected", "contested", "debates", "strength", "search", "related", "cocited", "sparql", "stats",
           "themes", "theme"}


def _cases():
    cases = []
    for tokens, expected in (x for doc in DOCS for x in transcripts(doc.read_text(encoding="utf-8"))):
        if tokens[0] != "partnergraph" or tokens[1] not in READING or "--format" not in tokens or "-o" in tokens:
            continue
        expected = expected.rstrip("\n")
        pipe = tokens[tokens.index("|") + 1:] if "|" in tokens else []
        args = tokens[1:tokens.index("|")] if "|" in tokens else tokens[1:]
        if args[args.index("--format") + 1] in ("svg", "png", "html"):
            continue
        cases.append(pytest.param(args, pipe, expected, id=" ".join(args)[:60]))
    return cases


CASES = _cases()


def test_the_doc_has_transcripts_to_check():
    assert len(CASES) >= 10


@pytest.mark.parametrize("args, pipe, expected", CASES)
def test_transcript_is_the_real_output(args, pipe, expected):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    lines = r.stdout.rstrip("\n").split("\n")
    if pipe:
        assert pipe[0] in ("head", "tail", "grep"), pipe
        if pipe[0] == "grep":
            assert pipe[1] == "-E", pipe
            lines = [line for line in lines if re.search(pipe[2], line)]
        else:
            n = int(pipe[2] if pipe[1] == "-n" else pipe[1].lstrip("-"))
            lines = lines[:n] if pipe[0] == "head" else lines[-n:]
    said = r.stderr.rstrip("\n").split("\n") if r.stderr.strip() else []
    assert "\n".join(said + lines) == expected


def test_python_examples_run():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        test = doctest.DocTestParser().get_doctest(block, {}, "researchers.md", str(DOC), 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.summarize(verbose=False).failed == 0
