"""The first five minutes: ``validate`` answers in seconds, prints only what matters with --quiet, and shows its
progress on a terminal when it takes a while."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

from click.testing import CliRunner

from partnergraph.cli import Progress, main
from partnergraph.core.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parent.parent


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
        time.sleep(0.3)
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
