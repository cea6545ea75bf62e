"""An append to sources.bib is checked by parsing only what was appended — and still catches every problem."""

from __future__ import annotations

import pytest
from conftest import TINY_BIB

from partnergraph.files.datadir import DataDir
from partnergraph.librarian.edit import _check_new_sources

OLD_LINES = TINY_BIB.count("\n")


@pytest.mark.parametrize("tail, line, words", [
    pytest.param("\n@book{gray1989, title={Again}}\n", OLD_LINES + 2, "duplicate citation key 'gray1989'",
                 id="key-already-in-the-file"),
    pytest.param("\n@book{Gray1989, title={Again}}\n", OLD_LINES + 2, "duplicate citation key", id="key-case"),
    pytest.param("\n@book{new2000, title={x}\n", OLD_LINES + 2, "not closed", id="unclosed"),
    pytest.param("\n@book{a2000, title={x}}\n@book{a2000, title={y}}\n", OLD_LINES + 3, "duplicate", id="dup-in-tail"),
])
def test_appended_problems_are_found_with_their_line(tiny, tail, line, words):
    d = DataDir.open(tiny)
    failures = _check_new_sources(d.sources_bytes + tail.encode(), d)
    assert failures and failures[0].line == line and words in failures[0].reason


def test_clean_append_and_an_edit_in_the_middle(tiny):
    d = DataDir.open(tiny)
    assert _check_new_sources(d.sources_bytes + b"\n@book{new2000, title={x}}\n", d) == []
    edited = d.sources_bytes.replace(b"year = {1998},", b"year = {1998,")
    assert _check_new_sources(edited, d), "an edit that is not an append is parsed whole"
