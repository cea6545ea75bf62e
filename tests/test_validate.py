"""SHACL shapes and cross-file integrity rules, each seen to fire."""

from __future__ import annotations

import pytest
from conftest import TINY_BIB, TINY_TTL

from partnergraph.checks.validate import validate

LINK_E1 = "    pg:locator \"p.11\" ;\n"


CASES = [
    pytest.param(TINY_BIB, TINY_TTL.replace(LINK_E1, ""), "DirectLocatorShape", "warning", id="direct-no-locator"),
    pytest.param(TINY_BIB, TINY_TTL.replace("prov:hadMember source:gray1989, source:auditcommission1998",
                                            "prov:hadMember source:gray1989"), "PoolShape", "error",
                 id="pool-one-member"),
    pytest.param(TINY_BIB, TINY_TTL.replace("oa:hasSource source:review2004", "oa:hasSource source:gray1989"),
                 "QuoteSourceShape", "error", id="quote-source-not-citing"),
    pytest.param(TINY_BIB.replace("year = {1989},", "year = {1989},\n  doi = {https://doi.org/10.1/x},"),
                 TINY_TTL, "SourceShape", "error", id="doi-pattern"),
    pytest.param(TINY_BIB, TINY_TTL.replace("pg:stance pg:Supports ;\n    pg:attribution pg:Direct",
                                            "pg:attribution pg:Direct"), "EvidenceLinkShape", "error",
                 id="link-without-stance"),
    pytest.param(TINY_BIB, TINY_TTL.replace("cito:hasCitedEntity pool:p1", "cito:hasCitedEntity source:gray1989"),
                 "PooledShape", "error", id="pooled-cites-a-source"),
    pytest.param(TINY_BIB, TINY_TTL + "\nclaim:x a pg:Barrier, pg:Driver ; rdfs:label \"Two kinds\" ;\n"
                 "    prov:wasDerivedFrom source:review2004 .\n", "ClaimKindShape", "error", id="two-kinds"),
    pytest.param(TINY_BIB, TINY_TTL + "\nclaim:t2 a pg:CriticalSuccessFactor ; rdfs:label \"Develop and maintain "
                 "trust\" ;\n    prov:wasDerivedFrom source:review2004 .\nset:factors skos:member claim:t2 .\n",
                 "label-unique-in-set", "error", id="same-label-in-set"),
    pytest.param(TINY_BIB + "\n@misc{orphan2000, title={Nobody cites me}, status={incomplete}}\n", TINY_TTL,
                 "unused-source", "warning", id="unused-source"),
    pytest.param(TINY_BIB, TINY_TTL.replace("prov:wasDerivedFrom source:review2004 .\n\nclaim:trust",
                                            "prov:wasDerivedFrom source:ghost .\n\nclaim:trust"),
                 "key-exists", "error", id="derived-from-unknown-key"),
]


@pytest.mark.parametrize("bib, ttl, rule, severity", CASES)
def test_rule_fires(tmp_path, bib, ttl, rule, severity):
    (tmp_path / "sources.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "claims.ttl").write_text(ttl, encoding="utf-8")
    findings = validate(tmp_path)
    hits = [f for f in findings if f.rule == rule]
    assert hits, [f"{f.rule}: {f.message}" for f in findings]
    assert hits[0].severity == severity
    assert hits[0].file and hits[0].line, "every finding names file and line"


def test_clean_tiny_has_no_findings(tiny):
    assert validate(tiny) == []
