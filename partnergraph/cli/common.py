"""What every command shares: the click group :data:`main` (the one place where library errors become
``Error: …`` lines), the ``--data``/``--store`` and ``--format`` options, and loading the graph.

May import: ``partnergraph.api`` and everything below it.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import sys
from pathlib import Path

import click

from ..api import load
from ..core.errors import PartnergraphError, file_error
from ..files import answers
from ..outputs.formats import FORMATS, render
from .quick import data_notice

__all__ = ["CONTEXT", "OUTPUT_DIR", "Group", "data_options", "default_folder", "default_format", "emit", "fail",
           "force_option", "load_graph", "main", "output_options", "output_path", "refuse_existing", "slug",
           "themes_option", "wrote"]

_WRITE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Group(click.Group):
    """Turns every expected error into one ``Error:`` line (plus a hint) and exit 1; no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PartnergraphError as exc:
            fail(exc)
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:  # a file the command reads or writes, not named by a more precise error above
            if exc.filename is None:
                raise
            fail(file_error(exc, exc.filename, "write" if exc.errno in _WRITE_ERRNOS else "read"))


def fail(exc: PartnergraphError):
    click.echo(f"Error: {exc.message}", err=True)
    if exc.hint:
        click.echo(f"Hint: {exc.hint}", err=True)
    sys.exit(exc.exit_code)


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="partnergraph")
def main():
    """partnergraph: an evidence knowledge graph of the literature on partnership working in health and
    social care.

    \b
    Researchers:  benefits, claims, evidence, relations, gaps, contested, debates, strength, search, related,
                  cocited, sparql, stats
    Reviewers:    map, gaps --format html|png|svg, export, report
    Librarians:   bib add|lint|todo|dedupe|merge|rename, link, unlink, claim add, validate
    Teams:        push, pull (and --store URL on every command)
    """


_THEMES = "partnergraph.themes"


def _remember_themes(ctx, _param, value):
    ctx.meta[_THEMES] = value
    return value


def themes_option() -> str | None:
    """The ``--themes`` of the running command (``None``: the data directory's own ``themes.ttl``, if any)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_THEMES) if ctx is not None else None


def data_options(fn):
    """``--data DIR``, ``--store URL`` and ``--themes FILE`` (also ``PARTNERGRAPH_DATA`` / ``PARTNERGRAPH_STORE`` /
    ``PARTNERGRAPH_THEMES``), and ``-v``; ``--themes`` is read by :func:`load_graph` (see :func:`themes_option`).

    Without --data a command reads ``./data`` or, where the working folder has none, the bundled corpus, and
    then says so on stderr (``--verbose`` always names the folder read)."""

    @click.option("--data", "data", type=click.Path(file_okay=False, path_type=str), envvar="PARTNERGRAPH_DATA",
                  default=None, help="Data directory with sources.bib and claims.ttl (default: ./data if there is "
                                     "one, else the bundled corpus).")
    @click.option("--store", "store", envvar="PARTNERGRAPH_STORE", default=None, metavar="URL",
                  help="Read from a SPARQL 1.1 endpoint instead of the files.")
    @click.option("--themes", envvar="PARTNERGRAPH_THEMES", default=None, metavar="FILE", expose_value=False,
                  callback=_remember_themes,
                  help="Theme framework (Turtle) to use instead of DATA/themes.ttl; 'none' for no themes.")
    @click.option("-v", "--verbose", is_flag=True, help="Say on stderr which data directory is read.")
    @functools.wraps(fn)
    def wrapper(*args, verbose=False, **kwargs):
        data, notice = data_notice(kwargs.get("data"), kwargs.get("store"), verbose)
        if kwargs.get("store") is None:
            kwargs["data"] = data
        if notice is not None:
            click.echo(notice, err=True)
        return fn(*args, **kwargs)

    return wrapper


def output_options(fn):
    """``--format table|csv|json|ndjson|markdown`` (a table on a terminal, JSON when piped)."""

    @click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                  help="Output format (default: table on a terminal, json when piped).")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def default_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "json"


def emit(rows, fmt: str | None, columns: list[str] | None = None) -> None:
    click.echo(render(rows, default_format(fmt), columns), nl=False)


def load_graph(data, store):
    return load(data, store=store, cache=os.environ.get("PARTNERGRAPH_NO_CACHE") is None, themes=themes_option())


# ---------------------------------------------------------------- output files
OUTPUT_DIR = Path("partnergraph-output")  # where a command writes when not given -o (git ignores it: see below)


def force_option(fn):
    """``-f/--force``: replace the -o file if it exists."""
    return click.option("-f", "--force", is_flag=True, help="Replace the -o file if it exists.")(fn)


def default_folder() -> Path:
    """``partnergraph-output/`` in the working folder: where commands write when not given -o. The first file
    written there brings a ``.gitignore`` of ``*`` (see :func:`wrote`), so that what partnergraph writes by
    default never shows up as a change in the user's repository."""
    return OUTPUT_DIR


def _ignore_default_folder() -> None:
    ignore = OUTPUT_DIR / ".gitignore"
    if OUTPUT_DIR.is_dir() and not ignore.exists():
        try:
            ignore.write_text("# written by partnergraph: the outputs of commands run without -o\n*\n",
                              encoding="utf-8")
        except OSError as exc:
            raise file_error(exc, ignore, "write") from None


def output_path(given: Path | str | None, default_name: str, suffixes: tuple[str, ...], what: str,
                force: bool = False) -> Path:
    """Where an output goes. No ``-o``: ``partnergraph-output/DEFAULT_NAME`` (replaced freely: it is
    partnergraph's own). ``-o FILE``: FILE plus the first of ``suffixes`` when it has none; a suffix that is not
    one of them is refused; an existing FILE is replaced only with ``--force``."""
    answers.taint("writes a file")
    if given is None:
        return default_folder() / default_name
    path = Path(given)
    if not path.suffix:
        path = path.with_name(path.name + suffixes[0])
    elif path.suffix.lower() not in suffixes:
        raise PartnergraphError(f"{given}: {what} is written as {' or '.join(suffixes)}, not {path.suffix}",
                                hint=f"name the file {path.stem}{suffixes[0]}")
    refuse_existing([path], force)
    return path


def refuse_existing(paths: list[Path], force: bool) -> None:
    for path in paths:
        if path.exists() and not force:
            raise PartnergraphError(f"{path}: exists", hint="give --force (-f) to replace it, or another -o FILE")


def wrote(path: Path, existed: bool, detail: str = "") -> None:
    """``Wrote FILE`` (or ``Replaced FILE``) on stderr: where the output went (so the command's answer is not one
    to repeat from the answer cache)."""
    answers.taint("wrote a file")
    if Path(path).parent == OUTPUT_DIR:
        _ignore_default_folder()
    click.echo(f"{'Replaced' if existed else 'Wrote'} {path}{detail}", err=True)


def slug(*parts: str) -> str:
    """Lower-case words joined by ``-`` (for a file name made from options)."""
    text = "-".join(p for p in parts if p)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]
