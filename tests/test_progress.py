"""The progress bar of long imports and exports: drawn on a terminal over PROGRESS_MIN entries, never in a pipe or
file."""

from __future__ import annotations

import io

from partnergraph.cli.library import PROGRESS_MIN, progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_for_a_long_import():
    out = Terminal()
    items = list(range(PROGRESS_MIN + 100))
    with progress_bar("Checking entries", out)(items) as it:
        assert list(it) == items  # every entry passes through, in order
    text = out.getvalue()
    assert "Checking entries" in text and f"{len(items)}/{len(items)}" in text


def test_quiet_when_short_or_not_a_terminal():
    items = list(range(PROGRESS_MIN + 100))
    pipe = io.StringIO()
    with progress_bar("Checking entries", pipe)(items) as it:
        assert list(it) == items
    assert pipe.getvalue() == ""
    term = Terminal()
    with progress_bar("Checking entries", term)(items[:10]) as it:
        assert list(it) == items[:10]
    assert term.getvalue() == ""


def test_a_long_export_shows_a_bar_and_writes_the_same_text():
    from partnergraph.files.bibtex import parse_bibtex_text
    from partnergraph.outputs.bibexport import export_sources

    bib = "".join(f"@book{{k{i}, author = {{Lee, Kim}}, title = {{T {i}}}, year = 2000}}\n"
                  for i in range(PROGRESS_MIN + 10))
    sources = parse_bibtex_text(bib).sources
    for to in ("bibtex", "ris", "csljson", "biblatex"):
        term, pipe = Terminal(), io.StringIO()
        drawn = export_sources(sources, to, progress=progress_bar("Exporting", term))
        assert drawn == export_sources(sources, to, progress=progress_bar("Exporting", pipe)) == \
            export_sources(sources, to)
        assert f"{len(sources)}/{len(sources)}" in term.getvalue() and pipe.getvalue() == ""
