"""Duplicate detection for bibliography entries, explained: every pair comes with a score and a reason.

Rules (in order):

1. **DOI** — equal DOIs (case-insensitive, ``https://doi.org/`` and ``doi:`` stripped) decide: a duplicate.
   Two *different* DOIs block any match (a preprint and its published version, two parts of one report).
2. **ISBN** — equal ISBNs (hyphens ignored, ISBN-10 and ISBN-13 compared as ISBN-13) decide for two books;
   a chapter shares its book's ISBN, so a chapter never matches a book, and two chapters with one ISBN
   must also have similar titles.
3. **Title, name, year** — normalised titles similar (rapidfuzz ``token_sort_ratio`` ≥ 90), at least one
   family name (or organisation) in common, and years within one of each other. Where one side has no names
   or no year (an incomplete entry), the titles must agree at ≥ 97 instead.

Guards: ``@misc`` vs ``@techreport`` (or ``@report``, ``@online``, ``@manual``) of one report still match;
a preprint (``pubstate = {preprint}``, an arXiv/bioRxiv/medRxiv/SSRN DOI or venue) and a published version
are reported as *versions*, not duplicates; different volumes, issue numbers or page ranges block a title
match; a short title (two significant words or fewer: "Editorial", "Front cover") matches only when the years and
venues agree too. A short title is no obstacle when everything else is equal: ``{\\TeX}`` matches ``{\\TeX}``.

Candidates are blocked first (by DOI, ISBN, family name + year, and the rarest title words), so a corpus of a
few thousand entries is compared in well under a second rather than all pairs. A name and year group is never
capped ("Smith", 2010 may hold hundreds): its titles are scored group against group in rapidfuzz, each only
against titles of a length it can reach, so every pair sharing a name is found. The one pair blocking can miss: an
entry with no names meets others only through a rare title word (in at most ``DedupeIndex.WORD_CAP`` titles) or
the same set of title words, so a nameless near copy (a typo) of a title made only of common words goes unreported.

>>> a = record_from_fields("a", "article", {"title": "Dilemmas in a general theory of planning", "year": "1973"},
...                        ["Rittel", "Webber"])
>>> b = record_from_fields("b", "misc", {"title": "Dilemmas in a General Theory of Planning.", "year": "1974"},
...                        ["Rittel"])
>>> m = compare(a, b)
>>> m.kind, m.score >= 90
('duplicate', True)
"""

from __future__ import annotations

import bisect
import functools
import math
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

__all__ = [
    "STRICT_THRESHOLD",
    "TITLE_THRESHOLD",
    "DedupeIndex",
    "Match",
    "Record",
    "compare",
    "find_duplicates",
    "isbn13",
    "normalise_doi",
    "normalise_name",
    "normalise_title",
    "record_from_fields",
    "record_from_source",
]

TITLE_THRESHOLD = 90.0
STRICT_THRESHOLD = 97.0
_PREPRINT_VENUES = re.compile(r"arxiv|biorxiv|medrxiv|ssrn|preprint|research square|osf preprints", re.I)
_PREPRINT_DOIS = ("10.48550/", "10.1101/", "10.2139/", "10.21203/", "10.31219/", "10.20944/")
_CHAPTER = {"incollection", "inbook"}
_BOOKLIKE = {"book", "proceedings", "mvbook", "collection"}
_DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.I)
_NOT_ISBN = re.compile(r"[^0-9Xx]")
_WORD = re.compile(r"[a-z0-9]+")
_YEAR = re.compile(r"\d{4}")
_ISBN_SEP = re.compile(r"[;,\s]+")
_NON_DIGITS = re.compile(r"\D+")
_STOP = {"a", "an", "the", "of", "and", "for", "in", "on", "to", "with", "at", "by", "from", "is", "are", "how"}


@dataclass(frozen=True, slots=True)
class Record:
    """What duplicate detection looks at in one entry (all normalised)."""

    key: str
    entry_type: str
    title: str
    surnames: frozenset[str]
    year: int | None
    doi: str
    isbns: frozenset[str]
    volume: str = ""
    pages: str = ""
    preprint: bool = False
    number: str = ""
    venue: str = ""


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate pair: ``kind`` is ``duplicate`` or ``version`` (preprint vs published)."""

    key_a: str
    key_b: str
    score: float
    kind: str
    reason: str


def normalise_doi(doi: str) -> str:
    """``https://doi.org/10.1000/ABC`` → ``10.1000/abc``."""
    doi = doi.strip()
    doi = _DOI_PREFIX.sub("", doi)
    return doi.strip().lower()


def isbn13(isbn: str) -> str:
    """An ISBN as 13 digits (ISBN-10 converted); '' if it has the wrong length."""
    digits = _NOT_ISBN.sub("", isbn).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
        check = (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits if len(digits) == 13 else ""


def normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(folded))


@functools.lru_cache(maxsize=1 << 14)
def normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(_WORD.findall(folded))


def record_from_fields(key: str, entry_type: str, fields: dict[str, str], surnames: list[str]) -> Record:
    """Build a :class:`Record` from decoded fields and family names (organisations whole)."""
    year_m = _YEAR.search(fields.get("year") or fields.get("date", ""))
    isbns = frozenset(i for i in (isbn13(x) for x in _ISBN_SEP.split(fields.get("isbn", ""))) if i)
    doi = normalise_doi(fields.get("doi", ""))
    venue = " ".join(fields.get(n, "") for n in ("journal", "journaltitle", "howpublished", "publisher",
                                                  "eprinttype", "archiveprefix", "institution"))
    preprint = (fields.get("pubstate", "").lower() == "preprint" or bool(_PREPRINT_VENUES.search(venue))
                or doi.startswith(_PREPRINT_DOIS))
    return Record(key, entry_type.lower(), normalise_title(fields.get("title", "")),
                  frozenset(n for n in (normalise_name(s) for s in surnames) if n),
                  int(year_m.group(0)) if year_m else None, doi, isbns,
                  fields.get("volume", "").strip().lower(), _NON_DIGITS.sub("-", fields.get("pages", "")).strip("-"),
                  preprint, fields.get("number", fields.get("issue", "")).strip().lower(),
                  normalise_title(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle", "")))


def record_from_source(source) -> Record:
    """A :class:`Record` for a :class:`partnergraph.files.bibtex.Source`."""
    people = source.authors or source.editors
    return record_from_fields(source.key, source.entry_type, source.fields, [p.family for p in people])


_RAPIDFUZZ: list = []  # (token_sort_ratio, process.extract, ratio), imported on first use


def _rapidfuzz():
    if not _RAPIDFUZZ:
        from rapidfuzz import fuzz, process

        _RAPIDFUZZ.extend((fuzz.token_sort_ratio, process.extract, fuzz.ratio))
    return _RAPIDFUZZ


def _title_score(a: str, b: str, cutoff: float = 0.0) -> float:
    """rapidfuzz ``token_sort_ratio`` of two normalised titles; below ``cutoff`` it may return 0 instead (it stops
    early: the pairs blocking brings together are mostly far apart)."""
    return float(_rapidfuzz()[0](a, b, score_cutoff=max(0.0, cutoff - 1e-6)))


def _sorted_words(title: str) -> str:
    """A title's words in sorted order: what ``token_sort_ratio`` compares (it is ``ratio`` of these)."""
    return " ".join(sorted(title.split()))


def _similar_titles(words: str, others: list[str]) -> list[int]:
    """Indices of ``others`` (titles as :func:`_sorted_words`) at least :data:`TITLE_THRESHOLD` similar to
    ``words`` by ``ratio`` of the sorted words, i.e. ``token_sort_ratio`` of the titles (one call into rapidfuzz
    for them all): the only ones :func:`compare` can match on their titles."""
    extract, ratio = _rapidfuzz()[1:]
    return [i for _, _, i in extract(words, others, scorer=ratio, score_cutoff=TITLE_THRESHOLD - 1e-6, limit=None)]


def compare(a: Record, b: Record) -> Match | None:
    """Decide whether two entries describe one work; ``None`` when they do not (or cannot be told apart)."""
    chapter_book = (a.entry_type in _CHAPTER and b.entry_type in _BOOKLIKE) or (
        b.entry_type in _CHAPTER and a.entry_type in _BOOKLIKE)
    if a.doi and b.doi:
        if a.doi == b.doi:
            return Match(a.key, b.key, 100.0, "duplicate", f"same DOI {a.doi}")
        return None  # a conflicting DOI blocks a match
    shared_isbn = a.isbns & b.isbns
    if shared_isbn and not chapter_book:
        isbn = sorted(shared_isbn)[0]
        if a.entry_type in _CHAPTER and b.entry_type in _CHAPTER:
            score = _title_score(a.title, b.title, TITLE_THRESHOLD) if a.title and b.title else 0.0
            if score >= TITLE_THRESHOLD:
                return Match(a.key, b.key, score, "duplicate", f"same ISBN {isbn} and title ({score:.0f}%)")
            return None  # two chapters of one book
        return Match(a.key, b.key, 100.0, "duplicate", f"same ISBN {isbn}")
    if chapter_book or not a.title or not b.title:
        return None
    shared = a.surnames & b.surnames
    threshold = TITLE_THRESHOLD
    if not shared:
        if a.surnames and b.surnames:
            return None
        threshold = STRICT_THRESHOLD  # a side without names: the title must carry the match
    if a.year is not None and b.year is not None:
        if abs(a.year - b.year) > 1:
            return None
    elif a.year is not None or b.year is not None:
        threshold = STRICT_THRESHOLD
    if a.volume and b.volume and a.volume != b.volume:
        return None
    if a.pages and b.pages and a.pages != b.pages:
        return None
    if a.number and b.number and a.number != b.number:
        return None  # recurring items ("Editorial", "Front cover") of different issues
    if len(_title_tokens(a.title)) <= 2 and (a.year != b.year or (a.venue and b.venue and a.venue != b.venue)):
        return None  # a short title alone identifies nothing: every other identifying field must agree
    score = _title_score(a.title, b.title, threshold)
    if score < threshold:
        return None
    years = str(a.year or "none") if a.year == b.year else f"{a.year or 'none'}/{b.year or 'none'}"
    who = f"shared name {sorted(shared)[0]}" if shared else "no names to compare"
    why = f"title {score:.0f}% similar, {who}, year {years}"
    if a.preprint != b.preprint:
        return Match(a.key, b.key, score, "version", "preprint and published version: " + why)
    if a.entry_type != b.entry_type:
        why += f" (@{a.entry_type} vs @{b.entry_type})"
    return Match(a.key, b.key, score, "duplicate", why)


def _fingerprint(title: str) -> str:
    """Order-free word set of a title: titles that differ only in word order, case or punctuation share it."""
    return " ".join(sorted(set(_title_tokens(title))))


@functools.lru_cache(maxsize=1 << 16)
def _title_tokens(title: str) -> tuple[str, ...]:
    """The significant words of a normalised title (asked for again and again while blocking and comparing)."""
    return tuple(t for t in title.split() if len(t) > 2 and t not in _STOP)


class DedupeIndex:
    """An index of records for blocking: candidates share a DOI, an ISBN, a name and year (±1), or one of
    their rarest title words. Add records one at a time (an import checks each entry against all before it).

    A family name and year are never capped: every entry sharing a name with ``r`` and a year within one (or
    with no year on a side) is a candidate, however many there are ("Smith", 2010), and the titles of that
    group are ruled out in one call into rapidfuzz (:meth:`worth_comparing`)."""

    #: a title word shared by more entries than this says nothing about identity and is not used for blocking
    #: (frequent-token filtering); near-identical titles still meet through their word fingerprint
    WORD_CAP = 64

    def __init__(self, records: list[Record] | None = None):
        self.records: dict[str, Record] = {}
        self._doi: dict[str, list[str]] = defaultdict(list)
        self._isbn: dict[str, list[str]] = defaultdict(list)
        self._name_year: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._name_no_year: dict[str, list[str]] = defaultdict(list)
        self._word: dict[str, list[str]] = defaultdict(list)
        self._fingerprint: dict[str, list[str]] = defaultdict(list)
        self._years: dict[str, set[int]] = defaultdict(set)
        self._df: Counter = Counter()
        self._untitled: set[str] = set()
        self._words: dict[str, str] = {}  # key → the title's words sorted (what token_sort_ratio compares)
        # beside each name, year, word and fingerprint block: its titles' sorted words, in the block's order
        # (what matches() scores without looking each key up; exact while no key is added twice)
        self._name_year_w: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._name_no_year_w: dict[str, list[str]] = defaultdict(list)
        self._word_w: dict[str, list[str]] = defaultdict(list)
        self._fingerprint_w: dict[str, list[str]] = defaultdict(list)
        self._readded = False  # a key added twice: its blocks' words may be an older title's, so look them up
        records = list(records or ())
        tokens = [set(_title_tokens(r.title)) for r in records]
        for toks in tokens:
            self._df.update(toks)
        for r, toks in zip(records, tokens, strict=True):
            self._add(r, toks)

    def _rare(self, r: Record, n: int = 3, toks: set[str] | None = None) -> list[str]:
        ranked = sorted(set(_title_tokens(r.title)) if toks is None else toks, key=lambda t: (self._df[t], t))
        return ranked[:n]

    def add(self, r: Record, *, count: bool = True) -> None:
        toks = set(_title_tokens(r.title))
        if count:
            self._df.update(toks)
        self._add(r, toks)

    def _add(self, r: Record, toks: set[str]) -> None:
        if r.key in self.records:
            self._readded = True
        self.records[r.key] = r
        self._words[r.key] = words = _sorted_words(r.title)
        if r.doi:
            self._doi[r.doi].append(r.key)
        for i in r.isbns:
            self._isbn[i].append(r.key)
        for s in r.surnames:
            if r.year is not None:
                self._name_year[(s, r.year)].append(r.key)
                self._name_year_w[(s, r.year)].append(words)
                self._years[s].add(r.year)
            else:
                self._name_no_year[s].append(r.key)
                self._name_no_year_w[s].append(words)
        for t in self._rare(r, toks=toks):
            self._word[t].append(r.key)
            self._word_w[t].append(words)
        if r.title:
            fp = " ".join(sorted(toks))  # _fingerprint(r.title)
            self._fingerprint[fp].append(r.key)
            self._fingerprint_w[fp].append(words)
        else:
            self._untitled.add(r.key)

    def _by_name_year(self, r: Record, out: set[str]) -> None:
        """Entries sharing a family name with ``r`` and a year within one — or with no year on a side. The rule
        is symmetric (``k`` is a candidate of ``r`` exactly when ``r`` is one of ``k``)."""
        name_year, no_year, empty = self._name_year, self._name_no_year, ()
        if r.year is None:  # r sits in (s, no year); it meets every entry of s
            for s in r.surnames:
                out.update(no_year.get(s, empty), *(name_year[(s, y)] for y in self._years.get(s, empty)))
        else:
            y0, y1, y2 = r.year - 1, r.year, r.year + 1
            for s in r.surnames:
                out.update(name_year.get((s, y0), empty), name_year.get((s, y1), empty),
                           name_year.get((s, y2), empty), no_year.get(s, empty))

    def candidates(self, r: Record, near: set[str] | None = None) -> set[str]:
        """Keys of the entries ``r`` is compared with. ``near``, when given, receives the entries sharing a
        family name and year with ``r`` (what :meth:`possible` looks through)."""
        out: set[str] = set()
        if r.doi:
            out.update(self._doi.get(r.doi, ()))
        for i in r.isbns:
            out.update(self._isbn.get(i, ()))
        if near is None:
            self._by_name_year(r, out)
        else:
            self._by_name_year(r, near)
            out |= near
        for t in self._rare(r):
            keys = self._word.get(t, ())
            if len(keys) <= self.WORD_CAP:
                out.update(keys)
        if r.title:
            out.update(self._fingerprint.get(_fingerprint(r.title), ()))
        out.discard(r.key)
        return out

    def worth_comparing(self, r: Record, keys) -> list[str]:
        """The ``keys`` (candidates of ``r``) that :func:`compare` can match with ``r``: the same DOI, a shared
        ISBN, or titles at least :data:`TITLE_THRESHOLD` similar (every match needs one of the three). The rest
        of a blocking group (the same name and year, another title) is ruled out in one call into rapidfuzz
        instead of one :func:`compare` each."""
        keys = list(keys)
        if len(keys) <= 2:
            return keys
        keep: set[str] = set()
        if r.doi:
            keep.update(self._doi.get(r.doi, ()))
        for i in r.isbns:
            keep.update(self._isbn.get(i, ()))
        if keep:
            keep.intersection_update(keys)
        if r.title:
            others = list(operator.itemgetter(*keys)(self._words))
            keep.update(keys[i] for i in _similar_titles(_sorted_words(r.title), others))
        return sorted(keep)

    def _worth(self, r: Record) -> list[str]:
        """``worth_comparing(r, candidates(r))`` but for the shortcut of two candidates or fewer (compared
        whatever their titles; none of them can match on a title it does not share): the candidates with the
        same DOI, a shared ISBN or a title at least :data:`TITLE_THRESHOLD` similar. The blocks are scored as
        they stand, one list of keys and one of titles (a key in two blocks is scored twice, to the same
        effect), without building the set of candidates."""
        keep: set[str] = set()
        if r.doi:
            keep.update(self._doi.get(r.doi, ()))
        for i in r.isbns:
            keep.update(self._isbn.get(i, ()))
        if r.title:
            keys: list[str] = []
            words: list[str] = []
            empty: list[str] = []
            name_year, name_year_w = self._name_year, self._name_year_w
            for s in r.surnames:
                if r.year is None:
                    for y in self._years.get(s, ()):
                        keys += name_year[(s, y)]
                        words += name_year_w[(s, y)]
                else:
                    for y in (r.year - 1, r.year, r.year + 1):
                        if (s, y) in name_year:
                            keys += name_year[(s, y)]
                            words += name_year_w[(s, y)]
                keys += self._name_no_year.get(s, empty)
                words += self._name_no_year_w.get(s, empty)
            for t in self._rare(r):
                block = self._word.get(t, empty)
                if len(block) <= self.WORD_CAP:
                    keys += block
                    words += self._word_w.get(t, empty)
            fp = _fingerprint(r.title)
            keys += self._fingerprint.get(fp, empty)
            words += self._fingerprint_w.get(fp, empty)
            keep.update(keys[i] for i in _similar_titles(_sorted_words(r.title), words))
        keep.discard(r.key)
        return sorted(keep)

    def matches(self, r: Record, near: set[str] | None = None) -> list[Match]:
        """Every record in the index that ``r`` duplicates (or is a version of), best first (``near``: as for
        :meth:`candidates`; without it the candidates are scored block by block, never gathered into a set)."""
        keys = self.worth_comparing(r, self.candidates(r, near)) if near is not None or self._readded else \
            self._worth(r)
        found = [m for k in keys if (m := compare(r, self.records[k])) is not None]
        found.sort(key=lambda m: (m.kind != "duplicate", -m.score, m.key_b))
        return found


    def possible(self, r: Record, near: set[str] | None = None) -> list[str]:
        """Keys of entries with no title (an incomplete entry known by name and year) that ``r`` may be:
        the same first family name and year. Not a duplicate by the rules; a hint for the librarian. ``near`` (what
        :meth:`candidates` gathered for ``r`` by name and year) is accepted and not needed: the answer lies in
        ``r``'s own (name, year) blocks."""
        if r.year is None or not r.surnames:
            return []
        out = []
        # what qualifies has r's year and one of its names: it is in a (name, r.year) block, all of them a part
        # of what _by_name_year gathers (``near``), so those blocks alone give the same answer
        same: set[str] = set()
        for s in r.surnames:
            same.update(self._name_year.get((s, r.year), ()))
        if r.title:  # then only an untitled entry qualifies
            same &= self._untitled
        same.discard(r.key)
        for k in sorted(same):
            o = self.records[k]
            if (not o.title or not r.title) and o.year == r.year and o.surnames & r.surnames and not (
                    o.doi and r.doi):
                out.append(k)
        return out


def _similar_pairs(a: list[str], b: list[str] | None, cutoff: float) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` of the titles (as :func:`_sorted_words`) of ``a`` and ``b`` whose ``ratio`` is at
    least ``cutoff``; ``b=None``: the pairs within ``a``, each once (``i < j``). Exact: every such pair, none
    missed. Titles of lengths ``la``, ``lb`` are ``ratio`` ≥ c apart only if ``|la - lb| ≤ (1 - c/100)(la + lb)``
    (an edit inserts or deletes one character), so each block of titles, sorted by length, is scored (in
    rapidfuzz's ``cdist``, without a Python call per pair) only against the titles of a length it can reach."""
    import numpy as np
    from rapidfuzz import fuzz, process

    within = b is None
    slack = 1.0 - cutoff / 100.0
    grow = (1.0 + slack) / (1.0 - slack) if slack < 1 else 1e9  # (a cutoff of 0 reaches every length)
    span = 1.0 + (grow - 1.0) / 2
    a_pos = sorted(range(len(a)), key=lambda i: len(a[i]))
    a_txt = [a[i] for i in a_pos]
    if b is None:
        b_pos, b_txt = a_pos, a_txt
    else:
        b_pos = sorted(range(len(b)), key=lambda i: len(b[i]))
        b_txt = [b[i] for i in b_pos]
    b_len = [len(t) for t in b_txt]
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < len(a_txt):
        hi = lo + 1  # a block: up to 256 titles, narrow in length once it has 8 (its reach is then narrow too)
        while hi < len(a_txt) and hi - lo < 256 and (hi - lo < 8 or len(a_txt[hi]) <= span * len(a_txt[lo])):
            hi += 1
        rows = a_txt[lo:hi]
        first = bisect.bisect_left(b_len, math.floor(len(rows[0]) / grow) - 1)
        last = bisect.bisect_right(b_len, math.ceil(len(rows[-1]) * grow) + 1)
        if within:
            first = max(first, lo)  # a pair within: from the one earlier in length order
        if first < last:
            scores = process.cdist(rows, b_txt[first:last], scorer=fuzz.ratio, score_cutoff=cutoff - 1e-6,
                                   dtype=np.uint8, workers=1)
            for i, j in zip(*(x.tolist() for x in np.nonzero(scores)), strict=True):
                if not within or lo + i < first + j:
                    out.append((a_pos[lo + i], b_pos[first + j]))
        lo = hi
    return out


def find_duplicates(records: list[Record], *, include_versions: bool = True) -> list[Match]:
    """Every candidate pair in ``records`` (each pair once, in file order of the first key), best first.

    The pairs :meth:`DedupeIndex.candidates` would give, found group by group instead of entry by entry: the
    same DOI or ISBN; a shared family name, years within one (or none on a side) and titles similar enough to
    match (scored a whole group against the next in one call, however large the groups); a rare title word or
    the same word set. Only those pairs reach :func:`compare`, each once, from its first entry."""
    order = {r.key: i for i, r in enumerate(records)}
    index = DedupeIndex(records)
    words = index._words
    pairs: set[tuple[int, int]] = set()

    def add(x: str, y: str) -> None:
        i, j = order[x], order[y]
        if i != j:
            pairs.add((i, j) if i < j else (j, i))

    for keys in (*index._doi.values(), *index._isbn.values()):
        for i, x in enumerate(keys):
            for y in keys[i + 1:]:
                add(x, y)
    titled: dict[object, list[str]] = {}

    def group(name: object, keys) -> list[str]:
        if name not in titled:
            titled[name] = [k for k in keys if words[k]]
        return titled[name]

    def similar(a: list[str], b: list[str] | None, cutoff: float) -> None:
        if a and (b is None and len(a) > 1 or b):
            for i, j in _similar_pairs([words[k] for k in a], None if b is None else [words[k] for k in b], cutoff):
                add(a[i], a[j] if b is None else b[j])

    for (s, y), keys in index._name_year.items():
        own = group((s, y), keys)
        similar(own, None, TITLE_THRESHOLD)
        similar(own, group((s, y + 1), index._name_year.get((s, y + 1), ())), TITLE_THRESHOLD)
    for s, keys in index._name_no_year.items():
        no_year = group(s, keys)
        similar(no_year, None, TITLE_THRESHOLD)
        # against every dated entry of the name at once (one side without a year: the strict threshold)
        dated = [k for y in sorted(index._years.get(s, ())) for k in group((s, y), index._name_year[(s, y)])]
        similar(no_year, dated, STRICT_THRESHOLD)
    for keys in index._word.values():
        if len(keys) <= index.WORD_CAP:
            similar([k for k in keys if words[k]], None, TITLE_THRESHOLD)
    for keys in index._fingerprint.values():
        similar(keys, None, TITLE_THRESHOLD)
    out: list[Match] = []
    for i, j in pairs:
        m = compare(records[i], records[j])
        if m is not None and (include_versions or m.kind == "duplicate"):
            out.append(m)
    out.sort(key=lambda m: (m.kind != "duplicate", -m.score, order[m.key_a], order[m.key_b]))
    return out
