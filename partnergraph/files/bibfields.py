"""BibTeX entry text, field by field: find, set, delete and rename in an entry's raw text without touching a byte
of what does not change, and splice edited entries back into ``sources.bib``.

May import: ``partnergraph.core`` and the other ``partnergraph.files`` modules.

>>> raw = "@book{gray1989,\\n  title = {Collaborating},\\n  year  = {1989}\\n}"
>>> field_value(raw, "year")
'{1989}'
>>> print(set_field(raw, "publisher", "{Jossey-Bass}"))
@book{gray1989,
  title = {Collaborating},
  year  = {1989},
  publisher = {Jossey-Bass}
}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bibtex import Source

__all__ = [
    "FieldSpan",
    "delete_field",
    "entry_span",
    "field_spans",
    "field_value",
    "line_offsets",
    "rename_in_header",
    "replace_key_in_list",
    "set_field",
    "splice",
]


# ---------------------------------------------------------------- BibTeX text editing
@dataclass(frozen=True, slots=True)
class FieldSpan:
    """Where one field sits in an entry's raw text (offsets into the raw text)."""

    name: str
    start: int
    value_start: int
    value_end: int


def field_spans(raw: str) -> list[FieldSpan]:
    """The fields of one entry's raw text, in order, with the span of each value."""
    m = re.match(r"\s*@\s*\w+\s*([{(])\s*[^,\s]*\s*,", raw)
    if not m:
        return []
    paren = m.group(1) == "("  # @type( … ): a ')' at depth 0 closes the entry
    i, n, out = m.end(), len(raw), []
    while i < n:
        while i < n and raw[i] in " \t\r\n,":
            i += 1
        nm = re.compile(r"[A-Za-z][A-Za-z0-9_:.+-]*").match(raw, i)
        if not nm:
            break
        start, name = i, nm.group(0)
        j = nm.end()
        while j < n and raw[j] in " \t\r\n":
            j += 1
        if j >= n or raw[j] != "=":
            break
        j += 1
        while j < n and raw[j] in " \t\r\n":
            j += 1
        vs, depth, quote = j, 0, False
        while j < n:
            ch = raw[j]
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0:
                    break
                depth -= 1
            elif ch == '"' and depth == 0:
                quote = not quote
            elif ch in ",)" and depth == 0 and not quote and (ch == "," or paren):
                break
            j += 1
        ve = j
        while ve > vs and raw[ve - 1] in " \t\r\n":
            ve -= 1
        out.append(FieldSpan(name.lower(), start, vs, ve))
        i = j
    return out


def _line_start(raw: str, pos: int) -> int:
    return raw.rfind("\n", 0, pos) + 1


def set_field(raw: str, name: str, value: str) -> str:
    """Set field ``name`` to BibTeX ``value`` (``{…}``) in an entry's raw text, in the entry's own layout."""
    spans = field_spans(raw)
    for s in spans:
        if s.name == name:
            return raw[:s.value_start] + value + raw[s.value_end:]
    if not spans:
        close = raw.rstrip().rfind(")" if re.match(r"\s*@\s*\w+\s*\(", raw) else "}")
        return raw[:close].rstrip() + f"\n  {name} = {value}\n" + raw[close:]
    last = spans[-1]
    ls = _line_start(raw, last.start)
    head = raw[ls:last.value_start]
    m = re.match(r"([ \t]*)(\S+)([ \t]*)=([ \t]*)", head)
    indent, width, after = (m.group(1), len(m.group(2)) + len(m.group(3)), m.group(4)) if m else ("  ", 0, " ")
    aligned = m is not None and len(m.group(3)) > 1
    label = name.ljust(width) if aligned and len(name) < width else name + " "
    return raw[:last.value_end] + f",\n{indent}{label}={after}{value}" + raw[last.value_end:]


def delete_field(raw: str, name: str) -> str:
    """Remove field ``name`` (and its comma) from an entry's raw text."""
    spans = field_spans(raw)
    for i, s in enumerate(spans):
        if s.name != name:
            continue
        if i > 0:
            return raw[:spans[i - 1].value_end] + raw[s.value_end:]
        if len(spans) > 1:
            return raw[:_line_start(raw, s.start)] + raw[_line_start(raw, spans[1].start):]
        return raw[:_line_start(raw, s.start)] + raw[raw.find("\n", s.value_end) + 1:] if "\n" in raw[
            s.value_end:] else raw
    return raw


def field_value(raw: str, name: str) -> str | None:
    """The raw value text of field ``name`` (with its braces), or ``None``."""
    for s in field_spans(raw):
        if s.name == name:
            return raw[s.value_start:s.value_end]
    return None


def replace_key_in_list(value: str, old: str, new: str | None) -> str:
    """Replace (or with ``new=None`` drop) key ``old`` in a comma-separated key list value like ``{a, b}``."""
    inner = value[1:-1] if value.startswith("{") and value.endswith("}") else value
    parts = [p.strip() for p in inner.split(",")]
    out: list[str] = []
    for p in parts:
        q = (new if p == old else p)
        if q and q not in out:
            out.append(q)
    sep = ", " if ", " in inner or "," not in inner else ","
    return "{" + sep.join(out) + "}"


def rename_in_header(raw: str, old: str, new: str) -> str:
    return re.sub(r"^(\s*@\s*\w+\s*[{(]\s*)" + re.escape(old) + r"(\s*,)", lambda m: m.group(1) + new + m.group(2),
                  raw, count=1)


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Apply (start, end, replacement) edits to ``text`` (non-overlapping), from the end backwards."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def entry_span(text: str, offsets: list[int], s: Source) -> tuple[int, int]:
    """Where entry ``s`` stands in ``text``: found by its own raw text from the start of its line (never
    trusting a line count alone)."""
    start = text.find(s.raw, offsets[s.line - 1]) if s.raw else -1
    if start < 0:
        start = text.find(s.raw) if s.raw else -1
    if start < 0:
        raise ValueError(f"entry {s.key!r} is not where the parser put it")
    return start, start + len(s.raw)


def line_offsets(text: str) -> list[int]:
    out, pos = [0], 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        out.append(pos)
    return out
