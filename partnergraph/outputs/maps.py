"""The evidence map: one offline HTML file (pyvis / vis-network) of claims, the sources evidencing them and
the pooled evidence bases.

Nodes: claims coloured by kind (benefits by their E: economy, efficiency, effectiveness, equity), sources as
squares (reviews as stars), pooled bases as diamonds; a node's size grows with the number of sources
evidencing it (a source's with the number of claims it evidences). Edges: stance by colour (Okabe–Ito,
colour-blind safe) *and* by arrow head (supports → arrow, disputes → bar, qualifies → circle); pooled evidence
dashed and thinner than direct. Clicking a node lists its evidence in the side panel.

The page carries every script and style inline (vis-network from the copy pyvis ships), loads nothing from
the network, and escapes every text from the data (tooltips are plain text; the side panel is built with
``textContent``).

>>> import partnergraph as pg
>>> spec = map_spec(pg.load(), Selection(kinds=("Benefit",)))
>>> {n["id"].split(":")[0] for n in spec.nodes} <= {"claim", "source", "pool"}
True
"""

from __future__ import annotations

import math
import os
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

from .exports import write_file
from .filters import Selection, filtered_graph

__all__ = [
    "DIMENSION_COLOURS",
    "FAINT",
    "KIND_COLOURS",
    "LABEL_CHARS",
    "LAYOUT_THRESHOLD",
    "MAP_KINDS",
    "NOTE",
    "OKABE_ITO",
    "OTHER_CLAIM_COLOUR",
    "POOL_COLOUR",
    "SOURCE_COLOUR",
    "STANCE_STYLE",
    "MapSpec",
    "claim_colour",
    "legend_edges",
    "legend_nodes",
    "map_spec",
    "python_layout",
    "render_spec",
    "source_name",
    "write_map",
]

# Okabe & Ito (2008) colour-blind-safe palette
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
             "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000", "grey": "#999999"}
DIMENSION_COLOURS = {"Economy": OKABE_ITO["orange"], "Efficiency": OKABE_ITO["sky"],
                     "Effectiveness": OKABE_ITO["green"], "Equity": OKABE_ITO["purple"]}
KIND_COLOURS = {"Barrier": OKABE_ITO["vermillion"], "CriticalSuccessFactor": OKABE_ITO["blue"],
                "Driver": OKABE_ITO["yellow"]}
OTHER_CLAIM_COLOUR = "#D9D9D9"
SOURCE_COLOUR = "#555555"
POOL_COLOUR = OKABE_ITO["black"]
STANCE_STYLE = {"supports": (OKABE_ITO["blue"], "arrow"), "disputes": (OKABE_ITO["vermillion"], "bar"),
                "qualifies": (OKABE_ITO["orange"], "circle")}
FAINT = "#BBBBBB"
MAP_KINDS = ("claim", "source", "pool")
LAYOUT_THRESHOLD = 1000
"""Above this many nodes the layout is computed in Python and physics is off (see docs/reviewers.md)."""
LABEL_CHARS = 36

NOTE = ("each circle is a claim from the reviews, coloured by its kind (benefits by their quality dimension); "
        "each square is a cited source, each star a review, each diamond a pooled evidence base (a block of "
        "sources a review gives for a whole table). An arrow from a source to a claim is an evidence link: its "
        "colour and head give the stance, a dashed line means pooled (not claim-by-claim) evidence. Bigger "
        "nodes have more evidencing sources. Grey lines join a claim to the review it is taken from. Hover for "
        "details, click a node to list its evidence, scroll to zoom, drag to move.")


@dataclass(slots=True)
class MapSpec:
    """What the page shows: vis node and edge dicts, the side-panel evidence per node, and the vis options."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    evidence: dict[str, dict] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    title: str = ""
    counts: str = ""
    python_layout: bool = False


def _short(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _cell_words(cell: str) -> str:
    for d in DIMENSION_COLOURS:
        if cell.startswith(d):
            return f"{d.lower()} / {cell[len(d):].lower()}"
    return cell


def source_name(d: dict) -> str:
    """A source's short citation (``Gray 1989``), else its key."""
    return d.get("label") or d.get("key", "")


def claim_colour(d: dict) -> str:
    """Fill colour of a claim node: its E for benefits, its kind otherwise."""
    if d["claim_kind"] == "Benefit" and d["cells"]:
        for dim, colour in DIMENSION_COLOURS.items():
            if d["cells"][0].startswith(dim):
                return colour
    return KIND_COLOURS.get(d["claim_kind"], OTHER_CLAIM_COLOUR)


def _evidencing_sources(nxg, claim: str) -> tuple[set[str], set[str]]:
    """(direct sources, sources through pooled bases) evidencing ``claim`` in ``nxg``."""
    direct, pooled = set(), set()
    for u, _, d in nxg.in_edges(claim, data=True):
        if d["kind"] != "evidences":
            continue
        if nxg.nodes[u]["kind"] == "pool":
            pooled |= {s for s, _, dd in nxg.in_edges(u, data=True) if dd["kind"] == "pooled_in"}
        else:
            direct.add(u)
    return direct, pooled


def map_spec(g, sel: Selection | None = None, *, layout_threshold: int = LAYOUT_THRESHOLD) -> MapSpec:
    """Build the nodes, edges, evidence lists and options of the map for the part of ``g`` that ``sel`` picks."""
    sel = sel or Selection()
    full = g.nx if hasattr(g, "nx") else g
    sub = filtered_graph(g, sel, kinds=MAP_KINDS)
    spec = MapSpec()
    n_claims = n_sources = 0
    for n, d in sub.nodes(data=True):
        kind = d["kind"]
        if kind == "claim":
            n_claims += 1
            direct, pooled = _evidencing_sources(sub, n)
            n_src = len(direct | pooled)
            cells = ", ".join(_cell_words(c) for c in d["cells"])
            lines = [f"{d['claim_kind']} · {n.split(':', 1)[1]}"]
            if cells:
                lines.append(f"Quality category: {cells}")
            lines.append(f"Evidencing sources: {n_src} ({len(direct)} direct, {len(pooled)} through pooled bases)")
            if d["derived_from"]:
                lines.append("Taken from: " + ", ".join(source_name(full.nodes["source:" + k]) if "source:" + k in full
                                                        else k for k in d["derived_from"])
                             + (f" ({d['where']})" if d["where"] else ""))
            title = "\n".join([d["label"]] + lines)
            spec.nodes.append({"id": n, "label": _short(d["label"]), "title": title, "shape": "dot",
                               "size": 8 + 5 * math.sqrt(n_src),
                               "color": {"background": claim_colour(d), "border": "#333333"},
                               "borderWidth": 1, "kind": "claim", "claim_kind": d["claim_kind"]})
            items = []
            for u, _, e in sorted(sub.in_edges(n, data=True), key=lambda t: (t[0], t[2].get("evidence", ""))):
                if e["kind"] != "evidences":
                    continue
                ud = sub.nodes[u]
                name = source_name(ud) if ud["kind"] == "source" else f"pooled base: {ud['label'] or u}"
                meta = "; ".join(x for x in (
                    e["attribution"], f"at {e['locator']}" if e["locator"] else "",
                    f"cited by {e['citing']}" if e["citing"] and e["citing"] != ud.get("key") else "",
                    f"as cited in {e['via']}" if e["via"] else "") if x)
                items.append({"node": u, "name": name, "stance": e["stance"], "meta": meta, "quote": e["quote"]})
            spec.evidence[n] = {"heading": d["label"], "lines": lines, "list_title": "Evidence", "items": items}
        elif kind == "source":
            n_sources += 1
            claims = [(v, e) for _, v, e in sub.out_edges(n, data=True) if e["kind"] == "evidences"]
            pools = [v for _, v, e in sub.out_edges(n, data=True) if e["kind"] == "pooled_in"]
            n_claims_ev = len({v for v, _ in claims})
            name = source_name(d)
            lines = [x for x in (d["title"], f"{d['entry_type']} · {d['key']} · {d['status']}",
                                 f"Evidence type: {d['evidence_type']}" if d["evidence_type"] else "",
                                 f"Cited in: {d['cited_in']}" if d["cited_in"] else "",
                                 f"Evidences {n_claims_ev} claim(s) directly; in {len(pools)} pooled base(s)") if x]
            title = "\n".join([name] + lines)
            review = d.get("review")
            spec.nodes.append({"id": n, "label": _short(name, 24), "title": title,
                               "shape": "star" if review else "square",
                               "size": (14 + 1.5 * math.sqrt(sum(1 for _, _, e in sub.in_edges(n, data=True)
                                                                  if e["kind"] == "derived_from")))
                               if review else 7 + 4 * math.sqrt(n_claims_ev + len(pools)),
                               "color": {"background": SOURCE_COLOUR if not review else "#FFFFFF",
                                         "border": "#222222"},
                               "borderWidth": 2 if review else 1, "kind": "source"})
            items = [{"node": v, "name": sub.nodes[v]["label"], "stance": e["stance"],
                      "meta": "; ".join(x for x in (e["attribution"], f"at {e['locator']}" if e["locator"] else "",
                                                    f"cited by {e['citing']}" if e["citing"] else "") if x),
                      "quote": e["quote"]} for v, e in sorted(claims, key=lambda t: t[0])]
            items += [{"node": p, "name": sub.nodes[p]["label"] or p, "stance": "member of",
                       "meta": "pooled evidence base", "quote": ""} for p in sorted(pools)]
            spec.evidence[n] = {"heading": name, "lines": lines, "list_title": "Claims it evidences",
                                "items": items}
        else:  # pool
            members = sorted(u for u, _, e in sub.in_edges(n, data=True) if e["kind"] == "pooled_in")
            claims = [(v, e) for _, v, e in sub.out_edges(n, data=True) if e["kind"] == "evidences"]
            lines = [f"Pooled evidence base from {d['review']}: {len(members)} source(s) for "
                     f"{len({v for v, _ in claims})} claim(s)",
                     "Members: " + "; ".join(source_name(sub.nodes[m]) for m in members)]
            spec.nodes.append({"id": n, "label": _short(d["label"] or n, 24), "title": "\n".join([d["label"]] + lines),
                               "shape": "diamond", "size": 10 + 3 * math.sqrt(len(members)),
                               "color": {"background": POOL_COLOUR, "border": POOL_COLOUR}, "kind": "pool"})
            items = [{"node": v, "name": sub.nodes[v]["label"], "stance": e["stance"],
                      "meta": "; ".join(x for x in ("pooled", f"at {e['locator']}" if e["locator"] else "") if x),
                      "quote": e["quote"]} for v, e in sorted(claims, key=lambda t: t[0])]
            spec.evidence[n] = {"heading": d["label"] or n, "lines": lines, "list_title": "Claims it evidences",
                                "items": items}
    for i, (u, v, d) in enumerate(sub.edges(data=True)):
        kind = d["kind"]
        if kind == "evidences":
            colour, head = STANCE_STYLE.get(d["stance"], (OKABE_ITO["grey"], "arrow"))
            pooled = d["attribution"] == "pooled"
            title = f"{d['stance']} ({d['attribution']})" + (f", {d['locator']}" if d["locator"] else "")
            spec.edges.append({"id": f"e{i}", "from": u, "to": v, "title": title, "kind": kind,
                               "color": {"color": colour, "highlight": colour, "opacity": 0.9},
                               "width": 1 if pooled else 2.2, "dashes": [6, 5] if pooled else False,
                               "arrows": {"to": {"enabled": True, "type": head, "scaleFactor": 0.6}}})
        elif kind == "pooled_in":
            spec.edges.append({"id": f"e{i}", "from": u, "to": v, "title": "member of the pooled base",
                               "kind": kind, "color": {"color": "#444444", "opacity": 0.5}, "width": 0.6,
                               "dashes": [2, 4]})
        elif kind == "derived_from":
            spec.edges.append({"id": f"e{i}", "from": u, "to": v, "title": "taken from this review",
                               "kind": kind, "color": {"color": FAINT, "opacity": 0.35}, "width": 0.5})
    n = len(spec.nodes)
    spec.title = f"Evidence map: {sel.describe()}"
    spec.counts = (f"{n_claims} claims, {n_sources} sources, {n - n_claims - n_sources} pooled bases, "
                   f"{sum(e['kind'] == 'evidences' for e in spec.edges)} evidence links")
    base = {"interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 300},
            "edges": {"smooth": False},
            "nodes": {"font": {"size": 11, "face": "system-ui, sans-serif"}}}
    if n > layout_threshold:
        spec.python_layout = True
        pos = python_layout(sub)
        for node in spec.nodes:
            x, y = pos[node["id"]]
            node["x"], node["y"] = x, y
        base["physics"] = {"enabled": False}
        base["layout"] = {"improvedLayout": False}
    else:
        base["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                           "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 80,
                                                "avoidOverlap": 0.2},
                           "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50,
                                             "fit": True}}
        base["layout"] = {"improvedLayout": False, "randomSeed": 7}
    spec.options = base
    return spec


def python_layout(sub, scale: float = 30.0, *, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Positions for a large graph, computed in Python: a vectorised Fruchterman–Reingold per connected
    component (numpy, row blocks; networkx's own layouts take minutes above a few thousand nodes), components
    packed in rows, biggest first. Same graph → same positions."""
    import networkx as nx
    import numpy as np

    und = nx.Graph()
    und.add_nodes_from(sorted(sub.nodes))
    und.add_edges_from((u, v) for u, v in sub.edges() if u != v)
    comps = sorted((sorted(c) for c in nx.connected_components(und)), key=lambda c: (-len(c), c[0]))
    rng = np.random.default_rng(seed)
    placed: dict[str, tuple[float, float]] = {}
    x0 = y0 = row_h = 0.0
    row_w = scale * math.sqrt(und.number_of_nodes()) * 4.0
    for comp in comps:
        index = {n: i for i, n in enumerate(comp)}
        edges = np.array([(index[u], index[v]) for u, v in und.subgraph(comp).edges()], dtype=np.int64)
        pos = _fruchterman_reingold(len(comp), edges.reshape(-1, 2), rng)
        pos -= pos.min(axis=0)
        extent = float(pos.max()) or 1.0
        size = scale * math.sqrt(len(comp)) * 3.0
        pos = pos / extent * size
        if x0 > 0 and x0 + size > row_w:
            x0, y0, row_h = 0.0, y0 + row_h + scale * 2, 0.0
        for n, (x, y) in zip(comp, pos, strict=True):
            placed[n] = (round(float(x + x0), 1), round(float(y + y0), 1))
        x0 += size + scale * 2
        row_h = max(row_h, size)
    return placed


def _fruchterman_reingold(n: int, edges, rng, iterations: int = 60):
    import numpy as np

    pos = rng.random((n, 2), dtype=np.float32)
    if n == 1:
        return pos
    k = math.sqrt(1.0 / n)
    t = 0.1
    dt = t / (iterations + 1)
    block = max(1, 2_000_000 // n)
    for _ in range(iterations):
        disp = np.zeros((n, 2), dtype=np.float32)
        x, y = pos[:, 0], pos[:, 1]
        for s in range(0, n, block):
            dx = x[s:s + block, None] - x[None, :]
            dy = y[s:s + block, None] - y[None, :]
            w = dx * dx
            w += dy * dy
            np.maximum(w, 1e-6, out=w)
            np.divide(k * k, w, out=w)
            disp[s:s + block, 0] = (dx * w).sum(axis=1)
            disp[s:s + block, 1] = (dy * w).sum(axis=1)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.sqrt((delta ** 2).sum(-1))[:, None]
            f = (delta * dist / k).astype(np.float32)
            np.add.at(disp, edges[:, 0], -f)
            np.add.at(disp, edges[:, 1], f)
        length = np.maximum(np.sqrt((disp ** 2).sum(-1)), 1e-9)[:, None]
        pos += disp / length * np.minimum(length, t)
        t -= dt
    return pos


def render_spec(spec: MapSpec) -> str:
    """The page as a string (pyvis ``generate_html`` on our template, vis-network inlined)."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.nodes = spec.nodes
    net.edges = spec.edges
    net.node_ids = [n["id"] for n in spec.nodes]
    net.options = spec.options
    net.templateEnv = _template_env()
    net.path = "map.html"
    net.templateEnv.globals["page"] = {
        "title": spec.title, "note": NOTE, "counts": spec.counts, "evidence": spec.evidence,
        "legend_nodes": legend_nodes(), "legend_edges": legend_edges()}
    return net.generate_html()


def _template_env():
    import pyvis
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

    here = Path(__file__).parent / "templates"
    pyvis_templates = Path(os.path.dirname(pyvis.__file__)) / "templates"
    return Environment(loader=ChoiceLoader([FileSystemLoader(str(here)), FileSystemLoader(str(pyvis_templates))]),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def legend_nodes() -> list[dict]:
    """Legend rows for node colours and shapes."""
    rows = [{"shape": "dot", "color": c, "text": f"benefit: {d.lower()}"} for d, c in DIMENSION_COLOURS.items()]
    rows += [{"shape": "dot", "color": KIND_COLOURS["Barrier"], "text": "barrier"},
             {"shape": "dot", "color": KIND_COLOURS["CriticalSuccessFactor"], "text": "critical success factor"},
             {"shape": "dot", "color": KIND_COLOURS["Driver"], "text": "driver"},
             {"shape": "dot", "color": OTHER_CLAIM_COLOUR, "text": "other claim (principle, stage, definition …)"},
             {"shape": "square", "color": SOURCE_COLOUR, "text": "cited source"},
             {"shape": "star", "color": "#222222", "text": "review (a seed document)"},
             {"shape": "diamond", "color": POOL_COLOUR, "text": "pooled evidence base"}]
    return rows


def legend_edges() -> list[dict]:
    """Legend rows for edge styles: stance by colour and head, attribution by dash and width."""
    rows = [{"color": c, "head": h, "width": 2.2, "dash": "", "text": f"{s} (direct)"}
            for s, (c, h) in STANCE_STYLE.items()]
    rows += [{"color": STANCE_STYLE["supports"][0], "head": "arrow", "width": 1.2, "dash": "6 5",
              "text": "supports (pooled: dashed, thinner)"},
             {"color": "#444444", "head": "", "width": 1, "dash": "2 4", "text": "source is a member of a pooled base"},
             {"color": FAINT, "head": "", "width": 1, "dash": "", "text": "claim is taken from this review"}]
    return rows


def write_map(g, output: str | Path = "evidence-map.html", sel: Selection | None = None, *,
              layout_threshold: int = LAYOUT_THRESHOLD, open_browser: bool = False) -> Path:
    """Write the evidence map of ``g`` (filtered by ``sel``) to ``output`` as UTF-8; return its path.

    >>> import partnergraph as pg, tempfile, os
    >>> p = write_map(pg.load(), os.path.join(tempfile.mkdtemp(), "m.html"), Selection(kinds=("Barrier",)))
    >>> "cdnjs" in p.read_text(encoding="utf-8")
    False
    """
    spec = map_spec(g, sel, layout_threshold=layout_threshold)
    html = render_spec(spec)
    path = Path(output)
    write_file(path, html.encode("utf-8"))
    if open_browser:
        webbrowser.open(path.resolve().as_uri())
    return path
