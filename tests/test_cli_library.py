"""The librarians' commands through the CLI: output, exit codes, one-line errors with file:line, --dry-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import snapshot

from partnergraph.cli import main
from partnergraph.files.bibtex import parse_bibtex

FIX = Path(__file__).parent / "fixtures" / "library"


def run(*args, ok=True):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    if ok:
        assert r.exit_code == 0, r.output + (r.stderr if r.stderr_bytes else "")
    return r


def test_bib_add_table_and_json(data_copy):
    r = run("bib", "add", FIX / "items.json", "--data", data_copy, "--format", "table", "--dry-run")
    assert "items.json:2: added dickinson2013" in r.output
    assert "items.json:51: skipped empty" in r.output
    assert "+@article{dickinson2013," in r.output  # the diff
    r = run("bib", "add", FIX / "items.json", "--data", data_copy, "--format", "json")
    rows = json.loads(r.output)
    added = [x["key"] for x in rows if x["outcome"] == "added"]
    keys = [s.key for s in parse_bibtex(data_copy / "sources.bib").sources]
    assert keys[-len(added):] == added


def test_bib_add_bad_file_is_one_line_error(data_copy, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"id": "a",\n   "title": }\n]\n', encoding="utf-8")
    before = snapshot(data_copy)
    r = run("bib", "add", bad, "--data", data_copy, ok=False)
    assert r.exit_code == 1
    err = r.stderr.strip().splitlines()
    assert err[0] == f"Error: {bad}:3: not valid JSON: Expecting value" and err[1].startswith("Hint:")
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("file, old, new, line", [
    pytest.param("sources.bib", "@book{gray1989,", "@book{gray1989,\n  title = {unclosed,", 1, id="bib-syntax"),
    pytest.param("claims.ttl", "cito:hasCitedEntity source:gray1989", "cito:hasCitedEntity source:nosuch",
                 "evidence:e1 a", id="missing-key"),
])
def test_writes_refused_on_bad_data(tiny, file, old, new, line):
    p = tiny / file
    text = p.read_text(encoding="utf-8").replace(old, new, 1)
    p.write_text(text, encoding="utf-8")
    if isinstance(line, str):  # the line of the subject that names the missing key
        line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith(line))
    before = snapshot(tiny)
    for args in (["bib", "add", FIX / "items.json"], ["bib", "rename", "gray1989", "gray1989x"],
                 ["link", "trust", "auditcommission1998", "--stance", "supports"]):
        r = run(*args, "--data", tiny, ok=False)
        assert r.exit_code == 1
        first = r.stderr.splitlines()[0]
        assert first.startswith(f"Error: {p}:{line}:") and "refusing to write" in first
    assert snapshot(tiny) == before


def test_bib_lint_bundled_is_clean():
    r = run("bib", "lint", "--format", "json")
    findings = json.loads(r.output)
    assert not [f for f in findings if f["severity"] == "error"]


BAD_ENTRIES = [
    ("doi-syntax", "error", "@article{a2000,\n  author = {A, B},\n  title = {T},\n  journal = {J},\n"
     "  year = {2000},\n  doi = {11.1/x},\n  status = {complete}\n}"),
    ("isbn-syntax", "error", "@book{b2000,\n  author = {A, B},\n  title = {T},\n  publisher = {P},\n"
     "  year = {2000},\n  isbn = {0-415-33920-7},\n  status = {complete}\n}"),
    ("issn-syntax", "error", "@article{c2000,\n  author = {A, B},\n  title = {T},\n  journal = {J},\n"
     "  year = {2000},\n  issn = {0033-3507},\n  status = {complete}\n}"),
    ("year", "error", "@misc{d2999,\n  author = {A, B},\n  title = {T},\n  year = {2999},\n  status = {complete}\n}"),
    ("pages", "warning", "@article{e2000,\n  author = {A, B},\n  title = {T},\n  journal = {J},\n"
     "  year = {2000},\n  pages = {7-17},\n  status = {complete}\n}"),
    ("required-field", "warning", "@article{f2000,\n  author = {A, B},\n  title = {T},\n  year = {2000},\n"
     "  status = {complete}\n}"),
    ("key-pattern", "warning", "@misc{Gray_X,\n  author = {A, B},\n  title = {T},\n  year = {2000},\n"
     "  status = {complete}\n}"),
    ("unused-source", "warning", "@misc{g2000,\n  author = {A, B},\n  title = {T},\n  year = {2000},\n"
     "  status = {complete}\n}"),
    ("duplicate-key", "error", "@misc{gray1989,\n  title = {Again},\n  status = {complete}\n}"),
    ("unbalanced-braces", "error", "@misc{h2000,\n  title = \"T {x\",\n  year = {2000},\n  status = {complete}\n}"),
    ("bibtex-syntax", "error", "@misc{j2000,\n  title = {T}},\n  year = {2000},\n  status = {complete}\n}"),
    ("status", "warning", "@misc{i2000,\n  author = {A, B},\n  title = {T},\n  year = {2000}\n}"),
    ("duplicate", "warning", "@book{graycopy1989,\n  author = {Gray, Barbara},\n  title = {Collaborating: "
     "Finding Common Ground for Multiparty Problems},\n  publisher = {Jossey-Bass},\n  year = {1989},\n"
     "  status = {complete}\n}"),
]


@pytest.mark.parametrize("rule, severity, entry", [pytest.param(*b, id=b[0]) for b in BAD_ENTRIES])
def test_bib_lint_finds(tiny, rule, severity, entry):
    p = tiny / "sources.bib"
    old = p.read_text(encoding="utf-8")
    p.write_text(old + "\n" + entry + "\n", encoding="utf-8")
    line = old.count("\n") + 2 + (rule == "bibtex-syntax")  # a stray '}': the text after it is the problem
    r = run("bib", "lint", "--data", tiny, "--format", "json", ok=False)
    findings = [f for f in json.loads(r.output) if f["rule"] == rule]
    assert findings, r.output
    assert findings[0]["severity"] == severity and findings[0]["where"] == f"{p}:{line}"
    assert r.exit_code == (1 if any(f["severity"] == "error" for f in json.loads(r.output)) else 0)


def test_bib_lint_missing_key_in_claims(tiny):
    p = tiny / "claims.ttl"
    p.write_text(p.read_text(encoding="utf-8").replace("cito:hasCitedEntity source:gray1989",
                                                       "cito:hasCitedEntity source:nosuch"), encoding="utf-8")
    r = run("bib", "lint", "--data", tiny, "--format", "table", ok=False)
    assert r.exit_code == 1
    line = next(i for i, x in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if x.startswith("evidence:e1"))
    assert f"{p}:{line}: error: [missing-key]" in r.output and "nosuch" in r.output


def test_bib_todo_ranks_by_claims(bundled):
    rows = json.loads(run("bib", "todo", "--format", "json").output)
    assert rows and [r["claims"] for r in rows] == sorted((r["claims"] for r in rows), reverse=True)
    statuses = {a["key"]: a["status"] for _, a in bundled.nx.nodes(data=True) if a["kind"] == "source"}
    assert {r["key"] for r in rows} == {k for k, s in statuses.items() if s in ("incomplete", "unidentified")}
    top = rows[0]
    g = bundled.nx
    node = "source:" + top["key"]
    direct = {v for _, v, d in g.out_edges(node, data=True) if d["kind"] == "evidences"}
    derived = {u for u, _, d in g.in_edges(node, data=True) if d["kind"] == "derived_from"}
    assert top["claims"] >= len(direct | derived) > 0
    assert top["where"].rsplit(":", 1)[1].isdigit()


def test_bib_dedupe_lists_pairs(data_copy):
    run("bib", "add", FIX / "items.json", "--data", data_copy)
    r = run("bib", "dedupe", "--data", data_copy, "--format", "json")
    pairs = json.loads(r.output)
    assert {(p["key_a"], p["key_b"], p["kind"]) for p in pairs} == {("dickinson2013", "dickinson2012", "version")}
    assert run("bib", "dedupe", "--data", data_copy, "--no-versions", "--format", "table").output.endswith(
        "0 candidate pair(s)\n")


def test_rename_merge_link_unlink_claim(data_copy):
    r = run("bib", "rename", "gray1989", "gray1989x", "--data", data_copy, "--dry-run")
    assert "-@book{gray1989," in r.output and "+@book{gray1989x," in r.output
    assert "@book{gray1989," in (data_copy / "sources.bib").read_text(encoding="utf-8")
    run("bib", "rename", "gray1989", "gray1989x", "--data", data_copy)
    r = run("claim", "add", "--kind", "Barrier", "--label", "Short-term funding", "--derived-from", "gray1989x",
            "--data", data_copy)
    cid = r.output.split()[1].split(":", 1)[1]
    r = run("link", cid, "glasby2006", "--stance", "disputes", "--locator", "p. 3", "--quote", "funding is short",
            "--citing", "gray1989x", "--data", data_copy)
    eid = r.output.split()[1].split(":", 1)[1]
    r = run("link", cid, "glasby2006", "--stance", "disputes", "--locator", "p. 3", "--citing", "gray1989x",
            "--data", data_copy, ok=False)
    assert r.exit_code == 1 and "duplicate link" in r.stderr
    run("unlink", eid, "--data", data_copy)
    r = run("unlink", cid, "glasby2006", "--data", data_copy, ok=False)
    assert r.exit_code == 1 and "has no evidence link" in r.stderr


def test_every_command_has_help():
    for args in (["bib", "add"], ["bib", "dedupe"], ["bib", "merge"], ["bib", "lint"], ["bib", "todo"],
                 ["bib", "rename"], ["link"], ["unlink"], ["claim", "add"]):
        r = run(*args, "-h")
        assert "Usage:" in r.output and len(r.output.splitlines()) > 4
