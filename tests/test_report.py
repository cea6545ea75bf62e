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


def test_every_claim_with_evidence_is_listed_with_it(bundled, md):
    G = bundled.nx
    section = md.split("## Claims and their evidence", 1)[1].split("## Bibliography", 1)[0]
    n_direct = 0
    n_pooled_rows = 0
    for n, d in G.nodes(data=True):
        if d["kind"] != "claim":
            continue
        ev = [(u, e) for u, _, e in G.in_edges(n, data=True) if e["kind"] == "evidences"]
        if ev:
            assert f"- **{md_escape(d['label'])}**" in section
        n_direct += sum(1 for u, _ in ev if G.nodes[u]["kind"] == "source")
        n_pooled_rows += len({e["stance"] for u, e in ev if G.nodes[u]["kind"] == "pool"})
    assert len(re.findall(r"^  - \w+: \[", section, re.M)) == n_direct
    assert len(re.findall(r"^  - \w+, pooled: ", section, re.M)) == n_pooled_rows


def test_claims_without_evidence_are_summarised_not_listed(bundled, md):
    G = bundled.nx
    assert "no evidence link\n" not in md and "  - no evidence link" not in md
    n = sum(1 for c, d in G.nodes(data=True) if d["kind"] == "claim"
            and not any(e["kind"] == "evidences" for _, _, e in G.in_edges(c, data=True)))
    counted = sum(int(x) for x in re.findall(r"^(\d+) [a-z ]+ claims? with no evidence link", md, re.M))
    assert counted == n > 0


def test_no_local_path_and_no_raw_ids(bundled, md):
    from conftest import DATA

    html = report_text(bundled, "html")
    for text in (md, html):
        assert str(DATA) not in text and "/data" not in text
        assert not re.search(r"\b(Economy|Efficiency|Effectiveness|Equity)(Input|Output|Outcome)\b", text)
        assert not re.search(r"ref\. \d+ of \w+", text)
        assert "`s00" not in text


def test_direct_evidence_has_its_quote_and_a_link_to_the_bibliography(bundled, md):
    G = bundled.nx
    u, c, e = next((u, c, e) for u, c, e in G.edges(data=True) if e["kind"] == "evidences" and e["quote"]
                   and e["locator"] and G.nodes[u]["kind"] == "source")
    assert f"“{md_escape(e['quote'])}”" in md
    html = report_text(bundled, "html")
    targets = set(re.findall(r'href="#(ref-[^"]+)"', html))
    ids = set(re.findall(r'id="(ref-[^"]+)"', html))
    assert targets and targets <= ids
    assert '<meta name="viewport"' in html and "@media print" in html


def test_contested_section_names_who_contests(tiny):
    ttl = (tiny / "claims.ttl").read_text(encoding="utf-8").replace(
        "cito:hasCitedEntity source:gray1989 ;\n    pg:stance pg:Supports",
        "cito:hasCitedEntity source:gray1989 ;\n    pg:stance pg:Disputes")
    (tiny / "claims.ttl").write_text(ttl, encoding="utf-8")
    md = report_text(pg.load(tiny), "md")
    section = md.split("## Contested", 1)[1].split("\n## ", 1)[0]
    assert "**Develop and maintain trust**" in section and "disputes: Gray 1989" in section
    assert "## Contested" not in report_text(pg.load(write_xss_data(tiny.parent / "x")), "md")


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
    assert '<meta name="viewport"' in html


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
        assert f"Error: {out}: a report is written as .md or .html" in r.output and not out.exists()


def test_report_default_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["report"])
    assert r.exit_code == 0 and (tmp_path / "partnergraph-output" / "report.md").exists()
