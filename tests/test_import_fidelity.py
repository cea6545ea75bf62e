"""Import fidelity: LaTeX names kept, RIS as Zotero and EndNote write it, CSL-JSON names and keys, transliterated
keys, wrong files and wrong types refused with one line, look-alikes that are not duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.cli import main
from partnergraph.core.errors import SourceParseError
from partnergraph.files.bibtex import decode_latex, parse_bibtex, parse_bibtex_text
from partnergraph.librarian.bibimport import key_for
from partnergraph.librarian.csljson import read_csl_json
from partnergraph.librarian.dedupe import find_duplicates, record_from_source
from partnergraph.librarian.importers import read_import
from partnergraph.librarian.ris import read_ris

FIX = Path(__file__).parent / "fixtures" / "library"


def decoded(imp):
    out = {}
    for i, e in enumerate(imp.entries):
        lib = parse_bibtex_text(e.text(f"k{i}"))
        assert not lib.failures, (e.key, lib.failures)
        out[i] = lib.sources[0]
    return out


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("latex, text", [
    (r"{\TeX}", "TeX"), (r"\LaTeX{} tips", "LaTeX tips"), (r"The \BibTeX\ manual", "The BibTeX manual"),
    (r"H{\`a}n Th{\^e} \Thanh", "Hàn Thê Thanh"), (r"\noopsort{a}1999", "1999"), (r"Ko{\l}odziejska", "Kołodziejska"),
    (r"\emph{Partnership} working", "Partnership working"),
    # quotes stay as typed, with or without a macro elsewhere in the value (no “ ” ¡ ¿ ligatures)
    (r"\& 'domain consensus''", "& 'domain consensus''"), (r"\TeX\ !`", "TeX !`"), (r"\& ``", "& ``"),
    ("'domain consensus''", "'domain consensus''"),
])
def test_latex_macros_that_name_things_are_kept(latex, text):
    assert decode_latex(latex) == text


@pytest.mark.parametrize("family, key", [
    (r"{\L}uczak", "luczak2008"), (r"Ko{\l}odziejska", "kolodziejska2008"), (r"Aks{\i}n", "aksin2008"),
    (r"Paw{\l}owski", "pawlowski2008"), (r"{\AE}r{\o}", "aero2008"), (r"{\OE}uvre", "oeuvre2008"),
    (r"Stra{\ss}e", "strasse2008"), (r"M{\"u}ller", "muller2008"),
])
def test_keys_transliterate_latex_letters(family, key):
    src = parse_bibtex_text(f"@book{{x, author = {{{family}, A.}}, title = {{T}}, year = 2008}}").sources[0]
    assert key_for(src, set()) == key


def test_ris_as_zotero_writes_it():
    imp = read_ris(FIX / "zotero-layout.ris")
    src = decoded(imp)
    book = src[0]
    assert [p.family for p in book.editors] == ["Glendinning", "Powell", "Rummery"] and not book.authors
    assert "tertiary_authors" not in book.fields
    report = src[1]
    assert report.get("number") == "TR-1164-DH" and "issn" not in report.fields  # SN of a report is its number
    assert report.get("institution") == "Department of Health" and report.get("urldate") == "2024-03-01"
    assert report.get("url") == "https://example.org/report%7B1164%7D.pdf"  # braces cannot break the entry
    jr = src[2].authors[0]
    assert (jr.family, jr.given) == ("Smith, Jr.", "Jane")
    conf = src[3]
    assert conf.get("booktitle") == "Proceedings of the 130th APHA Annual Meeting"
    assert conf.get("eventtitle") == "Annual Meeting of the American Public Health Association"
    chap = src[4]
    assert [p.family for p in chap.editors] == ["Huxham"] and chap.get("booktitle") == "Managing to collaborate"


def test_ris_as_endnote_writes_it():
    src = decoded(read_ris(FIX / "endnote-layout.ris"))
    assert [p.family for p in src[0].editors] == ["Glasby", "Dickinson"] and not src[0].authors
    assert src[1].get("booktitle") == "Social Policy Association Conference"
    assert src[2].get("school") == "University of Bristol" and src[2].get("type") == "PhD thesis"


def test_truncated_ris_record_is_an_error_naming_its_line():
    with pytest.raises(SourceParseError) as exc:
        read_ris(FIX / "truncated.ris")
    assert "truncated.ris:7:" in str(exc.value) and "ER  -" in str(exc.value)


@pytest.mark.parametrize("family, given", [("0", "AND 0"), ("Smith and Co", "J"), ("AND", "0"), ("Anderson", "Band")])
def test_a_name_with_the_word_and_in_any_case_stays_one_name(tmp_path, family, given):
    # BibTeX splits a name list at "and" in any case: the writer braces such a part, keeping the given name
    f = tmp_path / "i.json"
    f.write_text(json.dumps([{"id": "k", "type": "book", "title": "T", "issued": {"date-parts": [[2000]]},
                              "author": [{"family": family, "given": given}]}]), encoding="utf-8")
    src = decoded(read_csl_json(f))[0]
    assert [(p.family, p.given) for p in src.authors] == [(family, given)]


def test_csl_json_names_translators_container_authors_and_key_alias(data_copy):
    imp = read_csl_json(FIX / "csl-fidelity.json")
    src = decoded(imp)
    assert (src[0].authors[0].family, src[0].authors[0].given) == ("Smith, Jr.", "Jane")
    assert src[1].get("translator") == "Nice, Richard" and "csl" not in src[1].fields
    assert src[2].get("bookauthor") == "Freire, Paulo"
    r = run("bib", "add", FIX / "csl-fidelity.json", "--data", data_copy, "--format", "table")
    assert r.exit_code == 0, r.output
    added = {s.key: s for s in parse_bibtex(data_copy / "sources.bib").sources}
    assert added["smith2004"].get("ids") == "smithJointWorking2004"  # the Zotero/BBT key stays an alias
    assert added["bourdieu1990"].get("ids") == ""  # kept its own key: no alias needed


@pytest.mark.parametrize("items, message", [
    ([{"id": "a", "type": "book", "title": "T", "author": 5}], "item 1 (a): 'author' must be a list of names"),
    ([{"id": "a", "title": "T"}, {"id": "b", "title": "U", "issued": {"date-parts": 2020}}],
     "item 2 (b): 'issued': date-parts must be a list of lists"),
    ([{"id": "a", "title": "T", "author": "Smith, Jane"}], "item 1 (a): 'author' must be a list of names"),
    ([{"id": "a", "title": {"x": 1}}], "item 1 (a): 'title' must be text"),
    ([{"id": "a", "title": "T", "issued": {"date-parts": [["spring"]]}}], "is not a number"),
    ([5], "item 1: not a CSL item"),
])
def test_wrong_csl_types_are_one_line_errors_naming_the_item(tmp_path, data_copy, items, message):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(items), encoding="utf-8")  # one line: the item's index is named, not line 1
    before = snapshot(data_copy)
    r = run("bib", "add", f, "--data", data_copy)
    assert r.exit_code == 1
    assert message in r.stderr and "Traceback" not in r.output + r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2  # Error: … and its hint
    assert snapshot(data_copy) == before


def test_deeply_nested_json_and_numeric_ids(tmp_path, data_copy):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    r = run("bib", "add", deep, "--data", data_copy)
    assert r.exit_code == 1 and "nested" in r.stderr and "Traceback" not in r.output
    num = tmp_path / "num.json"
    num.write_text(json.dumps([{"id": 17, "citation-key": 42, "type": "book", "title": "Numbers",
                                "author": [{"family": "Ng", "given": "A"}], "issued": {"date-parts": [[2001]]}}]))
    r = run("bib", "add", num, "--data", data_copy, "--format", "table")
    assert r.exit_code == 0 and "num.json item 1: added ng2001 (key 42 → ng2001 (pattern)" in r.output


@pytest.mark.parametrize("name, what", [("notes.txt", "plain text"), ("README.md", "plain text")])
def test_files_that_are_not_bibliographies_are_refused(tmp_path, data_copy, name, what):
    f = tmp_path / name
    f.write_text("# partnergraph\n\nA tool. See @article{x, in the docs.\n", encoding="utf-8")
    before = snapshot(data_copy)
    r = run("bib", "add", f, "--data", data_copy)
    assert r.exit_code == 1 and "not a BibTeX, RIS or CSL-JSON file" in r.stderr and what in r.stderr
    assert snapshot(data_copy) == before


def test_turtle_and_text_named_bib_are_refused_ris_named_bib_is_read(data_copy, tmp_path):
    r = run("bib", "add", data_copy / "claims.ttl", "--data", data_copy)
    assert r.exit_code == 1 and "looks like Turtle" in r.stderr
    bad = tmp_path / "notes.bib"
    bad.write_text((FIX / "notes.txt").read_text(), encoding="utf-8")
    r = run("bib", "add", bad, "--data", data_copy)
    assert r.exit_code == 1 and "not a BibTeX" in r.stderr
    imp = read_import(FIX / "ris-named.bib")
    assert imp.format == "ris" and len(imp.entries) == 5


def test_what_is_imported_passes_lint_and_tex_titles_are_duplicates(data_copy, tmp_path):
    f = tmp_path / "tex.bib"
    f.write_text("@article{a, author = {Knuth, D.}, title = {{\\TeX}}, journal = {TUGboat}, year = 1990,"
                 " url = {https://example.org/x}}\n", encoding="utf-8")
    for n in range(3):
        r = run("bib", "add", f, "--data", data_copy, "--format", "table")
        assert r.exit_code == 0
        assert ("1 added" if n == 0 else "1 duplicate(s)") in r.output
    r = run("bib", "add", FIX / "zotero-layout.ris", FIX / "endnote-layout.ris", FIX / "csl-fidelity.json",
            "--data", data_copy, "--format", "table")
    assert r.exit_code == 0, r.output
    r = run("bib", "lint", "--data", data_copy, "--format", "json")
    new = {s.key for s in parse_bibtex(data_copy / "sources.bib").sources[-12:]}
    errors = [x for x in json.loads(r.output) if x["severity"] == "error" and x["key"] in new]
    assert errors == []


#: the verdict each look-alike pair gets: duplicate, version, or None (two works)
LOOKALIKES = {
    ("editorial2019a", "editorial2019b"): None,  # one title, one volume, different issues
    ("frontcover2020a", "frontcover2020b"): None,
    ("editorial2021", "editorial2021b"): None,  # one title and year, different journals
    ("tex1990", "tex1990b"): "duplicate",  # every identifying field equal, however short the title
    ("hudson2002", "hudson2002b"): None,  # same title and pages, different issue number
    ("weiss2001", "weiss2002"): "version",  # preprint and article
    ("rittel1973", "rittel1984"): None,  # a reprint is another publication
    ("gray1989", "gray1989b"): "duplicate",  # one work, typed differently
}


def test_dedupe_lookalikes_get_their_verdicts():
    lib = parse_bibtex(FIX / "lookalikes.bib")
    assert not lib.failures
    found = {(m.key_a, m.key_b): m.kind for m in find_duplicates([record_from_source(s) for s in lib.sources])}
    assert {pair: found.get(pair) for pair in LOOKALIKES} == LOOKALIKES
    assert set(found) <= set(LOOKALIKES)  # no other pair declared


_word = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=10)
_text = st.lists(_word, min_size=1, max_size=4).map(" ".join)  # whitespace is folded to single spaces
_plain = _text.filter(lambda t: not set(t) & set(",{}\\~"))  # bibtexparser splits names with a literal brace
_name = st.fixed_dictionaries({"family": _plain, "given": _plain})  # wrongly (NOTES); "and" in any case is braced


@settings(max_examples=80, deadline=None)
@given(title=_text, authors=st.lists(_name, min_size=1, max_size=3), year=st.integers(1500, 2030),
       url=st.text(st.sampled_from("abc/{}\\%:. ?"), min_size=1, max_size=12))
def test_csl_json_round_trips_through_bibtex(tmp_path_factory, title, authors, year, url):
    item = {"id": "k", "type": "book", "title": title, "author": authors, "issued": {"date-parts": [[year]]},
            "URL": "https://x.org/" + url}
    f = tmp_path_factory.mktemp("h") / "i.json"
    f.write_text(json.dumps([item]), encoding="utf-8")
    src = decoded(read_csl_json(f))[0]
    assert src.title == title
    assert [(p.family, p.given) for p in src.authors] == [(a["family"], a["given"]) for a in authors]
    assert src.year == str(year).zfill(4)
    assert "{" not in src.get("url") and "}" not in src.get("url")
