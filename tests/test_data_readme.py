"""data/README.md tells the truth about the bundled data: every count it prints is computed here from the files
(claims.ttl read with rdflib, sources.bib read as text), not from partnergraph's own code."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PG = rdflib.Namespace("https://w3id.org/partnergraph/ns#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
CITO = rdflib.Namespace("http://purl.org/spar/cito/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
RDF, RDFS = rdflib.RDF, rdflib.RDFS
KINDS = ("Benefit", "Barrier", "Driver", "CriticalSuccessFactor", "Principle", "LifecycleStage", "PartnershipType",
         "Definition", "Recommendation", "AssessmentMethod", "Argument", "Finding", "PolicyInitiative", "Objective")
SEED_NAMES = {"wildridgereview": "Wildridge", "partnershipworkingch7": "textbook chapter",
              "briefing2009ch1": "briefing 000", "allens75": "INTERLINKS example",
              "briefingch1variant": "briefing 003", "glasby2006": "Glasby"}


@pytest.fixture(scope="module")
def g():
    return rdflib.Graph().parse(DATA / "claims.ttl", format="turtle")


@pytest.fixture(scope="module")
def entries():
    """Each BibTeX entry of sources.bib as (key, {field: value}) — only the plain fields the README counts."""
    text = (DATA / "sources.bib").read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"(?ms)^@(\w+)\{([^,\s]+),(.*?)^\}", text):
        fields = dict(re.findall(r"(?m)^\s*(\w+)\s*=\s*\{([^{}]*)\}", m.group(3)))
        out.append((m.group(2), fields))
    return out


@pytest.fixture(scope="module")
def rows() -> dict[str, str]:
    """The Counts table of data/README.md: row name → value."""
    text = (DATA / "README.md").read_text(encoding="utf-8")
    start = text.index("## Counts")
    end = text.find("\n## ", start + 1)
    table = text[start:end if end > 0 else len(text)]
    return {m.group(1).strip(): m.group(2).strip() for m in re.finditer(r"(?m)^\| ([^|]+?) \| (.+?) \|$", table)
            if m.group(1).strip() and not set(m.group(1)) <= {"-"}}


def local(node) -> str:
    return str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def claim_kinds(g) -> Counter:
    return Counter(local(k) for c, k in g.subject_objects(RDF.type) if local(k) in KINDS and "/claim/" in str(c))


def test_sources_row(rows, entries):
    status = Counter(f.get("status") for _, f in entries)
    seeds = Counter(f.get("status") for _, f in entries if f.get("seedfile"))
    seed_part = ", ".join(f"{n} {s}" for s, n in sorted(seeds.items()))
    assert rows["sources"] == (f"{len(entries)}: {status['complete']} complete, {status['incomplete']} incomplete, "
                               f"{status['unidentified']} unidentified; {sum(seeds.values())} of them the seed "
                               f"documents ({seed_part})")
    assert sum(status.values()) == len(entries) == status["complete"] + status["incomplete"] + status["unidentified"]


def test_claims_rows(rows, g):
    kinds = claim_kinds(g)
    assert rows["claims"] == f"{sum(kinds.values())}: " + ", ".join(f"{k} {kinds[k]}" for k in KINDS if kinds[k])
    claims = {c for c, k in g.subject_objects(RDF.type) if local(k) in KINDS}
    per_seed = Counter(local(s) for c in claims for s in g.objects(c, PROV.wasDerivedFrom))
    both = sum(1 for c in claims if {local(s) for s in g.objects(c, PROV.wasDerivedFrom)}
               >= {"briefing2009ch1", "briefingch1variant"})
    parts = []
    for key, n in sorted(per_seed.items(), key=lambda kv: (-kv[1], SEED_NAMES[kv[0]])):
        parts.append(f"{SEED_NAMES[key]} {n}" + (f" ({both} shared with 000)" if key == "briefingch1variant" else ""))
    assert rows["claims per seed"] == ", ".join(parts)


def test_evidence_links_row(rows, g):
    links = set(g.subjects(RDF.type, PG.EvidenceLink))
    attr = Counter(local(g.value(e, PG.attribution)).lower() for e in links)
    stance = Counter(local(g.value(e, PG.stance)).lower() for e in links)
    via = sum(1 for e in links if g.value(e, PG.via) is not None)
    order = ("supports", "qualifies", "disputes")
    assert set(stance) <= set(order)
    assert rows["evidence links"] == (f"{len(links)}: {attr['direct']} direct, {attr['pooled']} pooled; "
                                      + ", ".join(f"{stance[s]} {s}" for s in order)
                                      + f'; {via} "as cited in"')


def test_sets_and_pools_rows(rows, g):
    sets = set(g.subjects(RDF.type, PG.ClaimSet))
    assert re.match(rf"{len(sets)} \(", rows["claim sets"])
    pools = set(g.subjects(RDF.type, PG.PooledEvidenceBase))
    used = {p for p in pools if any(g.subjects(CITO.hasCitedEntity, p))}
    assert re.match(rf"{len(pools)}, {len(used)} of them with pooled links \(", rows["pooled bases"])


def test_benefit_cells_in_the_conventions(g):
    text = (DATA / "README.md").read_text(encoding="utf-8")
    benefits = set(g.subjects(RDF.type, PG.Benefit))
    by = Counter(local(g.value(b, PG.categorisedBy)) for b in benefits)
    assert f"`pg:categorisedBy pg:ReviewAssigned`, {by['ReviewAssigned']} claims); the {by['CuratorAssigned']} other" \
           in " ".join(text.split())
    assert by["ReviewAssigned"] + by["CuratorAssigned"] == len(benefits)


def test_relations_debates_and_tallies_rows(rows, g):
    rels = set(g.subjects(RDF.type, PG.ClaimRelation))
    kinds = Counter(local(g.value(r, PG.relationKind)) for r in rels)
    by_review = sum(1 for r in rels if g.value(r, PG.assertedBy) != PG.Curators)
    assert rows["claim relations"].startswith(
        f"{len(rels)}: {kinds['Challenges']} challenges, {kinds['Qualifies']} qualifies, {kinds['SupportsClaim']} "
        f"supports; {by_review} in a review's own words, {len(rels) - by_review} the curators' reading")
    assert sum(kinds.values()) == len(rels)
    debates = set(g.subjects(RDF.type, PG.Debate))
    in_debate = sum(1 for r in rels if g.value(r, PG.debate) is not None)
    assert rows["debates"] == f"{len(debates)}, with {in_debate} of the relations"
    tallies = set(g.subjects(RDF.type, PG.StudyTally))
    assert re.match(rf"{len(tallies)} \(", rows["study tallies"])
