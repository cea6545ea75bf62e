"""The fast BibTeX splitter gives exactly what bibtexparser's splitter gives (every block, raw text, key, field,
value and start line), and a file of plain entries parses to exactly what the full parse gives: on generated text
(Hypothesis: plain entries, every quirk of the splitter's grammar, and arbitrary text made of its marks) and on
real-world exports (Zotero Better BibTeX, JabRef, the bundled corpus)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnergraph.files import bibsplit
from partnergraph.files import bibtex as bt

ROOT = Path(__file__).resolve().parent.parent
REAL = sorted((ROOT / "tests" / "fixtures").rglob("*.bib")) + [ROOT / "data" / "sources.bib"]


@pytest.fixture(autouse=True)
def _quiet_bibtexparser():
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def _canon(block) -> tuple:
    out = []
    for name, value in sorted(vars(block).items()):
        if name == "_fields":
            value = [(f.key, f.value, f.start_line, f.enclosing) for f in value]
        elif name == "_entry":
            value = _canon(value)
        elif name == "_error":
            value = (type(value).__name__, getattr(value, "abort_reason", str(value)),
                     getattr(value, "end_index", None))
        elif isinstance(value, set):
            value = sorted(value)
        out.append((name, value))
    return type(block).__name__, tuple(out)


def _same_split(text: str) -> None:
    ref = bibsplit.split(text, fast=False)
    got = bibsplit.split(text)
    assert [_canon(b) for b in got.blocks] == [_canon(b) for b in ref.blocks]
    assert [e.key for e in got.entries] == [e.key for e in ref.entries]
    assert [_canon(b) for b in got.failed_blocks] == [_canon(b) for b in ref.failed_blocks]


def _source_tuple(s: bt.Source) -> tuple:
    return (s.key, s.entry_type, s.fields, s.line, s.end_line, s.authors, s.editors, s.et_al, s.raw)


def _same_parse(text: str) -> None:
    """The plain path (when it applies) and the parse of bibtexparser's own split agree, decoded or not; the
    plain scan's entries are the splitter's."""
    plain = bibsplit.plain_entries(text)
    if plain is not None:
        ref = bibsplit.split(text, fast=False)
        lines = bt.block_lines(text, ref.blocks)
        assert [(lines[id(e)], e.entry_type, e.key, [(f.key, f.value) for f in e.fields], e.raw)
                for e in ref.entries] == [(ln, t, k, f, r) for ln, t, k, f, r in plain[0]]
        assert len(ref.entries) == len(ref.blocks) - len(plain[1])
    for decode in (True, False):
        fast = bt._parse_bibtex_text(text, None, None, decode)
        slow = bt._parse_bibtex_text(text, None, bibsplit.split(text, fast=False), decode)
        assert [_source_tuple(s) for s in fast.sources] == [_source_tuple(s) for s in slow.sources]
        assert fast.failures == slow.failures


# ---------------------------------------------------------------- generated BibTeX
_word = st.text("abcxyzAZ019_-:.", min_size=1, max_size=8)
_inner = st.recursive(
    st.text("ab ,=\n\"#@()\\", max_size=6),
    lambda inner: st.builds(lambda a, b, c: a + "{" + b + "}" + c, inner, inner, inner), max_leaves=6)
_value = st.one_of(
    st.builds(lambda s: "{" + s + "}", _inner),                                  # braced, nested, with quotes
    st.builds(lambda s: '"' + s + '"', st.text('ab {}\\,=\n', max_size=8)),     # quoted, braces inside
    st.just('"a {"} b"'), st.just('{a \\{ b}'), st.just('{a \\\\}'), st.just('{x}\\\\'),
    st.text("0123456789", min_size=1, max_size=4),                               # a number
    _word,                                                                       # a macro
    st.builds(lambda a, b: a + " # " + b, _word, st.builds(lambda s: "{" + s + "}", _word)),  # concatenation
    st.just("{a @ b}"), st.just("{a\n@misc{x}"), st.just("{unclosed"), st.just("{a}}"), st.just(""),
)
_space = st.sampled_from(["", " ", "  ", "\n", "\n  ", "\t", " \\\n", "\r\n"])
_field = st.builds(lambda s1, n, s2, s3, v, s4: s1 + n + s2 + "=" + s3 + v + s4, _space, _word, _space, _space,
                   _value, _space)
_type = st.sampled_from(["article", "Book", "misc", "comment", "string", "preamble", "inproceedings", ""])


@st.composite
def _entry(draw) -> str:
    fields = draw(st.lists(_field, max_size=5))
    body = ",".join(fields) + draw(st.sampled_from(["", ",", ", ", ",\n"]))
    open_, close = draw(st.sampled_from([("{", "}"), ("{", "}"), ("{", "}"), ("(", ")")]))
    key = draw(st.one_of(_word, st.just(""), st.just("a b"), st.just("k\n")))
    head = "@" + draw(_type) + draw(st.sampled_from(["", " ", "\t"])) + open_ + key
    return head + ("," + body if fields or draw(st.booleans()) else "") + close


_between = st.sampled_from(["\n", "\n\n", "\n% a comment\n", "\nsome text\n", "\n title = {stray}\n", " ", "",
                            "\n@ not a block\n", "\n\\\n"])


@st.composite
def _bibtex(draw) -> str:
    parts = draw(st.lists(st.tuples(_between, _entry()), max_size=6))
    return "".join(a + b for a, b in parts) + draw(_between)


_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_bibtex())
def test_the_fast_split_is_bibtexparsers_split_on_generated_bibtex(text):
    _same_split(text)


@_SETTINGS
@given(st.lists(st.sampled_from(list('@{}(),="\\\n #%ab1') + ["@article{", "@string{", "@comment{", "= {"]),
                max_size=40).map("".join))
def test_the_fast_split_is_bibtexparsers_split_on_arbitrary_marks(text):
    _same_split(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bibtex())
def test_a_plain_file_parses_as_the_full_parse_does(text):
    _same_parse(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_word, st.lists(st.tuples(
    st.sampled_from(["author", "title", "year", "Title", "editor", "doi", "url", "note"]),
    st.sampled_from(["{Gray, Barbara}", "{M{\\\"u}ller, J. and {Audit Commission}}", "{1989}", "1989", "jan",
                     "{a -- b}", '"quoted {B}"', "{x}", "{line one\n  line two}", "{a\n title = {b}}",
                     "{}", "{\\&}"])), max_size=5)), max_size=5))
def test_plain_entries_parse_as_the_full_parse_does(entries):
    text = "\n".join("@article{" + key + ",\n" + ",\n".join(f"  {n} = {v}" for n, v in fields) + "\n}\n"
                     for key, fields in entries)
    _same_parse(text)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_real_world_exports_split_and_parse_the_same(path):
    text = path.read_text(encoding="utf-8")
    _same_split(text)
    _same_parse(text)


def test_the_bundled_corpus_takes_the_plain_path():
    """The corpus (written by partnergraph) is what the fast path is for: it must not fall back silently."""
    text = (ROOT / "data" / "sources.bib").read_text(encoding="utf-8")
    assert bibsplit.plain_entries(text) is not None
    assert bt._plain_library(text, None, True) is not None


def test_a_text_the_plain_path_does_not_cover_falls_back_with_the_same_result():
    text = '@string{jo = {Journal}}\n@article{a, journal = jo, title = "T {X}"}\n@misc(b, title = {x})\n'
    assert bibsplit.plain_entries(text) is None
    _same_split(text)
    _same_parse(text)
    failing = "@article{a, title = {x}}\n@article{A, title = {y}}\n"  # keys differing only in case
    assert bibsplit.plain_entries(failing) is None
    assert bt.parse_bibtex_text(failing).failures
