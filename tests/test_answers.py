"""The answer cache (partnergraph/files/answers.py): a question answered from it prints exactly what the command
printed in full, on the bundled corpus and on a fixture, for every question command; and nothing stale is played
(a data file, the themes file or a file the command looked for changes, another command, output files, errors)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_THEMES

import partnergraph as pg
from partnergraph.cli import main as cli
from partnergraph.files import answers
from partnergraph.files.datadir import CACHE_SHAPERS, DataDir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


class Stream:
    """A text stream as click sees a pipe: records (stream, text) in one shared log."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, fd: int, log: list) -> None:
        self.fd, self.log = fd, log

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("text only")
        if s:  # click probes a stream with an empty write
            self.log.append((self.fd, s))
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _with_streams(fn):
    log: list = []
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Stream(1, log), Stream(2, log)
    try:
        status = fn()
    finally:
        sys.stdout, sys.stderr = saved
    return status, log


def full(argv: list[str]):
    """Run the command line in full, recording its answer, as ``partnergraph/__main__.py`` does."""

    def run():
        try:
            with answers.recording(argv):
                cli.main(argv, prog_name="partnergraph")
        except SystemExit as exc:
            return 0 if exc.code is None else exc.code
        return 0

    return _with_streams(run)


def played(argv: list[str]):
    return _with_streams(lambda: answers.play(argv))


def text(log, fd=None) -> str:
    return "".join(s for f, s in log if fd is None or f == fd)


def question_lines(g, data: str) -> list[list[str]]:
    """Every question command, with arguments taken from the data itself."""
    benefit = g.benefits()[0].claim
    related = next(r.claim for r in g.claims() if r.supports)
    key = g.evidence(related)[0].source
    base = [["benefits"], ["benefits", "--dimension", "efficiency", "--level", "output"], ["claims"],
            ["claims", "--kind", "barrier"], ["claims", "--source", key], ["drivers"], ["barriers"], ["factors"],
            ["evidence", related], ["evidence", related, "--expand"], ["relations", benefit],
            ["relations", benefit, "--explain", "--format", "table"], ["gaps"], ["gaps", "--format", "csv"],
            ["single-source"], ["undirected"], ["contested"], ["contested", "--summary"],
            ["contested", "--explain", "--format", "markdown"], ["debates"], ["strength"],
            ["strength", related, "--explain", "--format", "table"], ["search", "partnership"],
            ["search", g.claims()[-1].label.split()[0], "--limit", "3"], ["related", related],
            ["cocited", "--limit", "4"], ["cocited", "--pooled", "--format", "csv"], ["stats"],
            ["stats", "--format", "table"]]
    if g.themes():
        theme = g.themes()[0].theme
        base += [["themes"], ["themes", "--format", "markdown"], ["theme", theme], ["theme", theme, "--sources"],
                 ["gaps", "--by", "theme"], ["strength", "--theme"]]
    if g.debates():
        base += [["debates", g.debates()[0].debate, "--explain", "--format", "table"]]
    return [[line[0], *line[1:], "--data", data] for line in base]


@pytest.fixture(params=["bundled", "tiny", "tiny with themes"])
def dataset(request, tiny):
    if request.param == "tiny with themes":
        (tiny / "themes.ttl").write_text(TINY_THEMES, encoding="utf-8")
    return DATA if request.param == "bundled" else tiny


def test_every_question_command_is_covered(tiny):
    covered = {line[0] for line in question_lines(pg.load(DATA), str(DATA))}
    assert covered == set(answers.QUESTIONS)
    assert set(answers.QUESTIONS) <= set(cli.commands)
    assert "sparql" not in answers.QUESTIONS  # NOW(), RAND(): not an answer to repeat


def test_the_answer_from_the_cache_is_the_full_answer(dataset):
    g = pg.load(dataset)
    for argv in question_lines(g, str(dataset)):
        status, log = full(argv)
        replay_status, replay = played(argv)
        if status != 0:
            assert replay_status is None, argv  # an error is never recorded
            continue
        assert replay_status == 0, argv
        assert replay == log, argv  # the same text on the same streams, in the same order
        assert text(log, 1), argv


def test_a_changed_data_file_is_not_answered_from_the_cache(tiny):
    argv = ["claims", "--data", str(tiny), "--format", "json"]
    full(argv)
    assert played(argv)[0] == 0
    claims = tiny / "claims.ttl"
    claims.write_text(claims.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert played(argv)[0] is None
    status, log = full(argv)
    assert status == 0 and played(argv) == (0, log)
    (tiny / "sources.bib").write_text((tiny / "sources.bib").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert played(argv)[0] is None


def test_a_themes_file_appearing_or_changing_is_not_answered_from_the_cache(tiny):
    argv = ["stats", "--data", str(tiny)]
    full(argv)
    assert played(argv)[0] == 0
    (tiny / "themes.ttl").write_text(TINY_THEMES, encoding="utf-8")  # the directory's default framework, absent before
    assert played(argv)[0] is None
    assert full(argv)[0] == 0
    assert played(argv)[0] == 0
    other = tiny / "other-themes.ttl"
    other.write_text(TINY_THEMES.replace("Confidence in", "Trust in"), encoding="utf-8")
    with_file = ["stats", "--data", str(tiny), "--themes", str(other)]
    full(with_file)
    assert played(with_file)[0] == 0
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert played(with_file)[0] is None


def test_a_data_folder_appearing_where_the_bundled_corpus_was_read(tmp_path, tiny, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = ["stats", "--format", "json"]
    status, log = full(argv)
    assert status == 0 and "bundled corpus" in text(log, 2)
    assert played(argv) == (0, log)
    shutil.copytree(tiny, tmp_path / "data")
    assert played(argv)[0] is None
    status, log2 = full(argv)
    assert text(log2, 1) != text(log, 1)


def test_what_is_not_an_answer_is_not_recorded(tiny, tmp_path):
    out = tmp_path / "gaps.html"
    for argv in (["gaps", "--format", "html", "-o", str(out), "--data", str(tiny)],  # writes a file
                 ["evidence", "no-such-claim", "--data", str(tiny)],  # exit 1
                 ["benefits", "--help"],  # reads no data
                 ["sparql", "SELECT (NOW() AS ?t) {}", "--data", str(tiny)]):  # not a question
        full(argv)
        assert played(argv)[0] is None, argv
    assert out.exists()


def test_the_key_covers_the_code_and_the_place(tiny, monkeypatch, tmp_path):
    package = ROOT / "partnergraph"
    files = {Path(p).relative_to(package).as_posix() for p in answers._package_files(str(package))}
    assert set(CACHE_SHAPERS) <= files
    assert {p.relative_to(package).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts} <= files
    argv = ["stats", "--data", str(tiny)]
    k = answers.key(argv)
    assert answers.key(["stats", "--data", str(tiny), "--format", "json"]) != k
    monkeypatch.setenv("PARTNERGRAPH_THEMES", "none")
    assert answers.key(argv) != k
    monkeypatch.delenv("PARTNERGRAPH_THEMES")
    monkeypatch.chdir(tmp_path)
    assert answers.key(argv) != k
    monkeypatch.setenv("PARTNERGRAPH_NO_CACHE", "1")
    full(argv)
    assert played(argv)[0] is None


def _run(args, env, cwd):
    return subprocess.run([sys.executable, "-m", "partnergraph", *args], capture_output=True, env=env, cwd=cwd)


def test_python_m_answers_again_without_loading_the_graph(tmp_path):
    env = {**os.environ, "PARTNERGRAPH_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    env.pop("PARTNERGRAPH_NO_CACHE", None)
    args = ["benefits", "--dimension", "efficiency", "--level", "output", "--data", str(DATA)]
    reference = _run(args, {**env, "PARTNERGRAPH_NO_CACHE": "1"}, tmp_path)
    first = _run(args, env, tmp_path)
    graph_cache = tmp_path / "cache" / DataDir.open(DATA).digest()
    assert (graph_cache / "graph.pickle").exists()
    shutil.rmtree(graph_cache)
    again = _run(args, env, tmp_path)
    assert not graph_cache.exists()  # answered without loading (a load writes the graph cache)
    assert reference.returncode == first.returncode == again.returncode == 0
    assert reference.stdout == first.stdout == again.stdout and b'"claim"' in again.stdout
    assert reference.stderr == first.stderr == again.stderr


def test_the_answer_cache_keeps_a_bounded_number_of_answers(tiny, monkeypatch):
    monkeypatch.setattr(answers, "KEEP", 4)
    for limit in range(1, 8):
        assert full(["cocited", "--limit", str(limit), "--data", str(tiny)])[0] == 0
    folder = answers.cache_dir() / "answers"
    assert 3 <= len(list(folder.iterdir())) <= 4
    assert played(["cocited", "--limit", "7", "--data", str(tiny)])[0] == 0  # the newest is kept
