"""Seeded synthetic corpora for the benchmarks: ``sources.bib`` + ``claims.ttl`` at 1k, 10k or 100k sources.

The bibliography looks like a library catalogue (mostly complete articles, books and reports; a few LaTeX
accents, page ranges with ``--``, DOIs). The claims layer keeps the bundled corpus's proportions among its own
parts — claim kinds, evidence links per claim (629/580), pooled links (109/629), pools (4/580), claim sets
(76/580, ~5 members), quality cells on benefits, locators, quotes, study counts, related claims — at one claim
per ten sources (a catalogue is far larger than what a team has curated from it), so that 100k sources make
about 1.5M triples.

Usage::

    python benchmarks/generate.py 10k OUT_DIR [--seed 7]

Turtle is written as text in the style of ``data/claims.ttl`` (prefixed names, one subject per block): going
through rdflib and :func:`partnergraph.files.turtle.serialize` takes minutes at 100k, text takes seconds.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

CLAIM_KINDS = {  # counts in the bundled corpus
    "Benefit": 95, "Finding": 80, "Barrier": 64, "CriticalSuccessFactor": 55, "Argument": 54,
    "PartnershipType": 53, "Driver": 40, "Recommendation": 32, "AssessmentMethod": 27, "Definition": 25,
    "PolicyInitiative": 20, "LifecycleStage": 20, "Objective": 9, "Principle": 6,
}
CELLS = [d + lv for d in ("Economy", "Efficiency", "Effectiveness", "Equity") for lv in ("Input", "Output", "Outcome")]
FAMILIES = ["Smith", "Jones", "Glasby", "Dickinson", "Peck", "Gray", "Huxham", "Vangen", "Wildridge", "Childs",
            "Hudson", "Hardy", "Sullivan", "Skelcher", "Ling", "Rummery", "Powell", "Exworthy", "Cameron",
            "Lart", "Asthana", "Richardson", "Balloch", "Taylor", "M{\\\"u}ller", "Garc{\\'\\i}a", "O'Brien",
            "van der Berg", "Nguyen", "Kaur", "Okafor", "Andersson", "Rossi", "Dubois", "Kowalski", "Tanaka"]
GIVENS = ["Jon", "Helen", "Edward", "Barbara", "Chris", "Siv", "Valerie", "Sue", "Bob", "Brian", "Helen", "Chris",
          "Tony", "Kirstein", "Martin", "Mark", "Ailsa", "Randall", "Sheena", "Marian", "Jos{\\'e}", "Ana",
          "Li", "Priya", "Chidi", "Anna", "Marco", "Claire", "Piotr", "Yuki"]
WORDS = ("partnership working health social care integration collaboration outcomes evaluation joint "
         "commissioning governance trust leadership accountability pooled budgets inter-agency community "
         "services older people mental learning disabilities housing local authorities primary care trusts "
         "evidence review policy practice professional boundaries networks public value efficiency equity "
         "effectiveness economy impact barriers drivers success factors").split()
JOURNALS = [f"Journal of {a} {b}" for a in ("Integrated", "Interprofessional", "Public", "Health", "Social",
                                            "Community", "Policy")
            for b in ("Care", "Services", "Policy", "Management", "Research", "Studies", "Administration",
                      "Practice", "Review", "Quarterly")]
PUBLISHERS = ["Policy Press", "Palgrave Macmillan", "Jossey-Bass", "Open University Press", "Routledge", "Sage",
              "Audit Commission", "Department of Health", "King's Fund", "Nuffield Institute for Health"]

PREFIXES = """@prefix pg: <https://w3id.org/partnergraph/ns#> .
@prefix pgid: <https://w3id.org/partnergraph/id/> .
@prefix source: <https://w3id.org/partnergraph/id/source/> .
@prefix claim: <https://w3id.org/partnergraph/id/claim/> .
@prefix evidence: <https://w3id.org/partnergraph/id/evidence/> .
@prefix set: <https://w3id.org/partnergraph/id/set/> .
@prefix pool: <https://w3id.org/partnergraph/id/pool/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

"""


def parse_size(text: str) -> int:
    """``1k`` → 1000, ``100k`` → 100000, ``250`` → 250."""
    text = text.strip().lower()
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    if text.endswith("m"):
        return int(float(text[:-1]) * 1_000_000)
    return int(text)


def _words(rnd: random.Random, lo: int, hi: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(lo, hi)))


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def generate(n_sources: int, out: Path, seed: int = 7, claims_per_source: float = 0.1,
             key_prefix: str = "s") -> dict[str, int]:
    """Write ``out/sources.bib`` and ``out/claims.ttl``; return counts of what was written."""
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    keys = [f"{key_prefix}{i:06d}" for i in range(n_sources)]
    n_reviews = max(1, round(n_sources * 5 / 204 / 10))
    reviews = keys[:n_reviews]
    bib = [f"% synthetic bibliography: {n_sources} sources, seed {seed} (benchmarks/generate.py)\n"]
    for i, key in enumerate(keys):
        r = rnd.random()
        kind = "article" if r < 0.55 else "book" if r < 0.7 else "techreport" if r < 0.85 else "misc"
        n_auth = rnd.choice((1, 1, 1, 2, 2, 3, 4))
        if kind == "techreport" and rnd.random() < 0.5:
            authors = "{" + rnd.choice(PUBLISHERS) + "}"
        else:
            authors = " and ".join(f"{rnd.choice(FAMILIES)}, {rnd.choice(GIVENS)}" for _ in range(n_auth))
        fields = [("author", authors), ("title", _words(rnd, 4, 12).capitalize()),
                  ("year", str(rnd.randint(1970, 2024)))]
        if kind == "article":
            fields += [("journal", rnd.choice(JOURNALS)), ("volume", str(rnd.randint(1, 40))),
                       ("number", str(rnd.randint(1, 12)))]
            a = rnd.randint(1, 400)
            fields.append(("pages", f"{a}--{a + rnd.randint(5, 30)}"))
            if rnd.random() < 0.6:
                fields.append(("doi", f"10.{rnd.randint(1000, 9999)}/{key}.{rnd.randint(1, 99999)}"))
        elif kind == "book":
            fields += [("publisher", rnd.choice(PUBLISHERS)), ("address", "London")]
        elif kind == "techreport":
            fields += [("institution", rnd.choice(PUBLISHERS))]
        else:
            fields += [("howpublished", "Web page"), ("url", f"https://example.org/{key}")]
        status = "complete"
        if rnd.random() < 0.15:
            drop = rnd.choice(("year", "title"))
            fields = [f for f in fields if f[0] != drop]
            status = "incomplete"
            fields.append(("missing", drop))
        fields.append(("status", status))
        if i < n_reviews:
            fields.append(("evidencetype", "review"))
            fields.append(("seedfile", f"{i:03d}_synthetic.txt"))
        elif rnd.random() < 0.1:
            fields.append(("evidencetype", rnd.choice(("survey", "evaluation", "qualitative case study"))))
        if rnd.random() < 0.2:
            fields.append(("note", _words(rnd, 6, 20)))
        width = max(len(f) for f, _ in fields)
        body = ",\n".join(f"  {f:<{width}} = {{{v}}}" for f, v in fields)
        bib.append(f"@{kind}{{{key},\n{body}\n}}\n")
    (out / "sources.bib").write_text("\n".join(bib), encoding="utf-8")

    n_claims = max(20, round(n_sources * claims_per_source))
    kinds = rnd.choices(list(CLAIM_KINDS), weights=list(CLAIM_KINDS.values()), k=n_claims)
    claims = [f"c{i:06d}" for i in range(n_claims)]
    ttl = [f"# synthetic claims: {n_claims} claims over {n_sources} sources, seed {seed} (benchmarks/generate.py)\n\n",
           PREFIXES]
    review_of = {}
    for cid, kind in zip(claims, kinds, strict=True):
        review = rnd.choice(reviews)
        review_of[cid] = review
        label = _esc(_words(rnd, 5, 16))
        lines = [f"claim:{cid} a pg:{kind} ;", f'    rdfs:label "{label}" ;']
        if kind == "Benefit":
            cells = rnd.sample(CELLS, rnd.choice((1, 1, 1, 1, 2)))
            lines.append("    pg:categorisedBy pg:" + rnd.choice(("ReviewAssigned", "CuratorAssigned")) + " ;")
            lines.append("    pg:qualityCategory " + ", ".join("pg:" + c for c in cells) + " ;")
        if rnd.random() < 10 / 580:
            lines.append(f"    pg:studyCount [ pg:count {rnd.randint(1, 9)} ; pg:outOf {rnd.randint(10, 30)} ; "
                         f'pg:finding "{_words(rnd, 3, 6)}" ] ;')
        lines += ["    pg:quote [", "        a oa:SpecificResource ;",
                  f'        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{label}" ] ;',
                  f"        oa:hasSource source:{review}", "    ] ;",
                  f'    pg:where "section {rnd.randint(1, 40)}, {_words(rnd, 2, 5)}" ;',
                  f"    prov:wasDerivedFrom source:{review} ."]
        ttl.append("\n".join(lines) + "\n\n")
    related = rnd.sample(claims, min(len(claims), round(n_claims * 224 / 580 / 2)))
    for a in related:
        ttl.append(f"claim:{a} skos:related claim:{rnd.choice(claims)} .\n\n")
    n_pools = max(1, round(n_claims * 4 / 580))
    pools = [f"p{i:05d}" for i in range(n_pools)]
    for p in pools:
        members = sorted(set(rnd.sample(keys[n_reviews:], min(len(keys) - n_reviews, 22))))
        ttl.append(f'pool:{p} a pg:PooledEvidenceBase ;\n    rdfs:label "Sources of table {p}" ;\n'
                   f"    dcterms:source source:{rnd.choice(reviews)} ;\n"
                   f"    prov:hadMember {', '.join('source:' + m for m in members)} .\n\n")
    n_links = round(n_claims * 629 / 580)
    for i in range(n_links):
        cid = claims[i % n_claims] if i < n_claims else rnd.choice(claims)
        pooled = rnd.random() < 109 / 629
        cited = "pool:" + rnd.choice(pools) if pooled else "source:" + rnd.choice(keys)
        lines = [f"evidence:e{i:07d} a pg:EvidenceLink ;",
                 "    cito:hasCitationCharacterization cito:citesAsEvidence ;",
                 f"    cito:hasCitedEntity {cited} ;", f"    cito:hasCitingEntity source:{review_of[cid]} ;",
                 f"    pg:aboutClaim claim:{cid} ;", f"    pg:attribution pg:{'Pooled' if pooled else 'Direct'} ;"]
        if not pooled and rnd.random() < 229 / 520:
            lines.append(f'    pg:locator "p.{rnd.randint(1, 300)}" ;')
        if not pooled:
            lines += ["    pg:quote [", "        a oa:SpecificResource ;",
                      f'        oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{_words(rnd, 2, 6)}" ] ;',
                      f"        oa:hasSource source:{review_of[cid]}", "    ] ;"]
        stance = "Supports" if rnd.random() < 0.99 else rnd.choice(("Disputes", "Qualifies"))
        lines.append(f"    pg:stance pg:{stance} .")
        ttl.append("\n".join(lines) + "\n\n")
    n_sets = max(1, round(n_claims * 76 / 580))
    for i in range(n_sets):
        members = rnd.sample(claims, min(n_claims, rnd.randint(2, 8)))
        ttl.append(f'set:t{i:05d} a pg:ClaimSet ;\n    rdfs:label "{_words(rnd, 3, 8)}" ;\n'
                   f'    pg:where "section {rnd.randint(1, 40)}" ;\n'
                   f"    skos:member {', '.join('claim:' + m for m in members)} .\n\n")
    (out / "claims.ttl").write_text("".join(ttl), encoding="utf-8")
    return {"sources": n_sources, "claims": n_claims, "evidence_links": n_links, "pools": n_pools,
            "claim_sets": n_sets}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", help="number of sources: 1k, 10k, 100k or a number")
    ap.add_argument("out", type=Path, help="folder to write sources.bib and claims.ttl into")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    counts = generate(parse_size(args.size), args.out, args.seed)
    print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()), "→", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
