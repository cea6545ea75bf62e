"""Reviewers' commands: ``map``, ``export``, ``report`` (the gap matrix chart is ``gaps --format html|png|svg|pdf``)."""

from __future__ import annotations

import functools
import webbrowser
from pathlib import Path

import click

from ..core.namespaces import CLAIM_KINDS, DIMENSIONS, LEVELS
from ..outputs.exports import DEFAULT_STEM, EXTENSIONS, csv_paths, write_file
from ..outputs.exports import export as run_export
from ..outputs.filters import Selection
from ..outputs.maps import GROUPINGS, LAYOUT_THRESHOLD, map_spec, render_spec
from ..outputs.report import write_report
from .common import (
    data_options,
    default_folder,
    force_option,
    load_graph,
    main,
    output_path,
    refuse_existing,
    slug,
    wrote,
)

STANCES = ("supports", "disputes", "qualifies")
EXPORT_FORMATS = ("graphml", "gexf", "jsonld", "turtle", "csv")


def filter_options(fn):
    """``--kind``, ``--dimension``, ``--level``, ``--source``, ``--claim-set``, ``--theme``, ``--claim``,
    ``--stance`` (each repeatable)."""

    @click.option("--kind", "kinds", multiple=True, type=click.Choice(CLAIM_KINDS, case_sensitive=False),
                  help="Only claims of this kind (repeat for several).")
    @click.option("--dimension", "dimensions", multiple=True,
                  type=click.Choice([d.lower() for d in DIMENSIONS], case_sensitive=False),
                  help="Only benefits in a cell of this E.")
    @click.option("--level", "levels", multiple=True,
                  type=click.Choice([lv.lower() for lv in LEVELS], case_sensitive=False),
                  help="Only benefits in a cell of this level.")
    @click.option("--source", "sources", multiple=True, metavar="KEY",
                  help="Only claims this source evidences (directly or in a pooled base) or, for a review, "
                       "states.")
    @click.option("--claim-set", "claim_sets", multiple=True, metavar="ID",
                  help="Only members of this claim set (and of its sub-sets).")
    @click.option("--theme", "theme_filter", multiple=True, metavar="THEME",
                  help="Only claims coded to this theme (id or label; a theme group stands for its themes).")
    @click.option("--claim", "claim_filter", multiple=True, metavar="ID", help="Only this claim (repeat for several).")
    @click.option("--stance", "stances", multiple=True, type=click.Choice(STANCES, case_sensitive=False),
                  help="Only evidence links with this stance, and the claims that have one.")
    @functools.wraps(fn)
    def wrapper(*args, kinds, dimensions, levels, sources, claim_sets, theme_filter, claim_filter, stances, **kwargs):
        sel = Selection(kinds=tuple(kinds), dimensions=tuple(dimensions), levels=tuple(levels),
                        sources=tuple(sources), claim_sets=tuple(claim_sets), stances=tuple(stances),
                        themes=tuple(theme_filter), claims=tuple(claim_filter))
        return fn(*args, sel=sel, **kwargs)

    return wrapper


@main.command("map")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the map to FILE.html (default: partnergraph-output/evidence-map.html, or a name made "
                   "from the filters).")
@force_option
@filter_options
@click.option("--by", "by", type=click.Choice(GROUPINGS), default="review", show_default=True,
              help="Group the claims in clusters by the review they come from, their kind, or their theme "
                   "(theme hubs; needs a themes file).")
@click.option("--layout-threshold", type=click.IntRange(min=0), default=None, metavar="N",
              help="Let the browser settle the layout of maps of up to N nodes (default 0: every map is laid "
                   "out in Python, which measured faster at every size).")
@click.option("--open", "open_browser", is_flag=True, help="Open the map in the web browser when written.")
@data_options
def map_(output, force, sel, by, layout_threshold, open_browser, data, store):
    """Draw the evidence map: claims, the sources that evidence them and pooled evidence bases, as one HTML
    file that works offline (no CDN): clusters by review, shapes by claim kind, colours by kind and E, edges by
    stance; search, filters, a legend that toggles, and a click on a node lists its evidence. Above 2,500 nodes
    the map is drawn on WebGL (sigma.js, inlined).

    \b
    Examples:
      partnergraph map
      partnergraph map --kind Benefit --dimension equity -o equity.html
      partnergraph map --source gray1989 --open
      partnergraph map --by kind -o by-kind.html
    """
    filters = slug(*sel.values)
    output = output_path(output, f"evidence-map-{filters}.html" if filters else "evidence-map.html", (".html",),
                         "a map", force)
    existed = output.exists()
    g = load_graph(data, store)
    spec = map_spec(g, sel, layout_threshold=LAYOUT_THRESHOLD if layout_threshold is None else layout_threshold,
                    by=by)
    write_file(output, render_spec(spec).encode("utf-8"))
    how = "layout computed in Python" if spec.python_layout else "layout settles in the browser"
    if spec.renderer == "webgl":
        how += ", drawn with WebGL"
    wrote(output, existed, f": {spec.counts} ({how})")
    if open_browser:
        webbrowser.open(output.resolve().as_uri())


@main.command()
@click.option("--to", "fmt", required=True, type=click.Choice(EXPORT_FORMATS), help="File format.")
@click.option("-o", "--output", type=click.Path(path_type=str), default=None,
              help="Write to PATH (default partnergraph-output/evidence-graph.EXT; csv: PATH-nodes.csv and "
                   "PATH-edges.csv, or nodes.csv and edges.csv inside PATH when it is a directory).")
@force_option
@filter_options
@data_options
def export(fmt, output, force, sel, data, store):
    """Export the graph (or the part the filters choose) for other tools: GraphML and GEXF (Gephi,
    Cytoscape, networkx), JSON-LD, sorted Turtle, or CSV (a node table and an edge list).

    \b
    Examples:
      partnergraph export --to graphml -o partnergraph.graphml
      partnergraph export --to turtle --kind Benefit -o benefits.ttl
      partnergraph export --to csv -o out/
    """
    if fmt == "csv":
        target = str(default_folder() / DEFAULT_STEM) if output is None else output
        paths = list(csv_paths(target))
        if output is not None:
            refuse_existing(paths, force)
    else:
        target = str(output_path(output, DEFAULT_STEM + EXTENSIONS[fmt], _EXPORT_SUFFIXES[fmt], f"{fmt}", force))
        paths = [Path(target)]
    existed = {p: p.exists() for p in paths}
    g = load_graph(data, store)
    for path in run_export(g, fmt, target, sel):
        wrote(path, existed.get(Path(path), False))


_EXPORT_SUFFIXES = {"graphml": (".graphml",), "gexf": (".gexf",), "jsonld": (".jsonld", ".json"),
                    "turtle": (".ttl",)}


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE: FILE.md (Markdown) or FILE.html (default: partnergraph-output/report.md).")
@force_option
@click.option("--style", default="harvard", show_default=True, metavar="STYLE",
              help="Citation style of the bibliography: harvard, apa, vancouver, chicago or FILE.csl.")
@click.option("--locale", default=None, metavar="LANG",
              help="CSL locale, e.g. en-GB, en-US (default: en-GB for harvard/vancouver, en-US otherwise).")
@data_options
def report(output, force, style, locale, data, store):
    """Write the evidence report: a summary per claim kind and per quality cell, every claim with its
    sources, and a bibliography formatted by pandoc's citeproc (default: Cite Them Right Harvard).

    \b
    Examples:
      partnergraph report
      partnergraph report -o report.html --style apa
    """
    output = output_path(output, "report.md", (".md", ".html", ".markdown", ".htm"), "a report", force)
    existed = output.exists()
    g = load_graph(data, store)
    path = write_report(g, output, style, locale)
    wrote(path, existed)
