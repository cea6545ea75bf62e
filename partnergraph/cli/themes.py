"""Researchers' commands at the level of a theme: ``themes``, ``theme THEME``; and the theme views of ``evidence``,
``strength --theme`` and ``gaps --by theme`` (their commands are in :mod:`.research`, the printing is here).

Every command that takes words says on stderr what they resolved to (a theme, a claim or a source) and what else
they fit.
"""

from __future__ import annotations

from collections import Counter

import click

from ..questions.common import _short
from ..questions.resolve import Resolution
from .common import data_options, default_format, emit, load_graph, main, output_options
from .quick import THEME_COLUMNS

__all__ = ["announce", "emit_theme_evidence", "emit_theme_gaps", "theme_cmd", "theme_resolution", "themes"]

EVIDENCE_COLUMNS = ["source", "citation", "claim", "stance", "attribution", "locator", "via", "quote"]


def announce(command: str, resolution: Resolution, expected: str = "claim") -> None:
    """Say on stderr what words resolved to, with the alternatives — always for a theme where the command
    otherwise takes a claim; nothing when the id of what the command takes was given."""
    if resolution.how != "id" or resolution.alternatives or resolution.kind != expected:
        click.echo(f"{command}: {resolution.message()}", err=True)


def theme_resolution(g, text: str) -> Resolution:
    """``text`` as a theme (by id, label or words), with the other themes and claims it fits."""
    node = g.resolve_theme(text)
    r = g.resolve(text)
    alts = tuple(a for a in r.alternatives if a[0] != node)
    if r.node != node:
        alts = ((r.node, r.label), *alts)
    how = "id" if text.strip() in (node, node[6:]) else r.how if r.node == node else "words"
    return Resolution(text.strip(), node, "theme", g.nx.nodes[node]["label"], how, alts[:5])


@main.command()
@click.option("--group", metavar="GROUP", help="Only the themes of this group (its id, e.g. group-why, or label).")
@data_options
@output_options
def themes(group, data, store, fmt):
    """Every theme of the framework (data/themes.ttl, or --themes FILE): its claims, the reviews that state it,
    its distinct sources — a work cited by two reviews counts once — direct and pooled, and whether it is
    contested (a disputing or qualifying link, or a claim that challenges or qualifies one of its claims).

    \b
    Examples:
      partnergraph themes
      partnergraph themes --group group-relationships --format csv
    """
    g = load_graph(data, store)
    rows = g.themes(group)
    emit(rows, fmt, THEME_COLUMNS if default_format(fmt) == "table" else None)


@main.command("theme")
@click.argument("theme")
@click.option("--sources", is_flag=True, help="List the distinct works behind the theme (each once, with every "
                                              "citation) instead of its claims.")
@data_options
@output_options
def theme_cmd(theme, sources, data, store, fmt):
    """One theme: what it covers, and its claims review by review (or, with --sources, its distinct works).

    THEME is a theme id (trust, theme:trust), its label or an alternative label ("shared vision"), or words.
    For the evidence itself: partnergraph evidence THEME.
    """
    g = load_graph(data, store)
    res = theme_resolution(g, theme)
    announce("theme", res, expected="theme")
    table = default_format(fmt) == "table"
    if table:
        row = next(r for r in g.themes() if r.theme == res.id)
        d = g.nx.nodes[res.node]
        click.echo(f"{d['label']} (theme:{res.id}) — {d['group_label']}\n{d['scope_note']}\n"
                   f"{row.claims} claims from {len(row.reviews)} review document(s) ({', '.join(row.reviews)}; "
                   f"{row.independent_reviews} review(s), versions of one document counted once); "
                   f"{row.sources} distinct sources ({row.sources_direct} direct, {row.sources_pooled} only pooled); "
                   f"{'contested' if row.contested else 'not contested'}\n")
    if sources:
        emit(g.theme_sources(res.node), fmt, ["source", "citation", "reviews", "claims", "direct", "pooled"]
             if table else None)
    else:
        emit(g.theme(res.node), fmt, ["claim", "kind", "label", "reviews", "sources_direct", "sources_pooled",
                                      "supports", "disputes", "qualifies", "contested"] if table else None)


def emit_theme_evidence(g, res: Resolution, expand: bool, fmt) -> None:
    """``evidence THEME``: the links review by review (a table per review on a terminal), then the distinct
    sources, each once."""
    rows = g.theme_evidence(res.node, expand=expand)
    if default_format(fmt) != "table":
        emit(rows, fmt)
        return
    for review in dict.fromkeys(r.review for r in rows):
        mine = [r for r in rows if r.review == review and r.source]
        bare = [r for r in rows if r.review == review and not r.source]
        claims = len({r.claim for r in mine})
        click.echo(f"{review}: {len(mine)} link(s) for {claims} claim(s)"
                   + (f"; {len(bare)} claim(s) with no evidence link" if bare else ""))
        if mine:
            emit(mine, "table", EVIDENCE_COLUMNS)
        if bare:
            click.echo("  on the review's own words: " + ", ".join(r.claim for r in bare))
        click.echo()
    linked = [r for r in rows if r.source]
    distinct = {r.source for r in linked}
    shared = sorted({r.source: r.cited_by for r in linked if len(r.cited_by) > 1}.items())
    counts = Counter(r.review for r in rows)
    row = next(r for r in g.themes() if r.theme == res.id)
    click.echo(f"{len(linked)} link(s); the theme is stated in {len(counts)} review document(s) "
               f"({row.independent_reviews} review(s), versions of one document counted once); {len(distinct)} "
               f"distinct source(s), each counted once" + ("; cited by more than one review: " + ", ".join(
                   f"{s} ({'; '.join(by)})" for s, by in shared) if shared else ""))


def emit_theme_gaps(g, by: str, fmt) -> None:
    """``gaps --by theme`` on a terminal (a matrix with a legend) or as markdown; other formats get the cells."""
    cells = g.theme_gaps(by=by)
    f = default_format(fmt)
    if f not in ("table", "markdown"):
        emit(cells, f)
        return
    columns = list(dict.fromkeys(c.column for c in cells))
    codes = {col: (f"R{i}" if by == "review" else f"K{i}") for i, col in enumerate(columns, 1)}
    rows = []
    for theme in dict.fromkeys(c.theme for c in cells):
        mine = [c for c in cells if c.theme == theme]
        row = {"theme": theme}
        for c in mine:
            n = c.sources_direct + c.sources_pooled
            row[codes[c.column]] = "" if not c.claims and not n else (
                f"{c.claims}/{n}" + ("p" if n and not c.sources_direct else ""))
        row["reviews"] = mine[0].theme_reviews
        row["note"] = mine[0].theme_note
        rows.append(row)
    emit(rows, f, ["theme", *codes.values(), "reviews", "note"])
    nxg = g.nx
    titles = {col: (nxg.nodes["source:" + col]["title"] if by == "review" and "source:" + col in nxg else "")
              for col in codes}
    legend = [f"{code} = {col}" + (f" ({_short(titles[col], 50)})" if titles[col] else "")
              for col, code in codes.items()]
    click.echo("\ncell: claims/distinct sources (p: pooled only; for a review, the sources it cites)\n"
               + "\n".join(legend))
