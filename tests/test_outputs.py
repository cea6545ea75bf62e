"""Output files: ``-o`` gets the right suffix or is refused, an existing file is replaced only with --force,
default outputs go to one folder that git ignores, and a filtered map never replaces the full one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TINY_BIB, TINY_TTL

from partnergraph.cli import main

OUT = "partnergraph-output"


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """An empty working folder with a tiny data directory in ``./data``."""
    d = tmp_path / "data"
    d.mkdir()
    (d / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (d / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, [*args, "--data", "data"])


# ------------------------------------------------------------------ the suffix
@pytest.mark.parametrize("command, given, written", [
    pytest.param(["map"], "mymap", "mymap.html", id="map"),
    pytest.param(["report"], "rep", "rep.md", id="report"),
    pytest.param(["export", "--to", "graphml"], "g", "g.graphml", id="export-graphml"),
    pytest.param(["export", "--to", "gexf"], "g", "g.gexf", id="export-gexf"),
    pytest.param(["export", "--to", "jsonld"], "g", "g.jsonld", id="export-jsonld"),
    pytest.param(["export", "--to", "turtle"], "g", "g.ttl", id="export-turtle"),
    pytest.param(["gaps", "--format", "svg"], "g", "g.svg", id="gaps-svg"),
    pytest.param(["gaps", "--format", "html"], "g", "g.html", id="gaps-html"),
    pytest.param(["gaps", "--format", "csv"], "g", "g.csv", id="gaps-csv"),
])
def test_output_without_suffix_gets_the_right_one(work, command, given, written):
    r = run(*command, "-o", given)
    assert r.exit_code == 0, r.output
    assert (work / written).is_file()
    assert not (work / given).exists()
    assert f"Wrote {written}" in r.output


@pytest.mark.parametrize("command, given, words", [
    pytest.param(["map"], "map.png", ".html", id="map-as-png"),
    pytest.param(["report"], "report.txt", ".md", id="report-as-txt"),
    pytest.param(["export", "--to", "graphml"], "g.gexf", ".graphml", id="graphml-as-gexf"),
    pytest.param(["gaps", "--format", "png"], "g.svg", ".png", id="png-as-svg"),
])
def test_output_with_a_wrong_suffix_is_refused(work, command, given, words):
    r = run(*command, "-o", given)
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {given}:"), r.output
    assert words in r.output and "Hint:" in r.output
    assert not (work / given).exists()


# ------------------------------------------------------------------ overwriting
@pytest.mark.parametrize("command, name", [
    pytest.param(["map"], "m.html", id="map"),
    pytest.param(["report"], "r.md", id="report"),
    pytest.param(["export", "--to", "graphml"], "g.graphml", id="export"),
    pytest.param(["gaps", "--format", "svg"], "g.svg", id="gaps"),
])
def test_an_existing_file_is_replaced_only_with_force(work, command, name):
    target = work / name
    target.write_text("my own notes\n", encoding="utf-8")
    r = run(*command, "-o", name)
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {name}: exists"), r.output
    assert "--force" in r.output
    assert target.read_text(encoding="utf-8") == "my own notes\n"
    for flag in ("--force", "-f"):
        target.write_text("my own notes\n", encoding="utf-8")
        r = run(*command, "-o", name, flag)
        assert r.exit_code == 0, r.output
        assert target.read_text(encoding="utf-8", errors="replace") != "my own notes\n"
        assert f"Replaced {name}" in r.output


def test_csv_export_refuses_to_replace_either_file(work):
    (work / "g-edges.csv").write_text("keep\n", encoding="utf-8")
    r = run("export", "--to", "csv", "-o", "g")
    assert r.exit_code == 1 and "g-edges.csv: exists" in r.output
    assert not (work / "g-nodes.csv").exists()
    assert (work / "g-edges.csv").read_text(encoding="utf-8") == "keep\n"


# ------------------------------------------------------------------ default outputs
@pytest.mark.parametrize("command, name", [
    pytest.param(["map"], "evidence-map.html", id="map"),
    pytest.param(["report"], "report.md", id="report"),
    pytest.param(["export", "--to", "graphml"], "evidence-graph.graphml", id="export"),
    pytest.param(["gaps", "--format", "svg"], "gaps.svg", id="gaps"),
])
def test_default_outputs_go_to_one_folder_and_are_replaced_there(work, command, name):
    for _ in range(2):  # the second run replaces what the first wrote: these are partnergraph's own files
        r = run(*command)
        assert r.exit_code == 0, r.output
        assert f"{OUT}/{name}" in r.output
    assert (work / OUT / name).is_file()
    assert sorted(p.name for p in work.iterdir()) == ["data", OUT]


def test_default_output_folder_is_ignored_by_git(work):
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    assert run("map").exit_code == 0
    assert (work / OUT / "evidence-map.html").is_file()
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=work, check=True,
                            capture_output=True, text=True).stdout
    assert OUT not in status, status
    assert "data/" in status  # the user's own files are not hidden


def test_repository_ignores_the_default_output_folder():
    root = Path(__file__).resolve().parent.parent
    ignored = subprocess.run(["git", "check-ignore", "-q", f"{OUT}/evidence-map.html"], cwd=root)
    assert ignored.returncode == 0


def test_filtered_map_without_output_never_replaces_the_full_map(work):
    assert run("map").exit_code == 0
    full = (work / OUT / "evidence-map.html").read_bytes()
    r = run("map", "--kind", "Benefit", "--dimension", "economy")
    assert r.exit_code == 0, r.output
    assert (work / OUT / "evidence-map.html").read_bytes() == full
    written = [p.name for p in (work / OUT).iterdir() if p.name != "evidence-map.html" and p.suffix == ".html"]
    assert len(written) == 1 and "benefit" in written[0].lower() and "economy" in written[0].lower(), written
    assert f"{OUT}/{written[0]}" in r.output


def test_map_says_where_it_wrote(work):
    r = run("map")
    assert r.exit_code == 0
    assert r.output.startswith(f"Wrote {OUT}/evidence-map.html: "), r.output
