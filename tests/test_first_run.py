"""The first five minutes: ``validate`` answers in seconds, prints only what matters with --quiet, and shows its
progress on a terminal when it takes a while."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TINY_BIB, TINY_TTL

from partnergraph.cli import Progress, main
from partnergraph.core.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parent.parent


def cli(*args, cwd: Path, pythonpath: str | None = None, **env) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e["PYTHONPATH"] = pythonpath if pythonpath is not None else str(ROOT)
    e.pop("PARTNERGRAPH_DATA", None)
    e.pop("PARTNERGRAPH_STORE", None)
    e.update(env)
    return subprocess.run([sys.executable, "-m", "partnergraph", *args], cwd=cwd, env=e, capture_output=True,
                          text=True, timeout=300)


def totals(csv_text: str) -> dict[str, int]:
    return {line.split(",")[1]: int(line.split(",")[2]) for line in csv_text.splitlines()
            if line.startswith("totals,")}


# ------------------------------------------------------------------ which data
def test_no_data_folder_here_reads_the_bundled_corpus_and_says_so(tmp_path):
    r = cli("stats", "--format", "csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert totals(r.stdout) == totals(cli("stats", "--format", "csv", cwd=ROOT).stdout)
    assert "bundled" in r.stderr and str(ROOT / "data") in r.stderr, r.stderr


def test_a_data_folder_here_is_read_and_needs_no_notice(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (tmp_path / "data" / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
    r = cli("stats", "--format", "csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert totals(r.stdout)["sources"] == 3
    assert r.stderr == ""


def test_verbose_always_names_the_data_directory(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.bib").write_text(TINY_BIB, encoding="utf-8")
    (tmp_path / "data" / "claims.ttl").write_text(TINY_TTL, encoding="utf-8")
    r = cli("stats", "--format", "csv", "--verbose", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(tmp_path / "data") in r.stderr



# ------------------------------------------------------------------ validate --quiet
def test_validate_quiet_piped_prints_nothing_when_valid():
    r = CliRunner().invoke(main, ["validate", "--quiet"])
    assert r.exit_code == 0, r.output
    assert r.stdout == ""


def test_validate_quiet_piped_prints_the_errors_only(tiny):
    ttl = tiny / "claims.ttl"
    ttl.write_text(ttl.read_text(encoding="utf-8").replace('    pg:locator "p.11" ;\n', "").replace(
        "prov:hadMember source:gray1989, source:auditcommission1998", "prov:hadMember source:gray1989"),
        encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", "--quiet", "--data", str(tiny)])
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines and all(": error: [" in line for line in lines), r.stdout
    assert any("PoolShape" in line for line in lines) and not any("DirectLocatorShape" in x for x in lines)


def test_validate_reference_engine_reports_the_same(tiny):
    ttl = tiny / "claims.ttl"
    ttl.write_text(ttl.read_text(encoding="utf-8").replace('    pg:locator "p.11" ;\n', ""), encoding="utf-8")
    fast = CliRunner().invoke(main, ["validate", "--data", str(tiny), "--format", "table"])
    ref = CliRunner().invoke(main, ["validate", "--data", str(tiny), "--format", "table", "--shacl-engine",
                                    "pyshacl"])
    assert fast.exit_code == ref.exit_code == 0
    assert fast.stdout == ref.stdout and "DirectLocatorShape" in fast.stdout


def test_validate_is_quiet_about_progress_when_not_a_terminal():
    r = CliRunner().invoke(main, ["validate", "--format", "table"])
    assert r.exit_code == 0
    assert r.stderr == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_shows_on_a_terminal_after_a_while_and_is_cleared(monkeypatch):
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    with Progress("validate", after=0.05) as p:
        p.stage("reading the data")
        waited = time.monotonic()
        while not p.shown and time.monotonic() - waited < 30:  # the line's timer, however busy the machine
            time.sleep(0.05)
        p.stage("checking the SHACL shapes")
    text = err.getvalue()
    assert "validate: reading the data…" in text and "validate: checking the SHACL shapes…" in text
    assert text.endswith("\r\033[K")


def test_no_progress_line_for_a_quick_command(monkeypatch):
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    with Progress("validate", after=5.0) as p:
        p.stage("reading the data")
    assert err.getvalue() == ""


# ------------------------------------------------------------------ SPARQL mistakes
def declared(text: str) -> list[str]:
    return re.findall(r"`?\b([a-z]+):`?", text)


def test_sparql_unknown_prefix_is_one_line_with_line_and_column():
    r = CliRunner().invoke(main, ["sparql", "SELECT ?x WHERE { ?x a foo:Bar }"])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0] == "Error: SPARQL syntax error at line 1, column 24: unknown prefix 'foo:'", lines[0]
    assert lines[1].startswith("Hint: ")


def test_sparql_error_on_a_later_line_counts_the_users_lines():
    r = CliRunner().invoke(main, ["sparql", "SELECT ?x WHERE {\n  ?x a pg:Benefit .\n  ?x ex:y ?z }"])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: SPARQL syntax error at line 3, column 6: unknown prefix 'ex:'"), r.stderr


def test_sparql_other_syntax_errors_are_short():
    r = CliRunner().invoke(main, ["sparql", "SELECT ?x WHERE { ?x "])
    assert r.exit_code == 1
    first = r.stderr.splitlines()[0]
    assert first.startswith("Error: SPARQL syntax error at line 1, column ") and len(first) <= 160, first


def test_declared_prefixes_come_from_one_place():
    """The hint, ``sparql -h`` and the README name the same prefixes, in the same order, as the code declares."""
    want = list(PREFIXES)
    r = CliRunner().invoke(main, ["sparql", "SELECT ?x WHERE { ?x a foo:Bar }"])
    hint = next(line for line in r.stderr.splitlines() if line.startswith("Hint: "))
    assert declared(hint.split("declared", 1)[-1]) == want, hint
    help_text = " ".join(CliRunner().invoke(main, ["sparql", "-h"]).stdout.split())
    m = re.search(r"The prefixes (.*?) are declared", help_text)
    assert m and declared(m.group(1)) == want, help_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"`partnergraph sparql` declares these prefixes for you: (.*?)\.\n", readme, re.S)
    assert m and declared(m.group(1)) == want


# ------------------------------------------------------------------ the wheel
@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """Build the wheel from the tracked files (as ``pip install .`` does) and unpack it as site-packages."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in files.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_bytes((ROOT / name).read_bytes())
    code = ("import sys, warnings; warnings.simplefilter('always')\n"
            "from setuptools import build_meta\nprint(build_meta.build_wheel(sys.argv[1]))")
    build = subprocess.run([sys.executable, "-c", code, str(tmp / "dist")], cwd=src, capture_output=True,
                           text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    whl = tmp / "dist" / build.stdout.strip().splitlines()[-1]
    site = tmp / "site"
    with zipfile.ZipFile(whl) as z:
        z.extractall(site)
    return site, build.stdout + build.stderr


def test_the_build_has_no_warnings(wheel):
    _site, log = wheel
    for bad in ("SetuptoolsDeprecationWarning", "project.license", "is absent from the `packages`",
                "Package would be ignored"):
        assert bad not in log, log[-3000:]


def test_the_wheel_carries_the_corpus_shapes_and_templates(wheel):
    site, _ = wheel
    names = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}
    for data_file in ("sources.bib", "claims.ttl"):
        hits = [n for n in names if n.startswith("partnergraph/") and n.endswith("/" + data_file)]
        assert hits, f"{data_file} is not in the wheel"
        assert Path(site / hits[0]).read_bytes() == (ROOT / "data" / data_file).read_bytes()
    assert any(n.endswith("shapes.ttl") for n in names) and any(n.endswith("ontology.ttl") for n in names)
    assert any("/templates/" in n for n in names)


def test_the_installed_package_works_from_any_folder(wheel, tmp_path):
    site, _ = wheel
    probe = subprocess.run([sys.executable, "-c", "import partnergraph; print(partnergraph.__file__)"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True,
                           text=True)
    assert probe.stdout.startswith(str(site)), probe
    r = cli("stats", "--format", "csv", cwd=tmp_path, pythonpath=str(site),
            PARTNERGRAPH_CACHE=str(tmp_path / "cache"))
    assert r.returncode == 0, r.stderr
    assert totals(r.stdout) == totals(cli("stats", "--format", "csv", cwd=ROOT).stdout)
    assert "bundled" in r.stderr and str(site) in r.stderr, r.stderr
    m = cli("map", cwd=tmp_path, pythonpath=str(site), PARTNERGRAPH_CACHE=str(tmp_path / "cache"))
    assert m.returncode == 0, m.stderr
    assert (tmp_path / "partnergraph-output" / "evidence-map.html").is_file()


def readme_set_up() -> tuple[str, str, str]:
    """The README's first block: its comments, the first set-up command and the second."""
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, block
    return block, commands[0], commands[1]


def test_the_readmes_first_command_runs_the_main_job_and_says_where_the_map_is(wheel, tmp_path):
    """After ``pip install .`` (the wheel), the main job in a checkout (a folder with its data/): validate
    silently, then one line saying where the map is — the file the README's comment names."""
    block, first, _ = readme_set_up()
    install, job = first.split(" && ", 1)
    assert install == "python3 -m pip install ."
    site, _ = wheel
    shutil.copytree(ROOT / "data", tmp_path / "data")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "partnergraph").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m partnergraph "$@"\n')
    (bin_dir / "partnergraph").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERGRAPH_")}
    env.update(PYTHONPATH=str(site), PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
               PARTNERGRAPH_CACHE=str(tmp_path / "cache"))
    r = subprocess.run(["bash", "-c", job], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    said = r.stderr.splitlines()
    named = re.search(r"partnergraph-output/[\w.-]+\.html", block).group(0)
    assert len(said) == 1 and said[0].startswith(f"Wrote {named}: "), r.stderr
    assert (tmp_path / named).is_file()


def test_the_readmes_second_command_is_what_ci_runs():
    _, _, second = readme_set_up()
    def quiet(command: str) -> str:  # CI may add -q to pip
        return re.sub(r" -q\b", "", command.strip())

    ci = {quiet(line) for line in (ROOT / ".ci" / "run").read_text().splitlines()}
    parts = second.split(" && ")
    assert parts[-1].startswith("python3 -m pytest")
    for part in parts:
        assert quiet(part) in ci, f"{part!r} is not what .ci/run runs"


def test_writes_to_the_installed_corpus_are_refused(wheel, tmp_path):
    site, _ = wheel
    r = cli("link", "s000-ac-rec-a-know", "gray1989", "--stance", "supports", cwd=tmp_path, pythonpath=str(site),
            PARTNERGRAPH_CACHE=str(tmp_path / "cache"))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "bundled" in r.stderr and "--data" in r.stderr
