"""The gap matrix drawn (issue 5): the interactive page agrees with queries.gaps, escapes the data, and the
png/svg charts are written."""

from __future__ import annotations

import re

import pytest
from test_maps import REMOTE, XSS, write_xss_data

import partnergraph as pg
from partnergraph.core.errors import PartnergraphError
from partnergraph.outputs.gapmap import claim_sources, gap_page, render_gap_matrix


@pytest.fixture(scope="module")
def page(bundled):
    return gap_page(bundled)


def cells(html: str) -> dict[str, tuple[str, int]]:
    return {m.group(2): (m.group(1), int(m.group(3))) for m in
            re.finditer(r'<td class="(gap|filled)" data-cell="([a-z]+-[a-z]+)" data-sources="(\d+)">', html)}


def test_one_cell_per_dimension_and_level(bundled, page):
    got = cells(page)
    assert set(got) == {f"{c.dimension}-{c.level}" for c in bundled.gaps()} and len(got) == 12


def test_cells_agree_with_the_gap_query(bundled, page):
    got = cells(page)
    for c in bundled.gaps():
        cls, n = got[f"{c.dimension}-{c.level}"]
        assert n == c.sources_total
        assert (cls == "gap") == c.gap


def test_empty_cells_are_marked_as_gaps(bundled, page):
    G = bundled.nx
    empty = [d["dimension"] + "-" + d["level"] for n, d in G.nodes(data=True) if d["kind"] == "quality_cell"
             and not any(k == "in_category" for _, _, k in G.in_edges(n, keys=True))]
    assert empty
    for cid in empty:
        assert cells(page)[cid][0] == "gap"


def test_claim_sources_list_every_evidence_link(bundled):
    G = bundled.nx
    claim = max((n for n, d in G.nodes(data=True) if d["kind"] == "claim"),
                key=lambda n: sum(1 for *_, k in G.in_edges(n, keys=True) if k.startswith("evidence:")))
    n_links = sum(1 for *_, k in G.in_edges(claim, keys=True) if k.startswith("evidence:"))
    assert len(claim_sources(bundled, claim.split(":", 1)[1])) == n_links > 1


def test_page_is_offline_and_has_a_legend(page):
    assert not REMOTE.search(page)
    assert 'id="legend"' in page and 'id="how-to-read"' in page


def test_data_in_the_page_is_escaped(tmp_path):
    g = pg.load(write_xss_data(tmp_path / "xss"))
    html = gap_page(g)
    assert XSS["benefit"] not in html and XSS["title"] not in html
    assert "\\u003cimg src=y onerror=window.__xss=3\\u003e" in html


@pytest.mark.parametrize("fmt, magic", [
    pytest.param("png", b"\x89PNG", id="png"),
    pytest.param("svg", b"<svg", id="svg"),
    pytest.param("html", b"<!DOCTYPE html>", id="html"),
])
def test_render_writes_the_format(bundled, tmp_path, fmt, magic):
    path = render_gap_matrix(bundled, fmt, tmp_path / f"egm.{fmt}")
    data = path.read_bytes()
    assert magic in data[:400]


def test_svg_is_the_same_every_time(bundled, tmp_path):
    a = render_gap_matrix(bundled, "svg", tmp_path / "a.svg").read_bytes()
    b = render_gap_matrix(bundled, "svg", tmp_path / "b.svg").read_bytes()
    assert a == b


def test_unknown_format_is_refused(bundled, tmp_path):
    with pytest.raises(PartnergraphError, match="unknown gap matrix format 'pdf'"):
        render_gap_matrix(bundled, "pdf", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_gaps_command_draws_html(tmp_path):
    from click.testing import CliRunner

    from partnergraph.cli import main

    out = tmp_path / "egm.html"
    r = CliRunner().invoke(main, ["gaps", "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert len(cells(out.read_text(encoding="utf-8"))) == 12
