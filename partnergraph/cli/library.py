"""Librarians' commands: ``bib add|export|cite|dedupe|merge|lint|todo|rename``, ``link``, ``unlink``, ``claim add``.

Every command that writes takes ``--dry-run`` (print the unified diff, write nothing) and waits for another
writer up to ``--lock-timeout`` seconds (``PARTNERGRAPH_LOCK_TIMEOUT``).
"""

from __future__ import annotations

import contextlib
import functools
import html
import sys
from pathlib import Path

import click

from ..core.errors import UnknownKeyError
from ..files.atomic import write_atomic_bytes
from ..files.bibtex import parse_bibtex
from ..files.datadir import DataDir
from ..librarian.add import add_entries
from ..librarian.bibcheck import duplicates, lint, todo
from ..librarian.keys import merge, rename_key
from ..librarian.links import add_claim, link, unlink
from ..outputs.bibexport import BIB_FORMATS, export_sources
from ..outputs.citation import CITE_FORMATS, format_references
from ..outputs.filters import filtered_graph
from ..outputs.formats import FORMATS, render
from .common import data_options, default_format, emit, load_graph, main
from .review import filter_options


def _data_option(fn):
    @click.option("--data", "data", type=click.Path(file_okay=False, path_type=str), envvar="PARTNERGRAPH_DATA",
                  default=None, help="Data directory with sources.bib and claims.ttl (default: the bundled data/).")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def _write_options(fn):
    @_data_option
    @click.option("--dry-run", is_flag=True, help="Show the diff; write nothing.")
    @click.option("--lock-timeout", type=float, default=30.0, envvar="PARTNERGRAPH_LOCK_TIMEOUT", show_default=True,
                  help="Seconds to wait for another writer before giving up.")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def _format_option(fn):
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                        help="Output format (default: table on a terminal, json when piped).")(fn)


#: fewer entries than this are checked without a progress bar
PROGRESS_MIN = 300


def progress_bar(label: str, stream=None):
    """A ``progress`` for long loops: click's progress bar on stderr over PROGRESS_MIN items, when stderr is
    a terminal; otherwise (a pipe, a file, a test) nothing is drawn."""
    def make(items):
        out = stream or sys.stderr
        if len(items) < PROGRESS_MIN or not out.isatty():
            return contextlib.nullcontext(items)
        return click.progressbar(items, label=label, file=out, show_pos=True)
    return make


def _finish(plan, dry_run: bool) -> None:
    """Print what a write did (or, with --dry-run, the diff it would apply)."""
    for r in plan.rows:
        click.echo(f"{r.action}: {r.target} {r.detail}".rstrip())
    for n in plan.notes:
        click.echo(f"note: {n}", err=True)
    if dry_run:
        diff = plan.diff()
        click.echo(diff if diff else "(no change)", nl=not diff)
        click.echo("dry run: nothing written", err=True)


@main.group(context_settings={"help_option_names": ["-h", "--help"]})
def bib():
    """Curate data/sources.bib: import, check, find duplicates, rename and merge keys."""


@bib.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@_write_options
@_format_option
def bib_add(files, data, dry_run, lock_timeout, fmt):
    """Import entries from .bib (BibTeX/BibLaTeX), .ris or .json (CSL-JSON) FILES.

    New entries are appended to sources.bib with a key from the pattern (first author's surname + year,
    lowercase ASCII, then a, b, … if taken) and a status; every existing byte stays as it was. One line per
    imported entry says: added, duplicate (of which key, and why) or skipped (and why).

    \b
    Example:
      partnergraph bib add zotero-export.bib jabref.bib refs.ris items.json --dry-run
    """
    plan = add_entries(list(files), data, dry_run=dry_run, lock_timeout=lock_timeout,
                       progress=progress_bar("Checking entries"))
    f = default_format(fmt)
    rows = [{"file": r.file, r.unit: r.line, "outcome": r.outcome, "key": r.key, "detail": r.detail,
             "where": r.where} for r in plan.rows]
    if f == "table":
        for r in rows:
            what = {"added": "added", "duplicate": "duplicate of", "skipped": "skipped"}[r["outcome"]]
            click.echo(f"{r['where']}: {what} {r['key']}".rstrip() + (f" ({r['detail']})"
                                                                                 if r["detail"] else ""))
        counts = {o: sum(r["outcome"] == o for r in rows) for o in ("added", "duplicate", "skipped")}
        click.echo(f"{counts['added']} added, {counts['duplicate']} duplicate(s), {counts['skipped']} skipped"
                   + (" — dry run, nothing written" if dry_run else ""))
    else:
        click.echo(render([{k: v for k, v in r.items() if k != "where"} for r in rows], f), nl=False)
    if dry_run and f == "table":
        click.echo(plan.diff(), nl=False)


@bib.command("export")
@click.argument("keys", nargs=-1)
@click.option("--to", "to", type=click.Choice(BIB_FORMATS), required=True,
              help="bibtex (the entries as sources.bib has them), biblatex, ris (Zotero, EndNote) or csljson.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Write to FILE (default: standard output).")
@filter_options
@data_options
def bib_export(keys, to, output, sel, data, store):
    """Export sources: the KEYS given, and the sources behind the claims the filters choose (the same
    --kind/--dimension/--level/--source/--claim-set/--theme/--claim/--stance as 'map' and 'export'); all with
    neither.

    \b
    Example:
      partnergraph bib export --claim-set wildridge-benefits --to ris -o benefits.ris
    """
    d = DataDir.open(data)
    lib = parse_bibtex(d.sources_path)
    lib.raise_first()
    by_key = lib.by_key()
    wanted: set[str] = set()
    for k in keys:
        if k not in by_key:
            raise UnknownKeyError(d.sources_path, None, f"no source {k!r}", hint="check the key in sources.bib")
        wanted.add(k)
    if not sel.empty:
        sub = filtered_graph(load_graph(data, store), sel)
        wanted |= {n.split(":", 1)[1] for n, a in sub.nodes(data=True) if a.get("kind") == "source"}
    chosen = [s for s in lib.sources if s.key in wanted] if (keys or not sel.empty) else list(lib.sources)
    text = export_sources(chosen, to, progress=progress_bar(f"Exporting ({to})"))
    if output:
        write_atomic_bytes(Path(output), text.encode("utf-8"))
        click.echo(f"{len(chosen)} source(s) written to {output} ({to})", err=True)
    else:
        click.echo(text, nl=False)


@bib.command("cite")
@click.argument("keys", nargs=-1)
@click.option("--style", default="harvard", show_default=True, metavar="STYLE",
              help="harvard (Cite Them Right), apa (7th ed.), vancouver, chicago (author-date) or FILE.csl.")
@click.option("--locale", default=None, metavar="LANG",
              help="CSL locale, e.g. en-GB, en-US (default: en-GB for harvard/vancouver, en-US otherwise).")
@click.option("--to", "to", type=click.Choice(CITE_FORMATS), default="text", show_default=True,
              help="Plain text, Markdown (*italics*, <links>) or HTML.")
@_data_option
def bib_cite(keys, style, locale, to, data):
    """Print formatted references for KEYS (all sources when none), in the order the style sorts them,
    formatted by pandoc's citeproc with an official CSL style. Alias: 'bib format'.

    \b
    Example:
      partnergraph bib cite gray1989 huxham2005 --style apa
    """
    d = DataDir.open(data)
    lib = parse_bibtex(d.sources_path)
    lib.raise_first()
    by_key = lib.by_key()
    for k in keys:
        if k not in by_key:
            raise UnknownKeyError(d.sources_path, None, f"no source {k!r}", hint="check the key in sources.bib")
    chosen = [by_key[k] for k in dict.fromkeys(keys)] if keys else list(lib.sources)
    refs = format_references(chosen, style, locale, to)
    if to == "html":
        click.echo('<div class="references">')
        for r in refs:
            click.echo(f'<p class="csl-entry" id="ref-{html.escape(r.key)}">{r.text}</p>')
        click.echo("</div>")
    elif refs:  # Markdown: one paragraph each
        click.echo(("\n\n" if to == "markdown" else "\n").join(r.text for r in refs))


bib.add_command(bib_cite, "format")


@bib.command("dedupe")
@_data_option
@_format_option
@click.option("--no-versions", is_flag=True, help="Leave out preprint/published version pairs.")
def bib_dedupe(data, fmt, no_versions):
    """List candidate duplicate pairs in sources.bib, each with a score and the reason.

    DOI or ISBN equality decides (a conflicting DOI blocks a match); otherwise similar titles, a shared
    surname and years within one. Fold a pair with 'bib merge KEEP DROP'.
    """
    rows = duplicates(data, include_versions=not no_versions)
    f = default_format(fmt)
    if f == "table":
        for r in rows:
            click.echo(f"{r.score:5.1f}  {r.kind:9}  {r.key_a} ~ {r.key_b}  ({r.reason})")
        click.echo(f"{len(rows)} candidate pair(s)")
    else:
        click.echo(render(rows, f), nl=False)


@bib.command("merge")
@click.argument("keep")
@click.argument("drop")
@_write_options
def bib_merge(keep, drop, data, dry_run, lock_timeout):
    """Merge entry DROP into KEEP: copy fields KEEP lacks, remove DROP and repoint every evidence link, pool
    member, via and citing work in claims.ttl (and citedin in sources.bib) to KEEP."""
    _finish(merge(keep, drop, data, dry_run=dry_run, lock_timeout=lock_timeout), dry_run)


@bib.command("rename")
@click.argument("old")
@click.argument("new")
@_write_options
def bib_rename(old, new, data, dry_run, lock_timeout):
    """Change citation key OLD to NEW in sources.bib and every reference in claims.ttl, in one step."""
    _finish(rename_key(old, new, data, dry_run=dry_run, lock_timeout=lock_timeout), dry_run)


@bib.command("lint")
@_data_option
@_format_option
def bib_lint(data, fmt):
    """Integrity checks: required fields per entry type, DOI/ISBN/ISSN syntax, years, page ranges, the key
    pattern, duplicate keys/DOIs/entries, unbalanced braces, unused entries, links to missing keys.

    Every finding names file:line. Exit 1 on any error, 0 with warnings only.
    """
    findings = lint(data)
    f = default_format(fmt)
    if f == "table":
        for x in findings:
            click.echo(f"{x.where}: {x.severity}: [{x.rule}] {x.message}")
        n_err = sum(x.severity == "error" for x in findings)
        click.echo(f"{n_err} error(s), {len(findings) - n_err} warning(s)")
    else:
        click.echo(render(findings, f), nl=False)
    if any(x.severity == "error" for x in findings):
        sys.exit(1)


@bib.command("todo")
@_data_option
@_format_option
@click.option("--limit", type=int, default=None, help="Show only the first N entries.")
def bib_todo(data, fmt, limit):
    """The worklist: incomplete and unidentified entries, ranked by how many claims rest on them, with what
    each is missing."""
    rows = todo(data)
    emit(rows[:limit] if limit else rows, fmt, ["key", "status", "claims", "links", "missing", "label", "where"])


_STANCE = click.Choice(["supports", "disputes", "qualifies"], case_sensitive=False)


@main.command("link")
@click.argument("claim")
@click.argument("key")
@click.option("--stance", type=_STANCE, required=True, help="What the source does for the claim.")
@click.option("--locator", default="", help="Where in the cited work (e.g. 'p. 261'), as the review gives it.")
@click.option("--quote", default="", help="The review's exact words (at most 500 characters).")
@click.option("--via", default="", metavar="KEY", help="The work through which the review cites KEY.")
@click.option("--citing", default="", metavar="REVIEWKEY",
              help="The review that makes the attribution (default: the review the claim is derived from).")
@_write_options
def link_cmd(claim, key, stance, locator, quote, via, citing, data, dry_run, lock_timeout):
    """Add an evidence link: source KEY (or pool:ID) supports, disputes or qualifies CLAIM.

    \b
    Example:
      partnergraph link s004-trust gray1989 --stance supports --locator 'p. 11' --quote 'trust is essential'
    """
    _finish(link(claim, key, stance, data, locator=locator, quote=quote, via=via, citing=citing,
                 dry_run=dry_run, lock_timeout=lock_timeout), dry_run)


@main.command("unlink")
@click.argument("target")
@click.argument("key", required=False)
@_write_options
def unlink_cmd(target, key, data, dry_run, lock_timeout):
    """Remove an evidence link: by its id (EVIDENCE-ID, e.g. lib-0001) or as CLAIM KEY."""
    _finish(unlink(target, key, data, dry_run=dry_run, lock_timeout=lock_timeout), dry_run)


@main.group("claim", context_settings={"help_option_names": ["-h", "--help"]})
def claim_group():
    """Add claims to data/claims.ttl."""


@claim_group.command("add")
@click.option("--kind", required=True, help="Benefit, Barrier, Driver, CriticalSuccessFactor, Principle, …")
@click.option("--label", required=True, help="The claim's short text, as the review words it.")
@click.option("--cell", "cells", multiple=True, help="Quality cell of a benefit (e.g. EfficiencyOutput); repeatable.")
@click.option("--derived-from", "derived_from", required=True, metavar="KEY", help="The review it comes from.")
@click.option("--id", "claim_id", default="", help="Claim id (default: from the label).")
@click.option("--where", default="", help="Where in the review (section, table, page).")
@_write_options
def claim_add(kind, label, cells, derived_from, claim_id, where, data, dry_run, lock_timeout):
    """Add a claim of a kind, with its label and the review it is derived from."""
    _finish(add_claim(kind, label, derived_from, data, cells=cells, claim_id=claim_id, where=where,
                      dry_run=dry_run, lock_timeout=lock_timeout), dry_run)
