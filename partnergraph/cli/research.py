"""Researchers' commands: benefits, claims, evidence, relations, gaps, contested, debates, strength, search,
related, cocited.

Each command calls the function of the same name in :mod:`partnergraph.questions` (also a method of the loaded
graph: ``g.benefits(dimension="equity")``) and prints its rows in the chosen ``--format``. The listings are also
answered by :mod:`.quick`, from the claim index, when their data is cached: a change to their options here is one
there too (tests/test_quick.py holds the two together).
"""

from __future__ import annotations

from pathlib import Path

import click

from ..core.namespaces import CLAIM_KINDS
from ..outputs.contests import render_contested, render_debates, render_relations
from ..outputs.exports import write_file
from ..outputs.formats import FORMATS, render
from ..outputs.gapmap import DEFAULT_TITLE, render_gap_matrix
from ..outputs.themematrix import write_theme_matrix
from ..questions.common import DIMENSION_NAMES, LEVEL_NAMES
from ..questions.strength import strength_rule
from ..questions.themes import theme_strength_rule
from .common import (
    data_options,
    default_format,
    emit,
    force_option,
    load_graph,
    main,
    output_options,
    output_path,
    wrote,
)
from .quick import CHART_FORMATS, CLAIM_COLUMNS, GAP_COLUMNS
from .themes import announce, emit_theme_evidence, emit_theme_gaps, theme_resolution


class Choice(click.Choice):
    """A case-insensitive choice whose error message lists the choices as written (``CriticalSuccessFactor``),
    not case-folded."""

    def get_invalid_choice_message(self, value, ctx) -> str:  # click >= 8.2
        return f"{value!r} is not one of {', '.join(map(repr, self.choices))}."


KIND = Choice(CLAIM_KINDS, case_sensitive=False)


def _explain(rule: str, rated: list[tuple[str, str, str, str]]) -> None:
    """``strength --explain`` as a table: the rule, then each (id, rating, label, reasons) with its reasons."""
    click.echo(rule)
    for node, rating, label, reasons in rated:
        click.echo(f"{node}: {rating}\n  {label}")
        for reason in reasons.split("; "):
            click.echo(f"  - {reason}")


def _emit(rows, fmt, table_columns=None):
    """Rows in ``fmt``; ``table_columns`` narrows only the terminal table (csv/json keep every field)."""
    emit(rows, fmt, table_columns if default_format(fmt) == "table" else None)


@main.command()
@click.option("--dimension", type=click.Choice(DIMENSION_NAMES, case_sensitive=False),
              help="Only benefits in this dimension of the 4 Es.")
@click.option("--level", type=click.Choice(LEVEL_NAMES, case_sensitive=False),
              help="Only benefits at this level.")
@data_options
@output_options
def benefits(dimension, level, data, store, fmt):
    """Benefits of partnership working with their quality cells, distinct sources (direct / via pooled
    evidence bases), stance mix and reviews.

    \b
    Example:
      partnergraph benefits --dimension equity
    """
    g = load_graph(data, store)
    _emit(g.benefits(dimension=dimension, level=level), fmt, CLAIM_COLUMNS)


@main.command()
@click.option("--kind", type=KIND, help="Only claims of this kind.")
@click.option("--source", metavar="KEY-or-WORDS",
              help="What this source evidences (BibTeX key or words, e.g. 'Kharicha'), with stance and locator.")
@data_options
@output_options
def claims(kind, source, data, store, fmt):
    """Claims of every kind with their evidence summary; with --source, what one source evidences (directly
    and through the pooled evidence bases it belongs to).

    \b
    Examples:
      partnergraph claims --kind Barrier
      partnergraph claims --source Kharicha
    """
    g = load_graph(data, store)
    if source:
        res = g.resolve(source, what="source")
        announce("claims --source", res, expected="source")
        _emit(g.source_claims(res.node, kind=kind), fmt,
              ["claim", "kind", "label", "stance", "attribution", "locator", "citing", "pool"])
    else:
        _emit(g.claims(kind), fmt, CLAIM_COLUMNS)


def _kind_command(name: str, fn_name: str, doc: str) -> None:
    @data_options
    @output_options
    def command(data, store, fmt):
        g = load_graph(data, store)
        _emit(getattr(g, fn_name)(), fmt, CLAIM_COLUMNS)

    command.__doc__ = doc
    main.command(name)(command)


_kind_command("drivers", "drivers", "Drivers: why organisations enter into partnership (as claims --kind Driver).")
_kind_command("barriers", "barriers", "Barriers to partnership working (as claims --kind Barrier).")
_kind_command("factors", "factors", "Critical success factors and principles of partnership working.")


@main.command()
@click.argument("claim")
@click.option("--expand", is_flag=True, help="List the member sources of pooled evidence bases.")
@data_options
@output_options
def evidence(claim, expand, data, store, fmt):
    """The sources evidencing CLAIM — or, when the words name a theme, every claim of the theme, review by
    review: citation, stance, attribution, locator, quote, citing review; then, for a claim (table and
    markdown), the claims that challenge, qualify or support it, with their sources and quotes.

    CLAIM is a claim id (claim:ID or ID), a theme (its id, label or an alternative label: trust, "shared
    vision") or words of a claim's label ("delayed discharge"); words that fit several claims list them and
    exit 1. What the words resolved to, and what else they fit, is said on stderr. For the claims that bear on
    a claim in csv or json: `partnergraph relations CLAIM`.
    """
    g = load_graph(data, store)
    f = default_format(fmt)
    res = g.resolve(claim)
    announce("evidence", res)
    if res.kind == "theme":
        emit_theme_evidence(g, res, expand, fmt)
        return
    claim = res.node
    _emit(g.evidence(claim, expand=expand), fmt,
          ["source", "citation", "stance", "attribution", "locator", "citing", "via", "quote"])
    if f in ("table", "markdown"):
        rows = g.relations(claim)
        if rows:
            click.echo("\nClaims that bear on it (challenged by, qualified by, supported by) and that it bears on:\n")
            click.echo(render_relations(rows, f), nl=False)


@main.command()
@click.argument("claim")
@click.option("--explain", is_flag=True, help="Readable blocks with the whole quotes (table and markdown).")
@data_options
@output_options
def relations(claim, explain, data, store, fmt):
    """The claims that challenge, qualify or support CLAIM ("challenged by", "qualified by", "supported by"),
    and those CLAIM bears on, each with the works behind it and who makes the connection: the review (its
    words quoted) or the curators (their reason).

    \b
    Example:
      partnergraph relations s000-ben-pooling-resources
    """
    g = load_graph(data, store)
    res = g.resolve(claim, themes=False)
    announce("relations", res)
    click.echo(render_relations(g.relations(res.node), default_format(fmt), explain=explain), nl=False)


GAP_FORMATS = (*FORMATS, *CHART_FORMATS)
_TEXT_SUFFIXES = {"csv": (".csv",), "json": (".json",), "ndjson": (".ndjson", ".jsonl"), "markdown": (".md",),
                  "table": (".txt",)}


@main.command()
@click.option("--format", "fmt", type=click.Choice(GAP_FORMATS), default=None,
              help="Output format; html, png (300 dpi), svg and pdf draw the matrix as a chart (default: table on a "
                   "terminal, json when piped).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE (charts default to partnergraph-output/gaps.FORMAT).")
@click.option("--title", default=None, metavar="TEXT", help="The chart's title (html, png, svg, pdf).")
@click.option("--direct-only", is_flag=True, help="Draw only direct evidence (png, svg, pdf; the html page has a "
                                                   "toggle).")
@click.option("--by", type=click.Choice(("cell", "theme")), default="cell", show_default=True,
              help="cell: the 4 Es x level matrix of the benefits; theme: every theme against every review "
                   "(or claim kind, --columns kind).")
@click.option("--columns", type=click.Choice(("review", "kind")), default="review", show_default=True,
              help="With --by theme: a column per review, or per claim kind.")
@force_option
@data_options
def gaps(fmt, output, title, direct_only, by, columns, force, data, store):
    """The gap matrix: per cell of the 4 Es x input/output/outcome, the benefits and the distinct sources
    (direct and pooled apart); a cell no source evidences is a gap. With --by theme, the themes against the
    reviews (or claim kinds): which reviews state each theme, with how many claims and distinct sources, and
    where only one review or only pooled evidence stands behind it.

    See also: single-source, undirected, contested, themes.
    """
    if by == "theme":
        if fmt in CHART_FORMATS:
            path = output_path(output, f"gaps-themes.{fmt}", (f".{fmt}",) + ((".htm",) if fmt == "html" else ()),
                               f"the {fmt} chart", force)
            existed = path.exists()
            write_theme_matrix(load_graph(data, store), fmt, path, columns, title=title)
            wrote(path, existed)
        elif output:
            text_fmt = fmt or "csv"
            path = output_path(output, "", _TEXT_SUFFIXES[text_fmt], f"{text_fmt} output", force)
            existed = path.exists()
            write_file(path, render(load_graph(data, store).theme_gaps(by=columns), text_fmt).encode("utf-8"))
            wrote(path, existed)
        else:
            emit_theme_gaps(load_graph(data, store), columns, fmt)
        return
    if fmt in CHART_FORMATS:
        path = output_path(output, f"gaps.{fmt}", (f".{fmt}",) + ((".htm",) if fmt == "html" else ()),
                           f"the {fmt} chart", force)
        existed = path.exists()
        render_gap_matrix(load_graph(data, store), fmt, path, title=title or DEFAULT_TITLE, direct_only=direct_only)
        wrote(path, existed)
        return
    if output:
        text_fmt = fmt or "csv"
        path = output_path(output, "", _TEXT_SUFFIXES[text_fmt], f"{text_fmt} output", force)
        existed = path.exists()
        write_file(path, render(load_graph(data, store).gaps(), text_fmt).encode("utf-8"))
        wrote(path, existed)
        return
    g = load_graph(data, store)
    rows = g.gaps()
    _emit(rows, fmt, GAP_COLUMNS)


@main.command("single-source")
@click.option("--kind", type=KIND, help="Only claims of this kind.")
@data_options
@output_options
def single_source(kind, data, store, fmt):
    """Claims that rest on exactly one distinct source (direct and pooled counted together)."""
    g = load_graph(data, store)
    _emit(g.single_source(kind), fmt, CLAIM_COLUMNS)


@main.command()
@click.option("--kind", type=KIND, help="Only claims of this kind.")
@click.option("--pooled-only", is_flag=True, help="Leave out claims with no evidence link at all.")
@data_options
@output_options
def undirected(kind, pooled_only, data, store, fmt):
    """Claims no source evidences directly: evidenced only through pooled evidence bases, or not at all."""
    g = load_graph(data, store)
    _emit(g.undirected(kind, unevidenced=not pooled_only), fmt, CLAIM_COLUMNS)


@main.command()
@click.option("--kind", type=KIND, help="Only claims of this kind.")
@data_options
@output_options
@click.option("--summary", is_flag=True, help="One row per claim (counts and the works behind what contests it).")
@click.option("--explain", is_flag=True, help="Readable blocks: each claim, then what contests it with the whole "
                                              "quote (table and markdown).")
def contested(kind, summary, explain, data, store, fmt):
    """Claims that something contests: evidence that disputes or qualifies them, or a claim that challenges or
    qualifies them (directly or through their claim set, e.g. the benefits table) — each with who contests it:
    the challenging claim, the works behind it, the review whose words make the connection (and the quote) or
    the curators' reason. Claims with no supporting evidence are listed too.

    \b
    Example:
      partnergraph contested --kind benefit
    """
    g = load_graph(data, store)
    click.echo(render_contested(g.contested(kind), default_format(fmt), summary=summary, explain=explain), nl=False)


@main.command()
@click.argument("debate", required=False)
@click.option("--explain", is_flag=True, help="What each debate is about, then its sides as readable blocks.")
@data_options
@output_options
def debates(debate, explain, data, store, fmt):
    """The corpus's debates (process versus outcome; does partnership add value? …), each as its two sides:
    the claims that state them and the works behind those claims. DEBATE (optional) is a debate id.

    \b
    Example:
      partnergraph debates process-versus-outcome
    """
    g = load_graph(data, store)
    click.echo(render_debates(g.debates(debate), default_format(fmt), explain=explain), nl=False)


@main.command()
@click.argument("claim", required=False)
@click.option("--explain", is_flag=True, help="Print the rating rule (and, for one CLAIM, why it got its rating).")
@click.option("--kind", type=KIND, help="Only claims of this kind.")
@click.option("--rating", type=click.Choice(("high", "moderate", "low", "very low")), help="Only this rating.")
@click.option("--theme", "by_theme", is_flag=True,
              help="Rate themes instead of claims: every theme, or the theme given as CLAIM (across its claims "
                   "and the reviews that state it).")
@data_options
@output_options
def strength(claim, explain, kind, rating, by_theme, data, store, fmt):
    """Confidence in each claim (high, moderate, low, very low) from its evidence, by a rule after
    GRADE-CERQual; --explain prints the rule. With --theme, confidence in each theme across its claims.

    CLAIM (optional) is a claim id or words of its label; words that name a theme rate the theme.
    """
    if by_theme and kind:
        raise click.UsageError("--kind selects claims; it does not combine with --theme")
    if explain and not claim:
        click.echo(theme_strength_rule() if by_theme else strength_rule(), nl=False)
        return
    g = load_graph(data, store)
    res = None
    if claim:
        res = g.resolve(claim, themes=True)
        if by_theme and res.kind != "theme":
            res = theme_resolution(g, claim)
        announce("strength", res, expected="theme" if by_theme else "claim")
        claim = res.node
    if by_theme or (res is not None and res.kind == "theme"):
        trows = [r for r in g.theme_strength(claim) if rating is None or r.rating == rating]
        if explain and default_format(fmt) == "table":
            _explain(theme_strength_rule(), [(t.theme, t.rating, t.label, t.reasons) for t in trows])
            return
        _emit(trows, fmt, ["theme", "label", "rating", "claims", "independent_reviews", "units", "sources_direct",
                           "sources_pooled", "against"])
        return
    rows = [r for r in g.strength(claim, kind=kind) if rating is None or r.rating == rating]
    if explain and default_format(fmt) == "table":
        _explain(strength_rule(), [(r.claim, r.rating, r.label, r.reasons) for r in rows])
        return
    _emit(rows, fmt, ["claim", "kind", "label", "rating", "sources_direct", "sources_pooled", "disputes",
                      "qualifies", "challenged", "qualified"])


@main.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many rows.")
@data_options
@output_options
def search(text, limit, data, store, fmt):
    """Fuzzy search over claim labels and quotes, evidence quotes and source citations and titles."""
    g = load_graph(data, store)
    _emit(g.search(text, limit=limit), fmt, ["score", "kind", "id", "label", "field"])


@main.command()
@click.argument("claim")
@data_options
@output_options
def related(claim, data, store, fmt):
    """Claims connected to CLAIM: sharing its sources or pooled evidence, barriers it addresses, related
    claims and siblings in its claim sets."""
    g = load_graph(data, store)
    res = g.resolve(claim, themes=False)
    announce("related", res)
    _emit(g.related(res.node), fmt)


@main.command()
@click.option("--pooled", is_flag=True, help="Count pooled evidence too (every pool member evidences every claim "
                                             "its pool does).")
@click.option("--min-shared", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only pairs sharing at least this many claims.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many pairs.")
@data_options
@output_options
def cocited(pooled, min_shared, limit, data, store, fmt):
    """Pairs of sources that evidence the same claims, most shared claims first."""
    g = load_graph(data, store)
    _emit(g.cocited(pooled=pooled, min_shared=min_shared, limit=limit), fmt,
          ["source_a", "citation_a", "source_b", "citation_b", "shared"])
