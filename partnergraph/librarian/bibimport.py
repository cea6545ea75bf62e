"""Read what librarians export — BibTeX/BibLaTeX (Zotero Better BibTeX, JabRef), RIS and CSL-JSON — as BibTeX
entry text in the style of ``data/sources.bib``, with a citation key from the project's pattern.

The key pattern (as the bundled data uses it): the first author's family name (an organisation's whole name),
folded to lowercase ASCII letters and digits, followed by the year (``nd`` when there is none); the second work
with the same key gets ``a``, the third ``b``, … (``glasby2006``, ``glasby2006a``, ``glasby2006b``). With no
author, the editor, else the first three significant words of the title, stand in for the name. An imported
entry keeps its own key when that key is free and is the pattern's key for it, with or without a suffix
(``gray1989``, ``gray1989b``); any other key (``Gray1989``, ``grayCollaborating1989``, a Zotero item id) is
replaced by the pattern's key, and the report says so.

>>> base_key([("Müller", False)], "2004", "")
'muller2004'
>>> base_key([("Audit Commission", True)], "", "")
'auditcommissionnd'
>>> next_free_key("glasby2006", {"glasby2006", "glasby2006a"})
'glasby2006b'
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import SourceParseError
from ..files.bibtex import Source, parse_bibtex_text
from ..files.datadir import read_text

__all__ = [
    "CORE_FIELDS",
    "CSL_TYPES",
    "KEY_RULE",
    "MONTHS",
    "REQUIRED",
    "RIS_TYPES",
    "ImportFile",
    "ImportedEntry",
    "ascii_fold",
    "base_key",
    "bib_escape",
    "bib_value",
    "braced",
    "has_field",
    "keeps_own_key",
    "key_for",
    "missing_fields",
    "next_free_key",
    "pattern_base",
    "read_bib",
    "read_csl_json",
    "read_import",
    "read_ris",
    "status_fields",
]

#: a citation key the pattern accepts as it is
KEY_RULE = re.compile(r"^[a-z][a-z0-9]{0,63}$")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_STOP = {"a", "an", "the", "of", "and", "for", "in", "on", "to", "with", "at", "by", "from"}

#: required fields per entry type (BibTeX and BibLaTeX, as JabRef checks them); ``a|b`` means either
REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "proceedings": ("title", "year|date"),
    "techreport": ("author", "title", "institution", "year|date"),
    "report": ("author", "title", "institution", "year|date"),
    "phdthesis": ("author", "title", "school", "year|date"),
    "mastersthesis": ("author", "title", "school", "year|date"),
    "thesis": ("author", "title", "school|institution", "year|date"),
    "manual": ("title",),
    "unpublished": ("author", "title"),
    "online": ("title", "url|doi"),
    "misc": (),
}
#: what a complete entry has whatever its type: who, what, when
CORE_FIELDS = ("author|editor|organization|institution", "title", "year|date")


@dataclass(frozen=True, slots=True)
class ImportedEntry:
    """One entry read from an import file, as BibTeX field texts (``{…}`` or a bare month macro)."""

    path: Path
    line: int
    entry_type: str
    key: str | None
    fields: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()

    def text(self, key: str, extra: tuple[tuple[str, str], ...] = ()) -> str:
        """The entry as BibTeX text in the style of ``sources.bib`` (``  name = {value},`` lines)."""
        lines = [f"@{self.entry_type}{{{key},"]
        items = list(self.fields) + list(extra)
        for i, (name, value) in enumerate(items):
            lines.append(f"  {name} = {value}" + ("," if i < len(items) - 1 else ""))
        lines.append("}")
        return "\n".join(lines) + "\n"

    def names(self) -> set[str]:
        return {n for n, _ in self.fields}


@dataclass(slots=True)
class ImportFile:
    """The result of reading one import file: entries in file order, and blocks that could not be read."""

    path: Path
    format: str
    entries: list[ImportedEntry] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (line, key or "", reason)


# ---------------------------------------------------------------- keys
def ascii_fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: ``Müller-Lüdenscheidt`` → ``mullerludenscheidt``."""
    text = text.replace("ß", "ss").replace("æ", "ae").replace("ø", "o").replace("Ø", "O").replace("đ", "d")
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def base_key(names: list[tuple[str, bool]], year: str, title: str) -> str:
    """The pattern's key before disambiguation; ``names`` are (family name or organisation, is_organisation)."""
    who = ascii_fold(names[0][0]) if names else ""
    if not who:
        words = [w for w in re.findall(r"\w+", title.lower()) if w not in _STOP]
        who = ascii_fold("".join(words[:3])) or "anon"
    if not who[0].isalpha():
        who = "x" + who
    m = re.search(r"\d{4}", year or "")
    return who[:56] + (m.group(0) if m else "nd")


def next_free_key(base: str, taken: set[str]) -> str:
    """``base`` if free, else ``base`` + a, b, …, z, aa, ab, … (``taken`` compared in lowercase)."""
    if base.lower() not in taken:
        return base
    n = 0
    while True:
        suffix, k = "", n
        while True:
            suffix = chr(97 + k % 26) + suffix
            k = k // 26 - 1
            if k < 0:
                break
        if (base + suffix).lower() not in taken:
            return base + suffix
        n += 1


def pattern_base(source: Source) -> str:
    """The pattern's key for ``source`` before disambiguation."""
    people = source.authors or source.editors
    names = [(p.family, p.organisation) for p in people]
    if not names:
        org = source.get("organization") or source.get("institution")
        names = [(org, True)] if org and not source.title else []
    return base_key(names, source.year, source.title)


def key_for(source: Source, taken: set[str]) -> str:
    """The key ``source`` gets under the pattern, given the keys already ``taken`` (lowercase)."""
    return next_free_key(pattern_base(source), taken)


def keeps_own_key(key: str | None, source: Source, taken: set[str]) -> bool:
    """An imported key is kept when it is free and is the pattern's key (with or without a suffix a, b, …)."""
    if not key or key.lower() in taken or not KEY_RULE.match(key):
        return False
    return re.fullmatch(re.escape(pattern_base(source)) + r"[a-z]{0,2}", key) is not None


# ---------------------------------------------------------------- completeness
def has_field(names: set[str] | dict, spec: str) -> bool:
    return any(alt in names for alt in spec.split("|"))


def missing_fields(entry_type: str, names: set[str] | dict) -> list[str]:
    """Required and core fields an entry lacks (first alternative named), in a stable order."""
    out: list[str] = []
    for spec in CORE_FIELDS + REQUIRED.get(entry_type, ()):
        if not has_field(names, spec):
            first = spec.split("|")[0]
            if first not in out:
                out.append(first)
    return out


def status_fields(entry: ImportedEntry) -> tuple[tuple[str, str], ...]:
    """``status`` (and ``missing``) for an imported entry, unless it carries its own."""
    names = entry.names()
    if "status" in names:
        return ()
    miss = missing_fields(entry.entry_type, names)
    if not miss:
        return (("status", "{complete}"),)
    return (("status", "{incomplete}"), ("missing", "{" + ", ".join(miss) + "}"))


# ---------------------------------------------------------------- text helpers
def bib_escape(text: str) -> str:
    """Plain text (RIS, CSL-JSON) to a BibTeX value body: braces, backslashes, ``$ ~ % &`` escaped."""
    text = text.replace("\\", "\x00")
    text = text.replace("{", "\\{").replace("}", "\\}").replace("$", "\\$").replace("~", "\\textasciitilde{}")
    text = text.replace("%", "\\%").replace("&", "\\&")
    text = text.replace("\x00", "\\textbackslash{}")
    return " ".join(text.split())


def braced(text: str) -> str:
    return "{" + text + "}"


def _person_bib(family: str, given: str = "", organisation: bool = False) -> str:
    family, given = bib_escape(family), bib_escape(given)
    if organisation or (" and " in family.lower()):
        return "{" + family + "}"
    return f"{family}, {given}" if given else family


# ---------------------------------------------------------------- BibTeX / BibLaTeX
def _split_concat(raw: str) -> list[str]:
    parts, depth, quote, start = [], 0, False, 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0 and (i == 0 or raw[i - 1] != "\\"):
            quote = not quote
        elif ch == "#" and depth == 0 and not quote:
            parts.append(raw[start:i].strip())
            start = i + 1
    parts.append(raw[start:].strip())
    return parts


def _piece(piece: str, strings: dict[str, str], notes: list[str]) -> str:
    if piece.startswith("{") and piece.endswith("}"):
        return piece[1:-1]
    if piece.startswith('"') and piece.endswith('"'):
        return piece[1:-1]
    if piece.lower() in strings:
        return strings[piece.lower()]
    if piece.isdigit():
        return piece
    if piece.lower()[:3] in MONTHS:
        return piece
    notes.append(f"@string macro '{piece}' is not defined: kept as text")
    return piece


def bib_value(raw: str, strings: dict[str, str], notes: list[str]) -> str:
    """A field value as written in an import file → a value for sources.bib: ``@string`` macros expanded,
    ``"…"`` and concatenations turned into one ``{…}``; a lone month macro (``aug``) stays bare."""
    raw = raw.strip()
    if raw.lower() in MONTHS:
        return raw.lower()
    pieces = _split_concat(raw)
    return braced("".join(_piece(p, strings, notes) for p in pieces))


def read_bib(path: Path, text: str | None = None) -> ImportFile:
    """Read a .bib file (BibTeX or BibLaTeX). Bad blocks are reported as skipped with their line."""
    import bibtexparser

    text = read_text(path) if text is None else text
    out = ImportFile(path, "bibtex")
    checked = parse_bibtex_text(text, path)  # the project's checks: braces, swallowed fields, duplicate keys
    bad_lines = {f.line: f for f in checked.failures}
    for f in checked.failures:
        out.skipped.append((f.line, f.key or "", f.reason))
    lib = bibtexparser.parse_string(text, parse_stack=[])
    strings: dict[str, str] = {}
    for s in lib.strings:
        notes: list[str] = []
        strings[s.key.lower()] = bib_value(s.value, strings, notes)[1:-1]
    for e in lib.entries:
        line = (e.start_line or 0) + 1
        if line in bad_lines:
            continue
        notes = []
        fields: list[tuple[str, str]] = []
        seen: set[str] = set()
        for f in e.fields:
            name = f.key.lower()
            if name in seen:
                continue
            seen.add(name)
            value = bib_value(str(f.value), strings, notes)
            if name == "month" and value.startswith("{"):
                m = value[1:-1].strip().lower()[:3]
                value = m if m in MONTHS else value
            fields.append((name, value))
        out.entries.append(ImportedEntry(path, line, e.entry_type.lower(), e.key, tuple(fields), tuple(notes)))
    return out


# ---------------------------------------------------------------- RIS
RIS_TYPES = {
    "JOUR": "article", "JFULL": "article", "MGZN": "article", "NEWS": "article", "EJOUR": "article",
    "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "incollection", "ECHAP": "incollection",
    "RPRT": "techreport", "GOVDOC": "techreport", "THES": "phdthesis", "CONF": "inproceedings",
    "CPAPER": "inproceedings", "UNPB": "unpublished", "GEN": "misc", "ELEC": "misc", "WEB": "misc",
    "BLOG": "misc", "STAT": "misc", "BILL": "misc", "LEGAL": "misc", "DATA": "misc", "STAND": "misc",
}
_RIS_DONE = {
    "type_of_reference", "authors", "first_authors", "secondary_authors", "title", "primary_title",
    "secondary_title", "tertiary_title", "journal_name", "alternate_title1", "alternate_title2",
    "alternate_title3", "year", "publication_year", "date", "volume", "number", "start_page", "end_page", "doi",
    "issn", "publisher", "place_published", "urls", "notes", "id", "edition", "keywords", "abstract",
    "end_of_reference", "unknown_tag", "language", "short_title",
}


def _ris_person(name: str, notes: list[str]) -> str:
    name = name.strip()
    if "," in name:
        family, given = (x.strip() for x in name.split(",", 1))
        return _person_bib(family, given)
    if " " in name:
        notes.append(f"RIS cannot mark an organisation: author '{name}' has no comma, read as an organisation")
        return _person_bib(name, organisation=True)
    return _person_bib(name)


def _isbn_like(value: str) -> bool:
    digits = re.sub(r"[^0-9Xx]", "", value)
    return len(digits) in (10, 13) and not re.fullmatch(r"\d{4}-\d{3}[\dXx]", value.strip())


def _ris_lines(text: str) -> list[int]:
    return [i + 1 for i, ln in enumerate(text.splitlines()) if re.match(r"^\s*TY  - ", ln)]


def read_ris(path: Path, text: str | None = None) -> ImportFile:
    """Read a RIS file with rispy. What RIS cannot carry (organisations, citation keys) is noted per entry."""
    import rispy

    text = read_text(path) if text is None else text
    out = ImportFile(path, "ris")
    try:
        records = rispy.loads(text.lstrip("\ufeff"))
    except Exception as exc:  # rispy raises IOError/ValueError subclasses on malformed input
        raise SourceParseError(path, 1, f"cannot read RIS: {exc}", hint="check the file is a RIS export") from None
    lines = _ris_lines(text)
    for i, r in enumerate(records):
        line = lines[i] if i < len(lines) else 1
        notes: list[str] = ["RIS has no citation key: the key comes from the pattern"] if not r.get("id") else []
        ty = r.get("type_of_reference", "GEN")
        etype = RIS_TYPES.get(ty)
        if etype is None:
            notes.append(f"RIS type {ty} has no BibTeX type: imported as @misc")
            etype = "misc"
        f: list[tuple[str, str]] = []
        authors = (r.get("authors") or []) + (r.get("first_authors") or [])
        if authors:
            f.append(("author", braced(" and ".join(_ris_person(a, notes) for a in authors))))
        eds = r.get("secondary_authors") or []
        if eds and etype in ("incollection", "book", "inproceedings"):
            f.append(("editor", braced(" and ".join(_ris_person(a, notes) for a in eds))))
        elif eds:
            f.append(("secondary_authors", braced(bib_escape("; ".join(eds)))))
        title = r.get("title") or r.get("primary_title")
        if title:
            f.append(("title", braced(bib_escape(title))))
        t2 = r.get("secondary_title")
        journal = r.get("journal_name") or r.get("alternate_title3") or (t2 if etype == "article" else None)
        if journal:
            f.append(("journal", braced(bib_escape(journal))))
        if t2 and etype in ("incollection", "inproceedings"):
            f.append(("booktitle", braced(bib_escape(t2))))
        elif t2 and t2 != journal:
            f.append(("series", braced(bib_escape(t2))))
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
                f.append(("date", braced(d)))
        if r.get("volume"):
            f.append(("volume", braced(bib_escape(r["volume"]))))
        if r.get("number"):
            f.append(("number", braced(bib_escape(r["number"]))))
        sp, ep = r.get("start_page"), r.get("end_page")
        if sp:
            f.append(("pages", braced(bib_escape(sp) + (f"--{bib_escape(ep)}" if ep and ep != sp else ""))))
        if r.get("edition"):
            f.append(("edition", braced(bib_escape(r["edition"]))))
        if r.get("publisher"):
            f.append(("institution" if etype == "techreport" else "school" if etype == "phdthesis" else
                      "publisher", braced(bib_escape(r["publisher"]))))
        if r.get("place_published"):
            f.append(("address", braced(bib_escape(r["place_published"]))))
        if r.get("doi"):
            f.append(("doi", braced(r["doi"].strip())))
        if r.get("issn"):
            sn = r["issn"].strip()
            f.append(("isbn" if etype in ("book", "incollection") or _isbn_like(sn) else "issn", braced(sn)))
        urls = r.get("urls") or []
        if urls:
            f.append(("url", braced(urls[0].strip())))
            if len(urls) > 1:
                f.append(("urls", braced(bib_escape(" ".join(urls[1:])))))
        if ty in ("STAT", "BILL"):
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
            f.append(("note", braced(bib_escape("; ".join(notes_text) if isinstance(notes_text, list)
                                                else notes_text))))
        for name, value in r.items():
            if name in _RIS_DONE or not value:
                continue
            value = "; ".join(value) if isinstance(value, list) else str(value)
            f.append((name, braced(bib_escape(value))))
        for tag, values in (r.get("unknown_tag") or {}).items():
            f.append(("ris" + tag.lower(), braced(bib_escape("; ".join(values)))))
        out.entries.append(ImportedEntry(path, line, etype, r.get("id"), tuple(f), tuple(notes)))
    return out


# ---------------------------------------------------------------- CSL-JSON
CSL_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "book": "book", "chapter": "incollection", "report": "techreport", "thesis": "phdthesis",
    "paper-conference": "inproceedings", "manuscript": "unpublished", "webpage": "misc", "post-weblog": "misc",
    "post": "misc", "legislation": "misc", "bill": "misc", "dataset": "misc", "article": "misc",
    "document": "misc", "standard": "misc",
}
_CSL_SIMPLE = {
    "title": "title", "volume": "volume", "issue": "number", "DOI": "doi", "ISBN": "isbn", "ISSN": "issn",
    "publisher-place": "address", "URL": "url", "note": "note", "abstract": "abstract", "language": "language",
    "edition": "edition", "collection-title": "series", "title-short": "shorttitle",
    "container-title-short": "shortjournal", "genre": "type", "keyword": "keywords", "chapter-number": "chapter",
}


def _csl_people(people, notes: list[str]) -> str:
    out = []
    for p in people:
        if not isinstance(p, dict):
            out.append(_person_bib(str(p), organisation=True))
        elif "literal" in p:
            out.append(_person_bib(p["literal"], organisation=True))
        else:
            family = " ".join(x for x in (p.get("non-dropping-particle", ""), p.get("family", "")) if x)
            given = " ".join(x for x in (p.get("given", ""), p.get("dropping-particle", "")) if x)
            if p.get("suffix"):
                notes.append(f"name suffix '{p['suffix']}' of {family} dropped (BibTeX 'Jr' part not written)")
            out.append(_person_bib(family, given))
    return braced(" and ".join(out))


def _csl_date(value) -> tuple[str, str]:
    """(year, ISO date or '') from a CSL date object."""
    if not isinstance(value, dict):
        return "", ""
    parts = (value.get("date-parts") or [[]])[0]
    if parts and str(parts[0]).strip():
        nums = [int(x) for x in parts if str(x).strip().lstrip("-").isdigit()]
        if nums:
            iso = "-".join([f"{nums[0]:04d}"] + [f"{n:02d}" for n in nums[1:3]])
            return f"{nums[0]:04d}", iso
    m = re.search(r"\d{4}", str(value.get("raw", "") or value.get("literal", "")))
    return (m.group(0), "") if m else ("", "")


def read_csl_json(path: Path, text: str | None = None) -> ImportFile:
    """Read a CSL-JSON export (a list of items, or one item)."""
    text = read_text(path) if text is None else text
    out = ImportFile(path, "csl-json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceParseError(path, exc.lineno, f"not valid JSON: {exc.msg}",
                               hint="a CSL-JSON export is a JSON list of items") from None
    items = data if isinstance(data, list) else [data]
    starts = [i + 1 for i, ln in enumerate(text.splitlines()) if re.match(r"^\s*\{", ln)]
    if len(starts) < len(items):
        starts = [1] * len(items)
    for i, item in enumerate(items):
        line = starts[i]
        if not isinstance(item, dict):
            out.skipped.append((line, "", "not a CSL item (a JSON object)"))
            continue
        notes: list[str] = []
        ctype = str(item.get("type", ""))
        etype = CSL_TYPES.get(ctype)
        if etype is None:
            notes.append(f"CSL type '{ctype}' has no BibTeX type: imported as @misc")
            etype = "misc"
        f: list[tuple[str, str]] = []
        if item.get("author"):
            f.append(("author", _csl_people(item["author"], notes)))
        if item.get("editor"):
            f.append(("editor", _csl_people(item["editor"], notes)))
        for var, name in (("title", "title"),):
            if item.get(var):
                f.append((name, braced(bib_escape(str(item[var])))))
        container = item.get("container-title")
        if container:
            f.append(("journal" if etype == "article" else "booktitle" if etype in ("incollection",
                      "inproceedings") else "howpublished", braced(bib_escape(str(container)))))
        year, iso = _csl_date(item.get("issued"))
        if year:
            f.append(("year", braced(year)))
            if len(iso) > 4:
                f.append(("date", braced(iso)))
        if item.get("page"):
            f.append(("pages", braced(re.sub(r"\s*[-\u2013]+\s*", "--", bib_escape(str(item["page"]))))))
        if item.get("publisher"):
            f.append(("institution" if etype == "techreport" else "school" if etype == "phdthesis" else
                      "publisher", braced(bib_escape(str(item["publisher"])))))
        if item.get("number"):
            f.append(("number", braced(bib_escape(str(item["number"])))))
        if ctype in ("legislation", "bill"):
            f.append(("type", "{Act}"))
        if ctype == "article":
            f.append(("pubstate", "{preprint}"))
            notes.append("CSL type 'article' (a preprint) imported as @misc with pubstate = {preprint}")
        accessed = _csl_date(item.get("accessed"))[1]
        if accessed:
            f.append(("urldate", braced(accessed)))
        done = {"id", "citation-key", "type", "author", "editor", "title", "container-title", "issued", "page",
                "publisher", "number", "accessed"}
        for var, value in item.items():
            if var in done or value in (None, "", [], {}):
                continue
            if var in _CSL_SIMPLE and not isinstance(value, (dict, list)):
                f.append((_CSL_SIMPLE[var], braced(var == "URL" and str(value) or var == "DOI" and str(value)
                                                   or bib_escape(str(value)))))
                continue
            name = var.lower() if re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", var) else "csl"
            text_value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            f.append((name, braced(bib_escape(str(text_value)))))
        key = item.get("citation-key") or (str(item["id"]) if item.get("id") is not None else None)
        out.entries.append(ImportedEntry(path, line, etype, key, tuple(f), tuple(notes)))
    return out


def read_import(path: str | Path) -> ImportFile:
    """Read an import file by its extension: ``.bib``, ``.ris`` (also ``.txt`` RIS), ``.json`` (CSL-JSON)."""
    path = Path(path)
    if not path.exists():
        raise SourceParseError(path, None, "no such file", hint="give a .bib, .ris or .json (CSL-JSON) file")
    suffix = path.suffix.lower()
    if suffix in (".bib", ".bibtex", ".biblatex"):
        return read_bib(path)
    if suffix == ".ris":
        return read_ris(path)
    if suffix in (".json", ".csl", ".csljson"):
        return read_csl_json(path)
    text = read_text(path)
    if re.search(r"^TY  - ", text, re.M):
        return read_ris(path, text)
    if text.lstrip().startswith(("[", "{")) and not text.lstrip().startswith("{\\"):
        return read_csl_json(path, text)
    return read_bib(path, text)
