"""The first five minutes: ``validate`` answers in seconds, prints only what matters with --quiet, and shows its
progress on a terminal when it takes a while."""

from __future__ import annotations

import io
import time

from click.testing import CliRunner

from partnergraph.cli import Progress, main


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
