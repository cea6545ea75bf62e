"""``bib add`` parses an import file once: the entries it decodes from that parse are exactly what parsing each
entry's own text gives (the batch parse it replaces), whatever the values look like; and a check that parses
without decoding finds the same failures, keys and lines."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.files.bibtex import parse_bibtex_text
from partnergraph.librarian import add as add_module
from partnergraph.librarian.add import add_entries
from partnergraph.librarian.bibimport import read_bib

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "tests" / "fixtures" / "library"


def _same_as_parsing_its_text(entry) -> None:
    alone = parse_bibtex_text(entry.text("probe"))
    assert alone.failures == [] and len(alone.sources) == 1
    got, want = entry.source, alone.sources[0]
    assert (got.entry_type, got.fields, got.authors, got.editors, got.et_al) == (
        want.entry_type, want.fields, want.authors, want.editors, want.et_al)


def test_fixture_entries_decoded_from_the_file_parse_are_what_their_text_parses_to():
    reused = 0
    for path in sorted(LIBRARY.glob("*.bib")):
        if path.read_text(encoding="utf-8").lstrip().startswith("TY  -"):
            continue  # a RIS export named .bib (read as RIS)
        for entry in read_bib(path).entries:
            if entry.source is not None:
                reused += 1
                _same_as_parsing_its_text(entry)
    assert reused >= 20


_VALUE = st.one_of(
    st.text(st.sampled_from("abc XYZ-.,:'é"), min_size=1, max_size=12).map(lambda t: "{" + t + "}"),
    st.sampled_from(["{The {NHS} plan}", "{Caf\\'{e} society}", "{M{\\\"u}ller}", "{A \\& B}", "{x -- y}"]),
    st.integers(1900, 2030).map(str),
    st.text(st.sampled_from("abc def"), min_size=1, max_size=8).map(lambda t: '"' + t + '"'),
    st.sampled_from(["jan", "aug", "dec", "pub", "{a} # {b}", "pub # {, 2nd}", '"x" # "y"', "undefinedmacro"]),
)
_NAMES = st.sampled_from(["{Gray, Barbara}", "{Glasby, Jon and Dickinson, Helen}", "{{Audit Commission}}",
                          "{M{\\\"u}ller, J{\\\"o}rg and others}", '"Huxham, Chris"', "{de la Fontaine, Jean}"])


@st.composite
def bib_files(draw):
    parts = ["@string{pub = {Policy Press}}\n"] if draw(st.booleans()) else []
    for i in range(draw(st.integers(1, 6))):
        fields = [("title", draw(_VALUE)), ("year", draw(_VALUE))]
        if draw(st.booleans()):
            fields.append(("author", draw(_NAMES)))
        if draw(st.booleans()):
            fields.append(("publisher", draw(_VALUE)))
        if draw(st.booleans()):
            fields.append(("month", draw(_VALUE)))
        body = ",\n".join(f"  {n} = {v}" for n, v in fields)
        parts.append(f"@{draw(st.sampled_from(['book', 'article', 'misc']))}{{k{i},\n{body}\n}}\n")
    return "\n".join(parts)


@settings(max_examples=150, deadline=None)
@given(bib_files())
def test_any_entry_decoded_from_the_file_parse_is_what_its_text_parses_to(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("bib") / "import.bib"
    path.write_text(text, encoding="utf-8")
    for entry in read_bib(path).entries:
        if entry.source is not None:
            _same_as_parsing_its_text(entry)


def test_bib_add_adds_the_same_with_and_without_the_file_parse(tmp_path, monkeypatch):
    data = ROOT / "data"
    imports = [p for p in sorted(LIBRARY.glob("*.bib")) if not p.read_text(encoding="utf-8").startswith("TY  -")]
    results = []
    for reuse in (True, False):
        d = tmp_path / f"data-{reuse}"
        shutil.copytree(data, d)
        if not reuse:
            real = add_module.read_import
            monkeypatch.setattr(add_module, "read_import", lambda f, real=real: dataclasses.replace(
                imp := real(f), entries=[dataclasses.replace(e, source=None) for e in imp.entries]))
        plan = add_entries(imports, d)
        results.append((plan.rows, (d / "sources.bib").read_bytes()))
        monkeypatch.undo()
    assert results[0] == results[1]
    assert sum(r.outcome == "added" for r in results[0][0]) >= 10


def test_a_parse_without_decoding_finds_the_same_failures_keys_and_lines():
    texts = [(ROOT / "data" / "sources.bib").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(LIBRARY.glob("*.bib"))]
    texts.append("@book{a, title = {x}}\n@book{A, title = {y}}\n@book{b, title = {z}, title = {w}}\n"
                 "@book{c, title = {open\n")
    for text in texts:
        full, light = parse_bibtex_text(text, decode=True), parse_bibtex_text(text + " ", decode=False)
        assert light.failures == [dataclasses.replace(f) for f in full.failures]
        assert [(s.key, s.line, s.end_line, s.entry_type) for s in light.sources] == [
            (s.key, s.line, s.end_line, s.entry_type) for s in full.sources]
