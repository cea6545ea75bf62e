"""The listing questions answered from the claim index, without click and without networkx: ``benefits``,
``claims`` (not ``--source``), ``drivers``, ``barriers``, ``factors``, ``single-source``, ``undirected``,
``stats``, ``gaps`` (the matrix as text, not ``--by theme``, not ``-o``) and ``themes``, when their data was loaded and
cached before (:mod:`partnergraph.questions.index`).

``python -m partnergraph`` asks :func:`answer` before it imports the command line. It reads the options the way
click reads those commands' options (the same names, choices, flags and environment variables; a test holds the
two together), runs the same question functions on a graph whose networkx projection is never read, renders the
rows with the same :func:`~partnergraph.outputs.formats.render` and writes them as ``click.echo`` would. Anything
else — a command it does not serve, an option or value it does not know, ``--help``, an option given twice, a
data directory not cached, a store, any error — it leaves to the command line (:mod:`partnergraph.cli.app`),
which then answers (or fails) exactly as it always does; it writes nothing before it knows the whole answer.

May import: everything below the CLI that imports neither click nor networkx (it runs before the command line).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.namespaces import CLAIM_KINDS
from ..files.answers import cache_dir
from ..files.datadir import DataDir, default_data_dir
from ..graph.base import LoadedGraph
from ..outputs.formats import FORMATS, render
from ..questions import claims as _claims
from ..questions import gaps as _gaps
from ..questions import index as _index
from ..questions import themes as _themes
from ..questions.common import DIMENSION_NAMES, LEVEL_NAMES

__all__ = ["CHART_FORMATS", "CLAIM_COLUMNS", "GAP_COLUMNS", "SERVED", "THEME_COLUMNS", "answer", "data_notice"]

CLAIM_COLUMNS = ["claim", "kind", "label", "cells", "sources_direct", "sources_pooled", "supports", "disputes",
                 "qualifies", "reviews"]
GAP_COLUMNS = ["dimension", "level", "benefits", "sources_direct", "sources_pooled", "sources_total",
               "direct_share", "gap"]
THEME_COLUMNS = ["theme", "label", "claims", "independent_reviews", "sources", "sources_direct", "sources_pooled",
                 "disputes", "qualifies", "challenged", "contested"]
CHART_FORMATS = ("html", "png", "svg", "pdf")


class _Opt:
    """One option as click declares it: its spellings, the parameter name, and its choices (``None``: any text),
    case-insensitive or not; a flag takes no value."""

    def __init__(self, names: tuple[str, ...], dest: str, choices: tuple[str, ...] | None = None, *,
                 flag: bool = False, fold: bool = False, envvar: str | None = None) -> None:
        self.names, self.dest, self.choices = names, dest, choices
        self.flag, self.fold, self.envvar = flag, fold, envvar

    def convert(self, value: str) -> str | None:
        """The value click would pass on (the choice as declared), or ``None`` where click would refuse it."""
        if self.choices is None:
            return value
        if self.fold:
            return next((c for c in self.choices if c.casefold() == value.casefold()), None)
        return value if value in self.choices else None


_DATA = (_Opt(("--data",), "data", envvar="PARTNERGRAPH_DATA"),
         _Opt(("--store",), "store", envvar="PARTNERGRAPH_STORE"),
         _Opt(("--themes",), "themes", envvar="PARTNERGRAPH_THEMES"),
         _Opt(("-v", "--verbose"), "verbose", flag=True))
_FORMAT = _Opt(("--format",), "fmt", FORMATS)
_KIND = _Opt(("--kind",), "kind", CLAIM_KINDS, fold=True)

#: per command: the options it declares (every one of them, so that a line is read whole or not at all)
SERVED: dict[str, tuple[_Opt, ...]] = {
    "benefits": (_Opt(("--dimension",), "dimension", DIMENSION_NAMES, fold=True),
                 _Opt(("--level",), "level", LEVEL_NAMES, fold=True), *_DATA, _FORMAT),
    "claims": (_KIND, _Opt(("--source",), "source"), *_DATA, _FORMAT),
    "drivers": (*_DATA, _FORMAT),
    "barriers": (*_DATA, _FORMAT),
    "factors": (*_DATA, _FORMAT),
    "single-source": (_KIND, *_DATA, _FORMAT),
    "undirected": (_KIND, _Opt(("--pooled-only",), "pooled_only", flag=True), *_DATA, _FORMAT),
    "stats": (*_DATA, _FORMAT),
    "gaps": (_Opt(("--format",), "fmt", (*FORMATS, *CHART_FORMATS)), _Opt(("-o", "--output"), "output"),
             _Opt(("--title",), "title"), _Opt(("--direct-only",), "direct_only", flag=True),
             _Opt(("--by",), "by", ("cell", "theme")), _Opt(("--columns",), "columns", ("review", "kind")),
             _Opt(("-f", "--force"), "force", flag=True), *_DATA),
    "themes": (_Opt(("--group",), "group"), *_DATA, _FORMAT),
}

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")  # click's own (click._compat._ansi_re)


def parse(command: str, args: list[str]) -> dict[str, Any] | None:
    """The options of ``command`` given in ``args`` (and their environment variables), by parameter name; ``None``
    for anything this reader leaves to click (an unknown token, a value click would refuse, a repeat, ``--``)."""
    spec = {name: opt for opt in SERVED[command] for name in opt.names}
    seen: dict[str, Any] = {}
    i = 0
    while i < len(args):
        token = args[i]
        name, eq, value = token.partition("=") if token.startswith("--") else (token, "", "")
        opt = spec.get(name)
        if opt is None or opt.dest in seen:
            return None
        if opt.flag:
            if eq:
                return None
            seen[opt.dest] = True
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        i += 1
        if not value or value.startswith("-"):
            return None
        converted = opt.convert(value)
        if converted is None:
            return None
        seen[opt.dest] = converted
    for opt in SERVED[command]:
        if opt.dest not in seen:
            if opt.envvar and os.environ.get(opt.envvar) is not None:
                value = os.environ[opt.envvar]
                if not value:
                    return None
                seen[opt.dest] = value
            else:
                seen[opt.dest] = False if opt.flag else None
    return seen


def data_notice(data: str | None, store: str | None, verbose: bool) -> tuple[str | None, str | None]:
    """The data directory a command reads (``data``, else :func:`~partnergraph.files.datadir.default_data_dir`) and
    what it says about it on stderr first: the bundled corpus when there is no ``./data``; with ``verbose``, always
    the folder (or the store) read."""
    if store is not None:
        return data, f"Reading {store}" if verbose else None
    if data is None:
        chosen = default_data_dir()
        if chosen != Path("data"):
            return str(chosen), (f"Reading the bundled corpus in {chosen} (no ./data here; give --data DIR for "
                                 "your own)")
        return str(chosen), f"Reading {chosen.absolute()}" if verbose else None
    return data, f"Reading {Path(data).absolute()}" if verbose else None


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except Exception:
        return False


def _rows(command: str, o: dict[str, Any], g) -> tuple[list, list[str] | None] | None:
    """The rows ``command`` prints and the columns of its table, or ``None`` (not served)."""
    questions: dict[str, Callable[[], list]] = {
        "benefits": lambda: _claims.benefits(g, dimension=o["dimension"], level=o["level"]),
        "claims": lambda: _claims.claims(g, o["kind"]),
        "drivers": lambda: _claims.drivers(g),
        "barriers": lambda: _claims.barriers(g),
        "factors": lambda: _claims.factors(g),
        "single-source": lambda: _gaps.single_source(g, o["kind"]),
        "undirected": lambda: _gaps.undirected(g, o["kind"], unevidenced=not o["pooled_only"]),
        "stats": lambda: _claims.stats(g),
        "gaps": lambda: _gaps.gaps(g),
        "themes": lambda: _themes.themes(g, o["group"]),
    }
    if command == "claims" and o["source"] is not None:
        return None
    if command == "gaps" and (o["by"] == "theme" or o["fmt"] in CHART_FORMATS or o["output"] is not None):
        return None
    columns = {"stats": None, "gaps": GAP_COLUMNS, "themes": THEME_COLUMNS}.get(command, CLAIM_COLUMNS)
    return questions[command](), columns


def _plain_stream(stream) -> bool:
    """A text stream click writes to as it is (not one it would re-wrap: no encoding, or ASCII)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding or type(stream).__module__.startswith("ipykernel."):
        return False
    try:
        return codecs.lookup(encoding).name != "ascii"
    except LookupError:
        return False


def _echo(stream, text: str) -> None:
    """As ``click.echo(text, file=stream, nl=False)`` writes text (escape sequences stripped off a terminal)."""
    if not text:
        stream.flush()
        return
    if not _isatty(stream):
        text = _ANSI.sub("", text)
    stream.write(text)
    stream.flush()


def answer(argv: list[str]) -> int | None:
    """Answer the command line ``argv`` from the claim index and return its exit status (0), or ``None``: nothing
    was written, the command line (:mod:`partnergraph.cli.app`) is to run it."""
    if not argv or argv[0] not in SERVED or os.environ.get("PARTNERGRAPH_NO_CACHE") is not None:
        return None
    if not (_plain_stream(sys.stdout) and _plain_stream(sys.stderr)):
        return None
    o = parse(argv[0], argv[1:])
    if o is None or o["store"] is not None:
        return None
    try:
        data, notice = data_notice(o["data"], None, o["verbose"])
        d = DataDir.open(data, themes=o["themes"])
        folder = cache_dir() / d.digest()
        g = LoadedGraph(None, d, cache_folder=folder)
        if _index.cached(g) is None:
            return None  # not loaded and cached yet: the command line loads it (and writes the index)
        got = _rows(argv[0], o, g)
        if got is None:
            return None
        rows, columns = got
        fmt = o["fmt"] or ("table" if sys.stdout.isatty() else "json")  # as cli.common.default_format
        text = render(rows, fmt, columns if fmt == "table" else None)
    except Exception:  # whatever went wrong, the command line says it (or finds it fine) in its own words
        return None
    try:
        if notice is not None:
            _echo(sys.stderr, notice + "\n")
        _echo(sys.stdout, text)
    except BrokenPipeError:  # as the command line does (cli.common.Group)
        sys.stderr.close()
    return 0
