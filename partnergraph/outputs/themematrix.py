"""The theme matrix as a picture: every theme (rows, by group) against every review or claim kind (columns), as
:func:`partnergraph.questions.themes.theme_gaps` counts them — a single-file HTML table that works offline, or a
PNG/SVG chart. A cell holds the theme's claims in the column and the distinct sources behind them; a row says
where only one review, or only pooled evidence, stands behind the theme.

>>> import partnergraph as pg, tempfile, os
>>> p = write_theme_matrix(pg.load(), "html", os.path.join(tempfile.mkdtemp(), "themes.html"))
>>> p.read_text(encoding="utf-8").count('<th scope="row"') == len(pg.load().themes())
True
"""

from __future__ import annotations

import html
import io
from pathlib import Path

from ..core.errors import PartnergraphError
from ..questions.themes import theme_gaps
from .exports import write_file

__all__ = ["FORMATS", "theme_matrix_figure", "theme_matrix_page", "write_theme_matrix"]

FORMATS = ("html", "png", "svg", "pdf")

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.45rem; vertical-align: top; }
thead th { background: #f2f2f2; position: sticky; top: 0; }
th[scope=row] { text-align: left; font-weight: normal; max-width: 22rem; }
tr.group th { background: #e8eef6; text-align: left; font-weight: bold; }
td.n { text-align: center; }
td.direct { background: #c6dbef; }
td.pooled { background: #f0f0f0; }
td.note { color: #a33; }
.wrap { overflow-x: auto; }
@media (max-width: 600px) { body { margin: 0.5rem; } table { font-size: 0.75rem; } }
"""


def _columns(g, cells) -> list[tuple[str, str]]:
    nxg = g.nx
    out = []
    for col in dict.fromkeys(c.column for c in cells):
        d = nxg.nodes.get("source:" + col, {})
        out.append((col, d.get("title") or d.get("label") or ""))
    return out


def theme_matrix_page(g, by: str = "review", title: str | None = None) -> str:
    """The HTML page as a string: every text from the data escaped, no script, no external resource."""
    cells = theme_gaps(g, by=by)
    esc = html.escape
    cols = _columns(g, cells)
    what = "review" if by == "review" else "claim kind"
    head = "".join(f'<th scope="col" title="{esc(title)}">{esc(col)}</th>' for col, title in cols)
    body = []
    group = None
    for theme in dict.fromkeys(c.theme for c in cells):
        mine = {c.column: c for c in cells if c.theme == theme}
        first = next(iter(mine.values()))
        if first.group != group:
            group = first.group
            body.append(f'<tr class="group"><th colspan="{len(cols) + 3}">{esc(group or "(no group)")}</th></tr>')
        tds = []
        for col, _ in cols:
            c = mine[col]
            n = c.sources_direct + c.sources_pooled
            if not c.claims and not n:
                tds.append('<td class="n"></td>')
                continue
            cls = "direct" if c.sources_direct else "pooled"
            tip = f"{c.claims} claim(s); {c.sources_direct} direct, {c.sources_pooled} only pooled source(s)"
            tds.append(f'<td class="n {cls}" title="{esc(tip)}">{c.claims} / {n}</td>')
        body.append(f'<tr><th scope="row">{esc(first.label)} <small>({esc(theme)})</small></th>{"".join(tds)}'
                    f'<td class="n">{first.theme_reviews}</td><td class="note">{esc(first.theme_note)}</td></tr>')
    title = title or f"Themes x {what}s: what the reviews say about partnership working"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>\n<h1>{esc(title)}</h1>\n"
            f"<p>A row per theme of the framework ({esc(g.nx.graph.get('theme_framework', ''))}), a column per "
            f"{what}. A cell: the theme's claims in the column / the distinct sources behind them"
            + (" (as that review cites them)" if by == "review" else "")
            + ". Blue: some source cited directly; grey: none cited directly (pooled evidence only, or none). "
            "<em>reviews</em>: how many reviews"
            " state the theme (versions of one document count once).</p>\n"
            f'<div class="wrap"><table><thead><tr><th scope="col">theme</th>{head}<th scope="col">reviews</th>'
            f'<th scope="col">note</th></tr></thead>\n<tbody>\n' + "\n".join(body) + "\n</tbody></table></div>\n"
            "</body></html>\n")


def theme_matrix_figure(g, by: str = "review", title: str | None = None):
    """A matplotlib ``Figure`` of the matrix: the shade of a cell is its number of claims (no pyplot state)."""
    from matplotlib.figure import Figure

    cells = theme_gaps(g, by=by)
    cols = [c for c, _ in _columns(g, cells)]
    themes = list(dict.fromkeys(c.theme for c in cells))
    grid = {(c.theme, c.column): c for c in cells}
    biggest = max((c.claims for c in cells), default=0) or 1
    fig = Figure(figsize=(2.2 + 0.9 * len(cols), 1.0 + 0.22 * len(themes)), layout="constrained")
    ax = fig.add_subplot()
    for y, t in enumerate(themes):
        for x, col in enumerate(cols):
            c = grid[(t, col)]
            if not c.claims:
                continue
            shade = 0.15 + 0.85 * c.claims / biggest
            colour = (1 - 0.9 * shade, 1 - 0.6 * shade, 1 - 0.2 * shade) if c.sources_direct else (0.85, 0.85, 0.85)
            ax.add_patch(_box(x, y, colour))
            ax.text(x, y, f"{c.claims}/{c.sources_direct + c.sources_pooled}", ha="center", va="center",
                    fontsize=6.5, color="white" if c.sources_direct and shade > 0.6 else "#222222")
    ax.set_xlim(-0.5, len(cols) - 0.5)
    ax.set_ylim(len(themes) - 0.5, -0.5)
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right", fontsize=7)
    ax.set_yticks(range(len(themes)), [grid[(t, cols[0])].label[:48] for t in themes], fontsize=6.5)
    ax.set_title(title or ("Themes x " + ("reviews" if by == "review" else "claim kinds")
                           + ": claims / distinct sources (grey: no source cited directly)"), fontsize=9)
    return fig


def _box(x: float, y: float, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=colour, edgecolor="white", linewidth=0.5)


def write_theme_matrix(g, fmt: str, output_path: str | Path, by: str = "review", title: str | None = None) -> Path:
    """Write the theme matrix of ``g`` as ``fmt`` (html | png | svg | pdf) to ``output_path``; return the path.

    Raises :class:`~partnergraph.core.errors.PartnergraphError` for another format, or when no theme framework
    is loaded.
    """
    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown theme matrix format '{fmt}'", hint="use html, png, svg or pdf")
    if not any(d["kind"] == "theme" for _, d in g.nx.nodes(data=True)):
        raise PartnergraphError("no theme framework is loaded", hint="give --themes FILE (or add data/themes.ttl)")
    path = Path(output_path)
    if fmt == "html":
        return write_file(path, theme_matrix_page(g, by, title).encode("utf-8"))
    import matplotlib

    fig = theme_matrix_figure(g, by, title)
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None} if fmt == "png" else {"CreationDate": None}
    with matplotlib.rc_context({"svg.hashsalt": "partnergraph", "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, dpi=200, metadata=metadata)
    return write_file(path, buf.getvalue())
