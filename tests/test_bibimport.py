"""Reading librarians' exports: Zotero (Better BibTeX) and JabRef .bib, RIS, CSL-JSON → sources.bib entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from partnergraph.core.errors import SourceParseError
from partnergraph.files.bibtex import parse_bibtex_text
from partnergraph.librarian.bibimport import (
    ascii_fold,
    base_key,
    bib_escape,
    bib_value,
    keeps_own_key,
    key_for,
    missing_fields,
    next_free_key,
    read_bib,
)
from partnergraph.librarian.csljson import read_csl_json
from partnergraph.librarian.importers import read_import
from partnergraph.librarian.ris import read_ris

FIX = Path(__file__).parent / "fixtures" / "library"


def decoded(imp):
    """Parse every imported entry's text back with the project's BibTeX reader: {original key: Source}."""
    out = {}
    for i, e in enumerate(imp.entries):
        lib = parse_bibtex_text(e.text(f"k{i}"))
        assert not lib.failures, (e.key, lib.failures)
        out[e.key] = lib.sources[0]
    return out


def test_zotero_bbt_export():
    imp = read_bib(FIX / "zotero-bbt.bib")
    assert imp.skipped == []
    src = decoded(imp)
    muller = src["mullerIntegrierteVersorgung2011"]
    assert [p.family for p in muller.authors] == ["Müller", "Schäfer"]  # LaTeX accents decode
    assert muller.title.startswith("Integrierte Versorgung in Deutschland")  # braces in the title kept, decoded
    assert muller.get("file").endswith("muller2011.pdf")  # an unmapped field is kept
    audit = src["auditcommissionFruitfulPartnershipEffective1998"]
    assert audit.authors[0].organisation and audit.authors[0].family == "Audit Commission"
    rittel = src["rittelDilemmasGeneralTheory1973"]
    assert rittel.year == "1973" and rittel.get("journaltitle") == "Policy Sciences"


def test_jabref_export_expands_string_macros_and_keeps_month_macros():
    imp = read_bib(FIX / "jabref.bib")
    by_key = {e.key: e for e in imp.entries}
    hudson = dict(by_key["Hudson2002"].fields)
    assert hudson["journal"] == "{Journal of Interprofessional Care}"
    assert hudson["month"] == "feb"
    assert dict(by_key["Cameron2003"].fields)["journal"] == "{Journal of Integrated Care}"  # "…" # {…}
    assert hudson["year"] == "{2002}"
    assert dict(by_key["Balloch2001ch3"].fields)["publisher"] == "{Policy Press}"
    assert all(name == name.lower() for e in imp.entries for name, _ in e.fields)  # JabRef's Author → author
    assert "jabref-meta" not in "".join(e.text("x") for e in imp.entries)  # comments are not entries


def test_ris_export():
    imp = read_ris(FIX / "export.ris")
    assert [e.entry_type for e in imp.entries] == ["article", "techreport", "article", "incollection", "misc"]
    assert [e.line for e in imp.entries] == [1, 16, 25, 33, 45]
    first = parse_bibtex_text(imp.entries[0].text("x")).sources[0]
    assert first.get("pages") == "4–12" and first.year == "2008"
    assert first.get("keywords") == "integrated care, partnership"
    dh = parse_bibtex_text(imp.entries[1].text("x")).sources[0]
    assert dh.authors[0].organisation and dh.get("institution") == "Department of Health"
    assert any("organisation" in n for n in imp.entries[1].notes)  # what RIS cannot carry is reported
    chap = parse_bibtex_text(imp.entries[3].text("x")).sources[0]
    assert [p.family for p in chap.editors] == ["Glasby", "Peck"] and chap.get("booktitle").startswith("Care Trusts")
    gen = dict(imp.entries[4].fields)
    assert gen["riszz"] == "{a tag the RIS standard does not define}"  # an unknown tag is kept


def test_csl_json_export():
    imp = read_csl_json(FIX / "items.json")
    assert [e.line for e in imp.entries][:2] == [2, 16]
    keys = [e.key for e in imp.entries]
    assert keys[0] == "dickinson2013"  # citation-key wins over the Zotero item URI
    src = {e.key: parse_bibtex_text(e.text("x")).sources[0] for e in imp.entries}
    nhs = src["nhsengland2014"]
    assert nhs.entry_type == "techreport" and nhs.authors[0].organisation and nhs.get("institution") == "NHS England"
    chap = src["item3"]
    assert [p.family for p in chap.authors] == ["van der Berg", "Ødegård"]
    assert chap.title == "Partnership in {theory} and practice: a $50 question"  # escaped, decoded back
    assert src["preprint1"].get("pubstate") == "preprint"
    assert any("motion_picture" in n for n in imp.entries[4].notes)


@pytest.mark.parametrize("text, expected", [
    pytest.param("{Plain}", "{Plain}", id="braced"),
    pytest.param('"Quoted {NHS}"', "{Quoted {NHS}}", id="quoted"),
    pytest.param("aug", "aug", id="month-macro"),
    pytest.param('jhsc # " 2"', "{Journal of Health 2}", id="concatenation"),
    pytest.param("1989", "{1989}", id="number"),
])
def test_bib_value(text, expected):
    assert bib_value(text, {"jhsc": "Journal of Health"}, []) == expected


def test_undefined_macro_is_reported():
    notes: list[str] = []
    assert bib_value("nosuch", {}, notes) == "{nosuch}"
    assert "nosuch" in notes[0]


def test_bib_escape_round_trips_through_the_reader():
    text = "50% of {odd} C:\\paths cost $5 ~ more & less"
    src = parse_bibtex_text("@misc{x, title = {" + bib_escape(text) + "}}").sources[0]
    assert src.title == text


def test_key_pattern():
    assert ascii_fold("Ødegård-Müller") == "odegardmuller"
    assert base_key([("van der Berg", False)], "2010", "") == "vanderberg2010"
    assert base_key([], "", "The Health Act") == "healthactnd"
    assert next_free_key("gray1989", set()) == "gray1989"
    taken = {"gray1989"} | {"gray1989" + chr(c) for c in range(97, 123)}
    assert next_free_key("gray1989", taken) == "gray1989aa"


@pytest.mark.parametrize("key, keep", [
    pytest.param("gray1989", True, id="pattern"),
    pytest.param("gray1989b", True, id="pattern-with-suffix"),
    pytest.param("Gray1989", False, id="capitalised"),
    pytest.param("grayCollaborating1989", False, id="bbt-style"),
    pytest.param("item3", False, id="not-the-pattern"),
    pytest.param("glasby2006", False, id="taken"),
])
def test_keeps_own_key(key, keep):
    src = parse_bibtex_text("@book{x, author = {Gray, Barbara}, title = {T}, year = {1989}}").sources[0]
    assert keeps_own_key(key, src, {"glasby2006"}) is keep
    if not keep:
        assert key_for(src, {"gray1989"}) == "gray1989a"


def test_missing_fields_uses_alternatives():
    assert missing_fields("article", {"author", "title", "journaltitle", "date"}) == []
    assert missing_fields("book", {"editor", "title"}) == ["year", "publisher"]


@pytest.mark.parametrize("name, text, line", [
    pytest.param("bad.json", '[\n  {"id": "a",\n  "title": }\n]', 3, id="invalid-json"),
    pytest.param("bad.bib", "@article{a,\n  title = {unclosed,\n  year = {2000}\n", 1, id="unclosed-brace"),
])
def test_malformed_import(tmp_path, name, text, line):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    try:
        imp = read_import(p)
    except SourceParseError as exc:
        assert exc.line == line and str(p) in exc.message
        return
    assert imp.skipped and imp.skipped[0][0] == line and not imp.entries


def test_unknown_extension_is_sniffed(tmp_path):
    p = tmp_path / "export.txt"
    p.write_text((FIX / "export.ris").read_text(encoding="utf-8"), encoding="utf-8")
    assert read_import(p).format == "ris"
