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

import json
import math
import os
import webbrowser
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import PartnergraphError
from .filters import Selection, filtered_graph
from .maplayout import grouped_layout
from .mapstyle import (
    DIMENSION_COLOURS,
    FAINT,
    KIND_COLOURS,
    KIND_SHAPES,
    LABEL_CHARS,
    OKABE_ITO,
    OTHER_CLAIM_COLOUR,
    POOL_COLOUR,
    RELATION_STYLE,
    SOURCE_COLOUR,
    STANCE_STYLE,
    THEME_COLOUR,
    cell_words,
    claim_category,
    claim_colour,
    is_contested,
    kind_words,
    legend_edges,
    legend_nodes,
    reference,
    short,
    source_name,
)
from .outfile import write_file

__all__ = [
    "DIMENSION_COLOURS",
    "FAINT",
    "GROUPINGS",
    "KIND_COLOURS",
    "KIND_SHAPES",
    "LABEL_CHARS",
    "LAYOUT_THRESHOLD",
    "LIBS",
    "MAP_KINDS",
    "NOTE",
    "OKABE_ITO",
    "OTHER_CLAIM_COLOUR",
    "POOL_COLOUR",
    "RELATION_STYLE",
    "SOURCE_COLOUR",
    "STANCE_STYLE",
    "THEME_COLOUR",
    "WEBGL_THRESHOLD",
    "MapSpec",
    "claim_colour",
    "is_contested",
    "legend_edges",
    "legend_nodes",
    "map_spec",
    "python_layout",
    "reference",
    "render_spec",
    "source_name",
    "write_map",
]

MAP_KINDS = ("claim", "source", "pool")
LAYOUT_THRESHOLD = 0
"""Above this many nodes the layout is computed in Python and physics is off. Measured (benchmarks/MAP-SIZES.md):
computing the layout in Python is faster than letting the browser settle it at every size tried (89 nodes: 1.6 s
+ 0.6 s against 2.4 s in the browser; 789 nodes: 3.0 s + 1.9 s against 20 s), so by default every map is laid
out in Python; ``--layout-threshold N`` lets the browser settle maps of up to N nodes."""
WEBGL_THRESHOLD = 2500
"""Above this many nodes the map is drawn by sigma.js on WebGL instead of vis-network on a canvas. Measured
(benchmarks/MAP-SIZES.md): one canvas redraw takes 139 ms at 1,841 nodes and 318 ms at 4,562 (sigma.js: 45 and
157 ms)."""
GROUPINGS = ("review", "kind", "theme")

NOTE = ("each node is a claim from the reviews, a cited source or a pooled evidence base; claims are grouped in "
        "clusters (by review unless the map says otherwise). A claim's shape gives its kind (circle: benefit, "
        "coloured by its quality dimension; triangle: critical success factor; inverted triangle: barrier; "
        "hexagon: driver; pentagon: finding or argument; dashed circle: another kind), each square is a cited "
        "source, each star a review, each diamond a pooled evidence base (a block of sources a review gives for "
        "a whole table). An arrow from a source to a claim is an evidence link: its colour and head give the "
        "stance, a dashed line means pooled (not claim-by-claim) evidence. Bigger nodes have more evidencing "
        "sources; labels of small nodes appear as you zoom in. Search, filter, or click a node to list its "
        "evidence; click a legend entry to hide or show it.")


@dataclass(slots=True)
class MapSpec:
    """What the page shows: node and edge dicts, the side-panel evidence per node, and the renderer options."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    evidence: dict[str, dict] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    title: str = ""
    counts: str = ""
    python_layout: bool = False
    renderer: str = "canvas"
    legend: list[dict] = field(default_factory=list)
    facets: list[dict] = field(default_factory=list)
    has_contested: bool = False
    has_themes: bool = False


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


def _claim_relations(full, claims: set[str]) -> list[tuple[str, str, dict]]:
    """Claim-to-claim relation edges among ``claims`` (edge kind ``relates``, from the challenging claim to the
    claim it bears on; ``relation``: challenges | qualifies | supports); none when the data has none."""
    return [(u, v, d) for u, v, d in full.edges(data=True)
            if d.get("kind") == "relates" and u in claims and v in claims]


def _claim_reviews(full, d: dict) -> list[str]:
    return [k for k in d["derived_from"] if "source:" + k in full]


def map_spec(g, sel: Selection | None = None, *, layout_threshold: int = LAYOUT_THRESHOLD, by: str = "review",
             webgl_threshold: int = WEBGL_THRESHOLD) -> MapSpec:
    """Build the nodes, edges, evidence lists and options of the map for the part of ``g`` that ``sel`` picks,
    clustered ``by`` review, claim kind or theme."""
    if by not in GROUPINGS:
        raise PartnergraphError(f"cannot group the map by '{by}'", hint="use --by review, kind or theme")
    sel = sel or Selection()
    full = g.nx if hasattr(g, "nx") else g
    sub = filtered_graph(g, sel, kinds=MAP_KINDS).copy()  # a graph of its own: walking a view is slow
    # a source that no shown claim cites and that is in no shown pool is left out (it would float alone)
    lonely = [n for n, d in sub.nodes(data=True) if d["kind"] == "source" and sub.degree(n) == 0]
    sub.remove_nodes_from(lonely)
    spec = MapSpec()
    themes = {}
    if by == "theme":
        themes = {n: d for n, d in full.nodes(data=True) if d.get("kind") == "theme"}
        if not themes:
            raise PartnergraphError("the data has no themes to group the map by",
                                    hint="load a themes file (data/themes.ttl or --themes FILE), or use --by review")
    n_claims = n_sources = 0
    group: dict[str, str | None] = {}
    review_names = {}
    for _, d in sub.nodes(data=True):
        if d["kind"] == "source" and d.get("review"):
            review_names[d["key"]] = source_name(d, full)
    contested_any = False
    relations = _claim_relations(full, set(sub.nodes))
    relations_to: dict[str, list] = {}
    for u, v, e in relations:
        relations_to.setdefault(v, []).append((u, v, e))
    for n, d in sub.nodes(data=True):
        kind = d["kind"]
        if kind == "claim":
            n_claims += 1
            direct, pooled = _evidencing_sources(sub, n)
            n_src = len(direct | pooled)
            cells = ", ".join(cell_words(c) for c in d["cells"])
            reviews = _claim_reviews(full, d)
            lines = [f"{kind_words(d['claim_kind']).capitalize()}"]
            if cells:
                lines.append(f"Quality category: {cells}")
            lines.append(f"Evidencing sources: {n_src} ({len(direct)} direct, {len(pooled)} through pooled bases)")
            if d["derived_from"]:
                lines.append("Taken from: " + ", ".join(source_name(full.nodes["source:" + k], full)
                                                        if "source:" + k in full else k for k in d["derived_from"])
                             + (f" ({d['where']})" if d["where"] else ""))
            contested = is_contested(full, n)
            contested_any |= contested
            if contested:
                lines.append("Contested: disputed or qualified by evidence, or challenged by another claim")
            title = "\n".join([d["label"]] + lines)
            dims = sorted({dm for cell in d["cells"] for dm in DIMENSION_COLOURS if cell.startswith(dm)})
            levels = sorted({cell[len(dm):] for cell in d["cells"] for dm in DIMENSION_COLOURS if cell.startswith(dm)})
            facets = {"kind": d["claim_kind"], "review": reviews, "direct": bool(direct), "contested": contested}
            if d.get("themes"):
                facets["theme"] = list(d["themes"])
            if d["claim_kind"] == "Benefit":
                facets["dim"] = dims
                facets["level"] = levels
            shape = KIND_SHAPES.get(d["claim_kind"], "dot")
            size = 6 + 2.2 * math.sqrt(len(pooled)) + 4 * math.sqrt(len(direct))
            spec.nodes.append({"id": n, "label": short(d["label"]), "full": d["label"], "title": title,
                               "pgShape": shape, "size": round(size, 1), "w": len(direct) * 4 + len(pooled),
                               "color": {"background": claim_colour(d), "border": "#333333"},
                               "dashedBorder": d["claim_kind"] not in KIND_SHAPES,
                               "borderWidth": 2.5 if contested else 1, "contested": contested,
                               "kind": "claim", "claim_kind": d["claim_kind"], "kindText": kind_words(d["claim_kind"]),
                               "cat": claim_category(d), "f": facets})
            if by == "review":
                group[n] = reviews[0] if reviews else ""
            elif by == "kind":
                group[n] = claim_category(d)
            else:
                ts = d.get("themes") or ()
                group[n] = "theme:" + ts[0] if ts else ""
            items = []
            for u, _, e in sorted(sub.in_edges(n, data=True), key=lambda t: (t[2].get("attribution") != "direct", t[0],
                                                                                t[2].get("evidence", ""))):
                if e["kind"] != "evidences":
                    continue
                ud = sub.nodes[u]
                name = source_name(ud, full) if ud["kind"] == "source" else f"pooled base: {ud['label'] or u}"
                citing = e["citing"] and e["citing"] != ud.get("key")
                meta = "; ".join(x for x in (
                    e["attribution"], f"at {e['locator']}" if e["locator"] else "",
                    f"cited by {review_names.get(e['citing'], e['citing'])}" if citing else "",
                    f"as cited in {e['via']}" if e["via"] else "") if x)
                n_pooled = sum(1 for _, _, k in sub.in_edges(u, keys=True) if k == "pooled_in")
                ref = reference(ud, full) if ud["kind"] == "source" else f"{n_pooled} sources pooled by the review"
                items.append({"node": u, "name": name, "ref": ref, "stance": e["stance"], "meta": meta,
                              "quote": e["quote"]})
            for u, _, e in relations_to.get(n, ()):
                who = e.get("asserted_by") or ""
                who = "the curators" if who == "curators" else review_names.get(who, who)
                items.append({"node": u, "name": full.nodes[u]["label"], "ref": "",
                              "stance": f"{e.get('relation', 'relates to')} it (claim to claim)",
                              "meta": "; ".join(x for x in (f"asserted by {who}" if who else "", e.get("where", ""),
                                                            e.get("reason", "")) if x),
                              "quote": e.get("quote", "")})
            spec.evidence[n] = {"heading": d["label"], "lines": lines, "list_title": "Evidence", "items": items}
        elif kind == "source":
            n_sources += 1
            claims = [(v, e) for _, v, e in sub.out_edges(n, data=True) if e["kind"] == "evidences"]
            pools = [v for _, v, e in sub.out_edges(n, data=True) if e["kind"] == "pooled_in"]
            n_claims_ev = len({v for v, _ in claims})
            name = source_name(d, full)
            review = d.get("review")
            lines = [x for x in (("Review (a seed document)" if review else
                                  (kind_words(d["evidence_type"]).capitalize() if d["evidence_type"] else "")),
                                 f"Cited in: {review_names.get(d['cited_in'], d['cited_in'])}" if d["cited_in"] else "",
                                 f"Evidences {n_claims_ev} claim(s) directly; in {len(pools)} pooled base(s)") if x]
            title = "\n".join([name, reference(d, full)] + lines)
            n_derived = sum(1 for _, _, e in sub.in_edges(n, data=True) if e["kind"] == "derived_from")
            size = (14 + 1.5 * math.sqrt(n_derived)) if review else 5 + 3 * math.sqrt(n_claims_ev + len(pools))
            spec.nodes.append({"id": n, "label": short(name, 30), "full": name, "title": title,
                               "pgShape": "star" if review else "square", "size": round(size, 1),
                               "w": (1000 + n_derived) if review else n_claims_ev * 2 + len(pools),
                               "color": {"background": SOURCE_COLOUR if not review else "#FFFFFF",
                                         "border": "#222222"},
                               "borderWidth": 2 if review else 1, "kind": "source",
                               "kindText": "review" if review else "source", "cat": "review" if review else "source"})
            if review:
                group[n] = d["key"] if by == "review" else None
            items = [{"node": v, "name": sub.nodes[v]["label"], "stance": e["stance"],
                      "meta": "; ".join(x for x in (e["attribution"], f"at {e['locator']}" if e["locator"] else "",
                                                    f"cited by {review_names.get(e['citing'], e['citing'])}"
                                                    if e["citing"] else "") if x),
                      "quote": e["quote"]} for v, e in sorted(claims, key=lambda t: t[0])]
            items += [{"node": p, "name": sub.nodes[p]["label"] or p, "stance": "member of",
                       "meta": "pooled evidence base", "quote": ""} for p in sorted(pools)]
            spec.evidence[n] = {"heading": name, "ref": reference(d, full), "lines": lines,
                                "list_title": "Claims it evidences", "items": items}
        else:  # pool
            members = sorted(u for u, _, e in sub.in_edges(n, data=True) if e["kind"] == "pooled_in")
            claims = [(v, e) for _, v, e in sub.out_edges(n, data=True) if e["kind"] == "evidences"]
            review = review_names.get(d["review"], d["review"])
            lines = [f"Pooled evidence base from {review}: {len(members)} source(s) for "
                     f"{len({v for v, _ in claims})} claim(s)"]
            spec.nodes.append({"id": n, "label": short(d["label"] or n, 30), "full": d["label"] or n,
                               "title": "\n".join([d["label"]] + lines), "pgShape": "diamond",
                               "size": round(8 + 2 * math.sqrt(len(members)), 1), "w": len(members),
                               "color": {"background": POOL_COLOUR, "border": POOL_COLOUR}, "kind": "pool",
                               "kindText": "pooled evidence base", "cat": "pool"})
            items = [{"node": v, "name": sub.nodes[v]["label"], "stance": e["stance"],
                      "meta": "; ".join(x for x in ("pooled", f"at {e['locator']}" if e["locator"] else "") if x),
                      "quote": e["quote"]} for v, e in sorted(claims, key=lambda t: t[0])]
            items += [{"node": m, "name": source_name(sub.nodes[m], full), "ref": reference(sub.nodes[m], full),
                       "stance": "member", "meta": "", "quote": ""} for m in members]
            spec.evidence[n] = {"heading": d["label"] or n, "lines": lines,
                                "list_title": "Claims it evidences, then its members", "items": items}
    if by == "theme":
        used: set[str] = {g for g in group.values() if g}
        for t in sorted(used):
            td = themes.get(t, {})
            members = sorted(n for n in group if group[n] == t and n.startswith("claim:"))
            label = td.get("label") or t
            spec.nodes.append({"id": t, "label": short(label, 30), "full": label,
                               "title": f"{label}\nTheme (the curators' reading): {len(members)} claim(s)",
                               "pgShape": "hexagon", "size": round(14 + 2 * math.sqrt(len(members)), 1),
                               "w": 2000 + len(members), "color": {"background": THEME_COLOUR, "border": "#7A5C00"},
                               "borderWidth": 2, "kind": "theme", "kindText": "theme", "cat": "theme"})
            group[t] = t
            spec.evidence[t] = {"heading": label, "lines": [td.get("scope_note", "") or "Theme"],
                                "list_title": "Claims in this theme",
                                "items": [{"node": m, "name": sub.nodes[m]["label"], "stance": "", "meta": "",
                                           "quote": ""} for m in members]}
        spec.has_themes = True
    else:
        spec.has_themes = any(d.get("kind") == "theme" for _, d in full.nodes(data=True))
    for i, (u, v, d) in enumerate(sub.edges(data=True)):
        kind = d["kind"]
        if kind == "evidences":
            colour, head = STANCE_STYLE.get(d["stance"], (OKABE_ITO["grey"], "arrow"))
            pooled = d["attribution"] == "pooled"
            title = f"{d['stance']} ({d['attribution']})" + (f", {d['locator']}" if d["locator"] else "")
            spec.edges.append({"id": f"e{i}", "from": u, "to": v, "title": title, "kind": kind,
                               "attribution": d["attribution"],
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
    base_i = len(spec.edges) + sub.number_of_edges()
    for j, (u, v, d) in enumerate(relations):
        rk = d.get("relation", "supports")
        colour, head, dash = RELATION_STYLE.get(rk, RELATION_STYLE["supports"])
        via_set = bool(d.get("via_set"))
        spec.edges.append({"id": f"r{base_i + j}", "from": u, "to": v, "kind": "relates_set" if via_set else "relates",
                           "relation_kind": rk,
                           "title": f"{rk} (claim to claim" + (", through the whole table)" if via_set else ")"),
                           "color": {"color": colour, "highlight": colour, "opacity": 0.6 if via_set else 1},
                           "width": 1 if via_set else 2, "dashes": dash, "hidden": via_set,
                           "arrows": {"to": {"enabled": True, "type": head, "scaleFactor": 0.7}}})
    if by == "theme":
        for n, t in list(group.items()):
            if n.startswith("claim:") and t:
                spec.edges.append({"id": f"t{len(spec.edges)}", "from": n, "to": t, "kind": "in_theme",
                                   "title": "in this theme", "color": {"color": "#C9A227", "opacity": 0.5},
                                   "width": 0.8})
    n = len(spec.nodes)
    spec.has_contested = contested_any
    spec.title = f"Evidence map: {sel.describe()}" + ("" if by == "review" else f", grouped by {by}")
    spec.counts = (f"{n_claims} claims, {n_sources} sources, "
                   f"{sum(1 for x in spec.nodes if x['kind'] == 'pool')} pooled bases, "
                   f"{sum(e['kind'] == 'evidences' for e in spec.edges)} evidence links"
                   + (f", {sum(e['kind'] in ('relates', 'relates_set') for e in spec.edges)} claim-to-claim links"
                      if relations else ""))
    spec.legend = legend_nodes(spec.nodes)
    spec.facets = _facets(spec.nodes, review_names,
                          {n.split(":", 1)[1]: d.get("label") or n for n, d in full.nodes(data=True)
                           if d.get("kind") == "theme"})
    base = {"interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 300},
            "edges": {"smooth": False}, "nodes": {"font": {"size": 11, "face": "system-ui, sans-serif"}}}
    if n > layout_threshold or n > webgl_threshold:
        spec.python_layout = True
        radius = {x["id"]: x["size"] for x in spec.nodes}
        pos = python_layout(sub, radius=radius, group={k: v for k, v in group.items() if v},
                            hubs=tuple(x["id"] for x in spec.nodes if x["kind"] == "theme"))
        for node in spec.nodes:
            node["x"], node["y"] = pos[node["id"]]
        base["physics"] = {"enabled": False}
        base["layout"] = {"improvedLayout": False}
    else:
        base["physics"] = {"enabled": True, "solver": "forceAtlas2Based",
                           "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 80,
                                                "avoidOverlap": 0.2},
                           "stabilization": {"enabled": True, "iterations": 300, "updateInterval": 50,
                                             "fit": True}}
        base["layout"] = {"improvedLayout": False, "randomSeed": 7}
    spec.renderer = "webgl" if n > webgl_threshold else "canvas"
    spec.options = base
    return spec


def _facets(nodes: list[dict], review_names: dict[str, str], theme_names: dict[str, str]) -> list[dict]:
    """The filter boxes the page offers: claim kinds, the Es and levels of benefits, the reviews."""
    kinds = Counter(x["claim_kind"] for x in nodes if x["kind"] == "claim")
    dims = Counter(v for x in nodes if x["kind"] == "claim" for v in x["f"].get("dim", ()))
    levels = Counter(v for x in nodes if x["kind"] == "claim" for v in x["f"].get("level", ()))
    reviews = Counter(v for x in nodes if x["kind"] == "claim" for v in x["f"]["review"])
    out = [{"key": "kind", "label": "Claim kind",
            "options": [{"value": k, "text": f"{kind_words(k)} ({c})"} for k, c in sorted(kinds.items())]}]
    if dims:
        out.append({"key": "dim", "label": "Benefits: quality dimension (E)",
                    "options": [{"value": d, "text": d.lower()} for d in DIMENSION_COLOURS if d in dims]})
    if levels:
        out.append({"key": "level", "label": "Benefits: level",
                    "options": [{"value": lv, "text": lv.lower()} for lv in ("Input", "Output", "Outcome")
                                if lv in levels]})
    themes = Counter(v for x in nodes if x["kind"] == "claim" for v in x["f"].get("theme", ()))
    if themes:
        out.append({"key": "theme", "label": "Theme (the curators' reading)",
                    "options": [{"value": t, "text": f"{theme_names.get(t, t)} ({c})"}
                                for t, c in sorted(themes.items())]})
    if reviews:
        out.append({"key": "review", "label": "Review the claim is taken from",
                    "options": [{"value": r, "text": f"{review_names.get(r, r)} ({c})"}
                                for r, c in sorted(reviews.items())]})
    return out


def python_layout(sub, scale: float = 30.0, *, seed: int = 7, radius: dict | None = None,
                  group: dict | None = None, hubs: tuple[str, ...] = ()) -> dict[str, tuple[float, float]]:
    """Positions for the map computed in Python: clustered by ``group`` (see :mod:`partnergraph.maplayout`);
    no pair of nodes overlaps. Same graph → same positions."""
    nodes = list(sub.nodes)
    # a relation drawn to every claim of a whole table would pull the table together: left out of the layout
    edges = [(u, v) for u, v, d in sub.edges(data=True) if u != v and not d.get("via_set")]
    for hub in hubs:  # theme hubs: drawn nodes that are not in the graph, joined to their claims
        nodes.append(hub)
        edges += [(n, hub) for n, t in (group or {}).items() if t == hub and n in sub]
    return grouped_layout(nodes, edges, radius or {}, group or {}, seed=seed)


LIBS = {"sigma": ("sigma-3.0.3", "sigma.min.js"), "graphology": ("graphology-0.26.0", "graphology.umd.min.js")}


def _lib(name: str) -> tuple[str, str, str]:
    """(script text made safe to inline in a <script> element, version, licence text) of a vendored library."""
    folder, file = LIBS[name]
    here = Path(__file__).parent / "templates" / "lib" / folder
    text = (here / file).read_text(encoding="utf-8").replace("</", "<\\/")
    return text, folder.rsplit("-", 1)[1], (here / "LICENSE.txt").read_text(encoding="utf-8")


def render_spec(spec: MapSpec) -> str:
    """The page as a string: vis-network on a canvas (pyvis's copy, inlined), or above the WebGL threshold
    sigma.js on WebGL (vendored, inlined); the same panel, search, filters and legend either way."""
    page = {"title": spec.title, "note": NOTE, "counts": spec.counts, "evidence": spec.evidence,
            "legend_nodes": spec.legend or legend_nodes(), "legend_edges": legend_edges(spec.edges),
            "legend_toggles": bool(spec.legend), "facets": spec.facets, "has_contested": spec.has_contested,
            "has_themes": spec.has_themes, "n_nodes": f"{len(spec.nodes):,}"}
    if spec.renderer == "webgl":
        env = _template_env()
        libs = {}
        for name in LIBS:
            libs[name], libs[name + "_version"], libs[name + "_licence"] = _lib(name)
        return env.get_template("map-webgl.html").render(
            page={**page, "libs": libs}, nodes=spec.nodes, edges=spec.edges, options=json.dumps(spec.options))
    from pyvis.network import Network

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.nodes = spec.nodes
    net.edges = spec.edges
    net.node_ids = [n["id"] for n in spec.nodes]
    net.options = spec.options
    net.templateEnv = _template_env()
    net.path = "map.html"
    net.templateEnv.globals["page"] = page
    return net.generate_html()


def _template_env():
    import pyvis
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

    here = Path(__file__).parent / "templates"
    pyvis_templates = Path(os.path.dirname(pyvis.__file__)) / "templates"
    return Environment(loader=ChoiceLoader([FileSystemLoader(str(here)), FileSystemLoader(str(pyvis_templates))]),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def write_map(g, output: str | Path = "evidence-map.html", sel: Selection | None = None, *,
              layout_threshold: int = LAYOUT_THRESHOLD, open_browser: bool = False, by: str = "review",
              webgl_threshold: int = WEBGL_THRESHOLD) -> Path:
    """Write the evidence map of ``g`` (filtered by ``sel``) to ``output`` as UTF-8; return its path.

    >>> import partnergraph as pg, tempfile, os
    >>> p = write_map(pg.load(), os.path.join(tempfile.mkdtemp(), "m.html"), Selection(kinds=("Barrier",)))
    >>> "cdnjs" in p.read_text(encoding="utf-8")
    False
    """
    spec = map_spec(g, sel, layout_threshold=layout_threshold, by=by, webgl_threshold=webgl_threshold)
    html = render_spec(spec)
    path = Path(output)
    write_file(path, html.encode("utf-8"))
    if open_browser:
        webbrowser.open(path.resolve().as_uri())
    return path
