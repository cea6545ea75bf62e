"""The evidence gap matrix as a picture: an interactive single-file HTML page, or a PNG/SVG chart for papers.

Rows are the four Es (economy, efficiency, effectiveness, equity), columns the three levels (input, output,
outcome), as :func:`partnergraph.questions.gaps.gaps` counts them. In each cell the bubble's area is the number of
distinct sources evidencing the cell's benefits, its shade the share of them that evidence a benefit directly
(not only through a pooled list); cells no source evidences are hatched and marked *gap*. In the HTML page a
click on a cell lists its benefits and the sources of each.

>>> import partnergraph as pg, tempfile, os
>>> p = render_gap_matrix(pg.load(), "html", os.path.join(tempfile.mkdtemp(), "egm.html"))
>>> p.read_text(encoding="utf-8").count('<td class="')
12
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from ..core.errors import PartnergraphError
from ..core.namespaces import DIMENSIONS, LEVELS
from ..questions.gaps import gaps
from .exports import write_file

__all__ = [
    "FORMATS",
    "GAP_COLOUR",
    "NOTE",
    "RAMP",
    "claim_evidence",
    "claim_sources",
    "gap_cells",
    "gap_figure",
    "gap_page",
    "render_gap_matrix",
]

FORMATS = ("html", "png", "svg")
RAMP = ("#DEEBF7", "#08519C")  # light → dark blue: share of direct evidence 0 → 1
GAP_COLOUR = "#D55E00"
NOTE = ("rows are the four Es of the quality category, columns the level. A bubble's area is the number of "
        "distinct sources that evidence the benefits in the cell; the darker it is, the larger the share of "
        "those sources that evidence a benefit directly rather than only as part of a pooled list of sources "
        "a review gives for a whole table. Hatched cells marked gap have no evidence at all. The numbers "
        "repeat what the bubbles show. Click a cell for its benefits and their sources.")


def gap_cells(g) -> list:
    """The 12 :class:`~partnergraph.questions.gaps.GapCell` rows (economy/input first)."""
    return list(gaps(g))


def _mix(share: float) -> str:
    a = [int(RAMP[0][i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(RAMP[1][i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b, strict=True))


def _source_name(nxg, node: str) -> str:
    d = nxg.nodes[node]
    return d.get("label") or d.get("key") or node


def claim_evidence(g, claim_id: str) -> list[tuple[str, tuple[str, ...]]]:
    """One ``(line, members)`` per evidence link of a claim: ``("Gray 1989 — supports, direct, p. 11", ())``
    or, for a pooled link, the pooled base and its member sources."""
    nxg = g.nx
    node = claim_id if claim_id.startswith("claim:") else "claim:" + claim_id
    out = []
    for u, _, e in sorted(nxg.in_edges(node, data=True), key=lambda t: (t[0], t[2].get("evidence", ""))):
        if e["kind"] != "evidences":
            continue
        if nxg.nodes[u]["kind"] == "pool":
            members = tuple(sorted(_source_name(nxg, m) for m, _, k in nxg.in_edges(u, keys=True)
                                   if k == "pooled_in"))
            out.append((f"{e['stance']}, pooled: {nxg.nodes[u]['label'] or u} ({len(members)} sources)", members))
        else:
            extra = f", {e['locator']}" if e["locator"] else ""
            out.append((f"{_source_name(nxg, u)} — {e['stance']}, {e['attribution']}{extra}", ()))
    return out


def claim_sources(g, claim_id: str) -> list[str]:
    """The lines of :func:`claim_evidence`, the members of a pooled base joined in."""
    return [line + (": " + "; ".join(members) if members else "") for line, members in claim_evidence(g, claim_id)]


def _cell_text(c) -> str:
    if c.gap:
        return "gap" + (f" ({c.benefits} benefits, no sources)" if c.benefits else "")
    return (f"{c.sources_total} sources ({c.sources_direct} direct, {c.sources_pooled} pooled) · "
            f"{c.benefits} benefits")


def gap_page(g, title: str = "Evidence gap matrix: benefits of partnership working") -> str:
    """The interactive HTML page as a string (every text from the data escaped, no external resource)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    rows = gap_cells(g)
    biggest = max((c.sources_total for c in rows), default=0) or 1
    cells, detail = {}, {}
    nxg = g.nx
    for c in rows:
        cid = f"{c.dimension}-{c.level}"
        text = _cell_text(c)
        cells[f"{c.dimension}/{c.level}"] = {
            "id": cid, "gap": c.gap, "sources_total": c.sources_total, "text": text,
            "aria": f"{c.dimension} / {c.level}: {text}", "tooltip": f"{c.dimension} / {c.level}\n{text}",
            "diameter": round(16 + 104 * math.sqrt(c.sources_total / biggest)),
            "colour": _mix(c.direct_share)}
        detail[cid] = {
            "heading": f"{c.dimension} / {c.level}",
            "summary": text + (f"; {c.direct_share:.0%} of sources direct" if c.sources_total else ""),
            "claims": [{"id": cl, "label": nxg.nodes["claim:" + cl]["label"],
                        "sources": [{"line": line, "members": list(m)} for line, m in claim_evidence(g, cl)]}
                       for cl in c.claims]}
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    return env.get_template("gaps.html").render(
        title=title, note=NOTE, dimensions=[d.lower() for d in DIMENSIONS], levels=[lv.lower() for lv in LEVELS],
        cells=cells, detail=detail, ramp=RAMP)


def gap_figure(g, title: str = "Evidence gap matrix: benefits of partnership working"):
    """A matplotlib ``Figure`` of the matrix (no pyplot state is touched)."""
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure

    rows = gap_cells(g)
    cmap = LinearSegmentedColormap.from_list("direct", list(RAMP))
    biggest = max((c.sources_total for c in rows), default=0) or 1
    fig = Figure(figsize=(7.5, 6.2), layout="constrained")
    ax = fig.add_subplot()
    dims = [d.lower() for d in DIMENSIONS]
    levels = [lv.lower() for lv in LEVELS]
    for c in rows:
        x, y = levels.index(c.level), len(dims) - 1 - dims.index(c.dimension)
        if c.gap:
            ax.add_patch(_hatch(x, y))
            ax.text(x, y, "gap", ha="center", va="center", color=GAP_COLOUR, fontsize=12, fontweight="bold")
            continue
        ax.scatter([x], [y], s=200 + 3800 * c.sources_total / biggest, c=[c.direct_share], cmap=cmap,
                   vmin=0, vmax=1, edgecolors="#333333", linewidths=0.8, zorder=2)
        ax.text(x, y - 0.36, f"{c.sources_total} src ({c.sources_direct} direct) · {c.benefits} ben.",
                ha="center", va="center", fontsize=7.5, zorder=3)
    ax.set_xticks(range(len(levels)), levels)
    ax.set_yticks(range(len(dims)), list(reversed(dims)))
    ax.set_xlim(-0.5, len(levels) - 0.5)
    ax.set_ylim(-0.5, len(dims) - 0.5)
    ax.set_xticks([i + 0.5 for i in range(len(levels) - 1)], minor=True)
    ax.set_yticks([i + 0.5 for i in range(len(dims) - 1)], minor=True)
    ax.grid(which="minor", color="#cccccc")
    ax.tick_params(which="minor", length=0)
    ax.set_title(title, fontsize=11)
    sm = ax.scatter([], [], c=[], cmap=cmap, vmin=0, vmax=1)
    fig.colorbar(sm, ax=ax, label="share of sources evidencing directly", shrink=0.6)
    ax.set_xlabel("level\n\nBubble area: distinct sources evidencing the cell's benefits. Hatched: gap (no evidence).",
                  fontsize=8)
    return fig


def _hatch(x: float, y: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, hatch="//", edgecolor="#bbbbbb", linewidth=0)


def render_gap_matrix(g, fmt: str, output_path: str | Path) -> Path:
    """Write the gap matrix of ``g`` as ``fmt`` (html | png | svg) to ``output_path``; return the path.

    Raises :class:`~partnergraph.core.errors.PartnergraphError` for another format.
    """
    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown gap matrix format '{fmt}'", hint="use html, png or svg")
    path = Path(output_path)
    if fmt == "html":
        write_file(path, gap_page(g).encode("utf-8"))
        return path

    fig = gap_figure(g)
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": "partnergraph", "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, dpi=150, metadata=metadata)
    write_file(path, buf.getvalue())
    return path
