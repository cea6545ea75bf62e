"""Which reader an import file needs, told by what it contains (a RIS export named ``.bib`` is read as RIS);
a file that is none of BibTeX/BibLaTeX, RIS and CSL-JSON is refused with an error, whatever its name.

>>> sniff("TY  - JOUR\\nTI  - x\\nER  - \\n")
'ris'
>>> sniff("# Notes\\n\\nsome text") is None
True
"""

from __future__ import annotations

import re
from pathlib import Path

from ..core.errors import SourceParseError
from ..files.datadir import read_text
from .bibimport import ImportFile, read_bib
from .csljson import read_csl_json
from .ris import read_ris

__all__ = [
    "BIB_SUFFIXES",
    "read_import",
    "sniff",
]

BIB_SUFFIXES = (".bib", ".bibtex", ".biblatex")
_ENTRY = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.M)
_HINT = "give a BibTeX/BibLaTeX (.bib), RIS (.ris) or CSL-JSON (.json) export"


def sniff(text: str, suffix: str = "") -> str | None:
    """``bibtex``, ``ris``, ``csl-json`` or ``None``, from the text (the file name only breaks ties)."""
    body = text.lstrip("\ufeff \t\r\n")
    if not body:
        return "bibtex" if suffix in BIB_SUFFIXES else None
    if re.match(r"TY  - ", body) or (re.search(r"^TY  - ", body, re.M) and re.search(r"^ER  -", body, re.M)
                                     and not _ENTRY.search(body)):
        return "ris"
    if body[0] in "[{" and not body.startswith("{\\"):
        return "csl-json"
    if suffix in BIB_SUFFIXES:
        return "bibtex" if _ENTRY.search(body) or _only_comments(body) else None
    first = next((ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith("%")), "")
    return "bibtex" if _ENTRY.match(first) else None


def _only_comments(body: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("%") for ln in body.splitlines())


def read_import(path: str | Path) -> ImportFile:
    """Read an import file: BibTeX/BibLaTeX, RIS or CSL-JSON, told by its content."""
    path = Path(path)
    if not path.exists():
        raise SourceParseError(path, None, "no such file", hint=_HINT)
    if path.is_dir():
        raise SourceParseError(path, None, "is a directory, not a file", hint=_HINT)
    text = read_text(path)
    kind = sniff(text, path.suffix.lower())
    if kind is None:
        what = "Turtle" if re.search(r"^@prefix\s", text, re.M) else "plain text or another format"
        raise SourceParseError(path, None, f"not a BibTeX, RIS or CSL-JSON file (it looks like {what})",
                               hint=_HINT)
    if kind == "ris":
        return read_ris(path, text)
    if kind == "csl-json":
        return read_csl_json(path, text)
    imp = read_bib(path, text)
    if not imp.entries and not imp.skipped and not _only_comments(text.lstrip("\ufeff")):
        raise SourceParseError(path, None, "not a BibTeX file: no @entry in it", hint=_HINT)
    return imp
