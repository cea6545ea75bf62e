"""The evidence report (issue 5): summary per claim kind and per cell from the data, every claim with its
sources, a Harvard bibliography, and escaped text in Markdown and HTML."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from test_maps import REMOTE, XSS, write_xss_data

import partnergraph as pg
from partnergraph.cli import main
from partnergraph.outputs.report import _harvard, bibliography, md_escape, report_text


@pytest.fixture(scope="module")
def md(bundled):
    return report_text(bundled, "md")


def test_summary_counts_claims_per_kind(bundled, md):
    G = bundled.nx
    for kind in {d["claim_kind"] for _, d in G.nodes(data=True) if d["kind"] == "claim"}:
        n = sum(1 for _, d in G.nodes(data=True) if d.get("claim_kind") == kind)
        words = re.sub(r"(?<!^)([A-Z])", r" \1", kind).lower()
        assert re.search(rf"^\| {words} \| {n} \|", md, re.M), kind


def test_summary_per_quality_cell_agrees_with_gaps(bundled, md):
    for c in bundled.gaps():
        row = f"| {c.dimension} / {c.level} | {c.benefits} | {c.sources_direct} | {c.sources_pooled} | " \
              f"{c.sources_total} |"
        assert row in md


def test_every_claim_is_listed_with_its_evidence(bundled, md):
    G = bundled.nx
    for n, d in G.nodes(data=True):
        if d["kind"] == "claim":
            assert f"(`{md_escape(n.split(':', 1)[1])}`)" in md
    n_links = sum(1 for *_, k in G.edges(keys=True) if k.startswith("evidence:"))
    section = md.split("## Claims and their sources", 1)[1].split("## Bibliography", 1)[0]
    assert len(re.findall(r"^  - (?!no evidence link)", section, re.M)) == n_links


def test_bibliography_is_formatted_in_harvard_style(bundled, md):
    refs, style = bibliography(bundled)
    assert len(refs) == sum(1 for _, d in bundled.nx.nodes(data=True) if d["kind"] == "source")
    gray = next(r for r in refs if r.key == "gray1989")
    assert gray.text.startswith("Gray, B. (1989)")
    assert f"Formatted with {style}." in md


def test_builtin_harvard_formatter():
    item = {"title": "Are partnerships worth it?", "author": [{"family": "Glasby", "given": "Jon"}],
            "issued": {"date-parts": [[2006]]}, "container-title": "Community Care", "volume": "3", "page": "10-12"}
    assert _harvard(item) == "Glasby, J. (2006) 'Are partnerships worth it?', Community Care, 3, pp. 10-12."
    org = {"title": "A Fruitful Partnership", "author": [{"literal": "Audit Commission"}],
           "issued": {"date-parts": [[1998]]}, "publisher": "Audit Commission"}
    assert _harvard(org) == "Audit Commission (1998) A Fruitful Partnership. Audit Commission."


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_data_text_is_escaped(fmt, tmp_path):
    g = pg.load(write_xss_data(tmp_path / "xss"))
    text = report_text(g, fmt)
    for value in XSS.values():
        assert value not in text
    assert "&lt;img src=x onerror=window.\\_\\_xss=1&gt;" in text if fmt == "md" else \
        "&lt;img src=x onerror=window.__xss=1&gt;" in text


def test_html_report_is_one_offline_page(bundled):
    html = report_text(bundled, "html")
    assert html.startswith("<!DOCTYPE html>") and not REMOTE.search(html)
    assert html.count("<li id=\"ref-") == len(bibliography(bundled)[0])


@pytest.mark.parametrize("name, code, needle", [
    pytest.param("report.md", 0, "# Evidence report", id="markdown"),
    pytest.param("report.html", 0, "<h1>Evidence report</h1>", id="html"),
    pytest.param("report.txt", 1, None, id="unknown-suffix"),
])
def test_report_command(name, code, needle, tmp_path):
    out = tmp_path / name
    r = CliRunner().invoke(main, ["report", "-o", str(out)])
    assert r.exit_code == code, r.output
    if needle:
        assert needle in out.read_text(encoding="utf-8")
    else:
        assert "Error: cannot tell the report format" in r.output and not out.exists()


def test_report_default_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["report"])
    assert r.exit_code == 0 and (tmp_path / "report.md").exists()
