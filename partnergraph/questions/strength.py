"""How much confidence each claim deserves: the strength rating and the rule it applies (docs/strength.md).

May import: ``partnergraph.graph`` and everything below it, and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass

from ..core.namespaces import CLAIM_KINDS
from .common import _bare, _claim_sources, _claims, _kinds, _links, resolve_claim

__all__ = [
    "NON_EMPIRICAL",
    "RATINGS",
    "StrengthRow",
    "strength",
    "strength_rule",
]

NON_EMPIRICAL = ("PolicyGuidance", "Legislation", "ExpertOpinion", "TheoryModel", "Textbook")


RATINGS = ("very low", "low", "moderate", "high")


@dataclass(frozen=True, slots=True)
class StrengthRow:
    """A claim's confidence rating (high, moderate, low, very low) with what it rests on and why."""

    claim: str
    kind: str
    label: str
    rating: str
    sources_direct: int
    sources_pooled: int
    evidence_types: tuple[str, ...]
    supports: int
    disputes: int
    qualifies: int
    challenged: int
    qualified: int
    supported: int
    reasons: str


def strength(g, claim: str | None = None, kind: str | tuple[str, ...] | None = None) -> list[StrengthRow]:
    """Confidence in each claim (or in one ``claim``, by id or words), rated from its evidence.

    RULE
    Confidence in a claim is rated high, moderate, low or very low by a rule after GRADE-CERQual
    (Lewin et al. 2018), which judges four components and starts every finding at high confidence,
    going down a level for each serious concern. From the data partnergraph holds:

    - Adequacy (assessed in part): how many distinct sources evidence the claim, and whether the review
      cites them for this claim one by one (direct) or only in a pooled evidence base (a block list of
      sources for a whole table, which does not say which source supports which claim). The richness
      of the data behind each source cannot be assessed.
    - Coherence (assessed in part): whether any evidence link disputes or qualifies the claim, and
      whether any claim of the reviews challenges or qualifies it (a relation between claims, directly or
      through a claim set, asserted by a review's own words or by the curators). Whether the underlying
      studies agree with each other beyond what the reviews say is not recorded.
    - Methodological limitations (assessed in part): the evidence type of each direct source, where a
      librarian recorded one (most sources have none; an unknown type is not held against a claim).
      The design and conduct of each study are not recorded and cannot be assessed.
    - Relevance (not assessed): how far the contexts of the underlying studies fit the claim is not
      recorded.

    The rule, in this order:

    1. A claim with no evidence link (it rests only on the review's own words) is very low. Stop.
    2. Start at high. Adequacy: count evidence units: each distinct source cited directly in support
       of the claim (a supporting or qualifying link; a disputing source is no support) is one unit;
       all pooled evidence together is one more unit, if any pooled source is not also a direct one.
       3 or more units: no change; 2 units: down one level; 1 unit or none: down two levels.
    3. Methodological limitations: if at least one direct source has a recorded evidence type and
       every recorded type is non-empirical (policy guidance, legislation, expert opinion,
       theory/model, textbook): down one level.
    4. Coherence: count what contests the claim (each disputing or qualifying link, and each claim
       that challenges or qualifies it, unless that claim rests only on works already counted as
       disputing or qualifying links) and what backs it (each supporting link, and each claim that
       supports it). Anything contesting it: down one level; down two levels instead if what contests
       it is at least as much as what backs it.
    5. Never below very low. Distinct sources are distinct works (BibTeX keys); two reviews citing
       the same work count it once.
    END

    >>> import partnergraph as pg
    >>> row = pg.load().strength("s004a-contract-not-partnership")[0]
    >>> row.rating, row.sources_direct, row.disputes, row.challenged
    ('low', 3, 1, 1)
    """
    nxg = g.nx
    names = [resolve_claim(g, claim)] if claim is not None else _claims(nxg, _kinds(kind))
    order = {k: i for i, k in enumerate(CLAIM_KINDS)}
    rows = [_strength_row(nxg, c) for c in names]
    return sorted(rows, key=lambda r: (order[r.kind], r.claim)) if claim is None else rows


def strength_rule(g=None) -> str:
    """The rule :func:`strength` applies, as written in its docstring (what ``strength --explain`` prints).

    The graph argument is accepted (and ignored) so that ``g.strength_rule()`` works like every question."""
    doc = inspect.getdoc(strength) or ""
    return doc.split("RULE\n", 1)[1].split("\nEND", 1)[0].strip() + "\n"


def _strength_row(nxg, c: str) -> StrengthRow:
    d = nxg.nodes[c]
    direct, pooled = _claim_sources(nxg, c)
    links = _links(nxg, c)
    stance = Counter(e["stance"] for _, e in links)
    against_works = {_bare(u) for u, e in links if e["stance"] in ("disputes", "qualifies")}
    by, repeats = _claims_bearing_on(nxg, c, against_works)
    types = tuple(sorted({nxg.nodes[s]["evidence_type"] for s in direct if nxg.nodes[s]["evidence_type"]}))
    reasons: list[str] = []
    if not links:
        level = 0
        reasons.append("no evidence link: rests on the review's own words")
    else:
        level = 3
        backing = {u for u, e in links if u in direct and e["stance"] != "disputes"}
        units = len(backing) + (1 if pooled - direct else 0)
        what = f"{len(backing)} direct source(s) in support" + (f" + pooled evidence ({len(pooled)} sources)"
                                                                  if pooled else "")
        drop = 0 if units >= 3 else min(3 - units, 2)
        level -= drop
        reasons.append(f"adequacy: {units} evidence unit(s) ({what})" + (f": -{drop}" if drop else ": no change"))
        if types and all(t in NON_EMPIRICAL for t in types):
            level -= 1
            reasons.append(f"methodological limitations: only non-empirical sources ({', '.join(types)}): -1")
        unknown = sum(1 for s in direct if not nxg.nodes[s]["evidence_type"])
        if unknown:
            reasons.append(f"evidence type not recorded for {unknown} of {len(direct)} direct source(s)")
        against = stance["disputes"] + stance["qualifies"] + by["challenges"] + by["qualifies"] - repeats
        backing_n = stance["supports"] + by["supports"]
        if against:
            drop = 2 if against >= backing_n else 1
            level -= drop
            again = f" ({repeats} resting only on a disputing or qualifying work already counted)" if repeats else ""
            reasons.append(f"coherence: {stance['disputes']} disputing, {stance['qualifies']} qualifying, "
                           f"{stance['supports']} supporting link(s), {by['challenges']} challenging, "
                           f"{by['qualifies']} qualifying{again}, {by['supports']} supporting claim(s): -{drop}")
        elif by["supports"]:
            reasons.append(f"coherence: {by['supports']} supporting claim(s), nothing contesting: no change")
        reasons.append("relevance: not assessed")
    return StrengthRow(_bare(c), d["claim_kind"], d["label"], RATINGS[max(level, 0)], len(direct), len(pooled),
                       types, stance["supports"], stance["disputes"], stance["qualifies"], by["challenges"],
                       by["qualifies"], by["supports"], "; ".join(reasons))


def _claims_bearing_on(nxg, c: str, counted: set[str]) -> tuple[Counter, int]:
    """Distinct claims that challenge, qualify or support ``c``, by kind of relation, and how many of the
    challenging or qualifying ones rest only on works in ``counted`` (already disputing or qualifying links of
    ``c``: the rule counts such a work once)."""
    pairs = {(e["relation"], u) for u, _, e in nxg.in_edges(c, data=True) if e["kind"] == "relates"}
    repeats = 0
    for kind, u in pairs:
        if kind != "supports" and counted:
            direct, pooled = _claim_sources(nxg, u)
            works = {_bare(s) for s in direct}
            repeats += bool(works and not pooled and works <= counted)
    return Counter(kind for kind, _ in pairs), repeats
