"""How the pictures look and name things: the colour-blind-safe palette, a shape per claim kind, the legend
rows, and the words for sources, references and cells that the map, the gap matrix and the report share.

>>> source_name({"label": "ref. 56 of wildridgereview", "title": "", "year": ""})
'reference 56 in wildridgereview'
>>> kind_words("CriticalSuccessFactor")
'critical success factor'
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["DIMENSION_COLOURS", "FAINT", "KIND_COLOURS", "KIND_SHAPES", "LABEL_CHARS", "LEGEND", "OKABE_ITO",
           "OTHER_CLAIM_COLOUR", "POOL_COLOUR", "RELATION_STYLE", "SOURCE_COLOUR", "STANCE_STYLE", "THEME_COLOUR",
           "cell_words", "claim_category", "claim_colour", "is_contested", "kind_words", "legend_edges",
           "legend_nodes", "reference", "short", "source_name"]

LABEL_CHARS = 42

# Okabe & Ito (2008) colour-blind-safe palette
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
             "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000", "grey": "#999999"}
DIMENSION_COLOURS = {"Economy": OKABE_ITO["orange"], "Efficiency": OKABE_ITO["sky"],
                     "Effectiveness": OKABE_ITO["green"], "Equity": OKABE_ITO["purple"]}
KIND_COLOURS = {"Barrier": OKABE_ITO["vermillion"], "CriticalSuccessFactor": OKABE_ITO["blue"],
                "Driver": OKABE_ITO["yellow"], "Finding": "#FFFFFF", "Argument": "#FFFFFF"}
KIND_SHAPES = {"Benefit": "dot", "Barrier": "triangleDown", "CriticalSuccessFactor": "triangle", "Driver": "hexagon",
               "Finding": "pentagon", "Argument": "pentagon"}
"""Claim kinds differ by shape as well as by colour (colour is never the only cue)."""
OTHER_CLAIM_COLOUR = "#D9D9D9"
SOURCE_COLOUR = "#555555"
POOL_COLOUR = OKABE_ITO["black"]
THEME_COLOUR = "#FFF3C4"
STANCE_STYLE = {"supports": (OKABE_ITO["blue"], "arrow"), "disputes": (OKABE_ITO["vermillion"], "bar"),
                "qualifies": (OKABE_ITO["orange"], "circle")}
RELATION_STYLE = {"challenges": (OKABE_ITO["vermillion"], "bar", [10, 4, 2, 4]),
                  "qualifies": (OKABE_ITO["orange"], "circle", [10, 4, 2, 4]),
                  "supports": (OKABE_ITO["green"], "arrow", [10, 4, 2, 4])}
"""Claim-to-claim relations: dash-dot lines (evidence links are solid or dashed), head by kind."""
FAINT = "#BBBBBB"
def short(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def cell_words(cell: str) -> str:
    for d in DIMENSION_COLOURS:
        if cell.startswith(d):
            return f"{d.lower()} / {cell[len(d):].lower()}"
    return cell


def kind_words(kind: str) -> str:
    """``CriticalSuccessFactor`` → ``critical success factor``."""
    return re.sub(r"(?<!^)([A-Z])", r" \1", kind).lower()


_REF = re.compile(r"^ref\.\s*(\d+)(?:\s+of\s+(\S+))?$")


def source_name(d: dict, full=None) -> str:
    """A source's short citation in words (``Gray 1989``; a work known only as a review's numbered
    reference: its title and year, else ``reference 56 in Wildridge et al.``), else its key."""
    label = d.get("label") or d.get("key", "")
    m = _REF.match(label)
    if not m:
        return label
    if d.get("title"):
        return short(d["title"], 48) + (f" ({d['year']})" if d.get("year") else "")
    review = m.group(2) or d.get("cited_in") or ""
    if full is not None and review and "source:" + review in full:
        review = full.nodes["source:" + review].get("label") or review
    return f"reference {m.group(1)}" + (f" in {review}" if review else "")


def reference(d: dict, full=None) -> str:
    """A source's full reference as the data has it: authors (year) title; what is not known says so."""
    authors = "; ".join(d.get("authors") or ())
    year = d.get("year") or "n.d."
    title = d.get("title") or "title not recorded"
    head = f"{authors} ({year})" if authors else f"{source_name(d, full)} ({year})"
    tail = ""
    if d.get("ref_number") or d.get("cited_in"):
        review = d.get("cited_in") or ""
        if full is not None and review and "source:" + review in full:
            review = full.nodes["source:" + review].get("label") or review
        tail = " Known as " + (f"reference {d['ref_number']}" if d.get("ref_number") else "a citation") + \
               (f" in {review}" if review else "") + "."
    status = "" if d.get("status") in ("complete", "") else " (entry incomplete)"
    return f"{head} {title}.{tail}{status}"


def claim_colour(d: dict) -> str:
    """Fill colour of a claim node: its E for benefits, its kind otherwise."""
    if d["claim_kind"] == "Benefit" and d["cells"]:
        for dim, colour in DIMENSION_COLOURS.items():
            if d["cells"][0].startswith(dim):
                return colour
    return KIND_COLOURS.get(d["claim_kind"], OTHER_CLAIM_COLOUR)


def claim_category(d: dict) -> str:
    """The legend entry a claim belongs to (benefits by their first E)."""
    if d["claim_kind"] == "Benefit":
        for dim in DIMENSION_COLOURS:
            if d["cells"] and d["cells"][0].startswith(dim):
                return "benefit:" + dim.lower()
        return "benefit:none"
    if d["claim_kind"] in KIND_SHAPES:
        return "claim:" + ("finding" if d["claim_kind"] in ("Finding", "Argument") else d["claim_kind"])
    return "claim:other"


def is_contested(full, claim: str) -> bool:
    """Whether a claim has disputing or qualifying evidence, or is challenged or qualified by another claim
    (the graph's ``contested`` attribute where it has one)."""
    d = full.nodes[claim]
    if d.get("contested") is not None:
        return bool(d["contested"])
    for _, _, e in full.in_edges(claim, data=True):
        if e.get("kind") == "evidences" and e.get("stance") in ("disputes", "qualifies"):
            return True
        if e.get("kind") == "relates" and e.get("relation") in ("challenges", "qualifies"):
            return True
    return False


LEGEND = (("benefit:economy", "dot", DIMENSION_COLOURS["Economy"], "benefit: economy"),
          ("benefit:efficiency", "dot", DIMENSION_COLOURS["Efficiency"], "benefit: efficiency"),
          ("benefit:effectiveness", "dot", DIMENSION_COLOURS["Effectiveness"], "benefit: effectiveness"),
          ("benefit:equity", "dot", DIMENSION_COLOURS["Equity"], "benefit: equity"),
          ("benefit:none", "dot", OTHER_CLAIM_COLOUR, "benefit without a quality category"),
          ("claim:Barrier", "triangleDown", KIND_COLOURS["Barrier"], "barrier"),
          ("claim:CriticalSuccessFactor", "triangle", KIND_COLOURS["CriticalSuccessFactor"], "critical success factor"),
          ("claim:Driver", "hexagon", KIND_COLOURS["Driver"], "driver"),
          ("claim:finding", "pentagon", KIND_COLOURS["Finding"], "finding or argument"),
          ("claim:other", "dot", OTHER_CLAIM_COLOUR, "other claim (principle, stage, definition …; dashed outline)"),
          ("theme", "hexagon", THEME_COLOUR, "theme (the curators' coding framework)"),
          ("source", "square", SOURCE_COLOUR, "cited source"),
          ("review", "star", "#FFFFFF", "review (a seed document)"),
          ("pool", "diamond", POOL_COLOUR, "pooled evidence base"))


def legend_nodes(nodes: list[dict] | None = None) -> list[dict]:
    """Legend rows for node colours and shapes; given the map's nodes, only the entries present, each with
    its count and the category it toggles."""
    counts = Counter(n.get("cat") for n in nodes) if nodes is not None else None
    rows = []
    for cat, shape, colour, text in LEGEND:
        if counts is not None and not counts.get(cat):
            continue
        row = {"shape": shape, "color": colour, "text": text, "dashed": cat == "claim:other"}
        if counts is not None:
            row.update(cat=cat, count=counts[cat])
        rows.append(row)
    return rows


def legend_edges(edges: list[dict] | None = None) -> list[dict]:
    """Legend rows for edge styles: stance by colour and head, attribution by dash and width; claim-to-claim
    relations (dash-dot) when the map has any."""
    rows = [{"color": c, "head": h, "width": 2.2, "dash": "", "text": f"{s} (direct)"}
            for s, (c, h) in STANCE_STYLE.items()]
    rows += [{"color": STANCE_STYLE["supports"][0], "head": "arrow", "width": 1.2, "dash": "6 5",
              "text": "supports (pooled: dashed, thinner)"},
             {"color": "#444444", "head": "", "width": 1, "dash": "2 4", "text": "source is a member of a pooled base",
              "cat": "edge:pooled_in"},
             {"color": FAINT, "head": "", "width": 1, "dash": "", "text": "claim is taken from this review",
              "cat": "edge:derived_from"}]
    kinds = {e.get("relation_kind") for e in edges or () if e["kind"] == "relates"}
    for rk, (c, h, dash) in RELATION_STYLE.items():
        if rk in kinds:
            rows.append({"color": c, "head": h, "width": 2, "dash": " ".join(map(str, dash)),
                         "text": f"claim {rk} claim (claim-to-claim relation)"})
    n_set = sum(1 for e in edges or () if e["kind"] == "relates_set")
    if n_set:
        rows.append({"color": "#777777", "head": "arrow", "width": 1, "dash": "10 4 2 4", "cat": "edge:relates_set",
                     "off": True, "text": f"a claim bears on a whole table, drawn to each of its claims ({n_set}; "
                                          "hidden until clicked)"})
    if kinds or n_set:
        rows.append({"color": "#333333", "head": "", "width": 2.5, "dash": "",
                     "text": "thick outline: contested claim"})
    if edges is None:
        for r in rows:
            r.pop("cat", None)
    return rows
