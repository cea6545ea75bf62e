"""The listings answered from the claim index (partnergraph/questions/index.py) by ``python -m partnergraph`` without
click or networkx (partnergraph/cli/quick.py): the same text on the same streams as the full command line, for
every command and option set it serves, on the bundled corpus, the tiny fixture and the tiny fixture with a themes
file; the index gives the rows walking the graph gives; whatever it does not serve it leaves to the command line,
having written nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import TINY_THEMES

import partnergraph as pg
from partnergraph.cli import main as cli
from partnergraph.cli import quick
from partnergraph.core.namespaces import CLAIM_KINDS
from partnergraph.files.answers import cache_dir
from partnergraph.files.datadir import DataDir
from partnergraph.outputs.formats import FORMATS
from partnergraph.questions import index as qindex
from partnergraph.questions.common import DIMENSION_NAMES, LEVEL_NAMES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


class Stream:
    """A text stream as click sees a pipe (or, with ``tty``, a terminal): records (stream, text) in one log."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, fd: int, log: list, tty: bool = False) -> None:
        self.fd, self.log, self.tty = fd, log, tty

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("text only")
        if s:
            self.log.append((self.fd, s))
        return len(s)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.tty


def _captured(fn, tty: bool = False):
    log: list = []
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = Stream(1, log, tty), Stream(2, log, tty)
    try:
        status = fn()
    finally:
        sys.stdout, sys.stderr = saved
    return status, log


def full(argv: list[str], tty: bool = False):
    """The command line in full (click, the command, the graph walked: see ``walked``)."""

    def run():
        try:
            cli.main(argv, prog_name="partnergraph")
        except SystemExit as exc:
            return 0 if exc.code is None else exc.code
        return 0

    return _captured(run, tty)


def fast(argv: list[str], tty: bool = False):
    return _captured(lambda: quick.answer(argv), tty)


@pytest.fixture
def walked(monkeypatch):
    """Make the command line answer from a graph loaded without the cache (networkx walked, no index)."""
    import partnergraph.cli.common as common

    graphs: dict = {}

    def load(data, store=None, cache=True, themes=None):
        key = (str(Path(data).resolve()), themes)
        if key not in graphs:
            graphs[key] = pg.load(data, cache=False, themes=themes)
            assert graphs[key].nx_loaded
        return graphs[key]

    monkeypatch.setattr(common, "load", load)
    return graphs


@pytest.fixture(params=["bundled", "tiny", "tiny with themes"])
def dataset(request, tiny):
    if request.param == "tiny with themes":
        (tiny / "themes.ttl").write_text(TINY_THEMES, encoding="utf-8")
    return DATA if request.param == "bundled" else tiny


def served_lines() -> list[list[str]]:
    """Every served command with each of its options and values (some in other spellings: ``--x=v``, upper case)."""
    lines = [["benefits"], *(["benefits", "--dimension", d] for d in DIMENSION_NAMES),
             *(["benefits", "--level", lv] for lv in LEVEL_NAMES),
             ["benefits", "--dimension=EFFICIENCY", "--level", "Output"], ["benefits", "--level=outcome", "-v"],
             ["claims"], *(["claims", "--kind", k] for k in CLAIM_KINDS), ["claims", "--kind=barrier"],
             ["drivers"], ["barriers", "--verbose"], ["factors"], ["single-source"],
             ["single-source", "--kind", "benefit"],
             ["undirected"], ["undirected", "--pooled-only"], ["undirected", "--kind", "Barrier", "--pooled-only"],
             ["stats"], ["gaps"], ["gaps", "--by", "cell", "--columns", "kind"],
             ["gaps", "--title", "T", "--direct-only", "-f", "--columns=review"], ["gaps", "--force"], ["themes"]]
    out = []
    for line in lines:
        out.append(line)
        out.append([*line, "--format", "json"])
    for f in FORMATS:
        out += [["benefits", "--format", f], ["stats", f"--format={f}"], ["gaps", "--format", f],
                ["claims", "--kind", "Driver", "--format", f], ["themes", "--format", f]]
    return out


def group_lines(data: Path) -> list[list[str]]:
    """``themes --group`` with each group of the data's framework, by id, short id, ``theme:`` id and label."""
    groups = [(n[6:], d["label"]) for n, d in pg.load(data, cache=False).nx.nodes(data=True)
              if d["kind"] == "theme_group"]
    return [["themes", "--group", name] for gid, label in groups
            for name in (gid, gid.removeprefix("group-"), "theme:" + gid, label.upper())]


def _warm(data: Path, themes: str | None = None) -> None:
    """Load once with the cache (it writes the graph and its index)."""
    g = pg.load(data, themes=themes)
    assert qindex.read(g.cache_folder) is not None


def test_the_fast_answer_is_the_full_answer(dataset, walked):
    _warm(dataset)
    lines = served_lines() + group_lines(dataset)
    assert any("--group" in line for line in lines) == (dataset / "themes.ttl").exists()
    for line in lines:
        argv = [*line, "--data", str(dataset)]
        status, log = full(argv)
        assert status == 0, argv
        assert fast(argv) == (0, log), argv  # the same text on the same streams, in the same order
    for line in (["benefits"], ["stats"], ["gaps", "--columns", "kind"], ["claims", "--kind", "benefit", "-v"]):
        argv = [*line, "--data", str(dataset)]
        assert fast(argv, tty=True) == full(argv, tty=True), argv  # a terminal: the table by default


def test_the_data_and_themes_may_come_from_the_environment_or_the_folder(dataset, walked, monkeypatch, tmp_path):
    _warm(dataset)
    _warm(dataset, themes="none")
    monkeypatch.setenv("PARTNERGRAPH_DATA", str(dataset))
    for argv in (["benefits"], ["stats", "-v"], ["claims", "--themes", "none"], ["gaps"]):
        status, log = full(argv)
        assert status == 0 and fast(argv) == (0, log), argv
    monkeypatch.setenv("PARTNERGRAPH_THEMES", "none")
    status, log = full(["stats"])
    assert status == 0 and fast(["stats"]) == (0, log)
    monkeypatch.delenv("PARTNERGRAPH_THEMES")
    monkeypatch.delenv("PARTNERGRAPH_DATA")
    place = tmp_path / "here"
    shutil.copytree(dataset, place / "data")
    monkeypatch.chdir(place)
    _warm(Path("data"))
    for argv in (["factors"], ["factors", "-v"], ["benefits", f"--data={dataset}", "--verbose"]):
        status, log = full(argv)
        assert status == 0 and fast(argv) == (0, log), argv


def test_the_bundled_corpus_read_from_elsewhere_says_so(walked, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    _warm(DATA)
    status, log = full(["drivers", "--format", "csv"])
    assert status == 0 and "bundled corpus" in "".join(s for fd, s in log if fd == 2)
    assert fast(["drivers", "--format", "csv"]) == (0, log)


def test_what_it_does_not_serve_is_left_to_the_command_line_untouched(tiny, monkeypatch, tmp_path):
    _warm(tiny)
    d = str(tiny)
    lines = [["benefits", "--help"], ["benefits", "-h"], ["benefits", "--dimension", "nowhere", "--data", d],
             ["benefits", "--bogus", "--data", d], ["benefits", "extra", "--data", d], ["benefits", "--data"],
             ["benefits", "--format", "json", "--format", "csv", "--data", d], ["benefits", "--", "--data", d],
             ["benefits", "--format", "JSON", "--data", d], ["benefits", "-v=1", "--data", d],
             ["undirected", "--pooled-only=yes", "--data", d], ["claims", "--source", "x", "--data", d],
             ["gaps", "--by", "theme", "--data", d], ["gaps", "--format", "html", "--data", d],
             ["gaps", "-o", str(tmp_path / "g.csv"), "--data", d], ["benefits", "--store", "http://x", "--data", d],
             ["benefits", "--data", str(tmp_path / "missing")], ["benefits", "--data", str(tiny / "claims.ttl")],
             ["benefits", "--data", d, "--themes", str(tmp_path / "missing.ttl")], ["evidence", "x", "--data", d],
             ["sparql", "ASK {}", "--data", d], ["themes", "--group", "nosuch", "--data", d], ["--version"], []]
    for argv in lines:
        assert fast(argv) == (None, []), argv
    uncached = tmp_path / "uncached"
    shutil.copytree(tiny, uncached)
    (uncached / "sources.bib").write_text((uncached / "sources.bib").read_text(encoding="utf-8") + "\n",
                                          encoding="utf-8")
    assert fast(["benefits", "--data", str(uncached)]) == (None, [])  # not loaded yet: the command line loads it
    monkeypatch.setenv("PARTNERGRAPH_NO_CACHE", "1")
    assert fast(["benefits", "--data", d]) == (None, [])
    monkeypatch.delenv("PARTNERGRAPH_NO_CACHE")
    monkeypatch.setenv("PARTNERGRAPH_DATA", "")
    assert fast(["benefits"]) == (None, [])


def test_the_reader_knows_every_option_as_click_declares_it():
    for name, opts in quick.SERVED.items():
        command = cli.commands[name]
        declared = {}
        for p in command.params:
            assert isinstance(p, click.Option), (name, p.name)  # no arguments: any word left over is refused
            choices = tuple(p.type.choices) if isinstance(p.type, click.Choice) else None
            fold = isinstance(p.type, click.Choice) and not p.type.case_sensitive
            declared[tuple(p.opts + p.secondary_opts)] = (p.name, choices, bool(p.is_flag), fold, p.envvar,
                                                          p.multiple, p.nargs)
        mine = {o.names: (o.dest, o.choices, o.flag, o.fold, o.envvar, False, 1) for o in opts}
        assert mine == declared, name


def test_the_index_gives_what_walking_the_graph_gives(dataset):
    _warm(dataset)
    walked_g, cached = pg.load(dataset, cache=False), pg.load(dataset)
    questions = [("claims", ()), ("benefits", ()), ("benefits", ("equity", "outcome")), ("drivers", ()),
                 ("barriers", ()), ("factors", ()), ("single_source", ()), ("single_source", ("Benefit",)),
                 ("undirected", ()), ("stats", ()), ("gaps", ()), ("themes", ()),
                 *(("themes", (line[2],)) for line in group_lines(dataset)), *(("claims", (k,)) for k in CLAIM_KINDS)]
    for name, args in questions:
        assert getattr(cached, name)(*args) == getattr(walked_g, name)(*args), name
    assert qindex.build(walked_g.nx) == qindex.read(cached.cache_folder)
    assert not cached.nx_loaded  # all of it answered without reading the networkx graph


def test_a_graph_read_and_changed_is_answered_from_itself(tiny):
    _warm(tiny)
    g = pg.load(tiny)
    before = g.claims()
    name = next(n for n, d in g.nx.nodes(data=True) if d["kind"] == "claim")
    g.nx.nodes[name]["label"] = "changed in memory"
    assert g.nx_loaded and "changed in memory" in {r.label for r in g.claims()}
    assert "changed in memory" not in {r.label for r in before}


def test_a_damaged_or_missing_index_is_rebuilt(tiny):
    _warm(tiny)
    reference = pg.load(tiny, cache=False).claims()
    folder = cache_dir() / DataDir.open(tiny).digest()
    for damage in (b"not marshal", None):
        if damage is None:
            (folder / qindex.INDEX_FILE).unlink()
        else:
            (folder / qindex.INDEX_FILE).write_bytes(damage)
        assert fast(["claims", "--data", str(tiny)]) == (None, [])
        assert pg.load(tiny).claims() == reference
        assert qindex.read(folder) is not None


def _run(args, env, cwd, *flags):
    return subprocess.run([sys.executable, *flags, "-m", "partnergraph", *args], capture_output=True, env=env,
                          cwd=cwd)


@pytest.mark.parametrize("line", [["benefits", "--dimension", "efficiency", "--level", "output", "--format", "json"],
                                  ["stats", "--format", "table"], ["claims", "--kind", "barrier"],
                                  ["themes", "--format", "csv"]],
                         ids=["benefits", "stats", "claims", "themes"])
def test_python_m_answers_a_new_listing_without_click_networkx_or_the_graph(tmp_path, line):
    env = {**os.environ, "PARTNERGRAPH_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    env.pop("PARTNERGRAPH_NO_CACHE", None)
    args = [*line, "--data", str(DATA)]
    reference = _run(args, {**env, "PARTNERGRAPH_NO_CACHE": "1"}, tmp_path)
    assert _run(["drivers", "--data", str(DATA)], env, tmp_path).returncode == 0  # another question loads the data
    folder = tmp_path / "cache" / DataDir.open(DATA).digest()
    (folder / "graph.pickle").unlink()  # the index alone answers (a load would write the graph again)
    (folder / "data.nq").unlink()
    new = _run(args, env, tmp_path, "-X", "importtime")
    assert not (folder / "graph.pickle").exists()
    imported = {ln.split("|")[-1].strip() for ln in new.stderr.decode().splitlines() if ln.startswith("import time:")}
    assert "partnergraph.cli.quick" in imported
    assert not {"networkx", "click", "rdflib", "pyoxigraph", "bibtexparser", "partnergraph.api"} & imported
    stderr = "".join(ln + "\n" for ln in new.stderr.decode().splitlines() if not ln.startswith("import time:"))
    assert reference.returncode == new.returncode == 0
    assert reference.stdout == new.stdout and reference.stderr.decode() == stderr
    assert len(reference.stdout) > 100
    (folder / qindex.INDEX_FILE).unlink()
    again = _run(args, env, tmp_path)  # and the answer was recorded: asked again, the answer cache has it
    assert again.returncode == 0 and again.stdout == reference.stdout and not (folder / "graph.pickle").exists()
