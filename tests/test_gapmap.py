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
    return {m.group(2): (m.group(1), int(m.group(4))) for m in
            re.finditer(r'<td class="cell (gap|filled)[^"]*" data-cell="([a-z]+-[a-z]+)" data-benefits="(\d+)" '
                        r'data-sources="(\d+)"', html)}


def cell_attrs(html: str) -> dict[str, dict[str, str]]:
    out = {}
    for m in re.finditer(r'<td class="cell ([^"]*)" data-cell="([a-z]+-[a-z]+)"([^>]*)>', html):
        out[m.group(2)] = {"class": m.group(1), **dict(re.findall(r'data-(\w+)="([^"]*)"', m.group(3)))}
    return out


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


def test_bubbles_count_benefits_and_direct_sources_apart(bundled, page):
    got = cell_attrs(page)
    for c in bundled.gaps():
        a = got[f"{c.dimension}-{c.level}"]
        assert int(a["benefits"]) == c.benefits and int(a["direct"]) == c.sources_direct
        assert ("direct-gap" in a["class"]) == (c.sources_direct == 0)
    bubble = (r'data-cell="([a-z]+-[a-z]+)"[^>]*>\s*<button[^>]*>\s*<span class="gapword">gap</span>'
              r'\s*<span class="bubble filled-only all-view" style="--d: (\d+)')
    sizes = {k: int(m) for k, m in re.findall(bubble, page)}
    by_benefits = sorted(bundled.gaps(), key=lambda c: c.benefits)
    few, many = by_benefits[0], by_benefits[-1]
    assert sizes[f"{many.dimension}-{many.level}"] > sizes.get(f"{few.dimension}-{few.level}", 0)


def test_cells_are_told_in_plain_words(bundled, page):
    for abbrev in (" src ", "ben.", ">1 benefits", " 1 sources", "(0 direct)"):
        assert abbrev not in page
    cell = next(c for c in bundled.gaps() if c.benefits > 1 and not c.gap)
    assert f"{cell.benefits} benefits; " in page


def test_drill_down_lists_direct_evidence_first_with_quotes_and_references(bundled):
    from partnergraph.outputs.gapmap import evidence_rows

    G = bundled.nx
    claim = next(c.split(":", 1)[1] for c, d in G.nodes(data=True) if d["kind"] == "claim"
                 and any(G.nodes[u]["kind"] == "source" for u, _, e in G.in_edges(c, data=True)
                        if e["kind"] == "evidences")
                 and any(G.nodes[u]["kind"] == "pool" for u, _, e in G.in_edges(c, data=True)
                         if e["kind"] == "evidences"))
    rows = evidence_rows(bundled, claim)
    kinds = [r["direct"] for r in rows]
    assert kinds == sorted(kinds, reverse=True) and kinds[0] and not kinds[-1]
    first = rows[0]
    assert first["ref"] and first["name"] in first["line"]
    assert all(m["ref"] for r in rows if not r["direct"] for m in r["members"])


@pytest.mark.parametrize("fmt, magic", [
    pytest.param("png", b"\x89PNG", id="png"),
    pytest.param("svg", b"<svg", id="svg"),
    pytest.param("pdf", b"%PDF", id="pdf"),
    pytest.param("html", b"<!DOCTYPE html>", id="html"),
])
def test_render_writes_the_format(bundled, tmp_path, fmt, magic):
    path = render_gap_matrix(bundled, fmt, tmp_path / f"egm.{fmt}", title="My own title")
    data = path.read_bytes()
    assert magic in data[:400]
    if fmt in ("svg", "html"):
        assert "My own title" in data.decode("utf-8")


def test_png_is_300_dpi(bundled, tmp_path):
    import struct
    import zlib

    data = render_gap_matrix(bundled, "png", tmp_path / "egm.png").read_bytes()
    i = data.index(b"pHYs")
    x, y, unit = struct.unpack(">IIB", data[i + 4:i + 13])
    assert unit == 1 and round(x * 0.0254) == round(y * 0.0254) == 300
    assert zlib.crc32(data[i:i + 13]) == struct.unpack(">I", data[i + 13:i + 17])[0]
    width = struct.unpack(">I", data[16:20])[0]
    assert width >= 7 * 300


def test_direct_only_figure_marks_cells_without_direct_evidence(bundled):
    from partnergraph.outputs.gapmap import gap_figure

    fig = gap_figure(bundled, direct_only=True)
    n = sum(t.get_text() == "gap" for t in fig.axes[0].texts)
    assert n == sum(1 for c in bundled.gaps() if c.sources_direct == 0) > sum(c.gap for c in bundled.gaps())


def themed(g):
    """The bundled graph with two synthetic themes (as the themes graph describes them) over four claims, in place
    of the bundled framework."""
    import copy

    nxg = copy.deepcopy(g.nx)
    nxg.remove_nodes_from([n for n, d in list(nxg.nodes(data=True)) if d["kind"] in ("theme", "theme_group")])
    for _, d in nxg.nodes(data=True):
        if d["kind"] == "claim":
            d["themes"] = ()
    claims = sorted(n for n, d in nxg.nodes(data=True) if d["kind"] == "claim")
    by_review: dict[str, list[str]] = {}
    for c in claims:
        for r in nxg.nodes[c]["derived_from"]:
            by_review.setdefault(r, []).append(c)
    r1, r2 = sorted(by_review)[:2]
    plan = {"trust": [by_review[r1][0], by_review[r2][0]], "vision": [by_review[r1][1]]}
    for t, members in plan.items():
        nxg.add_node("theme:" + t, kind="theme", label=t.capitalize(), scope_note="", group="group-x",
                     group_label="Group X", claims=len(members))
        for c in members:
            nxg.nodes[c]["themes"] = tuple(sorted((*nxg.nodes[c].get("themes", ()), t)))
            nxg.add_edge(c, "theme:" + t, key="in_theme", kind="in_theme")

    class G:
        pass

    out = G()
    out.nx, out.data, out.endpoint = nxg, g.data, None
    return out, plan, (r1, r2)


def test_theme_by_review_view_counts_the_assignments(bundled):
    from partnergraph.outputs.gapmap import theme_matrix

    assert theme_matrix(bundled) is None or all(r for r in theme_matrix(bundled)["rows"])
    g, plan, (r1, r2) = themed(bundled)
    m = theme_matrix(g)
    assert [r["id"] for r in m["rows"]] == ["trust", "vision"]
    assert m["grid"][f"trust|{r1}"]["n"] == 1 and m["grid"][f"trust|{r2}"]["n"] == 1
    assert m["grid"][f"vision|{r2}"]["n"] == 0
    html = gap_page(g)
    assert 'id="view-themes"' in html and 'data-theme-cell="trust|' in html


def test_page_without_themes_has_no_theme_view(bundled, page):
    from partnergraph.outputs.gapmap import theme_matrix

    if theme_matrix(bundled) is None:
        assert 'id="view-themes"' not in page and 'role="tablist"' not in page
    else:
        assert 'id="view-themes"' in page


def test_svg_is_the_same_every_time(bundled, tmp_path):
    a = render_gap_matrix(bundled, "svg", tmp_path / "a.svg").read_bytes()
    b = render_gap_matrix(bundled, "svg", tmp_path / "b.svg").read_bytes()
    assert a == b


def test_unknown_format_is_refused(bundled, tmp_path):
    with pytest.raises(PartnergraphError, match="unknown gap matrix format 'gif'"):
        render_gap_matrix(bundled, "gif", tmp_path / "x.gif")
    assert not (tmp_path / "x.gif").exists()


def test_gaps_command_draws_html(tmp_path):
    from click.testing import CliRunner

    from partnergraph.cli import main

    out = tmp_path / "egm.html"
    r = CliRunner().invoke(main, ["gaps", "--format", "html", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert len(cells(out.read_text(encoding="utf-8"))) == 12
