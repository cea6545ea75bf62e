"""The IRIs partnergraph speaks (DESIGN §2). Plain strings: no RDF library is imported here."""

__all__ = [
    "ATTRIBUTIONS",
    "BIBO",
    "CELLS",
    "CITO",
    "CLAIM_KINDS",
    "DCTERMS",
    "DIMENSIONS",
    "EVIDENCE_TYPES",
    "FOAF",
    "LEVELS",
    "MP",
    "OA",
    "OWL",
    "PG",
    "PGID",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SH",
    "SKOS",
    "STANCES",
    "STATUSES",
    "XSD",
    "curie",
    "prefix_block",
    "prefix_list",
]

PG = "https://w3id.org/partnergraph/ns#"
PGID = "https://w3id.org/partnergraph/id/"
BIBO = "http://purl.org/ontology/bibo/"
DCTERMS = "http://purl.org/dc/terms/"
CITO = "http://purl.org/spar/cito/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
FOAF = "http://xmlns.com/foaf/0.1/"
OWL = "http://www.w3.org/2002/07/owl#"
SH = "http://www.w3.org/ns/shacl#"
MP = "http://purl.org/mp/"

PREFIXES: dict[str, str] = {
    "pg": PG,
    "pgid": PGID,
    "bibo": BIBO,
    "dcterms": DCTERMS,
    "cito": CITO,
    "prov": PROV,
    "oa": OA,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "foaf": FOAF,
    "owl": OWL,
    "mp": MP,
    # one prefix per kind of instance: Turtle does not allow '/' in a prefixed name (pgid:claim/x is invalid)
    "source": PGID + "source/",
    "claim": PGID + "claim/",
    "evidence": PGID + "evidence/",
    "set": PGID + "set/",
    "pool": PGID + "pool/",
    "relation": PGID + "relation/",
    "debate": PGID + "debate/",
    "theme": PGID + "theme/",
}

DIMENSIONS = ("Economy", "Efficiency", "Effectiveness", "Equity")
LEVELS = ("Input", "Output", "Outcome")
CELLS = tuple(d + lv for d in DIMENSIONS for lv in LEVELS)

CLAIM_KINDS = (
    "Benefit",
    "Barrier",
    "Driver",
    "CriticalSuccessFactor",
    "Principle",
    "LifecycleStage",
    "PartnershipType",
    "Definition",
    "Recommendation",
    "AssessmentMethod",
    "Argument",
    "Finding",
    "PolicyInitiative",
    "Objective",
)
STANCES = ("Supports", "Disputes", "Qualifies")
ATTRIBUTIONS = ("Direct", "Pooled")
STATUSES = ("Complete", "Incomplete", "Unidentified")
EVIDENCE_TYPES = {
    "review": "Review",
    "qualitative case study": "QualitativeCaseStudy",
    "survey": "Survey",
    "audit/inspection report": "AuditReport",
    "policy guidance": "PolicyGuidance",
    "legislation": "Legislation",
    "expert opinion": "ExpertOpinion",
    "evaluation": "Evaluation",
    "theory/model": "TheoryModel",
    "textbook": "Textbook",
}


def prefix_block() -> str:
    """SPARQL PREFIX declarations for every project prefix."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def prefix_list() -> str:
    """The declared prefixes as users read them (``pg:, pgid:, …``): the one list the SPARQL hint, ``sparql -h``
    and the README show.

    >>> prefix_list().split(", ")[:3]
    ['pg:', 'pgid:', 'bibo:']
    """
    return ", ".join(f"{p}:" for p in PREFIXES)


def curie(iri: str) -> str:
    """Shorten an IRI with the project prefixes (``pgid:source/gray1989``); unknown IRIs come back whole."""
    for p in sorted(PREFIXES, key=lambda p: -len(PREFIXES[p])):
        if iri.startswith(PREFIXES[p]):
            return f"{p}:{iri[len(PREFIXES[p]):]}"
    return iri
