"""Rows → text, in the formats every listing command offers: table, csv, json, ndjson, markdown.

Rows are dataclasses or dicts; JSON keys are the field names (stable, documented in the README).

>>> print(render([{"kind": "Benefit", "claims": 3}], "csv").strip())
kind,claims
Benefit,3
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable
from typing import Any

__all__ = [
    "FORMATS",
    "FORMULA_START",
    "as_dict",
    "csv_text",
    "render",
]

FORMATS = ("table", "csv", "json", "ndjson", "markdown")


def as_dict(row: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if isinstance(row, dict):
        return row
    raise TypeError(f"cannot render {type(row).__name__}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(as_dict(value))
    return value


_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127], "\ufffd")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    # text from the data never drives the terminal (no escape sequences in a table)
    return str(value).translate(_CONTROL)


#: what a spreadsheet reads as the start of a formula (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any, text: str) -> str:
    """``text`` (the cell for ``value``) as a spreadsheet shows it and never evaluates it: a text cell that starts
    with ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP's advice); numbers stay numbers.

    >>> csv_safe("=1+1", "=1+1"), csv_safe(-3, "-3"), csv_safe("plain", "plain")
    ("'=1+1", '-3', 'plain')
    """
    if text.startswith(FORMULA_START) and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return "'" + text
    return text


def csv_text(header: list[str], rows: Iterable[list[Any]], cell=None) -> str:
    """The one place rows become CSV: a header and rows (lists of values), each cell through :func:`csv_safe`
    (``cell`` turns a value into its text; default: ``str``, ``None`` as empty)."""
    cell = cell or (lambda v: "" if v is None else str(v))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_safe(h, str(h)) for h in header])
    for row in rows:
        w.writerow([csv_safe(v, cell(v)) for v in row])
    return buf.getvalue()


def render(rows: Iterable[Any], fmt: str = "table", columns: list[str] | None = None) -> str:
    """Render rows in ``fmt``; ``columns`` limits and orders the table/csv/markdown columns."""
    dicts = [as_dict(r) for r in rows]
    if fmt == "json":
        return json.dumps([_jsonable(d) for d in dicts], ensure_ascii=False, indent=2) + "\n"
    if fmt == "ndjson":
        return "".join(json.dumps(_jsonable(d), ensure_ascii=False) + "\n" for d in dicts)
    cols = columns or (list(dicts[0].keys()) if dicts else [])
    if fmt == "csv":
        return csv_text(cols, ([d.get(c) for c in cols] for d in dicts), _cell)
    if fmt == "markdown":
        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        out += ["| " + " | ".join(esc(_cell(d.get(c))) for c in cols) + " |" for d in dicts]
        return "\n".join(out) + "\n"
    if fmt == "table":
        return _table(dicts, cols)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def _table(dicts: list[dict], cols: list[str], max_width: int = 60) -> str:
    if not dicts:
        return "(no rows)\n"
    cells = [[_cell(d.get(c)).replace("\n", " ") for c in cols] for d in dicts]
    cells = [[v if len(v) <= max_width else v[: max_width - 1] + "…" for v in row] for row in cells]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join([line, sep, *body]) + "\n"
