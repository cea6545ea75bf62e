"""BibTeX text split into blocks, fast: the library bibtexparser 2's splitter gives (``parse_string(text,
parse_stack=[])``: the same blocks in the same order, raw texts, keys, types, fields, values and start lines),
with each plain entry read by regular expressions and every other block (``@string``, ``@comment``,
``@preamble``, ``@type(…)``, an entry with an ``@`` or a backslash outside braces, braces nested deeper than three,
anything that does not parse) handed to bibtexparser's own splitter code, which reads it as it always does.

bibtexparser's splitter walks the text one "mark" at a time (``{ } " , = \\n`` not after a backslash, and block
starts ``@type{``) in Python; a plain entry is most of a bibliography and about 40 marks, so this reads it about
five times faster. The grammar below is the splitter's own state machine for an entry (a value ends at the first
``,`` or ``}`` outside braces and quotes; inside quotes braces do not count; inside braces quotes do not count;
``{"}`` inside quotes is a literal quote) limited to what it can prove; the tests compare both on generated and
real-world BibTeX (Hypothesis).

May import: ``partnergraph.core`` and the other ``partnergraph.files`` modules.

>>> lib = split('@article{gray1989,\\n  author = {Gray, {B}arbara},\\n  year = 1989\\n}')
>>> [(f.key, f.value, f.start_line) for f in lib.entries[0].fields]
[('author', '{Gray, {B}arbara}', 1), ('year', '1989', 2)]
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

__all__ = ["plain_entries", "split"]

#: the splitter's block start (``_BLOCK_START`` in bibtexparser.splitter)
_BLOCK_START = re.compile(r"@[\w]*( |\t)*(?=[{(])")
#: text with no mark in it that may stand between marks in a plain entry: no backslash, no ``@``
_PLAIN_KEY = r'[^{}",=@\\]*'
# a braced group (three levels deep at most): a brace after a backslash is text, as in the splitter's marks
_IN_BRACES = r"(?:[^{}@]++|(?<=\\)[{}])"
_G1 = r"(?<!\\)\{" + _IN_BRACES + r"*+(?<!\\)\}"
_G2 = r"(?<!\\)\{(?:" + _IN_BRACES + "|" + _G1 + r")*+(?<!\\)\}"
_G3 = r"(?<!\\)\{(?:" + _IN_BRACES + "|" + _G2 + r")*+(?<!\\)\}"
#: a quoted string: braces inside are text; ``\\"`` and ``{"}`` (followed by one more character) are text
_QUOTED = r'"(?:[^"@]++|(?<=\\)"|(?<=\{)"(?=\}.))*+"'
_VALUE = r'(?:[^{}",@\\]++|' + _G3 + "|" + _QUOTED + r")*+"
#: the entry's head from its opening brace: ``{key,``
_HEAD = re.compile(r"\{(" + _PLAIN_KEY + "),")
#: one field: ``name = value`` up to the ``,`` or ``}`` that ends it
_FIELD = re.compile(r"(" + _PLAIN_KEY + r")=(" + _VALUE + r")([,}])", re.S)
#: the end of an entry after a trailing comma
_END = re.compile(r"\s*\}")
#: a whole plain entry from its ``@``: type, key, then fields (``@type{key}`` has none)
_FIELDS = "(?:" + _PLAIN_KEY + "=" + _VALUE + ",)*+(?:" + _PLAIN_KEY + "=" + _VALUE + r"|\s*)"
_ENTRY = re.compile(r"@(\w*)[ \t]*\{(" + _PLAIN_KEY + ")(,(?:" + _FIELDS + r"))?\}", re.S)
_NOT_ENTRIES = ("comment", "preamble", "string")

_ESCAPED_NL = "\\\n"


@lru_cache(maxsize=1)
def _bibtexparser() -> Any:
    """bibtexparser's splitter module, if it is the version whose splitter this one reproduces (2.1.x), else None
    (then :func:`split` is bibtexparser's own split)."""
    import bibtexparser
    from bibtexparser import splitter

    need = ("_open_block", "_close_block", "_handle_entry", "_handle_string", "_handle_preamble",
            "_handle_explicit_comment", "_end_implicit_comment")
    if not str(getattr(bibtexparser, "__version__", "")).startswith("2.1.") or not all(
            hasattr(splitter.Splitter, n) for n in need):
        return None
    return splitter


#: the last text :func:`plain_entries` read, and what it found (a parse of a file reads it twice in a row)
_LAST: list = [None, None]


def plain_entries(text: str):
    """A text whose every block is a plain entry (the implicit comments between them aside) read without
    bibtexparser: ``(entries, comments)``, each entry ``(line, type, key, [(name, value), …], raw)`` as the
    splitter would give them (type lowercased, key, names and values stripped; ``line`` 1-based, counting every
    newline), each comment the text of an implicit comment. ``None`` when any block is not a plain entry, an
    entry gives a field twice, or two keys are the same but for case (then the splitter's library is what to
    read); always ``None`` with another bibtexparser than the one whose splitter this reproduces."""
    if _LAST[0] is text:
        return _LAST[1]
    result = _plain_entries("\n" + text) if _bibtexparser() is not None else None
    _LAST[:] = [text, result]
    return result


def _plain_entries(bibstr: str):
    entries: list = []
    comments: list[str] = []
    keys: set[str] = set()
    pos, line = 0, 0  # newlines in bibstr[:pos]: bibstr starts with the one the splitter adds, so it is 1-based
    find_fields = _FIELD.findall
    search, match = _BLOCK_START.search, _ENTRY.match
    while True:
        m = search(bibstr, pos)
        if m is None:
            break
        start = m.start()
        comment = bibstr[pos:start].strip()  # what the splitter's implicit comment is (its loop strips the same)
        if comment:
            comments.append(comment)
        e = match(bibstr, start)
        if e is None:
            return None
        etype = e.group(1).lower()
        key = e.group(2).strip()
        if etype.startswith(_NOT_ENTRIES) or key.lower() in keys:
            return None
        keys.add(key.lower())
        close = e.end()
        fields = [(n.strip(), v.strip()) for n, v, _ in find_fields(bibstr, e.end(2) + 1, close)] if e.group(
            3) else []
        if len({n for n, _ in fields}) < len(fields):
            return None  # a field given twice: the splitter makes a failed block of it
        line += bibstr.count("\n", pos, start)
        raw = bibstr[start:close]
        entries.append((line, etype, key, fields, raw))
        line += raw.count("\n")
        pos = close
    comment = bibstr[pos:].strip()
    if comment:
        comments.append(comment)
    return entries, comments


def split(text: str, *, fast: bool = True):
    """``bibtexparser.parse_string(text, parse_stack=[])``: the text split into blocks, no middleware applied.
    ``fast=False`` is bibtexparser's own splitter (the reference the tests compare with)."""
    import bibtexparser

    mod = _bibtexparser() if fast else None
    if mod is None:
        return bibtexparser.parse_string(text, parse_stack=[])
    return _split(text, mod)


def _split(text: str, mod):
    from bibtexparser.library import Library
    from bibtexparser.model import DuplicateFieldKeyBlock, Entry, Field

    sp = mod.Splitter(text)
    bibstr: str = sp.bibstr  # "\n" + text, as the splitter reads it
    escaped_nl = _ESCAPED_NL in bibstr
    library = Library()
    add = library.add
    # where the implicit comment before the next block starts, and the splitter's line there
    comment_start, comment_line = 0, -1
    # the splitter's line count (newlines not after a backslash) at ``counted``
    counted, line = 0, -1

    def lines_to(pos: int) -> int:
        nonlocal counted, line
        n = bibstr.count("\n", counted, pos)
        if escaped_nl and n:
            n -= bibstr.count(_ESCAPED_NL, max(counted - 1, 0), pos)
        line += n
        counted = pos
        return line

    pos = 0
    search = _BLOCK_START.search
    while True:
        m = search(bibstr, pos)
        if m is None:
            break
        start = m.start()
        at = lines_to(start)
        sp._implicit_comment_start, sp._implicit_comment_start_line = comment_start, comment_line
        comment = sp._end_implicit_comment(start)
        if comment is not None:
            add(comment, fail_on_duplicate_key=False)
        m_val = m.group(0).lower()
        entry = None
        if bibstr[m.end()] == "{" and not m_val.startswith(("@comment", "@preamble", "@string")):
            entry = _plain_entry(bibstr, m, m_val, at, lines_to, Entry, Field, DuplicateFieldKeyBlock)
        if entry is not None:
            block, close = entry
            add(block, fail_on_duplicate_key=False)
            comment_start, comment_line = close + 1, lines_to(close)
            pos = close + 1
            continue
        # anything else: bibtexparser's own code for this one block, in the state its split loop would be in
        sp._markiter = mod._MARK_PATTERN.finditer(bibstr, m.end())
        sp._current_line, sp._unaccepted_mark, sp._closing_delimiter = at, None, "}"
        _one_block(sp, mod, m, m_val, library)
        comment_start, comment_line = sp._current_char_index + 1, sp._current_line
        counted, line = min(sp._current_char_index, len(bibstr)), sp._current_line
        pos = sp._unaccepted_mark.start() if sp._unaccepted_mark is not None else sp._current_char_index + 1
    sp._implicit_comment_start, sp._implicit_comment_start_line = comment_start, comment_line
    comment = sp._end_implicit_comment(len(bibstr))
    if comment is not None:
        add(comment, fail_on_duplicate_key=False)
    return library


def _plain_entry(bibstr: str, m, m_val: str, at: int, lines_to, Entry, Field, DuplicateFieldKeyBlock):
    """A plain ``@type{key, name = value, …}`` entry at block start ``m`` as the splitter reads it, and the
    index of its closing brace; ``None`` when the entry is not plain (the splitter's own code reads it then)."""
    head = _HEAD.match(bibstr, m.end())
    if head is None:
        return None
    fields = []
    keys: set[str] = set()
    duplicates: set[str] = set()
    pos = head.end()
    match_field, match_end = _FIELD.match, _END.match
    while True:
        f = match_field(bibstr, pos)
        if f is None:
            end = match_end(bibstr, pos)
            if end is None:
                return None
            close = end.end() - 1
            break
        name = f.group(1).strip()
        if name in keys:
            duplicates.add(name)
        keys.add(name)
        fields.append(Field(start_line=lines_to(f.end(1)), key=name, value=f.group(2).strip()))
        if f.group(3) == "}":
            close = f.end() - 1
            break
        pos = f.end()
    entry = Entry(start_line=at, entry_type=m_val[1:].strip(), key=head.group(1).strip(), fields=fields,
                  raw=bibstr[m.start():close + 1])
    return (DuplicateFieldKeyBlock(duplicate_keys=duplicates, entry=entry) if duplicates else entry), close


def _one_block(sp, mod, m, m_val: str, library) -> None:
    """The body of bibtexparser's split loop for the block starting at ``m`` (its own handlers, its own
    failure recovery and warnings)."""
    from bibtexparser.exceptions import BlockAbortedException
    from bibtexparser.model import ParsingFailedBlock

    start_line = sp._current_line
    try:
        sp._open_block(m)
        if m_val.startswith("@comment"):
            library.add(sp._handle_explicit_comment(m), fail_on_duplicate_key=False)
        elif m_val.startswith("@preamble"):
            library.add(sp._handle_preamble(m), fail_on_duplicate_key=False)
        elif m_val.startswith("@string"):
            library.add(sp._handle_string(m), fail_on_duplicate_key=False)
        else:
            library.add(sp._handle_entry(m, m_val), fail_on_duplicate_key=False)
    except BlockAbortedException as e:
        logger = logging.getLogger(mod.__name__)
        logger.warning(f"Parsing of `{m_val}` block (line {start_line}) aborted on line {sp._current_line} "
                       f"due to syntactical error in bibtex:\n {e.abort_reason}")
        logger.info("We will try to continue parsing, but this might lead to unexpected results. "
                    "The failed block will be stored in the `failed_blocks` of the library.")
        library.add(ParsingFailedBlock(start_line=start_line, raw=sp.bibstr[m.start():e.end_index], error=e),
                    fail_on_duplicate_key=False)
    sp._close_block()
