"""The evidence gap matrix as a picture: an interactive single-file HTML page, or a PNG/SVG/PDF chart for papers.

Rows are the four Es (economy, efficiency, effectiveness, equity), columns the three levels (input, output,
outcome), as :func:`partnergraph.questions.gaps.gaps` counts them. What a reviewer counts is drawn apart: in each cell
the bubble's area is the number of benefits, and a bar under it the distinct sources behind them, split into
those that evidence a benefit directly (solid) and those only on a pooled list the review gives for a whole
table (hatched). Cells no source evidences are marked *gap* (with *direct only*: cells no source evidences
directly). A click on a cell lists its benefits with their evidence — direct first, with quotes and full
references, pooled lists folded — and saves that list as CSV. Where the data holds themes, a second view
shows themes × reviews: which review states which theme.

>>> import partnergraph as pg, tempfile, os
>>> p = render_gap_matrix(pg.load(), "html", os.path.join(tempfile.mkdtemp(), "egm.html"))
>>> p.read_text(encoding="utf-8").count('<td class="cell')
12
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from ..core.errors import PartnergraphError
from ..core.namespaces import DIMENSIONS, LEVELS
from ..questions.gaps import gaps
from .mapstyle import is_contested, reference, source_name
from .outfile import write_file

__all__ = [
    "DEFAULT_TITLE",
    "DIRECT_COLOUR",
    "DPI",
    "FORMATS",
    "GAP_TEXT",
    "NOTE",
    "POOLED_COLOUR",
    "cell_words",
    "claim_evidence",
    "claim_sources",
    "evidence_rows",
    "gap_cells",
    "gap_figure",
    "gap_page",
    "matrix_data",
    "render_gap_matrix",
    "theme_matrix",
]

FORMATS = ("html", "png", "svg", "pdf")
DPI = 300
DIRECT_COLOUR = "#08519C"
POOLED_COLOUR = "#9ECAE1"
GAP_TEXT = "#A33A00"  # 6.0:1 on white
DIMENSION_FILL = {"economy": "#F6D58E", "efficiency": "#B9DDF3", "effectiveness": "#99D8C5", "equity": "#EBC2DA"}
DEFAULT_TITLE = "Evidence gap matrix: benefits of partnership working"
NOTE = ("rows are the four Es of the quality category (economy, efficiency, effectiveness, equity), columns "
        "the level (input, output, outcome). A bubble's area is the number of benefits the reviews place in "
        "the cell. The bar under it counts the distinct sources behind those benefits: solid for sources that "
        "evidence a benefit directly, hatched for sources that appear only on a pooled list a review gives for "
        "a whole table. A hatched cell marked gap has no evidence at all. Tick \u201cdirect evidence only\u201d "
        "to count only direct evidence. Click a cell for its benefits, their evidence and quotes, and a CSV of "
        "its studies.")


def gap_cells(g) -> list:
    """The 12 :class:`~partnergraph.questions.gaps.GapCell` rows (economy/input first)."""
    return list(gaps(g))


def _source_name(nxg, node: str) -> str:
    return source_name(nxg.nodes[node], nxg)


def _reference(nxg, node: str) -> str:
    return reference(nxg.nodes[node], nxg)


def claim_evidence(g, claim_id: str) -> list[tuple[str, tuple[str, ...]]]:
    """One ``(line, members)`` per evidence link of a claim, direct links first: ``("Gray 1989 — supports,
    direct, p. 11", ())`` or, for a pooled link, the pooled base and its member sources."""
    return [(row["line"], tuple(m["name"] for m in row["members"])) for row in evidence_rows(g, claim_id)]


def evidence_rows(g, claim_id: str) -> list[dict]:
    """The evidence of a claim as the drill-down shows it: direct links first (source, full reference, stance,
    locator, quote), then pooled links with their members."""
    nxg = g.nx
    node = claim_id if claim_id.startswith("claim:") else "claim:" + claim_id
    out = []
    edges = [(u, e) for u, _, e in nxg.in_edges(node, data=True) if e["kind"] == "evidences"]
    for u, e in sorted(edges, key=lambda t: (nxg.nodes[t[0]]["kind"] == "pool", t[0], t[1].get("evidence", ""))):
        if nxg.nodes[u]["kind"] == "pool":
            members = sorted(({"name": _source_name(nxg, m), "ref": _reference(nxg, m), "key": nxg.nodes[m]["key"]}
                              for m, _, k in nxg.in_edges(u, keys=True) if k == "pooled_in"),
                             key=lambda m: m["name"].lower())
            label = nxg.nodes[u]["label"] or u
            out.append({"direct": False, "line": f"{e['stance']}, pooled: {label} ({len(members)} sources)",
                        "pool": label, "stance": e["stance"], "locator": e["locator"], "quote": e["quote"],
                        "members": members})
        else:
            extra = f", {e['locator']}" if e["locator"] else ""
            out.append({"direct": True, "line": f"{_source_name(nxg, u)} — {e['stance']}, direct{extra}",
                        "name": _source_name(nxg, u), "ref": _reference(nxg, u), "key": nxg.nodes[u]["key"],
                        "stance": e["stance"], "locator": e["locator"], "quote": e["quote"], "members": []})
    return out


def claim_sources(g, claim_id: str) -> list[str]:
    """The lines of :func:`claim_evidence`, the members of a pooled base joined in."""
    return [line + (": " + "; ".join(members) if members else "") for line, members in claim_evidence(g, claim_id)]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def cell_words(c, contested: int = 0) -> str:
    """A cell in plain words: ``9 benefits; 3 sources evidence them directly, 32 only through a pooled list``."""
    if c.gap:
        return "gap: " + ("no benefit here" if not c.benefits else
                          f"{_plural(c.benefits, 'benefit')}, no source evidences any")
    pooled_only = c.sources_total - c.sources_direct
    direct = {0: "no source evidences them directly", 1: "1 source evidences them directly"}.get(
        c.sources_direct, f"{c.sources_direct} sources evidence them directly")
    text = (f"{_plural(c.benefits, 'benefit')}; {direct}, "
            f"{_plural(pooled_only, 'source')} only through a pooled list")
    if contested:
        text += f"; {contested} contested"
    return text


def _contested_claims(g, claims) -> set[str]:
    return {c for c in claims if is_contested(g.nx, "claim:" + c)}


def _direct_benefits(nxg, claims) -> int:
    return sum(1 for c in claims if any(e["kind"] == "evidences" and nxg.nodes[u]["kind"] == "source"
                                        for u, _, e in nxg.in_edges("claim:" + c, data=True)))


def matrix_data(g) -> dict:
    """Everything the page draws, as plain data: per cell the counts (all evidence and direct only), and per
    cell the benefits with their evidence."""
    rows = gap_cells(g)
    nxg = g.nx
    big = max((c.benefits for c in rows), default=0) or 1
    big_src = max((c.sources_total for c in rows), default=0) or 1
    cells, detail = {}, {}
    for c in rows:
        cid = f"{c.dimension}-{c.level}"
        contested = _contested_claims(g, c.claims)
        n_direct_benefits = _direct_benefits(nxg, c.claims)
        words = cell_words(c, len(contested))
        cells[f"{c.dimension}/{c.level}"] = {
            "id": cid, "gap": c.gap, "direct_gap": c.sources_direct == 0, "benefits": c.benefits,
            "direct_benefits": n_direct_benefits, "sources_total": c.sources_total, "direct": c.sources_direct,
            "pooled_only": c.sources_total - c.sources_direct, "contested": len(contested), "words": words,
            "aria": f"{c.dimension} / {c.level}: {words}",
            "diameter": round(100 * math.sqrt(c.benefits / big)) if c.benefits else 0,
            "direct_diameter": round(100 * math.sqrt(n_direct_benefits / big)) if n_direct_benefits else 0,
            "bar_direct": round(100 * c.sources_direct / big_src, 1),
            "bar_pooled": round(100 * (c.sources_total - c.sources_direct) / big_src, 1),
            "fill": DIMENSION_FILL[c.dimension]}
        claims = []
        for cl in c.claims:
            ev = evidence_rows(g, cl)
            claims.append({"id": cl, "label": nxg.nodes["claim:" + cl]["label"], "contested": cl in contested,
                           "direct": any(r["direct"] for r in ev), "evidence": ev})
        claims.sort(key=lambda x: (not x["direct"], x["label"].lower()))
        detail[cid] = {"heading": f"{c.dimension.capitalize()} / {c.level}", "summary": words,
                       "direct_summary": (f"{_plural(n_direct_benefits, 'benefit')} with direct evidence from "
                                          f"{_plural(c.sources_direct, 'source')}") if c.sources_direct else
                       "no benefit here has direct evidence", "claims": claims}
    return {"cells": cells, "detail": detail, "themes": theme_matrix(g)}


def theme_matrix(g) -> dict | None:
    """Themes × reviews: the number of a theme's claims each review states (None when the data has no themes)."""
    nxg = g.nx
    themes = sorted((n for n, d in nxg.nodes(data=True) if d.get("kind") == "theme"),
                    key=lambda n: ((nxg.nodes[n].get("group") or ""), n))
    if not themes:
        return None
    reviews = sorted({k for n, d in nxg.nodes(data=True) if d.get("kind") == "claim" and d.get("themes")
                      for k in d["derived_from"] if "source:" + k in nxg})
    review_names = {r: source_name(nxg.nodes["source:" + r], nxg) for r in reviews}
    grid: dict[str, int] = {}
    lists: dict[str, list[dict]] = {}
    for t in themes:
        bare = t.split(":", 1)[1]
        for n, d in nxg.nodes(data=True):
            if d.get("kind") == "claim" and bare in (d.get("themes") or ()):
                for r in d["derived_from"]:
                    if r in review_names:
                        lists.setdefault(f"{bare}|{r}", []).append({"id": n.split(":", 1)[1], "label": d["label"]})
        for r in reviews:
            grid[f"{bare}|{r}"] = len(lists.get(f"{bare}|{r}", []))
    big = max(grid.values(), default=0) or 1
    rows = [{"id": t.split(":", 1)[1], "label": nxg.nodes[t].get("label") or t,
             "group": nxg.nodes[t].get("group_label") or "",
             "n_reviews": sum(1 for r in reviews if grid[f"{t.split(':', 1)[1]}|{r}"])} for t in themes]
    return {"rows": rows, "reviews": [{"id": r, "name": review_names[r]} for r in reviews],
            "grid": {k: {"n": v, "d": round(100 * math.sqrt(v / big)) if v else 0} for k, v in grid.items()},
            "lists": {k: sorted(v, key=lambda x: x["label"].lower()) for k, v in lists.items()}}


def gap_page(g, title: str = DEFAULT_TITLE) -> str:
    """The interactive HTML page as a string (every text from the data escaped, no external resource)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    data = matrix_data(g)
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template("gaps.html").render(
        title=title, note=NOTE, dimensions=[d.lower() for d in DIMENSIONS], levels=[lv.lower() for lv in LEVELS],
        cells=data["cells"], detail=data["detail"], themes=data["themes"], direct_colour=DIRECT_COLOUR,
        pooled_colour=POOLED_COLOUR, gap_text=GAP_TEXT)


def gap_figure(g, title: str = DEFAULT_TITLE, *, direct_only: bool = False):
    """A matplotlib ``Figure`` of the matrix (no pyplot state is touched): bubble area = benefits, a bar of
    direct (solid) and pooled-only (hatched) sources under it, gaps hatched and named."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    rows = gap_cells(g)
    nxg = g.nx
    big = max((c.benefits for c in rows), default=0) or 1
    big_src = max((c.sources_total for c in rows), default=0) or 1
    fig = Figure(figsize=(7.5, 6.6), layout="constrained")
    ax = fig.add_subplot()
    dims = [d.lower() for d in DIMENSIONS]
    levels = [lv.lower() for lv in LEVELS]
    for c in rows:
        x, y = levels.index(c.level), len(dims) - 1 - dims.index(c.dimension)
        n_benefits = _direct_benefits(nxg, c.claims) if direct_only else c.benefits
        gap = (c.sources_direct == 0) if direct_only else c.gap
        if gap:
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, hatch="//", edgecolor="#8c8c8c", linewidth=0))
            ax.text(x, y + 0.05, "gap", ha="center", va="center", color=GAP_TEXT, fontsize=12, fontweight="bold")
            what = "no direct evidence" if direct_only else "no evidence"
            ax.text(x, y - 0.18, f"{_plural(c.benefits, 'benefit')}, {what}" if c.benefits else "no benefit",
                    ha="center", va="center", fontsize=7.5, color="#333333")
            continue
        ax.scatter([x], [y + 0.1], s=150 + 3000 * n_benefits / big, color=DIMENSION_FILL[c.dimension],
                   edgecolors="#333333", linewidths=0.8, zorder=2)
        ax.text(x, y + 0.1, str(n_benefits), ha="center", va="center", fontsize=9, fontweight="bold", zorder=3)
        w_direct = 0.8 * c.sources_direct / big_src
        w_pooled = 0 if direct_only else 0.8 * (c.sources_total - c.sources_direct) / big_src
        ax.add_patch(Rectangle((x - 0.4, y - 0.34), w_direct, 0.07, color=DIRECT_COLOUR, zorder=2))
        ax.add_patch(Rectangle((x - 0.4 + w_direct, y - 0.34), w_pooled, 0.07, facecolor=POOLED_COLOUR,
                               hatch="////", edgecolor="#4a6f8a", linewidth=0, zorder=2))
        ax.text(x, y - 0.42, f"{c.sources_direct} direct" + ("" if direct_only else
                f" · {c.sources_total - c.sources_direct} pooled-only") + " sources",
                ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(levels)), levels)
    ax.set_yticks(range(len(dims)), list(reversed(dims)))
    ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_ylim(-0.5, len(dims) - 0.5)
    ax.set_xticks([i + 0.5 for i in range(len(levels) - 1)], minor=True)
    ax.set_yticks([i + 0.5 for i in range(len(dims) - 1)], minor=True)
    ax.grid(which="minor", color="#cccccc")
    ax.tick_params(which="minor", length=0)
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("level\n\nBubble area and number: benefits in the cell" + (" with direct evidence" if direct_only
                  else "") + ". Bar: distinct sources, solid = direct, hatched = only on a pooled list.\n"
                  "Hatched cell: gap (no " + ("direct " if direct_only else "") + "evidence).", fontsize=8)
    ax.set_ylabel("quality dimension")
    return fig


def render_gap_matrix(g, fmt: str, output_path: str | Path, *, title: str = DEFAULT_TITLE,
                      direct_only: bool = False) -> Path:
    """Write the gap matrix of ``g`` as ``fmt`` (html | png | svg | pdf) to ``output_path``; return the path.
    PNG is 300 dpi. Raises :class:`~partnergraph.core.errors.PartnergraphError` for another format.
    """
    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown gap matrix format '{fmt}'", hint="use html, png, svg or pdf")
    path = Path(output_path)
    if fmt == "html":
        write_file(path, gap_page(g, title).encode("utf-8"))
        return path
    fig = gap_figure(g, title, direct_only=direct_only)
    buf = io.BytesIO()
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "Producer": None}}.get(fmt, {"Software": None})
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "partnergraph", "svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=metadata)
    write_file(path, buf.getvalue())
    return path
