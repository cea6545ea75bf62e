"""Titles in sentence case for the citation styles that print them so (APA 7, NLM/Vancouver).

CSL processors expect titles in sentence case and leave them alone unless a style asks for title case, so a
style such as APA prints whatever case the data has. ``sources.bib`` keeps titles as the works print them (often
title case); :func:`sentence_case` converts one for formatting only, from the field's raw BibTeX text:

- text in braces stays as it is (``{Scotland}``: BibTeX's own way to protect a proper noun);
- acronyms and words with capitals inside (``NHS``, ``HSMC``, ``PHeL``, ``iPhone``) stay;
- a capitalised word followed by a numeral stays (``Chapter 1``, ``Health Act 1999``: APA 7 §6.17);
- a segment (the title, or a subtitle after a colon, em dash or end punctuation) already in sentence case is
  left as it is, so proper nouns in it (``lessons from the United States``) survive; only a segment whose
  significant words are all capitalised (and whose first word is too) is lowered;
- the first word is capitalised, and with ``after_colon`` (APA) the first word of each subtitle too.

>>> sentence_case("{Working Together for a Healthier {Scotland}: A Consultation Document}")
'Working together for a healthier Scotland: A consultation document'
>>> sentence_case("Integrating Health and Social Care: a rapid review")
'Integrating health and social care: A rapid review'
>>> sentence_case("Five laws: lessons from the United States", after_colon=False)
'Five laws: lessons from the United States'
>>> sentence_case("Chapter 1: Why Work in Partnership?")
'Chapter 1: Why work in partnership?'
"""

from __future__ import annotations

import re

from ..files.bibtex import decode_latex

__all__ = ["SMALL_WORDS", "sentence_case"]

#: words title case leaves in lower case (articles, short conjunctions and prepositions): they do not tell
#: whether a segment is in title case
SMALL_WORDS = frozenset("a an and as at but by en for from if in into nor of off on onto or over per so than the "
                        "to up upon via vs with yet".split())
_OPEN, _CLOSE = "\x01", "\x02"  # marks of protected (braced) text, carried through decoding
_WORD = re.compile(r"[^\s\u2014]+")
_SEGMENT_END = re.compile(r"[:?!.]$")


def _mark_protected(raw: str) -> str:
    """The raw value with each top-level brace group that protects text (``{Scotland}``, not a special
    character such as ``{\\"u}``) wrapped in marks."""
    out, depth, protecting = [], 0, []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            out.append(raw[i:i + 2])
            i += 2
            continue
        if ch == "{":
            depth += 1
            special = raw.startswith("\\", i + 1)
            protect = depth == 1 and not special
            protecting.append(protect)
            out.append("{" + (_OPEN if protect else ""))
        elif ch == "}" and depth:
            depth -= 1
            out.append((_CLOSE if protecting.pop() else "") + "}")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _strip_outer(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and ((raw[0] == "{" and raw[-1] == "}" and _balanced_whole(raw)) or raw[0] == raw[-1] == '"'):
        return raw[1:-1]
    return raw


def _balanced_whole(raw: str) -> bool:
    depth = 0
    for i, ch in enumerate(raw):
        if ch == "\\":
            continue
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(raw) - 1:
            return False
    return True


def _kind(core: str) -> str:
    """``cap`` (Working, Evidence-Based), ``lower`` (working), or ``keep`` (NHS, iPhone, 21st, PHeL)."""
    letters = [c for c in core if c.isalpha()]
    if not letters or not core[0].isalpha():
        return "keep"
    if core[0].islower():
        return "lower"
    parts = [p for p in core.split("-") if p]
    if all(p[0].isupper() and not any(c.isupper() for c in p[1:]) for p in parts if p[0].isalpha()):
        return "cap" if len(letters) > 1 or core == "A" else "keep"  # "I" and initials stay
    return "keep"


def _core(word: str) -> str:
    return word.strip("\"'‘’“”()[],;:?!.–")


def sentence_case(raw: str, *, after_colon: bool = True) -> str:
    """The title in ``raw`` (a BibTeX field value, braces and all) decoded, in sentence case."""
    marked = decode_latex(_mark_protected(_strip_outer(raw)))
    text, mask, inside = [], [], 0
    for ch in " ".join(marked.split()):
        if ch == _OPEN:
            inside += 1
        elif ch == _CLOSE:
            inside = max(0, inside - 1)
        elif ch not in "{}":  # braces decoding kept (it could not read the value) go, as the plain title's do
            text.append(ch)
            mask.append(inside > 0)
    plain = " ".join("".join(text).split())
    if len(plain) != len(mask):  # folding changed the length: no protection to rely on
        mask = [False] * len(plain)
    words = [(m.start(), m.end()) for m in _WORD.finditer(plain)]
    segments: list[list[int]] = [[]]
    for n, (a, b) in enumerate(words):
        segments[-1].append(n)
        if _SEGMENT_END.search(plain[a:b]) or (b < len(plain) and plain[b] == "\u2014"):
            segments.append([])
    chars = list(plain)
    first_of_title = True
    for seg in segments:
        if not seg:
            continue
        info = []
        for pos, n in enumerate(seg):
            a, b = words[n]
            lead = len(plain[a:b]) - len(plain[a:b].lstrip("\"'‘’“”(["))
            core = _core(plain[a:b])
            protected = any(mask[a:b])
            nxt = words[seg[pos + 1]] if pos + 1 < len(seg) else None
            numeral = nxt is not None and plain[nxt[0]].isdigit()
            info.append((a + lead, core, protected, numeral))
        significant = [_kind(c) for _, c, p, _ in info[1:] if c and c.lower() not in SMALL_WORDS and not p]
        # title case capitalises a subtitle's first word, so one in lower case (": lessons from …") says the
        # segment is in sentence case already
        title_cased = "cap" in significant and "lower" not in significant and not info[0][1][:1].islower()
        for pos, (start, core, protected, numeral) in enumerate(info):
            if not core or protected:
                continue
            if pos == 0 and (first_of_title or after_colon):
                if core[0].islower():
                    chars[start] = chars[start].upper()
                if title_cased and "-" in core:
                    _lower_after_hyphens(chars, start, core)
                continue
            if title_cased and _kind(core) == "cap" and not numeral:
                chars[start] = chars[start].lower()
                _lower_after_hyphens(chars, start, core)
        first_of_title = False
    return "".join(chars)


def _lower_after_hyphens(chars: list[str], start: int, core: str) -> None:
    i = 0
    for part in core.split("-")[:-1]:
        i += len(part) + 1
        if start + i < len(chars):
            chars[start + i] = chars[start + i].lower()
