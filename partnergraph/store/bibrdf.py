"""BibTeX → RDF: every parsed source (:mod:`partnergraph.files.bibtex`) as BIBO/DCTerms triples (DESIGN §2).

May import: ``partnergraph.core`` and ``partnergraph.files``.

>>> from partnergraph.files.bibtex import parse_bibtex_text
>>> lib = parse_bibtex_text('@article{gray1989, author = {Gray, Barbara}, title = {Collaborating}, year = 1989}')
>>> sorted(p.rsplit("#", 1)[-1] for s, p, o in source_triples(lib.sources) if "bibtex" in p)
['bibtexKey', 'bibtexType']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..core.namespaces import BIBO, DCTERMS, EVIDENCE_TYPES, FOAF, PG, PGID, RDF, RDFS, XSD
from ..files.bibtex import Person, Source, key_list

__all__ = [
    "BIBO_TYPES",
    "MAPPED_FIELDS",
    "Lit",
    "agent_iri",
    "bibo_class",
    "camel",
    "normalise_doi",
    "source_iri",
    "source_triples",
]

# BibTeX/BibLaTeX entry type → BIBO class
BIBO_TYPES = {
    "article": "AcademicArticle",
    "book": "Book",
    "incollection": "Chapter",
    "inbook": "Chapter",
    "techreport": "Report",
    "report": "Report",
    "phdthesis": "Thesis",
    "mastersthesis": "Thesis",
    "thesis": "Thesis",
    "inproceedings": "Article",
    "conference": "Article",
    "proceedings": "Proceedings",
    "manual": "Manual",
    "unpublished": "Manuscript",
    "online": "Webpage",
    "webpage": "Webpage",
    "legislation": "Statute",
    "misc": "Document",
}


#: fields partnergraph maps to RDF itself; every other field is kept as ``pg:extraField "name=value"``.
MAPPED_FIELDS = {
    "author", "editor", "title", "year", "date", "journal", "journaltitle", "booktitle", "volume", "number",
    "issue", "pages", "doi", "isbn", "issn", "publisher", "institution", "organization", "school", "address",
    "url", "edition", "status", "missing", "refnumber", "citedin", "evidencetype", "note", "seedfile", "type",
    "month", "day", "howpublished", "chapter",
}


def source_iri(key: str) -> str:
    return f"{PGID}source/{key}"


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-") or "x"


@lru_cache(maxsize=1 << 18)
def agent_iri(person: Person) -> str:
    kind = "org" if person.organisation else "person"
    return f"{PGID}agent/{kind}/{_slug(person.family + ' ' + person.given)}"


def normalise_doi(doi: str) -> str:
    doi = doi.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I)
    return doi


def bibo_class(source: Source) -> str:
    t = source.entry_type
    kind = source.get("type").lower()
    if t == "misc" and kind in ("act", "statute", "legislation"):
        return "Statute"
    if t == "misc" and source.get("url") and not kind:
        return "Webpage"
    if t == "misc" and kind in ("report", "white paper", "policy"):
        return "Report"
    return BIBO_TYPES.get(t, "Document")


def source_triples(sources: list[Source]):
    """Yield ``(subject, predicate, object)`` for every source; objects are IRIs (str) or ``Lit``."""
    for s in sources:
        iri = source_iri(s.key)
        f = s.fields
        yield iri, RDF + "type", BIBO + "Document"
        cls = bibo_class(s)
        if cls != "Document":
            yield iri, RDF + "type", BIBO + cls
        yield iri, PG + "bibtexKey", Lit(s.key)
        yield iri, PG + "bibtexType", Lit(s.entry_type)
        yield iri, PG + "status", PG + s.status
        for m in s.missing:
            yield iri, PG + "missingField", Lit(m)
        if "title" in f:
            yield iri, DCTERMS + "title", Lit(f["title"])
        year = s.year
        if re.fullmatch(r"\d{4}", year):
            yield iri, DCTERMS + "issued", Lit(year, XSD + "gYear")
        elif year:
            yield iri, DCTERMS + "issued", Lit(year)
        if s.authors:
            seq = iri + "/authors"
            yield iri, BIBO + "authorList", seq
            yield seq, RDF + "type", RDF + "Seq"
            for i, person in enumerate(s.authors, 1):
                agent = agent_iri(person)
                yield iri, DCTERMS + "creator", agent
                yield seq, f"{RDF}_{i}", agent
                yield from _agent_triples(agent, person)
        if s.et_al:
            yield iri, PG + "etAl", Lit("true", XSD + "boolean")
        for person in s.editors:
            agent = agent_iri(person)
            yield iri, BIBO + "editor", agent
            yield from _agent_triples(agent, person)
        container = f.get("journal") or f.get("journaltitle")
        if container:
            j = f"{PGID}journal/{_slug(container)}"
            yield iri, DCTERMS + "isPartOf", j
            yield j, RDF + "type", BIBO + "Journal"
            yield j, DCTERMS + "title", Lit(container)
            yield j, FOAF + "name", Lit(container)  # named like authors and publishers, for a store's users
        if f.get("booktitle"):
            book = iri + "/book"
            yield iri, DCTERMS + "isPartOf", book
            yield book, RDF + "type", BIBO + ("Proceedings" if s.entry_type == "inproceedings" else "Book")
            yield book, DCTERMS + "title", Lit(f["booktitle"])
            yield book, FOAF + "name", Lit(f["booktitle"])
        for name, pred in (("volume", "volume"), ("number", "issue"), ("issue", "issue"), ("edition", "edition"),
                           ("isbn", "isbn"), ("issn", "issn"), ("chapter", "chapter")):
            if f.get(name):
                yield iri, BIBO + pred, Lit(f[name])
        if f.get("doi"):
            yield iri, BIBO + "doi", Lit(normalise_doi(f["doi"]))
        pages = f.get("pages", "")
        if pages:
            yield iri, BIBO + "pages", Lit(pages)
            m = re.fullmatch(r"\s*(\w+)\s*[\u2013\u2014-]+\s*(\w+)\s*", pages)
            if m:
                yield iri, BIBO + "pageStart", Lit(m.group(1))
                yield iri, BIBO + "pageEnd", Lit(m.group(2))
        publisher = f.get("publisher") or f.get("institution") or f.get("organization") or f.get("school")
        if publisher:
            org = Person(publisher, organisation=True)
            agent = agent_iri(org)
            yield iri, DCTERMS + "publisher", agent
            if cls == "Report":
                yield iri, BIBO + "issuer", agent
            yield from _agent_triples(agent, org)
        if f.get("address"):
            yield iri, PG + "place", Lit(f["address"])
        if f.get("url"):
            yield iri, BIBO + "uri", Lit(f["url"])
        if f.get("howpublished"):
            yield iri, PG + "howPublished", Lit(f["howpublished"])
        if f.get("note"):
            yield iri, RDFS + "comment", Lit(f["note"])
        if f.get("refnumber"):
            yield iri, PG + "refNumber", Lit(f["refnumber"])
        for via in key_list(f.get("citedin", "")):
            yield iri, PG + "asCitedIn", source_iri(via)
        if f.get("seedfile"):
            yield iri, PG + "seedFile", Lit(f["seedfile"])
        et = f.get("evidencetype", "").strip().lower()
        if et:
            yield iri, PG + "evidenceType", PG + EVIDENCE_TYPES.get(et, camel(et))
        for name, value in f.items():
            if name not in MAPPED_FIELDS:
                yield iri, PG + "extraField", Lit(f"{name}={value}")
        yield iri, RDFS + "label", Lit(s.short_citation)


def camel(text: str) -> str:
    return "".join(w.capitalize() for w in re.split(r"[^A-Za-z0-9]+", text) if w)


def _agent_triples(agent: str, person: Person):
    yield agent, RDF + "type", FOAF + ("Organization" if person.organisation else "Person")
    yield agent, FOAF + "name", Lit(person.display)
    if not person.organisation:
        yield agent, FOAF + "familyName", Lit(person.family)
        if person.given:
            yield agent, FOAF + "givenName", Lit(person.given)


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: text and an optional datatype IRI."""

    value: str
    datatype: str | None = None
