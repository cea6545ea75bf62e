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

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..files.bibsplit import plain_entries
from ..files.bibsplit import split as split_bibtex
from ..files.bibtex import Source, block_lines, parse_bibtex_text
from ..files.datadir import read_text

__all__ = [
    "CORE_FIELDS",
    "KEY_RULE",
    "MONTHS",
    "REQUIRED",
    "ImportFile",
    "ImportedEntry",
    "ascii_fold",
    "base_key",
    "bib_escape",
    "bib_value",
    "braced",
    "date_fields",
    "extra_note_fields",
    "has_field",
    "keeps_own_key",
    "key_for",
    "missing_fields",
    "next_free_key",
    "pattern_base",
    "person_bib",
    "read_bib",
    "safe_url",
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
    #: the entry decoded, where the import file's own parse already gives exactly what parsing ``text()`` would
    source: Source | None = field(default=None, compare=False, repr=False)

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
    unit: str = "line"  #: what entries' ``line`` counts: ``line``, or ``item`` (one-line JSON)


# ---------------------------------------------------------------- keys
#: letters NFKD does not decompose, transliterated as JabRef and Better BibTeX do (``Łuczak`` → ``luczak``)
_TRANSLIT = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                           "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "ı": "i", "ȷ": "j",
                           "þ": "th", "Þ": "Th", "ŋ": "ng", "Ŋ": "Ng", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
                           "ĸ": "k", "ſ": "s", "ƒ": "f", "ʻ": "", "’": "", "'": ""})


def ascii_fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: ``Müller-Lüdenscheidt`` → ``mullerludenscheidt``,
    ``Łuczak`` → ``luczak``, ``Ærø`` → ``aero``, ``Œuvre`` → ``oeuvre``, ``Aksın`` → ``aksin``."""
    text = text.translate(_TRANSLIT)
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
    names = [(p.family if p.organisation else p.family.split(",")[0], p.organisation) for p in people]
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
    base = pattern_base(source)
    rest = key[len(base):]
    return key.startswith(base) and len(rest) <= 2 and all("a" <= c <= "z" for c in rest)


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
    text = text.replace("%", "\\%").replace("&", "\\&").replace("--", "-{}-").replace("--", "-{}-")
    text = text.replace("\x00", "\\textbackslash{}")
    return " ".join(text.split())


def braced(text: str) -> str:
    return "{" + text + "}"


#: a note line that carries a field (``tex.seedfile: 000_ab.txt``: Better BibTeX's convention for Zotero's Extra
#: field, which partnergraph's RIS and CSL-JSON exports use for what those formats cannot carry)
_EXTRA_LINE = re.compile(r"^tex\.([A-Za-z][A-Za-z0-9_-]{0,63}):[ \t]?(.*)$")


def extra_note_fields(etype: str, fields: list[tuple[str, str]], note_lines: list[str]) -> tuple[str, list[str]]:
    """Fields carried as ``tex.NAME: value`` note lines added to ``fields`` (one the record already has stays
    as the record gives it); ``tex.entrytype`` is the entry type, ``tex.andothers: author`` ends that name list
    with "and others". Returns the entry type and the note's other lines.

    >>> f = [("author", "{Randall, J.}")]
    >>> extra_note_fields("misc", f, ["Cited twice.", "tex.seedfile: a.txt", "tex.andothers: author",
    ...                              "tex.entrytype: online"])
    ('online', ['Cited twice.'])
    >>> f
    [('author', '{Randall, J. and others}'), ('seedfile', '{a.txt}')]
    """
    rest = []
    for line in note_lines:
        m = _EXTRA_LINE.match(line.strip())
        if not m:
            rest.append(line)
            continue
        name, value = m.group(1).lower(), m.group(2).strip()
        have = {n for n, _ in fields}
        if name == "entrytype" and re.fullmatch(r"[a-z]{2,32}", value.lower()):
            etype = value.lower()
        elif name == "andothers":
            for which in (w.strip().lower() for w in value.split(",")):
                i = next((i for i, (n, _) in enumerate(fields) if n == which), None)
                if i is not None and not fields[i][1].rstrip("}").lower().endswith(" and others"):
                    fields[i] = (which, fields[i][1][:-1] + " and others}")
        elif name not in have and value:
            text = braced(safe_url(value) if name in ("url", "doi") else bib_escape(value))
            # the record's value under another name of the same slot (a publisher read as such that was an
            # organization): the line gives its name back
            i = next((i for i, (n, v) in enumerate(fields) if v == text and _SLOTS.get(n, n) == _SLOTS.get(name)),
                     None)
            if i is not None:
                fields[i] = (name, text)
            else:
                fields.append((name, text))
    return etype, rest


#: fields a format keeps in one place (RIS PB, CSL publisher …): a tex line may rename one of them
_SLOTS = {**dict.fromkeys(("publisher", "institution", "school", "organization"), "publisher"),
          **dict.fromkeys(("address", "location"), "place"),
          **dict.fromkeys(("journal", "journaltitle", "booktitle", "howpublished", "series"), "container"),
          **dict.fromkeys(("isbn", "issn", "number"), "number")}


def date_fields(year: str, iso: str) -> list[tuple[str, str]]:
    """A full date as BibTeX writes it beside its year (``month = jun``, ``day``), as ``sources.bib`` does; a
    date of another year stays ``date``."""
    parts = iso.split("-")
    if len(parts) < 2 or parts[0] != year or not 1 <= int(parts[1]) <= 12:
        return [("date", braced(iso))] if iso and iso != year else []
    out = [("month", MONTHS[int(parts[1]) - 1])]
    if len(parts) > 2:
        out.append(("day", braced(str(int(parts[2])))))
    return out


def person_bib(family: str, given: str = "", organisation: bool = False, suffix: str = "") -> str:
    """One name as BibTeX writes it: ``Family, Given``, ``Family, Jr., Given``, ``{Organisation Whole}``."""
    family, given, suffix = bib_escape(family), bib_escape(given), bib_escape(suffix)
    if organisation:
        return "{" + family + "}"
    # BibTeX splits names at the word "and" in any case ("Smith, AND Jo" is two names): such a part is braced
    family, given, suffix = (("{" + p + "}" if _AND_WORD.search(p) else p) for p in (family, given, suffix))
    if suffix:
        return f"{family}, {suffix}, {given}"
    if "," in given and not given.startswith("{"):
        given = "{" + given + "}"
    return f"{family}, {given}" if given else family


_AND_WORD = re.compile(r"(?<![^\s{}])and(?![^\s{}])", re.I)


def safe_url(text: str) -> str:
    """A URL or DOI as a BibTeX value: braces, backslashes and spaces percent-encoded (as a URL may carry
    them), so no URL can break an entry: ``a{b}`` → ``a%7Bb%7D``."""
    return (text.strip().replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
            .replace(" ", "%20")) if re.search(r"[{}\\ ]", text.strip()) else text.strip()


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
    if raw[:1] == "{" and raw[-1:] == "}" and "#" not in raw:
        return raw  # one braced piece: what the pieces below give back
    if raw.lower() in MONTHS:
        return raw.lower()
    pieces = _split_concat(raw) if "#" in raw else [raw]  # no '#': one piece, nothing concatenated
    return braced("".join(_piece(p, strings, notes) for p in pieces))


def read_bib(path: Path, text: str | None = None) -> ImportFile:
    """Read a .bib file (BibTeX or BibLaTeX). Bad blocks are reported as skipped with their line."""
    text = read_text(path) if text is None else text
    out = ImportFile(path, "bibtex")
    # one split serves both readings: the values as written (macros, quotes, concatenations) for the entries, and
    # the project's checks (braces, swallowed fields, duplicate keys), which finish the same split in place
    plain = plain_entries(text)  # a file of plain entries only: read without bibtexparser's objects
    if plain is not None:
        raw_strings: list[tuple[str, str]] = []
        raw_entries = [(etype, key, fields) for _, etype, key, fields, _ in plain[0]]
        entry_lines = [line for line, *_ in plain[0]]
        checked = parse_bibtex_text(text, path)
    else:
        lib = split_bibtex(text)
        raw_strings = [(s.key, str(s.value)) for s in lib.strings]
        raw_entries = [(e.entry_type, e.key, [(f.key, str(f.value)) for f in e.fields]) for e in lib.entries]
        lines = block_lines(text, lib.blocks)  # true lines (bibtexparser under-counts after LaTeX line breaks)
        entry_lines = [lines.get(id(e), (e.start_line or 0) + 1) for e in lib.entries]
        checked = parse_bibtex_text(text, path, split=lib)
    bad_lines = {f.line: f for f in checked.failures}
    for f in checked.failures:
        out.skipped.append((f.line, f.key or "", f.reason))
    decoded = {s.line: s for s in checked.sources}
    strings: dict[str, str] = {}
    for key, value in raw_strings:
        notes: list[str] = []
        strings[key.lower()] = bib_value(value, strings, notes)[1:-1]
    for line, (entry_type, key, raw_fields) in zip(entry_lines, raw_entries, strict=True):
        if line in bad_lines:
            continue
        notes = []
        fields: list[tuple[str, str]] = []
        seen: set[str] = set()
        as_written = True  # every value written {…} (or a number) and kept so: the file's parse is the entry's
        for name, raw in raw_fields:
            name = name.lower()
            if name in seen:
                continue
            seen.add(name)
            value = bib_value(raw, strings, notes)
            if name == "month" and value.startswith("{"):
                m = value[1:-1].strip().lower()[:3]
                value = m if m in MONTHS else value
            fields.append((name, value))
            as_written = as_written and (value == raw or (raw.isdigit() and value == "{" + raw + "}")) and (
                value.startswith("{"))
        src = decoded.get(line) if as_written and not notes else None
        out.entries.append(ImportedEntry(path, line, entry_type.lower(), key, tuple(fields), tuple(notes), src))
    return out
