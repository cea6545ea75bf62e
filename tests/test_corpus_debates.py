"""The bundled corpus's synthesis layer pinned to the seed texts: every relation between claims says who makes it,
in the review's own words or the curators' reason; the seeds' sceptical passages each bear on the claims they
argue with; the study counts keep to the numbers the seed prints.

Reads the seeds from ``PARTNERGRAPH_SEEDS`` (skipped with that reason when unset, failing in CI)."""

from __future__ import annotations

import re

import pytest
from seedtexts import fold  # the seeds fixture is in conftest.py

pytestmark = pytest.mark.seeds

PGNS = "https://w3id.org/partnergraph/ns#"
ID = "https://w3id.org/partnergraph/id/"


def key(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def relations(bundled) -> list[dict]:
    return bundled.sparql("""
        SELECT ?r ?from ?to ?kind ?by ?exact ?qsrc ?reason ?debate WHERE {
            ?r a pg:ClaimRelation .
            OPTIONAL { ?r pg:fromClaim ?from } OPTIONAL { ?r pg:toClaim ?to } OPTIONAL { ?r pg:relationKind ?kind }
            OPTIONAL { ?r pg:assertedBy ?by } OPTIONAL { ?r pg:reason ?reason } OPTIONAL { ?r pg:debate ?debate }
            OPTIONAL { ?r pg:quote ?q . ?q oa:hasSource ?qsrc ; oa:hasSelector/oa:exact ?exact }
        } ORDER BY ?r""")


@pytest.fixture(scope="module")
def claim_text(bundled) -> dict[str, str]:
    """Claim IRI → its label and quote, folded: what a claim says."""
    out: dict[str, str] = {}
    for r in bundled.sparql("""SELECT ?c ?label ?exact WHERE { ?c a ?k . ?k rdfs:subClassOf pg:Claim ;
                               rdfs:label ?label . OPTIONAL { ?c pg:quote/oa:hasSelector/oa:exact ?exact } }"""):
        out[r["c"]] = fold(f"{r['label']} {r['exact'] or ''}")
    return out


def set_members(bundled, set_iri: str) -> set[str]:
    rows = bundled.sparql(f"SELECT DISTINCT ?c WHERE {{ <{set_iri}> skos:member+ ?c . ?c a ?k . "
                          "?k rdfs:subClassOf pg:Claim }")
    return {r["c"] for r in rows}


def test_there_are_relations_of_every_kind_by_both_kinds_of_asserter(relations):
    pairs = {(r["kind"], r["by"] == PGNS + "Curators") for r in relations}
    for kind in ("Challenges", "Qualifies", "SupportsClaim"):
        assert (PGNS + kind, True) in pairs and (PGNS + kind, False) in pairs, kind


def test_every_relation_quote_is_the_asserting_reviews_words(relations, seeds):  # noqa: F811
    reviewed = [r for r in relations if r["by"] != PGNS + "Curators"]
    assert reviewed
    for r in reviewed:
        assert r["exact"], f"{key(r['r'])}: a review's relation quotes its words"
        assert r["qsrc"] == r["by"], key(r["r"])
        assert fold(r["exact"]) in seeds[key(r["by"])], (key(r["r"]), r["exact"][:60])


def test_every_curators_relation_gives_its_reason(relations):
    cur = [r for r in relations if r["by"] == PGNS + "Curators"]
    assert cur
    assert all(r["reason"] and r["reason"].strip() for r in cur)


def test_every_relation_bears_on_claims_that_exist(bundled, relations, claim_text):
    sets = {r["s"] for r in bundled.sparql("SELECT ?s WHERE { ?s a pg:ClaimSet }")}
    for r in relations:
        assert r["from"] in claim_text, key(r["r"])
        assert r["to"] in claim_text or (r["to"] in sets and set_members(bundled, r["to"])), key(r["r"])
        assert r["from"] != r["to"]


def test_every_relation_names_one_kind_one_source_claim_one_target(relations):
    counts: dict[str, int] = {}
    for r in relations:
        counts[r["r"]] = counts.get(r["r"], 0) + 1
        assert r["kind"] in {PGNS + "Challenges", PGNS + "Qualifies", PGNS + "SupportsClaim"}
    assert set(counts.values()) == {1}, "one row per relation: no second kind, source, target or quote"


# The sceptical (contesting, qualifying) and supporting passages of the five seeds that bear on other claims, as
# the seeds word them. Each must be said by a claim that a relation connects, or be the words a relation quotes.
PASSAGES = [
    ("briefing2009ch1", "rather than having any concrete evidence base"),
    ("briefing2009ch1", "its cost effectiveness– is questioned"),
    ("briefing2009ch1", "21 found evidence of benefits to be derived from partnership working"),
    ("briefing2009ch1", "6 found little or no evidence of beneficial impact"),
    ("briefing2009ch1", "typically based on small scale, qualitative studies"),
    ("briefing2009ch1", "dismissed process benefits as irrelevant"),
    ("briefing2009ch1", "Most of the studies related to integrated teams"),
    ("briefing2009ch1", "an obsession with structure and process at the expense of outcomes"),
    ("briefing2009ch1", "could have been gained from close co-ordination of existing arrangements"),
    ("briefing2009ch1", "difficulties in attributing individual outcomes specifically to partnership actions"),
    ("briefing2009ch1", "process success might be the basis of, and forerunner, to outcome success"),
    ("briefing2009ch1", "it would be very lengthy and expensive to construct large scale, systematic research"),
    ("briefing2009ch1", "hardly ever any follow-up activities or appropriate evaluation"),
    ("briefing2009ch1", "a need for more research into the outcomes of partnership"),
    ("briefing2009ch1", "closer scrutiny of the cost effectiveness of partnership"),
    ("briefing2009ch1", "partnerships stitched together simply in search of funding tend not to work"),
    ("briefingch1variant", "the bulk of these benefits are process (input and output) measures"),
    ("partnershipworkingch7", "concerns over whether the growing commitment to public governance through "
                              "partnership adds value"),
    ("partnershipworkingch7", "little evidence that collaboration has improved health status"),
    ("partnershipworkingch7", "it is easy to assume partnerships generate added value"),
    ("partnershipworkingch7", "failed to move into the mainstream of working across sectors or change to pooled "
                              "budgets"),
    ("partnershipworkingch7", "pessimistic about the actual outcomes of partnerships"),
    ("partnershipworkingch7", "There are only a small number of studies which focus on collaborative activity for "
                              "public health"),
    ("partnershipworkingch7", "understanding how to facilitate partnership working remains limited"),
    ("partnershipworkingch7", "neither easy nor a panacea"),
    ("partnershipworkingch7", "There is little identifiable theory of collaboration"),
    ("partnershipworkingch7", "Partnerships are not natural for organizations or professions"),
    ("partnershipworkingch7", "That organizations will find issues of commonality is unrealistic"),
    ("glasby2006", "the notion of partnership working is increasingly under attack"),
    ("glasby2006", "“partnership” as a term means little"),
    ("glasby2006", "serious issues about governance"),
    ("glasby2006", "too labour-intensive to be worth the investment of scarce time and resources"),
    ("glasby2006", "it is difficult in research terms to tell what outcomes a partnership delivers"),
    ("glasby2006", "most of the literature tends to focus on issues of process"),
    ("glasby2006", "the enthusiasm and progress we’ve enjoyed since 1997 seems to be waning"),
    ("glasby2006", "Partnership working is never a panacea"),
    ("glasby2006", "another way of working could be equally suitable or more so"),
    ("glasby2006", "There is a danger of trying to encourage partnership working by imposing top-down structural "
                   "solutions"),
    ("glasby2006", "Is this about improving outcomes for users, or is it more about organisational benefits"),
    ("glasby2006", "we know less about how to keep this going under pressure"),
    ("glasby2006", "there is always a higher test of evidence for the new than for the old"),
    ("glasby2006", "despite the research complexities of linking partnerships to improved outcomes"),
    ("glasby2006", "talk about partnerships seems to have gone quiet"),
    ("wildridgereview", "more partnerships fail than succeed"),
    ("wildridgereview", "partnerships are not a panacea and are not appropriate in all contexts"),
    ("wildridgereview", "In practice, of course, more pragmatic drivers spur agencies on"),
    ("wildridgereview", "Crawford21 sees it as a necessary component"),
    ("wildridgereview", "this is ‘rarely the case in reality’"),
    ("wildridgereview", "little substantive guidance is given about what is even meant by partnership"),
    ("wildridgereview", "there is no universal theory of co-operation either"),
    ("wildridgereview", "It should not be assumed that partnership working is a good thing per se"),
    ("wildridgereview", "a partnership is simply not the best approach to an issue"),
    ("wildridgereview", "the internal dynamic for collaboration may be weak"),
    ("wildridgereview", "failing to move beyond a ‘demonstration project’ phase, without any lasting impact"),
    ("wildridgereview", "significant costs to working together"),
    ("wildridgereview", "not after all offering ‘added value’"),
    ("wildridgereview", "the most powerful partner will get the greatest benefits"),
    ("wildridgereview", "spending more time on the mechanisms of partnership working than on achieving outcomes"),
    ("wildridgereview", "achievements reported in the literature often relate to the process of partnership "
                        "working itself"),
    ("wildridgereview", "even if finding clear indicators for measuring success is not easy"),
    ("wildridgereview", "this is ‘plain common sense’, that does not mean it is easy to achieve"),
    ("wildridgereview", "propounds an ‘optimistic model’ of interprofessionality"),
    ("wildridgereview", "Partnerships can be less clearly accountable than their individual members"),
    ("wildridgereview", "keep its principal focus on process and outcomes rather than structure and inputs"),
    ("allens75", "Evidence from the UK around integration remains limited and focused on process rather than "
                 "outcomes"),
    ("allens75", "Impact evaluations have been piecemeal"),
    ("allens75", "the time-intensive nature of setting up a Section 75 partnership agreement"),
    ("allens75", "a complex, labour intensive task"),
    ("allens75", "forming new joint structures can take a lot of time and commitment"),
    ("allens75", "the absence of formal joint financing arrangements"),
    ("allens75", "This complication thus providing a disincentive to pooled funding options"),
    ("allens75", "pooled funds amounting to around 3.4%"),
    ("allens75", "there is scope for the process to be simplified and improved"),
]


@pytest.mark.parametrize("review, passage", PASSAGES, ids=[f"{r}:{p[:40]}" for r, p in PASSAGES])
def test_each_sceptical_passage_bears_on_another_claim(relations, claim_text, seeds, review, passage):  # noqa: F811
    assert fold(passage) in seeds[review], "the passage is the seed's words"
    said = [fold(r["exact"] or "") for r in relations]
    for r in relations:
        said += [claim_text.get(r["from"], ""), claim_text.get(r["to"], "")]
    assert any(fold(passage) in s for s in said), "no relation connects the claim that says this"


def test_the_benefits_table_is_a_claim_set_of_every_tabulated_benefit(bundled):
    tabulated = {r["c"] for r in bundled.sparql("""
        SELECT ?c WHERE { ?c a pg:Benefit ; pg:categorisedBy pg:ReviewAssigned ;
                              prov:wasDerivedFrom source:briefing2009ch1 }""")}
    assert tabulated
    assert set_members(bundled, ID + "set/s000-benefits-table-000") == tabulated


def test_the_benefits_table_is_contested(bundled, relations):
    """Before the synthesis layer no benefit had a challenger; now every tabulated benefit is challenged or
    qualified, through its table, by claims of more than one seed."""
    table = ID + "set/s000-benefits-table-000"
    against = [r for r in relations if r["to"] == table and r["kind"] in (PGNS + "Challenges", PGNS + "Qualifies")]
    seeds_of = {row["s"] for r in against for row in bundled.sparql(
        f"SELECT ?s WHERE {{ <{r['from']}> prov:wasDerivedFrom ?s }}")}
    assert len(seeds_of) >= 3


def test_the_study_counts_are_one_tally_over_one_population(bundled, seeds):  # noqa: F811
    rows = bundled.sparql("""
        SELECT ?t ?population ?pclaim ?count ?finding ?claim ?cq WHERE {
            ?t a pg:StudyTally ; pg:population ?population ; pg:populationClaim ?pclaim ; pg:studyCount ?sc .
            ?sc pg:count ?count ; pg:finding ?finding ; pg:statedIn ?claim .
            ?claim pg:quote/oa:hasSelector/oa:exact ?cq .
        }""")
    tallies = {r["t"] for r in rows}
    assert len(tallies) == 1 and len(rows) == 2, "21 and 6 are two counts of one population"
    text = seeds["briefing2009ch1"]
    for r in rows:
        assert fold(r["population"]) in text
        assert fold(r["finding"]) in fold(r["cq"])
        assert re.search(rf"\b{r['count']}\b", r["finding"])
    # no total: the seed prints none, so the data holds none
    literals = " ".join(str(v) for r in bundled.sparql(
        f"SELECT ?o WHERE {{ <{next(iter(tallies))}> ?p ?o FILTER(isLiteral(?o)) }}") for v in r.values())
    total = sum(int(r["count"]) for r in rows)
    assert not re.search(rf"\b{total}\b", literals + " " + " ".join(r["finding"] for r in rows))
    assert not bundled.sparql("SELECT ?x WHERE { ?x pg:outOf ?n }")


def test_every_evidence_link_is_cited_as_evidence_with_a_stance(bundled):
    rows = bundled.sparql("""SELECT ?e ?ch ?st WHERE { ?e a pg:EvidenceLink ; pg:stance ?st .
                             OPTIONAL { ?e cito:hasCitationCharacterization ?ch } }""")
    assert rows
    assert {r["ch"] for r in rows} == {"http://purl.org/spar/cito/citesAsEvidence"}


def test_every_debate_has_two_sides_and_its_relations_come_from_its_positions(bundled, relations):
    sides = bundled.sparql("""SELECT ?d ?side ?c WHERE { ?d a pg:Debate ; rdfs:label ?l ; pg:side ?side .
                              ?side rdfs:label ?sl ; pg:position ?c }""")
    by_debate: dict[str, dict[str, set]] = {}
    for r in sides:
        by_debate.setdefault(r["d"], {}).setdefault(r["side"], set()).add(r["c"])
    assert len(by_debate) >= 2
    assert all(len(s) >= 2 for s in by_debate.values())
    for r in relations:
        if r["debate"]:
            positions = set().union(*by_debate[r["debate"]].values())
            assert r["from"] in positions, key(r["r"])


def test_data_readme_debates_figures_are_the_data(bundled, relations):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Debates\n(.*?)(?=^## |\Z)", text, re.S | re.M).group(1)
    kinds = ("Challenges", "Qualifies", "SupportsClaim")

    def n(kind=None, curators=None):
        return sum(1 for r in relations if (kind is None or r["kind"] == PGNS + kind)
                   and (curators is None or (r["by"] == PGNS + "Curators") == curators))

    for label, cur in (("in a review's own words", False), ("the curators' reading", True), ("all", None)):
        m = re.search(rf"^\| {re.escape(label)} \| (\d+) \| (\d+) \| (\d+) \| (\d+)", section, re.M)
        assert m, label
        assert [int(x) for x in m.groups()] == [n(k, cur) for k in kinds] + [n(None, cur)], label
    row = re.search(r"^\| claim relations \| (\d+): (\d+) challenges, (\d+) qualifies, (\d+) supports; (\d+) in a "
                    r"review's own words, (\d+) the curators' reading", text, re.M)
    assert row and [int(x) for x in row.groups()] == [n(), *[n(k) for k in kinds], n(curators=False),
                                                     n(curators=True)]
    contested = bundled.sparql("""SELECT DISTINCT ?b WHERE { ?b a pg:Benefit .
        { ?r pg:relationKind pg:Challenges } UNION { ?r pg:relationKind pg:Qualifies }
        { ?r pg:toClaim ?b } UNION { ?r pg:toClaim ?t . ?t skos:member+ ?b } }""")
    direct = {r["to"] for r in relations if r["kind"] in (PGNS + "Challenges", PGNS + "Qualifies")}
    assert direct & {r["b"] for r in contested}, "benefits a relation names directly are counted too"
    benefits = bundled.sparql("SELECT ?b WHERE { ?b a pg:Benefit }")
    m = re.search(r"now (\d+) of (\d+) are challenged or qualified", section)
    assert m and (int(m[1]), int(m[2])) == (len(contested), len(benefits))
    debates = bundled.sparql("SELECT ?d (COUNT(?r) AS ?n) WHERE { ?r pg:debate ?d } GROUP BY ?d")
    for d in debates:
        m = re.search(rf"^\| `{key(d['d'])}` \| [^|]+ \| (\d+) \|", section, re.M)
        assert m and int(m[1]) == int(d["n"]), key(d["d"])
