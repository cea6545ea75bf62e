"""Read CSL-JSON (Zotero, Better BibTeX, Mendeley, pandoc) into BibTeX entry texts (see :mod:`.bibimport`).

Names keep their parts (``suffix`` → BibTeX's Jr part, particles); ``translator`` and ``container-author``
become BibTeX name lists (``translator``, ``bookauthor``); the item's ``citation-key`` (or ``id``), when the
pattern gives the entry another key, is kept in ``ids`` — the alias field biblatex, JabRef and Better BibTeX
read. Wrong types are errors naming the item by its index (``item 3``): a one-line JSON file has no lines to name.

>>> csl_people([{"family": "Smith", "given": "Jane", "suffix": "Jr."}], "author", 1)
'{Smith, Jr., Jane}'
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..core.errors import SourceParseError
from ..files.datadir import read_text
from .bibimport import (
    ImportedEntry,
    ImportFile,
    bib_escape,
    braced,
    date_fields,
    extra_note_fields,
    person_bib,
    safe_url,
)

__all__ = [
    "CSL_NAME_FIELDS",
    "CSL_TYPES",
    "csl_people",
    "read_csl_json",
]

CSL_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "book": "book", "chapter": "incollection", "report": "techreport", "thesis": "phdthesis",
    "paper-conference": "inproceedings", "manuscript": "unpublished", "webpage": "misc", "post-weblog": "misc",
    "post": "misc", "legislation": "misc", "bill": "misc", "dataset": "misc", "article": "misc",
    "document": "misc", "standard": "misc",
}
#: CSL name variables → BibTeX/BibLaTeX name fields
CSL_NAME_FIELDS = {"author": "author", "editor": "editor", "translator": "translator",
                   "container-author": "bookauthor", "collection-editor": "editora", "director": "author",
                   "reviewed-author": "editorb", "interviewer": "editora"}
_SIMPLE = {
    "title": "title", "volume": "volume", "issue": "number", "DOI": "doi", "ISBN": "isbn", "ISSN": "issn",
    "publisher-place": "address", "URL": "url", "note": "note", "abstract": "abstract", "language": "language",
    "edition": "edition", "collection-title": "series", "title-short": "shorttitle",
    "container-title-short": "shortjournal", "genre": "type", "keyword": "keywords", "chapter-number": "chapter",
    "event-title": "eventtitle", "event": "eventtitle", "collection-number": "seriesnumber",
}
_DATES = ("issued", "accessed", "original-date", "event-date", "submitted")
MAX_DEPTH = 64


class _ItemError(Exception):
    pass


def csl_people(people, var: str, index: int) -> str:
    """A CSL name list as a BibTeX name list (``{…}``); anything but a list of name objects is an error."""
    if not isinstance(people, list):
        raise _ItemError(f"'{var}' must be a list of names, not {type(people).__name__} {json.dumps(people)[:40]}")
    out = []
    for p in people:
        if not isinstance(p, dict):
            raise _ItemError(f"'{var}' must be a list of name objects ({{\"family\": …, \"given\": …}} or "
                             f"{{\"literal\": …}}), not {json.dumps(p)[:40]}")
        for part, v in p.items():
            if not isinstance(v, (str, int, bool)) or (isinstance(v, (int, bool)) and part != "parse-names"
                                                       and part != "static-ordering"):
                raise _ItemError(f"'{var}': name part '{part}' must be text, not {json.dumps(v)[:40]}")
        if "literal" in p:
            out.append(person_bib(str(p["literal"]), organisation=True))
            continue
        family = " ".join(str(x) for x in (p.get("non-dropping-particle", ""), p.get("family", "")) if x)
        given = " ".join(str(x) for x in (p.get("given", ""), p.get("dropping-particle", "")) if x)
        if not family and not given:
            raise _ItemError(f"'{var}': a name with neither family nor given name nor literal")
        if not family:
            family, given = given, ""
        out.append(person_bib(family, given, suffix=str(p.get("suffix", "") or "")))
    return braced(" and ".join(out))


def _date(value, var: str) -> tuple[str, str]:
    """(year, ISO date or '') from a CSL date object; a wrong shape is an error."""
    if not isinstance(value, dict):
        raise _ItemError(f"'{var}' must be a date object ({{\"date-parts\": [[2020, 5, 1]]}}), "
                         f"not {json.dumps(value)[:40]}")
    parts_list = value.get("date-parts")
    if parts_list is not None:
        if not (isinstance(parts_list, list) and all(isinstance(x, list) for x in parts_list)):
            raise _ItemError(f"'{var}': date-parts must be a list of lists ([[2020, 5, 1]]), "
                             f"not {json.dumps(parts_list)[:40]}")
        parts = parts_list[0] if parts_list else []
        nums = []
        for x in parts[:3]:
            if isinstance(x, bool) or not (isinstance(x, int) or (isinstance(x, str) and x.strip().isdigit())):
                raise _ItemError(f"'{var}': date part {json.dumps(x)[:20]} is not a number")
            nums.append(int(x))
        if nums:
            iso = "-".join([f"{nums[0]:04d}"] + [f"{n:02d}" for n in nums[1:3]])
            return f"{nums[0]:04d}", iso
    m = re.search(r"\d{4}", str(value.get("raw", "") or value.get("literal", "")))
    return (m.group(0), "") if m else ("", "")


def _depth(value, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if deepest > limit:
            return deepest
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def read_csl_json(path: Path, text: str | None = None) -> ImportFile:
    """Read a CSL-JSON export (a list of items, or one item)."""
    text = read_text(path) if text is None else text
    out = ImportFile(path, "csl-json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceParseError(path, exc.lineno, f"not valid JSON: {exc.msg}",
                               hint="a CSL-JSON export is a JSON list of items") from None
    except RecursionError:
        raise SourceParseError(path, None, "JSON nested too deeply to be CSL-JSON",
                               hint="a CSL-JSON export is a JSON list of items") from None
    items = data if isinstance(data, list) else [data]
    starts = [i + 1 for i, ln in enumerate(text.splitlines()) if re.match(r"^\s*\{", ln)]
    one_line = len(starts) < len(items)
    for i, item in enumerate(items, 1):
        line = None if one_line else starts[i - 1]
        where = f"item {i}" + ("" if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int))
                               else f" ({item['id']})")
        try:
            if not isinstance(item, dict):
                raise _ItemError(f"not a CSL item (a JSON object) but {json.dumps(item)[:40]}")
            if _depth(item, MAX_DEPTH) > MAX_DEPTH:
                raise _ItemError(f"nested more than {MAX_DEPTH} levels deep")
            out.entries.append(_entry(path, line or i, item, i))
        except _ItemError as exc:
            raise SourceParseError(path, line, f"{where}: {exc}",
                                   hint="fix the item (CSL-JSON schema: citationstyles.org) or leave it out") \
                from None
    if one_line:
        out.unit = "item"
    return out


def _entry(path: Path, line: int, item: dict, index: int) -> ImportedEntry:
    notes: list[str] = []
    ctype = item.get("type", "")
    if not isinstance(ctype, str):
        raise _ItemError(f"'type' must be text, not {json.dumps(ctype)[:40]}")
    etype = CSL_TYPES.get(ctype)
    if etype is None:
        notes.append(f"CSL type '{ctype}' has no BibTeX type: imported as @misc")
        etype = "misc"
    f: list[tuple[str, str]] = []
    for var, name in CSL_NAME_FIELDS.items():
        if item.get(var) not in (None, [], ""):
            if not any(n == name for n, _ in f):
                f.append((name, csl_people(item[var], var, index)))
    for var in ("title", "container-title", "publisher", "number", "page", "citation-key"):
        v = item.get(var)
        if v is not None and not isinstance(v, (str, int, float)) or isinstance(v, bool):
            raise _ItemError(f"'{var}' must be text, not {json.dumps(v)[:40]}")
    if item.get("title") not in (None, ""):
        f.append(("title", braced(bib_escape(str(item["title"])))))
    container = item.get("container-title")
    if container not in (None, ""):
        f.append(("journal" if etype == "article" else "booktitle" if etype in ("incollection",
                  "inproceedings") else "howpublished", braced(bib_escape(str(container)))))
    year, iso = _date(item["issued"], "issued") if item.get("issued") is not None else ("", "")
    if year:
        f.append(("year", braced(year)))
        if len(iso) > 4:
            f.extend(date_fields(year, iso))
    if item.get("page") not in (None, ""):
        pages = bib_escape(re.sub(r"\s*[-\u2013]+\s*", "-", str(item["page"])))
        f.append(("pages", braced(pages.replace("-", "--"))))
    if item.get("publisher") not in (None, ""):
        f.append(("institution" if etype == "techreport" else "school" if etype == "phdthesis" else
                  "publisher", braced(bib_escape(str(item["publisher"])))))
    if item.get("number") not in (None, ""):
        f.append(("number", braced(bib_escape(str(item["number"])))))
    if ctype in ("legislation", "bill"):
        f.append(("type", "{Act}"))
    if ctype == "article":
        f.append(("pubstate", "{preprint}"))
        notes.append("CSL type 'article' (a preprint) imported as @misc with pubstate = {preprint}")
    if item.get("accessed") is not None:
        accessed = _date(item["accessed"], "accessed")[1]
        if accessed:
            f.append(("urldate", braced(accessed)))
    for var in _DATES[2:]:
        if item.get(var) is not None:
            _date(item[var], var)
    done = {"id", "citation-key", "type", "title", "container-title", "issued", "page", "publisher", "number",
            "accessed", *CSL_NAME_FIELDS}
    note_lines = item["note"].splitlines() if isinstance(item.get("note"), str) else []
    if note_lines:  # Zotero's Extra: tex.NAME lines are fields (added below, after the item's own)
        item = dict(item, note="; ".join(x.strip() for x in extra_note_fields(etype, [], note_lines)[1]
                                         if x.strip()))
    names = {n for n, _ in f}
    for var, value in item.items():
        if var in done or value in (None, "", [], {}):
            continue
        if var in _SIMPLE and not isinstance(value, (dict, list)):
            name = _SIMPLE[var]
            if name in names:
                continue
            names.add(name)
            f.append((name, braced(safe_url(str(value)) if var in ("URL", "DOI") else bib_escape(str(value)))))
            continue
        if var in _DATES:
            continue
        name = var.lower() if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", var) else "csl"
        if name in names:
            continue
        names.add(name)
        text_value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        f.append((name, braced(bib_escape(str(text_value)))))
    if note_lines:
        etype, _ = extra_note_fields(etype, f, note_lines)
    key = item.get("citation-key")
    if key in (None, "") and item.get("id") is not None:
        key = item["id"]
    key = str(key) if key not in (None, "") else None
    return ImportedEntry(path, line, etype, key, tuple(f), tuple(notes))
