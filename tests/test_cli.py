"""The core commands as a user runs them: validate, stats, sparql, and every bad input of issue 2 item 9."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import TINY_BIB, TINY_TTL, snapshot

from partnergraph.cli import main


def run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env)


def test_help_both_ways():
    for flag in ("-h", "--help"):
        r = run(flag)
        assert r.exit_code == 0 and "validate" in r.output


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "partnergraph", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "partnergraph" in out.stdout


def test_validate_bundled_data_is_clean():
    r = run("validate", "--format", "json")
    assert r.exit_code == 0, r.output
    assert not [f for f in json.loads(r.output) if f["severity"] == "error"]


def test_validate_quiet_lists_errors_only_and_counts_warnings(tiny):
    ttl = tiny / "claims.ttl"
    ttl.write_text(ttl.read_text().replace('    pg:locator "p.11" ;\n', ""), encoding="utf-8")
    loud = run("validate", "--data", str(tiny), "--format", "table")
    quiet = run("validate", "--data", str(tiny), "--format", "table", "--quiet")
    assert loud.exit_code == quiet.exit_code == 0
    assert "DirectLocatorShape" in loud.output and "DirectLocatorShape" not in quiet.output
    assert "0 error(s), 1 warning(s)" in quiet.output


def test_validate_tiny(tiny):
    r = run("validate", "--data", str(tiny), "--format", "table")
    assert r.exit_code == 0
    assert "0 error(s)" in r.output


def test_stats_counts_match_the_graph(tiny):
    r = run("stats", "--data", str(tiny), "--format", "json")
    assert r.exit_code == 0, r.output
    rows = {(x["section"], x["item"]): x["count"] for x in json.loads(r.output)}
    assert rows[("totals", "sources")] == 3
    assert rows[("totals", "claims")] == 2
    assert rows[("evidence links by attribution", "direct")] == 1
    assert rows[("evidence links by attribution", "pooled")] == 1
    assert rows[("benefits per quality cell", "economy / input")] == 1
    assert rows[("sources by status", "incomplete")] == 1


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson", "markdown"])
def test_stats_every_format(tiny, fmt):
    r = run("stats", "--data", str(tiny), "--format", fmt)
    assert r.exit_code == 0
    assert "evidence links" in r.output


def test_sparql_select_ask_and_bad_query(tiny):
    r = run("sparql", "SELECT ?l WHERE { ?c a pg:Benefit ; rdfs:label ?l }", "--data", str(tiny), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [{"l": "Shared resources"}]
    r = run("sparql", "ASK { source:gray1989 pg:bibtexKey 'gray1989' }", "--data", str(tiny))
    assert r.output.strip() == "true"
    r = run("sparql", "SELECT ?x WHERE { ?x ", "--data", str(tiny))
    assert r.exit_code == 1
    assert r.output.startswith("Error: SPARQL syntax error at line 1")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


BAD = [
    pytest.param("claims.ttl", TINY_TTL.replace('rdfs:label "Factors" ;',
                                                'rdfs:label "Factors"'),
                 "claims.ttl:", "Turtle syntax error", id="turtle-syntax"),
    pytest.param("sources.bib", TINY_BIB.replace("year = {1998},", "year = {1998,"), "sources.bib:",
                 "unbalanced", id="bibtex-unbalanced-brace"),
    pytest.param("sources.bib", TINY_BIB + "\n@book{gray1989,\n  title = {Again}\n}\n",
                 f"sources.bib:{TINY_BIB.count(chr(10)) + 2}",
                 "duplicate citation key 'gray1989'", id="duplicate-key"),
    pytest.param("claims.ttl", TINY_TTL.replace("cito:hasCitedEntity source:gray1989",
                                                "cito:hasCitedEntity source:nobody2000"),
                 f"claims.ttl:{line_of(TINY_TTL, 'evidence:e1 a')}", "nobody2000", id="link-to-unknown-key"),
    pytest.param("claims.ttl", TINY_TTL.replace("    pg:qualityCategory pg:EconomyInput ;\n", ""),
                 f"claims.ttl:{line_of(TINY_TTL, 'claim:shared-resources a')}",
                 "no quality category", id="benefit-without-cell"),
    pytest.param("sources.bib", TINY_BIB.replace("Jossey-Bass", "Jossey\udcff-Bass"),
                 f"sources.bib:{line_of(TINY_BIB, 'Jossey')}",
                 "invalid UTF-8", id="invalid-utf8"),
]


@pytest.mark.parametrize("name, text, where, words", BAD)
@pytest.mark.parametrize("command", ["stats", "validate"])
def test_bad_input_gives_one_line_error_and_changes_nothing(tiny, name, text, where, words, command):
    (tiny / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    before = snapshot(tiny)
    r = run(command, "--data", str(tiny), "--format", "table")
    assert r.exit_code == 1, r.output
    errors = [line for line in r.output.splitlines() if "error" in line.lower()]
    assert errors, r.output
    first = errors[0]
    assert where in first, first
    assert words in r.output
    assert "Traceback" not in r.output
    assert snapshot(tiny) == before


def test_missing_data_directory(tmp_path):
    r = run("stats", "--data", str(tmp_path / "nope"))
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {tmp_path / 'nope'}: data directory does not exist")


def test_reading_never_writes_to_the_data_folder(data_copy):
    before = snapshot(data_copy)
    assert run("stats", "--data", str(data_copy)).exit_code == 0
    assert run("validate", "--data", str(data_copy), "--no-shacl").exit_code == 0
    assert snapshot(data_copy) == before
