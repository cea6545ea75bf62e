"""Questions at the level of a theme: what the reviews say about trust, shared vision, pooled budgets … taken
together. A theme gathers the claims the framework (``data/themes.ttl``) assigns to it, from every review; its
evidence counts a work cited by several reviews, or for several claims, once.

May import: ``partnergraph.graph`` and everything below it, and the other ``partnergraph.questions`` modules.
"""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import dataclass

from ..core.errors import PartnergraphError
from ..core.namespaces import CLAIM_KINDS
from . import index as _index
from .common import _bare, _claim_sources, _links, _pool_members
from .resolve import resolve_theme
from .strength import NON_EMPIRICAL, RATINGS
from .themerows import ThemeRow, _challenges, _contested, _reviews_of, _sources, _theme_claims, _themes

__all__ = [
    "ThemeClaimRow",
    "ThemeEvidenceRow",
    "ThemeGapRow",
    "ThemeRow",
    "ThemeSourceRow",
    "ThemeStrengthRow",
    "review_columns",
    "theme",
    "theme_evidence",
    "theme_gaps",
    "theme_sources",
    "theme_strength",
    "theme_strength_rule",
    "themes",
]


# ---------------------------------------------------------------- shared helpers
def review_columns(g) -> list[str]:
    """The review documents claims are derived from, in seed order — by seed file, then by their first claim id
    (the columns of ``gaps --by theme``)."""
    nxg = g.nx
    first: dict[str, str] = {}
    for n, d in nxg.nodes(data=True):
        if d["kind"] == "claim":
            for r in d["derived_from"]:
                first[r] = min(first.get(r, n), n)
    return sorted(first, key=lambda k: (nxg.nodes.get("source:" + k, {}).get("seed_file", "") or "~", first[k], k))


def _need(g, theme_arg: str) -> str:
    return resolve_theme(g, theme_arg)


def themes(g, group: str | None = None) -> list[ThemeRow]:
    """Every theme (or those of one ``group``, by id or label): its claims, the reviews that state it, its
    distinct sources (direct and pooled) and the stance mix, in group then theme order.

    >>> import partnergraph as pg
    >>> row = next(r for r in pg.load().themes() if r.theme == "trust")
    >>> row.claims, row.reviews
    (15, ('partnershipworkingch7', 'wildridgereview'))
    """
    rows = _index.theme_rows(g)
    if group is not None:
        groups = dict(_index.theme_groups(g))
        want = group.strip().removeprefix("theme:")
        hit = [n for n, label in groups.items() if want in (n[6:], n[6:].removeprefix("group-"))
               or want.casefold() == label.casefold()]
        if not hit:
            raise PartnergraphError(f"no theme group '{group}'",
                                    hint="groups: " + ", ".join(sorted(n[6:] for n in groups)))
        rows = [r for r in rows if r[-1] == hit[0][6:]]
    return [ThemeRow(*r[:-1]) for r in rows]


# ---------------------------------------------------------------- theme: one theme's claims
@dataclass(frozen=True, slots=True)
class ThemeClaimRow:
    """A claim of a theme: its kind and label, the reviews it comes from, its distinct sources and stance mix,
    and whether it is contested (a disputing or qualifying link, or a claim that challenges or qualifies it)."""

    theme: str
    claim: str
    kind: str
    label: str
    reviews: tuple[str, ...]
    sources_direct: int
    sources_pooled: int
    supports: int
    disputes: int
    qualifies: int
    contested: bool


def theme(g, theme: str) -> list[ThemeClaimRow]:
    """The claims of ``theme`` (id, label, alternative label or words), review by review.

    >>> import partnergraph as pg
    >>> rows = pg.load().theme("shared vision")
    >>> {r.reviews[0] for r in rows} >= {"partnershipworkingch7", "wildridgereview", "briefing2009ch1"}
    True
    """
    nxg = g.nx
    t = _need(g, theme)
    rows = []
    for c in _theme_claims(nxg, t):
        d = nxg.nodes[c]
        direct, pooled = _claim_sources(nxg, c)
        stance = Counter(e["stance"] for _, e in _links(nxg, c))
        rows.append(ThemeClaimRow(t[6:], _bare(c), d["claim_kind"], d["label"], tuple(d["derived_from"]),
                                  len(direct), len(pooled), stance["supports"], stance["disputes"],
                                  stance["qualifies"], _contested(nxg, c)))
    order = {r: i for i, r in enumerate(review_columns(g))}
    return sorted(rows, key=lambda r: (min(order.get(x, 99) for x in r.reviews) if r.reviews else 99, r.claim))


# ---------------------------------------------------------------- the evidence of a theme
@dataclass(frozen=True, slots=True)
class ThemeEvidenceRow:
    """One evidence link of a theme's claim, as the citing ``review`` makes it: the claim, the source (or the
    pooled base, ``pool:…``, unless expanded), stance, attribution, locator and quote. ``cited_by``: every review
    that cites this source for the theme; ``citations``: how many links of the theme cite it — the same work
    cited twice is one source. A claim with no evidence link at all has one row per review stating it, with
    ``source`` and ``stance`` empty: the theme is stated there on the review's own words."""

    theme: str
    review: str
    claim: str
    claim_label: str
    source: str
    citation: str
    stance: str
    attribution: str
    locator: str
    quote: str
    via: str
    pool: str
    cited_by: tuple[str, ...]
    citations: int


def _citation(nxg, node: str) -> str:
    d = nxg.nodes[node]
    if d["kind"] == "pool":
        return f"pooled: {d['label']} ({len(_pool_members(nxg, node))} sources)"
    return d["label"] or d["key"]


def theme_evidence(g, theme: str, expand: bool = False) -> list[ThemeEvidenceRow]:
    """Every evidence link of the claims of ``theme``, grouped by the review that makes it (then by source and
    claim), with locators and quotes. With ``expand``, a pooled evidence base becomes one row per member source.

    >>> import partnergraph as pg
    >>> rows = pg.load().theme_evidence("trust")
    >>> sorted({r.review for r in rows})
    ['partnershipworkingch7', 'wildridgereview']
    """
    nxg = g.nx
    t = _need(g, theme)
    links = []
    bare = []
    for c in _theme_claims(nxg, t):
        if not _links(nxg, c):
            bare += [(review, c) for review in nxg.nodes[c]["derived_from"]]
        for u, e in _links(nxg, c):
            is_pool = nxg.nodes[u]["kind"] == "pool"
            for m in (_pool_members(nxg, u) if is_pool and expand else [u]):
                links.append((c, m, e, u if is_pool else ""))
    by_source: dict[str, set[str]] = {}
    count: Counter = Counter()
    for _, m, e, _ in links:
        by_source.setdefault(m, set()).add(e["citing"])
        count[m] += 1
    order = {r: i for i, r in enumerate(review_columns(g))}
    rows = [ThemeEvidenceRow(t[6:], e["citing"], _bare(c), nxg.nodes[c]["label"], _bare(m), _citation(nxg, m),
                             e["stance"], e["attribution"], e["locator"], e["quote"], e["via"], pool,
                             tuple(sorted(by_source[m], key=lambda r: (order.get(r, 99), r))), count[m])
            for c, m, e, pool in links]
    rows += [ThemeEvidenceRow(t[6:], review, _bare(c), nxg.nodes[c]["label"], "",
                              "(no evidence link: the review's own words)", "", "", "", nxg.nodes[c]["quote"], "",
                              "", (), 0) for review, c in bare]
    return sorted(rows, key=lambda r: (order.get(r.review, 99), r.review, r.source == "", r.source, r.claim))


@dataclass(frozen=True, slots=True)
class ThemeSourceRow:
    """A distinct work behind a theme, once however often it is cited: the ``reviews`` citing it for the theme,
    the ``claims`` it evidences, how many ``direct`` and ``pooled`` citations, and every citation as
    ``review: claim (locator)``."""

    theme: str
    source: str
    citation: str
    year: str
    reviews: tuple[str, ...]
    claims: tuple[str, ...]
    direct: int
    pooled: int
    citations: tuple[str, ...]


def theme_sources(g, theme: str) -> list[ThemeSourceRow]:
    """The distinct works behind ``theme`` (pooled bases expanded to their members), each once with every
    citation listed; works cited by most reviews first.

    >>> import partnergraph as pg
    >>> rows = pg.load().theme_sources("shared vision")
    >>> len(rows) == len({r.source for r in rows})
    True
    """
    nxg = g.nx
    t = _need(g, theme)
    acc: dict[str, dict] = {}
    for r in theme_evidence(g, t, expand=True):
        if not r.source:
            continue
        a = acc.setdefault(r.source, {"reviews": set(), "claims": set(), "direct": 0, "pooled": 0, "cites": []})
        a["reviews"].add(r.review)
        a["claims"].add(r.claim)
        a["pooled" if r.pool else "direct"] += 1
        where = f" ({r.locator})" if r.locator else (f" (pooled in {r.pool})" if r.pool else "")
        a["cites"].append(f"{r.review}: {r.claim}{where}")
    order = {r: i for i, r in enumerate(review_columns(g))}
    rows = []
    for s, a in acc.items():
        d = nxg.nodes["source:" + s]
        rows.append(ThemeSourceRow(t[6:], s, d["label"] or d["key"], d["year"],
                                   tuple(sorted(a["reviews"], key=lambda r: (order.get(r, 99), r))),
                                   tuple(sorted(a["claims"])), a["direct"], a["pooled"], tuple(a["cites"])))
    return sorted(rows, key=lambda r: (-len(r.reviews), -r.direct, -len(r.claims), r.source))


# ---------------------------------------------------------------- strength of a theme
@dataclass(frozen=True, slots=True)
class ThemeStrengthRow:
    """A theme's confidence rating (high, moderate, low, very low) across its claims and reviews, and why."""

    theme: str
    label: str
    rating: str
    claims: int
    independent_reviews: int
    units: int
    sources_direct: int
    sources_pooled: int
    supports: int
    against: int
    reasons: str


def theme_strength(g, theme: str | None = None) -> list[ThemeStrengthRow]:
    """Confidence in each theme (or one ``theme``), rated across all its claims and the reviews that state it.

    RULE
    Confidence in a theme — a finding that several claims, often of several reviews, state — is rated high,
    moderate, low or very low by the rule `partnergraph strength --explain` gives for one claim (after
    GRADE-CERQual, Lewin et al. 2018: start high, go down a level for each serious concern), applied to the
    theme as a whole:

    1. A theme none of whose claims has an evidence link (it rests only on the reviews' own words) is very
       low. Stop.
    2. Start at high. Adequacy (independent sources across the theme's claims): an evidence unit is a distinct
       work cited directly in support or qualification of any claim of the theme — a work cited for several of
       its claims, or by several reviews, is one unit; all pooled evidence together is one more unit, if any
       pooled source is not also a direct one. 3 or more units: no change; 2 units: down one level; 1 unit or
       none: down two levels.
    3. Adequacy across reviews: if every claim of the theme comes from one review (versions of one document,
       which share claims, are one review): down one level.
    4. Methodological limitations: if at least one direct source has a recorded evidence type and every
       recorded type is non-empirical (policy guidance, legislation, expert opinion, theory/model, textbook):
       down one level.
    5. Coherence across reviews: count what stands against the theme's claims — disputing or qualifying
       evidence links, and claims (of any review, or the curators' reading) that challenge or qualify them.
       Any: down one level; down two levels instead if they are at least as many as the supporting links.
    6. Never below very low. Relevance is not assessed (the contexts of the underlying studies are not
       recorded).
    END

    >>> import partnergraph as pg
    >>> [r.rating for r in pg.load().theme_strength("economy")]   # one review, its pooled Sources list only
    ['very low']
    """
    nxg = g.nx
    names = [_need(g, theme)] if theme is not None else _themes(nxg)
    review_of = _reviews_of(nxg)
    rows = [_theme_strength_row(nxg, t, review_of) for t in names]
    return rows


def theme_strength_rule(g=None) -> str:
    """The rule :func:`theme_strength` applies, as written in its docstring (``strength --theme --explain``)."""
    doc = inspect.getdoc(theme_strength) or ""
    return doc.split("RULE\n", 1)[1].split("\nEND", 1)[0].strip() + "\n"


def _theme_strength_row(nxg, t: str, review_of: dict[str, str]) -> ThemeStrengthRow:
    claims = _theme_claims(nxg, t)
    links = [(u, e) for c in claims for u, e in _links(nxg, c)]
    direct, pooled = _sources(nxg, claims)
    stance = Counter(e["stance"] for _, e in links)
    reviews = {review_of.get(r, r) for c in claims for r in nxg.nodes[c]["derived_from"]}
    against = stance["disputes"] + stance["qualifies"] + len(_challenges(nxg, claims))
    reasons: list[str] = []
    units = 0
    if not links:
        level = 0
        reasons.append("no evidence link for any of its claims: rests on the reviews' own words")
    else:
        level = 3
        backing = {u for u, e in links if nxg.nodes[u]["kind"] != "pool" and e["stance"] != "disputes"}
        units = len(backing) + (1 if pooled else 0)
        drop = 0 if units >= 3 else min(3 - units, 2)
        level -= drop
        reasons.append(f"adequacy: {units} evidence unit(s) across {len(claims)} claim(s) ({len(backing)} distinct "
                       f"work(s) cited directly in support" + (f" + pooled evidence ({len(pooled)} more works)"
                                                               if pooled else "") + ")"
                       + (f": -{drop}" if drop else ": no change"))
        if len(reviews) == 1:
            level -= 1
            reasons.append(f"adequacy: stated by one review only ({sorted(reviews)[0]}): -1")
        else:
            reasons.append(f"adequacy: stated by {len(reviews)} reviews: no change")
        types = sorted({nxg.nodes[s]["evidence_type"] for s in direct if nxg.nodes[s]["evidence_type"]})
        if types and all(x in NON_EMPIRICAL for x in types):
            level -= 1
            reasons.append(f"methodological limitations: only non-empirical sources ({', '.join(types)}): -1")
        if against:
            drop = 2 if against >= stance["supports"] else 1
            level -= drop
            reasons.append(f"coherence: {stance['disputes']} disputing and {stance['qualifies']} qualifying links, "
                           f"{len(_challenges(nxg, claims))} challenging or qualifying claim relation(s), against "
                           f"{stance['supports']} supporting link(s): -{drop}")
        else:
            reasons.append("coherence: nothing disputes, qualifies or challenges its claims: no change")
        reasons.append("relevance: not assessed")
    return ThemeStrengthRow(t[6:], nxg.nodes[t]["label"], RATINGS[max(level, 0)], len(claims), len(reviews), units,
                            len(direct), len(pooled), stance["supports"], against, "; ".join(reasons))


# ---------------------------------------------------------------- the theme x review (or x kind) matrix
@dataclass(frozen=True, slots=True)
class ThemeGapRow:
    """One cell of the theme matrix: a theme and a column (a review document, or a claim kind). ``claims``: the
    theme's claims in the column; ``sources_direct`` / ``sources_pooled``: distinct works cited for them one by
    one / only through pooled bases (for a review column: as that review cites them). ``theme_reviews`` and
    ``theme_note`` repeat, on every cell of the row, how many reviews state the theme and where it is thin
    (``one review only``, ``pooled evidence only``, ``no evidence``)."""

    theme: str
    label: str
    group: str
    column: str
    claims: int
    sources_direct: int
    sources_pooled: int
    theme_reviews: int
    theme_note: str


def theme_gaps(g, by: str = "review") -> list[ThemeGapRow]:
    """The evidence-and-gap map of the themes: every theme against every review (``by="review"``) or every claim
    kind (``by="kind"``), cell by cell, zeros included.

    >>> import partnergraph as pg
    >>> cells = [c for c in pg.load().theme_gaps() if c.theme == "trust" and c.claims]
    >>> [(c.column, c.claims) for c in cells]
    [('partnershipworkingch7', 3), ('wildridgereview', 12)]
    """
    if by not in ("review", "kind"):
        raise PartnergraphError(f"unknown column '{by}'", hint="give --by theme with --columns review or kind")
    nxg = g.nx
    review_of = _reviews_of(nxg)
    columns = review_columns(g) if by == "review" else list(CLAIM_KINDS)
    rows = []
    for t in sorted(_themes(nxg), key=lambda n: (nxg.nodes[n]["group"], n)):
        d = nxg.nodes[t]
        claims = _theme_claims(nxg, t)
        direct_all, pooled_all = _sources(nxg, claims)
        reviews = {review_of.get(r, r) for c in claims for r in nxg.nodes[c]["derived_from"]}
        note = ("no evidence" if not (direct_all or pooled_all) else "pooled evidence only" if not direct_all
                else "one review only" if len(reviews) == 1 else "")
        for col in columns:
            if by == "review":
                mine = [c for c in claims if col in nxg.nodes[c]["derived_from"]]
                direct, pooled = set(), set()
                for c in claims:
                    for u, e in _links(nxg, c):
                        if e["citing"] != col:
                            continue
                        if nxg.nodes[u]["kind"] == "pool":
                            pooled.update(_pool_members(nxg, u))
                        else:
                            direct.add(u)
                pooled -= direct
            else:
                mine = [c for c in claims if nxg.nodes[c]["claim_kind"] == col]
                direct, pooled = _sources(nxg, mine)
            rows.append(ThemeGapRow(t[6:], d["label"], d["group_label"], col, len(mine), len(direct), len(pooled),
                                    len(reviews), note))
    return rows
