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
few thousand entries is compared in well under a second rather than all pairs.

>>> a = record_from_fields("a", "article", {"title": "Dilemmas in a general theory of planning", "year": "1973"},
...                        ["Rittel", "Webber"])
>>> b = record_from_fields("b", "misc", {"title": "Dilemmas in a General Theory of Planning.", "year": "1974"},
...                        ["Rittel"])
>>> m = compare(a, b)
>>> m.kind, m.score >= 90
('duplicate', True)
"""

from __future__ import annotations

import functools
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
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
    return doi.strip().lower()


def isbn13(isbn: str) -> str:
    """An ISBN as 13 digits (ISBN-10 converted); '' if it has the wrong length."""
    digits = re.sub(r"[^0-9Xx]", "", isbn).upper()
    if len(digits) == 10:
        core = "978" + digits[:9]
        check = (10 - sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(core)) % 10) % 10
        return core + str(check)
    return digits if len(digits) == 13 else ""


def normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


@functools.lru_cache(maxsize=1 << 14)
def normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "".join(re.findall(r"[a-z0-9]+", folded))


def record_from_fields(key: str, entry_type: str, fields: dict[str, str], surnames: list[str]) -> Record:
    """Build a :class:`Record` from decoded fields and family names (organisations whole)."""
    year_m = re.search(r"\d{4}", fields.get("year") or fields.get("date", ""))
    isbns = frozenset(i for i in (isbn13(x) for x in re.split(r"[;,\s]+", fields.get("isbn", ""))) if i)
    doi = normalise_doi(fields.get("doi", ""))
    venue = " ".join(fields.get(n, "") for n in ("journal", "journaltitle", "howpublished", "publisher",
                                                  "eprinttype", "archiveprefix", "institution"))
    preprint = (fields.get("pubstate", "").lower() == "preprint" or bool(_PREPRINT_VENUES.search(venue))
                or doi.startswith(_PREPRINT_DOIS))
    return Record(key, entry_type.lower(), normalise_title(fields.get("title", "")),
                  frozenset(n for n in (normalise_name(s) for s in surnames) if n),
                  int(year_m.group(0)) if year_m else None, doi, isbns,
                  fields.get("volume", "").strip().lower(), re.sub(r"\D+", "-", fields.get("pages", "")).strip("-"),
                  preprint, fields.get("number", fields.get("issue", "")).strip().lower(),
                  normalise_title(fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle", "")))


def record_from_source(source) -> Record:
    """A :class:`Record` for a :class:`partnergraph.files.bibtex.Source`."""
    people = source.authors or source.editors
    return record_from_fields(source.key, source.entry_type, source.fields, [p.family for p in people])


_RAPIDFUZZ: list = []  # (token_sort_ratio, process.extract), imported on first use


def _rapidfuzz():
    if not _RAPIDFUZZ:
        from rapidfuzz import fuzz, process

        _RAPIDFUZZ.extend((fuzz.token_sort_ratio, process.extract))
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
    from rapidfuzz import fuzz, process

    return [i for _, _, i in process.extract(words, others, scorer=fuzz.ratio, score_cutoff=TITLE_THRESHOLD - 1e-6,
                                             limit=None)]


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
    their rarest title words. Add records one at a time (an import checks each entry against all before it)."""

    #: a title word shared by more entries than this says nothing about identity and is not used for blocking
    #: (frequent-token filtering); near-identical titles still meet through their word fingerprint
    WORD_CAP = 64
    #: a family name (and year) shared by more entries than this is blocked further by title word
    NAME_CAP = 64

    def __init__(self, records: list[Record] | None = None):
        self.records: dict[str, Record] = {}
        self._doi: dict[str, list[str]] = defaultdict(list)
        self._isbn: dict[str, list[str]] = defaultdict(list)
        self._name_year: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._name_no_year: dict[str, list[str]] = defaultdict(list)
        self._word: dict[str, list[str]] = defaultdict(list)
        self._fingerprint: dict[str, list[str]] = defaultdict(list)
        # a name (and year) shared by more than NAME_CAP entries ("Department of Health", 2009) is blocked
        # further by title word: the same keys again, under (name, year, word) — "" for an untitled entry
        self._name_year_word: dict[tuple[str, int, str], list[str]] = defaultdict(list)
        self._years: dict[str, set[int]] = defaultdict(set)
        self._name_no_year_word: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._df: Counter = Counter()
        self._untitled: set[str] = set()
        self._words: dict[str, str] = {}  # key → the title's words sorted (what token_sort_ratio compares)
        records = list(records or ())
        for r in records:
            self._df.update(set(_title_tokens(r.title)))
        for r in records:
            self.add(r, count=False)

    def _rare(self, r: Record, n: int = 3) -> list[str]:
        toks = sorted(set(_title_tokens(r.title)), key=lambda t: (self._df[t], t))
        return toks[:n]

    def add(self, r: Record, *, count: bool = True) -> None:
        self.records[r.key] = r
        self._words[r.key] = _sorted_words(r.title)
        if count:
            self._df.update(set(_title_tokens(r.title)))
        if r.doi:
            self._doi[r.doi].append(r.key)
        for i in r.isbns:
            self._isbn[i].append(r.key)
        rare = self._rare(r)
        for s in r.surnames:
            for w in rare or [""]:
                if r.year is not None:
                    self._name_year_word[(s, r.year, w)].append(r.key)
                else:
                    self._name_no_year_word[(s, w)].append(r.key)
            if r.year is not None:
                self._name_year[(s, r.year)].append(r.key)
                self._years[s].add(r.year)
            else:
                self._name_no_year[s].append(r.key)
        for t in rare:
            self._word[t].append(r.key)
        if r.title:
            self._fingerprint[_fingerprint(r.title)].append(r.key)
        else:
            self._untitled.add(r.key)

    def _by_name_year(self, r: Record, out: set[str], rare: list[str] | None = None) -> None:
        """Entries sharing a family name with ``r`` and a year within one — or with no year on either side.

        Where either side's group is crowded (over :attr:`NAME_CAP`: "Department of Health", 2009), only the
        entries that also share one of the rarest title words (or are both untitled), in word groups not crowded
        on either side. The rule is symmetric (``k`` is a candidate of ``r`` exactly when ``r`` is one of
        ``k``), so a whole-file scan needs to compare each pair from one side only."""
        words = (self._rare(r) if rare is None else rare) or [""]  # as r is registered: symmetric

        def group(own: list[str], other: list[str], own_word, other_word) -> None:
            if len(own) <= self.NAME_CAP and len(other) <= self.NAME_CAP:
                out.update(other)
                return
            for w in words:
                sub = other_word(w)
                if sub and len(sub) <= self.NAME_CAP and len(own_word(w)) <= self.NAME_CAP:
                    out.update(sub)

        for s in r.surnames:
            if r.year is None:  # r sits in (s, no year); it meets every entry of s
                own_noyear = self._name_no_year.get(s, [])
                for y in sorted(self._years.get(s, ())):
                    group(own_noyear, self._name_year.get((s, y), []),
                          lambda w, s=s: self._name_no_year_word.get((s, w), ()),
                          lambda w, s=s, y=y: self._name_year_word.get((s, y, w), ()))
                group(own_noyear, own_noyear, lambda w, s=s: self._name_no_year_word.get((s, w), ()),
                      lambda w, s=s: self._name_no_year_word.get((s, w), ()))
                continue
            own = self._name_year.get((s, r.year), [])
            if len(own) <= self.NAME_CAP:  # the common case, written out: the uncrowded groups whole
                for y in (r.year - 1, r.year, r.year + 1):
                    other = self._name_year.get((s, y))
                    if other and len(other) <= self.NAME_CAP:
                        out.update(other)
                    elif other:
                        group(own, other, lambda w, s=s, y=r.year: self._name_year_word.get((s, y, w), ()),
                              lambda w, s=s, y=y: self._name_year_word.get((s, y, w), ()))
                other = self._name_no_year.get(s)
                if other and len(other) <= self.NAME_CAP:
                    out.update(other)
                elif other:
                    group(own, other, lambda w, s=s, y=r.year: self._name_year_word.get((s, y, w), ()),
                          lambda w, s=s: self._name_no_year_word.get((s, w), ()))
                continue
            for y in (r.year - 1, r.year, r.year + 1):
                group(own, self._name_year.get((s, y), []),
                      lambda w, s=s, y=r.year: self._name_year_word.get((s, y, w), ()),
                      lambda w, s=s, y=y: self._name_year_word.get((s, y, w), ()))
            group(own, self._name_no_year.get(s, []),
                  lambda w, s=s, y=r.year: self._name_year_word.get((s, y, w), ()),
                  lambda w, s=s: self._name_no_year_word.get((s, w), ()))

    def candidates(self, r: Record, near: set[str] | None = None) -> set[str]:
        """Keys of the entries ``r`` is compared with. ``near``, when given, receives the entries sharing a
        family name and year with ``r`` (what :meth:`possible` looks through)."""
        out: set[str] = set()
        if r.doi:
            out.update(self._doi.get(r.doi, ()))
        for i in r.isbns:
            out.update(self._isbn.get(i, ()))
        rare = self._rare(r)
        if near is None:
            self._by_name_year(r, out, rare)
        else:
            self._by_name_year(r, near, rare)
            out |= near
        for t in rare:
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

    def matches(self, r: Record, near: set[str] | None = None) -> list[Match]:
        """Every record in the index that ``r`` duplicates (or is a version of), best first (``near``: as for
        :meth:`candidates`)."""
        found = [m for k in self.worth_comparing(r, self.candidates(r, near))
                 if (m := compare(r, self.records[k])) is not None]
        found.sort(key=lambda m: (m.kind != "duplicate", -m.score, m.key_b))
        return found


    def possible(self, r: Record, near: set[str] | None = None) -> list[str]:
        """Keys of entries with no title (an incomplete entry known by name and year) that ``r`` may be:
        the same first family name and year. Not a duplicate by the rules; a hint for the librarian. ``near``:
        what :meth:`candidates` gathered for ``r`` by name and year, if it has (and the index is unchanged since)."""
        if r.year is None or not r.surnames:
            return []
        out = []
        if near is None:
            near = set()
            self._by_name_year(r, near)
        near = near - {r.key}
        if r.title:  # then only an untitled entry qualifies
            near &= self._untitled
        for k in sorted(near):
            o = self.records[k]
            if (not o.title or not r.title) and o.year == r.year and o.surnames & r.surnames and not (
                    o.doi and r.doi):
                out.append(k)
        return out


def find_duplicates(records: list[Record], *, include_versions: bool = True) -> list[Match]:
    """Every candidate pair in ``records`` (each pair once, in file order of the first key), best first.

    Blocking is symmetric for a fixed index, so each pair is compared once, from its first entry: no set of
    candidate pairs is kept."""
    order = {r.key: i for i, r in enumerate(records)}
    index = DedupeIndex(records)
    out: list[Match] = []
    for r in records:
        later = [k for k in index.candidates(r) if order[k] > order[r.key]]
        for k in index.worth_comparing(r, later):
            m = compare(r, index.records[k])
            if m is not None and (include_versions or m.kind == "duplicate"):
                out.append(m)
    out.sort(key=lambda m: (m.kind != "duplicate", -m.score, order[m.key_a], order[m.key_b]))
    return out
