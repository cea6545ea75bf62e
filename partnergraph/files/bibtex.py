"""BibTeX text → sources: parse ``sources.bib`` with bibtexparser 2 and check what it silently lets through
(the triples each source becomes are made in :mod:`partnergraph.store.bibrdf`).

May import: ``partnergraph.core`` and the other ``partnergraph.files`` modules.

>>> lib = parse_bibtex_text('@article{gray1989, author = {Gray, Barbara}, title = {Collaborating}, year = 1989}')
>>> lib.sources[0].key, lib.sources[0].year, lib.sources[0].authors[0].family
('gray1989', '1989', 'Gray')
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import SourceParseError
from ..core.text import CONTROL
from . import bibsplit
from .datadir import read_text

__all__ = [
    "NAME_MACROS",
    "STATUS_VALUES",
    "BibFailure",
    "BibLibrary",
    "Person",
    "Source",
    "decode_latex",
    "block_lines",
    "key_list",
    "parse_bibtex",
    "parse_bibtex_text",
    "split_people",
]

STATUS_VALUES = {"complete": "Complete", "incomplete": "Incomplete", "unidentified": "Unidentified"}

_FIELD_START = re.compile(r"[,\n]\s*[A-Za-z][A-Za-z0-9_:.+-]*\s*=\s*[{\"]")
_NEEDS_LATEX = re.compile(r"[\\{}~$]|--")
#: the quote ligatures pylatexenc would turn into “ ” ¡ ¿ (two backticks, two apostrophes, !` and ?`), unless escaped
_QUOTE_LIGATURE = re.compile(r"(?<!\\)(`(?=`)|'(?=')|[!?](?=`))")


@dataclass(frozen=True, slots=True)
class Person:
    """One author or editor: a person (family and given names) or an organisation kept whole."""

    family: str
    given: str = ""
    organisation: bool = False

    def __reduce__(self):  # 10× faster to pickle than a slotted dataclass's default (the cache holds 100k)
        return (Person, (self.family, self.given, self.organisation))

    @property
    def display(self) -> str:
        return self.family if self.organisation or not self.given else f"{self.family}, {self.given}"


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of a bibliography, decoded to Unicode, with where it stands in its file (1-based lines)."""

    key: str
    entry_type: str
    fields: dict[str, str]
    line: int
    end_line: int
    authors: tuple[Person, ...] = ()
    editors: tuple[Person, ...] = ()
    et_al: bool = False
    raw: str = field(default="", repr=False, compare=False)

    def __reduce__(self):
        return (Source, (self.key, self.entry_type, self.fields, self.line, self.end_line, self.authors,
                         self.editors, self.et_al, self.raw))

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def year(self) -> str:
        y = self.fields.get("year") or self.fields.get("date", "")[:4]
        return y

    @property
    def status(self) -> str:
        """``Complete``, ``Incomplete`` or ``Unidentified`` (from the ``status`` field, else inferred)."""
        given = self.fields.get("status", "").strip().lower()
        if given in STATUS_VALUES:
            return STATUS_VALUES[given]
        return "Complete" if self.authors and self.title and self.year else "Incomplete"

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(m.strip() for m in self.fields.get("missing", "").split(",") if m.strip())

    @property
    def short_citation(self) -> str:
        """``Gray 1989``, ``Dowling et al. 2004``, ``Audit Commission 2005``, ``ref. 17 of wildridgereview``."""
        if not self.authors:
            if self.fields.get("refnumber"):
                via = self.fields.get("citedin", "")
                return f"ref. {self.fields['refnumber']}" + (f" of {via}" if via else "")
            name = self.title[:40] or self.key
        elif len(self.authors) == 1:
            name = self.authors[0].family + (" et al." if self.et_al else "")
        elif len(self.authors) == 2 and not self.et_al:
            name = f"{self.authors[0].family} and {self.authors[1].family}"
        else:
            name = f"{self.authors[0].family} et al."
        return f"{name} {self.year}".strip() if self.year else name


@dataclass(frozen=True, slots=True)
class BibFailure:
    """A block that could not be read: 1-based line, key if known, and why."""

    line: int
    key: str | None
    reason: str


@dataclass(slots=True)
class BibLibrary:
    """The result of reading a bibliography: sources in file order, and failures (never silently dropped)."""

    path: Path | None
    sources: list[Source]
    failures: list[BibFailure]

    def raise_first(self) -> None:
        if self.failures:
            f = self.failures[0]
            more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
            raise SourceParseError(
                self.path or "<bibtex>", f.line, f.reason + more,
                hint="fix the entry (run 'partnergraph bib lint' to list every problem)",
            )

    def by_key(self) -> dict[str, Source]:
        return {s.key: s for s in self.sources}


#: macros that name things: decoded to their names, never to '' (``{\\TeX}`` is the word TeX)
NAME_MACROS = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "BibLaTeX": "BibLaTeX",
               "biblatex": "biblatex", "XeTeX": "XeTeX", "LuaTeX": "LuaTeX", "ConTeXt": "ConTeXt", "AmS": "AMS",
               "AMSTeX": "AMS-TeX", "MF": "METAFONT", "MP": "METAPOST", "eTeX": "e-TeX", "pdfTeX": "pdfTeX"}


@lru_cache(maxsize=1)
def _latex() -> Any:
    """pylatexenc's converter with the name macros, ``\\noopsort{…}`` (a sort hint: dropped with its argument)
    and every unknown macro kept as its name (``\\Thanh`` → ``Thanh``) instead of dropped."""
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category("partnergraph", prepend=True,
                            macros=[MacroTextSpec(k, v) for k, v in NAME_MACROS.items()]
                            + [MacroTextSpec("noopsort", ""), MacroTextSpec("url", "%s")])
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=lambda n, *_: n.macroname))
    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category("partnergraph", prepend=True, macros=[macrospec.MacroSpec("noopsort", "{")])
    converter = LatexNodes2Text(latex_context=db, strict_latex_spaces=True)

    def to_text(value: str) -> str:
        nodes = latexwalker.LatexWalker(value, latex_context=walker_db, tolerant_parsing=True).get_latex_nodes()[0]
        return converter.nodelist_to_text(nodes)

    return to_text


_COMBINING = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
              ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
              "r": "\u030a"}
#: the accents of names (``{\\"u}``, ``\\'{e}``, ``\\'\\i``, ``\\v{s}``): decoded without pylatexenc, to the same text
_ACCENT = re.compile(r"""\\(?:(["'`^~=.])(?:\{(\\i|[A-Za-z])\}|(\\i(?![A-Za-z])|[A-Za-z]))"""
                     r"""|([cvHukr])\{(\\i|[A-Za-z])\})""")


def _accent(m: re.Match) -> str:
    ch = m.group(2) or m.group(3) or m.group(5)
    return unicodedata.normalize("NFC", ("i" if ch == "\\i" else ch) + _COMBINING[m.group(1) or m.group(4)])


@lru_cache(maxsize=65536)
def decode_latex(value: str) -> str:
    """LaTeX accents, braces and dashes to Unicode: ``M{\\"u}ller -- 3--19`` → ``Müller – 3–19``."""
    if not _NEEDS_LATEX.search(value):
        return value
    if "\\" not in value and "$" not in value and "~" not in value:  # dashes first: ``-{}-`` is two hyphens
        out = value.replace("---", "\u2014").replace("--", "\u2013")
        return out.replace("{", "").replace("}", "")
    if "$" not in value and "~" not in value:
        # accents alone (most names): the same text pylatexenc gives, 100× faster
        out = _ACCENT.sub(_accent, value)
        if "\\" not in out and "~" not in out:
            out = out.replace("---", "\u2014").replace("--", "\u2013")
            return out.replace("{", "").replace("}", "").strip()
    try:  # quotes stay as typed (``''``, a backtick), as on the fast path: pylatexenc would make ligatures of them
        return _latex()(_QUOTE_LIGATURE.sub(r"\1{}", value)).strip()
    except Exception:  # pylatexenc is lenient; keep the raw value rather than lose it
        return value


def split_people(value: str) -> tuple[tuple[Person, ...], bool]:
    """Split a BibTeX name list; ``{Audit Commission}`` stays one organisation; ``and others`` sets et al."""
    from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

    people: list[Person] = []
    et_al = False
    if "{" in value or "}" in value or "\\" in value:
        names = _split_braced_names(value)
    else:  # no braces or escapes: bibtexparser's split is a split on a whitespace-delimited 'and'
        value = value.strip(" \r\n\t")
        names = _AND.split(value) if value else []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name.lower() == "others":
            et_al = True
            continue
        if name.startswith("{") and name.endswith("}") and _balanced(name[1:-1]):
            people.append(Person(decode_latex(name[1:-1]).strip(), organisation=True))
            continue
        simple = _simple_name(name)
        if simple:  # "Family, Given": what bibtexparser's name parser gives, without it (a third of the parse)
            people.append(Person(decode_latex(simple[0]).strip(), decode_latex(simple[1]).strip()))
            continue
        try:
            parts = parse_single_name_into_parts(name)
        except InvalidNameError:
            people.append(Person(decode_latex(name)))
            continue
        family = " ".join(parts.von + parts.last) + (", " + " ".join(parts.jr) if parts.jr else "")
        people.append(Person(decode_latex(family).strip(), decode_latex(" ".join(parts.first)).strip()))
    return tuple(people), et_al


_NOT_BRACE = re.compile(r"[^{}]+")


_BIBTEX_SPACE = re.compile(r"[ \t\r\n]+")
_AND = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")


def _split_braced_names(value: str) -> list[str]:
    """Split a name list on the words ``and`` outside braces (``\\{``/``\\}`` are letters, not braces).

    bibtexparser's own splitter drops a name that starts with an escape right after ``and``
    (``A, B and \\&, C`` gives ``', C'``); this keeps it.

    >>> _split_braced_names(r"0, 0 and \\&, 0")
    ['0, 0', '\\\\&, 0']
    >>> _split_braced_names("{Audit and Inspection} and Smith, J")
    ['{Audit and Inspection}', 'Smith, J']
    """
    words: list[str] = []
    word: list[str] = []
    depth = 0
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            word.append(value[i : i + 2])
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
        if depth == 0 and ch in " \t\r\n":
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(ch)
        i += 1
    if word:
        words.append("".join(word))
    names: list[str] = []
    current: list[str] = []
    for w in words:
        if w.lower() == "and":
            names.append(" ".join(current))
            current = []
        else:
            current.append(w)
    names.append(" ".join(current))
    return [n for n in names if n]


def _simple_name(name: str) -> tuple[str, str] | None:
    """``von Last, First`` with no braces, escapes or ties: (family, given) split as bibtexparser splits them."""
    if name.count(",") != 1 or "{" in name or "}" in name or "\\" in name or "~" in name:
        return None
    family, given = (part.strip(" \t\r\n") for part in name.split(","))
    if not family or not given:
        return None
    return " ".join(_BIBTEX_SPACE.split(family)), " ".join(_BIBTEX_SPACE.split(given))


def _balanced(text: str) -> bool:
    depth = 0
    for ch in _NOT_BRACE.sub("", text):  # only the braces: an entry has a few dozen, not hundreds of characters
        depth += 1 if ch == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _check_raw(raw: str) -> str | None:
    """Catch what bibtexparser lets through: unbalanced braces, fields merged by a missing comma."""
    if not _balanced(raw.replace("\\{", "").replace("\\}", "")):
        return "unbalanced braces"
    return None


def parse_bibtex_text(text: str, path: Path | None = None, *, split=None, decode: bool = True) -> BibLibrary:
    """Parse BibTeX text. Every failed block, duplicate key and suspicious value becomes a :class:`BibFailure`.

    The same text is parsed once per process (a write checks the file, then edits it): the result is memoised on
    the text's hash and handed out as a fresh :class:`BibLibrary` whose lists the caller may change.
    ``split``: bibtexparser's library of ``text`` as its splitter left it (:func:`bibsplit.split`,
    for a caller that needs the values as written too); it is finished in place, not split again.
    ``decode=False``: the same failures, keys and lines, but the sources' fields as written (LaTeX not decoded)
    and no names split — for a check that needs no more.
    """
    memo_key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest(), str(path), decode)
    hit = _PARSED.get(memo_key)
    if hit is None and not decode:
        hit = _PARSED.get(memo_key[:2] + (True,))  # a decoded parse answers too
    if hit is None:
        hit = _parse_bibtex_text(text, path, split, decode)
        _PARSED[memo_key] = hit
        while len(_PARSED) > 4:
            _PARSED.pop(next(iter(_PARSED)))
    return BibLibrary(hit.path, list(hit.sources), list(hit.failures))


_PARSED: dict[tuple[bytes, str, bool], BibLibrary] = {}


def _parse_bibtex_text(text: str, path: Path | None, split=None, decode: bool = True) -> BibLibrary:
    if split is None:
        plain = _plain_library(text, path, decode)
        if plain is not None:
            return plain
    from bibtexparser.entrypoint import default_parse_stack
    from bibtexparser.model import (
        DuplicateBlockKeyBlock,
        DuplicateFieldKeyBlock,
        ImplicitComment,
        ParsingFailedBlock,
    )

    quiet = logging.getLogger("bibtexparser")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # failures are collected below, not logged
    try:  # what bibtexparser.parse_string(text) does: split, then its default middlewares
        library = bibsplit.split(text) if split is None else split
        for middleware in default_parse_stack(allow_inplace_modification=True):
            library = middleware.transform(library=library)
    finally:
        quiet.setLevel(level)
    failures: list[BibFailure] = []
    lines = block_lines(text, library.blocks)
    for m in CONTROL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        failures.append(BibFailure(line, None, f"control character U+{ord(m.group()):04X} in the text "
                                               "(no field may hold one)"))
        break
    for block in library.failed_blocks:
        line = lines.get(id(block), (block.start_line or 0) + 1)
        key = getattr(getattr(block, "ignore_error_block", None), "key", None)
        if isinstance(block, DuplicateBlockKeyBlock):
            failures.append(BibFailure(line, block.key, f"duplicate citation key '{block.key}'" if block.key else
                                       "an entry without a citation key"))
        elif isinstance(block, DuplicateFieldKeyBlock):
            names = re.findall(r"'([^']+)'", str(getattr(block, "error", "")))
            failures.append(BibFailure(line, key, f"entry '{key}': field '{names[0] if names else '?'}' given "
                                                  "twice"))
        elif isinstance(block, ParsingFailedBlock):
            first = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
            failures.append(BibFailure(line, key, f"entry not closed (unbalanced braces?): {first!r}"))
        else:
            failures.append(BibFailure(line, key, "cannot parse block"))
    for block in library.blocks:
        if isinstance(block, ImplicitComment) and _STRAY_FIELD.search(block.comment):
            failures.append(BibFailure(lines.get(id(block), (block.start_line or 0) + 1), None,
                                       "field text outside any entry (a stray '}' closed the entry early?)"))
    seen_keys: dict[str, tuple[str, int]] = {}
    sources: list[Source] = []
    for entry in library.entries:
        line = lines.get(id(entry), (entry.start_line or 0) + 1)
        if not entry.key.strip():
            failures.append(BibFailure(line, None, "an entry without a citation key"))
            continue
        other = seen_keys.get(entry.key.lower())
        if other is not None:  # bibtexparser compares keys exactly; BibTeX does not
            failures.append(BibFailure(line, entry.key, f"citation key '{entry.key}' differs from '{other[0]}' "
                                                        f"(line {other[1]}) only in case: BibTeX keys are "
                                                        "case-insensitive"))
            continue
        seen_keys[entry.key.lower()] = (entry.key, line)
        problem = _check_raw(entry.raw)
        if problem:
            failures.append(BibFailure(line, entry.key, f"entry '{entry.key}': {problem}"))
            continue
        fields: dict[str, str] = {}
        bad = False
        for f in entry.fields:
            value = f.value if isinstance(f.value, str) else str(f.value)
            name = f.key.lower()
            if "\n" in value and _FIELD_START.search("\n" + value.split("\n", 1)[-1]):
                failures.append(BibFailure((f.start_line or entry.start_line or 0) + 1, entry.key,
                                           f"entry '{entry.key}': field '{name}' swallows the next field "
                                           "(missing comma?)"))
                bad = True
                break
            if name in fields:
                failures.append(BibFailure(line, entry.key, f"entry '{entry.key}': field '{name}' given twice"))
                bad = True
                break
            fields[name] = value
        if bad:
            continue
        sources.append(_source(entry.key, entry.entry_type.lower(), fields, line, entry.raw, decode))
    failures.sort(key=lambda f: f.line)
    return BibLibrary(path, sources, failures)


def _source(key: str, entry_type: str, fields: dict[str, str], line: int, raw: str, decode: bool) -> Source:
    end = line + raw.count("\n")
    if not decode:
        return Source(key, entry_type, fields, line, end, raw=raw)
    authors, et_al = split_people(fields["author"]) if "author" in fields else ((), False)
    editors, _ = split_people(fields["editor"]) if "editor" in fields else ((), False)
    decoded = {k: (v if k in ("url", "doi") else " ".join(decode_latex(v).split())) for k, v in fields.items()}
    return Source(key, entry_type, decoded, line, end, authors, editors, et_al, raw)


#: an implicit comment that holds field text (a stray ``}`` closed the entry early)
_STRAY_FIELD = re.compile(r"^\s*[A-Za-z]+\s*=\s*[{\"\d]", re.M)


def _plain_library(text: str, path: Path | None, decode: bool) -> BibLibrary | None:
    """What :func:`_parse_bibtex_text` gives for a text of plain entries (:func:`bibsplit.plain_entries`) with no
    failure, without bibtexparser's objects: the values as its default middlewares leave them (no ``@string`` to
    resolve; the enclosing braces or quotes removed by its own function). ``None`` for any other text, and for
    any failure (the full parse then finds and words every one)."""
    from bibtexparser.middlewares.enclosing import RemoveEnclosingMiddleware

    if CONTROL.search(text):
        return None
    scanned = bibsplit.plain_entries(text)
    if scanned is None or any(_STRAY_FIELD.search(c) for c in scanned[1]):
        return None
    strip_enclosing = RemoveEnclosingMiddleware._strip_enclosing
    sources: list[Source] = []
    for line, entry_type, key, raw_fields, raw in scanned[0]:
        if not key or (("\\" in raw or '"' in raw) and _check_raw(raw)):
            return None  # with no backslash and no quote, the plain grammar's braces are balanced already
        fields: dict[str, str] = {}
        for name, value in raw_fields:
            inner = value[1:-1]
            if value[:1] == "{" and value[-1:] == "}" and "{" not in inner and "}" not in inner and (
                    inner[-1:] != "\\"):
                value = inner  # the middleware's own fast path: a plainly braced value
            else:
                value = strip_enclosing(value)[0]
            name = name.lower()
            if name in fields or ("\n" in value and _FIELD_START.search("\n" + value.split("\n", 1)[-1])):
                return None
            fields[name] = value
        sources.append(_source(key, entry_type, fields, line, raw, decode))
    return BibLibrary(path, sources, [])


def block_lines(text: str, blocks) -> dict[int, int]:
    """The 1-based line of each block (by ``id``), found by its own text in ``text``, in order.

    bibtexparser's ``start_line`` is one short for every earlier value line that ends in a LaTeX line break
    (``\\\\``); the raw text of each block is exact, so searching for it from where the last one ended gives the
    true line (and costs one pass over the text)."""
    out: dict[int, int] = {}
    pos, line = 0, 1
    for b in blocks:
        raw = getattr(b, "raw", "") or ""
        i = text.find(raw, pos) if raw else -1
        if i < 0:
            continue
        line += text.count("\n", pos, i)
        out[id(b)] = line
        line += raw.count("\n")
        pos = i + len(raw)
    return out


def parse_bibtex(path: str | Path) -> BibLibrary:
    """Read and parse a ``.bib`` file (UTF-8)."""
    path = Path(path)
    return parse_bibtex_text(read_text(path), path)


def key_list(value: str) -> list[str]:
    """The keys of a comma-separated key list field (``citedin = {a, b}``)."""
    return [k.strip() for k in value.split(",") if k.strip()]


