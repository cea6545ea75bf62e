"""Read RIS as Zotero and EndNote write it into BibTeX entry texts (see :mod:`.bibimport` for the entry model).

What each exporter puts where (and where this reader takes it from):

- editors: ``A2`` of a chapter or conference paper (the book's editors); of a book ``A2``, else ``A3`` (Zotero
  writes an edited book's editors as ``A3``); an EndNote ``EDBOOK`` lists its editors as ``AU``;
- a report's number is ``SN`` (``number``, not an ISSN), its institution ``PB``; a thesis's university ``PB``
  and its kind ``M3`` (``type``);
- a conference paper: Zotero writes the proceedings' title as ``C3`` and the conference's name as ``T2``
  (→ ``booktitle`` and ``eventtitle``); with no ``C3`` (EndNote) ``T2`` is the book title;
- ``Smith, Jane, Jr.`` is family, given, suffix (→ BibTeX ``Smith, Jr., Jane``); ``Y2`` is the access date;
- a full ``DA`` of the record's year is ``month`` and ``day``; an ``N1`` line ``tex.NAME: value`` is the field
  NAME (what partnergraph's export could not put in a tag, :func:`.bibimport.extra_note_fields`).

A record must end with ``ER  -``: a record left open (a truncated file) is an error naming its line.

>>> ris_person("Smith, Jane, Jr.", [])
'Smith, Jr., Jane'
"""

from __future__ import annotations

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
    "RIS_TYPES",
    "check_records",
    "read_ris",
    "ris_person",
]

RIS_TYPES = {
    "JOUR": "article", "JFULL": "article", "MGZN": "article", "NEWS": "article", "EJOUR": "article",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection",
    "RPRT": "techreport", "GOVDOC": "techreport", "THES": "phdthesis", "CONF": "inproceedings",
    "CPAPER": "inproceedings", "UNPB": "unpublished", "GEN": "misc", "ELEC": "misc", "WEB": "misc",
    "BLOG": "misc", "STAT": "misc", "BILL": "misc", "LEGAL": "misc", "DATA": "misc", "STAND": "misc",
}
_DONE = {
    "type_of_reference", "authors", "first_authors", "secondary_authors", "tertiary_authors", "title",
    "primary_title", "secondary_title", "tertiary_title", "journal_name", "alternate_title1", "alternate_title2",
    "alternate_title3", "year", "publication_year", "date", "volume", "number", "start_page", "end_page", "doi",
    "issn", "publisher", "place_published", "urls", "notes", "id", "edition", "keywords", "abstract",
    "end_of_reference", "unknown_tag", "language", "short_title", "custom3", "type_of_work", "access_date",
}
_SUFFIX = re.compile(r"^(jr|sr|jnr|snr|[ivx]+|\d+(st|nd|rd|th))\.?$", re.I)


def ris_person(name: str, notes: list[str]) -> str:
    """One RIS name (``Family, Given[, Suffix]``) as a BibTeX name."""
    name = name.strip()
    parts = [x.strip() for x in name.split(",")]
    if len(parts) >= 3 and _SUFFIX.match(parts[-1]):
        return f"{bib_escape(parts[0])}, {bib_escape(parts[-1])}, {bib_escape(', '.join(parts[1:-1]))}"
    if len(parts) >= 2:
        return person_bib(parts[0], ", ".join(parts[1:]))
    if " " in name:
        notes.append(f"RIS cannot mark an organisation: author '{name}' has no comma, read as an organisation")
        return person_bib(name, organisation=True)
    return person_bib(name)


def check_records(path: Path, text: str) -> list[int]:
    """The line of each record's ``TY`` tag; a record not closed by ``ER  -`` is an error naming its line."""
    starts: list[int] = []
    open_at = 0
    for i, ln in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*TY  -", ln):
            if open_at:
                raise SourceParseError(path, open_at, "RIS record not closed: 'ER  -' missing before the next "
                                       "'TY  -'", hint="the export is damaged: export it again")
            open_at = i
            starts.append(i)
        elif re.match(r"^\s*ER  -", ln):
            open_at = 0
    if open_at:
        raise SourceParseError(path, open_at, "RIS record not closed: the file ends before its 'ER  -' "
                               "(truncated?)", hint="the export is damaged: export it again")
    return starts


def _isbn_like(value: str) -> bool:
    digits = re.sub(r"[^0-9Xx]", "", value)
    return len(digits) in (10, 13) and not re.fullmatch(r"\d{4}-\d{3}[\dXx]", value.strip())


def _people(names: list[str], notes: list[str]) -> str:
    return braced(" and ".join(ris_person(a, notes) for a in names))


def read_ris(path: Path, text: str | None = None) -> ImportFile:
    """Read a RIS file with rispy. What RIS cannot carry (organisations, citation keys) is noted per entry."""
    import rispy

    text = read_text(path) if text is None else text
    text = text.lstrip("\ufeff")
    out = ImportFile(path, "ris")
    lines = check_records(path, text)
    try:
        records = rispy.loads(text)
    except Exception as exc:  # rispy raises IOError/ValueError subclasses on malformed input
        raise SourceParseError(path, 1, f"cannot read RIS: {exc}", hint="check the file is a RIS export") from None
    if len(records) != len(lines):
        raise SourceParseError(path, lines[0] if lines else 1, f"{len(lines)} 'TY  -' tags but {len(records)} "
                               "records read", hint="check the file is a RIS export")
    for i, r in enumerate(records):
        out.entries.append(_entry(path, lines[i], r))
    return out


def _entry(path: Path, line: int, r: dict) -> ImportedEntry:
    notes: list[str] = ["RIS has no citation key: the key comes from the pattern"] if not r.get("id") else []
    ty = r.get("type_of_reference", "GEN")
    etype = RIS_TYPES.get(ty)
    if etype is None:
        notes.append(f"RIS type {ty} has no BibTeX type: imported as @misc")
        etype = "misc"
    f: list[tuple[str, str]] = []
    authors = (r.get("authors") or []) + (r.get("first_authors") or [])
    eds, eds3 = r.get("secondary_authors") or [], r.get("tertiary_authors") or []
    if ty == "EDBOOK" and authors and not eds:
        authors, eds = [], authors  # EndNote: an edited book's AU are its editors
    if etype == "book" and not eds and eds3:
        eds, eds3 = eds3, []  # Zotero: an edited book's editors are A3
    if authors:
        f.append(("author", _people(authors, notes)))
    if eds and etype in ("incollection", "book", "inproceedings"):
        f.append(("editor", _people(eds, notes)))
    elif eds:
        f.append(("editor" if etype in ("techreport", "misc") else "editora", _people(eds, notes)))
    if eds3:
        f.append(("editora" if any(n == "editor" for n, _ in f) else "editor", _people(eds3, notes)))
        if f[-1][0] == "editora":
            f.append(("editoratype", "{series}"))
    title = r.get("title") or r.get("primary_title")
    if title:
        f.append(("title", braced(bib_escape(title))))
    t2 = r.get("secondary_title")
    journal = r.get("journal_name") or r.get("alternate_title3") or (t2 if etype == "article" else None)
    if journal:
        f.append(("journal", braced(bib_escape(journal))))
    if etype == "inproceedings" and r.get("custom3"):
        f.append(("booktitle", braced(bib_escape(r["custom3"]))))
        if t2:
            f.append(("eventtitle", braced(bib_escape(t2))))
    elif t2 and etype in ("incollection", "inproceedings"):
        f.append(("booktitle", braced(bib_escape(t2))))
    elif t2 and t2 != journal:
        f.append(("series", braced(bib_escape(t2))))
    elif r.get("custom3"):
        f.append(("rc3", braced(bib_escape(r["custom3"]))))
    if r.get("tertiary_title"):
        f.append(("series" if not any(n == "series" for n, _ in f) else "tertiary_title",
                  braced(bib_escape(r["tertiary_title"]))))
    for alt in ("alternate_title1", "alternate_title2"):
        if r.get(alt):
            f.append(("shortjournal" if alt == "alternate_title1" else alt, braced(bib_escape(r[alt]))))
    year = r.get("year") or r.get("publication_year") or ""
    m = re.search(r"\d{4}", year)
    if m:
        f.append(("year", braced(m.group(0))))
    elif year:
        notes.append(f"year '{year}' is not a year: kept as note")
    if r.get("date"):
        d = r["date"].strip().strip("/").replace("/", "-")
        if re.fullmatch(r"\d{4}(-\d{2}){0,2}", d) and d != (m.group(0) if m else ""):
            f.extend(date_fields(m.group(0) if m else "", d))
    if r.get("volume"):
        f.append(("volume", braced(bib_escape(r["volume"]))))
    number = r.get("number")
    sn = (r.get("issn") or "").strip()
    if etype == "techreport" and sn and not number:
        number, sn = sn, ""  # Zotero and EndNote write a report's number as SN
    if number:
        f.append(("number", braced(bib_escape(number))))
    sp, ep = r.get("start_page"), r.get("end_page")
    if sp:
        f.append(("pages", braced(bib_escape(sp) + (f"--{bib_escape(ep)}" if ep and ep != sp else ""))))
    if r.get("edition"):
        f.append(("edition", braced(bib_escape(r["edition"]))))
    if r.get("publisher"):
        f.append(("institution" if etype == "techreport" else "school" if etype == "phdthesis" else
                  "publisher", braced(bib_escape(r["publisher"]))))
    if r.get("type_of_work"):
        f.append(("type", braced(bib_escape(r["type_of_work"]))))
    if r.get("place_published"):
        f.append(("address", braced(bib_escape(r["place_published"]))))
    if r.get("doi"):
        f.append(("doi", braced(safe_url(r["doi"].strip()))))
    if sn:
        f.append(("isbn" if etype in ("book", "incollection") or _isbn_like(sn) else "issn", braced(bib_escape(sn))))
    urls = r.get("urls") or []
    if urls:
        f.append(("url", braced(safe_url(urls[0].strip()))))
        if len(urls) > 1:
            f.append(("urls", braced(bib_escape(" ".join(urls[1:])))))
    if r.get("access_date"):
        d = r["access_date"].strip().strip("/").replace("/", "-")
        f.append(("urldate", braced(bib_escape(d))))
    if ty in ("STAT", "BILL") and not r.get("type_of_work"):
        f.append(("type", "{Act}"))
    if r.get("keywords"):
        f.append(("keywords", braced(bib_escape(", ".join(r["keywords"])))))
    if r.get("language"):
        f.append(("language", braced(bib_escape(r["language"]))))
    if r.get("short_title"):
        f.append(("shorttitle", braced(bib_escape(r["short_title"]))))
    if r.get("abstract"):
        f.append(("abstract", braced(bib_escape(r["abstract"]))))
    notes_text = r.get("notes")
    if notes_text:
        lines = notes_text if isinstance(notes_text, list) else [notes_text]
        etype, lines = extra_note_fields(etype, f, [x for ln in lines for x in str(ln).splitlines()])
        if lines:
            f.append(("note", braced(bib_escape("; ".join(lines)))))
    for name, value in r.items():
        if name in _DONE or not value:
            continue
        value = "; ".join(value) if isinstance(value, list) else str(value)
        f.append((name, braced(bib_escape(value))))
    for tag, values in (r.get("unknown_tag") or {}).items():
        f.append(("ris" + tag.lower(), braced(bib_escape("; ".join(values)))))
    return ImportedEntry(path, line, etype, r.get("id"), tuple(f), tuple(notes))
