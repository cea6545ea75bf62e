"""BibTeX → sources → BIBO triples."""

from __future__ import annotations

import pytest

from partnergraph.core.namespaces import BIBO, DCTERMS, PG, RDF
from partnergraph.files.bibtex import decode_latex, parse_bibtex_text, split_people
from partnergraph.store.bibrdf import Lit, source_triples


def triples(bib: str):
    lib = parse_bibtex_text(bib)
    assert not lib.failures, lib.failures
    return set(source_triples(lib.sources))


def test_entry_types_map_to_bibo_classes():
    bib = """
@article{a1, author={Gray, Barbara}, title={T}, journal={J}, year={1989}}
@book{b1, author={Gray, Barbara}, title={T}, publisher={P}, year={1989}}
@incollection{c1, author={Gray, Barbara}, title={T}, booktitle={The Book}, year={1989}}
@techreport{r1, author={{Audit Commission}}, title={T}, institution={Audit Commission}, year={1998}}
@misc{w1, title={A page}, url={https://example.org/x}}
@misc{act1, title={Health Act 1999}, type={Act}, year={1999}}
"""
    t = triples(bib)
    src = "https://w3id.org/partnergraph/id/source/"
    for key, cls in [("a1", "AcademicArticle"), ("b1", "Book"), ("c1", "Chapter"), ("r1", "Report"),
                     ("w1", "Webpage"), ("act1", "Statute")]:
        assert (src + key, RDF + "type", BIBO + cls) in t
        assert (src + key, RDF + "type", BIBO + "Document") in t
    assert (src + "c1", DCTERMS + "isPartOf", src + "c1/book") in t
    assert any(s == src + "r1" and p == BIBO + "issuer" for s, p, _ in t)


def test_authors_are_ordered_and_corporate_authors_kept_whole():
    lib = parse_bibtex_text("@techreport{x, author={{Audit Commission} and Dowling, B. and Powell, Martin and "
                            "others}, title={T}, year={2004}}")
    s = lib.sources[0]
    assert [p.family for p in s.authors] == ["Audit Commission", "Dowling", "Powell"]
    assert s.authors[0].organisation and not s.authors[1].organisation
    assert s.et_al
    t = set(source_triples(lib.sources))
    seq = "https://w3id.org/partnergraph/id/source/x/authors"
    firsts = [o for s_, p, o in t if s_ == seq and p == RDF + "_1"]
    assert firsts and firsts[0].endswith("org/audit-commission")
    assert s.short_citation == "Audit Commission et al. 2004"


@pytest.mark.parametrize("raw, text", [
    pytest.param(r"M{\"u}ller", "Müller", id="umlaut"),
    pytest.param(r"{\'e}t{\'e}", "été", id="acute"),
    pytest.param("3--19", "3–19", id="en-dash"),
    pytest.param("A---B", "A—B", id="em-dash"),
    pytest.param(r"Health \& Social Care", "Health & Social Care", id="ampersand"),
    pytest.param("{NHS} Plan", "NHS Plan", id="protecting-braces"),
    pytest.param("plain text", "plain text", id="plain"),
])
def test_latex_decoding(raw, text):
    assert decode_latex(raw) == text


def test_pages_are_split_and_doi_normalised():
    t = triples("@article{k, author={A, B}, title={T}, journal={J}, year={2003}, pages={139--151}, "
                "doi={https://doi.org/10.1016/S0168-8510(02)00205-1}}")
    s = "https://w3id.org/partnergraph/id/source/k"
    assert (s, BIBO + "pageStart", Lit("139")) in t
    assert (s, BIBO + "pageEnd", Lit("151")) in t
    assert (s, BIBO + "doi", Lit("10.1016/S0168-8510(02)00205-1")) in t


def test_status_missing_and_secondary_citation_carried_into_the_graph():
    t = triples("@misc{wr17, refnumber={17}, citedin={review}, status={unidentified}, missing={author, title}}")
    s = "https://w3id.org/partnergraph/id/source/wr17"
    assert (s, PG + "status", PG + "Unidentified") in t
    assert (s, PG + "missingField", Lit("author")) in t
    assert (s, PG + "refNumber", Lit("17")) in t
    assert (s, PG + "asCitedIn", "https://w3id.org/partnergraph/id/source/review") in t


def test_unmapped_fields_are_kept():
    t = triples("@article{k, title={T}, keywords={partnership, care}}")
    assert ("https://w3id.org/partnergraph/id/source/k", PG + "extraField", Lit("keywords=partnership, care")) in t


@pytest.mark.parametrize("bib, line, words", [
    pytest.param("@article{a, title={ok}}\n\n@book{b, title={unclosed}\n", 3, "", id="unclosed-brace"),
    pytest.param("@article{a, title={x}}\n@article{a, title={y}}\n", 2, "duplicate citation key 'a'",
                 id="duplicate-key"),
    pytest.param("@article{a,\n title={x}\n author={y}\n}\n", 2, "missing comma", id="missing-comma"),
    pytest.param("@article{a,\n title={x}},\n author={y}\n}\n", 2, "outside any entry", id="extra-brace"),
])
def test_malformed_bibtex_is_reported_with_its_line(bib, line, words):
    lib = parse_bibtex_text(bib)
    assert lib.failures, "the problem went unnoticed"
    f = lib.failures[0]
    assert f.line == line
    assert words in f.reason


def test_split_people_handles_von_and_jr():
    people, et_al = split_people("van der Berg, Anna and Smith, Jr., John")
    assert [p.family for p in people] == ["van der Berg", "Smith, Jr."]
    assert not et_al
