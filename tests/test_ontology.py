"""The vocabulary: every ``pg:`` term the data or the loaders use is declared in ``ontology.ttl``, and the
synthesis-layer terms are the agreed ones."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from partnergraph.core.namespaces import MP, PG
from partnergraph.files.bibtex import parse_bibtex, parse_bibtex_text
from partnergraph.store.bibrdf import source_triples

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "partnergraph" / "ontology.ttl"
P = rdflib.Namespace(PG)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def declared(ontology) -> set[str]:
    return {str(s) for s in ontology.subjects(RDF.type, None) if str(s).startswith(PG)}


def pg_terms(triples) -> set[str]:
    out = set()
    for t in triples:
        for x in t:
            if isinstance(x, str) and x.startswith(PG):
                out.add(x)
    return out


def test_every_term_in_claims_ttl_is_declared(declared):
    g = rdflib.Graph().parse(ROOT / "data" / "claims.ttl", format="turtle")
    used = pg_terms((str(s), str(p), str(o)) for s, p, o in g)
    assert used, "claims.ttl uses the pg: vocabulary"
    assert used - declared == set()


def test_every_term_of_the_bundled_sources_is_declared(declared):
    lib = parse_bibtex(ROOT / "data" / "sources.bib")
    used = pg_terms((s, p, o if isinstance(o, str) else "") for s, p, o in source_triples(lib.sources))
    assert {PG + "bibtexKey", PG + "status", PG + "seedFile"} <= used
    assert used - declared == set()


def test_every_field_the_loader_maps_gives_a_declared_term(declared):
    """A source with every field partnergraph maps (et al., address, howpublished, …) uses only declared terms."""
    bib = """@misc{x2000,
  author = {Smith, Ann and others},
  title = {A title}, year = {2000}, address = {London}, howpublished = {leaflet}, publisher = {Press},
  note = {cited as Smith et al.}, refnumber = {12}, citedin = {y2001}, seedfile = {000.txt},
  evidencetype = {review}, status = {incomplete}, missing = {pages}, colour = {blue}
}
@misc{y2001, title = {Another}, year = {2001}, status = {incomplete}}
"""
    lib = parse_bibtex_text(bib, Path("x.bib"))
    used = pg_terms((s, p, o if isinstance(o, str) else "") for s, p, o in source_triples(lib.sources))
    assert {PG + "etAl", PG + "place", PG + "howPublished", PG + "extraField", PG + "asCitedIn"} <= used
    assert used - declared == set()


def test_every_term_of_the_themes_file_is_declared(declared):
    path = ROOT / "data" / "themes.ttl"
    theme_terms = {PG + "Theme", PG + "ThemeGroup", PG + "theme", PG + "Curators", PG + "assertedBy"}
    assert theme_terms <= declared
    if path.exists():
        g = rdflib.Graph().parse(path, format="turtle")
        assert pg_terms((str(s), str(p), str(o)) for s, p, o in g) - declared == set()


def test_relation_kinds_are_a_scheme_matching_micropublications(ontology):
    scheme = P.ClaimRelationKind
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
    kinds = set(ontology.objects(scheme, SKOS.hasTopConcept))
    assert kinds == {P.Challenges, P.Qualifies, P.SupportsClaim}
    matches = {str(ontology.value(k, SKOS.closeMatch)) for k in kinds}
    assert matches == {MP + "challenges", MP + "qualifies", MP + "supports"}
    for k in kinds:
        assert (k, SKOS.inScheme, scheme) in ontology and ontology.value(k, SKOS.prefLabel)


def test_the_curators_are_an_agent(ontology):
    assert (P.Curators, RDF.type, rdflib.URIRef("http://www.w3.org/ns/prov#Agent")) in ontology


def test_stances_and_relation_kinds_keep_their_names_apart(ontology):
    """pg:Qualifies is both a stance and a relation kind; support between claims is pg:SupportsClaim, never the
    stance pg:Supports."""
    assert (P.Qualifies, RDF.type, P.Stance) in ontology
    assert (P.Supports, RDF.type, P.Stance) in ontology
    assert (P.Supports, SKOS.inScheme, P.ClaimRelationKind) not in ontology
