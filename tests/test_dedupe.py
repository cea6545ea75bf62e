"""Duplicate detection: identifiers decide, titles+names+years otherwise, and the known traps are guarded."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.files.bibtex import parse_bibtex
from partnergraph.librarian import dedupe
from partnergraph.librarian.dedupe import (
    DedupeIndex,
    compare,
    find_duplicates,
    isbn13,
    normalise_doi,
    record_from_fields,
    record_from_source,
)


def rec(key, etype="article", names=("Gray",), **fields):
    return record_from_fields(key, etype, {k: str(v) for k, v in fields.items()}, list(names))


TITLE = "Collaborating: finding common ground for multiparty problems"


def test_identifiers_are_normalised():
    assert normalise_doi("https://doi.org/10.1000/ABC") == normalise_doi("doi: 10.1000/abc") == "10.1000/abc"
    assert isbn13("0-415-33920-6") == isbn13("978-0-415-33920-9") == "9780415339209"


@pytest.mark.parametrize("a, b, kind", [
    pytest.param(rec("a", doi="10.1/X", title="One"), rec("b", doi="https://doi.org/10.1/x", title="Other",
                 names=("Smith",)), "duplicate", id="same-doi-decides"),
    pytest.param(rec("a", doi="10.1/x", title=TITLE, year=1989), rec("b", doi="10.1/y", title=TITLE, year=1989),
                 None, id="conflicting-doi-blocks"),
    pytest.param(rec("a", "book", isbn="0415339206", title="A"), rec("b", "book", isbn="9780415339209", title="B"),
                 "duplicate", id="same-isbn-books"),
    pytest.param(rec("a", "book", isbn="1861342209", title="Partnership working", year=2001),
                 rec("b", "incollection", isbn="1861342209", title="Partnership working", year=2001),
                 None, id="chapter-shares-its-books-isbn"),
    pytest.param(rec("a", "incollection", isbn="1861342209", title="Chapter one on trust", year=2001),
                 rec("b", "incollection", isbn="1861342209", title="Chapter two on money", year=2001),
                 None, id="two-chapters-of-one-book"),
    pytest.param(rec("a", "techreport", names=("Audit Commission",), title="A fruitful partnership", year=1998),
                 rec("b", "misc", names=("Audit Commission",), title="A Fruitful Partnership.", year=1998),
                 "duplicate", id="misc-vs-techreport"),
    pytest.param(rec("a", title=TITLE, year=2019, journal="Public Administration"),
                 rec("b", "misc", title=TITLE, year=2018, pubstate="preprint"), "version", id="preprint-vs-published"),
    pytest.param(rec("a", title=TITLE, year=2019, doi="10.1/pub"),
                 rec("b", "misc", title=TITLE, year=2018, doi="10.48550/arXiv.1"), None, id="preprint-own-doi"),
    pytest.param(rec("a", title=TITLE, year=1989), rec("b", title=TITLE, year=1991), None, id="years-apart"),
    pytest.param(rec("a", title=TITLE, year=1989), rec("b", title=TITLE, year=1990), "duplicate", id="year-within-one"),
    pytest.param(rec("a", title=TITLE, year=1989), rec("b", title=TITLE, year=1989, names=("Smith",)), None,
                 id="no-shared-name"),
    pytest.param(rec("a", title="Editorial", year=2004, volume=12), rec("b", title="Editorial", year=2004, volume=13),
                 None, id="different-volumes"),
    pytest.param(rec("a", title=TITLE, year=1989), rec("b", title="Collaborating across boundaries", year=1989),
                 None, id="different-titles"),
    pytest.param(rec("a", year=2003), rec("b", year=2003), None, id="no-titles"),
])
def test_compare(a, b, kind):
    m = compare(a, b)
    assert (m.kind if m else None) == kind
    if m:
        assert m.reason and 0 < m.score <= 100
        assert compare(b, a).kind == kind  # symmetric


def test_bundled_data_has_no_duplicates_and_a_copy_is_found(bundled):
    lib = parse_bibtex(bundled.data.sources_path)
    recs = [record_from_source(s) for s in lib.sources]
    assert [m for m in find_duplicates(recs) if m.kind == "duplicate"] == []  # the curators reconciled them
    with_isbn = next(s for s in lib.sources if s.get("isbn"))
    copy = record_from_source(type(with_isbn)(with_isbn.key + "copy", with_isbn.entry_type, with_isbn.fields, 0, 0,
                                              with_isbn.authors, with_isbn.editors))
    pairs = find_duplicates(recs + [copy])
    assert [(m.key_a, m.key_b) for m in pairs] == [(with_isbn.key, with_isbn.key + "copy")]


def _generated(n: int, seed: int = 1):
    rnd = random.Random(seed)
    words = [f"w{i}" for i in range(3000)]
    names = [f"name{i}" for i in range(300)]
    recs = []
    for i in range(n):
        title = " ".join(rnd.sample(words, 6))
        recs.append(rec(f"k{i}", names=(rnd.choice(names),), title=title, year=rnd.randint(1990, 2020)))
    for i in range(0, n, 10):  # every tenth gets a near copy
        r = recs[i]
        recs.append(rec(f"d{i}", names=tuple(r.surnames), title=r.title + " s", year=r.year))
    return recs


def test_blocking_finds_what_all_pairs_finds():
    recs = _generated(600)
    brute = {(a.key, b.key) for a, b in itertools.combinations(recs, 2) if compare(a, b)}
    blocked = {(m.key_a, m.key_b) for m in find_duplicates(recs)}
    assert blocked == brute and len(brute) >= 60


def test_blocking_scales(monkeypatch):
    recs = _generated(5000)
    compared = []
    real = dedupe.compare
    monkeypatch.setattr(dedupe, "compare", lambda a, b: compared.append(1) or real(a, b))
    found = find_duplicates(recs)
    assert len(found) >= 500
    assert len(compared) < 4 * len(found)  # the pairs worth comparing, not every pair a blocking group holds


_VOCAB = ["care", "health", "social", "partnership", "working", "trust", "integration", "joint", "the", "of",
          "outcomes", "services", "a", "older", "people", "nhs", "local", "evidence", "review", "policy"]


@st.composite
def records(draw):
    n = draw(st.integers(2, 24))
    out = []
    for i in range(n):
        words = draw(st.lists(st.sampled_from(_VOCAB), min_size=0, max_size=7))
        if words and draw(st.booleans()):  # a typo in one word
            j = draw(st.integers(0, len(words) - 1))
            words[j] = words[j][:-1] + draw(st.sampled_from("xyz"))
        fields = {"title": " ".join(words)}
        if draw(st.booleans()):
            fields["year"] = str(draw(st.integers(1998, 2002)))
        if draw(st.integers(0, 4)) == 0:
            fields["doi"] = "10.1000/" + draw(st.sampled_from("abc"))
        if draw(st.integers(0, 4)) == 0:
            fields["isbn"] = draw(st.sampled_from(["9780198501053", "9780262510875"]))
        names = draw(st.lists(st.sampled_from(["Gray", "Glasby", "Dickinson", "Huxham"]), max_size=2))
        etype = draw(st.sampled_from(["article", "book", "incollection", "misc", "techreport"]))
        out.append(rec(f"k{i}", etype, tuple(names), **fields))
    return out


@settings(max_examples=80, deadline=None)
@given(records())
def test_ruling_out_by_title_keeps_every_match_compare_finds(recs):
    brute = {(a.key, b.key): compare(a, b) for a, b in itertools.combinations(recs, 2)}
    assert {(m.key_a, m.key_b): m for m in find_duplicates(recs)} == {k: m for k, m in brute.items() if m}
    index = DedupeIndex(recs[:-1])
    last = recs[-1]
    expect = sorted((m for a in recs[:-1] if (m := compare(last, a))),
                    key=lambda m: (m.kind != "duplicate", -m.score, m.key_b))
    assert index.matches(last) == expect
    near: set[str] = set()
    assert index.matches(last, near) == expect and index.possible(last, near) == index.possible(last)
    untitled_hint = sorted(a.key for a in recs[:-1] if last.year is not None and last.surnames
                           and (not a.title or not last.title) and a.year == last.year
                           and a.surnames & last.surnames and not (a.doi and last.doi))
    assert index.possible(last) == untitled_hint


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB + ["x", "zz"]), max_size=8), st.lists(st.sampled_from(_VOCAB), max_size=8))
def test_ratio_of_sorted_words_is_token_sort_ratio(a, b):
    from rapidfuzz import fuzz

    ta, tb = " ".join(a), " ".join(b)
    assert fuzz.ratio(dedupe._sorted_words(ta), dedupe._sorted_words(tb)) == fuzz.token_sort_ratio(ta, tb)


def test_index_is_incremental():
    idx = DedupeIndex([rec("a", title=TITLE, year=1989)])
    r = rec("b", title=TITLE.upper(), year=1989)
    assert [m.key_b for m in idx.matches(r)] == ["a"]
    idx.add(r)
    assert {m.key_b for m in idx.matches(rec("c", title=TITLE, year=1990))} == {"a", "b"}


def test_a_key_added_again_is_matched_on_its_latest_title():
    idx = DedupeIndex([rec("a", title="Collaborating finding common ground", year=1989)])
    idx.add(rec("a", title=TITLE, year=1989))
    assert [m.key_b for m in idx.matches(rec("b", title=TITLE, year=1989))] == ["a"]
    assert idx.matches(rec("c", title="Collaborating finding common ground", year=1989)) == []


def test_possible_match_with_an_untitled_entry():
    idx = DedupeIndex([rec("gray1989", year=1989)])
    r = rec("new", title=TITLE, year=1989)
    assert idx.matches(r) == [] and idx.possible(r) == ["gray1989"]


def _crowded(rnd: random.Random, n: int, nameless: bool) -> list:
    """A catalogue that reuses a few family names in a few years (every name-and-year group far over 64
    entries), with near copies of many entries: a typo, words reordered, a year off by one or dropped, a
    subtitle, an organisation instead of people, no names at all (``nameless``)."""
    vocab = _VOCAB + ["commissioning", "governance", "leadership", "colour", "behaviour", "organisation"]
    names = ["Smith", "Jones", "Department of Health"]
    recs = []
    for i in range(n):
        title = " ".join(rnd.choice(vocab) for _ in range(rnd.randint(1, 9)))
        recs.append(rec(f"k{i}", rnd.choice(["article", "book", "misc", "techreport"]),
                        tuple(rnd.sample(names, rnd.choice((1, 1, 2)))), title=title, year=rnd.randint(2009, 2010)))
    for i in rnd.sample(range(n), n // 3):
        r = recs[i]
        words = r.title.split()
        change = rnd.randrange(7 if nameless else 6)
        fields = {"title": r.title, "year": str(r.year)}
        people = tuple(r.surnames)
        if change == 0:
            j = rnd.randrange(len(words))
            words[j] = words[j][:-1] + rnd.choice("xyz")
            fields["title"] = " ".join(words)
        elif change == 1:
            rnd.shuffle(words)
            fields["title"] = " ".join(words).replace("organisation", "organization").replace("colour", "color")
        elif change == 2:
            fields["year"] = str(r.year + rnd.choice((-1, 1)))
        elif change == 3:
            del fields["year"]
        elif change == 4:
            fields["title"] += " a review"
        elif change == 5:
            people = people[:1]
        else:
            people = ()
        recs.append(rec(f"c{i}", "article", people, **fields))
    rnd.shuffle(recs)
    return recs


@settings(max_examples=12, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(200, 300))
def test_blocking_of_crowded_names_finds_every_pair_all_pairs_finds(rnd, n):
    recs = _crowded(rnd, n, nameless=False)
    brute = {(a.key, b.key): compare(a, b) for a, b in itertools.combinations(recs, 2)}
    brute = {k: m for k, m in brute.items() if m}
    assert {(m.key_a, m.key_b): m for m in find_duplicates(recs)} == brute and len(brute) >= 10
    index = DedupeIndex(recs[:-1])
    expect = sorted((m for a in recs[:-1] if (m := compare(recs[-1], a))),
                    key=lambda m: (m.kind != "duplicate", -m.score, m.key_b))
    assert index.matches(recs[-1]) == expect


@settings(max_examples=8, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(200, 300))
def test_what_blocking_cannot_find_is_a_nameless_pair_with_no_rare_word_in_common(rnd, n):
    """The one documented gap: an entry with no names meets the others only through a rare title word (one in
    at most ``WORD_CAP`` titles) or the same set of title words, not through a name; so a nameless near copy
    whose words are all common and not all the same as the original's (a typo) can go unreported."""
    recs = _crowded(rnd, n, nameless=True)
    brute = {(a.key, b.key): compare(a, b) for a, b in itertools.combinations(recs, 2)}
    brute = {k: m for k, m in brute.items() if m}
    found = {(m.key_a, m.key_b): m for m in find_duplicates(recs)}
    by_key = {r.key: r for r in recs}
    assert found.items() <= brute.items()
    for a, b in brute.keys() - found.keys():
        ra, rb = by_key[a], by_key[b]
        assert not (ra.surnames and rb.surnames)
        assert dedupe._fingerprint(ra.title) != dedupe._fingerprint(rb.title) and not (ra.doi and ra.doi == rb.doi)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text("ab c", max_size=30), max_size=40), st.lists(st.text("ab c", max_size=30), max_size=40),
       st.sampled_from([dedupe.TITLE_THRESHOLD, dedupe.STRICT_THRESHOLD, 50.0, 75.0]))
def test_similar_pairs_is_every_pair_over_the_cutoff(a, b, cutoff):
    from rapidfuzz import fuzz

    a = [t for t in a if t] or ["a"]
    b = [t for t in b if t] or ["b"]
    between = {(i, j) for i, x in enumerate(a) for j, y in enumerate(b) if fuzz.ratio(x, y) >= cutoff - 1e-6}
    assert sorted(dedupe._similar_pairs(a, b, cutoff)) == sorted(between)
    within = {(i, j) for i, j in itertools.combinations(range(len(a)), 2) if fuzz.ratio(a[i], a[j]) >= cutoff - 1e-6}
    assert {(min(p), max(p)) for p in dedupe._similar_pairs(a, None, cutoff)} == within
    assert len(dedupe._similar_pairs(a, None, cutoff)) == len(within)
