"""The synthesis-layer shapes (claim relations, debates, study tallies, the evidence-link characterisation), each
seen to fire through ``partnergraph validate``: the rule is named, with the file and line of the node at fault."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import TINY_BIB, TINY_TTL

from partnergraph.cli import main

PREFIXES = """@prefix relation: <https://w3id.org/partnergraph/id/relation/> .
@prefix debate: <https://w3id.org/partnergraph/id/debate/> .
"""

# two more claims of the tiny review, a relation each way of asserting one, a debate and a study tally
EXTRA = """
claim:no-evidence a pg:Finding ;
    rdfs:label "little evidence that partnership improves outcomes" ;
    pg:quote [ a oa:SpecificResource ; oa:hasSource source:review2004 ;
               oa:hasSelector [ a oa:TextQuoteSelector ;
                                oa:exact "little evidence that partnership improves outcomes" ] ] ;
    prov:wasDerivedFrom source:review2004 .

claim:count-3 a pg:Finding ;
    rdfs:label "3 found no benefit" ;
    prov:wasDerivedFrom source:review2004 .

relation:r1 a pg:ClaimRelation ;
    pg:fromClaim claim:no-evidence ;
    pg:toClaim claim:shared-resources ;
    pg:relationKind pg:Challenges ;
    pg:assertedBy source:review2004 ;
    pg:quote [ a oa:SpecificResource ; oa:hasSource source:review2004 ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "However, there is little evidence" ] ] ;
    pg:debate debate:d1 .

relation:r2 a pg:ClaimRelation ;
    pg:fromClaim claim:no-evidence ;
    pg:toClaim set:factors ;
    pg:relationKind pg:Qualifies ;
    pg:assertedBy pg:Curators ;
    pg:reason "the factors rest on the same thin evidence" .

debate:d1 a pg:Debate ;
    rdfs:label "Does partnership add value?" ;
    pg:assertedBy pg:Curators ;
    pg:reason "whether the benefits are real" ;
    pg:side [ a pg:DebateSide ; rdfs:label "No" ; pg:position claim:no-evidence ] ,
            [ a pg:DebateSide ; rdfs:label "Yes" ; pg:position claim:shared-resources ] .

<https://w3id.org/partnergraph/id/tally/t1> a pg:StudyTally ;
    pg:population "the studies selected" ;
    pg:studyCount [ a pg:StudyCount ; pg:count 3 ; pg:finding "3 found no benefit" ; pg:statedIn claim:count-3 ] ;
    prov:wasDerivedFrom source:review2004 .
"""

VALID = PREFIXES + TINY_TTL + EXTRA


def _validate(tmp_path, ttl: str, bib: str = TINY_BIB):
    (tmp_path / "sources.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "claims.ttl").write_text(ttl, encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", "--data", str(tmp_path), "--format", "json"])
    return r, json.loads(r.stdout or "[]")


def _swap(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def test_relations_debate_and_tally_are_valid(tmp_path):
    r, findings = _validate(tmp_path, VALID)
    assert r.exit_code == 0, findings
    assert findings == []


@pytest.mark.parametrize("ttl, rule, subject", [
    pytest.param(_swap("    pg:fromClaim claim:no-evidence ;\n    pg:toClaim claim:shared-resources ;",
                       "    pg:toClaim claim:shared-resources ;"),
                 "ClaimRelationShape", "relation:r1", id="no-from-claim"),
    pytest.param(_swap("pg:toClaim claim:shared-resources ;", "pg:toClaim claim:shared-resources, claim:trust ;"),
                 "ClaimRelationShape", "relation:r1", id="two-to-claims"),
    pytest.param(_swap("pg:toClaim claim:shared-resources ;", "pg:toClaim source:gray1989 ;"),
                 "ClaimRelationShape", "relation:r1", id="to-a-source"),
    pytest.param(_swap("pg:toClaim claim:shared-resources ;", "pg:toClaim claim:ghost ;"),
                 "ClaimRelationShape", "relation:r1", id="to-a-claim-that-does-not-exist"),
    pytest.param(_swap("pg:toClaim claim:shared-resources ;", "pg:toClaim claim:no-evidence ;"),
                 "ClaimRelationShape", "relation:r1", id="to-itself"),
    pytest.param(_swap("pg:relationKind pg:Challenges ;", "pg:relationKind pg:Supports ;"),
                 "ClaimRelationShape", "relation:r1", id="a-stance-is-not-a-relation-kind"),
    pytest.param(_swap("    pg:relationKind pg:Qualifies ;\n    pg:assertedBy pg:Curators ;",
                       "    pg:relationKind pg:Qualifies ;"),
                 "ClaimRelationShape", "relation:r2", id="no-asserter"),
    pytest.param(_swap("pg:assertedBy pg:Curators ;\n    pg:reason \"the factors",
                       "pg:assertedBy claim:trust ;\n    pg:reason \"the factors"),
                 "ClaimRelationShape", "relation:r2", id="asserter-neither-review-nor-curators"),
    pytest.param(_swap("""    pg:assertedBy source:review2004 ;
    pg:quote [ a oa:SpecificResource ; oa:hasSource source:review2004 ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "However, there is little evidence" ] ] ;""",
                       "    pg:assertedBy source:review2004 ;"),
                 "ReviewAssertedShape", "relation:r1", id="review-asserted-without-quote"),
    pytest.param(_swap("""oa:hasSource source:review2004 ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "However""",
                       """oa:hasSource source:gray1989 ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "However"""),
                 "ReviewAssertedShape", "relation:r1", id="quote-from-another-work"),
    pytest.param(_swap("    pg:reason \"the factors rest on the same thin evidence\" .",
                       "    pg:relationKind pg:Qualifies ."),
                 "CuratorsReasonShape", "relation:r2", id="curators-without-reason"),
    pytest.param(_swap("    pg:reason \"whether the benefits are real\" ;\n", ""),
                 "CuratorsReasonShape", "debate:d1", id="curators-debate-without-reason"),
    pytest.param(_swap("pg:debate debate:d1 .", "pg:debate claim:trust ."),
                 "ClaimRelationShape", "relation:r1", id="debate-not-a-debate"),
    pytest.param(_swap("    rdfs:label \"Does partnership add value?\" ;\n", ""),
                 "DebateShape", "debate:d1", id="debate-without-label"),
    pytest.param(_swap(""" ,
            [ a pg:DebateSide ; rdfs:label "Yes" ; pg:position claim:shared-resources ] .""", " ."),
                 "DebateShape", "debate:d1", id="debate-with-one-side"),
    pytest.param(_swap("""[ a pg:DebateSide ; rdfs:label "Yes" ; pg:position claim:shared-resources ]""",
                       """[ a pg:DebateSide ; rdfs:label "Yes" ]"""),
                 "DebateSideShape", "debate:d1", id="side-without-position"),
    pytest.param(_swap("pg:position claim:shared-resources ]", "pg:position source:gray1989 ]"),
                 "DebateSideShape", "debate:d1", id="side-position-not-a-claim"),
    pytest.param(_swap("    pg:population \"the studies selected\" ;\n", ""),
                 "StudyTallyShape", "<https://w3id.org/partnergraph/id/tally/t1>", id="tally-without-population"),
    pytest.param(_swap(" pg:finding \"3 found no benefit\" ;", ""),
                 "StudyCountShape", "<https://w3id.org/partnergraph/id/tally/t1>", id="count-without-finding"),
    pytest.param(_swap("pg:count 3 ;", "pg:count \"three\" ;"),
                 "StudyCountShape", "<https://w3id.org/partnergraph/id/tally/t1>", id="count-not-an-integer"),
    pytest.param(_swap("evidence:e1 a pg:EvidenceLink ;\n",
                       "evidence:e1 a pg:EvidenceLink ;\n    cito:hasCitationCharacterization cito:disputes ;\n"),
                 "EvidenceLinkShape", "evidence:e1", id="link-characterised-as-disputing-the-work"),
])
def test_shape_fires(tmp_path, ttl, rule, subject):
    r, findings = _validate(tmp_path, ttl)
    assert r.exit_code == 1, findings
    hits = [f for f in findings if f["rule"] == rule and f["severity"] == "error"]
    assert hits, [f"{f['rule']}: {f['message']}" for f in findings]
    where = hits[0]["where"]
    path, line = where.rsplit(":", 1)
    assert path.endswith("claims.ttl")
    text = (tmp_path / "claims.ttl").read_text(encoding="utf-8").splitlines()
    assert text[int(line) - 1].startswith(subject), (where, text[int(line) - 1])
